package neurons

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: no model of the package lets the compiler fuse a
// multiply-add on any architecture (the float64 precise models promise the
// same bits everywhere, and the float32 grid models match the assembly
// kernels' rounding): GOARCH=arm64 go build -gcflags=-S ./neurons, and so
// on. It needs the go command of the host (skipped otherwise, and with
// -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "neurons.(*LIFDeltaPrecise).Advance", "neurons.(*LIFExpPrecise).Advance", "neurons.(*LIFExp).Step")
}
