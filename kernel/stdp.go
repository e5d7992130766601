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
// kind "stdp"), NEST's stdp_synapse on the step grid: every time is an
// integer step, a spike emitted in step s is at (s+1)·dt.
//
// The presynaptic trace K₊ and the step of the last presynaptic spike are
// the same for every synapse of a source neuron (they depend on its spike
// times only), so they are kept per source neuron; each worker keeps its own
// copy and updates it for every spike, so that workers never share a write.
// The postsynaptic side is a history of spikes per target neuron, each with
// K₋ just after it, read by the worker that owns the target.
type stdp struct {
	rule     synapses.Plasticity // with defaults
	wmax     float64             // signed like the weights
	plusStep float64             // dt/τ₊: decay exponent per step
	minStep  float64             // dt/τ₋
	plus     []float64           // plus[n] = e^{−n·dt/τ₊}, the same bits as synapses.Decay
	minus    []float64           // minus[n] = e^{−n·dt/τ₋}
	maxDelay int64
	pre      []preTrace // per worker
	hist     [][]postSpike
	tail     []postSpike // per target: its last spike (Step −1: none), read first
	need     []int64     // per target: scratch of prune
	added    []int       // per worker: history entries added since its last prune
	pruneAt  []int       // per worker: prune when added reaches it
}

// preTrace is the presynaptic state of every source neuron as one worker
// sees it.
type preTrace struct {
	k    []float64 // K₊ just after the last spike
	last []int64   // step of the last spike, −1 before the first
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
	s := &stdp{rule: rule, wmax: math.Abs(rule.WMax), plusStep: dt / rule.TauPlusMs, minStep: dt / rule.TauMinusMs,
		maxDelay: int64(pr.plan.maxDelay)}
	s.plus, s.minus = decayTable(s.plusStep), decayTable(s.minStep)
	if pr.plan.sign < 0 || pr.plan.sign == 0 && rule.WMax < 0 {
		s.wmax = -s.wmax
	}
	if c.Weight == nil {
		c.Weight = make([]float32, c.Len())
		for k := range c.Weight {
			c.Weight[k] = c.Const
		}
	}
	for k, w := range c.Weight {
		if wn := float64(w) / s.wmax; !(wn >= 0 && wn <= 1) {
			return nil, param.New(pkg, where+".plasticity.w_max", s.wmax,
				fmt.Sprintf("a bound of every weight (each between 0 and w_max, signed as the projection): synapse %d has weight %g", k, w))
		}
	}
	s.pre = make([]preTrace, W)
	for w := range s.pre {
		s.pre[w] = preTrace{k: make([]float64, c.NSrc), last: make([]int64, c.NSrc)}
		for i := range s.pre[w].last {
			s.pre[w].last[i] = -1
		}
	}
	s.hist = make([][]postSpike, nTgt)
	s.tail = make([]postSpike, nTgt)
	for j := range s.tail {
		s.tail[j].Step = -1
	}
	s.need = make([]int64, nTgt)
	s.added = make([]int, W)
	s.pruneAt = make([]int, W)
	for w := range s.pruneAt {
		s.pruneAt[w] = 1024
	}
	return s, nil
}

// decayTable returns e^{−n·x} for n in [0, N), N steps covering 32 time
// constants (at most 2¹⁶ entries): the decays of the traces over n steps,
// looked up instead of computed for every synapse and spike.
func decayTable(x float64) []float64 {
	n := min(int(32/x)+1, 1<<16)
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
// neurons [lo, hi) that worker w owns to their histories, and prunes them
// from time to time. It runs at the start of the deliver phase, so that a
// delay-0 synapse sees a postsynaptic spike of its own step.
func (s *stdp) record(w int, pr *projection, merged []events.Spike, tgt int32, lo, hi int, sliceStart int64) {
	for _, sp := range merged {
		if sp.Pop != tgt || int(sp.Index) < lo || int(sp.Index) >= hi {
			continue
		}
		h := s.hist[sp.Index]
		k := 1.0
		if n := len(h); n > 0 {
			k += h[n-1].K * decay(s.minus, sp.Step-h[n-1].Step, s.minStep)
		}
		s.hist[sp.Index] = append(h, postSpike{Step: sp.Step, K: k})
		s.tail[sp.Index] = postSpike{Step: sp.Step, K: k}
		s.added[w]++
	}
	if s.added[w] >= s.pruneAt[w] {
		kept := s.prune(w, pr, lo, hi, sliceStart)
		s.added[w] = 0
		s.pruneAt[w] = max(1024, 4*(hi-lo), kept)
	}
}

// prune drops the history entries of targets [lo, hi) (worker w's) that no
// delivery will read again, and returns how many entries remain. An entry
// is still needed to potentiate a synapse that has carried a spike while
// it is after that spike's step minus the delay (entries of synapses that
// never did are never read: their trace is 0), and the last entry before
// sliceStart − maxDelay gives K₋ to every later depression.
func (s *stdp) prune(w int, pr *projection, lo, hi int, sliceStart int64) int {
	c := pr.csr
	need := s.need[lo:hi]
	for j := range need {
		need[j] = math.MaxInt64
	}
	pre := s.pre[w]
	for i := range c.NSrc {
		last := pre.last[i]
		if last < 0 {
			continue
		}
		a, b := pr.segment(w, i)
		for k := a; k < b; k++ {
			j := int(c.Target[k]) - lo
			need[j] = min(need[j], last-int64(c.D(k)))
		}
	}
	query := sliceStart - s.maxDelay
	kept := 0
	for j := lo; j < hi; j++ {
		h := s.hist[j]
		cut := 0
		for cut+1 < len(h) && h[cut].Step <= need[j-lo] && h[cut+1].Step < query {
			cut++
		}
		if cut > 0 {
			s.hist[j] = append(h[:0], h[cut:]...)
		}
		kept += len(s.hist[j])
	}
	return kept
}

// update applies the plasticity of a spike of source neuron i emitted in
// step step to worker w's synapses [a, b) of it, before they transmit it,
// and advances worker w's presynaptic trace.
func (s *stdp) update(w int, c *synapses.CSR, i int, step int64, a, b uint64) {
	pre := &s.pre[w]
	last, kPlus := pre.last[i], pre.k[i]
	for k := a; k < b; k++ {
		d := int64(c.D(k))
		j := c.Target[k]
		wn := float64(c.Weight[k]) / s.wmax
		at := step - d
		// Most often the target has not fired since the last presynaptic
		// spike reached it: nothing to potentiate, and its last spike gives
		// K₋, without reading the history.
		if t := s.tail[j]; t.Step < at && (last < 0 || t.Step <= last-d) {
			if t.Step >= 0 {
				wn = s.rule.Depress(wn, t.K*decay(s.minus, at-t.Step, s.minStep))
			}
			c.Weight[k] = float32(wn * s.wmax)
			continue
		}
		h := s.hist[j]
		// The entries read are the last few (the history is pruned), so
		// they are found from the end: [0, hi) are at or before step − d,
		// [lo, hi) after last − d.
		hi := len(h)
		for hi > 0 && h[hi-1].Step > at {
			hi--
		}
		// potentiation by the postsynaptic spikes in (last − d, step − d]
		if last >= 0 {
			lo := hi
			for lo > 0 && h[lo-1].Step > last-d {
				lo--
			}
			for _, e := range h[lo:hi] {
				wn = s.rule.Potentiate(wn, kPlus*decay(s.plus, e.Step+d-last, s.plusStep))
			}
		}
		// depression by K₋ just before step − d
		e := hi
		for e > 0 && h[e-1].Step == at {
			e--
		}
		if e > 0 {
			wn = s.rule.Depress(wn, h[e-1].K*decay(s.minus, at-h[e-1].Step, s.minStep))
		}
		c.Weight[k] = float32(wn * s.wmax)
	}
	if last >= 0 {
		kPlus *= decay(s.plus, step-last, s.plusStep)
	}
	pre.k[i], pre.last[i] = kPlus+1, step
}

// segment returns the synapses of source i whose targets worker w owns.
func (pr *projection) segment(w, i int) (lo, hi uint64) {
	c := pr.csr
	lo, hi = c.Ptr[i], c.Ptr[i+1]
	if pr.split != nil {
		if w > 0 {
			lo = pr.split[w-1][i]
		}
		if w < len(pr.split) {
			hi = pr.split[w][i]
		}
	}
	return lo, hi
}

// save writes the plasticity state: the weights, the presynaptic traces
// (identical in every worker) and the histories.
func (s *stdp) save(w io.Writer, c *synapses.CSR) error {
	pre := s.pre[0]
	for _, x := range []any{c.Weight, pre.k, pre.last} {
		if err := binary.Write(w, binary.LittleEndian, x); err != nil {
			return err
		}
	}
	for _, h := range s.hist {
		if err := binary.Write(w, binary.LittleEndian, int64(len(h))); err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, h); err != nil {
			return err
		}
	}
	return nil
}

// load reads what save wrote into every worker's copy.
func (s *stdp) load(r io.Reader, c *synapses.CSR) error {
	pre := s.pre[0]
	for _, x := range []any{c.Weight, pre.k, pre.last} {
		if err := binary.Read(r, binary.LittleEndian, x); err != nil {
			return err
		}
	}
	for w := 1; w < len(s.pre); w++ {
		copy(s.pre[w].k, pre.k)
		copy(s.pre[w].last, pre.last)
	}
	for j := range s.hist {
		var n int64
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return err
		}
		if n < 0 {
			return fmt.Errorf("bad history length %d", n)
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
		s.hist[j] = h
		s.tail[j] = postSpike{Step: -1}
		if len(h) > 0 {
			s.tail[j] = h[len(h)-1]
		}
	}
	for w := range s.added {
		s.added[w] = 0
	}
	return nil
}
