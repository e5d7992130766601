package asm

// lifStepGeneric is the reference of LIFStep. Every product is converted
// explicitly so that no compiler fuses it with the following sum. A nil inE
// or inI is read as a slot of zeros (lifZeroBlock at a time), which is what
// it means: the body of the loop is the same either way.
func lifStepGeneric(p *LIFProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	if inE != nil && inI != nil {
		return lifRange(p, v, ie, ii, inE, inI, dc, refr, spikes)
	}
	var zeros [2][lifZeroBlock]float32 // stays zero: lifRange clears what it reads
	ns := 0
	for lo := 0; lo < len(v); lo += lifZeroBlock {
		hi := min(len(v), lo+lifZeroBlock)
		e, i := zeros[0][:hi-lo], zeros[1][:hi-lo]
		if inE != nil {
			e = inE[lo:hi]
		}
		if inI != nil {
			i = inI[lo:hi]
		}
		var d []float32
		if dc != nil {
			d = dc[lo:hi]
		}
		ns += shiftSpikes(spikes[ns:], lifRange(p, v[lo:hi], ie[lo:hi], ii[lo:hi], e, i, d, refr[lo:hi], spikes[ns:]), lo)
	}
	return ns
}

// lifZeroBlock is the number of neurons lifStepGeneric updates at a time
// when an input slot is nil.
const lifZeroBlock = 256

// lifRange is the loop of lifStepGeneric over the neurons in v (all slices
// non-nil except dc). It returns the number of neurons that spiked, whose
// indices in v are in spikes.
func lifRange(p *LIFProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
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

// shiftSpikes adds off to the k neuron indices at the start of spikes (a
// spike list of a range starting at neuron off) and returns k.
func shiftSpikes(spikes []int32, k, off int) int {
	for j := range spikes[:k] {
		spikes[j] += int32(off)
	}
	return k
}
