package kernel_test

// An independent reference for the STDP of plastic projections, written from
// the published algorithm of NEST's stdp_synapse with the archiving node
// (all-to-all pairing, the synapse's delay counted as dendritic), not from
// kernel/stdp.go. Spike times are forced by spike_source devices, read back
// from the recorders, and the reference replays them synapse by synapse.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// refSTDP holds the rule's parameters after defaults; WMax is signed as the
// projection's weights.
type refSTDP struct {
	tauPlus, tauMinus, lambda, alpha, muPlus, muMinus, wMax float64
}

func refSTDPOf(p synapses.Plasticity, sign float64) refSTDP {
	r := refSTDP{p.TauPlusMs, p.TauMinusMs, p.Lambda, p.Alpha, p.MuPlus, p.MuMinus, sign * math.Abs(p.WMax)}
	if r.tauPlus == 0 {
		r.tauPlus = 20
	}
	if r.tauMinus == 0 {
		r.tauMinus = 20
	}
	return r
}

// final replays one synapse: initial weight w0, delay d steps, pre and post
// spike times in steps (a spike emitted in step s is at s+1), dt in ms. It
// returns the weight after the last presynaptic spike, and, as the kernel
// shows weights (kernel/doc.go), with that spike's pairings applied when
// they were complete — the postsynaptic spikes reaching the synapse within
// reach steps of it — before step flush (0: never).
func (r refSTDP) final(w0 float64, d int, pre, post []int, dt float64, flush, reach int) float64 {
	// the postsynaptic archive: K₋ just after each spike
	kMinus := make([]float64, len(post))
	for i := range post {
		kMinus[i] = 1
		if i > 0 {
			kMinus[i] += kMinus[i-1] * math.Exp(-float64(post[i]-post[i-1])*dt/r.tauMinus)
		}
	}
	w, kPlus, tLast := w0, 0.0, 0
	for _, tp := range pre {
		// 1. facilitation by every post spike with tLast − d < t ≤ tp − d
		for _, tq := range post {
			if tLast-d < tq && tq <= tp-d {
				wn := w / r.wMax
				wn += r.lambda * math.Pow(1-wn, r.muPlus) * kPlus * math.Exp(-float64(tq+d-tLast)*dt/r.tauPlus)
				w = math.Min(wn, 1) * r.wMax
			}
		}
		// 2. depression by K₋ at tp − d from the last post spike strictly before
		k := 0.0
		for i := len(post) - 1; i >= 0; i-- {
			if post[i] < tp-d {
				k = kMinus[i] * math.Exp(-float64(tp-d-post[i])*dt/r.tauMinus)
				break
			}
		}
		wn := w / r.wMax
		wn -= r.alpha * r.lambda * math.Pow(wn, r.muMinus) * k
		w = math.Max(wn, 0) * r.wMax
		// 3. the presynaptic trace
		kPlus = kPlus*math.Exp(-float64(tp-tLast)*dt/r.tauPlus) + 1
		tLast = tp
	}
	if len(pre) > 0 && flush > 0 && tLast-1+reach < flush { // tLast − 1: the emission step
		for _, tq := range post {
			if tLast-d < tq && tq+d-tLast <= reach {
				wn := w / r.wMax
				wn += r.lambda * math.Pow(1-wn, r.muPlus) * kPlus * math.Exp(-float64(tq+d-tLast)*dt/r.tauPlus)
				w = math.Min(wn, 1) * r.wMax
			}
		}
	}
	return w
}

// refTrain draws n spike steps in [lo, hi] at least gap steps apart.
func refTrain(rng *rand.Rand, n, lo, hi, gap int) []int {
	span := hi - lo - (n-1)*gap
	out := make([]int, n)
	for i := range out {
		out[i] = lo + rng.IntN(span+1)
	}
	slices.Sort(out)
	for i := range out {
		out[i] += i * gap
	}
	return out
}

// refAligned draws, for each spike tq of post with probability 1/3, a spike
// at tq + d + {−1, 0, +1} steps (d one of delays): the edges of the pairing
// windows. It keeps those in [lo, hi].
func refAligned(rng *rand.Rand, post, delays []int, lo, hi int) []int {
	var extra []int
	for _, tq := range post {
		if rng.IntN(3) == 0 {
			if s := tq + delays[rng.IntN(len(delays))] + rng.IntN(3) - 1; s >= lo && s <= hi {
				extra = append(extra, s)
			}
		}
	}
	return extra
}

// refThin keeps the spikes of a sorted train that lie at least gap steps after
// the last spike kept.
func refThin(tr []int, gap int) []int {
	var out []int
	for _, s := range tr {
		if len(out) == 0 || s-out[len(out)-1] >= gap {
			out = append(out, s)
		}
	}
	return out
}

// refMerge returns the spikes of extra (thinned to gap steps) and those of
// base at least gap steps from them, thinned: extra takes precedence.
func refMerge(extra, base []int, gap int) []int {
	all := refThin(slices.Sorted(slices.Values(extra)), gap)
	for _, s := range base {
		ok := true
		for _, e := range all {
			if s-e < gap && e-s < gap {
				ok = false
				break
			}
		}
		if ok {
			all = append(all, s)
		}
	}
	slices.Sort(all)
	return refThin(all, gap)
}

func refMs(tr []int, dt float64) []float64 {
	out := make([]float64, len(tr))
	for i, s := range tr {
		out[i] = float64(s) * dt
	}
	return out
}

// refSteps splits recorded spikes into per-neuron trains of steps.
func refSteps(t *testing.T, m *kernel.SpikeMemory, n int, dt float64) [][]int {
	t.Helper()
	out := make([][]int, n)
	for i, tm := range m.TimesMs {
		k := math.Round(tm / dt)
		if math.Abs(tm-k*dt) > 1e-9 {
			t.Fatalf("spike at %v ms is not on the grid of dt = %v", tm, dt)
		}
		out[m.IDs[i]] = append(out[m.IDs[i]], int(k))
	}
	return out
}

// refDrive forces neuron i of pop to spike at trains[i] (steps).
func refDrive(pop string, trains [][]int, dt float64) []kernel.DeviceSpec {
	var out []kernel.DeviceSpec
	for i, tr := range trains {
		if len(tr) == 0 {
			continue
		}
		out = append(out, kernel.DeviceSpec{Name: fmt.Sprintf("%s%d", pop, i), Kind: "spike_source", Target: pop,
			Neurons: []int{i}, SpikeTimesMs: refMs(tr, dt), Weight: 100})
	}
	return out
}

// refProj is one plastic projection pre → post of a test case.
type refProj struct {
	delaysMs []float64 // the delays of the synapses of every (pre, post) pair; all 0 or all > 0
	rule     synapses.Plasticity
}

// refRun builds and runs spec with the given workers, split into the given
// run lengths, and returns the recorded spikes and the weights before and
// after.
func refRun(t *testing.T, spec kernel.Spec, workers int, runs ...float64) (pre, post *kernel.SpikeMemory, before, after [][]float32, csr []*synapses.CSR) {
	t.Helper()
	net, err := kernel.New(spec, kernel.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	for i := range spec.Projections {
		c := net.Projection(i)
		if c.Weight == nil {
			t.Fatalf("projection %d: no per-synapse weights", i)
		}
		before = append(before, slices.Clone(c.Weight))
	}
	for _, ms := range runs {
		if err := net.Run(ms); err != nil {
			t.Fatal(err)
		}
	}
	for i := range spec.Projections {
		c := net.Projection(i)
		after = append(after, slices.Clone(c.Weight))
		cc := *c
		cc.Weight = nil
		csr = append(csr, &cc)
	}
	return net.Recorder("spikes:pre").Spikes(), net.Recorder("spikes:post").Spikes(), before, after, csr
}

// refRunForced runs spec (one worker, T ms, populations "pre" and "post"
// recorded) and checks that their neurons spiked exactly at the steps of
// preTr and postTr; it returns those and the weights before and after.
func refRunForced(t *testing.T, spec kernel.Spec, T, dt float64, preTr, postTr [][]int) (pre, post [][]int, before, after [][]float32, csrs []*synapses.CSR) {
	t.Helper()
	preM, postM, before, after, csrs := refRun(t, spec, 1, T)
	pre, post = refSteps(t, preM, len(preTr), dt), refSteps(t, postM, len(postTr), dt)
	// the forced spikes, and only they, happened
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
	return pre, post, before, after, csrs
}

// TestSTDPMatchesReference: random pre and post spike trains forced by
// spike_source devices (with extra presynaptic spikes on the edges of the
// pairing windows and in the last step of a run), replayed by refSTDP for
// every synapse of plastic list projections with several delays; the
// kernel's final weights agree within 1e-5·|w_max|, and are bit-identical
// with 1, 2 and 3 workers and a run split in three.
func TestSTDPMatchesReference(t *testing.T) {
	const (
		dt     = 0.1
		nPre   = 4
		nPost  = 3
		gap    = 30 // steps: 3 ms > t_ref = 2 ms of lif_delta
		wMaxMV = 0.1
	)
	T := 1500.0
	minSp, maxSp := 20, 60
	if testing.Short() {
		T, minSp, maxSp = 600, 10, 25
	}
	nSteps := int(math.Round(T / dt))
	splitStep := int(math.Round(T / 3 / dt)) // the split runs below: T/3, dt, the rest
	delays := []float64{0.5, 1.0, 2.3}
	// λ and α must be given: NEST's 0.01 and 1 unless a case sets them
	stdp := func(p synapses.Plasticity) synapses.Plasticity {
		p.Kind, p.WMax = "stdp", wMaxMV
		if p.Lambda == 0 {
			p.Lambda = 0.01
		}
		if p.Alpha == 0 {
			p.Alpha = 1
		}
		return p
	}
	cases := []struct {
		name  string
		sign  int // the pre population's Dale sign
		projs []refProj
	}{
		{"additive", 1, []refProj{{delays, stdp(synapses.Plasticity{Lambda: 0.05})}}},
		{"defaults", 0, []refProj{{delays, stdp(synapses.Plasticity{})}}},
		{"multiplicative", 1, []refProj{{delays, stdp(synapses.Plasticity{MuPlus: 1, MuMinus: 1, Lambda: 0.1})}}},
		{"fractional", 1, []refProj{{delays, stdp(synapses.Plasticity{MuPlus: 0.4, MuMinus: 0.7, Lambda: 0.08})}}},
		{"alpha_taus", 1, []refProj{{delays, stdp(synapses.Plasticity{Alpha: 1.7, Lambda: 0.003, TauPlusMs: 13.3, TauMinusMs: 41.9})}}},
		{"additive_clipping", 1, []refProj{{delays, stdp(synapses.Plasticity{Alpha: 0.8, Lambda: 0.6})}}},
		{"alpha_small", 1, []refProj{{delays, stdp(synapses.Plasticity{Alpha: 0.35, Lambda: 0.04, MuMinus: 1})}}},
		{"delay0", 1, []refProj{{[]float64{0, 0}, stdp(synapses.Plasticity{Lambda: 0.05, TauPlusMs: 15, TauMinusMs: 25})}}},
		{"delay0_and_delayed", 1, []refProj{
			{[]float64{0}, stdp(synapses.Plasticity{Lambda: 0.05, MuPlus: 1, MuMinus: 1})},
			{[]float64{0.1, 1.0, 2.3}, stdp(synapses.Plasticity{Lambda: 0.05, Alpha: 1.2})}}},
		{"inhibitory", -1, []refProj{{delays, stdp(synapses.Plasticity{Lambda: 0.05, MuPlus: 0.4, MuMinus: 0.7, Alpha: 1.3})}}},
		{"inhibitory_additive", -1, []refProj{{delays, stdp(synapses.Plasticity{Lambda: 0.05})}}},
		// τ₊ = 0.5 ms: pairings count for 32 τ₊ = 16 ms, so most sources fall
		// silent that long between spikes and prune applies their pairings
		// early (every 100 ms)
		{"early_pairings", 1, []refProj{{delays, stdp(synapses.Plasticity{Lambda: 0.3, TauPlusMs: 0.5, MuPlus: 0.4})}}},
	}
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(0x57D9, uint64(ci)))
			// post trains first, then pre trains with extra spikes placed at
			// t_post + d and t_post + d ± 1 step, the boundaries of the pairing
			// windows
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
				// spikes in the last step of a run: of the first of the split
				// runs, of the 1-step run, of the whole run
				if i < 3 {
					extra = append(extra, []int{splitStep, splitStep + 1, nSteps}[i])
				}
				preTr[i] = refMerge(extra, base, gap) // these and the aligned spikes take precedence over the base train
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
				Devices: append(refDrive("pre", preTr, dt), refDrive("post", postTr, dt)...),
				Recorders: []kernel.RecorderSpec{
					{Kind: "spikes", Population: "pre"},
					{Kind: "spikes", Population: "post"},
				},
			}
			type synKey struct{ src, tgt, d int }
			var wantW0 []map[synKey][]float64
			for _, p := range tc.projs {
				pr := kernel.ProjectionSpec{Source: "pre", Target: "post", Rule: synapses.Rule{Kind: "list"}, Plasticity: p.rule}
				w0 := map[synKey][]float64{}
				for i := range nPre {
					for j := range nPost {
						for _, d := range p.delaysMs {
							w := (0.05 + 0.9*rng.Float64()) * wMaxMV
							w = float64(float32(w))
							pr.Sources = append(pr.Sources, i)
							pr.Targets = append(pr.Targets, j)
							pr.WeightList = append(pr.WeightList, sign*w)
							pr.DelayListMs = append(pr.DelayListMs, d)
							k := synKey{i, j, int(math.Round(d / dt))}
							w0[k] = append(w0[k], sign*w)
						}
					}
				}
				spec.Projections = append(spec.Projections, pr)
				wantW0 = append(wantW0, w0)
			}

			pre, post, before, after, csrs := refRunForced(t, spec, T, dt, preTr, postTr)
			nPairs := 0
			for pi, p := range tc.projs {
				r := refSTDPOf(p.rule, sign)
				c := csrs[pi]
				if c.Len() != nPre*nPost*len(p.delaysMs) {
					t.Fatalf("projection %d: %d synapses, want %d", pi, c.Len(), nPre*nPost*len(p.delaysMs))
				}
				// the initial weights are the spec's (as a multiset per source, target and delay)
				got0 := map[synKey][]float64{}
				for i := range nPre {
					lo, hi := c.Row(i)
					for k := lo; k < hi; k++ {
						key := synKey{i, int(c.Target[k]), c.D(k)}
						got0[key] = append(got0[key], float64(before[pi][k]))
					}
				}
				for key, ws := range wantW0[pi] {
					g := slices.Sorted(slices.Values(got0[key]))
					if !slices.Equal(g, slices.Sorted(slices.Values(ws))) {
						t.Fatalf("projection %d synapses %v: initial weights %v, spec %v", pi, key, g, ws)
					}
				}
				bad, changed, atBound, edges := 0, 0, 0, 0
				maxDiff := 0.0
				for i := range nPre {
					lo, hi := c.Row(i)
					for k := lo; k < hi; k++ {
						tgt, d := int(c.Target[k]), c.D(k)
						// the kernel's readout: pairings complete before the
						// last multiple of the prune interval are applied
						// ⌈32·τ₊/dt⌉, within 1e-9 of an integer counting as it
						q := 32 * r.tauPlus / dt
						if k := math.Round(q); math.Abs(q-k) <= 1e-9*k {
							q = k
						}
						reach := int(math.Ceil(q))
						every := max(reach/2, 1000)
						want := r.final(float64(before[pi][k]), d, pre[i], post[tgt], dt, nSteps/every*every, reach)
						got := float64(after[pi][k])
						if got != float64(before[pi][k]) {
							changed++
						}
						if want == 0 || want == r.wMax {
							atBound++
						}
						edges += refEdges(pre[i], post[tgt], d)
						maxDiff = max(maxDiff, math.Abs(got-want)/math.Abs(r.wMax))
						if math.Abs(got-want) > 1e-5*math.Abs(r.wMax) {
							bad++
							if bad <= 10 {
								t.Errorf("projection %d synapse %d (pre %d → post %d, delay %d steps): weight %.9g → got %.9g, want %.9g (diff %.3g, %d pre / %d post spikes)",
									pi, k, i, tgt, d, before[pi][k], got, want, got-want, len(pre[i]), len(post[tgt]))
							}
						}
						if w := got / r.wMax; w < 0 || w > 1 {
							t.Errorf("projection %d synapse %d: weight %g outside [0, w_max = %g]", pi, k, got, r.wMax)
						}
					}
				}
				if bad > 10 {
					t.Errorf("projection %d: %d of %d synapses differ from the reference", pi, bad, c.Len())
				}
				if changed < c.Len()/2 {
					t.Errorf("projection %d: only %d of %d weights changed: the test exercises too little", pi, changed, c.Len())
				}
				nPairs += c.Len()
				t.Logf("projection %d: %d synapses, %d at a bound, %d spike pairs on a window's edge, largest |got − want| = %.2g·|w_max|",
					pi, c.Len(), atBound, edges, maxDiff)
			}

			// the number of workers and the split of the run change no bit
			for _, v := range []struct {
				workers int
				runs    []float64
			}{{3, []float64{T}}, {2, []float64{float64(splitStep) * dt, dt, T - float64(splitStep+1)*dt}}} {
				_, _, _, got, _ := refRun(t, spec, v.workers, v.runs...)
				for pi := range after {
					for k := range after[pi] {
						if math.Float32bits(got[pi][k]) != math.Float32bits(after[pi][k]) {
							t.Fatalf("workers=%d runs=%v: projection %d synapse %d weight %v, workers=1 one run %v",
								v.workers, v.runs, pi, k, got[pi][k], after[pi][k])
						}
					}
				}
			}
			t.Logf("%d synapses, pre spikes %v, post spikes %v", nPairs, refLens(pre), refLens(post))
		})
	}
}

// refEdges counts the presynaptic spikes tp with a postsynaptic spike at
// tp − d or tp − d ± 1 step: on the edges of the pairing windows.
func refEdges(pre, post []int, d int) int {
	n := 0
	for _, tp := range pre {
		for _, tq := range post {
			if x := tp - d - tq; x >= -1 && x <= 1 {
				n++
			}
		}
	}
	return n
}

func refLens(tr [][]int) []int {
	out := make([]int, len(tr))
	for i := range tr {
		out[i] = len(tr[i])
	}
	return out
}

// TestSTDPWindow: the classic STDP window. Pair i has one presynaptic spike
// at t1, one postsynaptic spike at t2 = t1 + Δt and a second presynaptic
// spike at t3 = t1 + 400 ms, at which NEST applies the potentiation lazily.
// With the delay d dendritic, additive rule and w̃ in the interior, the
// weight changes by
//
//	Δw = λ·Wmax·( e^{−(Δt+d)/τ₊}·[Δt+d > 0] − α·e^{(Δt+d)/τ₋}·[Δt+d < 0] − α·e^{−(t3−d−t2)/τ₋} )
//
// where the last term, the depression of the second presynaptic spike, is
// below 1e-7·λ here.
func TestSTDPWindow(t *testing.T) {
	const (
		dt       = 0.1
		tauPlus  = 16.8
		tauMinus = 33.7
		lambda   = 0.01
		alpha    = 1.05
		wMax     = 2.0
		w0       = 1.0
	)
	for _, dMs := range []float64{1.5, 0.1, 0} {
		t.Run(fmt.Sprintf("d=%g", dMs), func(t *testing.T) {
			rule := synapses.Plasticity{Kind: "stdp", TauPlusMs: tauPlus, TauMinusMs: tauMinus, Lambda: lambda, Alpha: alpha, WMax: wMax}
			for _, p := range refWindow(t, dt, dMs, 1, w0, rule) {
				x := float64(p.post[0]-p.pre[0]+p.d) * dt // Δt + d, exactly on the grid
				var f float64
				switch {
				case x > 0:
					f = math.Exp(-x / tauPlus)
				case x < 0:
					f = -alpha * math.Exp(x/tauMinus)
				}
				f -= alpha * math.Exp(-float64(p.pre[1]-p.d-p.post[0])*dt/tauMinus)
				want := lambda * wMax * f
				if got := p.after - w0; math.Abs(got-want) > 1e-6*wMax {
					t.Errorf("Δt = %.1f ms, d = %.1f ms: Δw got %.9g, want %.9g", float64(p.post[0]-p.pre[0])*dt, float64(p.d)*dt, got, want)
				}
				// and the reference replay agrees with the closed form
				r := refSTDP{tauPlus, tauMinus, lambda, alpha, 0, 0, wMax}
				if ref := r.final(w0, p.d, p.pre, p.post, dt, 0, 0) - w0; math.Abs(ref-want) > 1e-12 {
					t.Fatalf("reference self-check: Δt + d = %g ms: replay %g, closed form %g", x, ref, want)
				}
			}
		})
	}
}

// windowPair is a pair of refWindow's network: the steps of its presynaptic
// spikes (two) and postsynaptic spike (one), its delay in steps and its
// final weight.
type windowPair struct {
	pre, post []int
	d         int
	after     float64
}

// refWindow runs one presynaptic neuron onto one postsynaptic neuron per
// Δt in −50 … 50 ms, near −d and near 0 (a list projection with delay dMs
// and initial weight sign·w0 under rule): the presynaptic neuron fires at
// 100 and 500 ms, the postsynaptic one at 100 ms + Δt. It checks that
// exactly those spikes happened and returns the pairs.
func refWindow(t *testing.T, dt, dMs float64, sign int, w0 float64, rule synapses.Plasticity) []windowPair {
	t.Helper()
	const t1, t3 = 100.0, 500.0
	dts := []float64{-50, -20, -10, -5, -2, -dMs - 0.2, -dMs - 0.1, -dMs, -dMs + 0.1, -dMs + 0.2, -0.1, 0, 0.1, 1, 2.5, 5, 10, 20, 50}
	n := len(dts)
	idx := make([]int, n)
	delays := make([]float64, n)
	weights := make([]float64, n)
	var devs []kernel.DeviceSpec
	for i, d := range dts {
		idx[i] = i
		delays[i] = dMs
		weights[i] = float64(sign) * w0
		devs = append(devs,
			kernel.DeviceSpec{Kind: "spike_source", Target: "pre", Neurons: []int{i}, SpikeTimesMs: []float64{t1, t3}, Weight: 100},
			kernel.DeviceSpec{Kind: "spike_source", Target: "post", Neurons: []int{i}, SpikeTimesMs: []float64{math.Round((t1+d)/dt) * dt}, Weight: 100})
	}
	spec := kernel.Spec{
		DtMs: dt,
		Populations: []kernel.PopulationSpec{
			{Name: "pre", N: n, Model: "lif_delta", Sign: sign},
			{Name: "post", N: n, Model: "lif_delta"},
		},
		Projections: []kernel.ProjectionSpec{{
			Source: "pre", Target: "post", Rule: synapses.Rule{Kind: "list"},
			Sources: idx, Targets: idx, WeightList: weights, DelayListMs: delays, Plasticity: rule,
		}},
		Devices: devs,
		Recorders: []kernel.RecorderSpec{
			{Kind: "spikes", Population: "pre"},
			{Kind: "spikes", Population: "post"},
		},
	}
	preM, postM, _, after, csrs := refRun(t, spec, 1, t3+10)
	pre, post := refSteps(t, preM, n, dt), refSteps(t, postM, n, dt)
	c := csrs[0]
	pairs := make([]windowPair, n)
	for i, delta := range dts {
		s1, s2, s3 := int(math.Round(t1/dt)), int(math.Round((t1+delta)/dt)), int(math.Round(t3/dt))
		if !slices.Equal(pre[i], []int{s1, s3}) || !slices.Equal(post[i], []int{s2}) {
			t.Fatalf("pair %d: pre spikes %v post %v, want [%d %d] and [%d]", i, pre[i], post[i], s1, s3, s2)
		}
		lo, hi := c.Row(i)
		if hi-lo != 1 || c.Target[lo] != uint32(i) {
			t.Fatalf("pair %d: row [%d, %d) target %v", i, lo, hi, c.Target[lo:hi])
		}
		pairs[i] = windowPair{pre: pre[i], post: post[i], d: c.D(lo), after: float64(after[0][lo])}
	}
	return pairs
}
