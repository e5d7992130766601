package kernel_test

// An independent reference for the triplet STDP of plastic projections,
// Plasticity.Kind "stdp_triplet" (Pfister & Gerstner, J. Neurosci. 2006;
// NEST's stdp_triplet_synapse, all-to-all), written from the paper's trace
// equations, not from kernel/stdp.go: every synapse is stepped through the
// grid, its four traces decaying by e^{−dt/τ} per step, its events
// applied as they happen (no laziness, no history). On the grid as the
// stdp kind (stdp_ref_test.go): a spike emitted in step s is at s+1; the
// delay d is dendritic (a postsynaptic spike reaches the synapse d after
// it is emitted, a presynaptic one at once), and the rule changes |w|
// within [0, |w_max|]. At each time t, with the traces just before t:
//
//  1. a postsynaptic spike reaching the synapse at t:
//     |w| ← min(|w| + r₁·(A₂⁺ + A₃⁺·o₂), |w_max|);
//  2. a presynaptic spike at t: |w| ← max(|w| − o₁·(A₂⁻ + A₃⁻·r₂), 0);
//  3. then o₁, o₂ jump by 1 for the first, r₁, r₂ for the second.
//
// So a pair whose spikes meet the synapse at the same time pairs in
// neither order, each side's trace is its value before its own spike
// (Pfister & Gerstner's t − ε), and potentiation comes first — NEST's
// order, which applies at a presynaptic spike the pending potentiations,
// whose postsynaptic spikes reached the synapse at or before it, then the
// depression by o₁ of the spikes strictly before.
//
// The weight a weights recorder samples at the end of step k (time k+1)
// is the replay's weight at k+1; Projection(i).Weight holds back the
// pairings of each source's last spike until its next spike or until the
// prune after they are complete (kernel/doc.go), as tripStored says.
//
// Sensitivity: each case also replays broken references (tripMutant) and
// counts those the kernel's weights tell from the exact one; each must be
// caught by at least one case.

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// tripRef holds the triplet rule's parameters after defaults (written out
// here: Pfister & Gerstner's all-to-all minimal visual-cortex model, NEST's
// defaults); wMax is signed as the projection's weights.
type tripRef struct {
	tauPlus, tauX, tauMinus, tauY float64 // ms: r₁, r₂, o₁, o₂
	a2p, a3p, a2m, a3m            float64 // in the weights' unit
	wMax                          float64
}

func tripRefOf(p synapses.Plasticity, sign float64) tripRef {
	r := tripRef{p.TauPlusMs, p.TauPlusTripletMs, p.TauMinusMs, p.TauMinusTripletMs,
		p.A2Plus, p.A3Plus, p.A2Minus, p.A3Minus, sign * math.Abs(p.WMax)}
	for _, f := range []struct {
		x   *float64
		def float64
	}{{&r.tauPlus, 16.8}, {&r.tauX, 101}, {&r.tauMinus, 33.7}, {&r.tauY, 125}} {
		if *f.x == 0 {
			*f.x = f.def
		}
	}
	if r.a2p == 0 && r.a3p == 0 && r.a2m == 0 && r.a3m == 0 {
		r.a2p, r.a3p, r.a2m, r.a3m = 5e-10, 6.2e-3, 7e-3, 2.3e-4
	}
	return r
}

// tripMutant selects the exact reference or one broken on purpose.
type tripMutant int

const (
	tripExact        tripMutant = iota
	tripO2After                 // o₂ of potentiation includes the spike itself (t, not t − ε)
	tripR2After                 // r₂ of depression includes the spike itself
	tripDeprFirst               // at equal times depression before potentiation
	tripPairSameTime            // a pair meeting at the same time pairs in both orders
	tripNoDelay                 // the delay ignored
	tripSwapSlow                // τₓ and τ_y swapped
	tripNoTriplet               // A₃⁺ = A₃⁻ = 0: the pair rule
	tripRelative                // amplitudes relative to |w_max| (as stdp's λ)
	tripMutants
)

var tripMutantNames = [tripMutants]string{"exact", "o2_after", "r2_after", "depr_first", "pair_same_time",
	"no_delay", "swap_slow_taus", "no_triplet", "relative"}

// replay steps one synapse (initial weight w0, delay d steps) through the
// times 0 … T (steps) with the pre and post spike times pre and post
// (steps; a spike emitted in step s is at s+1), dt in ms, and returns its
// weight after the events of each time: eff[t]. It also returns, per time,
// the number of events (presynaptic spikes and postsynaptic arrivals) up
// to then: the roundings the kernel's float32 weights have gone through.
func (r tripRef) replay(w0 float64, d int, pre, post []int, dt float64, T int, v tripMutant) (eff []float64, events []int) {
	if v == tripNoDelay {
		d = 0
	}
	tauX, tauY := r.tauX, r.tauY
	if v == tripSwapSlow {
		tauX, tauY = tauY, tauX
	}
	a2p, a3p, a2m, a3m := r.a2p, r.a3p, r.a2m, r.a3m
	if v == tripNoTriplet {
		a3p, a3m = 0, 0
	}
	wm := math.Abs(r.wMax)
	if v == tripRelative {
		a2p, a3p, a2m, a3m = a2p*wm, a3p*wm, a2m*wm, a3m*wm
	}
	isPre, arrives := make([]bool, T+1), make([]bool, T+1)
	for _, tp := range pre {
		if tp <= T {
			isPre[tp] = true
		}
	}
	for _, tq := range post {
		if tq+d <= T {
			arrives[tq+d] = true
		}
	}
	fp, fx, fm, fy := math.Exp(-dt/r.tauPlus), math.Exp(-dt/tauX), math.Exp(-dt/r.tauMinus), math.Exp(-dt/tauY)
	a := math.Abs(w0)
	var r1, r2, o1, o2 float64
	eff, events = make([]float64, T+1), make([]int, T+1)
	eff[0] = w0
	n := 0
	for t := 1; t <= T; t++ {
		r1 *= fp
		r2 *= fx
		o1 *= fm
		o2 *= fy
		post, pre := arrives[t], isPre[t]
		same := 0.0 // the other side's spike of this time, if it counts
		if v == tripPairSameTime && post && pre {
			same = 1
		}
		potentiate := func() {
			y := o2
			if v == tripO2After {
				y++
			}
			a = math.Min(a+(r1+same)*(a2p+a3p*y), wm)
		}
		depress := func() {
			x := r2
			if v == tripR2After {
				x++
			}
			a = math.Max(a-(o1+same)*(a2m+a3m*x), 0)
		}
		if post && v != tripDeprFirst {
			potentiate()
		}
		if pre {
			depress()
		}
		if post && v == tripDeprFirst {
			potentiate()
		}
		if post {
			o1++
			o2++
			n++
		}
		if pre {
			r1++
			r2++
			n++
		}
		eff[t] = math.Copysign(a, r.wMax)
		events[t] = n
	}
	return eff, events
}

// tripStored returns the weight Projection(i).Weight holds at time T of a
// synapse whose replay is eff (initial weight w0) and whose source fired
// at pre: the weight after the source's last spike, with that spike's
// pairings taken in once the prune at cut (the last multiple of the prune
// interval, ≤ T) has found them complete: those reaching the synapse
// within reach steps of it.
func tripStored(eff []float64, w0 float64, pre []int, T, cut, reach int) float64 {
	last := -1
	for _, tp := range pre {
		if tp <= T {
			last = tp
		}
	}
	switch {
	case last < 0:
		return w0
	case last-1+reach < cut: // last − 1: the emission step
		return eff[last+reach]
	}
	return eff[last]
}

// tripProj is one plastic projection pre → post of a case: a list with
// one synapse per (pre, post) pair and delay of delaysMs, or, with spec
// set, that projection (a rule with drawn weights and delays) with its
// Source, Target and Plasticity filled in.
type tripProj struct {
	delaysMs []float64
	spec     *kernel.ProjectionSpec
	rule     synapses.Plasticity
}

// tripRule returns a stdp_triplet rule: amplitudes a = {A₂⁺, A₃⁺, A₂⁻,
// A₃⁻} (nil: the defaults) and time constants taus = {τ₊, τₓ, τ₋, τ_y}
// (nil: the defaults).
func tripRule(wMax float64, a, taus []float64) synapses.Plasticity {
	p := synapses.Plasticity{Kind: "stdp_triplet", WMax: wMax}
	if a != nil {
		p.A2Plus, p.A3Plus, p.A2Minus, p.A3Minus = a[0], a[1], a[2], a[3]
	}
	if taus != nil {
		p.TauPlusMs, p.TauPlusTripletMs, p.TauMinusMs, p.TauMinusTripletMs = taus[0], taus[1], taus[2], taus[3]
	}
	return p
}

// tripRunState is what tripRun gives.
type tripRunState struct {
	spikes      map[string]*kernel.SpikeMemory
	frames      map[string]*kernel.FrameMemory
	before      [][]float32   // per projection, before the run
	stored, eff [][][]float32 // per stop, per projection: Projection(i).Weight and EffectiveWeights
	csrs        []*synapses.CSR
	checkpoint  []byte // after the first Run call, if asked
}

// tripRun builds spec with workers and runs it for each of ms in turn,
// reading the stored and effective weights after each Run call; with
// ckpt it writes a checkpoint after the first.
func tripRun(t *testing.T, spec kernel.Spec, workers int, ckpt bool, ms ...float64) (st tripRunState) {
	t.Helper()
	net, err := kernel.New(spec, kernel.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	st.before, _ = tripWeights(net, len(spec.Projections))
	for k, d := range ms {
		if err := net.Run(d); err != nil {
			t.Fatal(err)
		}
		stored, eff := tripWeights(net, len(spec.Projections))
		st.stored, st.eff = append(st.stored, stored), append(st.eff, eff)
		if ckpt && k == 0 {
			var buf bytes.Buffer
			if err := net.Checkpoint(&buf); err != nil {
				t.Fatal(err)
			}
			st.checkpoint = buf.Bytes()
		}
	}
	st.frames = map[string]*kernel.FrameMemory{}
	for _, r := range net.Recorders() {
		if m := r.Frames(); m != nil {
			st.frames[r.Name()] = m
		}
	}
	for i := range spec.Projections {
		c := *net.Projection(i)
		c.Weight = nil
		st.csrs = append(st.csrs, &c)
	}
	st.spikes = recorderSpikes(net)
	return st
}

// tripWeights returns the stored and the effective weights of every
// projection of net.
func tripWeights(net *kernel.Network, n int) (stored, eff [][]float32) {
	for i := range n {
		stored = append(stored, slices.Clone(net.Projection(i).Weight))
		eff = append(eff, net.EffectiveWeights(nil, i))
	}
	return stored, eff
}

// tripReach returns the kernel's pairing reach ⌈32·τ₊/dt⌉ (steps; within
// 1e-9 of an integer counting as it) and its prune interval (16·τ₊, at
// least 1,000 steps), as the other references assume.
func tripReach(tauPlus, dt float64) (reach, every int) {
	q := 32 * tauPlus / dt
	if k := math.Round(q); math.Abs(q-k) <= 1e-9*k {
		q = k
	}
	reach = int(math.Ceil(q))
	return reach, max(reach/2, 1000)
}

// TestSTDPTripletMatchesReference: random pre and post spike trains forced
// by spike_source devices (extra presynaptic spikes on the edges of the
// pairing windows, in the last step of a run, and one source falling
// silent early so that prune applies its last pairings), replayed by
// tripRef for every synapse of plastic projections: NEST's defaults,
// other amplitudes and time constants, pair-only and triplet-only rules,
// excitatory and inhibitory (by the population's sign and by weights.sign
// with w_max given negative), delays 0 to 4 ms, weights at both bounds,
// beside an stdp projection. Weights recorders sample every synapse every
// 1.3 ms: each sample equals the replay's weight at its time within the
// float32 tolerance (n + 2)·2⁻²⁴·|w_max|, n the events the synapse has
// seen (every update rounds the weight to float32 once and the rule does
// not depend on the weight inside its bounds, so the roundings add up);
// so do EffectiveWeights and Projection(i).Weight (tripStored) at the end
// and at a stop after a third of the run. 2 and 3 workers, a run split at
// a sample time and at a non-sample time, a checkpoint restored into a
// network with another number of workers, and every kernel path give the
// same bits. Each mutant of the reference is caught by some case.
func TestSTDPTripletMatchesReference(t *testing.T) {
	const wMax = 0.1 // mV: far below lif_delta's threshold
	delays := []float64{0.1, 1.0, 2.3, 4.0}
	def := func(s float64) []float64 { // NEST's amplitudes times s
		return []float64{5e-10 * s, 6.2e-3 * s, 7e-3 * s, 2.3e-4 * s}
	}
	allToAll := &kernel.ProjectionSpec{Rule: synapses.Rule{Kind: "all_to_all"},
		Weights: synapses.Weights{Dist: "uniform", Low: 0.01, High: 0.09, Sign: -1}, DelayMs: 0.2, DelayMaxMs: 4.0}
	cases := []struct {
		name  string
		sign  int
		projs []tripProj
	}{
		// NEST's amplitudes in mV: 7 % of w_max per unit of o₁, the
		// triplet potentiation as large with o₂ ≈ 1
		{"defaults", 1, []tripProj{{delaysMs: delays, rule: tripRule(wMax, nil, nil)}}},
		{"defaults_sign0", 0, []tripProj{{delaysMs: delays, rule: tripRule(wMax, def(0.5), nil)}}},
		{"amplitudes_taus", 1, []tripProj{{delaysMs: delays, rule: tripRule(wMax, []float64{1e-3, 4e-3, 3e-3, 1e-3}, []float64{12, 60, 25, 90})}}},
		{"pair_only", 1, []tripProj{{delaysMs: delays, rule: tripRule(wMax, []float64{3e-3, 0, 3.5e-3, 0}, []float64{16.8, 0, 33.7, 0})}}},
		{"triplet_only", 1, []tripProj{{delaysMs: delays, rule: tripRule(wMax, []float64{0, 6e-3, 0, 2e-3}, nil)}}},
		{"inhibitory", -1, []tripProj{{delaysMs: delays, rule: tripRule(2.0, def(20), []float64{20, 110, 30, 140})}}},
		// weights.sign −1, w_max given negative, drawn weights and per-synapse delays of 2 to 40 steps
		{"inhibitory_weights_sign", 0, []tripProj{{spec: allToAll, rule: tripRule(-wMax, def(1), nil)}}},
		// 40 % of w_max per unit of trace: the weights hit both bounds
		{"clipping", 1, []tripProj{{delaysMs: delays, rule: tripRule(wMax, []float64{0.04, 0.03, 0.05, 0.01}, nil)}}},
		{"delay0_and_delayed", 1, []tripProj{
			{delaysMs: []float64{0, 0}, rule: tripRule(wMax, def(1), []float64{15, 80, 25, 100})},
			{delaysMs: []float64{0.1, 4.0}, rule: tripRule(wMax, def(0.7), nil)}}},
		// τ₊ = 0.5 ms: pairings count for 16 ms, so most sources fall
		// silent that long between spikes and prune applies their pairings
		// early (every 100 ms); the slow traces reach back further
		{"early_pairings", 1, []tripProj{{delaysMs: delays, rule: tripRule(wMax, []float64{0.01, 0.02, 5e-3, 1e-3}, []float64{0.5, 101, 33.7, 125})}}},
		{"with_stdp", 1, []tripProj{
			{delaysMs: []float64{1.0, 2.3}, rule: tripRule(wMax, nil, nil)},
			{delaysMs: []float64{0.5}, rule: synapses.Plasticity{Kind: "stdp", Lambda: 0.05, Alpha: 1.05, WMax: wMax}}}},
	}
	caught := make([]int, tripMutants)
	largest := make([]float64, tripMutants)
	worst, worstCase, ran := 0.0, "", 0
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ran++
			c, d, m := tripCheck(t, tc.sign, tc.projs, uint64(ci))
			if d > worst {
				worst, worstCase = d, tc.name
			}
			for v := range c {
				if c[v] {
					caught[v]++
				}
				largest[v] = max(largest[v], m[v])
			}
		})
	}
	t.Logf("largest |got − want| = %.3g·|w_max| (%s)", worst, worstCase)
	if ran != len(cases) || t.Failed() {
		return
	}
	for v := tripO2After; v < tripMutants; v++ {
		t.Logf("mutant %-15s caught by %2d of %d cases; largest |mutant − got| = %.2g·|w_max|", tripMutantNames[v], caught[v], len(cases), largest[v])
		if caught[v] == 0 {
			t.Errorf("mutant %s: no case tells it from the exact reference", tripMutantNames[v])
		}
	}
}

// tripCheck runs one case of TestSTDPTripletMatchesReference. It returns,
// per mutant, whether the kernel's samples told it from the exact
// reference and the largest |mutant − got|/|w_max|, and the largest
// |got − want|/|w_max|.
func tripCheck(t *testing.T, sign int, projs []tripProj, seed uint64) (caught []bool, worst float64, mutDiff []float64) {
	const (
		dt    = 0.1
		nPre  = 5
		nPost = 4
		gap   = 30 // steps: 3 ms > t_ref = 2 ms of lif_delta
		iv    = 13 // steps between weights samples: 1.3 ms
	)
	T := 1500.0
	minSp, maxSp := 20, 60
	if testing.Short() {
		T, minSp, maxSp = 600, 10, 25
	}
	nSteps := int(math.Round(T / dt))
	stop := nSteps / 3 / iv * iv // a sample time
	rng := rand.New(rand.NewPCG(0x791E7, seed))

	// post trains first, then pre trains with extra spikes at t_post + d
	// and t_post + d ± 1 step, the edges of the pairing windows; pre
	// neuron 4 falls silent after nSteps/4, its last spike 2 steps before
	// a postsynaptic spike reaches its synapses of the shortest delay
	var allDelays []int
	for _, p := range projs {
		ds := p.delaysMs
		if p.spec != nil {
			ds = []float64{p.spec.DelayMs, (p.spec.DelayMs + p.spec.DelayMaxMs) / 2, p.spec.DelayMaxMs}
		}
		for _, d := range ds {
			allDelays = append(allDelays, int(math.Round(d/dt)))
		}
	}
	postTr := make([][]int, nPost)
	for j := range postTr {
		postTr[j] = refTrain(rng, minSp+rng.IntN(maxSp-minSp+1), 50, nSteps-100, gap)
	}
	preTr := make([][]int, nPre)
	for i := range preTr {
		hi := nSteps - 100
		if i == nPre-1 {
			hi = nSteps / 4
		}
		base := refTrain(rng, minSp+rng.IntN(maxSp-minSp+1), 50, hi, gap)
		extra := refAligned(rng, postTr[rng.IntN(nPost)], allDelays, 50, hi)
		// spikes in the last step of a run: of the first of the split
		// runs, of the 1-step run, of the whole run
		if i < 3 {
			extra = append(extra, []int{stop, stop + 1, nSteps}[i])
		}
		preTr[i] = refMerge(extra, base, gap)
		if i == nPre-1 {
			dMin, last := slices.Min(allDelays), -1
			for _, tq := range postTr[0] {
				if s := tq + dMin - 2; s >= 50+gap && s <= hi {
					last = max(last, s)
				}
			}
			if last < 0 {
				t.Fatal("no postsynaptic spike to pair the silent source's last spike with")
			}
			preTr[i] = append(slices.DeleteFunc(preTr[i], func(s int) bool { return s > last-gap }), last)
		}
	}

	spec := kernel.Spec{
		DtMs: dt, Seed: 1 + seed,
		Populations: []kernel.PopulationSpec{
			{Name: "pre", N: nPre, Model: "lif_delta", Sign: sign},
			{Name: "post", N: nPost, Model: "lif_delta"},
		},
		Devices:   append(refDrive("pre", preTr, dt), refDrive("post", postTr, dt)...),
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "pre"}, {Kind: "spikes", Population: "post"}},
	}
	signs := make([]float64, len(projs))
	names := []string{"pre_to_post", "pre_to_post_1"}
	for pi, p := range projs {
		signs[pi] = 1
		if sign < 0 || (p.spec != nil && p.spec.Weights.Sign < 0) {
			signs[pi] = -1
		}
		spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Name: fmt.Sprint("w", pi), Kind: "weights",
			Projection: names[pi], IntervalMs: float64(iv) * dt})
		if p.spec != nil {
			pr := *p.spec
			pr.Source, pr.Target, pr.Plasticity = "pre", "post", p.rule
			spec.Projections = append(spec.Projections, pr)
			continue
		}
		pr := kernel.ProjectionSpec{Source: "pre", Target: "post", Rule: synapses.Rule{Kind: "list"}, Plasticity: p.rule}
		wm := math.Abs(p.rule.WMax)
		for i := range nPre {
			for j := range nPost {
				for _, d := range p.delaysMs {
					pr.Sources = append(pr.Sources, i)
					pr.Targets = append(pr.Targets, j)
					pr.WeightList = append(pr.WeightList, signs[pi]*float64(float32((0.05+0.9*rng.Float64())*wm)))
					pr.DelayListMs = append(pr.DelayListMs, d)
				}
			}
		}
		spec.Projections = append(spec.Projections, pr)
	}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}

	runs := []float64{float64(stop) * dt, T - float64(stop)*dt}
	st := tripRun(t, spec, 1, true, runs...)
	pre := refSteps(t, st.spikes["spikes:pre"], nPre, dt)
	post := refSteps(t, st.spikes["spikes:post"], nPost, dt)
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

	caught, mutDiff = make([]bool, tripMutants), make([]float64, tripMutants)
	nFrames := nSteps / iv
	for pi, p := range projs {
		c := st.csrs[pi]
		nSyn := nPre * nPost
		if p.spec == nil {
			nSyn *= len(p.delaysMs)
		}
		if c.Len() != nSyn {
			t.Fatalf("projection %d: %d synapses, want %d", pi, c.Len(), nSyn)
		}
		m := st.frames[fmt.Sprint("w", pi)]
		if len(m.TimesMs) != nFrames || m.Width != nSyn {
			t.Fatalf("projection %d: %d frames of %d, want %d of %d", pi, len(m.TimesMs), m.Width, nFrames, nSyn)
		}
		triplet := p.rule.Kind == "stdp_triplet"
		var r tripRef
		if triplet {
			r = tripRefOf(p.rule, signs[pi])
		}
		wMax := signs[pi] * math.Abs(p.rule.WMax)
		ulp := math.Abs(wMax) / (1 << 24)
		reach, every := tripReach(p.rule.WithDefaults().TauPlusMs, dt)
		mut := make([]float64, tripMutants)
		bad, samples, pending, changed, atMax, atZero, early := 0, 0, 0, 0, 0, 0, 0
		diff := 0.0
		check := func(what string, k uint64, got, want float64, n int) {
			t.Helper()
			diff = max(diff, math.Abs(got-want)/math.Abs(wMax))
			if math.Abs(got-want) > float64(n+2)*ulp {
				if bad++; bad <= 10 {
					src, _ := slices.BinarySearch(c.Ptr, k+1)
					t.Errorf("projection %d (%s) synapse %d (pre %d → post %d, delay %d steps) %s: got %.9g, want %.9g (diff %.3g = %.1f float32 roundings of w_max, %d events)",
						pi, p.rule.Kind, k, src-1, c.Target[k], c.D(k), what, got, want, got-want, math.Abs(got-want)/ulp, n)
				}
			}
		}
		for i := range nPre {
			lo, hi := c.Row(i)
			for k := lo; k < hi; k++ {
				tgt, d := int(c.Target[k]), c.D(k)
				w0 := float64(st.before[pi][k])
				var eff []float64
				var events []int
				if triplet {
					eff, events = r.replay(w0, d, pre[i], post[tgt], dt, nSteps, tripExact)
				}
				for f := range nFrames {
					tT := (f + 1) * iv
					if m.TimesMs[f] != float64(tT)*dt {
						t.Fatalf("frame %d at %v ms, want %v", f, m.TimesMs[f], float64(tT)*dt)
					}
					got := float64(m.Frame(f)[k])
					samples++
					if !triplet { // the stdp reference replayed up to tT
						eff, lazy := wrRef(p.rule, signs[pi], w0, d, pre[i], post[tgt], dt, tT, tT/every*every, reach)
						if math.Abs(eff-lazy) > 1e-4*math.Abs(wMax) {
							pending++
						}
						if math.Abs(got-eff) > 1e-5*math.Abs(wMax) {
							if bad++; bad <= 10 {
								t.Errorf("projection %d (stdp) synapse %d at %v ms: recorded %.9g, reference %.9g", pi, k, m.TimesMs[f], got, eff)
							}
						}
						continue
					}
					check(fmt.Sprintf("sampled at %v ms", m.TimesMs[f]), k, got, eff[tT], events[tT])
					if s := tripStored(eff, w0, pre[i], tT, tT/every*every, reach); math.Abs(s-eff[tT]) > 1e-4*math.Abs(wMax) {
						pending++
					}
				}
				if !triplet {
					continue
				}
				// the stored and effective weights at the stop and at the end
				for s, tT := range []int{stop, nSteps} {
					cut := tT / every * every
					check(fmt.Sprintf("effective at %v ms", float64(tT)*dt), k, float64(st.eff[s][pi][k]), eff[tT], events[tT])
					check(fmt.Sprintf("stored at %v ms", float64(tT)*dt), k, float64(st.stored[s][pi][k]), tripStored(eff, w0, pre[i], tT, cut, reach), events[tT])
				}
				got := float64(st.eff[1][pi][k])
				if got != w0 {
					changed++
				}
				switch {
				case eff[nSteps] == 0:
					atZero++
				case eff[nSteps] == wMax:
					atMax++
				}
				if n := len(pre[i]); n > 0 && pre[i][n-1]-1+reach < nSteps/every*every {
					early++
				}
				// a mutant is caught where it would fail the same check
				for v := tripO2After; v < tripMutants; v++ {
					me, _ := r.replay(w0, d, pre[i], post[tgt], dt, nSteps, v)
					for f := range nFrames {
						tT := (f + 1) * iv
						x := math.Abs(float64(m.Frame(f)[k]) - me[tT])
						mut[v] = max(mut[v], x)
						if x > float64(events[tT]+2)*ulp {
							caught[v] = true
						}
					}
				}
				if x := got / wMax; x < 0 || math.Abs(got) > float64(float32(math.Abs(wMax))) {
					t.Errorf("projection %d synapse %d: weight %g outside [0, w_max = %g]", pi, k, got, float32(wMax))
				}
			}
		}
		if bad > 10 {
			t.Errorf("projection %d: %d samples or weights differ from the reference", pi, bad)
		}
		if triplet && changed < c.Len()*3/4 {
			t.Errorf("projection %d: only %d of %d weights changed: the case exercises too little", pi, changed, c.Len())
		}
		if pending < samples/50 {
			t.Errorf("projection %d: only %d of %d samples with a pending pairing: the case exercises too little", pi, pending, samples)
		}
		worst = max(worst, diff)
		t.Logf("projection %d (%s): %d synapses, %d samples (%d with pairings pending), %d at w_max, %d at 0, %d with early pairings; largest |got − want| = %.2g·|w_max|",
			pi, p.rule.Kind, c.Len(), samples, pending, atMax, atZero, early, diff)
		if !triplet {
			continue
		}
		var caughtNames []string
		for v := tripO2After; v < tripMutants; v++ {
			mutDiff[v] = max(mutDiff[v], mut[v]/math.Abs(wMax))
			if caught[v] {
				caughtNames = append(caughtNames, fmt.Sprintf("%s (%.2g)", tripMutantNames[v], mut[v]/math.Abs(wMax)))
			}
		}
		t.Logf("projection %d: mutants caught so far (largest |mutant − got|/|w_max|): %s", pi, strings.Join(caughtNames, ", "))
	}

	// the number of workers, the split of the run, a checkpoint and the
	// kernel path change no bit
	same := func(name string, got tripRunState, tail bool) {
		t.Helper()
		if !reflect.DeepEqual(got.stored[len(got.stored)-1], st.stored[1]) || !reflect.DeepEqual(got.eff[len(got.eff)-1], st.eff[1]) {
			t.Fatalf("%s: final weights differ from one worker's", name)
		}
		for name, m := range got.frames {
			want := st.frames[name]
			n := len(want.Data) - len(m.Data)
			if !tail && n != 0 || !slices.Equal(m.Data, want.Data[n:]) || !slices.Equal(m.TimesMs, want.TimesMs[len(want.TimesMs)-len(m.TimesMs):]) {
				t.Fatalf("%s: recorder %s's frames differ from one worker's", name, name)
			}
		}
	}
	same("workers=3", tripRun(t, spec, 3, false, T), false)
	same("workers=2, runs split off the sample grid", tripRun(t, spec, 2, false, float64(stop+5)*dt, dt, T-float64(stop+6)*dt), false)
	restored, err := kernel.New(spec, kernel.WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.Restore(bytes.NewReader(st.checkpoint)); err != nil {
		t.Fatal(err)
	}
	if err := restored.Run(runs[1]); err != nil {
		t.Fatal(err)
	}
	var rs tripRunState
	stored, eff := tripWeights(restored, len(spec.Projections))
	rs.stored, rs.eff = [][][]float32{stored}, [][][]float32{eff}
	rs.frames = map[string]*kernel.FrameMemory{}
	for _, r := range restored.Recorders() {
		if m := r.Frames(); m != nil {
			rs.frames[r.Name()] = m
		}
	}
	same("checkpoint at a third, restored with 3 workers", rs, true)
	defer asm.Reset()
	for _, path := range asm.Paths() {
		if err := asm.Select(path); err != nil {
			t.Fatal(err)
		}
		same("path "+path, tripRun(t, spec, 1, false, T), false)
	}
	return caught, worst, mutDiff
}
