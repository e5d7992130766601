package ctrnn_test

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the CT-RNN's training and generation (the leaky
// network's worker and steps, ode's solvers, the losses and Adam, as
// instantiated here) let the compiler fuse no multiply-add, so a seed
// trains to the same bits on arm64 as on amd64. Before the products were
// rounded, GOARCH=arm64 go build -gcflags=-S ./ctrnn showed 77 fused
// instructions, all in the generic code of ode, learn and learn/leaky.
// learn.Uniform (learn/init.go, being rewritten separately) still fuses
// and is allowed until then. It needs the go command of the host (skipped
// otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, []string{"learn.Uniform[go.shape.float32]"},
		"ctrnn.(*Model[go.shape.float32]).Forward", "leaky.(*Worker[go.shape.float32]).Batch",
		"ode.(*Dopri5Solver[go.shape.float32]).Step")
}
