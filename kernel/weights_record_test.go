package kernel_test

// Tests of the weights recorder (RecorderSpec kind "weights"): its samples
// against the independent STDP and vogels_sprekeler references
// (stdp_ref_test.go, istdp_ref_test.go) replayed up to each sample time,
// against the weights the kernel stores (Projection(i).Weight) where no
// pairing is pending, its determinism, that recording changes nothing, its
// checkpoints and its errors.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// wrProj is a plastic list projection pre → post of a reference case: one
// synapse per (pre, post) pair and delay, recorded at synapses (nil: all).
type wrProj struct {
	delaysMs []float64
	rule     synapses.Plasticity
	synapses []int
}

// wrRun builds spec with workers and runs it for each of ms in turn. It
// returns the spikes and frames of its recorders by name, the weights of
// every projection before the run and after each Run call, and its
// connectivity (weights left out).
func wrRun(t *testing.T, spec kernel.Spec, workers int, ms ...float64) (spikes map[string]*kernel.SpikeMemory,
	frames map[string]*kernel.FrameMemory, before [][]float32, stops [][][]float32, csrs []*synapses.CSR) {
	t.Helper()
	net, err := kernel.New(spec, kernel.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	weights := func() [][]float32 {
		var ws [][]float32
		for i := range spec.Projections {
			ws = append(ws, slices.Clone(net.Projection(i).Weight))
		}
		return ws
	}
	before = weights()
	for _, d := range ms {
		if err := net.Run(d); err != nil {
			t.Fatal(err)
		}
		stops = append(stops, weights())
	}
	frames = map[string]*kernel.FrameMemory{}
	for _, r := range net.Recorders() {
		if m := r.Frames(); m != nil {
			frames[r.Name()] = m
		}
	}
	for i := range spec.Projections {
		c := *net.Projection(i)
		c.Weight = nil
		csrs = append(csrs, &c)
	}
	return recorderSpikes(net), frames, before, stops, csrs
}

// wrRef replays synapse (initial weight w0, delay d steps) of a projection
// with rule p (sign: of its weights) up to time tT (steps; the end of step
// tT − 1, a sample's time), over the spikes up to then (times in steps, a
// spike emitted in step s at s+1), with the references of
// stdp_ref_test.go and istdp_ref_test.go. eff is the weight the recorder
// samples: every pairing whose postsynaptic spike has reached the synapse
// by tT taken in (flush at once: the postsynaptic spikes passed are those
// that reached it). lazy is the weight Projection(i).Weight holds at tT,
// NEST's, with the last presynaptic spike's pairings taken in once
// complete before step cut, the kernel's last prune (0: never).
func wrRef(p synapses.Plasticity, sign float64, w0 float64, d int, pre, post []int, dt float64, tT, cut, reach int) (eff, lazy float64) {
	var preT, postT []int
	for _, tp := range pre {
		if tp <= tT {
			preT = append(preT, tp)
		}
	}
	for _, tq := range post {
		if tq+d <= tT {
			postT = append(postT, tq)
		}
	}
	const now = math.MaxInt / 2
	if p.Kind == "vogels_sprekeler" {
		r := vsRefOf(p, sign)
		return r.final(w0, d, preT, postT, dt, now, reach, vsRefExact), r.final(w0, d, preT, postT, dt, cut, reach, vsRefExact)
	}
	r := refSTDPOf(p, sign)
	return r.final(w0, d, preT, postT, dt, now, reach), r.final(w0, d, preT, postT, dt, cut, reach)
}

// wrPending reports whether a synapse (delay d) of a source whose spikes
// are pre has at time tT a pairing that the kernel has not yet taken into
// its stored weight: one with a postsynaptic spike that reached the
// synapse after the source's last spike, within reach, unless the prune at
// cut (≤ tT) applied them.
func wrPending(d int, pre, post []int, tT, cut, reach int) bool {
	last := 0
	for _, tp := range pre {
		if tp <= tT {
			last = tp
		}
	}
	if last == 0 || last-1+reach < cut {
		return false
	}
	for _, tq := range post {
		if last-d < tq && tq+d <= tT && tq+d-last <= reach {
			return true
		}
	}
	return false
}

// TestWeightsRecorderMatchesReference: random pre and post spike trains
// forced by spike_source devices (presynaptic spikes also on the edges of
// the pairing windows), plastic list projections (stdp: additive,
// multiplicative, inhibitory, τ₊ = 0.5 ms so that prune applies pairings
// early; vogels_sprekeler; delays 0 to 2.3 ms, several per projection) with
// a weights recorder each (all synapses or some; intervals not multiples
// of the slice). Every sample agrees within 1e-5·|w_max| with the
// reference replayed up to its time, pairings reached by then included;
// the cases include many samples where these are pending (NEST's lazy
// weight differs). A run stopped at sample times (2 workers) records the
// same bits, and at each stop every synapse without a pending pairing was
// sampled with the exact bits of Projection(i).Weight; 3 workers record
// the same bits.
func TestWeightsRecorderMatchesReference(t *testing.T) {
	const (
		dt    = 0.1
		nPre  = 4
		nPost = 3
		gap   = 30 // steps: 3 ms > t_ref = 2 ms of lif_delta
		wMax  = 0.1
	)
	T := 600.0
	minSp, maxSp := 15, 40
	if testing.Short() {
		T, minSp, maxSp = 300, 8, 20
	}
	nSteps := int(math.Round(T / dt))
	stdp := func(p synapses.Plasticity) synapses.Plasticity {
		p.Kind, p.WMax = "stdp", wMax
		if p.Alpha == 0 {
			p.Alpha = 1
		}
		return p
	}
	delays := []float64{0.5, 1.0, 2.3}
	cases := []struct {
		name       string
		sign       int
		intervalMs float64
		projs      []wrProj
	}{
		{"stdp", 1, 1.3, []wrProj{{delays, stdp(synapses.Plasticity{Lambda: 0.05}), nil}}},
		{"stdp_multiplicative_inhibitory", -1, 0.7, []wrProj{{delays, stdp(synapses.Plasticity{Lambda: 0.1, MuPlus: 1, MuMinus: 1}), []int{0, 3, 4, 17, 35}}}},
		{"stdp_early_pairings", 1, 2.1, []wrProj{{delays, stdp(synapses.Plasticity{Lambda: 0.3, TauPlusMs: 0.5, MuPlus: 0.4}), nil}}},
		{"vogels_sprekeler", -1, 1.1, []wrProj{{[]float64{0.1, 1.0, 3.1}, vsRule(0.004, 0.25, wMax, 20, 15), []int{1, 2, 9, 20, 33}}}},
		{"delay0_and_delayed", 1, 0.3, []wrProj{
			{[]float64{0}, stdp(synapses.Plasticity{Lambda: 0.05, TauMinusMs: 30}), nil},
			{[]float64{0.1, 1.0}, vsRule(0.003, 0.8, wMax, 0, 0), []int{0, 5, 6, 23}}}},
	}
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(0x3E16, uint64(ci)))
			var allDelays []int
			for _, p := range tc.projs {
				for _, d := range p.delaysMs {
					allDelays = append(allDelays, int(math.Round(d/dt)))
				}
			}
			postTr := make([][]int, nPost)
			for j := range postTr {
				postTr[j] = refTrain(rng, minSp+rng.IntN(maxSp-minSp+1), 50, nSteps-100, gap)
			}
			preTr := make([][]int, nPre)
			for i := range preTr {
				base := refTrain(rng, minSp+rng.IntN(maxSp-minSp+1), 50, nSteps-100, gap)
				extra := refAligned(rng, postTr[rng.IntN(nPost)], allDelays, 50, nSteps-100)
				preTr[i] = refMerge(extra, base, gap)
			}
			sign := 1.0
			if tc.sign < 0 {
				sign = -1
			}
			spec := kernel.Spec{
				DtMs: dt, Seed: 1,
				Populations: []kernel.PopulationSpec{
					{Name: "pre", N: nPre, Model: "lif_delta", Sign: tc.sign},
					{Name: "post", N: nPost, Model: "lif_delta"},
				},
				Devices:   append(refDrive("pre", preTr, dt), refDrive("post", postTr, dt)...),
				Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "pre"}, {Kind: "spikes", Population: "post"}},
			}
			names := []string{"pre_to_post", "pre_to_post_1"}
			for pi, p := range tc.projs {
				pr := kernel.ProjectionSpec{Source: "pre", Target: "post", Rule: synapses.Rule{Kind: "list"}, Plasticity: p.rule}
				for i := range nPre {
					for j := range nPost {
						for _, d := range p.delaysMs {
							pr.Sources = append(pr.Sources, i)
							pr.Targets = append(pr.Targets, j)
							pr.WeightList = append(pr.WeightList, sign*float64(float32((0.05+0.9*rng.Float64())*wMax)))
							pr.DelayListMs = append(pr.DelayListMs, d)
						}
					}
				}
				spec.Projections = append(spec.Projections, pr)
				spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Name: fmt.Sprint("w", pi), Kind: "weights",
					Projection: names[pi], Synapses: p.synapses, IntervalMs: tc.intervalMs})
			}
			iv := int(math.Round(tc.intervalMs / dt))
			nFrames := nSteps / iv

			spikes, frames, before, _, csrs := wrRun(t, spec, 1, T)
			pre := refSteps(t, spikes["spikes:pre"], nPre, dt)
			post := refSteps(t, spikes["spikes:post"], nPost, dt)
			for i := range preTr {
				if !slices.Equal(pre[i], preTr[i]) {
					t.Fatalf("pre neuron %d spiked at steps %v, forced %v", i, pre[i], preTr[i])
				}
			}
			for j := range postTr {
				if !slices.Equal(post[j], postTr[j]) {
					t.Fatalf("post neuron %d spiked at steps %v, forced %v", j, post[j], postTr[j])
				}
			}
			// the recorded synapses: source, target, delay
			type syn struct{ k, src, tgt, d int }
			recorded := make([][]syn, len(tc.projs))
			for pi, p := range tc.projs {
				c := csrs[pi]
				for k := range c.Len() {
					if p.synapses != nil && !slices.Contains(p.synapses, k) {
						continue
					}
					src := 0
					for c.Ptr[src+1] <= uint64(k) {
						src++
					}
					recorded[pi] = append(recorded[pi], syn{k, src, int(c.Target[k]), c.D(uint64(k))})
				}
			}
			reach := func(p synapses.Plasticity) int { r, _ := vsRefReach(p.WithDefaults().TauPlusMs, dt, 0); return r }
			every := func(p synapses.Plasticity) int { return max(reach(p)/2, 1000) }

			pending, samples := 0, 0
			for pi, p := range tc.projs {
				m := frames[fmt.Sprint("w", pi)]
				if len(m.TimesMs) != nFrames || m.Width != len(recorded[pi]) {
					t.Fatalf("projection %d: %d frames of %d, want %d of %d", pi, len(m.TimesMs), m.Width, nFrames, len(recorded[pi]))
				}
				bad, worst := 0, 0.0
				for f := range nFrames {
					tT := (f + 1) * iv
					if m.TimesMs[f] != float64(tT)*dt {
						t.Fatalf("frame %d at %v ms, want %v", f, m.TimesMs[f], float64(tT)*dt)
					}
					for col, s := range recorded[pi] {
						cut := tT / every(p.rule) * every(p.rule)
						eff, lazy := wrRef(p.rule, sign, float64(before[pi][s.k]), s.d, pre[s.src], post[s.tgt], dt, tT, cut, reach(p.rule))
						got := float64(m.Frame(f)[col])
						samples++
						if math.Abs(eff-lazy) > 1e-4*wMax {
							pending++
						}
						worst = max(worst, math.Abs(got-eff)/wMax)
						if math.Abs(got-eff) > 1e-5*wMax {
							if bad++; bad <= 10 {
								t.Errorf("projection %d synapse %d (pre %d → post %d, delay %d) at %v ms: recorded %.9g, reference %.9g (NEST's lazy weight %.9g)",
									pi, s.k, s.src, s.tgt, s.d, m.TimesMs[f], got, eff, lazy)
							}
						}
					}
				}
				if bad > 10 {
					t.Errorf("projection %d: %d samples differ from the reference", pi, bad)
				}
				t.Logf("projection %d: %d frames × %d synapses, largest |recorded − reference| = %.2g·w_max", pi, nFrames, len(recorded[pi]), worst)
			}
			if pending < samples/20 {
				t.Errorf("only %d of %d samples with a pending pairing: the case exercises too little", pending, samples)
			}
			t.Logf("%d of %d samples with pending pairings", pending, samples)

			// stopped at sample times: the same frames, and the stored
			// weights where nothing is pending
			var runs []float64
			var stopSteps []int
			for at, step := 0, 11*iv; step <= nSteps; step += (11 + 3*len(runs)) * iv {
				runs, stopSteps, at = append(runs, float64(step-at)*dt), append(stopSteps, step), step
			}
			_, frames2, _, stops, _ := wrRun(t, spec, 2, runs...)
			for name, m := range frames2 {
				want := frames[name]
				if len(m.TimesMs) != stopSteps[len(stopSteps)-1]/iv || !slices.Equal(m.TimesMs, want.TimesMs[:len(m.TimesMs)]) ||
					!slices.Equal(m.Data, want.Data[:len(m.Data)]) {
					t.Fatalf("%s: the run stopped at sample times recorded other frames", name)
				}
			}
			exact := 0
			for si, step := range stopSteps {
				f := step/iv - 1
				for pi, p := range tc.projs {
					m := frames2[fmt.Sprint("w", pi)]
					cut := step / every(p.rule) * every(p.rule)
					for col, s := range recorded[pi] {
						if wrPending(s.d, pre[s.src], post[s.tgt], step, cut, reach(p.rule)) {
							continue
						}
						exact++
						if got, want := m.Frame(f)[col], stops[si][pi][s.k]; math.Float32bits(got) != math.Float32bits(want) {
							t.Errorf("projection %d synapse %d at %v ms, no pairing pending: recorded %v, Projection.Weight %v",
								pi, s.k, float64(step)*dt, got, want)
						}
					}
				}
			}
			if exact == 0 {
				t.Error("no sample compared with the stored weights")
			}
			_, frames3, _, _, _ := wrRun(t, spec, 3, T)
			if !reflect.DeepEqual(frames3, frames) {
				t.Fatal("3 workers recorded other frames than 1")
			}
			t.Logf("%d stops, %d samples equal to the stored weights", len(stopSteps), exact)
		})
	}
}

// wrBrunel is plasticBrunel (stdp on E→E and I→E) or inhibBrunel
// (vogels_sprekeler on I→E) with weights recorders: some synapses of E→E
// every step, I→E every 7 steps (slices are 15 steps) and E→I (static)
// every 2 ms, and a recorder of every I→E synapse every 5 ms.
func wrBrunel(t testing.TB, s kernel.Spec) kernel.Spec {
	s.Recorders = append(s.Recorders,
		kernel.RecorderSpec{Name: "ee", Kind: "weights", Projection: "E_to_E", Synapses: []int{0, 1, 2, 500, 501, 7777, 12345, 99000}, IntervalMs: 0.1},
		kernel.RecorderSpec{Name: "ie", Kind: "weights", Projection: "I_to_E", Synapses: []int{3, 1000, 1001, 1002, 24000}, IntervalMs: 0.7},
		kernel.RecorderSpec{Name: "ei", Kind: "weights", Projection: "E_to_I", Synapses: []int{4, 40}, IntervalMs: 2},
		kernel.RecorderSpec{Kind: "weights", Projection: "I_to_E", IntervalMs: 5},
	)
	return s
}

// wrState is what a run of a recorded network gives: spikes, the weights
// of every projection and the frames of its weights recorders.
type wrState struct {
	Spikes  map[string]*kernel.SpikeMemory
	Weights [][]float32
	Frames  map[string]*kernel.FrameMemory
}

func wrRunState(t testing.TB, s kernel.Spec, workers int, ms ...float64) (st wrState) {
	t.Helper()
	runNet(t, s, workers, func(net *kernel.Network) {
		st.Spikes = recorderSpikes(net)
		for i := range s.Projections {
			st.Weights = append(st.Weights, slices.Clone(net.Projection(i).Weight))
		}
		st.Frames = map[string]*kernel.FrameMemory{}
		for _, r := range net.Recorders() {
			if r.Kind() == "weights" {
				st.Frames[r.Name()] = r.Frames()
			}
		}
	}, ms...)
	return st
}

// TestWeightsRecorderChangesNothing: Brunel's network with stdp (E→E, I→E)
// or vogels_sprekeler (I→E) spikes and learns to the same bits with and
// without weights recorders (every step, every 7 steps within 15-step
// slices, every synapse of I→E); the recorded weights move.
func TestWeightsRecorderChangesNothing(t *testing.T) {
	ms := 120.0
	if testing.Short() {
		ms = 60
	}
	for name, s := range map[string]kernel.Spec{"stdp": plasticBrunel(t), "vogels_sprekeler": inhibBrunel(t)} {
		t.Run(name, func(t *testing.T) {
			plain := wrRunState(t, s, 2, ms)
			rec := wrRunState(t, wrBrunel(t, s), 2, ms)
			if !reflect.DeepEqual(rec.Spikes, plain.Spikes) {
				t.Fatal("spikes differ with weights recorders")
			}
			if !reflect.DeepEqual(rec.Weights, plain.Weights) {
				t.Fatal("weights differ with weights recorders")
			}
			for _, name := range []string{"ee", "ie", "ei", "weights:I_to_E"} {
				m := rec.Frames[name]
				if m == nil || len(m.TimesMs) == 0 {
					t.Fatalf("%s: no frames", name)
				}
				moved := !slices.Equal(m.Frame(0), m.Frame(len(m.TimesMs)-1))
				if moved != (name != "ei") {
					t.Errorf("%s: weights moved %v over %v ms", name, moved, ms)
				}
			}
		})
	}
}

// TestWeightsRecorderIdentical: the frames of weights recorders (plastic
// and static projections) are bit-identical with 1, 2 and 3 workers, for a
// run split into four, and on every kernel path, as are spikes and weights.
func TestWeightsRecorderIdentical(t *testing.T) {
	ms := 80.0
	if testing.Short() {
		ms = 40
	}
	for name, s := range map[string]kernel.Spec{"stdp": plasticBrunel(t), "vogels_sprekeler": inhibBrunel(t)} {
		t.Run(name, func(t *testing.T) {
			s := wrBrunel(t, s)
			ref := wrRunState(t, s, 1, ms)
			checkIdentical(t, ms, ref.Spikes, ref, func(workers int, ms ...float64) (map[string]*kernel.SpikeMemory, wrState) {
				st := wrRunState(t, s, workers, ms...)
				return st.Spikes, st
			})
		})
	}
}

// TestWeightsRecorderCheckpoint: a recorded plastic run checkpointed
// halfway and restored into a network with another number of workers
// records the frames an uninterrupted run records after that time, and
// ends with its spikes and weights.
func TestWeightsRecorderCheckpoint(t *testing.T) {
	s := wrBrunel(t, plasticBrunel(t))
	want := wrRunState(t, s, 1, 60.3, 59.7)
	first, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := first.Run(60.3); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	second, err := kernel.New(s, kernel.WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if err := second.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(59.7); err != nil {
		t.Fatal(err)
	}
	for name, m := range want.Frames {
		a, b := first.Recorder(name).Frames(), second.Recorder(name).Frames()
		if len(a.TimesMs)+len(b.TimesMs) != len(m.TimesMs) || len(b.TimesMs) == 0 {
			t.Fatalf("%s: %d + %d frames, want %d", name, len(a.TimesMs), len(b.TimesMs), len(m.TimesMs))
		}
		if !slices.Equal(append(slices.Clone(a.TimesMs), b.TimesMs...), m.TimesMs) ||
			!slices.Equal(append(slices.Clone(a.Data), b.Data...), m.Data) {
			t.Fatalf("%s: frames before the checkpoint and after the restore differ from an uninterrupted run's", name)
		}
	}
	for i := range s.Projections {
		if !slices.Equal(second.Projection(i).Weight, want.Weights[i]) {
			t.Fatalf("projection %d: weights after restore differ", i)
		}
	}
}

// TestWeightsRecorderStatic: weights recorders of a static projection
// (drawn weights), of one with short-term plasticity (its weights w, not
// the efficacies), onto conductance-based neurons (magnitudes, nS) and in
// precise mode record the constant weights, Projection(i).Weight's bits;
// Units, IntervalMs, NextFrameMs and Synapses describe them.
func TestWeightsRecorderStatic(t *testing.T) {
	tsodyks := synapses.ShortTerm{Kind: "tsodyks2", U: 0.3, TauRecMs: 200, TauFacMs: 20}
	base := func(precise bool) kernel.Spec {
		s := kernel.Spec{
			Seed: 9, Precise: precise,
			Populations: []kernel.PopulationSpec{{Name: "E", N: 40, Sign: 1}, {Name: "I", N: 10, Sign: -1}},
			Projections: []kernel.ProjectionSpec{
				{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2}, Weights: synapses.Weights{Dist: "normal", Mean: 40, Std: 10}, DelayMs: 1},
				{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "fixed_indegree", K: 8}, Weights: synapses.Weights{Value: 30}, DelayMs: 1, ShortTerm: tsodyks},
			},
			Devices: []kernel.DeviceSpec{{Kind: "dc", Target: "E", AmplitudePA: 600}, {Kind: "dc", Target: "I", AmplitudePA: 500}},
			Recorders: []kernel.RecorderSpec{
				{Kind: "spikes", Population: "I"},
				{Name: "ee", Kind: "weights", Projection: "E_to_E", Synapses: []int{0, 7, 100}, IntervalMs: 0.3},
				{Name: "ei", Kind: "weights", Projection: "E_to_I", IntervalMs: 2},
			},
		}
		if !precise { // conductances: lif_exp alone runs in precise mode
			s.Populations = append(s.Populations, kernel.PopulationSpec{Name: "C", N: 5, Model: "lif_cond"})
			s.Projections = append(s.Projections, kernel.ProjectionSpec{Source: "I", Target: "C", Rule: synapses.Rule{Kind: "all_to_all"},
				Weights: synapses.Weights{Value: 2}, DelayMs: 1.5})
			s.Recorders = append(s.Recorders, kernel.RecorderSpec{Name: "ic", Kind: "weights", Projection: "I_to_C", Synapses: []int{1, 5, 49}, IntervalMs: 5})
		}
		return s
	}
	for _, precise := range []bool{false, true} {
		t.Run(fmt.Sprint("precise=", precise), func(t *testing.T) {
			s := base(precise)
			net, err := kernel.New(s, kernel.WithWorkers(2))
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			if err := net.Run(50); err != nil {
				t.Fatal(err)
			}
			if len(net.Recorder("spikes:I").Spikes().IDs) == 0 {
				t.Fatal("I does not spike: the short-term state does not move")
			}
			for _, tc := range []struct {
				name, proj, units string
				interval          float64
				n                 int
			}{{"ee", "E_to_E", "pA", 0.3, 166}, {"ei", "E_to_I", "pA", 2, 25}, {"ic", "I_to_C", "nS", 5, 10}} {
				r := net.Recorder(tc.name)
				if r == nil && precise {
					continue
				}
				c := net.Projection(slices.IndexFunc(s.Projections, func(p kernel.ProjectionSpec) bool { return p.Source+"_to_"+p.Target == tc.proj }))
				syn := r.Synapses()
				if tc.name == "ei" && len(syn) != c.Len() {
					t.Fatalf("ei: %d synapses recorded, want all %d", len(syn), c.Len())
				}
				m := r.Frames()
				if len(m.TimesMs) != tc.n || m.Width != len(syn) || r.Units() != tc.units || math.Abs(r.IntervalMs(net.DtMs())-tc.interval) > 1e-12 ||
					r.Neurons() != nil || r.Projection() != tc.proj || r.Kind() != "weights" {
					t.Fatalf("%s: %d frames of %d, units %s, interval %v, projection %s: want %d, %s, %v, %s", tc.name, len(m.TimesMs), m.Width,
						r.Units(), r.IntervalMs(net.DtMs()), r.Projection(), tc.n, tc.units, tc.interval, tc.proj)
				}
				if next := net.NextFrameMs(r); math.Abs(next-m.TimesMs[len(m.TimesMs)-1]-tc.interval) > 1e-9 {
					t.Errorf("%s: next frame at %v ms, the last at %v", tc.name, next, m.TimesMs[len(m.TimesMs)-1])
				}
				for f := range m.TimesMs {
					for col, k := range syn {
						if got := m.Frame(f)[col]; math.Float32bits(got) != math.Float32bits(c.W(uint64(k))) || tc.name == "ic" && got != 2 {
							t.Fatalf("%s frame %d synapse %d: %v, weight %v", tc.name, f, k, got, c.W(uint64(k)))
						}
					}
				}
			}
		})
	}
}

// TestWeightsRecorderErrors: bad weights recorders are errors naming the
// key and what is allowed, from Validate and New (synapse indices beyond
// those a rule drew: from New).
func TestWeightsRecorderErrors(t *testing.T) {
	base := func() kernel.Spec {
		return kernel.Spec{
			Populations: []kernel.PopulationSpec{{Name: "E", N: 10, Sign: 1}, {Name: "I", N: 4, Sign: -1}},
			Projections: []kernel.ProjectionSpec{
				{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "fixed_indegree", K: 3}, Weights: synapses.Weights{Value: 10}, DelayMs: 1},
				{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "list"}, Sources: []int{0, 1}, Targets: []int{2, 3}, Weights: synapses.Weights{Value: 5}, DelayMs: 1},
			},
			Recorders: []kernel.RecorderSpec{{Kind: "weights", Projection: "E_to_I", IntervalMs: 1}},
		}
	}
	rec := func(f func(r *kernel.RecorderSpec)) func(*kernel.Spec) {
		return func(s *kernel.Spec) { f(&s.Recorders[0]) }
	}
	for _, tc := range []struct {
		name     string
		mod      func(*kernel.Spec)
		want     string // in the error; "" for none
		validate bool   // Validate finds it (else New alone)
	}{
		{"ok", func(*kernel.Spec) {}, "", true},
		{"second projection", rec(func(r *kernel.RecorderSpec) { r.Projection, r.Synapses = "E_to_I_1", []int{1} }), "", true},
		{"unknown projection", rec(func(r *kernel.RecorderSpec) { r.Projection = "E_to_E" }),
			"recorder[0].projection = E_to_E: must be the name of a projection (<source>_to_<target>, as in edges.h5): one of E_to_I, E_to_I_1", true},
		{"no projection", rec(func(r *kernel.RecorderSpec) { r.Projection = "" }), `recorder[0].projection = "": must be the name of a projection`, true},
		{"no projections", func(s *kernel.Spec) { s.Projections = nil }, "recorder[0].projection = E_to_I: must be the name of a projection, but the spec has none", true},
		{"interval 0", rec(func(r *kernel.RecorderSpec) { r.IntervalMs = 0 }), "recorder[0].interval_ms = 0: must be a positive multiple of dt = 0.1 ms", true},
		{"interval off the grid", rec(func(r *kernel.RecorderSpec) { r.IntervalMs = 0.25 }), "recorder[0].interval_ms = 0.25: must be a positive multiple of dt = 0.1 ms", true},
		{"interval negative", rec(func(r *kernel.RecorderSpec) { r.IntervalMs = -1 }), "recorder[0].interval_ms = -1", true},
		{"interval NaN", rec(func(r *kernel.RecorderSpec) { r.IntervalMs = math.NaN() }), "recorder[0].interval_ms = NaN", true},
		{"population", rec(func(r *kernel.RecorderSpec) { r.Population = "E" }), `recorder[0].population = E: must be left out for kind = "weights"`, true},
		{"neurons", rec(func(r *kernel.RecorderSpec) { r.Neurons = []int{1} }), `recorder[0].neurons = [1]: must be left out for kind = "weights"`, true},
		{"neurons empty", rec(func(r *kernel.RecorderSpec) { r.Neurons = []int{} }), `recorder[0].neurons = []: must be left out for kind = "weights"`, true},
		{"synapses empty", rec(func(r *kernel.RecorderSpec) { r.Synapses = []int{} }),
			"recorder[0].synapses = []: must be left out for every synapse, or at least one index", true},
		{"synapses descending", rec(func(r *kernel.RecorderSpec) { r.Synapses = []int{3, 2} }), "recorder[0].synapses[1] = 2: must be ≥ 0, ascending and distinct", true},
		{"synapses repeated", rec(func(r *kernel.RecorderSpec) { r.Synapses = []int{3, 3} }), "recorder[0].synapses[1] = 3: must be ≥ 0, ascending and distinct", true},
		{"synapse negative", rec(func(r *kernel.RecorderSpec) { r.Synapses = []int{-1} }), "recorder[0].synapses[0] = -1", true},
		{"synapse beyond a rule's", rec(func(r *kernel.RecorderSpec) { r.Synapses = []int{0, 11, 12, 40} }),
			"recorder[0].synapses[2] = 12: must be in [0, 12): the synapses of projection E_to_I", false},
		{"synapse beyond a list's", rec(func(r *kernel.RecorderSpec) { r.Projection, r.Synapses = "E_to_I_1", []int{2} }),
			"recorder[0].synapses[0] = 2: must be in [0, 2): the synapses of projection E_to_I_1", false},
		{"projection on state", func(s *kernel.Spec) {
			s.Recorders = []kernel.RecorderSpec{{Kind: "state", Population: "E", Projection: "E_to_I"}}
		}, `recorder[0].projection = E_to_I: must be left out unless kind = "weights"`, true},
		{"synapses on spikes", func(s *kernel.Spec) {
			s.Recorders = []kernel.RecorderSpec{{Kind: "spikes", Population: "E", Synapses: []int{0}}}
		}, `recorder[0].synapses = [0]: must be left out unless kind = "weights"`, true},
		{"many synapses on state", func(s *kernel.Spec) {
			s.Recorders = []kernel.RecorderSpec{{Kind: "state", Population: "E", Synapses: make([]int, 100)}}
		}, `recorder[0].synapses = [100 indices]: must be left out unless kind = "weights"`, true},
		{"names clash", func(s *kernel.Spec) {
			s.Recorders = append(s.Recorders, kernel.RecorderSpec{Kind: "weights", Projection: "E_to_I", IntervalMs: 2})
		}, "recorder[1].name = weights:E_to_I: must be unique", true},
		{"unknown kind", rec(func(r *kernel.RecorderSpec) { r.Kind, r.Population, r.Projection = "weight", "E", "" }),
			"recorder[0].kind = weight: must be one of spikes, state, rate, filtered_spikes, weights", true},
		{"misspelt weights", rec(func(r *kernel.RecorderSpec) { r.Kind = "weight" }), // with its projection and synapses
			"recorder[0].kind = weight: must be one of spikes, state, rate, filtered_spikes, weights", true},
		{"misspelt weights with synapses", rec(func(r *kernel.RecorderSpec) { r.Kind, r.Synapses = "Weights", []int{0} }),
			"recorder[0].kind = Weights: must be one of spikes, state, rate, filtered_spikes, weights", true},
		{"unknown kind, unknown population", func(s *kernel.Spec) {
			s.Recorders = []kernel.RecorderSpec{{Kind: "spike", Population: "X"}}
		}, "recorder[0].kind = spike: must be one of", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mod(&s)
			verr := s.Validate()
			net, err := kernel.New(s)
			if err == nil {
				net.Close()
			}
			if tc.want == "" {
				if verr != nil || err != nil {
					t.Fatalf("Validate: %v, New: %v", verr, err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: error %v, want one with %q", err, tc.want)
			}
			if tc.validate != (verr != nil) || verr != nil && verr.Error() != err.Error() {
				t.Fatalf("Validate: %v (New: %v)", verr, err)
			}
		})
	}
}

// TestWeightsRecorderDecode: the recorder's keys read from TOML and JSON and
// survive EncodeTOML; a spec without them encodes as before (no new keys).
func TestWeightsRecorderDecode(t *testing.T) {
	const text = `
[[population]]
name = "E"
n = 3
[[projection]]
source = "E"
target = "E"
rule = { kind = "all_to_all" }
weights = { value = 1.0 }
delay_ms = 1.0
plasticity = { kind = "stdp", lambda = 0.01, alpha = 1.0, w_max = 2.0 }
[[recorder]]
kind = "weights"
projection = "E_to_E"
synapses = [0, 4]
interval_ms = 0.5
`
	s, err := kernel.DecodeTOML(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := kernel.RecorderSpec{Kind: "weights", Projection: "E_to_E", Synapses: []int{0, 4}, IntervalMs: 0.5}
	if !reflect.DeepEqual(s.Recorders, []kernel.RecorderSpec{want}) {
		t.Fatalf("decoded %+v", s.Recorders)
	}
	if _, back := tomlRoundTrip(t, s); !reflect.DeepEqual(back.Recorders, s.Recorders) {
		t.Fatalf("TOML round trip: %+v", back.Recorders)
	}
	j, err := kernel.DecodeJSON(strings.NewReader(`{"populations": [{"name": "E", "n": 3}], "recorders": [{"kind": "weights", "projection": "E_to_E", "synapses": [1], "interval_ms": 1}]}`))
	if err != nil || j.Recorders[0].Projection != "E_to_E" || !slices.Equal(j.Recorders[0].Synapses, []int{1}) {
		t.Fatalf("JSON: %+v, %v", j.Recorders, err)
	}
	s.Recorders = []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}}
	if text, _ := tomlRoundTrip(t, s); strings.Contains(text, "projection =") || strings.Contains(text, "synapses") {
		t.Fatalf("a spec without weights recorders encodes their keys:\n%s", text)
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	net.Close()
}

// TestWeightsRecorderZeroAllocs: weights recorders writing to a sink that
// keeps nothing allocate nothing: a steady-state step of a static network
// allocates nothing, one of a plastic network as much as without them
// (its spike histories grow).
func TestWeightsRecorderZeroAllocs(t *testing.T) {
	allocs := func(s kernel.Spec, workers int) float64 {
		net, err := kernel.New(s, kernel.WithWorkers(workers))
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		for _, r := range net.Recorders() {
			if err := net.SetSink(r.Name(), kernel.Discard{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := net.Run(50); err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(10, func() { _ = net.RunSteps(30) })
	}
	cuba := smallPresets(t)["cuba"]
	cuba.Recorders = []kernel.RecorderSpec{{Kind: "weights", Projection: "E_to_I", IntervalMs: 0.1}, {Kind: "weights", Projection: "I_to_E", Synapses: []int{5}, IntervalMs: 1}}
	plastic := wrBrunel(t, plasticBrunel(t))
	plastic.Recorders = plastic.Recorders[len(plastic.Recorders)-4:]
	plain := plasticBrunel(t)
	plain.Recorders = nil
	for _, w := range []int{1, 2} {
		if a := allocs(cuba, w); a != 0 {
			t.Errorf("static, workers=%d: %g allocations per 30 steps", w, a)
		}
		if a, b := allocs(plastic, w), allocs(plain, w); a != b {
			t.Errorf("plastic, workers=%d: %g allocations per 30 steps with weights recorders, %g without", w, a, b)
		}
	}
}

// TestEffectiveWeights: between runs, EffectiveWeights gives the weights a
// weights recorder samples at the end of the last step, bit for bit (stdp
// and vogels_sprekeler, static projections too), where Projection(i).Weight
// still lacks pending pairings at many synapses; SONATANetwork's syn_weight
// (edges.h5) holds them too. Reading them changes nothing: a network read
// midway runs on to the spikes, weights and frames of one never read.
func TestEffectiveWeights(t *testing.T) {
	const ms = 60.0
	for name, s := range map[string]kernel.Spec{"stdp": plasticBrunel(t), "vogels_sprekeler": inhibBrunel(t)} {
		t.Run(name, func(t *testing.T) {
			for _, pr := range s.Projections { // one each between two populations
				s.Recorders = append(s.Recorders, kernel.RecorderSpec{Kind: "weights", Projection: pr.Source + "_to_" + pr.Target, IntervalMs: ms})
			}
			read, err := kernel.New(s, kernel.WithWorkers(2))
			if err != nil {
				t.Fatal(err)
			}
			defer read.Close()
			for i := range s.Projections {
				if w := read.EffectiveWeights(nil, i); !slices.Equal(w, wrWeights(read.Projection(i))) {
					t.Fatalf("projection %d: before the run, effective weights differ from the stored ones", i)
				}
			}
			if err := read.Run(ms); err != nil {
				t.Fatal(err)
			}
			_, edges := read.SONATANetwork()
			var buf []float32
			pending := 0
			for i := range s.Projections {
				r := read.Recorder("weights:" + edges[i].Name)
				sample := r.Frames().Frame(0)
				buf = read.EffectiveWeights(buf, i)
				if !slices.Equal(buf, sample) {
					t.Fatalf("%s: effective weights differ from the recorder's sample at %g ms", r.Name(), ms)
				}
				stored := wrWeights(read.Projection(i))
				for k := range stored {
					if stored[k] != sample[k] {
						pending++
					}
				}
				var sw []float64
				for _, c := range edges[i].Attributes {
					if c.Name == "syn_weight" {
						sw, _ = export.Float64s(c.Data)
					}
				}
				if len(sw) != len(sample) {
					t.Fatalf("%s: %d edges, %d synapses sampled", edges[i].Name, len(sw), len(sample))
				}
				for k, w := range sample {
					if float32(sw[k]) != w {
						t.Fatalf("%s: synapse %d has syn_weight %g, the recorder sampled %g (stored %g)", edges[i].Name, k, sw[k], w, stored[k])
					}
				}
			}
			if pending == 0 {
				t.Fatal("no pairing pending at the end of the run: the test tells nothing")
			}
			t.Logf("%d synapses with pending pairings at %g ms", pending, ms)
			if err := read.Run(ms); err != nil {
				t.Fatal(err)
			}
			plain := wrRunState(t, s, 1, ms, ms)
			if !reflect.DeepEqual(recorderSpikes(read), plain.Spikes) {
				t.Fatal("spikes differ after reading the effective weights")
			}
			for i := range s.Projections {
				if !slices.Equal(read.Projection(i).Weight, plain.Weights[i]) {
					t.Fatalf("projection %d: weights differ after reading the effective weights", i)
				}
			}
			for name, m := range plain.Frames {
				if !reflect.DeepEqual(read.Recorder(name).Frames(), m) {
					t.Fatalf("%s: frames differ after reading the effective weights", name)
				}
			}
		})
	}
	t.Run("dst", func(t *testing.T) {
		net, err := kernel.New(plasticBrunel(t))
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		n := net.Projection(0).Len()
		dst := make([]float32, 3, n+5)
		if w := net.EffectiveWeights(dst, 0); len(w) != n || &w[0] != &dst[0] {
			t.Fatalf("EffectiveWeights(dst with room) returned %d weights, reused dst: %v", len(w), &w[0] == &dst[0])
		}
	})
}

// wrWeights returns the weights of c, one per synapse (constant ones too).
func wrWeights(c *synapses.CSR) []float32 {
	w := make([]float32, c.Len())
	for k := range w {
		w[k] = c.W(uint64(k))
	}
	return w
}

// TestWeightsRecorderInhibitoryConductance: onto conductance-based neurons
// a weights recorder records the conductances of the inh receptor as
// magnitudes, where edges.h5 (SONATANetwork) writes them negative, NEST's
// convention (RecorderSpec, FrameOptions).
func TestWeightsRecorderInhibitoryConductance(t *testing.T) {
	s := kernel.Spec{Seed: 2,
		Populations: []kernel.PopulationSpec{{Name: "E", N: 40, Model: "lif_cond", Sign: 1}, {Name: "I", N: 10, Model: "lif_cond"}},
		Projections: []kernel.ProjectionSpec{{Source: "I", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.5},
			Weights: synapses.Weights{Value: 6}, DelayMs: 1, Receptor: "inh"}},
		Recorders: []kernel.RecorderSpec{{Name: "wi", Kind: "weights", Projection: "I_to_E", Synapses: []int{0, 1, 2}, IntervalMs: 5}},
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(5); err != nil {
		t.Fatal(err)
	}
	_, edges := net.SONATANetwork()
	sw, _ := export.Float64s(edges[0].Attributes[0].Data)
	r := net.Recorder("wi")
	fo, err := net.FrameOptions(r)
	if err != nil {
		t.Fatal(err)
	}
	for col, k := range r.Synapses() {
		if w := r.Frames().Frame(0)[col]; w != 6 || sw[k] != -6 || fo.Units != "nS" {
			t.Fatalf("synapse %d: recorded %g %s, edges.h5 %g: want 6 and -6 nS", k, w, fo.Units, sw[k])
		}
	}
}

// TestWeightsRecorderNoColumns: a weights recorder of a projection that
// drew no synapses, and a state recorder of neurons = [], build and run
// (their frames have no value); RecordSONATA writes no report for them and
// lists them in Skipped, and FrameOptions refuses them with an error naming
// the recorder (and the projection).
func TestWeightsRecorderNoColumns(t *testing.T) {
	s := kernel.Spec{
		Populations: []kernel.PopulationSpec{{Name: "E", N: 5, Sign: 1}},
		Projections: []kernel.ProjectionSpec{
			{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "list"}, Weights: synapses.Weights{Value: 1}, DelayMs: 1},
			{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.001}, Weights: synapses.Weights{Value: 1}, DelayMs: 1,
				Plasticity: synapses.Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 2}},
		},
		Devices: []kernel.DeviceSpec{{Kind: "dc", Target: "E", AmplitudePA: 500}},
		Recorders: []kernel.RecorderSpec{
			{Kind: "weights", Projection: "E_to_E", IntervalMs: 1},
			{Kind: "state", Population: "E", Neurons: []int{}},
			{Kind: "spikes", Population: "E"},
			{Kind: "weights", Projection: "E_to_E_1", IntervalMs: 0.5},
		},
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if net.Projection(1).Len() != 0 {
		t.Fatalf("fixed_prob drew %d synapses: want none", net.Projection(1).Len())
	}
	recs := net.Recorders()
	for i, want := range map[int]string{
		0: `kernel: recorder[0] "weights:E_to_E" records no synapse: its projection E_to_E has no synapses`,
		1: `kernel: recorder[1] "state:E" records no neuron (neurons = [])`,
		3: `kernel: recorder[3] "weights:E_to_E_1" records no synapse: its projection E_to_E_1 has no synapses`,
	} {
		if _, err := net.FrameOptions(recs[i]); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("FrameOptions(%s): error %v, want %q", recs[i].Name(), err, want)
		}
		if recs[i].Columns() != 0 {
			t.Errorf("%s: %d columns", recs[i].Name(), recs[i].Columns())
		}
	}
	dir := t.TempDir()
	rec, err := net.RecordSONATA(dir, kernel.SONATAOptions{})
	if errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	} else if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.Skipped, []*kernel.Recorder{recs[0], recs[1], recs[3]}) || len(rec.Files) != 1 || filepath.Base(rec.Files[0]) != "spikes.h5" {
		t.Fatalf("RecordSONATA: files %v, skipped %v", rec.Files, rec.Skipped)
	}
	if err := net.Run(5); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if m := recs[3].Frames(); len(m.TimesMs) != 10 || len(m.Data) != 0 {
		t.Fatalf("%s: %d frames of %d values", recs[3].Name(), len(m.TimesMs), len(m.Data))
	}
}

// TestWeightsRecorderEstimate: EstimateBytes counts what a weights recorder
// costs per synapse, for every synapse the projection is expected to have
// when synapses are left out: 16 bytes of index lists, and a float32 per
// frame of a slice (plastic) or one (static); the count is a lower bound
// of what building the recorder allocates.
func TestWeightsRecorderEstimate(t *testing.T) {
	const n = 600
	base := kernel.Spec{
		Populations: []kernel.PopulationSpec{{Name: "E", N: n, Model: "lif_delta", Sign: 1}},
		Projections: []kernel.ProjectionSpec{{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.5},
			Weights: synapses.Weights{Value: 0.05}, DelayMs: 1.5, Plasticity: synapses.Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 0.1}}},
	}
	syn := 0.5 * n * n
	static := base
	static.Projections = slices.Clone(base.Projections)
	static.Projections[0].Plasticity = synapses.Plasticity{}
	for _, tc := range []struct {
		name string
		spec kernel.Spec
		r    kernel.RecorderSpec
		want float64 // bytes beyond the spec without the recorder
	}{
		{"all, every step", base, kernel.RecorderSpec{Kind: "weights", Projection: "E_to_E", IntervalMs: 0.1}, syn * (16 + 4*(15+1))},
		{"all, every 5 steps", base, kernel.RecorderSpec{Kind: "weights", Projection: "E_to_E", IntervalMs: 0.5}, syn * (16 + 4*(3+1))},
		{"all, every 20 steps", base, kernel.RecorderSpec{Kind: "weights", Projection: "E_to_E", IntervalMs: 2}, syn * (16 + 4)},
		{"some", base, kernel.RecorderSpec{Kind: "weights", Projection: "E_to_E", Synapses: []int{0, 1, 2}, IntervalMs: 0.1}, 3 * (16 + 4*16)},
		{"static", static, kernel.RecorderSpec{Kind: "weights", Projection: "E_to_E", IntervalMs: 0.1}, syn * (16 + 4)},
		{"unknown projection", base, kernel.RecorderSpec{Kind: "weights", Projection: "E_to_I", IntervalMs: 0.1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			with := tc.spec
			with.Recorders = []kernel.RecorderSpec{tc.r}
			if got := with.EstimateBytes() - tc.spec.EstimateBytes(); got != tc.want {
				t.Fatalf("the recorder adds %g bytes to the estimate, want %g", got, tc.want)
			}
		})
	}
	// against the heap: what New allocates with a recorder of every
	// synapse every step, beyond what it allocates without
	heap := func(s kernel.Spec) float64 {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		net, err := kernel.New(s, kernel.WithWorkers(1))
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		net.Close()
		return float64(m1.HeapAlloc) - float64(m0.HeapAlloc)
	}
	with := base
	with.Recorders = []kernel.RecorderSpec{{Kind: "weights", Projection: "E_to_E", IntervalMs: 0.1}}
	est := with.EstimateBytes() - base.EstimateBytes()
	got := heap(with) - heap(base)
	t.Logf("the recorder takes %.3g bytes, estimated %.3g", got, est)
	if got < 0.95*est || got > 2*est {
		t.Errorf("the recorder takes %.3g bytes, estimated %.3g", got, est)
	}
}
