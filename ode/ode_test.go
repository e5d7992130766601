package ode

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// problem is a closed-form test problem on [0, T].
type problem struct {
	name  string
	n     int
	f     Func[float64]
	y0    []float64
	T     float64
	exact func(t float64, dst []float64)
}

func problems() []problem {
	return []problem{
		{
			name: "exp", n: 1, T: 1, y0: []float64{1},
			f:     func(t float64, y, dy []float64) { dy[0] = -1.3 * y[0] },
			exact: func(t float64, d []float64) { d[0] = math.Exp(-1.3 * t) },
		},
		{
			// y' = -2 t y², y(0) = 1: y = 1/(1+t²).
			name: "riccati", n: 1, T: 1, y0: []float64{1},
			f:     func(t float64, y, dy []float64) { dy[0] = -2 * t * y[0] * y[0] },
			exact: func(t float64, d []float64) { d[0] = 1 / (1 + t*t) },
		},
		{
			// Rotation: y' = ω J y.
			name: "rotation", n: 2, T: 3, y0: []float64{1, 0},
			f: func(t float64, y, dy []float64) {
				dy[0] = -2 * y[1]
				dy[1] = 2 * y[0]
			},
			exact: func(t float64, d []float64) { d[0], d[1] = math.Cos(2*t), math.Sin(2*t) },
		},
		{
			// Non-autonomous: y' = cos(t) y, y = exp(sin t); checks stage times.
			name: "nonautonomous", n: 1, T: 2, y0: []float64{1},
			f:     func(t float64, y, dy []float64) { dy[0] = math.Cos(t) * y[0] },
			exact: func(t float64, d []float64) { d[0] = math.Exp(math.Sin(t)) },
		},
	}
}

func maxErr(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestFixedConvergenceOrder(t *testing.T) {
	type meth struct {
		name  string
		tab   Tableau
		order float64
	}
	var ms []meth
	for _, m := range []Method{Euler, Midpoint, RK4, RK38, Dopri5} {
		tb, err := m.Tableau()
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, meth{string(m), tb, float64(tb.Order)})
	}
	// The embedded 4th-order solution of Dopri5, as a method of its own.
	emb, _ := Dopri5.Tableau()
	emb.B = emb.BHat
	ms = append(ms, meth{"dopri5-embedded", emb, 4})
	for _, m := range ms {
		for _, p := range problems() {
			t.Run(m.name+"/"+p.name, func(t *testing.T) {
				s, err := NewFixedTableau[float64](m.tab, p.n)
				if err != nil {
					t.Fatal(err)
				}
				want := make([]float64, p.n)
				p.exact(p.T, want)
				// Step counts chosen so errors are far above round-off.
				base := 16
				if m.order >= 4 {
					base = 8
				}
				var errs []float64
				for k := 0; k < 4; k++ {
					steps := base << k
					y := append([]float64(nil), p.y0...)
					if err := s.Integrate(p.f, 0, p.T, steps, y); err != nil {
						t.Fatal(err)
					}
					errs = append(errs, maxErr(y, want))
				}
				// Observed order from the two finest pairs.
				obs := math.Log2(errs[2] / errs[3])
				if math.Abs(obs-m.order) > 0.2 {
					t.Errorf("observed order %.3f, want %.0f ± 0.2 (errors %.3g)", obs, m.order, errs)
				}
				t.Logf("observed order %.3f (theory %.0f)", obs, m.order)
			})
		}
	}
}

func TestFixedSolveGrid(t *testing.T) {
	// One step per interval: with Euler on y' = 1 the result is exact and
	// the number of evaluations equals the number of non-empty intervals.
	s, err := NewFixed[float64](Euler, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := func(t float64, y, dy []float64) { dy[0] = 1 }
	ts := []float64{0, 0.5, 0.5, 2}
	out := make([]float64, len(ts))
	if err := s.Solve(f, 0, []float64{3}, ts, out); err != nil {
		t.Fatal(err)
	}
	want := []float64{3, 3.5, 3.5, 5}
	for i := range want {
		if out[i] != want[i] {
			t.Errorf("out[%d] = %v, want %v", i, out[i], want[i])
		}
	}
	if st := s.Stats(); st.Evals != 2 || st.Steps != 2 {
		t.Errorf("stats %+v, want 2 evals and 2 steps", st)
	}
	// Backward grid.
	if err := s.Solve(f, 2, []float64{5}, []float64{1, 0}, out[:2]); err != nil {
		t.Fatal(err)
	}
	if out[0] != 4 || out[1] != 3 {
		t.Errorf("backward: got %v, want [4 3]", out[:2])
	}
}

func TestTableauConsistency(t *testing.T) {
	// Row sums of A equal C; B sums to 1; FSAL property holds.
	for _, m := range Methods {
		tb, err := m.Tableau()
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Check(); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		for i, row := range tb.A {
			sum := 0.0
			for _, a := range row {
				sum += a
			}
			if math.Abs(sum-tb.C[i]) > 1e-14 {
				t.Errorf("%s: row %d sums to %v, want C=%v", m, i, sum, tb.C[i])
			}
		}
		for _, w := range [][]float64{tb.B, tb.BHat} {
			if w == nil {
				continue
			}
			sum := 0.0
			for _, b := range w {
				sum += b
			}
			if math.Abs(sum-1) > 1e-14 {
				t.Errorf("%s: weights sum to %v", m, sum)
			}
		}
		if tb.FSAL {
			last := tb.A[len(tb.A)-1]
			for j := range last {
				if last[j] != tb.B[j] {
					t.Errorf("%s: FSAL but A[s-1][%d]=%v != B=%v", m, j, last[j], tb.B[j])
				}
			}
		}
	}
	// Tableau returns copies: modifying one does not change the next.
	a, _ := RK4.Tableau()
	a.B[0] = 42
	a.A[1][0] = 42
	b, _ := RK4.Tableau()
	if b.B[0] != 1.0/6 || b.A[1][0] != 0.5 {
		t.Error("Tableau() shares storage between calls")
	}
}

func TestDopri5ErrorVsTolerance(t *testing.T) {
	for _, p := range problems() {
		t.Run(p.name, func(t *testing.T) {
			want := make([]float64, p.n)
			p.exact(p.T, want)
			prevErr, prevSteps := math.Inf(1), 0
			for _, tol := range []float64{1e-4, 1e-6, 1e-8, 1e-10} {
				s, err := NewDopri5[float64](p.n, Options{Rtol: tol, Atol: tol})
				if err != nil {
					t.Fatal(err)
				}
				out := make([]float64, p.n)
				if err := s.Solve(p.f, 0, p.y0, []float64{p.T}, out); err != nil {
					t.Fatal(err)
				}
				e := maxErr(out, want)
				st := s.Stats()
				// Global error within a modest multiple of the tolerance.
				if e > 30*tol {
					t.Errorf("tol %g: error %g > 30·tol", tol, e)
				}
				if !(e < prevErr) && e > 1e-14 {
					t.Errorf("tol %g: error %g did not decrease from %g", tol, e, prevErr)
				}
				if st.Accepted <= prevSteps {
					t.Errorf("tol %g: %d accepted steps, not more than %d at the looser tolerance", tol, st.Accepted, prevSteps)
				}
				if st.Evals != 2+6*st.Steps {
					t.Errorf("tol %g: %d evaluations, want 2 + 6·%d steps", tol, st.Evals, st.Steps)
				}
				prevErr, prevSteps = e, st.Accepted
			}
		})
	}
}

func TestDopri5DenseOutput(t *testing.T) {
	for _, p := range problems() {
		t.Run(p.name, func(t *testing.T) {
			const tol = 1e-9
			s, err := NewDopri5[float64](p.n, Options{Rtol: tol, Atol: tol})
			if err != nil {
				t.Fatal(err)
			}
			m := 997 // many more outputs than steps
			ts := make([]float64, m)
			for i := range ts {
				ts[i] = p.T * float64(i) / float64(m-1)
			}
			out := make([]float64, m*p.n)
			if err := s.Solve(p.f, 0, p.y0, ts, out); err != nil {
				t.Fatal(err)
			}
			if s.Stats().Accepted*5 > m {
				t.Fatalf("%d steps: too many for a dense-output test", s.Stats().Accepted)
			}
			want := make([]float64, p.n)
			worst := 0.0
			for i, ti := range ts {
				p.exact(ti, want)
				worst = math.Max(worst, maxErr(out[i*p.n:(i+1)*p.n], want))
			}
			if worst > 50*tol {
				t.Errorf("dense output error %g > 50·tol", worst)
			}
		})
	}
}

func TestDopri5DenseOrder(t *testing.T) {
	// The continuous extension is 4th order: over a single step of size h on
	// y' = -y, the mid-step error scales like h⁵ (local error of order 4+1).
	f := func(t float64, y, dy []float64) { dy[0] = -y[0] }
	var errs []float64
	for _, h := range []float64{0.4, 0.2, 0.1} {
		s, _ := NewDopri5[float64](1, Options{InitialStep: h, Rtol: 1, Atol: 1})
		if err := s.Init(f, 0, []float64{1}, 10); err != nil {
			t.Fatal(err)
		}
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
		if _, hh := s.LastStep(); hh != h {
			t.Fatalf("step %v, want %v", hh, h)
		}
		var y [1]float64
		s.DenseOutput(0.37*h, y[:])
		errs = append(errs, math.Abs(y[0]-math.Exp(-0.37*h)))
	}
	obs := math.Log2(errs[1] / errs[2])
	if math.Abs(obs-5) > 0.3 {
		t.Errorf("dense local error order %.2f, want 5 ± 0.3 (errors %v)", obs, errs)
	}
}

func TestDopri5Backward(t *testing.T) {
	f := func(t float64, y, dy []float64) { dy[0] = -2 * t * y[0] * y[0] }
	s, _ := NewDopri5[float64](1, Options{Rtol: 1e-10, Atol: 1e-12})
	ts := []float64{1.5, 0.5, 0}
	out := make([]float64, 3)
	if err := s.Solve(f, 2, []float64{1.0 / 5}, ts, out); err != nil {
		t.Fatal(err)
	}
	for i, ti := range ts {
		if e := math.Abs(out[i] - 1/(1+ti*ti)); e > 1e-9 {
			t.Errorf("t=%v: error %g", ti, e)
		}
	}
}

func TestFloat32(t *testing.T) {
	f := func(t float64, y, dy []float32) {
		dy[0] = -2 * y[1]
		dy[1] = 2 * y[0]
	}
	s, err := NewDopri5[float32](2, Options{Rtol: 1e-6, Atol: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, 2)
	if err := s.Solve(f, 0, []float32{1, 0}, []float64{3}, out); err != nil {
		t.Fatal(err)
	}
	if e := math.Hypot(float64(out[0])-math.Cos(6), float64(out[1])-math.Sin(6)); e > 1e-4 {
		t.Errorf("float32 dopri5 error %g", e)
	}
	r, _ := NewFixed[float32](RK38, 2)
	y := []float32{1, 0}
	if err := r.Integrate(f, 0, 3, 300, y); err != nil {
		t.Fatal(err)
	}
	if e := math.Hypot(float64(y[0])-math.Cos(6), float64(y[1])-math.Sin(6)); e > 1e-4 {
		t.Errorf("float32 rk38 error %g", e)
	}
}

func TestZeroAllocs(t *testing.T) {
	f := func(t float64, y, dy []float64) {
		dy[0] = 10 * (y[1] - y[0])
		dy[1] = y[0]*(28-y[2]) - y[1]
		dy[2] = y[0]*y[1] - 8.0/3*y[2]
	}
	s, _ := NewDopri5[float64](3, Options{Rtol: 1e-8, Atol: 1e-10})
	if err := s.Init(f, 0, []float64{1, 1, 1}, 1e9); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(200, func() {
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Dopri5 Step allocates %v per step", a)
	}
	var d [3]float64
	if a := testing.AllocsPerRun(100, func() { s.DenseOutput(s.T(), d[:]) }); a != 0 {
		t.Errorf("DenseOutput allocates %v", a)
	}
	ts := make([]float64, 100)
	for i := range ts {
		ts[i] = float64(i) * 0.01
	}
	out := make([]float64, 300)
	y0 := []float64{1, 1, 1}
	if a := testing.AllocsPerRun(20, func() {
		if err := s.Solve(f, 0, y0, ts, out); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Dopri5 Solve allocates %v", a)
	}
	r, _ := NewFixed[float64](RK4, 3)
	y := []float64{1, 1, 1}
	if a := testing.AllocsPerRun(100, func() { r.Step(f, 0, 0.001, y) }); a != 0 {
		t.Errorf("Fixed Step allocates %v", a)
	}
}

func TestOptionErrors(t *testing.T) {
	cases := []struct {
		name string
		o    Options
		n    int
		want string
	}{
		{"rtol", Options{Rtol: -1}, 1, "ode: Rtol = -1: must be finite and > 0"},
		{"rtol-nan", Options{Rtol: math.NaN()}, 1, "Rtol = NaN"},
		{"rtol-tiny", Options{Rtol: 1e-17}, 1, "Rtol = 1e-17"},
		{"atol", Options{Atol: -1e-3}, 1, "ode: Atol = -0.001"},
		{"atolvec-len", Options{AtolVec: []float64{1}}, 2, "AtolVec = length 1: must be nil or length n = 2"},
		{"atolvec-val", Options{AtolVec: []float64{1, 0}}, 2, "AtolVec[1] = 0"},
		{"safety", Options{Safety: 1.5}, 1, "Safety = 1.5: must be in (0, 1)"},
		{"minfactor", Options{MinFactor: 2}, 1, "MinFactor = 2"},
		{"maxfactor", Options{MaxFactor: 0.5}, 1, "MaxFactor = 0.5"},
		{"maxsteps", Options{MaxSteps: -3}, 1, "MaxSteps = -3"},
		{"beta", Options{Controller: ControllerI, Beta: 0.1}, 1, "Beta = 0.1: must be 0 with ControllerI"},
		{"controller", Options{Controller: 7}, 1, "Controller = 7"},
		{"n", Options{}, 0, "ode: n = 0: must be > 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewDopri5[float64](c.n, c.o)
			if err == nil {
				t.Fatal("want an error")
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %q, want it to contain %q and wrap param.ErrInvalid", err, c.want)
			}
		})
	}
	if err := Method("rk5").Validate(); err == nil || !strings.Contains(err.Error(), "ode: Method = rk5: must be one of euler, midpoint, rk4, rk38, dopri5") {
		t.Errorf("method error %v", err)
	}
	if _, err := New[float64](RK4, 2, Options{Rtol: 1e-3}); err == nil || !strings.Contains(err.Error(), "tolerances apply to dopri5 only") {
		t.Errorf("fixed with tolerances: %v", err)
	}
	s, _ := NewDopri5[float64](1, Options{})
	f := func(t float64, y, dy []float64) { dy[0] = -y[0] }
	out := make([]float64, 2)
	if err := s.Solve(f, 0, []float64{1}, []float64{1, 0.5}, out); err == nil || !strings.Contains(err.Error(), "ts[1] = 0.5: must be monotone") {
		t.Errorf("unsorted ts: %v", err)
	}
	if err := s.Solve(f, 0, []float64{math.NaN()}, []float64{1, 2}, out); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("NaN y0: %v", err)
	}
	bad := &Tableau{C: []float64{0, 1}, A: [][]float64{{}, {}}, B: []float64{0, 1}}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), "Tableau.A[1]") {
		t.Errorf("bad tableau: %v", err)
	}
}

func TestRuntimeErrors(t *testing.T) {
	t.Run("nan", func(t *testing.T) {
		s, _ := NewDopri5[float64](1, Options{})
		f := func(t float64, y, dy []float64) {
			dy[0] = 1
			if t > 0.5 {
				dy[0] = math.NaN()
			}
		}
		err := s.Solve(f, 0, []float64{0}, []float64{1}, make([]float64, 1))
		if !errors.Is(err, ErrNonFinite) {
			t.Errorf("got %v, want ErrNonFinite", err)
		}
	})
	t.Run("maxsteps", func(t *testing.T) {
		s, _ := NewDopri5[float64](2, Options{MaxSteps: 10, Rtol: 1e-10, Atol: 1e-10})
		f := func(t float64, y, dy []float64) { dy[0], dy[1] = -50*y[1], 50*y[0] }
		err := s.Solve(f, 0, []float64{1, 0}, []float64{100}, make([]float64, 2))
		if !errors.Is(err, ErrMaxSteps) || !strings.Contains(err.Error(), "(10)") {
			t.Errorf("got %v, want ErrMaxSteps", err)
		}
	})
	t.Run("blowup", func(t *testing.T) {
		// y' = y², y(0)=1 blows up at t=1.
		s, _ := NewDopri5[float64](1, Options{})
		f := func(t float64, y, dy []float64) { dy[0] = y[0] * y[0] }
		err := s.Solve(f, 0, []float64{1}, []float64{2}, make([]float64, 1))
		if !errors.Is(err, ErrStepTooSmall) && !errors.Is(err, ErrNonFinite) && !errors.Is(err, ErrMaxSteps) {
			t.Errorf("got %v, want a step-size, non-finite or max-steps error", err)
		}
	})
	t.Run("fixed-nan", func(t *testing.T) {
		s, _ := NewFixed[float64](Euler, 1)
		f := func(t float64, y, dy []float64) { dy[0] = y[0] * y[0] }
		err := s.Integrate(f, 0, 100, 10, []float64{1})
		if !errors.Is(err, ErrNonFinite) {
			t.Errorf("got %v, want ErrNonFinite", err)
		}
	})
	t.Run("finished", func(t *testing.T) {
		s, _ := NewDopri5[float64](1, Options{})
		f := func(t float64, y, dy []float64) { dy[0] = -y[0] }
		if err := s.Init(f, 0, []float64{1}, 0.1); err != nil {
			t.Fatal(err)
		}
		for !s.Done() {
			if err := s.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if s.T() != 0.1 {
			t.Errorf("ended at %v, want exactly 0.1", s.T())
		}
		if err := s.Step(); !errors.Is(err, ErrFinished) {
			t.Errorf("got %v, want ErrFinished", err)
		}
	})
}

// stabilityPoly returns R(z) = 1 + z·bᵀ(I − zA)⁻¹𝟙 of an explicit tableau
// (forward substitution through the stages).
func stabilityPoly(tb Tableau, z float64) float64 {
	k := make([]float64, len(tb.B))
	r := 1.0
	for i := range k {
		y := 1.0
		for j, a := range tb.A[i] {
			y += z * a * k[j]
		}
		k[i] = y
		r += z * tb.B[i] * y
	}
	return r
}

// StabilityLimit is where |R(−x)| reaches 1 from below along the negative
// real axis, R computed from each method's own tableau.
func TestStabilityLimit(t *testing.T) {
	for _, m := range Methods {
		t.Run(string(m), func(t *testing.T) {
			tb, err := m.Tableau()
			if err != nil {
				t.Fatal(err)
			}
			lim := m.StabilityLimit()
			// |R| ≤ 1 on [−lim, 0] (a grid), |R| > 1 just beyond.
			for i := 1; i <= 10000; i++ {
				x := lim * float64(i) / 10000
				if r := math.Abs(stabilityPoly(tb, -x)); r > 1+1e-12 {
					t.Fatalf("|R(-%v)| = %v > 1 inside the limit %v", x, r, lim)
				}
			}
			if r := math.Abs(stabilityPoly(tb, -lim*(1+1e-9))); !(r > 1) {
				t.Errorf("|R| just beyond the limit %v is %v, want > 1", lim, r)
			}
			if r := math.Abs(stabilityPoly(tb, -lim)); math.Abs(r-1) > 1e-12 {
				t.Errorf("|R(-%v)| = %v, want 1", lim, r)
			}
		})
	}
	if Method("rk5").StabilityLimit() != 0 {
		t.Error("unknown method: limit not 0")
	}
}

// MinRtol follows T's precision; a tolerance below it is a param error
// naming Rtol and the bound, and the smallest accepted one still integrates
// Lorenz-63 (the reviewer's float32 Rtol 1e-12 ran 100,000 steps into
// ErrMaxSteps at t = 0.40).
func TestMinRtol(t *testing.T) {
	if got := MinRtol[float64](); got != 1e-15 {
		t.Errorf("MinRtol[float64] = %v, want 1e-15", got)
	}
	if got := MinRtol[float32](); got != 0x1p-27 {
		t.Errorf("MinRtol[float32] = %v, want 2^-27", got)
	}
	lorenz := func(_ float64, y, d []float32) {
		d[0] = 10 * (y[1] - y[0])
		d[1] = y[0]*(28-y[2]) - y[1]
		d[2] = y[0]*y[1] - 8.0/3*y[2]
	}
	for _, c := range []struct {
		rtol float64
		err  string
	}{
		{1e-12, "ode: Rtol = 1e-12: must be >= 7.45e-09 with a float32 state"},
		{7e-9, "ode: Rtol = 7e-09: must be >= 7.45e-09 with a float32 state"},
		{1e-8, ""},
		{1e-7, ""},
	} {
		s, err := NewDopri5[float32](3, Options{Rtol: c.rtol, Atol: c.rtol / 100})
		if c.err != "" {
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Rtol %v: err %v, want %q", c.rtol, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Rtol %v: %v", c.rtol, err)
		}
		out := make([]float32, 3)
		if err := s.Solve(lorenz, 0, []float32{1, 1, 1}, []float64{2}, out); err != nil {
			t.Errorf("Rtol %v: %v", c.rtol, err)
		}
	}
	if _, err := NewDopri5[float64](3, Options{Rtol: 1e-12}); err != nil {
		t.Errorf("float64 Rtol 1e-12: %v", err)
	}
	if _, err := NewDopri5[float64](3, Options{Rtol: 9e-16}); err == nil || !strings.Contains(err.Error(), ">= 1e-15 with a float64 state") {
		t.Errorf("float64 Rtol 9e-16: %v", err)
	}
}
