package ctrnn_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
)

func TestReferenceShapeAndInit(t *testing.T) {
	m, err := ctrnn.New[float64](ctrnn.Config{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	if p.Count() != 4547 || (ctrnn.Config{}).NumParams() != 4547 {
		t.Fatalf("%d parameters, want the reference's 4547", p.Count())
	}
	// W_rec = 0.9 × orthogonal: WᵀW = 0.81·I.
	w := p.Get(ctrnn.NameWRec)
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			s := 0.0
			for k := 0; k < 64; k++ {
				s += w[k*64+i] * w[k*64+j]
			}
			want := 0.0
			if i == j {
				want = 0.81
			}
			if math.Abs(s-want) > 1e-12 {
				t.Fatalf("W_recᵀW_rec[%d][%d] = %v, want %v", i, j, s, want)
			}
		}
	}
	check := func(name string, bound float64) {
		lo, hi := 0.0, 0.0
		for _, v := range p.Get(name) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if lo < -bound || hi > bound || hi-lo < bound {
			t.Errorf("%s in [%v, %v], want spread over ±%v", name, lo, hi, bound)
		}
	}
	check(ctrnn.NameWIn, math.Sqrt(6.0/67))
	check(ctrnn.NameDec, 0.125)
	for _, v := range p.Get(ctrnn.NameBias) {
		if v != 0 {
			t.Fatal("bias not zero at initialization")
		}
	}
	// Same seed, same weights; another seed, others.
	m2, _ := ctrnn.New[float64](ctrnn.Config{Seed: 3})
	m3, _ := ctrnn.New[float64](ctrnn.Config{Seed: 4})
	if m2.Params().Flat()[10] != p.Flat()[10] || m3.Params().Flat()[10] == p.Flat()[10] {
		t.Error("initialization does not follow the seed")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []ctrnn.Config{
		{Hidden: -1}, {Tau: -2}, {Activation: leaky.Softplus}, {Solver: "rk5"}, {Interval: math.NaN()},
		{Substeps: -1}, {Adjoint: &learn.AdjointConfig{Substeps: -3}},
	} {
		if _, err := ctrnn.New[float32](c); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("New(%+v) = %v, want a param error", c, err)
		}
	}
	// Bounds that are checked before anything is allocated, and the Euler
	// step: each error names its field.
	for _, tc := range []struct {
		c     ctrnn.Config
		field string
	}{
		{ctrnn.Config{Hidden: ctrnn.MaxHidden + 1}, "Hidden"},
		{ctrnn.Config{Inputs: ctrnn.MaxIO + 1}, "Inputs/Outputs"},
		// 10⁹ substeps used to be accepted: one prediction then took 24 GB.
		{ctrnn.Config{Substeps: ctrnn.MaxSubsteps + 1}, "Substeps = 100001: must be in [1, 100000]"},
		{ctrnn.Config{Substeps: 1e9}, "Substeps = 1000000000: must be in [1, 100000]"},
		{ctrnn.Config{Solver: ode.RK4, Adjoint: &learn.AdjointConfig{Method: ode.RK4, Substeps: 1e9}}, "Adjoint.Substeps = 1000000000: must be in [1, 100000]"},
		{ctrnn.Config{Tau: 0.4}, "Interval/Substeps"},
		{ctrnn.Config{Tau: 0.5, Interval: 2, Substeps: 3}, "Interval/Substeps"},
		// Beyond the fixed-step solvers' stability limits on the leak.
		{ctrnn.Config{Tau: 0.3, Solver: ode.RK4}, "Interval/Substeps = 1: must be <= 2.785·Tau (0.8356) with the rk4 solver"},
		{ctrnn.Config{Tau: 0.35, Solver: ode.RK38}, "Interval/Substeps = 1: must be <= 2.785·Tau"},
		{ctrnn.Config{Tau: 0.45, Solver: ode.Midpoint}, "Interval/Substeps = 1: must be <= 2·Tau (0.9) with the midpoint solver"},
		{ctrnn.Config{Tau: 0.1, Interval: 1, Substeps: 3, Solver: ode.RK4}, "Interval/Substeps"},
		// The adjoint with a first- or second-order forward solver.
		{ctrnn.Config{Adjoint: &learn.AdjointConfig{}}, "Adjoint = set with Solver euler: must be nil (BPTT) with the euler and midpoint solvers; the adjoint needs Solver rk4, rk38 or dopri5"},
		{ctrnn.Config{Solver: ode.Midpoint, Adjoint: &learn.AdjointConfig{}}, "Adjoint = set with Solver midpoint"},
	} {
		err := tc.c.Validate()
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%+v: Validate() = %v, want a param error naming %s", tc.c, err, tc.field)
		}
	}
	for _, c := range []ctrnn.Config{
		{}, {Tau: 0.5, Substeps: 2}, {Tau: 0.1, Solver: ode.Dopri5}, {Tau: 0.4, Solver: ode.RK4},
		{Tau: 0.36, Solver: ode.RK4}, {Tau: 0.36, Solver: ode.RK38}, {Tau: 0.5, Solver: ode.Midpoint},
		{Tau: 0.1, Substeps: 4, Solver: ode.RK4},
		{Substeps: ctrnn.MaxSubsteps}, {Solver: ode.RK4, Adjoint: &learn.AdjointConfig{Method: ode.RK4, Substeps: ctrnn.MaxSubsteps}},
		{Solver: ode.RK4, Adjoint: &learn.AdjointConfig{}}, {Solver: ode.RK38, Adjoint: &learn.AdjointConfig{}},
		{Solver: ode.Dopri5, Adjoint: &learn.AdjointConfig{Method: ode.RK4}},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: Validate() = %v, want nil", c, err)
		}
	}
}

// small returns a 5-unit model with non-trivial weights.
func small(t *testing.T, c ctrnn.Config) *ctrnn.Model[float64] {
	t.Helper()
	c.Hidden, c.Inputs, c.Outputs = 5, 2, 2
	if c.Interval == 0 {
		c.Interval = 0.6
	}
	m, err := ctrnn.New[float64](c)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for i, v := range m.Params().Flat() {
		m.Params().Flat()[i] = v + 0.3*r.NormFloat64()
	}
	m.Reset()
	return m
}

// Gradient checks of the model (its parameter mapping included) in float64
// for every solver × loss; the engine's own tests cover more activations.
func TestGradCheck(t *testing.T) {
	losses := []learn.Loss{
		{Kind: learn.LossLast},
		{Kind: learn.LossAll},
		{Kind: learn.LossNext, Warmup: 2},
		{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 3},
	}
	for _, s := range ode.Methods {
		for _, act := range []leaky.Activation{leaky.Tanh, leaky.ReLU, leaky.Sigmoid} {
			if s == ode.Dopri5 && act == leaky.ReLU {
				continue // step sizes move with the parameters at ReLU's kink (see learn/leaky)
			}
			for _, loss := range losses {
				t.Run(fmt.Sprintf("%s/%s/%s", s, act, loss.Kind), func(t *testing.T) {
					m := small(t, ctrnn.Config{Solver: s, Activation: act, Substeps: 2, Rtol: 1e-10, Atol: 1e-12, Tau: 1.4})
					gradCheckModel(t, m, loss)
				})
			}
		}
	}
}

func problem(n, L, I, O int, loss learn.Loss) (x, y []float64) {
	r := rand.New(rand.NewPCG(8, 9))
	x = make([]float64, n*L*I)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	ny := n * O
	if loss.Kind == learn.LossAll {
		ny = n * L * O
	}
	y = make([]float64, ny)
	for i := range y {
		y[i] = r.NormFloat64()
	}
	return
}

func gradCheckModel(t *testing.T, m *ctrnn.Model[float64], loss learn.Loss) {
	t.Helper()
	const n, L = 2, 4
	c := m.Config()
	x, y := problem(n, L, c.Inputs, c.Outputs, loss)
	w, err := m.Worker()
	if err != nil {
		t.Fatal(err)
	}
	theta := m.Params().Flat()
	grad := make([]float64, len(theta))
	if _, err := w.Batch(grad, x, y, n, loss); err != nil {
		t.Fatal(err)
	}
	f := func([]float64) (float64, error) {
		s, err := w.Batch(nil, x, y, n, loss)
		return s.Sum, err
	}
	res, err := learn.GradCheck(f, theta, grad, learn.GradCheckConfig{RelTol: 1e-5, AbsTol: 1e-7})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Error(res)
	}
}

// The adjoint gradient (dopri5 forward and backward, checkpoint every
// interval) agrees with BPTT through a fine RK4 grid.
func TestAdjointGradient(t *testing.T) {
	loss := learn.Loss{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 3}
	fine := small(t, ctrnn.Config{Solver: ode.RK4, Substeps: 100})
	adj := small(t, ctrnn.Config{Solver: ode.Dopri5, Rtol: 1e-12, Atol: 1e-14,
		Adjoint: &learn.AdjointConfig{Rtol: 1e-12, Atol: 1e-14}, CheckpointEvery: 1})
	const n, L = 2, 4
	x, y := problem(n, L, 2, 2, loss)
	grads := make([][]float64, 2)
	for k, m := range []*ctrnn.Model[float64]{fine, adj} {
		w, _ := m.Worker()
		grads[k] = make([]float64, m.Params().Len())
		if _, err := w.Batch(grads[k], x, y, n, loss); err != nil {
			t.Fatal(err)
		}
	}
	norm := learn.Norm(grads[0])
	for i := range grads[0] {
		if d := math.Abs(grads[0][i] - grads[1][i]); d > 1e-7*norm {
			t.Fatalf("parameter %d: adjoint %v, fine BPTT %v (norm %v)", i, grads[1][i], grads[0][i], norm)
		}
	}
}

// With Euler and τ = 1 (the reference's configuration) the CT-RNN is an
// Elman network, h ← tanh(W h + U x + b).
func TestEulerTau1IsElman(t *testing.T) {
	m := small(t, ctrnn.Config{Interval: 1})
	p := m.Params()
	W, U, b := p.Get(ctrnn.NameWRec), p.Get(ctrnn.NameWIn), p.Get(ctrnn.NameBias)
	h := make([]float64, 5)
	got := make([]float64, 5)
	y := make([]float64, 2)
	x := []float64{0.3, -0.7}
	m.Reset()
	for k := 0; k < 4; k++ {
		hn := make([]float64, 5)
		for i := range hn {
			z := b[i] + U[i*2]*x[0] + U[i*2+1]*x[1]
			for j := range h {
				z += W[i*5+j] * h[j]
			}
			hn[i] = math.Tanh(z)
		}
		h = hn
		m.Step(y, x)
	}
	m.State(got)
	for i := range h {
		if math.Abs(got[i]-h[i]) > 1e-14 {
			t.Errorf("h[%d] = %v, Elman %v", i, got[i], h[i])
		}
	}
}

// Step-by-step (Stepper), batched Forward and Generate agree; Generate is
// the Stepper run closed loop after its warm-up.
func TestStreamingMatchesBatch(t *testing.T) {
	for _, s := range []ode.Method{ode.Euler, ode.RK4, ode.Dopri5} {
		m := small(t, ctrnn.Config{Solver: s, Substeps: 3})
		const L = 6
		x, _ := problem(1, L, 2, 2, learn.Loss{})
		out, err := m.Forward(x, 1, L, true)
		if err != nil {
			t.Fatal(err)
		}
		m.Reset()
		y := make([]float64, 2)
		h := make([]float64, 5)
		for k := 0; k < L; k++ {
			m.Step(y, x[k*2:(k+1)*2])
			m.State(h)
			for o := range y {
				if math.Abs(y[o]-out.All[k*2+o]) > 1e-12 {
					t.Fatalf("%s step %d: Step output %v, Forward %v", s, k, y, out.All[k*2:(k+1)*2])
				}
			}
			for i := range h {
				if math.Abs(h[i]-out.Hidden[(k+1)*5+i]) > 1e-12 {
					t.Fatalf("%s step %d: state differs", s, k)
				}
			}
		}
		gen, err := m.Generate(x[:3*2], 1, 3, 5)
		if err != nil {
			t.Fatal(err)
		}
		free := make([]float64, 5*2)
		m.Reset()
		for k := 0; k < 3; k++ {
			m.Step(y, x[k*2:(k+1)*2])
		}
		for j := 0; j < 5; j++ {
			copy(free[j*2:], y)
			m.Step(y, append([]float64(nil), y...))
		}
		for i := range free {
			if math.Abs(free[i]-gen[i]) > 1e-12 {
				t.Fatalf("%s: Generate %v, Stepper closed loop %v", s, gen, free)
			}
		}
	}
}

// Jacobian and StepJacobian against central differences of VectorField and
// of the step map.
func TestJacobians(t *testing.T) {
	for _, s := range []ode.Method{ode.Euler, ode.Midpoint, ode.RK4, ode.RK38, ode.Dopri5} {
		m := small(t, ctrnn.Config{Solver: s, Substeps: 2, Tau: 0.8, Rtol: 1e-12, Atol: 1e-14})
		h := []float64{0.1, -0.4, 0.7, 0.2, -0.9}
		x := []float64{0.5, -0.3}
		const N, I, eps = 5, 2, 1e-6
		J := make([]float64, N*N)
		m.Jacobian(J, h, x)
		Jh := make([]float64, N*N)
		Jx := make([]float64, N*I)
		m.StepJacobian(Jh, Jx, h, x)
		fp, fm := make([]float64, N), make([]float64, N)
		step := func(dst, h, x []float64) {
			m.SetState(h)
			y := make([]float64, 2)
			m.Step(y, x)
			m.State(dst)
		}
		tol := 1e-7
		if s == ode.Dopri5 {
			tol = 1e-5 // step sizes move with the state
		}
		for j := 0; j < N+I; j++ {
			hp, hm := append([]float64(nil), h...), append([]float64(nil), h...)
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			if j < N {
				hp[j] += eps
				hm[j] -= eps
				m.VectorField(fp, hp, x)
				m.VectorField(fm, hm, x)
				for i := 0; i < N; i++ {
					if d := (fp[i] - fm[i]) / (2 * eps); math.Abs(d-J[i*N+j]) > 1e-7 {
						t.Errorf("%s: ∂F%d/∂h%d = %v, finite difference %v", s, i, j, J[i*N+j], d)
					}
				}
			} else {
				xp[j-N] += eps
				xm[j-N] -= eps
			}
			step(fp, hp, xp)
			step(fm, hm, xm)
			for i := 0; i < N; i++ {
				d := (fp[i] - fm[i]) / (2 * eps)
				got := 0.0
				if j < N {
					got = Jh[i*N+j]
				} else {
					got = Jx[i*I+j-N]
				}
				if math.Abs(d-got) > tol {
					t.Errorf("%s: step Jacobian [%d][%d] = %v, finite difference %v", s, i, j, got, d)
				}
			}
		}
	}
}

// A dopri5 tolerance below what the state's precision can meet is refused
// when the model is built, naming Rtol; float64 accepts it.
func TestNewRefusesRtolBelowPrecision(t *testing.T) {
	c := ctrnn.Config{Solver: ode.Dopri5, Rtol: 1e-9, Atol: 1e-11}
	if _, err := ctrnn.New[float32](c); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "Rtol") {
		t.Errorf("float32 with Rtol 1e-9: err = %v, want a param error naming Rtol", err)
	}
	if _, err := ctrnn.New[float64](c); err != nil {
		t.Errorf("float64 with Rtol 1e-9: %v", err)
	}
	c.Rtol = 1e-7
	if _, err := ctrnn.New[float32](c); err != nil {
		t.Errorf("float32 with Rtol 1e-7: %v", err)
	}
}

// Generate refuses, naming steps, outputs that cannot fit in memory
// (MaxInt steps of 65,536 float32 outputs: at least 5.6e14 bytes; 2⁴⁰
// steps of 3 outputs crashed).
func TestGenerateHugeSteps(t *testing.T) {
	m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 4, Inputs: ctrnn.MaxIO, Outputs: ctrnn.MaxIO})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("steps = %d: must be at most", math.MaxInt)
	if _, err := m.Generate(make([]float32, ctrnn.MaxIO), 1, 1, math.MaxInt); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Generate(MaxInt steps) = %v, want a param error naming steps", err)
	}
}

// Without forward-state checkpoints the adjoint reconstructs the state by
// integrating backward; in a 64-unit network over 20 intervals that
// diverges (max |h(0)| came back 1.1e4 instead of 0, and the gradient was
// 9,600 off against a norm of 109), so Backward refuses it and says to set
// CheckpointEvery; with CheckpointEvery 1 the gradient is BPTT's.
func TestAdjointReconstructionDrift(t *testing.T) {
	loss := learn.Loss{Kind: learn.LossAll}
	mk := func(c ctrnn.Config) *ctrnn.Model[float64] {
		c.Hidden, c.Inputs, c.Outputs, c.Seed, c.Solver = 64, 3, 3, 42, ode.Dopri5
		m, err := ctrnn.New[float64](c)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	const n, L = 4, 20
	x, y := problem(n, L, 3, 3, loss)
	grad := func(m *ctrnn.Model[float64]) ([]float64, error) {
		w, err := m.Worker()
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, m.Params().Len())
		_, err = w.Batch(g, x, y, n, loss)
		return g, err
	}
	want, err := grad(mk(ctrnn.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grad(mk(ctrnn.Config{Adjoint: &learn.AdjointConfig{}})); err == nil || !strings.Contains(err.Error(), "set CheckpointEvery") {
		t.Fatalf("adjoint without checkpoints: err = %v, want the reconstruction refused", err)
	}
	got, err := grad(mk(ctrnn.Config{Adjoint: &learn.AdjointConfig{}, CheckpointEvery: 1}))
	if err != nil {
		t.Fatal(err)
	}
	norm := learn.Norm(want)
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > 1e-6*norm {
			t.Fatalf("parameter %d: adjoint %v, BPTT %v (norm %v)", i, got[i], want[i], norm)
		}
	}
}

// BatchBytes counts the BPTT tape, every substep's stage: the review's
// CT-RNN (Hidden 64, Tau 3, 1,000 Euler substeps, batch 32, windows of 50
// samples) trained at 2.59 GB of RSS under a memory limit of 200 MB, the
// estimate counting no substep. Its tape is 32·50·1,000 stages of
// 68 + 64 + 1.25·64 values: 1.36 GB.
func TestBatchBytesSubsteps(t *testing.T) {
	const n, L = 32, 50
	for _, tc := range []struct {
		substeps int
		lo, hi   float64
	}{{1, 1e5, 1e7}, {1000, 1.35e9, 1.4e9}} {
		m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 64, Tau: 3, Substeps: tc.substeps})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.BatchBytes(n, L*3, true); !(got >= tc.lo && got <= tc.hi) {
			t.Errorf("Substeps %d: BatchBytes with the gradient = %.3g, want in [%.3g, %.3g]", tc.substeps, got, tc.lo, tc.hi)
		}
		if got := m.BatchBytes(n, L*3, false); got > 2e6 {
			t.Errorf("Substeps %d: BatchBytes without the gradient = %.3g, want < 2e6 (a forward run keeps nothing per substep)", tc.substeps, got)
		}
	}
}
