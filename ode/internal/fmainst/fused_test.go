package fmainst

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: ode's solvers, instantiated here for float32 and
// float64, let the compiler fuse no multiply-add on any target, so a
// Lorenz trajectory (dopri5, float64) and a model's forward pass (fixed
// steps or dopri5, float32) have the same bits on arm64 as on amd64. Before
// the products were rounded, GOARCH=arm64 go build -gcflags=-S of this
// package showed 62 fused instructions (both element types). It needs the go
// command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "ode.(*Dopri5Solver[go.shape.float64]).Step", "ode.(*Dopri5Solver[go.shape.float32]).Step",
		"ode.(*Dopri5Solver[go.shape.float32]).initialStep", "ode.(*Dopri5Solver[go.shape.float64]).prepareDense",
		"ode.(*Fixed[go.shape.float32]).Step", "ode.(*Fixed[go.shape.float64]).Step")
}
