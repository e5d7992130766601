package detmath

import (
	"math"
	"testing"
)

// expGolden is the checksum of Exp over TestExp's inputs on amd64; arm64
// reproduces it under qemu-aarch64 (make asm-arm64).
const expGolden = 0x183c96c3398bb229

// TestExp: within 2 ulp of math.Exp over the whole finite range, the
// special values, and the same bits on every architecture (checksum).
func TestExp(t *testing.T) {
	check, sum := hashedCheck(t, "Exp", Exp, math.Exp, func(want float64) float64 {
		return 2 * (math.Nextafter(want, math.Inf(1)) - want) // 2 ulp
	})
	for x := -745.0; x < 709.7; x += 0.0137 {
		check(x)
	}
	for k := range 100000 {
		check(float64(float64(k-50000) * 0x1p-40)) // near 0
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 709.78, 709.79, -745.13, -745.14, math.Inf(1), math.Inf(-1)} {
		check(x)
	}
	if !math.IsNaN(Exp(math.NaN())) {
		t.Fatal("Exp(NaN) is not NaN")
	}
	if got := sum(); got != expGolden {
		t.Fatalf("checksum %#x, golden %#x", got, uint64(expGolden))
	}
}
