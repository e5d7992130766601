package kernel

import (
	"math"
	"sort"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/neurons"
	"github.com/neurodyn/neurodyn/synapses"
)

// arrival is a spike queued whole for the precise mode: row row of
// the row source srcs[src] (the worker's segment of it) arrives in the
// slot's step at offset off ms, its weights scaled by scale (short-term
// plasticity; else 1), after the slot's first mark explicit events.
type arrival struct {
	off   float64
	scale float32
	src   int32
	row   int32
	mark  int32
}

// rowSource is what an arrival expands: the rows of a projection with one
// delay, or those of one of the delays of a projection with a delay per
// synapse (delayGroups), with their worker splits.
type rowSource struct {
	csr    *synapses.CSR
	split  [][]uint64
	recep  int32
	delay  int  // steps
	bySign bool // projPlan.perSynapse: a negative weight acts on the inh receptor
}

// recepOf returns the receptor of a weight w of s: s.recep, or inh for a
// negative weight of a projection whose weights' signs pick it.
func (s *rowSource) recepOf(w float32) int32 {
	if s.bySign && math.Float32bits(w)>>31 != 0 { // the sign bit, as putRowBySign
		return neurons.Inh
	}
	return s.recep
}

func (s *rowSource) segment(w, i int) (lo, hi uint64) { return segmentOf(s.csr, s.split, w, i) }

// groupSynapses is the number of synapses per row and delay that
// delayGroups asks for on average: below about 5, queueing an arrival per
// delay costs more than an event per synapse.
const groupSynapses = 8

// delayGroups splits c, a CSR with a delay per synapse, into one CSR per
// delay (ascending), each row's synapses in their order in c (so by
// target), with its delay as DelaySteps and its weights (or c's Const). It
// returns nil unless the groups would hold at least groupSynapses synapses
// per row and delay on average, groups·(rows+1)·groupSynapses ≤ synapses
// (their row pointers then take at most 1 byte per synapse, and a worker
// split as much again per extra worker): a projection with fewer queues an
// event per synapse.
func delayGroups(c *synapses.CSR) []*synapses.CSR {
	count := make([]int, c.MaxDelay()+1)
	for _, d := range c.Delay {
		count[d]++
	}
	var ds []int
	for d, n := range count {
		if n > 0 {
			ds = append(ds, d)
		}
	}
	if int64(groupSynapses)*int64(len(ds))*int64(c.NSrc+1) > int64(c.Len()) { // int64: no wrap on 32-bit
		return nil
	}
	gi := make([]int32, len(count))
	gs := make([]*synapses.CSR, len(ds))
	for g, d := range ds {
		gi[d] = int32(g)
		gs[g] = &synapses.CSR{NSrc: c.NSrc, NTgt: c.NTgt, Ptr: make([]uint64, c.NSrc+1),
			Target: make([]uint32, 0, count[d]), Const: c.Const, DelaySteps: d}
		if c.Weight != nil {
			gs[g].Weight = make([]float32, 0, count[d])
		}
	}
	for i := range c.NSrc {
		for k := c.Ptr[i]; k < c.Ptr[i+1]; k++ {
			g := gs[gi[c.Delay[k]]]
			g.Target = append(g.Target, c.Target[k])
			if c.Weight != nil {
				g.Weight = append(g.Weight, c.Weight[k])
			}
		}
		for _, g := range gs {
			g.Ptr[i+1] = uint64(len(g.Target))
		}
	}
	return gs
}

// preciseQueue is a worker's queue of the precise mode for one population:
// a ring of per-step slots, as events.Queue (whose slots hold the explicit
// events: those of projections with fewer than groupSynapses synapses per
// source neuron and delay, and restored checkpoints), where a spike is queued as one arrival
// per delay of its projection (its row sources) instead of one event per
// synapse. A spike's row is expanded into events only in the step it
// arrives, block of neurons by block (fillBlock), so what is in flight is a
// few arrivals per spike, not megabytes of events, and a block's events
// are written once, grouped by target, into a buffer that stays in cache
// until its neurons have used them.
//
// The events of a step come in queue order: the explicit events and
// arrivals in the order they were queued (each arrival's synapses in row
// order), then the step's Poisson spikes (device by device, each neuron's in
// draw order), then its spike-source spikes. This is the order in which a
// single event queue of all of them would have received them.
type preciseQueue struct {
	ev    *events.Queue
	rows  [][]arrival // per slot
	other int         // the last step's Poisson and spike-source events
}

// preciseBlockEvents is the number of events a block of neurons aims at:
// about 200 KB of them, sorted and used while in the L2 cache. (A variable
// for tests.)
var preciseBlockEvents = 8192

// preciseArrivalBound enables blockSize's bound from the arrivals. (A
// variable for tests, which lift it to have blocks of a few events.)
var preciseArrivalBound = true

func newPreciseQueue(slots int) *preciseQueue {
	return &preciseQueue{ev: events.NewQueue(slots), rows: make([][]arrival, slots)}
}

// slot returns the ring index of step.
func (q *preciseQueue) slot(step int64) int { return int(step % int64(len(q.rows))) }

// addRow queues a whole row (all of its synapses have delay step − the
// spike's step).
func (q *preciseQueue) addRow(step int64, a arrival) {
	s := q.slot(step)
	a.mark = int32(len(q.ev.Peek(step)))
	if len(q.rows[s]) == cap(q.rows[s]) {
		// double the capacity (at least 8) of every slot with less, as
		// events.Queue does: the slots reach their steady state together
		c := max(2*cap(q.rows[s]), 8)
		for i, r := range q.rows {
			if cap(r) < c {
				q.rows[i] = make([]arrival, len(r), c)
				copy(q.rows[i], r)
			}
		}
	}
	q.rows[s] = append(q.rows[s], a)
}

// clear empties the slot of step.
func (q *preciseQueue) clear(step int64) {
	q.ev.Clear(step)
	s := q.slot(step)
	q.rows[s] = q.rows[s][:0]
}

// blockSize returns the neurons per block for a step in which n neurons
// receive about total events from rows arrivals: about preciseBlockEvents
// events per block, but no more than one block per 4 events of an arrival
// (every arrival is visited in every block). Results do not depend on it.
func blockSize(n, total, rows int) int {
	b := max(n, 1)
	if total > preciseBlockEvents {
		b = max(int(int64(n)*int64(preciseBlockEvents)/int64(total)), min(16, preciseBlockEvents), 1)
		if preciseArrivalBound {
			b = max(b, int(min(4*float64(rows)*float64(n)/float64(total), float64(n))))
		}
	}
	return min(b, max(n, 1))
}

// preciseWork is a worker's scratch for the precise mode.
type preciseWork struct {
	evs      []events.Event // the block's events, grouped by target
	cnt      []int32        // per neuron of the block: its events, then its next place
	todo     []int32        // the block's neurons StepQuietRange left: with events, or refused
	offs     []float64      // one neuron's spike offsets in the step
	cur, end []uint64       // per arrival: its next synapse, the end of its segment
	stop     []uint64       // per arrival: the end of its part in the block
	xidx     []int32        // the explicit events by block, each block's in queue order
	xoff     []int          // per block: its first in xidx
	xnext    []int          // per block: the next place in xidx
	dc, de   []int          // per Poisson and source device: its next neuron, the end of its block part
	spk      [][2]int       // per source device: its spikes received in the step (spikesIn)
	ks       []int32        // the block's Poisson counts, device by device
	queued   int            // the step's queued events (arrivals' and explicit)
}

// startPrecise prepares worker w's scratch for step's arrivals rows and
// explicit events ex for neurons [lo, hi) of pop (queue q) in blocks of B
// neurons (B ≤ 0: of blockSize's, from this step's queued events and the
// last step's others), and returns B.
func (net *Network) startPrecise(wk *preciseWork, q *preciseQueue, pop *population, w, lo, hi, B int, step int64, rows []arrival, ex []events.Event) int {
	wk.cur, wk.end = wk.cur[:0], wk.end[:0]
	wk.queued = len(ex)
	for _, a := range rows {
		k0, k1 := net.precise.srcs[a.src].segment(w, int(a.row))
		wk.cur, wk.end = append(wk.cur, k0), append(wk.end, k1)
		wk.queued += int(k1 - k0)
	}
	if B <= 0 {
		B = blockSize(hi-lo, wk.queued+q.other, len(rows))
	}
	wk.stop = append(wk.stop[:0], wk.end...)
	nb := (hi - lo + B - 1) / B
	wk.xoff = append(wk.xoff[:0], make([]int, nb+1)...)
	if len(ex) > 0 { // a stable counting sort of their indices by block
		for _, e := range ex {
			wk.xoff[(int(e.Target)-lo)/B+1]++
		}
		for b := 1; b <= nb; b++ {
			wk.xoff[b] += wk.xoff[b-1]
		}
		wk.xidx = append(wk.xidx[:0], make([]int32, len(ex))...)
		next := append(wk.xnext[:0], wk.xoff[:nb]...)
		for i, e := range ex {
			b := (int(e.Target) - lo) / B
			wk.xidx[next[b]] = int32(i)
			next[b]++
		}
		wk.xnext = next
	}
	wk.dc, wk.spk = wk.dc[:0], wk.spk[:0]
	for _, d := range pop.poisson {
		wk.dc = append(wk.dc, d.ranges[w][0])
	}
	for _, d := range pop.sources {
		wk.dc = append(wk.dc, d.ranges[w][0])
		i0, i1 := d.spikesIn(step)
		wk.spk = append(wk.spk, [2]int{i0, i1})
	}
	wk.de = append(wk.de[:0], wk.dc...)
	return B
}

// blockEnd returns the end of the block part of a device's sorted neuron
// list js that starts at at: the first index from at whose neuron is not
// below b1.
func blockEnd(js []int, at, b1 int) int {
	for at < len(js) && js[at] < b1 {
		at++
	}
	return at
}

// countBlock counts the events of step for block bi, neurons [b0, b1), of
// worker w's part of pop into wk.cnt (per neuron of the block), which it
// returns, and returns their total. startPrecise prepared wk; the blocks
// are taken in order, each counted, then placed (placeAll or placeAt),
// then filled.
func (net *Network) countBlock(wk *preciseWork, pop *population, w, bi, b0, b1 int, step int64, rows []arrival, ex []events.Event) ([]int32, int) {
	if cap(wk.cnt) < b1-b0 {
		wk.cnt = make([]int32, b1-b0)
	}
	cnt := wk.cnt[:b1-b0] // all 0
	total := 0
	for i, a := range rows {
		T := net.precise.srcs[a.src].csr.Target
		k, e := wk.cur[i], wk.end[i]
		for ; k < e && int(T[k]) < b1; k++ {
			cnt[int(T[k])-b0]++
		}
		wk.stop[i] = k
		total += int(k - wk.cur[i])
	}
	xs := wk.xidx[wk.xoff[bi]:wk.xoff[bi+1]]
	for _, x := range xs {
		cnt[int(ex[x].Target)-b0]++
	}
	total += len(xs)
	ks := wk.ks[:0]
	for di, d := range pop.poisson {
		js := d.plan.neurons[:d.ranges[w][1]]
		c := wk.dc[di]
		wk.de[di] = blockEnd(js, wk.de[di], b1)
		k0 := len(ks)
		ks = d.poissonCounts(ks, js[c:wk.de[di]], step)
		for i, j := range js[c:wk.de[di]] {
			cnt[j-b0] += ks[k0+i]
			total += int(ks[k0+i])
		}
	}
	wk.ks = ks
	np := len(pop.poisson)
	for si, d := range pop.sources {
		js := d.plan.neurons[:d.ranges[w][1]]
		c := wk.dc[np+si]
		wk.de[np+si] = blockEnd(js, wk.de[np+si], b1)
		if n := wk.spk[si][1] - wk.spk[si][0]; n > 0 {
			for _, j := range js[c:wk.de[np+si]] {
				cnt[j-b0] += int32(n)
			}
			total += n * (wk.de[np+si] - c)
		}
	}
	return cnt, total
}

// placeAll turns the counts cnt into each neuron's first place, in
// ascending order.
func placeAll(cnt []int32) {
	pos := int32(0)
	for j, c := range cnt {
		cnt[j] = pos
		pos += c
	}
}

// placeAt is placeAll over the neurons todo (ascending; b0 + index in cnt),
// which include all those with events.
func placeAt(cnt []int32, b0 int, todo []int32) {
	pos := int32(0)
	for _, j := range todo {
		c := cnt[int(j)-b0]
		cnt[int(j)-b0] = pos
		pos += c
	}
}

// fillBlock writes the block's total events to their places (cnt: each
// neuron's first) and returns them: grouped by target in ascending order,
// each target's in queue order (Seq: its place). It draws the Poisson
// spikes' offsets there. cnt is left to be cleared.
func (net *Network) fillBlock(wk *preciseWork, pop *population, w, bi, b0 int, step int64, rows []arrival, ex []events.Event, cnt []int32, total int) []events.Event {
	if cap(wk.evs) < total {
		wk.evs = make([]events.Event, total, 2*total)
	}
	out := wk.evs[:total]
	xs := wk.xidx[wk.xoff[bi]:wk.xoff[bi+1]]
	xi := 0
	for i, a := range rows {
		for ; xi < len(xs) && xs[xi] < a.mark; xi++ {
			putEvent(out, cnt, b0, ex[xs[xi]])
		}
		src := &net.precise.srcs[a.src]
		c := src.csr
		k0, k1 := wk.cur[i], wk.stop[i]
		r := src.recep
		switch {
		case c.Weight == nil:
			putRow(out, cnt, b0, c.Target[k0:k1], a.off, float32(c.Const*a.scale), r) // w·1 is w exactly
		case src.bySign:
			putRowBySign(out, cnt, b0, c.Target[k0:k1], c.Weight[k0:k1], a.off, a.scale, r)
		default:
			putRowWeighted(out, cnt, b0, c.Target[k0:k1], c.Weight[k0:k1], a.off, a.scale, r)
		}
		wk.cur[i] = k1
	}
	for ; xi < len(xs); xi++ {
		putEvent(out, cnt, b0, ex[xs[xi]])
	}
	kk := 0
	for di, d := range pop.poisson {
		js := d.plan.neurons[wk.dc[di]:wk.de[di]]
		d.poissonPut(out, cnt, b0, js, wk.ks[kk:kk+len(js)], step, net.dt)
		kk += len(js)
		wk.dc[di] = wk.de[di]
	}
	np := len(pop.poisson)
	for si, d := range pop.sources {
		js := d.plan.neurons[wk.dc[np+si]:wk.de[np+si]]
		for i := wk.spk[si][0]; i < wk.spk[si][1]; i++ {
			for _, j := range js {
				putEvent(out, cnt, b0, events.Event{Off: d.plan.offs[i], W: d.weight, Target: int32(j), Recep: int32(d.plan.recep)})
			}
		}
		wk.dc[np+si] = wk.de[np+si]
	}
	return out
}

// putEvent writes e to its target's next place in out (Seq: the place).
func putEvent(out []events.Event, cnt []int32, b0 int, e events.Event) {
	i := cnt[int(e.Target)-b0]
	e.Seq = i
	out[i] = e
	cnt[int(e.Target)-b0] = i + 1
}

// putRow writes the events of weight w (receptor r, offset off) to targets
// ts at their next places in out. The fields are stored one by one: a
// composite literal would be built on the stack and copied, and the copy's
// wide loads stall on the narrow stores that built it.
func putRow(out []events.Event, cnt []int32, b0 int, ts []uint32, off float64, w float32, r int32) {
	for _, t := range ts {
		at := cnt[int(t)-b0]
		e := &out[at]
		e.Off, e.W, e.Target, e.Recep, e.Seq = off, w, int32(t), r, at
		cnt[int(t)-b0] = at + 1
	}
}

// putRowWeighted is putRow with weights ws[k]·scale.
func putRowWeighted(out []events.Event, cnt []int32, b0 int, ts []uint32, ws []float32, off float64, scale float32, r int32) {
	ws = ws[:len(ts)]
	for k, t := range ts {
		at := cnt[int(t)-b0]
		e := &out[at]
		e.Off, e.W, e.Target, e.Recep, e.Seq = off, float32(ws[k]*scale), int32(t), r, at
		cnt[int(t)-b0] = at + 1
	}
}

// putRowBySign is putRowWeighted with a negative weight's event on the inh
// receptor (rowSource.bySign; r is exc): the receptor is the weight's sign
// bit, without a branch (deliverRowBySign).
func putRowBySign(out []events.Event, cnt []int32, b0 int, ts []uint32, ws []float32, off float64, scale float32, r int32) {
	ws = ws[:len(ts)]
	for k, t := range ts {
		at := cnt[int(t)-b0]
		e := &out[at]
		rk := r | int32(math.Float32bits(ws[k])>>31) // exc (0) | 1: inh
		e.Off, e.W, e.Target, e.Recep, e.Seq = off, float32(ws[k]*scale), int32(t), rk, at
		cnt[int(t)-b0] = at + 1
	}
}

// spikesIn returns the range [i0, i1) of a spike source's spikes received
// in step (its times are non-decreasing).
func (d *device) spikesIn(step int64) (i0, i1 int) {
	t := d.plan.times
	i0 = sort.SearchInts(t, int(step))
	i1 = i0
	for i1 < len(t) && int64(t[i1]) == step {
		i1++
	}
	return i0, i1
}

// pending returns the events queued for step in worker w's queue q (a step
// after the current slice's), in queue order, Seq their rank: for
// checkpoints.
func (net *Network) pending(q *preciseQueue, w int, step int64) []events.Event {
	ex := q.ev.Peek(step)
	var evs []events.Event
	m := int32(0)
	for _, a := range q.rows[q.slot(step)] {
		evs = append(evs, ex[m:a.mark]...)
		m = a.mark
		src := &net.precise.srcs[a.src]
		c := src.csr
		k0, k1 := src.segment(w, int(a.row))
		for k := k0; k < k1; k++ {
			evs = append(evs, events.Event{Off: a.off, W: float32(c.W(k) * a.scale), Target: int32(c.Target[k]), Recep: src.recepOf(c.W(k))})
		}
	}
	evs = append(evs, ex[m:]...)
	for i := range evs {
		evs[i].Seq = int32(i)
	}
	return evs
}
