package neurons

import (
	"io"
	"math"
	"slices"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
)

// HHCondParams are the parameters of the Hodgkin–Huxley neuron with Traub
// & Miles' (1991) sodium and potassium currents and exponentially decaying
// conductances (NEST hh_cond_exp_traub; the COBAHH benchmark of Brette et
// al. 2007):
//
//	C_m dV/dt = −g_L(V − E_L) − g_Na m³h (V − E_Na) − g_K n⁴ (V − E_K) − g_ex(V − E_ex) − g_in(V − E_in) + I_e + I_stim
//	dx/dt = α_x(V)(1 − x) − β_x(V)·x   for the gates x = m, h, n (rates: asm.HHRates, of V − V_T)
//	dg_ex/dt = −g_ex/τ_ex,  dg_in/dt = −g_in/τ_in
//
// There is no reset: the action potential is the model's own. A spike is
// emitted when V reaches V_spike at the end of a step, and detection is off
// for t_ref after it, which must outlast the time V stays above V_spike (a
// millisecond or less at the defaults), as in NEST (which detects the peak
// above V_T + 30 mV) and Brian2's COBAHH (V > −20 mV, refractory 3 ms).
//
// Integration scheme: exponential Euler (the Rush–Larsen scheme): over a
// step each gate relaxes exactly towards α/(α + β) with rate α + β at the
// step's V, and V relaxes exactly towards the balance of its currents with
// the gates of the step's start and constant synaptic conductances ḡ (or,
// should the total conductance be negative, as negative initial
// conductances can make it, moves away from it exactly as the linear
// equation says); then the conductances decay exactly and the step's input
// jumps (nS) are added. GScheme chooses ḡ, as LIFCondParams' does:
//
//   - "mean" (default): the conductance's exact mean over the (sub)step h,
//     ḡ = g·(τ/h)(1 − e^{−h/τ}), so that its integral over every step is
//     exact.
//   - "start": its start-of-step value, ḡ = g: Brian2's exponential_euler,
//     which its COBAHH benchmark uses (neurodyn's scheme before "mean");
//     every conductance jump then acts κ = (h/τ)/(1 − e^{−h/τ}) ≈
//     1 + h/(2τ) times too strongly.
//
// Against an accurate solution (TestHHCondConductanceScheme: RK4 at 1 µs,
// conductance jumps on both receptors below the rheobase), "mean" makes the
// subthreshold V 2.2–2.6 times more accurate: the largest error at −60 pA
// falls from 0.043 to 0.017 mV at dt = 0.1 ms, from 0.021 to 0.0082 mV at
// 0.05, from 0.0041 to 0.0016 mV with 10 substeps of 0.1 ms. It does not
// make spike times more accurate: both schemes are first order through the
// gates, whose lag makes spikes late, and the excess excitation of "start"
// offsets part of that lag (spikes fired by 20 nS jumps: 0.80 ms late with
// "start", 0.90 ms with "mean" at dt = 0.1 ms; 0.43 and 0.48 ms at 0.05;
// 0.18 ms with both at 10 substeps). Both cost the same. Without synaptic
// conductances the two are the same, bit for bit. The scheme is first order
// and stable at any step (NEST integrates with adaptive Runge–Kutta–Fehlberg
// 4(5) instead): it lengthens every interspike interval, against an accurate
// solution, by 3.6 % (0 pA) to 11 % (1,000 pA) at dt = 0.1 ms and by 0.4 %
// to 1.2 % at dt = 0.01 ms (TestHHCondFI, TestHHCondConstantCurrent), so
// spike trains that must follow the exact dynamics need the small step;
// Brian2's COBAHH runs "start" at 0.1 ms. SubSteps divides each step
// of a population into that many exponential-Euler substeps (the step's
// input still arrives at its end, and t_ref counts in steps), which gives
// the small step's accuracy without changing the network's grid: with 10
// substeps of a 0.1 ms step the 10th spike at 0 pA comes 2.8 ms after an
// accurate solution's instead of 23.8 ms (TestHHCondSubSteps), at 10 times
// the cost. With NEST's defaults the neuron has no resting state above −31.8
// pA: at I = 0 it fires on its own (13.9 Hz), and its onset is class I (the
// rate starts from zero). The gates start at their steady state at E_L, with
// the rates of V − V_T (NEST evaluates them at V = E_L there); the
// population's init sets them otherwise. Start from DefaultHHCond.
type HHCondParams struct {
	CmPF       float64 `toml:"cm_pf" json:"cm_pf"`                 // membrane capacitance (pF), > 0; default 200
	GLnS       float64 `toml:"g_l_ns" json:"g_l_ns"`               // leak conductance (nS), > 0; default 10
	ELmV       float64 `toml:"e_l_mv" json:"e_l_mv"`               // leak reversal (mV); default −60
	GNanS      float64 `toml:"g_na_ns" json:"g_na_ns"`             // peak sodium conductance (nS), ≥ 0; default 20,000
	ENamV      float64 `toml:"e_na_mv" json:"e_na_mv"`             // sodium reversal (mV); default 50
	GKnS       float64 `toml:"g_k_ns" json:"g_k_ns"`               // peak potassium conductance (nS), ≥ 0; default 6,000
	EKmV       float64 `toml:"e_k_mv" json:"e_k_mv"`               // potassium reversal (mV); default −90
	VTmV       float64 `toml:"v_t_mv" json:"v_t_mv"`               // the rates' voltage offset V_T (mV); default −63
	EExmV      float64 `toml:"e_ex_mv" json:"e_ex_mv"`             // excitatory reversal (mV); default 0
	EInmV      float64 `toml:"e_in_mv" json:"e_in_mv"`             // inhibitory reversal (mV); default −80
	TauSynExMs float64 `toml:"tau_syn_ex_ms" json:"tau_syn_ex_ms"` // excitatory decay (ms), > 0; default 5
	TauSynInMs float64 `toml:"tau_syn_in_ms" json:"tau_syn_in_ms"` // inhibitory decay (ms), > 0; default 10
	TRefMs     float64 `toml:"t_ref_ms" json:"t_ref_ms"`           // detection off after a spike (ms), ≥ 0, multiple of the step; default 2
	VSpikemV   float64 `toml:"v_spike_mv" json:"v_spike_mv"`       // spike detection (mV); default −33 (NEST's V_T + 30)
	IePA       float64 `toml:"i_e_pa" json:"i_e_pa"`               // constant input current (pA); default 0
	SubSteps   float64 `toml:"substeps" json:"substeps"`           // substeps per step, a whole number in [1, 1000]; default 1
	// GScheme is the conductances' scheme in the membrane update:
	// GSchemeMean ("mean", the default; "" means it) or GSchemeStart
	// ("start"); in a kernel spec a population's
	// options.conductance_scheme.
	GScheme string `toml:"conductance_scheme" json:"conductance_scheme"`
}

// DefaultHHCond returns NEST's hh_cond_exp_traub defaults, which are the
// COBAHH neuron of Brette et al. (2007): a 20,000 µm² membrane.
func DefaultHHCond() HHCondParams {
	return HHCondParams{CmPF: 200, GLnS: 10, ELmV: -60, GNanS: 20000, ENamV: 50, GKnS: 6000, EKmV: -90, VTmV: -63,
		EExmV: 0, EInmV: -80, TauSynExMs: 5, TauSynInMs: 10, TRefMs: 2, VSpikemV: -33, SubSteps: 1, GScheme: GSchemeMean}
}

// Validate reports the first invalid parameter.
func (p HHCondParams) Validate() error {
	if !(p.SubSteps >= 1 && p.SubSteps <= 1000 && p.SubSteps == math.Trunc(p.SubSteps)) {
		return param.New(pkg, "SubSteps", p.SubSteps, "a whole number in [1, 1000]")
	}
	return param.First(
		param.Positive(pkg, "CmPF", p.CmPF),
		param.Positive(pkg, "GLnS", p.GLnS),
		param.Finite(pkg, "ELmV", p.ELmV),
		param.NonNegative(pkg, "GNanS", p.GNanS),
		param.Finite(pkg, "ENamV", p.ENamV),
		param.NonNegative(pkg, "GKnS", p.GKnS),
		param.Finite(pkg, "EKmV", p.EKmV),
		param.Finite(pkg, "VTmV", p.VTmV),
		param.Finite(pkg, "EExmV", p.EExmV),
		param.Finite(pkg, "EInmV", p.EInmV),
		param.Positive(pkg, "TauSynExMs", p.TauSynExMs),
		param.Positive(pkg, "TauSynInMs", p.TauSynInMs),
		param.NonNegative(pkg, "TRefMs", p.TRefMs),
		param.Finite(pkg, "VSpikemV", p.VSpikemV),
		param.Finite(pkg, "IePA", p.IePA),
		validGScheme(p.GScheme),
	)
}

// HHCond is a prepared population of HHCond neurons: V relative to E_L
// (mV), the gates M, H, N, the conductances Ge and Gi (nS), Refr the steps
// left before spikes are detected again.
type HHCond struct {
	P    HHCondParams
	DtMs float64

	V, M, H, N, Ge, Gi []float32
	Refr               []int32

	c asm.HHConst // for one substep

	// with SubSteps > 1: zero input slots for the substeps before the
	// last, the spike list of a substep, and the neurons that spiked in
	// the step (each range [lo, hi) uses its own part)
	zeros [2][]float32
	sub   []int32
	mark  []bool
}

// NewHHCond validates p, prepares the step constants for dtMs and
// allocates n neurons at rest (V = E_L, the gates at their steady state
// there) with zero conductances.
func NewHHCond(n int, p HHCondParams, dtMs float64) (*HHCond, error) {
	rs, err := prepare(n, dtMs, p.Validate, p.TRefMs)
	if err != nil {
		return nil, err
	}
	k := int(p.SubSteps)
	h := dtMs / float64(k)
	me, mi := gFactors(p.GScheme, h, p.TauSynExMs, p.TauSynInMs)
	m := &HHCond{P: p, DtMs: dtMs,
		V: make([]float32, n), M: make([]float32, n), H: make([]float32, n), N: make([]float32, n),
		Ge: make([]float32, n), Gi: make([]float32, n), Refr: make([]int32, n),
		c: asm.HHConst{HOverC: h / p.CmPF, H: h, GL: p.GLnS, GNa: p.GNanS, GK: p.GKnS,
			ENa: p.ENamV - p.ELmV, EK: p.EKmV - p.ELmV, EEx: p.EExmV - p.ELmV, EIn: p.EInmV - p.ELmV,
			UOff: p.ELmV - p.VTmV, Pe: Exp(-h / p.TauSynExMs), Pi: Exp(-h / p.TauSynInMs), Me: me, Mi: mi, Bias: p.IePA,
			VSpike: float32(p.VSpikemV - p.ELmV), RefSteps: rs * int32(k)}}
	if k > 1 {
		if int64(rs)*int64(k) > math.MaxInt32 {
			return nil, param.New(pkg, "SubSteps", p.SubSteps, "small enough that t_ref in substeps fits in an int32")
		}
		m.zeros = [2][]float32{make([]float32, n), make([]float32, n)}
		m.sub, m.mark = make([]int32, n), make([]bool, n)
	}
	am, bm, ah, bh, an, bn := asm.HHRates(m.c.UOff)
	m0, h0, n0 := float32(am/(am+bm)), float32(ah/(ah+bh)), float32(an/(an+bn))
	for j := range n {
		m.M[j], m.H[j], m.N[j] = m0, h0, n0
	}
	return m, nil
}

// Kind returns "hh_cond".
func (m *HHCond) Kind() string { return "hh_cond" }

// Len returns the number of neurons.
func (m *HHCond) Len() int { return len(m.V) }

// Receptors returns 2 (Exc, Inh); weights are conductances in nS.
func (m *HHCond) Receptors() int { return 2 }

// Bias returns the constant current I_e in pA.
func (m *HHCond) Bias() float32 { return float32(m.c.Bias) }

// Step advances neurons [lo, hi) by one step of the scheme of HHCondParams
// through asm.HHStep (the same bits on every path): SubSteps substeps, the
// input slots read (and cleared) by the last; a neuron detected in any
// substep is listed once.
func (m *HHCond) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	var d []float32
	if dc != nil {
		d = dc[lo:hi]
	}
	step := func(e, i []float32, out []int32) int {
		return asm.HHStep(&m.c, m.V[lo:hi], m.M[lo:hi], m.H[lo:hi], m.N[lo:hi], m.Ge[lo:hi], m.Gi[lo:hi],
			e, i, d, m.Refr[lo:hi], out)
	}
	k := int(m.P.SubSteps)
	if k == 1 {
		return shiftSpikes(spikes, step(in[Exc][lo:hi], in[Inh][lo:hi], spikes), lo)
	}
	sub, mark := m.sub[lo:hi], m.mark[lo:hi]
	n := 0
	for s := range k {
		e, i := m.zeros[0][lo:hi], m.zeros[1][lo:hi]
		if s == k-1 {
			e, i = in[Exc][lo:hi], in[Inh][lo:hi]
		}
		for _, j := range sub[:step(e, i, sub)] {
			if !mark[j] {
				mark[j] = true
				spikes[n] = j + int32(lo)
				n++
			}
		}
	}
	slices.Sort(spikes[:n])
	for _, j := range spikes[:n] {
		mark[j-int32(lo)] = false
	}
	return n
}

// Jump returns Ge for Exc and Gi for Inh.
func (m *HHCond) Jump(r int) []float32 {
	if r == Exc {
		return m.Ge
	}
	return m.Gi
}

var hhCondVars = []string{"V", "M", "H", "N", "Ge", "Gi"}

// VarNames returns V (mV), the gates M, H, N, and Ge, Gi (nS).
func (m *HHCond) VarNames() []string { return hhCondVars }

// VarSlice returns a state slice and its offset (E_L for V).
func (m *HHCond) VarSlice(name string) ([]float32, float32, error) {
	switch name {
	case "V":
		return m.V, float32(m.P.ELmV), nil
	case "M":
		return m.M, 0, nil
	case "H":
		return m.H, 0, nil
	case "N":
		return m.N, 0, nil
	case "Ge":
		return m.Ge, 0, nil
	case "Gi":
		return m.Gi, 0, nil
	}
	return nil, 0, unknownVar(m.Kind(), name, hhCondVars)
}

// SaveState writes V, M, H, N, Ge, Gi and Refr.
func (m *HHCond) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.M, m.H, m.N, m.Ge, m.Gi, m.Refr)
}

// LoadState reads what SaveState wrote.
func (m *HHCond) LoadState(r io.Reader) error {
	return readAll(r, m.Kind(), len(m.V), m.V, m.M, m.H, m.N, m.Ge, m.Gi, m.Refr)
}
