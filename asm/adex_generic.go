package asm

// adexRK4Generic is the reference of AdExRK4.
func adexRK4Generic(c *AdExConst, v, w, ge, gi, dc []float32, su, sw []float64) {
	for j := range su {
		u0, w0 := float64(v[j]), float64(w[j])
		ge0, gi0 := float64(ge[j]), float64(gi[j])
		cur := c.Bias
		if dc != nil {
			cur = float64(dc[j])
		}
		// stage 1 at the start; au, aw accumulate k1 + 2k2 + 2k3 + k4
		ku, kw := c.Deriv(u0, w0, ge0, gi0, cur)
		au, aw := ku, kw
		s, t := u0+float64(c.H2*ku), w0+float64(c.H2*kw)
		// stages 2 and 3 at the middle
		geH, giH := float64(ge0*c.PeHalf), float64(gi0*c.PiHalf)
		ku, kw = c.Deriv(s, t, geH, giH, cur)
		au, aw = au+float64(2*ku), aw+float64(2*kw)
		s, t = u0+float64(c.H2*ku), w0+float64(c.H2*kw)
		ku, kw = c.Deriv(s, t, geH, giH, cur)
		au, aw = au+float64(2*ku), aw+float64(2*kw)
		s, t = u0+float64(c.H*ku), w0+float64(c.H*kw)
		// stage 4 at the end
		ku, kw = c.Deriv(s, t, float64(ge0*c.Pe), float64(gi0*c.Pi), cur)
		su[j] = u0 + float64(c.H6*(au+ku))
		sw[j] = w0 + float64(c.H6*(aw+kw))
	}
}
