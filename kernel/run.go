package kernel

import (
	"context"
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/neurons"
)

// Run advances the network by durationMs (a multiple of dt), in slices of
// SliceSteps steps. Each slice goes through fixed phases:
//
//  1. integrate (workers, each on its neuron range of every population): for
//     each step of the slice, the devices add their input (Poisson counts and
//     spike sources into the step's ring slot, currents into dc), the model
//     integrates the step reading and clearing the slot, checks thresholds
//     and resets, and the state recorders sample;
//  2. exchange (one goroutine): the workers' spikes are merged into the
//     canonical (step, population, neuron) order and the spike, rate and
//     filtered-spike recorders consume them;
//  3. deliver (workers, each for the targets it owns): plastic projections
//     add the slice's spikes of their targets to the spike histories, and
//     each spike first updates the weights of its plastic synapses; every
//     spike is added
//     to the ring slot of step + delay of its targets (uniform-delay fast
//     path: one slot per spike and projection), or, for delay 0, to the
//     target state at once, so it acts from the next step on. Weights
//     recorders of plastic projections sample at the end of each step due,
//     once the spikes of that step are delivered; the weights frames go to
//     the sinks after the phase.
//
// With one worker the phases run inline with no synchronization. Results are
// bit-identical whatever the number of workers, the kernel path and the way
// a duration is split into Run calls.
//
// A run after which the recorders keeping their data in memory would hold
// more than the memory limit (CheckRecorderMemory: the frames exactly, the
// spikes held so far) is refused before it starts, with an error wrapping
// nderr.ErrMemoryExceeded.
func (net *Network) Run(durationMs float64) error {
	return net.RunContext(context.Background(), durationMs)
}

// RunContext is Run stopped between slices once ctx is done: it then
// returns an error wrapping ctx.Err(), with the network at the end of the
// last slice it finished (TimeMs says where) and its recorders flushed, in
// the state Run of that shorter duration gives (the same bits); a later
// Run continues from there. ctx is looked at once per slice.
func (net *Network) RunContext(ctx context.Context, durationMs float64) error {
	n, err := steps("duration", durationMs, net.dt)
	if err != nil {
		return err
	}
	return net.RunStepsContext(ctx, int64(n))
}

// RunSteps advances the network by n ≥ 0 steps.
func (net *Network) RunSteps(n int64) error {
	return net.RunStepsContext(context.Background(), n)
}

// RunStepsContext is RunSteps stopped between slices once ctx is done, as
// RunContext.
func (net *Network) RunStepsContext(ctx context.Context, n int64) error {
	if n < 0 {
		return param.New(pkg, "steps", n, "≥ 0")
	}
	if net.team == nil {
		return fmt.Errorf("kernel: Run on a closed network")
	}
	if err := net.CheckRecorderMemory(n); err != nil {
		return err
	}
	for i, pop := range net.pops { // per-neuron parameters a caller may have set through Model
		if m, ok := pop.model.(*neurons.Izhikevich); ok {
			if err := m.Check(); err != nil {
				return fmt.Errorf("kernel: population[%d]: %w", i, err)
			}
		}
	}
	end := net.step + n
	var stopped error
	for net.step < end {
		if err := ctx.Err(); err != nil {
			stopped = fmt.Errorf("kernel: run stopped at %g ms of the %g ms asked for: %w", float64(net.step-(end-n))*net.dt, float64(n)*net.dt, err)
			break
		}
		L := min(int64(net.plan.slice), end-net.step)
		if err := net.slice(int(L)); err != nil {
			return err
		}
	}
	for _, r := range net.recs {
		if err := r.flush(); err != nil {
			return err
		}
	}
	return stopped
}

func (net *Network) slice(L int) error {
	net.sliceStart, net.sliceLen = net.step, L
	if net.precise != nil {
		net.team.Run(net.precise.integrateF)
	} else {
		net.team.Run(net.integrateF)
	}
	spikes := net.ex.Merge(net.boxes, L, len(net.pops))
	net.merged = spikes
	if len(spikes) > 0 {
		for _, pr := range net.dynamic {
			pr.stp.release(spikes)
		}
	}
	s := net.sliceStart
	for _, r := range net.recs {
		if err := r.consume(spikes, int32(r.plan.pop), s, L, net.dt); err != nil {
			return fmt.Errorf("kernel: recorder %s: %w", r.name, err)
		}
	}
	if len(spikes) > 0 || net.pruneDue() || net.sampleDue() {
		if net.precise != nil {
			net.team.Run(net.precise.deliverF)
		} else {
			net.team.Run(net.deliverF)
		}
	}
	for _, r := range net.weights {
		if err := r.writeWeights(s, L, net.dt); err != nil {
			return fmt.Errorf("kernel: recorder %s: %w", r.name, err)
		}
	}
	for w := range net.synev {
		net.stats.SynEvents += net.synev[w]
		net.synev[w] = 0
	}
	net.stats.Spikes += int64(len(spikes))
	net.stats.Steps += int64(L)
	net.step += int64(L)
	return nil
}

// pruneDue reports whether a plastic projection prunes in this slice (see
// stdp): then the deliver phase runs even without spikes.
func (net *Network) pruneDue() bool {
	for _, pr := range net.plastic {
		if pr.stdp.due(net.sliceStart + int64(net.sliceLen)) {
			return true
		}
	}
	return false
}

// sampleDue reports whether a weights recorder of a plastic projection
// samples in this slice: then the deliver phase runs even without spikes.
func (net *Network) sampleDue() bool {
	for _, r := range net.sampled {
		if r.dueFrames(net.sliceStart, net.sliceLen) > 0 {
			return true
		}
	}
	return false
}

// input returns worker w's input slots of pop for step, one per receptor:
// the ring slots, with the step's Poisson and spike_source spikes added
// (the neuron update, and a parrot's emit, read and clear them).
func (pop *population) input(w int, step int64) [][]float32 {
	in := pop.in[w]
	for r, ring := range pop.rings {
		in[r] = ring.Slot(step)
	}
	for _, d := range pop.poisson {
		d.addPoisson(in[d.plan.recep], w, step)
	}
	for _, d := range pop.sources {
		d.addSpikes(in[d.plan.recep], w, step)
	}
	return in
}

// integrate is phase 1 for worker w.
func (net *Network) integrate(w int) {
	box := &net.boxes[w]
	L := net.sliceLen
	box.Reset(L, len(net.pops))
	scratch := net.scratch[w]
	s := net.sliceStart
	for k := range L {
		step := s + int64(k)
		for p, pop := range net.pops {
			if pop.special != nil { // spike generators, parrots: their spikes of the step, no state
				pop.special.emit(net, pop, w, int32(p), step)
				box.Close(k, p)
				continue
			}
			lo, hi := pop.bounds[w], pop.bounds[w+1]
			in := pop.input(w, step)
			var dc []float32
			if pop.dc != nil {
				dc = pop.dc
				b := dc[lo:hi]
				for j := range b {
					b[j] = pop.bias
				}
				for _, d := range pop.current {
					addCurrent(d, dc, w, step)
				}
			}
			if hi > lo {
				ns := pop.model.Step(lo, hi, in, dc, scratch)
				for _, j := range scratch[:ns] {
					box.Spikes = append(box.Spikes, events.Spike{Step: step, Off: net.dt, Pop: int32(p), Index: j})
				}
			}
			box.Close(k, p)
			for _, r := range pop.recs {
				r.sample(w, s, step)
			}
		}
	}
}

// deliver is phase 3 for worker w: it adds every merged spike to the targets
// worker w owns.
func (net *Network) deliver(w int) {
	for _, pr := range net.plastic {
		tgt := net.pops[pr.plan.tgt]
		pr.stdp.record(w, net.merged, int32(pr.plan.tgt), tgt.bounds[w], tgt.bounds[w+1])
	}
	var ev int64
	if len(net.sampled) == 0 {
		ev = net.deliverSpikes(w, 0, len(net.merged))
	} else {
		// The weights recorders of plastic projections sample at the end
		// of each step due: once its spikes have updated the weights,
		// before a later one does.
		s, merged := net.sliceStart, net.merged
		a := 0
		for k := s; k < s+int64(net.sliceLen); k++ {
			b := a
			for b < len(merged) && merged[b].Step <= k {
				b++
			}
			ev += net.deliverSpikes(w, a, b)
			a = b
			for _, r := range net.sampled {
				r.sampleWeights(w, s, k)
			}
		}
	}
	net.synev[w] += ev
	for _, pr := range net.plastic {
		tgt := net.pops[pr.plan.tgt]
		pr.stdp.maybePrune(w, pr, tgt.bounds[w], tgt.bounds[w+1], net.sliceStart, net.sliceStart+int64(net.sliceLen))
	}
}

// deliverSpikes delivers merged spikes [a, b) to the targets worker w owns
// and returns the synaptic events.
func (net *Network) deliverSpikes(w, a, b int) (ev int64) {
	for i := a; i < b; i++ {
		sp := net.merged[i]
		for _, pr := range net.out[sp.Pop] {
			c := pr.csr
			lo, hi := pr.segment(w, int(sp.Index))
			if pr.stdp != nil {
				pr.stdp.update(w, c, int(sp.Index), sp.Step, lo, hi)
			}
			if lo == hi {
				continue
			}
			ev += int64(hi - lo)
			scale := float32(1) // static synapses: w·1 is w exactly
			if pr.stp != nil {
				scale = pr.stp.scale[i]
			}
			deliverRow(pr, sp, c.Target[lo:hi], lo, hi, scale)
		}
	}
	return ev
}

// deliverRowBySign is deliverRow for a projection whose weights' signs pick
// their receptor per synapse (projPlan.perSynapse): a negative weight acts
// on the inh receptor, the others on exc, as in NEST. The receptor is
// indexed by the weight's sign bit, without a branch: signs drawn at
// random would mispredict one in two (20 against 3 ns per synaptic event
// with a branch and the slot looked up per synapse). A weight of −0 goes to
// inh, where adding it changes nothing, as on exc.
func deliverRowBySign(pr *projection, sp events.Spike, tg []uint32, ws []float32, lo, hi uint64, scale float32) {
	ws = ws[:len(tg)]
	var to [2][]float32 // by sign bit: exc, inh
	c := pr.csr
	switch {
	case pr.direct:
		to = [2][]float32{pr.jump, pr.jumpInh}
	case c.Delay == nil:
		step := sp.Step + int64(c.DelaySteps)
		to = [2][]float32{pr.ring.Slot(step), pr.ringInh.Slot(step)}
	default:
		d := c.Delay[lo:hi]
		d = d[:len(tg)]
		rings := [2]*events.Ring{pr.ring, pr.ringInh}
		for k, t := range tg {
			rings[math.Float32bits(ws[k])>>31&1].Add(sp.Step+int64(d[k]), int(t), float32(ws[k]*scale))
		}
		return
	}
	for k, t := range tg {
		to[math.Float32bits(ws[k])>>31&1][t] += float32(ws[k] * scale)
	}
}

// deliverRow is deliver's part for one spike and one projection: every
// weight w acts as float32(w·scale), scale being the spike's short-term
// efficacy (1 for static synapses).
func deliverRow(pr *projection, sp events.Spike, tg []uint32, lo, hi uint64, scale float32) {
	c := pr.csr
	var ws []float32
	if c.Weight != nil {
		ws = c.Weight[lo:hi]
	}
	if pr.plan.perSynapse {
		deliverRowBySign(pr, sp, tg, ws, lo, hi, scale)
		return
	}
	switch {
	case pr.direct && ws == nil:
		events.AddSorted(pr.jump, tg, float32(c.Const*scale))
	case pr.direct:
		j := pr.jump
		ws = ws[:len(tg)]
		for k, t := range tg {
			j[t] += float32(ws[k] * scale)
		}
	case c.Delay == nil && ws == nil:
		pr.ring.AddSortedRow(sp.Step+int64(c.DelaySteps), tg, float32(c.Const*scale))
	case c.Delay == nil:
		pr.ring.AddRowScaled(sp.Step+int64(c.DelaySteps), tg, ws, scale)
	case ws == nil:
		pr.ring.AddRowDelays(sp.Step, tg, float32(c.Const*scale), c.Delay[lo:hi])
	default:
		pr.ring.AddRowDelaysScaled(sp.Step, tg, ws, c.Delay[lo:hi], scale)
	}
}
