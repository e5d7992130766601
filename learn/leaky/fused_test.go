package leaky

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the leaky network's float64 and pure-Go paths
// (activations and their derivatives, the softplus step, decoding, the
// worker's loss sums) and the ode solvers they instantiate let the compiler
// fuse no multiply-add, so a CT-RNN or rate model trains to the same bits
// on arm64 as on amd64. Before the products were rounded,
// GOARCH=arm64 go build -gcflags=-S ./learn/leaky showed 65 fused
// instructions (53 of them in ode's dopri5 and Adam's step). It needs the
// go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, nil,
		"leaky.Activation.Deriv", "leaky.softplusStep[go.shape.float32]", "leaky.(*Single[go.shape.float64]).Decode",
	)
}
