package leaky

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/goldsum"
)

// activationGolden is the checksum of every activation's Apply and Deriv
// over activationInputs, computed on amd64.
const activationGolden = 0xa151e7898feda58c

// activationInputs returns 8,001 points from −9.2 to 9.2 (step 0.0023,
// offset 0.001): both branches of Tanh and HalfTanh (|z| below and above
// 0.625) and the sigmoids' and softplus' range.
func activationInputs() []float64 {
	zs := make([]float64, 0, 8001)
	for k := -4000; k <= 4000; k++ {
		zs = append(zs, float64(float64(k)*0.0023)+1e-3)
	}
	return zs
}

// TestActivationGolden pins the bits of the float64 activations and their
// derivatives (the Jacobians that analysis computes Lyapunov exponents
// and fixed points from, and the gradient checks' references): make
// asm-arm64 runs it under qemu-aarch64, where math.Tanh and math.Exp
// differ from amd64's in the last bit for some inputs, and detmath's do
// not.
func TestActivationGolden(t *testing.T) {
	h := goldsum.New()
	for a := Tanh; a <= Identity; a++ {
		for _, z := range activationInputs() {
			h.Float64s(a.Apply(z), a.Deriv(z))
		}
	}
	if got := h.Sum64(); got != activationGolden {
		t.Errorf("checksum %#016x, golden %#016x", got, uint64(activationGolden))
	}
}
