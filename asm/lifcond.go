package asm

import "unsafe"

// LIFCondConst holds the constants of the exponential-Euler step of
// conductance-based LIF neurons with exponentially decaying conductances
// (Vogels & Abbott 2005; the COBA benchmark of Brette et al. 2007), for one
// time step h. Voltages are relative to the leak reversal E_L (mV),
// conductances in nS, currents in pA. The owner of the neuron model
// (neurons.LIFCond) computes them once.
type LIFCondConst struct {
	HOverC   float64 // h/C_m (ms/pF)
	GL       float64 // leak conductance g_L (nS)
	EEx      float64 // excitatory reversal E_ex − E_L (mV)
	EIn      float64 // inhibitory reversal E_in − E_L (mV)
	Pe       float64 // e^{−h/τ_ex}: the excitatory conductance's decay over a step
	Pi       float64 // e^{−h/τ_in}
	Bias     float64 // the constant current I_e (pA), the input current when LIFCondStep's dc is nil
	Theta    float32 // threshold V_th − E_L (mV)
	VReset   float32 // reset V_reset − E_L (mV)
	RefSteps int32   // refractory period in steps (≥ 0)
	_        int32   // padding: 72 bytes on every architecture
}

var _ [1]struct{} = [unsafe.Sizeof(LIFCondConst{}) / 72]struct{}{} // LIFCondConst is 72 bytes: the assembly's *[9]uint64

// LIFCondStep advances every neuron j by one step (Brian2's
// exponential_euler for this linear system: the conductances held at their
// values at the start of the step):
//
//	if refr[j] == 0 {
//	    g = (g_L + ge[j]) + gi[j];  V_∞ = ((ge[j]·E_ex + gi[j]·E_in) + I)/g   (I = dc[j], or Bias when dc is nil)
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
