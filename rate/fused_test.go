package rate_test

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the balanced rate network's training, generation
// and balance measure (the leaky network's worker and steps, ode's solvers,
// the losses and Adam, as instantiated here) let the compiler fuse no
// multiply-add, so a seed trains to the same bits on arm64 as on amd64.
// Before the products were rounded, GOARCH=arm64 go build -gcflags=-S ./rate
// showed 105 fused instructions: 20 in BalanceOf (whose currents Currents
// pools now), the rest in the generic
// code of ode, learn and learn/leaky. learn.Uniform (learn/init.go, being rewritten separately) still fuses
// and is allowed until then. It needs the go command of the host (skipped
// otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, []string{"learn.Uniform[go.shape.float32]"},
		"rate.(*Model[go.shape.float32]).BalanceOf", "rate.(*Currents).Add", "rate.(*Currents).Balance",
		"leaky.(*Worker[go.shape.float32]).Batch",
		"ode.(*Dopri5Solver[go.shape.float32]).Step")
}
