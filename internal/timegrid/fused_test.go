package timegrid

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: Steps decides the same on every architecture
// (no fused multiply-subtract in its tolerance test).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "timegrid.Steps")
}
