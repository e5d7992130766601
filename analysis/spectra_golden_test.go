package analysis

import (
	"math/rand/v2"
	"testing"
)

// syncSpikes returns n trains over [0, T) ms in which each neuron fires
// with probability 1/2 in each 25 ms cycle (40 Hz), jittered by up to
// 5 ms: times from the integer outputs of PCG scaled by powers of two,
// the same bits on every architecture.
func syncSpikes(n int, T float64, seed uint64) ([]float64, []uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	var times []float64
	var ids []uint64
	for c := 0; float64(25*c) < T-5; c++ {
		for i := 0; i < n; i++ {
			u := rng.Uint64()
			if u&1 == 0 {
				continue
			}
			times = append(times, float64(25*c)+float64(u>>11)*0x1p-53*5)
			ids = append(ids, uint64(i))
		}
	}
	return times, ids
}

// TestSpectraGolden: the mean period of the Lorenz-63 x coordinate and of
// all three variables (3000 samples: Bluestein's length), and the
// population-rate spectrum of a 40 Hz synchronous population, default
// (power-of-two) and 100-bin segments, and its peak. With gonum's FFT the
// checksum differed under qemu-aarch64 (the mean periods of all three
// variables 55.260958009594731 for amd64's 55.260958009594738, of 2048
// samples of x 79.110539367994065 for 79.110539367994079).
func TestSpectraGolden(t *testing.T) {
	x := lorenzSamples(t, []float64{1, 1, 1}, 0.02, 3000)
	var h figureHash
	for _, c := range []struct {
		x   []float64
		dim int
	}{{column(x, 3, 0), 1}, {x, 3}, {column(x, 3, 0)[:2048], 1}} {
		mp, err := MeanPeriod(c.x, c.dim)
		if err != nil {
			t.Fatal(err)
		}
		h.f(mp)
		t.Logf("mean period (%d samples, dim %d) %.17g", len(c.x)/c.dim, c.dim, mp)
	}
	times, ids := syncSpikes(50, 10000, 3)
	s, err := NewSpikeTrains(times, ids, 50, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, seg := range []int{0, 100} {
		f, p, err := s.PopulationSpectrum(2, seg)
		if err != nil {
			t.Fatal(err)
		}
		h.f(f...)
		h.f(p...)
		var sum float64
		for _, v := range p {
			sum += v
		}
		t.Logf("segment %d: %d frequencies, Σ power %.17g", seg, len(p), sum)
	}
	st, err := s.Summary(2, 1)
	if err != nil {
		t.Fatal(err)
	}
	h.f(st.PeakHz)
	t.Logf("peak %v Hz", st.PeakHz)
	h.check(t, "the mean periods and population spectra", "2eb1c33c5b9c7f6d6b5285458ff76bf6bf1f8eaa3a13d600db05ed9155299e9c")
}
