package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

func TestPCAKnownDirections(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	u1 := []float64{1 / math.Sqrt(2), 1 / math.Sqrt(2), 0}
	u2 := []float64{-1 / math.Sqrt(2), 1 / math.Sqrt(2), 0}
	const n = 20000
	x := make([]float64, 3*n)
	for i := 0; i < n; i++ {
		a, b, c := 2*rng.NormFloat64(), rng.NormFloat64(), 0.1*rng.NormFloat64()
		for j := 0; j < 3; j++ {
			x[3*i+j] = 5 + a*u1[j] + b*u2[j]
		}
		x[3*i+2] += c
	}
	p, err := FitPCA(x, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ratios %.4f, variances %.3f, mean %.3f", p.Ratio, p.Variance, p.Mean)
	if math.Abs(p.Variance[0]-4) > 0.15 || math.Abs(p.Variance[1]-1) > 0.05 || math.Abs(p.Ratio[0]-4/5.01) > 0.01 {
		t.Fatalf("variances %v ratios %v, want ≈ 4, 1 and 0.8", p.Variance, p.Ratio)
	}
	for c, u := range [][]float64{u1, u2} {
		v := p.Components[3*c : 3*c+3]
		if d := math.Abs(v[0]*u[0] + v[1]*u[1] + v[2]*u[2]); d < 0.999 {
			t.Fatalf("component %d = %v, want ±%v (|cos| = %v)", c, v, u, d)
		}
		// Sign convention: largest-magnitude entry positive.
		big := 0
		for j := range v {
			if math.Abs(v[j]) > math.Abs(v[big]) {
				big = j
			}
		}
		if v[big] < 0 {
			t.Fatalf("component %d = %v has a negative largest entry", c, v)
		}
	}
	if cum := p.Cumulative(); math.Abs(cum[1]-(p.Ratio[0]+p.Ratio[1])) > 1e-15 || cum[1] > 1 {
		t.Fatalf("cumulative %v", cum)
	}
	// Scores have the component variances and zero mean.
	s := make([]float64, 2*n)
	p.Project(s, x)
	var m0, v0 float64
	for i := 0; i < n; i++ {
		m0 += s[2*i]
	}
	m0 /= n
	for i := 0; i < n; i++ {
		v0 += (s[2*i] - m0) * (s[2*i] - m0)
	}
	v0 /= n - 1
	if math.Abs(m0) > 1e-9 || math.Abs(v0-p.Variance[0]) > 1e-9*p.Variance[0] {
		t.Fatalf("scores mean %v variance %v, want 0 and %v", m0, v0, p.Variance[0])
	}
	// Fixed points project like states.
	pts := []FixedPoint{{H: x[:3]}, {H: x[3:6]}}
	if got := p.ProjectPoints(pts); math.Abs(got[2]-s[2]) > 1e-12 || math.Abs(got[1]-s[1]) > 1e-12 {
		t.Fatalf("ProjectPoints %v, want %v", got, s[:4])
	}
}

func TestPCAErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		k    int
	}{
		{"one state", []float64{1, 2, 3}, 0},
		{"k too big", []float64{1, 2, 3, 4, 5, 6}, 3},
		{"ragged", []float64{1, 2, 3, 4}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := FitPCA(tc.x, 3, tc.k); !errors.Is(err, param.ErrInvalid) {
				t.Fatalf("err = %v, want a param error", err)
			}
		})
	}
}
