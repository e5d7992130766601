package pipeline

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/synapses"
)

// The surrogate curves are learn's derivatives, checked against the
// closed forms of learn's doc and against their analytic integrals over
// the figure's range [−1, 1].
func TestSurrogateCurves(t *testing.T) {
	const n = 20001
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = -1 + 2*float64(i)/(n-1)
	}
	curves := SurrogateCurves(xs, learn.Surrogate{Kind: learn.Arctan, Alpha: 3})
	closed := map[learn.SurrogateKind]func(a, x float64) float64{
		learn.SuperSpike:       func(a, x float64) float64 { return 1 / ((a*math.Abs(x) + 1) * (a*math.Abs(x) + 1)) },
		learn.FastSigmoid:      func(a, x float64) float64 { return a / (2 * (a*math.Abs(x) + 1) * (a*math.Abs(x) + 1)) },
		learn.Triangle:         func(a, x float64) float64 { return a * math.Max(0, 1-a*math.Abs(x)) },
		learn.SigmoidSurrogate: func(a, x float64) float64 { s := 1 / (1 + math.Exp(-a*x)); return a * s * (1 - s) },
		learn.StraightThrough:  func(a, x float64) float64 { return 1 },
		learn.Arctan:           func(a, x float64) float64 { z := math.Pi / 2 * a * x; return a / 2 / (1 + z*z) },
	}
	// ∫_{−1}^{1} g(x) dx in closed form.
	integral := map[learn.SurrogateKind]func(a float64) float64{
		learn.SuperSpike:       func(a float64) float64 { return 2 / a * (1 - 1/(a+1)) },
		learn.FastSigmoid:      func(a float64) float64 { return 1 - 1/(a+1) },
		learn.Triangle:         func(a float64) float64 { return 1 }, // support 1/α ≤ 1
		learn.SigmoidSurrogate: func(a float64) float64 { return 2/(1+math.Exp(-a)) - 1 },
		learn.StraightThrough:  func(a float64) float64 { return 2 },
		learn.Arctan:           func(a float64) float64 { return 2 / math.Pi * math.Atan(math.Pi*a/2) },
	}
	if len(curves) != learnSurrogates+4 {
		t.Fatalf("%d curves, want %d of learn's kinds and 4 of the reference's and ours", len(curves), learnSurrogates+4)
	}
	seen := map[learn.SurrogateKind]bool{}
	for _, c := range curves[:learnSurrogates] {
		seen[c.S.Kind] = true
		if c.S != c.S.WithDefaults() || c.Scale != 1 {
			t.Errorf("%s: %+v, scale %v: want learn's default α, scale 1", c.Name, c.S, c.Scale)
		}
	}
	if len(seen) != learnSurrogates {
		t.Errorf("learn's panel covers %d kinds, want all %d", len(seen), learnSurrogates)
	}
	want := []struct {
		kind  learn.SurrogateKind
		alpha float64
		scale float64
	}{{learn.SuperSpike, 1, 1}, {learn.SuperSpike, 100, 1}, {learn.FastSigmoid, 25, 2}, {learn.Arctan, 3, 1}}
	for k, w := range want {
		c := curves[learnSurrogates+k]
		if c.S.Kind != w.kind || c.S.Alpha != w.alpha || c.Scale != w.scale {
			t.Errorf("reference curve %d (%s): %v α %v scale %v, want %v α %v scale %v", k, c.Name, c.S.Kind, c.S.Alpha, c.Scale, w.kind, w.alpha, w.scale)
		}
	}
	for _, c := range curves {
		t.Run(c.Name, func(t *testing.T) {
			f := closed[c.S.Kind]
			var sum float64
			for i, x := range xs {
				want := c.Scale * f(c.S.Alpha, x)
				if math.Abs(c.Y[i]-want) > 1e-12*math.Max(1, want) {
					t.Fatalf("g(%v) = %v, closed form %v", x, c.Y[i], want)
				}
				if i > 0 {
					sum += (c.Y[i] + c.Y[i-1]) / 2 * (xs[i] - xs[i-1])
				}
			}
			// Kinks at 0 (and at ±1/α for the triangle) cost the
			// trapezoid rule O(h²·g″) there.
			if want := c.Scale * integral[c.S.Kind](c.S.Alpha); math.Abs(sum-want) > 2e-3*want {
				t.Errorf("∫g = %v, want %v", sum, want)
			}
		})
	}
	// nb03 c5's fast sigmoid α/(1+α|x|)² peaks at α.
	if c := curves[learnSurrogates+2]; c.Y[n/2] != 25 {
		t.Errorf("nb03 fast sigmoid at 0 = %v, want 25", c.Y[n/2])
	}
}

// EICurrents pools currents with rate.Balance's definitions: fed the
// currents of a rate network's states, it reproduces BalanceOf.
func TestEICurrentsMatchRateBalance(t *testing.T) {
	m, err := rate.New[float64](rate.Config{NE: 6, NI: 3, Inputs: 2, Outputs: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	const k, NE, N = 40, 6, 9
	rng := rand.New(rand.NewPCG(1, 2))
	states := make([]float64, k*N)
	for i := range states {
		states[i] = rng.Float64() * 2
	}
	want, err := m.BalanceOf(states, k)
	if err != nil {
		t.Fatal(err)
	}
	W := make([]float64, N*N)
	m.EffectiveWeights(W)
	a := NewEICurrents(NE, k*NE, 1000)
	exc, inh := make([]float64, NE), make([]float64, NE)
	for s := 0; s < k; s++ {
		clear(exc)
		clear(inh)
		// denseAdd adds one spike's weights: scale them by the rates.
		for j, v := range states[s*N : (s+1)*N] {
			e, in := make([]float64, NE), make([]float64, NE)
			denseAdd(W, N, NE)(j, e, in)
			for i := range exc {
				exc[i] += v * e[i]
				inh[i] += v * in[i]
			}
		}
		a.AddStep(exc, inh)
	}
	got := a.Balance()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"ExcMean", got.ExcMean, want.ExcMean}, {"ExcStd", got.ExcStd, want.ExcStd},
		{"InhMean", got.InhMean, want.InhMean}, {"InhStd", got.InhStd, want.InhStd},
		{"NetMean", got.NetMean, want.NetMean}, {"NetStd", got.NetStd, want.NetStd},
		{"Ratio", got.Ratio, want.Ratio}, {"Cancellation", got.Cancellation, want.Cancellation},
		{"Correlation", got.Correlation, want.Correlation}, {"BalanceRatio", got.BalanceRatio, want.BalanceRatio},
	} {
		if math.Abs(c.got-c.want) > 1e-12*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %v, rate.BalanceOf %v", c.name, c.got, c.want)
		}
	}
	if got.States != k || len(a.Exc) != k*NE {
		t.Errorf("States %d, %d sampled pairs; want %d and %d", got.States, len(a.Exc), k, k*NE)
	}
}

// SpikeCurrents bins spikes by step (also out of time order, as a
// reservoir records them) and adds each spike's weights onto E neurons;
// dense and sparse weights give the same currents.
func TestSpikeCurrents(t *testing.T) {
	// Two E neurons (0, 1) and one I neuron (2); rows postsynaptic.
	W := []float64{
		0, 0.5, -2,
		1, 0, -3,
		4, 4, 0,
	}
	// Steps end at 1, 2, 3 ms. Step 0: neuron 0; step 1: neurons 2 and 1;
	// step 2: none; step 3: neuron 2. Listed out of time order.
	rec := &snn.SpikeRecord{N: 3, NE: 2, DurationMs: 4,
		TimesMs: []float64{2, 1, 4, 2}, IDs: []int32{2, 0, 2, 1}}
	// Per step (exc into 0, 1; inh into 0, 1):
	//   step 0: exc (0, 1), inh (0, 0)
	//   step 1: exc (0.5, 0), inh (2, 3)
	//   step 2: 0
	//   step 3: exc 0, inh (2, 3)
	exc := []float64{0, 1, 0.5, 0, 0, 0, 0, 0}
	inh := []float64{0, 0, 2, 3, 0, 0, 2, 3}
	var sE, sI, sEE, sII, sEI, aN, aE, aI float64
	for i := range exc {
		sE += exc[i]
		sI += inh[i]
		sEE += exc[i] * exc[i]
		sII += inh[i] * inh[i]
		sEI += exc[i] * inh[i]
		aN += math.Abs(exc[i] - inh[i])
		aE += math.Abs(exc[i])
		aI += math.Abs(inh[i])
	}
	n := float64(len(exc))
	mE, mI := sE/n, sI/n
	corr := (sEI/n - mE*mI) / math.Sqrt((sEE/n-mE*mE)*(sII/n-mI*mI))
	canc := 1 - aN/(aE+aI)

	// The same weights as CSR projections onto E: E→E and I→E.
	ee := &synapses.CSR{NSrc: 2, NTgt: 2, Ptr: []uint64{0, 1, 2}, Target: []uint32{1, 0}, Weight: []float32{1, 0.5}}
	ie := &synapses.CSR{NSrc: 1, NTgt: 2, Ptr: []uint64{0, 2}, Target: []uint32{0, 1}, Weight: []float32{-2, -3}}
	for name, add := range map[string]func(int, []float64, []float64){"dense": denseAdd(W, 3, 2), "csr": csrAdd(ee, ie, 2)} {
		a := SpikeCurrents(rec, 1, add, 100)
		b := a.Balance()
		if got := a.Silent(); got != 3.0/8 {
			t.Errorf("%s: silent fraction %v, want 3/8", name, got)
		}
		if b.States != 4 {
			t.Errorf("%s: %d steps, want 4", name, b.States)
		}
		for i := range exc {
			if a.Exc[i] != exc[i] || a.Inh[i] != inh[i] {
				t.Fatalf("%s: pair %d = (%v, %v), want (%v, %v)", name, i, a.Exc[i], a.Inh[i], exc[i], inh[i])
			}
		}
		if math.Abs(b.Correlation-corr) > 1e-12 || math.Abs(b.Cancellation-canc) > 1e-12 || math.Abs(b.ExcMean-mE) > 1e-12 {
			t.Errorf("%s: correlation %v, cancellation %v, exc mean %v; want %v, %v, %v", name, b.Correlation, b.Cancellation, b.ExcMean, corr, canc, mE)
		}
	}
}

// The extra stages on the quick pipeline: the Euler row repeats the ctrnn
// stage's closed loop and free run, the other solvers' valid times are
// finite, the adjoint agrees with BPTT through the same dopri5 forward,
// and the E/I statistics are those of the currents recomputed here from
// a recording of the saved trained SNN; the stage reads the spikes the snn
// stage stored, and records them again, to the same bits, without them.
func TestNotebookExtrasStages(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the quick CT-RNN and SNNs")
	}
	cfg := smallConfig(t)
	cfg.Stages = []string{"data", "baselines", "ctrnn", "ctrnn-solvers", "snn", "snn-extras"}
	ctx := context.Background()
	run, err := Execute(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctr, _ := run.Result("ctrnn")
	sol, _ := run.Result("ctrnn-solvers")
	for _, k := range []string{"vpt.lyap.median", "vpt.lyap.q1", "vpt.lyap.q3", "vpt.time.median", "vpt.censored", "vpt.starts"} {
		got, ok := sol.Metrics["solvers.euler."+k]
		if want := ctr.Metrics["ctrnn."+k]; !ok || got != want {
			t.Errorf("Euler %s = %v (stored: %v), ctrnn stage %v", k, got, ok, want)
		}
	}
	for _, s := range []string{"rk4", "dopri5"} {
		v, ok := sol.Metrics["solvers."+s+".vpt.time.median"]
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Errorf("%s median valid time %v (stored: %v), want a finite time", s, v, ok)
		}
	}
	// The documented gap of dopri5 at its default tolerances is ~1e-9
	// (ctrnn.Config.Adjoint); BPTT through Euler differentiates another map.
	if g := sol.Metrics["adjoint.gap_dopri5_bptt"]; !(g < 1e-5) {
		t.Errorf("adjoint vs BPTT through dopri5: gap %v, want < 1e-5", g)
	}
	if g, ok := sol.Metrics["adjoint.gap_trained_bptt"]; !ok || math.IsNaN(g) {
		t.Errorf("adjoint vs BPTT through Euler: gap %v (stored %v)", g, ok)
	}
	if len(sol.Figures) != 1 {
		t.Errorf("ctrnn-solvers figures %v, want ctrnn_solvers.png", sol.Figures)
	}

	// Euler's free run is the ctrnn stage's.
	path, err := stageModelPath(run, "ctrnn", "ctrnn_lorenz.npz")
	if err != nil {
		t.Fatal(err)
	}
	lm, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := run.Lorenz()
	if err != nil {
		t.Fatal(err)
	}
	truth, err := run.Truth()
	if err != nil {
		t.Fatal(err)
	}
	runs, err := SolverComparison(ctx, lm.CTRNN, d, truth, cfg.Settings(), []ode.Method{ode.Euler})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := readFreeRun(filepath.Join(cfg.OutDir, "ctrnn", freeRunFile("ctrnn")))
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) == 0 || len(runs[0].Gen) < len(stored) {
		t.Fatalf("free runs of %d and %d values", len(runs[0].Gen), len(stored))
	}
	for i, v := range stored {
		if runs[0].Gen[i] != v {
			t.Fatalf("Euler free run value %d = %v, ctrnn stage's %v", i, runs[0].Gen[i], v)
		}
	}

	// The trained SNN's E/I statistics, from its recorded spikes.
	ex, _ := run.Result("snn-extras")
	spath, err := stageModelPath(run, "snn", "snn_lorenz.npz")
	if err != nil {
		t.Fatal(err)
	}
	sm, err := LoadModel(spath)
	if err != nil {
		t.Fatal(err)
	}
	m := sm.SNN
	rec, _, err := m.RecordSpikes(d.Test.Data, d.Test.Len)
	if err != nil {
		t.Fatal(err)
	}
	c := m.Config().WithDefaults()
	N, NE := c.N(), c.NE
	W := m.Recurrent()
	steps := int(math.Round(rec.DurationMs / c.DtMs))
	exc := make([][]float64, steps) // [step][E neuron]
	inh := make([][]float64, steps)
	for s := range exc {
		exc[s], inh[s] = make([]float64, NE), make([]float64, NE)
	}
	for k, tm := range rec.TimesMs {
		s := int(math.Round(tm/c.DtMs)) - 1
		j := int(rec.IDs[k])
		for i := 0; i < NE; i++ {
			if j < NE {
				exc[s][i] += float64(W[i*N+j])
			} else {
				inh[s][i] -= float64(W[i*N+j])
			}
		}
	}
	var e, in []float64
	for s := range exc {
		e, in = append(e, exc[s]...), append(in, inh[s]...)
	}
	mean := func(v []float64) float64 {
		var s float64
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	me, mi := mean(e), mean(in)
	var cov, ve, vi, an, ae, ai float64
	for i := range e {
		cov += (e[i] - me) * (in[i] - mi)
		ve += (e[i] - me) * (e[i] - me)
		vi += (in[i] - mi) * (in[i] - mi)
		an += math.Abs(e[i] - in[i])
		ae += math.Abs(e[i])
		ai += math.Abs(in[i])
	}
	corr := cov / math.Sqrt(ve*vi)
	canc := 1 - an/(ae+ai)
	if got := ex.Metrics["snn.currents.correlation"]; math.Abs(got-corr) > 1e-9 {
		t.Errorf("stored E/I correlation %v, recomputed from the recording %v", got, corr)
	}
	if got := ex.Metrics["snn.currents.cancellation"]; math.Abs(got-canc) > 1e-9 {
		t.Errorf("stored cancellation %v, recomputed %v", got, canc)
	}
	if got := ex.Metrics["snn.currents.steps"]; got != float64(steps) {
		t.Errorf("stored steps %v, want %d", got, steps)
	}
	for _, k := range []string{"reservoir.currents.correlation", "reservoir.currents.cancellation"} {
		if v, ok := ex.Metrics[k]; !ok || math.IsNaN(v) {
			t.Errorf("%s = %v (stored %v)", k, v, ok)
		}
	}
	if len(ex.Figures) != 2 {
		t.Errorf("snn-extras figures %v, want the surrogates and the currents", ex.Figures)
	}

	// Those currents come from the spikes the snn stage stored in snn.h5
	// (recomputed above from a new recording, they agree): a file holding
	// other spikes changes them, and without the file the stage records
	// the spikes again, to the same bits.
	h5, ok := stageFile(run, "snn", "snn.h5")
	if !ok {
		t.Log("built without HDF5: the snn stage stored no spikes, the fallback ran above")
		return
	}
	keep := h5 + ".kept"
	if err := os.Rename(h5, keep); err != nil {
		t.Fatal(err)
	}
	// One spike of neuron 0 (excitatory) in the first step of each.
	one := &snn.SpikeRecord{TimesMs: []float64{1}, IDs: []int32{0}, N: N, NE: NE, DurationMs: 1}
	if wrote, err := writeH5(h5, cfg, spikeGroup("snn/test_spikes", one), spikeGroup("reservoir/test_spikes", one)); err != nil || !wrote {
		t.Fatalf("write a stand-in snn.h5: %v, %v", wrote, err)
	}
	other, err := runSNNExtras(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"snn.currents.exc_mean", "reservoir.currents.exc_mean", "snn.currents.silent"} {
		if other.Metrics[k] == ex.Metrics[k] {
			t.Errorf("%s = %v from a snn.h5 with one spike per network, as from the stored recording: the spikes were not read", k, ex.Metrics[k])
		}
	}
	if err := os.Remove(h5); err != nil {
		t.Fatal(err)
	}
	again, err := runSNNExtras(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(keep, h5); err != nil {
		t.Fatal(err)
	}
	for k, v := range ex.Metrics {
		if got, ok := again.Metrics[k]; !ok || got != v {
			t.Errorf("recorded again without snn.h5: %s = %v (present: %v), from the stored spikes %v", k, got, ok, v)
		}
	}
}

// readSpikeGroup reads back what spikeGroup stored, with the counts and
// duration the caller gives, and refuses spikes outside them (another
// network's or another run's recording).
func TestReadSpikeGroup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.h5")
	rec := &snn.SpikeRecord{TimesMs: []float64{1, 1, 3, 2}, IDs: []int32{0, 4, 2, 1}, N: 5, NE: 4, DurationMs: 3}
	wrote, err := writeH5(path, DefaultConfig(), spikeGroup("a/test_spikes", rec))
	if err != nil {
		t.Fatal(err)
	}
	if !wrote {
		t.Skip("built without HDF5")
	}
	got, err := readSpikeGroup(path, "a/test_spikes", 5, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.TimesMs, rec.TimesMs) || !slices.Equal(got.IDs, rec.IDs) || got.N != 5 || got.NE != 4 || got.DurationMs != 3 {
		t.Errorf("read back %+v, stored %+v", got, rec)
	}
	for _, c := range []struct {
		name string
		n    int
		ms   float64
	}{{"fewer neurons", 4, 3}, {"shorter run", 5, 2.5}} {
		if _, err := readSpikeGroup(path, "a/test_spikes", c.n, 4, c.ms); err == nil || !strings.Contains(err.Error(), "--force") {
			t.Errorf("%s: %v, want a refusal that says to rerun the snn stage", c.name, err)
		}
	}
	if _, err := readSpikeGroup(path, "b/test_spikes", 5, 4, 3); err == nil {
		t.Error("a missing group read without error")
	}
}
