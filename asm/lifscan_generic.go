package asm

import "math"

// lifScanGeneric is the reference of LIFScan. Every product is converted
// explicitly so that no compiler fuses it with the following sum.
func lifScanGeneric[T Float](u, s, v, cur, bias []T, alpha, beta, cin, vleak, vreset, theta T) {
	n := len(u)
	s, v, cur, bias = s[:n], v[:n], cur[:n], bias[:n]
	for k, in := range u {
		i := T(alpha*cur[k]) + (in + bias[k])
		cur[k] = i
		x := vleak + T(beta*(v[k]-vleak)) + T(cin*i)
		u[k] = x
		var zi int32 // an integer select compiles without a branch
		if x > theta {
			zi = 1
		}
		z := T(zi)
		s[k] = z
		v[k] = x - T(z*(x-vreset))
	}
}

// lifScanBackwardGeneric is the reference of LIFScanBackward.
func lifScanBackwardGeneric[T Float](u, s, ds, g, dv, di []T, alpha, beta, cin, vreset T) {
	n := len(u)
	s, ds, g, dv, di = s[:n], ds[:n], g[:n], dv[:n], di[:n]
	for k, uk := range u {
		d := dv[k]
		du := T(d*(1-s[k])) + T(T(ds[k]+T(d*(vreset-uk)))*g[k])
		dv[k] = T(beta * du)
		e := di[k] + T(cin*du)
		u[k] = e
		di[k] = T(alpha * e)
	}
}

// spikeDerivGeneric is the reference of SpikeDeriv.
func spikeDerivGeneric[T Float](dst, u []T, theta, alpha, scale T) {
	dst = dst[:len(u)]
	for k, x := range u {
		d := T(alpha*T(math.Abs(float64(x-theta)))) + 1
		dst[k] = scale / T(d*d)
	}
}
