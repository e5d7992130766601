package pipeline

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/neurodyn/neurodyn/tasks"
)

// Palette used by every figure (colour-blind safe, Okabe–Ito).
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // green
	color.RGBA{204, 121, 167, 255}, // purple
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{86, 180, 233, 255},  // sky blue
	color.RGBA{0, 0, 0, 255},       // black
}

// savePNG renders plots laid out in rows×cols panels to path.
func savePNG(path string, w, h vg.Length, rows, cols int, plots [][]*plot.Plot) error {
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j := range plots[i] {
			if plots[i][j] != nil {
				plots[i][j].Draw(canvases[i][j])
			}
		}
	}
	png := vgimg.PngCanvas{Canvas: img}
	f, err := createFile(path)
	if err != nil {
		return err
	}
	if _, err := png.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("pipeline: write %s: %w", path, err)
	}
	return f.Close()
}

// linePlot returns a plot with one line per series.
func linePlot(title, xlabel, ylabel string, xs []float64, ys [][]float64, names []string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xlabel, ylabel
	for k, y := range ys {
		pts := make(plotter.XYs, len(y))
		for i := range y {
			pts[i].X, pts[i].Y = xs[i], y[i]
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = palette[k%len(palette)]
		l.Width = vg.Points(1)
		p.Add(l)
		if k < len(names) && names[k] != "" {
			p.Legend.Add(names[k], l)
		}
	}
	p.Legend.Top = true
	return p, nil
}

// projection returns a plot of columns (a, b) of a row-major block of dim
// columns as a thin line (an attractor projection).
func projection(title string, data []float64, dim, a, b int, labels [2]string, c color.Color) (*plot.Plot, error) {
	n := len(data) / dim
	pts := make(plotter.XYs, n)
	for i := 0; i < n; i++ {
		pts[i].X, pts[i].Y = data[i*dim+a], data[i*dim+b]
	}
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, labels[0], labels[1]
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width = c, vg.Points(0.4)
	p.Add(l)
	return p, nil
}

// dataFigures draws notebook 00's figures: the attractor and its time
// series (original units), and one flip-flop trial.
func dataFigures(r *Run, dir string, d *tasks.Dataset, ff *tasks.FlipFlop) ([]string, error) {
	n := min(5000, d.Train.Len)
	raw := make([]float64, n*d.Dim)
	d.Denormalize(raw, d.Train.Data[:n*d.Dim])
	pxz, err := projection("Lorenz-63, train (x–z)", raw, 3, 0, 2, [2]string{"x", "z"}, palette[0])
	if err != nil {
		return nil, err
	}
	pxy, err := projection("x–y", raw, 3, 0, 1, [2]string{"x", "y"}, palette[1])
	if err != nil {
		return nil, err
	}
	pyz, err := projection("y–z", raw, 3, 1, 2, [2]string{"y", "z"}, palette[2])
	if err != nil {
		return nil, err
	}
	attr := filepath.Join(dir, "lorenz_attractor.png")
	if err := savePNG(attr, 30*vg.Centimeter, 10*vg.Centimeter, 1, 3, [][]*plot.Plot{{pxz, pxy, pyz}}); err != nil {
		return nil, err
	}

	m := min(2000, n)
	ts := make([]float64, m)
	cols := make([][]float64, 3)
	for j := range cols {
		cols[j] = make([]float64, m)
	}
	for i := 0; i < m; i++ {
		ts[i] = d.Params["transient"].(float64) + float64(i)*d.Dt
		for j := 0; j < 3; j++ {
			cols[j][i] = raw[i*3+j]
		}
	}
	var rows [][]*plot.Plot
	for j, name := range []string{"x", "y", "z"} {
		p, err := linePlot("", "t", name, ts, cols[j:j+1], nil)
		if err != nil {
			return nil, err
		}
		rows = append(rows, []*plot.Plot{p})
	}
	series := filepath.Join(dir, "lorenz_series.png")
	if err := savePNG(series, 24*vg.Centimeter, 15*vg.Centimeter, 3, 1, rows); err != nil {
		return nil, err
	}

	in, tg := ff.Test.Trial(0)
	steps, bits := ff.Test.Steps, ff.Test.Bits
	xs := make([]float64, steps)
	for i := range xs {
		xs[i] = float64(i)
	}
	rows = rows[:0]
	for b := 0; b < bits; b++ {
		iv, tv := make([]float64, steps), make([]float64, steps)
		for t := 0; t < steps; t++ {
			iv[t], tv[t] = float64(in[t*bits+b]), float64(tg[t*bits+b])
		}
		p, err := linePlot(fmt.Sprintf("bit %d", b), "step", "", xs, [][]float64{iv, tv}, []string{"input pulse", "target"})
		if err != nil {
			return nil, err
		}
		rows = append(rows, []*plot.Plot{p})
	}
	fft := filepath.Join(dir, "flipflop_trial.png")
	if err := savePNG(fft, 24*vg.Centimeter, 15*vg.Centimeter, bits, 1, rows); err != nil {
		return nil, err
	}
	return []string{r.Rel(attr), r.Rel(series), r.Rel(fft)}, nil
}
