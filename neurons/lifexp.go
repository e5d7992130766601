package neurons

import (
	"io"

	"github.com/neurodyn/neurodyn/asm"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
)

// LIFExpParams are the parameters of the current-based LIF neuron with
// exponentially decaying synaptic currents (NEST iaf_psc_exp):
//
//	C_m dV/dt = −(C_m/τ_m)(V − E_L) + I_ex + I_in + I_e + I_stim
//	dI_ex/dt = −I_ex/τ_ex,  dI_in/dt = −I_in/τ_in
//
// with threshold V_th, reset to V_reset and an absolute refractory period
// during which V is clamped (the currents keep evolving). Start from
// DefaultLIFExp; the zero value is not valid.
type LIFExpParams struct {
	CmPF       float64 `toml:"cm_pf" json:"cm_pf"`                 // membrane capacitance (pF), > 0; default 250
	TauMemMs   float64 `toml:"tau_mem_ms" json:"tau_mem_ms"`       // membrane time constant (ms), > 0; default 10
	TauSynExMs float64 `toml:"tau_syn_ex_ms" json:"tau_syn_ex_ms"` // excitatory current decay (ms), > 0; default 2
	TauSynInMs float64 `toml:"tau_syn_in_ms" json:"tau_syn_in_ms"` // inhibitory current decay (ms), > 0; default 2
	TRefMs     float64 `toml:"t_ref_ms" json:"t_ref_ms"`           // absolute refractory period (ms), ≥ 0, a multiple of the step; default 2
	ELmV       float64 `toml:"e_l_mv" json:"e_l_mv"`               // resting potential (mV); default −70
	VResetmV   float64 `toml:"v_reset_mv" json:"v_reset_mv"`       // reset potential (mV), < V_th; default −70
	VThmV      float64 `toml:"v_th_mv" json:"v_th_mv"`             // threshold (mV); default −55
	IePA       float64 `toml:"i_e_pa" json:"i_e_pa"`               // constant input current (pA); default 0
}

// DefaultLIFExp returns NEST's iaf_psc_exp defaults.
func DefaultLIFExp() LIFExpParams {
	return LIFExpParams{CmPF: 250, TauMemMs: 10, TauSynExMs: 2, TauSynInMs: 2, TRefMs: 2,
		ELmV: -70, VResetmV: -70, VThmV: -55}
}

// Validate reports the first invalid parameter.
func (p LIFExpParams) Validate() error {
	return param.First(
		param.Positive(pkg, "CmPF", p.CmPF),
		param.Positive(pkg, "TauMemMs", p.TauMemMs),
		param.Positive(pkg, "TauSynExMs", p.TauSynExMs),
		param.Positive(pkg, "TauSynInMs", p.TauSynInMs),
		param.NonNegative(pkg, "TRefMs", p.TRefMs),
		param.Finite(pkg, "ELmV", p.ELmV),
		param.Finite(pkg, "VThmV", p.VThmV),
		param.Finite(pkg, "IePA", p.IePA),
		vResetBelow(p.VResetmV, p.VThmV),
	)
}

func vResetBelow(vr, vth float64) error {
	if math.IsNaN(vr) || math.IsInf(vr, 0) || !(vr < vth) {
		return param.New(pkg, "VResetmV", vr, "finite and < VThmV")
	}
	return nil
}

// LIFExpProp holds the exact propagators of LIFExp for one step (float32, the
// precision of the state), NEST's names; see PropSyn. It is asm.LIFProp, the
// argument of the SIMD step kernel.
type LIFExpProp = asm.LIFProp

// Prop computes the propagators of p for a step of dtMs (in float64, rounded
// once to float32). P20 is computed from the rounded P22, (1 − P22)·τ_m/C_m,
// so that the float32 iteration's fixed point under a constant current is
// exactly τ_m·I/C_m; with the textbook P20 the rounding of P22 would shift the
// steady state by ~3e-6 relative, which moves spike times by τ_m·δ/(μ − θ)
// near the rheobase. Where τ_m is so long against the step that P22's
// rounding changes 1 − P22 by more than 1 % (τ_m/h above 335,000 at the
// earliest), P20 is the textbook (1 − e^{−h/τ_m})·τ_m/C_m instead, which
// keeps the slope of a ramp right (see leakProp); τ_m = 10³⁰ ms makes a
// perfect integrator (P22 = 1, P20 = h/C_m).
func (p LIFExpParams) Prop(dtMs float64) (LIFExpProp, error) {
	if err := checkDt(dtMs); err != nil {
		return LIFExpProp{}, err
	}
	if err := p.Validate(); err != nil {
		return LIFExpProp{}, err
	}
	rs, err := refSteps("TRefMs", p.TRefMs, dtMs)
	if err != nil {
		return LIFExpProp{}, err
	}
	h := dtMs
	p22, p20 := leakProp(h, p.TauMemMs, p.CmPF)
	return LIFExpProp{
		P22:      p22,
		P11e:     float32(Exp(-h / p.TauSynExMs)),
		P11i:     float32(Exp(-h / p.TauSynInMs)),
		P21e:     float32(PropSyn(h, p.TauMemMs, p.TauSynExMs, p.CmPF)),
		P21i:     float32(PropSyn(h, p.TauMemMs, p.TauSynInMs, p.CmPF)),
		P20:      p20,
		Theta:    float32(p.VThmV - p.ELmV),
		VReset:   float32(p.VResetmV - p.ELmV),
		RefSteps: rs,
	}, nil
}

// LIFExp is a prepared population of LIFExp neurons. Its state slices are
// exported for direct access; V is relative to E_L (mV), Ie and Ii are the
// synaptic currents (pA), Refr the remaining refractory steps.
//
// Accuracy on the grid: subthreshold traces equal the exact solution to
// float32 precision whatever the step. Spikes are detected at the end of the
// step in which V crosses θ, so under constant drive the interspike interval
// is the analytic T rounded up to the grid, in [T, T + h) (a bias of h/2 on
// average). float32 rounding adds an error of at most τ_m·ulp(θ)/((1 − P22)(μ − θ))
// ms, negligible except within ~1e-4·θ of the rheobase (rates below ~15 Hz
// with τ_m = 10 ms, t_ref = 2 ms); use LIFExpPrecise where that matters.
type LIFExp struct {
	P    LIFExpParams
	Prop LIFExpProp
	DtMs float64

	V, Ie, Ii []float32
	Refr      []int32

	bias []float32 // I_e for every neuron, nil when I_e = 0
}

// NewLIFExp validates p, prepares the propagators for step dtMs and allocates
// n neurons at rest.
func NewLIFExp(n int, p LIFExpParams, dtMs float64) (*LIFExp, error) {
	if n < 0 {
		return nil, param.New(pkg, "n", n, ">= 0")
	}
	prop, err := p.Prop(dtMs)
	if err != nil {
		return nil, err
	}
	m := &LIFExp{P: p, Prop: prop, DtMs: dtMs,
		V: make([]float32, n), Ie: make([]float32, n), Ii: make([]float32, n), Refr: make([]int32, n)}
	if p.IePA != 0 {
		m.bias = make([]float32, n)
		for j := range m.bias {
			m.bias[j] = float32(p.IePA)
		}
	}
	return m, nil
}

// Kind returns "lif_exp".
func (m *LIFExp) Kind() string { return "lif_exp" }

// Len returns the number of neurons.
func (m *LIFExp) Len() int { return len(m.V) }

// Receptors returns 2 (Exc, Inh).
func (m *LIFExp) Receptors() int { return 2 }

// Bias returns the constant current I_e in pA.
func (m *LIFExp) Bias() float32 { return float32(m.P.IePA) }

// Step advances neurons [lo, hi) by one step (see Model.Step and LIFStep).
// dc, when not nil, replaces the constant current I_e for this step, so it
// must include it.
func (m *LIFExp) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	if dc == nil {
		dc = m.bias
	}
	var d []float32
	if dc != nil {
		d = dc[lo:hi]
	}
	return shiftSpikes(spikes, LIFStep(&m.Prop, m.V[lo:hi], m.Ie[lo:hi], m.Ii[lo:hi], in[Exc][lo:hi], in[Inh][lo:hi], d, m.Refr[lo:hi], spikes), lo)
}

// Jump returns Ie for Exc and Ii for Inh.
func (m *LIFExp) Jump(r int) []float32 {
	if r == Exc {
		return m.Ie
	}
	return m.Ii
}

var lifExpVars = []string{"V", "Ie", "Ii"}

// VarNames returns V (mV), Ie and Ii (pA).
func (m *LIFExp) VarNames() []string { return lifExpVars }

// VarSlice returns a state slice and its offset (E_L for V).
func (m *LIFExp) VarSlice(name string) ([]float32, float32, error) {
	switch name {
	case "V":
		return m.V, float32(m.P.ELmV), nil
	case "Ie":
		return m.Ie, 0, nil
	case "Ii":
		return m.Ii, 0, nil
	}
	return nil, 0, unknownVar(m.Kind(), name, lifExpVars)
}

// SaveState writes V, Ie, Ii and Refr.
func (m *LIFExp) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.Ie, m.Ii, m.Refr)
}

// LoadState reads what SaveState wrote.
func (m *LIFExp) LoadState(r io.Reader) error {
	return readAll(r, m.Kind(), len(m.V), m.V, m.Ie, m.Ii, m.Refr)
}
