package neurons

import (
	"io"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// LIFAlphaParams are the parameters of the current-based LIF neuron with
// alpha-shaped synaptic currents (NEST iaf_psc_alpha):
//
//	C_m dV/dt = −(C_m/τ_m)(V − E_L) + I_ex + I_in + I_e + I_stim
//	dI_ex/dt = R_ex − I_ex/τ_ex,  dR_ex/dt = −R_ex/τ_ex   (and likewise in)
//
// A spike of weight w (pA) adds e·w/τ to R, so that its current is
// w·(t/τ)·e^{1−t/τ}: it peaks at w pA at t = τ and carries the charge
// e·w·τ (fC, 2.718·w·τ), e times that of an exponential current of the
// same peak and τ. Threshold V_th, reset to V_reset and an absolute
// refractory period during which V is clamped (the currents keep
// evolving), as in LIFExpParams. NEST's V_min (a lower bound on V,
// −∞ by default) is not modelled. Start from DefaultLIFAlpha; the zero
// value is not valid.
type LIFAlphaParams struct {
	CmPF       float64 `toml:"cm_pf" json:"cm_pf"`                 // membrane capacitance (pF), > 0; default 250
	TauMemMs   float64 `toml:"tau_mem_ms" json:"tau_mem_ms"`       // membrane time constant (ms), > 0; default 10
	TauSynExMs float64 `toml:"tau_syn_ex_ms" json:"tau_syn_ex_ms"` // excitatory rise time = decay time (ms), > 0; default 2
	TauSynInMs float64 `toml:"tau_syn_in_ms" json:"tau_syn_in_ms"` // inhibitory rise time = decay time (ms), > 0; default 2
	TRefMs     float64 `toml:"t_ref_ms" json:"t_ref_ms"`           // absolute refractory period (ms), ≥ 0, a multiple of the step; default 2
	ELmV       float64 `toml:"e_l_mv" json:"e_l_mv"`               // resting potential (mV); default −70
	VResetmV   float64 `toml:"v_reset_mv" json:"v_reset_mv"`       // reset potential (mV), < V_th; default −70
	VThmV      float64 `toml:"v_th_mv" json:"v_th_mv"`             // threshold (mV); default −55
	IePA       float64 `toml:"i_e_pa" json:"i_e_pa"`               // constant input current (pA); default 0
}

// DefaultLIFAlpha returns NEST's iaf_psc_alpha defaults, the same numbers
// as iaf_psc_exp's (DefaultLIFExp).
func DefaultLIFAlpha() LIFAlphaParams { return LIFAlphaParams(DefaultLIFExp()) }

// Validate reports the first invalid parameter; the rules are LIFExpParams'
// (the same fields).
func (p LIFAlphaParams) Validate() error { return LIFExpParams(p).Validate() }

// LIFAlphaProp holds the exact propagators of LIFAlpha for one step h
// (float32, the precision of the state), for each receptor
// (index Exc, Inh) with R scaled to pA (R·τ/e), so that a spike of
// weight w adds w to it:
//
//	P11 = e^{−h/τ}           R ← P11·R
//	P21 = (e·h/τ)·e^{−h/τ}    I ← P21·R + P11·I
//	P31 = (e/τ)·(1/C)·∫₀ʰ e^{−(h−s)/τ_m}·s·e^{−s/τ} ds   (mV per pA of R)
//	P32 = PropSyn(h, τ_m, τ, C)                          (mV per pA of I)
//
// and the membrane's P33 = e^{−h/τ_m}, P30 (mV per pA of constant current,
// as LIFExpProp's P22 and P20).
type LIFAlphaProp struct {
	P11, P21, P31, P32 [2]float32
	P33, P30           float32
	Theta, VReset      float32 // relative to E_L (mV)
	RefSteps           int32
}

// propAlpha31 returns P31 for one receptor: with γ = 1/τ_m − 1/τ,
// (e/τ)·(h²/C)·e^{−h/τ_m}·φ(γh), φ(x) = ∫₀¹ u·e^{xu} du = (x·eˣ − expm1 x)/x²,
// summed as its series Σ xᵏ/(k!·(k+2)) where |x| < 1/2 (the closed form
// cancels there; at τ = τ_m, φ = 1/2).
func propAlpha31(h, tauMem, tau, c float64) float64 {
	x := h * (1/tauMem - 1/tau)
	var phi float64
	if math.Abs(x) < 0.5 {
		term := 1.0 // xᵏ/k!
		for k := 0; k < 40; k++ {
			t := term / float64(k+2)
			phi += t
			if math.Abs(t) < 1e-18*phi {
				break
			}
			term = term * x / float64(k+1)
		}
	} else {
		phi = (float64(x*Exp(x)) - detmath.Expm1(x)) / (x * x)
	}
	return math.E / tau * h * h / c * Exp(-h/tauMem) * phi
}

// Prop computes the propagators of p for a step of dtMs (in float64,
// rounded once to float32).
func (p LIFAlphaParams) Prop(dtMs float64) (LIFAlphaProp, error) {
	rs, err := prepare(0, dtMs, p.Validate, p.TRefMs)
	if err != nil {
		return LIFAlphaProp{}, err
	}
	h := dtMs
	var q LIFAlphaProp
	q.P33, q.P30 = leakProp(h, p.TauMemMs, p.CmPF)
	for r, tau := range [2]float64{p.TauSynExMs, p.TauSynInMs} {
		e := Exp(-h / tau)
		q.P11[r] = float32(e)
		q.P21[r] = float32(math.E * h / tau * e)
		q.P31[r] = float32(propAlpha31(h, p.TauMemMs, tau, p.CmPF))
		q.P32[r] = float32(PropSyn(h, p.TauMemMs, tau, p.CmPF))
	}
	q.Theta = float32(p.VThmV - p.ELmV)
	q.VReset = float32(p.VResetmV - p.ELmV)
	q.RefSteps = rs
	return q, nil
}

// LIFAlpha is a prepared population of LIFAlpha neurons. Its state slices
// are exported: V is relative to E_L (mV), Ie and Ii the synaptic currents
// (pA), Re and Ri their rise variables scaled to pA (R·τ/e: a spike of
// weight w adds w), Refr the remaining refractory steps.
//
// Accuracy on the grid: as LIFExp's, the subthreshold trace is the exact
// solution to float32 precision whatever the step (V's update is summed
// in float64 from float32 products, which are exact, and rounded once);
// spikes are detected at the end of the step in which V crosses θ.
type LIFAlpha struct {
	P    LIFAlphaParams
	Prop LIFAlphaProp
	DtMs float64

	V, Ie, Ii, Re, Ri []float32
	Refr              []int32

	bias float32
}

// NewLIFAlpha validates p, prepares the propagators for step dtMs and
// allocates n neurons at rest.
func NewLIFAlpha(n int, p LIFAlphaParams, dtMs float64) (*LIFAlpha, error) {
	if n < 0 {
		return nil, param.New(pkg, "n", n, ">= 0")
	}
	prop, err := p.Prop(dtMs)
	if err != nil {
		return nil, err
	}
	return &LIFAlpha{P: p, Prop: prop, DtMs: dtMs,
		V: make([]float32, n), Ie: make([]float32, n), Ii: make([]float32, n),
		Re: make([]float32, n), Ri: make([]float32, n), Refr: make([]int32, n),
		bias: float32(p.IePA)}, nil
}

// Kind returns "lif_alpha".
func (m *LIFAlpha) Kind() string { return "lif_alpha" }

// Len returns the number of neurons.
func (m *LIFAlpha) Len() int { return len(m.V) }

// Receptors returns 2 (Exc, Inh).
func (m *LIFAlpha) Receptors() int { return 2 }

// Bias returns the constant current I_e in pA.
func (m *LIFAlpha) Bias() float32 { return m.bias }

// Step advances neurons [lo, hi) by one step, in NEST iaf_psc_alpha's
// order:
//
//	if refr == 0 { V = P33·V + P31e·Re + P32e·Ie + P31i·Ri + P32i·Ii + P30·I }
//	else         { refr-- }
//	Ie = P21e·Re + P11e·Ie;  Re = P11e·Re + inE   (and likewise Ii, Ri)
//	if V >= Theta { V = VReset; refr = RefSteps; spike }
//
// with I = dc[j] when dc is not nil (it then includes I_e), else I_e. V's
// sum is taken in float64 in this order (its products of float32 values
// are exact; none is fused, as everywhere in the package) and rounded
// once to float32; the currents' updates round each product to float32.
func (m *LIFAlpha) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	p := &m.Prop
	v, ie, ii, re, ri, refr := m.V[lo:hi], m.Ie[lo:hi], m.Ii[lo:hi], m.Re[lo:hi], m.Ri[lo:hi], m.Refr[lo:hi]
	n := len(v)
	ie, ii, re, ri, refr = ie[:n], ii[:n], re[:n], ri[:n], refr[:n]
	xe, xi := in[Exc][lo:hi], in[Inh][lo:hi]
	xe, xi = xe[:n], xi[:n]
	_ = spikes[:n]
	var d []float32
	if dc != nil {
		d = dc[lo:hi]
		d = d[:n]
	}
	p33, p30 := float64(p.P33), float64(p.P30)
	p31e, p32e, p31i, p32i := float64(p.P31[Exc]), float64(p.P32[Exc]), float64(p.P31[Inh]), float64(p.P32[Inh])
	cur := float64(m.bias)
	ns := 0
	for j := range n {
		vj := v[j]
		if refr[j] == 0 {
			if d != nil {
				cur = float64(d[j])
			}
			s := float64(p33 * float64(vj))
			s += float64(p31e * float64(re[j]))
			s += float64(p32e * float64(ie[j]))
			s += float64(p31i * float64(ri[j]))
			s += float64(p32i * float64(ii[j]))
			s += float64(p30 * cur)
			vj = float32(s)
		} else {
			refr[j]--
		}
		ie[j] = float32(p.P21[Exc]*re[j]) + float32(p.P11[Exc]*ie[j])
		re[j] = float32(p.P11[Exc]*re[j]) + xe[j]
		ii[j] = float32(p.P21[Inh]*ri[j]) + float32(p.P11[Inh]*ii[j])
		ri[j] = float32(p.P11[Inh]*ri[j]) + xi[j]
		xe[j], xi[j] = 0, 0
		if vj >= p.Theta {
			vj = p.VReset
			refr[j] = p.RefSteps
			spikes[ns] = int32(j + lo)
			ns++
		}
		v[j] = vj
	}
	return ns
}

// Jump returns Re for Exc and Ri for Inh: a delay-0 input starts its
// current's rise at once.
func (m *LIFAlpha) Jump(r int) []float32 {
	if r == Exc {
		return m.Re
	}
	return m.Ri
}

var lifAlphaVars = []string{"V", "Ie", "Ii", "IeRise", "IiRise"}

// VarNames returns V (mV), Ie and Ii (pA), and the rise variables IeRise
// and IiRise (Re, Ri; pA).
func (m *LIFAlpha) VarNames() []string { return lifAlphaVars }

// VarSlice returns a state slice and its offset (E_L for V).
func (m *LIFAlpha) VarSlice(name string) ([]float32, float32, error) {
	switch name {
	case "V":
		return m.V, float32(m.P.ELmV), nil
	case "Ie":
		return m.Ie, 0, nil
	case "Ii":
		return m.Ii, 0, nil
	case "IeRise":
		return m.Re, 0, nil
	case "IiRise":
		return m.Ri, 0, nil
	}
	return nil, 0, unknownVar(m.Kind(), name, lifAlphaVars)
}

// SaveState writes V, Ie, Ii, Re, Ri and Refr.
func (m *LIFAlpha) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.Ie, m.Ii, m.Re, m.Ri, m.Refr)
}

// LoadState reads what SaveState wrote.
func (m *LIFAlpha) LoadState(r io.Reader) error {
	return readAll(r, m.Kind(), len(m.V), m.V, m.Ie, m.Ii, m.Re, m.Ri, m.Refr)
}
