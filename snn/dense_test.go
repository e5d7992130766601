package snn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/neurodyn/neurodyn/learn"
)

// TestDenseGrad checks the feed-forward layer's backward pass against
// finite differences on its smooth version, for the weights, the bias and
// the input, with and without a synaptic filter and for both resets.
func TestDenseGrad(t *testing.T) {
	for _, tc := range []struct {
		tauSyn float64
		reset  ResetMode
	}{{0, ResetHard}, {3, ResetHard}, {2, ResetSoft}} {
		t.Run(fmt.Sprintf("tausyn=%g/%v", tc.tauSyn, tc.reset), func(t *testing.T) {
			c := DenseConfig{In: 4, Out: 3, TauSynMs: tc.tauSyn, TauMemMs: 4, Reset: tc.reset,
				Surrogate: learn.Surrogate{Kind: learn.SigmoidSurrogate, Alpha: 3}, Smooth: true, Seed: 5}
			d, err := NewDense[float64](c)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 1))
			steps, rows := 6, 2
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
