//go:build cgo && !nohdf5

package export

import (
	"path/filepath"
	"testing"
)

// BenchmarkSpikeWriter streams b.N spikes in steps of 20 (a 12,500-neuron
// network at ~16 Hz and 0.1 ms) and reports spikes/s including the file
// close.
func BenchmarkSpikeWriter(b *testing.B) {
	for _, sorting := range []Sorting{SortNone, SortByTime} {
		b.Run("sorting="+sorting.String(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(16)
			w, err := NewSpikeWriter(filepath.Join(b.TempDir(), "s.h5"), sorting, []string{"E"}, StreamOptions{})
			if err != nil {
				b.Fatal(err)
			}
			ts := make([]float64, 20)
			ids := make([]uint32, 20)
			b.ResetTimer()
			for i := 0; i < b.N; i += len(ts) {
				for k := range ts {
					ts[k] = float64(i/20) * 0.1
					ids[k] = uint32((i + k) * 613 % 12500)
				}
				if err := w.WriteSpikes(ts, ids); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "spikes/s")
		})
	}
}

// BenchmarkFrameWriter streams b.N frames of 100 float32 values (100
// membrane traces) and reports frames/s including the file close.
func BenchmarkFrameWriter(b *testing.B) {
	b.ReportAllocs()
	const width = 100
	b.SetBytes(4 * width)
	nodes := make([]uint64, width)
	for i := range nodes {
		nodes[i] = uint64(i)
	}
	w, err := NewFrameWriter(filepath.Join(b.TempDir(), "f.h5"),
		FrameOptions{Population: "E", NodeIDs: nodes, DtMs: 0.1, Units: "mV"}, StreamOptions{})
	if err != nil {
		b.Fatal(err)
	}
	row := make([]float32, width)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range row {
			row[j] = float32(i + j)
		}
		if err := w.AppendFrame(float64(i)*0.1, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}
