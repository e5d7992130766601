package leaky

import (
	"bytes"
	"unsafe"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/learn"
)

// Single runs one copy of a model as a stream and implements
// learn.Stepper, learn.Dynamics and learn.StepMap in float64 over a model of
// any precision. Models embed it. It takes the model's current weights
// (through the Mapping) at Reset, SetState, Refresh and in every Dynamics and
// StepMap call, and Step takes them whenever the parameters changed since
// they were last taken (by an optimizer, LoadParams, or a write to
// Params().Flat()), so Step and PredictLast always use the same weights.
// The state is kept: after a change, Step continues from the current state
// with the new weights (Reset starts over).
//
// Step detects a change by comparing the parameters' bits with a copy made
// when the weights were last taken (a memory comparison of Params().Len()
// values, no allocation) when the Mapping has a Params() method, as the
// CT-RNN and rate models do; with any other Mapping it takes the weights at
// every Step.
type Single[T asm.Float] struct {
	m        Mapping[T]
	src      paramSource[T]
	seen     []T
	net      *Net[T]
	st       *Stream[T]
	sampleDt float64
	x, y     []T
	h, j, jx []T
	d        []T
}

// paramSource is a Mapping whose effective tensors depend on nothing but
// its Params.
type paramSource[T asm.Float] interface {
	Params() *learn.Params[T]
}

var (
	_ learn.Stepper  = (*Single[float32])(nil)
	_ learn.Dynamics = (*Single[float64])(nil)
	_ learn.StepMap  = (*Single[float32])(nil)
)

// NewSingle returns a stream of the model (s, m); sampleDt is the data time
// one Step covers (StepTime).
func NewSingle[T asm.Float](s Spec, m Mapping[T], sampleDt float64) (*Single[T], error) {
	net, err := NewNet[T](s)
	if err != nil {
		return nil, err
	}
	st, err := NewStream(net, 1)
	if err != nil {
		return nil, err
	}
	N, I, O := s.N, s.I, s.O
	sg := &Single[T]{m: m, net: net, st: st, sampleDt: sampleDt,
		x: make([]T, I), y: make([]T, O), h: make([]T, N), j: make([]T, N*N), jx: make([]T, N*I), d: make([]T, N)}
	if src, ok := m.(paramSource[T]); ok && src.Params() != nil {
		sg.src = src
		sg.seen = make([]T, src.Params().Len())
	}
	return sg, nil
}

// Refresh takes the model's current weights.
func (s *Single[T]) Refresh() {
	s.m.Effective(s.net)
	if s.src != nil {
		copy(s.seen, s.src.Params().Flat())
	}
}

// current takes the model's weights if the parameters changed since they
// were last taken (always, without a Params() method to compare).
func (s *Single[T]) current() {
	if s.src != nil {
		p := s.src.Params().Flat()
		if len(p) == len(s.seen) && bytes.Equal(bitsOf(p), bitsOf(s.seen)) {
			return
		}
		if len(p) != len(s.seen) {
			s.seen = make([]T, len(p))
		}
	}
	s.Refresh()
}

// bitsOf returns the bytes of x (aliased), so that a comparison is bitwise:
// −0 differs from +0 and a NaN equals itself.
func bitsOf[T asm.Float](x []T) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), len(x)*int(unsafe.Sizeof(x[0])))
}

// InputDim returns the number of inputs.
func (s *Single[T]) InputDim() int { return s.net.I }

// OutputDim returns the number of outputs.
func (s *Single[T]) OutputDim() int { return s.net.O }

// StateDim returns the number of units N.
func (s *Single[T]) StateDim() int { return s.net.N }

// Reset takes the current weights and sets the state to zero.
func (s *Single[T]) Reset() {
	s.Refresh()
	s.st.Reset()
}

// Step feeds x, advances one sample interval with the model's current
// weights and writes the decoded output (the prediction of the next sample)
// to y.
func (s *Single[T]) Step(y, x []float64) {
	if I, O := s.net.I, s.net.O; len(x) < I || len(y) < O {
		lengthPanic(s.m, "Step", arg{"y", len(y), O, "OutputDim"}, arg{"x", len(x), I, "InputDim"})
	}
	s.current()
	for i := range s.x {
		s.x[i] = T(x[i])
	}
	if err := s.st.Step(s.y, s.x); err != nil {
		// Only dopri5 can fail (non-finite state, step-size underflow): the
		// state is then not meaningful, report it as NaN.
		for i := range y[:s.net.O] {
			y[i] = nan()
		}
		return
	}
	for i := range s.y {
		y[i] = float64(s.y[i])
	}
}

func nan() float64 {
	var z float64
	return z / z
}

// State copies the state h into dst.
func (s *Single[T]) State(dst []float64) {
	if len(dst) < s.net.N {
		lengthPanic(s.m, "State", arg{"dst", len(dst), s.net.N, "StateDim"})
	}
	s.st.State(s.h)
	for i, v := range s.h {
		dst[i] = float64(v)
	}
}

// SetState takes the current weights and sets the state to src.
func (s *Single[T]) SetState(src []float64) {
	if len(src) < s.net.N {
		lengthPanic(s.m, "SetState", arg{"src", len(src), s.net.N, "StateDim"})
	}
	s.Refresh()
	for i := range s.h {
		s.h[i] = T(src[i])
	}
	s.st.SetState(s.h)
}

func (s *Single[T]) load(method string, h, x []float64) {
	if N, I := s.net.N, s.net.I; len(h) < N || len(x) < I {
		lengthPanic(s.m, method, arg{"h", len(h), N, "StateDim"}, arg{"x", len(x), I, "InputDim"})
	}
	s.Refresh()
	for i := range s.h {
		s.h[i] = T(h[i])
	}
	for i := range s.x {
		s.x[i] = T(x[i])
	}
}

// VectorField writes F(h, x) (per model time unit) to dst.
func (s *Single[T]) VectorField(dst, h, x []float64) {
	if len(dst) < s.net.N {
		lengthPanic(s.m, "VectorField", arg{"dst", len(dst), s.net.N, "StateDim"})
	}
	s.load("VectorField", h, x)
	s.st.VectorField(s.d, s.h, s.x)
	for i, v := range s.d {
		dst[i] = float64(v)
	}
}

// Jacobian writes ∂F/∂h at (h, x) to jac (N×N).
func (s *Single[T]) Jacobian(jac, h, x []float64) {
	if N := s.net.N; len(jac) < N*N {
		lengthPanic(s.m, "Jacobian", arg{"jac", len(jac), N * N, "StateDim²"})
	}
	s.load("Jacobian", h, x)
	s.st.Jacobian(s.j, s.h, s.x)
	for i, v := range s.j {
		jac[i] = float64(v)
	}
}

// Decode writes the readout of state h to y.
func (s *Single[T]) Decode(y, h []float64) {
	if len(y) < s.net.O || len(h) < s.net.R {
		lengthPanic(s.m, "Decode", arg{"y", len(y), s.net.O, "OutputDim"}, arg{"h", len(h), s.net.R, "the units read out"})
	}
	s.Refresh()
	net := s.net
	R := net.R
	for o := 0; o < net.O; o++ {
		row := net.Dec[o*(R+1) : (o+1)*(R+1)]
		v := float64(row[R])
		for k := 0; k < R; k++ {
			v += float64(float64(row[k]) * h[k])
		}
		y[o] = v
	}
}

// StepJacobian writes ∂G/∂h (N×N) and ∂G/∂x (N×I, if jx is non-nil) of one
// Step's state map at (h, x).
func (s *Single[T]) StepJacobian(jh, jx, h, x []float64) {
	if N, I := s.net.N, s.net.I; len(jh) < N*N || (jx != nil && len(jx) < N*I) {
		jxLen := len(jx)
		if jx == nil { // skipped, not short
			jxLen = N * I
		}
		lengthPanic(s.m, "StepJacobian", arg{"jh", len(jh), N * N, "StateDim²"}, arg{"jx", jxLen, N * I, "StateDim·InputDim"})
	}
	s.load("StepJacobian", h, x)
	if err := s.st.StepJacobian(s.j, s.jx, s.h, s.x); err != nil {
		for i := range jh {
			jh[i] = nan()
		}
		return
	}
	for i, v := range s.j {
		jh[i] = float64(v)
	}
	if jx != nil {
		for i, v := range s.jx {
			jx[i] = float64(v)
		}
	}
}

// DecoderJacobian writes ∂y/∂h (O×N) to jd: the decoder weights, zero for
// units the decoder does not read.
func (s *Single[T]) DecoderJacobian(jd []float64) {
	if n := s.net.O * s.net.N; len(jd) < n {
		lengthPanic(s.m, "DecoderJacobian", arg{"jd", len(jd), n, "OutputDim·StateDim"})
	}
	s.Refresh()
	net := s.net
	N, R := net.N, net.R
	for o := 0; o < net.O; o++ {
		for k := 0; k < N; k++ {
			v := 0.0
			if k < R {
				v = float64(net.Dec[o*(R+1)+k])
			}
			jd[o*N+k] = v
		}
	}
}

// StepTime returns the data time one Step covers.
func (s *Single[T]) StepTime() float64 { return s.sampleDt }
