package snn

import (
	"math"
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

// TestDecayDefaults: the exact decay factors of the default step and time
// constants (LIF membranes 2 and 1 ms, synapses 5 ms, the readout filter's
// 10 steps, always exact, the dense layer's 10 ms membrane; the default
// discretization, Euler, calls no Exp) have the bits math.Exp gives on
// amd64 (detmath's Exp, which decay uses, differs from it in the last bit
// for some other arguments), so taking Exp from detmath changed no default
// result.
func TestDecayDefaults(t *testing.T) {
	c := Config{Discretization: Exact}.WithDefaults()
	for _, w := range []struct {
		tau  float64
		bits uint64
	}{{2, 0x3fe368b2fc6f960a}, {1, 0x3fd78b56362cef38}, {5, 0x3fea330ad6166159}, {10, 0x3fecf46d99d52b3a}} {
		if got := math.Float64bits(c.decay(w.tau)); got != w.bits {
			t.Errorf("decay(%g) bits %#x, want %#x (math.Exp on amd64)", w.tau, got, w.bits)
		}
	}
}
