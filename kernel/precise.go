package kernel

import (
	"math"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/neurons"
)

// preciseState holds the event queues of the precise mode: one per worker
// and population (each worker owns its targets' events).
type preciseState struct {
	queues     [][]*preciseQueue // [worker][population]
	work       []preciseWork     // per worker scratch
	srcs       []rowSource       // what arrivals expand
	groups     [][]int32         // per projection: its row sources (nil: an event per synapse)
	integrateF func(int)
	deliverF   func(int)
}

func (net *Network) initPrecise() {
	W := net.workers
	ps := &preciseState{queues: make([][]*preciseQueue, W), work: make([]preciseWork, W)}
	maxIn := make([]int, len(net.pops))
	for _, pr := range net.plan.projs {
		maxIn[pr.tgt] = max(maxIn[pr.tgt], pr.maxDelay)
	}
	for w := range W {
		ps.queues[w] = make([]*preciseQueue, len(net.pops))
		for p := range net.pops {
			ps.queues[w][p] = newPreciseQueue(net.plan.slice + maxIn[p] + 1)
		}
		ps.work[w].offs = make([]float64, 0, 16)
	}
	ps.groups = make([][]int32, len(net.projs))
	for _, pr := range net.projs {
		c := pr.csr
		if c.Delay == nil {
			ps.groups[pr.index] = []int32{int32(len(ps.srcs))}
			ps.srcs = append(ps.srcs, rowSource{csr: c, split: pr.split, recep: int32(pr.plan.recep), delay: c.DelaySteps, bySign: pr.plan.perSynapse})
			continue
		}
		for _, g := range delayGroups(c) {
			var split [][]uint64
			if W > 1 {
				split = g.Split(net.pops[pr.plan.tgt].bounds)
			}
			ps.groups[pr.index] = append(ps.groups[pr.index], int32(len(ps.srcs)))
			ps.srcs = append(ps.srcs, rowSource{csr: g, split: split, recep: int32(pr.plan.recep), delay: g.DelaySteps, bySign: pr.plan.perSynapse})
			net.stats.SynBytes += g.Bytes()
		}
	}
	ps.integrateF = net.integratePrecise
	ps.deliverF = net.deliverPrecise
	net.precise = ps
}

// integratePrecise is phase 1 in precise mode: each neuron is advanced from
// event to event through the step; spikes carry their offsets.
func (net *Network) integratePrecise(w int) {
	box := &net.boxes[w]
	L := net.sliceLen
	box.Reset(L, len(net.pops))
	s := net.sliceStart
	for k := range L {
		step := s + int64(k)
		for p, pop := range net.pops {
			if pop.special != nil { // spike generators: their spikes at their times
				pop.special.emit(net, pop, w, int32(p), step)
				box.Close(k, p)
				continue
			}
			net.stepPrecise(w, p, step)
			box.Close(k, p)
			for _, r := range pop.recs {
				r.sample(w, s, step)
			}
		}
	}
}

// stepPrecise advances worker w's neurons of population p through step,
// block by block (countBlock, then placeAt or placeAll, then fillBlock).
func (net *Network) stepPrecise(w, p int, step int64) {
	ps := net.precise
	pop := net.pops[p]
	m := pop.model.(neurons.Precise)
	q := ps.queues[w][p]
	wk := &ps.work[w]
	lo, hi := pop.bounds[w], pop.bounds[w+1]
	if pop.dc64 != nil {
		// the devices' currents, summed in float64; I_e is added below
		b := pop.dc64[lo:hi]
		for j := range b {
			b[j] = 0
		}
		for _, d := range pop.current {
			addCurrent(d, pop.dc64, w, step)
		}
	}
	rows, ex := q.rows[q.slot(step)], q.ev.Peek(step)
	B := net.startPrecise(wk, q, pop, w, lo, hi, 0, step, rows, ex)
	ie := m.IePA()
	curTerm := m.CurrentTerm(ie)
	total := 0
	for bi, b0 := 0, lo; b0 < hi; bi, b0 = bi+1, b0+B {
		b1 := min(b0+B, hi)
		cnt, n := net.countBlock(wk, pop, w, bi, b0, b1, step, rows, ex)
		total += n
		if pop.dc64 == nil {
			// One current for all: the neurons without events go
			// through the batched quiet step; those with events and
			// those it refuses one by one, in ascending order.
			todo := m.StepQuietRange(b0, b1, step, ie, curTerm, cnt, wk.todo[:0])
			placeAt(cnt, b0, todo)
			evs := net.fillBlock(wk, pop, w, bi, b0, step, rows, ex, cnt, n)
			e := 0
			for _, j := range todo {
				e0 := e
				for e < len(evs) && evs[e].Target == j {
					e++
				}
				net.preciseNeuron(w, p, m, int(j), step, ie, curTerm, evs[e0:e])
				m.Sync(int(j), int(j)+1) // StepQuietRange synced the others
			}
			wk.todo = todo
		} else {
			placeAll(cnt)
			evs := net.fillBlock(wk, pop, w, bi, b0, step, rows, ex, cnt, n)
			e := 0
			for j := b0; j < b1; j++ {
				cur := ie + pop.dc64[j]
				e0 := e
				for e < len(evs) && int(evs[e].Target) == j {
					e++
				}
				net.preciseNeuron(w, p, m, j, step, cur, m.CurrentTerm(cur), evs[e0:e])
			}
			m.Sync(b0, b1)
		}
		clear(cnt)
	}
	q.other = total - wk.queued
	q.clear(step)
}

// preciseNeuron advances neuron j of population p (worker w) through step
// under the constant current cur (CurrentTerm curTerm) with the jumps evs
// (its events of the step, in insertion order): by superposition when the
// step is Quiet (summed in that order), else event to event in time order
// (evs is sorted then; the jumps at one offset are received in insertion
// order before Fire tests them); spikes go to the worker's box.
func (net *Network) preciseNeuron(w, p int, m neurons.Precise, j int, step int64, cur, curTerm float64, evs []events.Event) {
	wPos, wAbs := 0.0, 0.0
	for _, ev := range evs {
		x := float64(ev.W)
		wPos += max(x, 0)
		wAbs += math.Abs(x)
	}
	if m.Quiet(j, step, cur, wPos, wAbs) {
		// no spike possible in this step: superpose the jumps
		m.StepQuiet(j, curTerm)
		for _, ev := range evs {
			m.AddQuiet(j, int(ev.Recep), ev.Off, float64(ev.W))
		}
		return
	}
	events.SortRun(evs)
	wk := &net.precise.work[w]
	offs := wk.offs[:0]
	t := 0.0
	for i := 0; i < len(evs); {
		// the jumps at one offset, received together
		t1 := evs[i].Off
		offs = m.Advance(j, step, t, t1, cur, offs)
		for ; i < len(evs) && evs[i].Off == t1; i++ {
			m.Receive(j, step, t1, int(evs[i].Recep), float64(evs[i].W))
		}
		offs = m.Fire(j, step, t1, offs)
		t = t1
	}
	offs = m.Advance(j, step, t, net.dt, cur, offs)
	box := &net.boxes[w]
	for _, o := range offs {
		box.Spikes = append(box.Spikes, events.Spike{Step: step, Off: o, Pop: int32(p), Index: int32(j)})
	}
	wk.offs = offs
}

// deliverPrecise is phase 3 in precise mode: each spike is queued for its
// targets, received in step + delay at the spike's own offset: as one
// arrival per delay of the projection (its row sources), or, for a
// projection with too many delays for its synapses, as one event per
// synapse.
func (net *Network) deliverPrecise(w int) {
	ps := net.precise
	var ev int64
	for i, sp := range net.merged {
		for _, pr := range net.out[sp.Pop] {
			q := ps.queues[w][pr.plan.tgt]
			scale := float32(1) // w·1 is w exactly
			if pr.stp != nil {  // short-term plasticity: weights scaled by the spike's efficacy
				scale = pr.stp.scale[i]
			}
			if gs := ps.groups[pr.index]; gs != nil {
				for _, g := range gs {
					s := &ps.srcs[g]
					if lo, hi := s.segment(w, int(sp.Index)); hi > lo {
						q.addRow(sp.Step+int64(s.delay), arrival{off: sp.Off, scale: scale, src: g, row: sp.Index})
						ev += int64(hi - lo)
					}
				}
				continue
			}
			c := pr.csr
			lo, hi := pr.segment(w, int(sp.Index))
			r := int32(pr.plan.recep)
			for k := lo; k < hi; k++ {
				rk := r
				if pr.plan.perSynapse && math.Float32bits(c.W(k))>>31 != 0 { // the sign bit, as putRowBySign
					rk = neurons.Inh
				}
				q.ev.Push(sp.Step+int64(c.D(k)), int32(c.Target[k]), rk, sp.Off, float32(c.W(k)*scale))
			}
			ev += int64(hi - lo)
		}
	}
	net.synev[w] += ev
}
