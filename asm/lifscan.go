package asm

// LIFScanCoef holds the per-step coefficients of the discrete LIF layer that
// LIFScan and LIFScanBackward advance (snn.Dense): current decay Alpha =
// exp(−dt/τ_syn) (0 without a synaptic filter), membrane decay Beta =
// exp(−dt/τ_mem), input gain CIn = (1 − Beta)·R, leak, reset and threshold
// potentials VLeak, VReset and Theta (mV, or the model's units).
type LIFScanCoef[T Float] struct {
	Alpha, Beta, CIn, VLeak, VReset, Theta T
}

// LIFScan advances every neuron k of one sample by one step, binary spikes
// and hard reset, with no product fused:
//
//	I = Alpha·cur[k] + (u[k] + bias[k]);  cur[k] = I
//	x = (VLeak + Beta·(v[k] − VLeak)) + CIn·I;  u[k] = x       (pre-reset potential)
//	z = 1 if x > Theta else 0 (0 for NaN);  s[k] = z
//	v[k] = x − z·(x − VReset)
//
// u holds the input currents W·x_t on entry and the pre-reset potentials on
// return; s, v and cur are written. It panics if the lengths differ.
func LIFScan[T Float](c *LIFScanCoef[T], u, s, v, cur, bias []T) {
	n := len(u)
	if len(s) != n || len(v) != n || len(cur) != n || len(bias) != n {
		panic(errLength)
	}
	if is32[T]() {
		lifScan32(f32(u), f32(s), f32(v), f32(cur), f32(bias), float32(c.Alpha), float32(c.Beta), float32(c.CIn), float32(c.VLeak), float32(c.VReset), float32(c.Theta))
		return
	}
	lifScan64(f64(u), f64(s), f64(v), f64(cur), f64(bias), float64(c.Alpha), float64(c.Beta), float64(c.CIn), float64(c.VLeak), float64(c.VReset), float64(c.Theta))
}

// LIFScanBackward is one step of LIFScan's backward pass (taken in reverse
// time order), the gradient flowing through the reset, with no product
// fused:
//
//	du = dv[k]·(1 − s[k]) + (ds[k] + dv[k]·(VReset − u[k]))·g[k]
//	dv[k] = Beta·du;  e = di[k] + CIn·du;  u[k] = e;  di[k] = Alpha·e
//
// On entry u holds the step's pre-reset potentials, s its spikes, ds the
// loss gradient with respect to them, g the surrogate derivative at u − Theta,
// and dv, di the gradients with respect to the next step's potential and
// current; on return u holds dL/dI of the step and dv, di are carried back.
// It panics if the lengths differ.
func LIFScanBackward[T Float](c *LIFScanCoef[T], u, s, ds, g, dv, di []T) {
	n := len(u)
	if len(s) != n || len(ds) != n || len(g) != n || len(dv) != n || len(di) != n {
		panic(errLength)
	}
	if is32[T]() {
		lifScanBackward32(f32(u), f32(s), f32(ds), f32(g), f32(dv), f32(di), float32(c.Alpha), float32(c.Beta), float32(c.CIn), float32(c.VReset))
		return
	}
	lifScanBackward64(f64(u), f64(s), f64(ds), f64(g), f64(dv), f64(di), float64(c.Alpha), float64(c.Beta), float64(c.CIn), float64(c.VReset))
}

// SpikeDeriv writes the rational surrogate spike derivative of every
// potential u[k] into dst[k], with no product fused:
//
//	d = Alpha·|u[k] − Theta| + 1;  dst[k] = Scale/(d·d)
//
// SuperSpike is Scale 1, the fast sigmoid Scale Alpha/2 (learn.Surrogate).
// It panics if the lengths differ.
func SpikeDeriv[T Float](dst, u []T, theta, alpha, scale T) {
	if len(dst) != len(u) {
		panic(errLength)
	}
	if is32[T]() {
		spikeDeriv32(f32(dst), f32(u), float32(theta), float32(alpha), float32(scale))
		return
	}
	spikeDeriv64(f64(dst), f64(u), float64(theta), float64(alpha), float64(scale))
}
