package snn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

// smallLorenz is a short Lorenz dataset for tests (no eval trajectory).
func smallLorenz(t testing.TB, trainT float64) *tasks.Dataset {
	t.Helper()
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: trainT, ValT: 6, TestT: 6, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestConfigValidate(t *testing.T) {
	bad := []struct {
		name string
		c    Config
	}{
		{"NE", Config{NE: -1}},
		{"DtMs", Config{DtMs: -1}},
		{"TauMemEMs", Config{TauMemEMs: 0.5}}, // Euler needs dt ≤ τ
		{"P", Config{P: 1.5}},
		{"VReset", Config{VReset: 2}},
		{"RefractoryMs", Config{RefractoryMs: 1.5}},
		{"RefractoryMs", Config{RefractoryMs: 1, Smooth: true}},
		{"Surrogate.Kind", Config{Surrogate: learn.Surrogate{Kind: learn.Arctan + 1}}},
		{"Surrogate.Alpha", Config{Surrogate: learn.Surrogate{Alpha: -2}}},
		{"ReadoutTauMs", Config{ReadoutTauMs: []float64{5}}},
		{"ReadoutTauMs[0]", Config{Readout: ReadoutFiltered, ReadoutTauMs: []float64{-5}}},
		{"Dale", Config{Dale: 7}},
		{"NE+NI", Config{NE: 1000000}},
		{"Inputs/Outputs", Config{Inputs: 1 << 20}},
	}
	for _, b := range bad {
		err := b.c.Validate()
		var pe *param.Error
		if !errors.Is(err, param.ErrInvalid) || !errors.As(err, &pe) || pe.Name != b.name {
			t.Errorf("%s: got %v", b.name, err)
		}
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (ReservoirConfig{N: 100000}).Validate(); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("huge reservoir: %v", err)
	}
	if err := (ESNConfig{N: 100000}).Validate(); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("huge ESN: %v", err)
	}
	// The other configurations name their fields too.
	for _, b := range []struct {
		name string
		v    interface{ Validate() error }
	}{
		{"Lambdas[1]", ESNConfig{Lambdas: []float64{1, math.NaN()}}},
		{"Lambdas[0]", ESNConfig{Lambdas: []float64{-1}}},
		{"Lambdas[0]", ReservoirConfig{Lambdas: []float64{math.Inf(1)}}},
		{"Density", ESNConfig{Density: 1.5}},
		{"Leak", ESNConfig{Leak: -0.5}},
		{"TauSynMs", DenseConfig{In: 2, Out: 2, TauSynMs: 0.5}}, // Euler needs dt ≤ τ
	} {
		err := b.v.Validate()
		var pe *param.Error
		if !errors.Is(err, param.ErrInvalid) || !errors.As(err, &pe) || pe.Name != b.name {
			t.Errorf("%T %s: got %v", b.v, b.name, err)
		}
	}
	if err := (ESNConfig{Density: 1e-300}).Validate(); err != nil || !strings.Contains(fmt.Sprint(ESNConfig{Leak: 2}.Validate()), "must be in (0, 1]") {
		t.Errorf("ESN Density 1e-300: %v; Leak 2: %v, want nil and an error with (0, 1]", err, ESNConfig{Leak: 2}.Validate())
	}
	for _, c := range []DenseConfig{{In: 2, Out: 2}, {In: 2, Out: 2, TauSynMs: 1}, {In: 2, Out: 2, TauSynMs: 0.5, Discretization: Exact}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for _, s := range []string{"euler", "exact"} {
		if d, err := ParseDiscretization(s); err != nil || d.String() != s {
			t.Errorf("ParseDiscretization(%q) = %v, %v", s, d, err)
		}
	}
	if _, err := ParseReadout("voltage"); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("ParseReadout(voltage): %v", err)
	}
}

// TestReferenceCounts checks the parameter counts of tutorial-spec §5:
// 26,467 trainable for the trained SNN, 867 for the "reservoir" (input
// weights included).
func TestReferenceCounts(t *testing.T) {
	for _, tc := range []struct {
		r    Recipe
		want int
	}{{LorenzReference(), 26467}, {LorenzReservoirReference(), 867}} {
		m, err := New[float32](tc.r.Model)
		if err != nil {
			t.Fatal(err)
		}
		c := m.Counts()
		if c.Trainable != tc.want {
			t.Errorf("%s: %d trainable, want %d", tc.r.Name, c.Trainable, tc.want)
		}
		if tc.r.Model.FreezeRecurrent && c.Effective != c.Trainable {
			t.Errorf("%s: effective %d != trainable %d", tc.r.Name, c.Effective, c.Trainable)
		}
		// About 10% of the synapses are present, about half of them
		// active under ReLU.
		N := m.cfg.N()
		if f := float64(c.Synapses) / float64(N*N); f < 0.08 || f > 0.12 {
			t.Errorf("%s: synapse fraction %g", tc.r.Name, f)
		}
		if f := float64(c.Active) / float64(c.Synapses); f < 0.4 || f > 0.6 {
			t.Errorf("%s: active fraction %g", tc.r.Name, f)
		}
	}
}

// TestSparseMatchesDense runs the real (Heaviside) network with the spike
// lists and with dense products and compares outputs and gradients.
func TestSparseMatchesDense(t *testing.T) {
	c := smallSmooth(learn.SuperSpike, 5, ReadoutFiltered)
	c.Smooth, c.RefractoryMs = false, 2
	c.NE, c.NI, c.P = 20, 8, 0.3
	m, err := New[float64](c)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	n, L := 3, 6
	x := make([]float64, n*L*3)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	y := make([]float64, n*3)
	loss := learn.Loss{Kind: learn.LossNext, Warmup: 2}
	var grads [2][]float64
	var sums [2]float64
	for k, dense := range []bool{false, true} {
		w, _ := m.Worker()
		w.e.dense = dense
		grads[k] = make([]float64, m.Params().Len())
		ls, err := w.Batch(grads[k], x, y, n, loss)
		if err != nil {
			t.Fatal(err)
		}
		sums[k] = ls.Sum
	}
	if math.Abs(sums[0]-sums[1]) > 1e-12*sums[0] {
		t.Fatalf("loss sparse %g dense %g", sums[0], sums[1])
	}
	nz := 0
	for i := range grads[0] {
		a, b := grads[0][i], grads[1][i]
		if math.Abs(a-b) > 1e-12*math.Max(1, math.Abs(a)) {
			t.Fatalf("grad[%d]: sparse %g dense %g", i, a, b)
		}
		if a != 0 {
			nz++
		}
	}
	if nz == 0 {
		t.Fatal("all gradients are zero")
	}
}

// TestStepperMatchesRun checks that the Stepper reproduces the batched run
// bit for bit and that State/SetState continue it exactly.
func TestStepperMatchesRun(t *testing.T) {
	c := LorenzDefault().Model
	c.NE, c.NI = 40, 10
	m, err := New[float32](c)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	n, L := 2, 12
	x := make([]float32, n*L*3)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	out, err := m.Run(x, n, L, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.RateE <= 0 {
		t.Fatal("no E spikes")
	}
	y := make([]float64, 3)
	xs := make([]float64, 3)
	st := make([]float64, m.StateDim())
	var saved []float64
	for b := 0; b < n; b++ {
		m.Reset()
		for j := 0; j < L; j++ {
			for k := range xs {
				xs[k] = float64(x[(b*L+j)*3+k])
			}
			m.Step(y, xs)
			for k := range y {
				if float32(y[k]) != out.All[(b*L+j)*3+k] {
					t.Fatalf("row %d sample %d: stepper %g, run %g", b, j, y[k], out.All[(b*L+j)*3+k])
				}
			}
			if b == 0 && j == 5 {
				m.State(st)
				saved = append([]float64(nil), st...)
			}
		}
	}
	// Continue row 0 from sample 6 after restoring the state.
	m.Reset()
	m.SetState(saved)
	for j := 6; j < L; j++ {
		for k := range xs {
			xs[k] = float64(x[j*3+k])
		}
		m.Step(y, xs)
		for k := range y {
			if float32(y[k]) != out.All[j*3+k] {
				t.Fatalf("after SetState, sample %d: %g, want %g", j, y[k], out.All[j*3+k])
			}
		}
	}
	// Wrong lengths are programming errors: package-prefixed panics, and a
	// negative batch is a param error.
	for _, tc := range []struct {
		name, prefix string
		f            func()
	}{
		{"SetState short", "snn: SetState: len(src) = 1", func() { m.SetState(saved[:1]) }},
		{"Step short x", "snn: Step: len(x) = 1,", func() { m.Step(y, xs[:1]) }},
		{"Step short y", "snn: Step: len(x) = 3, len(y) = 1,", func() { m.Step(y[:1], xs) }},
	} {
		t.Run(tc.name, func(t *testing.T) { paramtest.Panics(t, tc.prefix, tc.f) })
	}
	if _, err := m.Run(x, n, L, RunOptions{Batch: -1}); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("Run with Batch -1: %v, want a param error", err)
	}
}

// TestNorseStep compares the Euler network with a literal transcription of
// norse 1.1.0's lif_feed_forward_step (tutorial-spec §2.3): jump, Euler
// membrane update with the jumped current, current decay, threshold,
// reset; in float64, one neuron per population, no recurrence.
func TestNorseStep(t *testing.T) {
	c := Config{NE: 1, NI: 1, Inputs: 1, Outputs: 1, DtMs: 0.5, TauMemEMs: 2, TauMemIMs: 1, TauSynMs: 5,
		InputScale: 1, Readout: ReadoutMembrane, ReadoutAll: true, Seed: 3}
	m, err := New[float64](c)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	p.Get(NameWeIn)[0], p.Get(NameWiIn)[0] = 0.9, 1.7
	p.Get(NameDec)[0], p.Get(NameDec)[1] = 1, 0 // y = v_E
	p.Get(NameDecBias)[0] = 0
	L := 40
	x := make([]float64, L)
	r := rand.New(rand.NewPCG(9, 9))
	for i := range x {
		x[i] = r.Float64()
	}
	out, err := m.Run(x, 1, L, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// norse: i_jump = i + in; v = v + dt/τm·((v_leak − v) + i_jump);
	// i = i_jump − dt/τs·i_jump; z = H(v − θ); v = (1−z)·v + z·v_reset.
	var v, i float64
	spikes := 0
	for k := 0; k < L; k++ {
		ij := i + 0.9*x[k]
		v = v + 0.5/2*((0-v)+ij)
		i = ij - 0.5/5*ij
		z := 0.0
		if v > 1 {
			z = 1
			spikes++
		}
		v = (1-z)*v + z*0
		if math.Abs(out.All[k]-v) > 1e-12 {
			t.Fatalf("step %d: v = %.15g, norse %.15g", k, out.All[k], v)
		}
	}
	if spikes == 0 {
		t.Fatal("no spikes: the reset is untested")
	}
}

// TestRefractory drives one neuron hard: with a refractory period of r
// steps it can spike at most every r+1 steps, and the membrane is held at
// v_reset meanwhile.
func TestRefractory(t *testing.T) {
	c := Config{NE: 1, NI: -1, Inputs: 1, Outputs: 1, DtMs: 1, RefractoryMs: 3, Discretization: Exact,
		TauMemEMs: 5, TauSynMs: 1, InputScale: 1, Readout: ReadoutCount}
	m, err := New[float64](c)
	if err != nil {
		t.Fatal(err)
	}
	m.Params().Get(NameWeIn)[0] = 100
	L := 60
	x := make([]float64, L)
	for i := range x {
		x[i] = 1
	}
	out, err := m.Run(x, 1, L, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Driven far above threshold, the neuron spikes every 4 steps from step
	// 0 on: 15 spikes in 60 ms = 250 Hz.
	if got := out.RateE; math.Abs(got-250) > 1e-9 {
		t.Fatalf("rate %g Hz, want 250", got)
	}
}

// TestRidgeMatchesLeastSquares compares Gram.Solve with gonum's QR least
// squares (λ = 0) and the closed-form ridge on standardized features.
func TestRidgeMatchesLeastSquares(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	n, F, O := 700, 300, 2 // F > gramBlock: two column blocks
	a := make([]float64, n*F)
	y := make([]float64, n*O)
	for i := range a {
		a[i] = r.NormFloat64() + 0.3*float64(i%F%5)
	}
	for i := range y {
		y[i] = r.NormFloat64()
	}
	g, _ := NewGram(F, O)
	AddRows(g, a[:300*F], F, y[:300*O], O, 300)
	AddRows(g, a[300*F:], F, y[300*O:], O, n-300)
	l, err := g.Solve(0)
	if err != nil {
		t.Fatal(err)
	}
	// gonum: [A 1]·[W; B] = Y.
	A := mat.NewDense(n, F+1, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < F; j++ {
			A.Set(i, j, a[i*F+j])
		}
		A.Set(i, F, 1)
	}
	var sol mat.Dense
	if err := sol.Solve(A, mat.NewDense(n, O, y)); err != nil {
		t.Fatal(err)
	}
	for o := 0; o < O; o++ {
		for j := 0; j < F; j++ {
			if d := math.Abs(l.W[o*F+j] - sol.At(j, o)); d > 1e-8 {
				t.Fatalf("W[%d,%d] = %g, gonum %g", o, j, l.W[o*F+j], sol.At(j, o))
			}
		}
		if d := math.Abs(l.B[o] - sol.At(F, o)); d > 1e-8 {
			t.Fatalf("B[%d] = %g, gonum %g", o, l.B[o], sol.At(F, o))
		}
	}
	// Ridge: the gradient of the objective vanishes at the solution.
	lam := 0.05
	l, err = g.Solve(lam)
	if err != nil {
		t.Fatal(err)
	}
	pred := make([]float64, n*O)
	l.Predict(pred, a, F, n)
	for o := 0; o < O; o++ {
		for j := 0; j < F; j++ {
			var mu, v float64
			for i := 0; i < n; i++ {
				mu += a[i*F+j]
			}
			mu /= float64(n)
			for i := 0; i < n; i++ {
				v += (a[i*F+j] - mu) * (a[i*F+j] - mu)
			}
			v /= float64(n)
			var gr float64
			for i := 0; i < n; i++ {
				gr += (pred[i*O+o] - y[i*O+o]) * a[i*F+j]
			}
			gr += lam * float64(n) * v * l.W[o*F+j]
			if math.Abs(gr) > 1e-7*float64(n) {
				t.Fatalf("ridge gradient (%d,%d) = %g", o, j, gr)
			}
		}
	}
}

// TestReservoirStepper checks that stepping the liquid-state machine
// sample by sample reproduces the harvested features and predictions, and
// that State/SetState continue a stream exactly.
func TestReservoirStepper(t *testing.T) {
	for _, dynamic := range []bool{false, true} {
		t.Run(map[bool]string{false: "static", true: "dynamic"}[dynamic], func(t *testing.T) {
			testReservoirStepper(t, ReservoirConfig{N: 120, Washout: 20, Seed: 4, DynamicSynapses: dynamic})
		})
	}
}

// testReservoirStepper is TestReservoirStepper for one configuration.
func testReservoirStepper(t *testing.T, rc ReservoirConfig) {
	d := smallLorenz(t, 12)
	r, err := NewReservoir(rc, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fit, err := r.FitLorenz(d)
	if err != nil {
		t.Fatal(err)
	}
	if !(fit.TestRMSE < fit.InputOnlyRMSE) || fit.RateE <= 0 {
		t.Fatalf("implausible fit %+v", *fit)
	}
	rows := 40
	x := d.Test.Data[:rows*3]
	feats := make([]float32, rows*r.F)
	if err := r.Harvest(x, rows, 16, func(lo, n int, f []float32) error {
		copy(feats[lo*r.F:], f)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 3)
	row := make([]float64, r.F+3)
	y := make([]float64, 3)
	st := make([]float64, r.StateDim())
	var saved []float64
	r.Reset()
	for k := 0; k < rows; k++ {
		r.Step(y, x[k*3:(k+1)*3])
		for j := 0; j < r.F; j++ {
			row[j] = float64(feats[k*r.F+j])
		}
		copy(row[r.F:], x[k*3:(k+1)*3])
		r.Readout.Predict(want, row, len(row), 1)
		for o := range y {
			if y[o] != want[o] {
				t.Fatalf("sample %d: stepper %g, harvest %g", k, y[o], want[o])
			}
		}
		if k == 19 {
			r.State(st)
			saved = append([]float64(nil), st...)
		}
	}
	r.Reset()
	r.SetState(saved)
	for k := 20; k < rows; k++ {
		r.Step(y, x[k*3:(k+1)*3])
		for j := 0; j < r.F; j++ {
			row[j] = float64(feats[k*r.F+j])
		}
		copy(row[r.F:], x[k*3:(k+1)*3])
		r.Readout.Predict(want, row, len(row), 1)
		for o := range y {
			if y[o] != want[o] {
				t.Fatalf("after SetState, sample %d: %g, want %g", k, y[o], want[o])
			}
		}
	}
}

func TestESNSpectralRadius(t *testing.T) {
	e, err := NewESN(ESNConfig{N: 60, SpectralRadius: 0.7, Seed: 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	var eig mat.Eigen
	eig.Factorize(mat.NewDense(60, 60, e.W), mat.EigenNone)
	rho := 0.0
	for _, v := range eig.Values(nil) {
		rho = math.Max(rho, math.Hypot(real(v), imag(v)))
	}
	if math.Abs(rho-0.7) > 1e-9 {
		t.Fatalf("spectral radius %g, want 0.7", rho)
	}
	d := smallLorenz(t, 10)
	fit, err := e.FitLorenz(d)
	if err != nil {
		t.Fatal(err)
	}
	if !(fit.TestRMSE < 0.1) {
		t.Fatalf("ESN test RMSE %g", fit.TestRMSE)
	}
}

// TestTrainingDeterministic trains a small network twice with different
// worker counts: the parameters must be bit-identical.
func TestTrainingDeterministic(t *testing.T) {
	d := smallLorenz(t, 8)
	r := LorenzQuick()
	r.Model.NE, r.Model.NI, r.Model.SubSteps = 24, 6, 2
	r.Window, r.Stride, r.ValStride = 20, 40, 40
	r.Train.Epochs, r.Train.BatchSize, r.Train.Shards = 2, 8, 2
	r.Train.Loss.Warmup = 5
	var flat [2][]float32
	for k, workers := range []int{1, 2} {
		rr := r
		rr.Train.Workers = workers
		m, _, err := TrainLorenz(t.Context(), rr, d)
		if err != nil {
			t.Fatal(err)
		}
		flat[k] = m.Params().Flat()
	}
	for i := range flat[0] {
		if math.Float32bits(flat[0][i]) != math.Float32bits(flat[1][i]) {
			t.Fatalf("param %d differs: %g vs %g", i, flat[0][i], flat[1][i])
		}
	}
}

// TestReservoirDynamicSynapses: DynamicSynapses gives each recurrent
// projection Maass et al. (2002)'s parameters for its connection type, and
// they change the reservoir's activity.
func TestReservoirDynamicSynapses(t *testing.T) {
	rc := ReservoirConfig{N: 120, Washout: 20, Seed: 4, DynamicSynapses: true}
	spec, err := rc.Spec(3)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]float64{"E→E": {0.5, 1100, 50}, "E→I": {0.05, 125, 1200}, "I→E": {0.25, 700, 20}, "I→I": {0.32, 144, 60}}
	if len(spec.Projections) != 4 {
		t.Fatalf("%d projections", len(spec.Projections))
	}
	for _, pr := range spec.Projections {
		st, w := pr.ShortTerm, want[pr.Source+"→"+pr.Target]
		if st.Kind != "tsodyks2" || st.U != w[0] || st.TauRecMs != w[1] || st.TauFacMs != w[2] {
			t.Errorf("%s→%s: %+v, want U, τ_rec, τ_fac = %v", pr.Source, pr.Target, st, w)
		}
	}
	d := smallLorenz(t, 12)
	fits := map[bool]*ReservoirFit{}
	for _, dyn := range []bool{false, true} {
		rc.DynamicSynapses = dyn
		r, err := NewReservoir(rc, 3)
		if err != nil {
			t.Fatal(err)
		}
		if fits[dyn], err = r.FitLorenz(d); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	if fits[true].RateE == fits[false].RateE || fits[true].TestRMSE == fits[false].TestRMSE {
		t.Fatalf("dynamic synapses change nothing: E %g Hz, RMSE %g (static %g Hz, %g)",
			fits[true].RateE, fits[true].TestRMSE, fits[false].RateE, fits[false].TestRMSE)
	}
	t.Logf("E rate %.2f Hz (static %.2f), test RMSE %.4f (static %.4f)", fits[true].RateE, fits[false].RateE, fits[true].TestRMSE, fits[false].TestRMSE)
}

// TestReservoirConfigJSONUnchanged: a configuration without dynamic
// synapses encodes as before the field existed, so the pipeline's cache
// keys of stored results and models do not change.
func TestReservoirConfigJSONUnchanged(t *testing.T) {
	b, err := json.Marshal(ReservoirConfig{N: 100})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Dynamic") {
		t.Fatalf("static reservoir's JSON names the dynamic synapses: %s", b)
	}
	b, _ = json.Marshal(ReservoirConfig{N: 100, DynamicSynapses: true})
	var back ReservoirConfig
	if err := json.Unmarshal(b, &back); err != nil || !back.DynamicSynapses {
		t.Fatalf("round trip of DynamicSynapses: %s → %+v (%v)", b, back, err)
	}
}

// TrainLorenz refuses, before training, a model whose sizes are not the
// data's dimension and a dataset whose target is not the next sample (the
// recipe's windows always take the next sample, so Horizon 5 was ignored).
func TestTrainLorenzRefusesMismatch(t *testing.T) {
	data := func(dim, horizon int) *tasks.Dataset {
		n := 801
		x := make([]float64, n*dim)
		for i := range x {
			x[i] = math.Sin(0.1*float64(i/dim)*(1+0.3*float64(i%dim)) + float64(i%dim))
		}
		d, err := tasks.FromSeries(tasks.RawSeries{Data: x, Len: n, Dim: dim}, tasks.SeriesConfig{SeqLength: 20, Horizon: horizon})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		name    string
		in, out int
		dim, h  int
		want    string
	}{
		{"inputs 4 on 2-D data", 4, 2, 2, 1, "snn: Model.Inputs = 4: must be the data's dimension 2 (Dataset.Dim)"},
		{"outputs 1 on 2-D data", 2, 1, 2, 1, "snn: Model.Outputs = 1: must be the data's dimension 2"},
		{"horizon 5", 0, 0, 1, 5, "snn: Dataset.Horizon = 5: must be 1 (or 0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := LorenzQuick()
			r.Model.Inputs, r.Model.Outputs = tc.in, tc.out
			_, _, err := TrainLorenz(context.Background(), r, data(tc.dim, tc.h))
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("TrainLorenz = %v, want a param error containing %q", err, tc.want)
			}
		})
	}
}
