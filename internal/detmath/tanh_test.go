package detmath

import (
	"math"
	"testing"
)

// tanhGolden is the checksum of Tanh over tanhInputs(goldenSeed,
// goldenInputs) on amd64; arm64 reproduces it under qemu-aarch64 (make
// asm-arm64).
const tanhGolden = 0x1b9aceb5f04a74b2

// TestTanh: within 2 ulp of math.Tanh (and bit for bit where |x| < 0.625,
// on amd64 below GOAMD64=v3, where math.Tanh is the reference there), and
// the same bits on every architecture (checksum).
func TestTanh(t *testing.T) {
	check, sum := hashedCheck(t, "Tanh", Tanh, math.Tanh, func(want float64) float64 {
		return 2 * (math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want)) // 2 ulp
	})
	same, small := 0, 0
	for _, x := range tanhInputs(goldenSeed, goldenInputs) {
		if x != x {
			if got := Tanh(x); got == got {
				t.Fatalf("Tanh(NaN) = %v", got)
			}
			continue
		}
		check(x)
		if math.Abs(x) < 0.625 {
			small++
			if math.Float64bits(Tanh(x)) == math.Float64bits(math.Tanh(x)) {
				same++
			}
		}
	}
	if mathIsReference && same != small {
		t.Errorf("|x| < 0.625: %d of %d results differ from math.Tanh", small-same, small)
	}
	if got := sum(); got != tanhGolden {
		t.Fatalf("checksum %#x, golden %#x", got, uint64(tanhGolden))
	}
}
