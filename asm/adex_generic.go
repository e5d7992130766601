package asm

// adexRK4Generic is the reference of AdExRK4. Like the AVX2 kernel it
// computes a chunk of adexChunk neurons stage by stage, keeping the stages'
// state in su and sw: each stage's neurons are independent, so the
// processor overlaps them (one neuron's four stages are a dependent chain).
// Every neuron goes through the same operations as alone.
func adexRK4Generic(c *AdExConst, v, w, ge, gi, dc []float32, su, sw []float64) {
	var au, aw [adexChunk]float64 // k1 + 2k2 + 2k3 + k4 so far
	for lo := 0; lo < len(su); lo += adexChunk {
		hi := min(len(su), lo+adexChunk)
		// stage 1 at the start
		for j := lo; j < hi; j++ {
			u0, w0 := float64(v[j]), float64(w[j])
			ku, kw := c.Deriv(u0, w0, float64(ge[j]), float64(gi[j]), adexCur(c, dc, j))
			au[j-lo], aw[j-lo] = ku, kw
			su[j], sw[j] = u0+float64(c.H2*ku), w0+float64(c.H2*kw)
		}
		// stages 2 and 3 at the middle
		for _, hk := range [2]float64{c.H2, c.H} {
			for j := lo; j < hi; j++ {
				ku, kw := c.Deriv(su[j], sw[j], float64(float64(ge[j])*c.PeHalf), float64(float64(gi[j])*c.PiHalf), adexCur(c, dc, j))
				au[j-lo], aw[j-lo] = au[j-lo]+float64(2*ku), aw[j-lo]+float64(2*kw)
				su[j], sw[j] = float64(v[j])+float64(hk*ku), float64(w[j])+float64(hk*kw)
			}
		}
		// stage 4 at the end
		for j := lo; j < hi; j++ {
			ku, kw := c.Deriv(su[j], sw[j], float64(float64(ge[j])*c.Pe), float64(float64(gi[j])*c.Pi), adexCur(c, dc, j))
			su[j] = float64(v[j]) + float64(c.H6*(au[j-lo]+ku))
			sw[j] = float64(w[j]) + float64(c.H6*(aw[j-lo]+kw))
		}
	}
}

// adexChunk is the number of neurons AdExRK4 computes stage by stage.
const adexChunk = 32

// adexCur returns neuron j's input current: dc[j], or Bias when dc is nil.
func adexCur(c *AdExConst, dc []float32, j int) float64 {
	if dc != nil {
		return float64(dc[j])
	}
	return c.Bias
}
