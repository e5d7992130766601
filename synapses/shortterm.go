package synapses

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// ShortTerm is the short-term plasticity of a projection's synapses: the
// efficacy of a spike depends on the recent spikes of its source neuron and
// recovers within hundreds of milliseconds, while the weight stays as it
// is. Kind "" (the zero value) is none; "tsodyks2" is the Tsodyks–Markram
// model with facilitation as NEST's tsodyks2_synapse computes it (Tsodyks &
// Markram 1997; Markram, Wang & Tsodyks 1998; Fuhrmann et al. 2002).
//
// Each synapse has a utilization u and a fraction x of available resources.
// Between spikes x recovers towards 1 with TauRecMs and u decays towards 0
// with TauFacMs. At a presynaptic spike h ms after the previous one,
//
//	u ← U + u·(1 − U)·e^{−h/τ_fac}
//	x ← 1 + (x·(1 − u_prev) − 1)·e^{−h/τ_rec}     (u_prev: u before the update)
//
// and the spike acts with weight w·u·x, after which x·u of the resources
// are used (the x·(1 − u_prev) of the next spike). A synapse at rest (the
// first spike) has u = U and x = 1: its spike acts with w·U. This is NEST's
// tsodyks2_synapse as fixed for the first spike in 2025 (nest-simulator
// pull request 3384: update, then send), started from u = U, x = 1 (NEST
// 3.10 starts u at 0.5 whatever U is: set u = U in its syn_spec as well to
// compare; bench/nest/tests checks the two agree then). TauFacMs = 0 is pure depression (u = U at every spike, Tsodyks &
// Markram 1997). The state depends only on the source neuron's spike times,
// so the kernel keeps it once per source neuron and projection, which
// equals NEST's state per synapse because the parameters are the
// projection's. In precise mode h is the exact interval between off-grid
// spike times (NEST's tsodyks2_synapse takes the grid times).
//
// Published classes (Gupta, Wang & Markram 2000; used by Maass,
// Natschläger & Markram 2002): facilitating U 0.16, τ_rec 45 ms, τ_fac 376
// ms; depressing U 0.25, τ_rec 706 ms, τ_fac 21 ms; pseudo-linear U 0.32,
// τ_rec 144 ms, τ_fac 62 ms. NEST's defaults are U 0.5, τ_rec 800 ms,
// τ_fac 0.
//
// U and TauRecMs have no default: they must be given, so that a forgotten
// field is an error, not a synapse the user did not mean. TauFacMs is 0
// (no facilitation) unless given.
type ShortTerm struct {
	// Kind is "" (none) or "tsodyks2".
	Kind string `toml:"kind" json:"kind"`
	// U is the utilization increment (NEST's U), in (0, 1]: the fraction
	// of the resources a spike at rest uses.
	U float64 `toml:"u" json:"u"`
	// TauRecMs is the time constant (ms, > 0) of recovery from depression.
	// For facilitation alone, give one well below dt: x is then 1 at every
	// spike.
	TauRecMs float64 `toml:"tau_rec_ms" json:"tau_rec_ms"`
	// TauFacMs is the time constant (ms, ≥ 0) of facilitation; 0 means
	// none.
	TauFacMs float64 `toml:"tau_fac_ms" json:"tau_fac_ms"`
}

// IsZero reports whether s is the zero value (no short-term plasticity);
// encoders then leave it out.
func (s ShortTerm) IsZero() bool { return s == ShortTerm{} }

// Validate reports the first invalid field (named short_term.<field>).
func (s ShortTerm) Validate() error {
	switch s.Kind {
	case "":
		if !s.IsZero() {
			return param.New(pkg, "short_term.kind", s.Kind, `"tsodyks2" when other short_term fields are set`)
		}
		return nil
	case "tsodyks2":
	default:
		return param.New(pkg, "short_term.kind", s.Kind, `"" (none) or "tsodyks2"`)
	}
	if !(s.U > 0 && s.U <= 1) {
		return param.New(pkg, "short_term.u", s.U, "in (0, 1]: the utilization increment U (NEST's default 0.5)")
	}
	if !(s.TauRecMs > 0 && s.TauRecMs <= math.MaxFloat64) {
		return param.New(pkg, "short_term.tau_rec_ms", s.TauRecMs, "> 0 and finite: the recovery time constant (NEST's default 800 ms; for facilitation alone, one well below dt)")
	}
	if !(s.TauFacMs >= 0 && s.TauFacMs <= math.MaxFloat64) {
		return param.New(pkg, "short_term.tau_fac_ms", s.TauFacMs, "≥ 0 and finite: the facilitation time constant (0: none)")
	}
	return nil
}

// Relax returns the state (u, x) hMs ≥ 0 after a presynaptic spike that
// left it at (u, x) as Spike returned it: u decays towards 0,
// u·e^{−h/τ_fac}, and x recovers towards 1 from what the spike left,
// 1 − (1 − x·(1 − u))·e^{−h/τ_rec}. A spike at that moment would act with
// w·(U + u_r·(1 − U))·x_r for the relaxed (u_r, x_r). Same bits on every
// architecture.
func (s ShortTerm) Relax(u, x, hMs float64) (float64, float64) {
	fac, rec := s.decays(hMs)
	return float64(u * fac), recovered(u, x, rec)
}

// Spike returns the state (u, x) at a presynaptic spike hMs ≥ 0 after the
// previous one, whose state was (u, x); the spike acts with weight w·u·x.
// The rest state, before any spike, is u = 0, x = 1 (whatever hMs). Every
// operation is rounded on its own, so the result has the same bits on every
// architecture.
func (s ShortTerm) Spike(u, x, hMs float64) (float64, float64) {
	fac, rec := s.decays(hMs)
	return s.U + float64(float64(u*float64(1-s.U))*fac), recovered(u, x, rec)
}

// decays returns the factors by which u (e^{−h/τ_fac}, 0 without
// facilitation) and the missing resources (e^{−h/τ_rec}) decay over hMs.
func (s ShortTerm) decays(hMs float64) (fac, rec float64) {
	if s.TauFacMs > 0 {
		fac = detmath.Exp(-hMs / s.TauFacMs)
	}
	return fac, detmath.Exp(-hMs / s.TauRecMs)
}

// recovered returns the resources hMs after a spike that released u·x of
// x, where rec = e^{−h/τ_rec}: 1 − (1 − x·(1 − u))·rec, each operation
// rounded.
func recovered(u, x, rec float64) float64 {
	left := float64(x - float64(x*u)) // resources left after the spike
	return 1 + float64(float64(left-1)*rec)
}
