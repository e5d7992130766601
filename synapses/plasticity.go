package synapses

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Plasticity is the long-term plasticity of a projection's weights. Kind ""
// (the zero value) keeps them static; "stdp" is pair-based
// spike-timing-dependent plasticity with all-to-all pairing, as NEST's
// stdp_synapse (Gütig et al. 2003; Morrison, Diesmann & Gerstner 2008).
//
// With w̃ = w/WMax ∈ [0, 1], a postsynaptic spike at t_post potentiates a
// synapse whose presynaptic trace is K₊ by
//
//	w̃ ← min(1, w̃ + Lambda·(1 − w̃)^MuPlus·K₊(t_post + d))
//
// and a presynaptic spike at t_pre depresses it by
//
//	w̃ ← max(0, w̃ − Alpha·Lambda·w̃^MuMinus·K₋(t_pre − d))
//
// where K₊ jumps by 1 at every presynaptic spike and decays with TauPlusMs,
// K₋ jumps by 1 at every postsynaptic spike and decays with TauMinusMs, and
// d is the synapse's delay, which counts as dendritic (NEST's convention: a
// postsynaptic spike reaches the synapse d after it is emitted, a
// presynaptic spike reaches it at once). Both updates are applied when a
// presynaptic spike is delivered, potentiation first, and the spike is
// transmitted with the new weight; pairings more than 32·TauPlusMs apart
// (weight change below e^{−32} ≈ 1.3·10⁻¹⁴ of Lambda·WMax) are not counted,
// which bounds the memory of postsynaptic spikes. MuPlus = MuMinus = 0 is additive STDP
// (Song, Miller & Abbott 2000), 1 multiplicative (van Rossum et al. 2000;
// NEST's default), values between Gütig's.
//
// The time constants default to NEST's 20 ms (zero value). Lambda, Alpha
// and WMax have no default: they must be given (NEST's stdp_synapse uses
// λ = 0.01, α = 1), so that a forgotten field is an error, not a rule the
// user did not mean. MuPlus and MuMinus are 0 unless given: additive STDP.
type Plasticity struct {
	// Kind is "" (static weights) or "stdp".
	Kind string `toml:"kind" json:"kind"`
	// TauPlusMs and TauMinusMs are the decay time constants (ms, > 0) of
	// the presynaptic and postsynaptic traces.
	TauPlusMs  float64 `toml:"tau_plus_ms" json:"tau_plus_ms"`
	TauMinusMs float64 `toml:"tau_minus_ms" json:"tau_minus_ms"`
	// Lambda is the learning rate (> 0), Alpha the ratio of depression to
	// potentiation (> 0; for potentiation alone give a tiny Alpha).
	Lambda float64 `toml:"lambda" json:"lambda"`
	Alpha  float64 `toml:"alpha" json:"alpha"`
	// MuPlus and MuMinus are the weight-dependence exponents, in [0, 1].
	MuPlus  float64 `toml:"mu_plus" json:"mu_plus"`
	MuMinus float64 `toml:"mu_minus" json:"mu_minus"`
	// WMax is the largest weight magnitude, in the unit of the weights
	// (non-zero, finite and within float32 range, the weights' type). It is signed as the weights are: the kernel
	// gives it the projection's Dale sign, and every weight must lie
	// between 0 and WMax.
	WMax float64 `toml:"w_max" json:"w_max"`
}

// IsZero reports whether p is the zero value (static weights); encoders
// then leave it out.
func (p Plasticity) IsZero() bool { return p == Plasticity{} }

// WithDefaults returns p with zero time constants set to their default,
// 20 ms.
func (p Plasticity) WithDefaults() Plasticity {
	if p.TauPlusMs == 0 {
		p.TauPlusMs = 20
	}
	if p.TauMinusMs == 0 {
		p.TauMinusMs = 20
	}
	return p
}

// Validate reports the first invalid field (named plasticity.<field>),
// after defaults.
func (p Plasticity) Validate() error {
	switch p.Kind {
	case "":
		if !p.IsZero() {
			return param.New(pkg, "plasticity.kind", p.Kind, `"stdp" when other plasticity fields are set`)
		}
		return nil
	case "stdp":
	default:
		return param.New(pkg, "plasticity.kind", p.Kind, `"" (static weights) or "stdp"`)
	}
	q := p.WithDefaults()
	unit := func(name string, x float64) error {
		if !(x >= 0 && x <= 1) {
			return param.New(pkg, name, x, "in [0, 1]")
		}
		return nil
	}
	if !(p.WMax != 0 && math.Abs(p.WMax) <= math.MaxFloat32) {
		return param.New(pkg, "plasticity.w_max", p.WMax, "non-zero and finite within float32 range (the largest weight magnitude, in the weights' unit)")
	}
	if !(p.Lambda > 0 && p.Lambda <= math.MaxFloat64) {
		return param.New(pkg, "plasticity.lambda", p.Lambda, "> 0 and finite: the learning rate (NEST's stdp_synapse uses 0.01)")
	}
	if !(p.Alpha > 0 && p.Alpha*p.Lambda <= math.MaxFloat64) {
		return param.New(pkg, "plasticity.alpha", p.Alpha, "> 0 and finite, as alpha·lambda: the ratio of depression to potentiation (NEST's stdp_synapse uses 1; for potentiation alone a tiny value)")
	}
	return param.First(
		param.Positive(pkg, "plasticity.tau_plus_ms", q.TauPlusMs),
		param.Positive(pkg, "plasticity.tau_minus_ms", q.TauMinusMs),
		unit("plasticity.mu_plus", q.MuPlus),
		unit("plasticity.mu_minus", q.MuMinus),
	)
}

// Potentiate returns the normalized weight w̃ (w/WMax) after a pairing
// whose presynaptic trace, at the postsynaptic spike's arrival, is kPlus.
func (p Plasticity) Potentiate(wn, kPlus float64) float64 {
	wn += float64(p.Lambda * float64(weightPow(1-wn, p.MuPlus)*kPlus))
	return min(wn, 1)
}

// Depress returns the normalized weight w̃ after a presynaptic spike that
// meets the postsynaptic trace kMinus.
func (p Plasticity) Depress(wn, kMinus float64) float64 {
	wn -= float64(float64(p.Alpha*p.Lambda) * float64(weightPow(wn, p.MuMinus)*kMinus))
	return max(wn, 0)
}

// Decay returns e^{−x} (x ≥ 0) with the same bits on every architecture:
// the factor by which a trace decays over x time constants.
func Decay(x float64) float64 { return detmath.Exp(-x) }

// weightPow is powUnit with the additive and multiplicative cases inlined.
func weightPow(x, mu float64) float64 {
	switch mu {
	case 0:
		return 1
	case 1:
		return x
	}
	return powUnit(x, mu)
}

// powUnit returns x^mu for x in [0, 1] and mu in [0, 1], exactly for mu 0
// and 1 and otherwise as e^{mu·ln x} with the same bits on every
// architecture (relative error about (1 + |mu·ln x|)·2⁻⁵²).
func powUnit(x, mu float64) float64 {
	switch {
	case mu == 0:
		return 1
	case mu == 1:
		return x
	case x <= 0:
		return 0
	}
	return detmath.Exp(float64(mu * detmath.Log(x)))
}
