package kernel

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/synapses"
)

// stdp is the plasticity state of one projection (ProjectionSpec.Plasticity
// kind "stdp", "vogels_sprekeler" or "stdp_triplet"), NEST's stdp_synapse,
// vogels_sprekeler_synapse or stdp_triplet_synapse on the step grid: every
// time is an integer step, a spike emitted in step s is at (s+1)·dt.
//
// The presynaptic trace K₊ and the step of the last presynaptic spike are
// the same for every synapse of a source neuron (they depend on its spike
// times only), so they are kept per source neuron; each worker keeps its own
// copy and updates it for every spike, so that workers never share a write
// and the copies are equal between slices. The postsynaptic side is a
// history of spikes per target neuron, each with K₋ just after it, read by
// the worker that owns the target.
//
// stdp_triplet keeps the same state and timing with one more trace on each
// side: r₂ per source neuron beside K₊ = r₁, and o₂ just before each
// spike of a history beside K₋ = o₁ just after it (hy, parallel to hist).
// Its potentiation by the pending pairings reads r₁ and each spike's o₂,
// its depression o₁ and r₂ just before the presynaptic spike.
//
// A pairing counts while the postsynaptic spike reaches the synapse at most
// reach = ⌈32·τ₊/dt⌉ steps after the presynaptic spike (its weight change is
// below e^{−32} ≈ 1.3·10⁻¹⁴ of λ·w_max beyond), so every pairing of a spike
// is known reach steps later. At every multiple of every steps (in the
// slice that reaches it, with or without spikes) the workers apply those of
// the sources silent for reach steps before it at once (the operations
// update would apply at their next spike, in the same order, with the same
// bits: the weight is rounded to float32 after the potentiation in both
// places) and drop the history entries no synapse will read again. Which
// pairings are applied at the end of a run thus depends on its time only,
// not on how runs were split or restored, and a history holds the spikes of
// about the last reach + every + maxDelay steps, whatever the sources do.
type stdp struct {
	rule     synapses.PairRule
	wmax     float64   // signed like the weights
	bound    float32   // wmax as a float32 weight
	plusStep float64   // dt/τ₊: decay exponent per step
	minStep  float64   // dt/τ₋
	plus     []float64 // plus[n] = e^{−n·dt/τ₊}, the same bits as synapses.Decay
	minus    []float64 // minus[n] = e^{−n·dt/τ₋}
	reach    int64     // steps after a presynaptic spike within which its pairings count
	every    int64     // steps between prunes: at every multiple of it
	maxDelay int64
	pre      []preTrace // per worker
	hist     [][]postSpike
	tail     []lastSpike // per target: its last spike, read first
	need     []int64     // per target: scratch of prune
	pruned   []int64     // per worker: the last multiple of every it pruned at, over every

	// stdp_triplet
	triplet bool
	tri     synapses.TripletRule
	xStep   float64     // dt/τₓ: decay exponent of r₂ per step
	yStep   float64     // dt/τ_y: of o₂
	xs      []float64   // xs[n] = e^{−n·dt/τₓ}
	ys      []float64   // ys[n] = e^{−n·dt/τ_y}
	hy      [][]float64 // per target, parallel to hist: o₂ just before each spike
	tailY   []float64   // per target: o₂ just before its last spike (tail's)
}

// preTrace is the presynaptic state of every source neuron as one worker
// sees it.
type preTrace struct {
	k    []float64 // K₊ just after the last spike
	last []int64   // step of the last spike, −1 before the first
	done []bool    // the last spike's pairings are applied (by prune)
	k2   []float64 // stdp_triplet: r₂ just after the last spike
}

// lastSpike is a target neuron's last spike (Step −1: none) and the step of
// the one before (−1: none, or pruned).
type lastSpike struct {
	Step int64
	K    float64
	Prev int64
}

// postSpike is an entry of a target neuron's spike history.
type postSpike struct {
	Step int64   // exported for encoding/binary
	K    float64 // K₋ just after the spike
}

// newSTDP prepares the plasticity of projection pr, whose connectivity is
// built, for W workers: it gives every synapse its own weight and checks that
// the weights lie between 0 and WMax.
func newSTDP(where string, pr *projection, nTgt, W int, dt float64) (*stdp, error) {
	rule := pr.plan.spec.Plasticity.WithDefaults()
	c := pr.csr
	s := &stdp{rule: rule.PairRule(), wmax: plasticBound(pr.plan.spec.Plasticity, pr.plan.sign), plusStep: dt / rule.TauPlusMs,
		minStep: dt / rule.TauMinusMs, maxDelay: int64(pr.plan.maxDelay)}
	s.bound = float32(s.wmax)
	s.plus, s.minus = decayTable(s.plusStep), decayTable(s.minStep)
	s.reach = reachSteps(rule.TauPlusMs, dt)
	s.every = max(s.reach/2, 1000)
	if c.Weight == nil {
		c.Weight = make([]float32, c.Len())
		for k := range c.Weight {
			c.Weight[k] = c.Const
		}
	}
	for k, w := range c.Weight {
		if !within(w, s.bound) {
			return nil, boundError(where, s.wmax, fmt.Sprintf("synapse %d has weight %g", k, w))
		}
	}
	s.pre = make([]preTrace, W)
	for w := range s.pre {
		s.pre[w] = preTrace{k: make([]float64, c.NSrc), last: make([]int64, c.NSrc), done: make([]bool, c.NSrc)}
		for i := range s.pre[w].last {
			s.pre[w].last[i] = -1
		}
	}
	s.hist = make([][]postSpike, nTgt)
	s.tail = make([]lastSpike, nTgt)
	for j := range s.tail {
		s.tail[j] = lastSpike{Step: -1, Prev: -1}
	}
	s.need = make([]int64, nTgt)
	s.pruned = make([]int64, W)
	if rule.Kind == "stdp_triplet" {
		s.triplet, s.tri = true, rule.TripletRule()
		s.xStep, s.yStep = dt/rule.TauPlusTripletMs, dt/rule.TauMinusTripletMs
		s.xs, s.ys = decayTable(s.xStep), decayTable(s.yStep)
		for w := range s.pre {
			s.pre[w].k2 = make([]float64, c.NSrc)
		}
		s.hy, s.tailY = make([][]float64, nTgt), make([]float64, nTgt)
	}
	return s, nil
}

// reachSteps returns ⌈32·τ₊/dt⌉, the steps within which a pairing counts:
// a quotient within 10⁻⁹ (relative) of an integer counts as that integer,
// so that τ₊ = 10.3 ms at dt = 0.1 ms gives 3,296 (the division gives
// 3296.0000000000005); at most 2⁵⁰.
func reachSteps(tauPlusMs, dt float64) int64 {
	r := 32 * tauPlusMs / dt
	if k := math.Round(r); math.Abs(r-k) <= 1e-9*k {
		r = k
	}
	return int64(min(math.Ceil(r), 1<<50))
}

// plasticBound returns w_max signed as the projection's weights: by its
// sign (weights.sign, else the source population's) when it has one, else
// as given.
func plasticBound(p synapses.Plasticity, sign int) float64 {
	switch {
	case sign > 0:
		return math.Abs(p.WMax)
	case sign < 0:
		return -math.Abs(p.WMax)
	}
	return p.WMax
}

// within reports whether weight w lies between 0 and bound, w_max as a
// float32 (the weights' type: a weight of 0.2 is within w_max = 0.2).
func within(w, bound float32) bool {
	if bound > 0 {
		return w >= 0 && w <= bound
	}
	return w <= 0 && w >= bound
}

// boundError is the error of a weight (described by what) outside
// [0, w_max] of projection where.
func boundError(where string, wmax float64, what string) error {
	return param.New(pkg, where+".plasticity.w_max", wmax,
		"a bound of every weight (each between 0 and w_max, signed as the projection): "+what)
}

// checkPlasticWeights reports, when the spec is validated, weights of a
// plastic projection outside [0, w_max] that can be told without building
// it: a constant weight, the ends of a uniform range, explicit weights
// (list, sonata). Drawn normal and lognormal weights are checked when built.
func checkPlasticWeights(where string, pr ProjectionSpec, sign int) error {
	if pr.Plasticity.Kind == "" {
		return nil
	}
	wmax := plasticBound(pr.Plasticity, sign)
	signed := pr.Weights
	signed.Sign = sign
	var ws []float64
	switch {
	case pr.Rule.Kind == "list" && pr.WeightList != nil:
		ws = pr.WeightList
	case pr.Rule.Kind == "list":
		ws = []float64{pr.Weights.Value}
	case pr.Weights.Dist == "" || pr.Weights.Dist == "constant":
		ws = []float64{float64(signed.Signed(pr.Weights.Value))}
	case pr.Weights.Dist == "uniform":
		ws = []float64{float64(signed.Signed(pr.Weights.Low)), float64(signed.Signed(pr.Weights.High))}
	}
	for k, w := range ws {
		if !within(float32(w), float32(wmax)) {
			return boundError(where, wmax, fmt.Sprintf("weight %d is %g", k, float32(w)))
		}
	}
	return nil
}

// decayTable returns e^{−n·x} for n in [0, N), N steps covering 32 time
// constants (at most 2¹⁶ entries): the decays of the traces over n steps,
// looked up instead of computed for every synapse and spike.
func decayTable(x float64) []float64 {
	n := 1 << 16
	if f := 32/x + 1; f < float64(n) {
		n = int(f)
	}
	t := make([]float64, n)
	for k := range t {
		t[k] = synapses.Decay(float64(k) * x)
	}
	return t
}

// decay returns e^{−n·x} from table t (n ≥ 0), computing it past the table.
func decay(t []float64, n int64, x float64) float64 {
	if n < int64(len(t)) {
		return t[n]
	}
	return synapses.Decay(float64(n) * x)
}

// record appends the spikes of the target population (index tgt) of the
// neurons [lo, hi) that worker w owns to their histories. It runs at the
// start of the deliver phase, so that a delay-0 synapse sees a postsynaptic
// spike of its own step.
func (s *stdp) record(w int, merged []events.Spike, tgt int32, lo, hi int) {
	for _, sp := range merged {
		if sp.Pop != tgt || int(sp.Index) < lo || int(sp.Index) >= hi {
			continue
		}
		h := s.hist[sp.Index]
		k := 1.0
		if n := len(h); n > 0 {
			k += float64(h[n-1].K * decay(s.minus, sp.Step-h[n-1].Step, s.minStep))
		}
		s.hist[sp.Index] = append(h, postSpike{Step: sp.Step, K: k})
		if s.triplet {
			y := 0.0             // o₂ just before the spike
			hy := s.hy[sp.Index] // as long as h
			if n := len(h); n > 0 {
				y = float64((hy[n-1] + 1) * decay(s.ys, sp.Step-h[n-1].Step, s.yStep))
			}
			s.hy[sp.Index] = append(hy, y)
			s.tailY[sp.Index] = y
		}
		s.tail[sp.Index] = lastSpike{Step: sp.Step, K: k, Prev: s.tail[sp.Index].Step}
	}
}

// maybePrune prunes when the slice [sliceStart, sliceEnd) reaches a
// multiple of every. It runs at the end of the deliver phase: every spike
// of the slice has updated the traces, so a source's last spike is its
// last before sliceEnd, and a spike of its after sliceEnd comes after the
// pairings prune applies, as at their next spike.
func (s *stdp) maybePrune(w int, pr *projection, lo, hi int, sliceStart, sliceEnd int64) {
	if m := sliceEnd / s.every; m > s.pruned[w] {
		s.prune(w, pr, lo, hi, m*s.every, sliceStart)
		s.pruned[w] = m
	}
}

// due reports whether the slice ending at sliceEnd prunes.
func (s *stdp) due(sliceEnd int64) bool { return sliceEnd/s.every > s.pruned[0] }

// prune applies, for worker w's synapses, the pairings of the sources whose
// last spike (before the slice's end) is more than reach steps before step
// cut (a multiple of every, at most the slice's end: all of them are in the
// histories), and drops the history entries of its targets [lo, hi) that no
// delivery will read again: an entry is needed to potentiate a synapse
// whose source's pairings are pending while it is after that spike's step
// minus the delay, and the last entry before sliceStart − maxDelay gives K₋
// to every later depression (later slices query at or after it).
func (s *stdp) prune(w int, pr *projection, lo, hi int, cut, sliceStart int64) {
	c := pr.csr
	need := s.need[lo:hi]
	for j := range need {
		need[j] = math.MaxInt64
	}
	pre := s.pre[w]
	for i := range c.NSrc {
		last := pre.last[i]
		if last < 0 || pre.done[i] {
			continue
		}
		a, b := pr.segment(w, i)
		if last+s.reach < cut {
			for k := a; k < b; k++ {
				d, j := int64(c.D(k)), c.Target[k]
				wn := float64(c.Weight[k]) / s.wmax
				if s.triplet {
					wn = s.potentiateTriplet(s.hist[j], s.hy[j], wn, pre.k[i], last, d)
				} else {
					wn = s.potentiate(s.hist[j], wn, pre.k[i], last, d)
				}
				c.Weight[k] = float32(wn * s.wmax)
			}
			pre.done[i] = true
			continue
		}
		for k := a; k < b; k++ {
			j := int(c.Target[k]) - lo
			need[j] = min(need[j], last-int64(c.D(k)))
		}
	}
	query := sliceStart - s.maxDelay
	for j := lo; j < hi; j++ {
		h := s.hist[j]
		cut := 0
		for cut+1 < len(h) && h[cut].Step <= need[j-lo] && h[cut+1].Step < query {
			cut++
		}
		if cut > 0 {
			s.hist[j] = append(h[:0], h[cut:]...)
			if s.triplet {
				s.hy[j] = append(s.hy[j][:0], s.hy[j][cut:]...)
			}
		}
	}
}

// potentiate returns the normalized weight wn after the pairings of a
// presynaptic spike of step last (trace kPlus just after it) with the
// postsynaptic spikes of h that reach the synapse (delay d) after it and at
// most reach steps after it, in order. If there were any, the weight is
// rounded to its float32, so that applying them late (update) or early
// (prune) gives the same bits.
func (s *stdp) potentiate(h []postSpike, wn, kPlus float64, last, d int64) float64 {
	lo := len(h)
	for lo > 0 && h[lo-1].Step > last-d {
		lo--
	}
	applied := false
	for _, e := range h[lo:] {
		n := e.Step + d - last
		if n > s.reach {
			break
		}
		wn = s.rule.Potentiate(wn, kPlus*decay(s.plus, n, s.plusStep))
		applied = true
	}
	if applied {
		wn = float64(float32(wn*s.wmax)) / s.wmax
	}
	return wn
}

// potentiateTriplet is potentiate for stdp_triplet: ys holds o₂ just
// before each spike of h (ys[e] for h[e]; it may be longer).
func (s *stdp) potentiateTriplet(h []postSpike, ys []float64, wn, kPlus float64, last, d int64) float64 {
	lo := len(h)
	for lo > 0 && h[lo-1].Step > last-d {
		lo--
	}
	applied := false
	for e := lo; e < len(h); e++ {
		n := h[e].Step + d - last
		if n > s.reach {
			break
		}
		wn = s.tri.Potentiate(wn, kPlus*decay(s.plus, n, s.plusStep), ys[e])
		applied = true
	}
	if applied {
		wn = float64(float32(wn*s.wmax)) / s.wmax
	}
	return wn
}

// update applies the plasticity of a spike of source neuron i emitted in
// step step to worker w's synapses [a, b) of it, before they transmit it,
// and advances worker w's presynaptic trace.
func (s *stdp) update(w int, c *synapses.CSR, i int, step int64, a, b uint64) {
	if s.triplet {
		s.updateTriplet(w, c, i, step, a, b)
		return
	}
	pre := &s.pre[w]
	last, kPlus := pre.last[i], pre.k[i]
	pending := last >= 0 && !pre.done[i] // pairings of the last spike to apply
	for k := a; k < b; k++ {
		d := int64(c.D(k))
		j := c.Target[k]
		wn := float64(c.Weight[k]) / s.wmax
		at := step - d
		// Most often the target has fired at most once since the last
		// presynaptic spike reached it, and not since step − d: that spike
		// (if any) is the one pairing to potentiate, and its K₋ gives the
		// depression, without reading the history (the same operations as
		// below).
		if t := s.tail[j]; t.Step < at && (!pending || t.Prev <= last-d) {
			if pending && t.Step > last-d {
				if n := t.Step + d - last; n <= s.reach {
					wn = s.rule.Potentiate(wn, kPlus*decay(s.plus, n, s.plusStep))
					wn = float64(float32(wn*s.wmax)) / s.wmax
				}
			}
			if t.Step >= 0 {
				wn = s.rule.Pre(wn, t.K*decay(s.minus, at-t.Step, s.minStep))
			} else if s.rule.EveryPre() {
				wn = s.rule.Pre(wn, 0)
			}
			c.Weight[k] = float32(wn * s.wmax)
			continue
		}
		h := s.hist[j]
		// The entries read are the last few (the history is pruned), so
		// they are found from the end: [0, hi) are at or before step − d.
		hi := len(h)
		for hi > 0 && h[hi-1].Step > at {
			hi--
		}
		// potentiation by the postsynaptic spikes in (last − d, step − d]
		if pending {
			wn = s.potentiate(h[:hi], wn, kPlus, last, d)
		}
		// depression by K₋ just before step − d
		e := hi
		for e > 0 && h[e-1].Step == at {
			e--
		}
		if e > 0 {
			wn = s.rule.Pre(wn, h[e-1].K*decay(s.minus, at-h[e-1].Step, s.minStep))
		} else if s.rule.EveryPre() {
			wn = s.rule.Pre(wn, 0)
		}
		c.Weight[k] = float32(wn * s.wmax)
	}
	if last >= 0 {
		kPlus = float64(kPlus * decay(s.plus, step-last, s.plusStep))
	}
	pre.k[i], pre.last[i], pre.done[i] = kPlus+1, step, false
}

// updateTriplet is update for stdp_triplet: the pending pairings
// potentiate by r₁ and each postsynaptic spike's o₂, then o₁ and r₂ just
// before the spike depress, then r₁ and r₂ jump.
func (s *stdp) updateTriplet(w int, c *synapses.CSR, i int, step int64, a, b uint64) {
	pre := &s.pre[w]
	last, kPlus := pre.last[i], pre.k[i]
	pending := last >= 0 && !pre.done[i]
	r2 := 0.0 // r₂ just before the spike
	if last >= 0 {
		r2 = float64(pre.k2[i] * decay(s.xs, step-last, s.xStep))
	}
	for k := a; k < b; k++ {
		d := int64(c.D(k))
		j := c.Target[k]
		wn := float64(c.Weight[k]) / s.wmax
		at := step - d
		// the target's last spike alone, as in update
		if t := s.tail[j]; t.Step < at && (!pending || t.Prev <= last-d) {
			if pending && t.Step > last-d {
				if n := t.Step + d - last; n <= s.reach {
					wn = s.tri.Potentiate(wn, kPlus*decay(s.plus, n, s.plusStep), s.tailY[j])
					wn = float64(float32(wn*s.wmax)) / s.wmax
				}
			}
			if t.Step >= 0 {
				wn = s.tri.Depress(wn, t.K*decay(s.minus, at-t.Step, s.minStep), r2)
			}
			c.Weight[k] = float32(wn * s.wmax)
			continue
		}
		h := s.hist[j]
		hi := len(h)
		for hi > 0 && h[hi-1].Step > at {
			hi--
		}
		if pending {
			wn = s.potentiateTriplet(h[:hi], s.hy[j], wn, kPlus, last, d)
		}
		e := hi
		for e > 0 && h[e-1].Step == at {
			e--
		}
		if e > 0 {
			wn = s.tri.Depress(wn, h[e-1].K*decay(s.minus, at-h[e-1].Step, s.minStep), r2)
		}
		c.Weight[k] = float32(wn * s.wmax)
	}
	if last >= 0 {
		kPlus = float64(kPlus * decay(s.plus, step-last, s.plusStep))
	}
	pre.k[i], pre.k2[i], pre.last[i], pre.done[i] = kPlus+1, r2+1, step, false
}

// weightAt returns the weight of synapse k (of source neuron i) at the end
// of step step, as worker w sees it in the deliver phase once the spikes of
// steps up to step have updated the weights (a weights recorder's sample):
// c.Weight[k] with the pairings of the source's last spike whose
// postsynaptic spike has reached the synapse by then taken in — with
// potentiate, as update and prune take them in later. It reads the
// histories of worker w's targets and its presynaptic traces and writes
// nothing.
func (s *stdp) weightAt(w int, c *synapses.CSR, i int, k uint64, step int64) float32 {
	pre := &s.pre[w]
	last := pre.last[i]
	if last < 0 || pre.done[i] { // nothing pending
		return c.Weight[k]
	}
	d, j := int64(c.D(k)), c.Target[k]
	h := s.hist[j]
	hi := len(h)
	for hi > 0 && h[hi-1].Step > step-d {
		hi--
	}
	if hi == 0 || h[hi-1].Step <= last-d { // no postsynaptic spike has reached it since
		return c.Weight[k]
	}
	// potentiate rounds to float32 after a pairing, so that the product
	// below is that float32 again
	wn := float64(c.Weight[k]) / s.wmax
	if s.triplet {
		return float32(s.potentiateTriplet(h[:hi], s.hy[j], wn, pre.k[i], last, d) * s.wmax)
	}
	return float32(s.potentiate(h[:hi], wn, pre.k[i], last, d) * s.wmax)
}

// segment returns the synapses of source i whose targets worker w owns.
func (pr *projection) segment(w, i int) (lo, hi uint64) { return segmentOf(pr.csr, pr.split, w, i) }

// segmentOf returns the range in c.Target of row i's synapses onto worker
// w's targets, given c's split (nil: one worker).
func segmentOf(c *synapses.CSR, split [][]uint64, w, i int) (lo, hi uint64) {
	lo, hi = c.Ptr[i], c.Ptr[i+1]
	if split != nil {
		if w > 0 {
			lo = split[w-1][i]
		}
		if w < len(split) {
			hi = split[w][i]
		}
	}
	return lo, hi
}

// save writes the plasticity state: the weights, the presynaptic traces
// (equal in every worker between slices) and the histories; for
// stdp_triplet also r₂ after the presynaptic traces and o₂ after each
// history's spikes.
func (s *stdp) save(w io.Writer, c *synapses.CSR) error {
	pre := s.pre[0]
	xs := []any{c.Weight, pre.k, pre.last, pre.done}
	if s.triplet {
		xs = append(xs, pre.k2)
	}
	for _, x := range xs {
		if err := binary.Write(w, binary.LittleEndian, x); err != nil {
			return err
		}
	}
	for j, h := range s.hist {
		if err := binary.Write(w, binary.LittleEndian, int64(len(h))); err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, h); err != nil {
			return err
		}
		if s.triplet {
			if err := binary.Write(w, binary.LittleEndian, s.hy[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// load reads what save wrote into every worker's copy and checks it
// against the restored step: weights between 0 and w_max, traces finite and
// non-negative, spike steps increasing and before step.
func (s *stdp) load(r io.Reader, c *synapses.CSR, step int64) error {
	pre := s.pre[0]
	xs := []any{c.Weight, pre.k, pre.last, pre.done}
	if s.triplet {
		xs = append(xs, pre.k2)
	}
	for _, x := range xs {
		if err := binary.Read(r, binary.LittleEndian, x); err != nil {
			return err
		}
	}
	for k, w := range c.Weight {
		if !within(w, s.bound) {
			return fmt.Errorf("weight %d is %g, outside [0, %g]", k, w, s.bound)
		}
	}
	cut := step / s.every * s.every // pairings applied early: those complete by then
	for i, last := range pre.last {
		kp := pre.k[i]
		bad := last < -1 || last >= step || !(kp <= math.MaxFloat64)
		if last == -1 {
			bad = bad || kp != 0 || pre.done[i]
		} else {
			bad = bad || kp < 1 || pre.done[i] && last+s.reach >= cut
		}
		if s.triplet { // r₂ as K₊
			k2 := pre.k2[i]
			bad = bad || !(k2 <= math.MaxFloat64) || (last == -1) != (k2 == 0) || last >= 0 && k2 < 1
		}
		if bad {
			return fmt.Errorf("presynaptic trace %d (%g after step %d, done %v) does not fit step %d", i, kp, last, pre.done[i], step)
		}
	}
	for w := 1; w < len(s.pre); w++ {
		copy(s.pre[w].k, pre.k)
		copy(s.pre[w].last, pre.last)
		copy(s.pre[w].done, pre.done)
		copy(s.pre[w].k2, pre.k2)
	}
	for j := range s.hist {
		var n int64
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return err
		}
		if n < 0 || n > step {
			return fmt.Errorf("history %d has %d spikes in %d steps", j, n, step)
		}
		// in blocks, so that a damaged length cannot allocate more than
		// the file holds
		h := s.hist[j][:0]
		var buf [512]postSpike
		for n > 0 {
			m := min(n, int64(len(buf)))
			if err := binary.Read(r, binary.LittleEndian, buf[:m]); err != nil {
				return err
			}
			h = append(h, buf[:m]...)
			n -= m
		}
		for e, x := range h {
			if x.Step < 0 || x.Step >= step || e > 0 && x.Step <= h[e-1].Step || !(x.K >= 1 && x.K <= math.MaxFloat64) {
				return fmt.Errorf("history %d: spike %d (step %d, K₋ %g) out of order or range before step %d", j, e, x.Step, x.K, step)
			}
		}
		s.hist[j] = h
		if s.triplet {
			ys := s.hy[j][:0]
			var buf [512]float64
			for n := len(h); n > 0; {
				m := min(n, len(buf))
				if err := binary.Read(r, binary.LittleEndian, buf[:m]); err != nil {
					return err
				}
				ys = append(ys, buf[:m]...)
				n -= m
			}
			for e, x := range ys {
				if !(x >= 0 && x <= math.MaxFloat64) {
					return fmt.Errorf("history %d: spike %d has o₂ %g", j, e, x)
				}
			}
			s.hy[j] = ys
			s.tailY[j] = 0
			if n := len(ys); n > 0 {
				s.tailY[j] = ys[n-1]
			}
		}
		s.tail[j] = lastSpike{Step: -1, Prev: -1}
		if n := len(h); n > 0 {
			s.tail[j] = lastSpike{Step: h[n-1].Step, K: h[n-1].K, Prev: -1}
			if n > 1 {
				s.tail[j].Prev = h[n-2].Step
			}
		}
	}
	for w := range s.pruned {
		s.pruned[w] = step / s.every // the checkpoint's state has pruned at every multiple up to step
	}
	return nil
}
