package snn

import (
	"context"
	"fmt"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn/leaky"
)

// stream runs n streams one sample at a time (the Stepper, closed-loop
// generation), without a tape.
type stream[T asm.Float] struct {
	e      *net[T]
	st     *state[T]
	inp, u []T
	s      [2][]T
	l      [2]spikeList
	t      int
	feat   []T
	xb, yb []T
}

func newStream[T asm.Float](e *net[T], n int) *stream[T] {
	s := &stream[T]{
		e: e, st: newState(e, n),
		inp: make([]T, n*e.N), u: make([]T, n*e.N),
		feat: make([]T, n*e.F), xb: make([]T, n*e.I), yb: make([]T, n*e.O),
	}
	for k := range s.s {
		s.s[k] = make([]T, n*e.N)
	}
	return s
}

// reset zeroes the state.
func (s *stream[T]) reset() {
	s.st.zero(s.e)
	s.t = 0
}

// step feeds one sample to every stream (x: n×I) and writes the outputs
// (n×O).
func (s *stream[T]) step(y, x []T) {
	e, n := s.e, s.st.n
	e.project(s.inp, x, n)
	for k := 0; k < e.K; k++ {
		b := s.t & 1
		e.step(s.st, s.inp, s.u, s.s[b], nil, &s.l[b])
		s.t++
	}
	e.features(s.feat, s.st)
	e.decode(y, s.feat, x, n)
}

// InputDim returns the number of inputs (learn.Stepper).
func (m *Model[T]) InputDim() int { return m.cfg.Inputs }

// OutputDim returns the number of outputs (learn.Stepper).
func (m *Model[T]) OutputDim() int { return m.cfg.Outputs }

// StateDim returns the length of State: synaptic currents, membrane
// potentials, refractory counters and the last step's spikes (N each), the
// readout traces (Features for filtered, ReadoutNeurons for count, none for
// membrane) and the number of steps since the reset.
func (m *Model[T]) StateDim() int {
	N := m.cfg.N()
	d := 4*N + 1
	switch m.cfg.Readout {
	case ReadoutFiltered:
		d += m.cfg.Features()
	case ReadoutCount:
		d += m.cfg.ReadoutNeurons()
	}
	return d
}

// Reset loads the current parameters into the stream and sets the zero
// state (v = VLeak, no current, no spikes) every sequence starts from.
func (m *Model[T]) Reset() {
	if m.st == nil {
		m.st = newStream(newNet[T](m.cfg), 1)
	}
	m.effective(m.st.e)
	m.st.reset()
}

// Step feeds sample x (normalized units), holds it for SubSteps steps and
// writes the decoded output y, the prediction of the next sample
// (learn.Stepper). The first Step after New runs Reset.
func (m *Model[T]) Step(y, x []float64) {
	if len(x) < m.cfg.Inputs || len(y) < m.cfg.Outputs {
		panic(fmt.Sprintf("snn: Step: len(x) = %d, len(y) = %d, want at least Inputs = %d and Outputs = %d", len(x), len(y), m.cfg.Inputs, m.cfg.Outputs))
	}
	if m.st == nil {
		m.Reset()
	}
	s := m.st
	for k, v := range x[:m.cfg.Inputs] {
		s.xb[k] = T(v)
	}
	s.step(s.yb, s.xb)
	for k, v := range s.yb {
		y[k] = float64(v)
	}
}

// State copies the stream's full state into dst (StateDim values).
func (m *Model[T]) State(dst []float64) {
	if m.st == nil {
		m.Reset()
	}
	st := m.st.st
	k := 0
	put := func(v []T) {
		for _, x := range v {
			dst[k] = float64(x)
			k++
		}
	}
	put(st.i)
	put(st.v)
	for _, r := range st.ref {
		dst[k] = float64(r)
		k++
	}
	put(st.prev)
	put(st.filt)
	put(st.cnt)
	dst[k] = float64(st.steps)
}

// SetState restores a state written by State; the stream then continues
// bit-identically.
func (m *Model[T]) SetState(src []float64) {
	if n := m.StateDim(); len(src) != n {
		panic(fmt.Sprintf("snn: SetState: len(src) = %d, want StateDim = %d", len(src), n))
	}
	if m.st == nil {
		m.Reset()
	}
	s := m.st
	st := s.st
	k := 0
	get := func(v []T) {
		for i := range v {
			v[i] = T(src[k])
			k++
		}
	}
	get(st.i)
	get(st.v)
	for i := range st.ref {
		st.ref[i] = int32(src[k])
		k++
	}
	b := s.t & 1
	prev := s.s[b^1]
	get(prev)
	get(st.filt)
	get(st.cnt)
	st.steps = int(src[k])
	st.prev = prev
	l := &s.l[b^1]
	l.reset(1)
	for j, v := range prev {
		if v != 0 {
			l.idx = append(l.idx, int32(j))
		}
	}
	l.off = append(l.off, len(l.idx))
	st.prevList = l
}

// Output is the result of Model.Run.
type Output[T asm.Float] struct {
	// Last is the output after the last sample (n×Outputs) and All after
	// every sample (n×L×Outputs).
	Last, All []T
	// RateE and RateI are the mean firing rates of the populations in Hz
	// (spikes per neuron per second of model time), RatePerNeuron each
	// neuron's (E first).
	RateE, RateI  float64
	RatePerNeuron []float64
}

// RunOptions modify Run and PredictLast.
type RunOptions struct {
	// Batch is the number of sequences run at once (0 → 256).
	Batch int
	// Silence decodes with the spike features set to zero, y = S·x + d:
	// what the readout gets from the input and bias alone.
	Silence bool
}

// Run runs n sample-major sequences x (n×L×Inputs, observed inputs) from
// the zero state, in batches, and returns every output and the firing
// rates.
func (m *Model[T]) Run(x []T, n, L int, o RunOptions) (*Output[T], error) {
	return m.RunContext(context.Background(), x, n, L, o)
}

// RunContext is Run, stopped when ctx is done: it looks at ctx before each
// batch and then returns an error wrapping ctx.Err() (and no output). A
// run that is not stopped is Run's, bit for bit.
func (m *Model[T]) RunContext(ctx context.Context, x []T, n, L int, o RunOptions) (*Output[T], error) {
	if err := param.First(param.PositiveInt(pkg, "n", n), param.PositiveInt(pkg, "L", L)); err != nil {
		return nil, err
	}
	c := m.cfg
	I, O, N := c.Inputs, c.Outputs, c.N()
	if len(x) != n*L*I {
		return nil, param.New(pkg, "x", fmt.Sprintf("%d values", len(x)), fmt.Sprintf("n·L·Inputs = %d", n*L*I))
	}
	batch := o.Batch
	switch {
	case batch < 0:
		return nil, param.New(pkg, "Batch", batch, ">= 0 (0 → 256)")
	case batch == 0:
		batch = 256
	}
	e := newNet[T](c)
	m.effective(e)
	if o.Silence {
		clear(e.Dout)
	}
	q := newSeq(e, min(batch, n), L, false)
	out := &Output[T]{Last: make([]T, n*O), All: make([]T, n*L*O)}
	clear(q.st.count)
	for lo := 0; lo < n; lo += batch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("snn: run stopped after %d of %d sequences: %w", lo, n, err)
		}
		k := min(batch, n-lo)
		q.setRows(k)
		q.load(x[lo*L*I:(lo+k)*L*I], L, L)
		q.forward(leaky.Run{Steps: L, Feedback: L}, false)
		for t := 0; t < L; t++ {
			y := q.output(t)
			for b := 0; b < k; b++ {
				copy(out.All[((lo+b)*L+t)*O:((lo+b)*L+t+1)*O], y[b*O:(b+1)*O])
			}
		}
		copy(out.Last[lo*O:(lo+k)*O], q.output(L-1))
	}
	secs := float64(n) * float64(L*c.SubSteps) * c.DtMs / 1000
	out.RatePerNeuron = make([]float64, N)
	var se, si int64
	for j, cnt := range q.st.count {
		out.RatePerNeuron[j] = float64(cnt) / secs
		if j < c.NE {
			se += cnt
		} else {
			si += cnt
		}
	}
	out.RateE = float64(se) / secs / float64(c.NE)
	if ni := c.numI(); ni > 0 {
		out.RateI = float64(si) / secs / float64(ni)
	}
	return out, nil
}

// PredictLast returns the output after the last sample of each of the n
// sequences x (n×L×Inputs): the one-step forecasts of n windows.
func (m *Model[T]) PredictLast(x []T, n, L int, o RunOptions) ([]T, error) {
	out, err := m.Run(x, n, L, o)
	if err != nil {
		return nil, err
	}
	return out.Last, nil
}

// Predictor is a model with its run options fixed: its PredictLast(x, n, L)
// is the model's PredictLast with Options, the method analysis'
// BatchPredictor asks for (analysis.EvaluateBatch(d, "test",
// m.Predictor(snn.RunOptions{})) for a Model[float32]), which the model's
// own, taking RunOptions, does not implement.
type Predictor[T asm.Float] struct {
	Model   *Model[T]
	Options RunOptions
}

// PredictLast returns the one-step forecasts of the n windows of L samples
// in x (n×L×Inputs): Model.PredictLast(x, n, L, Options).
func (p Predictor[T]) PredictLast(x []T, n, L int) ([]T, error) {
	return p.Model.PredictLast(x, n, L, p.Options)
}

// Predictor returns the model with run options o as a Predictor.
func (m *Model[T]) Predictor(o RunOptions) Predictor[T] { return Predictor[T]{Model: m, Options: o} }
