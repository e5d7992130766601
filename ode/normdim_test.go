package ode_test

import (
	"errors"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/ode"
)

// With NormDim 1, extra components (here P quadratures ∫ sin(k·y) dt of
// the controlled component y' = −2y + sin 3t) change neither the steps nor
// y's bits, however many there are; NormDim outside [0, n] is refused.
func TestNormDim(t *testing.T) {
	run := func(p int) (ode.Stats, float64) {
		f := func(tm float64, y, dy []float64) {
			dy[0] = -2*y[0] + math.Sin(3*tm)
			for k := 1; k <= p; k++ {
				dy[k] = math.Sin(float64(k) * y[0])
			}
		}
		s, err := ode.NewDopri5[float64](1+p, ode.Options{Rtol: 1e-6, Atol: 1e-8, NormDim: 1})
		if err != nil {
			t.Fatal(err)
		}
		y0 := make([]float64, 1+p)
		y0[0] = 0.7
		out := make([]float64, 1+p)
		if err := s.Solve(f, 0, y0, []float64{5}, out); err != nil {
			t.Fatal(err)
		}
		return s.Stats(), out[0]
	}
	st1, y1 := run(0)
	for _, p := range []int{1, 10, 1000} {
		st, y := run(p)
		if st.Steps != st1.Steps || math.Float64bits(y) != math.Float64bits(y1) {
			t.Errorf("P = %d: %d steps, y = %v; without extra components %d steps, y = %v", p, st.Steps, y, st1.Steps, y1)
		}
	}
	for _, nd := range []int{-1, 3} {
		if _, err := ode.NewDopri5[float64](2, ode.Options{NormDim: nd}); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("NormDim %d for n = 2: %v, want a param error", nd, err)
		}
	}
	if _, err := ode.New[float64](ode.RK4, 2, ode.Options{NormDim: 1}); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("NormDim with RK4: %v, want a param error", err)
	}
}
