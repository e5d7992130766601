package tasks

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/tasks/nprand"
)

// Lorenz holds the parameters of the Lorenz-63 system
//
//	dx/dt = σ(y − x),  dy/dt = x(ρ − z) − y,  dz/dt = xy − βz.
//
// The zero value means the classic σ = 10, ρ = 28, β = 8/3.
type Lorenz struct {
	Sigma, Rho, Beta float64
}

// withDefaults fills zero fields with the classic values.
func (l Lorenz) withDefaults() Lorenz {
	if l.Sigma == 0 {
		l.Sigma = 10
	}
	if l.Rho == 0 {
		l.Rho = 28
	}
	if l.Beta == 0 {
		l.Beta = 8.0 / 3
	}
	return l
}

// Validate returns a param error if, after defaults, σ or β is not
// positive or ρ is not finite. With σ, β > 0 the flow is dissipative and
// every trajectory stays bounded; with either negative trajectories grow
// exponentially and an adaptive solver never finishes.
func (l Lorenz) Validate() error {
	l = l.withDefaults()
	return param.First(
		param.Positive("tasks", "Sigma", l.Sigma),
		param.Finite("tasks", "Rho", l.Rho),
		param.Positive("tasks", "Beta", l.Beta),
	)
}

// VectorField writes the Lorenz vector field at state y (length 3) into
// dydt; t is ignored. It has the signature of ode.Func[float64].
func (l Lorenz) VectorField(t float64, y, dydt []float64) {
	l = l.withDefaults()
	_ = y[2]
	_ = dydt[2]
	dydt[0] = l.Sigma * (y[1] - y[0])
	dydt[1] = float64(y[0]*(l.Rho-y[2])) - y[1]
	dydt[2] = float64(y[0]*y[1]) - float64(l.Beta*y[2])
}

// Jacobian writes ∂f/∂y at state y into jac (3×3, row-major).
func (l Lorenz) Jacobian(jac, y []float64) {
	l = l.withDefaults()
	_ = y[2]
	_ = jac[8]
	jac[0], jac[1], jac[2] = -l.Sigma, l.Sigma, 0
	jac[3], jac[4], jac[5] = l.Rho-y[2], -1, -y[0]
	jac[6], jac[7], jac[8] = y[1], y[0], -l.Beta
}

// FixedPoints returns the equilibria of the system: the origin and, for
// ρ > 1, C± = (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1).
func (l Lorenz) FixedPoints() [][3]float64 {
	l = l.withDefaults()
	fp := [][3]float64{{0, 0, 0}}
	if l.Rho > 1 {
		c := math.Sqrt(l.Beta * (l.Rho - 1))
		fp = append(fp, [3]float64{c, c, l.Rho - 1}, [3]float64{-c, -c, l.Rho - 1})
	}
	return fp
}

// LorenzConfig describes the Lorenz-63 dataset. The zero value is the
// reference tutorial's recipe (tutorial-spec §1.1).
type LorenzConfig struct {
	System Lorenz
	// Dt is the sample interval (0 → 0.01).
	Dt float64
	// Transient is the integration time dropped before the first sample
	// (0 → 10; set NoTransient to drop nothing).
	Transient   float64
	NoTransient bool
	// TrainT, ValT, TestT and EvalT are the lengths kept after the
	// transient, in time units (0 → 140, 30, 30, 1000). EvalT < 0 skips the
	// evaluation trajectory.
	TrainT, ValT, TestT, EvalT float64
	// Seed is the NumPy seed of the train trajectory; val, test and eval use
	// Seed+1, Seed+2, Seed+3 (0 → 42, the reference's 42/43/44/45). Seeds
	// must lie in [0, 2³²−4].
	Seed int64
	// Initial is the base initial state (zero → (1,1,1)); InitialNoise the
	// std of the Gaussian offset added to it (0 → 0.1; < 0 → no offset and
	// no draw).
	Initial      [3]float64
	InitialNoise float64
	// Rtol and Atol are the integration tolerances (0 → 1e-10, 1e-12).
	Rtol, Atol float64
	// SeqLength is the window length (0 → 50), Horizon how many samples
	// after the window's last the target lies (0 → 1, the next step),
	// Stride the step between window starts (0 → 1).
	SeqLength, Horizon, Stride int
}

// WithDefaults returns c with every zero field replaced by the reference's
// default.
func (c LorenzConfig) WithDefaults() LorenzConfig {
	c.System = c.System.withDefaults()
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	defi := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Dt, 0.01)
	if c.NoTransient {
		c.Transient = 0
	} else {
		def(&c.Transient, 10)
	}
	def(&c.TrainT, 140)
	def(&c.ValT, 30)
	def(&c.TestT, 30)
	def(&c.EvalT, 1000)
	if c.Seed == 0 {
		c.Seed = 42
	}
	if c.Initial == ([3]float64{}) {
		c.Initial = [3]float64{1, 1, 1}
	}
	def(&c.InitialNoise, 0.1)
	def(&c.Rtol, 1e-10)
	def(&c.Atol, 1e-12)
	defi(&c.SeqLength, 50)
	defi(&c.Horizon, 1)
	defi(&c.Stride, 1)
	return c
}

// Validate checks c (after defaults) and returns a param error naming the
// first bad field.
func (c LorenzConfig) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		c.System.Validate(),
		param.Positive("tasks", "Dt", c.Dt),
		param.NonNegative("tasks", "Transient", c.Transient),
		param.Positive("tasks", "TrainT", c.TrainT),
		param.Positive("tasks", "ValT", c.ValT),
		param.Positive("tasks", "TestT", c.TestT),
		param.Finite("tasks", "EvalT", c.EvalT),
		param.Finite("tasks", "InitialNoise", c.InitialNoise),
		param.Positive("tasks", "Rtol", c.Rtol),
		param.Positive("tasks", "Atol", c.Atol),
		param.PositiveInt("tasks", "SeqLength", c.SeqLength),
		param.PositiveInt("tasks", "Horizon", c.Horizon),
		param.PositiveInt("tasks", "Stride", c.Stride),
	); err != nil {
		return err
	}
	for i, v := range c.Initial {
		if err := param.Finite("tasks", fmt.Sprintf("Initial[%d]", i), v); err != nil {
			return err
		}
	}
	if c.Seed < 0 || c.Seed > math.MaxUint32-3 {
		return param.New("tasks", "Seed", c.Seed, "in [0, 2^32-4] (NumPy seeds; splits use Seed..Seed+3)")
	}
	if c.Rtol < 1e-14 {
		return param.New("tasks", "Rtol", c.Rtol, ">= 1e-14")
	}
	for _, s := range []struct {
		name string
		T    float64
	}{{"TrainT", c.TrainT}, {"ValT", c.ValT}, {"TestT", c.TestT}, {"EvalT", c.EvalT}} {
		if s.name == "EvalT" && s.T < 0 {
			continue
		}
		n := int(math.Floor(s.T/c.Dt + 1e-9))
		if total := (s.T + c.Transient) / c.Dt; total > maxLorenzSamples {
			return param.New("tasks", s.name+"+Transient", s.T+c.Transient,
				fmt.Sprintf("at most %g samples of Dt integrated per trajectory ((T+Transient)/Dt = %.4g)", float64(maxLorenzSamples), total))
		}
		if s.name != "EvalT" && n < c.SeqLength+c.Horizon {
			return param.New("tasks", s.name, s.T, fmt.Sprintf("long enough for one window: T/Dt >= SeqLength+Horizon = %d", c.SeqLength+c.Horizon))
		}
	}
	return nil
}

// maxLorenzSamples bounds the samples of one trajectory, transient
// included (3 float64 each: 1.2 GB at the bound).
const maxLorenzSamples = 50_000_000

// LorenzTrajectory integrates one trajectory the reference's way
// (generate_lorenz_trajectory): initial state c.Initial + InitialNoise·randn(3)
// after np.random.seed(seed), Dormand–Prince at c.Rtol/c.Atol, samples at
// arange(0, T+Transient, Dt), the first int(Transient/Dt) dropped. It returns
// the samples (row-major, n×3), the initial state used and the solver's
// statistics.
func LorenzTrajectory(c LorenzConfig, T float64, seed int64) (samples []float64, y0 [3]float64, stats ode.Stats, err error) {
	if err = c.Validate(); err != nil {
		return nil, y0, stats, err
	}
	c = c.WithDefaults()
	if err = param.Positive("tasks", "T", T); err != nil {
		return nil, y0, stats, err
	}
	if seed < 0 || seed > math.MaxUint32 {
		return nil, y0, stats, param.New("tasks", "seed", seed, "in [0, 2^32-1]")
	}
	y0 = c.Initial
	if c.InitialNoise > 0 {
		rs := nprand.New(uint32(seed))
		for i := range y0 {
			y0[i] += float64(c.InitialNoise * rs.Randn())
		}
	}
	// NumPy's arange(0, stop, step): ceil(stop/step) samples i·step.
	stop := T + c.Transient
	if total := stop / c.Dt; total > maxLorenzSamples {
		return nil, y0, stats, param.New("tasks", "T+Transient", stop,
			fmt.Sprintf("at most %g samples of Dt integrated per trajectory ((T+Transient)/Dt = %.4g)", float64(maxLorenzSamples), total))
	}
	n := int(math.Ceil(stop / c.Dt))
	drop := int(c.Transient / c.Dt)
	if n-drop <= 0 {
		return nil, y0, stats, param.New("tasks", "T", T, "longer than Dt")
	}
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = float64(i) * c.Dt
	}
	out := make([]float64, 3*n)
	s, err := ode.NewDopri5[float64](3, ode.Options{Rtol: c.Rtol, Atol: c.Atol, MaxSteps: 1 << 30})
	if err != nil {
		return nil, y0, stats, err
	}
	sys := c.System
	if err = s.Solve(sys.VectorField, 0, y0[:], ts, out); err != nil {
		return nil, y0, stats, fmt.Errorf("tasks: Lorenz trajectory (seed %d): %w", seed, err)
	}
	return out[3*drop:], y0, s.Stats(), nil
}
