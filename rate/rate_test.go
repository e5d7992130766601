package rate_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/tasks"
)

func TestReferenceSizes(t *testing.T) {
	a, err := rate.New[float32](rate.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Params().Count() != 4499 || (rate.Config{}).NumParams() != 4499 {
		t.Errorf("notebook 02 configuration: %d parameters, want 4499", a.Params().Count())
	}
	b, err := rate.New[float32](rate.FlipFlopConfig())
	if err != nil {
		t.Fatal(err)
	}
	if b.Params().Count() != 15171 {
		t.Errorf("notebook 05 configuration: %d parameters, want 15171", b.Params().Count())
	}
	// Masks are frozen and do not count.
	c := rate.Config{ConnProb: 0.2}
	m, err := rate.New[float32](c)
	if err != nil {
		t.Fatal(err)
	}
	if m.Params().Count() != 4499 || m.Params().Len() != 4499+64*64 {
		t.Errorf("with masks: Count %d, Len %d", m.Params().Count(), m.Params().Len())
	}
}

// Effective weights obey Dale's law for every transform, and the initial
// distributions are the references'.
func TestDaleAndInit(t *testing.T) {
	for _, c := range []rate.Config{
		{Dale: rate.DaleAbs}, {Dale: rate.DaleSoftplus}, {Dale: rate.DaleReLU}, {ConnProb: 0.3},
		rate.FlipFlopConfig(),
	} {
		m, err := rate.New[float64](c)
		if err != nil {
			t.Fatal(err)
		}
		cc := m.Config()
		N := cc.NE + cc.NI
		W := make([]float64, N*N)
		m.EffectiveWeights(W)
		zeros := 0
		for i := 0; i < N; i++ {
			for j := 0; j < N; j++ {
				v := W[i*N+j]
				if (j < cc.NE && v < 0) || (j >= cc.NE && v > 0) {
					t.Fatalf("%v: W[%d][%d] = %v breaks Dale's law", cc, i, j, v)
				}
				if v == 0 {
					zeros++
				}
			}
		}
		frac := float64(zeros) / float64(N*N)
		switch {
		case cc.ConnProb < 1:
			if math.Abs(frac-(1-cc.ConnProb)) > 0.05 {
				t.Errorf("%v: %.2f of the weights are zero, want about %.2f", cc, frac, 1-cc.ConnProb)
			}
		case cc.Dale == rate.DaleReLU:
			if math.Abs(frac-0.5) > 0.05 {
				t.Errorf("ReLU Dale: %.2f zero, want about half", frac)
			}
		case cc.Dale == rate.DaleSoftplus && cc.Init == rate.InitUniform:
			for _, v := range W {
				if math.Abs(v) < math.Ln2 {
					t.Fatalf("softplus of a non-negative raw weight below ln 2: %v", v)
				}
			}
		}
	}
	m, _ := rate.New[float64](rate.Config{Seed: 1})
	ws := m.Params().Get(rate.NameWEE)
	var s2 float64
	for _, v := range ws {
		s2 += v * v
	}
	if std := math.Sqrt(s2 / float64(len(ws))); math.Abs(std-0.5/math.Sqrt(48)) > 0.005 {
		t.Errorf("W_ee std %v, want 0.5/√48 = %v", std, 0.5/math.Sqrt(48))
	}
}

func TestConfigValidate(t *testing.T) {
	bad := leaky.Activation(99)
	for _, c := range []rate.Config{
		{NE: -1}, {TauI: -1}, {ConnProb: 1.5}, {Dale: 7}, {Init: 3}, {Activation: &bad}, {Solver: "x"}, {Dt: math.Inf(1)},
	} {
		if _, err := rate.New[float32](c); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("New(%+v) = %v, want a param error", c, err)
		}
	}
	// Bounds that are checked before anything is allocated, and the Euler
	// step: each error names its field.
	for _, tc := range []struct {
		c     rate.Config
		field string
	}{
		{rate.Config{NI: rate.MaxNeurons}, "NE+NI"},
		{rate.Config{Outputs: rate.MaxIO + 1}, "Inputs/Outputs"},
		// 10⁷ substeps used to be accepted (a prediction took 368 MB, 10⁹ all memory).
		{rate.Config{Substeps: rate.MaxSubsteps + 1}, "Substeps = 100001: must be in [1, 100000]"},
		{rate.Config{Substeps: 1e7}, "Substeps = 10000000: must be in [1, 100000]"},
		{rate.Config{Dt: 1, TauE: 0.1, TauI: 0.1}, "Dt/Substeps"},
		{rate.Config{Dt: 1, TauE: 5, TauI: 0.5, Substeps: 1}, "Dt/Substeps"},
		// Beyond the fixed-step solvers' stability limits on the leak.
		{rate.Config{Dt: 1, TauE: 5, TauI: 0.3, Solver: ode.RK4}, "Dt/Substeps = 1: must be <= 2.785·min(TauE, TauI) (0.8356) with the rk4 solver"},
		{rate.Config{Dt: 1, TauE: 0.35, TauI: 5, Solver: ode.RK38}, "Dt/Substeps = 1: must be <= 2.785·min(TauE, TauI)"},
		{rate.Config{Dt: 2, TauE: 5, TauI: 0.45, Substeps: 2, Solver: ode.Midpoint}, "Dt/Substeps = 1: must be <= 2·min(TauE, TauI) (0.9) with the midpoint solver"},
		// The adjoint with a first- or second-order forward solver.
		{rate.Config{Adjoint: &learn.AdjointConfig{}}, "Adjoint = set with Solver euler: must be nil (BPTT) with the euler and midpoint solvers; the adjoint needs Solver rk4, rk38 or dopri5"},
		{rate.Config{Solver: ode.Midpoint, Adjoint: &learn.AdjointConfig{}}, "Adjoint = set with Solver midpoint"},
	} {
		err := tc.c.Validate()
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%+v: Validate() = %v, want a param error naming %s", tc.c, err, tc.field)
		}
	}
	for _, c := range []rate.Config{
		{}, rate.FlipFlopConfig(), {Dt: 1, TauE: 5, TauI: 0.5, Substeps: 2}, {Dt: 1, TauI: 0.1, Solver: ode.Dopri5},
		{Dt: 1, TauI: 0.36, Solver: ode.RK4}, {Dt: 1, TauE: 0.36, Solver: ode.RK38}, {Dt: 1, TauI: 0.5, Solver: ode.Midpoint},
		{Solver: ode.RK4, Adjoint: &learn.AdjointConfig{}}, {Solver: ode.Dopri5, Adjoint: &learn.AdjointConfig{}},
		{Substeps: rate.MaxSubsteps},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: Validate() = %v, want nil", c, err)
		}
	}
}

func small(t *testing.T, c rate.Config) *rate.Model[float64] {
	t.Helper()
	c.NE, c.NI, c.Inputs, c.Outputs = 4, 2, 2, 2
	m, err := rate.New[float64](c)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 3))
	p := m.Params()
	for i := 0; i < p.NumTensors(); i++ {
		if p.Spec(i).Frozen {
			continue
		}
		for k := range p.At(i) {
			p.At(i)[k] += 0.3 * r.NormFloat64()
		}
	}
	m.Reset()
	return m
}

// Gradient checks of every Dale variant (masks included) and both
// reference configurations through every fixed-step solver and loss.
func TestGradCheck(t *testing.T) {
	losses := []learn.Loss{
		{Kind: learn.LossLast},
		{Kind: learn.LossAll},
		{Kind: learn.LossNext, Warmup: 2},
		{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 3},
	}
	sig := leaky.Sigmoid
	variants := map[string]rate.Config{
		"nb02-abs-relu":    {Dt: 0.4},
		"softplus-sigmoid": {Dale: rate.DaleSoftplus, Activation: &sig, Dt: 0.4},
		"relu-masked":      {Dale: rate.DaleReLU, ConnProb: 0.7, Dt: 0.4, Seed: 3},
		"nb05-flipflop":    func() rate.Config { c := rate.FlipFlopConfig(); c.Dt = 1; return c }(),
		"nb05-masked-tanh": func() rate.Config { c := rate.FlipFlopConfig(); c.ConnProb = 0.5; return c }(),
	}
	for name, c := range variants {
		for _, s := range []ode.Method{ode.Euler, ode.Midpoint, ode.RK4, ode.RK38} {
			for _, loss := range losses {
				t.Run(fmt.Sprintf("%s/%s/%s", name, s, loss.Kind), func(t *testing.T) {
					cc := c
					cc.Solver, cc.Substeps = s, 2
					m := small(t, cc)
					gradCheck(t, m, loss)
				})
			}
		}
	}
}

func gradCheck(t *testing.T, m *rate.Model[float64], loss learn.Loss) {
	t.Helper()
	const n, L = 2, 4
	r := rand.New(rand.NewPCG(4, 5))
	x := make([]float64, n*L*2)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	ny := n * 2
	if loss.Kind == learn.LossAll {
		ny = n * L * 2
	}
	y := make([]float64, ny)
	for i := range y {
		y[i] = r.NormFloat64()
	}
	w, err := m.Worker()
	if err != nil {
		t.Fatal(err)
	}
	theta := m.Params().Flat()
	grad := make([]float64, len(theta))
	if _, err := w.Batch(grad, x, y, n, loss); err != nil {
		t.Fatal(err)
	}
	// Only trainable coordinates (masks are frozen constants).
	frozen := m.Params().FrozenMask()
	f := func([]float64) (float64, error) {
		s, err := w.Batch(nil, x, y, n, loss)
		return s.Sum, err
	}
	var idx []int
	for i := range theta {
		if frozen == nil || !frozen[i] {
			idx = append(idx, i)
		}
	}
	sub := make([]float64, len(idx))
	gsub := make([]float64, len(idx))
	for k, i := range idx {
		sub[k], gsub[k] = theta[i], grad[i]
	}
	fsub := func(s []float64) (float64, error) {
		for k, i := range idx {
			theta[i] = s[k]
		}
		return f(theta)
	}
	res, err := learn.GradCheck(fsub, sub, gsub, learn.GradCheckConfig{RelTol: 1e-5, AbsTol: 1e-7})
	for k, i := range idx {
		theta[i] = sub[k]
	}
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Error(res)
	}
}

// Balance metrics of a hand-computed case: one E unit fed by one E unit
// and one I unit.
func TestBalanceOf(t *testing.T) {
	m, err := rate.New[float64](rate.Config{NE: 1, NI: 1, Inputs: 1, Outputs: 1})
	if err != nil {
		t.Fatal(err)
	}
	m.Params().Get(rate.NameWEE)[0] = 2
	m.Params().Get(rate.NameWEI)[0] = -1 // |·| → 1
	states := []float64{1, 1, 2, 3}      // (r_E, r_I) pairs
	b, err := m.BalanceOf(states, 2)
	if err != nil {
		t.Fatal(err)
	}
	// exc = 2, 4; inh = 1, 3; net = 1, 1.
	want := map[string][2]float64{
		"ExcMean": {b.ExcMean, 3}, "InhMean": {b.InhMean, 2}, "NetMean": {b.NetMean, 1},
		"NetStd": {b.NetStd, 0}, "Ratio": {b.Ratio, 3}, "Cancellation": {b.Cancellation, 1 - 1.0/5},
		"Correlation": {b.Correlation, 1}, "BalanceRatio": {b.BalanceRatio, 1 / (5 + 1e-6)},
		"RateEMean": {b.RateEMean, 1.5}, "RateIMean": {b.RateIMean, 2},
	}
	for k, v := range want {
		if math.Abs(v[0]-v[1]) > 1e-12 {
			t.Errorf("%s = %v, want %v", k, v[0], v[1])
		}
	}
}

// Currents pools hand-made currents of two E units over three states
// into the statistics of Balance (closed forms below), reports nothing
// before a state, and refuses currents of another length.
func TestCurrents(t *testing.T) {
	c := rate.NewCurrents(2)
	if b := c.Balance(); b != (rate.Balance{}) {
		t.Errorf("no state: %+v, want the zero Balance", b)
	}
	exc := [][]float64{{1, 3}, {2, 0}, {4, 2}}
	inh := [][]float64{{1, 1}, {0, 2}, {3, 1}}
	for s := range exc {
		c.Add(exc[s], inh[s])
	}
	// Pairs (exc, inh): (1,1) (3,1) (2,0) (0,2) (4,3) (2,1); net 0 2 2 −2 1 1.
	// Σexc 12, Σinh 8, Σnet 4; Σexc² 34, Σinh² 16, Σnet² 14, Σexc·inh 18;
	// Σ|net| 8. Unit means: exc (7/3, 5/3), inh (4/3, 4/3).
	mE, mI, mN := 2.0, 4.0/3, 2.0/3
	sE, sI, sN := math.Sqrt(34.0/6-mE*mE), math.Sqrt(16.0/6-mI*mI), math.Sqrt(14.0/6-mN*mN)
	b := c.Balance()
	for _, w := range []struct {
		name      string
		got, want float64
	}{
		{"ExcMean", b.ExcMean, mE}, {"InhMean", b.InhMean, mI}, {"NetMean", b.NetMean, mN},
		{"ExcStd", b.ExcStd, sE}, {"InhStd", b.InhStd, sI}, {"NetStd", b.NetStd, sN},
		{"Ratio", b.Ratio, 12.0 / 8}, {"Cancellation", b.Cancellation, 1 - 8.0/20},
		{"Correlation", b.Correlation, (18.0/6 - mE*mI) / (sE * sI)},
		{"BalanceRatio", b.BalanceRatio, (4 - 8.0/3) / (4 + 8.0/3 + 1e-6)},
	} {
		if math.Abs(w.got-w.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", w.name, w.got, w.want)
		}
	}
	if b.States != 3 || c.States() != 3 || b.RateEMean != 0 {
		t.Errorf("States %d (%d), RateEMean %v; want 3 and no rates", b.States, c.States(), b.RateEMean)
	}
	defer func() {
		if recover() == nil {
			t.Error("Add with one current per unit missing did not panic")
		}
	}()
	c.Add([]float64{1}, []float64{1, 2})
}

// A dopri5 tolerance below what the state's precision can meet is refused
// when the model is built, naming Rtol; float64 accepts it.
func TestNewRefusesRtolBelowPrecision(t *testing.T) {
	c := rate.Config{Solver: ode.Dopri5, Rtol: 1e-9, Atol: 1e-11}
	if _, err := rate.New[float32](c); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "Rtol") {
		t.Errorf("float32 with Rtol 1e-9: err = %v, want a param error naming Rtol", err)
	}
	if _, err := rate.New[float64](c); err != nil {
		t.Errorf("float64 with Rtol 1e-9: %v", err)
	}
	c.Rtol = 1e-7
	if _, err := rate.New[float32](c); err != nil {
		t.Errorf("float32 with Rtol 1e-7: %v", err)
	}
}

// TrainLorenz refuses, before training, a model whose sizes are not the
// data's dimension (Inputs 4 on 2-D data trained on misread windows) and a
// dataset whose target is not the next sample (Horizon 5 trained Horizon 1).
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
	phases := []leaky.Phase{{Train: learn.TrainConfig{Epochs: 2, Seed: 1}, Window: 20, ValWindow: 20}}
	for _, tc := range []struct {
		name   string
		model  rate.Config
		dim, h int
		want   string
	}{
		{"inputs 4 on 2-D data", rate.Config{NE: 8, NI: 2, Inputs: 4, Outputs: 2}, 2, 1, "rate: Model.Inputs = 4: must be the data's dimension 2 (Dataset.Dim)"},
		{"outputs 1 on 2-D data", rate.Config{NE: 8, NI: 2, Inputs: 2, Outputs: 1}, 2, 1, "rate: Model.Outputs = 1: must be the data's dimension 2"},
		{"horizon 5", rate.Config{NE: 8, NI: 2, Inputs: 1, Outputs: 1}, 1, 5, "rate: Dataset.Horizon = 5: must be 1 (or 0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := rate.TrainLorenz(context.Background(), rate.Recipe{Name: "x", Model: tc.model, Phases: phases}, data(tc.dim, tc.h), leaky.TrainOptions{})
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("TrainLorenz = %v, want a param error containing %q", err, tc.want)
			}
		})
	}
}

// Resuming with another Dale transform (same shapes) is refused, naming it.
func TestResumeOtherDaleRefused(t *testing.T) {
	n := 801
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(0.1 * float64(i))
	}
	d, err := tasks.FromSeries(tasks.RawSeries{Data: x, Len: n, Dim: 1}, tasks.SeriesConfig{SeqLength: 20})
	if err != nil {
		t.Fatal(err)
	}
	r := rate.Recipe{Name: "dale", Model: rate.Config{NE: 8, NI: 2, Inputs: 1, Outputs: 1},
		Phases: []leaky.Phase{{Train: learn.TrainConfig{Epochs: 1, Seed: 1}, Window: 20, ValWindow: 20}}}
	o := leaky.TrainOptions{Checkpoint: filepath.Join(t.TempDir(), "ck"), NPZ: true}
	if _, _, err := rate.TrainLorenz(context.Background(), r, d, o); err != nil {
		t.Fatal(err)
	}
	r.Model.Dale, o.Resume = rate.DaleSoftplus, true
	if _, _, err := rate.TrainLorenz(context.Background(), r, d, o); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), `Model.Dale (checkpoint "abs", now "softplus") differ`) {
		t.Fatalf("resuming with Dale softplus = %v, want a param error naming Model.Dale", err)
	}
}

// BatchBytes counts the BPTT tape, every substep's stage (64 units, 3
// inputs: 68 + 64 + 1.25·64 values per row and stage).
func TestBatchBytesSubsteps(t *testing.T) {
	const n, L = 32, 50
	for _, tc := range []struct {
		substeps int
		lo, hi   float64
	}{{1, 1e5, 1e7}, {1000, 1.35e9, 1.4e9}} {
		m, err := rate.New[float32](rate.Config{Substeps: tc.substeps})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.BatchBytes(n, L*3, true); !(got >= tc.lo && got <= tc.hi) {
			t.Errorf("Substeps %d: BatchBytes with the gradient = %.3g, want in [%.3g, %.3g]", tc.substeps, got, tc.lo, tc.hi)
		}
		if got := m.BatchBytes(n, L*3, false); got > 2e6 {
			t.Errorf("Substeps %d: BatchBytes without the gradient = %.3g, want < 2e6", tc.substeps, got)
		}
	}
}
