package kernel

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/synapses"
)

// TestSpikeSourceOffsetsWithinStep: a spike_source time is split into the
// step that receives it and an offset in (0, h], also for a time within
// 1e-9·dt past a grid point (0.1 + 0.2 at dt 0.1: its offset is h, not
// h + 2.8e-17), so the precise mode never integrates past a step's end,
// and at a large time where st·dt rounds to the time itself (42 min at
// dt 0.1: offset h of the previous step, not 0).
func TestSpikeSourceOffsetsWithinStep(t *testing.T) {
	x, y := 0.1, 0.2 // variables: a constant 0.1 + 0.2 is exactly 0.3
	times := []float64{1e-12, 0.05, 0.1 + 5e-12, 0.3, x + y, 3 * (x + y), 7.1234, 2516582.4000000004}
	s := Spec{DtMs: 0.1, Precise: true,
		Populations: []PopulationSpec{{Name: "N", N: 1}},
		Devices:     []DeviceSpec{{Kind: "spike_source", Target: "N", SpikeTimesMs: times, Weight: 1}},
	}
	pl, err := s.resolve()
	if err != nil {
		t.Fatal(err)
	}
	dp := pl.devs[0]
	for k, tm := range times {
		st, off := dp.times[k], dp.offs[k]
		if !(off > 0 && off <= 0.1) {
			t.Errorf("time %.17g ms: step %d, offset %.17g ms, want in (0, 0.1]", tm, st, off)
		}
		if d := float64(st)*0.1 + off - tm; d > 1e-9*0.1 || d < -1e-9*0.1 {
			t.Errorf("time %.17g ms: step %d + offset %.17g is %.3g ms away", tm, st, off, d)
		}
	}
}

// TestTooManyDevices: a spec with more devices than the 16 bits of the
// streams' counters can tell apart is refused, naming devices.
func TestTooManyDevices(t *testing.T) {
	s := Spec{Populations: []PopulationSpec{{Name: "N", N: 2}}}
	s.Devices = make([]DeviceSpec, maxDevices+1)
	for i := range s.Devices {
		s.Devices[i] = DeviceSpec{Kind: "poisson", Target: "N", RateHz: 10, Weight: 1}
	}
	_, err := s.resolve()
	if err == nil || !strings.Contains(err.Error(), "devices") || !strings.Contains(err.Error(), "65536") {
		t.Fatalf("%d devices: %v, want an error naming devices and the limit", len(s.Devices), err)
	}
	s.Devices = s.Devices[:maxDevices]
	if _, err := s.resolve(); err != nil {
		t.Fatalf("%d devices: %v", len(s.Devices), err)
	}
}

// drawPoisson returns the spikes of Poisson device d in step (one worker),
// as fillBlock places them: by neuron, each one's in draw order.
func drawPoisson(d *device, step int64, h float64) []events.Event {
	js := d.plan.neurons[d.ranges[0][0]:d.ranges[0][1]]
	ks := d.poissonCounts(nil, js, step)
	cnt := make([]int32, js[len(js)-1]+1)
	pos := int32(0)
	for i, j := range js {
		cnt[j], pos = pos, pos+ks[i]
	}
	evs := make([]events.Event, pos)
	d.poissonPut(evs, cnt, 0, js, ks, step, h)
	return evs
}

// TestPoissonOffsetStreams: the offsets poissonPut gives precise-mode
// Poisson spikes are uniform in (0, h] (Kolmogorov–Smirnov over ~10⁶
// offsets, D·√n < 1.63: the 1 % level), independent between neighbouring
// neurons, between two devices on the same neuron and between the spikes
// of one neuron in one step (correlations within 4 standard errors of 0);
// each device's offsets depend on the neuron (not one offset per step).
func TestPoissonOffsetStreams(t *testing.T) {
	const n, h = 400, 0.1
	s := Spec{DtMs: h, Precise: true, Seed: 9,
		Populations: []PopulationSpec{{Name: "N", N: n}},
		Devices: []DeviceSpec{
			{Kind: "poisson", Target: "N", RateHz: 20000, Weight: 1},
			{Kind: "poisson", Target: "N", RateHz: 20000, Weight: 2}},
	}
	net, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	devs := net.pops[0].poisson
	if len(devs) != 2 {
		t.Fatalf("%d poisson devices", len(devs))
	}
	var all []float64
	var nbA, nbB, devA, devB, inA, inB []float64 // pairs whose correlation must vanish
	for step := range int64(600) {
		first := [2][]float64{make([]float64, n), make([]float64, n)}
		for di, d := range devs {
			evs := drawPoisson(d, step, h) // per neuron, its spikes in draw order
			seen := make([]int, n)
			for k, e := range evs {
				if !(e.Off > 0 && e.Off <= h) {
					t.Fatalf("offset %v outside (0, %v]", e.Off, h)
				}
				all = append(all, e.Off)
				j := int(e.Target)
				if seen[j] == 0 {
					first[di][j] = e.Off
				} else if seen[j] == 1 && di == 0 {
					inA, inB = append(inA, evs[k-1].Off), append(inB, e.Off)
				}
				seen[j]++
			}
			for j := range n {
				if seen[j] == 0 {
					first[di][j] = -1
				}
			}
		}
		for j := 0; j+1 < n; j++ {
			if a, b := first[0][j], first[0][j+1]; a > 0 && b > 0 {
				nbA, nbB = append(nbA, a), append(nbB, b)
			}
			if a, b := first[0][j], first[1][j]; a > 0 && b > 0 {
				devA, devB = append(devA, a), append(devB, b)
			}
		}
	}
	slices.Sort(all)
	nf := float64(len(all))
	dMax := 0.0
	for i, x := range all {
		f := x / h
		dMax = max(dMax, math.Abs(f-float64(i)/nf), math.Abs(float64(i+1)/nf-f))
	}
	if ks := dMax * math.Sqrt(nf); ks > 1.63 {
		t.Fatalf("offsets not uniform: KS D·√n = %.3g over %d offsets", ks, len(all))
	}
	for _, c := range []struct {
		name string
		a, b []float64
	}{{"neighbouring neurons", nbA, nbB}, {"two devices", devA, devB}, {"spikes of one step", inA, inB}} {
		if len(c.a) < 10000 {
			t.Fatalf("%s: %d pairs, too few to test", c.name, len(c.a))
		}
		if r := corr(c.a, c.b); math.Abs(r) > 4/math.Sqrt(float64(len(c.a))) {
			t.Fatalf("%s: offset correlation %.4f over %d pairs", c.name, r, len(c.a))
		}
	}
	t.Logf("%d offsets, KS D·√n %.3g; %d, %d, %d pairs", len(all), dMax*math.Sqrt(nf), len(nbA), len(devA), len(inA))
}

// corr is the Pearson correlation of a and b.
func corr(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// TestPreciseQueueOrderAfterRestore: a checkpoint keeps each target's
// pending events in their insertion order, which the quiet steps sum in:
// after Restore into a network with another worker count, every (step,
// target) holds the same events in the same order as in the network that
// was checkpointed (mid-slice, with recurrent spikes in flight, Poisson
// input and a spike source).
func TestPreciseQueueOrderAfterRestore(t *testing.T) {
	p := map[string]float64{"tau_syn_ex_ms": 2, "tau_syn_in_ms": 3, "i_e_pa": 300}
	spec := func() Spec {
		return Spec{Precise: true, Seed: 7,
			Populations: []PopulationSpec{
				{Name: "E", N: 120, Sign: 1, Params: p, VInit: Dist{Dist: "uniform", Low: -70, High: -55}},
				{Name: "I", N: 30, Sign: -1, Params: p, VInit: Dist{Dist: "uniform", Low: -70, High: -55}}},
			Projections: []ProjectionSpec{
				{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.3}, Weights: synapses.Weights{Value: 30}, DelayMs: 0.5, DelayMaxMs: 2},
				{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.3}, Weights: synapses.Weights{Value: 30}, DelayMs: 0.7},
				{Source: "I", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2}, Weights: synapses.Weights{Value: 10}, DelayMs: 0.5, DelayMaxMs: 1.5}},
			Devices: []DeviceSpec{
				{Kind: "poisson", Target: "E", RateHz: 3000, Weight: 20},
				{Kind: "spike_source", Target: "E", Neurons: []int{3}, SpikeTimesMs: []float64{30.05, 30.05, 30.07}, Weight: 50}},
		}
	}
	// queued returns each (slot, target)'s pending events (time, weight,
	// receptor) in queue order, over every worker's queues.
	queued := func(net *Network) map[[3]int][][3]float64 {
		out := map[[3]int][][3]float64{}
		for w, qs := range net.precise.queues {
			for pop, q := range qs {
				for s := range q.ev.Slots() {
					for _, e := range net.pending(q, w, int64(s)) { // slot s
						k := [3]int{pop, s, int(e.Target)}
						out[k] = append(out[k], [3]float64{e.Off, float64(e.W), float64(e.Recep)})
					}
				}
			}
		}
		return out
	}
	a, err := New(spec(), WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Run(23.7); err != nil { // 237 steps: inside a 5-step slice, spikes in flight
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := New(spec(), WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	qa, qb := queued(a), queued(b)
	n, multi := 0, 0
	for k, ea := range qa {
		n += len(ea)
		if len(ea) > 1 {
			multi++
		}
		if !slices.Equal(ea, qb[k]) {
			t.Fatalf("population %d, slot %d, target %d: queued %v before the checkpoint, %v after Restore", k[0], k[1], k[2], ea, qb[k])
		}
	}
	if len(qa) != len(qb) || n < 100 || multi < 10 {
		t.Fatalf("%d and %d (slot, target) groups, %d events, %d groups with several: the test needs more in flight", len(qa), len(qb), n, multi)
	}
	t.Logf("%d pending events in %d (slot, target) groups, %d with several", n, len(qa), multi)
}

// TestDelayGroups: delayGroups splits a CSR with a delay per synapse into
// one CSR per delay whose rows hold exactly the synapses of that delay, in
// their order (targets ascending), with their weights (or the constant);
// it refuses unless groups·(rows+1)·groupSynapses ≤ synapses (tested at
// equality and one synapse short).
func TestDelayGroups(t *testing.T) {
	// two rows of 40 synapses onto targets 0…39, delays 7, 2, 7, 7, 9, …
	c := &synapses.CSR{NSrc: 2, NTgt: 40, Ptr: []uint64{0, 40, 80}}
	for k := range 80 {
		c.Target = append(c.Target, uint32(k%40))
		c.Weight = append(c.Weight, float32(k+1))
		c.Delay = append(c.Delay, []uint16{7, 2, 7, 7, 9, 2, 9}[(k*k+k/40)%7])
	}
	for _, weighted := range []bool{true, false} {
		cc := *c
		if !weighted {
			cc.Weight, cc.Const = nil, 0.5
		}
		gs := delayGroups(&cc)
		if len(gs) != 3 {
			t.Fatalf("%d groups, want 3 (delays 2, 7, 9)", len(gs))
		}
		n := 0
		for _, g := range gs {
			if g.Delay != nil || g.NSrc != 2 || g.NTgt != 40 || g.Const != cc.Const || (g.Weight == nil) == weighted {
				t.Fatalf("group of delay %d: %+v", g.DelaySteps, g)
			}
			n += g.Len()
			for i := range 2 {
				var want []uint32
				var ws []float32
				for k := cc.Ptr[i]; k < cc.Ptr[i+1]; k++ {
					if int(cc.Delay[k]) == g.DelaySteps {
						want = append(want, cc.Target[k])
						ws = append(ws, cc.W(k))
					}
				}
				got := g.Target[g.Ptr[i]:g.Ptr[i+1]]
				var gw []float32
				for k := g.Ptr[i]; k < g.Ptr[i+1]; k++ {
					gw = append(gw, g.W(k))
				}
				if !slices.Equal(got, want) || !slices.Equal(gw, ws) {
					t.Fatalf("delay %d, row %d: targets %v weights %v, want %v %v", g.DelaySteps, i, got, gw, want, ws)
				}
			}
		}
		if n != cc.Len() || gs[0].DelaySteps != 2 || gs[1].DelaySteps != 7 || gs[2].DelaySteps != 9 {
			t.Fatalf("%d synapses in the groups, want %d; delays %d %d %d", n, cc.Len(), gs[0].DelaySteps, gs[1].DelaySteps, gs[2].DelaySteps)
		}
	}
	// 3 groups × 3 row pointers × 8 = 72 synapses: accepted at 72, refused
	// at 71 (the last row one synapse shorter, all three delays still in)
	d := &synapses.CSR{NSrc: 2, NTgt: 40, Ptr: []uint64{0, 36, 72}, Target: c.Target[:72], Delay: c.Delay[:72], Const: 1}
	copy(d.Target[36:], c.Target[40:76]) // the second row: targets 0…35
	copy(d.Delay[36:], c.Delay[40:76])
	if gs := delayGroups(d); len(gs) != 3 {
		t.Fatalf("72 synapses in 3 delays over 2 rows: %d groups, want 3", len(gs))
	}
	d.Ptr[2], d.Target, d.Delay = 71, d.Target[:71], d.Delay[:71]
	if gs := delayGroups(d); gs != nil {
		t.Fatalf("71 synapses in 3 delays over 2 rows: %d groups, want none", len(gs))
	}
	// 300,000 rows of one synapse in 1,000 delays: refused (8 · 1,000 ·
	// 300,001 wraps a 32-bit int: make test runs this on 386 too)
	const rows = 300_000
	e := &synapses.CSR{NSrc: rows, NTgt: 1, Ptr: make([]uint64, rows+1), Target: make([]uint32, rows), Delay: make([]uint16, rows), Const: 1}
	for i := range rows {
		e.Ptr[i+1], e.Delay[i] = uint64(i+1), uint16(1+i%1000)
	}
	if gs := delayGroups(e); gs != nil {
		t.Fatalf("%d rows of one synapse in 1,000 delays: %d groups, want none", rows, len(gs))
	}
}

// TestPreciseFillOrder: the events of a step reach each target in the
// order in which they were queued — explicit events and arrivals
// interleaved as pushed, each arrival's row in row order, weights scaled
// by the arrival's efficacy — then the step's Poisson spikes, device by
// device, each neuron's in draw order, then its spike-source spikes; Seq
// ascending within a target; for blocks of any size.
func TestPreciseFillOrder(t *testing.T) {
	s := Spec{Precise: true, Seed: 3, DtMs: 0.1,
		Populations: []PopulationSpec{{Name: "A", N: 3}, {Name: "B", N: 5}},
		Projections: []ProjectionSpec{{Source: "A", Target: "B", Rule: synapses.Rule{Kind: "all_to_all"},
			Weights: synapses.Weights{Value: 1}, DelayMs: 1}},
		Devices: []DeviceSpec{
			{Kind: "poisson", Target: "B", RateHz: 30000, Weight: 2}, // 3 spikes per step on average
			{Kind: "poisson", Target: "B", Neurons: []int{1, 3}, RateHz: 30000, Weight: 3},
			{Kind: "spike_source", Target: "B", Neurons: []int{0, 3, 4}, SpikeTimesMs: []float64{0.55, 0.58}, Weight: 4}},
	}
	net, err := New(s, WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	const step = 5 // (0.5, 0.6] ms
	pop := net.pops[1]
	q := net.precise.queues[0][1]
	type ev struct{ off, w float64 }
	want := make([][]ev, 5)
	explicit := func(j int, w float64) {
		q.ev.Push(step, int32(j), 0, 0.03, float32(w))
		want[j] = append(want[j], ev{0.03, w})
	}
	row := func(i int, off float64, scale float32) {
		q.addRow(step, arrival{off: off, scale: scale, src: net.precise.groups[0][0], row: int32(i)})
		for j := range 5 {
			want[j] = append(want[j], ev{off, float64(scale)})
		}
	}
	explicit(2, 10)
	row(0, 0.01, 1)
	explicit(2, 11)
	explicit(0, 12)
	row(2, 0.02, 0.5)
	explicit(2, 13)
	row(1, 0.04, 0.25)
	for _, d := range pop.poisson {
		for _, e := range drawPoisson(d, step, 0.1) {
			want[e.Target] = append(want[e.Target], ev{e.Off, float64(e.W)})
		}
	}
	for _, off := range []float64{0.55 - 0.5, 0.58 - 0.5} {
		for _, j := range []int{0, 3, 4} {
			want[j] = append(want[j], ev{off, 4})
		}
	}
	poisson := 0
	for _, w := range want {
		poisson += len(w) - 3
	}
	if poisson < 10 {
		t.Fatalf("%d Poisson and source spikes: too few to test their order", poisson)
	}
	for _, B := range []int{5, 2, 1} {
		wk := &net.precise.work[0]
		rows, ex := q.rows[q.slot(step)], q.ev.Peek(step)
		if b := net.startPrecise(wk, q, pop, 0, 0, 5, B, step, rows, ex); b != B {
			t.Fatalf("blocks of %d neurons, asked for %d", b, B)
		}
		got := make([][]ev, 5)
		for bi, b0 := 0, 0; b0 < 5; bi, b0 = bi+1, b0+B {
			b1 := min(b0+B, 5)
			cnt, n := net.countBlock(wk, pop, 0, bi, b0, b1, step, rows, ex)
			placeAll(cnt)
			evs := net.fillBlock(wk, pop, 0, bi, b0, step, rows, ex, cnt, n)
			for k, e := range evs {
				if k > 0 && e.Target == evs[k-1].Target && e.Seq <= evs[k-1].Seq || k > 0 && e.Target < evs[k-1].Target {
					t.Fatalf("blocks of %d: event %d (target %d, Seq %d) after target %d, Seq %d", B, k, e.Target, e.Seq, evs[k-1].Target, evs[k-1].Seq)
				}
				got[e.Target] = append(got[e.Target], ev{math.Round(e.Off*1e12) / 1e12, float64(e.W)})
			}
			clear(cnt)
		}
		for j := range 5 {
			for k := range want[j] {
				want[j][k].off = math.Round(want[j][k].off*1e12) / 1e12
			}
			if !slices.Equal(got[j], want[j]) {
				t.Fatalf("blocks of %d, neuron %d: events (offset, weight)\n%v\nwant\n%v", B, j, got[j], want[j])
			}
		}
	}
}

// TestBlockSize: blocks aim at preciseBlockEvents events each, but hold at
// least 4 events of each arrival on average, and never exceed the range.
func TestBlockSize(t *testing.T) {
	for _, c := range []struct{ n, total, rows, want int }{
		{1000, 100, 5, 1000},                     // one block
		{12500, 87000, 48, 1177},                 // Brunel: 8,192 events
		{10_000_000, 10_000_000, 10_000, 40_000}, // many arrivals: 4 events of each per block
		{100, 1_000_000, 3, 16},                  // a volley onto few neurons: at least 16
		{10, 1_000_000, 1_000_000, 10},           // never more than the range
		{1_000_000, 7_000_000, 500, 1170},        // n·8192 beyond 32 bits
	} {
		if got := blockSize(c.n, c.total, c.rows); got != c.want {
			t.Errorf("blockSize(%d, %d, %d) = %d, want %d", c.n, c.total, c.rows, got, c.want)
		}
	}
}

// TestPreciseRestoreMemory: restoring a checkpoint queues its events one by
// one (events.Queue.Insert), each slot growing on its own: in a ring of 211
// slots where the 1 ms projection's pending events make the first ten much
// fuller than the others, not every slot gets the busiest one's capacity
// (Push would give them 29× the events' room); and once the events are
// used, the slots give the room back.
func TestPreciseRestoreMemory(t *testing.T) {
	p := map[string]float64{"tau_syn_ex_ms": 2, "tau_syn_in_ms": 3}
	s := Spec{Precise: true, Seed: 4,
		Populations: []PopulationSpec{{Name: "E", N: 400, Sign: 1, Params: p, VInit: Dist{Dist: "uniform", Low: -70, High: -55}}},
		Projections: []ProjectionSpec{
			{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2}, Weights: synapses.Weights{Value: 5}, DelayMs: 1},
			{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.01}, Weights: synapses.Weights{Value: 5}, DelayMs: 20}},
		Devices: []DeviceSpec{{Kind: "poisson", Target: "E", RateHz: 8000, Weight: 30}},
	}
	a, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Run(30); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	q := b.precise.queues[0][0].ev
	n, c, used := 0, 0, 0
	for st := range int64(q.Slots()) {
		e := q.Peek(st)
		n, c = n+len(e), c+cap(e)
		if len(e) > 0 {
			used++
		}
	}
	if n < 1000 || used < 5 {
		t.Fatalf("%d events restored in %d of %d slots: too few to test", n, used, q.Slots())
	}
	if c > 2*n+8*q.Slots() {
		t.Fatalf("%d events restored in %d of %d slots take a capacity of %d", n, used, q.Slots(), c)
	}
	// once they are used, the slots give the room back (nothing here
	// queues events one by one)
	if err := b.Run(25); err != nil {
		t.Fatal(err)
	}
	c2, big := explicitCap(b)
	if big > 64 {
		t.Fatalf("after the restored events are used, a slot keeps a capacity of %d (all %d)", big, c2)
	}
	t.Logf("%d events in %d of %d slots, capacity %d; %d after they are used", n, used, q.Slots(), c, c2)
}

// explicitCap returns the capacity of all of net's queues of events queued
// one by one, and of the largest slot.
func explicitCap(net *Network) (c, big int) {
	for _, qs := range net.precise.queues {
		for _, q := range qs {
			for s := range int64(q.ev.Slots()) {
				c += cap(q.ev.Peek(s))
				big = max(big, cap(q.ev.Peek(s)))
			}
		}
	}
	return c, big
}

// TestPreciseQueueSteadyState: Brunel at 2,500 neurons in precise mode with
// delays drawn in 1.5–3 ms (queued as arrivals per delay) and a sparse
// projection with 150 delays (queued as events one by one, slots of
// hundreds of events): a steady run allocates nothing (no slot is dropped
// and grown again), and a network restored mid-run, whose restored slots
// then take Pushes too, ends with no more queue capacity than twice an
// uninterrupted one's.
func TestPreciseQueueSteadyState(t *testing.T) {
	spec, err := Preset("brunel", PresetOptions{Seed: 4, N: 2500})
	if err != nil {
		t.Fatal(err)
	}
	spec.Precise = true
	for i := range spec.Projections {
		spec.Projections[i].DelayMaxMs = 3
	}
	spec.Projections = append(spec.Projections, ProjectionSpec{Source: "E", Target: "E",
		Rule: synapses.Rule{Kind: "fixed_prob", P: 0.01}, Weights: synapses.Weights{Value: 0.01}, DelayMs: 0.1, DelayMaxMs: 15})
	a, err := New(spec, WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.RunSteps(300); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	if err := a.RunSteps(100); err != nil {
		t.Fatal(err)
	}
	if _, big := explicitCap(a); big < 200 {
		t.Fatalf("largest slot of events queued one by one: %d, want hundreds", big)
	}
	if allocs := testing.AllocsPerRun(5, func() { _ = a.RunSteps(20) }); allocs != 0 {
		t.Fatalf("%g allocations per 20 steps", allocs)
	}
	b, err := New(spec, WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if err := b.RunSteps(400); err != nil {
		t.Fatal(err)
	}
	ca, _ := explicitCap(a)
	cb, _ := explicitCap(b)
	if cb > 2*ca {
		t.Fatalf("restored network: queue capacity %d events, uninterrupted %d", cb, ca)
	}
	t.Logf("queue capacity: uninterrupted %d events, restored %d", ca, cb)
}
