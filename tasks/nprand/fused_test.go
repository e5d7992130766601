package nprand

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the generator lets the compiler fuse no
// multiply-add on any target but the one twoProd asks for (math.FMA, the
// exact error of a product): the double-double logarithm's algorithms
// assume each sum and product rounded on its own, and Randn's draws (the
// Lorenz initial noise, the flip-flop's input noise) must have the same
// bits on arm64 as on amd64. Before, GOARCH=arm64 go build -gcflags=-S
// ./tasks/nprand showed 35 fused instructions: 25 products fused into the
// double-double sums and Rand's, 10 twoProd's math.FMA, inlined. It needs
// the go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, nil, []string{"nprand.twoProd"}, "nprand.logCR", "nprand.(*RandomState).Randn", "nprand.ddDiv")
}
