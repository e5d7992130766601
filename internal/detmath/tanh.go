package detmath

import "math"

// Coefficients of the rational approximation of tanh on |x| < 0.625
// (Cephes' tanh, which Go's pure-Go math.Tanh also uses): tanh x = x +
// x·s·P(s)/Q(s) with s = x², P of degree 2, Q monic of degree 3.
const (
	tanhP0 = -9.64399179425052238628e-1
	tanhP1 = -9.92877231001918586564e1
	tanhP2 = -1.61468768441708447952e3
	tanhQ0 = 1.12811678491632931402e2
	tanhQ1 = 2.23548839060100448583e3
	tanhQ2 = 4.84406305325125486048e3

	// tanhBig is ½·ln(2¹²⁷): beyond it tanh x rounds to ±1.
	tanhBig = 0.5 * 8.8029691931113054295988e+01
)

// Tanh returns the hyperbolic tangent of x, with the same bits on every
// architecture.
//
// The algorithm is Cephes' (that of Go's pure-Go math.Tanh): for |x| <
// 0.625 a rational approximation, tanh x = x + x·s·P(s)/Q(s) with s = x²,
// bit for bit as math.Tanh computes it on amd64; for larger |x|, tanh|x| =
// 1 − 2/(e^{2|x|} + 1) with e^{2|x|} from Exp, which differs from
// math.Exp's amd64 assembly in the last bit for some inputs, so there Tanh
// and math.Tanh may differ by an ulp. The error is below 2 ulp (at most
// 0.90 ulp measured against math/big references by TestAccuracy).
//
// Special cases are:
//
//	Tanh(±0) = ±0
//	Tanh(±Inf) = ±1
//	Tanh(NaN) = NaN (the argument, quieted)
func Tanh(x float64) float64 {
	z := math.Abs(x)
	switch {
	case x != x:
		return quiet(x)
	case z > tanhBig:
		return math.Copysign(1, x)
	case z >= 0.625:
		z = 1 - 2/(Exp(2*z)+1)
		return math.Copysign(z, x)
	case x == 0:
		return x
	}
	s := float64(x * x)
	p := float64(float64(float64(tanhP0*s)+tanhP1)*s) + tanhP2
	q := float64(float64(float64(float64(s+tanhQ0)*s)+tanhQ1)*s) + tanhQ2
	return x + float64(float64(x*s)*p)/q
}

// quiet returns the NaN x with its quiet bit set, as arithmetic on x would
// return it on amd64 and arm64 (sign and payload kept).
func quiet(x float64) float64 { return math.Float64frombits(math.Float64bits(x) | 1<<51) }
