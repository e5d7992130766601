package asm

// lifStepGeneric is the reference of LIFStep. Every product is converted
// explicitly so that no compiler fuses it with the following sum.
func lifStepGeneric(p *LIFProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	n := len(v)
	ie, ii, inE, inI, refr = ie[:n], ii[:n], inE[:n], inI[:n], refr[:n]
	if dc != nil {
		dc = dc[:n]
	}
	ns := 0
	for j := range n {
		vj := v[j]
		if refr[j] == 0 {
			vj = float32(p.P22*vj) + float32(p.P21e*ie[j])
			vj += float32(p.P21i * ii[j])
			if dc != nil {
				vj += float32(p.P20 * dc[j])
			}
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
