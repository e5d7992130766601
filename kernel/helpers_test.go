package kernel_test

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

func synapsesNormal(m, s float64) synapses.Weights {
	return synapses.Weights{Dist: "normal", Mean: m, Std: s}
}

func synapsesConst(v float64) synapses.Weights { return synapses.Weights{Value: v} }

// goldenSum returns the FNV-1a checksum of net's checkpoint (its whole
// state), then of weights, then of every recorder's spikes (times and
// ids), and the number of spikes: what the golden tests pin.
func goldenSum(t testing.TB, net *kernel.Network, weights [][]float32) (uint64, int) {
	t.Helper()
	h := fnv.New64a()
	if err := net.Checkpoint(h); err != nil {
		t.Fatal(err)
	}
	var buf [8]byte
	for _, w := range weights {
		for _, x := range w {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(x))
			h.Write(buf[:4])
		}
	}
	n := 0
	for _, r := range net.Recorders() {
		m := r.Spikes()
		if m == nil {
			continue
		}
		n += len(m.IDs)
		for i, tm := range m.TimesMs {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(tm))
			h.Write(buf[:])
			binary.LittleEndian.PutUint32(buf[:4], m.IDs[i])
			h.Write(buf[:4])
		}
	}
	return h.Sum64(), n
}
