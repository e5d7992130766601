package detmath

import (
	"math"
	"testing"
)

// logGolden is the checksum of Log over TestLog's inputs on amd64; arm64
// reproduces it under qemu-aarch64 (make asm-arm64).
const logGolden = 0x6db1eeabed3b8b82

// TestLog: within 1 ulp of math.Log from 1e-300 to 1e300 and near 1, and
// the same bits on every architecture (checksum).
func TestLog(t *testing.T) {
	check, sum := hashedCheck(t, "Log", Log, math.Log, func(want float64) float64 { return 2.3e-16*math.Abs(want) + 1e-300 })
	for x := 1e-300; x < 1e300; x *= 1.7 {
		check(x)
	}
	for k := range 100000 {
		check(float64(1 + float64(float64(k-50000)*0x1p-20))) // around 1, where the result is small
		check(float64(float64(k+1) * 0x1p-17))                // (0, 0.77]: Box–Muller's arguments
	}
	if got := sum(); got != logGolden {
		t.Fatalf("checksum %#x, golden %#x", got, uint64(logGolden))
	}
}
