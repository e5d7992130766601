package kernel_test

// An independent reference for short-term plasticity (ProjectionSpec.ShortTerm,
// kind "tsodyks2"), written from NEST's tsodyks2_synapse as it is since NEST
// PR #3384 (2025), not from kernel/stp.go: the first spike of a source passes
// with u = U, x = 1; every later one, h ms after the previous one, first
// updates
//
//	u ← U + u·(1 − U)·e^{−h/τ_fac}        (no e-term when τ_fac = 0)
//	x ← 1 + (x − x·u_old − 1)·e^{−h/τ_rec}
//
// and then acts on every target with w·u·x (computed at emission; the delay
// does not enter). h is the difference of the recorded spike times, off-grid
// in precise mode (where NEST itself would drop the offsets).
//
// Method (linearity). Network A is the projection under test: presynaptic
// spike trains are forced (lif_delta parrots with t_ref = 0 driven by
// spike_source devices in grid mode; in precise mode lif_exp neurons with
// τ_syn,ex = 0.01 ms kicked by off-grid spike_source inputs) onto lif_exp
// targets whose threshold is never reached, so their state is linear in the
// input. Network B replays every presynaptic spike as a separate input of
// exactly the reference efficacy w·u·x at the same arrival: in grid mode one
// relay neuron per presynaptic spike (a parrot spiking at the same step) with
// a static list projection of the same delays to a copy of the targets — the
// same delivery path, so delay 0, per-synapse delays and spikes within one
// slice are replayed as such; in precise mode one spike_source device per
// arrival (they act exactly at their time). The recorded synaptic currents
// Ie, Ii (and V) of A and B are compared sample by sample: a presynaptic
// spike's efficacy enters the current sample of its arrival in full (×
// e^{−(1−frac)·dt/τ_syn} ≥ 0.95 off the grid), so one wrong efficacy shows.
//
// Tolerance: 1e-5·w_scale for the currents (w_scale: the largest |weight|
// of the projection, |w_max| with STDP) and 1e-5·max|V| for V. The kernel
// delivers float32(w·float32(u·x)) and B float32(w·u·x), within 2 float32
// roundings (≤ 1.2e-7 relative) of each other; the currents then decay and
// add in float32 by the same operations in A and B (only the order of
// inputs summed into one slot may differ), so A and B differ by a few ulp
// of |I| ≤ ~10·w_scale, ≲ 1e-6·w_scale. STDP adds the float32 storage of
// the plastic weights (refSTDP is float64), ~1e-7·w_max. Measured: ≤ 2e-7.
// The smallest error the test must see, one spike's efficacy off by 1 %,
// moves the current by ≥ 1e-4·w_scale here.
//
// Sensitivity. Every case also replays, on further copies of the targets,
// the efficacies of broken references (stpRefMutant): x's update with the
// new u; u's update without (1 − U); h + delay; NEST before PR #1672 (rest
// u = U, the first spike updated with h = its time); NEST between PRs #1672
// and #3384 (a spike acts with the state before its own update); no
// recovery of x; h on the grid (precise mode); one spike (of median
// efficacy) of one source 1 % too strong; no short-term plasticity at all
// (the kernel ignoring ShortTerm); with STDP the weight before the spike's
// own update. Each mutant that changes some efficacy by more than 10× the
// tolerance in a case must fail that case's comparison, and each must be
// caught by at least one case. Checked by hand as well, putting each
// mutation in the exact reference's place (stpRefModel.factors): new u in
// x failed every case with τ_fac > 0 and τ_rec ≫ dt (passed depression,
// precise_depression, facilitation_only, where it changes nothing); no
// (1 − U) failed every case with τ_fac > 0; h + delay every case but
// delay0; rest u = U, send-before-update and no recovery every case; h on
// the grid the two precise cases.
//
// STDP on the same projection: the weight a spike acts with is the plastic
// weight after that spike's own update (NEST's stdp_synapse updates, then
// sends), taken from refSTDP (stdp_ref_test.go) replayed up to that spike;
// the targets are made to spike by current pulses (which do not enter Ie).

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// stpRefModel is the reference tsodyks2 synapse.
type stpRefModel struct{ U, tauRec, tauFac float64 }

// stpRefMutant selects the exact reference or one broken on purpose.
type stpRefMutant int

const (
	stpRefExact        stpRefMutant = iota
	stpRefNewU                      // x's update uses the new u
	stpRefNoOneMinusU               // u ← U + u·e^{−h/τ_fac}
	stpRefHPlusDelay                // h + the synapse's delay
	stpRefRestAtU                   // NEST < #1672: rest u = U, the first spike updated with h = its time
	stpRefSendFirst                 // NEST #1672 … #3384: a spike acts with the state before its update
	stpRefNoRecovery                // x ← x·(1 − u)
	stpRefGridH                     // h from the emission steps (offsets dropped)
	stpRefOneSpike                  // one spike of source 1 (of median efficacy) acts 1 % too strongly
	stpRefStatic                    // no short-term plasticity: every spike acts with w
	stpRefWeightBefore              // with STDP: the weight before the spike's own update
	stpRefVariants
)

var stpRefNames = [stpRefVariants]string{"exact", "new_u_in_x", "no_1-U", "h+delay", "nest<1672", "nest<3384", "no_recovery", "grid_h", "one_spike", "static", "w_before"}

// factors returns u·x at each spike of a source spiking at ts (ms, sorted),
// for a synapse of delay dMs; dt is the step.
func (m stpRefModel) factors(ts []float64, dMs, dt float64, v stpRefMutant) []float64 {
	out := make([]float64, len(ts))
	u, x, prev := 0.0, 1.0, math.Inf(-1) // rest: the first spike gets u = U, x = 1
	if v == stpRefRestAtU || v == stpRefSendFirst {
		u, prev = m.U, 0
	}
	for n, t := range ts {
		h := t - prev
		switch v {
		case stpRefHPlusDelay:
			h += dMs
		case stpRefGridH:
			h = (math.Ceil(t/dt-1e-9) - math.Ceil(prev/dt-1e-9)) * dt
		}
		fac := 0.0
		if m.tauFac > 0 {
			fac = math.Exp(-h / m.tauFac)
		}
		rec := math.Exp(-h / m.tauRec)
		un := m.U + u*(1-m.U)*fac
		if v == stpRefNoOneMinusU {
			un = m.U + u*fac
		}
		uOld := u
		if v == stpRefNewU {
			uOld = un
		}
		xn := 1 + (x-x*uOld-1)*rec
		if v == stpRefNoRecovery {
			xn = x - x*uOld
		}
		if v == stpRefSendFirst {
			out[n] = u * x
		}
		u, x, prev = un, xn, t
		switch v {
		case stpRefStatic:
			out[n] = 1
		case stpRefSendFirst:
		default:
			out[n] = u * x
		}
	}
	return out
}

// stpRefCase is one projection pre → post under test.
type stpRefCase struct {
	name    string
	st      synapses.ShortTerm
	sign    int  // the presynaptic population's Dale sign
	precise bool // precise mode
	proj    kernel.ProjectionSpec
}

const (
	stpRefNPre  = 4
	stpRefNPost = 3
	// the targets' synaptic time constants (ms)
	stpRefTauEx = 2.0
	stpRefTauIn = 5.0
)

// TestShortTermReference: tsodyks2 short-term plasticity against the
// independent reference above, through the linearity of the targets, for
// depression, facilitation and both, constant, drawn and listed weights and
// delays, delay 0, an inhibitory source, precise mode and STDP on the same
// projection; 1 and 3 workers give the same bits.
func TestShortTermReference(t *testing.T) {
	const dt = 0.1
	// run lengths (ms): grid, precise (whose neurons cost more per step)
	T, TP := 4000.0, 1600.0
	if testing.Short() {
		T, TP = 2500, 1200
	}
	tsodyks := func(u, rec, fac float64) synapses.ShortTerm {
		return synapses.ShortTerm{Kind: "tsodyks2", U: u, TauRecMs: rec, TauFacMs: fac}
	}
	all := synapses.Rule{Kind: "all_to_all"}
	// a list with a repeated pair and delays from 1 step to 4 ms
	var lsrc, ltgt []int
	var lw, ld []float64
	for i := range stpRefNPre {
		for j := range stpRefNPost {
			if (i+j)%3 == 1 {
				continue
			}
			lsrc, ltgt = append(lsrc, i), append(ltgt, j)
			lw = append(lw, 40+float64(17*i+29*j))
			ld = append(ld, []float64{0.1, 0.7, 2.5, 4.0}[(i+2*j)%4])
		}
	}
	lsrc, ltgt, lw, ld = append(lsrc, 1), append(ltgt, 2), append(lw, 333), append(ld, 0.3)
	cases := []stpRefCase{
		{name: "depression", st: tsodyks(0.5, 800, 0), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Value: 120}, DelayMs: 1.5}},
		{name: "facilitating", st: tsodyks(0.16, 45, 376), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Dist: "uniform", Low: 60, High: 180}, DelayMs: 1}},
		{name: "depressing_facilitation", st: tsodyks(0.25, 706, 21), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Dist: "normal", Mean: 100, Std: 25}, DelayMs: 0.5, DelayMaxMs: 3}},
		{name: "lists", st: tsodyks(0.32, 144, 62), sign: 1,
			proj: kernel.ProjectionSpec{Rule: synapses.Rule{Kind: "list"}, Sources: lsrc, Targets: ltgt, WeightList: lw, DelayListMs: ld}},
		{name: "delay0", st: tsodyks(0.4, 300, 50), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Dist: "uniform", Low: 50, High: 150}}},
		// the constant-weight paths: delay 0, and per-synapse delays
		{name: "delay0_constant", st: tsodyks(0.4, 300, 50), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Value: 100}}},
		{name: "delays_constant", st: tsodyks(0.25, 706, 21), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Value: 100}, DelayMs: 0.5, DelayMaxMs: 3}},
		{name: "inhibitory", st: tsodyks(0.25, 706, 21), sign: -1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Dist: "uniform", Low: 80, High: 160}, DelayMs: 2}},
		// τ_rec far below dt: x = 1 at every spike, facilitation alone
		{name: "facilitation_only", st: tsodyks(0.1, 0.001, 200), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Value: 90}, DelayMs: 0.8}},
		{name: "precise", st: tsodyks(0.3, 200, 150), sign: 1, precise: true,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Dist: "uniform", Low: 50, High: 150}, DelayMs: 0.5, DelayMaxMs: 2}},
		{name: "precise_depression", st: tsodyks(0.5, 800, 0), sign: -1, precise: true,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Value: 100}, DelayMs: 1}},
		{name: "stdp", st: tsodyks(0.2, 150, 100), sign: 1,
			proj: kernel.ProjectionSpec{Rule: all, Weights: synapses.Weights{Value: 75}, DelayMs: 1, DelayMaxMs: 2,
				Plasticity: synapses.Plasticity{Kind: "stdp", Lambda: 0.05, Alpha: 1.1, WMax: 150}}},
	}
	caught := make([]bool, stpRefVariants)
	ran := 0
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ran++
			ms := T
			if tc.precise {
				ms = TP
			}
			for v, ok := range stpRefCheck(t, tc, uint64(ci), dt, ms) {
				caught[v] = caught[v] || ok
			}
		})
	}
	if ran == len(cases) && !t.Failed() {
		for v := stpRefNewU; v < stpRefVariants; v++ {
			if !caught[v] {
				t.Errorf("mutant %s: no case tells it from the exact reference", stpRefNames[v])
			}
		}
	}
}

// stpRefTrains returns the forced spike steps of the presynaptic neurons in a
// run of nSteps (≥ 12000) steps:
//
//	0: regular trains (every 25 steps, every 100) and, after a pause of
//	   seconds, every 37 steps;
//	1: intervals drawn from 1 step to 258 ms, a pause, a burst of 1–13 steps;
//	2: pairs and triples 1–3 steps apart, seconds apart;
//	3: isolated spikes seconds apart and one pair 7 steps apart.
func stpRefTrains(rng *rand.Rand, nSteps int) [][]int {
	fib := []int{1, 2, 3, 5, 8, 13, 21, 55, 144, 377, 987, 2584}
	tr := make([][]int, stpRefNPre)
	for k := range 10 {
		tr[0] = append(tr[0], 203+25*k)
	}
	for k := range 8 {
		tr[0] = append(tr[0], 2011+100*k)
	}
	for k := range 6 {
		tr[0] = append(tr[0], nSteps-1500+37*k)
	}
	for s := 151; s < nSteps/3; s += fib[rng.IntN(len(fib))] {
		tr[1] = append(tr[1], s)
	}
	for k, s := 0, 2*nSteps/3; k < 12; k, s = k+1, s+fib[rng.IntN(6)] {
		tr[1] = append(tr[1], s)
	}
	tr[2] = []int{307, 308, 310, 1204, 1206, nSteps/2 + 3, nSteps/2 + 4, nSteps - 801, nSteps - 800, nSteps - 799}
	a := nSteps/5 + rng.IntN(1000)
	tr[3] = []int{97, a, a + 7, 3 * nSteps / 5, nSteps - 2000 + rng.IntN(500)}
	return tr
}

// stpRefOut is what a run of stpRefRun returns.
type stpRefOut struct {
	spikes map[string]*kernel.SpikeMemory
	frames map[string]*kernel.FrameMemory
	w0     []float32 // projection 0's weights before the run (per synapse)
	after  []float32 // and after (nil: constant)
	csr    *synapses.CSR
}

func stpRefRun(t *testing.T, spec kernel.Spec, workers int, ms float64) stpRefOut {
	t.Helper()
	net, err := kernel.New(spec, kernel.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	out := stpRefOut{spikes: map[string]*kernel.SpikeMemory{}, frames: map[string]*kernel.FrameMemory{}}
	if len(spec.Projections) > 0 {
		c := net.Projection(0)
		cc := *c
		cc.Weight = nil
		out.csr = &cc
		out.w0 = make([]float32, c.Len())
		for k := range out.w0 {
			out.w0[k] = c.W(uint64(k))
		}
	}
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	if len(spec.Projections) > 0 {
		out.after = slices.Clone(net.Projection(0).Weight)
	}
	for _, r := range net.Recorders() {
		if m := r.Spikes(); m != nil {
			out.spikes[r.Name()] = m
		}
		if m := r.Frames(); m != nil {
			out.frames[r.Name()] = m
		}
	}
	return out
}

// stpRefDiff returns the largest |a − b| over all samples, its time and
// column.
func stpRefDiff(t *testing.T, a, b *kernel.FrameMemory) (d, at float64, col int) {
	t.Helper()
	if len(a.Data) != len(b.Data) || a.Width != b.Width || len(a.Data) == 0 {
		t.Fatalf("traces of %d×%d and %d×%d values", len(a.TimesMs), a.Width, len(b.TimesMs), b.Width)
	}
	for k := range a.Data {
		if x := math.Abs(float64(a.Data[k]) - float64(b.Data[k])); x > d || math.IsNaN(x) {
			d, at, col = x, a.TimesMs[k/a.Width], k%a.Width
		}
	}
	return d, at, col
}

func stpRefMaxAbs(m *kernel.FrameMemory) float64 {
	x := 0.0
	for _, v := range m.Data {
		x = max(x, math.Abs(float64(v)))
	}
	return x
}

// stpRefArrival is one presynaptic spike on one synapse: its source, index
// among the source's spikes, time (ms), target, delay (steps) and efficacy
// for each reference variant.
type stpRefArrival struct {
	src, n, tgt, d int
	t              float64
	eff            [stpRefVariants]float64
}

// stpRefCheck runs case tc and reports, per mutant, whether the comparison
// told it from the exact reference.
func stpRefCheck(t *testing.T, tc stpRefCase, seed uint64, dt, T float64) []bool {
	rng := rand.New(rand.NewPCG(0x5709, seed))
	nSteps := int(math.Round(T / dt))
	plastic := tc.proj.Plasticity.Kind != ""
	steps := stpRefTrains(rng, nSteps)
	// the forced times (ms): on the grid, or kicks off the grid at least
	// 1.2 steps apart (t_ref = 1 step)
	forced := make([][]float64, stpRefNPre)
	for i, tr := range steps {
		if tc.precise {
			tr = refThin(tr, 2)
		}
		for _, s := range tr {
			tm := float64(s) * dt
			if tc.precise {
				tm = (float64(s) + 0.1 + 0.8*rng.Float64()) * dt
			}
			forced[i] = append(forced[i], tm)
		}
	}

	// the targets: linear (never spiking) unless STDP needs their spikes
	postParams := map[string]float64{"tau_syn_ex_ms": stpRefTauEx, "tau_syn_in_ms": stpRefTauIn, "e_l_mv": 0, "v_reset_mv": 0, "v_th_mv": 1e6}
	if plastic {
		postParams = map[string]float64{"tau_syn_ex_ms": stpRefTauEx, "tau_syn_in_ms": stpRefTauIn, "e_l_mv": 0, "v_reset_mv": 0, "v_th_mv": 15}
	}
	pre := kernel.PopulationSpec{Name: "pre", N: stpRefNPre, Model: "lif_delta", Sign: tc.sign, Params: map[string]float64{"t_ref_ms": 0}}
	kick := 100.0 // mV
	if tc.precise {
		// a kick of 1e7 pA·0.01 ms = 400 mV of charge: a spike 0.4 µs later, and
		// 0.02 mV left after t_ref
		pre = kernel.PopulationSpec{Name: "pre", N: stpRefNPre, Model: "lif_exp", Sign: tc.sign,
			Params: map[string]float64{"tau_syn_ex_ms": 0.01, "t_ref_ms": 0.1}}
		kick = 1e7 // pA
	}
	states := func(pop, suffix string) []kernel.RecorderSpec {
		var out []kernel.RecorderSpec
		for _, v := range []string{"V", "Ie", "Ii"} {
			out = append(out, kernel.RecorderSpec{Name: v + suffix, Kind: "state", Population: pop, Variable: v})
		}
		return out
	}
	proj := tc.proj
	proj.Source, proj.Target, proj.ShortTerm = "pre", "post", tc.st
	specA := kernel.Spec{
		DtMs: dt, Seed: 7 + seed, Precise: tc.precise,
		Populations: []kernel.PopulationSpec{pre, {Name: "post", N: stpRefNPost, Model: "lif_exp", Params: postParams}},
		Projections: []kernel.ProjectionSpec{proj},
		Recorders: append([]kernel.RecorderSpec{
			{Kind: "spikes", Population: "pre"},
			{Kind: "spikes", Population: "post"},
		}, states("post", "")...),
	}
	for i, tm := range forced {
		specA.Devices = append(specA.Devices, kernel.DeviceSpec{Name: fmt.Sprintf("kick%d", i), Kind: "spike_source", Target: "pre",
			Neurons: []int{i}, SpikeTimesMs: tm, Weight: kick})
	}
	if plastic {
		// postsynaptic spikes forced by 1-step current pulses of 1e5 pA (40
		// mV in a step), at least 4 ms apart, which leave Ie alone
		for j := range stpRefNPost {
			var times, amps []float64
			for _, s := range refTrain(rng, 40+10*j, 50, nSteps-100, 40) {
				times = append(times, float64(s)*dt, float64(s+1)*dt)
				amps = append(amps, 1e5, 0)
			}
			specA.Devices = append(specA.Devices, kernel.DeviceSpec{Name: fmt.Sprintf("pulse%d", j), Kind: "step_current", Target: "post",
				Neurons: []int{j}, TimesMs: times, AmplitudesPA: amps})
		}
	}

	a := stpRefRun(t, specA, 1, T)

	// the presynaptic spikes: as forced, on the grid, or each within 0.01 ms
	// after its kick
	ts := make([][]float64, stpRefNPre)
	pm := a.spikes["spikes:pre"]
	for k, tm := range pm.TimesMs {
		ts[pm.IDs[k]] = append(ts[pm.IDs[k]], tm)
	}
	for i := range ts {
		if len(ts[i]) != len(forced[i]) {
			t.Fatalf("pre neuron %d: %d spikes, forced %d", i, len(ts[i]), len(forced[i]))
		}
		for n, tm := range ts[i] {
			if d := tm - forced[i][n]; d < 0 || (tc.precise && d > 0.01) || (!tc.precise && d > 1e-9) {
				t.Fatalf("pre neuron %d spike %d at %.9f ms, forced at %.9f", i, n, tm, forced[i][n])
			}
		}
	}
	c := a.csr
	wScale := 0.0
	for _, w := range a.w0 {
		wScale = max(wScale, math.Abs(float64(w)))
	}
	sign := 1.0
	if tc.sign < 0 {
		sign = -1
	}
	var stdp refSTDP
	var post [][]int
	if plastic {
		stdp = refSTDPOf(tc.proj.Plasticity, sign)
		wScale = math.Abs(stdp.wMax)
		post = refSteps(t, a.spikes["spikes:post"], stpRefNPost, dt)
		if n := len(a.spikes["spikes:post"].IDs); n < 50 {
			t.Fatalf("%d postsynaptic spikes: too few for STDP", n)
		}
	} else if n := len(a.spikes["spikes:post"].IDs); n > 0 {
		t.Fatalf("the targets spiked %d times: they must stay linear", n)
	}
	tolI := 1e-5 * wScale

	// two spikes of one source in one delivery slice (of minDelay steps;
	// a spike at t was emitted in the step ending at or after t)
	L := max(1, c.MinDelay())
	inSlice := 0
	for i := range ts {
		for n := 1; n < len(ts[i]); n++ {
			e0, e1 := int(math.Ceil(ts[i][n-1]/dt-1e-9))-1, int(math.Ceil(ts[i][n]/dt-1e-9))-1
			if e0/L == e1/L {
				inSlice++
			}
		}
	}
	if L > 1 && inSlice == 0 {
		t.Errorf("no source spiked twice within a delivery slice of %d steps", L)
	}

	// the reference efficacy of every presynaptic spike on every synapse
	model := stpRefModel{tc.st.U, tc.st.TauRecMs, tc.st.TauFacMs}
	var arr []stpRefArrival
	// stpRefOneSpike: the spike of source 1 with the median efficacy
	pickSrc, pickN := 1, 0
	{
		f := model.factors(ts[1], 0, dt, stpRefExact)
		idx := make([]int, len(f))
		for n := range idx {
			idx[n] = n
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(f[a], f[b]) })
		pickN = idx[len(idx)/2]
	}
	for i := range stpRefNPre {
		lo, hi := c.Row(i)
		for k := lo; k < hi; k++ {
			d, j := c.D(k), int(c.Target[k])
			var fs [stpRefVariants][]float64
			for v := range stpRefVariants {
				fs[v] = model.factors(ts[i], float64(d)*dt, dt, v)
			}
			for n, tm := range ts[i] {
				// the weight: with STDP, after the spike's own update (and
				// for stpRefWeightBefore before it)
				w, wBefore := float64(a.w0[k]), float64(a.w0[k])
				if plastic {
					preSteps := make([]int, n+1)
					for m := range preSteps {
						preSteps[m] = int(math.Round(ts[i][m] / dt))
					}
					w = stdp.final(wBefore, d, preSteps, post[j], dt, 0, 0)
					wBefore = stdp.final(wBefore, d, preSteps[:n], post[j], dt, 0, 0)
				}
				ar := stpRefArrival{src: i, n: n, tgt: j, d: d, t: tm}
				for v := range stpRefVariants {
					ar.eff[v] = w * fs[v][n]
				}
				ar.eff[stpRefWeightBefore] = wBefore * fs[stpRefExact][n]
				if i == pickSrc && n == pickN {
					ar.eff[stpRefOneSpike] *= 1.01
				}
				arr = append(arr, ar)
			}
		}
	}

	// the variants to replay: the exact reference and the mutants that change
	// some efficacy by more than 10× the tolerance here
	effDiff := make([]float64, stpRefVariants)
	var vs []stpRefMutant
	for v := range stpRefVariants {
		for _, ar := range arr {
			effDiff[v] = max(effDiff[v], math.Abs(ar.eff[v]-ar.eff[stpRefExact]))
		}
		if v == stpRefExact || effDiff[v] > 10*tolI {
			vs = append(vs, v)
		}
	}

	// network B: every arrival replayed with its efficacy, one copy of the
	// targets per variant
	linear := map[string]float64{"tau_syn_ex_ms": stpRefTauEx, "tau_syn_in_ms": stpRefTauIn, "e_l_mv": 0, "v_reset_mv": 0, "v_th_mv": 1e6}
	specB := kernel.Spec{DtMs: dt, Seed: 1, Precise: tc.precise}
	for _, v := range vs {
		specB.Populations = append(specB.Populations, kernel.PopulationSpec{Name: fmt.Sprintf("post%d", v), N: stpRefNPost, Model: "lif_exp", Params: linear})
		specB.Recorders = append(specB.Recorders, states(fmt.Sprintf("post%d", v), fmt.Sprint(v))...)
	}
	receptor := proj.Receptor
	if receptor == "" {
		receptor = "exc"
		if tc.sign < 0 {
			receptor = "inh"
		}
	}
	nRelay := 0
	if !tc.precise {
		// one relay (a parrot) per presynaptic spike, spiking at its step:
		// relay first[i]+n is spike n of source i
		first := make([]int, stpRefNPre+1)
		for i := range ts {
			first[i+1] = first[i] + len(ts[i])
		}
		nRelay = first[stpRefNPre]
		specB.Populations = append(specB.Populations, kernel.PopulationSpec{Name: "relay", N: nRelay, Model: "lif_delta", Sign: tc.sign,
			Params: map[string]float64{"t_ref_ms": 0}})
		specB.Recorders = append(specB.Recorders, kernel.RecorderSpec{Kind: "spikes", Population: "relay"})
		byTime := map[float64][]int{}
		for i := range ts {
			for n, tm := range ts[i] {
				byTime[tm] = append(byTime[tm], first[i]+n)
			}
		}
		for _, tm := range slices.Sorted(maps.Keys(byTime)) {
			specB.Devices = append(specB.Devices, kernel.DeviceSpec{Kind: "spike_source", Target: "relay",
				Neurons: slices.Sorted(slices.Values(byTime[tm])), SpikeTimesMs: []float64{tm}, Weight: 100})
		}
		for _, v := range vs {
			p := kernel.ProjectionSpec{Source: "relay", Target: fmt.Sprintf("post%d", v), Receptor: receptor, Rule: synapses.Rule{Kind: "list"}}
			for _, ar := range arr {
				p.Sources = append(p.Sources, first[ar.src]+ar.n)
				p.Targets = append(p.Targets, ar.tgt)
				p.WeightList = append(p.WeightList, ar.eff[v])
				p.DelayListMs = append(p.DelayListMs, float64(ar.d)*dt)
			}
			specB.Projections = append(specB.Projections, p)
		}
	} else {
		// one device per arrival time and efficacy (a repeated target gets
		// another device)
		type key struct {
			v       stpRefMutant
			tm, eff float64
			dup     int
		}
		groups := map[key][]int{}
		var order []key
		for _, v := range vs {
			for _, ar := range arr {
				k := key{v, ar.t + float64(ar.d)*dt, ar.eff[v], 0}
				for slices.Contains(groups[k], ar.tgt) {
					k.dup++
				}
				if groups[k] == nil {
					order = append(order, k)
				}
				groups[k] = append(groups[k], ar.tgt)
			}
		}
		for _, k := range order {
			specB.Devices = append(specB.Devices, kernel.DeviceSpec{Kind: "spike_source", Target: fmt.Sprintf("post%d", k.v),
				Receptor: receptor, Neurons: slices.Sorted(slices.Values(groups[k])), SpikeTimesMs: []float64{k.tm}, Weight: k.eff})
		}
	}
	b := stpRefRun(t, specB, 1, T)
	if !tc.precise {
		rm := b.spikes["spikes:relay"]
		got := make([][]float64, nRelay)
		for k, tm := range rm.TimesMs {
			got[rm.IDs[k]] = append(got[rm.IDs[k]], tm)
		}
		r := 0
		for i := range ts {
			for _, tm := range ts[i] {
				if len(got[r]) != 1 || got[r][0] != tm {
					t.Fatalf("relay %d (pre %d): spikes at %v, want [%v]", r, i, got[r], tm)
				}
				r++
			}
		}
	}

	// A against B, variant by variant
	vScale := stpRefMaxAbs(b.frames["V0"])
	tolV := 1e-5 * vScale
	caught := make([]bool, stpRefVariants)
	for v := range stpRefVariants {
		if !slices.Contains(vs, v) {
			t.Logf("mutant %-11s: no efficacy changes here (≤ %.2g·w_scale)", stpRefNames[v], effDiff[v]/wScale)
			continue
		}
		dI, atI, colI := 0.0, 0.0, 0
		for _, name := range []string{"Ie", "Ii"} {
			if d, at, col := stpRefDiff(t, a.frames[name], b.frames[fmt.Sprint(name, v)]); d > dI {
				dI, atI, colI = d, at, col
			}
		}
		dV := 0.0
		if !plastic { // the plastic case's targets spike: V is not linear
			dV, _, _ = stpRefDiff(t, a.frames["V"], b.frames[fmt.Sprint("V", v)])
		}
		fail := dI > tolI || dV > tolV || math.IsNaN(dI) || math.IsNaN(dV)
		switch {
		case v == stpRefExact:
			t.Logf("%d presynaptic spikes (%d pairs in one slice of %d steps), %d arrivals: max |ΔI| = %.3g·w_scale (at %.1f ms, target %d), max |ΔV| = %.3g·max|V|; tolerance 1e-5",
				len(pm.IDs), inSlice, L, len(arr), dI/wScale, atI, colI, dV/max(vScale, 1e-300))
			if fail {
				t.Errorf("the kernel differs from the reference: max |ΔI| = %.6g pA (%.3g·w_scale) at %.1f ms on target %d, max |ΔV| = %.3g mV (tolerances %.3g pA, %.3g mV)",
					dI, dI/wScale, atI, colI, dV, tolI, tolV)
				cur, tau := "Ie", stpRefTauEx
				if receptor == "inh" {
					cur, tau = "Ii", stpRefTauIn
				}
				stpRefExplain(t, a, b, arr, cur, tau, dt, wScale)
			}
		case !fail:
			t.Errorf("mutant %s (efficacies off by up to %.3g·w_scale) passes: the comparison is not sensitive", stpRefNames[v], effDiff[v]/wScale)
		default:
			caught[v] = true
			t.Logf("mutant %-11s: efficacies off by ≤ %.3g·w_scale, max |ΔI| = %.3g·w_scale: caught", stpRefNames[v], effDiff[v]/wScale, dI/wScale)
		}
	}
	if plastic {
		changed := 0
		for k := range a.after {
			if a.after[k] != a.w0[k] {
				changed++
			}
		}
		if changed < len(a.after)/2 {
			t.Errorf("only %d of %d weights changed: STDP exercised too little", changed, len(a.after))
		}
	}

	// 3 workers: the same bits
	a3 := stpRefRun(t, specA, 3, T)
	for name, m := range a.frames {
		g := a3.frames[name]
		if len(g.Data) != len(m.Data) {
			t.Fatalf("workers=3 %s: %d values, workers=1 %d", name, len(g.Data), len(m.Data))
		}
		for k := range m.Data {
			if math.Float32bits(g.Data[k]) != math.Float32bits(m.Data[k]) {
				t.Fatalf("workers=3 %s at %.1f ms, column %d: %v, workers=1 %v", name, m.TimesMs[k/m.Width], k%m.Width, g.Data[k], m.Data[k])
			}
		}
	}
	for name, m := range a.spikes {
		if g := a3.spikes[name]; !slices.Equal(g.TimesMs, m.TimesMs) || !slices.Equal(g.IDs, m.IDs) {
			t.Fatalf("workers=3 %s: spikes differ", name)
		}
	}
	return caught
}

// stpRefExplain reports the first presynaptic spikes A acted with another
// efficacy than the reference's: the efficacy A used, read off the current
// of the receptor (time constant tau ms) at the arrival's sample as the
// reference efficacy plus the jump of A − B there (B's replay is exact),
// for arrivals alone on their target in their sample.
func stpRefExplain(t *testing.T, a, b stpRefOut, arr []stpRefArrival, name string, tau, dt, wScale float64) {
	t.Helper()
	fa, fb := a.frames[name], b.frames[name+"0"]
	w := fa.Width
	type slot struct{ s, tgt int }
	sample := func(ar stpRefArrival) (int, float64) {
		// the first sample at or after the arrival; delay 0 acts after the
		// sampling at the spike's time
		tArr := ar.t + float64(ar.d)*dt
		s, _ := slices.BinarySearch(fa.TimesMs, tArr-1e-9)
		if ar.d == 0 {
			s, _ = slices.BinarySearch(fa.TimesMs, tArr+1e-9)
		}
		if s < len(fa.TimesMs) {
			return s, math.Exp(-(fa.TimesMs[s] - tArr) / tau)
		}
		return s, 0
	}
	count := map[slot]int{}
	for _, ar := range arr {
		s, _ := sample(ar)
		count[slot{s, ar.tgt}]++
	}
	p := math.Exp(-dt / tau)
	shown := 0
	for _, ar := range arr {
		s, f := sample(ar)
		if s < 1 || s >= len(fa.TimesMs) || count[slot{s, ar.tgt}] != 1 {
			continue
		}
		d := func(s int) float64 { return float64(fa.Data[s*w+ar.tgt]) - float64(fb.Data[s*w+ar.tgt]) }
		want := ar.eff[stpRefExact]
		got := want + (d(s)-p*d(s-1))/f
		if math.Abs(got-want) > 1e-5*wScale {
			if shown++; shown > 12 {
				t.Errorf("…")
				return
			}
			t.Errorf("pre %d spike %d (t = %.4f ms, %.4f ms after the previous) → post %d, delay %d steps: A acted with %.7g, the reference %.7g (ratio %.6f)",
				ar.src, ar.n, ar.t, ar.t-stpRefPrevTime(arr, ar), ar.tgt, ar.d, got, want, got/want)
		}
	}
}

// stpRefPrevTime returns the time of the spike before ar's of the same
// source (−Inf for the first).
func stpRefPrevTime(arr []stpRefArrival, ar stpRefArrival) float64 {
	for _, o := range arr {
		if o.src == ar.src && o.n == ar.n-1 {
			return o.t
		}
	}
	return math.Inf(-1)
}
