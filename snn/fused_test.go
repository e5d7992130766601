package snn

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the spiking network's training (surrogate
// primitives, initialization, the worker's loss sums, Adam) and the
// reservoir's set-up and recording let the compiler fuse no multiply-add,
// so a seed trains to the same bits on arm64 as on amd64. Before the
// products were rounded, GOARCH=arm64 go build -gcflags=-S ./snn showed 25
// fused instructions. NewESN (esn.go) and learn.Uniform (learn/init.go),
// both being rewritten separately, still fuse and are allowed until then.
// It needs the go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, []string{"snn.NewESN", "learn.Uniform[go.shape.float32]"},
		"snn.Primitive", "snn.(*Worker[go.shape.float32]).Batch", "snn.(*Reservoir).RecordSpikes",
		"snn.ReservoirConfig.Spec")
}
