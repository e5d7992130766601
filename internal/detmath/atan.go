package detmath

import "math"

// Coefficients of the rational approximation of arctan on [0, 0.66]
// (Cephes' atan, which Go's pure-Go math.Atan also uses): arctan x = x +
// x·z·P(z)/Q(z) with z = x², P of degree 4, Q monic of degree 5.
const (
	atanP0 = -8.750608600031904122785e-01
	atanP1 = -1.615753718733365076637e+01
	atanP2 = -7.500855792314704667340e+01
	atanP3 = -1.228866684490136173410e+02
	atanP4 = -6.485021904942025371773e+01
	atanQ0 = +2.485846490142306297962e+01
	atanQ1 = +1.650270098316988542046e+02
	atanQ2 = +4.328810604912902668951e+02
	atanQ3 = +4.853903996359136964868e+02
	atanQ4 = +1.945506571482613964425e+02

	// atanTan3Pi8 is tan(3π/8) = 1 + √2, where the reduction switches to
	// π/2 − arctan(1/x).
	atanTan3Pi8 = 2.41421356237309504880
	// atanPi2Lo is π/2 − float64(π/2): the part of π/2 (and twice that of
	// π/4) the constant math.Pi/2 leaves out.
	atanPi2Lo = 6.123233995736765886130e-17
)

// atanKernel returns arctan x for 0 ≤ x ≤ 0.66 from the rational
// approximation.
func atanKernel(x float64) float64 {
	z := float64(x * x)
	p := float64(float64(float64(float64(float64(float64(float64(atanP0*z)+atanP1)*z)+atanP2)*z)+atanP3)*z) + atanP4
	q := float64(float64(float64(float64(float64(float64(float64(float64(z+atanQ0)*z)+atanQ1)*z)+atanQ2)*z)+atanQ3)*z) + atanQ4
	return float64(x*float64(float64(z*p)/q)) + x
}

// Atan returns the arctangent of x in radians, in [−π/2, π/2], with the
// same bits on every architecture: bit for bit as Go's pure-Go math.Atan
// computes it on amd64 (Cephes' algorithm: x reduced to [0, 0.66] by
// arctan x = π/4 + arctan((x−1)/(x+1)) for 0.66 < x ≤ tan(3π/8) and by
// arctan x = π/2 − arctan(1/x) beyond, then a rational approximation; the
// low part of π/2 added back). The error is below 2 ulp (at most 0.98 ulp
// measured against math/big references by TestAccuracy).
//
// Special cases are:
//
//	Atan(±0) = ±0
//	Atan(±Inf) = ±π/2
//	Atan(NaN) = NaN (the argument, quieted)
func Atan(x float64) float64 {
	switch {
	case x != x:
		return quiet(x)
	case x == 0:
		return x
	case x > 0:
		return atanReduced(x)
	}
	return -atanReduced(-x)
}

// atanReduced returns arctan x for x > 0 (NaN for NaN).
func atanReduced(x float64) float64 {
	switch {
	case x <= 0.66:
		return atanKernel(x)
	case x > atanTan3Pi8:
		return math.Pi/2 - atanKernel(1/x) + atanPi2Lo
	}
	return math.Pi/4 + atanKernel((x-1)/(x+1)) + 0.5*atanPi2Lo
}
