package snn

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/goldsum"
	"github.com/neurodyn/neurodyn/learn"
)

// functionsGolden is the checksum of TestFunctionsGolden's values,
// computed on amd64.
const functionsGolden = 0x811aee2ee27967d7

// TestFunctionsGolden pins the bits of the float64 functions the spiking
// network's training and its gradient checks evaluate: every surrogate's
// primitive and derivative (at two scales), and every Dale transform and
// its derivative, on 4,001 points from −9.2 to 9.2. make asm-arm64 runs it
// under qemu-aarch64, where math.Exp and math.Atan differ from amd64's in
// the last bit for some inputs, and detmath's do not.
func TestFunctionsGolden(t *testing.T) {
	h := goldsum.New()
	xs := make([]float64, 0, 4001)
	for k := -2000; k <= 2000; k++ {
		xs = append(xs, float64(float64(k)*0.0046)+1e-3)
	}
	for k := learn.SuperSpike; k <= learn.Arctan; k++ {
		for _, alpha := range []float64{0, 3.7} { // 0: the kind's default
			s := learn.Surrogate{Kind: k, Alpha: alpha}
			for _, x := range xs {
				h.Float64s(Primitive(s, x), s.WithDefaults().Deriv(x))
			}
		}
	}
	for d := DaleReLU; d <= DaleSoftplus; d++ {
		for _, x := range xs {
			h.Float64s(dale(d, x), daleGrad(d, x))
		}
	}
	if got := h.Sum64(); got != functionsGolden {
		t.Errorf("checksum %#016x, golden %#016x", got, uint64(functionsGolden))
	}
}
