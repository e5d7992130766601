package asm

// lifCondStepGeneric is the reference of LIFCondStep.
func lifCondStepGeneric(c *LIFCondConst, v, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	ns := 0
	for j := range v {
		vj := v[j]
		gej, gij := float64(ge[j]), float64(gi[j])
		if refr[j] == 0 {
			cur := c.Bias
			if dc != nil {
				cur = float64(dc[j])
			}
			ae, ai := float64(gej*c.Me), float64(gij*c.Mi)
			g := c.GL + ae + ai
			vinf := (float64(ae*c.EEx) + float64(ai*c.EIn) + cur) / g
			vj = float32(vinf + float64(float64(float64(vj)-vinf)*ExpNeg(float64(c.HOverC*g))))
		} else {
			refr[j]--
		}
		ge[j] = float32(float64(gej*c.Pe)) + inE[j]
		gi[j] = float32(float64(gij*c.Pi)) + inI[j]
		inE[j], inI[j] = 0, 0
		if vj >= c.Theta {
			vj = c.VReset
			refr[j] = c.RefSteps
			spikes[ns] = int32(j)
			ns++
		}
		v[j] = vj
	}
	return ns
}
