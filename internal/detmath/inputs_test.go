package detmath

import (
	"math"
	"math/rand/v2"
)

// The input generators below use integer arithmetic and explicitly rounded
// products only, so that they produce the same inputs on every
// architecture: the golden checksums hash these inputs too.

// newRand returns the PCG stream seeded with seed: the same on every
// architecture.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// uniform returns a float64 in [lo, hi): lo + (hi−lo)·u, u = n·2⁻⁵³.
func uniform(r *rand.Rand, lo, hi float64) float64 {
	u := float64(r.Uint64()>>11) * 0x1p-53
	return lo + float64((hi-lo)*u)
}

// logUniform returns a float64 with random sign (when signed), exponent
// uniform in [minExp, maxExp] (as math.Frexp's, minus one: [2^e, 2^(e+1)))
// and random mantissa; −1074 ≤ minExp ≤ maxExp ≤ 1023. Exponents below
// −1022 give subnormals.
func logUniform(r *rand.Rand, minExp, maxExp int, signed bool) float64 {
	e := minExp + r.IntN(maxExp-minExp+1)
	mant := r.Uint64() & (1<<52 - 1)
	var b uint64
	if e >= -1022 {
		b = uint64(e+1023)<<52 | mant
	} else {
		b = mant>>uint(-1022-e) | 1<<52>>uint(-1022-e) // subnormal 2^e·(1+m)
	}
	if signed && r.Uint64()&1 != 0 {
		b |= 1 << 63
	}
	return math.Float64frombits(b)
}

// nearby returns x moved by up to ±span ulps (integer steps on its bits;
// x finite and nonzero, the move keeps its sign).
func nearby(r *rand.Rand, x float64, span int) float64 {
	d := r.IntN(2*span+1) - span
	b := int64(math.Float64bits(x)) + int64(d)
	return math.Float64frombits(uint64(b))
}

// anyBits returns an arbitrary bit pattern: any float64, NaNs included.
func anyBits(r *rand.Rand) float64 { return math.Float64frombits(r.Uint64()) }

// ulpSteps returns the n float64 values on each side of x, and x.
func ulpSteps(x float64, n int) []float64 {
	out := []float64{x}
	up, down := x, x
	for range n {
		up = math.Nextafter(up, math.Inf(1))
		down = math.Nextafter(down, math.Inf(-1))
		out = append(out, up, down)
	}
	return out
}

// negZero is −0.
var negZero = math.Copysign(0, -1)

// commonSpecials are special values for every function.
var commonSpecials = []float64{
	0, negZero, math.Inf(1), math.Inf(-1), math.NaN(),
	math.Float64frombits(0x7ff0000000000001), // signalling-pattern NaN
	math.Float64frombits(0xfff8000000000000), // negative quiet NaN
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	0x1p-1022, -0x1p-1022, 0x1p-1023, -0x1p-1023, // smallest normal, a subnormal
	math.MaxFloat64, -math.MaxFloat64,
	1, -1, 0.5, -0.5, 2, -2, 1e-300, -1e-300, 1e300, -1e300,
}

// cosSpecials are Cos's special values and branch boundaries: both
// reductions' limit, octant boundaries (multiples of π/4), zeros of cos,
// and multiples of π/4 as floats, where the reduction cancels most.
func cosSpecials() []float64 {
	xs := append([]float64{}, commonSpecials...)
	xs = append(xs, ulpSteps(cephesTrigLimit, 4)...)
	xs = append(xs, ulpSteps(0x1p19, 2)...)
	xs = append(xs, ulpSteps(0x1p30, 2)...)
	xs = append(xs, ulpSteps(0x1p52, 2)...)
	xs = append(xs, ulpSteps(0x1p63, 2)...)
	xs = append(xs, ulpSteps(0x1p64, 2)...)
	xs = append(xs, ulpSteps(0x1p1023, 2)...)
	xs = append(xs, ulpSteps(math.Pi/4, 3)...)
	for k := 1; k <= 64; k++ {
		// k·π/4 rounded: where x·4/π falls just either side of an integer.
		x := float64(float64(k) * (math.Pi / 4))
		xs = append(xs, ulpSteps(x, 2)...)
		xs = append(xs, -x)
	}
	for _, x := range []float64{
		// Close to multiples of π/2 (the classic hard cases for reduction).
		6381956970095103 * 0x1p797, 5161756703205137 * 0x1p-1020, 1e22, 1e15, 1e10,
		1e9, 1.0737418e9, 3.141592653589793e8, 8.881784197001252e-16,
		355, 103993, 104348, 208341, 312689, 833719, 1146408, 4272943, 5419351,
		6134899525417045 * 0x1p-52 * 0x1p28, // 1.36·2²⁸
	} {
		xs = append(xs, ulpSteps(x, 1)...)
	}
	return xs
}

// cosInputs returns n inputs for Cos drawn from seed, with the specials
// first.
func cosInputs(seed uint64, n int) []float64 {
	r := newRand(seed)
	xs := cosSpecials()
	for len(xs) < n {
		var x float64
		switch c := r.IntN(20); {
		case c < 6: // one period either side
			x = uniform(r, -2*math.Pi, 2*math.Pi)
		case c < 9: // up to 2^20, uniform
			x = uniform(r, -0x1p20, 0x1p20)
		case c < 13: // all magnitudes of the small-argument path
			x = logUniform(r, -1074, 28, true)
		case c < 15: // next to k·π/4 (k·π/4 rounded, moved a few ulps)
			k := 1 + r.IntN(1<<20)
			x = nearby(r, float64(float64(k)*(math.Pi/4)), 8)
		case c < 18: // the Payne–Hanek path
			x = logUniform(r, 29, 1023, true)
		default:
			x = anyBits(r)
		}
		xs = append(xs, x)
	}
	return xs
}

// expm1Specials are Expm1's special values and branch boundaries.
func expm1Specials() []float64 {
	xs := append([]float64{}, commonSpecials...)
	for _, x := range []float64{
		expm1Overflow, expm1Ln2x56, -expm1Ln2x56, expm1Ln2x1_5, -expm1Ln2x1_5,
		expm1Ln2x0_5, -expm1Ln2x0_5, expm1Tiny, -expm1Tiny, 0.25, -0.25,
		709.78, 709.7827128933840, -745.1332191019412, -745.1332191019411,
		ln2Hi, -ln2Hi, math.Ln2, -math.Ln2, 1e-10, -1e-10, 0x1p-53, -0x1p-53,
	} {
		xs = append(xs, ulpSteps(x, 3)...)
	}
	// Where k = round(x/ln 2) changes, and where the rebuild switches
	// form (k = −2, −1, 1, 2, 19, 20, 56, 57, 1023, 1024).
	for _, k := range []int{-57, -56, -55, -20, -3, -2, -1, 1, 2, 3, 19, 20, 21, 55, 56, 57, 58, 500, 1022, 1023, 1024} {
		for _, h := range []float64{-0.5, 0, 0.5} {
			x := float64((float64(k) + h) * math.Ln2)
			xs = append(xs, ulpSteps(x, 2)...)
		}
	}
	return xs
}

// expm1Inputs returns n inputs for Expm1 drawn from seed, with the
// specials first.
func expm1Inputs(seed uint64, n int) []float64 {
	r := newRand(seed)
	xs := expm1Specials()
	for len(xs) < n {
		var x float64
		switch c := r.IntN(20); {
		case c < 5: // around zero, k ∈ {−1, 0, 1}
			x = uniform(r, -1.1, 1.1)
		case c < 10: // the whole finite range
			x = uniform(r, -40, 710)
		case c < 15: // every magnitude
			x = logUniform(r, -1074, 9, true)
		case c < 18: // next to (k + ½)·ln 2, where k changes
			k := r.IntN(1100) - 60
			x = nearby(r, float64((float64(k)+0.5)*math.Ln2), 4)
		default:
			x = anyBits(r)
		}
		xs = append(xs, x)
	}
	return xs
}

// log1pSpecials are Log1p's special values and branch boundaries.
func log1pSpecials() []float64 {
	xs := append([]float64{}, commonSpecials...)
	for _, x := range []float64{
		log1pSqrt2M1, log1pSqrt2HalfM1, log1pSmall, -log1pSmall, log1pTiny, -log1pTiny,
		log1pTwo53, -1, math.Sqrt2 - 1, math.Sqrt2/2 - 1, 1e-20, -1e-20, 0x1p-30,
		-0.9999999999999999, 1e16, 3, 7, 15, 0x1p52, 0x1p54,
	} {
		xs = append(xs, ulpSteps(x, 3)...)
	}
	// 1 + x a power of two, and 1 + x with a mantissa next to √2's.
	for e := -60; e <= 80; e++ {
		p := math.Ldexp(1, e)
		xs = append(xs, ulpSteps(p-1, 2)...)
		s := math.Float64frombits(uint64(e+1023)<<52 | log1pSqrt2Mant)
		xs = append(xs, ulpSteps(s-1, 2)...)
	}
	return xs
}

// log1pInputs returns n inputs for Log1p drawn from seed, with the specials
// first.
func log1pInputs(seed uint64, n int) []float64 {
	r := newRand(seed)
	xs := log1pSpecials()
	for len(xs) < n {
		var x float64
		switch c := r.IntN(20); {
		case c < 5: // the domain near zero
			x = uniform(r, -1, 1)
		case c < 9: // every magnitude, both signs (x < −1 gives NaN)
			x = logUniform(r, -1074, 1023, true)
		case c < 11: // next to −1: x = −1 + 2^e·(1+m)
			x = -1 + logUniform(r, -53, -1, false)
		case c < 13: // 1 + x with a mantissa of only low bits (the top
			// 20 mantissa bits zero): near a power of two
			e := r.IntN(120) - 50
			b := uint64(e+1023)<<52 | r.Uint64()>>(12+20)
			x = math.Float64frombits(b) - 1
		case c < 15: // 1 + x with a mantissa next to √2's
			e := r.IntN(120) - 50
			m := uint64(int64(log1pSqrt2Mant) + r.Int64N(1<<33) - 1<<32)
			x = math.Float64frombits(uint64(e+1023)<<52|m) - 1
		case c < 18: // around 0.41, −0.29: the k = 0 interval's ends
			x = uniform(r, -0.32, 0.45)
		default:
			x = anyBits(r)
		}
		xs = append(xs, x)
	}
	return xs
}

// randSource is the generators' random stream.
type randSource = rand.Rand

// atanSpecials are Atan's special values and branch boundaries: the ends
// of the reductions (0.66 and tan(3π/8)), 1, and magnitudes where 1/x or
// x² under- or overflow.
func atanSpecials() []float64 {
	xs := append([]float64{}, commonSpecials...)
	for _, x := range []float64{0.66, atanTan3Pi8, 1, 0x1p-27, 0x1p-500, 0x1p27, 0x1p511, 0x1p600, 0x1p1022, 3, 10, 100} {
		xs = append(xs, ulpSteps(x, 3)...)
		xs = append(xs, ulpSteps(-x, 3)...)
	}
	return xs
}

// atanInputs returns n inputs for Atan drawn from seed, with the specials
// first.
func atanInputs(seed uint64, n int) []float64 {
	r := newRand(seed)
	xs := atanSpecials()
	for len(xs) < n {
		var x float64
		switch c := r.IntN(20); {
		case c < 6: // the kernel's interval and the first reduction's
			x = uniform(r, -3, 3)
		case c < 9: // beyond tan(3π/8)
			x = uniform(r, -200, 200)
		case c < 16: // every magnitude
			x = logUniform(r, -1074, 1023, true)
		case c < 18: // next to the branch points
			x = nearby(r, []float64{0.66, atanTan3Pi8, -0.66, -atanTan3Pi8}[r.IntN(4)], 64)
		default:
			x = anyBits(r)
		}
		xs = append(xs, x)
	}
	return xs
}

// tanhSpecials are Tanh's special values and branch boundaries (0.625,
// where the rational approximation hands over to Exp, and ½·ln 2¹²⁷,
// beyond which the result is ±1).
func tanhSpecials() []float64 {
	xs := append([]float64{}, commonSpecials...)
	for _, x := range []float64{0.625, tanhBig, 0x1p-27, 0x1p-500, 0.5, 3, 10, 19.0, 22} {
		xs = append(xs, ulpSteps(x, 3)...)
		xs = append(xs, ulpSteps(-x, 3)...)
	}
	return xs
}

// tanhInputs returns n inputs for Tanh drawn from seed, with the specials
// first.
func tanhInputs(seed uint64, n int) []float64 {
	r := newRand(seed)
	xs := tanhSpecials()
	for len(xs) < n {
		var x float64
		switch c := r.IntN(20); {
		case c < 6: // the rational approximation's interval
			x = uniform(r, -0.625, 0.625)
		case c < 12: // Exp's side, up to where tanh rounds to ±1
			x = uniform(r, -20, 20)
		case c < 18: // every magnitude
			x = logUniform(r, -1074, 1023, true)
		default:
			x = anyBits(r)
		}
		xs = append(xs, x)
	}
	return xs
}
