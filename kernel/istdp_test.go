package kernel_test

import (
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// homeostasis is Vogels et al. (2011)'s rate control in its smallest form:
// 40 lif_exp neurons ("out") driven by excitatory Poisson input (driveHz
// events/s of 50 pA each: 25 Hz alone at 4 kHz, 60 Hz at 6 kHz) receive
// synapses, starting at 0 pA, from 200 inhibitory neurons firing as Poisson
// trains at 10 Hz (p = 0.5), under vogels_sprekeler plasticity with
// τ± = 20 ms, eta = 4 pA: the target rate is alpha/(2·20 ms).
func homeostasis(alpha, driveHz float64) kernel.Spec {
	parrot := map[string]float64{"t_ref_ms": 0.1, "e_l_mv": -70, "v_reset_mv": -70, "v_th_mv": -55}
	return kernel.Spec{
		Seed: 7,
		Populations: []kernel.PopulationSpec{
			{Name: "in", N: 200, Model: "lif_delta", Sign: -1, Params: parrot},
			{Name: "out", N: 40},
		},
		Projections: []kernel.ProjectionSpec{{Source: "in", Target: "out", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.5},
			Weights: synapses.Weights{Value: 0}, DelayMs: 1,
			Plasticity: synapses.Plasticity{Kind: "vogels_sprekeler", Eta: 4, Alpha: alpha, WMax: 1000}}},
		Devices: []kernel.DeviceSpec{
			{Kind: "poisson", Target: "in", RateHz: 10, Weight: 100}, // every input spike fires the parrot
			{Kind: "poisson", Target: "out", RateHz: driveHz, Weight: 50},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "out"}},
	}
}

// TestVogelsSprekelerHomeostasis: inhibitory plasticity brings neurons
// whose excitatory drive alone makes them fire at 25 or 60 Hz to the target
// rate alpha/(2τ), 5 or 10 Hz, whatever the drive: the mean rate of the
// last 8 of 20 simulated seconds lies within [0.9, 1.3] of the target (the
// rule's fixed point for uncorrelated trains; each inhibitory spike lowers
// the chance of a postsynaptic spike just after it, which the window counts,
// so the rate settles a little above), and the two drives end within 15% of
// each other. A rule with one side of the window, or without its constant
// depression, ends at twice the target or silent.
func TestVogelsSprekelerHomeostasis(t *testing.T) {
	const seconds, last = 20, 8 // 2 s of CPU; converged after about 10 s from 60 Hz
	for _, alpha := range []float64{0.2, 0.4} {
		target := alpha / (2 * 0.020)
		var final []float64
		for _, drive := range []float64{4000, 6000} {
			net, err := kernel.New(homeostasis(alpha, drive))
			if err != nil {
				t.Fatal(err)
			}
			rec := net.Recorders()[0].Spikes()
			rates, prev := make([]float64, seconds), 0
			for s := range rates {
				if err := net.Run(1000); err != nil {
					t.Fatal(err)
				}
				rates[s] = float64(len(rec.IDs)-prev) / 40
				prev = len(rec.IDs)
			}
			net.Close()
			mean := 0.0
			for _, r := range rates[seconds-last:] {
				mean += r / float64(last)
			}
			t.Logf("alpha %g, drive %g kHz: %.1f Hz in the first second, %.2f Hz in the last %d s (target %g Hz); per second %.1f",
				alpha, drive/1000, rates[0], mean, last, target, rates)
			if rates[0] < 2*target {
				t.Fatalf("alpha %g, drive %g kHz: %.1f Hz in the first second: the drive does not test the rule", alpha, drive/1000, rates[0])
			}
			if mean < 0.9*target || mean > 1.3*target {
				t.Errorf("alpha %g, drive %g kHz: %.2f Hz at the end, want %g Hz (within [0.9, 1.3])", alpha, drive/1000, mean, target)
			}
			final = append(final, mean)
		}
		if r := final[1] / final[0]; r < 1/1.15 || r > 1.15 {
			t.Errorf("alpha %g: %.2f and %.2f Hz at the end for the two drives, want within 15%%", alpha, final[0], final[1])
		}
	}
}

// inhibBrunel is plasticBrunel with vogels_sprekeler plasticity on I→E
// (target 5 Hz; the network fires above it) beside the STDP of E→E.
func inhibBrunel(t testing.TB) kernel.Spec {
	s := plasticBrunel(t)
	for i, pr := range s.Projections {
		if pr.Source == "I" && pr.Target == "E" {
			s.Projections[i].Plasticity = synapses.Plasticity{Kind: "vogels_sprekeler", TauMinusMs: 15, Eta: 0.01, Alpha: 0.2, WMax: 1}
		}
	}
	return s
}

// TestVogelsSprekelerIdentical: as TestSTDPIdentical, with the inhibitory
// rule on I→E.
func TestVogelsSprekelerIdentical(t *testing.T) {
	ms := 200.0
	if testing.Short() {
		ms = 80
	}
	s := inhibBrunel(t)
	refSpikes, refW := runPlastic(t, s, 1, ms)
	ie := refW[1]
	stronger := 0
	for _, w := range ie {
		if w > 0 || w < -1 {
			t.Fatalf("I→E weight %g outside [-1, 0]", w)
		}
		if w < float32(s.Projections[2].Weights.Value) {
			stronger++
		}
	}
	if stronger < len(ie)/2 {
		t.Fatalf("%d of %d I→E weights stronger after %g ms", stronger, len(ie), ms)
	}
	t.Logf("I→E: %d of %d weights stronger after %g ms", stronger, len(ie), ms)
	checkIdentical(t, ms, refSpikes, refW, func(workers int, ms ...float64) (map[string]*kernel.SpikeMemory, [][]float32) {
		return runPlastic(t, s, workers, ms...)
	})
}

// vogelsSprekelerGolden is the checksum of TestVogelsSprekelerGolden's
// weights and spikes on every kernel path and architecture (make
// asm-arm64 checks it under qemu).
const vogelsSprekelerGolden = 0xe895b76f3c7f93a2

// TestVogelsSprekelerGolden: a Brunel network of 500 neurons with
// vogels_sprekeler plasticity on I→E (per-synapse delays, τ₋ ≠ τ₊, a
// depression that takes some weights to 0) gives the same bits everywhere:
// the rule's products are rounded where arm64 would fuse them.
func TestVogelsSprekelerGolden(t *testing.T) {
	s, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Projections[2].DelayMaxMs = 3
	s.Projections[2].Plasticity = synapses.Plasticity{Kind: "vogels_sprekeler", TauPlusMs: 12, TauMinusMs: 25, Eta: 0.1, Alpha: 4.5, WMax: 0.6}
	checkGolden(t, s, 150, func(net *kernel.Network) [][]float32 {
		_, ws := plasticState(t, s, net)
		zero := 0
		for _, w := range ws[0] {
			if w == 0 {
				zero++
			}
		}
		if zero == 0 || zero == len(ws[0]) {
			t.Fatalf("%d of %d I→E weights at 0: the golden does not test the clipping", zero, len(ws[0]))
		}
		t.Logf("%d of %d I→E weights at 0", zero, len(ws[0]))
		return ws
	}, 500, vogelsSprekelerGolden)
}

// TestPresetVogels: the vogels preset at 2,000 neurons (K = 40, p = 0.02):
// the inhibitory plasticity brings the E rate down, from about 100 Hz in the
// first 200 ms to below a quarter of it after 5 s, as the I→E weights grow
// from 0.
func TestPresetVogels(t *testing.T) {
	s, err := kernel.Preset("vogels", kernel.PresetOptions{N: 2000, K: 40, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	e := net.Recorder("spikes:E").Spikes()
	rate := func(ms float64) float64 {
		before := len(e.IDs)
		if err := net.Run(ms); err != nil {
			t.Fatal(err)
		}
		return float64(len(e.IDs)-before) / 1600 / (ms / 1000)
	}
	first := rate(200)
	_ = rate(4600)
	last := rate(200)
	sum := 0.0
	ie := net.Projection(3).Weight
	for _, w := range ie {
		sum += float64(w)
	}
	t.Logf("E rate %.1f Hz in the first 200 ms, %.1f Hz at 4.8–5 s; mean I→E weight %.3f nS", first, last, sum/float64(len(ie)))
	if first < 80 || last > first/4 || sum <= 0 {
		t.Fatalf("E rate %.1f → %.1f Hz, I→E weights sum %g nS: the inhibitory plasticity does not act", first, last, sum)
	}
}
