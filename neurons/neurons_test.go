package neurons

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// closedLIFExp is the exact subthreshold solution of LIFExp in float64.
func closedLIFExp(p LIFExpParams, v0, ie0, ii0, t float64) float64 {
	return v0*math.Exp(-t/p.TauMemMs) + ie0*PropSyn(t, p.TauMemMs, p.TauSynExMs, p.CmPF) +
		ii0*PropSyn(t, p.TauMemMs, p.TauSynInMs, p.CmPF) - p.IePA*p.TauMemMs/p.CmPF*math.Expm1(-t/p.TauMemMs)
}

func TestPropSynLimit(t *testing.T) {
	// At τ_m = τ_s the propagator is h/C·e^{−h/τ}; near it the stable form is
	// continuous, where the textbook form loses all digits.
	h, tm, c := 0.1, 10.0, 250.0
	want := h / c * math.Exp(-h/tm)
	if got := PropSyn(h, tm, tm, c); math.Abs(got-want) > 1e-16 {
		t.Fatalf("PropSyn at τm = τs: %g, want %g", got, want)
	}
	for _, eps := range []float64{1e-3, 1e-6, 1e-9, 1e-12, 1e-15} {
		got := PropSyn(h, tm, tm*(1+eps), c)
		if math.Abs(got-want)/want > 2*eps+1e-15 {
			t.Errorf("τs = τm(1+%g): %g, want ≈ %g", eps, got, want)
		}
	}
	// Far from the limit it equals the textbook formula.
	ts := 2.0
	text := 1 / c * ts * tm / (tm - ts) * (math.Exp(-h/tm) - math.Exp(-h/ts))
	if got := PropSyn(h, tm, ts, c); math.Abs(got-text)/text > 1e-13 {
		t.Fatalf("PropSyn(τs=2) = %g, want %g", got, text)
	}
}

func TestExpNeg(t *testing.T) {
	for x := 0.0; x < 40; x += 0.0137 {
		got, want := ExpNeg(x), math.Exp(-x)
		if x >= 32 {
			want = 0
		}
		if math.Abs(got-want) > 1e-11*want+1e-300 {
			t.Fatalf("ExpNeg(%g) = %.17g, want %.17g", x, got, want)
		}
	}
	if ExpNeg(-1) != 1 || ExpNeg(0) != 1 {
		t.Fatal("ExpNeg(x ≤ 0) must be 1")
	}
}

func TestExpMatchesMath(t *testing.T) {
	for x := -700.0; x < 700; x += 0.37 {
		got, want := Exp(x), math.Exp(x)
		if math.Abs(got-want) > 5e-16*want {
			t.Fatalf("Exp(%g) = %g, want %g", x, got, want)
		}
	}
	for _, x := range []float64{0, -1e-10, 1e-10, -0.01, -0.1, -0.005} {
		if got, want := Exp(x), math.Exp(x); math.Abs(got-want) > 2e-16*want {
			t.Fatalf("Exp(%g) = %g, want %g", x, got, want)
		}
	}
}

// TestLIFExpSubthreshold: grid traces equal the closed form to float32
// precision, for several steps (independent of dt) and with τ_m = τ_syn.
func TestLIFExpSubthreshold(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tauSyn float64
	}{{"tau_syn=2", 2}, {"tau_syn=tau_m", 10}, {"tau_syn=tau_m(1+1e-7)", 10 * (1 + 1e-7)}} {
		for _, dt := range []float64{0.01, 0.1, 0.25, 1} {
			p := DefaultLIFExp()
			p.TauSynExMs, p.TauSynInMs = tc.tauSyn, 3
			p.VThmV = 1e6 // never fire
			p.IePA = 120
			m, err := NewLIFExp(1, p, dt)
			if err != nil {
				t.Fatal(err)
			}
			v0, ie0, ii0 := 3.0, 800.0, -300.0
			m.V[0], m.Ie[0], m.Ii[0] = float32(v0), float32(ie0), float32(ii0)
			in := [][]float32{{0}, {0}}
			spk := make([]int32, 1)
			steps := int(math.Round(40 / dt))
			maxErr := 0.0
			for k := 1; k <= steps; k++ {
				m.Step(0, 1, in, nil, spk)
				want := closedLIFExp(p, v0, ie0, ii0, float64(k)*dt)
				maxErr = math.Max(maxErr, math.Abs(float64(m.V[0])-want))
			}
			// Each step rounds a few times to float32 (ε = 6e-8) on values
			// of ~10 mV; the membrane decay accumulates at most τ_m/h of them.
			tol := 4 * 6e-8 * 10 * math.Max(1, p.TauMemMs/dt)
			if maxErr > tol {
				t.Errorf("%s dt=%g: max |V − closed form| = %.3g mV > %.3g", tc.name, dt, maxErr, tol)
			}
		}
	}
}

// analyticPeriod is T = t_ref + τ_m ln((μ − V_r)/(μ − θ)) (relative to E_L).
func analyticPeriod(tRef, tauM, mu, vr, theta float64) float64 {
	return tRef + tauM*math.Log((mu-vr)/(mu-theta))
}

// muForRate inverts analyticPeriod for the rate r (Hz).
func muForRate(r, tRef, tauM, vr, theta float64) float64 {
	x := (1000/r - tRef) / tauM
	return (math.Exp(x)*theta - vr) / math.Expm1(x)
}

// TestLIFExpGridRate: under constant current the grid period lies in
// [T, T + h) up to float32 resolution: the crossing is found at the first grid
// point after it (a bias of h/2 on average, less than h always), and float32
// rounding, which accumulates over the 1/(1 − P22) steps of the membrane's
// memory, moves V by up to ulp(θ)/(1 − P22) and the crossing by that over the
// slope (μ − θ)/τ_m. Near the rheobase that term dominates, so the slow rates
// use a long τ_m where it stays below h (see LIFExp's doc).
func TestLIFExpGridRate(t *testing.T) {
	dt := 0.1
	for _, tc := range []struct{ tauM, rate float64 }{
		{100, 5}, {100, 10}, {10, 20}, {10, 50}, {10, 100}, {10, 200},
	} {
		p := DefaultLIFExp()
		p.TauMemMs = tc.tauM
		theta, vr := p.VThmV-p.ELmV, p.VResetmV-p.ELmV
		mu := muForRate(tc.rate, p.TRefMs, p.TauMemMs, vr, theta)
		q := p
		q.IePA = mu * p.CmPF / p.TauMemMs
		m, err := NewLIFExp(1, q, dt)
		if err != nil {
			t.Fatal(err)
		}
		m.V[0] = float32(vr)
		in := [][]float32{{0}, {0}}
		spk := make([]int32, 1)
		var times []float64
		for k := 1; len(times) < 6 && k < 1e6; k++ {
			if m.Step(0, 1, in, nil, spk) == 1 {
				times = append(times, float64(k)*dt)
			}
		}
		T := analyticPeriod(p.TRefMs, p.TauMemMs, mu, vr, theta)
		s := p.TauMemMs * 9.5e-7 / (float64(1-m.Prop.P22) * (mu - theta))
		if s > dt/2 {
			t.Fatalf("τm=%g rate %g: float32 term %g ms too large for this test", tc.tauM, tc.rate, s)
		}
		if len(times) < 6 {
			t.Fatalf("τm=%g rate %g Hz: only %d spikes", tc.tauM, tc.rate, len(times))
		}
		for i := 1; i < len(times); i++ {
			isi := times[i] - times[i-1]
			if isi < T-s-1e-6 || isi >= T+dt+s+1e-6 {
				t.Errorf("τm=%g rate %g Hz: grid ISI %.4f ms outside [T−s, T+h+s) = [%.4f, %.4f)",
					tc.tauM, tc.rate, isi, T-s, T+dt+s)
			}
		}
	}
}

func TestValidateNamesParameter(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"TauMemMs", func() error { p := DefaultLIFExp(); p.TauMemMs = 0; _, e := NewLIFExp(1, p, 0.1); return e }()},
		{"TauSynExMs", func() error { p := DefaultLIFExp(); p.TauSynExMs = -1; return p.Validate() }()},
		{"VResetmV", func() error { p := DefaultLIFExp(); p.VResetmV = -50; return p.Validate() }()},
		{"TRefMs", func() error { p := DefaultLIFExp(); p.TRefMs = 0.15; _, e := NewLIFExp(1, p, 0.1); return e }()},
		{"DtMs", func() error { _, e := NewLIFExp(1, DefaultLIFExp(), 0); return e }()},
		{"CmPF", func() error { p := DefaultLIFDelta(); p.CmPF = math.NaN(); return p.Validate() }()},
		{"GLnS", func() error { p := DefaultLIFCond(); p.GLnS = 0; _, e := NewLIFCond(1, p, 0.1); return e }()},
		{"TauSynInMs", func() error { p := DefaultLIFCond(); p.TauSynInMs = math.Inf(1); return p.Validate() }()},
		{"DeltaTmV", func() error { p := DefaultAdExCond(); p.DeltaTmV = 0; _, e := NewAdExCond(1, p, 0.1); return e }()},
		{"DeltaTmV", func() error { p := DefaultAdExCond(); p.DeltaTmV = 0.05; return p.Validate() }()}, // (V_peak − V_th)/Δ_T > 663
		{"VPeakmV", func() error { p := DefaultAdExCond(); p.VPeakmV = -55; return p.Validate() }()},
		{"VResetmV", func() error { p := DefaultAdExCond(); p.VResetmV = 1; return p.Validate() }()},
		{"TauWMs", func() error { p := DefaultAdExCond(); p.TauWMs = 0; return p.Validate() }()},
		{"AnS", func() error { p := DefaultAdExCond(); p.AnS = math.NaN(); return p.Validate() }()},
		{"TRefMs", func() error { p := DefaultAdExCond(); p.TRefMs = 0.25; _, e := NewAdExCond(1, p, 0.1); return e }()},
		{"DtMs", func() error { p := DefaultAdExCond(); p.CmPF = 1e-5; _, e := NewAdExCond(1, p, 0.1); return e }()},          // h·g_L/C
		{"DtMs", func() error { p := DefaultAdExCond(); p.AnS = 1e12; _, e := NewAdExCond(1, p, 1); return e }()},             // V–w coupling
		{"DtMs", func() error { p := DefaultAdExCond(); p.TauWMs = 1e-5; _, e := NewAdExCond(1, p, 0.1); return e }()},        // h/τ_w
		{"DtMs", func() error { p := DefaultAdExCond(); p.CmPF, p.GLnS = 1, 2048; _, e := NewAdExCond(1, p, 1); return e }()}, // h·g_L/C at the cap
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, param.ErrInvalid) || !strings.Contains(tc.err.Error(), tc.name) {
				t.Fatalf("error %v does not name %s", tc.err, tc.name)
			}
		})
	}
}

func TestLIFDelta(t *testing.T) {
	p := BrunelLIFDelta()
	m, err := NewLIFDelta(2, p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	in := [][]float32{make([]float32, 2)}
	spk := make([]int32, 2)
	// A 5 mV jump then free decay: V(t) = 5·e^{−t/τ}.
	in[0][0] = 5
	m.Step(0, 2, in, nil, spk)
	for k := 1; k <= 100; k++ {
		m.Step(0, 2, in, nil, spk)
		want := 5 * math.Exp(-float64(k)*0.1/p.TauMemMs)
		if math.Abs(float64(m.V[0])-want) > 1e-5 {
			t.Fatalf("step %d: V = %g, want %g", k, m.V[0], want)
		}
	}
	// A supra-threshold jump fires at once; inputs during the refractory
	// period (20 steps) are discarded.
	in[0][1] = 25
	if n := m.Step(0, 2, in, nil, spk); n != 1 || spk[0] != 1 {
		t.Fatalf("spikes %v, want [1]", spk[:n])
	}
	for k := 0; k < 20; k++ {
		in[0][1] = 3
		m.Step(0, 2, in, nil, spk)
		if m.V[1] != 10 {
			t.Fatalf("refractory step %d: V = %g, want the reset 10", k, m.V[1])
		}
	}
	in[0][1] = 3
	m.Step(0, 2, in, nil, spk)
	if want := float32(float32(m.Prop.P33*10) + 3); m.V[1] != want {
		t.Fatalf("after refractoriness V = %g, want %g", m.V[1], want)
	}
}

// TestLIFDeltaJump checks delay-0 inputs, which move V through Jump
// between steps: a jump to the threshold fires at the end of the next step
// even if that step's decay would take V below it (the crossing is not
// lost), and a refractory neuron does not fire, whatever its V, until its
// period is over.
func TestLIFDeltaJump(t *testing.T) {
	p := BrunelLIFDelta() // θ = 20, V_r = 10 mV, τ = 20 ms, t_ref = 2 ms
	m, err := NewLIFDelta(1, p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	in := [][]float32{make([]float32, 1)}
	spk := make([]int32, 1)
	m.Jump(0)[0] += 20.0001 // 1e-4 mV over: one step's decay (0.5 %) takes it below
	if n := m.Step(0, 1, in, nil, spk); n != 1 || m.V[0] != 10 || m.Refr[0] != 20 {
		t.Fatalf("after a jump to the threshold: %d spikes, V = %g, refr %d; want 1, the reset 10, 20", n, m.V[0], m.Refr[0])
	}
	for k := range 20 {
		m.Jump(0)[0] += 15 // V = 25, then 40, … during the refractory period
		if n := m.Step(0, 1, in, nil, spk); n != 0 {
			t.Fatalf("refractory step %d: a spike at V = %g", k, m.V[0])
		}
	}
	if n := m.Step(0, 1, in, nil, spk); n != 1 || m.V[0] != 10 {
		t.Fatalf("first step after the period: %d spikes, V = %g; want 1 and the reset 10", n, m.V[0])
	}
}

func TestLIFCondRelaxation(t *testing.T) {
	// With conductances held by continuous input (τ → very long) V relaxes
	// exactly to V_∞ with rate g/C: the exponential-Euler step is exact here.
	p := DefaultLIFCond()
	p.TauSynExMs, p.TauSynInMs = 1e12, 1e12
	p.VThmV = 1e3
	dt := 0.1
	m, err := NewLIFCond(1, p, dt)
	if err != nil {
		t.Fatal(err)
	}
	ge, gi := 5.0, 20.0
	m.Ge[0], m.Gi[0] = float32(ge), float32(gi)
	in := [][]float32{{0}, {0}}
	spk := make([]int32, 1)
	g := p.GLnS + ge + gi
	vinf := (ge*(p.EExmV-p.ELmV) + gi*(p.EInmV-p.ELmV)) / g
	for k := 1; k <= 500; k++ {
		m.Step(0, 1, in, nil, spk)
		want := vinf * -math.Expm1(-float64(k)*dt*g/p.CmPF)
		if math.Abs(float64(m.V[0])-want) > 2e-5 {
			t.Fatalf("step %d: V = %g, want %g", k, m.V[0], want)
		}
	}
}

func TestSaveLoadState(t *testing.T) {
	models := []Model{}
	a, _ := NewLIFExp(5, DefaultLIFExp(), 0.1)
	b, _ := NewLIFDelta(5, DefaultLIFDelta(), 0.1)
	c, _ := NewLIFCond(5, DefaultLIFCond(), 0.1)
	d, _ := NewAdExCond(5, DefaultAdExCond(), 0.1)
	models = append(models, a, b, c, d)
	for _, m := range models {
		t.Run(m.Kind(), func(t *testing.T) {
			v, _, _ := m.VarSlice("V")
			for j := range v {
				v[j] = float32(j) + 0.5
			}
			var buf bytes.Buffer
			if err := m.SaveState(&buf); err != nil {
				t.Fatal(err)
			}
			saved := append([]float32(nil), v...)
			for j := range v {
				v[j] = 0
			}
			if err := m.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
				t.Fatal(err)
			}
			for j := range v {
				if v[j] != saved[j] {
					t.Fatalf("V[%d] = %g after restore, want %g", j, v[j], saved[j])
				}
			}
		})
	}
	small, _ := NewLIFExp(3, DefaultLIFExp(), 0.1)
	var buf bytes.Buffer
	_ = a.SaveState(&buf)
	if err := small.LoadState(&buf); !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("loading 5 neurons into 3: %v", err)
	}
}

// TestAdExStiff: steps with conductances of thousands of nS, or τ_w far
// below the step, are split into substeps that keep RK4 stable and
// accurate (a single RK4 step is unstable beyond h·g/C ≈ 2.78: g ≈ 7,800
// nS at the defaults and dt = 0.1 ms, 1,100 nS with the COBA membrane at
// dt = 0.5 ms; one step took V 17.5 mV up, or to spikes). Under
// inhibition alone (without subthreshold adaptation, a = 0, so that V does
// not rebound) V stays between E_in and rest, the neuron does not fire, and
// V follows the same neuron stepped 100 times finer within 0.01 mV (measured
// 10⁻³). A
// neuron below its rheobase stays silent whatever τ_w.
func TestAdExStiff(t *testing.T) {
	coba := DefaultAdExCond()
	coba.CmPF, coba.GLnS, coba.ELmV, coba.VThmV, coba.VResetmV, coba.EInmV = 200, 10, -60, -50, -60, -80
	for _, tc := range []struct {
		name string
		p    AdExCondParams
		dt   float64
		gi   float32 // nS, one inhibitory jump
	}{
		{"defaults 9,000 nS", DefaultAdExCond(), 0.1, 9000},
		{"defaults 10⁶ nS", DefaultAdExCond(), 0.1, 1e6},
		{"defaults 10⁹ nS, beyond the substeps", DefaultAdExCond(), 0.1, 1e9},
		{"defaults dt 1 10⁸ nS, beyond the substeps", DefaultAdExCond(), 1, 1e8},
		{"coba dt 0.5 1,200 nS", coba, 0.5, 1200},
		{"coba dt 0.5 6,000 nS", coba, 0.5, 6000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			p.AnS = 0
			m, err := NewAdExCond(1, p, tc.dt)
			if err != nil {
				t.Fatal(err)
			}
			fine, err := NewAdExCond(1, p, tc.dt/100)
			if err != nil {
				t.Fatal(err)
			}
			in := [][]float32{{0}, {tc.gi}} // added at the end of step 0
			fineIn := [][]float32{{0}, {0}}
			spikes := make([]int32, 1)
			eIn := float32(p.EInmV - p.ELmV)
			worst := 0.0
			for k := range 200 {
				n := m.Step(0, 1, in, nil, spikes)
				for f := range 100 {
					if k == 0 && f == 99 {
						fineIn[1][0] = tc.gi // at the same time
					}
					n += fine.Step(0, 1, fineIn, nil, spikes)
				}
				if n > 0 {
					t.Fatalf("step %d: a spike under inhibition alone", k)
				}
				// the exponential term holds the rest 0.013 mV above E_L
				if v := m.V[0]; v > 0.02 || v < eIn-1e-3 || math.IsNaN(float64(v)) {
					t.Fatalf("step %d: V − E_L = %g mV, want in [E_in − E_L, 0.02] = [%g, 0.02]", k, v, eIn)
				}
				worst = max(worst, math.Abs(float64(m.V[0]-fine.V[0])))
			}
			if worst > 0.01 {
				t.Fatalf("V differs from the 100 times finer steps by up to %g mV", worst)
			}
			t.Logf("largest difference from 100 times finer steps: %.3g mV", worst)
		})
	}
	p := DefaultAdExCond()
	p.TauWMs, p.IePA = 0.03, 300 // w follows a·(V − E_L) at once: rheobase above 600 pA
	m, err := NewAdExCond(1, p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	in := [][]float32{{0}, {0}}
	spikes := make([]int32, 1)
	for k := range 5000 {
		if m.Step(0, 1, in, nil, spikes) > 0 {
			t.Fatalf("τ_w = 0.03 ms, 300 pA: a spike at step %d", k)
		}
	}
}

// TestAdExAtMostPeak: with no refractory period and a current far above
// threshold the neuron fires at most once per step, and its stored V never
// exceeds V_peak (a second crossing within a step waits for the next).
func TestAdExAtMostPeak(t *testing.T) {
	for _, b := range []float64{80.5, 0} {
		p := DefaultAdExCond()
		p.IePA, p.BPA = 8e4, b
		m, err := NewAdExCond(1, p, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		in := [][]float32{{0}, {0}}
		spikes := make([]int32, 1)
		peak := float32(p.VPeakmV - p.ELmV)
		n := 0
		for k := range 2000 {
			n += m.Step(0, 1, in, nil, spikes)
			if m.V[0] > peak {
				t.Fatalf("b = %g: step %d: V − E_L = %g mV above V_peak − E_L = %g", b, k, m.V[0], peak)
			}
		}
		if n < 1000 {
			t.Fatalf("b = %g: %d spikes in 2,000 steps at 80 nA", b, n)
		}
		t.Logf("b = %g pA, 80 nA: %d spikes in 2,000 steps", b, n)
	}
}

// TestAdExExpStep: steps beyond 4,096 substeps (conductances of millions of
// nS) go to the balance of the currents while the conductances are that
// large and integrate the rest of the step: with the exponential current
// small (V well below threshold) V after the step equals the same neuron's
// stepped 1,000 times finer (which needs no such step) within 0.05 mV,
// across the boundary (2.85·10⁶ nS by substeps, 6·10⁶ nS beyond), with
// receptors decaying at different rates, and with τ_syn far below the step;
// a spike taken there adds b to w, not a·V at an unbounded V.
func TestAdExExpStep(t *testing.T) {
	fast := DefaultAdExCond()
	fast.TauSynInMs = 0.05
	for _, tc := range []struct {
		name   string
		p      AdExCondParams
		dt     float64
		ge, gi float32
	}{
		{"below the boundary", DefaultAdExCond(), 0.1, 2.85e6, 2.85e6},
		{"beyond the boundary", DefaultAdExCond(), 0.1, 6e6, 6e6},
		{"both receptors", DefaultAdExCond(), 0.1, 1e8, 3e8},
		{"τ_syn 0.05 ms, dt 1 ms", fast, 1, 0, 1e6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			p.AnS = 0
			m, err := NewAdExCond(1, p, tc.dt)
			if err != nil {
				t.Fatal(err)
			}
			fine, err := NewAdExCond(1, p, tc.dt/1000)
			if err != nil {
				t.Fatal(err)
			}
			spikes := make([]int32, 1)
			m.Step(0, 1, [][]float32{{tc.ge}, {tc.gi}}, nil, spikes) // the jump at the end of step 0
			for f := range 1000 {
				in := [][]float32{{0}, {0}}
				if f == 999 {
					in = [][]float32{{tc.ge}, {tc.gi}}
				}
				fine.Step(0, 1, in, nil, spikes)
			}
			var n int
			for range 3 {
				n += m.Step(0, 1, [][]float32{{0}, {0}}, nil, spikes)
				for range 1000 {
					n += fine.Step(0, 1, [][]float32{{0}, {0}}, nil, spikes)
				}
				if d := math.Abs(float64(m.V[0] - fine.V[0])); d > 0.05 || n > 0 {
					t.Fatalf("V − E_L = %g mV, 1,000 times finer %g mV (%d spikes)", m.V[0], fine.V[0], n)
				}
			}
		})
	}
	p := DefaultAdExCond()
	p.DeltaTmV = 0.2
	m, err := NewAdExCond(1, p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	m.V[0] = float32(p.VPeakmV - p.ELmV) // held at V_peak, then a huge excitatory jump
	m.Ge[0] = 1e8
	spikes := make([]int32, 1)
	var n int
	for range 3 {
		n += m.Step(0, 1, [][]float32{{0}, {0}}, nil, spikes)
		if w := m.W[0]; !(w >= 0 && w <= float32(float64(n)*p.BPA+1)) {
			t.Fatalf("after %d spikes w = %g pA, want within n·b = %g", n, w, float64(n)*p.BPA)
		}
	}
}

// TestLongTauMem: lif_delta and lif_exp with membrane time constants from
// 10 ms to 10³⁰ ms (a perfect integrator) driven from rest by a constant
// current for 100 ms (1,000 steps of 0.1 ms) follow the exact ramp
// V = τ·I/C·(1 − e^{−t/τ}) within 1 %. Before leakProp, P20 and P30 came
// from the rounded decay whatever τ: the ramp was 1.3 % too steep at
// τ = 10⁵ ms, 19 % at 10⁶ ms, and flat (the current ignored: P = 1, Q = 0)
// from τ/h ≈ 3.4·10⁷ on. The propagators of every τ/h up to 335,000 are
// those of before, bit for bit (TestLeakPropUnchanged).
func TestLongTauMem(t *testing.T) {
	const dt, steps, ie, cm = 0.1, 1000, 100.0, 250.0
	for _, tau := range []float64{10, 1e3, 1e4, 1e5, 1e6, 1.2e6, 3e6, 1e8, 1e12, 1e30} {
		want := -tau * ie / cm * math.Expm1(-steps*dt/tau)
		// The rounded-P form errs by at most 0.37·1e-2·τI/C over the
		// trajectory, i.e. by 1e-2·V while t ≤ τ (measured: 0.14 % at
		// τ = 10⁴ ms, τ/h = 10⁵); add float32 rounding.
		tol := 1e-2*want + 1e-5*want
		pd := DefaultLIFDelta()
		pd.TauMemMs, pd.CmPF, pd.IePA, pd.VThmV = tau, cm, ie, 1e9
		md, err := NewLIFDelta(1, pd, dt)
		if err != nil {
			t.Fatal(err)
		}
		pe := DefaultLIFExp()
		pe.TauMemMs, pe.CmPF, pe.IePA, pe.VThmV = tau, cm, ie, 1e9
		me, err := NewLIFExp(1, pe, dt)
		if err != nil {
			t.Fatal(err)
		}
		spk := make([]int32, 1)
		for range steps {
			md.Step(0, 1, [][]float32{{0}}, nil, spk)
			me.Step(0, 1, [][]float32{{0}, {0}}, nil, spk)
		}
		for _, g := range []struct {
			kind string
			v    float32
		}{{"lif_delta", md.V[0]}, {"lif_exp", me.V[0]}} {
			if d := math.Abs(float64(g.v) - want); !(d <= tol) {
				t.Errorf("%s τ_m = %g ms: V = %.7g mV after 100 ms of %g pA, want %.7g (error %.3g > %.3g)",
					g.kind, tau, g.v, ie, want, d, tol)
			}
		}
		if tau == 1e30 && (md.Prop.P33 != 1 || md.Prop.P30 != float32(dt/cm) || me.Prop.P22 != 1 || me.Prop.P20 != float32(dt/cm)) {
			t.Errorf("τ_m = 1e30 ms: P33 %v, P30 %v, P22 %v, P20 %v: want 1 and h/C = %v", md.Prop.P33, md.Prop.P30,
				me.Prop.P22, me.Prop.P20, float32(dt/cm))
		}
	}
}

// TestLeakPropUnchanged: for τ/h up to 335,000 (τ from 1 to 200 ms at
// steps from 0.1 to 0.0006 ms, the presets' values among them), leakProp
// gives the propagators neurodyn always used, Q = (1 − P)·τ/C from the
// rounded P, bit for bit, so no result there changes.
func TestLeakPropUnchanged(t *testing.T) {
	for _, h := range []float64{0.1, 0.05, 0.025, 0.01, 0.005, 0.002, 0.001, 0.0006} {
		for k := 10; k <= 2000; k++ {
			tau := float64(k) / 10
			if tau/h > 335000 {
				break
			}
			p, q := leakProp(h, tau, 250)
			oldP := float32(Exp(-h / tau))
			if oldQ := float32((1 - float64(oldP)) * tau / 250); p != oldP || q != oldQ {
				t.Fatalf("τ %g ms, h %g ms: P %v, Q %v; before %v, %v", tau, h, p, q, oldP, oldQ)
			}
		}
	}
}
