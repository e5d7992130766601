package bench

import (
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
)

// spikeStats is the mean rate (Hz) and the mean ISI CV over neurons with ≥ 3
// spikes, counting spikes with t0 ≤ t < t1 — the definition of
// bench/brian2/common.py's spike_stats.
func spikeStats(times []float64, ids []uint32, n int, t0, t1 float64) (rate, cv float64) {
	per := map[uint32][]float64{}
	count := 0
	for i, t := range times {
		if t >= t0 && t < t1 {
			per[ids[i]] = append(per[ids[i]], t)
			count++
		}
	}
	rate = float64(count) / (float64(n) * (t1 - t0) / 1000)
	var sum float64
	var m int
	for _, ts := range per {
		if len(ts) < 3 {
			continue
		}
		sort.Float64s(ts)
		var mu, m2 float64
		k := float64(len(ts) - 1)
		for i := 1; i < len(ts); i++ {
			mu += ts[i] - ts[i-1]
		}
		mu /= k
		for i := 1; i < len(ts); i++ {
			d := ts[i] - ts[i-1] - mu
			m2 += d * d
		}
		sum += math.Sqrt(m2/k) / mu
		m++
	}
	return rate, sum / float64(m)
}

// presetStats runs a preset for ms and returns the statistics over all
// populations (neuron ids offset per population).
func presetStats(t testing.TB, name string, o kernel.PresetOptions, ms, t0 float64) (rate, cv float64) {
	o.Record = true
	spec, err := kernel.Preset(name, o)
	if err != nil {
		t.Fatal(err)
	}
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	var times []float64
	var ids []uint32
	off, n := uint32(0), 0
	for _, p := range spec.Populations {
		sp := net.Recorder("spikes:" + p.Name).Spikes()
		times = append(times, sp.TimesMs...)
		for _, id := range sp.IDs {
			ids = append(ids, id+off)
		}
		off += uint32(p.N)
		n += p.N
	}
	return spikeStats(times, ids, n, t0, ms)
}

type brianRun struct {
	Seed   int       `json:"seed"`
	RateHz float64   `json:"rate_hz"`
	CV     float64   `json:"cv_isi"`
	RunS   []float64 `json:"run_s"`
}

func loadBrian(t *testing.T, path string) []brianRun {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var runs []brianRun
	if err := json.Unmarshal(b, &runs); err != nil {
		t.Fatal(err)
	}
	return runs
}

func meanSE(x []float64) (m, se float64) {
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var s2 float64
	for _, v := range x {
		s2 += (v - m) * (v - m)
	}
	return m, math.Sqrt(s2 / float64(len(x)-1) / float64(len(x)))
}

// TestSpikingCUBAMatchesBrian2: the CUBA network's mean rate and ISI CV over
// seeds agree with Brian2 2.5.1's (C++ standalone, frozen in
// baseline/spiking_brian2_cuba.json by bench/brian2/cuba.py) within 3
// standard errors of the difference.
func TestSpikingCUBAMatchesBrian2(t *testing.T) {
	ref := loadBrian(t, "baseline/spiking_brian2_cuba.json")
	if len(ref) < 5 {
		t.Fatalf("%d Brian2 seeds frozen, want ≥ 5", len(ref))
	}
	seeds := 8
	if testing.Short() {
		seeds = 5
	}
	var br, bc, or, oc []float64
	for _, r := range ref {
		br, bc = append(br, r.RateHz), append(bc, r.CV)
	}
	for s := 1; s <= seeds; s++ {
		r, c := presetStats(t, "cuba", kernel.PresetOptions{Seed: uint64(100 + s)}, 1000, 100)
		or, oc = append(or, r), append(oc, c)
	}
	for _, q := range []struct {
		name     string
		ours, br []float64
	}{{"rate (Hz)", or, br}, {"ISI CV", oc, bc}} {
		mo, so := meanSE(q.ours)
		mb, sb := meanSE(q.br)
		se := math.Hypot(so, sb)
		t.Logf("%s: neurodyn %.4f ± %.4f (%d seeds), Brian2 %.4f ± %.4f (%d seeds)", q.name, mo, so, len(q.ours), mb, sb, len(q.br))
		if math.Abs(mo-mb) > 3*se {
			t.Errorf("%s: |%.4f − %.4f| = %.4f > 3 SE = %.4f", q.name, mo, mb, math.Abs(mo-mb), 3*se)
		}
	}
}
