package kernel

import (
	"math"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/neurons"
)

// preciseState holds the event queues of the precise mode: one per worker
// and population (each worker owns its targets' events).
type preciseState struct {
	queues     [][]*events.Queue // [worker][population]
	offs       [][]float64       // per worker scratch for spike offsets
	integrateF func(int)
	deliverF   func(int)
}

func (net *Network) initPrecise() {
	W := net.workers
	ps := &preciseState{queues: make([][]*events.Queue, W), offs: make([][]float64, W)}
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
	h := net.dt
	for k := range L {
		step := s + int64(k)
		for p, pop := range net.pops {
			m := pop.model.(*neurons.LIFExpPrecise)
			q := ps.queues[w][p]
			lo, hi := pop.bounds[w], pop.bounds[w+1]
			for _, d := range pop.sources {
				t := d.plan.times
				a, b := d.ranges[w][0], d.ranges[w][1]
				for i := range t {
					if int64(t[i]) != step {
						continue
					}
					for _, j := range d.plan.neurons[a:b] {
						q.Push(step, int32(j), int32(d.plan.recep), d.plan.offs[i], d.weight)
					}
				}
			}
			if pop.dc != nil {
				b := pop.dc[lo:hi]
				for j := range b {
					b[j] = pop.bias
				}
				for _, d := range pop.current {
					d.addCurrent(pop.dc, w, step)
				}
			}
			evs := q.Take(step)
			e := 0
			curTerm := m.CurrentTerm(m.P.IePA) // the population's I_e, unless a device drives it
			for j := lo; j < hi; j++ {
				cur := m.P.IePA
				if pop.dc != nil {
					cur = float64(pop.dc[j])
					curTerm = m.CurrentTerm(cur)
				}
				e0 := e
				wPos, wAbs := 0.0, 0.0
				for ; e < len(evs) && int(evs[e].Target) == j; e++ {
					x := float64(evs[e].W)
					wPos += max(x, 0)
					wAbs += math.Abs(x)
				}
				if m.Quiet(j, step, cur, wPos, wAbs) {
					// no spike possible in this step: superpose the jumps
					m.StepQuiet(j, curTerm)
					for _, ev := range evs[e0:e] {
						m.AddQuiet(j, int(ev.Recep), ev.Off, float64(ev.W))
					}
					continue
				}
				offs := ps.offs[w][:0]
				t := 0.0
				for _, ev := range evs[e0:e] {
					offs = m.Advance(j, step, t, ev.Off, cur, offs)
					m.AddInput(j, int(ev.Recep), float64(ev.W))
					t = ev.Off
				}
				offs = m.Advance(j, step, t, h, cur, offs)
				for _, o := range offs {
					box.Spikes = append(box.Spikes, events.Spike{Step: step, Off: o, Pop: int32(p), Index: int32(j)})
				}
				ps.offs[w] = offs
			}
			q.Clear(step)
			m.Sync(lo, hi)
			box.Close(k, p)
			for _, r := range pop.recs {
				r.sample(w, s, step)
			}
		}
	}
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
