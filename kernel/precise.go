package kernel

import (
	"math"
	"sort"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/neurons"
)

// preciseState holds the event queues of the precise mode: one per worker
// and population (each worker owns its targets' events).
type preciseState struct {
	queues     [][]*events.Queue // [worker][population]
	offs       [][]float64       // per worker scratch for spike offsets
	busy, slow [][]int32         // per worker scratch: neurons with events, neurons StepQuietRange refused
	integrateF func(int)
	deliverF   func(int)
}

func (net *Network) initPrecise() {
	W := net.workers
	ps := &preciseState{queues: make([][]*events.Queue, W), offs: make([][]float64, W),
		busy: make([][]int32, W), slow: make([][]int32, W)}
	maxIn := make([]int, len(net.pops))
	for _, pr := range net.plan.projs {
		maxIn[pr.tgt] = max(maxIn[pr.tgt], pr.maxDelay)
	}
	for w := range W {
		ps.queues[w] = make([]*events.Queue, len(net.pops))
		for p := range net.pops {
			ps.queues[w][p] = events.NewQueue(net.plan.slice + maxIn[p] + 1)
		}
		ps.offs[w] = make([]float64, 0, 16)
	}
	ps.integrateF = net.integratePrecise
	ps.deliverF = net.deliverPrecise
	net.precise = ps
}

// integratePrecise is phase 1 in precise mode: each neuron is advanced from
// event to event through the step; spikes carry their offsets.
func (net *Network) integratePrecise(w int) {
	ps := net.precise
	box := &net.boxes[w]
	L := net.sliceLen
	box.Reset(L, len(net.pops))
	s := net.sliceStart
	for k := range L {
		step := s + int64(k)
		for p, pop := range net.pops {
			m := pop.model.(neurons.Precise)
			q := ps.queues[w][p]
			lo, hi := pop.bounds[w], pop.bounds[w+1]
			for _, d := range pop.poisson {
				d.pushPoisson(q, w, step, net.dt)
			}
			for _, d := range pop.sources {
				t := d.plan.times // non-decreasing: binary search, as addSpikes
				a, b := d.ranges[w][0], d.ranges[w][1]
				for i := sort.SearchInts(t, int(step)); i < len(t) && int64(t[i]) == step; i++ {
					for _, j := range d.plan.neurons[a:b] {
						q.Push(step, int32(j), int32(d.plan.recep), d.plan.offs[i], d.weight)
					}
				}
			}
			if pop.dc64 != nil {
				// the devices' currents, summed in float64; I_e is added
				// below
				b := pop.dc64[lo:hi]
				for j := range b {
					b[j] = 0
				}
				for _, d := range pop.current {
					addCurrent(d, pop.dc64, w, step)
				}
			}
			evs := q.TakeByTarget(step) // each neuron's in insertion order; preciseNeuron sorts by time where needed
			if pop.dc64 == nil {
				// One current for all: the neurons without events go
				// through the batched quiet step; those with events and
				// those it refuses one by one, in ascending order.
				cur := m.IePA()
				curTerm := m.CurrentTerm(cur)
				busy := ps.busy[w][:0]
				for i := range evs {
					if i == 0 || evs[i].Target != evs[i-1].Target {
						busy = append(busy, evs[i].Target)
					}
				}
				slow := m.StepQuietRange(lo, hi, step, cur, curTerm, busy, ps.slow[w][:0])
				e, bi, si := 0, 0, 0
				for bi < len(busy) || si < len(slow) {
					var j int32
					if si == len(slow) || (bi < len(busy) && busy[bi] < slow[si]) {
						j = busy[bi]
						bi++
					} else {
						j = slow[si]
						si++
					}
					e0 := e
					for e < len(evs) && evs[e].Target == j {
						e++
					}
					net.preciseNeuron(w, p, m, int(j), step, cur, curTerm, evs[e0:e])
					m.Sync(int(j), int(j)+1) // StepQuietRange synced the others
				}
				ps.busy[w], ps.slow[w] = busy, slow
			} else {
				e, ie := 0, m.IePA()
				for j := lo; j < hi; j++ {
					cur := ie + pop.dc64[j]
					e0 := e
					for e < len(evs) && int(evs[e].Target) == j {
						e++
					}
					net.preciseNeuron(w, p, m, j, step, cur, m.CurrentTerm(cur), evs[e0:e])
				}
				m.Sync(lo, hi)
			}
			q.Clear(step)
			box.Close(k, p)
			for _, r := range pop.recs {
				r.sample(w, s, step)
			}
		}
	}
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
	ps := net.precise
	offs := ps.offs[w][:0]
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
	ps.offs[w] = offs
}

// deliverPrecise is phase 3 in precise mode: each spike becomes an event in
// the target's queue, received in step + delay at the spike's own offset.
func (net *Network) deliverPrecise(w int) {
	ps := net.precise
	var ev int64
	for i, sp := range net.merged {
		for _, pr := range net.out[sp.Pop] {
			c := pr.csr
			lo, hi := pr.segment(w, int(sp.Index))
			q := ps.queues[w][pr.plan.tgt]
			r := int32(pr.plan.recep)
			scale := float32(1) // w·1 is w exactly
			if pr.stp != nil {  // short-term plasticity: weights scaled by the spike's efficacy
				scale = pr.stp.scale[i]
			}
			for k := lo; k < hi; k++ {
				q.Push(sp.Step+int64(c.D(k)), int32(c.Target[k]), r, sp.Off, float32(c.W(k)*scale))
			}
			ev += int64(hi - lo)
		}
	}
	net.synev[w] += ev
}
