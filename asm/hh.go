package asm

import "unsafe"

// HHConst holds the constants of the exponential-Euler step of
// Hodgkin–Huxley neurons with Traub & Miles' sodium and potassium currents
// and exponentially decaying conductances (NEST hh_cond_exp_traub; the
// COBAHH benchmark of Brette et al. 2007), for one time step h. Voltages
// are relative to the leak reversal E_L (v = V − E_L, mV), conductances in
// nS, currents in pA. The owner of the neuron model (neurons.HHCond)
// computes them once.
//
// Me and Mi scale the start-of-step conductances to the conductances the
// membrane update uses: (τ/h)(1 − e^{−h/τ}) gives the conductance's mean
// over the step (its exact integral divided by h), 1 holds it at its
// start-of-step value (Brian2's exponential_euler). A multiplication by 1
// is exact, so Me = Mi = 1 gives bit for bit the step without them. Their
// zero value would take the conductances out of the membrane update: set
// them.
type HHConst struct {
	HOverC   float64 // h/C_m (ms/pF)
	H        float64 // the step h (ms)
	GL       float64 // leak conductance g_L (nS)
	GNa      float64 // peak sodium conductance g_Na (nS)
	GK       float64 // peak potassium conductance g_K (nS)
	ENa      float64 // E_Na − E_L (mV)
	EK       float64 // E_K − E_L (mV)
	EEx      float64 // E_ex − E_L (mV)
	EIn      float64 // E_in − E_L (mV)
	UOff     float64 // E_L − V_T (mV): u = V − V_T = v + UOff, the rates' variable
	Pe       float64 // e^{−h/τ_ex}
	Pi       float64 // e^{−h/τ_in}
	Me       float64 // the excitatory conductance's factor in the membrane update: (τ_ex/h)(1 − Pe) or 1
	Mi       float64 // the inhibitory conductance's factor: (τ_in/h)(1 − Pi) or 1
	Bias     float64 // the constant current I_e (pA), the input current when HHStep's dc is nil
	VSpike   float32 // spike detection V_spike − E_L (mV)
	RefSteps int32   // steps during which detection is off after a spike (≥ 0)
}

var _ [1]struct{} = [unsafe.Sizeof(HHConst{}) / 128]struct{}{} // 15 float64, then VSpike and RefSteps: 128 bytes, the assembly's *[16]uint64

// HHRates returns the Traub–Miles rates (1/ms) at u = V − V_T (mV):
//
//	α_m = 0.32·(13 − u)/(e^{(13 − u)/4} − 1)   β_m = 0.28·(u − 40)/(e^{(u − 40)/5} − 1)
//	α_h = 0.128·e^{(17 − u)/18}                 β_h = 4/(1 + e^{(40 − u)/5})
//	α_n = 0.032·(15 − u)/(e^{(15 − u)/5} − 1)   β_n = 0.5·e^{(10 − u)/40}
//
// every exponential by ExpTab, every product rounded; the quotients
// a/(e^{a/s} − 1) are s/(1 + a/(2s)) where |a/s| < 10⁻⁶ (their limit, to
// 10⁻¹² relative).
func HHRates(u float64) (am, bm, ah, bh, an, bn float64) {
	am = hhLin(0.32, 13-u, 4)
	bm = hhLin(0.28, u-40, 5)
	ah = float64(0.128 * ExpTab(float64((17-u)*(1.0/18))))
	bh = 4 / (1 + ExpTab(float64((40-u)*(1.0/5))))
	an = hhLin(0.032, 15-u, 5)
	bn = float64(0.5 * ExpTab(float64((10-u)*(1.0/40))))
	return
}

// hhLin returns k·a/(e^{a/s} − 1), k·s/(1 + a/(2s)) near a = 0.
func hhLin(k, a, s float64) float64 {
	x := float64(a * (1 / s))
	if x > -1e-6 && x < 1e-6 {
		return float64(k*s) / (1 + float64(x*0.5))
	}
	return float64(k*a) / (ExpTab(x) - 1)
}

// HHStep advances every neuron j by one exponential-Euler step (each
// variable relaxes exactly towards its target with the others held
// constant over the step: the gates at their start-of-step values, the
// conductances at ge[j]·Me and gi[j]·Mi; Me = Mi = 1 is Brian2's
// exponential_euler, the step-mean factors of HHConst the conductances'
// exact means), from v[j] (V − E_L), the gates m[j], h[j], n[j] and the
// conductances ge[j], gi[j]:
//
//	u = v + UOff;  rates at u (HHRates)
//	x = x_∞ + (x − x_∞)·ExpNeg((α_x + β_x)·H),  x_∞ = α_x/(α_x + β_x)      for x = m, h, n
//	g_Na = GNa·((m·m)·m)·h,  g_K = GK·((n·n)·(n·n))                      (the gates at the start)
//	a = ge·Me;  b = gi·Mi
//	g = (((GL + a) + b) + g_Na) + g_K
//	v_∞ = ((((a·EEx + b·EIn) + g_Na·ENa) + g_K·EK) + I)/g                (I = dc[j], or Bias when dc is nil)
//	v = v_∞ + (v − v_∞)·ExpTab(−HOverC·g)                                 (exact also for g < 0, unphysical: growth)
//	ge[j] = float32(ge·Pe) + inE[j];  gi[j] = float32(gi·Pi) + inI[j];  inE[j] = inI[j] = 0
//	if refr[j] > 0 { refr[j]-- } else if v >= VSpike { refr[j] = RefSteps; spikes[n] = j; n++ }
//
// in float64 from the float32 state, every product rounded, each result
// rounded once to float32. There is no reset: V goes on through the action
// potential, and detection is off for RefSteps steps. It returns n, the
// number of neurons that spiked, in ascending order in spikes[:n]. spikes
// must have room for every neuron; it panics if the lengths differ.
func HHStep(c *HHConst, v, m, h, n, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	k := len(v)
	if len(m) != k || len(h) != k || len(n) != k || len(ge) != k || len(gi) != k || len(inE) != k || len(inI) != k ||
		len(refr) != k || (dc != nil && len(dc) != k) {
		panic(errLength)
	}
	if len(spikes) < k {
		panic("asm: spikes has fewer elements than neurons")
	}
	return hhStep(c, v, m, h, n, ge, gi, inE, inI, dc, refr, spikes)
}
