package detmath

import (
	"fmt"
	"math"
	"runtime"
	"testing"
)

// funcs lists the functions with their math counterparts and inputs.
var funcs = []struct {
	name   string
	f, ref func(float64) float64
	inputs func(seed uint64, n int) []float64
}{
	{"Cos", Cos, math.Cos, cosInputs},
	{"Expm1", Expm1, math.Expm1, expm1Inputs},
	{"Log1p", Log1p, math.Log1p, log1pInputs},
	{"Atan", Atan, math.Atan, atanInputs},
}

// refInputs is the number of inputs per function compared with the math
// package (specials included).
const refInputs = 1 << 20

// TestSameBitsAsMath compares each function with the math package's bit
// for bit on about a million inputs (special values and branch boundaries
// first, then random draws over the ranges of the algorithm's branches),
// where math is the reference: amd64 below GOAMD64=v3. Elsewhere it logs
// how many of math's results differ, the reason this package exists.
func TestSameBitsAsMath(t *testing.T) {
	n := refInputs
	if testing.Short() {
		n = 1 << 16
	}
	for _, fn := range funcs {
		t.Run(fn.name, func(t *testing.T) {
			xs := fn.inputs(1, n)
			var diff int
			for _, x := range xs {
				got, want := fn.f(x), fn.ref(x)
				if math.Float64bits(got) == math.Float64bits(want) {
					continue
				}
				diff++
				if mathIsReference && diff <= 10 {
					t.Errorf("%s(%v) [%#016x] = %v [%#016x], math.%s gives %v [%#016x]",
						fn.name, x, math.Float64bits(x), got, math.Float64bits(got),
						fn.name, want, math.Float64bits(want))
				}
			}
			if mathIsReference {
				if diff > 0 {
					t.Errorf("%d of %d results differ from math.%s", diff, len(xs), fn.name)
				} else {
					t.Logf("%d inputs: every result has math.%s's bits", len(xs), fn.name)
				}
				return
			}
			t.Logf("%s/%s: math.%s is not the reference here; it differs from %s on %d of %d inputs",
				runtime.GOOS, runtime.GOARCH, fn.name, fn.name, diff, len(xs))
		})
	}
}

// TestSpecialCases checks the documented special cases, independently of
// the math package.
func TestSpecialCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		name string
		f    func(float64) float64
		x    float64
		want float64
	}{
		{"Cos", Cos, 0, 1},
		{"Cos", Cos, negZero, 1},
		{"Cos", Cos, inf, nan},
		{"Cos", Cos, -inf, nan},
		{"Cos", Cos, nan, nan},
		{"Cos", Cos, math.Pi, -1},
		{"Cos", Cos, 0x1p-30, 1},
		{"Expm1", Expm1, 0, 0},
		{"Expm1", Expm1, negZero, negZero},
		{"Expm1", Expm1, inf, inf},
		{"Expm1", Expm1, -inf, -1},
		{"Expm1", Expm1, nan, nan},
		{"Expm1", Expm1, 0x1p-60, 0x1p-60},
		{"Expm1", Expm1, -0x1p-60, -0x1p-60},
		{"Expm1", Expm1, -expm1Ln2x56, -1},
		{"Expm1", Expm1, -1000, -1},
		{"Expm1", Expm1, expm1Overflow, inf},
		{"Expm1", Expm1, math.MaxFloat64, inf},
		{"Expm1", Expm1, math.SmallestNonzeroFloat64, math.SmallestNonzeroFloat64},
		{"Log1p", Log1p, 0, 0},
		{"Log1p", Log1p, negZero, negZero},
		{"Log1p", Log1p, inf, inf},
		{"Log1p", Log1p, -inf, nan},
		{"Log1p", Log1p, nan, nan},
		{"Log1p", Log1p, -1, -inf},
		{"Log1p", Log1p, -1.5, nan},
		{"Log1p", Log1p, math.Nextafter(-1, -2), nan},
		{"Log1p", Log1p, 0x1p-60, 0x1p-60},
		{"Log1p", Log1p, -0x1p-60, -0x1p-60},
		{"Log1p", Log1p, math.SmallestNonzeroFloat64, math.SmallestNonzeroFloat64},
		{"Log1p", Log1p, math.E - 1, 1},
		{"Atan", Atan, 0, 0},
		{"Atan", Atan, negZero, negZero},
		{"Atan", Atan, inf, math.Pi / 2},
		{"Atan", Atan, -inf, -math.Pi / 2},
		{"Atan", Atan, nan, nan},
		{"Atan", Atan, 1, math.Pi / 4},
		{"Atan", Atan, 0x1p-60, 0x1p-60},
		{"Tanh", Tanh, 0, 0},
		{"Tanh", Tanh, negZero, negZero},
		{"Tanh", Tanh, inf, 1},
		{"Tanh", Tanh, -inf, -1},
		{"Tanh", Tanh, nan, nan},
		{"Tanh", Tanh, 0x1p-60, 0x1p-60},
		{"Tanh", Tanh, -0x1p-60, -0x1p-60},
		{"Tanh", Tanh, 50, 1},
		{"Tanh", Tanh, -math.MaxFloat64, -1},
	} {
		t.Run(fmt.Sprintf("%s(%v)", tc.name, tc.x), func(t *testing.T) {
			got := tc.f(tc.x)
			if math.Float64bits(got) != math.Float64bits(tc.want) && !(math.IsNaN(got) && math.IsNaN(tc.want)) {
				t.Errorf("%s(%v) = %v, want %v", tc.name, tc.x, got, tc.want)
			}
		})
	}
}

// TestNaNsAreMathNaN checks the NaN bits returned, which the golden
// checksums hash: math.NaN() for Cos and Log1p, the argument for Expm1,
// the argument quieted for Atan and Tanh (as the math package's).
func TestNaNsAreMathNaN(t *testing.T) {
	canon := math.Float64bits(math.NaN())
	payload := math.Float64frombits(0x7ff800000000beef)
	for _, tc := range []struct {
		name string
		got  float64
		want uint64
	}{
		{"Cos(+Inf)", Cos(math.Inf(1)), canon},
		{"Cos(payload NaN)", Cos(payload), canon},
		{"Log1p(-2)", Log1p(-2), canon},
		{"Log1p(payload NaN)", Log1p(payload), canon},
		{"Expm1(payload NaN)", Expm1(payload), 0x7ff800000000beef},
		{"Atan(payload NaN)", Atan(payload), 0x7ff800000000beef},
		{"Atan(signalling NaN)", Atan(math.Float64frombits(0xfff000000000beef)), 0xfff800000000beef},
		{"Tanh(payload NaN)", Tanh(payload), 0x7ff800000000beef},
		{"Tanh(signalling NaN)", Tanh(math.Float64frombits(0xfff000000000beef)), 0xfff800000000beef},
	} {
		if b := math.Float64bits(tc.got); b != tc.want {
			t.Errorf("%s = %#016x, want %#016x", tc.name, b, tc.want)
		}
	}
}

// TestNoAllocs pins that the functions allocate nothing.
func TestNoAllocs(t *testing.T) {
	for _, fn := range funcs {
		sink := 0.0
		if a := testing.AllocsPerRun(100, func() { sink += fn.f(1e30) + fn.f(0.3) }); a != 0 {
			t.Errorf("%s allocates %v times per call", fn.name, a)
		}
		_ = sink
	}
}
