package neurons

import (
	"bytes"
	"math"
	"testing"
)

// TestPreciseSubthreshold: event to event, the float64 state equals the
// closed form whatever the split of the interval, including τ_m = τ_syn.
func TestPreciseSubthreshold(t *testing.T) {
	for _, tauSyn := range []float64{2, 10} {
		p := DefaultLIFExp()
		p.TauSynExMs, p.TauSynInMs = tauSyn, 3
		p.VThmV = 1e6
		m, err := NewLIFExpPrecise(1, p, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		v0, ie0, ii0, cur := 3.0, 800.0, -300.0, 120.0
		m.V[0], m.Ie[0], m.Ii[0] = v0, ie0, ii0
		q := p
		q.IePA = cur
		// advance 1000 steps in uneven pieces
		pieces := []float64{0, 0.013, 0.05, 0.0999, 0.1}
		for k := range 1000 {
			for i := 1; i < len(pieces); i++ {
				m.Advance(0, int64(k), pieces[i-1], pieces[i], cur, nil)
			}
		}
		want := closedLIFExp(q, v0, ie0, ii0, 100)
		if d := math.Abs(m.V[0] - want); d > 1e-10 {
			t.Fatalf("τs=%g: V(100 ms) = %.15g, closed form %.15g (|Δ| %.2g)", tauSyn, m.V[0], want, d)
		}
	}
}

// TestPreciseSpikeAndRefractoriness: a neuron above threshold fires at the
// analytic time, is held at V_reset for exactly t_ref (off the grid), then
// fires again after t_ref + the same crossing time.
func TestPreciseSpikeAndRefractoriness(t *testing.T) {
	p := DefaultLIFExp()
	p.IePA = 500 // μ = 20 mV above rest, θ = 15
	m, _ := NewLIFExpPrecise(1, p, 0.1)
	var times []float64
	offs := make([]float64, 0, 4)
	for k := range 400 {
		offs = m.Advance(0, int64(k), 0, 0.1, p.IePA, offs[:0])
		for _, o := range offs {
			times = append(times, float64(k)*0.1+o)
		}
	}
	tc := 10 * math.Log(20.0/5)
	if len(times) < 2 || math.Abs(times[0]-tc) > 1e-9 || math.Abs(times[1]-times[0]-(2+tc)) > 1e-9 {
		t.Fatalf("spikes %v, want %g then every %g ms", times, tc, 2+tc)
	}
	var buf bytes.Buffer
	if err := m.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	m2, _ := NewLIFExpPrecise(1, p, 0.1)
	if err := m2.LoadState(&buf); err != nil || m2.V[0] != m.V[0] || m2.RefStep[0] != m.RefStep[0] {
		t.Fatalf("state round trip: %v", err)
	}
}

// TestPreciseTransientCrossing: an input that lifts V above threshold and
// lets it fall back within one interval is still detected (the interior
// maximum is checked).
func TestPreciseTransientCrossing(t *testing.T) {
	p := DefaultLIFExp()
	p.TauSynExMs, p.TRefMs = 0.5, 20
	m, err := NewLIFExpPrecise(1, p, 20)
	if err != nil {
		t.Fatal(err)
	}
	// a brief current pulse: V peaks above θ = 15 mV and has decayed far
	// below it by the end of the 20 ms interval
	v0, ie0 := 14.5, 2000.0
	if end := closedLIFExp(p, v0, ie0, 0, 20); end >= 15 {
		t.Fatalf("test set-up: V(20 ms) = %g is not below threshold", end)
	}
	m.V[0], m.Ie[0] = v0, ie0
	offs := m.Advance(0, 0, 0, 20, 0, nil)
	if len(offs) != 1 || offs[0] <= 0 || offs[0] >= 2 {
		t.Fatalf("spikes at %v, want one early in the interval", offs)
	}
	if v := closedLIFExp(p, v0, ie0, 0, offs[0]); math.Abs(v-15) > 1e-9 {
		t.Fatalf("V at the spike = %.12g, want θ = 15", v)
	}
}
