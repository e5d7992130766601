package synapses

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Plasticity is the long-term plasticity of a projection's weights. Kind ""
// (the zero value) keeps them static; "stdp" and "vogels_sprekeler" are
// pair-based spike-timing-dependent rules with all-to-all pairing,
// "stdp_triplet" the triplet rule, also all-to-all.
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
// Kind "stdp_triplet" is the triplet rule of Pfister & Gerstner (2006),
// NEST's stdp_triplet_synapse, in its all-to-all form. Two presynaptic
// traces r₁ (TauPlusMs) and r₂ (TauPlusTripletMs, their τₓ) and two
// postsynaptic traces o₁ (TauMinusMs) and o₂ (TauMinusTripletMs, τ_y) jump
// by 1 at every spike of their side. On |w| ∈ [0, |WMax|], in the unit of
// the weights, a postsynaptic spike potentiates by
//
//	|w| ← min(|WMax|, |w| + r₁(t_post + d)·(A2Plus + A3Plus·o₂(t_post − ε)))
//
// and a presynaptic spike depresses by
//
//	|w| ← max(0, |w| − o₁(t_pre − d)·(A2Minus + A3Minus·r₂(t_pre − ε)))
//
// each trace of the spike's own side taken just before it (the triplet
// term counts the earlier spikes only). The amplitudes are in the unit of
// the weights, as NEST's Aplus, Aplus_triplet, Aminus and Aminus_triplet
// (not relative to WMax): Pfister & Gerstner's values are fractions of the
// initial weight, NEST's default weight being 1 (with Wmax 100), so for
// initial weights w₀ multiply them by w₀. The time constants default to
// Pfister & Gerstner's all-to-all minimal model fitted to visual cortex
// (NEST's synapse defaults): τ₊ 16.8 ms, τₓ 101 ms, τ₋ 33.7 ms,
// τ_y 125 ms (NEST's neurons carry τ₋ and τ_y, with defaults 20 and
// 110 ms). When all four amplitudes are 0 (left out) they are that model's
// too, NEST's defaults: A2Plus 5·10⁻¹⁰, A3Plus 6.2·10⁻³, A2Minus 7·10⁻³,
// A3Minus 2.3·10⁻⁴; when any is given, the others left out are 0 (A3Plus =
// A3Minus = 0 is pair-based STDP), where NEST keeps its defaults for the
// amplitudes a script leaves out: give all four when porting. WMax must be
// given. Lambda, Alpha,
// MuPlus, MuMinus and Eta stay 0.
//
// In all three, K₊ (stdp_triplet's r₁) jumps by 1 at every presynaptic
// spike and decays with TauPlusMs, K₋ (o₁) jumps by 1 at every postsynaptic
// spike and decays with TauMinusMs (K₋ at t_pre − d counts the postsynaptic spikes strictly
// before), and d is the synapse's delay, which counts as dendritic (NEST's
// convention: a postsynaptic spike reaches the synapse d after it is
// emitted, a presynaptic spike reaches it at once). Both updates are applied
// when a presynaptic spike is delivered, facilitation by the pending
// pairings first, and the spike is transmitted with the new weight;
// pairings more than 32·TauPlusMs apart (weight change below e^{−32} ≈
// 1.3·10⁻¹⁴ of the learning rate) are not counted, which bounds the memory
// of postsynaptic spikes.
//
// stdp's and vogels_sprekeler's time constants default to NEST's 20 ms
// (zero value); TauPlusTripletMs, TauMinusTripletMs and the amplitudes
// A2Plus … A3Minus belong to stdp_triplet and stay 0 for them. The learning
// rate (Lambda, or Eta), Alpha and WMax have no default: they must be given
// (NEST's stdp_synapse uses λ = 0.01, α = 1; its vogels_sprekeler_synapse
// η = 0.001, α = 0.12), so that a forgotten field is an error, not a rule
// the user did not mean. MuPlus and MuMinus are 0 unless given: additive
// STDP.
type Plasticity struct {
	// Kind is "" (static weights), "stdp", "vogels_sprekeler" or
	// "stdp_triplet".
	Kind string `toml:"kind" json:"kind"`
	// TauPlusMs and TauMinusMs are the decay time constants (ms, > 0) of
	// the presynaptic and postsynaptic traces (stdp_triplet's r₁ and o₁).
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
	// TauPlusTripletMs and TauMinusTripletMs are stdp_triplet's time
	// constants (ms, > 0) of the slow traces r₂ (Pfister & Gerstner's τₓ,
	// NEST's tau_plus_triplet; default 101 ms) and o₂ (τ_y, NEST's neuron's
	// tau_minus_triplet; default 125 ms).
	TauPlusTripletMs  float64 `toml:"tau_plus_triplet_ms,omitzero" json:"tau_plus_triplet_ms,omitempty"`
	TauMinusTripletMs float64 `toml:"tau_minus_triplet_ms,omitzero" json:"tau_minus_triplet_ms,omitempty"`
	// A2Plus and A3Plus are stdp_triplet's pair and triplet potentiation
	// amplitudes, A2Minus and A3Minus its depression amplitudes (≥ 0 and
	// finite, in the unit of the weights: NEST's Aplus, Aplus_triplet,
	// Aminus, Aminus_triplet). All four 0: Pfister & Gerstner's all-to-all
	// minimal visual-cortex model, NEST's defaults.
	A2Plus  float64 `toml:"a2_plus,omitzero" json:"a2_plus,omitempty"`
	A3Plus  float64 `toml:"a3_plus,omitzero" json:"a3_plus,omitempty"`
	A2Minus float64 `toml:"a2_minus,omitzero" json:"a2_minus,omitempty"`
	A3Minus float64 `toml:"a3_minus,omitzero" json:"a3_minus,omitempty"`
}

// Defaults of stdp_triplet (Pfister & Gerstner 2006, all-to-all minimal
// model fitted to visual cortex; NEST's stdp_triplet_synapse): time
// constants in ms, amplitudes in the unit of the weights.
const (
	TripletTauPlusMs         = 16.8
	TripletTauPlusTripletMs  = 101.0
	TripletTauMinusMs        = 33.7
	TripletTauMinusTripletMs = 125.0
	TripletA2Plus            = 5e-10
	TripletA3Plus            = 6.2e-3
	TripletA2Minus           = 7e-3
	TripletA3Minus           = 2.3e-4
)

// IsZero reports whether p is the zero value (static weights); encoders
// then leave it out.
func (p Plasticity) IsZero() bool { return p == Plasticity{} }

// WithDefaults returns p with zero time constants set to their default,
// 20 ms; for stdp_triplet Pfister & Gerstner's (TripletTauPlusMs …), and
// all four amplitudes, when all are 0, theirs (TripletA2Plus …).
func (p Plasticity) WithDefaults() Plasticity {
	if p.Kind == "stdp_triplet" {
		for _, f := range []struct {
			x   *float64
			def float64
		}{{&p.TauPlusMs, TripletTauPlusMs}, {&p.TauMinusMs, TripletTauMinusMs},
			{&p.TauPlusTripletMs, TripletTauPlusTripletMs}, {&p.TauMinusTripletMs, TripletTauMinusTripletMs}} {
			if *f.x == 0 {
				*f.x = f.def
			}
		}
		if p.A2Plus == 0 && p.A3Plus == 0 && p.A2Minus == 0 && p.A3Minus == 0 {
			p.A2Plus, p.A3Plus, p.A2Minus, p.A3Minus = TripletA2Plus, TripletA3Plus, TripletA2Minus, TripletA3Minus
		}
		return p
	}
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
			return param.New(pkg, "plasticity.kind", p.Kind, `"stdp", "vogels_sprekeler" or "stdp_triplet" when other plasticity fields are set`)
		}
		return nil
	case "stdp", "vogels_sprekeler", "stdp_triplet":
	default:
		return param.New(pkg, "plasticity.kind", p.Kind, `"" (static weights), "stdp", "vogels_sprekeler" or "stdp_triplet"`)
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
	if p.Kind == "stdp_triplet" {
		return p.validateTriplet(q)
	}
	for _, f := range []struct {
		name string
		x    float64
	}{{"tau_plus_triplet_ms", p.TauPlusTripletMs}, {"tau_minus_triplet_ms", p.TauMinusTripletMs},
		{"a2_plus", p.A2Plus}, {"a3_plus", p.A3Plus}, {"a2_minus", p.A2Minus}, {"a3_minus", p.A3Minus}} {
		if f.x != 0 {
			return param.New(pkg, "plasticity."+f.name, f.x, "0 (left out) for "+p.Kind+": a parameter of stdp_triplet")
		}
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

// validateTriplet validates stdp_triplet's fields of p (WMax checked), q
// being p with defaults.
func (p Plasticity) validateTriplet(q Plasticity) error {
	for _, f := range []struct {
		name string
		x    float64
	}{{"lambda", p.Lambda}, {"alpha", p.Alpha}, {"mu_plus", p.MuPlus}, {"mu_minus", p.MuMinus}, {"eta", p.Eta}} {
		if f.x != 0 {
			return param.New(pkg, "plasticity."+f.name, f.x, "0 (left out) for stdp_triplet, whose amplitudes are a2_plus, a3_plus, a2_minus and a3_minus, in the weights' unit")
		}
	}
	wm := math.Abs(p.WMax)
	for _, f := range []struct {
		name string
		x    float64
	}{{"a2_plus", q.A2Plus}, {"a3_plus", q.A3Plus}, {"a2_minus", q.A2Minus}, {"a3_minus", q.A3Minus}} {
		// x/|w_max| is the amplitude on the normalized weight: bounded so
		// that its products with the traces (0 after a long silence) stay
		// finite, never Inf·0 = NaN
		if !(f.x >= 0 && f.x/wm <= 1e100) {
			return param.New(pkg, "plasticity."+f.name, f.x, "≥ 0 and at most 1e100·|w_max|, in the weights' unit (NEST's stdp_triplet_synapse: a2_plus 5e-10, a3_plus 6.2e-3, a2_minus 7e-3, a3_minus 2.3e-4 with weight 1; all four left out: these)")
		}
	}
	return param.First(
		param.Positive(pkg, "plasticity.tau_plus_ms", q.TauPlusMs),
		param.Positive(pkg, "plasticity.tau_minus_ms", q.TauMinusMs),
		param.Positive(pkg, "plasticity.tau_plus_triplet_ms", q.TauPlusTripletMs),
		param.Positive(pkg, "plasticity.tau_minus_triplet_ms", q.TauMinusTripletMs),
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

// TripletRule is a stdp_triplet Plasticity prepared to update normalized
// weights w̃ = w/WMax ∈ [0, 1], the form in which the kernel applies it
// (Plasticity.TripletRule): its amplitudes divided by |WMax|.
type TripletRule struct {
	a2Plus, a3Plus, a2Minus, a3Minus float64
}

// TripletRule returns the update rule of p, a valid stdp_triplet
// plasticity (defaults applied here).
func (p Plasticity) TripletRule() TripletRule {
	q := p.WithDefaults()
	wm := math.Abs(q.WMax)
	return TripletRule{a2Plus: q.A2Plus / wm, a3Plus: q.A3Plus / wm, a2Minus: q.A2Minus / wm, a3Minus: q.A3Minus / wm}
}

// Potentiate returns the normalized weight w̃ after a postsynaptic spike
// that meets the presynaptic trace r1 (r₁ at its arrival) and follows the
// postsynaptic trace o2 (o₂ just before it): w̃ + r₁·(A₂⁺ + A₃⁺·o₂), at
// most 1.
func (r TripletRule) Potentiate(wn, r1, o2 float64) float64 {
	wn += float64(r1 * (float64(r.a3Plus*o2) + r.a2Plus))
	return min(wn, 1)
}

// Depress returns the normalized weight w̃ after a presynaptic spike that
// meets the postsynaptic trace o1 (o₁ at its arrival, of the spikes
// strictly before) and follows the presynaptic trace r2 (r₂ just before
// it): w̃ − o₁·(A₂⁻ + A₃⁻·r₂), at least 0.
func (r TripletRule) Depress(wn, o1, r2 float64) float64 {
	wn -= float64(o1 * (float64(r.a3Minus*r2) + r.a2Minus))
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
