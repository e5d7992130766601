package asm

// hhStepGeneric is the reference of HHStep.
func hhStepGeneric(c *HHConst, v, m, h, n, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	ns := 0
	for j := range v {
		vj, mj, hj, nj := float64(v[j]), float64(m[j]), float64(h[j]), float64(n[j])
		gej, gij := float64(ge[j]), float64(gi[j])
		cur := c.Bias
		if dc != nil {
			cur = float64(dc[j])
		}
		am, bm, ah, bh, an, bn := HHRates(vj + c.UOff)
		m[j] = float32(hhGate(mj, am, bm, c.H))
		h[j] = float32(hhGate(hj, ah, bh, c.H))
		n[j] = float32(hhGate(nj, an, bn, c.H))
		gna := float64(c.GNa * float64(float64(float64(mj*mj)*mj)*hj))
		gk := float64(c.GK * float64(float64(nj*nj)*float64(nj*nj)))
		ae, ai := float64(gej*c.Me), float64(gij*c.Mi)
		g := c.GL + ae + ai + gna + gk
		vinf := (float64(ae*c.EEx) + float64(ai*c.EIn) + float64(gna*c.ENa) + float64(gk*c.EK) + cur) / g
		vn := float32(vinf + float64(float64(vj-vinf)*ExpTab(-float64(c.HOverC*g))))
		v[j] = vn
		ge[j] = float32(float64(gej*c.Pe)) + inE[j]
		gi[j] = float32(float64(gij*c.Pi)) + inI[j]
		inE[j], inI[j] = 0, 0
		if refr[j] > 0 {
			refr[j]--
		} else if vn >= c.VSpike {
			refr[j] = c.RefSteps
			spikes[ns] = int32(j)
			ns++
		}
	}
	return ns
}

// hhGate returns gate x after a step of h ms with rates a and b (1/ms):
// x_∞ + (x − x_∞)·ExpNeg((a + b)·h), x_∞ = a/(a + b).
func hhGate(x, a, b, h float64) float64 {
	s := a + b
	xinf := a / s
	return xinf + float64(float64(x-xinf)*ExpNeg(float64(s*h)))
}
