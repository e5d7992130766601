package asm

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactFMA32 returns a·b+c correctly rounded to float32, through big.Float.
func exactFMA32(a, b, c float32) float32 {
	if math.IsNaN(float64(a)) || math.IsNaN(float64(b)) || math.IsNaN(float64(c)) ||
		math.IsInf(float64(a), 0) || math.IsInf(float64(b), 0) || math.IsInf(float64(c), 0) {
		return float32(float64(a)*float64(b) + float64(c))
	}
	x := new(big.Float).SetPrec(400).SetFloat64(float64(a))
	x.Mul(x, new(big.Float).SetPrec(400).SetFloat64(float64(b)))
	x.Add(x, new(big.Float).SetPrec(400).SetFloat64(float64(c)))
	if x.Sign() == 0 {
		// Exact zero: IEEE sign rules, which float64 arithmetic follows.
		return float32(float64(a)*float64(b) + float64(c))
	}
	f, _ := x.Float32()
	return f
}

// edge32 lists float32 values that exercise rounding, signs and ranges.
var edge32 = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, 1.5, 3, 1 << 24, 1<<24 + 2,
	math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	1.1754942e-38, 1.17549435e-38, 1 + 1.0/(1<<23), 1 - 1.0/(1<<24), 0.1, -0.3,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
}

// randFloat32 returns a float32 with random sign, exponent in a wide range
// and random mantissa.
func randFloat32(r *rand.Rand) float32 {
	switch r.IntN(8) {
	case 0:
		return edge32[r.IntN(len(edge32))]
	case 1: // any bit pattern
		return math.Float32frombits(r.Uint32())
	}
	m := r.Float64() + 0.5
	e := r.IntN(60) - 30
	if r.IntN(2) == 0 {
		m = -m
	}
	return float32(math.Ldexp(m, e))
}

func same32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

func same64(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (a != a && b != b)
}

func TestFMA32CorrectlyRounded(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(a, b, c float32) {
		t.Helper()
		got, want := fma32(a, b, c), exactFMA32(a, b, c)
		if !same32(got, want) {
			t.Fatalf("fma32(%g, %g, %g) = %g (%#x), want %g (%#x)", a, b, c, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	for _, a := range edge32 {
		for _, b := range edge32 {
			for _, c := range edge32 {
				check(a, b, c)
			}
		}
	}
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for range n {
		a, b := randFloat32(r), randFloat32(r)
		// c near −a·b makes the hard cases: cancellation and ties.
		var c float32
		switch r.IntN(3) {
		case 0:
			c = randFloat32(r)
		case 1:
			c = -float32(float64(a) * float64(b))
		default:
			c = math.Float32frombits(math.Float32bits(-float32(float64(a)*float64(b))) + uint32(r.IntN(5)) - 2)
		}
		check(a, b, c)
	}
}

// TestFMA32DoubleRounding pins a case where float32(math.FMA(…)) rounds
// twice and is wrong: a = b = 1+2^-12, c = 2^-60. The exact value
// 1 + 2^-11 + 2^-24 + 2^-60 lies just above a float32 tie; rounding to
// float64 first drops 2^-60 and the tie then goes to even (down).
func TestFMA32DoubleRounding(t *testing.T) {
	a := float32(1 + 1.0/(1<<12))
	c := float32(math.Ldexp(1, -60))
	want := float32(1 + 1.0/(1<<11) + 1.0/(1<<23))
	if got := fma32(a, a, c); got != want {
		t.Fatalf("fma32 = %.10g, want %.10g", got, want)
	}
	if twice := float32(math.FMA(float64(a), float64(a), float64(c))); twice == want {
		t.Fatalf("expected the double-rounded result to differ; got %.10g", twice)
	}
}
