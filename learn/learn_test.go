package learn_test

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

func TestParams(t *testing.T) {
	p, err := learn.NewParams[float32](
		learn.ParamSpec{Name: "w", Shape: []int{2, 3}},
		learn.ParamSpec{Name: "b", Shape: []int{3}, Frozen: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 9 || p.Count() != 6 || p.NumTensors() != 2 {
		t.Fatalf("Len %d Count %d NumTensors %d", p.Len(), p.Count(), p.NumTensors())
	}
	p.Get("b")[1] = 5
	if p.Flat()[7] != 5 {
		t.Error("Get is not a view of the flat storage")
	}
	g := make([]float32, 9)
	p.View(g, 0)[5] = 1
	if g[5] != 1 {
		t.Error("View does not cut the right range")
	}
	m := p.FrozenMask()
	if m[5] || !m[6] {
		t.Errorf("FrozenMask = %v", m)
	}
	q, _ := learn.NewParams[float64](p.Specs()...)
	if err := learn.ConvertParams(q, p); err != nil || q.Get("b")[1] != 5 {
		t.Errorf("ConvertParams: %v", err)
	}
	for _, bad := range [][]learn.ParamSpec{
		{{Name: "", Shape: []int{1}}},
		{{Name: "a/b", Shape: []int{1}}},
		{{Name: "a", Shape: []int{1}}, {Name: "a", Shape: []int{2}}},
		{{Name: "a", Shape: []int{0}}},
		{{Name: "a", Shape: []int{1 << 30, 1 << 30}}},                            // 2^60 scalars
		{{Name: "a", Shape: []int{1 << 30}}, {Name: "b", Shape: []int{1 << 30}}}, // 2^31 together
		{{Name: "a"}},
	} {
		if _, err := learn.NewParams[float32](bad...); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("NewParams(%v) = %v, want a param error", bad, err)
		}
	}
}

func TestAdamFirstStepAndDecay(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  learn.AdamConfig
		want func(th, g float64) float64
	}{
		// Step 1: m̂ = g, v̂ = g², so θ ← θ − lr·g/(|g| + eps).
		{"adam", learn.AdamConfig{LR: 0.1}, func(th, g float64) float64 { return th - 0.1*g/(math.Abs(g)+1e-8) }},
		// L2: g' = g + wd·θ.
		{"adam-l2", learn.AdamConfig{LR: 0.1, WeightDecay: 0.5}, func(th, g float64) float64 {
			g += 0.5 * th
			return th - 0.1*g/(math.Abs(g)+1e-8)
		}},
		// AdamW: θ·(1 − lr·wd) first.
		{"adamw", learn.AdamConfig{LR: 0.1, WeightDecay: 0.5, Decoupled: true}, func(th, g float64) float64 {
			return th*(1-0.05) - 0.1*g/(math.Abs(g)+1e-8)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := learn.NewAdam[float64](3, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			th := []float64{1, -2, 0.5}
			g := []float64{0.3, -4, 0}
			want := make([]float64, 3)
			for i := range th {
				want[i] = c.want(th[i], g[i])
			}
			a.Step(th, g, c.cfg.LR, nil)
			for i := range th {
				if math.Abs(th[i]-want[i]) > 1e-12 {
					t.Errorf("θ[%d] = %v, want %v", i, th[i], want[i])
				}
			}
		})
	}
	// Frozen scalars do not move; a constant gradient moves by ≈ lr per step.
	a, _ := learn.NewAdam[float32](2, learn.AdamConfig{})
	th := []float32{0, 0}
	for k := 0; k < 10; k++ {
		a.Step(th, []float32{1, 1}, 1e-3, []bool{false, true})
	}
	if math.Abs(float64(th[0])+1e-2) > 1e-6 || th[1] != 0 || a.Steps != 10 {
		t.Errorf("θ = %v after 10 steps (Steps %d), want [-0.01 0]", th, a.Steps)
	}
	if _, err := learn.NewAdam[float32](2, learn.AdamConfig{Beta1: 1.5}); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("Beta1 = 1.5 accepted: %v", err)
	}
}

func TestClipGradNorm(t *testing.T) {
	g := []float32{3, 4}
	if n := learn.ClipGradNorm(g, 1); n != 5 {
		t.Errorf("norm %v, want 5", n)
	}
	if got := learn.Norm(g); math.Abs(got-1) > 1e-6 {
		t.Errorf("norm after clipping %v, want 1", got)
	}
	h := []float64{0.3, 0.4}
	learn.ClipGradNorm(h, 1)
	if h[0] != 0.3 || h[1] != 0.4 {
		t.Errorf("a gradient below the bound was scaled: %v", h)
	}
	if n := learn.Norm([]float64{1, math.NaN()}); !math.IsNaN(n) {
		t.Errorf("Norm with NaN = %v", n)
	}
}

func TestPlateau(t *testing.T) {
	// PyTorch semantics: patience 2 → the rate drops on the third bad epoch.
	p, err := learn.NewPlateau(learn.PlateauConfig{Patience: 2, Factor: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	lr := 1.0
	vals := []float64{1, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4}
	want := []float64{1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25}
	for i, v := range vals {
		lr = p.Step(v, lr)
		if lr != want[i] {
			t.Fatalf("epoch %d: lr %v, want %v", i, lr, want[i])
		}
	}
	// A relative improvement below the threshold does not count.
	q, _ := learn.NewPlateau(learn.PlateauConfig{Patience: -1, Threshold: 0.1})
	lr = 1
	lr = q.Step(1, lr)
	lr = q.Step(0.95, lr)
	if lr != 0.5 {
		t.Errorf("lr %v after a 5%% improvement with a 10%% threshold, want 0.5", lr)
	}
}

func TestHorizonSchedule(t *testing.T) {
	h := learn.HorizonSchedule{Start: 2, End: 10, Step: 3, Every: 2}
	for e, want := range []int{2, 2, 5, 5, 8, 8, 10, 10} {
		if got := h.At(e); got != want {
			t.Errorf("At(%d) = %d, want %d", e, got, want)
		}
	}
	if (learn.HorizonSchedule{}).At(3) != 0 {
		t.Error("inactive schedule changes the horizon")
	}
}

func TestLossSteps(t *testing.T) {
	cl := learn.Loss{Kind: learn.LossClosedLoop, Warmup: 5, Horizon: 4}
	if n, err := cl.Steps(8); err != nil || n != 8 {
		t.Errorf("closed-loop steps on 8 = %d, %v", n, err)
	}
	if _, err := cl.Steps(7); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("window too short accepted: %v", err)
	}
	if w := cl.Weight(3, 8); w != 0 {
		t.Errorf("teacher-forced step weighted %v", w)
	}
	if w := cl.Weight(4, 8); w != 1 {
		t.Errorf("first free prediction weighted %v", w)
	}
	wf := learn.Loss{Kind: learn.LossClosedLoop, Warmup: 5, Horizon: 4, WarmupWeight: 0.5, WarmupFrom: 2}
	if wf.Weight(1, 8) != 0 || wf.Weight(2, 8) != 0.5 || wf.Weight(4, 8) != 1 {
		t.Errorf("WarmupFrom weights %v %v %v", wf.Weight(1, 8), wf.Weight(2, 8), wf.Weight(4, 8))
	}
	if k, err := learn.ParseLossKind("closedloop"); err != nil || k != learn.LossClosedLoop {
		t.Errorf("ParseLossKind: %v %v", k, err)
	}
}

func TestGradCheckQuadratic(t *testing.T) {
	f := func(th []float64) (float64, error) { return th[0]*th[0] + 3*th[0]*th[1] + math.Sin(th[1]), nil }
	th := []float64{0.7, -1.2}
	good := []float64{2*0.7 + 3*-1.2, 3*0.7 + math.Cos(-1.2)}
	r, err := learn.GradCheck(f, th, good, learn.GradCheckConfig{})
	if err != nil || !r.OK() {
		t.Errorf("correct gradient rejected: %v %v", r, err)
	}
	bad := []float64{good[0], good[1] * 1.001}
	if r, _ := learn.GradCheck(f, th, bad, learn.GradCheckConfig{}); r.OK() || r.Worst != 1 {
		t.Errorf("wrong gradient accepted: %v", r)
	}
	if th[0] != 0.7 || th[1] != -1.2 {
		t.Error("theta not restored")
	}
}

func TestSurrogates(t *testing.T) {
	// The normalized surrogates integrate to 1 over the real line.
	for _, k := range []learn.SurrogateKind{learn.FastSigmoid, learn.Triangle, learn.SigmoidSurrogate} {
		s := learn.Surrogate{Kind: k, Alpha: 4}
		sum := 0.0
		const h = 1e-4
		for x := -200.0; x < 200; x += h {
			sum += s.Deriv(x) * h
		}
		tol := 1e-3
		if k == learn.FastSigmoid {
			tol = 2e-3 // slow 1/x² tails
		}
		if math.Abs(sum-1) > tol {
			t.Errorf("%v integrates to %v", k, sum)
		}
	}
	if d := (learn.Surrogate{Kind: learn.SuperSpike, Alpha: 1}).Deriv(1); d != 0.25 {
		t.Errorf("SuperSpike(α=1) at 1 = %v, want 0.25", d)
	}
	if learn.Heaviside(0) != 0 || learn.Heaviside(1e-9) != 1 {
		t.Error("Heaviside")
	}
	if err := (learn.Surrogate{Kind: 42}).Validate(); !errors.Is(err, param.ErrInvalid) {
		t.Error("unknown surrogate accepted")
	}
}

func TestOrthogonal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range [][2]int{{5, 5}, {6, 3}, {3, 6}} {
		m, n := sh[0], sh[1]
		w := make([]float64, m*n)
		learn.Orthogonal(w, m, n, 0.9, r)
		// The smaller Gram matrix is 0.81·I.
		k := min(m, n)
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				s := 0.0
				if m >= n {
					for l := 0; l < m; l++ {
						s += w[l*n+i] * w[l*n+j]
					}
				} else {
					for l := 0; l < n; l++ {
						s += w[i*n+l] * w[j*n+l]
					}
				}
				want := 0.0
				if i == j {
					want = 0.81
				}
				if math.Abs(s-want) > 1e-12 {
					t.Fatalf("%dx%d: Gram[%d][%d] = %v, want %v", m, n, i, j, s, want)
				}
			}
		}
	}
}

// linModel is y = A·x + c over sequences whose last sample is the input:
// a small learn.Model for the trainer's tests.
type linModel struct {
	p       *learn.Params[float32]
	in, out int
}

func newLin(in, out int) *linModel {
	p, _ := learn.NewParams[float32](learn.ParamSpec{Name: "A", Shape: []int{out, in}}, learn.ParamSpec{Name: "c", Shape: []int{out}})
	r := rand.New(rand.NewPCG(3, 4))
	learn.Uniform(p.Get("A"), -0.5, 0.5, r)
	return &linModel{p: p, in: in, out: out}
}

func (m *linModel) Params() *learn.Params[float32] { return m.p }

func (m *linModel) NewWorker() (learn.Worker, error) { return &linWorker{m}, nil }

type linWorker struct{ m *linModel }

func (w *linWorker) Batch(grad, x, y []float32, n int, loss learn.Loss) (learn.LossSum, error) {
	m := w.m
	A, c := m.p.Get("A"), m.p.Get("c")
	if grad != nil {
		clear(grad)
	}
	var gA, gc []float32
	if grad != nil {
		gA, gc = m.p.View(grad, 0), m.p.View(grad, 1)
	}
	var s learn.LossSum
	pred := make([]float32, m.out)
	dy := make([]float32, m.out)
	for b := 0; b < n; b++ {
		xb := x[b*m.in : (b+1)*m.in]
		for o := 0; o < m.out; o++ {
			v := c[o]
			for i, xi := range xb {
				v += A[o*m.in+i] * xi
			}
			pred[o] = v
		}
		var d []float32
		if grad != nil {
			d = dy
		}
		s.Sum += learn.SquaredError(d, pred, y[b*m.out:(b+1)*m.out], 1)
		s.Count += float64(m.out)
		if grad != nil {
			for o := 0; o < m.out; o++ {
				gc[o] += dy[o]
				for i, xi := range xb {
					gA[o*m.in+i] += dy[o] * xi
				}
			}
		}
	}
	return s, nil
}

// linData is a noisy linear regression problem.
type linData struct {
	x, y    []float32
	in, out int
}

func newLinData(n int, seed uint64) *linData {
	r := rand.New(rand.NewPCG(seed, 9))
	d := &linData{in: 3, out: 2, x: make([]float32, n*3), y: make([]float32, n*2)}
	for i := 0; i < n; i++ {
		x := d.x[i*3 : i*3+3]
		for j := range x {
			x[j] = float32(r.NormFloat64())
		}
		d.y[i*2] = 2*x[0] - x[1] + 0.5 + 0.01*float32(r.NormFloat64())
		d.y[i*2+1] = -x[2] + 0.3*x[0] - 1 + 0.01*float32(r.NormFloat64())
	}
	return d
}

func (d *linData) Len() int        { return len(d.x) / d.in }
func (d *linData) InputSize() int  { return d.in }
func (d *linData) TargetSize() int { return d.out }
func (d *linData) Fill(i int, x, y []float32) {
	copy(x, d.x[i*d.in:(i+1)*d.in])
	copy(y, d.y[i*d.out:(i+1)*d.out])
}

func trainLin(t *testing.T, c learn.TrainConfig) (*linModel, *learn.Result) {
	t.Helper()
	m := newLin(3, 2)
	tr, err := learn.NewTrainer(m, c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Fit(context.Background(), newLinData(300, 1), newLinData(100, 2))
	if err != nil {
		t.Fatal(err)
	}
	return m, res
}

func TestTrainerConverges(t *testing.T) {
	m, res := trainLin(t, learn.TrainConfig{Epochs: 40, BatchSize: 16, Adam: learn.AdamConfig{LR: 0.05}, Seed: 5})
	A := m.p.Get("A")
	if math.Abs(float64(A[0])-2) > 0.05 || math.Abs(float64(A[5])+1) > 0.05 {
		t.Errorf("A = %v after training (best epoch %d, val %v)", A, res.BestEpoch, res.BestVal)
	}
	if res.BestVal > 1e-3 || len(res.History) != res.Epochs {
		t.Errorf("best val %v, %d history records for %d epochs", res.BestVal, len(res.History), res.Epochs)
	}
}

// The same seed gives bit-identical weights whatever the number of
// goroutines computing the shards.
func TestTrainerDeterministicAcrossWorkers(t *testing.T) {
	base := learn.TrainConfig{Epochs: 5, BatchSize: 32, Adam: learn.AdamConfig{LR: 0.01}, Seed: 9, Shards: 4}
	checkDeterministic(t, base, []int{1, 2, 4, 0}, []int{4})
}

// checkDeterministic trains base on trainLin's model with every number of
// workers, GOMAXPROCS 1 and 2 and every number of shards given, and fails
// unless all runs give bit-identical parameters.
func checkDeterministic(t *testing.T, base learn.TrainConfig, workers, shards []int) {
	t.Helper()
	var ref []float32
	for _, w := range workers {
		for _, procs := range []int{1, 2} {
			for _, sh := range shards {
				old := runtime.GOMAXPROCS(procs)
				c := base
				c.Workers, c.Shards = w, sh
				m, _ := trainLin(t, c)
				runtime.GOMAXPROCS(old)
				if ref == nil {
					ref = append([]float32(nil), m.p.Flat()...)
					continue
				}
				for i, v := range m.p.Flat() {
					if math.Float32bits(v) != math.Float32bits(ref[i]) {
						t.Fatalf("workers %d, GOMAXPROCS %d, shards %d: parameter %d = %v, want %v", w, procs, sh, i, v, ref[i])
					}
				}
			}
		}
	}
}

// Early stopping restores the parameters of the best epoch (the
// reference's restore is a no-op).
func TestTrainerRestoresBest(t *testing.T) {
	var vals []float64
	c := learn.TrainConfig{Epochs: 30, BatchSize: 8, Adam: learn.AdamConfig{LR: 0.5}, Patience: 3, Seed: 1,
		Plateau: learn.PlateauConfig{Disabled: true}, Progress: func(e learn.EpochRecord) { vals = append(vals, e.ValLoss) }}
	m, res := trainLin(t, c)
	best := math.Inf(1)
	for _, v := range vals {
		best = math.Min(best, v)
	}
	if res.BestVal != best || !res.Restored {
		t.Fatalf("BestVal %v, min of history %v, restored %v", res.BestVal, best, res.Restored)
	}
	w, _ := m.NewWorker()
	s, err := learn.Evaluate([]learn.Worker{w}, newLinData(100, 2), learn.Loss{}, 256, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Mean() != best {
		t.Errorf("validation loss of the returned parameters %v, best epoch's %v", s.Mean(), best)
	}
}

type nanWorker struct{ learn.Worker }

func (w nanWorker) Batch(grad, x, y []float32, n int, loss learn.Loss) (learn.LossSum, error) {
	s, err := w.Worker.Batch(grad, x, y, n, loss)
	if grad != nil {
		grad[0] = float32(math.Inf(1))
	}
	return s, err
}

type nanModel struct{ *linModel }

func (m nanModel) NewWorker() (learn.Worker, error) {
	w, _ := m.linModel.NewWorker()
	return nanWorker{w}, nil
}

// A non-finite gradient stops training with ErrNonFinite and leaves the
// parameters as they were, with Adam (at the first batch) and with
// L-BFGS (at the start of the first epoch).
func TestTrainerStopsOnNonFinite(t *testing.T) {
	for name, c := range map[string]learn.TrainConfig{"adam": {Epochs: 2}, "lbfgs": lbfgsConfig(2, 5)} {
		m := nanModel{newLin(3, 2)}
		before := append([]float32(nil), m.p.Flat()...)
		tr, err := learn.NewTrainer(m, c)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Fit(context.Background(), newLinData(50, 1), nil)
		if !errors.Is(err, learn.ErrNonFinite) {
			t.Fatalf("%s: err = %v, want ErrNonFinite", name, err)
		}
		for i, v := range m.p.Flat() {
			if v != before[i] {
				t.Fatalf("%s: parameters changed by the non-finite batch", name)
			}
		}
	}
}

// laterModel's workers give an infinite gradient from the after-th batch
// on once armed (armed by the training's Progress after its first epoch),
// or cancel the training there when cancel is set.
type laterModel struct {
	*linModel
	armed  bool
	after  int
	cancel context.CancelFunc
}

type laterWorker struct {
	learn.Worker
	m *laterModel
}

func (m *laterModel) NewWorker() (learn.Worker, error) {
	w, _ := m.linModel.NewWorker()
	return laterWorker{w, m}, nil
}

func (w laterWorker) Batch(grad, x, y []float32, n int, loss learn.Loss) (learn.LossSum, error) {
	s, err := w.Worker.Batch(grad, x, y, n, loss)
	if grad == nil || !w.m.armed {
		return s, err
	}
	if w.m.after--; w.m.after <= 0 {
		if w.m.cancel != nil {
			w.m.cancel()
		} else {
			grad[0] = float32(math.Inf(1))
		}
	}
	return s, err
}

// A training that stops inside its second epoch, on a non-finite gradient
// or cancelled, after that epoch's first batches changed the parameters,
// keeps those of the last finished epoch (the first), or the best epoch's
// when validation selected one and KeepLast is false: never the
// half-updated ones.
func TestTrainerStopKeepsFinishedEpoch(t *testing.T) {
	for _, tc := range []struct {
		name          string
		c             learn.TrainConfig
		val, cancel   bool
		wantBest      bool
		wantNonFinite bool
	}{
		{name: "nonfinite", c: learn.TrainConfig{Epochs: 3, BatchSize: 10}, wantNonFinite: true},
		{name: "nonfinite/val", c: learn.TrainConfig{Epochs: 3, BatchSize: 10}, val: true, wantBest: true, wantNonFinite: true},
		{name: "nonfinite/val/keeplast", c: learn.TrainConfig{Epochs: 3, BatchSize: 10, KeepLast: true}, val: true, wantNonFinite: true},
		{name: "cancel", c: learn.TrainConfig{Epochs: 3, BatchSize: 10}, cancel: true},
		{name: "cancel/val/keeplast", c: learn.TrainConfig{Epochs: 3, BatchSize: 10, KeepLast: true}, val: true, cancel: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &laterModel{linModel: newLin(3, 2), after: 3}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				m.cancel = cancel
			}
			var first []float32
			c := tc.c
			c.Adam.LR = 0.05
			c.Progress = func(r learn.EpochRecord) {
				if r.Epoch == 1 {
					first = append([]float32(nil), m.p.Flat()...)
					m.armed = true
				}
			}
			tr, err := learn.NewTrainer(m, c)
			if err != nil {
				t.Fatal(err)
			}
			var val learn.Source
			if tc.val {
				val = newLinData(40, 2)
			}
			res, err := tr.Fit(ctx, newLinData(50, 1), val)
			switch {
			case tc.wantNonFinite && !errors.Is(err, learn.ErrNonFinite):
				t.Fatalf("err = %v, want ErrNonFinite", err)
			case tc.cancel && !errors.Is(err, context.Canceled):
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if first == nil || m.after > 0 {
				t.Fatalf("the second epoch did not reach its 3rd batch (after = %d)", m.after)
			}
			if tc.cancel && (res == nil || res.Epochs != 1 || res.Restored != tc.wantBest) {
				t.Fatalf("result = %+v, want 1 epoch, Restored %v", res, tc.wantBest)
			}
			// With one epoch finished, the best epoch is the first.
			for i, v := range m.p.Flat() {
				if math.Float32bits(v) != math.Float32bits(first[i]) {
					t.Fatalf("parameter %d = %v, want %v (after epoch 1): the half-updated epoch was kept", i, v, first[i])
				}
			}
		})
	}
}

// A run interrupted after 3 epochs and resumed from its checkpoint ends
// with the same parameters, optimizer state and history as one that was
// not interrupted, in both checkpoint formats.
func TestCheckpointResume(t *testing.T) {
	for _, ext := range []string{".npz", ".h5"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "ckpt"+ext)
			c := learn.TrainConfig{Epochs: 7, BatchSize: 16, Adam: learn.AdamConfig{LR: 0.02, WeightDecay: 1e-3, Decoupled: true},
				Plateau: learn.PlateauConfig{Patience: 1}, Seed: 3, Shards: 2, Meta: "lin"}
			full, _ := trainLin(t, c)

			c1 := c
			c1.Epochs, c1.Checkpoint = 3, path
			trainLin(t, c1)
			c2 := c
			c2.Checkpoint, c2.Resume = path, true
			m := newLin(3, 2)
			tr, err := learn.NewTrainer(m, c2)
			if err != nil {
				t.Fatal(err)
			}
			res, err := tr.Fit(context.Background(), newLinData(300, 1), newLinData(100, 2))
			if errors.Is(err, export.ErrNoHDF5) {
				t.Skip("built without HDF5")
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Epochs != 7 || len(res.History) != 7 {
				t.Errorf("resumed run: %d epochs, %d history records", res.Epochs, len(res.History))
			}
			for i, v := range m.p.Flat() {
				if math.Float32bits(v) != math.Float32bits(full.p.Flat()[i]) {
					t.Fatalf("parameter %d = %v after resuming, %v uninterrupted", i, v, full.p.Flat()[i])
				}
			}
			if meta, err := learn.CheckpointMeta(path); err != nil || meta != "lin" {
				t.Errorf("CheckpointMeta = %q, %v", meta, err)
			}
			q := newLin(3, 2)
			if err := learn.LoadParams(q.p, path, true); err != nil {
				t.Fatal(err)
			}
			for i, v := range q.p.Flat() {
				if v != m.p.Flat()[i] {
					t.Fatalf("LoadParams(best) differs at %d", i)
				}
			}
		})
	}
}

func TestTrainConfigValidate(t *testing.T) {
	for _, c := range []learn.TrainConfig{
		{Epochs: -1},
		{Shards: 100, BatchSize: 10},
		{Resume: true},
		{Horizon: learn.HorizonSchedule{Start: 1, End: 5}},
		{Loss: learn.Loss{Kind: learn.LossClosedLoop}},
		{DecayFloor: 2},
		{ClipNorm: math.NaN()},
		{ClipNorm: math.Inf(1)},
		{MaxDuration: -5},
		{Checkpoint: "ck.txt"},
		{Checkpoint: "ck"},
	} {
		if err := c.Validate(); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("Validate(%+v) = %v, want a param error", c, err)
		}
	}
	for _, c := range []learn.TrainConfig{{Checkpoint: "a/ck.npz"}, {Checkpoint: "ck.H5"}, {Checkpoint: "ck.hdf5"}, {MaxDuration: time.Second}} {
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", c, err)
		}
	}
}

// Fit refuses, before training, a checkpoint in a missing directory (an
// error wrapping fs.ErrNotExist) and an existing file (fs.ErrExist, the
// file unchanged) unless Overwrite is set or Resume continues from it.
func TestTrainerCheckpointTarget(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.npz")
	fit := func(c learn.TrainConfig) (*linModel, error) {
		m := newLin(3, 2)
		c.Epochs, c.BatchSize = 1, 16
		tr, err := learn.NewTrainer(m, c)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Fit(context.Background(), newLinData(50, 1), nil)
		return m, err
	}
	for _, tc := range []struct {
		name string
		c    learn.TrainConfig
		want error // nil: trains and writes the checkpoint
	}{
		{"missing directory", learn.TrainConfig{Checkpoint: filepath.Join(dir, "missing", "ck.npz")}, fs.ErrNotExist},
		{"a directory", learn.TrainConfig{Checkpoint: dir + "/sub.npz"}, fs.ErrExist},
		{"existing", learn.TrainConfig{Checkpoint: notes}, fs.ErrExist},
		{"existing, Overwrite", learn.TrainConfig{Checkpoint: notes, Overwrite: true}, nil},
		{"own checkpoint, Resume", learn.TrainConfig{Checkpoint: notes, Resume: true}, nil},
		{"own checkpoint again", learn.TrainConfig{Checkpoint: notes}, fs.ErrExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.MkdirAll(filepath.Join(dir, "sub.npz"), 0o755); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(notes); err != nil {
				if err := os.WriteFile(notes, []byte("my notes"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := os.ReadFile(tc.c.Checkpoint)
			m, err := fit(tc.c)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Fit: %v", err)
				}
				if _, err := learn.CheckpointMeta(tc.c.Checkpoint); err != nil {
					t.Fatalf("no checkpoint written: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Fit = %v, want an error wrapping %v", err, tc.want)
			}
			after, _ := os.ReadFile(tc.c.Checkpoint)
			if string(after) != string(before) {
				t.Fatal("the existing file changed")
			}
			if tc.want == fs.ErrExist && tc.name != "a directory" && !strings.Contains(err.Error(), "Overwrite") {
				t.Errorf("Fit = %v: the message does not say how to replace it", err)
			}
			if init := newLin(3, 2); !slices.Equal(m.p.Flat(), init.p.Flat()) {
				t.Error("the model trained although the checkpoint was refused")
			}
		})
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// ValMetric replaces the validation loss for the choice of the best epoch.
func TestTrainerValMetric(t *testing.T) {
	vals := []float64{3, 1, 2, 5, 4}
	k := 0
	var snaps [][]float32
	m := newLin(3, 2)
	tr, err := learn.NewTrainer(m, learn.TrainConfig{Epochs: 5, BatchSize: 16, Seed: 2, Plateau: learn.PlateauConfig{Disabled: true},
		ValMetric: func() (float64, error) { v := vals[k]; k++; return v, nil },
		Progress:  func(learn.EpochRecord) { snaps = append(snaps, append([]float32(nil), m.p.Flat()...)) }})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Fit(context.Background(), newLinData(100, 1), newLinData(50, 2))
	if err != nil {
		t.Fatal(err)
	}
	if res.BestEpoch != 2 || res.BestVal != 1 || res.History[3].Metric != 5 {
		t.Fatalf("best epoch %d (value %v), history metric %v", res.BestEpoch, res.BestVal, res.History[3].Metric)
	}
	for i, v := range m.p.Flat() {
		if v != snaps[1][i] {
			t.Fatal("the parameters of epoch 2 were not restored")
		}
	}
}

// A checkpoint saved before any training holds the initial parameters as
// both current and best, and loads back.
func TestSaveCheckpointBeforeFit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "init.npz")
	m := newLin(3, 2)
	tr, err := learn.NewTrainer(m, learn.TrainConfig{Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	q := newLin(3, 2)
	for i := range q.p.Flat() {
		q.p.Flat()[i] = 0
	}
	if err := learn.LoadParams(q.p, path, true); err != nil {
		t.Fatal(err)
	}
	for i, v := range q.p.Flat() {
		if v != m.p.Flat()[i] {
			t.Fatalf("best parameter %d = %v, want the initial %v", i, v, m.p.Flat()[i])
		}
	}
}

// A run stopped by its time budget is resumed to the requested epochs
// without one, and ends with the bits of an uninterrupted run (MaxDuration
// 1 ns stops after the first epoch on any machine).
func TestResumeAfterTimeStop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.npz")
	c := learn.TrainConfig{Epochs: 5, BatchSize: 16, Adam: learn.AdamConfig{LR: 0.02}, Plateau: learn.PlateauConfig{Patience: 1}, Seed: 3}
	full, _ := trainLin(t, c)
	cb := c
	cb.Checkpoint, cb.MaxDuration = path, time.Nanosecond
	if _, res := trainLin(t, cb); res.Stop != "time" || res.Epochs != 1 {
		t.Fatalf("budgeted run: stop %q after %d epochs, want time after 1", res.Stop, res.Epochs)
	}
	cr := c
	cr.Checkpoint, cr.Resume = path, true
	m, res := trainLin(t, cr)
	if res.Stop != "epochs" || res.Epochs != 5 || res.Resumed != 1 || len(res.History) != 5 {
		t.Fatalf("resumed run: stop %q, %d epochs (%d resumed, %d records), want epochs, 5 (1)", res.Stop, res.Epochs, res.Resumed, len(res.History))
	}
	for i, v := range m.p.Flat() {
		if math.Float32bits(v) != math.Float32bits(full.p.Flat()[i]) {
			t.Fatalf("parameter %d = %v after resuming, %v uninterrupted", i, v, full.p.Flat()[i])
		}
	}
}

// AdamConfig.Validate states the range it enforces (0 is the default, so
// the open end is 0) and refuses a decoupled decay that flips signs.
func TestAdamConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    learn.AdamConfig
		want string // "" accepted; else a substring of the error
	}{
		{"defaults", learn.AdamConfig{}, ""},
		{"beta1 tiny", learn.AdamConfig{Beta1: 1e-12}, ""},
		{"beta1 negative", learn.AdamConfig{Beta1: -0.1}, "Adam.Beta1 = -0.1: must be in (0, 0.9999999] (0 means the default 0.9)"},
		{"beta2 one", learn.AdamConfig{Beta2: 1}, "Adam.Beta2 = 1: must be in (0, 0.9999999] (0 means the default 0.999)"},
		{"adamw lr·wd 0.5", learn.AdamConfig{LR: 0.5, WeightDecay: 1, Decoupled: true}, ""},
		{"adamw lr·wd 1", learn.AdamConfig{LR: 1, WeightDecay: 1, Decoupled: true}, "Adam.LR·Adam.WeightDecay = 1·1 = 1: must be < 1 with Decoupled"},
		{"adamw lr·wd 1e9", learn.AdamConfig{LR: 1, WeightDecay: 1e9, Decoupled: true}, "Adam.LR·Adam.WeightDecay = 1·1e+09"},
		{"adam l2 large", learn.AdamConfig{LR: 1, WeightDecay: 1e9}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want a param error containing %q", err, tc.want)
			}
		})
	}
}

// Sizes beyond the data or beyond any memory are refused or clamped before
// anything is allocated: a BatchSize or ValBatch larger than the data is
// the whole data (the same bits as BatchSize = Len), Shards beyond
// MaxShards is a param error.
func TestHugeSizes(t *testing.T) {
	m1, _ := trainLin(t, learn.TrainConfig{Epochs: 3, BatchSize: 300, Seed: 5})
	m2, _ := trainLin(t, learn.TrainConfig{Epochs: 3, BatchSize: math.MaxInt, ValBatch: math.MaxInt, Seed: 5})
	for i, v := range m2.p.Flat() {
		if math.Float32bits(v) != math.Float32bits(m1.p.Flat()[i]) {
			t.Fatalf("parameter %d = %v with BatchSize MaxInt, %v with the data's 300", i, v, m1.p.Flat()[i])
		}
	}
	lb := lbfgsConfig(1, 2)
	lb.BatchSize = math.MaxInt
	trainLin(t, lb)
	_, err := learn.NewTrainer(newLin(3, 2), learn.TrainConfig{BatchSize: 1 << 30, Shards: 1 << 30})
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "Shards = 1073741824: must be <= MaxShards (4096)") {
		t.Errorf("Shards 2^30: %v, want a param error naming Shards", err)
	}
}
