package neurons

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// alphaPSP is the closed-form membrane response (mV, relative to E_L) t ms
// after a spike of weight w pA onto an alpha synapse with time constant
// tau, from rest: (e·w/(τ·C))·∫₀ᵗ e^{−(t−s)/τ_m}·s·e^{−s/τ} ds, integrated
// by parts in the two cases τ ≠ τ_m and τ = τ_m.
func alphaPSP(w, tau, tauM, c, t float64) float64 {
	k := math.E * w / (tau * c)
	if tau == tauM {
		return k * math.Exp(-t/tauM) * t * t / 2
	}
	g := 1/tauM - 1/tau                 // ∫₀ᵗ s·e^{gs} ds = (t·e^{gt})/g − (e^{gt} − 1)/g²
	if x := g * t; math.Abs(x) < 1e-2 { // which cancels: its Taylor series t²·Σ xⁿ/(n!·(n+2))
		sum, term := 0.0, 1.0
		for n := range 12 {
			sum += term / float64(n+2)
			term *= x / float64(n+1)
		}
		return k * math.Exp(-t/tauM) * t * t * sum
	}
	return k * math.Exp(-t/tauM) * (t*math.Exp(g*t)/g - (math.Exp(g*t)-1)/(g*g))
}

// alphaCurrent is w·(t/τ)·e^{1−t/τ}.
func alphaCurrent(w, tau, t float64) float64 { return w * t / tau * math.Exp(1-t/tau) }

// TestLIFAlphaPSP: one excitatory and one inhibitory spike, delivered at
// step 0, give the closed-form currents (peak w at t = τ) and membrane
// response to float32 precision, for several steps and for τ_syn equal or
// close to τ_m, where P31's closed form cancels and its series is used.
func TestLIFAlphaPSP(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tauE, tauI float64
	}{{"tau 2/5", 2, 5}, {"tau_ex = tau_m", 10, 3}, {"tau_ex near tau_m", 10 * (1 + 1e-6), 0.5}, {"tau_in > tau_m", 0.7, 25}} {
		for _, dt := range []float64{0.01, 0.1, 0.25, 1} {
			p := DefaultLIFAlpha()
			p.TauSynExMs, p.TauSynInMs = tc.tauE, tc.tauI
			p.VThmV = 1e6
			m, err := NewLIFAlpha(1, p, dt)
			if err != nil {
				t.Fatal(err)
			}
			we, wi := 300.0, -120.0
			in := [][]float32{{float32(we)}, {float32(wi)}}
			spk := make([]int32, 1)
			m.Step(0, 1, in, nil, spk) // the spikes arrive at the end of step 0: t = 0 for them
			maxV, maxI := 0.0, 0.0
			for k := 1; float64(k)*dt <= 60; k++ {
				m.Step(0, 1, in, nil, spk)
				tk := float64(k) * dt
				want := alphaPSP(we, p.TauSynExMs, p.TauMemMs, p.CmPF, tk) + alphaPSP(wi, p.TauSynInMs, p.TauMemMs, p.CmPF, tk)
				maxV = math.Max(maxV, math.Abs(float64(m.V[0])-want))
				maxI = math.Max(maxI, math.Abs(float64(m.Ie[0])-alphaCurrent(we, p.TauSynExMs, tk)))
				maxI = math.Max(maxI, math.Abs(float64(m.Ii[0])-alphaCurrent(wi, p.TauSynInMs, tk)))
			}
			// float32: each step rounds the currents (≤ 3 ulp of ~300 pA)
			// and V once, with propagators off by ≤ 1 ulp; the errors
			// accumulate over the 1/(1 − P11) and 1/(1 − P33) steps of the
			// synapse's and membrane's memories.
			mem := math.Max(1, math.Max(math.Max(p.TauSynExMs, p.TauSynInMs), p.TauMemMs)/dt)
			if tolI := 4 * 6e-8 * 300 * mem; maxI > tolI {
				t.Errorf("%s dt=%g: max |I − closed form| = %.3g pA > %.3g", tc.name, dt, maxI, tolI)
			}
			if tolV := 4 * 6e-8 * 10 * mem; maxV > tolV {
				t.Errorf("%s dt=%g: max |V − closed form| = %.3g mV > %.3g", tc.name, dt, maxV, tolV)
			}
		}
	}
}

// TestPropAlpha31Continuous: P31's series (|γh| < 1/2) and closed form
// agree at the switch and with the integral evaluated independently.
func TestPropAlpha31Continuous(t *testing.T) {
	const h, tm, c = 0.1, 10.0, 250.0
	for _, x := range []float64{-3, -0.5000001, -0.4999999, -1e-3, 0, 1e-9, 0.3, 0.4999999, 0.5000001, 0.9} {
		tau := 1 / (1/tm - x/h) // γh = x
		got := propAlpha31(h, tm, tau, c)
		// (e/τ)·(1/C)·∫₀ʰ e^{−(h−s)/τ_m}·s·e^{−s/τ} ds by Simpson's rule
		const n = 2000
		f := func(s float64) float64 { return math.Exp(-(h-s)/tm) * s * math.Exp(-s/tau) }
		sum := f(0) + f(h)
		for i := 1; i < n; i++ {
			sum += float64(2+2*(i%2)) * f(float64(i)*h/n)
		}
		want := math.E / tau / c * sum * h / n / 3
		if math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("γh = %g: P31 = %.17g, want %.17g", x, got, want)
		}
	}
}

// TestLIFAlphaRefractory: V is clamped at V_reset for t_ref while the
// currents evolve; the first spike under a constant current comes at the
// same step as lif_exp's (the same membrane), and inputs of the two
// receptors go where Jump says.
func TestLIFAlphaRefractory(t *testing.T) {
	p := DefaultLIFAlpha()
	p.IePA = 500
	m, err := NewLIFAlpha(1, p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	q := DefaultLIFExp()
	q.IePA = 500
	e, _ := NewLIFExp(1, q, 0.1)
	in := [][]float32{{0}, {0}}
	spk := make([]int32, 1)
	var ka, ke []int
	for k := 1; k <= 1000; k++ {
		if m.Step(0, 1, in, nil, spk) == 1 {
			ka = append(ka, k)
		}
		if e.Step(0, 1, in, nil, spk) == 1 {
			ke = append(ke, k)
		}
		if len(ka) > 0 && k-ka[len(ka)-1] < int(p.TRefMs/0.1+0.5) && m.V[0] != m.Prop.VReset {
			t.Fatalf("step %d: V = %g during refractoriness, want V_reset", k, m.V[0])
		}
	}
	if len(ka) < 3 || len(ka) != len(ke) || ka[0] != ke[0] {
		t.Fatalf("spike steps %v, lif_exp's %v", ka, ke)
	}
	if &m.Jump(Exc)[0] != &m.Re[0] || &m.Jump(Inh)[0] != &m.Ri[0] {
		t.Fatal("Jump must return the rise variables")
	}
}

func TestLIFAlphaValidateAndState(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"TauSynExMs", func() error { p := DefaultLIFAlpha(); p.TauSynExMs = 0; _, e := NewLIFAlpha(1, p, 0.1); return e }()},
		{"TauSynInMs", func() error { p := DefaultLIFAlpha(); p.TauSynInMs = math.NaN(); return p.Validate() }()},
		{"VResetmV", func() error { p := DefaultLIFAlpha(); p.VResetmV = -50; return p.Validate() }()},
		{"TRefMs", func() error { p := DefaultLIFAlpha(); p.TRefMs = 0.15; _, e := NewLIFAlpha(1, p, 0.1); return e }()},
		{"DtMs", func() error { _, e := NewLIFAlpha(1, DefaultLIFAlpha(), 0); return e }()},
		{"n", func() error { _, e := NewLIFAlpha(-1, DefaultLIFAlpha(), 0.1); return e }()},
	} {
		if !errors.Is(tc.err, param.ErrInvalid) || !strings.Contains(tc.err.Error(), tc.name) {
			t.Errorf("error %v does not name %s", tc.err, tc.name)
		}
	}
	a, _ := NewLIFAlpha(3, DefaultLIFAlpha(), 0.1)
	for j := range 3 {
		a.V[j], a.Ie[j], a.Ii[j], a.Re[j], a.Ri[j], a.Refr[j] = float32(j)+0.5, 1, 2, 3, 4, int32(j)
	}
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	b, _ := NewLIFAlpha(3, DefaultLIFAlpha(), 0.1)
	if err := b.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	for j := range 3 {
		if a.V[j] != b.V[j] || a.Re[j] != b.Re[j] || a.Ri[j] != b.Ri[j] || a.Ie[j] != b.Ie[j] || a.Ii[j] != b.Ii[j] || a.Refr[j] != b.Refr[j] {
			t.Fatalf("neuron %d differs after restore", j)
		}
	}
	for _, v := range a.VarNames() {
		if _, _, err := a.VarSlice(v); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := a.VarSlice("Ge"); !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("VarSlice(Ge): %v", err)
	}
}
