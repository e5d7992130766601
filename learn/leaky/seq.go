package leaky

import (
	"fmt"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// Run describes one batched sequence run.
type Run struct {
	// Steps is the number of sample intervals.
	Steps int
	// Feedback is the first step whose input is the previous step's output
	// (closed loop); Feedback ≥ Steps means every input is observed.
	Feedback int
	// OutFrom is the first step whose output is decoded (every step from
	// it on is decoded; it must not exceed Feedback−1 when the loop closes).
	OutFrom int
	// Forcing is the teacher-forcing weight α of the closed loop (generalized
	// teacher forcing): a fed-back step reads (1−α)·y + α·x, the previous
	// output y mixed with the observed sample x. 0 is the free-running loop.
	Forcing float64
	// Tape keeps what backpropagation through time needs.
	Tape bool
}

func (r Run) validate(L int) error {
	if r.Steps < 1 || r.Steps > L {
		return param.New("leaky", "Run.Steps", r.Steps, fmt.Sprintf("in [1, %d]", L))
	}
	if r.Feedback < 1 {
		return param.New("leaky", "Run.Feedback", r.Feedback, ">= 1")
	}
	if r.OutFrom < 0 || r.OutFrom >= r.Steps {
		return param.New("leaky", "Run.OutFrom", r.OutFrom, fmt.Sprintf("in [0, %d)", r.Steps))
	}
	if r.Feedback < r.Steps && r.OutFrom > r.Feedback-1 {
		return param.New("leaky", "Run.OutFrom", r.OutFrom, fmt.Sprintf("<= Feedback−1 = %d", r.Feedback-1))
	}
	return param.InRangeHalfOpen("leaky", "Run.Forcing", r.Forcing, 0, 1)
}

// feedsBack reports whether step t reads the previous output.
func (r Run) feedsBack(t int) bool { return t >= r.Feedback && t < r.Steps }

// Seq is the scratch memory of batched sequence runs over one Net: n
// sequences of up to L steps, time-major. It runs forward (recording a tape
// for backpropagation through time, or only interval-boundary states for
// the adjoint) and backward. A Seq is used by one goroutine at a time.
type Seq[T asm.Float] struct {
	net  *Net[T]
	n, L int
	core *core[T]
	// H holds the augmented rows [h | x | 1] at every interval boundary:
	// (L+1) blocks of n×S.
	H []T
	// A holds the fast path's activations (L blocks of n×N).
	A []T
	// Y holds the decoded outputs (L blocks of n×O).
	Y  []T
	tp tape[T]
	// Backward scratch.
	g, v, vc []T
	wt       []T
	dyc      [][]T
	dZ       []T
	dX       []T // L blocks of n×I: gradient of fed-back inputs
	ones     []T
	run      Run
	nmax     int
}

// NewSeq returns a workspace for n sequences of at most L steps.
func NewSeq[T asm.Float](net *Net[T], n, L int) (*Seq[T], error) {
	if err := param.First(param.PositiveInt("leaky", "n", n), param.PositiveInt("leaky", "L", L)); err != nil {
		return nil, err
	}
	N, S, O, I := net.N, net.Stride(), net.O, net.I
	s := &Seq[T]{net: net, n: n, L: L, core: newCore(net, n)}
	s.H = make([]T, (L+1)*n*S)
	if net.fast() {
		s.A = make([]T, L*n*N)
	}
	s.Y = make([]T, L*n*O)
	s.g = make([]T, n*N)
	s.v = make([]T, n*N)
	s.vc = make([]T, n*N)
	s.dyc = make([][]T, len(net.tab.C))
	for i := range s.dyc {
		s.dyc[i] = make([]T, n*N)
	}
	s.dX = make([]T, L*n*I)
	s.nmax = n
	for t := 0; t <= L; t++ {
		for b := 0; b < n; b++ {
			s.H[(t*n+b)*S+N+I] = 1
		}
	}
	return s, nil
}

// SetRows sets the number of sequences of the next runs (at most the n
// the workspace was created with).
func (s *Seq[T]) SetRows(n int) {
	if n < 1 || n > s.nmax {
		panic("leaky: SetRows: n out of range")
	}
	s.n = n
	s.core.setRows(n)
	N := s.net.N
	s.g, s.v, s.vc = s.g[:n*N], s.v[:n*N], s.vc[:n*N]
	for i := range s.dyc {
		s.dyc[i] = s.dyc[i][:n*N]
	}
}

// Net returns the network.
func (s *Seq[T]) Net() *Net[T] { return s.net }

// Size returns the batch size and maximum length of the workspace.
func (s *Seq[T]) Size() (n, L int) { return s.n, s.L }

// block returns the n augmented rows at boundary t.
func (s *Seq[T]) block(t int) []T {
	S := s.net.Stride()
	return s.H[t*s.n*S : (t+1)*s.n*S]
}

// State returns the augmented rows [h | x | 1] (n×(N+I+1)) at boundary t:
// h is the state after t intervals, x the input of interval t.
func (s *Seq[T]) State(t int) []T { return s.block(t) }

// Output returns the decoded outputs (n×O) after step t.
func (s *Seq[T]) Output(t int) []T {
	O := s.net.O
	return s.Y[t*s.n*O : (t+1)*s.n*O]
}

// LoadInputs copies the first steps inputs of sample-major sequences x
// (n sequences, each of length samples: x holds n·length·I values) into
// the time-major rows and sets the initial state to zero (h0 nil) or h0
// (n×N).
func (s *Seq[T]) LoadInputs(x []T, length, steps int, h0 []T) {
	net := s.net
	N, I, S, n := net.N, net.I, net.Stride(), s.n
	if len(x) < n*length*I || steps > s.L || steps > length {
		panic("leaky: LoadInputs: input too short or too many steps")
	}
	for b := 0; b < n; b++ {
		xb := x[b*length*I:]
		for t := 0; t < steps; t++ {
			r := (t*n + b) * S
			copy(s.H[r+N:r+N+I], xb[t*I:(t+1)*I])
		}
		if h0 == nil {
			clear(s.H[b*S : b*S+N])
		} else {
			copy(s.H[b*S:b*S+N], h0[b*N:(b+1)*N])
		}
	}
}

// Forward runs r (inputs loaded with LoadInputs). Outputs after steps
// OutFrom…Steps−1 are in Output; with Feedback < Steps the inputs of steps
// Feedback… are overwritten by the previous outputs.
func (s *Seq[T]) Forward(r Run) error {
	if err := r.validate(s.L); err != nil {
		return err
	}
	net := s.net
	N, S, O, I, n := net.N, net.Stride(), net.O, net.I, s.n
	if r.Feedback < r.Steps && I != O {
		return param.New("leaky", "Run.Feedback", r.Feedback, fmt.Sprintf(">= Steps: closed loop needs inputs = outputs (have %d and %d)", I, O))
	}
	s.run = r
	net.transpose()
	s.core.useT = true
	if r.Tape && !net.fast() {
		s.tp.reset(r.Steps, n*S, n*N, memoryLimit())
		if !net.Method.Adaptive() {
			// Every active stage of every substep of every interval is
			// kept; dopri5's steps are checked as they are accepted.
			slots := r.Steps * net.Substeps * len(net.active)
			if err := s.tp.fits(slots, 1); err != nil {
				return err
			}
			s.tp.reserve(slots)
		}
	}
	for t := 0; t < r.Steps; t++ {
		var tp *tape[T]
		var aFast []T
		if r.Tape {
			if net.fast() {
				aFast = s.A[t*n*N : (t+1)*n*N]
			} else {
				tp = &s.tp
			}
		}
		hout := s.block(t + 1)
		if err := s.core.interval(s.block(t), hout, tp, t, aFast); err != nil {
			return fmt.Errorf("step %d: %w", t, err)
		}
		if t >= r.OutFrom {
			y := s.Output(t)
			net.decode(y, hout, n)
			if r.feedsBack(t + 1) {
				for b := 0; b < n; b++ {
					learn.Feed(hout[b*S+N:b*S+N+I], y[b*O:(b+1)*O], r.Forcing)
				}
			}
		}
	}
	return nil
}

// Backward backpropagates through the run recorded by the last Forward
// (which must have had Tape). dY (Steps blocks of n×O, time-major) holds
// ∂L/∂y for the decoded steps (blocks before OutFrom are ignored); it is
// modified (the fed-back inputs' gradients are added to it). The gradients
// with respect to Waug and Dec are added to g.
func (s *Seq[T]) Backward(dY []T, g *Grads[T]) error {
	r := s.run
	if !r.Tape {
		return fmt.Errorf("leaky: Backward needs a Forward with Tape")
	}
	net := s.net
	N, S, O, I, R, n := net.N, net.Stride(), net.O, net.I, net.R, s.n
	if len(dY) < r.Steps*n*O {
		panic("leaky: Backward: dY too short")
	}
	G := s.g
	clear(G)
	var slot int
	if !net.fast() {
		slot = s.tp.slots
		if need := slot * n * N; len(s.dZ) < need {
			s.dZ = make([]T, need+need/4)
		}
	} else if need := r.Steps * n * N; len(s.dZ) < need {
		s.dZ = make([]T, need)
	}
	for t := r.Steps - 1; t >= 0; t-- {
		dy := dY[t*n*O : (t+1)*n*O]
		if t >= r.OutFrom {
			if r.feedsBack(t + 1) {
				learn.FeedGrad(dy, s.dX[(t+1)*n*I:(t+2)*n*I], r.Forcing)
			}
			asm.Gemm(false, false, n, R, O, 1, dy, O, net.Dec, R+1, 1, G, N)
		}
		fb := r.feedsBack(t)
		var dx []T
		if fb {
			dx = s.dX[t*n*I : (t+1)*n*I]
			clear(dx)
		}
		if net.fast() {
			dz := s.dZ[t*n*N : (t+1)*n*N]
			net.stepBackRows(dz, G, s.A[t*n*N:(t+1)*n*N], n, net.Interval)
			if t > 0 {
				asm.Gemm(false, false, n, N, N, 1, dz, N, net.Waug, S, 1, G, N)
			}
			if fb {
				asm.Gemm(false, false, n, I, N, 1, dz, N, net.Waug[N:], S, 0, dx, I)
			}
			continue
		}
		if net.Method.Adaptive() {
			steps := s.tp.steps[t]
			for k := len(steps) - 1; k >= 0; k-- {
				slot -= len(net.active)
				s.rkBack(G, steps[k], slot, dx)
			}
		} else {
			h := net.fixedStep()
			for range net.Substeps {
				slot -= len(net.active)
				s.rkBack(G, h, slot, dx)
			}
		}
	}
	// Parameter gradients from the whole tape at once: dWaugᵀ = rowsᵀ·dZ.
	var rows []T
	var k int
	if net.fast() {
		rows, k = s.H[:r.Steps*n*S], r.Steps*n
	} else {
		rows, k = s.tp.Y[:s.tp.slots*n*S], s.tp.slots*n
	}
	s.addWaugGrad(g.Waug, rows, s.dZ[:k*N], k)
	s.addDecGrad(g.Dec, dY, r)
	return nil
}

// wgradSlice is the k-slice of the weight-gradient GEMM.
const wgradSlice = 256

// addWaugGrad adds rowsᵀ·dz (S×N, transposed into N×S) to gw.
func (s *Seq[T]) addWaugGrad(gw, rows, dz []T, k int) {
	net := s.net
	N, S := net.N, net.Stride()
	if k == 0 {
		return
	}
	tmp := s.tmpWT()
	// In k-slices of wgradSlice rows, accumulated in order: for the small
	// models the slices stay in cache and the kernel reads the transposed
	// operand in place (a single call would first repack it).
	for p := 0; p < k; p += wgradSlice {
		kk := min(wgradSlice, k-p)
		beta := T(1)
		if p == 0 {
			beta = 0
		}
		asm.Gemm(true, false, S, N, kk, 1, rows[p*S:], S, dz[p*N:], N, beta, tmp, N)
	}
	for j := 0; j < S; j++ {
		for i := 0; i < N; i++ {
			gw[i*S+j] += tmp[j*N+i]
		}
	}
}

func (s *Seq[T]) tmpWT() []T {
	need := s.net.N * s.net.Stride()
	if len(s.wt) < need {
		s.wt = make([]T, need)
	}
	return s.wt[:need]
}

// addDecGrad adds the decoder gradient Σ_t dYᵀ·[h_{t+1}[0:R] | 1].
func (s *Seq[T]) addDecGrad(gd, dY []T, r Run) {
	net := s.net
	S, O, R, n := net.Stride(), net.O, net.R, s.n
	k := (r.Steps - r.OutFrom) * n
	if k == 0 {
		return
	}
	dy := dY[r.OutFrom*n*O : r.Steps*n*O]
	rows := s.H[(r.OutFrom+1)*n*S : (r.Steps+1)*n*S]
	asm.Gemm(true, false, O, R, k, 1, dy, O, rows, S, 1, gd, R+1)
	if len(s.ones) < k {
		s.ones = make([]T, k)
		for i := range s.ones {
			s.ones[i] = 1
		}
	}
	// Bias column: Σ_rows dY, through a transposed Gemv with a ones vector.
	bias := s.v[:O]
	asm.Gemv(true, k, O, 1, dy, O, s.ones[:k], 0, bias)
	for o := 0; o < O; o++ {
		gd[o*(R+1)+R] += bias[o]
	}
}

// rkBack backpropagates G through one Runge–Kutta step of size h whose
// stages start at tape slot slot; dx (if non-nil) accumulates the input
// gradient.
func (s *Seq[T]) rkBack(G []T, h float64, slot int, dx []T) {
	net := s.net
	tab := &net.tab
	N, S, I, n := net.N, net.Stride(), net.I, s.n
	act := net.active
	for ai := len(act) - 1; ai >= 0; ai-- {
		i := act[ai]
		v := s.v
		clear(v)
		if b := tab.B[i]; b != 0 {
			asm.Axpy(T(h*b), G, v)
		}
		for aj := ai + 1; aj < len(act); aj++ {
			j := act[aj]
			if a := tab.A[j][i]; a != 0 {
				asm.Axpy(T(h*a), s.dyc[j], v)
			}
		}
		sl := slot + ai
		a := s.tp.A[sl*n*N : (sl+1)*n*N]
		dz := s.dZ[sl*n*N : (sl+1)*n*N]
		dyi := s.dyc[i]
		copy(dyi, v)
		net.stepBackRows(dz, dyi, a, n, 1)
		asm.Axpy(-1, v, dyi)
		asm.Gemm(false, false, n, N, N, 1, dz, N, net.Waug, S, 1, dyi, N)
		if dx != nil {
			asm.Gemm(false, false, n, I, N, 1, dz, N, net.Waug[N:], S, 1, dx, I)
		}
	}
	for _, i := range act {
		asm.Add(G, G, s.dyc[i])
	}
}
