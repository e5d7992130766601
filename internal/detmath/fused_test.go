package detmath

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd compiles the package for the architectures where
// gc fuses multiply-adds and fails on any fused instruction in the
// listing: GOARCH=arm64 go build -gcflags=-S ./internal/detmath, and so on.
// It needs the go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "detmath.Cos", "detmath.Expm1", "detmath.Log1p", "detmath.reducePi4", "detmath.Tanh", "detmath.atanKernel", "detmath.atanReduced")
}
