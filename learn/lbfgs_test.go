package learn

import (
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/asm"
)

// rosenbrock is the extended Rosenbrock function Σ 100(x₂ᵢ − x₂ᵢ₋₁²)² +
// (1 − x₂ᵢ₋₁)², minimum 0 at (1, …, 1).
func rosenbrock(x, g []float64) (float64, error) {
	f := 0.0
	for i := 0; i+1 < len(x); i += 2 {
		a, b := x[i], x[i+1]
		t1, t2 := b-a*a, 1-a
		f += 100*t1*t1 + t2*t2
		g[i] = -400*t1*a - 2*t2
		g[i+1] = 200 * t1
	}
	return f, nil
}

func TestLBFGSRosenbrock(t *testing.T) {
	for _, n := range []int{2, 10} {
		x := make([]float64, n)
		for i := range x {
			x[i] = 1
			if i%2 == 0 {
				x[i] = -1.2
			}
		}
		o := newLBFGS(LBFGSConfig{Iterations: 200}, n)
		f, _, err := o.run(rosenbrock, x)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range x {
			if math.Abs(v-1) > 1e-6 {
				t.Errorf("n = %d: x[%d] = %v, want 1 (f %g after %d evaluations)", n, i, v, f, o.evals)
			}
		}
		// Nocedal & Wright report about 35 iterations for n = 2; a line
		// search that needed many evaluations per step would show here.
		if f > 1e-12 || o.evals > 300 {
			t.Errorf("n = %d: f = %g after %d evaluations", n, f, o.evals)
		}
	}
}

// An ill-conditioned quadratic (eigenvalues 1 … 1e4, 100 dimensions) loses
// 9 orders of magnitude in 400 iterations (2.6e-10 measured; gonum's LBFGS
// with its default line search reaches 3.1e-10 in as many).
func TestLBFGSQuadratic(t *testing.T) {
	const n = 100
	h := make([]float64, n)
	for i := range h {
		h[i] = math.Pow(1e4, float64(i)/(n-1))
	}
	f := func(x, g []float64) (float64, error) {
		v := 0.0
		for i := range x {
			d := x[i] - 1
			v += 0.5 * h[i] * d * d
			g[i] = h[i] * d
		}
		return v, nil
	}
	x := make([]float64, n)
	var g0 [n]float64
	f0, _ := f(x, g0[:])
	o := newLBFGS(LBFGSConfig{Iterations: 400}, n)
	fx, _, err := o.run(f, x)
	if err != nil {
		t.Fatal(err)
	}
	if fx > 1e-9*f0 {
		t.Errorf("f = %g (start %g) after %d evaluations", fx, f0, o.evals)
	}
}

// Trial points where the loss is not finite (a model that blows up) make
// the line search back off instead of failing the run.
func TestLBFGSBacksOffNonFinite(t *testing.T) {
	inf := 0
	f := func(x, g []float64) (float64, error) {
		if x[0] > 0.45 { // the first trial, a unit step, lands here
			inf++
			g[0] = math.NaN()
			return math.NaN(), nil
		}
		g[0] = 2 * (x[0] - 0.4)
		return (x[0] - 0.4) * (x[0] - 0.4), nil
	}
	x := []float64{0}
	o := newLBFGS(LBFGSConfig{Iterations: 30}, 1)
	fx, _, err := o.run(f, x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(x[0]-0.4) > 1e-6 || fx > 1e-12 || inf == 0 {
		t.Errorf("x = %v, f = %g, %d non-finite trials (want > 0)", x[0], fx, inf)
	}
}

// A zero gradient is a minimum: the run reports no progress instead of
// stepping.
func TestLBFGSStationary(t *testing.T) {
	f := func(x, g []float64) (float64, error) { g[0] = 0; return 1, nil }
	x := []float64{2}
	o := newLBFGS(LBFGSConfig{}, 1)
	fx, progress, err := o.run(f, x)
	if err != nil || progress || fx != 1 || x[0] != 2 || o.evals != 1 {
		t.Errorf("fx %v, progress %v, x %v, evals %d, err %v", fx, progress, x, o.evals, err)
	}
}

func TestZoomStep(t *testing.T) {
	// The cubic through f = (a − 1)² at 0 and 3 has its minimum at 1.
	if got := zoomStep(0, 1, -2, 3, 4, 4); math.Abs(got-1) > 1e-12 {
		t.Errorf("zoomStep = %v, want 1", got)
	}
	// Non-finite ends bisect.
	if got := zoomStep(0, 1, -2, 4, math.Inf(1), math.NaN()); got != 2 {
		t.Errorf("zoomStep with an infinite end = %v, want 2", got)
	}
}

// The run is bit-identical on every kernel path of this build and CPU (the
// arithmetic is asm's canonical-order float64 kernels and conversions that
// keep arm64 from fusing).
func TestLBFGSKernelPaths(t *testing.T) {
	defer asm.Reset()
	var ref []float64
	for _, p := range asm.Paths() {
		if err := asm.Select(p); err != nil {
			t.Fatal(err)
		}
		x := make([]float64, 40)
		for i := range x {
			x[i] = 1 + 0.3*math.Sin(float64(3*i))
		}
		o := newLBFGS(LBFGSConfig{Iterations: 60, Store: 7}, len(x))
		if _, _, err := o.run(rosenbrock, x); err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = x
			continue
		}
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(ref[i]) {
				t.Fatalf("path %s: x[%d] = %v, %s gave %v", p, i, x[i], asm.Paths()[0], ref[i])
			}
		}
	}
}
