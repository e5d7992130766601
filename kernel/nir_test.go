package kernel_test

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/snn"
)

// nirGraph builds a NIR graph from nodes and edges "a->b".
func nirGraph(nodes map[string]export.NIRNode, edges ...string) *export.NIRGraph {
	g := &export.NIRGraph{Nodes: nodes}
	for _, e := range edges {
		a, b, _ := strings.Cut(e, "->")
		g.Edges = append(g.Edges, [2]string{a, b})
	}
	return g
}

func nirNode(typ string, kv ...any) export.NIRNode {
	n := export.NIRNode{Type: typ, Params: map[string]export.NIRArray{}}
	for i := 0; i < len(kv); i += 2 {
		n.Params[kv[i].(string)] = kv[i+1].(export.NIRArray)
	}
	return n
}

// cubaNet is the test network of TestNIRCubaLIF: Input(2) → Affine(3×2,
// bias) → CubaLIF(3) ⇄ Linear(3×3) → Output(3), in NIR's units (s).
type cubaNet struct {
	tm, ts, r, win, vl, th, vr, b []float64
	wIn, wRec                     [][]float64 // N×2, N×N
	in                            [][]float64 // input spike times (s) per channel
}

func newCubaNet() cubaNet {
	return cubaNet{
		// neuron 2 has another τ_mem: the node splits into two populations
		tm:  []float64{0.010, 0.010, 0.020},
		ts:  []float64{0.005, 0.005, 0.005},
		r:   []float64{1, 2, 1},   // folded into the weights
		win: []float64{1, 0.5, 2}, // folded into the weights
		vl:  []float64{0, 0, 0.1},
		th:  []float64{1, 1, 1.2},
		vr:  []float64{-0.2, -0.2, 0.1},
		b:   []float64{0.6, 0.5, 0.2}, // r·w_in·b: 0.6, 0.5, 0.4, reached with τ_syn
		wIn: [][]float64{{0.012, 0.002}, {0.004, 0.011}, {0.006, 0.006}},
		wRec: [][]float64{
			{0, -0.004, 0.003},
			{0.002, 0, 0},
			{0.004, 0.005, 0},
		},
		in: [][]float64{
			{0.0050, 0.0071, 0.0200, 0.0213, 0.0500, 0.0504, 0.0508, 0.0700},
			{0.0100, 0.0112, 0.0330, 0.0339, 0.0344, 0.0600, 0.0800, 0.0805, 0.0810},
		},
	}
}

func (c cubaNet) graph() *export.NIRGraph {
	flat := func(m [][]float64) []float64 { return slices.Concat(m...) }
	return nirGraph(map[string]export.NIRNode{
		"in":  nirNode("Input", "shape", export.NIRShape(2)),
		"fc":  nirNode("Affine", "weight", export.NIRMatrix(3, 2, flat(c.wIn)), "bias", export.NIRVec(c.b...)),
		"lif": nirNode("CubaLIF", "tau_mem", export.NIRVec(c.tm...), "tau_syn", export.NIRVec(c.ts...), "r", export.NIRVec(c.r...), "w_in", export.NIRVec(c.win...), "v_leak", export.NIRVec(c.vl...), "v_threshold", export.NIRVec(c.th...), "v_reset", export.NIRVec(c.vr...)),
		"rec": nirNode("Linear", "weight", export.NIRMatrix(3, 3, flat(c.wRec))),
		"out": nirNode("Output", "shape", export.NIRShape(3)),
	}, "in->fc", "fc->lif", "lif->rec", "rec->lif", "lif->out")
}

// refMode selects how cubaNet.ref treats thresholds.
type refMode int

const (
	refGrid   refMode = iota // checked at grid points (v ≥ θ), spikes act there: the kernel's semantics
	refFree                  // exact crossing times (v > θ), spikes act at once: NIR's continuous solution
	refFollow                // exact crossing times found, but resets and spikes' jumps at the kernel's spike times
)

// ref integrates the CubaLIF network of NIR's equations in closed form
// between events, in float64 and seconds, independently of the kernel,
// from NIR's initial state v(0) = v_leak, I(0) = 0 (the bias then ramps
// I up to w_in·b). Exact crossings are found by sampling the closed form every µs
// and bisection. It returns the spike times per neuron (refFollow: the
// crossing time that preceded each of the kernel's spikes follow[j], NaN
// for none, and a last NaN-free entry for a crossing the kernel never
// followed) and, for refGrid, v after every step.
func (c cubaNet) ref(dt, tEnd float64, mode refMode, follow [][]float64) (spikes [][]float64, trace [][]float64) {
	n := len(c.tm)
	v, I := slices.Clone(c.vl), make([]float64, n)
	// prop returns v and I of neuron j after h from (v0, I0).
	prop := func(j int, v0, I0, h float64) (float64, float64) {
		inf := c.win[j] * c.b[j]
		d := I0 - inf
		u := v0 - c.vl[j] - c.r[j]*inf
		a := c.r[j] * d * c.ts[j] / (c.ts[j] - c.tm[j])
		u = a*math.Exp(-h/c.ts[j]) + (u-a)*math.Exp(-h/c.tm[j])
		return c.vl[j] + c.r[j]*inf + u, inf + d*math.Exp(-h/c.ts[j])
	}
	advance := func(h float64) {
		for j := range n {
			v[j], I[j] = prop(j, v[j], I[j], h)
		}
	}
	spike := func(j int) { // the jumps of neuron j's spike
		for k := range n {
			I[k] += c.win[k] * c.wRec[k][j] / c.ts[k]
		}
	}
	input := func(ch int) {
		for k := range n {
			I[k] += c.win[k] * c.wIn[k][ch] / c.ts[k]
		}
	}
	spikes = make([][]float64, n)
	type ev struct {
		t  float64
		ch int // input channel, or −1−j for the kernel's spike of neuron j
	}
	var evs []ev
	for ch, ts := range c.in {
		for _, t := range ts {
			evs = append(evs, ev{t, ch})
		}
	}
	for j, ts := range follow {
		for _, t := range ts {
			evs = append(evs, ev{t, -1 - j})
		}
	}
	slices.SortStableFunc(evs, func(a, b ev) int { return cmp.Compare(a.t, b.t) })
	if mode == refGrid {
		steps := int(math.Round(tEnd / dt))
		next := 0
		for s := 1; s <= steps; s++ {
			advance(dt)
			for ; next < len(evs) && int(math.Round(evs[next].t/dt)) == s; next++ {
				input(evs[next].ch)
			}
			var fired []int
			for j := range n {
				if v[j] >= c.th[j] {
					v[j] = c.vr[j]
					fired = append(fired, j)
					spikes[j] = append(spikes[j], float64(s)*dt)
				}
			}
			trace = append(trace, slices.Clone(v))
			for _, j := range fired {
				spike(j)
			}
		}
		return spikes, trace
	}
	crossed := make([]float64, n) // refFollow: a crossing the kernel has not yet followed
	for j := range crossed {
		crossed[j] = math.NaN()
	}
	t := 0.0
	for next := 0; t < tEnd; {
		stop := tEnd
		if next < len(evs) {
			stop = evs[next].t
		}
		// the earliest crossing in (t, stop], if any
		const sub = 1e-6
		cross, who := math.Inf(1), -1
		for j := range n {
			if !math.IsNaN(crossed[j]) {
				continue
			}
			lo := t
			for hi := t + sub; lo < stop; hi += sub {
				hi = min(hi, stop)
				if x, _ := prop(j, v[j], I[j], hi-t); x > c.th[j] {
					for range 60 {
						m := (lo + hi) / 2
						if x, _ := prop(j, v[j], I[j], m-t); x > c.th[j] {
							hi = m
						} else {
							lo = m
						}
					}
					if hi < cross {
						cross, who = hi, j
					}
					break
				}
				lo = hi
			}
		}
		if who >= 0 {
			advance(cross - t)
			t = cross
			if mode == refFollow {
				crossed[who] = t
				continue
			}
			spikes[who] = append(spikes[who], t)
			v[who] = c.vr[who]
			spike(who)
			continue
		}
		advance(stop - t)
		t = stop
		if next >= len(evs) {
			break
		}
		e := evs[next]
		next++
		if e.ch >= 0 {
			input(e.ch)
			continue
		}
		j := -1 - e.ch
		spikes[j] = append(spikes[j], crossed[j])
		crossed[j] = math.NaN()
		v[j] = c.vr[j]
		spike(j)
	}
	for j, x := range crossed {
		if !math.IsNaN(x) {
			spikes[j] = append(spikes[j], x)
		}
	}
	return spikes, nil
}

// TestNIRCubaLIF imports Input → Affine → CubaLIF ⇄ Linear → Output,
// runs it, and compares with cubaRef: the subthreshold traces and spike
// steps of the grid semantics to float32 precision, and the spike times of
// the continuous solution within one step.
func TestNIRCubaLIF(t *testing.T) {
	c := newCubaNet()
	const dt, T = 0.1, 100.0 // ms
	inMs := make([][]float64, len(c.in))
	for ch, ts := range c.in {
		for _, s := range ts {
			inMs[ch] = append(inMs[ch], s*1000)
		}
	}
	im, err := kernel.ImportNIR(c.graph(), kernel.NIROptions{DtMs: dt, InputSpikesMs: map[string][][]float64{"in": inMs}})
	if err != nil {
		t.Fatal(err)
	}
	spec := im.Spec
	if got := popNames(spec); !slices.Equal(got, []string{"in", "lif_0", "lif_1"}) {
		t.Fatalf("populations %v", got)
	}
	wantPlace := []kernel.NIRNeuron{{"lif_0", 0}, {"lif_0", 1}, {"lif_1", 0}}
	if !slices.Equal(im.Neurons["lif"], wantPlace) {
		t.Fatalf("lif neurons at %v, want %v", im.Neurons["lif"], wantPlace)
	}
	for _, p := range []string{"lif_0", "lif_1"} {
		spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Kind: "state", Population: p, Variable: "V"})
	}
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(T); err != nil {
		t.Fatal(err)
	}
	// kernel spikes and V per NIR neuron
	n := len(c.tm)
	got := make([][]float64, n)
	var trace [][]float64
	for j, at := range im.Neurons["lif"] {
		sp := net.Recorder("spikes:" + at.Population).Spikes()
		got[j] = neuronSpikes(sp, at.Index)
		fr := net.Recorder("state:" + at.Population).Frames()
		if j == 0 {
			trace = make([][]float64, len(fr.TimesMs))
		}
		for s := range fr.TimesMs {
			trace[s] = append(trace[s], float64(fr.Frame(s)[at.Index]))
		}
	}
	refGrid, refTrace := c.ref(dt/1000, T/1000, refGrid, nil)
	total := 0
	for j := range n {
		total += len(got[j])
		want := msOf(refGrid[j])
		if len(got[j]) != len(want) {
			t.Fatalf("neuron %d: spikes at %v ms, grid reference %v", j, got[j], want)
		}
		for k := range want {
			if math.Abs(got[j][k]-want[k]) > 1e-9 {
				t.Fatalf("neuron %d: spikes at %v ms, grid reference %v", j, got[j], want)
			}
		}
	}
	if total < 6 || len(got[0]) == 0 || len(got[1]) == 0 || len(got[2]) == 0 {
		t.Fatalf("spikes %v: want every neuron to fire", got)
	}
	if len(trace) != len(refTrace) {
		t.Fatalf("%d frames, reference %d", len(trace), len(refTrace))
	}
	worst := 0.0
	for s := range trace {
		for j := range n {
			worst = max(worst, math.Abs(trace[s][j]-refTrace[s][j]))
		}
	}
	if worst > 2e-5 {
		t.Fatalf("V differs from the grid reference by up to %g mV", worst)
	}
	// each spike is reported at the first grid point at or after the
	// exact crossing of the same history
	gotS := make([][]float64, n)
	for j := range n {
		for _, x := range got[j] {
			gotS[j] = append(gotS[j], x/1000)
		}
	}
	cross, _ := c.ref(dt/1000, T/1000, refFollow, gotS)
	for j := range n {
		want := msOf(cross[j])
		if len(want) != len(got[j]) {
			t.Fatalf("neuron %d: spikes at %v ms, crossings %v ms: a crossing without a spike", j, got[j], want)
		}
		for k := range want {
			if d := got[j][k] - want[k]; !(d >= -1e-9 && d < dt+1e-9) {
				t.Fatalf("neuron %d: spike %d at %g ms, exact crossing at %g ms: not within the step before it", j, k, got[j][k], want[k])
			}
		}
	}
	t.Logf("%d spikes; V within %.2g mV of the grid reference; spikes %v ms, exact crossings %v", total, worst, got, cross)
	// NIR's free continuous solution (spikes act at their exact times) is
	// the limit dt → 0: at 0.1 ms the grid's rounding up of each interval
	// adds up along the tonic spike trains (2.8 ms here), at 0.001 ms
	// every spike is within 0.02 ms
	free, _ := c.ref(0, T/1000, refFree, nil)
	fine, err := kernel.FromNIR(c.graph(), kernel.NIROptions{DtMs: 0.001, InputSpikesMs: map[string][][]float64{"in": inMs}})
	if err != nil {
		t.Fatal(err)
	}
	runNet(t, fine, 1, func(net *kernel.Network) {
		for j, at := range im.Neurons["lif"] {
			got := neuronSpikes(net.Recorder("spikes:"+at.Population).Spikes(), at.Index)
			if want := msOf(free[j]); !approxEqual(got, want, 0.02) {
				t.Fatalf("dt = 0.001 ms: neuron %d spikes at %v ms, continuous solution %v", j, got, want)
			}
		}
	}, T)
	// the Output node is the spikes of lif, through the identity
	o := im.Outputs["out"]
	if len(o.Terms) != 1 || o.Terms[0].Node != "lif" || o.Terms[0].Signal != "spikes" || o.Bias != nil ||
		!slices.Equal(o.Terms[0].Recorders, []string{"spikes:lif_0", "spikes:lif_1"}) {
		t.Fatalf("output %+v", o)
	}
}

func msOf(s []float64) []float64 {
	out := make([]float64, len(s))
	for i, x := range s {
		out[i] = x * 1000
	}
	return out
}

func popNames(s kernel.Spec) []string {
	var out []string
	for _, p := range s.Populations {
		out = append(out, p.Name)
	}
	return out
}

// TestNIRLIFReadout imports Input → Affine → LIF → Linear → LI → Affine →
// Output: the LIF (delta synapses, bias current) and the LI readout, whose
// potential is recorded for the Output, against a closed-form reference on
// the grid, and the LIF's spikes within one step of the continuous
// solution (a delta jump crosses at once; the kernel checks it at the end
// of the next step).
func TestNIRLIFReadout(t *testing.T) {
	const (
		dt   = 0.1 // ms
		T    = 60.0
		tau  = 0.010 // LIF τ (s)
		r    = 2.0
		th   = 1.0
		b    = 0.25 // bias: r·b = 0.5 mV steady
		tauL = 0.020
	)
	wIn := []float64{0.0075, 0.006}         // jumps r/τ·w = 1.5, 1.2 mV
	wRead := []float64{0.02, 0, 0.01, 0.03} // LI jumps 1/τ_L·w = 1, 0.5, 1.5 mV
	dec := []float64{1, -2, 0.5, 3, 0, 1}   // 3×2 readout
	decB := []float64{0.1, 0.2, 0.3}
	inS := []float64{0.005, 0.0123, 0.030, 0.0301}
	g := nirGraph(map[string]export.NIRNode{
		"x":    nirNode("Input", "shape", export.NIRShape(1)),
		"w":    nirNode("Affine", "weight", export.NIRMatrix(2, 1, wIn), "bias", export.NIRFill(2, b)),
		"lif":  nirNode("LIF", "tau", export.NIRFill(2, tau), "r", export.NIRFill(2, r), "v_leak", export.NIRFill(2, 0), "v_threshold", export.NIRFill(2, th), "v_reset", export.NIRFill(2, 0)),
		"read": nirNode("Linear", "weight", export.NIRMatrix(2, 2, wRead)),
		"li":   nirNode("LI", "tau", export.NIRFill(2, tauL), "r", export.NIRFill(2, 1), "v_leak", export.NIRFill(2, 0)),
		"dec":  nirNode("Affine", "weight", export.NIRMatrix(3, 2, dec), "bias", export.NIRVec(decB...)),
		"y":    nirNode("Output", "shape", export.NIRShape(3)),
	}, "x->w", "w->lif", "lif->read", "read->li", "li->dec", "dec->y")
	im, err := kernel.ImportNIR(g, kernel.NIROptions{DtMs: dt, InputSpikesMs: map[string][][]float64{"x": {msOf(inS)}}})
	if err != nil {
		t.Fatal(err)
	}
	spec := im.Spec
	if got := popNames(spec); !slices.Equal(got, []string{"x", "li", "lif"}) {
		t.Fatalf("populations %v", got)
	}
	lifPop, liPop := spec.Populations[2], spec.Populations[1]
	if lifPop.Name != "lif" || lifPop.Model != "lif_delta" || lifPop.Params["i_e_pa"] != r*b || lifPop.Params["tau_mem_ms"] != 10 ||
		liPop.Name != "li" || liPop.Params["v_th_mv"] != kernel.NIRNoThresholdMV {
		t.Fatalf("populations %+v", spec.Populations)
	}
	o := im.Outputs["y"]
	if len(o.Terms) != 1 || o.Terms[0].Signal != "V" || !slices.Equal(o.Terms[0].Recorders, []string{"state:li"}) ||
		!slices.Equal(o.Terms[0].Dense(), dec) || o.Terms[0].Rows != 3 || o.Terms[0].Cols != 2 || !slices.Equal(o.Bias, decB) ||
		len(o.Terms[0].Weight) != 5 { // the zero is left out
		t.Fatalf("output %+v", o)
	}
	net := runRecorded(t, spec, "lif", T)
	defer net.Close()
	// grid reference: at each grid point propagate, check the threshold,
	// record, then apply the jumps of the spikes emitted there (delay 0)
	h := dt / 1000
	steps := int(math.Round(T / dt))
	v, li := []float64{0, 0}, []float64{0, 0}
	var spikes [2][]float64
	worst := 0.0
	frLIF, frLI := net.Recorder("state:lif").Frames(), net.Recorder("state:li").Frames()
	for s := 1; s <= steps; s++ {
		var fired []int
		for j := range 2 {
			v[j] = r*b + (v[j]-r*b)*math.Exp(-h/tau)
			li[j] *= math.Exp(-h / tauL)
			if v[j] >= th {
				v[j] = 0
				fired = append(fired, j)
				spikes[j] = append(spikes[j], float64(s)*dt)
			}
		}
		for j := range 2 {
			worst = max(worst, math.Abs(float64(frLIF.Frame(s - 1)[j])-v[j]), math.Abs(float64(frLI.Frame(s - 1)[j])-li[j]))
		}
		for _, ts := range inS {
			if int(math.Round(ts/h)) == s {
				for j := range 2 {
					v[j] += r / tau * wIn[j]
				}
			}
		}
		for _, k := range fired {
			for j := range 2 {
				li[j] += 1 / tauL * wRead[j*2+k]
			}
		}
	}
	if worst > 1e-5 {
		t.Fatalf("V differs from the grid reference by up to %g mV", worst)
	}
	sp := net.Recorder("spikes:lif").Spikes()
	for j := range 2 {
		got := neuronSpikes(sp, j)
		if !slices.Equal(got, spikes[j]) && !approxEqual(got, spikes[j], 1e-9) {
			t.Fatalf("LIF %d spikes at %v ms, grid reference %v", j, got, spikes[j])
		}
		// continuous solution: every input spike whose jump crosses fires
		// at once (the LIF is at ≤ 0.5 mV + its last jump's decay)
		var cont []float64
		vc, last := 0.0, 0.0
		for _, ts := range inS {
			vc = r*b + (vc-r*b)*math.Exp(-(ts-last)/tau) + r/tau*wIn[j]
			last = ts
			if vc > th {
				cont = append(cont, ts*1000)
				vc = 0
			}
		}
		if len(got) != len(cont) || len(got) == 0 {
			t.Fatalf("LIF %d spikes at %v ms, continuous solution %v", j, got, cont)
		}
		for k := range got {
			if d := got[k] - cont[k]; d < -1e-9 || d > dt+1e-9 {
				t.Fatalf("LIF %d spike at %g ms, continuous %g ms: not within one step", j, got[k], cont[k])
			}
		}
	}
}

// TestNIRIntegrators imports Input → Affine → IF → Linear → I → Affine →
// Output: integrate-and-fire neurons without a leak (a bias and delta
// jumps) and an integrator readout of their spikes, against a closed-form
// reference on the grid (V rises by r·b·h per step, jumps by r·w·a), and
// the IF spikes within two steps of the continuous solution.
func TestNIRIntegrators(t *testing.T) {
	const (
		dt = 0.1 // ms
		T  = 120.0
		r  = 2.0
		th = 1.0
		vr = -0.25 // IF reset (mV)
		b  = 10.3  // bias: r·b = 20.6 mV/s, 0.00206 mV per step (no crossing ties V = θ)
		rI = 0.5
	)
	wIn := []float64{0.15, 0.1}           // jumps r·w = 0.3, 0.2 mV
	wRead := []float64{1, 0, 0.5, 2}      // I jumps rI·w = 0.5, 0, 0.25, 1 mV
	dec := []float64{1, -2, 0.5, 3, 0, 1} // 3×2 readout
	decB := []float64{0.1, 0.2, 0.3}
	inS := []float64{0.005, 0.0123, 0.030, 0.0301, 0.0302, 0.041, 0.07, 0.0705, 0.0999, 0.1}
	g := nirGraph(map[string]export.NIRNode{
		"x":    nirNode("Input", "shape", export.NIRShape(1)),
		"w":    nirNode("Affine", "weight", export.NIRMatrix(2, 1, wIn), "bias", export.NIRFill(2, b)),
		"if":   nirNode("IF", "r", export.NIRFill(2, r), "v_threshold", export.NIRFill(2, th), "v_reset", export.NIRFill(2, vr)),
		"read": nirNode("Linear", "weight", export.NIRMatrix(2, 2, wRead)),
		"i":    nirNode("I", "r", export.NIRFill(2, rI)),
		"dec":  nirNode("Affine", "weight", export.NIRMatrix(3, 2, dec), "bias", export.NIRVec(decB...)),
		"y":    nirNode("Output", "shape", export.NIRShape(3)),
	}, "x->w", "w->if", "if->read", "read->i", "i->dec", "dec->y")
	im, err := kernel.ImportNIR(g, kernel.NIROptions{DtMs: dt, InputSpikesMs: map[string][][]float64{"x": {msOf(inS)}}})
	if err != nil {
		t.Fatal(err)
	}
	spec := im.Spec
	if got := popNames(spec); !slices.Equal(got, []string{"x", "i", "if"}) {
		t.Fatalf("populations %v", got)
	}
	ifPop, iPop := spec.Populations[2], spec.Populations[1]
	if ifPop.Model != "lif_delta" || ifPop.Params["i_e_pa"] != r*b || ifPop.Params["tau_mem_ms"] != kernel.NIRNoLeakTauMs ||
		ifPop.Params["v_reset_mv"] != vr || iPop.Params["v_th_mv"] != kernel.NIRNoThresholdMV || iPop.Params["v_reset_mv"] != 0 {
		t.Fatalf("populations %+v", spec.Populations)
	}
	o := im.Outputs["y"]
	if len(o.Terms) != 1 || o.Terms[0].Signal != "V" || !slices.Equal(o.Terms[0].Recorders, []string{"state:i"}) {
		t.Fatalf("output %+v", o)
	}
	net := runRecorded(t, spec, "if", T)
	defer net.Close()
	// grid reference: at each grid point integrate the bias, check the
	// threshold, record, then apply the jumps of the spikes emitted there
	h := dt / 1000
	steps := int(math.Round(T / dt))
	v, vi := []float64{0, 0}, []float64{0, 0}
	var spikes [2][]float64
	worst := 0.0
	frIF, frI := net.Recorder("state:if").Frames(), net.Recorder("state:i").Frames()
	for s := 1; s <= steps; s++ {
		var fired []int
		for j := range 2 {
			v[j] += r * b * h
			if v[j] >= th {
				v[j] = vr
				fired = append(fired, j)
				spikes[j] = append(spikes[j], float64(s)*dt)
			}
		}
		for j := range 2 {
			worst = max(worst, math.Abs(float64(frIF.Frame(s - 1)[j])-v[j]), math.Abs(float64(frI.Frame(s - 1)[j])-vi[j]))
		}
		for _, ts := range inS {
			if int(math.Round(ts/h)) == s {
				for j := range 2 {
					v[j] += r * wIn[j]
				}
			}
		}
		for _, k := range fired {
			for j := range 2 {
				vi[j] += rI * wRead[j*2+k]
			}
		}
	}
	if worst > 1e-5 {
		t.Fatalf("V differs from the grid reference by up to %g mV", worst)
	}
	sp := net.Recorder("spikes:if").Spikes()
	for j := range 2 {
		got := neuronSpikes(sp, j)
		if len(got) < 2 || !approxEqual(got, spikes[j], 1e-9) {
			t.Fatalf("IF %d spikes at %v ms, grid reference %v", j, got, spikes[j])
		}
		// continuous solution: V = r·b·t plus the jumps; a jump crosses at
		// its time, the bias between inputs at (th − v)/(r·b)
		var cont []float64
		vc, last := 0.0, 0.0
		for _, ts := range append(slices.Clone(inS), T/1000) {
			for vc+r*b*(ts-last) >= th { // the bias crosses before ts
				last += (th - vc) / (r * b)
				cont = append(cont, last*1000)
				vc = vr
			}
			vc += r * b * (ts - last)
			last = ts
			if ts == T/1000 {
				break
			}
			if vc += r * wIn[j]; vc > th {
				cont = append(cont, ts*1000)
				vc = vr
			}
		}
		if len(got) != len(cont) {
			t.Fatalf("IF %d spikes at %v ms, continuous solution %v", j, got, cont)
		}
		// a crossing is reported at the grid point after it, a jump's at the
		// end of the next step; the reset, one step late then, delays the
		// next crossing by up to a step more
		for k := range got {
			if d := got[k] - cont[k]; d < -1e-9 || d > 2*dt+1e-9 {
				t.Fatalf("IF %d spike at %g ms, continuous %g ms: not within two steps", j, got[k], cont[k])
			}
		}
	}
}

// neuronSpikes returns the spike times (ms) of neuron id in sp.
func neuronSpikes(sp *kernel.SpikeMemory, id int) []float64 {
	var got []float64
	for k, i := range sp.IDs {
		if int(i) == id {
			got = append(got, sp.TimesMs[k])
		}
	}
	return got
}

// runRecorded builds spec with a state (V) and a spikes recorder of
// population pop added, and runs it for T ms.
func runRecorded(t *testing.T, spec kernel.Spec, pop string, T float64) *kernel.Network {
	t.Helper()
	spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Kind: "state", Population: pop}, kernel.RecorderSpec{Kind: "spikes", Population: pop})
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(T); err != nil {
		net.Close()
		t.Fatal(err)
	}
	return net
}

func approxEqual(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// TestNIRSNNRoundTrip exports a small snn.Model to NIR and imports it: the
// import is refused, its input being analog (metadata input_signal); with
// the input declared spikes, the populations, synapse counts and weights
// are the graph's matrices times r·w_in·a/τ_syn = r (its spikes having the
// area a = dt_s and w_in = τ_syn/dt), the bias currents r·w_in·b, and the
// Output the LI filters' potentials through the readouts plus the skip
// connection of the input spikes.
func TestNIRSNNRoundTrip(t *testing.T) {
	c := snn.LorenzDefault().Model
	c.NE, c.NI = 12, 4
	m, err := snn.New[float32](c)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.NIR()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kernel.ImportNIR(g, kernel.NIROptions{}); !errors.Is(err, kernel.ErrNIRUnsupported) || !strings.Contains(err.Error(), "analog") {
		t.Fatalf("analog input: err = %v, want ErrNIRUnsupported naming the analog input", err)
	}
	old := map[string]string{"source": "neurodyn snn", "dt_s": "0.001", "n_excitatory": "12"} // before input_signal
	if _, err := kernel.ImportNIR(&export.NIRGraph{Nodes: g.Nodes, Edges: g.Edges, Metadata: old}, kernel.NIROptions{}); !errors.Is(err, kernel.ErrNIRUnsupported) {
		t.Fatalf("older neurodyn snn graph: err = %v, want ErrNIRUnsupported", err)
	}
	g.Metadata["input_signal"] = "spikes"
	im, err := kernel.ImportNIR(g, kernel.NIROptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := m.Config().WithDefaults()
	N, NE, I := cfg.N(), cfg.NE, cfg.Inputs
	if im.DtMs != cfg.DtMs || im.SpikeAreaS != cfg.DtMs/1000 || im.RefractoryMs != cfg.RefractoryMs {
		t.Fatalf("dt %g ms, spike area %g s, refractory %g ms: want the model's %g ms, %g s, %g ms",
			im.DtMs, im.SpikeAreaS, im.RefractoryMs, cfg.DtMs, cfg.DtMs/1000, cfg.RefractoryMs)
	}
	spec := im.Spec
	wantPops := []string{"input", "filter_0", "filter_1", "lif_0", "lif_1"}
	if got := popNames(spec); !slices.Equal(got, wantPops) {
		t.Fatalf("populations %v, want %v", got, wantPops)
	}
	pop := map[string]kernel.PopulationSpec{}
	for _, p := range spec.Populations {
		pop[p.Name] = p
	}
	if pop["lif_0"].N != NE || pop["lif_1"].N != N-NE || pop["input"].N != I || pop["filter_0"].N != N {
		t.Fatalf("population sizes %+v", spec.Populations)
	}
	if p := pop["lif_0"].Params; p["tau_mem_ms"] != cfg.TauMemEMs || p["tau_syn_ex_ms"] != cfg.TauSynMs || p["t_ref_ms"] != cfg.RefractoryMs || p["v_th_mv"] != cfg.VTh {
		t.Fatalf("lif_0 params %v", p)
	}
	if p := pop["lif_1"].Params; p["tau_mem_ms"] != cfg.TauMemIMs {
		t.Fatalf("lif_1 params %v", p)
	}
	// node-level matrices rebuilt from the projections
	at := func(node string) map[string][]int { // population → NIR indices
		out := map[string][]int{}
		for k, nn := range im.Neurons[node] {
			out[nn.Population] = append(out[nn.Population], k)
			if len(out[nn.Population])-1 != nn.Index {
				t.Fatalf("%s neuron %d at %+v: populations must keep the node's order", node, k, nn)
			}
		}
		return out
	}
	nodeOf := map[string]string{}
	for node := range im.Neurons {
		for p := range at(node) {
			nodeOf[p] = node
		}
	}
	mats := map[[2]string][]float64{} // (source node, target node) → target×source
	counts := map[[2]string]int{}
	for _, pr := range spec.Projections {
		if pr.DelayMs != 0 || pr.Rule.Kind != "list" {
			t.Fatalf("projection %s→%s: delay %g, rule %q", pr.Source, pr.Target, pr.DelayMs, pr.Rule.Kind)
		}
		sn, tn := nodeOf[pr.Source], nodeOf[pr.Target]
		key := [2]string{sn, tn}
		ns, nt := len(im.Neurons[sn]), len(im.Neurons[tn])
		if mats[key] == nil {
			mats[key] = make([]float64, nt*ns)
		}
		si, ti := at(sn)[pr.Source], at(tn)[pr.Target]
		for k := range pr.Sources {
			mats[key][ti[pr.Targets[k]]*ns+si[pr.Sources[k]]] += pr.WeightList[k]
			counts[key]++
		}
	}
	check := func(key [2]string, want []float64, scale float64) {
		t.Helper()
		got := mats[key]
		nz := 0
		for i, w := range want {
			if w != 0 {
				nz++
			}
			if math.Abs(got[i]-scale*w) > 1e-6*math.Abs(scale*w) {
				t.Fatalf("%s → %s: weight %d = %g, want %g", key[0], key[1], i, got[i], scale*w)
			}
		}
		if counts[key] != nz {
			t.Fatalf("%s → %s: %d synapses, want %d (the non-zero weights)", key[0], key[1], counts[key], nz)
		}
	}
	lif := g.Nodes["lif"].Params
	r := lif["r"].Data
	rows := func(w []float64, cols int) []float64 { // row j times r_j
		out := make([]float64, len(w))
		for i, v := range w {
			out[i] = v * r[i/cols]
		}
		return out
	}
	check([2]string{"input", "lif"}, rows(g.Nodes["input_weights"].Params["weight"].Data, I), 1)
	check([2]string{"lif", "lif"}, rows(g.Nodes["recurrent"].Params["weight"].Data, N), 1)
	bias := g.Nodes["input_weights"].Params["bias"].Data
	eye := make([]float64, N*N)
	for j := range N {
		eye[j*N+j] = 1
	}
	check([2]string{"lif", "filter_0"}, eye, 1)
	check([2]string{"lif", "filter_1"}, eye, 1)
	if len(mats) != 4 {
		t.Fatalf("projections between %d node pairs, want 4", len(mats))
	}
	// the bias currents: r·w_in·b per neuron, as input matrices
	n := 0
	for _, d := range spec.Devices {
		if d.Kind != "time_series" {
			continue
		}
		idx := at("lif")[d.Target]
		for k, row := range d.InputMatrix {
			want := bias[idx[k]] * r[idx[k]] * lif["w_in"].Data[idx[k]]
			if math.Abs(row[0]-want) > 1e-12*math.Abs(want) {
				t.Fatalf("%s: bias current of neuron %d = %g pA, want %g", d.Name, k, row[0], want)
			}
			n++
		}
	}
	if n != N {
		t.Fatalf("bias currents for %d neurons, want %d", n, N)
	}
	o := im.Outputs["output"]
	if len(o.Terms) != 3 || o.Terms[0].Node != "filter_0" || o.Terms[0].Signal != "V" || o.Terms[2].Node != "input" || o.Terms[2].Signal != "spikes" {
		t.Fatalf("output terms %+v", o.Terms)
	}
	if !slices.Equal(o.Terms[0].Dense(), g.Nodes["readout_0"].Params["weight"].Data) || !slices.Equal(o.Bias, g.Nodes["readout_0"].Params["bias"].Data) {
		t.Fatal("output: readout_0's weights and bias must be the first term's")
	}
	var recs []string
	for _, r := range spec.Recorders {
		recs = append(recs, r.Kind+":"+r.Population)
	}
	if want := []string{"state:filter_0", "state:filter_1", "spikes:input"}; !slices.Equal(recs, want) {
		t.Fatalf("recorders %v, want %v", recs, want)
	}
	// it runs
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(20); err != nil {
		t.Fatal(err)
	}
}

// TestNIRErrors checks that every graph or option the import refuses is
// named: the node, its type and the parameter, or the option.
func TestNIRErrors(t *testing.T) {
	c := newCubaNet()
	opt := kernel.NIROptions{DtMs: 0.1}
	with := func(name string, n export.NIRNode, edges ...string) *export.NIRGraph {
		g := c.graph()
		g.Nodes[name] = n
		for _, e := range edges {
			a, b, _ := strings.Cut(e, "->")
			g.Edges = append(g.Edges, [2]string{a, b})
		}
		return g
	}
	lif := c.graph().Nodes["lif"]
	lifWith := func(k string, a export.NIRArray) export.NIRNode {
		n := export.NIRNode{Type: lif.Type, Params: map[string]export.NIRArray{}}
		for kk, v := range lif.Params {
			n.Params[kk] = v
		}
		if a.Data == nil {
			delete(n.Params, k)
		} else {
			n.Params[k] = a
		}
		return n
	}
	li := nirNode("LI", "tau", export.NIRFill(3, 0.01), "r", export.NIRFill(3, 1), "v_leak", export.NIRFill(3, 0))
	eye := export.NIRMatrix(3, 3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1})
	cases := []struct {
		name        string
		g           *export.NIRGraph
		opt         kernel.NIROptions
		unsupported bool
		want        []string
	}{
		{"conv", with("conv", nirNode("Conv2d", "weight", export.NIRMatrix(1, 1, []float64{1}))), opt, true, []string{"NIR node conv (Conv2d)", "type not supported", "Input, Output, Affine, Linear, Scale, LIF, CubaLIF, IF, LI, CubaLI, I"}},
		{"flatten", with("fl", nirNode("Flatten")), opt, true, []string{"NIR node fl (Flatten)", "CubaLIF"}},
		{"delay", with("d", nirNode("Delay", "delay", export.NIRFill(3, 0.001))), opt, true, []string{"NIR node d (Delay)", "type not supported"}},
		{"threshold", with("th", nirNode("Threshold", "threshold", export.NIRFill(3, 1))), opt, true, []string{"NIR node th (Threshold)"}},
		{"if-reset", with("if", nirNode("IF", "r", export.NIRFill(3, 1), "v_threshold", export.NIRFill(3, 1), "v_reset", export.NIRVec(0, 1, 0)), "lif->if"), opt, false, []string{"NIR node if (IF)", "v_reset[1] = 1", "v_threshold[1] = 1"}},
		{"if-param", with("if", nirNode("IF", "r", export.NIRFill(3, 1), "v_threshold", export.NIRFill(3, 1), "tau", export.NIRFill(3, 1)), "lif->if"), opt, false, []string{"NIR node if (IF)", "parameter tau:", "r, v_threshold, v_reset"}},
		{"i-into-lif", with("i", nirNode("I", "r", export.NIRFill(3, 1)), "lif->i", "i->lif"), opt, true, []string{"NIR node lif (CubaLIF)", "NIR node i (I)", "continuous signal"}},
		{"nested", with("sub", nirNode("NIRGraph")), opt, true, []string{"NIR node sub (NIRGraph)", "nested"}},
		{"missing", with("lif", lifWith("tau_syn", export.NIRArray{})), opt, false, []string{"NIR node lif (CubaLIF)", "tau_syn missing"}},
		{"unknown-param", with("lif", lifWith("tau", export.NIRFill(3, 1))), opt, false, []string{"NIR node lif (CubaLIF)", "parameter tau:", "tau_mem"}},
		{"tau", with("lif", lifWith("tau_mem", export.NIRVec(0.01, -0.01, 0.01))), opt, false, []string{"NIR node lif (CubaLIF)", "tau_mem[1] = -0.01", "> 0"}},
		{"nan", with("lif", lifWith("r", export.NIRVec(1, math.NaN(), 1))), opt, false, []string{"NIR node lif (CubaLIF)", "r[1] = NaN", "finite"}},
		{"reset", with("lif", lifWith("v_reset", export.NIRVec(0, 0, 1.5))), opt, false, []string{"NIR node lif (CubaLIF)", "v_reset[2] = 1.5", "v_threshold[2] = 1.2"}},
		{"length", with("lif", lifWith("v_leak", export.NIRVec(0, 0))), opt, false, []string{"NIR node lif (CubaLIF)", "v_leak has 2 values", "must have 3"}},
		{"shape", with("lif", lifWith("r", export.NIRArray{Data: []float64{1, 1, 1}, Shape: []int{4}})), opt, false, []string{"NIR node lif (CubaLIF)", "r has 3 values", "shape [4]"}},
		{"weight-3d", with("rec", nirNode("Linear", "weight", export.NIRArray{Data: make([]float64, 9), Shape: []int{1, 3, 3}})), opt, true, []string{"NIR node rec (Linear)", "weight shape [1 3 3]", "2-D"}},
		{"bias", with("fc", nirNode("Affine", "weight", export.NIRMatrix(3, 2, make([]float64, 6)), "bias", export.NIRVec(1, 2))), opt, false, []string{"NIR node fc (Affine)", "bias has 2 values", "must have 3"}},
		{"edge-missing", with("x", nirNode("Scale", "scale", export.NIRFill(3, 1)), "x->nowhere"), opt, false, []string{"NIR edge 5 (x → nowhere)", `node "nowhere"`}},
		{"edge-into-input", with("x", nirNode("Scale", "scale", export.NIRFill(2, 1)), "x->in"), opt, false, []string{"NIR edge 5 (x → in)", "NIR node in (Input)", "no inputs"}},
		{"edge-from-output", with("x", nirNode("Scale", "scale", export.NIRFill(3, 1)), "out->x"), opt, false, []string{"NIR edge 5 (out → x)", "NIR node out (Output)", "no outputs"}},
		{"edge-size", with("x", nirNode("Scale", "scale", export.NIRFill(4, 1)), "lif->x"), opt, false, []string{"NIR edge 5 (lif → x)", "gives 3 values", "NIR node x (Scale) takes 4"}},
		{"li-into-lif", with("li", li, "lif->li", "li->lif"), opt, true, []string{"NIR node lif (CubaLIF)", "NIR node li (LI)", "continuous signal"}},
		{"weight-cycle", with("x", nirNode("Linear", "weight", eye), "rec->x", "x->rec"), opt, true, []string{"(Linear)", "cycle"}},
		{"no-dt", c.graph(), kernel.NIROptions{}, false, []string{"DtMs = 0", "dt_s"}},
		{"bad-dt", c.graph(), kernel.NIROptions{DtMs: -1}, false, []string{"DtMs = -1"}},
		{"area", c.graph(), kernel.NIROptions{DtMs: 0.1, SpikeAreaS: -1}, false, []string{"SpikeAreaS = -1"}},
		{"refractory", c.graph(), kernel.NIROptions{DtMs: 0.1, RefractoryMs: 0.25}, false, []string{"RefractoryMs = 0.25", "multiple of the step 0.1 ms"}},
		{"input-key", c.graph(), kernel.NIROptions{DtMs: 0.1, InputSpikesMs: map[string][][]float64{"lif": nil}}, false, []string{"InputSpikesMs = lif", "Input nodes"}},
		{"input-channels", c.graph(), kernel.NIROptions{DtMs: 0.1, InputSpikesMs: map[string][][]float64{"in": {nil, nil, nil}}}, false, []string{"InputSpikesMs[in]", "3 channels", "at most 2"}},
		{"input-same-step", c.graph(), kernel.NIROptions{DtMs: 0.1, InputSpikesMs: map[string][][]float64{"in": {{1.01, 1.05}}}}, false, []string{"InputSpikesMs[in][0][1] = 1.05", "one spike per step"}},
		{"input-zero", c.graph(), kernel.NIROptions{DtMs: 0.1, InputSpikesMs: map[string][][]float64{"in": {nil, {0}}}}, false, []string{"InputSpikesMs[in][1][0] = 0", "> 0"}},
		{"input-tiny-same-step", c.graph(), kernel.NIROptions{DtMs: 0.1, InputSpikesMs: map[string][][]float64{"in": {{1e-12, 0.05}}}}, false, []string{"InputSpikesMs[in][0][1] = 0.05", "at most one spike per step"}},
		{"no-neurons", nirGraph(map[string]export.NIRNode{"fc": nirNode("Affine", "weight", export.NIRMatrix(1, 1, []float64{1}), "bias", export.NIRVec(1)), "out": nirNode("Output", "shape", export.NIRShape(1))}, "fc->out"), opt, false,
			[]string{"NIR graph (nodes fc (Affine), out (Output)): has no Input or neuron node"}},
		{"li-leak", with("li", nirNode("LI", "tau", export.NIRFill(3, 0.01), "r", export.NIRFill(3, 1), "v_leak", export.NIRVec(0, math.MaxFloat32, 0)), "lif->li"), opt, false,
			[]string{"NIR node li (LI)", "v_leak[1] = 3.4028234663852886e+38", "must be < NIRNoThresholdMV"}},
		{"cubali-leak", with("li", nirNode("CubaLI", "tau_mem", export.NIRFill(3, 0.01), "tau_syn", export.NIRFill(3, 0.005), "r", export.NIRFill(3, 1), "w_in", export.NIRFill(3, 1), "v_leak", export.NIRFill(3, 1e39)), "lif->li"), opt, false,
			[]string{"NIR node li (CubaLI)", "v_leak[0] = 1e+39", "float32 range"}},
		{"threshold-range", with("lif", lifWith("v_threshold", export.NIRVec(1, 1, 1e300))), opt, false, []string{"NIR node lif (CubaLIF)", "v_threshold[2] = 1e+300", "float32 range"}},
	}
	bad := c.graph()
	bad.Metadata = map[string]string{"dt_s": "soon"}
	cases = append(cases, struct {
		name        string
		g           *export.NIRGraph
		opt         kernel.NIROptions
		unsupported bool
		want        []string
	}{"metadata-dt", bad, kernel.NIROptions{}, false, []string{"metadata dt_s", `"soon"`}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := kernel.FromNIR(tc.g, tc.opt)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not contain %q", err, w)
				}
			}
			if !errors.Is(err, param.ErrInvalid) {
				t.Errorf("error %q is not param.ErrInvalid", err)
			}
			if errors.Is(err, kernel.ErrNIRUnsupported) != tc.unsupported {
				t.Errorf("error %q: errors.Is(ErrNIRUnsupported) = %v, want %v", err, !tc.unsupported, tc.unsupported)
			}
		})
	}
	if _, err := kernel.FromNIR(nil, opt); err == nil {
		t.Error("nil graph: no error")
	}
}

// TestNIRStructure checks the mapping on its own: chains of weight nodes
// compose, parallel edges sum, zero weights are left out, biases become
// i_e_pa or a bias device, and names of split populations avoid nodes'.
func TestNIRStructure(t *testing.T) {
	cuba := func(n int, tauMem ...float64) export.NIRNode {
		return nirNode("CubaLIF", "tau_mem", export.NIRVec(tauMem...), "tau_syn", export.NIRFill(n, 0.004), "r", export.NIRFill(n, 2),
			"w_in", export.NIRFill(n, 3), "v_leak", export.NIRFill(n, 0), "v_threshold", export.NIRFill(n, 1), "v_reset", export.NIRFill(n, 0))
	}
	g := nirGraph(map[string]export.NIRNode{
		"in":   nirNode("Input", "shape", export.NIRShape(2)),
		"a":    nirNode("Affine", "weight", export.NIRMatrix(2, 2, []float64{1, 2, 0, 1}), "bias", export.NIRVec(0.1, 0.1)),
		"s":    nirNode("Scale", "scale", export.NIRVec(2, -1)),
		"l":    nirNode("Linear", "weight", export.NIRMatrix(3, 2, []float64{1, 0, 0, 1, 1, 1})),
		"skip": nirNode("Linear", "weight", export.NIRMatrix(3, 2, []float64{0, 0, 0, 1, 1, 0})),
		"n":    cuba(3, 0.01, 0.02, 0.01),
		"n_1":  cuba(1, 0.01), // takes the name n's second population would have
		"o":    nirNode("Output", "shape", export.NIRShape(3)),
	}, "in->a", "a->s", "s->l", "l->n", "in->skip", "skip->n", "n->o")
	im, err := kernel.ImportNIR(g, kernel.NIROptions{DtMs: 0.5, SpikeAreaS: 0.002})
	if err != nil {
		t.Fatal(err)
	}
	if got := popNames(im.Spec); !slices.Equal(got, []string{"in", "n_0", "n_1_", "n_1"}) {
		t.Fatalf("populations %v", got)
	}
	// node-level W = L·S·A + skip = [[2,4],[0,-1],[2,3]] + [[0,0],[0,1],[1,0]]
	// = [[2,4],[0,0],[3,3]]; gain r·w_in·area/τ_syn = 2·3·0.002/0.004 = 3
	want := map[string][][3]float64{ // target population → (source, target, weight)
		"n_0":  {{0, 0, 6}, {0, 1, 9}, {1, 0, 12}, {1, 1, 9}},
		"n_1_": nil, // neuron 1's weights are all 0: no projection
	}
	got := map[string][][3]float64{}
	for _, pr := range im.Spec.Projections {
		for k := range pr.Sources {
			got[pr.Target] = append(got[pr.Target], [3]float64{float64(pr.Sources[k]), float64(pr.Targets[k]), pr.WeightList[k]})
		}
		if pr.Receptor != "exc" {
			t.Errorf("projection onto %s: receptor %q, want exc", pr.Target, pr.Receptor)
		}
	}
	for p, w := range want {
		if len(w) != len(got[p]) {
			t.Fatalf("onto %s: synapses %v, want %v", p, got[p], w)
		}
		for k := range w {
			if math.Abs(got[p][k][2]-w[k][2]) > 1e-12 || got[p][k][0] != w[k][0] || got[p][k][1] != w[k][1] {
				t.Fatalf("onto %s: synapses %v, want %v", p, got[p], w)
			}
		}
	}
	// bias: L·S·b = [0.2, -0.1, 0.1] → current r·w_in·c = 6·c: neurons 0
	// and 2 (population n_0) differ → a device; neuron 1 alone → i_e_pa
	var dev *kernel.DeviceSpec
	for i, d := range im.Spec.Devices {
		if d.Kind == "time_series" {
			dev = &im.Spec.Devices[i]
		}
	}
	if dev == nil || dev.Name != "n_0:bias" || dev.Target != "n_0" || len(dev.InputMatrix) != 2 ||
		math.Abs(dev.InputMatrix[0][0]-1.2) > 1e-12 || math.Abs(dev.InputMatrix[1][0]-0.6) > 1e-12 {
		t.Fatalf("bias device %+v", dev)
	}
	if ie := im.Spec.Populations[2].Params["i_e_pa"]; math.Abs(ie+0.6) > 1e-12 {
		t.Fatalf("n_1_ i_e_pa = %g, want -0.6", ie)
	}
	if _, ok := im.Spec.Populations[3].Params["i_e_pa"]; ok {
		t.Fatal("n_1 (no input) has a bias current")
	}
	// the spec survives TOML
	_, back := tomlRoundTrip(t, im.Spec)
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
}

// randomCuba returns Input(nIn) → Affine → CubaLIF(n, two τ_mem) ⇄ Linear
// → Output with random weights, and input spike trains of ms, as a
// network that fires on every step path.
func randomCuba(nIn, n int, ms float64, seed uint64) (*export.NIRGraph, map[string][][]float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	win, wrec, bias := make([]float64, n*nIn), make([]float64, n*n), make([]float64, n)
	for i := range win {
		win[i] = 0.003 * r.Float64()
	}
	for i := range wrec {
		if r.Float64() < 0.2 {
			wrec[i] = 0.004 * r.NormFloat64()
		}
	}
	for i := range bias {
		bias[i] = 0.5 * r.Float64()
	}
	tm := make([]float64, n)
	for j := range tm {
		tm[j] = 0.01 + 0.01*float64(j%2)
	}
	g := nirGraph(map[string]export.NIRNode{
		"in":  nirNode("Input", "shape", export.NIRShape(nIn)),
		"fc":  nirNode("Affine", "weight", export.NIRMatrix(n, nIn, win), "bias", export.NIRVec(bias...)),
		"lif": nirNode("CubaLIF", "tau_mem", export.NIRVec(tm...), "tau_syn", export.NIRFill(n, 0.005), "r", export.NIRFill(n, 1), "w_in", export.NIRFill(n, 1), "v_leak", export.NIRFill(n, 0), "v_threshold", export.NIRFill(n, 1), "v_reset", export.NIRFill(n, 0)),
		"rec": nirNode("Linear", "weight", export.NIRMatrix(n, n, wrec)),
		"out": nirNode("Output", "shape", export.NIRShape(n)),
	}, "in->fc", "fc->lif", "lif->rec", "rec->lif", "lif->out")
	trains := make([][]float64, nIn)
	for k := range trains {
		for t := 1.0; t < ms; t += 1 + math.Floor(20*r.Float64()) {
			trains[k] = append(trains[k], t)
		}
	}
	return g, map[string][][]float64{"in": trains}
}

// TestNIRDeterministic checks that an imported network gives the same bits
// with any number of workers, split runs and kernel paths.
func TestNIRDeterministic(t *testing.T) {
	g, trains := randomCuba(10, 60, 200, 7)
	spec, err := kernel.FromNIR(g, kernel.NIROptions{DtMs: 0.1, InputSpikesMs: trains})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range spec.Populations[1:] {
		spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Kind: "state", Population: p.Name, IntervalMs: 1})
	}
	const ms = 200.0
	run := func(workers int, durs ...float64) (map[string]*kernel.SpikeMemory, map[string]*kernel.FrameMemory) {
		var spikes map[string]*kernel.SpikeMemory
		frames := map[string]*kernel.FrameMemory{}
		runNet(t, spec, workers, func(net *kernel.Network) {
			spikes = recorderSpikes(net)
			for _, r := range net.Recorders() {
				if f := r.Frames(); f != nil {
					frames[r.Name()] = f
				}
			}
		}, durs...)
		return spikes, frames
	}
	refSpikes, refFrames := run(1, ms)
	n := 0
	for name, s := range refSpikes {
		if name != "spikes:in" {
			n += len(s.TimesMs)
		}
	}
	if n < 100 {
		t.Fatalf("%d spikes in %g ms: want a network that fires", n, ms)
	}
	checkIdentical(t, ms, refSpikes, refFrames, run)
}

// TestNIRFile writes a graph with export.WriteNIR, reads it back and
// imports it: the same spec as from the graph in memory.
func TestNIRFile(t *testing.T) {
	g, trains := randomCuba(3, 8, 50, 3)
	g.Metadata = map[string]string{"dt_s": "0.0005"}
	path := filepath.Join(t.TempDir(), "g.nir")
	if err := export.WriteNIR(path, g); errors.Is(err, export.ErrNoHDF5) {
		t.Skip(err)
	} else if err != nil {
		t.Fatal(err)
	}
	back, err := export.ReadNIR(path)
	if err != nil {
		t.Fatal(err)
	}
	opt := kernel.NIROptions{InputSpikesMs: trains}
	a, err := kernel.FromNIR(g, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := kernel.FromNIR(back, opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.DtMs != 0.5 {
		t.Fatalf("dt %g ms, want the metadata's 0.5", a.DtMs)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the spec of the graph read back differs")
	}
}

// nirSpikes returns the spike times (ms) of every neuron of NIR node node.
func nirSpikes(net *kernel.Network, im *kernel.NIRImport, node string) [][]float64 {
	out := make([][]float64, len(im.Neurons[node]))
	for j, at := range im.Neurons[node] {
		sp := net.Recorder("spikes:" + at.Population).Spikes()
		for k, id := range sp.IDs {
			if int(id) == at.Index {
				out[j] = append(out[j], sp.TimesMs[k])
			}
		}
	}
	return out
}

// TestNIRBiasRamp checks that a bias reaches CubaLIF neurons through the
// synaptic filter from NIR's I(0) = 0, as c·(1 − e^{−t/τ_syn}): the first
// spike of a neuron driven by its bias alone is at the first grid point at
// or after the crossing of the closed form
//
//	v(t) − v_leak = C·(1 − e^{−t/τ_m}) − C·τ_s/(τ_s − τ_m)·(e^{−t/τ_s} − e^{−t/τ_m}),   C = r·w_in·b,
//
// (with the bias current at once, the old equilibrium assumption, it came
// 5–6 ms earlier), and the later ones are those of the same equations on
// the grid (resets at the grid points), within a step. Neurons 0 and 1 share a population
// with different currents (a bias device and an initial Ie per neuron),
// neuron 2 has its own (i_e_pa and a constant initial Ie).
func TestNIRBiasRamp(t *testing.T) {
	tm := []float64{0.010, 0.010, 0.020}
	ts := []float64{0.005, 0.005, 0.005}
	r := []float64{1, 2, 1}
	win := []float64{1, 0.5, 2}
	b := []float64{1.5, 2, 0.9} // C = 1.5, 2, 1.8 mV
	const th, vl = 1.0, 0.1
	g := nirGraph(map[string]export.NIRNode{
		"in":  nirNode("Input", "shape", export.NIRShape(1)),
		"fc":  nirNode("Affine", "weight", export.NIRMatrix(3, 1, []float64{0, 0, 0}), "bias", export.NIRVec(b...)),
		"lif": nirNode("CubaLIF", "tau_mem", export.NIRVec(tm...), "tau_syn", export.NIRVec(ts...), "r", export.NIRVec(r...), "w_in", export.NIRVec(win...), "v_leak", export.NIRFill(3, vl), "v_threshold", export.NIRFill(3, th), "v_reset", export.NIRFill(3, vl)),
		"out": nirNode("Output", "shape", export.NIRShape(3)),
	}, "in->fc", "fc->lif", "lif->out")
	C := make([]float64, 3)
	for j := range C {
		C[j] = r[j] * win[j] * b[j]
	}
	// prop returns, in the kernel's terms, x = v − v_leak and the current
	// i = r·I (pA) after h s from (x0, i0).
	prop := func(j int, x0, i0, h float64) (float64, float64) {
		d := i0 - C[j]
		a := d * ts[j] / (ts[j] - tm[j])
		u := x0 - C[j]
		return C[j] + a*math.Exp(-h/ts[j]) + (u-a)*math.Exp(-h/tm[j]), C[j] + d*math.Exp(-h/ts[j])
	}
	first := make([]float64, 3) // the closed form's crossing (ms)
	for j := range first {
		lo, hi := 0.0, 0.2
		for range 100 {
			m := (lo + hi) / 2
			if x, _ := prop(j, 0, 0, m); x > th-vl {
				hi = m
			} else {
				lo = m
			}
		}
		first[j] = hi * 1000
		// the equilibrium assumption (I(0) = w_in·b) crosses 5–6 ms before
		old := -tm[j] * math.Log(1-(th-vl)/C[j]) * 1000
		if first[j]-old < 2 {
			t.Fatalf("neuron %d: crossing at %g ms, with the current at equilibrium %g ms: the test would not see the ramp", j, first[j], old)
		}
	}
	for _, dt := range []float64{0.1, 0.01} {
		im, err := kernel.ImportNIR(g, kernel.NIROptions{DtMs: dt})
		if err != nil {
			t.Fatal(err)
		}
		pop := map[string]kernel.PopulationSpec{}
		for _, p := range im.Spec.Populations {
			pop[p.Name] = p
		}
		// the constant currents, and Ie(0) = −C
		if p := pop["lif_1"]; p.Params["i_e_pa"] != C[2] || !reflect.DeepEqual(p.Init, map[string]kernel.Dist{"Ie": {Dist: "constant", Value: -C[2]}}) {
			t.Fatalf("lif_1: i_e_pa %g, init %+v; want %g and Ie = %g", p.Params["i_e_pa"], p.Init, C[2], -C[2])
		}
		if p := pop["lif_0"]; !reflect.DeepEqual(p.Init, map[string]kernel.Dist{"Ie": {Dist: "list", Values: []float64{-C[0], -C[1]}}}) {
			t.Fatalf("lif_0: init %+v, want Ie = list %v", p.Init, []float64{-C[0], -C[1]})
		}
		const T = 60.0
		var got [][]float64
		runNet(t, im.Spec, 1, func(net *kernel.Network) { got = nirSpikes(net, im, "lif") }, T)
		for j := range 3 {
			if len(got[j]) < 3 {
				t.Fatalf("dt %g: neuron %d spikes at %v ms: want at least 3", dt, j, got[j])
			}
			if d := got[j][0] - first[j]; d < -1e-9 || d > dt+1e-9 {
				t.Errorf("dt %g: neuron %d first spike at %g ms, closed form crosses at %g ms: want the first grid point at or after it", dt, j, got[j][0], first[j])
			}
			// the same equations on the grid (within a step: float32
			// rounding can move a spike by one)
			var want []float64
			x, i := 0.0, 0.0
			steps := int(math.Round(T / dt))
			for s := 1; s <= steps; s++ {
				x, i = prop(j, x, i, dt/1000)
				if x >= th-vl {
					x = 0
					want = append(want, float64(s)*dt)
				}
			}
			if !approxEqual(got[j], want, dt+1e-9) {
				t.Errorf("dt %g: neuron %d spikes at %v ms, the grid solution at %v", dt, j, got[j], want)
			}
		}
	}
}

// TestNIRLIFJump checks LIF targets of delay-0 projections: an input
// spike whose jump takes v just above the threshold (1.005 with θ = 1)
// fires at the end of the next step (its crossing used to be lost to that
// step's decay), and a LIF neuron in its refractory period does not fire
// whatever the jumps it receives, then fires at the end of the first step
// after it if V is still above the threshold.
func TestNIRLIFJump(t *testing.T) {
	lif := func(vth float64) export.NIRNode {
		return nirNode("LIF", "tau", export.NIRVec(0.010), "r", export.NIRVec(1), "v_leak", export.NIRVec(0), "v_threshold", export.NIRVec(vth), "v_reset", export.NIRVec(0))
	}
	graph := func(jump float64) *export.NIRGraph {
		// a spike of NIR weight w (area 1 s) makes v jump by r/τ·w
		return nirGraph(map[string]export.NIRNode{
			"in":  nirNode("Input", "shape", export.NIRShape(1)),
			"fc":  nirNode("Linear", "weight", export.NIRMatrix(1, 1, []float64{jump * 0.010})),
			"lif": lif(1),
			"out": nirNode("Output", "shape", export.NIRShape(1)),
		}, "in->fc", "fc->lif", "lif->out")
	}
	for _, dt := range []float64{0.1, 1} {
		in := []float64{5, 20, 40}
		im, err := kernel.ImportNIR(graph(1.005), kernel.NIROptions{DtMs: dt, InputSpikesMs: map[string][][]float64{"in": {in}}})
		if err != nil {
			t.Fatal(err)
		}
		runNet(t, im.Spec, 1, func(net *kernel.Network) {
			got := nirSpikes(net, im, "lif")[0]
			want := []float64{5 + dt, 20 + dt, 40 + dt}
			if !approxEqual(got, want, 1e-9) {
				t.Errorf("dt %g: jumps to 1.005 at %v ms: spikes at %v ms, want %v (the end of the next step)", dt, in, got, want)
			}
		}, 60)

		// refractory period 2 ms: a jump of 1.5 fires at 5 + dt, the
		// jumps during the period do not, then V (4.5, no decay while
		// refractory) fires at the end of the first step after it
		const tref = 2.0
		in = []float64{5, 5 + dt, 5 + 2*dt, 5 + dt + tref}
		im, err = kernel.ImportNIR(graph(1.5), kernel.NIROptions{DtMs: dt, RefractoryMs: tref, InputSpikesMs: map[string][][]float64{"in": {in}}})
		if err != nil {
			t.Fatal(err)
		}
		runNet(t, im.Spec, 1, func(net *kernel.Network) {
			got := nirSpikes(net, im, "lif")[0]
			want := []float64{5 + dt, 5 + dt + tref + dt}
			if !approxEqual(got, want, 1e-9) {
				t.Errorf("dt %g, refractory %g ms: jumps of 1.5 at %v ms: spikes at %v ms, want %v (none during the period)", dt, tref, in, got, want)
			}
		}, 20)
	}
}

// nirChain returns Input(n) → Scale → LIF(n) → Output(n) and Input →
// Output: identities and a diagonal, n synapses.
func nirChain(n int) *export.NIRGraph {
	s := make([]float64, n)
	for j := range s {
		s[j] = 0.001 * float64(1+j%7)
	}
	return nirGraph(map[string]export.NIRNode{
		"in":  nirNode("Input", "shape", export.NIRShape(n)),
		"s":   nirNode("Scale", "scale", export.NIRVec(s...)),
		"lif": nirNode("LIF", "tau", export.NIRFill(n, 0.01), "r", export.NIRFill(n, 1), "v_leak", export.NIRFill(n, 0), "v_threshold", export.NIRFill(n, 1), "v_reset", export.NIRFill(n, 0)),
		"out": nirNode("Output", "shape", export.NIRShape(n)),
	}, "in->s", "s->lif", "lif->out", "in->out")
}

// TestNIRSparse imports Input(20000) → Scale → LIF(20000) → Output: the
// identities and the diagonal stay sparse, so the import allocates about
// 75 MB, mostly in validating the spec's 20000 spike_source devices (with
// the identities made dense it took 3.2 GB per n² matrix).
func TestNIRSparse(t *testing.T) {
	const n = 20000
	g := nirChain(n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	im, err := kernel.ImportNIR(g, kernel.NIROptions{DtMs: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("Input(%d) → Scale → LIF → Output: %.1f MB allocated", n, float64(alloc)/1e6)
	if alloc > 100e6 {
		t.Errorf("the import allocated %.0f MB: want < 100 MB", float64(alloc)/1e6)
	}
	if len(im.Spec.Projections) != 1 || len(im.Spec.Projections[0].Sources) != n {
		t.Fatalf("%d projections: want one of %d synapses", len(im.Spec.Projections), n)
	}
	pr := im.Spec.Projections[0]
	for k := range n {
		if pr.Sources[k] != k || pr.Targets[k] != k || math.Abs(pr.WeightList[k]-0.1*float64(1+k%7)) > 1e-12 {
			t.Fatalf("synapse %d: %d → %d, weight %g", k, pr.Sources[k], pr.Targets[k], pr.WeightList[k])
		}
	}
	o := im.Outputs["out"]
	if len(o.Terms) != 2 {
		t.Fatalf("output terms %d, want 2", len(o.Terms))
	}
	for _, term := range o.Terms {
		if term.Rows != n || term.Cols != n || len(term.Weight) != n || len(term.Row) != n || len(term.Col) != n {
			t.Fatalf("output term of %s: %d×%d, %d entries: want the identity's %d", term.Node, term.Rows, term.Cols, len(term.Weight), n)
		}
		for k := range n {
			if term.Row[k] != k || term.Col[k] != k || term.Weight[k] != 1 {
				t.Fatalf("output term of %s: entry %d = (%d, %d) %g, want (%d, %d) 1", term.Node, k, term.Row[k], term.Col[k], term.Weight[k], k, k)
			}
		}
	}
}

// BenchmarkNIRImport imports nirChain(n) (n synapses, identity outputs).
func BenchmarkNIRImport(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		g := nirChain(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := kernel.ImportNIR(g, kernel.NIROptions{DtMs: 0.1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/neuron")
		})
	}
}

// TestNIRRefractoryOverride: a neurodyn snn graph's refractory_s is the
// default of RefractoryMs, which a positive value replaces and a negative
// one turns off (0 cannot: it means the default).
func TestNIRRefractoryOverride(t *testing.T) {
	g := newCubaNet().graph()
	g.Metadata = map[string]string{"source": "neurodyn snn", "dt_s": "0.0001", "refractory_s": "0.001"}
	for _, tc := range []struct{ opt, want float64 }{{0, 1}, {0.5, 0.5}, {-1, 0}} {
		im, err := kernel.ImportNIR(g, kernel.NIROptions{RefractoryMs: tc.opt})
		if err != nil {
			t.Fatal(err)
		}
		if im.RefractoryMs != tc.want {
			t.Errorf("RefractoryMs %g: refractory period %g ms, want %g", tc.opt, im.RefractoryMs, tc.want)
		}
		for _, p := range im.Spec.Populations[1:] {
			if p.Params["t_ref_ms"] != tc.want {
				t.Errorf("RefractoryMs %g: %s t_ref_ms = %g, want %g", tc.opt, p.Name, p.Params["t_ref_ms"], tc.want)
			}
		}
	}
}
