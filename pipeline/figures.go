package pipeline

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neurodyn/neurodyn/snn"
)

// figure saves a grid of panels as dir/name.png and returns its path
// relative to the output directory (for Result.Figures).
func (r *Run) figure(dir, name string, wCm, hCm float64, panels [][]*plot.Plot) (string, error) {
	path := filepath.Join(dir, name+".png")
	rows, cols := len(panels), 0
	for _, row := range panels {
		cols = max(cols, len(row))
	}
	if err := savePNG(path, vg.Length(wCm)*vg.Centimeter, vg.Length(hCm)*vg.Centimeter, rows, cols, panels); err != nil {
		return "", err
	}
	return r.Rel(path), nil
}

// matGrid is a row-major matrix as a plotter.GridXYZ (row 0 at the
// bottom).
type matGrid struct {
	rows, cols int
	v          []float64
}

func (g matGrid) Dims() (c, r int)   { return g.cols, g.rows }
func (g matGrid) Z(c, r int) float64 { return g.v[r*g.cols+c] }
func (g matGrid) X(c int) float64    { return float64(c) }
func (g matGrid) Y(r int) float64    { return float64(r) }

// heatmap draws a matrix with a diverging palette symmetric about zero
// (scale: the largest magnitude; 0 → the matrix's own).
func heatmap(title string, v []float64, rows, cols int, scale float64) *plot.Plot {
	if scale <= 0 {
		for _, x := range v {
			scale = math.Max(scale, math.Abs(x))
		}
		if scale == 0 {
			scale = 1
		}
	}
	hm := plotter.NewHeatMap(matGrid{rows: rows, cols: cols, v: v}, moreland.SmoothBlueRed().Palette(255))
	hm.Min, hm.Max = -scale, scale
	hm.Underflow, hm.Overflow = color.RGBA{0, 0, 128, 255}, color.RGBA{128, 0, 0, 255}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (±%.2g)", title, scale)
	p.X.Label.Text, p.Y.Label.Text = "column (input)", "row (unit)"
	p.Add(hm)
	return p
}

func maxAbs(vs ...[]float64) float64 {
	m := 0.0
	for _, v := range vs {
		for _, x := range v {
			m = math.Max(m, math.Abs(x))
		}
	}
	return m
}

// lossPlot draws training and validation losses per epoch on a log axis.
// A recipe's phases (Epoch.Phase) are drawn as separate curves, each with
// its own marker, split by a dashed vertical line: a later phase may
// train on another objective (the Lorenz recipes' L-BFGS phase feeds back
// 200 steps instead of 30), so its losses do not continue the earlier
// curve. The axis says what is plotted without claiming a normalization:
// the Lorenz models train on z-scored data, the flip-flop on its 0/1
// targets.
func lossPlot(title string, h []Epoch) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "epoch (all phases)", "loss (MSE in target units)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = decadeTicks{}
	segs := lossSegments(h)
	phases := 0
	for _, s := range segs {
		phases = max(phases, s.phase+1)
	}
	yMin, yMax := lossRange(segs)
	for _, s := range segs {
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return nil, err
		}
		c := palette[0]
		if s.val {
			c = palette[1]
		}
		l.Color, pts.Color = c, c
		pts.Radius = vg.Points(1.5)
		pts.Shape = phaseGlyphs[s.phase%len(phaseGlyphs)]
		p.Add(l, pts)
		name := "train"
		if s.val {
			name = "validation"
		}
		if phases > 1 {
			name += fmt.Sprintf(", phase %d of %d", s.phase+1, phases)
		}
		p.Legend.Add(name, l, pts)
	}
	// A dashed line before the first epoch of each later phase, named at
	// its foot (the legend is at the top).
	for k, e := range h {
		if k == 0 || e.Phase == h[k-1].Phase || yMax <= 0 {
			continue
		}
		x := float64(k) + 0.5 // between epochs k and k+1 (1-based)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: yMin}, {X: x, Y: yMax}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Dashes, l.Width = color.Gray{Y: 110}, []vg.Length{vg.Points(3), vg.Points(2)}, vg.Points(0.8)
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: yMin}}, Labels: []string{fmt.Sprintf(" phase %d", e.Phase+1)}})
		if err != nil {
			return nil, err
		}
		p.Add(l, lab)
	}
	// The legend at the top right hid a later phase's loss drawn there (the
	// L-BFGS epoch of the quick CT-RNN): the top 30% of the axis is kept
	// for it.
	if yMin > 0 {
		span := math.Max(math.Log10(yMax/yMin), 0.02)
		p.Y.Min, p.Y.Max = yMin, yMin*math.Pow(10, span/0.7)
	}
	p.Legend.Top = true
	return p, nil
}

// lossRange returns the smallest and largest loss of the curves (0, 0
// without any).
func lossRange(segs []lossSegment) (lo, hi float64) {
	lo = math.Inf(1)
	for _, s := range segs {
		for _, xy := range s.xy {
			lo, hi = math.Min(lo, xy.Y), math.Max(hi, xy.Y)
		}
	}
	if hi == 0 {
		return 0, 0
	}
	return lo, hi
}

// phaseGlyphs are the markers of a loss curve's phases, in order.
var phaseGlyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.BoxGlyph{}, draw.CrossGlyph{}}

// lossSegment is one curve of a loss plot: the train or validation losses
// (positive and finite only, which a log axis can draw) of one phase, at
// their epoch's position in the whole history (1-based).
type lossSegment struct {
	phase int
	val   bool
	xy    plotter.XYs
}

// lossSegments splits a training history into one train and one
// validation curve per phase, so that no line joins two phases.
func lossSegments(h []Epoch) []lossSegment {
	var out []lossSegment
	for i := 0; i < len(h); {
		j := i
		for j < len(h) && h[j].Phase == h[i].Phase {
			j++
		}
		tr := lossSegment{phase: h[i].Phase}
		va := lossSegment{phase: h[i].Phase, val: true}
		for k := i; k < j; k++ {
			x := float64(k + 1)
			if v := float64(h[k].TrainLoss); v > 0 && !math.IsInf(v, 0) {
				tr.xy = append(tr.xy, plotter.XY{X: x, Y: v})
			}
			if v := float64(h[k].ValLoss); v > 0 && !math.IsInf(v, 0) {
				va.xy = append(va.xy, plotter.XY{X: x, Y: v})
			}
		}
		for _, s := range []lossSegment{tr, va} {
			if len(s.xy) > 0 {
				out = append(out, s)
			}
		}
		i = j
	}
	return out
}

// decadeTicks marks a log axis at the powers of ten, labelled exactly
// ("0.001", "1e-05"), with unlabelled ticks at 2–9 times them; a range
// holding fewer than two powers of ten gets labels at 2 and 5 times them
// too, then at every tick, then at its ends, until two are labelled. (plot.LogTicks computes its values by repeated multiplication and
// prints 1e-04 as 9.999999999999999e-05.)
type decadeTicks struct{}

// Ticks returns the ticks in [lo, hi] (lo > 0).
func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || hi < lo || math.IsInf(hi, 0) {
		return nil
	}
	e0, e1 := int(math.Floor(math.Log10(lo)))-1, int(math.Ceil(math.Log10(hi)))+1
	var ticks []plot.Tick
	majors := 0
	for e := e0; e <= e1; e++ {
		for i := 1; i < 10; i++ {
			v := mantExp(i, e)
			if v < lo*(1-1e-12) || v > hi*(1+1e-12) {
				continue
			}
			t := plot.Tick{Value: v}
			if i == 1 {
				t.Label = tickLabel(i, e)
				majors++
			}
			ticks = append(ticks, t)
		}
	}
	labelled := majors
	for _, every := range []bool{false, true} {
		if labelled >= 2 {
			break
		}
		for k := range ticks {
			i, e := mantissaOf(ticks[k].Value)
			if ticks[k].Label == "" && (every || i == 2 || i == 5) {
				ticks[k].Label = tickLabel(i, e)
				labelled++
			}
		}
	}
	if labelled < 2 { // a range between two ticks i·10^e: its ends
		ticks = append(ticks, plot.Tick{Value: lo, Label: strconv.FormatFloat(lo, 'g', 3, 64)},
			plot.Tick{Value: hi, Label: strconv.FormatFloat(hi, 'g', 3, 64)})
	}
	return ticks
}

// mantExp is the float64 nearest to i·10^e.
func mantExp(i, e int) float64 {
	v, _ := strconv.ParseFloat(fmt.Sprintf("%de%d", i, e), 64)
	return v
}

// mantissaOf returns (i, e) with v = i·10^e for a tick value of
// decadeTicks.
func mantissaOf(v float64) (int, int) {
	e := int(math.Floor(math.Log10(v) + 1e-9))
	return int(math.Round(v / math.Pow10(e))), e
}

// tickLabel writes i·10^e in decimal for moderate exponents, otherwise as
// "2e-07".
func tickLabel(i, e int) string {
	v := mantExp(i, e)
	if e >= -4 && e <= 4 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'e', 0, 64)
}

// predictionPanels draws, per variable, the first n one-step predictions
// against the truth (row-major blocks of dim variables) over time.
func predictionPanels(title string, pred, truth []float64, dim, n int, dt float64, names []string) ([][]*plot.Plot, error) {
	n = min(n, len(truth)/dim)
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = float64(i) * dt
	}
	var rows [][]*plot.Plot
	for j := 0; j < dim; j++ {
		tv, pv := make([]float64, n), make([]float64, n)
		for i := 0; i < n; i++ {
			tv[i], pv[i] = truth[i*dim+j], pred[i*dim+j]
		}
		t := ""
		if j == 0 {
			t = title
		}
		p, err := linePlot(t, "time", names[j], ts, [][]float64{tv, pv}, []string{"truth", "prediction"})
		if err != nil {
			return nil, err
		}
		rows = append(rows, []*plot.Plot{p})
	}
	return rows, nil
}

// scatterPlot draws points (xs[i], ys[i]) as small dots.
func scatterPlot(title, xl, yl string, xs, ys []float64, c color.Color) (*plot.Plot, error) {
	pts := make(plotter.XYs, len(xs))
	for i := range xs {
		pts[i].X, pts[i].Y = xs[i], ys[i]
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle.Radius = vg.Points(0.6)
	s.GlyphStyle.Shape = draw.CircleGlyph{}
	s.GlyphStyle.Color = c
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
	p.Add(s)
	return p, nil
}

// histPlot draws a histogram of values whose bar heights are fractions of
// the values (they sum to 1 whatever the bin width; constant values fill
// one unit-wide bin).
func histPlot(title, xl string, values []float64, bins int, c color.Color) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, "fraction of values per bin"
	h := fractionHist(values, bins)
	if h == nil {
		return p, nil
	}
	h.FillColor = c
	h.LineStyle.Width = 0
	p.Add(h)
	return p, nil
}

// fractionHist bins the finite values into bins equal bins between their
// extremes (a constant value: one bin of width 1 centred on it), each
// bin's weight the fraction of the finite values in it; nil without any.
func fractionHist(values []float64, bins int) *plotter.Histogram {
	if len(values) == 0 || bins < 1 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, x := range values {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			lo, hi, n = math.Min(lo, x), math.Max(hi, x), n+1
		}
	}
	if n == 0 {
		return nil
	}
	if hi == lo {
		lo, hi, bins = lo-0.5, hi+0.5, 1
	}
	w := (hi - lo) / float64(bins)
	h := &plotter.Histogram{Width: w, Bins: make([]plotter.HistogramBin, bins)}
	for i := range h.Bins {
		h.Bins[i].Min, h.Bins[i].Max = lo+float64(i)*w, lo+float64(i+1)*w
	}
	h.Bins[bins-1].Max = hi
	frac := 1 / float64(n)
	for _, x := range values {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		i := min(int((x-lo)/w), bins-1) // the largest value in the last bin
		h.Bins[i].Weight += frac
	}
	return h
}

// rasterPlot draws the spikes of the first maxE excitatory and maxI
// inhibitory neurons over the first tMaxMs ms (E in blue at the bottom, I
// in vermillion above them).
func rasterPlot(title string, rec *snn.SpikeRecord, maxE, maxI int, tMaxMs float64) (*plot.Plot, error) {
	var e, in plotter.XYs
	ne := rec.NE
	shown := min(maxE, ne)
	for k, id := range rec.IDs {
		t := rec.TimesMs[k]
		if t > tMaxMs {
			continue
		}
		i := int(id)
		switch {
		case i < ne && i < maxE:
			e = append(e, plotter.XY{X: t, Y: float64(i)})
		case i >= ne && i-ne < maxI:
			in = append(in, plotter.XY{X: t, Y: float64(shown + i - ne)})
		}
	}
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "time (ms)", "neuron (E below, I above)"
	for k, pts := range []plotter.XYs{e, in} {
		if len(pts) == 0 {
			continue
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Radius = vg.Points(0.7)
		s.GlyphStyle.Shape = draw.BoxGlyph{}
		s.GlyphStyle.Color = palette[k]
		p.Add(s)
		p.Legend.Add([]string{"E", "I"}[k], s)
	}
	p.X.Min, p.X.Max = 0, tMaxMs
	p.Legend.Top = true
	return p, nil
}

// spikeRates returns each neuron's rate in Hz over a recorded run.
func spikeRates(rec *snn.SpikeRecord) []float64 {
	r := make([]float64, rec.N)
	for _, id := range rec.IDs {
		r[id]++
	}
	if rec.DurationMs > 0 {
		for i := range r {
			r[i] /= rec.DurationMs / 1000
		}
	}
	return r
}

// barGroups draws grouped bars: one group per label, one bar per series.
func barGroups(title, yl string, labels []string, series [][]float64, names []string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.Y.Label.Text = title, yl
	w := vg.Points(12)
	for k, s := range series {
		v := make(plotter.Values, len(s))
		for i, x := range s {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				x = 0 // not measured: no bar (the table says "—")
			}
			v[i] = x
		}
		b, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil, err
		}
		b.Color = palette[k%len(palette)]
		b.LineStyle.Width = 0
		b.Offset = w * vg.Length(float64(k)-float64(len(series)-1)/2)
		p.Add(b)
		p.Legend.Add(names[k], b)
	}
	p.NominalX(labels...)
	p.Legend.Top = true
	return p, nil
}

// Colours of a generated run and of the truth, in every figure that sets
// them side by side: the same as linePlot gives the series {truth,
// generated} (the x(t) panel of *_generated.png).
var (
	truthColor     = palette[0]
	generatedColor = palette[1]
)

// attractorPanels draws the x–z projections of a generated run and of the
// truth side by side (first n samples of each, original units), in the
// colours of the x(t) panel beside them, each with its legend, on the
// axes of the true attractor: a free run that collapsed onto a wing or a
// cycle looks as small as it is instead of being stretched to fill its
// panel.
func attractorPanels(name string, gen, truth []float64, dim, n int) ([]*plot.Plot, error) {
	a, b := 0, dim-1
	labels := [2]string{"x", "z"}
	if dim != 3 {
		labels = [2]string{"x1", fmt.Sprintf("x%d", dim)}
	}
	lim := projectionLimits(truth[:min(n, len(truth)/dim)*dim], dim, a, b)
	var out []*plot.Plot
	for _, s := range []struct {
		t, legend string
		d         []float64
		c         color.Color
	}{{name + ": generated (closed loop)", "generated", gen, generatedColor}, {"true attractor", "truth", truth, truthColor}} {
		if s.d == nil {
			p := plot.New()
			p.Title.Text = s.t + " — diverged, not drawn"
			out = append(out, p)
			continue
		}
		p, err := projection(s.t, s.d[:min(n, len(s.d)/dim)*dim], dim, a, b, labels, s.c)
		if err != nil {
			return nil, err
		}
		if outside := lim.outside(s.d[:min(n, len(s.d)/dim)*dim], dim, a, b); outside > 0 {
			p.Title.Text += fmt.Sprintf(" (%.1f%% of points outside the true range)", 100*outside)
		}
		lim.apply(p)
		p.Legend.Add(s.legend, legendSwatch(s.c))
		p.Legend.Top = true
		out = append(out, p)
	}
	return out, nil
}

// legendSwatch is a legend thumbnail: a short line in colour c.
func legendSwatch(c color.Color) plot.Thumbnailer {
	return &plotter.Line{LineStyle: draw.LineStyle{Color: c, Width: vg.Points(1.5)}}
}

// axesLimits are the ranges of a projection's two axes.
type axesLimits struct{ xMin, xMax, yMin, yMax float64 }

// projectionLimits returns the range of columns (a, b) of a row-major
// block of dim columns, widened by 5% on each side; a constant column gets
// ±1.
func projectionLimits(data []float64, dim, a, b int) axesLimits {
	l := axesLimits{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for i := 0; i+dim <= len(data); i += dim {
		x, y := data[i+a], data[i+b]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		l.xMin, l.xMax = math.Min(l.xMin, x), math.Max(l.xMax, x)
		l.yMin, l.yMax = math.Min(l.yMin, y), math.Max(l.yMax, y)
	}
	pad := func(lo, hi float64) (float64, float64) {
		if lo > hi {
			return -1, 1
		}
		if d := 0.05 * (hi - lo); d > 0 {
			return lo - d, hi + d
		}
		return lo - 1, hi + 1
	}
	l.xMin, l.xMax = pad(l.xMin, l.xMax)
	l.yMin, l.yMax = pad(l.yMin, l.yMax)
	return l
}

// apply fixes p's axes to l.
func (l axesLimits) apply(p *plot.Plot) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = l.xMin, l.xMax, l.yMin, l.yMax
}

// outside returns the fraction of the rows of data whose columns (a, b)
// fall outside l (drawn clipped at the panel's edge).
func (l axesLimits) outside(data []float64, dim, a, b int) float64 {
	n, out := 0, 0
	for i := 0; i+dim <= len(data); i += dim {
		x, y := data[i+a], data[i+b]
		n++
		if !(x >= l.xMin && x <= l.xMax && y >= l.yMin && y <= l.yMax) {
			out++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(out) / float64(n)
}

// shareAttractorAxes puts every panel of an attractor grid on the axes of
// the true attractor's projection, columns (a, b) of truth (a row-major
// block of dim columns), so that a free run that collapsed onto one wing
// or a cycle looks as small as it is; nil panels are skipped.
func shareAttractorAxes(truth []float64, dim, a, b int, panels ...*plot.Plot) {
	lim := projectionLimits(truth, dim, a, b)
	for _, p := range panels {
		if p != nil {
			lim.apply(p)
		}
	}
}
