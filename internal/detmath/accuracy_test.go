package detmath

import (
	"math"
	"math/big"
	"testing"
)

// TestAccuracy measures each function against math/big references (see
// bigref_test.go) on random inputs, region by region, and checks the
// bounds the documentation states: below one ulp for Expm1 and Log1p,
// below two for Atan and Tanh; for
// Cos an absolute error below 2·2⁻⁵³ everywhere and at most 2 ulps away
// from the zeros of cos (where only the absolute bound holds).
func TestAccuracy(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	absErr := func(got float64, want *big.Float) float64 {
		d := new(big.Float).SetPrec(refPrec).Sub(bf(got), want)
		a, _ := d.Float64()
		return math.Abs(a)
	}
	for _, tc := range []struct {
		name   string
		f      func(float64) float64
		ref    func(float64) *big.Float
		draw   func(r *randSource) float64
		maxUlp float64 // 0: not checked
		maxAbs float64 // 0: not checked
	}{
		{"Cos/x=[-4,4]", Cos, cosRef, func(r *randSource) float64 { return uniform(r, -4, 4) }, 2, 0x1p-52},
		{"Cos/|x|=2^-30..2^29", Cos, cosRef, func(r *randSource) float64 { return logUniform(r, -30, 28, true) }, 2, 0x1p-52},
		{"Cos/x=k·π/4±8ulp", Cos, cosRef, func(r *randSource) float64 {
			return nearby(r, float64(float64(1+r.IntN(1<<20))*(math.Pi/4)), 8)
		}, 0, 0x1p-52},
		{"Cos/|x|=2^29..2^1024", Cos, cosRef, func(r *randSource) float64 { return logUniform(r, 29, 1023, true) }, 0, 0x1p-52},
		{"Expm1/x=[-1.1,1.1]", Expm1, expm1Ref, func(r *randSource) float64 { return uniform(r, -1.1, 1.1) }, 1, 0},
		{"Expm1/x=[-40,709]", Expm1, expm1Ref, func(r *randSource) float64 { return uniform(r, -40, 709) }, 1, 0},
		{"Expm1/|x|=2^-60..2^9", Expm1, expm1Ref, func(r *randSource) float64 {
			return math.Min(logUniform(r, -60, 8, true), 709)
		}, 1, 0},
		{"Log1p/x=(-1,1)", Log1p, log1pRef, func(r *randSource) float64 { return uniform(r, -0x1.fffffffffffffp-1, 1) }, 1, 0},
		{"Log1p/x=2^-60..2^1024", Log1p, log1pRef, func(r *randSource) float64 { return logUniform(r, -60, 1023, false) }, 1, 0},
		{"Log1p/x=-1+2^-53..-1/2", Log1p, log1pRef, func(r *randSource) float64 { return -1 + logUniform(r, -53, -2, false) }, 1, 0},
		{"Atan/x=[-3,3]", Atan, atanRef, func(r *randSource) float64 { return uniform(r, -3, 3) }, 2, 0},
		{"Atan/|x|=2^-60..2^60", Atan, atanRef, func(r *randSource) float64 { return logUniform(r, -60, 60, true) }, 2, 0},
		{"Tanh/x=[-0.625,0.625]", Tanh, tanhRef, func(r *randSource) float64 { return uniform(r, -0.625, 0.625) }, 2, 0},
		{"Tanh/x=[-20,20]", Tanh, tanhRef, func(r *randSource) float64 { return uniform(r, -20, 20) }, 2, 0},
		{"Tanh/|x|=2^-60..2^5", Tanh, tanhRef, func(r *randSource) float64 { return logUniform(r, -60, 4, true) }, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRand(42)
			var worstUlp, worstAbs, atUlp, atAbs float64
			for range n {
				x := tc.draw(r)
				got, want := tc.f(x), tc.ref(x)
				if u := ulpErr(got, want); u > worstUlp {
					worstUlp, atUlp = u, x
				}
				if a := absErr(got, want); a > worstAbs {
					worstAbs, atAbs = a, x
				}
			}
			if tc.maxAbs > 0 {
				t.Logf("%d inputs: max %.3f ulp (x = %v), max absolute error %.3f·2⁻⁵³ (x = %v)",
					n, worstUlp, atUlp, worstAbs/0x1p-53, atAbs)
			} else {
				t.Logf("%d inputs: max %.3f ulp (x = %v)", n, worstUlp, atUlp)
			}
			if tc.maxUlp > 0 && worstUlp >= tc.maxUlp {
				t.Errorf("error %.3f ulp at x = %v, want below %v", worstUlp, atUlp, tc.maxUlp)
			}
			if tc.maxAbs > 0 && worstAbs >= tc.maxAbs {
				t.Errorf("absolute error %g at x = %v, want below %g", worstAbs, atAbs, tc.maxAbs)
			}
		})
	}
}

// TestFourOverPiBits checks the table of 4/π against 4/π computed from
// Machin's formula.
func TestFourOverPiBits(t *testing.T) {
	const frac = uint(64 * (len(fourOverPiBits) - 1)) // fraction bits in the table
	const prec = frac + 128
	// ⌊4/π·2^frac⌋ = ⌊2^(frac+2+prec) / (π·2^prec)⌋, with π·2^prec from
	// piFixed at 64 more bits so that its truncation cannot reach the
	// result's last bit (checked by comparing with 64 bits more again).
	q := func(p uint) *big.Int {
		num := new(big.Int).Lsh(big.NewInt(1), frac+2+p)
		return num.Quo(num, piFixed(p))
	}
	want := q(prec)
	if q2 := q(prec + 64); q2.Cmp(want) != 0 {
		t.Fatal("the reference 4/π is not stable at this precision")
	}
	got := new(big.Int)
	for _, w := range fourOverPiBits {
		got.Lsh(got, 64)
		got.Or(got, new(big.Int).SetUint64(w))
	}
	if got.Cmp(want) != 0 {
		t.Errorf("fourOverPiBits = %x, want %x", got, want)
	}
}
