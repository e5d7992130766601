package learn_test

import (
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/learn"
)

// sinField is F(h, x) = θ·sin(3h) + x with P parameters of which only the
// first enters F (the others get zero gradients).
type sinField struct {
	p     int
	theta float64
}

func (f sinField) StateDim() int  { return 1 }
func (f sinField) InputDim() int  { return 1 }
func (f sinField) NumParams() int { return f.p }
func (f sinField) Eval(dst, h, x []float64, n int) {
	for i := 0; i < n; i++ {
		dst[i] = f.theta*math.Sin(3*h[i]) + x[i]
	}
}
func (f sinField) VJP(dh, gt, gx, v, h, x []float64, n int) {
	for i := 0; i < n; i++ {
		dh[i] = f.theta * 3 * math.Cos(3*h[i]) * v[i]
		if gt != nil {
			gt[0] += math.Sin(3*h[i]) * v[i]
		}
		if gx != nil {
			gx[i] += v[i]
		}
	}
}

// The adjoint's seminorm leaves the parameter gradients out of the error
// norm altogether: the number of parameters changes neither the steps nor
// the gradient's bits (with AtolVec's huge tolerances they still counted
// in the RMS's 1/n: 40 steps at P = 1, 19 at P = 10,000, gθ 9e-5 off).
func TestAdjointSeminormIndependentOfParams(t *testing.T) {
	run := func(p int) (steps int, h, adj, g float64) {
		a, err := learn.NewAdjoint[float64](sinField{p: p, theta: 0.7}, 1, learn.AdjointConfig{Rtol: 1e-6, Atol: 1e-8})
		if err != nil {
			t.Fatal(err)
		}
		hv, av, gt, gx := []float64{0.4}, []float64{1}, make([]float64, p), []float64{0}
		if err := a.Interval(hv, av, gt, gx, []float64{0.3}, 5); err != nil {
			t.Fatal(err)
		}
		return a.Stats().Steps, hv[0], av[0], gt[0]
	}
	s1, h1, a1, g1 := run(1)
	for _, p := range []int{10, 10000} {
		s, h, a, g := run(p)
		if s != s1 || math.Float64bits(h) != math.Float64bits(h1) || math.Float64bits(a) != math.Float64bits(a1) || math.Float64bits(g) != math.Float64bits(g1) {
			t.Errorf("P = %d: %d steps, h %v, adjoint %v, gθ %v; P = 1: %d steps, %v, %v, %v", p, s, h, a, g, s1, h1, a1, g1)
		}
	}
}
