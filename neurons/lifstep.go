package neurons

// LIFStep advances every neuron j of a LIFExp population by one step, in NEST
// iaf_psc_exp order, and returns the number of neurons that spiked; their
// indices (relative to the slices) are in ascending order in spikes[:n]:
//
//	if refr[j] == 0 { v[j] = ((P22·v + P21e·ie) + P21i·ii) + P20·dc[j] }  (no product fused)
//	else            { refr[j]-- }
//	ie[j] = P11e·ie[j] + inE[j];  ii[j] = P11i·ii[j] + inI[j];  inE[j] = inI[j] = 0
//	if v[j] >= Theta { v[j] = VReset; refr[j] = RefSteps; spike }
//
// dc may be nil. It has the contract of asm.LIFStep (the SIMD kernel that
// will replace this loop gives bit-identical results).
func LIFStep(p *LIFExpProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	n := len(v)
	if len(ie) != n || len(ii) != n || len(inE) != n || len(inI) != n || len(refr) != n ||
		(dc != nil && len(dc) != n) || len(spikes) < n {
		panic("neurons: slice lengths do not match")
	}
	ns := 0
	if dc == nil {
		for j := range n {
			vj := v[j]
			if refr[j] == 0 {
				vj = float32(p.P22*vj) + float32(p.P21e*ie[j])
				vj += float32(p.P21i * ii[j])
			} else {
				refr[j]--
			}
			ie[j] = float32(p.P11e*ie[j]) + inE[j]
			ii[j] = float32(p.P11i*ii[j]) + inI[j]
			inE[j], inI[j] = 0, 0
			if vj >= p.Theta {
				vj = p.VReset
				refr[j] = p.RefSteps
				spikes[ns] = int32(j)
				ns++
			}
			v[j] = vj
		}
		return ns
	}
	for j := range n {
		vj := v[j]
		if refr[j] == 0 {
			vj = float32(p.P22*vj) + float32(p.P21e*ie[j])
			vj += float32(p.P21i * ii[j])
			vj += float32(p.P20 * dc[j])
		} else {
			refr[j]--
		}
		ie[j] = float32(p.P11e*ie[j]) + inE[j]
		ii[j] = float32(p.P11i*ii[j]) + inI[j]
		inE[j], inI[j] = 0, 0
		if vj >= p.Theta {
			vj = p.VReset
			refr[j] = p.RefSteps
			spikes[ns] = int32(j)
			ns++
		}
		v[j] = vj
	}
	return ns
}
