package asm

// LIFProp holds the precomputed exact-integration propagators of a population
// of current-based LIF neurons with exponential synaptic currents (NEST
// iaf_psc_exp), for one time step h. Voltages are in mV relative to the
// resting potential E_L, currents in pA.
//
//	P22  = exp(−h/τ_m)                          membrane decay
//	P11e = exp(−h/τ_syn,ex), P11i = exp(−h/τ_syn,in)
//	P21e, P21i                                  synaptic current → voltage (mV/pA)
//	P20  = τ_m/C_m·(1 − P22)                    constant current → voltage (mV/pA)
//	Theta                                       threshold, V_th − E_L (mV)
//	VReset                                      reset, V_reset − E_L (mV)
//	RefSteps                                    refractory period in steps (≥ 0)
//
// The owner of the neuron model computes them once (in its prepare step).
type LIFProp struct {
	P22, P11e, P11i, P21e, P21i, P20, Theta, VReset float32
	RefSteps                                        int32
}

// LIFStep advances every neuron j by one step, in NEST iaf_psc_exp order:
//
//	if refr[j] == 0 { v[j] = ((P22·v + P21e·ie) + P21i·ii) + P20·dc[j] }  (four products, three sums, none fused)
//	else            { refr[j]-- }
//	ie[j] = P11e·ie[j] + inE[j];  ii[j] = P11i·ii[j] + inI[j]           (unfused)
//	inE[j] = inI[j] = 0                                                 (the ring-buffer slot is cleared on read)
//	if v[j] >= Theta { v[j] = VReset; refr[j] = RefSteps; spikes[n] = j; n++ }
//
// It returns n, the number of neurons that spiked, whose indices are in
// ascending order in spikes[:n]. dc may be nil (no constant drive, the P20 term
// is dropped). inE and inI may be nil (no input slot this step): a nil slot is
// read as zeros, bit for bit (the decay still adds +0, so ie[j] = P11e·ie[j] + 0,
// which turns a −0 current into +0 exactly as a slot of zeros would), and is
// neither read nor cleared, which saves its memory traffic. v, ie, ii, refr
// and the non-nil inE, inI are written; spikes must have room for every neuron
// (len(spikes) ≥ len(v)). It panics if the lengths differ.
func LIFStep(p *LIFProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	n := len(v)
	if len(ie) != n || len(ii) != n || (inE != nil && len(inE) != n) || (inI != nil && len(inI) != n) ||
		len(refr) != n || (dc != nil && len(dc) != n) {
		panic(errLength)
	}
	if len(spikes) < n {
		panic("asm: spikes has fewer elements than neurons")
	}
	return lifStep(p, v, ie, ii, inE, inI, dc, refr, spikes)
}
