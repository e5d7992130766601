package learn_test

import (
	"errors"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

func TestArctanSurrogate(t *testing.T) {
	for _, alpha := range []float64{0.5, 2, 10} {
		s := learn.Surrogate{Kind: learn.Arctan, Alpha: alpha}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		// g is the derivative of 1/2 + arctan(π α x/2)/π.
		prim := func(x float64) float64 { return 0.5 + math.Atan(math.Pi/2*alpha*x)/math.Pi }
		for _, x := range []float64{-3, -0.4, -0.01, 0, 0.02, 0.3, 2.5} {
			h := 1e-6
			fd := (prim(x+h) - prim(x-h)) / (2 * h)
			if g := s.Deriv(x); math.Abs(g-fd) > 1e-7*math.Max(1, alpha) {
				t.Errorf("α=%g x=%g: g=%g, d/dx primitive=%g", alpha, x, g, fd)
			}
		}
		if g0 := s.Deriv(0); g0 != alpha/2 {
			t.Errorf("α=%g: g(0)=%g, want α/2", alpha, g0)
		}
		// Integrates to 1 (midpoint rule over a wide range; tails ~ 4/(π²α·X)).
		sum, h := 0.0, 1e-3
		for x := -200.0; x < 200; x += h {
			sum += s.Deriv(x+h/2) * h
		}
		if tail := 4 / (math.Pi * math.Pi * alpha * 200); math.Abs(sum-1) > tail+1e-4 {
			t.Errorf("α=%g: integral %g, want 1 within %g", alpha, sum, tail)
		}
	}
	for k := learn.SuperSpike; k <= learn.Arctan; k++ {
		if back, err := learn.ParseSurrogate(k.String()); err != nil || back != k {
			t.Errorf("%v: ParseSurrogate(String()) = %v, %v", k, back, err)
		}
		if err := (learn.Surrogate{Kind: k}).Validate(); err != nil {
			t.Errorf("%v: default alpha invalid: %v", k, err)
		}
	}
	if k, err := learn.ParseSurrogate("arctan"); err != nil || k != learn.Arctan {
		t.Errorf("ParseSpikeSurrogate(arctan) = %v, %v", k, err)
	}
	if _, err := learn.ParseSurrogate("atan"); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("unknown name: err = %v", err)
	}
	if err := (learn.Surrogate{Kind: learn.Arctan + 1}).Validate(); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("unknown kind: err = %v", err)
	}
	if err := (learn.Surrogate{Kind: learn.Arctan, Alpha: -1}).Validate(); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("negative alpha: err = %v", err)
	}
}
