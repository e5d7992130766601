package kernel

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the engine's own float64 arithmetic (precise
// mode's Poisson offsets and currents, the devices, NIR import's weight
// products) lets the compiler fuse no multiply-add on arm64 or at
// GOAMD64=v3: GOARCH=arm64 go build -gcflags=-S ./kernel. The memory
// estimate may fuse (its figures need not be the same bits everywhere).
// It needs the go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, []string{"kernel.Spec.EstimateBytes", "kernel.weightsColumnBytes"},
		"kernel.(*device).poissonPut", "kernel.(*Network).fillBlock", "kernel.(*Network).stepPrecise")
}
