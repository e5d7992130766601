package kernel

import "testing"

// TestSpikeSourceOffsetsWithinStep: a spike_source time is split into the
// step that receives it and an offset in (0, h], also for a time within
// 1e-9·dt past a grid point (0.1 + 0.2 at dt 0.1: its offset is h, not
// h + 2.8e-17), so the precise mode never integrates past a step's end.
func TestSpikeSourceOffsetsWithinStep(t *testing.T) {
	x, y := 0.1, 0.2 // variables: a constant 0.1 + 0.2 is exactly 0.3
	times := []float64{1e-12, 0.05, 0.1 + 5e-12, 0.3, x + y, 3 * (x + y), 7.1234}
	s := Spec{DtMs: 0.1, Precise: true,
		Populations: []PopulationSpec{{Name: "N", N: 1}},
		Devices:     []DeviceSpec{{Kind: "spike_source", Target: "N", SpikeTimesMs: times, Weight: 1}},
	}
	pl, err := s.resolve()
	if err != nil {
		t.Fatal(err)
	}
	dp := pl.devs[0]
	for k, tm := range times {
		st, off := dp.times[k], dp.offs[k]
		if !(off > 0 && off <= 0.1) {
			t.Errorf("time %.17g ms: step %d, offset %.17g ms, want in (0, 0.1]", tm, st, off)
		}
		if d := float64(st)*0.1 + off - tm; d > 1e-9*0.1 || d < -1e-9*0.1 {
			t.Errorf("time %.17g ms: step %d + offset %.17g is %.3g ms away", tm, st, off, d)
		}
	}
}
