package tasks

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the data generation (the Lorenz vector field and
// its dopri5 integration, the initial noise, the normalization and its
// inverse, the flip-flop) lets the compiler fuse no multiply-add, so a
// dataset has the same bits on arm64 as on amd64. Before the products were
// rounded, GOARCH=arm64 go build -gcflags=-S ./tasks showed 32 fused
// instructions (6 in the package, 26 in its dopri5 instance). It needs the
// go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, nil,
		"tasks.Lorenz.VectorField", "tasks.LorenzTrajectory", "tasks.(*Dataset).Denormalize",
		"ode.(*Dopri5Solver[go.shape.float64]).Step")
}
