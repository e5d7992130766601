package leaky

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// AdjointSeq runs batched sequences forward without a tape and computes
// gradients with the continuous adjoint method (learn.Adjoint) instead of
// backpropagation through the solver's steps.
//
// Memory: the inputs and outputs (L·n·I and L·n·O values, the size of the
// data), one state checkpoint (n·N values) every CheckpointEvery intervals,
// and a fixed amount independent of the sequence length and of the number
// of solver steps (the augmented adjoint state and the solver's stages).
// With CheckpointEvery = 0 only the final state is kept and the state is
// reconstructed by integrating backward all the way (torchdiffeq's
// behaviour); with CheckpointEvery = k the backward reconstruction restarts
// from the stored forward state every k intervals ("forward-state
// checkpointing"), which bounds its error.
//
// The gradient equals the exact gradient of the continuous problem up to
// the solvers' errors: it differs from the discrete (BPTT) gradient by
// O(h^p). An AdjointSeq is used by one goroutine at a time.
type AdjointSeq[T asm.Float] struct {
	net     *Net[T]
	n, nmax int
	L       int
	every   int
	hEnd    []T // the forward run's final state (CheckpointEvery 0)
	cfg     learn.AdjointConfig
	core    *core[T]
	fld     *field[T]
	adj     *learn.Adjoint[T]
	X, Y    []T // time-major inputs (L×n×I) and outputs (L×n×O)
	dX      []T // L×n×I
	ck      []T // checkpoints
	rows    [2][]T
	h, G    []T
	ones    []T
	bias    []T
	run     Run
}

// NewAdjointSeq returns a workspace for n sequences of at most L steps,
// storing a state checkpoint every `every` intervals (0: none).
func NewAdjointSeq[T asm.Float](net *Net[T], n, L, every int, c learn.AdjointConfig) (*AdjointSeq[T], error) {
	if err := param.First(param.PositiveInt("leaky", "n", n), param.PositiveInt("leaky", "L", L), c.Validate()); err != nil {
		return nil, err
	}
	if every < 0 {
		return nil, param.New("leaky", "CheckpointEvery", every, ">= 0 (0: no checkpoints)")
	}
	N, S, I, O := net.N, net.Stride(), net.I, net.O
	s := &AdjointSeq[T]{net: net, n: n, nmax: n, L: L, every: every, cfg: c, core: newCore(net, n)}
	s.X, s.Y, s.dX = make([]T, L*n*I), make([]T, L*n*O), make([]T, L*n*I)
	if every > 0 {
		s.ck = make([]T, (L/every+1)*n*N)
	}
	s.rows[0], s.rows[1] = make([]T, n*S), make([]T, n*S)
	s.h, s.G = make([]T, n*N), make([]T, n*N)
	s.bias = make([]T, O)
	return s, nil
}

// SetRows sets the number of sequences of the next runs (at most the n the
// workspace was created with).
func (s *AdjointSeq[T]) SetRows(n int) {
	if n < 1 || n > s.nmax {
		panic("leaky: SetRows: n out of range")
	}
	if n != s.n {
		s.adj = nil
	}
	s.n = n
	s.core.setRows(n)
}

// Output returns the decoded outputs (n×O) after step t.
func (s *AdjointSeq[T]) Output(t int) []T {
	O := s.net.O
	return s.Y[t*s.n*O : (t+1)*s.n*O]
}

// LoadInputs is Seq.LoadInputs: the first steps inputs of sample-major
// sequences of the given length; the initial state is zero.
func (s *AdjointSeq[T]) LoadInputs(x []T, length, steps int) {
	I, n := s.net.I, s.n
	if len(x) < n*length*I || steps > s.L || steps > length {
		panic("leaky: LoadInputs: input too short or too many steps")
	}
	for b := 0; b < n; b++ {
		for t := 0; t < steps; t++ {
			copy(s.X[(t*n+b)*I:(t*n+b+1)*I], x[(b*length+t)*I:(b*length+t+1)*I])
		}
	}
}

// Forward runs r (Tape is ignored) from the zero state.
func (s *AdjointSeq[T]) Forward(r Run) error {
	if err := r.validate(s.L); err != nil {
		return err
	}
	net := s.net
	N, S, I, O, n := net.N, net.Stride(), net.I, net.O, s.n
	if r.Feedback < r.Steps && I != O {
		return param.New("leaky", "Run.Feedback", r.Feedback, "closed loop needs inputs = outputs")
	}
	s.run = r
	net.transpose()
	s.core.useT = true
	cur, next := s.rows[0][:n*S], s.rows[1][:n*S]
	for b := 0; b < n; b++ {
		clear(cur[b*S : b*S+N])
		cur[b*S+N+I], next[b*S+N+I] = 1, 1
	}
	if s.every > 0 {
		gatherState(s.ck[:n*N], cur, n, N, S)
	}
	for t := 0; t < r.Steps; t++ {
		x := s.X[t*n*I : (t+1)*n*I]
		for b := 0; b < n; b++ {
			copy(cur[b*S+N:b*S+N+I], x[b*I:(b+1)*I])
		}
		if err := s.core.interval(cur, next, nil, t, nil); err != nil {
			return fmt.Errorf("step %d: %w", t, err)
		}
		if t >= r.OutFrom {
			y := s.Output(t)
			net.decode(y, next, n)
			if r.feedsBack(t + 1) {
				learn.Feed(s.X[(t+1)*n*I:(t+2)*n*I], y, r.Forcing)
			}
		}
		if s.every > 0 && (t+1)%s.every == 0 {
			k := (t + 1) / s.every
			gatherState(s.ck[k*n*N:(k+1)*n*N], next, n, N, S)
		}
		cur, next = next, cur
	}
	gatherState(s.h[:n*N], cur, n, N, S)
	if s.every == 0 {
		s.hEnd = append(s.hEnd[:0], s.h[:n*N]...)
	}
	return nil
}

// Backward computes the gradients of the last Forward by the adjoint
// method, like Seq.Backward (dY is modified; gradients are added to g).
func (s *AdjointSeq[T]) Backward(dY []T, g *Grads[T]) error {
	r := s.run
	net := s.net
	N, I, O, R, n := net.N, net.I, net.O, net.R, s.n
	if s.adj == nil {
		s.fld = newField(net, n)
		a, err := learn.NewAdjoint[T](s.fld, n, s.cfg)
		if err != nil {
			return err
		}
		s.adj = a
	}
	h, G := s.h[:n*N], s.G[:n*N]
	clear(G)
	for t := r.Steps - 1; t >= 0; t-- {
		if s.every > 0 && (t+1)%s.every == 0 {
			k := (t + 1) / s.every
			copy(h, s.ck[k*n*N:(k+1)*n*N])
		}
		if t >= r.OutFrom {
			dy := dY[t*n*O : (t+1)*n*O]
			if r.feedsBack(t + 1) {
				learn.FeedGrad(dy, s.dX[(t+1)*n*I:(t+2)*n*I], r.Forcing)
			}
			asm.Gemm(false, false, n, R, O, 1, dy, O, net.Dec, R+1, 1, G, N)
			asm.Gemm(true, false, O, R, n, 1, dy, O, h, N, 1, g.Dec, R+1)
			if len(s.ones) < n {
				s.ones = make([]T, n)
				for i := range s.ones {
					s.ones[i] = 1
				}
			}
			asm.Gemv(true, n, O, 1, dy, O, s.ones[:n], 0, s.bias)
			for o := 0; o < O; o++ {
				g.Dec[o*(R+1)+R] += s.bias[o]
			}
		}
		var gx []T
		if r.feedsBack(t) {
			gx = s.dX[t*n*I : (t+1)*n*I]
			clear(gx)
		}
		if err := s.adj.Interval(h, G, g.Waug, gx, s.X[t*n*I:(t+1)*n*I], net.Interval); err != nil {
			if s.every == 0 {
				// Integrating the state backward is unstable for a
				// contracting network: its error grows like e^(t/τ).
				return fmt.Errorf("step %d of %d: %w (the state is reconstructed backward from the last step; set CheckpointEvery, e.g. 10, to restart it from stored forward states)", t, r.Steps, err)
			}
			return fmt.Errorf("step %d: %w", t, err)
		}
	}
	if s.every == 0 {
		// The forward run started from the zero state, so the state
		// reconstructed backward to t = 0 must be zero again. A
		// reconstruction that drifted (it grows like e^(t/τ) in a
		// contracting network) gives gradients wrong without any solver
		// error: a 64-unit CT-RNN over 20 intervals came back with max |h|
		// far above the state's own scale and a gradient 90× its norm off.
		var drift, scale float64
		for i, v := range h {
			drift = max(drift, math.Abs(float64(v)))
			scale = max(scale, math.Abs(float64(s.hEnd[i])))
		}
		if tol := MaxReconstructionDrift * max(1, scale); !(drift <= tol) {
			return fmt.Errorf("leaky: the state reconstructed backward over %d intervals ends at max |h(0)| = %.3g instead of 0 (allowed %.3g): the gradient would be wrong; set CheckpointEvery (e.g. 10) to restart the reconstruction from stored forward states", r.Steps, drift, tol)
		}
	}
	return nil
}

// MaxReconstructionDrift bounds, relative to max(1, max |h(T)|), how far
// from the zero initial state an adjoint's backward reconstruction may end
// when CheckpointEvery is 0 (torchdiffeq's way, no stored forward states).
// A healthy reconstruction at the adjoint's default tolerances ends within
// about 1e-6 of it; beyond 1e-3 the gradients are no longer trustworthy
// and Backward returns an error instead.
const MaxReconstructionDrift = 1e-3
