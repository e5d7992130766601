package pipeline

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"

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
func lossPlot(title string, h []Epoch) (*plot.Plot, error) {
	var tr, va plotter.XYs
	for i, e := range h {
		x := float64(i + 1)
		if v := float64(e.TrainLoss); v > 0 && !math.IsInf(v, 0) {
			tr = append(tr, plotter.XY{X: x, Y: v})
		}
		if v := float64(e.ValLoss); v > 0 && !math.IsInf(v, 0) {
			va = append(va, plotter.XY{X: x, Y: v})
		}
	}
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "epoch (all phases)", "loss (MSE, normalized)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	for k, s := range []struct {
		name string
		xy   plotter.XYs
	}{{"train", tr}, {"validation", va}} {
		if len(s.xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return nil, err
		}
		l.Color, pts.Color = palette[k], palette[k]
		pts.Radius = vg.Points(1.5)
		p.Add(l, pts)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top = true
	return p, nil
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

// histPlot draws a normalized histogram of values (constant values get a
// unit-wide range so that the bins exist).
func histPlot(title, xl string, values []float64, bins int, c color.Color) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, "fraction"
	if len(values) == 0 {
		return p, nil
	}
	v := make(plotter.Values, len(values))
	copy(v, values)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if hi == lo {
		v = append(v, lo+0.5, lo-0.5)
	}
	h, err := plotter.NewHist(v, bins)
	if err != nil {
		return nil, err
	}
	h.Normalize(1)
	h.FillColor = c
	h.LineStyle.Width = 0
	p.Add(h)
	return p, nil
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

// attractorPanels draws the x–z projections of a generated run and of the
// truth side by side (first n samples of each, original units).
func attractorPanels(name string, gen, truth []float64, dim, n int) ([]*plot.Plot, error) {
	a, b := 0, dim-1
	labels := [2]string{"x", "z"}
	if dim != 3 {
		labels = [2]string{"x1", fmt.Sprintf("x%d", dim)}
	}
	var out []*plot.Plot
	for k, s := range []struct {
		t string
		d []float64
	}{{name + ": generated (closed loop)", gen}, {"true attractor", truth}} {
		if s.d == nil {
			p := plot.New()
			p.Title.Text = s.t + " — diverged, not drawn"
			out = append(out, p)
			continue
		}
		p, err := projection(s.t, s.d[:min(n, len(s.d)/dim)*dim], dim, a, b, labels, palette[k])
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
