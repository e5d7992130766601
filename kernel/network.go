package kernel

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/neurons"
	"github.com/neurodyn/neurodyn/synapses"
)

// Network is a built network ready to run. It is not safe for concurrent
// use; its workers are internal.
type Network struct {
	spec Spec
	plan *plan
	dt   float64
	step int64 // steps done

	pops    []*population
	projs   []*projection
	plastic []*projection   // those with plasticity
	dynamic []*projection   // those with short-term plasticity
	out     [][]*projection // outgoing projections per source population
	devs    []*device
	recs    []*Recorder
	byName  map[string]*Recorder
	weights []*Recorder // weights recorders
	sampled []*Recorder // weights recorders of plastic projections: they sample in the deliver phase

	sonata *SONATARecording // the recording RecordSONATA attached, until its Close

	workers int
	team    *events.Team
	boxes   []events.Outbox
	ex      events.Exchange
	scratch [][]int32 // per worker spike scratch
	synev   []int64   // per worker synaptic events (of the current Run)

	// slice state read by the phase functions
	sliceStart int64
	sliceLen   int
	merged     []events.Spike
	integrateF func(int)
	deliverF   func(int)

	stats Stats
	// precise mode
	precise *preciseState
}

type population struct {
	name    string
	index   int
	model   neurons.Model
	n       int
	rings   []*events.Ring // per receptor
	bounds  []int          // per worker: neurons [bounds[w], bounds[w+1])
	dc      []float32      // scratch when current devices target the population (grid mode)
	dc64    []float64      // the same in precise mode
	bias    float32
	current []*device
	poisson []*device
	sources []*device
	recs    []*Recorder   // state recorders
	in      [][][]float32 // per worker: per receptor the slot of the step
	special special       // spike_generator or parrot (also model), else nil
}

type projection struct {
	plan  projPlan
	csr   *synapses.CSR
	split [][]uint64 // per inner worker boundary, per source row
	ring  *events.Ring
	jump  []float32 // delay 0: the target state slice
	// plan.perSynapse: the negative weights' receptor (the others' is
	// ring's, jump's)
	ringInh *events.Ring
	jumpInh []float32
	direct  bool
	stdp    *stdp // plasticity, or nil: static weights
	stp     *stp  // short-term plasticity, or nil
	index   int   // position in the spec's projections (and in Network.projs)
}

// Stats counts what a network has done since it was built.
type Stats struct {
	Steps     int64         // steps simulated
	Spikes    int64         // spikes emitted
	SynEvents int64         // synaptic events delivered (spikes × synapses)
	Synapses  int64         // synapses stored
	SynBytes  int64         // memory of the connectivity arrays
	BuildTime time.Duration // time New took
}

// Option configures New.
type Option func(*Network) error

// WithWorkers overrides Spec.Workers: n in [1, MaxWorkers]. As for
// Spec.Workers, the network runs at most as many workers as its largest
// population has neurons; results do not depend on n.
func WithWorkers(n int) Option {
	return func(net *Network) error {
		if n < 1 || n > MaxWorkers {
			return param.New(pkg, "workers", n, fmt.Sprintf("in [1, %d]", MaxWorkers))
		}
		net.workers = net.plan.effectiveWorkers(n)
		return nil
	}
}

// New validates spec, builds the network (connectivity in parallel, seeded
// by spec.Seed) and sets the initial state. The network keeps a deep copy
// of spec: changing the caller's spec afterwards (its series, parameters,
// lists) changes neither the network nor its checkpoints and provenance.
// The copy costs about 20 µs for Brunel's preset and the size of the lists
// for explicit ones (a list projection of 2·10⁶ synapses: 48 MB, 4 ms).
func New(spec Spec, opts ...Option) (*Network, error) {
	t0 := time.Now()
	spec = spec.clone()
	pl, err := spec.resolve()
	if err != nil {
		return nil, err
	}
	net := &Network{spec: spec, plan: pl, dt: pl.dt, workers: pl.workers, byName: map[string]*Recorder{}}
	for _, o := range opts {
		if err := o(net); err != nil {
			return nil, err
		}
	}
	W := net.workers
	for i, pp := range pl.pops {
		pop := &population{name: pp.spec.Name, index: i, n: pp.spec.N}
		pop.bounds = make([]int, W+1)
		for w := range W + 1 {
			pop.bounds[w] = int(int64(pop.n) * int64(w) / int64(W))
		}
		switch pp.model { // no state to set
		case generatorModel:
			g := newGenerator(pp, pop.bounds, spec.Precise)
			pop.model, pop.special = g, g
			net.pops = append(net.pops, pop)
			continue
		case parrotModel:
			pa := &parrot{pending: make([]float32, pop.n)}
			pop.model, pop.special = pa, pa
			net.pops = append(net.pops, pop)
			continue
		}
		if pop.model, err = newModel(pp.params, pop.n, pl.dt, spec.Precise); err != nil {
			return nil, fmt.Errorf("kernel: population[%d]: %w", i, err)
		}
		pop.bias = pop.model.(interface{ Bias() float32 }).Bias()
		if err := initV(pop, pp, spec.Seed, i); err != nil {
			return nil, err
		}
		net.pops = append(net.pops, pop)
	}
	// rings: L + the largest delay into the population
	maxIn := make([]int, len(pl.pops))
	for _, pr := range pl.projs {
		maxIn[pr.tgt] = max(maxIn[pr.tgt], pr.maxDelay)
	}
	// A population that nothing writes into (only delay-0 projections, no
	// Poisson or spike-source device) reads one all-zero slot for every
	// receptor: less memory traffic in the neuron update.
	written := make([]bool, len(pl.pops))
	for _, pr := range pl.projs {
		written[pr.tgt] = written[pr.tgt] || pr.maxDelay > 0
	}
	for _, d := range pl.devs {
		written[d.tgt] = written[d.tgt] || d.spec.Kind == "poisson" || d.spec.Kind == "spike_source"
	}
	for i, pop := range net.pops {
		slots := pl.slice + maxIn[i]
		pop.rings = make([]*events.Ring, pop.model.Receptors())
		for r := range pop.rings {
			if !written[i] && r > 0 {
				pop.rings[r] = pop.rings[0]
				continue
			}
			pop.rings[r] = events.NewRing(pop.n, slots)
		}
		pop.in = make([][][]float32, W)
		for w := range pop.in {
			pop.in[w] = make([][]float32, len(pop.rings))
		}
	}
	net.out = make([][]*projection, len(net.pops))
	for i, pp := range pl.projs {
		pr := &projection{plan: pp, index: i}
		src, tgt := net.pops[pp.src], net.pops[pp.tgt]
		seed := spec.Seed ^ (0x5851f42d4c957f2d * uint64(i+1))
		if pp.spec.Rule.Kind == "list" {
			var ws []float32
			if pp.spec.WeightList != nil {
				ws = make([]float32, len(pp.spec.WeightList))
				for k, x := range pp.spec.WeightList {
					ws[k] = float32(x)
				}
			}
			pr.csr, err = synapses.FromList(src.n, tgt.n, pp.spec.Sources, pp.spec.Targets, ws, float32(pp.spec.Weights.Value), pp.listDelays, pp.delay)
		} else {
			w := pp.spec.Weights
			w.Sign = pp.sign
			pr.csr, err = synapses.Build(src.n, tgt.n, pp.spec.Rule, w,
				synapses.Delays{Steps: pp.delay, MaxSteps: pp.delayMax},
				synapses.Options{Seed: seed, Same: pp.src == pp.tgt})
		}
		if err != nil {
			return nil, fmt.Errorf("kernel: projection[%d]: %w", i, err)
		}
		if pp.spec.Plasticity.Kind != "" {
			if pr.stdp, err = newSTDP(fmt.Sprintf("projection[%d]", i), pr, tgt.n, W, pl.dt); err != nil {
				return nil, err
			}
			net.plastic = append(net.plastic, pr)
		}
		if pp.spec.ShortTerm.Kind != "" {
			pr.stp = newSTP(pp.spec.ShortTerm, int32(pp.src), src.n, pl.dt)
			net.dynamic = append(net.dynamic, pr)
		}
		if pp.bySign {
			pp.recep, pp.perSynapse = weightReceptor(pr.csr)
			pr.plan, pl.projs[i] = pp, pp
		}
		pr.ring = tgt.rings[pp.recep]
		if pp.perSynapse {
			pr.ringInh = tgt.rings[neurons.Inh]
		}
		if pp.maxDelay == 0 { // else all delays > 0 (resolve)
			pr.direct = true
			pr.jump = tgt.model.Jump(pp.recep)
			if pp.perSynapse {
				pr.jumpInh = tgt.model.Jump(neurons.Inh)
			}
		}
		if W > 1 {
			pr.split = pr.csr.Split(tgt.bounds)
		}
		net.stats.Synapses += int64(pr.csr.Len())
		net.stats.SynBytes += pr.csr.Bytes()
		net.projs = append(net.projs, pr)
		net.out[pp.src] = append(net.out[pp.src], pr)
	}
	for i, dp := range pl.devs {
		d := &device{plan: dp, index: uint64(i), key: spec.Seed ^ 0xa0761d6478bd642f*uint64(i+1)}
		tgt := net.pops[dp.tgt]
		d.ranges = neuronRanges(dp.neurons, tgt.bounds, W)
		switch dp.spec.Kind {
		case "poisson":
			d.table = newPoissonTable(dp.spec.RateHz * pl.dt / 1000)
			d.weight = float32(dp.spec.Weight)
			tgt.poisson = append(tgt.poisson, d)
		case "spike_source":
			d.weight = float32(dp.spec.Weight)
			tgt.sources = append(tgt.sources, d)
		case "time_series":
			d.series = dp.spec.Series
			d.w = inputMatrix(dp, spec.Seed^0xe7037ed1a0b428db*uint64(i+1))
			d.cur = make([]float32, len(dp.neurons))
			d.sample = make([]int, W)
			for w := range d.sample {
				d.sample[w] = -1
			}
			tgt.current = append(tgt.current, d)
		case "noise":
			d.prepareNoise(W, pl.dt)
			tgt.current = append(tgt.current, d)
		default:
			tgt.current = append(tgt.current, d)
		}
		if len(tgt.current) > 0 && tgt.dc == nil && tgt.dc64 == nil {
			if spec.Precise {
				tgt.dc64 = make([]float64, tgt.n)
			} else {
				tgt.dc = make([]float32, tgt.n)
			}
		}
		net.devs = append(net.devs, d)
	}
	for _, rp := range pl.recs {
		if rp.spec.Kind == "weights" {
			pr := net.projs[rp.proj]
			tgt := pl.pops[pr.plan.tgt]
			r, err := newWeightsRecorder(rp, pr, net.pops[pr.plan.tgt].bounds, W, pl.slice, weightUnits(tgt.model))
			if err != nil {
				return nil, err
			}
			net.weights = append(net.weights, r)
			if pr.stdp != nil {
				net.sampled = append(net.sampled, r)
			}
			net.recs = append(net.recs, r)
			net.byName[r.name] = r
			continue
		}
		pop := net.pops[rp.pop]
		r, err := newRecorder(rp, pop.model, W, pop.bounds, pl.slice, pl.dt)
		if err != nil {
			return nil, err
		}
		if rp.spec.Kind == "state" {
			pop.recs = append(pop.recs, r)
		}
		net.recs = append(net.recs, r)
		net.byName[r.name] = r
	}
	net.boxes = make([]events.Outbox, W)
	net.scratch = make([][]int32, W)
	for w := range W {
		m := 0
		for _, pop := range net.pops {
			m = max(m, pop.bounds[w+1]-pop.bounds[w])
		}
		net.scratch[w] = make([]int32, m)
	}
	net.synev = make([]int64, W)
	net.team = events.NewTeam(W)
	net.integrateF = net.integrate
	net.deliverF = net.deliver
	if spec.Precise {
		net.initPrecise()
	}
	net.stats.BuildTime = time.Since(t0)
	return net, nil
}

// weightReceptor returns the receptor of the weights of c, built for a
// projection whose weights' signs pick it (projPlan.bySign): exc when none
// is negative, inh when none is positive, else exc for perSynapse, each
// negative weight then acting on inh.
func weightReceptor(c *synapses.CSR) (recep int, perSynapse bool) {
	if c.Weight == nil {
		if c.Const < 0 {
			return neurons.Inh, false
		}
		return neurons.Exc, false
	}
	var neg, pos bool
	for _, w := range c.Weight {
		neg = neg || w < 0
		pos = pos || w > 0
	}
	if neg && !pos {
		return neurons.Inh, false
	}
	return neurons.Exc, neg
}

// initV sets the initial membrane potentials from the population's VInit
// (absolute mV; default E_L) and the other state variables from its Init,
// drawn per neuron from counter-based streams (one per variable).
func initV(pop *population, pp popPlan, seed uint64, i int) error {
	key := seed ^ 0x8ebc6af09c88c6e3*uint64(i+1)
	d, def := pp.spec.VInit, 0.0
	if d.Dist == "" && d.Value == 0 {
		def = pp.elmV
	}
	if err := initVar(pop, "V", d, def, key); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(pp.spec.Init)) {
		h := fnv.New64a()
		h.Write([]byte(name))
		if err := initVar(pop, name, pp.spec.Init[name], 0, key^h.Sum64()); err != nil {
			return err
		}
	}
	if iz, ok := pop.model.(*neurons.Izhikevich); ok {
		return initIzhikevich(iz, pp, i)
	}
	if lp, ok := pop.model.(neurons.Precise); ok {
		lp.SyncFromFloat32()
	}
	return nil
}

// initVar sets state variable name (in its unit, absolute) from d, def
// standing for an empty constant Dist, drawing from the stream key.
func initVar(pop *population, name string, d Dist, def float64, key uint64) error {
	v, off, err := pop.model.VarSlice(name)
	if err != nil {
		return err
	}
	for j := range v {
		var x float64
		switch d.Dist {
		case "", "constant":
			x = d.Value
			if d.Dist == "" && d.Value == 0 {
				x = def
			}
		case "uniform":
			a, _ := Philox2x64(uint64(j), 0x7649, key)
			x = d.Low + float64((d.High-d.Low)*(float64(a>>11)*0x1p-53))
		case "normal":
			a, b := Philox2x64(uint64(j), 0x7650, key)
			u1 := (float64(a>>11) + 0.5) * 0x1p-53
			u2 := float64(b>>11) * 0x1p-53
			x = d.Mean + float64(d.Std*math.Sqrt(-2*detmath.Log(u1))*detmath.Cos(2*math.Pi*u2))
		case "list":
			x = d.Values[j]
		}
		v[j] = float32(x - float64(off))
	}
	return nil
}

// inputMatrix returns the n × dims input weights of a time_series device.
func inputMatrix(dp devPlan, key uint64) []float32 {
	dims := dp.dims
	w := make([]float32, len(dp.neurons)*dims)
	if dp.spec.InputMatrix != nil {
		for k, row := range dp.spec.InputMatrix {
			for i, x := range row {
				w[k*dims+i] = float32(x)
			}
		}
		return w
	}
	iw := dp.spec.InputWeights
	for k := range dp.neurons {
		for i := range dims {
			a, b := Philox2x64(uint64(k), uint64(i), key)
			u := float64(a>>11) * 0x1p-53
			var x float64
			switch iw.Dist {
			case "uniform":
				x = iw.Low + float64((iw.High-iw.Low)*u)
			case "normal":
				u1 := (float64(a>>11) + 0.5) * 0x1p-53
				u2 := float64(b>>11) * 0x1p-53
				x = iw.Mean + float64(iw.Std*math.Sqrt(-2*detmath.Log(u1))*detmath.Cos(2*math.Pi*u2))
			default:
				x = iw.Value
			}
			w[k*dims+i] = float32(x)
		}
	}
	return w
}

// Close stops the worker goroutines and flushes the recorders' sinks.
func (net *Network) Close() error {
	var first error
	for _, r := range net.recs {
		if err := r.flush(); err != nil && first == nil {
			first = err
		}
	}
	if net.team != nil {
		net.team.Close()
		net.team = nil
	}
	return first
}

// DtMs returns the step in ms.
func (net *Network) DtMs() float64 { return net.dt }

// Step returns the number of steps simulated.
func (net *Network) Step() int64 { return net.step }

// TimeMs returns the simulated time in ms.
func (net *Network) TimeMs() float64 { return float64(net.step) * net.dt }

// SliceSteps returns the number of steps between spike exchanges (the
// minimum delay, at least 1).
func (net *Network) SliceSteps() int { return net.plan.slice }

// Stats returns the counters.
func (net *Network) Stats() Stats { return net.stats }

// Recorder returns the recorder with the given name (default name
// "<kind>:<population>"), or nil.
func (net *Network) Recorder(name string) *Recorder { return net.byName[name] }

// Recorders returns all recorders in spec order.
func (net *Network) Recorders() []*Recorder { return net.recs }

// SetSink replaces the sink of the named recorder: a SpikeSink for spikes
// recorders, a FrameSink for the others. Call it before Run.
func (net *Network) SetSink(name string, sink any) error {
	r := net.byName[name]
	if r == nil {
		return param.New(pkg, "recorder", name, "the name of a recorder")
	}
	if r.plan.spec.Kind == "spikes" {
		s, ok := sink.(SpikeSink)
		if !ok {
			return param.New(pkg, "sink", fmt.Sprintf("%T", sink), "a SpikeSink for a spikes recorder")
		}
		r.spikes = s
		return nil
	}
	f, ok := sink.(FrameSink)
	if !ok {
		return param.New(pkg, "sink", fmt.Sprintf("%T", sink), "a FrameSink for a "+r.plan.spec.Kind+" recorder")
	}
	r.frames = f
	return nil
}

// Model returns the neuron model of the named population (its state slices
// are readable and writable between runs), or nil. A spike_generator
// population's has Kind "spike_generator" and no state variables.
func (net *Network) Model(pop string) neurons.Model {
	for _, p := range net.pops {
		if p.name == pop {
			return p.model
		}
	}
	return nil
}

// Projection returns the connectivity of projection i (spec order), as the
// kernel holds it. The weights of a plastic projection
// (ProjectionSpec.Plasticity) change as the network runs: read them between
// runs. They are the stored weights, NEST's: a pairing of a postsynaptic
// spike with the source's last spike is taken in when the source's next
// spike is delivered (or, when none comes, once complete, at the next
// multiple of the prune interval; see the package doc), so until then
// Weight lags the synapse's weight by the pending pairings. EffectiveWeights
// gives the weights with them taken in, as weights recorders sample them and
// edges.h5 holds them. It panics if i is not in [0, len(spec.Projections)).
func (net *Network) Projection(i int) *synapses.CSR {
	if i < 0 || i >= len(net.projs) {
		panic(fmt.Sprintf("kernel: Projection: index %d out of range [0, %d)", i, len(net.projs)))
	}
	return net.projs[i].csr
}

// EffectiveWeights returns the weights of projection i (spec order) now, in
// Projection(i)'s synapse order, unit and sign: for a plastic projection
// with every pairing whose postsynaptic spike has reached the synapse taken
// in, also those Projection(i).Weight still holds back — the weights a
// weights recorder would sample at the end of the last step run
// (RecorderSpec), those SONATANetwork writes; for a static one (also with
// short-term plasticity) Projection(i)'s weights w. It writes nothing but
// the slice it returns: the network's state, its spikes and weights to come
// stay as they are. dst is reused if it has the capacity, else a slice is
// allocated. Call it between runs. It panics if i is not in
// [0, len(spec.Projections)).
func (net *Network) EffectiveWeights(dst []float32, i int) []float32 {
	if i < 0 || i >= len(net.projs) {
		panic(fmt.Sprintf("kernel: EffectiveWeights: index %d out of range [0, %d)", i, len(net.projs)))
	}
	pr := net.projs[i]
	c := pr.csr
	dst = slices.Grow(dst[:0], c.Len())[:c.Len()]
	if pr.stdp == nil {
		for k := range dst {
			dst[k] = c.W(uint64(k))
		}
		return dst
	}
	// Between runs every worker's presynaptic traces are equal (stdp):
	// worker 0's serve for every synapse.
	for src := range c.NSrc {
		for k := c.Ptr[src]; k < c.Ptr[src+1]; k++ {
			dst[k] = pr.stdp.weightAt(0, c, src, k, net.step-1)
		}
	}
	return dst
}

// SetSeries replaces the series of the named time_series device (same
// dimension) and restarts it at the current step: sample 0 is held from
// now on. Use it to feed a reservoir successive input sequences. Samples
// must be finite. The device keeps a copy of series (changing the caller's
// afterwards does not reach it). Checkpoints carry the series (from the sample held at
// the checkpoint on) and where it started, so Restore continues it.
func (net *Network) SetSeries(device string, series [][]float64) error {
	for _, d := range net.devs {
		if d.plan.name != device {
			continue
		}
		if d.plan.spec.Kind != "time_series" {
			return param.New(pkg, "device", device, "a time_series device")
		}
		for k, x := range series {
			if len(x) != d.plan.dims {
				return param.New(pkg, fmt.Sprintf("series[%d]", k), len(x), fmt.Sprintf("%d values", d.plan.dims))
			}
			if err := finiteSample(fmt.Sprintf("series[%d]", k), x); err != nil {
				return err
			}
		}
		if len(series) == 0 {
			return param.New(pkg, "series", "empty", "at least one sample")
		}
		// The new series starts now: the device reads sample
		// step/seriesSteps − origin, so replacing a series costs
		// O(len(series)) whatever the time (a reservoir fed one sample per
		// Step stays O(1) per sample).
		rem := net.step % int64(d.plan.seriesSteps)
		if rem != 0 {
			return param.New(pkg, "step", net.step, fmt.Sprintf("a multiple of the series sample (%d steps) when replacing a series", d.plan.seriesSteps))
		}
		d.origin = int(net.step / int64(d.plan.seriesSteps))
		d.series = cloneRows(series)
		d.replaced = true
		for w := range d.sample {
			d.sample[w] = -1
		}
		return nil
	}
	return param.New(pkg, "device", device, "the name of a device")
}

// newModel returns n neurons of the model whose parameters params are (a
// pointer to the parameter struct of a neurons model, as resolve sets
// them) for step dt, the precise variant in precise mode. resolve calls it
// with n = 0 to check what only the constructors check (t_ref a multiple
// of the step, …).
func newModel(params any, n int, dt float64, precise bool) (neurons.Model, error) {
	if precise {
		switch q := params.(type) {
		case *neurons.LIFExpParams:
			return neurons.NewLIFExpPrecise(n, *q, dt)
		case *neurons.LIFDeltaParams:
			return neurons.NewLIFDeltaPrecise(n, *q, dt)
		}
		return nil, fmt.Errorf("kernel: no precise variant of %T", params)
	}
	switch q := params.(type) {
	case *neurons.LIFExpParams:
		return neurons.NewLIFExp(n, *q, dt)
	case *neurons.LIFAlphaParams:
		return neurons.NewLIFAlpha(n, *q, dt)
	case *neurons.LIFDeltaParams:
		return neurons.NewLIFDelta(n, *q, dt)
	case *neurons.LIFCondParams:
		return neurons.NewLIFCond(n, *q, dt)
	case *neurons.AdExCondParams:
		return neurons.NewAdExCond(n, *q, dt)
	case *neurons.HHCondParams:
		return neurons.NewHHCond(n, *q, dt)
	case *neurons.IzhikevichParams:
		return neurons.NewIzhikevich(n, *q, dt)
	}
	return nil, fmt.Errorf("kernel: unknown parameters %T", params)
}

// cloneRows returns a copy of rows sharing no memory with it (the values in
// one allocation).
func cloneRows(rows [][]float64) [][]float64 {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	flat := make([]float64, 0, n)
	out := make([][]float64, len(rows))
	for i, r := range rows {
		flat = append(flat, r...)
		out[i] = flat[len(flat)-len(r) : len(flat) : len(flat)]
	}
	return out
}
