package rate

import (
	"fmt"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
)

// Dale selects how raw recurrent parameters become non-negative weight
// magnitudes (the sign comes from the presynaptic population: E columns
// excite, I columns inhibit).
type Dale int

const (
	// DaleAbs: |w| (notebook 02).
	DaleAbs Dale = iota
	// DaleSoftplus: ln(1 + eʷ) (the src BalancedRateNetwork of notebook 05;
	// every weight is then > 0, ≥ ln 2 at a zero raw value).
	DaleSoftplus
	// DaleReLU: max(w, 0) (the spiking networks' choice; a weight at 0 gets
	// no gradient and stays 0).
	DaleReLU
)

var daleNames = [...]string{"abs", "softplus", "relu"}

// String returns the transform's name.
func (d Dale) String() string {
	if d >= 0 && int(d) < len(daleNames) {
		return daleNames[d]
	}
	return fmt.Sprintf("Dale(%d)", int(d))
}

// MarshalText writes the name.
func (d Dale) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a name.
func (d *Dale) UnmarshalText(b []byte) error {
	for i, n := range daleNames {
		if n == string(b) {
			*d = Dale(i)
			return nil
		}
	}
	return param.New("rate", "Dale", string(b), "one of abs, softplus, relu")
}

// Init selects the initialization scheme of the two reference
// implementations.
type Init int

const (
	// InitGaussian (notebook 02): raw recurrent weights N(0,1)·RecScale/√N_pre,
	// input weights and input biases U(±1/√I) (PyTorch's Linear default).
	InitGaussian Init = iota
	// InitUniform (notebook 05's BalancedRateNetwork): raw recurrent weights
	// U(0, s) with s = 1/√N_E for E-presynaptic blocks and G/√N_I for
	// I-presynaptic ones, input weights Xavier-uniform, biases BiasInit.
	InitUniform
)

var initNames = [...]string{"gaussian", "uniform"}

// String returns the scheme's name.
func (i Init) String() string {
	if i >= 0 && int(i) < len(initNames) {
		return initNames[i]
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// MarshalText writes the name.
func (i Init) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// UnmarshalText parses a name.
func (i *Init) UnmarshalText(b []byte) error {
	for k, n := range initNames {
		if n == string(b) {
			*i = Init(k)
			return nil
		}
	}
	return param.New("rate", "Init", string(b), "one of gaussian, uniform")
}

const (
	// MaxNeurons bounds NE+NI: the recurrent matrix is dense ((NE+NI)²
	// values, several copies during training: 1.3 GB of float32 at the
	// bound).
	MaxNeurons = 8192
	// MaxIO bounds Inputs and Outputs.
	MaxIO = 1 << 16
	// MaxSubsteps bounds Substeps: as many fixed steps per interval as
	// dopri5 may attempt (ode.DefaultMaxSteps, 100,000), as ctrnn's and
	// snn's. Each substep costs a GEMM per solver stage, and training keeps
	// every stage of every substep for BPTT (Model.BatchBytes counts it;
	// training is refused beyond the memory limit).
	MaxSubsteps = ode.DefaultMaxSteps
)

// Config describes a balanced E/I rate network. The zero value is the
// notebook-02 Lorenz configuration: 48 E and 16 I units, τ_E = 1, τ_I = 0.5,
// Euler with Δt = 0.1 per sample, ReLU, Dale's law by |W|, Gaussian
// initialization (RecScale 0.5), 3 inputs and 3 outputs, all connections.
// FlipFlopConfig returns the notebook-05 configuration.
type Config struct {
	// NE and NI are the population sizes (0 → 48 and 16).
	NE, NI int
	// Inputs and Outputs are the sizes (0 → 3 and 3). The decoder reads
	// the E population only.
	Inputs, Outputs int
	// TauE and TauI are the time constants in model time units (0 → 1 and
	// 0.5).
	TauE, TauI float64
	// Dt is the model time each input sample is held for, the integration
	// interval (0 → 0.1: notebook 02's Euler step with factors 0.1 and 0.2).
	Dt float64
	// Activation is φ (0 → relu in this package's zero Config; tanh is not
	// the zero value here). Use leaky.HalfTanh for notebook 05's "tanh"
	// (0.5 + 0.5·tanh), or softplus, sigmoid, tanh.
	Activation *leaky.Activation `json:",omitempty"`
	// Dale is the sign-constraint transform.
	Dale Dale
	// Init is the initialization scheme; RecScale the Gaussian scale
	// (0 → 0.5); G the inhibitory scale of the uniform scheme (0 → 1.5);
	// BiasInit the uniform scheme's initial biases (0 → 0.5; < 0 → 0).
	Init     Init
	RecScale float64
	G        float64
	BiasInit float64
	// ConnProb is the connection probability of each recurrent block
	// (0 → 1). Below 1, fixed Bernoulli masks drawn from Seed are stored as
	// frozen parameters mask_ee, mask_ei, mask_ie, mask_ii.
	ConnProb float64
	// Solver integrates each interval (zero → euler) with Substeps steps
	// (0 → 1, at most MaxSubsteps); Rtol and Atol are dopri5's tolerances.
	Solver     ode.Method
	Substeps   int
	Rtol, Atol float64
	// SampleDt is the data time per sample, for StepTime (0 → 0.01).
	SampleDt float64
	// Seed seeds the initialization and the masks.
	Seed uint64
	// Adjoint and CheckpointEvery select the adjoint method for training
	// (see ctrnn.Config.Adjoint). The adjoint differentiates the
	// continuous-time loss, BPTT the loss of the solver's discrete steps
	// that training minimises; they differ by O(h^p), so Validate refuses
	// Adjoint with the euler and midpoint solvers (rk4, rk38 and dopri5 are
	// allowed). Measured on the zero Config (Dt 0.1, τ 1 / 0.5, ReLU, Seed
	// 42; 4 random sequences of 20 samples, LossAll), max |g_adjoint −
	// g_BPTT| / |g_BPTT| with the adjoint at Rtol 1e-11 and CheckpointEvery
	// 1, for step/min(τ) = 0.2, 0.1, 0.05: euler 0.0025, 0.0013, 5.6e-4;
	// midpoint 0.0012, 4.3e-4, 1.9e-4; rk4 4.7e-4, 2.6e-4, 1.2e-4; dopri5
	// at Rtol 1e-3, 1e-5, 1e-7: 2.3e-4, 1.9e-4, 9.9e-5 (ReLU's kinks keep
	// every solver near 1e-4). With one step per τ the gap is far larger
	// (ctrnn.Config.Adjoint: 26% with euler, 6% with midpoint, 2% with
	// rk4), and without CheckpointEvery the backward reconstruction of the
	// state can diverge: Backward then returns an error saying to set it
	// (leaky.MaxReconstructionDrift).
	Adjoint         *learn.AdjointConfig `json:",omitempty"`
	CheckpointEvery int                  `json:",omitempty"`
	// InputNoise is the standard deviation of Gaussian noise added to the
	// observed inputs of training batches (never in evaluation; see
	// leaky.Gradient.InputNoise).
	InputNoise float64 `json:",omitempty"`
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c Config) WithDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.NE, 48)
	def(&c.NI, 16)
	def(&c.Inputs, 3)
	def(&c.Outputs, 3)
	def(&c.Substeps, 1)
	deff(&c.TauE, 1)
	deff(&c.TauI, 0.5)
	deff(&c.Dt, 0.1)
	deff(&c.RecScale, 0.5)
	deff(&c.G, 1.5)
	deff(&c.ConnProb, 1)
	deff(&c.SampleDt, 0.01)
	switch {
	case c.BiasInit == 0:
		c.BiasInit = 0.5
	case c.BiasInit < 0:
		c.BiasInit = 0
	}
	if c.Activation == nil {
		a := leaky.ReLU
		c.Activation = &a
	} else {
		a := *c.Activation
		c.Activation = &a
	}
	if c.Solver == "" {
		c.Solver = ode.Euler
	}
	return c
}

// Act returns the activation (after defaults).
func (c Config) Act() leaky.Activation { return *c.WithDefaults().Activation }

// Validate returns a param error naming the first bad field. Besides each
// field's range, NE+NI ≤ MaxNeurons, Inputs and Outputs ≤ MaxIO, Substeps ≤
// MaxSubsteps, the step
// Dt/Substeps must not exceed min(TauE, TauI) with the Euler solver nor the
// solver's stability limit on the leak, ode.Method.StabilityLimit·min(TauE,
// TauI), with the other fixed-step solvers (2·τ for midpoint, 2.785·τ for
// rk4 and rk38), and Adjoint requires Solver rk4, rk38 or dopri5.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		param.PositiveInt("rate", "NE", c.NE), param.PositiveInt("rate", "NI", c.NI),
		param.PositiveInt("rate", "Inputs", c.Inputs), param.PositiveInt("rate", "Outputs", c.Outputs),
		param.PositiveInt("rate", "Substeps", c.Substeps),
		param.Positive("rate", "TauE", c.TauE), param.Positive("rate", "TauI", c.TauI),
		param.Positive("rate", "Dt", c.Dt), param.Positive("rate", "RecScale", c.RecScale),
		param.Positive("rate", "G", c.G), param.Finite("rate", "BiasInit", c.BiasInit),
		param.Positive("rate", "SampleDt", c.SampleDt),
		param.NonNegative("rate", "Rtol", c.Rtol), param.NonNegative("rate", "Atol", c.Atol),
		param.NonNegative("rate", "CheckpointEvery", float64(c.CheckpointEvery)),
		param.NonNegative("rate", "InputNoise", c.InputNoise),
		c.Activation.Validate(),
	); err != nil {
		return err
	}
	if n := c.NE + c.NI; n > MaxNeurons {
		return param.New("rate", "NE+NI", n, fmt.Sprintf("<= %d (the recurrent matrix is dense, (NE+NI)² entries)", MaxNeurons))
	}
	if c.Inputs > MaxIO || c.Outputs > MaxIO {
		return param.New("rate", "Inputs/Outputs", fmt.Sprintf("%d/%d", c.Inputs, c.Outputs), fmt.Sprintf("<= %d", MaxIO))
	}
	if c.Substeps > MaxSubsteps {
		return param.New("rate", "Substeps", c.Substeps, fmt.Sprintf("in [1, %d] (rate.MaxSubsteps, dopri5's step budget per interval: every substep costs a GEMM per solver stage, and training keeps each of them); the step Dt/Substeps need not be shorter than the solver's stability limit allows (min(TauE, TauI) with euler), or choose dopri5", MaxSubsteps))
	}
	if err := c.Solver.Validate(); err != nil {
		return param.New("rate", "Solver", string(c.Solver), "one of euler, midpoint, rk4, rk38, dopri5")
	}
	h, tau := c.Dt/float64(c.Substeps), min(c.TauE, c.TauI)
	if c.Solver == ode.Euler && h > tau {
		return param.New("rate", "Dt/Substeps", h,
			fmt.Sprintf("<= min(TauE, TauI) (%g) with the Euler solver (a longer step overshoots the leak and oscillates or diverges): raise Substeps or choose another solver", tau))
	}
	if lim := c.Solver.StabilityLimit(); !c.Solver.Adaptive() && h > lim*tau {
		return param.New("rate", "Dt/Substeps", h,
			fmt.Sprintf("<= %.4g·min(TauE, TauI) (%.4g) with the %s solver (its stability limit on the leak: a longer step amplifies what should decay, and the state diverges): raise Substeps, TauE or TauI, or choose dopri5", lim, lim*tau, c.Solver))
	}
	if !(c.ConnProb > 0 && c.ConnProb <= 1) {
		return param.New("rate", "ConnProb", c.ConnProb, "in (0, 1]")
	}
	if c.Dale < 0 || int(c.Dale) >= len(daleNames) {
		return param.New("rate", "Dale", int(c.Dale), "one of abs, softplus, relu")
	}
	if c.Init < 0 || int(c.Init) >= len(initNames) {
		return param.New("rate", "Init", int(c.Init), "one of gaussian, uniform")
	}
	if c.Adjoint != nil {
		if c.Solver == ode.Euler || c.Solver == ode.Midpoint {
			return param.New("rate", "Adjoint", "set with Solver "+string(c.Solver),
				"nil (BPTT) with the euler and midpoint solvers; the adjoint needs Solver rk4, rk38 or dopri5: it differentiates the continuous-time loss, and a first- or second-order step makes the loss minimised differ from it by O(h) or O(h²) (see Config.Adjoint)")
		}
		if err := c.Adjoint.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// FlipFlopConfig returns notebook 05's configuration of the src
// BalancedRateNetwork: 96 E / 24 I, τ 5 / 2.5, Δt 1, G 1.5, Dale's law by
// softplus, activation 0.5 + 0.5·tanh, uniform initialization, biases 0.5,
// 3 inputs and outputs, one step per sample (SampleDt 1).
func FlipFlopConfig() Config {
	a := leaky.HalfTanh
	return Config{NE: 96, NI: 24, TauE: 5, TauI: 2.5, Dt: 1, G: 1.5, Activation: &a,
		Dale: DaleSoftplus, Init: InitUniform, BiasInit: 0.5, SampleDt: 1}
}

// NumParams returns the number of trainable parameters (4,499 for the
// notebook-02 configuration, 15,171 for notebook 05's).
func (c Config) NumParams() int {
	c = c.WithDefaults()
	n := c.NE + c.NI
	return n*n + n*c.Inputs + n + c.Outputs*c.NE + c.Outputs
}

// spec returns the engine shape.
func (c Config) spec() leaky.Spec {
	return leaky.Spec{
		N: c.NE + c.NI, I: c.Inputs, O: c.Outputs, R: c.NE,
		Act: *c.Activation,
		Pops: []leaky.Pop{
			{Start: 0, Len: c.NE, Tau: c.TauE},
			{Start: c.NE, Len: c.NI, Tau: c.TauI},
		},
		Method: c.Solver, Interval: c.Dt, Substeps: c.Substeps,
		Rtol: c.Rtol, Atol: c.Atol,
	}
}

// String summarizes c.
func (c Config) String() string {
	c = c.WithDefaults()
	return fmt.Sprintf("balanced rate E=%d I=%d τ=%g/%g %v Dale=%v %v dt=%g p=%g",
		c.NE, c.NI, c.TauE, c.TauI, *c.Activation, c.Dale, c.Solver, c.Dt, c.ConnProb)
}
