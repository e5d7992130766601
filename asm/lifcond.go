package asm

import "unsafe"

// LIFCondConst holds the constants of the exponential-Euler step of
// conductance-based LIF neurons with exponentially decaying conductances
// (Vogels & Abbott 2005; the COBA benchmark of Brette et al. 2007), for one
// time step h. Voltages are relative to the leak reversal E_L (mV),
// conductances in nS, currents in pA. The owner of the neuron model
// (neurons.LIFCond) computes them once.
//
// Me and Mi scale the start-of-step conductances to the conductances the
// membrane update uses: (τ/h)(1 − e^{−h/τ}) gives the conductance's mean
// over the step (its exact integral divided by h), 1 holds it at its
// start-of-step value (Brian2's exponential_euler). A multiplication by 1
// is exact, so Me = Mi = 1 gives bit for bit the step without them. Their
// zero value would take the conductances out of the membrane update: set
// them.
type LIFCondConst struct {
	HOverC   float64 // h/C_m (ms/pF)
	GL       float64 // leak conductance g_L (nS)
	EEx      float64 // excitatory reversal E_ex − E_L (mV)
	EIn      float64 // inhibitory reversal E_in − E_L (mV)
	Pe       float64 // e^{−h/τ_ex}: the excitatory conductance's decay over a step
	Pi       float64 // e^{−h/τ_in}
	Me       float64 // the excitatory conductance's factor in the membrane update: (τ_ex/h)(1 − Pe) or 1
	Mi       float64 // the inhibitory conductance's factor: (τ_in/h)(1 − Pi) or 1
	Bias     float64 // the constant current I_e (pA), the input current when LIFCondStep's dc is nil
	Theta    float32 // threshold V_th − E_L (mV)
	VReset   float32 // reset V_reset − E_L (mV)
	RefSteps int32   // refractory period in steps (≥ 0)
	_        int32   // padding: 88 bytes on every architecture
}

var _ [1]struct{} = [unsafe.Sizeof(LIFCondConst{}) / 88]struct{}{} // LIFCondConst is 88 bytes: the assembly's *[11]uint64

// LIFCondStep advances every neuron j by one step, V relaxing exactly
// towards V_∞ with the conductances held constant over the step at
// ge[j]·Me and gi[j]·Mi (Me = Mi = 1: Brian2's exponential_euler for this
// linear system, the conductances at their start-of-step values; the
// step-mean factors of LIFCondConst: the conductances' exact means):
//
//	if refr[j] == 0 {
//	    a = ge[j]·Me;  b = gi[j]·Mi
//	    g = (g_L + a) + b;  V_∞ = ((a·E_ex + b·E_in) + I)/g                  (I = dc[j], or Bias when dc is nil)
//	    v[j] = float32(V_∞ + (v[j] − V_∞)·ExpNeg(HOverC·g))                    (in float64, every product rounded)
//	} else { refr[j]-- }
//	ge[j] = float32(ge[j]·Pe) + inE[j];  gi[j] = float32(gi[j]·Pi) + inI[j];  inE[j] = inI[j] = 0
//	if v[j] >= Theta { v[j] = VReset; refr[j] = RefSteps; spikes[n] = j; n++ }
//
// It returns n, the number of neurons that spiked, whose indices are in
// ascending order in spikes[:n]. The AVX2 kernel computes four neurons per
// vector with the same operations (ExpNeg's table read by a gather) and
// gives the same bits. spikes must have room for every neuron; it panics
// if the lengths differ.
func LIFCondStep(c *LIFCondConst, v, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	n := len(v)
	if len(ge) != n || len(gi) != n || len(inE) != n || len(inI) != n || len(refr) != n || (dc != nil && len(dc) != n) {
		panic(errLength)
	}
	if len(spikes) < n {
		panic("asm: spikes has fewer elements than neurons")
	}
	return lifCondStep(c, v, ge, gi, inE, inI, dc, refr, spikes)
}
