package learn

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the optimizers (Adam, L-BFGS), the losses, the
// schedules, the surrogates and the gradient check let the compiler fuse
// no multiply-add, so training has the same bits on arm64 as on amd64.
// Before the products were rounded, GOARCH=arm64 go build -gcflags=-S
// ./learn showed 17 fused instructions. It needs the go command of the
// host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, nil,
		"learn.(*Adam[go.shape.float32]).Step", "learn.Norm[go.shape.float32]", "learn.Surrogate.Deriv",
		"learn.Decay.factor", "learn.zoomStep", "learn.GradCheck")
}
