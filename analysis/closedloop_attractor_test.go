package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/tasks"
)

func TestWasserstein1(t *testing.T) {
	if w := wasserstein1([]float64{0, 1}, []float64{1, 2}); math.Abs(w-1) > 1e-15 {
		t.Fatalf("W1({0,1},{1,2}) = %v, want 1", w)
	}
	if w := wasserstein1([]float64{0, 0, 3}, []float64{0, 0, 3}); w != 0 {
		t.Fatalf("W1 of equal samples = %v", w)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	a, b := make([]float64, 50000), make([]float64, 40000)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64() + 0.5
	}
	slices.Sort(a)
	slices.Sort(b)
	if w := wasserstein1(a, b); math.Abs(w-0.5) > 0.02 {
		t.Fatalf("W1 of N(0,1) and N(0.5,1) = %v, want 0.5", w)
	}
}

func TestCompareAttractorsLorenz(t *testing.T) {
	d := dsLorenz(t)
	n := 20000
	truth := d.raw[:3*n]
	other, err := SampleFlow(Lorenz63{}, []float64{3, -2, 20}, 0.01, n, 20)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := NewAttractorReference(truth, 3, AttractorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	same, err := ref.Compare(other)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("two Lorenz runs: λ₁ %.3f vs %.3f, D₂ %.3f vs %.3f, W1/std %.3f, TV %.3f, return map %.3f/%.3f, %d/%d maxima",
		same.Gen.Lambda1, same.True.Lambda1, same.Gen.D2, same.True.D2, same.WassersteinRel, same.HistTV,
		same.ReturnGenToTrue, same.ReturnTrueToGen, len(same.Gen.Maxima), len(same.True.Maxima))
	// Rosenstein on 2·10⁴ samples scatters by about ±10% per run.
	if math.Abs(same.Lambda1RelErr) > 0.2 || math.Abs(same.D2Diff) > 0.1 || slices.Max(same.WassersteinRel) > 0.15 ||
		same.ReturnGenToTrue > 0.1 || same.ReturnTrueToGen > 0.1 {
		t.Fatal("two runs of the same attractor look different")
	}
	if len(same.Gen.Notes) != 0 || len(same.True.Notes) != 0 {
		t.Fatalf("notes on a good attractor: %v %v", same.Gen.Notes, same.True.Notes)
	}
	if testing.Short() {
		return
	}
	// Another system (ρ = 45): a different attractor.
	wrong, err := SampleFlow(Lorenz63{tasks.Lorenz{Rho: 45}}, []float64{3, -2, 20}, 0.01, n, 20)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := ref.Compare(wrong)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ρ = 45 vs 28: W1/std %.3f, TV %.3f, return map %.3f/%.3f", diff.WassersteinRel, diff.HistTV, diff.ReturnGenToTrue, diff.ReturnTrueToGen)
	if diff.WassersteinRel[2] < 5*same.WassersteinRel[2] || diff.ReturnGenToTrue < 5*same.ReturnGenToTrue {
		t.Fatalf("ρ = 45 not told apart from ρ = 28")
	}
	// A collapsed run: a limit cycle.
	cycle := make([]float64, 3*n)
	for i := 0; i < n; i++ {
		cycle[3*i] = 5 * math.Cos(float64(i)*0.07)
		cycle[3*i+1] = 5 * math.Sin(float64(i)*0.07)
		cycle[3*i+2] = 23.5 + 8*math.Sin(float64(i)*0.07)
	}
	col, err := ref.Compare(cycle)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("limit cycle: λ₁ %v, D₂ %v, notes %q, return map %.3f/%.3f", col.Gen.Lambda1, col.Gen.D2, col.Gen.Notes, col.ReturnGenToTrue, col.ReturnTrueToGen)
	if col.ReturnTrueToGen < 0.5 || !(math.IsNaN(col.Gen.Lambda1) || math.Abs(col.Gen.Lambda1) < 0.2) {
		t.Fatalf("a limit cycle passes for the attractor: %+v", col.Gen)
	}
	// A run that settled on a fixed point.
	fixed := slices.Clone(truth)
	for i := n / 4; i < n; i++ {
		copy(fixed[3*i:3*i+3], []float64{8.485, 8.485, 27})
	}
	st, err := DescribeAttractor(fixed, 3, AttractorConfig{})
	if err != nil || st.D2 != 0 || !math.IsNaN(st.Lambda1) || len(st.Notes) != 1 {
		t.Fatalf("settled run: %v, %+v", err, st)
	}
	// A run that spirals into a fixed point after a transient and keeps a
	// rounding jitter (as a float32 model does): settled, and quickly so.
	spiral := slices.Clone(truth)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 1000; i < n; i++ {
		a := math.Exp(-float64(i-1000) * 0.01)
		for j, c := range []float64{9.15, 9.25, 26.5} {
			spiral[3*i+j] = c + a*(truth[3*i+j]-c) + 1e-5*rng.NormFloat64()
		}
	}
	st, err = DescribeAttractor(spiral, 3, AttractorConfig{})
	if err != nil || st.D2 != 0 || len(st.Notes) != 1 {
		t.Fatalf("spiral into a fixed point: %v, %+v", err, st)
	}
	if c, err := ref.Compare(spiral); err != nil || !math.IsInf(c.ReturnTrueToGen, 1) || c.Gen.D2 != 0 {
		t.Fatalf("spiral compared with the truth: %v, return map true→gen %v, D₂ %v", err, c.ReturnTrueToGen, c.Gen.D2)
	}
	if _, err := CompareAttractors(truth[:3*n-1], truth[:3000], 3, AttractorConfig{}); !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("ragged input: err = %v", err)
	}
	if _, err := DescribeAttractor(truth, 3, AttractorConfig{MaximaVar: 4}); !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("MaximaVar 4: err = %v", err)
	}
}

// TestDescribeAttractorNoiseAndCycle: the estimators' refusals reach
// DescribeAttractor's notes. Noise: λ₁ NaN with the embedding-search
// note (it was 0.13 per sample from the m = 10 overlap artefact). A
// period-4 cycle: D₂ = 0 with the finite-set note (it was NaN with an
// error about too few pairs).
func TestDescribeAttractorNoiseAndCycle(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	noise := make([]float64, 2*5000)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	s, err := DescribeAttractor(noise, 2, AttractorConfig{DimStride: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(s.Lambda1) || !slices.ContainsFunc(s.Notes, func(n string) bool { return strings.Contains(n, "λ₁") && strings.Contains(n, "EmbedDim") }) {
		t.Fatalf("noise: λ₁ = %v, notes %q; want NaN with the EmbedDim note", s.Lambda1, s.Notes)
	}
	cycle := make([]float64, 2*2000)
	for i := range cycle {
		cycle[i] = []float64{0.1, 0.5, 0.3, 0.9, 0.2, 0.7, 0.4, 0.8}[i%8]
	}
	s, err = DescribeAttractor(cycle, 2, AttractorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if s.D2 != 0 || !slices.ContainsFunc(s.Notes, func(n string) bool { return strings.Contains(n, "finite set") }) {
		t.Fatalf("period-4 cycle: D₂ = %v, notes %q; want 0 with the finite-set note", s.D2, s.Notes)
	}
}

// TestDescribeAttractorTooShort: a series too short for the divergence
// curve to cover 5 mean periods says so, not that it looks periodic (the
// re-review's Mackey–Glass of 300 samples); a long periodic series keeps
// the periodic note.
func TestDescribeAttractorTooShort(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{300, "the series is too short to follow it: the divergence curve covers"},
		{4000, "as for a periodic or quasi-periodic series"},
	} {
		x := make([]float64, c.n)
		for i := range x {
			x[i] = math.Sin(2 * math.Pi * float64(i) / 20)
		}
		s, err := DescribeAttractor(x, 1, AttractorConfig{Dt: 1})
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(s.Notes, "\n")
		if !math.IsNaN(s.Lambda1) || !strings.Contains(notes, c.want) {
			t.Errorf("n = %d: λ₁ %g, notes %q, want %q", c.n, s.Lambda1, notes, c.want)
		}
		if c.n == 300 && strings.Contains(notes, "periodic") {
			t.Errorf("n = 300: %q", notes)
		}
	}
}
