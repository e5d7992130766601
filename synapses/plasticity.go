package synapses

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Plasticity is the long-term plasticity of a projection's weights. Kind ""
// (the zero value) keeps them static; "stdp" and "vogels_sprekeler" are
// pair-based spike-timing-dependent rules with all-to-all pairing.
//
// Kind "stdp" is NEST's stdp_synapse (Gütig et al. 2003; Morrison, Diesmann
// & Gerstner 2008). With w̃ = w/WMax ∈ [0, 1], a postsynaptic spike at
// t_post potentiates a synapse whose presynaptic trace is K₊ by
//
//	w̃ ← min(1, w̃ + Lambda·(1 − w̃)^MuPlus·K₊(t_post + d))
//
// and a presynaptic spike at t_pre depresses it by
//
//	w̃ ← max(0, w̃ − Alpha·Lambda·w̃^MuMinus·K₋(t_pre − d))
//
// MuPlus = MuMinus = 0 is additive STDP (Song, Miller & Abbott 2000), 1
// multiplicative (van Rossum et al. 2000; NEST's default), values between
// Gütig's.
//
// Kind "vogels_sprekeler" is the inhibitory plasticity of Vogels, Sprekeler,
// Zenke, Clopath & Gerstner (2011), NEST's vogels_sprekeler_synapse: a
// symmetric window, both orders of a pairing strengthen the synapse, and
// every presynaptic spike weakens it by a constant. On |w| ∈ [0, |WMax|],
// in the unit of the weights, a postsynaptic spike facilitates by
//
//	|w| ← min(|WMax|, |w| + Eta·K₊(t_post + d))
//
// and a presynaptic spike by the postsynaptic trace, then depresses:
//
//	|w| ← min(|WMax|, |w| + Eta·K₋(t_pre − d)),  |w| ← max(0, |w| − Alpha·Eta)
//
// the second even when the target never fired. On inhibitory synapses onto
// a neuron this drives its rate towards ρ₀ = Alpha/(TauPlusMs + TauMinusMs)
// (the drift per presynaptic spike is Eta·((τ₊ + τ₋)·ρ_post − Alpha) for
// uncorrelated trains; correlations between the trains shift it): NEST's
// Alpha = 0.12 with τ± = 20 ms is 3 Hz, Vogels et al.'s. NEST's synapse
// parameter tau is TauPlusMs, its neuron's tau_minus TauMinusMs. The rule
// is additive: Lambda, MuPlus and MuMinus stay 0.
//
// In both, K₊ jumps by 1 at every presynaptic spike and decays with
// TauPlusMs, K₋ jumps by 1 at every postsynaptic spike and decays with
// TauMinusMs (K₋ at t_pre − d counts the postsynaptic spikes strictly
// before), and d is the synapse's delay, which counts as dendritic (NEST's
// convention: a postsynaptic spike reaches the synapse d after it is
// emitted, a presynaptic spike reaches it at once). Both updates are applied
// when a presynaptic spike is delivered, facilitation by the pending
// pairings first, and the spike is transmitted with the new weight;
// pairings more than 32·TauPlusMs apart (weight change below e^{−32} ≈
// 1.3·10⁻¹⁴ of the learning rate) are not counted, which bounds the memory
// of postsynaptic spikes.
//
// The time constants default to NEST's 20 ms (zero value). The learning
// rate (Lambda, or Eta), Alpha and WMax have no default: they must be given
// (NEST's stdp_synapse uses λ = 0.01, α = 1; its vogels_sprekeler_synapse
// η = 0.001, α = 0.12), so that a forgotten field is an error, not a rule
// the user did not mean. MuPlus and MuMinus are 0 unless given: additive
// STDP.
type Plasticity struct {
	// Kind is "" (static weights), "stdp" or "vogels_sprekeler".
	Kind string `toml:"kind" json:"kind"`
	// TauPlusMs and TauMinusMs are the decay time constants (ms, > 0) of
	// the presynaptic and postsynaptic traces.
	TauPlusMs  float64 `toml:"tau_plus_ms" json:"tau_plus_ms"`
	TauMinusMs float64 `toml:"tau_minus_ms" json:"tau_minus_ms"`
	// Lambda is the learning rate of stdp (> 0), relative to WMax.
	Lambda float64 `toml:"lambda" json:"lambda"`
	// Alpha is stdp's ratio of depression to potentiation (> 0; for
	// potentiation alone give a tiny Alpha), or vogels_sprekeler's
	// depression per presynaptic spike in units of Eta (> 0): the target
	// rate times τ₊ + τ₋.
	Alpha float64 `toml:"alpha" json:"alpha"`
	// MuPlus and MuMinus are stdp's weight-dependence exponents, in [0, 1].
	MuPlus  float64 `toml:"mu_plus" json:"mu_plus"`
	MuMinus float64 `toml:"mu_minus" json:"mu_minus"`
	// WMax is the largest weight magnitude, in the unit of the weights
	// (non-zero, finite and within float32 range, the weights' type). It is signed as the weights are: the kernel
	// gives it the projection's Dale sign, and every weight must lie
	// between 0 and WMax.
	WMax float64 `toml:"w_max" json:"w_max"`
	// Eta is the learning rate of vogels_sprekeler (> 0), in the unit of
	// the weights, as NEST's eta; stdp leaves it 0.
	Eta float64 `toml:"eta,omitzero" json:"eta,omitempty"`
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
			return param.New(pkg, "plasticity.kind", p.Kind, `"stdp" or "vogels_sprekeler" when other plasticity fields are set`)
		}
		return nil
	case "stdp", "vogels_sprekeler":
	default:
		return param.New(pkg, "plasticity.kind", p.Kind, `"" (static weights), "stdp" or "vogels_sprekeler"`)
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
	if p.Kind == "vogels_sprekeler" {
		for _, f := range []struct {
			name string
			x    float64
		}{{"lambda", p.Lambda}, {"mu_plus", p.MuPlus}, {"mu_minus", p.MuMinus}} {
			if f.x != 0 {
				return param.New(pkg, "plasticity."+f.name, f.x, "0 (left out) for vogels_sprekeler, whose learning rate is eta, in the weights' unit, and which is additive")
			}
		}
		// Eta/|WMax| is the rate of the normalized weight, Alpha times it
		// the depression: both finite and the first non-zero
		lambda := p.Eta / math.Abs(p.WMax)
		if !(p.Eta > 0 && lambda > 0 && lambda <= math.MaxFloat64) {
			return param.New(pkg, "plasticity.eta", p.Eta, "> 0 and finite relative to w_max: the learning rate in the weights' unit (NEST's vogels_sprekeler_synapse uses 0.001 with w_max 1)")
		}
		if !(p.Alpha > 0 && p.Alpha*lambda <= math.MaxFloat64) {
			return param.New(pkg, "plasticity.alpha", p.Alpha, "> 0 and finite, as alpha·eta/|w_max|: the depression per presynaptic spike in units of eta, the target rate times τ_plus + τ_minus (NEST's vogels_sprekeler_synapse uses 0.12: 3 Hz with τ = 20 ms; for facilitation alone a tiny value)")
		}
	} else {
		if p.Eta != 0 {
			return param.New(pkg, "plasticity.eta", p.Eta, "0 (left out) for stdp, whose learning rate is lambda, relative to w_max")
		}
		if !(p.Lambda > 0 && p.Lambda <= math.MaxFloat64) {
			return param.New(pkg, "plasticity.lambda", p.Lambda, "> 0 and finite: the learning rate (NEST's stdp_synapse uses 0.01)")
		}
		if !(p.Alpha > 0 && p.Alpha*p.Lambda <= math.MaxFloat64) {
			return param.New(pkg, "plasticity.alpha", p.Alpha, "> 0 and finite, as alpha·lambda: the ratio of depression to potentiation (NEST's stdp_synapse uses 1; for potentiation alone a tiny value)")
		}
	}
	return param.First(
		param.Positive(pkg, "plasticity.tau_plus_ms", q.TauPlusMs),
		param.Positive(pkg, "plasticity.tau_minus_ms", q.TauMinusMs),
		unit("plasticity.mu_plus", q.MuPlus),
		unit("plasticity.mu_minus", q.MuMinus),
	)
}

// PairRule is a Plasticity prepared to update normalized weights w̃ = w/WMax ∈
// [0, 1], the form in which the kernel applies it (Plasticity.PairRule).
type PairRule struct {
	lambda      float64 // learning rate of w̃: Lambda, or Eta/|WMax|
	alphaLambda float64 // α·λ
	muPlus      float64
	muMinus     float64
	symmetric   bool // vogels_sprekeler
}

// PairRule returns the update rule of p, a valid stdp or vogels_sprekeler
// plasticity.
func (p Plasticity) PairRule() PairRule {
	r := PairRule{lambda: p.Lambda, muPlus: p.MuPlus, muMinus: p.MuMinus, symmetric: p.Kind == "vogels_sprekeler"}
	if r.symmetric {
		r.lambda = p.Eta / math.Abs(p.WMax)
	}
	r.alphaLambda = p.Alpha * r.lambda
	return r
}

// Potentiate returns the normalized weight w̃ after a pairing whose
// presynaptic trace, at the postsynaptic spike's arrival, is kPlus.
func (r PairRule) Potentiate(wn, kPlus float64) float64 {
	wn += float64(r.lambda * float64(weightPow(1-wn, r.muPlus)*kPlus))
	return min(wn, 1)
}

// Pre returns the normalized weight w̃ after a presynaptic spike that meets
// the postsynaptic trace kMinus: stdp's depression, or vogels_sprekeler's
// facilitation by kMinus followed by its constant depression.
func (r PairRule) Pre(wn, kMinus float64) float64 {
	if r.symmetric {
		wn = min(wn+float64(r.lambda*kMinus), 1)
		return max(wn-r.alphaLambda, 0)
	}
	wn -= float64(r.alphaLambda * float64(weightPow(wn, r.muMinus)*kMinus))
	return max(wn, 0)
}

// EveryPre reports whether every presynaptic spike changes the weight, even
// one that meets no postsynaptic trace (vogels_sprekeler's constant
// depression), so that Pre must be applied with kMinus = 0 then; stdp's
// depression without a trace is nothing.
func (r PairRule) EveryPre() bool { return r.symmetric && r.alphaLambda > 0 }

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
