package learn

import (
	"fmt"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/ode"
)

// Field is a batched, differentiable vector field dh/dt = F(h, x; θ) with
// the input x held constant, for n independent rows (samples). The
// continuous adjoint method needs only this. Rows are row-major: h and
// dst are n×StateDim, x is n×InputDim.
type Field[T asm.Float] interface {
	// StateDim returns the length of one row of h.
	StateDim() int
	// InputDim returns the length of one row of x.
	InputDim() int
	// NumParams is the length of the parameter-gradient vector.
	NumParams() int
	// Eval writes F(h, x) for n rows into dst.
	Eval(dst, h, x []T, n int)
	// VJP writes dh = (∂F/∂h)ᵀ v for each row, adds Σ_rows (∂F/∂θ)ᵀ v to
	// gtheta and, per row, (∂F/∂x)ᵀ v to gx; gtheta and gx may be nil.
	VJP(dh, gtheta, gx, v, h, x []T, n int)
}

// AdjointConfig selects how the adjoint ODE is integrated backward over
// each interval: a fixed-step method with Substeps steps (at most
// ode.DefaultMaxSteps), or dopri5 with
// Rtol/Atol. The zero value is dopri5 at torchdiffeq's defaults (rtol 1e-7,
// atol 1e-9) with the parameter and input gradients left out of the error
// norm (torchdiffeq's "seminorm").
type AdjointConfig struct {
	Method   ode.Method
	Substeps int
	Rtol     float64
	Atol     float64
	// FullNorm includes the parameter and input gradients in dopri5's
	// error norm (torchdiffeq's default before the seminorm option).
	FullNorm bool
}

// WithDefaults fills in the method (dopri5) and the substeps (1).
func (c AdjointConfig) WithDefaults() AdjointConfig {
	if c.Method == "" {
		c.Method = ode.Dopri5
	}
	if c.Substeps == 0 {
		c.Substeps = 1
	}
	return c
}

// Validate returns a param error naming the first bad field.
func (c AdjointConfig) Validate() error {
	c = c.WithDefaults()
	if err := param.First(c.Method.Validate(), param.PositiveInt("learn", "Adjoint.Substeps", c.Substeps),
		param.NonNegative("learn", "Adjoint.Rtol", c.Rtol), param.NonNegative("learn", "Adjoint.Atol", c.Atol)); err != nil {
		return err
	}
	if c.Substeps > ode.DefaultMaxSteps {
		return param.New("learn", "Adjoint.Substeps", c.Substeps, fmt.Sprintf("in [1, %d] (ode.DefaultMaxSteps, dopri5's step budget per interval)", ode.DefaultMaxSteps))
	}
	return nil
}

// Adjoint integrates the adjoint equations of a Field backward in time over
// one interval at a time (the continuous adjoint method of Chen et al.,
// "Neural ODEs", 2018). With s = t1 − t the augmented state
// [h, a, g_θ, g_x] obeys
//
//	dh/ds   = −F(h, x)
//	da/ds   = (∂F/∂h)ᵀ a
//	dg_θ/ds = (∂F/∂θ)ᵀ a
//	dg_x/ds = (∂F/∂x)ᵀ a
//
// from h(t1), a(t1) = ∂L/∂h(t1), g = 0, giving a(t0) = ∂L/∂h(t0) and the
// gradients ∫ aᵀ ∂F/∂θ dt and ∫ aᵀ ∂F/∂x dt. The state is reconstructed by
// integrating backward; callers that stored forward states (checkpoints)
// pass them at interval boundaries to stop the reconstruction error from
// accumulating. Memory: the augmented state and the solver's stages,
// independent of the number of intervals and of solver steps. An Adjoint is
// not safe for concurrent use.
type Adjoint[T asm.Float] struct {
	f      Field[T]
	n      int
	cfg    AdjointConfig
	solver ode.Solver[T]
	fixed  *ode.Fixed[T]
	y      []T
	out    []T
	x      []T
	fn     ode.Func[T]
	nh, np int
	stats  ode.Stats
}

// NewAdjoint returns an adjoint integrator for f over n rows.
func NewAdjoint[T asm.Float](f Field[T], n int, c AdjointConfig) (*Adjoint[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := param.PositiveInt("learn", "n", n); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	a := &Adjoint[T]{f: f, n: n, cfg: c}
	a.nh, a.np = n*f.StateDim(), f.NumParams()
	dim := 2*a.nh + a.np + n*f.InputDim()
	a.y = make([]T, dim)
	a.out = make([]T, dim)
	if c.Method.Adaptive() {
		o := ode.Options{Rtol: c.Rtol, Atol: c.Atol}
		if !c.FullNorm {
			// The seminorm: the RMS error over the state and the adjoint
			// alone, so that the parameter and input gradients (the
			// components after them) change neither the tolerance nor the
			// step count.
			o.NormDim = 2 * a.nh
		}
		s, err := ode.NewDopri5[T](dim, o)
		if err != nil {
			return nil, err
		}
		a.solver = s
	} else {
		s, err := ode.NewFixed[T](c.Method, dim)
		if err != nil {
			return nil, err
		}
		a.fixed = s
	}
	a.fn = a.eval
	return a, nil
}

// eval is the augmented vector field in reversed time.
func (a *Adjoint[T]) eval(_ float64, y, dy []T) {
	n, nh, np := a.n, a.nh, a.np
	h, adj := y[:nh], y[nh:2*nh]
	dh, da, dg, dx := dy[:nh], dy[nh:2*nh], dy[2*nh:2*nh+np], dy[2*nh+np:]
	a.f.Eval(dh, h, a.x, n)
	asm.Scal(-1, dh)
	clear(dg)
	clear(dx)
	a.f.VJP(da, dg, dx, adj, h, a.x, n)
}

// Stats returns the solver work of the last Interval.
func (a *Adjoint[T]) Stats() ode.Stats { return a.stats }

// Interval integrates backward over an interval of length dt with input x
// (n×InputDim). On entry h is the state and adj the adjoint ∂L/∂h at the
// interval's end; on return they hold the reconstructed state and the
// adjoint at its start. gtheta (NumParams) and gx (n×InputDim) are
// accumulated into; either may be nil.
func (a *Adjoint[T]) Interval(h, adj, gtheta, gx, x []T, dt float64) error {
	nh, np := a.nh, a.np
	if len(h) != nh || len(adj) != nh || (gtheta != nil && len(gtheta) != np) || (gx != nil && len(gx) != a.n*a.f.InputDim()) {
		panic("learn: Adjoint.Interval: slice lengths do not match")
	}
	a.x = x
	y := a.y
	copy(y[:nh], h)
	copy(y[nh:2*nh], adj)
	clear(y[2*nh:])
	if a.fixed != nil {
		a.fixed.ResetStats()
		if err := a.fixed.Integrate(a.fn, 0, dt, a.cfg.Substeps, y); err != nil {
			return fmt.Errorf("learn: adjoint: %w", err)
		}
		a.stats = a.fixed.Stats()
	} else {
		if err := a.solver.Solve(a.fn, 0, y, []float64{dt}, a.out); err != nil {
			return fmt.Errorf("learn: adjoint: %w", err)
		}
		a.stats = a.solver.Stats()
		y = a.out
	}
	copy(h, y[:nh])
	copy(adj, y[nh:2*nh])
	if gtheta != nil {
		asm.Add(gtheta, gtheta, y[2*nh:2*nh+np])
	}
	if gx != nil {
		asm.Add(gx, gx, y[2*nh+np:])
	}
	return nil
}
