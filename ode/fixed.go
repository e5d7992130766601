package ode

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Solver is what both Fixed and Dopri5 offer: integrate from (t0, y0) and
// write the solution at each requested time.
type Solver[T Float] interface {
	// Dim returns the state dimension n.
	Dim() int
	// Solve integrates f from t0, y0 and writes the state at ts[i] into
	// out[i*n:(i+1)*n]. ts must be monotone in one direction away from t0
	// (non-decreasing for forward, non-increasing for backward
	// integration), len(y0) = n and len(out) = len(ts)·n.
	Solve(f Func[T], t0 float64, y0 []T, ts []float64, out []T) error
	// Stats returns the counters of the last Solve.
	Stats() Stats
}

// Stats counts the work of a solver since its last Init or Solve.
type Stats struct {
	Evals    int // vector-field evaluations
	Steps    int // attempted steps
	Accepted int // accepted steps
	Rejected int // rejected steps (adaptive methods only)
}

// Fixed is a fixed-step explicit Runge–Kutta integrator for any Tableau
// (an embedded BHat is ignored). Create it with NewFixed; a Fixed holds its
// stage buffers and allocates nothing while stepping.
type Fixed[T Float] struct {
	tab   Tableau
	n     int
	k     [][]T // stage derivatives of the last step
	ys    []T   // stage argument
	stats Stats
}

// NewFixed returns a fixed-step integrator for method m (any Method; for
// Dopri5 it takes fixed steps with the 5th-order weights) and dimension n.
func NewFixed[T Float](m Method, n int) (*Fixed[T], error) {
	tb, err := m.Tableau()
	if err != nil {
		return nil, err
	}
	return NewFixedTableau[T](tb, n)
}

// NewFixedTableau returns a fixed-step integrator for a custom tableau,
// which is copied.
func NewFixedTableau[T Float](tb Tableau, n int) (*Fixed[T], error) {
	if err := tb.Check(); err != nil {
		return nil, err
	}
	if err := param.PositiveInt("ode", "n", n); err != nil {
		return nil, err
	}
	s := &Fixed[T]{tab: tb.Clone(), n: n, ys: make([]T, n)}
	s.k = make([][]T, tb.Stages())
	for i := range s.k {
		s.k[i] = make([]T, n)
	}
	return s, nil
}

// Dim returns the state dimension.
func (s *Fixed[T]) Dim() int { return s.n }

// Tableau returns a copy of the integrator's tableau.
func (s *Fixed[T]) Tableau() Tableau { return s.tab.Clone() }

// Stats returns the work counters since the last Solve or ResetStats.
func (s *Fixed[T]) Stats() Stats { return s.stats }

// ResetStats zeroes the counters.
func (s *Fixed[T]) ResetStats() { s.stats = Stats{} }

// Stage returns k_i, the derivative evaluated at stage i of the last Step.
// The slice is the integrator's buffer: it is valid until the next Step and
// must not be modified.
func (s *Fixed[T]) Stage(i int) []T { return s.k[i] }

// Step advances y in place by one step of size h from time t (h may be
// negative). It panics if len(y) differs from the dimension.
func (s *Fixed[T]) Step(f Func[T], t, h float64, y []T) {
	n := s.n
	if len(y) != n {
		panic("ode: state length does not match the solver dimension")
	}
	tab := &s.tab
	ys := s.ys[:n]
	for i := range tab.C {
		ki := s.k[i][:n]
		if i == 0 {
			f(t, y, ki)
			continue
		}
		copy(ys, y)
		for j, a := range tab.A[i] {
			if a == 0 {
				continue
			}
			w := T(h * a)
			kj := s.k[j][:n]
			for l := range ys {
				ys[l] += T(w * kj[l])
			}
		}
		f(t+float64(tab.C[i]*h), ys, ki)
	}
	for i, b := range tab.B {
		if b == 0 {
			continue
		}
		w := T(h * b)
		ki := s.k[i][:n]
		for l := range y {
			y[l] += T(w * ki[l])
		}
	}
	s.stats.Evals += len(tab.C)
	s.stats.Steps++
	s.stats.Accepted++
}

// Integrate advances y in place from t0 to t1 in steps equal steps.
func (s *Fixed[T]) Integrate(f Func[T], t0, t1 float64, steps int, y []T) error {
	if err := param.PositiveInt("ode", "steps", steps); err != nil {
		return err
	}
	if err := param.First(param.Finite("ode", "t0", t0), param.Finite("ode", "t1", t1)); err != nil {
		return err
	}
	h := (t1 - t0) / float64(steps)
	for i := 0; i < steps; i++ {
		s.Step(f, t0+float64(float64(i)*h), h, y)
		if i%64 == 63 || i == steps-1 {
			if err := checkFinite(y, t0+float64(float64(i+1)*h)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Solve takes exactly one step per interval of the grid t0, ts[0], ts[1], …
// (torchdiffeq's fixed-grid semantics; a zero-length interval takes no step)
// and writes the state at ts[i] into out[i*n:(i+1)*n]. It returns ErrNonFinite
// if the state stops being finite.
func (s *Fixed[T]) Solve(f Func[T], t0 float64, y0 []T, ts []float64, out []T) error {
	if err := checkGrid(s.n, t0, y0, ts, out); err != nil {
		return err
	}
	s.stats = Stats{}
	n := s.n
	y := out[:n]
	copy(y, y0)
	t := t0
	for i, ti := range ts {
		yi := out[i*n : (i+1)*n]
		if i > 0 {
			copy(yi, out[(i-1)*n:i*n])
		}
		if ti != t {
			s.Step(f, t, ti-t, yi)
			t = ti
			if err := checkFinite(yi, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkGrid validates the arguments shared by every Solve.
func checkGrid[T Float](n int, t0 float64, y0 []T, ts []float64, out []T) error {
	if len(y0) != n {
		panic("ode: y0 length does not match the solver dimension")
	}
	if len(out) != len(ts)*n {
		panic("ode: out length must be len(ts)*n")
	}
	if err := param.Finite("ode", "t0", t0); err != nil {
		return err
	}
	if len(ts) == 0 {
		return param.New("ode", "ts", "[]", "at least one output time")
	}
	dir := 0.0
	prev := t0
	for i, ti := range ts {
		if math.IsNaN(ti) || math.IsInf(ti, 0) {
			return param.New("ode", fmt.Sprintf("ts[%d]", i), ti, "finite")
		}
		d := ti - prev
		if d != 0 {
			sd := math.Copysign(1, d)
			if dir == 0 {
				dir = sd
			} else if sd != dir {
				return param.New("ode", fmt.Sprintf("ts[%d]", i), ti, "monotone in one direction away from t0 (sorted)")
			}
		}
		prev = ti
	}
	for _, v := range y0 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return param.New("ode", "y0", "non-finite values", "finite")
		}
	}
	return nil
}

func checkFinite[T Float](y []T, t float64) error {
	for _, v := range y {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: state at t=%g", ErrNonFinite, t)
		}
	}
	return nil
}

// New returns a Solver for method m: a Dopri5Solver configured by o for
// Dopri5, otherwise a Fixed integrator (o must then be the zero Options).
func New[T Float](m Method, n int, o Options) (Solver[T], error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.Adaptive() {
		return NewDopri5[T](n, o)
	}
	if o.Rtol != 0 || o.Atol != 0 || o.AtolVec != nil || o.InitialStep != 0 || o.MaxStep != 0 || o.MaxSteps != 0 || o.NormDim != 0 {
		return nil, param.New("ode", "Options", string(m), "zero Options for a fixed-step method (tolerances apply to dopri5 only)")
	}
	return NewFixed[T](m, n)
}
