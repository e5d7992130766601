package snn

import (
	"fmt"
	"math"
	"strings"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/timegrid"
	"github.com/neurodyn/neurodyn/learn"
)

const pkg = "snn"

// Discretization selects the decay factors of one step of dt.
type Discretization int

const (
	// Euler is the reference's (norse 1.1.0) forward-Euler step:
	// α = 1 − dt/τ_syn, β = 1 − dt/τ_mem (tutorial-spec §2.3), with the
	// dt the user gives (the reference ran at 0.001 whatever it was told).
	Euler Discretization = iota
	// Exact uses the exact decay factors α = exp(−dt/τ_syn),
	// β = exp(−dt/τ_mem) (the current held over the step).
	Exact
)

// ResetMode selects what a spike does to the membrane.
type ResetMode int

const (
	// ResetHard sets v to v_reset: v ← (1 − s)·u + s·v_reset (norse).
	ResetHard ResetMode = iota
	// ResetSoft subtracts the threshold distance: v ← u − s·(θ − v_reset).
	ResetSoft
)

// Dale selects how raw recurrent weights become non-negative magnitudes
// (the sign comes from the presynaptic population: E +, I −).
type Dale int

const (
	// DaleReLU is max(0, w) (the reference SNN: about half of the drawn
	// synapses are silent at initialization and receive no gradient).
	DaleReLU Dale = iota
	// DaleAbs is |w| (the reference's balanced rate network).
	DaleAbs
	// DaleSoftplus is ln(1 + eʷ) (the reference's src rate network).
	DaleSoftplus
)

// Readout selects the features the linear readout decodes.
type Readout int

const (
	// ReadoutCount is the mean spike count per step since the start of
	// the sequence (the reference's 'rate' readout).
	ReadoutCount Readout = iota
	// ReadoutFiltered is the spike train filtered by exponentials of the
	// time constants ReadoutTauMs, r ← e^{−dt/τ}·r + s (the kernel's
	// filtered_spikes recorder), one feature per neuron and time constant.
	ReadoutFiltered
	// ReadoutMembrane is the membrane potential after reset (the
	// reference's 'voltage' readout): not a spike-based readout, labelled
	// as such wherever it is reported.
	ReadoutMembrane
)

var (
	discNames    = [...]string{"euler", "exact"}
	resetNames   = [...]string{"hard", "soft"}
	daleNames    = [...]string{"relu", "abs", "softplus"}
	readoutNames = [...]string{"count", "filtered", "membrane"}
)

func name(names []string, i int, typ string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

func parse(names []string, s, field string) (int, error) {
	for i, n := range names {
		if n == s {
			return i, nil
		}
	}
	return 0, param.New(pkg, field, s, "one of "+strings.Join(names, ", "))
}

// String returns "euler" or "exact".
func (d Discretization) String() string { return name(discNames[:], int(d), "Discretization") }

// String returns "hard" or "soft".
func (r ResetMode) String() string { return name(resetNames[:], int(r), "ResetMode") }

// String returns "relu", "abs" or "softplus".
func (d Dale) String() string { return name(daleNames[:], int(d), "Dale") }

// String returns "count", "filtered" or "membrane".
func (r Readout) String() string { return name(readoutNames[:], int(r), "Readout") }

// SpikeBased reports whether the readout decodes spikes (count, filtered)
// rather than membrane potentials.
func (r Readout) SpikeBased() bool { return r == ReadoutCount || r == ReadoutFiltered }

// ParseDiscretization returns the discretization called s.
func ParseDiscretization(s string) (Discretization, error) {
	i, err := parse(discNames[:], s, "Discretization")
	return Discretization(i), err
}

// ParseResetMode returns the reset called s.
func ParseResetMode(s string) (ResetMode, error) {
	i, err := parse(resetNames[:], s, "Reset")
	return ResetMode(i), err
}

// ParseDale returns the Dale transform called s.
func ParseDale(s string) (Dale, error) {
	i, err := parse(daleNames[:], s, "Dale")
	return Dale(i), err
}

// ParseReadout returns the readout called s.
func ParseReadout(s string) (Readout, error) {
	i, err := parse(readoutNames[:], s, "Readout")
	return Readout(i), err
}

// Size limits that keep a configuration within memory: the recurrent
// matrix is dense (N² values, several copies during training), the ridge
// readouts solve a dense Gram of their features.
const (
	// MaxNeurons bounds NE+NI of a Model and N of an ESN.
	MaxNeurons = 8192
	// MaxIO bounds Inputs and Outputs.
	MaxIO = 1 << 16
	// MaxFeatures bounds the regressors of a reservoir's ridge readout.
	MaxFeatures = 16384
)

// Config describes a recurrent E/I network of current-based LIF neurons
// with a linear readout. Membrane potentials are dimensionless (threshold
// VTh, reset VReset, leak VLeak, resistance R), times are in ms. The zero
// value is the reference tutorial's notebook-03 network (tutorial-spec
// §2.3) at the dt it was meant to run: 128 E / 32 I neurons, 3 inputs and
// outputs, connection probability 0.1, g = 4, weight scale 0.1, input
// weights N(0, 0.1²) without bias, τ_mem 2 ms (E) and 1 ms (I), τ_syn
// 5 ms, dt 1 ms, one step per sample, the norse (Euler) step, hard reset
// not detached, no refractory period, Dale's law as ReLU, SuperSpike with
// the default α, the mean-count readout of the E population, no skip
// connection. (The reference's SuperSpike effectively had α = 1: set
// Surrogate.Alpha = 1 to reproduce it.)
type Config struct {
	// NE and NI are the population sizes (0 → 128 and 32; NI < 0 → no
	// inhibitory population).
	NE, NI int
	// Inputs and Outputs are the sizes of the input and output vectors
	// (0 → 3 and 3).
	Inputs, Outputs int
	// DtMs is the integration step in ms (0 → 1).
	DtMs float64
	// SubSteps is the number of steps each input sample is held for
	// (0 → 1): a sample lasts SubSteps·DtMs ms.
	SubSteps int
	// TauMemEMs, TauMemIMs and TauSynMs are the membrane time constants of
	// E and I neurons and the synaptic current time constant, in ms
	// (0 → 2, 1 and 5).
	TauMemEMs, TauMemIMs, TauSynMs float64
	// VTh, VReset and VLeak are the threshold, reset and leak potentials
	// (VTh 0 → 1; VReset and VLeak default to 0) and R the resistance
	// (0 → 1).
	VTh, VReset, VLeak, R float64
	// RefractoryMs is the absolute refractory period in ms, a multiple of
	// DtMs (0: none). During it the membrane is held at VReset and the
	// neuron cannot spike; the synaptic current keeps integrating.
	RefractoryMs float64
	// Discretization of the decay factors (zero value: Euler, the
	// reference's norse step).
	Discretization Discretization
	// Reset selects hard or soft reset; DetachReset stops gradients
	// through the reset (the reference does not detach it).
	Reset       ResetMode
	DetachReset bool
	// P is the connection probability of every block (0 → 0.1); G the
	// ratio of inhibitory to excitatory initial weight scales (0 → 4);
	// WeightScale the scale of the recurrent initialization (0 → 0.1):
	// each block is N(0,1)·scale/√(n_pre·P) on a Bernoulli(P) mask, scale
	// WeightScale for E-presynaptic blocks and G·WeightScale for
	// I-presynaptic ones.
	P, G, WeightScale float64
	// WeightMean, when positive, draws the raw recurrent weights from
	// N(WeightMean, 1)·scale/√(n_pre·P) instead (a positive mean makes
	// most synapses active under DaleReLU).
	WeightMean float64
	// InputScale is the standard deviation of the input weights
	// (0 → 0.1).
	InputScale float64
	// InputBias adds a trainable bias current per neuron, drawn from
	// N(BiasMean, BiasStd²) (absent in the reference).
	InputBias         bool
	BiasMean, BiasStd float64
	// Dale is the sign-preserving transform of the recurrent weights
	// (zero value: ReLU, as the reference SNN).
	Dale Dale
	// Surrogate is the spike derivative of the backward pass (any
	// learn.SurrogateKind, learn.Arctan included; Alpha 0 → learn's
	// defaults: 100 for SuperSpike, 10 otherwise).
	Surrogate learn.Surrogate
	// Readout selects the features (zero value: mean count);
	// ReadoutTauMs lists the filter time constants of ReadoutFiltered in
	// ms (nil → {10·DtMs}, the reference's 10-step filter).
	Readout      Readout
	ReadoutTauMs []float64
	// ReadoutAll reads out both populations (default: E only, as the
	// reference).
	ReadoutAll bool
	// Skip adds a linear term of the current input sample to the readout,
	// y = D·features + S·x + d, so that the spikes only have to carry what
	// the input does not (silencing the spikes leaves S·x + d).
	Skip bool
	// FreezeRecurrent and FreezeInput keep the recurrent or input weights
	// (and bias currents) fixed during training (a reservoir trained by
	// gradient freezes the recurrent weights; the reference's "reservoir"
	// still trains its input weights).
	FreezeRecurrent, FreezeInput bool
	// Smooth replaces the Heaviside spike of the forward pass with the
	// surrogate's own primitive (a smooth spike function whose derivative
	// is exactly the surrogate), so that backpropagation gives the exact
	// gradient; for gradient checks only. It excludes a refractory period.
	Smooth bool
	// Seed seeds the initialization (one PCG stream per tensor).
	Seed uint64
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
	def(&c.NE, 128)
	def(&c.NI, 32)
	def(&c.Inputs, 3)
	def(&c.Outputs, 3)
	def(&c.SubSteps, 1)
	deff(&c.DtMs, 1)
	deff(&c.TauMemEMs, 2)
	deff(&c.TauMemIMs, 1)
	deff(&c.TauSynMs, 5)
	deff(&c.VTh, 1)
	deff(&c.R, 1)
	deff(&c.P, 0.1)
	deff(&c.G, 4)
	deff(&c.WeightScale, 0.1)
	deff(&c.InputScale, 0.1)
	if c.Readout == ReadoutFiltered && len(c.ReadoutTauMs) == 0 {
		c.ReadoutTauMs = []float64{10 * c.DtMs}
	}
	c.ReadoutTauMs = append([]float64(nil), c.ReadoutTauMs...)
	c.Surrogate = c.Surrogate.WithDefaults()
	return c
}

// Validate returns a param error naming the first bad field.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		param.PositiveInt(pkg, "NE", c.NE),
		param.PositiveInt(pkg, "Inputs", c.Inputs),
		param.PositiveInt(pkg, "Outputs", c.Outputs),
		param.PositiveInt(pkg, "SubSteps", c.SubSteps),
		param.Positive(pkg, "DtMs", c.DtMs),
		param.Positive(pkg, "TauMemEMs", c.TauMemEMs),
		param.Positive(pkg, "TauMemIMs", c.TauMemIMs),
		param.Positive(pkg, "TauSynMs", c.TauSynMs),
		param.Finite(pkg, "VTh", c.VTh),
		param.Finite(pkg, "VReset", c.VReset),
		param.Finite(pkg, "VLeak", c.VLeak),
		param.Positive(pkg, "R", c.R),
		param.NonNegative(pkg, "RefractoryMs", c.RefractoryMs),
		param.InRange(pkg, "P", c.P, 0, 1),
		param.NonNegative(pkg, "G", c.G),
		param.NonNegative(pkg, "WeightScale", c.WeightScale),
		param.NonNegative(pkg, "WeightMean", c.WeightMean),
		param.NonNegative(pkg, "InputScale", c.InputScale),
		param.Finite(pkg, "BiasMean", c.BiasMean),
		param.NonNegative(pkg, "BiasStd", c.BiasStd),
		c.Surrogate.Validate(),
	); err != nil {
		return err
	}
	if !(c.P > 0) {
		return param.New(pkg, "P", c.P, "in (0, 1]")
	}
	if n := c.NE + c.numI(); n > MaxNeurons {
		return param.New(pkg, "NE+NI", n, fmt.Sprintf("<= %d (the dense recurrent matrix has (NE+NI)² entries)", MaxNeurons))
	}
	if c.Inputs > MaxIO || c.Outputs > MaxIO {
		return param.New(pkg, "Inputs/Outputs", fmt.Sprintf("%d/%d", c.Inputs, c.Outputs), fmt.Sprintf("<= %d", MaxIO))
	}
	if c.SubSteps > 100000 {
		return param.New(pkg, "SubSteps", c.SubSteps, "<= 100000")
	}
	if len(c.ReadoutTauMs) > 16 {
		return param.New(pkg, "ReadoutTauMs", len(c.ReadoutTauMs), "at most 16 time constants")
	}
	if !(c.VReset < c.VTh) {
		return param.New(pkg, "VReset", c.VReset, fmt.Sprintf("< VTh (%g)", c.VTh))
	}
	if c.Discretization != Euler && c.Discretization != Exact {
		return param.New(pkg, "Discretization", int(c.Discretization), "euler or exact")
	}
	if c.Discretization == Euler {
		for _, tc := range []struct {
			name string
			tau  float64
		}{{"TauMemEMs", c.TauMemEMs}, {"TauMemIMs", c.TauMemIMs}, {"TauSynMs", c.TauSynMs}} {
			if c.DtMs > tc.tau {
				return param.New(pkg, tc.name, tc.tau, fmt.Sprintf(">= DtMs (%g ms) with the Euler step (its decay factor 1 − dt/τ would be negative)", c.DtMs))
			}
		}
	}
	if c.Reset != ResetHard && c.Reset != ResetSoft {
		return param.New(pkg, "Reset", int(c.Reset), "hard or soft")
	}
	if c.Dale < DaleReLU || c.Dale > DaleSoftplus {
		return param.New(pkg, "Dale", int(c.Dale), "relu, abs or softplus")
	}
	if c.Readout < ReadoutCount || c.Readout > ReadoutMembrane {
		return param.New(pkg, "Readout", int(c.Readout), "count, filtered or membrane")
	}
	for k, tau := range c.ReadoutTauMs {
		if err := param.Positive(pkg, fmt.Sprintf("ReadoutTauMs[%d]", k), tau); err != nil {
			return err
		}
	}
	if c.Readout != ReadoutFiltered && len(c.ReadoutTauMs) > 0 {
		return param.New(pkg, "ReadoutTauMs", c.ReadoutTauMs, "empty unless Readout is filtered")
	}
	if c.RefractoryMs > 0 {
		if _, ok := timegrid.Steps(c.RefractoryMs, c.DtMs); !ok {
			return param.New(pkg, "RefractoryMs", c.RefractoryMs, fmt.Sprintf("a multiple of DtMs (%g)", c.DtMs))
		}
		if c.Smooth {
			return param.New(pkg, "RefractoryMs", c.RefractoryMs, "0 when Smooth is set (a refractory period needs binary spikes)")
		}
	}
	return nil
}

// N returns the number of neurons, NE + NI (NI < 0 counts as 0).
func (c Config) N() int {
	c = c.WithDefaults()
	return c.NE + max(c.NI, 0)
}

// numI returns the inhibitory population size (0 when NI < 0).
func (c Config) numI() int { return max(c.NI, 0) }

// ReadoutNeurons returns the number of neurons the readout sees.
func (c Config) ReadoutNeurons() int {
	c = c.WithDefaults()
	if c.ReadoutAll {
		return c.NE + c.numI()
	}
	return c.NE
}

// Features returns the number of readout features: ReadoutNeurons per
// filter time constant for ReadoutFiltered, ReadoutNeurons otherwise.
func (c Config) Features() int {
	c = c.WithDefaults()
	n := c.ReadoutNeurons()
	if c.Readout == ReadoutFiltered {
		return n * len(c.ReadoutTauMs)
	}
	return n
}

// SampleMs returns the duration of one input sample, SubSteps·DtMs ms.
func (c Config) SampleMs() float64 {
	c = c.WithDefaults()
	return float64(c.SubSteps) * c.DtMs
}

// decay returns the decay factor of time constant tau for one step, e^(−dt/τ)
// by internal/detmath's Exp (the same bits on every architecture; math.Exp
// is assembly on amd64 and arm64 and they differ in the last bit for about
// 1.4% of arguments). For the default steps and time constants (dt/τ = 1,
// 1/2, 1/5, 1/10) it is math.Exp on amd64 bit for bit.
func (c Config) decay(tau float64) float64 {
	if c.Discretization == Euler {
		return 1 - c.DtMs/tau
	}
	return detmath.Exp(-c.DtMs / tau)
}

// refSteps returns the refractory period in steps.
func (c Config) refSteps() int { return int(math.Round(c.RefractoryMs / c.DtMs)) }

// String summarizes c.
func (c Config) String() string {
	c = c.WithDefaults()
	ro := c.Readout.String()
	if c.Readout == ReadoutFiltered {
		ro += fmt.Sprintf("%v ms", c.ReadoutTauMs)
	}
	return fmt.Sprintf("LIF E/I %d/%d in=%d out=%d dt=%g ms×%d τm=%g/%g τs=%g %v %v-reset dale=%v %s α=%g readout=%s skip=%v",
		c.NE, c.numI(), c.Inputs, c.Outputs, c.DtMs, c.SubSteps, c.TauMemEMs, c.TauMemIMs, c.TauSynMs,
		c.Discretization, c.Reset, c.Dale, c.Surrogate.Kind.String(), c.Surrogate.Alpha, ro, c.Skip)
}
