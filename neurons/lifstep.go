package neurons

import "github.com/neurodyn/neurodyn/asm"

// LIFStep advances every neuron j of a LIFExp population by one step, in NEST
// iaf_psc_exp order, and returns the number of neurons that spiked; their
// indices (relative to the slices) are in ascending order in spikes[:n]:
//
//	if refr[j] == 0 { v[j] = ((P22·v + P21e·ie) + P21i·ii) + P20·dc[j] }  (no product fused)
//	else            { refr[j]-- }
//	ie[j] = P11e·ie[j] + inE[j];  ii[j] = P11i·ii[j] + inI[j];  inE[j] = inI[j] = 0
//	if v[j] >= Theta { v[j] = VReset; refr[j] = RefSteps; spike }
//
// dc may be nil. It is asm.LIFStep (SIMD where available, bit-identical to its
// pure-Go reference on every path).
func LIFStep(p *LIFExpProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	return asm.LIFStep(p, v, ie, ii, inE, inI, dc, refr, spikes)
}
