package detmath

import (
	"math"
	"math/bits"
)

// π/4 split in three parts (Cephes' DP1, DP2, DP3): the first two have
// trailing zero bits, so that k·pi4Hi and k·pi4Mid are exact for the k of
// the small-argument reduction, and their sum is π/4 to about 160 bits.
const (
	pi4Hi  = 7.85398125648498535156e-1  // 0x3fe921fb40000000
	pi4Mid = 3.77489470793079817668e-8  // 0x3e64442d00000000
	pi4Lo  = 2.69515142907905952645e-15 // 0x3ce8469898cc5170
)

// cephesTrigLimit is the magnitude from which Cos reduces its argument with
// the 1,280 bits of 4/π (Payne–Hanek) instead of the three-part π/4: beyond
// it k·pi4Hi is no longer exact.
const cephesTrigLimit = 1 << 29

// Coefficients of the sine and cosine polynomials on [−π/4, π/4] (Cephes
// sin.c): sin z ≈ z + z³·S(z²), cos z ≈ 1 − z²/2 + z⁴·C(z²), highest degree
// first.
var (
	sinCoef = [6]float64{
		1.58962301576546568060e-10, // 0x3de5d8fd1fd19ccd
		-2.50507477628578072866e-8, // 0xbe5ae5e5a9291f5d
		2.75573136213857245213e-6,  // 0x3ec71de3567d48a1
		-1.98412698295895385996e-4, // 0xbf2a01a019bfdf03
		8.33333333332211858878e-3,  // 0x3f8111111110f7d0
		-1.66666666666666307295e-1, // 0xbfc5555555555548
	}
	cosCoef = [6]float64{
		-1.13585365213876817300e-11, // 0xbda8fa49a0861a9b
		2.08757008419747316778e-9,   // 0x3e21ee9d7b4e3f05
		-2.75573141792967388112e-7,  // 0xbe927e4f7eac4bc6
		2.48015872888517045348e-5,   // 0x3efa01a019c844f5
		-1.38888888888730564116e-3,  // 0xbf56c16c16c14f91
		4.16666666666665929218e-2,   // 0x3fa555555555554b
	}
)

// fourOverPiBits holds the binary expansion of 4/π, 64 bits a word, most
// significant first: the first word is the integer part (1), the others
// are 1,216 bits of the fraction, truncated. Enough for the largest float64.
var fourOverPiBits = [20]uint64{
	0x0000000000000001, 0x45f306dc9c882a53, 0xf84eafa3ea69bb81, 0xb6c52b3278872083,
	0xfca2c757bd778ac3, 0x6e48dc74849ba5c0, 0x0c925dd413a32439, 0xfc3bd63962534e7d,
	0xd1046bea5d768909, 0xd338e04d68befc82, 0x7323ac7306a673e9, 0x3908bf177bf25076,
	0x3ff12fffbc0b301f, 0xde5e2316b414da3e, 0xda6cfd9e4f96136e, 0x9e8c7ecd3cbfd45a,
	0xea4f758fd7cbe2f6, 0x7a0e73ef14a525d4, 0xd7f6bf623f1aba10, 0xac06608df8f6d757,
}

// Cos returns the cosine of the radian argument x, bit for bit as Go's
// pure-Go math.Cos computes it (the version amd64 runs), on every
// architecture.
//
// The algorithm is Cephes' cos: x is reduced to z = x − k·π/4 with k even,
// |z| ≤ π/4, by the three-part π/4 for |x| < 2²⁹ and by a Payne–Hanek
// reduction with 1,280 bits of 4/π beyond; the octant k selects the sine or
// the cosine polynomial of degree 13 or 14 in z and the sign. The absolute
// error is below 2⁻⁵² ≈ 2.2e-16 for every finite x (measured against
// math/big references: at most 1.85·2⁻⁵³ on 120,000 random x); away from
// the zeros of cos that is within 2 ulps (measured: 1.5), in line with
// Cephes' published peak relative error of 2.2e-16 for |x| ≤ 1.07e9.
// Near a zero of cos, x close to an odd multiple of π/2, only the absolute
// bound holds: the reduction, like math.Cos's, keeps about 53 bits of
// x mod π/4 relative to π/4, not to z.
//
// Special cases are:
//
//	Cos(±0) = 1
//	Cos(±Inf) = NaN
//	Cos(NaN) = NaN
//
// The NaN returned is math.NaN()'s, as math.Cos returns.
func Cos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN()
	}
	x = math.Abs(x) // cos is even

	var k uint64 // octant, reduced mod 8, made even
	var z float64
	if x < cephesTrigLimit {
		// The product is rounded explicitly: some architectures convert
		// to uint64 through a subtraction of 2⁶³ that they would fuse.
		k = uint64(float64(x * (4 / math.Pi)))
		fk := float64(k)
		if k&1 != 0 { // round the octant up to the next even one
			k++
			fk++
		}
		k &= 7
		z = x - float64(fk*pi4Hi)
		z -= float64(fk * pi4Mid)
		z -= float64(fk * pi4Lo)
	} else {
		k, z = reducePi4(x)
	}

	negate := false
	if k > 3 { // cos(z + π) = −cos z
		k -= 4
		negate = true
	}
	if k > 1 { // octant 2: cos(z + π/2) = −sin z
		negate = !negate
	}

	zz := float64(z * z)
	var y float64
	if k == 1 || k == 2 {
		y = z + float64(float64(z*zz)*horner(&sinCoef, zz))
	} else {
		y = 1.0 - float64(0.5*zz)
		y += float64(float64(zz*zz) * horner(&cosCoef, zz))
	}
	if negate {
		y = -y
	}
	return y
}

// horner evaluates the polynomial with coefficients c (highest degree
// first; S or C) at w by Horner's rule, each product rounded.
func horner(c *[6]float64, w float64) float64 {
	p := float64(c[0]*w) + c[1]
	p = float64(p*w) + c[2]
	p = float64(p*w) + c[3]
	p = float64(p*w) + c[4]
	p = float64(p*w) + c[5]
	return p
}

// reducePi4 reduces x ≥ cephesTrigLimit (finite) to x = (8n + k)·π/4 + z with
// k even in [0, 6] and |z| ≤ π/4, by integer arithmetic on the bits of 4/π:
// x = m·2^e with an integer m of 53 bits, and only the 192 bits of 4/π that
// can reach the integer part mod 8 and the first 61 fraction bits of
// m·2^e·4/π are multiplied. The fraction is truncated to 53 bits, not
// rounded, before it is scaled by π/4.
func reducePi4(x float64) (k uint64, z float64) {
	const (
		mantBits = 52
		expBias  = 1023
	)
	b := math.Float64bits(x)
	e := int(b>>mantBits&0x7ff) - expBias - mantBits // x = m·2^e
	m := b&(1<<mantBits-1) | 1<<mantBits

	// Bit i of the expansion (i = 0 is the top bit of the first word) has
	// weight 2^(63−i). Start at bit e+61: the bits before it, times m·2^e,
	// are multiples of 8; the 192 bits from it give a product whose bit 189
	// has weight 1.
	start := uint(e + 61) // x ≥ 2²⁹: e ≥ −23, start ≥ 38
	w, sh := start/64, start%64
	d0 := fourOverPiBits[w]<<sh | fourOverPiBits[w+1]>>(64-sh)
	d1 := fourOverPiBits[w+1]<<sh | fourOverPiBits[w+2]>>(64-sh)
	d2 := fourOverPiBits[w+2]<<sh | fourOverPiBits[w+3]>>(64-sh)

	// Bits 64…191 of m·(d0:d1:d2), the low 64 bits of the d2 product dropped.
	p2hi, _ := bits.Mul64(d2, m)
	p1hi, p1lo := bits.Mul64(d1, m)
	p0lo := d0 * m
	lo, carry := bits.Add64(p1lo, p2hi, 0)
	hi, _ := bits.Add64(p0lo, p1hi, carry)

	k = hi >> 61 // integer part mod 8

	// The fraction, 64 bits below the binary point, as a float64 by
	// truncation: normalize, drop the leading one, keep 52 bits.
	frac := hi<<3 | lo>>61
	lz := uint(bits.LeadingZeros64(frac))
	exp := uint64(expBias - (lz + 1))
	mant := frac<<(lz+1) | lo>>(64-(lz+1))
	z = math.Float64frombits(exp<<mantBits | mant>>(64-mantBits))

	if k&1 != 0 { // reduce from the next even octant: z − 1 is exact
		k = (k + 1) & 7
		z--
	}
	return k, float64(z * (math.Pi / 4))
}
