package analysis

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
)

// poissonSpikes returns n independent Poisson trains of rate hz over
// [0, T) ms, as (times, ids).
func poissonSpikes(n int, hz, T float64, seed uint64) ([]float64, []uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	var times []float64
	var ids []uint64
	for i := 0; i < n; i++ {
		t := rng.ExpFloat64() * 1000 / hz
		for t < T {
			times = append(times, t)
			ids = append(ids, uint64(i))
			t += rng.ExpFloat64() * 1000 / hz
		}
	}
	return times, ids
}

func TestSpikeStatsPoisson(t *testing.T) {
	times, ids := poissonSpikes(100, 20, 20000, 1)
	s, err := NewSpikeTrains(times, ids, 100, 0, 20000)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Summary(10, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Poisson 20 Hz: %+v", st)
	if math.Abs(st.MeanRate-20) > 0.5 || math.Abs(st.MeanCV-1) > 0.03 || math.Abs(st.MeanFano-1) > 0.05 ||
		math.Abs(st.MeanCorr) > 0.01 || st.Silent != 0 || st.Spikes != len(times) {
		t.Fatalf("Poisson population stats %+v, want rate 20, CV 1, Fano 1, corr 0", st)
	}
	// A flat spectrum: the population rate of independent Poisson trains
	// is white with variance rate/(N·Δ), so its one-sided PSD is
	// 2·rate/N (Hz²/Hz) at every frequency.
	f, p, err := s.PopulationSpectrum(10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	for k := 1; k < len(p)-1; k++ {
		mean += p[k]
	}
	mean /= float64(len(p) - 2)
	if math.Abs(mean-2*20.0/100) > 0.03 || f[len(f)-1] != 50 {
		t.Fatalf("mean PSD %v, want ≈ 0.4; Nyquist %v Hz, want 50", mean, f[len(f)-1])
	}
}

func TestSpikeStatsRegularAndSynchronous(t *testing.T) {
	// 20 neurons firing together every 25 ms (40 Hz), with a neuron-
	// dependent offset of at most 1 ms.
	var times []float64
	var ids []int32
	for k := 0; k < 400; k++ {
		for i := 0; i < 20; i++ {
			times = append(times, 25*float64(k)+0.05*float64(i))
			ids = append(ids, int32(i))
		}
	}
	s, err := NewSpikeTrains(times, ids, 21, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	cv := s.ISICV()
	for i := 0; i < 20; i++ {
		if cv[i] > 1e-9 {
			t.Fatalf("neuron %d: CV %v, want 0 for a regular train", i, cv[i])
		}
	}
	if !math.IsNaN(cv[20]) {
		t.Fatalf("silent neuron CV %v, want NaN", cv[20])
	}
	st, err := s.Summary(5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(st.PeakHz-40) > 2 || math.Abs(st.MeanRate-40*20/21.0) > 1e-9 || math.Abs(st.Silent-1/21.0) > 1e-12 {
		t.Fatalf("synchronous population: %+v, want a 40 Hz peak", st)
	}
	corr, err := s.Correlations(5, 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(corr) != 190 || slices.Min(corr) < 0.999 {
		t.Fatalf("%d correlations, min %v; want 190 pairs near 1", len(corr), slices.Min(corr))
	}
	fano, _ := s.Fano(5)
	if fano[0] > 1 || !math.IsNaN(fano[20]) {
		t.Fatalf("Fano of a regular train %v, silent %v", fano[0], fano[20])
	}
}

func TestSpikeTrainsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"length", func() error { _, err := NewSpikeTrains([]float64{1, 2}, []int{0}, 2, 0, 10); return err }},
		{"id range", func() error { _, err := NewSpikeTrains([]float64{1}, []int{2}, 2, 0, 10); return err }},
		{"negative id", func() error { _, err := NewSpikeTrains([]float64{1}, []int{-1}, 2, 0, 10); return err }},
		{"window", func() error { _, err := NewSpikeTrains([]float64{1}, []int{0}, 2, 10, 10); return err }},
		{"nan time", func() error { _, err := NewSpikeTrains([]float64{math.NaN()}, []int{0}, 2, 0, 10); return err }},
		{"bin", func() error {
			s, _ := NewSpikeTrains([]float64{1}, []int{0}, 2, 0, 10)
			_, err := s.Fano(6)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, param.ErrInvalid) {
				t.Fatalf("err = %v, want a param error", err)
			}
		})
	}
	// Spikes outside the window are dropped, not errors.
	s, err := NewSpikeTrains([]float64{-1, 5, 12}, []uint8{0, 0, 1}, 2, 0, 10)
	if err != nil || s.Count() != 1 || len(s.Train(0)) != 1 {
		t.Fatalf("window filtering: %v, %d spikes", err, s.Count())
	}
}

func TestSpikeTrainsBinLimit(t *testing.T) {
	s, err := NewSpikeTrains([]float64{1, 50}, []int{0, 9}, 10, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		run   func() error
		valid bool
	}{
		{"Binned 1 ms", func() error { _, _, err := s.Binned(1); return err }, true},
		{"Binned seconds", func() error { _, _, err := s.Binned(1e-9); return err }, false},
		{"Binned tiny", func() error { _, _, err := s.Binned(1e-300); return err }, false},
		{"Binned just over", func() error { _, _, err := s.Binned(1000.0 / (MaxBinCells + 20)); return err }, false},
		{"Fano", func() error { _, err := s.Fano(1e-9); return err }, false},
		{"Correlations", func() error { _, err := s.Correlations(1e-9, 10, 1); return err }, false},
		{"Summary", func() error { _, err := s.Summary(1e-9, 1); return err }, false},
		{"PopulationRate", func() error { _, err := s.PopulationRate(1e-9); return err }, false},
		{"PopulationSpectrum", func() error { _, _, err := s.PopulationSpectrum(1e-9, 0); return err }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if tc.valid {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var pe *param.Error
			if !errors.As(err, &pe) || pe.Name != "binMs" {
				t.Fatalf("err = %v, want a param error naming binMs", err)
			}
		})
	}
}

func TestSpikeTrainsTrainRange(t *testing.T) {
	s, err := NewSpikeTrains([]float64{1}, []int{0}, 2, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{-1, 2, 100} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			paramtest.Panics(t, fmt.Sprintf("analysis: Train: neuron %d out of range", i), func() { s.Train(i) })
		})
	}
}

// Degenerate spike data gives the documented values: silent neurons and
// populations NaN statistics, never a panic; a window too short for the
// default spectrum segment is an error naming binMs (it named segment,
// which the caller had left 0, with the empty range [4, 2]).
func TestSpikeTrainsDegenerate(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name        string
		times       []float64
		ids         []int
		n           int
		t1          float64
		cv          []float64
		silent      float64
		fano, corr  bool // MeanFano, MeanCorr finite
		peak        bool // PeakHz finite
		spectrumErr string
	}{
		{"all silent", nil, nil, 3, 1000, []float64{nan, nan, nan}, 1, false, false, false, ""},
		{"one silent", []float64{10, 30, 70, 90}, []int{0, 0, 0, 0}, 2, 1000, []float64{math.Sqrt2 / 4, nan}, 0.5, true, false, true, ""},
		{"duplicate times", []float64{5, 5, 5, 5}, []int{0, 0, 0, 0}, 1, 1000, []float64{nan}, 0, true, false, true, ""},
		{"short window", []float64{1, 5, 9}, []int{0, 0, 0}, 1, 50, []float64{0}, 0, true, false, false, "binMs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSpikeTrains(tc.times, tc.ids, tc.n, 0, tc.t1)
			if err != nil {
				t.Fatal(err)
			}
			cv := s.ISICV()
			for i, want := range tc.cv {
				if math.IsNaN(want) != math.IsNaN(cv[i]) || (!math.IsNaN(want) && math.Abs(cv[i]-want) > 1e-12) {
					t.Errorf("ISICV[%d] = %v, want %v", i, cv[i], want)
				}
			}
			st, err := s.Summary(5, 1)
			if err != nil {
				t.Fatal(err)
			}
			finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
			if st.Silent != tc.silent || finite(st.MeanFano) != tc.fano || finite(st.MeanCorr) != tc.corr || finite(st.PeakHz) != tc.peak {
				t.Errorf("summary %+v", st)
			}
			_, _, err = s.PopulationSpectrum(5, 0)
			if tc.spectrumErr == "" {
				if err != nil {
					t.Errorf("PopulationSpectrum: %v", err)
				}
			} else if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.spectrumErr) {
				t.Errorf("PopulationSpectrum: %v, want a param error naming %s", err, tc.spectrumErr)
			}
		})
	}
}
