package kernel

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

// The noise device's standard normal deviates come from a ziggurat
// (Marsaglia & Tsang 2000, "The ziggurat method for generating random
// variables", J. Stat. Softw. 5(8)) with 256 layers and 64-bit words:
// the region under f(x) = e^{−x²/2}, x ≥ 0, is covered by 255 rectangles
// [0, x_i] × [f(x_i), f(x_{i+1})] (i = 1…255; x_1 = r > x_2 > … > x_256 = 0)
// and a base strip [0, r] × [0, f(r)] joined to the tail x > r, all of the
// same area v, so a layer is chosen by eight uniform bits. A word w gives
// the layer i = w mod 256, the sign (bit 8) and a uniform u = m·2⁻⁵³ from
// its top 53 bits m (disjoint bits, Doornik 2005's fix of the 2000
// paper's reuse); x = u·x_i, with x_0 = v/f(r) the base strip's virtual
// width. If x < x_{i+1} the point (x, y) lies under f whatever y: x is
// returned (98.5 % of words: one table look-up, an integer comparison and
// one multiplication). Otherwise (zigSlow) layer 0 draws from the tail by
// Marsaglia's (1964) exact method and the others take a uniform y in
// [f(x_i), f(x_{i+1})), returning x if y < f(x) and starting afresh from
// a new word if not. Every accepted point is uniform under f, so x is
// exactly half-normal (up to the rounding of the tables and of
// detmath.Exp and Log), and the sign makes it N(0, 1). The tail reaches
// r + 53·ln 2/r ≈ 13.7 (Box–Muller on 53-bit uniforms stopped at 8.6).
//
// r and v are literal constants (r solves the closure x_256 = 0 of the
// recursion below; v = r·f(r) + ∫_r^∞ f, TestZigguratTables checks both
// against math.Erfc); the tables are computed once at initialization with
// detmath's Log and Exp, √ (correctly rounded) and no product that meets
// an addition unrounded, so they hold the same bits on every architecture
// (TestNoiseBitsGolden pins them).
const (
	zigR = 3.6541528853610088    // x_1, where the tail starts
	zigV = 4.928673233974658e-03 // the area of every layer: r·f(r) + ∫_r^∞ f
)

// zigTagMul spreads the tags of the further Philox blocks a slow draw
// takes over the key (see zigSlow).
const zigTagMul = 0xBB67AE8584CAA73B

// zig holds the ziggurat's tables.
var zig = newZiggurat()

// ziggurat holds the tables of the 256-layer normal ziggurat: layer i's
// edges x[i] > x[i+1] and its heights f[i] = e^{−x[i]²/2} < f[i+1] (f[0] = 0:
// the base strip starts at y = 0), the widths scaled to the 53-bit
// integers the words carry (w[i] = x[i]·2⁻⁵³, exact) and the fast path's
// bounds k[i]: m < k[i] exactly when the rounded product m·w[i] < x[i+1].
type ziggurat struct {
	k [256]uint64
	w [256]float64
	x [257]float64
	f [257]float64
}

// zigPDF is e^{−x²/2} with its product rounded.
func zigPDF(x float64) float64 {
	return detmath.Exp(float64(x*x) * -0.5)
}

// newZiggurat computes the tables: x_1 = r, f(x_{i+1}) = f(x_i) + v/x_i
// (the layer above has area v), x_{i+1} = √(−2 ln f(x_{i+1})), x_256 = 0;
// x_0 = v/f(r). k[i] is found by bisection on the rounded product, so the
// integer test of the fast path is the floating-point one to the bit.
func newZiggurat() ziggurat {
	var z ziggurat
	z.x[1], z.f[1] = zigR, zigPDF(zigR)
	z.x[0] = zigV / z.f[1]
	for i := 1; i < 255; i++ {
		z.x[i+1] = math.Sqrt(-2 * detmath.Log(z.f[i]+zigV/z.x[i]))
		z.f[i+1] = zigPDF(z.x[i+1])
	}
	z.x[256], z.f[256] = 0, 1
	for i := range 256 {
		z.w[i] = z.x[i] * 0x1p-53
		lo, hi := uint64(0), uint64(1)<<53 // the least m with m·w[i] ≥ x[i+1] lies in [lo, hi]
		for lo < hi {
			mid := lo + (hi-lo)/2
			if float64(float64(mid)*z.w[i]) >= z.x[i+1] {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		z.k[i] = lo
	}
	return z
}

// zigFast is the fast path of the normal deviate of the 64-bit word r
// (the layer in its low 8 bits, the sign in bit 8, the uniform in its top
// 53 bits): ok reports whether it applies; if not, zigSlow(r, …) gives the
// deviate.
func zigFast(r uint64) (z float64, ok bool) {
	m, i := r>>11, uint8(r)
	return math.Float64frombits(math.Float64bits(float64(m)*zig.w[i]) ^ (r&0x100)<<55), m < zig.k[i]
}

// zigSlow returns the standard normal deviate of the word r that zigFast
// rejects (and of any word), r being word s (0 or 1) of the block of
// Philox counter (c0, c1) under key; the deviate is a pure function of
// (r, c0, c1, key, s). The further uniforms come in the blocks
// Philox2x64(c0, c1, key ^ t·M) for the tags t = s+1, s+3, s+5, … in turn
// (M = zigTagMul, odd, so the tags give distinct keys, none the device's
// own, and the two words of a block never share one): a wedge test takes
// a block (the first word for y, the second for the next attempt if y is
// rejected), a tail attempt takes one (two uniforms in (0, 1]).
func zigSlow(r, c0, c1, key, s uint64) float64 {
	t := s + 1
	for {
		if z, ok := zigFast(r); ok {
			return z
		}
		m, i, sign := r>>11, int(uint8(r)), (r&0x100)<<55 // int: i+1 reaches 256
		a, b := Philox2x64(c0, c1, key^t*zigTagMul)
		t += 2
		if i == 0 { // the tail x > r: x = r + e₁/r with e₁, e₂ exponential, accepted if 2e₂ > (e₁/r)²
			for {
				x := -detmath.Log(float64(float64(a>>11+1)*0x1p-53)) / zigR
				y := -detmath.Log(float64(float64(b>>11+1) * 0x1p-53))
				if y+y > float64(x*x) {
					return math.Float64frombits(math.Float64bits(zigR+x) ^ sign)
				}
				a, b = Philox2x64(c0, c1, key^t*zigTagMul)
				t += 2
			}
		}
		x := float64(float64(m) * zig.w[i])
		y := float64(float64(float64(a>>11)*0x1p-53)*(zig.f[i+1]-zig.f[i])) + zig.f[i]
		if y < zigPDF(x) {
			return math.Float64frombits(math.Float64bits(x) ^ sign)
		}
		r = b
	}
}
