package detlinalg

import "math"

// dot returns Σ x[i]·y[i] (len(x) terms) as four interleaved partial sums,
// s_r over the indices i ≡ r (mod 4), combined as (s₀+s₁)+(s₂+s₃); every
// product is rounded before it is added.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i] * y[i])
		s1 += float64(x[i+1] * y[i+1])
		s2 += float64(x[i+2] * y[i+2])
		s3 += float64(x[i+3] * y[i+3])
	}
	switch len(x) - i {
	case 3:
		s2 += float64(x[i+2] * y[i+2])
		fallthrough
	case 2:
		s1 += float64(x[i+1] * y[i+1])
		fallthrough
	case 1:
		s0 += float64(x[i] * y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy sets y[i] -= a·x[i] for i < len(x), the product rounded.
func axmy(a float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] -= float64(a * v)
	}
}

// norm returns the Euclidean norm of x: the square root of dot(x, x),
// scaled by the largest magnitude first so that neither overflow nor
// underflow can occur for finite x.
func norm(x []float64) float64 {
	amax := 0.0
	for _, v := range x {
		amax = max(amax, math.Abs(v))
	}
	if amax == 0 || math.IsInf(amax, 0) || math.IsNaN(amax) {
		return amax
	}
	if amax > 0x1p-500 && amax < 0x1p500 {
		return math.Sqrt(dot(x, x))
	}
	s, ss := 1/amax, 0.0
	for i := 0; i < len(x); i++ {
		v := float64(x[i] * s)
		ss += float64(v * v)
	}
	return float64(amax * math.Sqrt(ss))
}

// hypot returns √(a² + b²) without overflow: p·√(1 + (q/p)²) with p the
// larger magnitude (math.Hypot is assembly on amd64 and fuses on arm64).
func hypot(a, b float64) float64 {
	a, b = math.Abs(a), math.Abs(b)
	p, q := max(a, b), min(a, b)
	if p == 0 || math.IsInf(p, 0) {
		return p
	}
	q /= p
	return float64(p * math.Sqrt(1+float64(q*q)))
}

// reflector computes the Householder reflector H = I − τ·v·vᵀ with
// H·x = (β, 0, …, 0), v₀ = 1 (LAPACK's dlarfg): on return x[0] = β and
// x[1:] = v[1:]. β = −sign(x₀)·‖x‖ (sign(0) = +); τ = 0 (H = I, β = x₀)
// when x[1:] is zero.
func reflector(x []float64) (tau float64) {
	alpha := x[0]
	xn := norm(x[1:])
	if xn == 0 {
		return 0
	}
	beta := hypot(alpha, xn)
	if alpha >= 0 {
		beta = -beta
	}
	tau = (beta - alpha) / beta
	s := 1 / (alpha - beta)
	for i := 1; i < len(x); i++ {
		x[i] *= s
	}
	x[0] = beta
	return tau
}

// applyReflector sets c ← (I − τ·v·vᵀ)·c for the reflector stored as
// reflector leaves it (v₀ = 1 implied, v[1:] in v[1:]); len(c) = len(v).
func applyReflector(tau float64, v, c []float64) {
	if tau == 0 {
		return
	}
	w := c[0] + dot(v[1:], c[1:])
	tw := float64(tau * w)
	c[0] -= tw
	axmy(tw, v[1:], c[1:])
}
