package neurons

import (
	"io"

	"github.com/neurodyn/neurodyn/internal/param"
)

// LIFDeltaParams are the parameters of the LIF neuron with delta synapses
// (NEST iaf_psc_delta): an input spike of weight w (mV) makes V jump by w;
//
//	C_m dV/dt = −(C_m/τ_m)(V − E_L) + I_e + I_stim
//
// Inputs arriving while the neuron is refractory are discarded (NEST's
// default, Brunel 2000). Start from DefaultLIFDelta or BrunelLIFDelta.
type LIFDeltaParams struct {
	CmPF     float64 `toml:"cm_pf" json:"cm_pf"`           // membrane capacitance (pF), > 0; default 250
	TauMemMs float64 `toml:"tau_mem_ms" json:"tau_mem_ms"` // membrane time constant (ms), > 0; default 10
	TRefMs   float64 `toml:"t_ref_ms" json:"t_ref_ms"`     // absolute refractory period (ms), ≥ 0, multiple of the step; default 2
	ELmV     float64 `toml:"e_l_mv" json:"e_l_mv"`         // resting potential (mV); default −70
	VResetmV float64 `toml:"v_reset_mv" json:"v_reset_mv"` // reset potential (mV), < V_th; default −70
	VThmV    float64 `toml:"v_th_mv" json:"v_th_mv"`       // threshold (mV); default −55
	IePA     float64 `toml:"i_e_pa" json:"i_e_pa"`         // constant input current (pA); default 0
}

// DefaultLIFDelta returns NEST's iaf_psc_delta defaults.
func DefaultLIFDelta() LIFDeltaParams {
	return LIFDeltaParams{CmPF: 250, TauMemMs: 10, TRefMs: 2, ELmV: -70, VResetmV: -70, VThmV: -55}
}

// BrunelLIFDelta returns the neuron of Brunel (2000) model A: τ = 20 ms,
// θ = 20 mV, V_r = 10 mV, τ_rp = 2 ms, potentials relative to rest (E_L = 0).
func BrunelLIFDelta() LIFDeltaParams {
	return LIFDeltaParams{CmPF: 250, TauMemMs: 20, TRefMs: 2, ELmV: 0, VResetmV: 10, VThmV: 20}
}

// Validate reports the first invalid parameter.
func (p LIFDeltaParams) Validate() error {
	return param.First(
		param.Positive(pkg, "CmPF", p.CmPF),
		param.Positive(pkg, "TauMemMs", p.TauMemMs),
		param.NonNegative(pkg, "TRefMs", p.TRefMs),
		param.Finite(pkg, "ELmV", p.ELmV),
		param.Finite(pkg, "VThmV", p.VThmV),
		param.Finite(pkg, "IePA", p.IePA),
		vResetBelow(p.VResetmV, p.VThmV),
	)
}

// LIFDeltaProp holds the propagators of LIFDelta for one step.
type LIFDeltaProp struct {
	P33, P30, Theta, VReset float32 // e^{−h/τ_m}, τ_m/C_m·(1 − P33) (mV/pA), thresholds relative to E_L
	RefSteps                int32
}

// LIFDelta is a prepared population of LIFDelta neurons; V is relative to E_L
// (mV), Refr the remaining refractory steps.
type LIFDelta struct {
	P    LIFDeltaParams
	Prop LIFDeltaProp
	DtMs float64

	V    []float32
	Refr []int32

	bias float32
}

// NewLIFDelta validates p, prepares the propagators for step dtMs and
// allocates n neurons at rest.
func NewLIFDelta(n int, p LIFDeltaParams, dtMs float64) (*LIFDelta, error) {
	rs, err := prepare(n, dtMs, p.Validate, p.TRefMs)
	if err != nil {
		return nil, err
	}
	p33, p30 := leakProp(dtMs, p.TauMemMs, p.CmPF) // as LIFExp's P22, P20
	prop := LIFDeltaProp{
		P33:      p33,
		P30:      p30,
		Theta:    float32(p.VThmV - p.ELmV),
		VReset:   float32(p.VResetmV - p.ELmV),
		RefSteps: rs,
	}
	return &LIFDelta{P: p, Prop: prop, DtMs: dtMs, V: make([]float32, n), Refr: make([]int32, n),
		bias: float32(p.IePA)}, nil
}

// Kind returns "lif_delta".
func (m *LIFDelta) Kind() string { return "lif_delta" }

// Len returns the number of neurons.
func (m *LIFDelta) Len() int { return len(m.V) }

// Receptors returns 1: excitatory and inhibitory inputs share one slot (the
// sign of the weight decides).
func (m *LIFDelta) Receptors() int { return 1 }

// Bias returns the constant current I_e in pA.
func (m *LIFDelta) Bias() float32 { return m.bias }

// Step advances neurons [lo, hi) by one step:
//
//	if refr == 0 && v >= Theta {                                 (raised there by a delay-0 input since the last step)
//	    v = VReset; refr = RefSteps; spike                       (the rest of the step held at the reset)
//	} else if refr == 0 {
//	    v = (P33·v + P30·I) + in
//	    if v >= Theta { v = VReset; refr = RefSteps; spike }
//	} else { refr-- }                                            (input discarded; no spike while refractory)
//	in = 0
//
// with I = dc[j] when dc is not nil (it then includes I_e), else I_e. A
// delay-0 input (Jump) moves V at the end of the step in which its spike
// was emitted; if it takes V to the threshold the neuron fires at the end
// of the next step (the first the engine can report), instead of losing
// the crossing to that step's decay.
func (m *LIFDelta) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	p := m.Prop
	v, refr, x := m.V[lo:hi], m.Refr[lo:hi], in[0][lo:hi]
	n := len(v)
	refr, x = refr[:n], x[:n]
	_ = spikes[:n]
	ns := 0
	var d []float32
	if dc != nil {
		d = dc[lo:hi]
		d = d[:n]
	}
	c := float32(p.P30 * m.bias)
	for j := range n {
		vj := v[j]
		fire := false
		switch {
		case refr[j] == 0 && vj >= p.Theta: // raised there by a delay-0 input since the last step
			fire = true
		case refr[j] == 0:
			if d != nil {
				c = float32(p.P30 * d[j])
			}
			vj = float32(p.P33*vj) + c
			vj += x[j]
			fire = vj >= p.Theta
		default:
			refr[j]--
		}
		x[j] = 0
		if fire {
			vj = p.VReset
			refr[j] = p.RefSteps
			spikes[ns] = int32(j + lo)
			ns++
		}
		v[j] = vj
	}
	return ns
}

// Jump returns V: a delay-0 input moves the membrane at once (also while
// refractory, as in Brian2; a refractory neuron does not fire, and fires at
// the end of the first step after its refractory period if V is then still
// at the threshold).
func (m *LIFDelta) Jump(int) []float32 { return m.V }

var lifDeltaVars = []string{"V"}

// VarNames returns V (mV).
func (m *LIFDelta) VarNames() []string { return lifDeltaVars }

// VarSlice returns V and its offset E_L.
func (m *LIFDelta) VarSlice(name string) ([]float32, float32, error) {
	if name == "V" {
		return m.V, float32(m.P.ELmV), nil
	}
	return nil, 0, unknownVar(m.Kind(), name, lifDeltaVars)
}

// SaveState writes V and Refr.
func (m *LIFDelta) SaveState(w io.Writer) error { return writeAll(w, int64(len(m.V)), m.V, m.Refr) }

// LoadState reads what SaveState wrote.
func (m *LIFDelta) LoadState(r io.Reader) error {
	return readAll(r, m.Kind(), len(m.V), m.V, m.Refr)
}
