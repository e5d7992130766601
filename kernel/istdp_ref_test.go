package kernel_test

// An independent reference for the inhibitory STDP of plastic projections,
// Plasticity.Kind "vogels_sprekeler" (Vogels, Sprekeler, Zenke, Clopath &
// Gerstner, Science 2011), written from the published algorithm of NEST's
// vogels_sprekeler_synapse, not from kernel/stdp.go. On the step grid, as
// the stdp kind (stdp_ref_test.go): a spike emitted in step s is at s+1;
// the delay d is dendritic (a postsynaptic spike reaches the synapse d after
// it is emitted, a presynaptic one at once), and the rule changes |w|,
// within [0, |w_max|]. When a presynaptic spike at t_pre is delivered
// (previous one at t_last, K₊ the presynaptic trace just after it):
//
//  1. every postsynaptic spike t_post with t_last − d < t_post ≤ t_pre − d,
//     in order: |w| ← min(|w| + η·K₊·e^{−(t_post + d − t_last)/τ₊}, |w_max|);
//  2. the postsynaptic trace K₋ (τ₋, +1 per spike) of the spikes strictly
//     before t_pre − d: |w| ← min(|w| + η·K₋, |w_max|);
//  3. constant depression at every presynaptic spike: |w| ← max(|w| − α·η, 0);
//  4. the spike is sent with the new weight; K₊ ← K₊·e^{−(t_pre − t_last)/τ₊} + 1.
//
// The kernel takes the pairings of step 1 with a presynaptic spike in once
// complete (32·τ₊ after it) at the next multiple of the prune interval
// (kernel/doc.go, Plasticity); the replay does the same for the last
// presynaptic spike (flush, reach), as refSTDP.final does.
//
// Sensitivity. Each case also replays broken references (vsRefMutant) and
// counts those the kernel's weights tell from the exact one (|mutant − got|
// above the tolerance for some synapse); each must be caught by at least
// one case.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// vsRef holds the rule's parameters after defaults; wMax is signed as the
// projection's weights.
type vsRef struct {
	tauPlus, tauMinus, eta, alpha, wMax float64
}

func vsRefOf(p synapses.Plasticity, sign float64) vsRef {
	r := vsRef{p.TauPlusMs, p.TauMinusMs, p.Eta, p.Alpha, sign * math.Abs(p.WMax)}
	if r.tauPlus == 0 {
		r.tauPlus = 20
	}
	if r.tauMinus == 0 {
		r.tauMinus = 20
	}
	return r
}

// vsRefMutant selects the exact reference or one broken on purpose.
type vsRefMutant int

const (
	vsRefExact         vsRefMutant = iota
	vsRefDeprIfFired               // depression only once the target has fired (K₋ history non-empty)
	vsRefOneClip                   // one clip to [0, |w_max|] after steps 1–3 instead of one per step
	vsRefDeprFirst                 // the constant depression before the facilitations
	vsRefKMinusAt                  // K₋ includes a postsynaptic spike at exactly t_pre − d
	vsRefKMinusTauPlus             // K₋ decays with τ₊
	vsRefDeprAlpha                 // depression by α instead of α·η
	vsRefKPlusNoDecay              // step 1 with K₊ undecayed
	vsRefEtaRelative               // η relative to |w_max| (as stdp's λ)
	vsRefNoPostTrace               // step 2 left out
	vsRefNoDelay                   // the delay ignored (d = 0 in the pairings)
	vsRefLazy                      // no early application: NEST's lazy weights
	vsRefSTDP                      // the stdp rule with λ = η (refSTDP)
	vsRefVariants
)

var vsRefNames = [vsRefVariants]string{"exact", "depr_if_fired", "one_clip", "depr_first", "kminus_at_t-d", "kminus_tau+",
	"depr_alpha", "kplus_no_decay", "eta_relative", "no_post_trace", "no_delay", "lazy", "stdp"}

// final replays one synapse: initial weight w0, delay d steps, pre and post
// spike times in steps (a spike emitted in step s is at s+1), dt in ms. It
// returns the weight after the last presynaptic spike, with that spike's
// pairings of step 1 applied when they were complete — the postsynaptic
// spikes reaching the synapse within reach steps of it — before step flush
// (0: never), as refSTDP.final. v selects a broken variant (not vsRefSTDP).
func (r vsRef) final(w0 float64, d int, pre, post []int, dt float64, flush, reach int, v vsRefMutant) float64 {
	if v == vsRefNoDelay {
		d = 0
	}
	tauMinus := r.tauMinus
	if v == vsRefKMinusTauPlus {
		tauMinus = r.tauPlus
	}
	wm := math.Abs(r.wMax)
	eta := r.eta
	if v == vsRefEtaRelative {
		eta *= wm
	}
	depr := r.alpha * eta
	if v == vsRefDeprAlpha {
		depr = r.alpha
	}
	// the postsynaptic trace just after each spike
	kMinus := make([]float64, len(post))
	for i := range post {
		kMinus[i] = 1
		if i > 0 {
			kMinus[i] += kMinus[i-1] * math.Exp(-float64(post[i]-post[i-1])*dt/tauMinus)
		}
	}
	facilitate := func(a, x float64) float64 {
		a += eta * x
		if v != vsRefOneClip {
			a = math.Min(a, wm)
		}
		return a
	}
	// step 1 for one postsynaptic spike tq
	pairing := func(a, kPlus float64, tq, tLast int) float64 {
		x := kPlus
		if v != vsRefKPlusNoDecay {
			x *= math.Exp(-float64(tq+d-tLast) * dt / r.tauPlus)
		}
		return facilitate(a, x)
	}
	a, kPlus, tLast := math.Abs(w0), 0.0, 0
	for _, tp := range pre {
		if v == vsRefDeprFirst {
			a = math.Max(a-depr, 0)
		}
		// 1. every post spike with tLast − d < tq ≤ tp − d
		for _, tq := range post {
			if tLast-d < tq && tq <= tp-d {
				a = pairing(a, kPlus, tq, tLast)
			}
		}
		// 2. K₋ at tp − d from the last post spike strictly before
		k, fired := 0.0, false
		for i := len(post) - 1; i >= 0; i-- {
			if post[i] < tp-d || (v == vsRefKMinusAt && post[i] == tp-d) {
				k, fired = kMinus[i]*math.Exp(-float64(tp-d-post[i])*dt/tauMinus), true
				break
			}
		}
		if v != vsRefNoPostTrace {
			a = facilitate(a, k)
		}
		// 3. constant depression
		switch v {
		case vsRefDeprFirst:
		case vsRefDeprIfFired:
			if fired {
				a = math.Max(a-depr, 0)
			}
		case vsRefOneClip:
			a = math.Min(math.Max(a-depr, 0), wm)
		default:
			a = math.Max(a-depr, 0)
		}
		// 4. the presynaptic trace
		kPlus = kPlus*math.Exp(-float64(tp-tLast)*dt/r.tauPlus) + 1
		tLast = tp
	}
	if v != vsRefLazy && len(pre) > 0 && flush > 0 && tLast-1+reach < flush { // tLast − 1: the emission step
		for _, tq := range post {
			if tLast-d < tq && tq+d-tLast <= reach {
				a = pairing(a, kPlus, tq, tLast)
			}
		}
		if v == vsRefOneClip {
			a = math.Min(a, wm)
		}
	}
	return math.Copysign(a, r.wMax)
}

// vsRefReach returns the kernel's pairing reach ⌈32·τ₊/dt⌉ (steps; within
// 1e-9 of an integer counting as it) and the step of the last prune before
// step nSteps (every 16·τ₊, at least 1,000 steps), as in
// TestSTDPMatchesReference.
func vsRefReach(tauPlus, dt float64, nSteps int) (reach, flush int) {
	q := 32 * tauPlus / dt
	if k := math.Round(q); math.Abs(q-k) <= 1e-9*k {
		q = k
	}
	reach = int(math.Ceil(q))
	every := max(reach/2, 1000)
	return reach, nSteps / every * every
}

// vsRefProj is one plastic projection pre → post of a case: a list with one
// synapse per (pre, post) pair and delay of delaysMs, or, with spec set, that
// projection (a rule, drawn weights and delays) with its Source, Target and
// Plasticity filled in.
type vsRefProj struct {
	delaysMs []float64
	spec     *kernel.ProjectionSpec
	rule     synapses.Plasticity
}

type vsRefCase struct {
	name   string
	sign   int // the pre population's Dale sign
	projs  []vsRefProj
	silent []int // postsynaptic neurons that never fire
}

// vsRule returns a vogels_sprekeler rule.
func vsRule(eta, alpha, wMax, tauPlus, tauMinus float64) synapses.Plasticity {
	return synapses.Plasticity{Kind: "vogels_sprekeler", Eta: eta, Alpha: alpha, WMax: wMax, TauPlusMs: tauPlus, TauMinusMs: tauMinus}
}

// TestVogelsSprekelerMatchesReference: random pre and post spike trains
// forced by spike_source devices (with extra presynaptic spikes on the
// edges of the pairing windows, in the last step of a run, and one source
// falling silent early so that prune applies its last pairings), replayed by
// vsRef for every synapse of plastic projections: excitatory and
// inhibitory (by the population's sign and by weights.sign), delays 0,
// 1 step to 31.4 ms, per synapse, τ₊ ≠ τ₋, weights at both bounds, targets
// that never fire, α = 0, and next to an stdp projection. The kernel's
// final weights agree within 1e-5·|w_max| and are bit-identical with 1, 2
// and 3 workers and a run split in three; each mutant of the reference is
// caught by some case.
func TestVogelsSprekelerMatchesReference(t *testing.T) {
	const (
		eWMax = 0.1 // mV: excitatory weights stay far below threshold
		iWMax = 2.0 // mV
	)
	delays := []float64{0.5, 1.0, 2.3}
	list := func(ds []float64, p synapses.Plasticity) []vsRefProj { return []vsRefProj{{delaysMs: ds, rule: p}} }
	allToAll := &kernel.ProjectionSpec{Rule: synapses.Rule{Kind: "all_to_all"},
		Weights: synapses.Weights{Dist: "uniform", Low: 0.1, High: 1.9, Sign: -1}, DelayMs: 0.3, DelayMaxMs: 3.0}
	cases := []vsRefCase{
		{name: "excitatory", sign: 1, projs: list(delays, vsRule(0.004, 1, eWMax, 0, 0))},
		{name: "sign0_defaults", sign: 0, projs: list(delays, vsRule(0.003, 0.8, eWMax, 0, 0))},
		{name: "inhibitory", sign: -1, projs: list(delays, vsRule(0.08, 0.9, iWMax, 30, 9))},
		// weights.sign −1, w_max given negative, drawn weights and per-synapse delays of 3 to 30 steps
		{name: "inhibitory_weights_sign", sign: 0, projs: []vsRefProj{{spec: allToAll, rule: vsRule(0.06, 1.1, -iWMax, 0, 0)}}},
		{name: "taus", sign: 1, projs: list(delays, vsRule(0.003, 1.3, eWMax, 13.3, 41.9))},
		{name: "delay0", sign: 1, projs: list([]float64{0, 0}, vsRule(0.004, 1, eWMax, 15, 25))},
		{name: "delay0_and_delayed", sign: -1, projs: []vsRefProj{
			{delaysMs: []float64{0}, rule: vsRule(0.05, 1, iWMax, 0, 0)},
			{delaysMs: []float64{0.1, 1.0, 2.3}, rule: vsRule(0.07, 0.7, iWMax, 0, 0)}}},
		{name: "large_delays", sign: 1, projs: list([]float64{7.5, 12.7, 31.4}, vsRule(0.004, 1, eWMax, 17, 23))},
		// η = 40 % and 15 % of |w_max| per unit of trace, α·η = 32 % and 21 %:
		// the weights hit both bounds
		{name: "clipping", sign: 1, projs: list(delays, vsRule(0.04, 0.8, eWMax, 0, 0))},
		{name: "clipping_inhibitory", sign: -1, projs: list(delays, vsRule(0.3, 1.4, iWMax, 10, 30))},
		// targets 1 and 2 never fire: −α·η per presynaptic spike
		{name: "silent_targets", sign: -1, silent: []int{1, 2}, projs: list(delays, vsRule(0.02, 1.5, iWMax, 0, 0))},
		{name: "alpha_tiny", sign: 1, projs: list(delays, vsRule(0.001, 1e-9, eWMax, 0, 0))}, // facilitation alone
		// τ₊ = 0.5 ms: pairings count for 32 τ₊ = 16 ms, so most sources fall
		// silent that long between spikes and prune applies their pairings
		// early (every 100 ms); K₋ (τ₋ = 20 ms) reaches back further
		{name: "early_pairings", sign: -1, projs: list(delays, vsRule(0.1, 0.5, iWMax, 0.5, 20))},
		{name: "with_stdp", sign: 1, projs: []vsRefProj{
			{delaysMs: []float64{1.0}, rule: vsRule(0.004, 1, eWMax, 0, 0)},
			{delaysMs: []float64{0.5, 2.3}, rule: synapses.Plasticity{Kind: "stdp", Lambda: 0.05, Alpha: 1.05, WMax: eWMax}}}},
	}
	caught := make([]int, vsRefVariants)
	largest := make([]float64, vsRefVariants) // the largest |mutant − got|/|w_max| of each mutant
	ran, skipped := 0, 0
	worst, worstCase := 0.0, ""
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ran++
			c, d, m, ok := vsRefCheck(t, tc, uint64(ci))
			if !ok {
				skipped++
				return
			}
			if d > worst {
				worst, worstCase = d, tc.name
			}
			for v, ok := range c {
				if ok {
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
	for v := vsRefDeprIfFired; v < vsRefVariants; v++ {
		t.Logf("mutant %-14s caught by %2d of %d cases; largest |mutant − got| = %.2g·|w_max|", vsRefNames[v], caught[v], len(cases)-skipped, largest[v])
		if caught[v] == 0 {
			t.Errorf("mutant %s: no case tells it from the exact reference", vsRefNames[v])
		}
	}
}

// vsRefCheck runs case tc; it returns, per mutant, whether the kernel's
// weights told it from the exact reference, the largest |got − want| and,
// per mutant, the largest |mutant − got| in units of |w_max|, and false if
// the kernel rejected the case's rule (α = 0 not accepted).
func vsRefCheck(t *testing.T, tc vsRefCase, seed uint64) ([]bool, float64, []float64, bool) {
	const (
		dt    = 0.1
		nPre  = 4
		nPost = 3
		gap   = 30 // steps: 3 ms > t_ref = 2 ms of lif_delta
	)
	T := 1500.0
	minSp, maxSp := 20, 60
	if testing.Short() {
		T, minSp, maxSp = 600, 10, 25
	}
	nSteps := int(math.Round(T / dt))
	splitStep := int(math.Round(T / 3 / dt)) // the split runs below: T/3, dt, the rest
	rng := rand.New(rand.NewPCG(0x15D9, seed))

	// post trains first, then pre trains with extra spikes at t_post + d and
	// t_post + d ± 1 step, the edges of the pairing windows; pre neuron 3
	// falls silent after nSteps/4, its last spike 2 steps before a
	// postsynaptic spike reaches its synapses of the shortest delay
	var allDelays []int
	for _, p := range tc.projs {
		ds := p.delaysMs
		if p.spec != nil {
			ds = []float64{p.spec.DelayMs, (p.spec.DelayMs + p.spec.DelayMaxMs) / 2, p.spec.DelayMaxMs}
		}
		for _, d := range ds {
			allDelays = append(allDelays, int(math.Round(d/dt)))
		}
	}
	postTr := make([][]int, nPost)
	var firing []int
	for j := range postTr {
		postTr[j] = refTrain(rng, minSp+rng.IntN(maxSp-minSp+1), 50, nSteps-100, gap)
		if slices.Contains(tc.silent, j) {
			postTr[j] = nil
		} else {
			firing = append(firing, j)
		}
	}
	preTr := make([][]int, nPre)
	for i := range preTr {
		hi := nSteps - 100
		if i == 3 {
			hi = nSteps / 4
		}
		base := refTrain(rng, minSp+rng.IntN(maxSp-minSp+1), 50, hi, gap)
		extra := refAligned(rng, postTr[firing[rng.IntN(len(firing))]], allDelays, 50, hi)
		// spikes in the last step of a run: of the first of the split runs,
		// of the 1-step run, of the whole run
		if i < 3 {
			extra = append(extra, []int{splitStep, splitStep + 1, nSteps}[i])
		}
		preTr[i] = refMerge(extra, base, gap)
		if i == 3 {
			dMin := slices.Min(allDelays)
			last := -1
			for _, j := range firing {
				for _, tq := range postTr[j] {
					if s := tq + dMin - 2; s >= 50+gap && s <= hi {
						last = max(last, s)
					}
				}
			}
			if last < 0 {
				t.Fatalf("no postsynaptic spike to pair pre neuron 3's last spike with")
			}
			preTr[i] = append(slices.DeleteFunc(preTr[i], func(s int) bool { return s > last-gap }), last)
		}
	}

	spec := kernel.Spec{
		DtMs: dt, Seed: 1 + seed,
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
	// the sign of each projection's weights
	signs := make([]float64, len(tc.projs))
	for pi, p := range tc.projs {
		signs[pi] = 1
		if tc.sign < 0 || (p.spec != nil && p.spec.Weights.Sign < 0) {
			signs[pi] = -1
		}
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
					w := float64(float32((0.05 + 0.9*rng.Float64()) * wm))
					pr.Sources = append(pr.Sources, i)
					pr.Targets = append(pr.Targets, j)
					pr.WeightList = append(pr.WeightList, signs[pi]*w)
					pr.DelayListMs = append(pr.DelayListMs, d)
				}
			}
		}
		spec.Projections = append(spec.Projections, pr)
	}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}

	pre, post, before, after, csrs := refRunForced(t, spec, T, dt, preTr, postTr)

	caught := make([]bool, vsRefVariants)
	mutRel := make([]float64, vsRefVariants)
	maxDiff := 0.0
	for pi, p := range tc.projs {
		c := csrs[pi]
		nSyn := nPre * nPost // all_to_all
		if p.spec == nil {
			nSyn *= len(p.delaysMs)
		}
		if c.Len() != nSyn {
			t.Fatalf("projection %d: %d synapses, want %d", pi, c.Len(), nSyn)
		}
		if p.spec == nil { // the initial weights are the spec's (as a multiset per source, target and delay)
			type synKey struct{ src, tgt, d int }
			spec0, got0 := map[synKey][]float64{}, map[synKey][]float64{}
			pr := spec.Projections[pi]
			for k := range pr.Sources {
				key := synKey{pr.Sources[k], pr.Targets[k], int(math.Round(pr.DelayListMs[k] / dt))}
				spec0[key] = append(spec0[key], pr.WeightList[k])
			}
			for i := range nPre {
				lo, hi := c.Row(i)
				for k := lo; k < hi; k++ {
					key := synKey{i, int(c.Target[k]), c.D(k)}
					got0[key] = append(got0[key], float64(before[pi][k]))
				}
			}
			for key, ws := range spec0 {
				if g := slices.Sorted(slices.Values(got0[key])); !slices.Equal(g, slices.Sorted(slices.Values(ws))) {
					t.Fatalf("projection %d synapses %v: initial weights %v, spec %v", pi, key, g, ws)
				}
			}
		}
		var r vsRef
		var std refSTDP
		vogels := p.rule.Kind == "vogels_sprekeler"
		if vogels {
			r = vsRefOf(p.rule, signs[pi])
		} else {
			std = refSTDPOf(p.rule, signs[pi])
		}
		wMax := signs[pi] * math.Abs(p.rule.WMax)
		tol := 1e-5 * math.Abs(wMax)
		reach, flush := vsRefReach(vsRefOf(p.rule, signs[pi]).tauPlus, dt, nSteps)
		// the stdp mutant: that rule with λ = η
		asSTDP := refSTDPOf(synapses.Plasticity{Kind: "stdp", Lambda: p.rule.Eta, Alpha: p.rule.Alpha,
			TauPlusMs: p.rule.TauPlusMs, TauMinusMs: p.rule.TauMinusMs, WMax: p.rule.WMax}, signs[pi])
		mutDiff := make([]float64, vsRefVariants)
		bad, changed, atMax, atZero, edges, silent, early := 0, 0, 0, 0, 0, 0, 0
		diff := 0.0
		for i := range nPre {
			lo, hi := c.Row(i)
			for k := lo; k < hi; k++ {
				tgt, d := int(c.Target[k]), c.D(k)
				w0, got := float64(before[pi][k]), float64(after[pi][k])
				var want float64
				if vogels {
					want = r.final(w0, d, pre[i], post[tgt], dt, flush, reach, vsRefExact)
				} else {
					want = std.final(w0, d, pre[i], post[tgt], dt, flush, reach)
				}
				if got != w0 {
					changed++
				}
				switch {
				case want == 0:
					atZero++
				case want == wMax:
					atMax++
				}
				edges += refEdges(pre[i], post[tgt], d)
				diff = max(diff, math.Abs(got-want)/math.Abs(wMax))
				if math.Abs(got-want) > tol {
					bad++
					if bad <= 10 {
						t.Errorf("projection %d (%s) synapse %d (pre %d → post %d, delay %d steps): weight %.9g → got %.9g, want %.9g (diff %.3g, %d pre / %d post spikes)",
							pi, p.rule.Kind, k, i, tgt, d, w0, got, want, got-want, len(pre[i]), len(post[tgt]))
					}
				}
				// w_max as stored: float32(0.1) > 0.1
				if x := got / wMax; x < 0 || math.Abs(got) > float64(float32(math.Abs(wMax))) {
					t.Errorf("projection %d synapse %d: weight %g outside [0, w_max = %g]", pi, k, got, float32(wMax))
				}
				if !vogels {
					continue
				}
				// a target that never fired: the closed form
				if len(post[tgt]) == 0 {
					silent++
					cf := math.Copysign(math.Max(math.Abs(w0)-float64(len(pre[i]))*r.alpha*r.eta, 0), wMax)
					if math.Abs(got-cf) > tol {
						t.Errorf("projection %d synapse %d (pre %d → silent post %d): %d presynaptic spikes take %.9g to %.9g, closed form %.9g",
							pi, k, i, tgt, len(pre[i]), w0, got, cf)
					}
				}
				if len(pre[i]) > 0 && pre[i][len(pre[i])-1]-1+reach < flush {
					early++
				}
				for v := vsRefDeprIfFired; v < vsRefVariants; v++ {
					var m float64
					if v == vsRefSTDP {
						m = asSTDP.final(w0, d, pre[i], post[tgt], dt, flush, reach)
					} else {
						m = r.final(w0, d, pre[i], post[tgt], dt, flush, reach, v)
					}
					mutDiff[v] = max(mutDiff[v], math.Abs(got-m))
				}
			}
		}
		if bad > 10 {
			t.Errorf("projection %d: %d of %d synapses differ from the reference", pi, bad, c.Len())
		}
		if changed < c.Len()/2 {
			t.Errorf("projection %d: only %d of %d weights changed: the test exercises too little", pi, changed, c.Len())
		}
		maxDiff = max(maxDiff, diff)
		t.Logf("projection %d (%s): %d synapses, %d at w_max, %d at 0, %d to silent targets, %d with early pairings, %d spike pairs on a window's edge; largest |got − want| = %.2g·|w_max|",
			pi, p.rule.Kind, c.Len(), atMax, atZero, silent, early, edges, diff)
		if !vogels {
			continue
		}
		var names []string
		for v := vsRefDeprIfFired; v < vsRefVariants; v++ {
			mutRel[v] = max(mutRel[v], mutDiff[v]/math.Abs(wMax))
			if mutDiff[v] > tol {
				caught[v] = true
				names = append(names, fmt.Sprintf("%s (%.2g)", vsRefNames[v], mutDiff[v]/math.Abs(wMax)))
			}
		}
		t.Logf("projection %d: mutants caught (largest |mutant − got|/|w_max|): %s", pi, strings.Join(names, ", "))
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
	t.Logf("pre spikes %v, post spikes %v", refLens(pre), refLens(post))
	return caught, maxDiff, mutRel, true
}

// TestVogelsSprekelerWindow: the symmetric window. Pair i has one
// presynaptic spike at t1, one postsynaptic spike at t2 = t1 + Δt and a
// second presynaptic spike at t3 = t1 + 400 ms. With the delay d dendritic
// and |w| in the interior, |w| changes by
//
//	Δ|w| = η·( e^{−(Δt+d)/τ₊}·[Δt+d > 0] + e^{(Δt+d)/τ₋}·[Δt+d < 0] + e^{−(t3−d−t2)/τ₋} ) − 2·α·η
//
// (Δt + d = 0 pairs in neither step: the spike is not strictly before
// t1 − d, nor after it), for excitatory and inhibitory weights.
func TestVogelsSprekelerWindow(t *testing.T) {
	const (
		dt       = 0.1
		tauPlus  = 16.8
		tauMinus = 33.7
		eta      = 0.01
		alpha    = 0.3
		wMax     = 2.0
		w0       = 1.0
	)
	for _, sign := range []int{1, -1} {
		for _, dMs := range []float64{1.5, 0.1, 0} {
			t.Run(fmt.Sprintf("sign=%d/d=%g", sign, dMs), func(t *testing.T) {
				for _, p := range refWindow(t, dt, dMs, sign, w0, vsRule(eta, alpha, wMax, tauPlus, tauMinus)) {
					x := float64(p.post[0]-p.pre[0]+p.d) * dt // Δt + d, exactly on the grid
					var f float64
					switch {
					case x > 0:
						f = math.Exp(-x / tauPlus)
					case x < 0:
						f = math.Exp(x / tauMinus)
					}
					f += math.Exp(-float64(p.pre[1]-p.d-p.post[0])*dt/tauMinus) - 2*alpha
					want := float64(sign) * eta * f
					if got := p.after - float64(sign)*w0; math.Abs(got-want) > 1e-6*wMax {
						t.Errorf("Δt = %.1f ms, d = %.1f ms: Δw got %.9g, want %.9g", float64(p.post[0]-p.pre[0])*dt, float64(p.d)*dt, got, want)
					}
					// and the reference replay agrees with the closed form
					r := vsRef{tauPlus, tauMinus, eta, alpha, float64(sign) * wMax}
					if ref := r.final(float64(sign)*w0, p.d, p.pre, p.post, dt, 0, 0, vsRefExact) - float64(sign)*w0; math.Abs(ref-want) > 1e-12 {
						t.Fatalf("reference self-check: Δt + d = %g ms: replay %g, closed form %g", x, ref, want)
					}
				}
			})
		}
	}
}

// TestVogelsSprekelerRejectsSTDPFields: lambda, mu_plus and mu_minus belong
// to the stdp kind and must be 0 for vogels_sprekeler.
func TestVogelsSprekelerRejectsSTDPFields(t *testing.T) {
	base := kernel.Spec{
		DtMs: 0.1,
		Populations: []kernel.PopulationSpec{
			{Name: "pre", N: 2, Model: "lif_delta", Sign: -1},
			{Name: "post", N: 2, Model: "lif_delta"},
		},
	}
	for _, tc := range []struct {
		field string
		set   func(p *synapses.Plasticity)
	}{
		{"", func(*synapses.Plasticity) {}},
		{"lambda", func(p *synapses.Plasticity) { p.Lambda = 0.01 }},
		{"mu_plus", func(p *synapses.Plasticity) { p.MuPlus = 0.5 }},
		{"mu_minus", func(p *synapses.Plasticity) { p.MuMinus = 1 }},
	} {
		t.Run("field="+tc.field, func(t *testing.T) {
			p := vsRule(0.5, 0.2, 30, 0, 0)
			tc.set(&p)
			spec := base
			spec.Projections = []kernel.ProjectionSpec{{Source: "pre", Target: "post", Rule: synapses.Rule{Kind: "all_to_all"},
				Weights: synapses.Weights{Value: 10}, DelayMs: 1, Plasticity: p}}
			net, err := kernel.New(spec)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("the valid rule %+v: %v", p, err)
				}
				net.Close()
				return
			}
			if err == nil {
				net.Close()
				t.Fatalf("%s = non-zero accepted for vogels_sprekeler", tc.field)
			}
			if !strings.Contains(err.Error(), "plasticity."+tc.field) {
				t.Errorf("%s = non-zero: error %q does not name plasticity.%s", tc.field, err, tc.field)
			}
		})
	}
}
