package rate

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/goldsum"
)

// daleGolden is the checksum of TestDaleGolden's values, computed on amd64.
const daleGolden = 0xbb0c6357429f27a3

// TestDaleGolden pins the bits of every Dale transform and its derivative
// (float64, before the effective weights are rounded to the model's type)
// on 4,001 raw weights from −9.2 to 9.2. make asm-arm64 runs it under
// qemu-aarch64, where math.Exp differs from amd64's in the last bit for
// some inputs, and detmath.Exp does not.
func TestDaleGolden(t *testing.T) {
	h := goldsum.New()
	for d := DaleAbs; d <= DaleReLU; d++ {
		m, err := New[float64](Config{NE: 4, NI: 1, Dale: d, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for k := -2000; k <= 2000; k++ {
			w, g := m.dale(float64(float64(k)*0.0046) + 1e-3)
			h.Float64s(w, g)
		}
	}
	if got := h.Sum64(); got != daleGolden {
		t.Errorf("checksum %#016x, golden %#016x", got, uint64(daleGolden))
	}
}
