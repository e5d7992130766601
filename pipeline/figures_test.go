package pipeline

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestLossPlotTicks checks that the loss axis is labelled at exact powers
// of ten: plot.LogTicks printed 1e-04 as "9.999999999999999e-05".
func TestLossPlotTicks(t *testing.T) {
	h := []Epoch{{TrainLoss: 0.012, ValLoss: 0.009}, {TrainLoss: 3e-6, ValLoss: 2e-7}}
	p, err := lossPlot("loss", h)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, tk := range p.Y.Tick.Marker.Ticks(2e-7, 0.012) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	want := "1e-06 1e-05 0.0001 0.001 0.01"
	if got := strings.Join(labels, " "); got != want {
		t.Errorf("labels %q, want %q", got, want)
	}
	for _, tc := range []struct {
		name   string
		lo, hi float64
		want   string
	}{
		{"decades", 0.5, 2000, "1 10 100 1000"},
		{"within a decade", 0.0021, 0.0093, "0.003 0.004 0.005 0.006 0.007 0.008 0.009"},
		{"across one power", 0.0021, 0.03, "0.005 0.01 0.02"},
		{"tiny", 3e-9, 8e-7, "1e-08 1e-07"},
		{"no 1, 2 or 5", 0.0602, 0.0985, "0.07 0.08 0.09"},
		{"between two ticks", 0.0612, 0.0685, "0.0612 0.0685"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tk := range (decadeTicks{}).Ticks(tc.lo, tc.hi) {
				if tk.Value < tc.lo*(1-1e-12) || tk.Value > tc.hi*(1+1e-12) {
					t.Errorf("tick %g outside [%g, %g]", tk.Value, tc.lo, tc.hi)
				}
				if tk.Label != "" {
					got = append(got, tk.Label)
				}
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("labels %q, want %q", g, tc.want)
			}
		})
	}
}

// TestLossPlotPhases checks that a two-phase history is drawn as separate
// curves per phase (no line from the last Adam epoch to the first L-BFGS
// one) and that the axis makes no claim of normalized targets.
func TestLossPlotPhases(t *testing.T) {
	h := []Epoch{
		{Phase: 0, TrainLoss: 1e-2, ValLoss: 2e-2}, {Phase: 0, TrainLoss: 1e-3, ValLoss: 3e-3},
		{Phase: 1, TrainLoss: 5e-2, ValLoss: 2e-3}, {Phase: 1, TrainLoss: 4e-2, ValLoss: JSONReal(math.Inf(1))},
	}
	segs := lossSegments(h)
	type key struct {
		phase int
		val   bool
	}
	got := map[key][]float64{}
	for _, s := range segs {
		for _, xy := range s.xy {
			if h[int(xy.X)-1].Phase != s.phase {
				t.Errorf("epoch %g of phase %d drawn in the curve of phase %d", xy.X, h[int(xy.X)-1].Phase, s.phase)
			}
			got[key{s.phase, s.val}] = append(got[key{s.phase, s.val}], xy.X)
		}
	}
	want := map[key][]float64{{0, false}: {1, 2}, {0, true}: {1, 2}, {1, false}: {3, 4}, {1, true}: {3}}
	for k, w := range want {
		if g := got[k]; len(g) != len(w) || (len(g) > 0 && g[0] != w[0]) {
			t.Errorf("phase %d val %v: epochs %v, want %v", k.phase, k.val, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d curves, want %d", len(got), len(want))
	}
	p, err := lossPlot("flip-flop", h)
	if err != nil {
		t.Fatal(err)
	}
	// The top 30% of the axis is free for the legend (it hid the L-BFGS
	// epoch's loss, the highest, at the top right).
	if free := math.Log(p.Y.Max/5e-2) / math.Log(p.Y.Max/p.Y.Min); free < 0.29 || p.Y.Min != 1e-3 {
		t.Errorf("axis %g..%g leaves %.0f%% above the highest loss", p.Y.Min, p.Y.Max, 100*free)
	}
	if strings.Contains(p.Y.Label.Text, "normalized") {
		t.Errorf("y label %q claims normalized targets", p.Y.Label.Text)
	}
}

// TestFractionHist checks that histogram bars are fractions of the values
// (summing to 1), not a density (which reached 6.5 on rates in [0, 0.15]).
func TestFractionHist(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []float64
		bins   int
		want   []float64
	}{
		{"narrow range", []float64{0, 0.01, 0.02, 0.03, 0.15}, 3, []float64{0.8, 0, 0.2}},
		{"constant", []float64{2, 2, 2}, 10, []float64{1}},
		{"non-finite left out", []float64{0, 1, math.NaN(), math.Inf(1)}, 2, []float64{0.5, 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := fractionHist(tc.values, tc.bins)
			if len(h.Bins) != len(tc.want) {
				t.Fatalf("%d bins, want %d", len(h.Bins), len(tc.want))
			}
			for i, b := range h.Bins {
				if math.Abs(b.Weight-tc.want[i]) > 1e-12 {
					t.Errorf("bin %d: %g, want %g", i, b.Weight, tc.want[i])
				}
			}
		})
	}
	if h := fractionHist(nil, 5); h != nil {
		t.Error("no values gave a histogram")
	}
	p, err := histPlot("rates", "Hz", []float64{1, 2}, 4, palette[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Y.Label.Text, "fraction") {
		t.Errorf("y label %q", p.Y.Label.Text)
	}
}

// lorenzWings returns n samples (x, y, z) alternating between the two
// wings (x = ±10), and the same on the right wing only (a collapsed free
// run).
func lorenzWings(n int) (truth, oneWing []float64) {
	for i := 0; i < n; i++ {
		ph := 2 * math.Pi * float64(i) / 50
		s := 1.0
		if i%100 < 50 {
			s = -1
		}
		truth = append(truth, s*10+5*math.Cos(ph), 0, 25+8*math.Sin(ph))
		oneWing = append(oneWing, 10+5*math.Cos(ph), 0, 25+8*math.Sin(ph))
	}
	return
}

// TestAttractorPanelsShareTruthAxes checks that a generated run stuck on
// one wing is drawn on the true attractor's axes (autoscaled, it filled
// its panel like the whole attractor).
func TestAttractorPanelsShareTruthAxes(t *testing.T) {
	truth, gen := lorenzWings(1000)
	ps, err := attractorPanels("SNN", gen, truth, 3, 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := projectionLimits(truth, 3, 0, 2)
	for i, p := range ps {
		if got := (axesLimits{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max}); got != want {
			t.Errorf("panel %d: axes %+v, want the truth's %+v", i, got, want)
		}
	}
	if want.xMin > -15 || want.xMax < 15 {
		t.Errorf("truth limits %+v do not span both wings", want)
	}
	grid := []*plot.Plot{nil, plot.New()}
	shareAttractorAxes(truth, 3, 0, 2, grid...)
	if p := grid[1]; p.X.Min != want.xMin || p.Y.Max != want.yMax {
		t.Errorf("shareAttractorAxes: %g..%g", p.X.Min, p.Y.Max)
	}
}

// TestAttractorPanelColours draws the generated and true panels and checks
// their colours: generated in vermillion, truth in blue, as the x(t)
// panel's {truth, generated} lines (they were swapped).
func TestAttractorPanelColours(t *testing.T) {
	truth, gen := lorenzWings(1000)
	ps, err := attractorPanels("CT-RNN", gen, truth, 3, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []color.Color{generatedColor, truthColor} {
		other := []color.Color{truthColor, generatedColor}[i]
		img := vgimg.New(8*vg.Centimeter, 8*vg.Centimeter)
		ps[i].Draw(draw.New(img))
		if n := colourPixels(img.Image(), want); n < 50 {
			t.Errorf("panel %d: %d pixels of its colour", i, n)
		}
		if n := colourPixels(img.Image(), other); n > 0 {
			t.Errorf("panel %d: %d pixels of the other series' colour", i, n)
		}
	}
	if generatedColor != palette[1] || truthColor != palette[0] {
		t.Error("linePlot draws {truth, generated} in palette[0], palette[1]: the panels must match")
	}
}

// colourPixels counts pixels within 40 of c in every channel.
func colourPixels(img image.Image, c color.Color) int {
	cr, cg, cb, _ := c.RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if near(r, cr) && near(g, cg) && near(bb, cb) {
				n++
			}
		}
	}
	return n
}

func near(a, b uint32) bool {
	d := int(a>>8) - int(b>>8)
	return d > -40 && d < 40
}
