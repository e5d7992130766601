package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

func TestCorrelationDimensionLorenz(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 20000
	}
	raw, err := SampleFlow(Lorenz63{}, []float64{1, 1, 1}, 0.05, n, 50)
	if err != nil {
		t.Fatal(err)
	}
	r, err := CorrelationDimension(raw, 3, DimensionConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Lorenz, %d points dt 0.05: D₂ = %.4f over r ∈ [%.3g, %.3g] (spread of local slopes %.3f, %d centers, Theiler %d, found %v)",
		n, r.D2, r.Radii[r.FitLo], r.Radii[r.FitHi], r.SlopeSpread, r.Centers, r.Theiler, r.Found)
	if math.Abs(r.D2-2.05) > 0.05 || !r.Found {
		t.Fatalf("D₂ = %v, want 2.05 ± 0.05", r.D2)
	}
	if r.Radii[r.FitHi]/r.Radii[r.FitLo] < 4 {
		t.Fatalf("scaling region spans only a factor %v", r.Radii[r.FitHi]/r.Radii[r.FitLo])
	}
	// C is a cumulative fraction.
	for b := 1; b < len(r.C); b++ {
		if r.C[b] < r.C[b-1] || r.C[b] > 1 {
			t.Fatalf("C not monotone in [0, 1]: %v", r.C)
		}
	}
	// Another seed picks other centers and gives nearly the same value
	// (on the first 2·10⁴ points).
	sub := raw[:3*20000]
	r1, err1 := CorrelationDimension(sub, 3, DimensionConfig{})
	r2, err2 := CorrelationDimension(sub, 3, DimensionConfig{Seed: 7})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if math.Abs(r2.D2-r1.D2) > 0.03 {
		t.Fatalf("seed 7: D₂ = %v vs %v with seed 1", r2.D2, r1.D2)
	}
}

// bruteCorrelationSum counts pairs by brute force for the same centers.
func bruteCorrelationSum(x []float64, dim int, centers []int, theiler int, r float64) (cnt, pairs int64) {
	n := len(x) / dim
	for _, i := range centers {
		for j := 0; j < n; j++ {
			if j-i <= theiler && i-j <= theiler {
				continue
			}
			pairs++
			var d2 float64
			for k := 0; k < dim; k++ {
				e := x[i*dim+k] - x[j*dim+k]
				d2 += e * e
			}
			if d2 <= r*r {
				cnt++
			}
		}
	}
	return cnt, pairs
}

func TestCorrelationSumMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 3*700)
	for i := range x {
		x[i] = rng.Float64()
	}
	r, err := CorrelationDimension(x, 3, DimensionConfig{Theiler: 5, Centers: 1000, RMin: 0.01, RMax: 0.5, Radii: 12, FitLo: 3, FitHi: 10})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, 700)
	for i := range all {
		all[i] = i
	}
	for b, rad := range r.Radii {
		cnt, pairs := bruteCorrelationSum(x, 3, all, 5, rad)
		if cnt != r.Counts[b] || pairs != r.Pairs {
			t.Fatalf("r = %v: k-d tree %d of %d pairs, brute force %d of %d", rad, r.Counts[b], r.Pairs, cnt, pairs)
		}
	}
}

func TestCorrelationDimensionKnownSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cube := make([]float64, 3*20000)
	for i := range cube {
		cube[i] = rng.Float64()
	}
	circle := make([]float64, 2*5000)
	for i := 0; i < 5000; i++ {
		a := float64(i) * 0.7548776662 // golden-ratio-like irrational step
		circle[2*i], circle[2*i+1] = math.Cos(2*math.Pi*a), math.Sin(2*math.Pi*a)
	}
	henon, _ := SampleMap(Henon{}, []float64{0.1, 0.1}, 20000, 1000)
	for _, tc := range []struct {
		name      string
		x         []float64
		dim       int
		want, tol float64
	}{
		{"uniform cube", cube, 3, 3, 0.1},
		{"circle", circle, 2, 1, 0.03},
		{"Hénon", henon, 2, 1.21, 0.05},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := CorrelationDimension(tc.x, tc.dim, DimensionConfig{Theiler: -1})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: D₂ = %.4f over r ∈ [%.3g, %.3g]", tc.name, r.D2, r.Radii[r.FitLo], r.Radii[r.FitHi])
			if math.Abs(r.D2-tc.want) > tc.tol {
				t.Fatalf("D₂ = %v, want %v ± %v", r.D2, tc.want, tc.tol)
			}
		})
	}
}

func TestCorrelationDimensionErrors(t *testing.T) {
	x := make([]float64, 300)
	for i := range x {
		x[i] = float64(i % 7)
	}
	for _, tc := range []struct {
		name string
		x    []float64
		c    DimensionConfig
	}{
		{"too few points", x[:30], DimensionConfig{}},
		{"radii", x, DimensionConfig{Radii: 2}},
		{"rmin ≥ rmax", x, DimensionConfig{RMin: 2, RMax: 1}},
		{"negative centers", x, DimensionConfig{Centers: -1}},
		{"fit range", x, DimensionConfig{FitLo: 5, FitHi: 3}},
		{"constant", make([]float64, 300), DimensionConfig{Theiler: -1}},
		{"theiler", x, DimensionConfig{Theiler: 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := CorrelationDimension(tc.x, 3, tc.c); !errors.Is(err, param.ErrInvalid) {
				t.Fatalf("err = %v, want a param error", err)
			}
		})
	}
}

// TestCorrelationDimensionHighDim: the defaults reach a scaling region on
// ordinary 4- to 6-dimensional data. RMax was 0.2 × the median pair
// distance and MinPairs 2000, which in 4-D leaves too few pairs below
// RMax: 20000 uniform points in 4-D (and 3-D with 5000 points, 5-D, 6-D)
// were an error about too few pairs. Uniform points in a cube: D₂ is the
// dimension, biased low by the cube's edges at the larger radii the
// defaults reach in high dimension.
func TestCorrelationDimensionHighDim(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []struct {
		dim, n int
		lo, hi float64
	}{
		{3, 5000, 2.7, 3.1}, {4, 20000, 3.6, 4.1}, {6, 20000, 4.9, 6.1}, {6, 5000, 4.8, 6.1},
	} {
		u := make([]float64, tc.n*tc.dim)
		for i := range u {
			u[i] = rng.Float64()
		}
		r, err := CorrelationDimension(u, tc.dim, DimensionConfig{})
		if err != nil {
			t.Fatalf("uniform %d-D, %d points: %v", tc.dim, tc.n, err)
		}
		t.Logf("uniform %d-D, %d points: D₂ = %.3f over r ∈ [%.3g, %.3g] (found %v)", tc.dim, tc.n, r.D2, r.Radii[r.FitLo], r.Radii[r.FitHi], r.Found)
		if r.D2 < tc.lo || r.D2 > tc.hi {
			t.Errorf("uniform %d-D, %d points: D₂ = %.3f, want in [%g, %g]", tc.dim, tc.n, r.D2, tc.lo, tc.hi)
		}
	}
}

// TestCorrelationDimensionFiniteSet: the points of a period-4 orbit have
// C(r) constant at every radius (all local slopes 0). That used to be an
// error saying there were not enough pairs for a scaling region although
// every radius had all of them; now D₂ = 0 with a Note.
func TestCorrelationDimensionFiniteSet(t *testing.T) {
	x := make([]float64, 2000)
	for i := range x {
		x[i] = []float64{0.1, 0.5, 0.3, 0.9}[i%4]
	}
	r, err := CorrelationDimension(x, 1, DimensionConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if r.D2 != 0 || !r.Found || !strings.Contains(r.Note, "finite set") {
		t.Fatalf("period-4 orbit: D₂ = %v (found %v, note %q), want 0 with a note", r.D2, r.Found, r.Note)
	}
	// A sampled cycle is flat only below its sample spacing: the circle's
	// scaling region stays at the larger radii, D₂ ≈ 1, without a note.
	c := make([]float64, 2*20000)
	for i := 0; i < 20000; i++ {
		th := 2 * math.Pi * float64(i) / 100.3
		c[2*i], c[2*i+1] = math.Cos(th), math.Sin(th)
	}
	r, err = CorrelationDimension(c, 2, DimensionConfig{})
	if err != nil || math.Abs(r.D2-1) > 0.05 || r.Note != "" {
		t.Fatalf("circle: %v, D₂ %v note %q, want ≈ 1 and no note", err, r.D2, r.Note)
	}
}
