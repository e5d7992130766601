package kernel_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// plasticBrunel is Brunel's model A at 1,250 neurons with STDP on E→E
// (multiplicative, per-synapse delays 1.5–3 ms, w_max twice J) and on I→E
// (additive, w_max given as a magnitude, negated by Dale's sign).
func plasticBrunel(t testing.TB) kernel.Spec {
	s, err := kernel.Preset("brunel", kernel.PresetOptions{N: 1250, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range s.Projections {
		switch {
		case pr.Source == "E" && pr.Target == "E":
			s.Projections[i].DelayMaxMs = 3
			s.Projections[i].Plasticity = synapses.Plasticity{Kind: "stdp", MuPlus: 1, MuMinus: 1, Lambda: 0.05, WMax: 0.2}
		case pr.Source == "I" && pr.Target == "E":
			s.Projections[i].Plasticity = synapses.Plasticity{Kind: "stdp", TauPlusMs: 15, Alpha: 1.1, Lambda: 0.02, WMax: 1}
		}
	}
	return s
}

// plasticState returns the spikes of net, built from s, and the weights of
// every plastic projection.
func plasticState(t testing.TB, s kernel.Spec, net *kernel.Network) (map[string]*kernel.SpikeMemory, [][]float32) {
	t.Helper()
	spikes := map[string]*kernel.SpikeMemory{}
	for _, r := range net.Recorders() {
		if m := r.Spikes(); m != nil {
			spikes[r.Name()] = m
		}
	}
	var ws [][]float32
	for i, pr := range s.Projections {
		if c := net.Projection(i); pr.Plasticity.Kind != "" {
			ws = append(ws, append([]float32(nil), c.Weight...))
		}
	}
	return spikes, ws
}

func runPlastic(t testing.TB, s kernel.Spec, workers int, ms ...float64) (map[string]*kernel.SpikeMemory, [][]float32) {
	t.Helper()
	net, err := kernel.New(s, kernel.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	for _, d := range ms {
		if err := net.Run(d); err != nil {
			t.Fatal(err)
		}
	}
	return plasticState(t, s, net)
}

// TestSTDPIdentical: weights and spikes of a plastic network are
// bit-identical whatever the number of workers, the kernel path and the
// split of the run; the weights move and stay between 0 and w_max.
func TestSTDPIdentical(t *testing.T) {
	ms := 200.0
	if testing.Short() {
		ms = 80
	}
	s := plasticBrunel(t)
	refSpikes, refW := runPlastic(t, s, 1, ms)
	for k, pi := range []int{0, 2} {
		pr := s.Projections[pi]
		wmax := float32(pr.Plasticity.WMax)
		if pr.Source == "I" {
			wmax = -wmax
		}
		moved, atBound := 0, 0
		for _, w := range refW[k] {
			if w/wmax < 0 || w/wmax > 1 {
				t.Fatalf("%s→%s: weight %g outside [0, %g]", pr.Source, pr.Target, w, wmax)
			}
			if w != float32(pr.Weights.Value) {
				moved++
			}
			if w == 0 || w == wmax {
				atBound++
			}
		}
		if moved < len(refW[k])/2 {
			t.Fatalf("%s→%s: %d of %d weights changed in %g ms", pr.Source, pr.Target, moved, len(refW[k]), ms)
		}
		t.Logf("%s→%s: %d of %d weights changed, %d at a bound", pr.Source, pr.Target, moved, len(refW[k]), atBound)
	}
	check := func(name string, spikes map[string]*kernel.SpikeMemory, ws [][]float32) {
		t.Helper()
		if !reflect.DeepEqual(spikes, refSpikes) {
			t.Fatalf("%s: spikes differ", name)
		}
		if !reflect.DeepEqual(ws, refW) {
			t.Fatalf("%s: weights differ", name)
		}
	}
	for _, w := range []int{2, 3} {
		sp, ws := runPlastic(t, s, w, ms)
		check("workers="+string(rune('0'+w)), sp, ws)
	}
	sp, ws := runPlastic(t, s, 2, 0.1, ms/2-0.1, 3.3, ms/2-3.3)
	check("split run", sp, ws)
	defer asm.Reset()
	for _, p := range asm.Paths() {
		if err := asm.Select(p); err != nil {
			t.Fatal(err)
		}
		sp, ws := runPlastic(t, s, 1, ms)
		check("path "+p, sp, ws)
	}
}

// TestSTDPCheckpoint: a plastic run checkpointed halfway and restored into
// a network with another number of workers ends with the spikes and
// weights of an uninterrupted one.
func TestSTDPCheckpoint(t *testing.T) {
	s := plasticBrunel(t)
	_, want := runPlastic(t, s, 1, 120)
	first, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := first.Run(60); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	ckpt := buf.Bytes()
	second, err := kernel.New(s, kernel.WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if err := second.Restore(bytes.NewReader(ckpt)); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(60); err != nil {
		t.Fatal(err)
	}
	if _, got := plasticState(t, s, second); !reflect.DeepEqual(got, want) {
		t.Fatal("weights after restore differ from an uninterrupted run")
	}
	// a truncated checkpoint is an error, not a half-restored network that
	// runs on silently
	third, _ := kernel.New(s)
	defer third.Close()
	if err := third.Restore(bytes.NewReader(ckpt[:len(ckpt)-100])); err == nil || !strings.Contains(err.Error(), "plasticity") {
		t.Fatalf("truncated checkpoint: %v", err)
	}
}

// TestSTDPErrors: bad plasticity parameters name their field.
func TestSTDPErrors(t *testing.T) {
	base := func() kernel.Spec {
		return kernel.Spec{
			Populations: []kernel.PopulationSpec{{Name: "E", N: 10, Sign: 1}, {Name: "I", N: 10, Sign: -1}},
			Projections: []kernel.ProjectionSpec{{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "all_to_all"},
				Weights: synapses.Weights{Value: 5}, DelayMs: 1,
				Plasticity: synapses.Plasticity{Kind: "stdp", WMax: 10}}},
		}
	}
	for _, tc := range []struct {
		name, want string
		mod        func(*kernel.Spec)
	}{
		{"kind", "projection[0]: synapses: plasticity.kind", func(s *kernel.Spec) { s.Projections[0].Plasticity.Kind = "hebb" }},
		{"fields without kind", "plasticity.kind", func(s *kernel.Spec) { s.Projections[0].Plasticity.Kind = "" }},
		{"w_max", "plasticity.w_max = 0", func(s *kernel.Spec) { s.Projections[0].Plasticity.WMax = 0 }},
		{"w_max NaN", "plasticity.w_max", func(s *kernel.Spec) { s.Projections[0].Plasticity.WMax = math.NaN() }},
		{"tau", "plasticity.tau_plus_ms", func(s *kernel.Spec) { s.Projections[0].Plasticity.TauPlusMs = -1 }},
		{"tau minus", "plasticity.tau_minus_ms", func(s *kernel.Spec) { s.Projections[0].Plasticity.TauMinusMs = math.Inf(-1) }},
		{"lambda", "plasticity.lambda", func(s *kernel.Spec) { s.Projections[0].Plasticity.Lambda = -0.1 }},
		{"alpha", "plasticity.alpha", func(s *kernel.Spec) { s.Projections[0].Plasticity.Alpha = -2 }},
		{"mu", "plasticity.mu_plus", func(s *kernel.Spec) { s.Projections[0].Plasticity.MuPlus = 1.5 }},
		{"mu minus", "plasticity.mu_minus", func(s *kernel.Spec) { s.Projections[0].Plasticity.MuMinus = -0.5 }},
		{"precise", "plasticity.kind", func(s *kernel.Spec) { s.Precise = true }},
		{"weight above w_max", "projection[0].plasticity.w_max = 4: must be a bound of every weight", func(s *kernel.Spec) { s.Projections[0].Plasticity.WMax = 4 }},
		{"weight of the other sign", "synapse 0 has weight -5", func(s *kernel.Spec) {
			s.Projections[0].Weights.Value = -5
			s.Projections[0].Weights.Sign = 0
			s.Populations[0].Sign = 0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mod(&s)
			_, err := kernel.New(s)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	// TOML: decoded, encoded back and equal; a static projection's
	// encoding has no plasticity table.
	s := base()
	var buf bytes.Buffer
	if err := kernel.EncodeTOML(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := kernel.DecodeTOML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Projections[0].Plasticity != s.Projections[0].Plasticity {
		t.Fatalf("TOML round trip: %+v", back.Projections[0].Plasticity)
	}
	s.Projections[0].Plasticity = synapses.Plasticity{}
	buf.Reset()
	_ = kernel.EncodeTOML(&buf, s)
	if strings.Contains(buf.String(), "plasticity") {
		t.Fatalf("static projection encodes plasticity:\n%s", buf.String())
	}
}

// TestSTDPBounded: the postsynaptic spike histories stay bounded by pruning
// (about the spikes of the last few presynaptic intervals, not the whole
// run), and a steady-state step allocates nothing.
func TestSTDPBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 1.5 s of a plastic network")
	}
	s := plasticBrunel(t)
	s.Recorders = nil
	for _, w := range []int{1, 2} {
		net, err := kernel.New(s, kernel.WithWorkers(w))
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Run(500); err != nil {
			t.Fatal(err)
		}
		spikes0, hist0 := net.Stats().Spikes, kernel.HistoryEntries(net)
		allocs := testing.AllocsPerRun(20, func() { _ = net.RunSteps(50) })
		if err := net.Run(900); err != nil {
			t.Fatal(err)
		}
		spikesE := float64(net.Stats().Spikes-spikes0) * 0.8 // E neurons' share, the targets
		hist := kernel.HistoryEntries(net)
		net.Close()
		t.Logf("workers=%d: %d history entries after 500 ms, %d after 1.5 s (%.0f E spikes in the last 1 s)", w, hist0, hist, spikesE)
		if float64(hist) > 0.25*spikesE || hist > 2*hist0+4096 {
			t.Fatalf("workers=%d: histories hold %d entries after 1.5 s (%d after 500 ms): not pruned", w, hist, hist0)
		}
		if allocs != 0 {
			t.Fatalf("workers=%d: %g allocations per 50 steps", w, allocs)
		}
	}
}
