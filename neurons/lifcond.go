package neurons

import (
	"io"

	"github.com/neurodyn/neurodyn/asm"

	"github.com/neurodyn/neurodyn/internal/param"
)

// The integration schemes of LIFCondParams.GScheme.
const (
	GSchemeMean  = "mean"  // the conductances' exact means over the step (default)
	GSchemeStart = "start" // the conductances held at their start-of-step values (Brian2's exponential_euler)
)

// LIFCondParams are the parameters of the conductance-based LIF neuron with
// exponentially decaying conductances (Vogels & Abbott 2005, the COBA
// benchmark of Brette et al. 2007):
//
//	C_m dV/dt = −g_L(V − E_L) − g_ex(V − E_ex) − g_in(V − E_in) + I_e + I_stim
//	dg_ex/dt = −g_ex/τ_ex,  dg_in/dt = −g_in/τ_in
//
// Over a step of h the conductances are replaced by constants ḡ, so that
// V relaxes exactly towards V_∞ = (ḡ_ex E_ex + ḡ_in E_in + I)/g (relative to
// E_L) with rate g/C_m, g = g_L + ḡ_ex + ḡ_in:
//
//	V ← V_∞ + (V − V_∞)·exp(−h·g/C_m)
//
// then the conductances decay exactly, g ← g·e^{−h/τ}, and the step's input
// jumps (nS) are added. GScheme chooses ḡ:
//
//   - "mean" (default): the conductance's exact mean over the step,
//     ḡ = g·m with m = (τ/h)(1 − e^{−h/τ}) (one constant per receptor), so
//     that the conductance's integral over every step is exact and V is
//     second-order accurate. This is the model NEST's iaf_cond_exp solves
//     (with RKF45): NEST's weights map unscaled, with identical spikes
//     while τ_syn ≫ h (bench/nest/tests, τ_ex = 5, τ_in = 10 ms: the same
//     spike steps at dt = 0.1, 0.05 and 0.01 ms, V within 1.2e-4 mV; with
//     NEST's own τ_ex = 0.2 ms at dt = 0.1 ms, V differs by up to 4e-3 mV
//     and a crossing that close to V_th can fall one step earlier).
//   - "start": the start-of-step values, ḡ = g (Brian2's exponential_euler,
//     which its COBA benchmark uses; neurodyn's scheme before "mean"). The
//     step then integrates g·h instead of g·τ(1 − e^{−h/τ}): to first order,
//     every conductance jump is κ = (h/τ)/(1 − e^{−h/τ}) ≈ 1 + h/(2τ) times
//     too strong, and V is first-order accurate (against iaf_cond_exp with
//     NEST's weights, spikes up to 0.4 ms early at dt = 0.1 ms, 0.03 ms at
//     0.01 ms; identical with NEST's weights scaled by κ).
//
// Measured against an RK4 reference (neurons' TestLIFCondAccuracy: 12
// neurons, COBA parameters, random trains, 300 ms): the largest
// subthreshold error is 1.9e-3 / 4.8e-4 / 1.2e-4 mV at h = 0.2 / 0.1 /
// 0.05 ms with "mean" (ratios 4.0, 3.9) and 0.30 / 0.15 / 0.075 mV with
// "start" (2.0, 2.0); the first threshold crossings are off by at most
// 2.2e-3 / 5.9e-4 / 1.5e-4 ms and 0.33 / 0.17 / 0.091 ms. On the grid
// (reset, t_ref) "mean" fires in the reference's steps (236 of 240 spikes
// at 0.1 ms up to a crossing 2e-4 mV from V_th, 241 of 241 at 0.05 ms),
// "start" up to 0.2 ms early from the first or second spike on. Both cost
// the same. Start from DefaultLIFCond (the COBA neuron).
type LIFCondParams struct {
	CmPF       float64 `toml:"cm_pf" json:"cm_pf"`                 // membrane capacitance (pF), > 0; default 200
	GLnS       float64 `toml:"g_l_ns" json:"g_l_ns"`               // leak conductance (nS), > 0; default 10 (τ_m = 20 ms)
	ELmV       float64 `toml:"e_l_mv" json:"e_l_mv"`               // leak reversal (mV); default −60
	EExmV      float64 `toml:"e_ex_mv" json:"e_ex_mv"`             // excitatory reversal (mV); default 0
	EInmV      float64 `toml:"e_in_mv" json:"e_in_mv"`             // inhibitory reversal (mV); default −80
	TauSynExMs float64 `toml:"tau_syn_ex_ms" json:"tau_syn_ex_ms"` // excitatory decay (ms), > 0; default 5
	TauSynInMs float64 `toml:"tau_syn_in_ms" json:"tau_syn_in_ms"` // inhibitory decay (ms), > 0; default 10
	TRefMs     float64 `toml:"t_ref_ms" json:"t_ref_ms"`           // absolute refractory period (ms), ≥ 0, multiple of the step; default 5
	VResetmV   float64 `toml:"v_reset_mv" json:"v_reset_mv"`       // reset (mV), < V_th; default −60
	VThmV      float64 `toml:"v_th_mv" json:"v_th_mv"`             // threshold (mV); default −50
	IePA       float64 `toml:"i_e_pa" json:"i_e_pa"`               // constant input current (pA); default 0
	// GScheme is the integration scheme: GSchemeMean ("mean", the default;
	// "" means it) or GSchemeStart ("start"); in a kernel spec a
	// population's options.conductance_scheme.
	GScheme string `toml:"conductance_scheme" json:"conductance_scheme"`
}

// DefaultLIFCond returns the COBA neuron of Brette et al. (2007), with
// the "mean" scheme.
func DefaultLIFCond() LIFCondParams {
	return LIFCondParams{CmPF: 200, GLnS: 10, ELmV: -60, EExmV: 0, EInmV: -80, TauSynExMs: 5,
		TauSynInMs: 10, TRefMs: 5, VResetmV: -60, VThmV: -50, GScheme: GSchemeMean}
}

// Validate reports the first invalid parameter.
func (p LIFCondParams) Validate() error {
	return param.First(
		param.Positive(pkg, "CmPF", p.CmPF),
		param.Positive(pkg, "GLnS", p.GLnS),
		param.Finite(pkg, "ELmV", p.ELmV),
		param.Finite(pkg, "EExmV", p.EExmV),
		param.Finite(pkg, "EInmV", p.EInmV),
		param.Positive(pkg, "TauSynExMs", p.TauSynExMs),
		param.Positive(pkg, "TauSynInMs", p.TauSynInMs),
		param.NonNegative(pkg, "TRefMs", p.TRefMs),
		param.Finite(pkg, "VThmV", p.VThmV),
		param.Finite(pkg, "IePA", p.IePA),
		vResetBelow(p.VResetmV, p.VThmV),
		validGScheme(p.GScheme),
	)
}

// validGScheme checks a conductance_scheme (LIFCondParams.GScheme,
// HHCondParams.GScheme).
func validGScheme(s string) error {
	switch s {
	case "", GSchemeMean, GSchemeStart:
		return nil
	}
	return param.New(pkg, "conductance_scheme", s, `"mean" (the default; "" means it) or "start"`)
}

// gFactors returns the factors of the start-of-step conductances in the
// membrane update (asm.LIFCondConst's and asm.HHConst's Me, Mi) of the
// scheme for a (sub)step of hMs and the decay times τ_ex, τ_in (ms): the
// step means (τ/h)(1 − e^{−h/τ}), or 1 for "start".
func gFactors(scheme string, hMs, tauExMs, tauInMs float64) (me, mi float64) {
	if scheme == GSchemeStart {
		return 1, 1
	}
	return expm1x(-hMs / tauExMs), expm1x(-hMs / tauInMs)
}

// LIFCond is a prepared population of LIFCond neurons: V relative to E_L
// (mV), Ge and Gi (nS), Refr the remaining refractory steps.
type LIFCond struct {
	P    LIFCondParams
	DtMs float64

	V, Ge, Gi []float32
	Refr      []int32

	c asm.LIFCondConst // the step's constants (float64 arithmetic inside the step, float32 state)
}

// NewLIFCond validates p, prepares the step constants for dtMs and allocates
// n neurons at rest with zero conductances.
func NewLIFCond(n int, p LIFCondParams, dtMs float64) (*LIFCond, error) {
	rs, err := prepare(n, dtMs, p.Validate, p.TRefMs)
	if err != nil {
		return nil, err
	}
	me, mi := gFactors(p.GScheme, dtMs, p.TauSynExMs, p.TauSynInMs)
	return &LIFCond{P: p, DtMs: dtMs,
		V: make([]float32, n), Ge: make([]float32, n), Gi: make([]float32, n), Refr: make([]int32, n),
		c: asm.LIFCondConst{HOverC: dtMs / p.CmPF, GL: p.GLnS, EEx: p.EExmV - p.ELmV, EIn: p.EInmV - p.ELmV,
			Pe: Exp(-dtMs / p.TauSynExMs), Pi: Exp(-dtMs / p.TauSynInMs), Me: me, Mi: mi, Bias: p.IePA,
			Theta: float32(p.VThmV - p.ELmV), VReset: float32(p.VResetmV - p.ELmV), RefSteps: rs}}, nil
}

// Kind returns "lif_cond".
func (m *LIFCond) Kind() string { return "lif_cond" }

// Len returns the number of neurons.
func (m *LIFCond) Len() int { return len(m.V) }

// Receptors returns 2 (Exc, Inh); weights are conductances in nS (≥ 0 for
// both receptors).
func (m *LIFCond) Receptors() int { return 2 }

// Bias returns the constant current I_e in pA.
func (m *LIFCond) Bias() float32 { return float32(m.c.Bias) }

// Step advances neurons [lo, hi) by one step with the exponential-Euler
// scheme of LIFCondParams through asm.LIFCondStep: the membrane update is
// computed in float64 from the float32 state (every operation rounded
// separately, ExpNeg) and rounded once to float32, four neurons per vector
// on the AVX2 path, the same bits on every path.
func (m *LIFCond) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	var d []float32
	if dc != nil {
		d = dc[lo:hi]
	}
	return shiftSpikes(spikes, asm.LIFCondStep(&m.c, m.V[lo:hi], m.Ge[lo:hi], m.Gi[lo:hi], in[Exc][lo:hi], in[Inh][lo:hi], d, m.Refr[lo:hi], spikes), lo)
}

// Jump returns Ge for Exc and Gi for Inh.
func (m *LIFCond) Jump(r int) []float32 {
	if r == Exc {
		return m.Ge
	}
	return m.Gi
}

var lifCondVars = []string{"V", "Ge", "Gi"}

// VarNames returns V (mV), Ge and Gi (nS).
func (m *LIFCond) VarNames() []string { return lifCondVars }

// VarSlice returns a state slice and its offset (E_L for V).
func (m *LIFCond) VarSlice(name string) ([]float32, float32, error) {
	switch name {
	case "V":
		return m.V, float32(m.P.ELmV), nil
	case "Ge":
		return m.Ge, 0, nil
	case "Gi":
		return m.Gi, 0, nil
	}
	return nil, 0, unknownVar(m.Kind(), name, lifCondVars)
}

// SaveState writes V, Ge, Gi and Refr.
func (m *LIFCond) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.Ge, m.Gi, m.Refr)
}

// LoadState reads what SaveState wrote.
func (m *LIFCond) LoadState(r io.Reader) error {
	return readAll(r, m.Kind(), len(m.V), m.V, m.Ge, m.Gi, m.Refr)
}
