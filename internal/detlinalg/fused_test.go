package detlinalg

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd fails if the compiler fuses a multiply-add in the
// package on any fusing target (see internal/fmacheck).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "detlinalg.dot", "detlinalg.hessenberg", "detlinalg.hqr", "detlinalg.(*QR).Solve")
}
