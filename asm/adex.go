package asm

import (
	"unsafe"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

// AdExConst holds the constants of the Runge–Kutta step of adaptive
// exponential integrate-and-fire neurons with exponentially decaying
// conductances (Brette & Gerstner 2005; NEST aeif_cond_exp), for one time
// step h. Voltages are relative to the leak reversal E_L (u = V − E_L, mV),
// currents in pA, conductances in nS, times in ms. The owner of the neuron
// model (neurons.AdExCond) computes them once.
//
//	C_m du/dt = −g_L·u + g_L·Δ_T·e^{(u − u_T)/Δ_T} − g_ex·(u − u_ex) − g_in·(u − u_in) − w + I
//	τ_w dw/dt = a·u − w
//
// with u capped at UPeak in the right-hand side.
type AdExConst struct {
	GL      float64 // leak conductance g_L (nS)
	GLDT    float64 // g_L·Δ_T (nS·mV)
	InvDT   float64 // 1/Δ_T (1/mV)
	UT      float64 // spike initiation threshold V_T − E_L (mV)
	UPeak   float64 // spike detection V_peak − E_L (mV)
	EEx     float64 // excitatory reversal E_ex − E_L (mV)
	EIn     float64 // inhibitory reversal E_in − E_L (mV)
	InvC    float64 // 1/C_m (1/pF)
	A       float64 // subthreshold adaptation a (nS)
	InvTauW float64 // 1/τ_w (1/ms)
	H       float64 // the step h (ms)
	H2      float64 // h/2 (ms)
	H6      float64 // h/6 (ms)
	PeHalf  float64 // e^{−h/(2τ_ex)}: the excitatory conductance's decay over half a step
	PiHalf  float64 // e^{−h/(2τ_in)}
	Pe      float64 // e^{−h/τ_ex}: over a step
	Pi      float64 // e^{−h/τ_in}
	Bias    float64 // the constant current I_e (pA), the input current when AdExRK4's dc is nil
}

// adexConstWords is the number of float64 fields of AdExConst; the
// assembly receives the struct as *[adexConstWords]float64.
const adexConstWords = 18

var _ [1]struct{} = [unsafe.Sizeof(AdExConst{}) / (8 * adexConstWords)]struct{}{} // AdExConst is adexConstWords float64 words

// ExpTerm returns e^{(u − u_T)/Δ_T} for u ≤ UPeak, the exponential term of
// the membrane current relative to g_L·Δ_T: with x = (u − u_T)·(1/Δ_T),
// ExpNeg(−x) for x ≤ 0, 1/ExpNeg(x) for 0 < x < 32 (relative error below
// 10⁻¹¹), e^x (detmath.Exp) beyond.
func (c *AdExConst) ExpTerm(u float64) float64 {
	return ExpTab(float64((u - c.UT) * c.InvDT))
}

// ExpTab returns e^x from ExpNeg's table: ExpNeg(−x) for x ≤ 0 (0 from
// x ≤ −32 on), 1/ExpNeg(x) for 0 < x < 32 (relative error below 10⁻¹¹),
// detmath.Exp(x) beyond; the same bits on every architecture and kernel
// path. The vector kernels evaluate it four lanes at a time.
func ExpTab(x float64) float64 {
	switch {
	case x <= 0:
		return ExpNeg(-x)
	case x < 32:
		return 1 / ExpNeg(x)
	}
	return detmath.Exp(x)
}

// Deriv returns du/dt (mV/ms) and dw/dt (pA/ms) at u, w, conductances ge
// and gi and input current cur, every product rounded before it is added
// (no architecture fuses one):
//
//	u  = u if u < UPeak, else UPeak (a NaN too: the vector minimum's rule)
//	i  = ((((−(g_L·u) + g_L·Δ_T·ExpTerm(u)) − ge·(u − u_ex)) − gi·(u − u_in)) − w) + cur
//	du = i·(1/C_m),  dw = (a·u − w)·(1/τ_w)
func (c *AdExConst) Deriv(u, w, ge, gi, cur float64) (du, dw float64) {
	if !(u < c.UPeak) {
		u = c.UPeak
	}
	spike := float64(c.GLDT * c.ExpTerm(u))
	i := -float64(c.GL*u) + spike - float64(ge*(u-c.EEx)) - float64(gi*(u-c.EIn)) - w + cur
	return float64(i * c.InvC), float64((float64(c.A*u) - w) * c.InvTauW)
}

// AdExRK4 computes one classic Runge–Kutta step of length H for every
// neuron j, from u = v[j] and w[j], the conductances ge[j], gi[j] at the
// start of the step (decaying by PeHalf, PiHalf to the middle and Pe, Pi to
// the end) and the current dc[j] (Bias when dc is nil), and writes the
// result to su[j], sw[j] (float64):
//
//	k1 = Deriv(u, w, g),  k2 = Deriv(u + H2·k1, w + H2·k1, g·P½),  k3 = Deriv(u + H2·k2, …, g·P½)
//	k4 = Deriv(u + H·k3, …, g·P),  u' = u + H6·((k1 + 2k2 + 2k3) + k4)
//
// the sum accumulated in that order (k1, then + 2k2, + 2k3, + k4), every
// product rounded, a chunk of 32 neurons stage by stage (su and sw hold
// the stages' state in between: they must not overlap each other or the
// inputs). The AVX2 kernel computes four neurons per vector with the same
// operations, ExpNeg's table read by a gather, and gives the same bits; it
// covers parameters whose exponent at V_peak, (UPeak − UT)·InvDT, is below
// 32 with InvDT > 0 (25.2 at NEST's defaults; V_peak more than 32·Δ_T
// above V_T, e.g. V_peak = 20 mV or Δ_T ≤ 1.5 mV with NEST's V_T, takes
// the reference, about 3 times slower). It panics if the lengths differ.
func AdExRK4(c *AdExConst, v, w, ge, gi, dc []float32, su, sw []float64) {
	n := len(su)
	if len(v) != n || len(w) != n || len(ge) != n || len(gi) != n || len(sw) != n || (dc != nil && len(dc) != n) {
		panic(errLength)
	}
	adexRK4(c, v, w, ge, gi, dc, su, sw)
}

// adexVector reports whether the AVX2 kernel covers c: ExpTerm's argument
// stays below 32 for u ≤ UPeak (it does not decrease with u when InvDT >
// 0), where ExpTerm is ExpNeg or its reciprocal; a NaN exponent at UPeak
// (UPeak = UT = ±Inf, a NaN constant) leaves c to the reference.
func (c *AdExConst) adexVector() bool { return c.InvDT > 0 && float64((c.UPeak-c.UT)*c.InvDT) < 32 }

// expNegTable[k] = e^{−k/64}, k = 0 … 2047 (detmath.Exp).
var expNegTable = func() []float64 {
	t := make([]float64, 2048)
	for k := range t {
		t[k] = detmath.Exp(-float64(k) / 64)
	}
	return t
}()

// ExpNeg returns e^{−x} for x ≥ 0 with a relative error below 10⁻¹¹ (ample
// for float32 state): the table value e^{−k/64}, k = ⌊64x⌋, times a degree-4
// Taylor polynomial of the remainder r = x − k/64 < 1/64 (error r⁵/120 <
// 8·10⁻¹²), every operation rounded separately so that it is the same on
// every architecture and kernel path:
//
//	p = 1 − r·(1 − r·(1/2 − r·(1/6 − r·(1/24))))
//
// It returns 0 for x ≥ 32 (e^{−32} < 1.3·10⁻¹⁴), and 1 for x ≤ 0 and
// for a NaN.
func ExpNeg(x float64) float64 {
	if !(x > 0) {
		return 1
	}
	if x >= 32 {
		return 0
	}
	k := int(x * 64)
	r := x - float64(float64(k)/64)
	p := 1 - float64(r*float64(1-float64(r*float64(0.5-float64(r*float64(1.0/6-float64(r*(1.0/24))))))))
	return float64(expNegTable[k] * p)
}
