package analysis

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/tasks"
)

// The goldens below pin the SHA-256 of the bits of the package's main
// figures on small inputs: the same in the default build, -tags noasm,
// GOARCH=386 and on arm64 (make asm-arm64 runs them under qemu-aarch64).
// On main before the products were rounded explicitly (float64(x*y) + z)
// and the spectra took their logarithms from detmath, every one of them
// failed under qemu-aarch64: arm64 fused the products (the Rosenstein and
// AR(2..4) figures moved in their last digits) and math.Log, pure Go there,
// gave λ₁ = 0.7934786478971878 for 0.793478647897188. The inputs are short
// so that each test takes well under a second natively and about a second
// under qemu; they are the same with and without -short, so each has one
// checksum.

// figureHash accumulates the bits of float64 and integer figures.
type figureHash struct{ b []byte }

func (h *figureHash) f(v ...float64) {
	for _, x := range v {
		h.b = binary.LittleEndian.AppendUint64(h.b, math.Float64bits(x))
	}
}

func (h *figureHash) i(v ...int) {
	for _, x := range v {
		h.b = binary.LittleEndian.AppendUint64(h.b, uint64(int64(x)))
	}
}

func (h *figureHash) check(t *testing.T, what, want string) {
	t.Helper()
	sum := sha256.Sum256(h.b)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SHA-256 of %s %s, want %s", what, got, want)
	}
}

// lorenzSamples samples Lorenz-63 from (1, 1, 1) every dt time units after
// a transient of 20.
func lorenzSamples(t *testing.T, x0 []float64, dt float64, n int) []float64 {
	t.Helper()
	x, err := SampleFlow(Lorenz63{}, x0, dt, n, 20)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestFlowSpectrumGolden: the QR (Benettin) Lyapunov spectrum of
// Lorenz-63, its batch-means errors and running estimates.
func TestFlowSpectrumGolden(t *testing.T) {
	s, err := FlowSpectrum(Lorenz63{}, []float64{1, 1, 1}, FlowSpectrumConfig{Transient: 5, Duration: 50})
	if err != nil {
		t.Fatal(err)
	}
	var h figureHash
	h.f(s.Exponents...)
	h.f(s.StdErr...)
	h.f(s.Time)
	h.i(s.Renorms)
	for _, row := range s.History {
		h.f(row...)
	}
	h.f(s.HistoryTime...)
	h.f(s.KaplanYorke())
	h.check(t, "the Lorenz spectrum", "0754fd5c15be6810e3836a62f28a23ee4b4eb93ba6ec0985f2a3eac65f09f175")
	t.Logf("λ = %v", s.Exponents)
}

// TestMapSpectrumGolden: the Hénon map's spectrum.
func TestMapSpectrumGolden(t *testing.T) {
	s, err := MapSpectrum(Henon{}, []float64{0.1, 0.1}, MapSpectrumConfig{Transient: 100, Steps: 5000})
	if err != nil {
		t.Fatal(err)
	}
	var h figureHash
	h.f(s.Exponents...)
	h.f(s.StdErr...)
	h.check(t, "the Hénon spectrum", "26d99c51c5c31cc017699a9e5e3d1d5f0c9d7f2e43d10023d884e2008e5b6ba6")
}

// TestEmbeddingGolden: the delay-embedding choices for the x coordinate
// of Lorenz-63 (mutual information, AutoLag, false nearest neighbours,
// mean period).
func TestEmbeddingGolden(t *testing.T) {
	x := column(lorenzSamples(t, []float64{1, 1, 1}, 0.02, 3000), 3, 0)
	mi, err := MutualInformation(x, 40, 0)
	if err != nil {
		t.Fatal(err)
	}
	lag, err := AutoLag(x)
	if err != nil {
		t.Fatal(err)
	}
	fnn, err := FalseNeighbours(x, lag, 6, 20)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := MeanPeriod(x, 1)
	if err != nil {
		t.Fatal(err)
	}
	var h figureHash
	h.f(mi...)
	h.i(lag)
	h.f(fnn...)
	h.i(int(math.Ceil(mp)))
	h.check(t, "the embedding figures", "f85d0cfac053e50e4aba26bce9fe8b14c1b9708034cb220944301b0b5012a46c")
	t.Logf("lag %d, FNN %v, mean period %v", lag, fnn, mp)
}

// TestRosensteinGolden: λ₁ by Rosenstein's method from the x coordinate
// (embedding chosen automatically) and from the three variables.
func TestRosensteinGolden(t *testing.T) {
	x := lorenzSamples(t, []float64{1, 1, 1}, 0.02, 3000)
	var h figureHash
	for _, c := range []struct {
		x   []float64
		dim int
	}{{column(x, 3, 0), 1}, {x, 3}} {
		r, err := LargestFromSeries(c.x, c.dim, RosensteinConfig{Dt: 0.02})
		if err != nil {
			t.Fatal(err)
		}
		h.f(r.Lambda, r.FitR2, r.FalseNeighbours)
		h.f(r.Curve...)
		h.i(r.FitStart, r.FitEnd, r.EmbedDim, r.Lag, r.Theiler, r.Pairs)
		t.Logf("dim %d: λ₁ = %v", c.dim, r.Lambda)
	}
	h.check(t, "the Rosenstein estimates", "7b3e738f87f8f422078faf7082b4783f6589d91a0fd4e75ec6e1e3936ef04bec")
}

// TestCorrelationDimensionGolden: the Grassberger–Procaccia correlation
// sums, slopes and D₂ of Lorenz-63.
func TestCorrelationDimensionGolden(t *testing.T) {
	x := lorenzSamples(t, []float64{1, 1, 1}, 0.05, 3000)
	d, err := CorrelationDimension(x, 3, DimensionConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var h figureHash
	h.f(d.D2, d.SlopeSpread)
	h.f(d.Radii...)
	h.f(d.C...)
	h.f(d.Slopes...)
	for _, c := range d.Counts {
		h.i(int(c))
	}
	h.i(d.FitLo, d.FitHi, d.Centers, d.Points, d.Theiler, int(d.Pairs))
	h.check(t, "the correlation dimension", "f5216c55e46830cd400089ab5fcf596599623d18c45463692c9af85c01581b60")
	t.Logf("D₂ = %v", d.D2)
}

// TestAttractorGolden: the comparison of two Lorenz-63 trajectories
// (λ₁, D₂, Wasserstein distances, histograms, return maps).
func TestAttractorGolden(t *testing.T) {
	truth := lorenzSamples(t, []float64{1, 1, 1}, 0.01, 4000)
	gen := lorenzSamples(t, []float64{-3, 2, 20}, 0.01, 4000)
	c, err := CompareAttractors(gen, truth, 3, AttractorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var h figureHash
	h.f(c.Lambda1RelErr, c.D2Diff)
	h.f(c.Wasserstein...)
	h.f(c.WassersteinRel...)
	h.f(c.HistTV...)
	for _, s := range []*AttractorStats{c.Gen, c.True} {
		h.f(s.Lambda1, s.D2)
		h.f(s.Mean...)
		h.f(s.Std...)
	}
	for _, hs := range [][][]float64{c.HistEdges, c.HistGen, c.HistTrue} {
		for _, v := range hs {
			h.f(v...)
		}
	}
	h.f(c.ReturnGenToTrue, c.ReturnTrueToGen)
	h.check(t, "the attractor comparison", "13520f8fe2b3a8e642113a2c06d5a2764c3e3b4118a85767a3bed5211a23cdef")
}

// TestBaselineGolden: the baselines' test-split metrics on a short Lorenz
// dataset, and the valid times of AR's closed loop.
func TestBaselineGolden(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 40, ValT: 20, TestT: 10, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := BaselineTable(d, BaselineConfig{MaxARLag: 4})
	if err != nil {
		t.Fatal(err)
	}
	var h figureHash
	for _, r := range rows {
		m := r.Metrics
		h.f(m.MSE, m.RMSE, m.MAE, m.NRMSERange, m.NRMSEStd, m.MeanR2, m.R2GrandMean, m.Pearson)
		h.f(m.R2...)
		t.Logf("%s %s: RMSE %v", r.Name, r.Params, m.RMSE)
	}
	vt, err := ValidTime(rows[len(rows)-1].Forecaster, d.Test.Data, d.Dim, ClosedLoopConfig{Starts: 5, Warmup: 20, Horizon: 200, Dt: d.Dt, Lambda1: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	h.f(vt.RMS)
	h.f(vt.Time...)
	h.i(vt.Steps...)
	lo, hi := vt.MedianCI()
	h.f(lo, hi)
	h.check(t, "the baseline metrics and valid times", "4ae05b1d1979e80eb0068d0d9e59d40d683fe669270511d562cf4475c0901af8")
}
