package kernel

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
)

// generatorModel is the model name of a population of spike generators
// (PopulationSpec.SpikeIndices, SpikeTimesMs).
const generatorModel = "spike_generator"

// spikeStep returns the step whose interval (st·dt, (st+1)·dt] holds the
// time tm (ms, > 0) and tm's offset in it, in (0, dt]: a spike at tm is
// stamped at the first grid point at or after it, (st+1)·dt, and in
// precise mode at st·dt + off. A time within 1e-9·dt past a grid point
// counts as that point (offset dt), and so does one within 1e-9·dt of 0 as
// any in (0, dt].
func spikeStep(tm, dt float64) (int, float64) {
	st := max(0, int(math.Ceil(tm/dt-1e-9))-1)
	// the offset lies in (0, h]: a time within 1e-9·dt past a grid point
	// belongs to the step that point ends (offset h, not h + ε), and at
	// large times, where st·dt rounds up to tm, the offset 0 is the
	// previous step's h
	off := min(tm-float64(float64(st)*dt), dt)
	if off <= 0 && st > 0 {
		st, off = st-1, dt
	}
	return st, off
}

// checkSpikeTime returns an error naming name when tm is not a spike time
// a spec may hold: finite, > 0, at most MaxTimeSteps steps of dt.
func checkSpikeTime(name string, tm, dt float64) error {
	if !(tm > 0) || math.IsInf(tm, 0) {
		return param.New(pkg, name, tm, "finite and > 0 (ms)")
	}
	if tm/dt > MaxTimeSteps {
		return param.New(pkg, name, tm, fmt.Sprintf("at most 2^31-1 = %d steps of dt = %g ms (%.10g ms)", MaxTimeSteps, dt, float64(MaxTimeSteps)*dt))
	}
	return nil
}

// resolveGenerator validates spike_generator population ps (at where) and
// returns its plan: no parameters, options or initial state; spike_indices
// and spike_times_ms of one length, indices in [0, n), times finite, > 0
// and non-decreasing for each neuron.
func resolveGenerator(where string, ps PopulationSpec, dt float64) (popPlan, error) {
	pp := popPlan{spec: ps, model: generatorModel}
	if err := stateless(where, ps, "its neurons have no parameters and no state; they emit the spikes of spike_indices and spike_times_ms"); err != nil {
		return pp, err
	}
	idx, tms := ps.SpikeIndices, ps.SpikeTimesMs
	if len(idx) != len(tms) {
		return pp, param.New(pkg, where+".spike_indices", fmt.Sprintf("%d entries", len(idx)), fmt.Sprintf("one per entry of spike_times_ms (%d): spike k is neuron spike_indices[k]'s at spike_times_ms[k]", len(tms)))
	}
	// the entry of each neuron's latest spike so far, +1 (0: none yet)
	last := map[int]int{}
	pp.genSteps = make([]int32, len(tms))
	pp.genOffs = make([]float64, len(tms))
	for k, j := range idx {
		if j < 0 || j >= ps.N {
			return pp, param.New(pkg, fmt.Sprintf("%s.spike_indices[%d]", where, k), j, fmt.Sprintf("a neuron of the population: in [0, %d)", ps.N))
		}
		tm := tms[k]
		name := fmt.Sprintf("%s.spike_times_ms[%d]", where, k)
		if err := checkSpikeTime(name, tm, dt); err != nil {
			return pp, err
		}
		if p := last[j]; p > 0 && tm < tms[p-1] {
			return pp, param.New(pkg, name, tm, fmt.Sprintf("≥ %g ms, the time of neuron %d's spike before it (spike_times_ms[%d]): each neuron's times in the order given must not decrease", tms[p-1], j, p-1))
		}
		last[j] = k + 1
		st, off := spikeStep(tm, dt)
		pp.genSteps[k], pp.genOffs[k] = int32(st), off
	}
	return pp, nil
}

// stateless returns an error naming the first of ps's params, options,
// v_init and init that is set: the models spike_generator and parrot take
// none (why says so).
func stateless(where string, ps PopulationSpec, why string) error {
	none := fmt.Sprintf("left out for model = %q: %s", ps.Model, why)
	if len(ps.Params) > 0 {
		k := slices.Sorted(maps.Keys(ps.Params))[0]
		return param.New(pkg, where+".params."+k, ps.Params[k], none)
	}
	if len(ps.Options) > 0 {
		k := slices.Sorted(maps.Keys(ps.Options))[0]
		return param.New(pkg, where+".options."+k, ps.Options[k], none)
	}
	if !reflect.ValueOf(ps.VInit).IsZero() {
		return param.New(pkg, where+".v_init", describe(reflect.ValueOf(ps.VInit)), none)
	}
	if len(ps.Init) > 0 {
		k := slices.Sorted(maps.Keys(ps.Init))[0]
		return param.New(pkg, where+".init", k, none)
	}
	return nil
}

// generator is a population of spike generators (model spike_generator):
// each neuron emits the spikes of its train and nothing else. Its only
// state is where each worker is in its trains; it implements neurons.Model
// so that the kernel treats it as any population where it is not special
// (its Step is never called: the integrate phase calls emit).
type generator struct {
	n     int
	parts []genPart // per worker: the spikes of its neurons
	// loaded is the cursor a checkpoint held (LoadState), which seek
	// checks once the step is known; -1 when none was read
	loaded int64
}

// genPart holds the spikes of one worker's neurons in the order they are
// emitted, by step, neuron, then offset: step[i] is the step whose end
// (grid) or offset off[i] (precise mode; nil on the grid) is spike i's
// time. next is the first spike not emitted yet.
type genPart struct {
	step []int32
	idx  []int32
	off  []float64
	next int
}

// newGenerator builds the generator of population plan pp, its neurons
// shared out among the workers by bounds; offsets are kept in precise mode
// only.
func newGenerator(pp popPlan, bounds []int, precise bool) *generator {
	type spike struct {
		step, idx int32
		off       float64
	}
	all := make([]spike, len(pp.genSteps))
	for k := range all {
		all[k] = spike{pp.genSteps[k], int32(pp.spec.SpikeIndices[k]), pp.genOffs[k]}
	}
	slices.SortFunc(all, func(a, b spike) int {
		return cmp.Or(cmp.Compare(a.step, b.step), cmp.Compare(a.idx, b.idx), cmp.Compare(a.off, b.off))
	})
	g := &generator{n: pp.spec.N, parts: make([]genPart, len(bounds)-1), loaded: -1}
	owner := func(j int32) int { // the worker whose range [bounds[w], bounds[w+1]) holds neuron j
		return sort.SearchInts(bounds[1:], int(j)+1)
	}
	count := make([]int, len(g.parts))
	for _, s := range all {
		count[owner(s.idx)]++
	}
	for w, c := range count {
		pt := &g.parts[w]
		pt.step, pt.idx = make([]int32, 0, c), make([]int32, 0, c)
		if precise {
			pt.off = make([]float64, 0, c)
		}
	}
	for _, s := range all {
		pt := &g.parts[owner(s.idx)]
		pt.step = append(pt.step, s.step)
		pt.idx = append(pt.idx, s.idx)
		if precise {
			pt.off = append(pt.off, s.off)
		}
	}
	return g
}

// emit appends to worker w's box the spikes of its neurons (population p)
// in step, in ascending neuron order, each neuron's in time order; on the
// grid they carry the offset dt (the step's end).
func (g *generator) emit(net *Network, _ *population, w int, p int32, step int64) {
	box := &net.boxes[w]
	pt := &g.parts[w]
	i := pt.next
	for ; i < len(pt.step) && int64(pt.step[i]) == step; i++ {
		off := net.dt
		if pt.off != nil {
			off = pt.off[i]
		}
		box.Spikes = append(box.Spikes, events.Spike{Step: step, Off: off, Pop: p, Index: pt.idx[i]})
	}
	pt.next = i
}

// emitted returns the number of spikes emitted so far, over all workers:
// the cursor a checkpoint holds, the same for any number of workers.
func (g *generator) emitted() int64 {
	var c int64
	for _, pt := range g.parts {
		c += int64(pt.next)
	}
	return c
}

// seek puts each worker's cursor at the first spike of step or later, the
// state at step; a cursor read from a checkpoint (LoadState) must agree.
func (g *generator) seek(step int64) error {
	for w := range g.parts {
		pt := &g.parts[w]
		pt.next = sort.Search(len(pt.step), func(i int) bool { return int64(pt.step[i]) >= step })
	}
	loaded := g.loaded
	g.loaded = -1
	if c := g.emitted(); loaded >= 0 && loaded != c {
		return fmt.Errorf("kernel: restore: spike_generator cursor %d does not match step %d (%d spikes before it)", loaded, step, c)
	}
	return nil
}

// Kind returns "spike_generator".
func (g *generator) Kind() string { return generatorModel }

// Len returns the number of neurons.
func (g *generator) Len() int { return g.n }

// Receptors returns 0: generators receive nothing.
func (g *generator) Receptors() int { return 0 }

// Step emits nothing: the kernel calls emit instead, which knows the step.
func (g *generator) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int { return 0 }

// Jump returns nil: nothing projects onto generators.
func (g *generator) Jump(r int) []float32 { return nil }

// VarNames returns no name: generators have no state variables.
func (g *generator) VarNames() []string { return nil }

// VarSlice returns an error: generators have no state variables.
func (g *generator) VarSlice(name string) ([]float32, float32, error) {
	return nil, 0, param.New(pkg, "variable", name, "none: spike_generator neurons have no state variables")
}

// Bias returns 0: generators take no current.
func (g *generator) Bias() float32 { return 0 }

// SaveState writes the cursor: the number of spikes emitted so far.
func (g *generator) SaveState(w io.Writer) error {
	return binary.Write(w, binary.LittleEndian, g.emitted())
}

// LoadState reads the cursor SaveState wrote; seek then places the
// workers' cursors at the step restored and checks it.
func (g *generator) LoadState(r io.Reader) error {
	var c int64
	if err := binary.Read(r, binary.LittleEndian, &c); err != nil {
		return fmt.Errorf("kernel: restore: spike_generator cursor: %w", err)
	}
	if c < 0 {
		return fmt.Errorf("kernel: restore: spike_generator cursor %d", c)
	}
	g.loaded = c
	return nil
}
