package leaky

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
)

// direct is a Mapping whose parameters are Waug and Dec themselves.
type direct[T float32 | float64] struct {
	theta []T
	nw    int
}

func (d *direct[T]) Effective(net *Net[T]) {
	copy(net.Waug, d.theta[:d.nw])
	copy(net.Dec, d.theta[d.nw:])
}

func (d *direct[T]) Pullback(grad []T, g *Grads[T]) {
	copy(grad[:d.nw], g.Waug)
	copy(grad[d.nw:], g.Dec)
}

func testSpec(m ode.Method, act Activation, pops []Pop) Spec {
	N := 0
	for _, p := range pops {
		N += p.Len
	}
	return Spec{N: N, I: 2, O: 2, R: N - 1, Act: act, Pops: pops, Method: m, Interval: 0.7, Substeps: 2, Rtol: 1e-10, Atol: 1e-12}
}

func randomProblem(s Spec, n, L int, seed uint64) (theta, x, yLast, yAll []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	nw := s.N * (s.N + s.I + 1)
	theta = make([]float64, nw+s.O*(s.R+1))
	for i := range theta {
		theta[i] = r.NormFloat64() * 0.6
	}
	x = make([]float64, n*L*s.I)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	yLast = make([]float64, n*s.O)
	for i := range yLast {
		yLast[i] = r.NormFloat64()
	}
	yAll = make([]float64, n*L*s.O)
	for i := range yAll {
		yAll[i] = r.Float64()
	}
	return
}

// TestGradientsFiniteDifferences checks BPTT in float64 against central
// differences for every solver × loss (tanh, one and two populations) and
// every activation on the Euler and RK4 paths.
//
// Dopri5 is checked with smooth activations only: with a kinked field
// (ReLU) the adaptive step sizes move with the parameters and the finite
// difference sees that, while BPTT (like torchdiffeq) holds the accepted
// steps fixed.
func TestGradientsFiniteDifferences(t *testing.T) {
	losses := []learn.Loss{
		{Kind: learn.LossLast},
		{Kind: learn.LossAll},
		{Kind: learn.LossNext, Warmup: 2},
		{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 3},
		{Kind: learn.LossClosedLoop, Warmup: 3, Horizon: 3, WarmupWeight: 0.5, WarmupFrom: 1},
		{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 4, Forcing: 0.3},
	}
	pops := [][]Pop{{{0, 5, 1.3}}, {{0, 4, 1.0}, {4, 2, 0.5}}}
	type tc struct {
		m    ode.Method
		act  Activation
		pops int
		loss learn.Loss
	}
	var cases []tc
	for _, m := range ode.Methods {
		for pi := range pops {
			for _, l := range losses {
				cases = append(cases, tc{m, Tanh, pi, l})
			}
		}
	}
	for _, m := range []ode.Method{ode.Euler, ode.RK4} {
		for _, act := range []Activation{ReLU, Sigmoid, HalfTanh, Softplus, Identity} {
			for _, l := range []learn.Loss{losses[1], losses[4]} {
				cases = append(cases, tc{m, act, 1, l})
			}
		}
	}
	for _, act := range []Activation{Sigmoid, Softplus} {
		cases = append(cases, tc{ode.Dopri5, act, 1, losses[3]})
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s/%s/pops%d/%s%d", c.m, c.act, c.pops, c.loss.Kind, c.loss.Warmup)
		if c.loss.Forcing != 0 {
			name += fmt.Sprintf("/forcing%g", c.loss.Forcing)
		}
		t.Run(name, func(t *testing.T) {
			if testing.Short() && c.m == ode.Dopri5 && (c.pops != 0 || c.loss.Kind != learn.LossClosedLoop) {
				t.Skip("dopri5 at tight tolerances: one case under -short")
			}
			s := testSpec(c.m, c.act, pops[c.pops])
			if c.m == ode.Euler {
				s.Substeps = 1
			}
			checkGrad(t, s, c.loss, Gradient{}, 1e-5)
		})
	}
}

func checkGrad(t *testing.T, s Spec, loss learn.Loss, gc Gradient, tol float64) {
	t.Helper()
	const n, L = 3, 5
	theta, x, yLast, yAll := randomProblem(s, n, L, 7)
	y := yLast
	if loss.Kind == learn.LossAll {
		y = yAll
	}
	mp := &direct[float64]{theta: theta, nw: s.N * (s.N + s.I + 1)}
	w, err := NewWorker[float64](s, mp, gc)
	if err != nil {
		t.Fatal(err)
	}
	grad := make([]float64, len(theta))
	if _, err := w.Batch(grad, x, y, n, loss); err != nil {
		t.Fatal(err)
	}
	// The reference: finite differences of the BPTT-free forward.
	wf, _ := NewWorker[float64](s, mp, Gradient{})
	f := func(th []float64) (float64, error) {
		mp.theta = th
		ls, err := wf.Batch(nil, x, y, n, loss)
		return ls.Sum, err
	}
	res, err := learn.GradCheck(f, theta, grad, learn.GradCheckConfig{RelTol: tol, AbsTol: 1e-7})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Errorf("%v", res)
	}
	if math.IsNaN(res.MaxRelErr) {
		t.Errorf("NaN")
	}
}

// TestAdjointMatchesFineBPTT compares the continuous adjoint gradient with
// BPTT through a fine RK4 discretisation: both approximate the gradient of
// the continuous problem, the difference is O(h⁴) plus the solvers'
// tolerances.
func TestAdjointMatchesFineBPTT(t *testing.T) {
	base := testSpec(ode.RK4, Tanh, []Pop{{0, 4, 1.0}, {4, 2, 0.5}})
	base.Substeps = 64
	cases := []struct {
		name  string
		adj   learn.AdjointConfig
		every int
		tol   float64
	}{
		{"dopri5/ckpt1", learn.AdjointConfig{Rtol: 1e-11, Atol: 1e-13}, 1, 1e-7},
		{"dopri5/nockpt", learn.AdjointConfig{Rtol: 1e-11, Atol: 1e-13}, 0, 1e-6},
		{"dopri5/fullnorm", learn.AdjointConfig{Rtol: 1e-11, Atol: 1e-13, FullNorm: true}, 2, 1e-7},
		{"rk4", learn.AdjointConfig{Method: ode.RK4, Substeps: 64}, 1, 1e-7},
	}
	losses := []learn.Loss{{Kind: learn.LossLast}, {Kind: learn.LossAll}, {Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 4},
		{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 4, Forcing: 0.3}}
	const n, L = 3, 5
	for _, c := range cases {
		for _, loss := range losses {
			t.Run(fmt.Sprintf("%s/%s/forcing%g", c.name, loss.Kind, loss.Forcing), func(t *testing.T) {
				theta, x, yLast, yAll := randomProblem(base, n, L, 11)
				y := yLast
				if loss.Kind == learn.LossAll {
					y = yAll
				}
				mp := &direct[float64]{theta: theta, nw: base.N * (base.N + base.I + 1)}
				ref, _ := NewWorker[float64](base, mp, Gradient{})
				gRef := make([]float64, len(theta))
				lsRef, err := ref.Batch(gRef, x, y, n, loss)
				if err != nil {
					t.Fatal(err)
				}
				fwd := base
				fwd.Method, fwd.Rtol, fwd.Atol = ode.Dopri5, 1e-12, 1e-14
				cfg := c.adj
				aw, err := NewWorker[float64](fwd, mp, Gradient{Adjoint: &cfg, CheckpointEvery: c.every})
				if err != nil {
					t.Fatal(err)
				}
				g := make([]float64, len(theta))
				ls, err := aw.Batch(g, x, y, n, loss)
				if err != nil {
					t.Fatal(err)
				}
				if d := math.Abs(ls.Sum - lsRef.Sum); d > 1e-9*lsRef.Sum {
					t.Errorf("loss %v vs fine RK4 %v", ls.Sum, lsRef.Sum)
				}
				scale := learn.Norm(gRef)
				worst := 0.0
				for i := range g {
					worst = math.Max(worst, math.Abs(g[i]-gRef[i]))
				}
				if worst > c.tol*scale {
					t.Errorf("max |adjoint − BPTT| = %.3g, gradient norm %.3g (tolerance %.1g relative)", worst, scale, c.tol)
				}
			})
		}
	}
}

// Input noise applies to training batches only, is deterministic, and
// changes the gradient.
func TestInputNoise(t *testing.T) {
	s := testSpec(ode.Euler, Tanh, []Pop{{0, 5, 1}})
	s.Substeps = 1
	theta, x, y, _ := randomProblem(s, 3, 5, 9)
	mp := &direct[float64]{theta: theta, nw: s.N * (s.N + s.I + 1)}
	clean, _ := NewWorker[float64](s, mp, Gradient{})
	noisy, err := NewWorker[float64](s, mp, Gradient{InputNoise: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	loss := learn.Loss{Kind: learn.LossNext, Warmup: 2}
	a, _ := clean.Batch(nil, x, y, 3, loss)
	b, _ := noisy.Batch(nil, x, y, 3, loss)
	if a != b {
		t.Errorf("evaluation with noise %v, without %v", b, a)
	}
	g0 := make([]float64, len(theta))
	g1 := make([]float64, len(theta))
	g2 := make([]float64, len(theta))
	clean.Batch(g0, x, y, 3, loss)
	l1, _ := noisy.Batch(g1, x, y, 3, loss)
	l2, _ := noisy.Batch(g2, x, y, 3, loss)
	if l1 != l2 || l1 == a {
		t.Errorf("noisy training losses %v, %v (clean %v)", l1, l2, a)
	}
	same := true
	for i := range g1 {
		if g1[i] != g2[i] {
			t.Fatal("noisy gradient not deterministic")
		}
		same = same && g1[i] == g0[i]
	}
	if same {
		t.Error("noise did not change the gradient")
	}
	if _, err := NewWorker[float64](s, mp, Gradient{InputNoise: -1}); err == nil {
		t.Error("negative InputNoise accepted")
	}
}

// Generalized teacher forcing interpolates between the free-running loop
// (α = 0) and teacher forcing (α → 1, LossNext on the same outputs);
// values outside [0, 1) are rejected by name.
func TestForcing(t *testing.T) {
	s := testSpec(ode.Euler, Tanh, []Pop{{0, 5, 1}})
	s.Substeps = 1
	const n, L = 3, 5
	theta, x, y, _ := randomProblem(s, n, L, 13)
	mp := &direct[float64]{theta: theta, nw: s.N * (s.N + s.I + 1)}
	w, _ := NewWorker[float64](s, mp, Gradient{})
	loss := func(a float64) float64 {
		t.Helper()
		ls, err := w.Batch(nil, x, y, n, learn.Loss{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: L - 1, Forcing: a})
		if err != nil {
			t.Fatal(err)
		}
		return ls.Sum
	}
	next, _ := w.Batch(nil, x, y, n, learn.Loss{Kind: learn.LossNext, Warmup: 2})
	free, forced, half := loss(0), loss(1-1e-12), loss(0.5)
	if math.Abs(forced-next.Sum) > 1e-9*next.Sum {
		t.Errorf("α → 1: loss %v, teacher forcing %v", forced, next.Sum)
	}
	if half == free || half == forced {
		t.Errorf("α = 0.5 gives %v (free %v, forced %v)", half, free, forced)
	}
	for _, a := range []float64{-0.1, 1, math.NaN()} {
		l := learn.Loss{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 2, Forcing: a}
		if err := l.Validate(); err == nil || !strings.Contains(err.Error(), "Forcing") {
			t.Errorf("Forcing %v: error %v", a, err)
		}
	}
}

// A worker given targets of the wrong size says what it expected per
// sample (it said "y = 128 values: must be 192 values for loss last").
func TestBatchTargetSizeMessage(t *testing.T) {
	s := testSpec(ode.Euler, Tanh, []Pop{{Start: 0, Len: 3, Tau: 1}})
	theta, x, yLast, _ := randomProblem(s, 3, 5, 7)
	w, err := NewWorker[float64](s, &direct[float64]{theta: theta, nw: s.N * (s.N + s.I + 1)}, Gradient{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		loss learn.Loss
		y    []float64
		want string
	}{
		{learn.Loss{}, yLast[:4], "leaky: y = 4 values for 3 samples: must be 6 values for loss last (the model's 2 outputs per sample)"},
		{learn.Loss{Kind: learn.LossAll}, yLast, "leaky: y = 6 values for 3 samples: must be 30 values for loss all (the model's 2 outputs per step of the 5-step samples)"},
	} {
		if _, err := w.Batch(nil, x, tc.y, 3, tc.loss); err == nil || err.Error() != tc.want {
			t.Errorf("Batch(%v) = %v, want %q", tc.loss.Kind, err, tc.want)
		}
	}
}
