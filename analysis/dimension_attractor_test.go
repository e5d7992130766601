package analysis

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// mackeyGlass returns n samples, dt apart, of the Mackey–Glass delay
// equation dx/dt = 0.2·x(t−τ)/(1 + x(t−τ)¹⁰) − 0.1·x (Euler steps of 0.1,
// constant history 1.2, the first 2000 time units discarded).
func mackeyGlass(tau, dt float64, n int) []float64 {
	const h = 0.1
	d := int(math.Round(tau / h))
	every := int(math.Round(dt / h))
	burn := 20000
	hist := make([]float64, d+1) // ring: hist[k%(d+1)] = x at step k
	for k := range hist {
		hist[k] = 1.2
	}
	x := 1.2
	out := make([]float64, 0, n)
	for k := d; len(out) < n; k++ {
		xd := hist[(k-d)%(d+1)]
		x += h * (0.2*xd/(1+math.Pow(xd, 10)) - 0.1*x)
		hist[(k+1)%(d+1)] = x
		if s := k - d + 1; s > burn && s%every == 0 {
			out = append(out, x)
		}
	}
	return out
}

// TestDescribeAttractorDimension checks DescribeAttractor's D₂ against the
// literature: a one-variable series is delay-embedded (the raw samples of
// one variable gave D₂ ≈ 1 whatever the series: Mackey–Glass 0.99, white
// noise 1.00), variables of different scales are z-scored (Rössler with
// x·1000, y·10⁻³, z+500 gave 0.995), white noise is refused with a note.
// References: Mackey–Glass τ = 17 D₂ ≈ 1.95–2.1 (Grassberger & Procaccia
// 1983), Rössler ≈ 1.75–2.0, Lorenz ≈ 2.05, a sine 1.
func TestDescribeAttractorDimension(t *testing.T) {
	n := 8000
	ros, err := SampleFlow(Rossler{}, []float64{1, 1, 0}, 0.1, n, 100)
	if err != nil {
		t.Fatal(err)
	}
	lor, err := SampleFlow(Lorenz63{}, []float64{1, 1, 1}, 0.02, 2*n, 10)
	if err != nil {
		t.Fatal(err)
	}
	scaled := slices.Clone(ros)
	for i := 0; i < n; i++ {
		scaled[3*i] *= 1000
		scaled[3*i+1] *= 1e-3
		scaled[3*i+2] += 500
	}
	sine := make([]float64, n)
	for i := range sine {
		sine[i] = math.Sin(0.05 * float64(i)) // 125.66… samples per period: no exact repeats
	}
	rng := rand.New(rand.NewPCG(5, 5))
	noise := make([]float64, n)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	for _, tc := range []struct {
		name     string
		x        []float64
		dim      int
		dt       float64
		lo, hi   float64 // D₂ range; NaN: refused
		embedded bool    // delay-embedded (D2EmbedDim > 1)
		scaledZ  bool    // z-scored
	}{
		{"Mackey–Glass τ=17", mackeyGlass(17, 1, n), 1, 1, 1.9, 2.15, true, false},
		{"Rössler x", column(ros, 3, 0), 1, 0.1, 1.7, 2.05, true, false},
		{"Rössler x, y, z", ros, 3, 0.1, 1.7, 2.05, false, false},
		{"Rössler x·1000, y·1e-3, z+500", scaled, 3, 0.1, 1.7, 2.05, false, true},
		{"Lorenz x", column(lor, 3, 0), 1, 0.02, 1.95, 2.15, true, false},
		{"Lorenz x, y, z", lor, 3, 0.02, 1.95, 2.15, false, false},
		{"sine", sine, 1, 0.05, 0.9, 1.1, true, false},
		{"white noise", noise, 1, 1, math.NaN(), math.NaN(), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := DescribeAttractor(tc.x, tc.dim, AttractorConfig{Dt: tc.dt})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("D₂ = %.4f (m %d, lag %d, z-scored %v), λ₁ = %.4f; notes %q", s.D2, s.D2EmbedDim, s.D2Lag, s.D2Scaled, s.Lambda1, s.Notes)
			if math.IsNaN(tc.lo) {
				if !math.IsNaN(s.D2) || !slices.ContainsFunc(s.Notes, func(n string) bool {
					return strings.HasPrefix(n, "D₂: not estimated") && strings.Contains(n, "fills every embedding dimension")
				}) {
					t.Fatalf("D₂ = %v, notes %q; want NaN with the note that the series fills every dimension", s.D2, s.Notes)
				}
				return
			}
			if !(s.D2 >= tc.lo && s.D2 <= tc.hi) {
				t.Fatalf("D₂ = %v, want in [%v, %v]", s.D2, tc.lo, tc.hi)
			}
			if (s.D2EmbedDim > 1) != tc.embedded || s.D2Scaled != tc.scaledZ {
				t.Fatalf("embedding m %d, z-scored %v; want embedded %v, z-scored %v", s.D2EmbedDim, s.D2Scaled, tc.embedded, tc.scaledZ)
			}
			if tc.embedded && s.LyapFit != nil && (s.D2EmbedDim != s.LyapFit.EmbedDim || s.D2Lag != s.LyapFit.Lag) {
				t.Fatalf("D₂ embedding (%d, %d), λ₁'s (%d, %d): want the same", s.D2EmbedDim, s.D2Lag, s.LyapFit.EmbedDim, s.LyapFit.Lag)
			}
		})
	}
	// Units do not matter: the rescaled Rössler gives the D₂ of the
	// original (z-scored either way, within the estimator's noise).
	a, _ := DescribeAttractor(ros, 3, AttractorConfig{Dt: 0.1})
	b, _ := DescribeAttractor(scaled, 3, AttractorConfig{Dt: 0.1})
	if math.Abs(a.D2-b.D2) > 0.02 {
		t.Fatalf("Rössler D₂ %v, rescaled %v: want the same within 0.02", a.D2, b.D2)
	}
	// A fixed embedding (Lyapunov.EmbedDim, Lag) is used for D₂ too.
	s, err := DescribeAttractor(column(ros, 3, 0), 1, AttractorConfig{Dt: 0.1, Lyapunov: RosensteinConfig{EmbedDim: 4, Lag: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if s.D2EmbedDim != 4 || s.D2Lag != 10 || !(s.D2 > 1.7 && s.D2 < 2.05) {
		t.Fatalf("EmbedDim 4, Lag 10: D₂ = %v in (%d, %d)", s.D2, s.D2EmbedDim, s.D2Lag)
	}
}

// TestDescribeAttractorScaling: D2Scaling overrides the 10× rule. A fourth
// variable of 1e-4 noise beside Rössler is z-scored into a full-size noise
// direction by the automatic rule (D₂ ≈ 2.8) and left out in effect
// without scaling (≈ 1.8); z-scoring Rössler itself keeps its D₂.
func TestDescribeAttractorScaling(t *testing.T) {
	const n = 6000
	ros, err := SampleFlow(Rossler{}, []float64{1, 1, 0}, 0.1, n, 100)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	four := make([]float64, 0, 4*n)
	for i := 0; i < n; i++ {
		four = append(four, ros[3*i:3*i+3]...)
		four = append(four, 1e-4*rng.NormFloat64())
	}
	for _, tc := range []struct {
		name    string
		x       []float64
		dim     int
		scaling D2Scaling
		lo, hi  float64
		scaled  bool
	}{
		{"noise channel, auto", four, 4, D2ScaleAuto, 2.4, 4, true},
		{"noise channel, none", four, 4, D2ScaleNone, 1.7, 2.05, false},
		{"noise channel, z-score", four, 4, D2ScaleZScore, 2.4, 4, true},
		{"Rössler, z-score", ros, 3, D2ScaleZScore, 1.7, 2.05, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := DescribeAttractor(tc.x, tc.dim, AttractorConfig{Dt: 0.1, D2Scaling: tc.scaling})
			if err != nil {
				t.Fatal(err)
			}
			if !(s.D2 >= tc.lo && s.D2 <= tc.hi) || s.D2Scaled != tc.scaled {
				t.Fatalf("D₂ = %.4f, z-scored %v; want in [%g, %g], z-scored %v", s.D2, s.D2Scaled, tc.lo, tc.hi, tc.scaled)
			}
		})
	}
	if _, err := DescribeAttractor(ros, 3, AttractorConfig{Dt: 0.1, D2Scaling: 3}); err == nil || !strings.Contains(err.Error(), "D2Scaling") {
		t.Errorf("D2Scaling 3: %v, want an error naming D2Scaling", err)
	}
}
