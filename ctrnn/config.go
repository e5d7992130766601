package ctrnn

import (
	"fmt"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
)

const (
	// MaxHidden bounds Hidden: the recurrent matrix is dense (Hidden²
	// values, several copies during training: 1.3 GB of float32 at the
	// bound).
	MaxHidden = 8192
	// MaxIO bounds Inputs and Outputs.
	MaxIO = 1 << 16
	// MaxSubsteps bounds Substeps: as many fixed steps per interval as
	// dopri5 may attempt (ode.DefaultMaxSteps, 100,000), and as snn's
	// SubSteps. Each substep costs a GEMM per solver stage, and training
	// keeps every stage of every substep for BPTT (an Euler CT-RNN of 64
	// units, batch 32, windows of 50 samples: 1.36 GB per 1,000 substeps;
	// Model.BatchBytes counts it and training is refused beyond the memory
	// limit). 10⁹ substeps used to be accepted, and one prediction took the
	// machine's memory (24 GB).
	MaxSubsteps = ode.DefaultMaxSteps
)

// Config describes a CT-RNN. The zero value is the reference tutorial's
// Lorenz configuration (notebook 01): 64 tanh units, 3 inputs, 3 outputs,
// τ = 1, Euler, one model time unit per sample, seed 0.
type Config struct {
	// Hidden, Inputs and Outputs are the sizes (0 → 64, 3, 3).
	Hidden, Inputs, Outputs int
	// Tau is the time constant in model time units (0 → 1).
	Tau float64
	// Activation is φ: tanh (the zero value), relu or sigmoid.
	Activation leaky.Activation
	// Solver integrates each sample interval (zero → euler, the
	// configuration the reference trains; its class default is dopri5).
	// A fixed step longer than the solver allows is refused (see Validate):
	// rk4 with Tau 0.3 and Interval 1 (step/τ 3.3, beyond its limit of
	// 2.785) multiplies the leak's decaying mode by R(−3.3) = 2.19 per step
	// instead of shrinking it; it used to be accepted (a review trained it
	// to a loss of 1.8e14).
	Solver ode.Method
	// Interval is the model time over which each input sample is held
	// (0 → 1, as the reference: one time unit per sample, not the data
	// step of 0.01 — see SampleDt).
	Interval float64
	// Substeps is the number of fixed solver steps per interval (0 → 1,
	// torchdiffeq's fixed-grid behaviour; at most MaxSubsteps; ignored by
	// dopri5).
	Substeps int
	// Rtol and Atol are dopri5's tolerances (0 → torchdiffeq's 1e-7 and
	// 1e-9).
	Rtol, Atol float64
	// SampleDt is the data's time between samples in the data's own units
	// (0 → 0.01, the Lorenz data step). It does not enter the dynamics; it
	// is the time a Step covers for Lyapunov exponents (StepTime).
	SampleDt float64
	// Seed seeds the initialization (PCG streams per tensor).
	Seed uint64
	// Adjoint, when set, makes training compute gradients with the
	// continuous adjoint method instead of BPTT; CheckpointEvery is its
	// forward-state checkpoint spacing in intervals (0: none).
	//
	// The adjoint differentiates the continuous-time loss; training
	// minimises the loss of the forward solver's discrete steps, whose
	// gradient BPTT computes exactly. The two differ by O(h^p) for a
	// fixed step h of order p, so Validate refuses Adjoint with the euler
	// and midpoint solvers; rk4, rk38 and dopri5 are allowed. Measured gap,
	// max |g_adjoint − g_BPTT| / |g_BPTT| (adjoint at Rtol 1e-11,
	// CheckpointEvery 1, so that only the forward discretization counts;
	// τ = 1, Interval 1, step/τ = 1/Substeps, random normal inputs and
	// targets), for model A (Hidden 5, Inputs and Outputs 2, Seed 4, 3
	// sequences of 6 samples, LossLast) and model B (Hidden 64, 3 and 3,
	// Seed 42, 4 sequences of 20 samples, LossAll):
	//
	//	solver    step/τ:  1       0.5     0.25    0.1
	//	euler     A        0.26    0.038   0.014   0.0049
	//	          B        0.055   0.013   0.0059  0.0022
	//	midpoint  A        0.062   0.0092  0.0019  2.6e-4
	//	          B        0.025   0.0038  7.1e-4  9.6e-5
	//	rk4       A        0.020   6.2e-4  2.6e-5  5.3e-7
	//	          B        0.0048  1.5e-4  6.6e-6  1.4e-7
	//	dopri5    Rtol:    1e-3    1e-5    1e-7    1e-9    (Atol = Rtol/100)
	//	          A        4.2e-6  8.3e-8  1.2e-9  1.3e-11
	//	          B        1.3e-6  2.7e-8  3.4e-10 3.4e-12
	//
	// rk4 at one step per τ is still 0.5–2% off; take Substeps ≥ 2 or
	// dopri5. The adjoint's own defaults (dopri5 at Rtol 1e-7, Atol 1e-9)
	// with CheckpointEvery 0 reconstruct the state by integrating backward
	// over the whole sequence, which adds an error of its own: on model A
	// with the euler forward solver (the combination now refused) the gap
	// was 0.40, and on model B the reconstruction diverges (it returned
	// max |h(0)| = 1.1e4 instead of 0, and the gradient was off 90 times its
	// norm even with a dopri5 forward at Rtol 1e-7). Backward now refuses a
	// reconstruction that does not end within leaky.MaxReconstructionDrift
	// of the zero initial state, so set CheckpointEvery.
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
	def(&c.Hidden, 64)
	def(&c.Inputs, 3)
	def(&c.Outputs, 3)
	def(&c.Substeps, 1)
	deff(&c.Tau, 1)
	deff(&c.Interval, 1)
	deff(&c.SampleDt, 0.01)
	if c.Solver == "" {
		c.Solver = ode.Euler
	}
	return c
}

// Validate returns a param error naming the first bad field. Besides each
// field's range, Hidden ≤ MaxHidden, Inputs and Outputs ≤ MaxIO, Substeps ≤
// MaxSubsteps, the step
// Interval/Substeps must not exceed Tau with the Euler solver nor the
// solver's stability limit on the leak, ode.Method.StabilityLimit·Tau, with
// the other fixed-step solvers (2·Tau for midpoint, 2.785·Tau for rk4 and
// rk38), and Adjoint requires Solver rk4, rk38 or dopri5.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		param.PositiveInt("ctrnn", "Hidden", c.Hidden),
		param.PositiveInt("ctrnn", "Inputs", c.Inputs),
		param.PositiveInt("ctrnn", "Outputs", c.Outputs),
		param.PositiveInt("ctrnn", "Substeps", c.Substeps),
		param.Positive("ctrnn", "Tau", c.Tau),
		param.Positive("ctrnn", "Interval", c.Interval),
		param.Positive("ctrnn", "SampleDt", c.SampleDt),
		param.NonNegative("ctrnn", "Rtol", c.Rtol),
		param.NonNegative("ctrnn", "Atol", c.Atol),
		param.NonNegative("ctrnn", "CheckpointEvery", float64(c.CheckpointEvery)),
		param.NonNegative("ctrnn", "InputNoise", c.InputNoise),
	); err != nil {
		return err
	}
	if c.Hidden > MaxHidden {
		return param.New("ctrnn", "Hidden", c.Hidden, fmt.Sprintf("<= %d (the recurrent matrix is dense, Hidden² entries)", MaxHidden))
	}
	if c.Inputs > MaxIO || c.Outputs > MaxIO {
		return param.New("ctrnn", "Inputs/Outputs", fmt.Sprintf("%d/%d", c.Inputs, c.Outputs), fmt.Sprintf("<= %d", MaxIO))
	}
	if c.Substeps > MaxSubsteps {
		return param.New("ctrnn", "Substeps", c.Substeps, fmt.Sprintf("in [1, %d] (ctrnn.MaxSubsteps, dopri5's step budget per interval: every substep costs a GEMM per solver stage, and training keeps each of them); the step Interval/Substeps need not be shorter than the solver's stability limit allows (Tau with euler), or choose dopri5", MaxSubsteps))
	}
	if err := c.Solver.Validate(); err != nil {
		return param.New("ctrnn", "Solver", string(c.Solver), "one of euler, midpoint, rk4, rk38, dopri5")
	}
	h := c.Interval / float64(c.Substeps)
	if c.Solver == ode.Euler && h > c.Tau {
		return param.New("ctrnn", "Interval/Substeps", h,
			fmt.Sprintf("<= Tau (%g) with the Euler solver (a longer step overshoots the leak and oscillates or diverges): raise Substeps or choose another solver", c.Tau))
	}
	if lim := c.Solver.StabilityLimit(); !c.Solver.Adaptive() && h > lim*c.Tau {
		return param.New("ctrnn", "Interval/Substeps", h,
			fmt.Sprintf("<= %.4g·Tau (%.4g) with the %s solver (its stability limit on the leak: a longer step amplifies what should decay, and the state diverges): raise Substeps or Tau, or choose dopri5", lim, lim*c.Tau, c.Solver))
	}
	switch c.Activation {
	case leaky.Tanh, leaky.ReLU, leaky.Sigmoid:
	default:
		return param.New("ctrnn", "Activation", c.Activation.String(), "one of tanh, relu, sigmoid")
	}
	if c.Adjoint != nil {
		if err := adjointSolver("ctrnn", c.Solver); err != nil {
			return err
		}
		if err := c.Adjoint.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// adjointSolver refuses the forward solvers whose discrete loss is too far
// from the continuous one the adjoint differentiates (see Config.Adjoint).
func adjointSolver(pkg string, s ode.Method) error {
	if s == ode.Euler || s == ode.Midpoint {
		return param.New(pkg, "Adjoint", "set with Solver "+string(s),
			"nil (BPTT) with the euler and midpoint solvers; the adjoint needs Solver rk4, rk38 or dopri5: it differentiates the continuous-time loss, and a first- or second-order step makes the loss minimised differ from it by O(h) or O(h²) (measured: gradients 2.5–26% off at one step per Tau; see Config.Adjoint)")
	}
	return nil
}

// spec returns the engine's shape for c (defaults filled in).
func (c Config) spec() leaky.Spec {
	return leaky.Spec{
		N: c.Hidden, I: c.Inputs, O: c.Outputs, R: c.Hidden,
		Act:      c.Activation,
		Pops:     []leaky.Pop{{Start: 0, Len: c.Hidden, Tau: c.Tau}},
		Method:   c.Solver,
		Interval: c.Interval, Substeps: c.Substeps,
		Rtol: c.Rtol, Atol: c.Atol,
	}
}

// NumParams returns the number of trainable parameters:
// H² + H·I + H + O·H + O (4,547 for the reference's 64/3/3).
func (c Config) NumParams() int {
	c = c.WithDefaults()
	h, i, o := c.Hidden, c.Inputs, c.Outputs
	return h*h + h*i + h + o*h + o
}

// String summarizes c.
func (c Config) String() string {
	c = c.WithDefaults()
	return fmt.Sprintf("CT-RNN H=%d I=%d O=%d τ=%g %v %v interval=%g substeps=%d",
		c.Hidden, c.Inputs, c.Outputs, c.Tau, c.Activation, c.Solver, c.Interval, c.Substeps)
}
