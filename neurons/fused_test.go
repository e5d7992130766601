package neurons

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: no model of the package lets the compiler fuse a
// multiply-add on any architecture (the float64 precise models promise the
// same bits everywhere, and the float32 grid models match the assembly
// kernels' rounding): GOARCH=arm64 go build -gcflags=-S ./neurons and
// GOAMD64=v3 (the two targets users run beside amd64; the package's
// imports cost about 10 s of compilation per target on a cold cache). It
// needs the go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, nil,
		"neurons.(*LIFDeltaPrecise).Advance", "neurons.(*LIFExpPrecise).Advance", "neurons.(*LIFExp).Step")
}
