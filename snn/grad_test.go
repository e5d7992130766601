package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurodyn/neurodyn/learn"
)

// smallSmooth returns a small float64 network whose forward pass uses the
// surrogate's primitive, so that BPTT is its exact gradient.
func smallSmooth(kind learn.SurrogateKind, alpha float64, ro Readout) Config {
	c := Config{
		NE: 5, NI: 3, Inputs: 3, Outputs: 3, SubSteps: 2, DtMs: 1,
		TauMemEMs: 4, TauMemIMs: 3, TauSynMs: 2,
		Discretization: Exact,
		P:              0.6, WeightScale: 0.8, InputScale: 0.8,
		InputBias: true, BiasMean: 0.4, BiasStd: 0.3,
		Dale:      DaleAbs,
		Surrogate: learn.Surrogate{Kind: kind, Alpha: alpha},
		Readout:   ro, ReadoutAll: true, Skip: true,
		Smooth: true, Seed: 7,
	}
	if ro == ReadoutFiltered {
		c.ReadoutTauMs = []float64{2, 5}
	}
	return c
}

// checkGrad compares the worker's BPTT gradient with central differences
// of its loss.
func checkGrad(t *testing.T, c Config, loss learn.Loss, L, n int, tol float64) {
	t.Helper()
	m, err := New[float64](c)
	if err != nil {
		t.Fatal(err)
	}
	w, err := m.Worker()
	if err != nil {
		t.Fatal(err)
	}
	I, O := c.Inputs, c.Outputs
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, n*L*I)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	ny := n * O
	if loss.Kind == learn.LossAll {
		ny = n * L * O
	}
	y := make([]float64, ny)
	for i := range y {
		y[i] = r.NormFloat64()
	}
	p := m.Params()
	grad := make([]float64, p.Len())
	if _, err := w.Batch(grad, x, y, n, loss); err != nil {
		t.Fatal(err)
	}
	f := func([]float64) (float64, error) {
		ls, err := w.Batch(nil, x, y, n, loss)
		return ls.Sum, err
	}
	// Masks and frozen tensors are not parameters of the loss through the
	// gradient (their gradient is defined as 0): check the others only.
	frozen := p.FrozenMask()
	var idx []int
	for i := range grad {
		if frozen == nil || !frozen[i] {
			idx = append(idx, i)
		}
	}
	theta := p.Flat()
	sub := make([]float64, len(idx))
	gsub := make([]float64, len(idx))
	for k, i := range idx {
		sub[k], gsub[k] = theta[i], grad[i]
	}
	fs := func(s []float64) (float64, error) {
		for k, i := range idx {
			theta[i] = s[k]
		}
		return f(theta)
	}
	res, err := learn.GradCheck(fs, sub, gsub, learn.GradCheckConfig{Step: 1e-6, RelTol: tol, AbsTol: 1e-7})
	for k, i := range idx {
		theta[i] = sub[k]
	}
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Errorf("%v", res)
	}
	// Absent synapses get exactly zero gradient.
	for _, b := range m.blocks {
		mask := p.Get(b.mask)
		gw := p.View(grad, p.Index(b.w))
		for k, v := range mask {
			if v == 0 && gw[k] != 0 {
				t.Fatalf("%s[%d]: absent synapse has gradient %g", b.w, k, gw[k])
			}
		}
	}
}

// TestGradSmooth checks BPTT against finite differences on smooth networks
// (where the surrogate is the exact derivative), for every surrogate and
// readout, the losses, both resets and both discretizations.
func TestGradSmooth(t *testing.T) {
	kinds := []struct {
		k     learn.SurrogateKind
		alpha float64
	}{
		{learn.SuperSpike, 2}, {learn.FastSigmoid, 3}, {learn.Triangle, 0.7},
		{learn.SigmoidSurrogate, 2.5}, {learn.StraightThrough, 1}, {learn.Arctan, 1.5},
	}
	for _, kk := range kinds {
		for _, ro := range []Readout{ReadoutFiltered, ReadoutCount, ReadoutMembrane} {
			name := fmt.Sprintf("%s/%v", kk.k.String(), ro)
			t.Run(name, func(t *testing.T) {
				c := smallSmooth(kk.k, kk.alpha, ro)
				if kk.k == learn.StraightThrough {
					// G(x) = x + ½ is unbounded and the hard reset
					// multiplies it with u: use the soft reset (the network
					// is then linear) and small gains.
					c.WeightScale, c.InputScale, c.Reset = 0.2, 0.3, ResetSoft
				}
				checkGrad(t, c, learn.Loss{Kind: learn.LossNext, Warmup: 2}, 4, 2, 1e-5)
			})
		}
	}
	variants := []struct {
		name string
		mod  func(*Config)
		loss learn.Loss
	}{
		{"last", func(c *Config) {}, learn.Loss{Kind: learn.LossLast}},
		{"all", func(c *Config) {}, learn.Loss{Kind: learn.LossAll}},
		{"closedloop", func(c *Config) {}, learn.Loss{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 3, WarmupWeight: 0.5}},
		{"closedloop-forcing", func(c *Config) {}, learn.Loss{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 3, Forcing: 0.4}},
		{"soft-reset", func(c *Config) { c.Reset = ResetSoft }, learn.Loss{Kind: learn.LossNext, Warmup: 1}},
		{"euler", func(c *Config) { c.Discretization = Euler }, learn.Loss{Kind: learn.LossNext, Warmup: 1}},
		{"relu", func(c *Config) { c.Dale = DaleReLU }, learn.Loss{Kind: learn.LossNext, Warmup: 1}},
		{"softplus", func(c *Config) { c.Dale = DaleSoftplus }, learn.Loss{Kind: learn.LossNext, Warmup: 1}},
		{"E-readout-no-skip", func(c *Config) { c.ReadoutAll, c.Skip = false, false }, learn.Loss{Kind: learn.LossNext, Warmup: 1}},
		{"no-inhibition", func(c *Config) { c.NI = -1 }, learn.Loss{Kind: learn.LossNext, Warmup: 1}},
		{"frozen-recurrent", func(c *Config) { c.FreezeRecurrent = true }, learn.Loss{Kind: learn.LossLast}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			c := smallSmooth(learn.SigmoidSurrogate, 3, ReadoutFiltered)
			v.mod(&c)
			checkGrad(t, c, v.loss, 5, 3, 1e-5)
		})
	}
}

// TestGradStepAnalytic checks one step of the real (Heaviside) network
// against the chain rule written out by hand, for every surrogate and α:
// from the zero state a single sample gives i = W_in·x + b,
// u = v_leak + c·i, s = H(u − θ), and with the filtered readout of one
// step y = D·s + S·x + d, so ∂L/∂W_in[j,k] = Σ_o 2(y_o − t_o)·D[o,j]·
// g(u_j − θ)·c_j·x_k.
func TestGradStepAnalytic(t *testing.T) {
	kinds := []learn.SurrogateKind{learn.SuperSpike, learn.FastSigmoid, learn.Triangle, learn.SigmoidSurrogate, learn.StraightThrough, learn.Arctan}
	for _, k := range kinds {
		for _, alpha := range []float64{0.5, 4} {
			t.Run(fmt.Sprintf("%s/alpha=%g", k.String(), alpha), func(t *testing.T) {
				c := Config{
					NE: 6, NI: 2, Inputs: 2, Outputs: 2, DtMs: 1, TauMemEMs: 3, TauMemIMs: 2, TauSynMs: 2,
					Discretization: Exact, InputScale: 1, InputBias: true, BiasMean: 0.8, BiasStd: 0.5,
					Surrogate: learn.Surrogate{Kind: k, Alpha: alpha}, Readout: ReadoutFiltered, ReadoutTauMs: []float64{3},
					ReadoutAll: true, Skip: true, Seed: 11,
				}
				m, err := New[float64](c)
				if err != nil {
					t.Fatal(err)
				}
				w, _ := m.Worker()
				x := []float64{0.7, -1.1}
				y := []float64{0.3, -0.2}
				g := make([]float64, m.Params().Len())
				if _, err := w.Batch(g, x, y, 1, learn.Loss{Kind: learn.LossLast}); err != nil {
					t.Fatal(err)
				}
				win, bias := m.InputWeights()
				p := m.Params()
				D, S, d := p.Get(NameDec), p.Get(NameSkip), p.Get(NameDecBias)
				N := c.N()
				e := newNet[float64](m.Config())
				sg := learn.Surrogate{Kind: k, Alpha: alpha}
				spikes := 0
				out := make([]float64, 2)
				u := make([]float64, N)
				for j := 0; j < N; j++ {
					i := win[j*2]*x[0] + win[j*2+1]*x[1] + bias[j]
					u[j] = e.cin[j] * i
					if u[j] > 1 {
						spikes++
					}
				}
				for o := 0; o < 2; o++ {
					out[o] = d[o] + S[o*2]*x[0] + S[o*2+1]*x[1]
					for j := 0; j < N; j++ {
						if u[j] > 1 {
							out[o] += D[o*N+j]
						}
					}
				}
				if spikes == 0 || spikes == N {
					t.Fatalf("degenerate test: %d of %d neurons spike", spikes, N)
				}
				gwe := p.View(g, p.Index(NameWeIn))
				gwi := p.View(g, p.Index(NameWiIn))
				for j := 0; j < N; j++ {
					for kx := 0; kx < 2; kx++ {
						want := 0.0
						for o := 0; o < 2; o++ {
							want += 2 * (out[o] - y[o]) * D[o*N+j] * sg.Deriv(u[j]-1) * e.cin[j] * x[kx]
						}
						var got float64
						if j < c.NE {
							got = gwe[j*2+kx]
						} else {
							got = gwi[(j-c.NE)*2+kx]
						}
						if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
							t.Errorf("∂L/∂W_in[%d,%d] = %.15g, want %.15g", j, kx, got, want)
						}
					}
				}
			})
		}
	}
}
