package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurodyn/neurodyn/learn"
)

// TestDenseGrad checks the feed-forward layer's backward pass against
// finite differences on its smooth version, for the weights, the bias and
// the input, with and without a synaptic filter and for both resets; with
// 90 rows the weight gradient is accumulated over bands of 2 steps (the
// first, the last in time, of 1).
func TestDenseGrad(t *testing.T) {
	for _, tc := range []struct {
		tauSyn      float64
		reset       ResetMode
		steps, rows int
	}{{0, ResetHard, 6, 2}, {3, ResetHard, 6, 2}, {2, ResetSoft, 6, 2}, {0, ResetHard, 5, 90}, {2, ResetSoft, 5, 90}} {
		t.Run(fmt.Sprintf("tausyn=%g/%v/rows=%d", tc.tauSyn, tc.reset, tc.rows), func(t *testing.T) {
			c := DenseConfig{In: 4, Out: 3, TauSynMs: tc.tauSyn, TauMemMs: 4, Reset: tc.reset,
				Surrogate: learn.Surrogate{Kind: learn.SigmoidSurrogate, Alpha: 3}, Smooth: true, Seed: 5}
			d, err := NewDense[float64](c)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 1))
			steps, rows := tc.steps, tc.rows
			if b := d.gradBand(steps, rows); b != max(1, denseBandRows/rows) {
				t.Fatalf("gradBand %d", b)
			}
			x := make([]float64, steps*rows*4)
			for i := range x {
				x[i] = 2 * r.NormFloat64()
			}
			w := make([]float64, steps*rows*3) // loss = Σ w·s
			for i := range w {
				w[i] = r.NormFloat64()
			}
			loss := func() float64 {
				s, err := d.Forward(x, steps, rows)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0.0
				for i, v := range s {
					sum += w[i] * v
				}
				return sum
			}
			loss()
			gW, gB, dX := make([]float64, 12), make([]float64, 3), make([]float64, len(x))
			if err := d.Backward(w, gW, gB, dX); err != nil {
				t.Fatal(err)
			}
			for _, p := range []struct {
				name  string
				theta []float64
				grad  []float64
			}{{"W", d.W, gW}, {"b", d.B, gB}, {"x", x, dX}} {
				res, err := learn.GradCheck(func([]float64) (float64, error) { return loss(), nil }, p.theta, p.grad, learn.GradCheckConfig{RelTol: 1e-6, AbsTol: 1e-8})
				if err != nil {
					t.Fatal(err)
				}
				if !res.OK() {
					t.Errorf("%s: %v", p.name, res)
				}
			}
		})
	}
}

// TestDenseForwardHeaviside checks the binary-spike forward pass (hard and
// soft reset, with and without a synaptic filter) against a direct
// transcription of the layer's equations: input current
// I_t = α·I_{t−1} + W·x_t + b, potential u_t = v_L + β·(v_{t−1} − v_L) + c·I_t,
// spike z_t = H(u_t − θ), reset v_t = u_t − z_t·(u_t − v_reset) (hard) or
// u_t − z_t·(θ − v_reset) (soft).
func TestDenseForwardHeaviside(t *testing.T) {
	for _, tc := range []struct {
		tauSyn float64
		reset  ResetMode
	}{{0, ResetHard}, {5, ResetHard}, {0, ResetSoft}, {5, ResetSoft}} {
		t.Run(fmt.Sprintf("tausyn=%g/%v", tc.tauSyn, tc.reset), func(t *testing.T) {
			const in, out, steps, rows = 7, 19, 40, 3
			d, err := NewDense[float64](DenseConfig{In: in, Out: out, TauSynMs: tc.tauSyn, Reset: tc.reset, Seed: 9})
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(4, 4))
			x := make([]float64, steps*rows*in)
			for i := range x {
				x[i] = 3 * r.NormFloat64()
			}
			s, err := d.Forward(x, steps, rows)
			if err != nil {
				t.Fatal(err)
			}
			c := d.cfg
			spikes := 0
			for b := range rows {
				v, cur := make([]float64, out), make([]float64, out)
				for k := range v {
					v[k] = c.VLeak
				}
				for st := range steps {
					for k := range out {
						wx := 0.0
						for j := range in {
							wx += d.W[k*in+j] * x[(st*rows+b)*in+j]
						}
						cur[k] = d.alpha*cur[k] + wx + d.B[k]
						u := c.VLeak + d.beta*(v[k]-c.VLeak) + d.cin*cur[k]
						z := 0.0
						if u > c.VTh {
							z = 1
						}
						if c.Reset == ResetSoft {
							v[k] = u - z*(c.VTh-c.VReset)
						} else {
							v[k] = u - z*(u-c.VReset)
						}
						o := (st*rows+b)*out + k
						if got := d.u[o]; math.Abs(got-u) > 1e-9*(1+math.Abs(u)) {
							t.Fatalf("step %d row %d neuron %d: potential %v, want %v", st, b, k, got, u)
						}
						if s[o] != z {
							t.Fatalf("step %d row %d neuron %d: spike %v, want %v (u = %v)", st, b, k, s[o], z, u)
						}
						spikes += int(z)
					}
				}
			}
			if spikes == 0 || spikes == steps*rows*out {
				t.Fatalf("%d spikes of %d: the test needs both outcomes", spikes, steps*rows*out)
			}
		})
	}
}
