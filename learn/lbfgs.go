package learn

import (
	"errors"
	"math"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
)

// LBFGSConfig configures full-batch L-BFGS training (TrainConfig.Optimizer
// OptimizerLBFGS): the limited-memory BFGS method (Nocedal & Wright,
// Numerical Optimization, 2nd ed., Algorithm 7.5) with a line search for the
// strong Wolfe conditions (Algorithms 3.5 and 3.6) on the loss of the whole
// training set.
//
// Each epoch is Iterations iterations started from the current parameters
// with an empty memory, so an epoch boundary is a restart: a run resumed
// from a checkpoint continues exactly as an uninterrupted one.
type LBFGSConfig struct {
	// Iterations is the number of L-BFGS iterations per epoch (0 → 25).
	Iterations int
	// Store is the number of correction pairs kept (0 → 15).
	Store int
	// MaxLineSearch bounds the loss evaluations of one line search
	// (0 → 20).
	MaxLineSearch int
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c LBFGSConfig) WithDefaults() LBFGSConfig {
	if c.Iterations == 0 {
		c.Iterations = 25
	}
	if c.Store == 0 {
		c.Store = 15
	}
	if c.MaxLineSearch == 0 {
		c.MaxLineSearch = 20
	}
	return c
}

// Validate returns a param error naming the first bad field.
func (c LBFGSConfig) Validate() error {
	c = c.WithDefaults()
	return param.First(
		param.PositiveInt("learn", "LBFGS.Iterations", c.Iterations),
		param.PositiveInt("learn", "LBFGS.Store", c.Store),
		param.PositiveInt("learn", "LBFGS.MaxLineSearch", c.MaxLineSearch),
	)
}

// Line-search constants: sufficient decrease c1 and curvature c2 of the
// strong Wolfe conditions (the usual quasi-Newton values).
const (
	wolfeC1 = 1e-4
	wolfeC2 = 0.9
)

// objective evaluates a loss at x and writes its gradient to g. It may
// round x in place (the trainer rounds to the float32 parameters), so that
// the iterate is exactly the point evaluated. A non-finite loss is allowed
// (the line search backs off); an error ends the run.
type objective func(x, g []float64) (float64, error)

// lbfgs is one L-BFGS run. Its arithmetic goes through package asm's
// float64 kernels, whose summation order is the same on every kernel path,
// so a run is bit-identical with AVX2, pure Go and arm64 (gonum/optimize's
// vector kernels sum in a different order on amd64 than in pure Go, which
// is why neurodyn does not use it here).
type lbfgs struct {
	c    LBFGSConfig
	f    objective // the objective of the current run
	n    int
	x, g []float64 // current iterate and its gradient
	fx   float64
	d    []float64 // search direction
	xt   []float64 // trial point and its gradient
	gt   []float64
	s, y [][]float64 // correction pairs, oldest first
	rho  []float64
	al   []float64
	// Evals counts objective evaluations.
	evals int
}

func newLBFGS(c LBFGSConfig, n int) *lbfgs {
	c = c.WithDefaults()
	o := &lbfgs{c: c, n: n,
		x: make([]float64, n), g: make([]float64, n), d: make([]float64, n),
		xt: make([]float64, n), gt: make([]float64, n), al: make([]float64, c.Store)}
	return o
}

// eval evaluates the objective at o.xt into o.gt.
func (o *lbfgs) eval() (float64, error) {
	o.evals++
	v, err := o.f(o.xt, o.gt)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) {
		v = math.Inf(1)
	}
	return v, nil
}

// run minimizes f from x0 (overwritten with the result) for the configured
// iterations, with an empty memory. It returns the loss at the result and whether the last
// iterations still decreased it (false: converged or stalled).
func (o *lbfgs) run(f objective, x0 []float64) (float64, bool, error) {
	o.f = f
	copy(o.xt, x0)
	fx, err := o.eval()
	if err != nil {
		return 0, false, err
	}
	if math.IsInf(fx, 0) {
		return fx, false, errNonFiniteStart
	}
	copy(o.x, o.xt)
	copy(o.g, o.gt)
	o.fx = fx
	o.s, o.y, o.rho = o.s[:0], o.y[:0], o.rho[:0]
	progress := true
	for it := 0; it < o.c.Iterations; it++ {
		a0 := o.direction()
		ok, err := o.lineSearch(a0)
		if err != nil {
			return 0, false, err
		}
		if !ok && len(o.s) > 0 {
			// The quasi-Newton direction failed: forget the memory and
			// retry along the steepest descent.
			o.s, o.y, o.rho = o.s[:0], o.y[:0], o.rho[:0]
			a0 = o.direction()
			if ok, err = o.lineSearch(a0); err != nil {
				return 0, false, err
			}
		}
		if !ok {
			progress = false
			break
		}
	}
	copy(x0, o.x)
	return o.fx, progress, nil
}

var errNonFiniteStart = errors.New("non-finite loss at the start of an L-BFGS epoch")

// direction sets o.d to −H·g by the two-loop recursion and returns the
// first trial step: 1 with a memory, 1/‖g‖ without one (a unit step).
func (o *lbfgs) direction() float64 {
	copy(o.d, o.g)
	k := len(o.s)
	if k == 0 {
		asm.Scal(-1, o.d)
		nrm := math.Sqrt(asm.Dot(o.g, o.g))
		if nrm == 0 {
			return 0
		}
		return 1 / nrm
	}
	for i := k - 1; i >= 0; i-- {
		o.al[i] = o.rho[i] * asm.Dot(o.s[i], o.d)
		asm.Axpy(-o.al[i], o.y[i], o.d)
	}
	yk := o.y[k-1]
	asm.Scal(asm.Dot(o.s[k-1], yk)/asm.Dot(yk, yk), o.d)
	for i := 0; i < k; i++ {
		b := float64(o.rho[i] * asm.Dot(o.y[i], o.d))
		asm.Axpy(o.al[i]-b, o.s[i], o.d)
	}
	asm.Scal(-1, o.d)
	if asm.Dot(o.d, o.g) >= 0 { // not a descent direction: start over
		o.s, o.y, o.rho = o.s[:0], o.y[:0], o.rho[:0]
		return o.direction()
	}
	return 1
}

// probe evaluates the loss at x + a·d; it returns the loss and the
// directional derivative there.
func (o *lbfgs) probe(a float64) (float64, float64, error) {
	copy(o.xt, o.x)
	asm.Axpy(a, o.d, o.xt)
	v, err := o.eval()
	if err != nil {
		return 0, 0, err
	}
	return v, asm.Dot(o.gt, o.d), nil
}

// lineSearch looks for a step satisfying the strong Wolfe conditions from
// trial step a0 and, on success or on sufficient decrease within the
// evaluation budget, moves the iterate and updates the memory. It returns
// false when no step decreased the loss.
func (o *lbfgs) lineSearch(a0 float64) (bool, error) {
	dg0 := asm.Dot(o.g, o.d)
	if a0 == 0 || !(dg0 < 0) {
		return false, nil
	}
	f0 := o.fx
	armijo := func(a, v float64) bool { return v <= f0+float64(wolfeC1*a*dg0) } // float64(): no fused multiply-add on any GOARCH
	curv := func(dg float64) bool { return math.Abs(dg) <= -wolfeC2*dg0 }
	// Bracketing (Algorithm 3.5): lo is the best step so far that satisfies
	// sufficient decrease (0 at first), hi the other end once bracketed.
	lo, flo, dlo := 0.0, f0, dg0
	hi, fhi, dhi := math.NaN(), math.NaN(), math.NaN()
	a := a0
	for ev := 0; ev < o.c.MaxLineSearch; ev++ {
		v, dg, err := o.probe(a)
		if err != nil {
			return false, err
		}
		switch {
		case !armijo(a, v) || v >= flo:
			hi, fhi, dhi = a, v, dg
		case curv(dg):
			return true, o.accept(v)
		case math.IsNaN(hi) && dg < 0:
			lo, flo, dlo = a, v, dg
			a *= 4 // still descending: expand
			continue
		default:
			if dg*(hi-lo) >= 0 || math.IsNaN(hi) {
				hi, fhi, dhi = lo, flo, dlo
			}
			lo, flo, dlo = a, v, dg
		}
		// Zoom (Algorithm 3.6): the next trial inside (lo, hi) by a
		// safeguarded cubic interpolation, else the midpoint.
		a = zoomStep(lo, flo, dlo, hi, fhi, dhi)
	}
	if lo == 0 {
		return false, nil
	}
	// Budget spent: take the best step with sufficient decrease.
	v, _, err := o.probe(lo)
	if err != nil {
		return false, err
	}
	return true, o.accept(v)
}

// accept moves the iterate to the trial point (loss v) and stores the
// correction pair when its curvature is positive. With a full memory the
// oldest pair is dropped first (and its vectors reused), whether or not the
// new one is kept.
func (o *lbfgs) accept(v float64) error {
	var s, y []float64
	if len(o.s) == o.c.Store {
		s, y = o.s[0], o.y[0]
		o.s, o.y, o.rho = o.s[1:], o.y[1:], o.rho[1:]
	} else {
		s, y = make([]float64, o.n), make([]float64, o.n)
	}
	copy(s, o.xt)
	asm.Axpy(-1, o.x, s) // s = x_new − x (fma(−1, x, x_new) is the exact difference rounded once)
	copy(y, o.gt)
	asm.Axpy(-1, o.g, y)
	if sy := asm.Dot(s, y); sy > 1e-10*asm.Dot(y, y) && sy > 0 {
		o.s, o.y, o.rho = append(o.s, s), append(o.y, y), append(o.rho, 1/sy)
	}
	copy(o.x, o.xt)
	copy(o.g, o.gt)
	o.fx = v
	return nil
}

// zoomStep returns the minimizer of the cubic interpolating the losses and
// derivatives at a and b when it lies in the middle 80% of the interval
// and everything is finite, and the midpoint otherwise.
func zoomStep(a, fa, da, b, fb, db float64) float64 {
	mid := a + float64((b-a)/2)
	if math.IsInf(fb, 0) || math.IsNaN(fb) || math.IsNaN(db) || math.IsInf(db, 0) {
		return mid
	}
	// Nocedal & Wright eq. (3.59).
	d1 := da + db - 3*(fa-fb)/(a-b)
	disc := float64(d1*d1) - float64(da*db) // conversions keep arm64 from fusing
	if disc < 0 {
		return mid
	}
	d2 := math.Copysign(math.Sqrt(disc), b-a)
	c := b - (b-a)*(db+d2-d1)/(db-da+2*d2)
	lo, hi := math.Min(a, b), math.Max(a, b)
	w := hi - lo
	if math.IsNaN(c) || c < lo+float64(0.1*w) || c > hi-float64(0.1*w) {
		return mid
	}
	return c
}
