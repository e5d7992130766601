package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
)

// Literature values: Lorenz-63 (Sprott), Hénon a=1.4 b=0.3, Rössler
// a=b=0.2 c=5.7.
var (
	lorenzSpectrum  = []float64{0.9056, 0, -14.5723}
	henonSpectrum   = []float64{0.41922, -1.62319}
	rosslerSpectrum = []float64{0.0714, 0, -5.3943}
)

func TestFlowSpectrumLorenz(t *testing.T) {
	T := 10000.0
	if testing.Short() {
		T = 1000
	}
	s, err := FlowSpectrum(Lorenz63{}, []float64{1, 1, 1}, FlowSpectrumConfig{Duration: T})
	if err != nil {
		t.Fatal(err)
	}
	l := s.Exponents
	t.Logf("Lorenz-63 (T = %g, RK4 dt 0.01): λ = %.4f ± %.4f, %.4f ± %.4f, %.4f ± %.4f; sum %.5f; D_KY %.4f; drift %.1e",
		s.Time, l[0], s.StdErr[0], l[1], s.StdErr[1], l[2], s.StdErr[2], s.Sum(), s.KaplanYorke(), s.Drift())
	if math.Abs(l[0]/lorenzSpectrum[0]-1) > 0.01 || math.Abs(l[1]) > 0.01 || math.Abs(l[2]/lorenzSpectrum[2]-1) > 0.01 {
		t.Fatalf("spectrum %v, want (0.906, 0, −14.57) within 1%% / 0.01 / 1%%", l)
	}
	// The divergence is constant: −(σ + 1 + β).
	if d := s.Sum() + 10 + 1 + 8.0/3; math.Abs(d) > 1e-3 {
		t.Fatalf("sum of exponents %v, want −13.6667 (off by %g)", s.Sum(), d)
	}
	if ky := s.KaplanYorke(); math.Abs(ky-2.062) > 0.01 {
		t.Fatalf("Kaplan–Yorke dimension %v, want 2.062", ky)
	}
	if s.Time != T || s.Renorms != int(10*T) || len(s.History) != 100 || s.HistoryTime[99] != T {
		t.Fatalf("bookkeeping: time %v renorms %d history %d (last at %v)", s.Time, s.Renorms, len(s.History), s.HistoryTime[len(s.HistoryTime)-1])
	}
	for i, v := range s.History[99] {
		if v != l[i] {
			t.Fatalf("last history row %v differs from the exponents %v", s.History[99], l)
		}
	}
	for i, e := range s.StdErr {
		if !(e > 0 && e < 0.02) {
			t.Fatalf("StdErr[%d] = %v, want small and positive", i, e)
		}
	}
	// K = 1 gives the same largest exponent.
	s1, err := FlowSpectrum(Lorenz63{}, []float64{1, 1, 1}, FlowSpectrumConfig{K: 1, Duration: 200})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s1.Exponents[0]/0.906-1) > 0.05 {
		t.Fatalf("K=1 over 200 time units: λ₁ = %v", s1.Exponents[0])
	}
}

func TestFlowSpectrumRossler(t *testing.T) {
	if testing.Short() {
		t.Skip("long averaging time")
	}
	s, err := FlowSpectrum(Rossler{}, []float64{1, 1, 1}, FlowSpectrumConfig{Dt: 0.02, Duration: 10000})
	if err != nil {
		t.Fatal(err)
	}
	l := s.Exponents
	t.Logf("Rössler: %.4f %.4f %.4f (stderr %.4f)", l[0], l[1], l[2], s.StdErr)
	if math.Abs(l[0]/rosslerSpectrum[0]-1) > 0.05 || math.Abs(l[1]) > 0.005 || math.Abs(l[2]/rosslerSpectrum[2]-1) > 0.01 {
		t.Fatalf("Rössler spectrum %v, want %v", l, rosslerSpectrum)
	}
}

func TestMapSpectrumHenon(t *testing.T) {
	s, err := MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Hénon: %.5f ± %.5f, %.5f ± %.5f (%d iterations)", s.Exponents[0], s.StdErr[0], s.Exponents[1], s.StdErr[1], int(s.Time))
	for i, want := range henonSpectrum {
		if math.Abs(s.Exponents[i]/want-1) > 0.01 {
			t.Fatalf("Hénon spectrum %v, want %v within 1%%", s.Exponents, henonSpectrum)
		}
	}
	// |det J| = b: the exponents sum to ln 0.3 at every step.
	if d := s.Sum() - math.Log(0.3); math.Abs(d) > 1e-10 {
		t.Fatalf("sum %v, want ln 0.3 (off by %g)", s.Sum(), d)
	}
	if ky := s.KaplanYorke(); math.Abs(ky-1.258) > 0.01 {
		t.Fatalf("Kaplan–Yorke dimension %v, want 1.258", ky)
	}
}

func TestSpectrumDeterministic(t *testing.T) {
	c := FlowSpectrumConfig{Duration: 50, Transient: 10}
	a, _ := FlowSpectrum(Lorenz63{}, []float64{1, 1, 1}, c)
	b, _ := FlowSpectrum(Lorenz63{}, []float64{1, 1, 1}, c)
	for i := range a.Exponents {
		if a.Exponents[i] != b.Exponents[i] {
			t.Fatalf("two runs differ: %v vs %v", a.Exponents, b.Exponents)
		}
	}
}

func TestSpectrumErrors(t *testing.T) {
	x0 := []float64{1, 1, 1}
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"K too large", func() error { _, err := FlowSpectrum(Lorenz63{}, x0, FlowSpectrumConfig{K: 4}); return err }},
		{"adaptive method", func() error {
			_, err := FlowSpectrum(Lorenz63{}, x0, FlowSpectrumConfig{Method: ode.Dopri5})
			return err
		}},
		{"bad method", func() error { _, err := FlowSpectrum(Lorenz63{}, x0, FlowSpectrumConfig{Method: "rk9"}); return err }},
		{"negative dt", func() error { _, err := FlowSpectrum(Lorenz63{}, x0, FlowSpectrumConfig{Dt: -1}); return err }},
		{"x0 length", func() error { _, err := FlowSpectrum(Lorenz63{}, x0[:2], FlowSpectrumConfig{}); return err }},
		{"x0 NaN", func() error {
			_, err := FlowSpectrum(Lorenz63{}, []float64{1, math.NaN(), 1}, FlowSpectrumConfig{})
			return err
		}},
		{"map steps", func() error {
			_, err := MapSpectrum(Henon{}, []float64{0, 0}, MapSpectrumConfig{Steps: 3, Renorm: 5})
			return err
		}},
		{"map K", func() error { _, err := MapSpectrum(Henon{}, []float64{0, 0}, MapSpectrumConfig{K: -1}); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, param.ErrInvalid) {
				t.Fatalf("err = %v, want a param error", err)
			}
		})
	}
	// Divergence is reported, not hidden.
	_, err := MapSpectrum(Henon{A: 3}, []float64{2, 2}, MapSpectrumConfig{Steps: 1000})
	if !errors.Is(err, ode.ErrNonFinite) {
		t.Fatalf("diverging map: err = %v, want ErrNonFinite", err)
	}
}

// tanhRNN is a small discrete-time RNN h' = tanh(W h + U x + b) with
// linear readout y = D h + d, a learn.StepMap with analytic Jacobians.
type tanhRNN struct {
	n, io   int
	w, u, b []float64
	dd, d0  []float64
	h, a    []float64
}

func newTanhRNN(n, io int, gain float64, seed uint64) *tanhRNN {
	r := rand.New(rand.NewPCG(seed, 7))
	m := &tanhRNN{n: n, io: io, w: make([]float64, n*n), u: make([]float64, n*io), b: make([]float64, n),
		dd: make([]float64, io*n), d0: make([]float64, io), h: make([]float64, n), a: make([]float64, n)}
	for i := range m.w {
		m.w[i] = gain * r.NormFloat64() / math.Sqrt(float64(n))
	}
	for i := range m.u {
		m.u[i] = 0.5 * r.NormFloat64()
	}
	for i := range m.b {
		m.b[i] = 0.1 * r.NormFloat64()
	}
	for i := range m.dd {
		m.dd[i] = r.NormFloat64() / math.Sqrt(float64(n))
	}
	for i := range m.d0 {
		m.d0[i] = 0.1 * r.NormFloat64()
	}
	return m
}

func (m *tanhRNN) InputDim() int          { return m.io }
func (m *tanhRNN) OutputDim() int         { return m.io }
func (m *tanhRNN) StateDim() int          { return m.n }
func (m *tanhRNN) Reset()                 { clear(m.h) }
func (m *tanhRNN) State(dst []float64)    { copy(dst, m.h) }
func (m *tanhRNN) SetState(src []float64) { copy(m.h, src) }
func (m *tanhRNN) StepTime() float64      { return 0.5 }
func (m *tanhRNN) pre(h, x []float64) {
	for i := 0; i < m.n; i++ {
		s := m.b[i]
		for j := 0; j < m.n; j++ {
			s += m.w[i*m.n+j] * h[j]
		}
		for j := 0; j < m.io; j++ {
			s += m.u[i*m.io+j] * x[j]
		}
		m.a[i] = s
	}
}
func (m *tanhRNN) decode(y, h []float64) {
	for o := 0; o < m.io; o++ {
		s := m.d0[o]
		for j := 0; j < m.n; j++ {
			s += m.dd[o*m.n+j] * h[j]
		}
		y[o] = s
	}
}
func (m *tanhRNN) Step(y, x []float64) {
	m.pre(m.h, x)
	for i := range m.h {
		m.h[i] = math.Tanh(m.a[i])
	}
	m.decode(y, m.h)
}
func (m *tanhRNN) StepJacobian(jh, jx, h, x []float64) {
	m.pre(h, x)
	for i := 0; i < m.n; i++ {
		t := math.Tanh(m.a[i])
		s := 1 - t*t
		for j := 0; j < m.n; j++ {
			jh[i*m.n+j] = s * m.w[i*m.n+j]
		}
		for j := 0; j < m.io; j++ {
			jx[i*m.io+j] = s * m.u[i*m.io+j]
		}
	}
}
func (m *tanhRNN) DecoderJacobian(jd []float64) { copy(jd, m.dd) }

var _ learn.StepMap = (*tanhRNN)(nil)

// rnnClosedLoop is the closed-loop map of a tanhRNN written out by hand:
// h' = tanh(W h + U (D h + d) + b), Jacobian diag(1 − h'²)(W + U D).
type rnnClosedLoop struct{ m *tanhRNN }

func (c rnnClosedLoop) Dim() int { return c.m.n }
func (c rnnClosedLoop) Next(dst, h []float64) {
	y := make([]float64, c.m.io)
	c.m.decode(y, h)
	c.m.SetState(h)
	c.m.Step(y, y)
	c.m.State(dst)
}
func (c rnnClosedLoop) Jacobian(jac, h []float64) {
	m := c.m
	y := make([]float64, m.io)
	m.decode(y, h)
	m.pre(h, y)
	for i := 0; i < m.n; i++ {
		t := math.Tanh(m.a[i])
		s := 1 - t*t
		for j := 0; j < m.n; j++ {
			v := m.w[i*m.n+j]
			for k := 0; k < m.io; k++ {
				v += m.u[i*m.io+k] * m.dd[k*m.n+j]
			}
			jac[i*m.n+j] = s * v
		}
	}
}

// TestModelSpectrumMatchesClosedLoopMap checks the assembly
// J = ∂G/∂h + ∂G/∂x·D against the closed-loop map written out by hand.
func TestModelSpectrumMatchesClosedLoopMap(t *testing.T) {
	m := newTanhRNN(8, 3, 2.5, 3)
	warm := make([]float64, 3*20)
	for i := range warm {
		warm[i] = math.Sin(float64(i))
	}
	c := MapSpectrumConfig{Steps: 4000, Transient: 200}
	got, err := ModelSpectrum(m, warm, c)
	if err != nil {
		t.Fatal(err)
	}
	// The same start: the state after the warm-up.
	m.Reset()
	y := make([]float64, 3)
	for i := 0; i < 20; i++ {
		m.Step(y, warm[3*i:3*i+3])
	}
	h0 := make([]float64, 8)
	m.State(h0)
	want, err := MapSpectrum(rnnClosedLoop{m}, h0, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("closed-loop RNN spectrum: %.4f", got.Exponents)
	for i := range want.Exponents {
		// MapSpectrum counts per iteration, ModelSpectrum per StepTime 0.5.
		if d := got.Exponents[i]*0.5 - want.Exponents[i]; math.Abs(d) > 1e-9 {
			t.Fatalf("exponent %d: model %v, map %v (per step)", i, got.Exponents[i]*0.5, want.Exponents[i])
		}
	}
	if !(got.Exponents[0] > 0) {
		t.Logf("note: this RNN is not chaotic (λ₁ = %v)", got.Exponents[0])
	}
}

// lorenzStepMap is a perfect "trained model" of Lorenz-63: its state is
// the Lorenz state, one step integrates the input over 0.01 time units
// with classic RK4 and outputs the new state (D = I). ∂G/∂h = 0 and ∂G/∂x
// is the exact Jacobian of the RK4 step (the variational equation
// integrated with the same scheme).
type lorenzStepMap struct {
	h, aug []float64
	solver *ode.Fixed[float64]
	jac    []float64
}

func newLorenzStepMap() *lorenzStepMap {
	s, _ := ode.NewFixed[float64](ode.RK4, 12)
	return &lorenzStepMap{h: make([]float64, 3), aug: make([]float64, 12), solver: s, jac: make([]float64, 9)}
}

func (l *lorenzStepMap) InputDim() int          { return 3 }
func (l *lorenzStepMap) OutputDim() int         { return 3 }
func (l *lorenzStepMap) StateDim() int          { return 3 }
func (l *lorenzStepMap) Reset()                 { clear(l.h) }
func (l *lorenzStepMap) State(dst []float64)    { copy(dst, l.h) }
func (l *lorenzStepMap) SetState(src []float64) { copy(l.h, src) }
func (l *lorenzStepMap) StepTime() float64      { return 0.01 }
func (l *lorenzStepMap) rhs(_ float64, y, dydt []float64) {
	f := Lorenz63{}
	f.VectorField(dydt[:3], y[:3])
	f.Jacobian(l.jac, y[:3])
	for c := 0; c < 3; c++ { // columns of V stored as rows c of y[3:]
		for i := 0; i < 3; i++ {
			var s float64
			for k := 0; k < 3; k++ {
				s += l.jac[i*3+k] * y[3+c*3+k]
			}
			dydt[3+c*3+i] = s
		}
	}
}
func (l *lorenzStepMap) Step(y, x []float64) {
	clear(l.aug)
	copy(l.aug, x)
	l.solver.Step(l.rhs, 0, 0.01, l.aug)
	copy(l.h, l.aug[:3])
	copy(y, l.h)
}
func (l *lorenzStepMap) StepJacobian(jh, jx, h, x []float64) {
	clear(jh)
	clear(l.aug)
	copy(l.aug, x)
	for c := 0; c < 3; c++ {
		l.aug[3+c*3+c] = 1
	}
	l.solver.Step(l.rhs, 0, 0.01, l.aug)
	for c := 0; c < 3; c++ {
		for i := 0; i < 3; i++ {
			jx[i*3+c] = l.aug[3+c*3+i]
		}
	}
}
func (l *lorenzStepMap) DecoderJacobian(jd []float64) {
	clear(jd)
	jd[0], jd[4], jd[8] = 1, 1, 1
}

// TestModelSpectrumPerfectLorenzModel runs ModelSpectrum on a model that
// is the exact RK4 flow map: it must recover the Lorenz spectrum.
func TestModelSpectrumPerfectLorenzModel(t *testing.T) {
	d := dsLorenz(t)
	steps := 100000
	if testing.Short() {
		steps = 20000
	}
	s, err := ModelSpectrum(newLorenzStepMap(), d.raw[:150], MapSpectrumConfig{Steps: steps, Renorm: 10})
	if err != nil {
		t.Fatal(err)
	}
	l := s.Exponents
	t.Logf("perfect model, %g time units: %.4f %.4f %.4f (stderr %.4f)", s.Time, l[0], l[1], l[2], s.StdErr)
	// Finite-time estimates over 1000 time units scatter by about 1%
	// from start to start (batch standard error ≈ 0.005–0.01).
	tol := 0.03
	if testing.Short() {
		tol = 0.05
	}
	if math.Abs(l[0]/lorenzSpectrum[0]-1) > tol || math.Abs(l[1]) > 0.02 || math.Abs(l[2]/lorenzSpectrum[2]-1) > tol {
		t.Fatalf("spectrum %v, want (0.906, 0, −14.57)", l)
	}
}

// scaleModel is x' = a·x (+ input when driven); its exponent is ln|a| per
// step.
type scaleModel struct {
	a    float64
	x    []float64
	in   int
	zero bool // reset the state to 0 every step (trajectories merge)
}

func (m *scaleModel) InputDim() int          { return m.in }
func (m *scaleModel) OutputDim() int         { return m.in }
func (m *scaleModel) StateDim() int          { return len(m.x) }
func (m *scaleModel) Reset()                 { clear(m.x) }
func (m *scaleModel) State(dst []float64)    { copy(dst, m.x) }
func (m *scaleModel) SetState(src []float64) { copy(m.x, src) }
func (m *scaleModel) Step(y, u []float64) {
	for i := range m.x {
		m.x[i] *= m.a
		if m.in > 0 {
			m.x[i] += u[i%m.in]
		}
		if m.zero {
			m.x[i] = 0
		}
	}
	copy(y, m.x)
}

func TestPerturbationLyapunovExact(t *testing.T) {
	m := &scaleModel{a: 0.9, x: make([]float64, 4)}
	r, err := PerturbationLyapunov(m, PerturbationConfig{Dt: 2, Steps: 1000, Renorm: 5})
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(0.9) / 2; math.Abs(r.Lambda-want) > 1e-12 || r.Intervals != 200 || r.Collapsed != 0 {
		t.Fatalf("autonomous x' = 0.9x: λ = %v (%d intervals), want %v", r.Lambda, r.Intervals, want)
	}
	// Driven: both trajectories get the same input; the input cancels.
	drive := make([]float64, 2*3000)
	for i := range drive {
		drive[i] = math.Cos(float64(i))
	}
	md := &scaleModel{a: 0.5, x: make([]float64, 2), in: 2}
	r, err = PerturbationLyapunov(md, PerturbationConfig{Dt: 1, Drive: drive, Steps: 2000, Mask: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(0.5); math.Abs(r.Lambda-want) > 1e-9 {
		t.Fatalf("driven x' = 0.5x + u: λ = %v, want %v", r.Lambda, want)
	}
	// Closed loop with a merging model: every interval collapses.
	mz := &scaleModel{a: 2, x: make([]float64, 2), in: 2, zero: true}
	r, err = PerturbationLyapunov(mz, PerturbationConfig{Dt: 1, Steps: 100})
	if err != nil {
		t.Fatal(err)
	}
	if r.Collapsed != 10 || r.Intervals != 0 || !math.IsInf(r.Lambda, -1) {
		t.Fatalf("merging model: %+v, want 10 collapsed intervals and λ = −Inf", r)
	}
}

// lorenzStepper is the Lorenz flow as an autonomous learn.Stepper (no
// input, output = state).
type lorenzStepper struct{ m *lorenzStepMap }

func (l lorenzStepper) InputDim() int          { return 0 }
func (l lorenzStepper) OutputDim() int         { return 3 }
func (l lorenzStepper) StateDim() int          { return 3 }
func (l lorenzStepper) Reset()                 { copy(l.m.h, []float64{-4.9, -3.5, 25}) }
func (l lorenzStepper) State(dst []float64)    { copy(dst, l.m.h) }
func (l lorenzStepper) SetState(src []float64) { copy(l.m.h, src) }
func (l lorenzStepper) Step(y, _ []float64)    { l.m.Step(y, l.m.h) }

func TestPerturbationLyapunovLorenz(t *testing.T) {
	steps := 100000
	if testing.Short() {
		steps = 20000
	}
	r, err := PerturbationLyapunov(lorenzStepper{newLorenzStepMap()}, PerturbationConfig{Dt: 0.01, Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("two-trajectory Lorenz λ₁ = %.4f ± %.4f over %d steps", r.Lambda, r.StdErr, steps)
	if math.Abs(r.Lambda/lorenzSpectrum[0]-1) > 0.05 {
		t.Fatalf("λ₁ = %v, want 0.906 within 5%%", r.Lambda)
	}
	// Same seed, same result; another seed, close result.
	r2, _ := PerturbationLyapunov(lorenzStepper{newLorenzStepMap()}, PerturbationConfig{Dt: 0.01, Steps: steps})
	if r2.Lambda != r.Lambda {
		t.Fatalf("not deterministic: %v vs %v", r.Lambda, r2.Lambda)
	}
}

func TestPerturbationLyapunovErrors(t *testing.T) {
	m := &scaleModel{a: 0.9, x: make([]float64, 2), in: 2}
	for _, tc := range []struct {
		name string
		c    PerturbationConfig
	}{
		{"no dt", PerturbationConfig{}},
		{"mask out of range", PerturbationConfig{Dt: 1, Mask: []int{2}}},
		{"mask repeated", PerturbationConfig{Dt: 1, Mask: []int{0, 0}}},
		{"mask empty", PerturbationConfig{Dt: 1, Mask: []int{}}},
		{"short drive", PerturbationConfig{Dt: 1, Drive: make([]float64, 10), Steps: 100}},
		// Steps < Renorm: no averaged interval (λ was −Inf with a nil
		// error); MapSpectrum refuses it alike.
		{"steps below renorm", PerturbationConfig{Dt: 1, Steps: 5, Renorm: 10}},
		{"ragged warmup", PerturbationConfig{Dt: 1, Warmup: make([]float64, 3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PerturbationLyapunov(m, tc.c); !errors.Is(err, param.ErrInvalid) {
				t.Fatalf("err = %v, want a param error", err)
			}
		})
	}
}

// lorenzPlus is Lorenz-63 with a decoupled stable coordinate placed first:
// dx₀/dt = −x₀. Its spectrum is Lorenz's plus −1.
type lorenzPlus struct{ Lorenz63 }

func (lorenzPlus) Dim() int { return 4 }
func (l lorenzPlus) VectorField(d, x []float64) {
	d[0] = -x[0]
	l.Lorenz63.VectorField(d[1:], x[1:])
}
func (l lorenzPlus) Jacobian(j, x []float64) {
	clear(j)
	j[0] = -1
	var a [9]float64
	l.Lorenz63.Jacobian(a[:], x[1:])
	for r := 0; r < 3; r++ {
		copy(j[(r+1)*4+1:(r+1)*4+4], a[r*3:r*3+3])
	}
}

// henonPlus is Hénon with a decoupled contracting coordinate x₀ ← x₀/2
// placed first: spectrum Hénon's plus ln ½.
type henonPlus struct{ Henon }

func (henonPlus) Dim() int { return 3 }
func (h henonPlus) Next(d, x []float64) {
	d[0] = 0.5 * x[0]
	h.Henon.Next(d[1:], x[1:])
}
func (h henonPlus) Jacobian(j, x []float64) {
	clear(j)
	j[0] = 0.5
	var a [4]float64
	h.Henon.Jacobian(a[:], x[1:])
	copy(j[4:6], a[0:2])
	copy(j[7:9], a[2:4])
}

// TestSpectrumInvariantSubspace: the tangent vectors used to start from
// the first K unit vectors; with a decoupled stable coordinate first, the
// first vector never left it (Lorenz K 1: −1.0000 instead of 0.904; K 4:
// [−1.000, 0.904, 0.0007, −14.571], not descending; Hénon K 1: −0.693
// instead of 0.419). The random orthonormal start finds the largest
// exponents in descending order.
func TestSpectrumInvariantSubspace(t *testing.T) {
	x0 := []float64{0.5, 1, 1, 1}
	s, err := FlowSpectrum(lorenzPlus{}, x0, FlowSpectrumConfig{K: 1, Duration: 500})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.Exponents[0]/lorenzSpectrum[0]-1) > 0.05 {
		t.Errorf("Lorenz plus a stable coordinate, K 1: λ₁ = %v, want 0.906", s.Exponents[0])
	}
	s, err = FlowSpectrum(lorenzPlus{}, x0, FlowSpectrumConfig{Duration: 500})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{lorenzSpectrum[0], 0, -1, lorenzSpectrum[2]}
	for i, w := range want {
		if math.Abs(s.Exponents[i]-w) > 0.05*math.Max(1, math.Abs(w)) {
			t.Errorf("Lorenz plus a stable coordinate, K 4: %.4f, want %.4f (descending)", s.Exponents, want)
			break
		}
	}
	m, err := MapSpectrum(henonPlus{}, []float64{1, 0.1, 0.1}, MapSpectrumConfig{K: 1, Steps: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Exponents[0]/henonSpectrum[0]-1) > 0.02 {
		t.Errorf("Hénon plus a contracting coordinate, K 1: λ₁ = %v, want 0.419", m.Exponents[0])
	}
	// The seed changes the start, not the converged exponents.
	a, _ := MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{Steps: 20000, Seed: 1})
	b, _ := MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{Steps: 20000, Seed: 2})
	d, _ := MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{Steps: 20000})
	for i := range a.Exponents {
		if math.Abs(a.Exponents[i]-b.Exponents[i]) > 1e-3 || a.Exponents[i] != d.Exponents[i] {
			t.Fatalf("seeds 1, 2, default: %v %v %v", a.Exponents, b.Exponents, d.Exponents)
		}
	}
}

// TestSpectrumBookkeeping: one batch has no standard error (it was
// reported as 0), and History has at most one row per renormalisation (5
// renormalisations gave 100 rows, repeated).
func TestSpectrumBookkeeping(t *testing.T) {
	f, err := FlowSpectrum(Lorenz63{}, []float64{1, 1, 1}, FlowSpectrumConfig{Blocks: 1, Duration: 20})
	if err != nil {
		t.Fatal(err)
	}
	m, err := MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{Steps: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Spectrum{f, m} {
		for _, e := range s.StdErr {
			if !math.IsNaN(e) {
				t.Fatalf("one batch: StdErr %v, want NaN", s.StdErr)
			}
		}
	}
	m, err = MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{Steps: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.History) != 5 || m.HistoryTime[4] != 5 || m.HistoryTime[0] != 1 {
		t.Fatalf("5 renormalisations: %d history rows at %v, want 5 at 1..5", len(m.History), m.HistoryTime)
	}
	if !(m.StdErr[0] > 0) {
		t.Fatalf("5 batches: StdErr %v, want > 0", m.StdErr)
	}
	// Steps is rounded down to whole Renorm intervals, as documented.
	m, err = MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{Steps: 1000, Renorm: 7})
	if err != nil {
		t.Fatal(err)
	}
	if m.Time != 994 || m.Renorms != 142 {
		t.Fatalf("Steps 1000, Renorm 7: time %v, %d renormalisations; want 994, 142", m.Time, m.Renorms)
	}
}

// TestPerturbationLyapunovDriveLength: a Drive of exactly the documented
// Transient+Steps steps is enough. The transient used to run whole Renorm
// intervals (⌈5/10⌉·10 = 10 steps), so Drive 105, Transient 5, Steps 100
// panicked with slice bounds out of range [:106] with capacity 105; the
// transient now ends after Transient steps. One block gives StdErr NaN
// (it was 0).
func TestPerturbationLyapunovDriveLength(t *testing.T) {
	md := &scaleModel{a: 0.5, x: make([]float64, 1), in: 1}
	drive := make([]float64, 105)
	for i := range drive {
		drive[i] = math.Sin(float64(i))
	}
	r, err := PerturbationLyapunov(md, PerturbationConfig{Dt: 1, Drive: drive, Transient: 5, Steps: 100})
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(0.5); math.Abs(r.Lambda-want) > 1e-6 || r.Intervals != 10 {
		t.Fatalf("driven h' = 0.5h + x: λ = %v over %d intervals, want %v over 10", r.Lambda, r.Intervals, want)
	}
	_, err = PerturbationLyapunov(md, PerturbationConfig{Dt: 1, Drive: drive[:104], Transient: 5, Steps: 100})
	paramtest.Check(t, err, "Drive")
	r, err = PerturbationLyapunov(md, PerturbationConfig{Dt: 1, Drive: drive, Transient: 5, Steps: 100, Blocks: 1})
	if err != nil || !math.IsNaN(r.StdErr) {
		t.Fatalf("one block: StdErr %v (err %v), want NaN", r, err)
	}
}
