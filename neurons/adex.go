package neurons

import (
	"fmt"
	"io"
	"math"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// AdExCondParams are the parameters of the adaptive exponential
// integrate-and-fire neuron with exponentially decaying conductances (Brette
// & Gerstner 2005; NEST aeif_cond_exp):
//
//	C_m dV/dt = −g_L(V − E_L) + g_L Δ_T e^{(V − V_th)/Δ_T} − g_ex(V − E_ex) − g_in(V − E_in) − w + I_e + I_stim
//	τ_w dw/dt = a(V − E_L) − w
//	dg_ex/dt = −g_ex/τ_ex,  dg_in/dt = −g_in/τ_in
//
// When V reaches V_peak the neuron spikes: V ← V_reset, w ← w + b, and V is
// held at V_reset for the refractory period (w and the conductances go on).
// The defaults are NEST's (Brette & Gerstner's Fig. 2 neuron, tonic
// spiking); Naud et al. (2008) give parameters for the other firing
// patterns (adapting, bursting, delayed, irregular).
//
// Integration scheme: one classic Runge–Kutta step (RK4) of (V, w) per time
// step, with the conductances evaluated exactly at the stages (they decay
// exponentially between inputs) and V capped at V_peak inside the
// right-hand side, as in NEST (the exponential term would overflow past
// it). A step whose conductances make h·g/C exceed 0.5 (above 1,375 nS at
// the defaults and dt = 0.1 ms), or with τ_w below 2h, is split into as
// many RK4 substeps as keep h·λ ≤ 0.5, so that RK4 stays stable and
// accurate (NEST adapts its Runge–Kutta–Fehlberg 4(5) steps instead). A
// step that ends at or above V_peak is integrated again in 10 times as
// many substeps: the neuron is reset at the end of the first substep above
// V_peak and the rest of the step goes on from there (NEST also resets
// within the step), so the reset's timing is resolved to dt/10 while the
// spike is emitted at the end of the step, as every grid model's. At most
// one spike per step: a second crossing within the step holds V at V_peak,
// and the next step fires unless its input pulls V back at once. Beyond
// 4,096 substeps (h·g/C above 2,048: 5.8·10⁶ nS at the defaults and dt =
// 0.1 ms, a thousand times a neuron's physiological conductance) V goes to
// the balance of the currents with the exponential current taken at the
// step's start, until the conductances have decayed within reach, then RK4
// substeps take the rest of the step: stable, but V can be off by
// millivolts and a spike a step late there;
// parameters that would need more substeps at rest (C_m tiny against
// g_L·h, τ_w or √(C_m·τ_w/|a|) tiny against h) are an error naming DtMs.
// The refractory period holds V from the reset to the end of the step and
// for t_ref after it (NEST's count), while w relaxes exactly towards
// a(V_reset − E_L). With the defaults at 800 pA
// and dt = 0.1 ms, the ninth spike comes 0.19 ms after an accurate
// solution's (TestAdExConverges).
type AdExCondParams struct {
	CmPF       float64 `toml:"cm_pf" json:"cm_pf"`                 // membrane capacitance (pF), > 0; default 281
	GLnS       float64 `toml:"g_l_ns" json:"g_l_ns"`               // leak conductance (nS), > 0; default 30
	ELmV       float64 `toml:"e_l_mv" json:"e_l_mv"`               // leak reversal (mV); default −70.6
	VThmV      float64 `toml:"v_th_mv" json:"v_th_mv"`             // spike initiation threshold V_T (mV); default −50.4
	DeltaTmV   float64 `toml:"delta_t_mv" json:"delta_t_mv"`       // slope factor (mV), > 0; default 2
	VPeakmV    float64 `toml:"v_peak_mv" json:"v_peak_mv"`         // spike detection (mV), > V_th; default 0
	VResetmV   float64 `toml:"v_reset_mv" json:"v_reset_mv"`       // reset (mV), < V_peak; default −60
	AnS        float64 `toml:"a_ns" json:"a_ns"`                   // subthreshold adaptation (nS); default 4
	BPA        float64 `toml:"b_pa" json:"b_pa"`                   // spike-triggered adaptation (pA); default 80.5
	TauWMs     float64 `toml:"tau_w_ms" json:"tau_w_ms"`           // adaptation time constant (ms), > 0; default 144
	EExmV      float64 `toml:"e_ex_mv" json:"e_ex_mv"`             // excitatory reversal (mV); default 0
	EInmV      float64 `toml:"e_in_mv" json:"e_in_mv"`             // inhibitory reversal (mV); default −85
	TauSynExMs float64 `toml:"tau_syn_ex_ms" json:"tau_syn_ex_ms"` // excitatory decay (ms), > 0; default 0.2
	TauSynInMs float64 `toml:"tau_syn_in_ms" json:"tau_syn_in_ms"` // inhibitory decay (ms), > 0; default 2
	TRefMs     float64 `toml:"t_ref_ms" json:"t_ref_ms"`           // refractory period (ms), ≥ 0, multiple of the step; default 0
	IePA       float64 `toml:"i_e_pa" json:"i_e_pa"`               // constant input current (pA); default 0
}

// DefaultAdExCond returns NEST's aeif_cond_exp defaults.
func DefaultAdExCond() AdExCondParams {
	return AdExCondParams{CmPF: 281, GLnS: 30, ELmV: -70.6, VThmV: -50.4, DeltaTmV: 2, VPeakmV: 0, VResetmV: -60,
		AnS: 4, BPA: 80.5, TauWMs: 144, EExmV: 0, EInmV: -85, TauSynExMs: 0.2, TauSynInMs: 2}
}

// adexMaxExponent bounds (V_peak − V_th)/Δ_T, the largest argument of the
// exponential term, as NEST does (ln(MaxFloat64/10²⁰) ≈ 663.7): beyond it the
// current at V_peak overflows.
var adexMaxExponent = detmath.Log(math.MaxFloat64 / 1e20)

// Validate reports the first invalid parameter.
func (p AdExCondParams) Validate() error {
	err := param.First(
		param.Positive(pkg, "CmPF", p.CmPF),
		param.Positive(pkg, "GLnS", p.GLnS),
		param.Finite(pkg, "ELmV", p.ELmV),
		param.Finite(pkg, "VThmV", p.VThmV),
		param.Positive(pkg, "DeltaTmV", p.DeltaTmV),
		param.Finite(pkg, "VPeakmV", p.VPeakmV),
		param.Finite(pkg, "AnS", p.AnS),
		param.Finite(pkg, "BPA", p.BPA),
		param.Positive(pkg, "TauWMs", p.TauWMs),
		param.Finite(pkg, "EExmV", p.EExmV),
		param.Finite(pkg, "EInmV", p.EInmV),
		param.Positive(pkg, "TauSynExMs", p.TauSynExMs),
		param.Positive(pkg, "TauSynInMs", p.TauSynInMs),
		param.NonNegative(pkg, "TRefMs", p.TRefMs),
		param.Finite(pkg, "IePA", p.IePA),
	)
	if err != nil {
		return err
	}
	if !(p.VPeakmV > p.VThmV) {
		return param.New(pkg, "VPeakmV", p.VPeakmV, "> VThmV (spikes are detected at V_peak, above the threshold V_th)")
	}
	if !((p.VPeakmV-p.VThmV)/p.DeltaTmV < adexMaxExponent) {
		return param.New(pkg, "DeltaTmV", p.DeltaTmV, "large enough that (VPeakmV − VThmV)/DeltaTmV < 663 (the current at V_peak would overflow)")
	}
	if !(p.VResetmV < p.VPeakmV) || math.IsInf(p.VResetmV, 0) {
		return param.New(pkg, "VResetmV", p.VResetmV, "finite and < VPeakmV")
	}
	return nil
}

// AdExCond is a prepared population of AdExCond neurons: V relative to E_L
// (mV), W the adaptation current (pA), Ge and Gi (nS), Refr the remaining
// refractory steps.
type AdExCond struct {
	P    AdExCondParams
	DtMs float64

	V, W, Ge, Gi []float32
	Refr         []int32

	// precomputed; V relative to E_L
	c                 asm.AdExConst // the Runge–Kutta step's constants
	uReset, b, wDecay float64       // V_reset − E_L (mV), b (pA), e^{−h/τ_w} for refractory steps
	zPerNS            float64       // h/C: the stiffness h·g/C per nS of conductance
	zW                float64       // h/τ_w, or h·√(|a|/(C·τ_w)) if larger
	gCap              float64       // the conductance adexMaxSubsteps substeps of a step hold, beside g_L
	refSteps          int32
}

// adexSubsteps is the number of substeps of a step in which a neuron
// spikes: the step is integrated again in substeps so that the reset
// happens at the first substep that ends above V_peak, and the rest of the
// step goes on from it.
const adexSubsteps = 10

// adexMaxZ is the largest h·λ of a Runge–Kutta (sub)step, λ the membrane's
// or w's rate (g/C; 1/τ_w, or √(|a|/(C·τ_w)) for the coupling of V and w):
// RK4 is stable up to 2.78 on the negative real axis and within 10⁻³ of
// e^{−hλ} up to 0.5, so steps with large conductances (above 1,375 nS at
// the defaults and dt = 0.1 ms) or a τ_w shorter than two steps are split
// into substeps. adexMaxSubsteps bounds their number: parameters that need
// more at rest are an error, and steps with conductances beyond it (h·g/C
// above 2,048: 5.8·10⁶ nS at the defaults and dt = 0.1 ms) go through
// expStep.
const (
	adexMaxZ        = 0.5
	adexMaxSubsteps = 4096
)

// NewAdExCond validates p, prepares the step constants for dtMs and
// allocates n neurons at rest (V = E_L, w = 0) with zero conductances.
func NewAdExCond(n int, p AdExCondParams, dtMs float64) (*AdExCond, error) {
	rs, err := prepare(n, dtMs, p.Validate, p.TRefMs)
	if err != nil {
		return nil, err
	}
	m := &AdExCond{P: p, DtMs: dtMs,
		V: make([]float32, n), W: make([]float32, n), Ge: make([]float32, n), Gi: make([]float32, n), Refr: make([]int32, n),
		c: asm.AdExConst{GL: p.GLnS, GLDT: p.GLnS * p.DeltaTmV, InvDT: 1 / p.DeltaTmV,
			UT: p.VThmV - p.ELmV, UPeak: p.VPeakmV - p.ELmV, EEx: p.EExmV - p.ELmV, EIn: p.EInmV - p.ELmV,
			InvC: 1 / p.CmPF, A: p.AnS, InvTauW: 1 / p.TauWMs, H: dtMs, H2: dtMs / 2, H6: dtMs / 6,
			PeHalf: Exp(-dtMs / 2 / p.TauSynExMs), PiHalf: Exp(-dtMs / 2 / p.TauSynInMs),
			Pe: Exp(-dtMs / p.TauSynExMs), Pi: Exp(-dtMs / p.TauSynInMs), Bias: p.IePA},
		uReset: p.VResetmV - p.ELmV, b: p.BPA, wDecay: Exp(-dtMs / p.TauWMs), refSteps: rs}
	m.zPerNS = dtMs / p.CmPF
	m.gCap = adexMaxZ*adexMaxSubsteps/m.zPerNS - p.GLnS
	m.zW = dtMs * max(1/p.TauWMs, math.Sqrt(math.Abs(p.AnS)/(p.CmPF*p.TauWMs)))
	// gCap > 0: h·g_L/C_m below the cap (at it, the conductances' reach is 0)
	if z := max(m.zPerNS*p.GLnS, m.zW); !(m.gCap > 0 && z <= adexMaxZ*adexMaxSubsteps) {
		return nil, param.New(pkg, "DtMs", dtMs, fmt.Sprintf("small against the neuron's time scales: h·g_L/C_m below %g, h/τ_w and h·√(|a|/(C_m·τ_w)) at most it (here %.3g)", adexMaxZ*adexMaxSubsteps, z))
	}
	return m, nil
}

// Kind returns "adex_cond".
func (m *AdExCond) Kind() string { return "adex_cond" }

// Len returns the number of neurons.
func (m *AdExCond) Len() int { return len(m.V) }

// Receptors returns 2 (Exc, Inh); weights are conductances in nS (≥ 0 for
// both receptors).
func (m *AdExCond) Receptors() int { return 2 }

// Bias returns the constant current I_e in pA.
func (m *AdExCond) Bias() float32 { return float32(m.c.Bias) }

// rk4 returns (u, w) after one RK4 step of length h (h2 = h/2, h6 = h/6)
// with the conductances ge, gi at its start, geH, giH at its middle and ge1,
// gi1 at its end.
func (m *AdExCond) rk4(u, w, ge, gi, geH, giH, ge1, gi1, cur, h, h2, h6 float64) (float64, float64) {
	k1u, k1w := m.c.Deriv(u, w, ge, gi, cur)
	k2u, k2w := m.c.Deriv(u+float64(h2*k1u), w+float64(h2*k1w), geH, giH, cur)
	k3u, k3w := m.c.Deriv(u+float64(h2*k2u), w+float64(h2*k2w), geH, giH, cur)
	k4u, k4w := m.c.Deriv(u+float64(h*k3u), w+float64(h*k3w), ge1, gi1, cur)
	u += float64(h6 * (k1u + float64(2*k2u) + float64(2*k3u) + k4u))
	w += float64(h6 * (k1w + float64(2*k2w) + float64(2*k3w) + k4w))
	return u, w
}

// stable returns the number of RK4 substeps a step from conductances ge,
// gi (nS; they only decay within the step) needs to be stable and
// accurate: 1 but for conductances of thousands of nS or τ_w shorter than
// two steps; 0 beyond adexMaxSubsteps (expStep).
func (m *AdExCond) stable(ge, gi float64) int {
	z := max(float64(m.zPerNS*(m.c.GL+ge+gi)), m.zW)
	if z <= adexMaxZ {
		return 1
	}
	if n := math.Ceil(z / adexMaxZ); n <= adexMaxSubsteps {
		return int(n)
	}
	return 0
}

// expStep advances (u, w) over a step whose conductances are beyond
// adexMaxSubsteps (h·g/C above 2,048): until both have decayed to gCap/2,
// or to the end of the step (ts), V goes to the balance of the currents at
// ts with the exponential current taken at the step's start (e^{−h·g/C} is
// 0: lif_cond's exponential Euler step, stable at any conductance) and w
// relaxes towards a·V; the rest of the step goes in RK4 substeps (or, after
// a spike with a refractory period, relaxes w). An approximation: V can be
// off by millivolts and a spike a step late when such a conductance is
// excitatory or its reversal near threshold. It returns the state at the
// end of the step and whether the neuron spiked.
func (m *AdExCond) expStep(u, w, ge, gi, cur float64) (float64, float64, bool) {
	ts := min(max(m.settle(ge, m.P.TauSynExMs), m.settle(gi, m.P.TauSynInMs)), m.c.H)
	ge, gi = float64(ge*Exp(-ts/m.P.TauSynExMs)), float64(gi*Exp(-ts/m.P.TauSynInMs))
	g := m.c.GL + ge + gi
	u = (float64(ge*m.c.EEx) + float64(gi*m.c.EIn) + float64(m.c.GLDT*m.c.ExpTerm(min(u, m.c.UPeak))) - w + cur) / g
	w = m.relaxTo(w, float64(m.c.A*min(u, m.c.UPeak)), Exp(-ts/m.P.TauWMs))
	spiked := false
	if u >= m.c.UPeak {
		u, w, spiked = m.uReset, w+m.b, true
		if m.refSteps > 0 {
			return u, m.relax(w, Exp(-(m.c.H-ts)/m.P.TauWMs)), true
		}
	}
	rest := m.c.H - ts
	if rest <= 0 {
		return u, w, spiked
	}
	z := max(float64(m.zPerNS*g), m.zW) // g ≤ g_L + gCap: z ≤ 2,048
	n := min(max(1, int(math.Ceil(float64(z*rest)/m.c.H/adexMaxZ))), adexMaxSubsteps)
	return m.substeps(u, w, ge, gi, cur, n, rest, spiked)
}

// settle returns the time (ms) a conductance g decaying with tau takes to
// fall to gCap/2, 0 if it is below.
func (m *AdExCond) settle(g, tau float64) float64 {
	if g <= m.gCap/2 {
		return 0
	}
	return float64(tau * detmath.Log(2*g/m.gCap))
}

// substeps integrates dur ms (a step, or its rest) from (u, w) and
// conductances ge, gi in n RK4 substeps; spiked says whether the neuron
// has spiked in the step already. At the end of the first substep at or above V_peak the neuron
// is reset (V_reset, w + b) and the rest of the step goes on from there,
// refractory (V held, w relaxing) if the period is not 0; a second
// crossing holds V at V_peak, so that the next step emits it (one spike
// per step: it fires at the end of the next step unless that step's input
// pulls V below V_peak at once). It returns the state at the end of the
// step and whether the neuron spiked.
func (m *AdExCond) substeps(u, w, ge, gi, cur float64, n int, dur float64, spiked bool) (float64, float64, bool) {
	hs := dur / float64(n)
	hs2, hs6 := hs/2, hs/6
	fe, fi := Exp(-hs/2/m.P.TauSynExMs), Exp(-hs/2/m.P.TauSynInMs) // over half a substep
	for s := range n {
		if spiked && m.refSteps > 0 {
			return u, m.relax(w, Exp(-float64(n-s)*hs/m.P.TauWMs)), true
		}
		geH, giH := float64(ge*fe), float64(gi*fi)
		ge1, gi1 := float64(geH*fe), float64(giH*fi)
		u, w = m.rk4(u, w, ge, gi, geH, giH, ge1, gi1, cur, hs, hs2, hs6)
		ge, gi = ge1, gi1
		if u < m.c.UPeak {
			continue
		}
		if spiked {
			return m.c.UPeak, w, true
		}
		u, w, spiked = m.uReset, w+m.b, true
	}
	return u, w, spiked
}

// Step advances neurons [lo, hi) by one step with the scheme of
// AdExCondParams, in float64 from the float32 state, rounded once to
// float32 (the same on every path); then the conductances decay exactly and
// the step's input jumps (nS) are added.
func (m *AdExCond) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	v, wv, ge, gi, refr := m.V[lo:hi], m.W[lo:hi], m.Ge[lo:hi], m.Gi[lo:hi], m.Refr[lo:hi]
	n := len(v)
	wv, ge, gi, refr = wv[:n], ge[:n], gi[:n], refr[:n]
	xe, xi := in[Exc][lo:hi], in[Inh][lo:hi]
	xe, xi = xe[:n], xi[:n]
	_ = spikes[:n]
	var d []float32
	if dc != nil {
		d = dc[lo:hi]
		d = d[:n]
	}
	ns := 0
	for base := 0; base < n; base += adexBlock {
		ns = m.block(base, min(n, base+adexBlock), lo, v, wv, ge, gi, xe, xi, d, refr, spikes, ns)
	}
	return ns
}

// adexBlock is the number of neurons Step advances at a time: their RK4
// step is one asm.AdExRK4 call (four neurons per vector on the AVX2 path,
// the same bits on every path), then the rare cases (refractory, stiff or
// crossing steps) are taken neuron by neuron.
const adexBlock = 64

// block steps the neurons [a, b) of Step's slices (b − a ≤ adexBlock),
// appending spikes (offset lo) to spikes[ns:]; it returns the new count.
// Every neuron goes through the same operations as alone.
func (m *AdExCond) block(a, b, lo int, v, wv, ge, gi, xe, xi, d []float32, refr []int32, spikes []int32, ns int) int {
	var su, sw [adexBlock]float64
	k := b - a
	var dc []float32
	if d != nil {
		dc = d[a:b]
	}
	asm.AdExRK4(&m.c, v[a:b], wv[a:b], ge[a:b], gi[a:b], dc, su[:k], sw[:k])
	for j := range k {
		u, w := su[j], sw[j]
		ge0, gi0 := float64(ge[a+j]), float64(gi[a+j])
		if refr[a+j] > 0 {
			refr[a+j]--
			u, w = float64(v[a+j]), m.relax(float64(wv[a+j]), m.wDecay)
		} else if n := m.stable(ge0, gi0); n == 0 || n > 1 || u >= m.c.UPeak {
			u0, w0, cur := float64(v[a+j]), float64(wv[a+j]), m.c.Bias
			if d != nil {
				cur = float64(d[a+j])
			}
			var spiked bool
			switch {
			case n == 0:
				u, w, spiked = m.expStep(u0, w0, ge0, gi0, cur)
			case n > 1:
				u, w, spiked = m.substeps(u0, w0, ge0, gi0, cur, n, m.c.H, false)
			default:
				spiked = true // crossed in one step
			}
			if n != 0 && spiked {
				u, w, spiked = m.substeps(u0, w0, ge0, gi0, cur, n*adexSubsteps, m.c.H, false)
			}
			if spiked {
				refr[a+j] = m.refSteps
				spikes[ns] = int32(a + j + lo)
				ns++
			}
		}
		ge[a+j] = float32(float64(ge0*m.c.Pe)) + xe[a+j]
		gi[a+j] = float32(float64(gi0*m.c.Pi)) + xi[a+j]
		xe[a+j], xi[a+j] = 0, 0
		v[a+j], wv[a+j] = float32(u), float32(w)
	}
	return ns
}

// relax returns w after relaxing towards a(V_reset − E_L), V held at
// V_reset, by the factor decay (e^{−t/τ_w}).
func (m *AdExCond) relax(w, decay float64) float64 {
	return m.relaxTo(w, float64(m.c.A*m.uReset), decay)
}

// relaxTo returns w relaxed towards winf by the factor decay.
func (m *AdExCond) relaxTo(w, winf, decay float64) float64 {
	return winf + float64((w-winf)*decay)
}

// Jump returns Ge for Exc and Gi for Inh.
func (m *AdExCond) Jump(r int) []float32 {
	if r == Exc {
		return m.Ge
	}
	return m.Gi
}

var adexCondVars = []string{"V", "W", "Ge", "Gi"}

// VarNames returns V (mV), W (pA), Ge and Gi (nS).
func (m *AdExCond) VarNames() []string { return adexCondVars }

// VarSlice returns a state slice and its offset (E_L for V).
func (m *AdExCond) VarSlice(name string) ([]float32, float32, error) {
	switch name {
	case "V":
		return m.V, float32(m.P.ELmV), nil
	case "W":
		return m.W, 0, nil
	case "Ge":
		return m.Ge, 0, nil
	case "Gi":
		return m.Gi, 0, nil
	}
	return nil, 0, unknownVar(m.Kind(), name, adexCondVars)
}

// SaveState writes V, W, Ge, Gi and Refr.
func (m *AdExCond) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.W, m.Ge, m.Gi, m.Refr)
}

// LoadState reads what SaveState wrote.
func (m *AdExCond) LoadState(r io.Reader) error {
	return readAll(r, m.Kind(), len(m.V), m.V, m.W, m.Ge, m.Gi, m.Refr)
}
