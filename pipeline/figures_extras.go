package pipeline

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"

	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/tasks"
)

// solverFigure draws notebook 01's c27: the truth's attractor (x–z) and
// each solver's free run from the same weights, on the truth's axes, and
// below them x, y and z
// over the first 20 time units after the warm-up (truth first, then the
// solvers in the attractors' colours).
func (r *Run) solverFigure(dir string, runs []SolverRun, truth *Truth, d *tasks.Dataset) (string, error) {
	dim := d.Dim
	labels := [2]string{"x", "z"}
	var top []*plot.Plot
	tp, err := projection("true attractor", truth.Data, dim, 0, dim-1, labels, palette[0])
	if err != nil {
		return "", err
	}
	// Every panel on the true attractor's axes (as attractorPanels): a run
	// that settled on a fixed point looks as small as it is.
	lim := projectionLimits(truth.Data, dim, 0, dim-1)
	lim.apply(tp)
	top = append(top, tp)
	for k, run := range runs {
		if run.Gen == nil {
			p := plot.New()
			p.Title.Text = string(run.Solver) + ": diverged, not drawn"
			top = append(top, p)
			continue
		}
		p, err := projection(fmt.Sprintf("%s: median valid time %s Lyapunov times", run.Solver, num(run.VT.InLyapunov.Median)),
			run.Gen, dim, 0, dim-1, labels, palette[k+1])
		if err != nil {
			return "", err
		}
		if outside := lim.outside(run.Gen, dim, 0, dim-1); outside > 0 {
			p.Title.Text += fmt.Sprintf(" (%.1f%% of points outside the true range)", 100*outside)
		}
		lim.apply(p)
		top = append(top, p)
	}
	n := min(truth.N, int(20/d.Dt))
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = float64(i) * d.Dt
	}
	var bottom []*plot.Plot
	for j, name := range varNames(dim)[:min(dim, 3)] {
		col := func(data []float64) []float64 {
			out := make([]float64, n)
			for i := range out {
				out[i] = data[i*dim+j]
			}
			return out
		}
		series := [][]float64{col(truth.Data)}
		names := []string{"truth"}
		for _, run := range runs {
			if run.Gen != nil { // a diverged run is left out (its panel above says so)
				series, names = append(series, col(run.Gen)), append(names, string(run.Solver))
			}
		}
		p, err := linePlot(name+" after the warm-up, same weights", "time", name, ts, series, names)
		if err != nil {
			return "", err
		}
		bottom = append(bottom, p)
	}
	for len(bottom) < len(top) {
		bottom = append(bottom, nil)
	}
	return r.figure(dir, "ctrnn_solvers", 44, 22, [][]*plot.Plot{top, bottom})
}

// surrogateFigure draws notebook 03's c5: the Heaviside forward pass,
// learn's surrogate derivatives at their default α, and the reference's
// surrogates beside ours.
func (r *Run) surrogateFigure(dir string, xs []float64, curves []SurrogateCurve) (string, error) {
	h := make([]float64, len(xs))
	for i, x := range xs {
		h[i] = learn.Heaviside(x)
	}
	fwd, err := linePlot("forward: spike s = H(v − θ)", "v − θ", "s", xs, [][]float64{h}, []string{"Heaviside, H(0) = 0"})
	if err != nil {
		return "", err
	}
	var ys [][]float64
	var names []string
	for _, c := range curves[:learnSurrogates] {
		ys, names = append(ys, c.Y), append(names, c.Name)
	}
	all, err := linePlot("backward: learn's surrogate derivatives g(v − θ)", "v − θ", "g", xs, ys, names)
	if err != nil {
		return "", err
	}
	ys, names = nil, nil
	for _, c := range curves[learnSurrogates:] {
		ys, names = append(ys, c.Y), append(names, c.Name)
	}
	ref, err := linePlot("backward: the reference's surrogates and ours (log scale)", "v − θ", "g", xs, ys, names)
	if err != nil {
		return "", err
	}
	// Peaks from 1 to 25 and tails to 1e-4: a log axis shows them all
	// (these curves are positive everywhere).
	ref.Y.Scale, ref.Y.Tick.Marker = plot.LogScale{}, decadeTicks{}
	fwd.Legend.Top, fwd.Legend.Left = false, true
	return r.figure(dir, "snn_surrogates", 42, 13, [][]*plot.Plot{{fwd, all, ref}})
}

// eiFigure draws notebook 03's c28: for each network, the sampled E
// against I input currents into E neurons with their correlation and
// cancellation (top), and below the same pairs as a 2-D histogram of
// log₁₀ counts (constant weights put many pairs on the same point, which a
// scatter cannot show).
func (r *Run) eiFigure(dir string, names []string, cur []*EICurrents, bal []rate.Balance, units []string) (string, error) {
	var top, bottom []*plot.Plot
	for k := range cur {
		xl, yl := "excitatory (E→E, "+units[k]+")", "inhibitory (I→E, magnitude, "+units[k]+")"
		p, err := scatterPlot(fmt.Sprintf("%s: currents into E neurons (correlation %.3g, cancellation %.3g)", names[k], bal[k].Correlation, bal[k].Cancellation),
			xl, yl, cur[k].Exc, cur[k].Inh, palette[3+k])
		if err != nil {
			return "", err
		}
		top = append(top, p)
		bottom = append(bottom, densityPlot(fmt.Sprintf("%s: the same %d pairs, log₁₀ count per bin", names[k], len(cur[k].Exc)), xl, yl, cur[k].Exc, cur[k].Inh, 40))
	}
	return r.figure(dir, "snn_ei_currents", 34, 26, [][]*plot.Plot{top, bottom})
}

// colours is a palette.Palette of fixed colours.
type colours []color.Color

func (c colours) Colors() []color.Color { return c }

// binGrid is a 2-D histogram as a plotter.GridXYZ (bin centres in data
// units; empty bins NaN, so that they stay blank).
type binGrid struct {
	n              int
	x0, dx, y0, dy float64
	z              []float64
}

func (g binGrid) Dims() (c, r int)   { return g.n, g.n }
func (g binGrid) Z(c, r int) float64 { return g.z[r*g.n+c] }
func (g binGrid) X(c int) float64    { return g.x0 + (float64(c)+0.5)*g.dx }
func (g binGrid) Y(r int) float64    { return g.y0 + (float64(r)+0.5)*g.dy }

// densityPlot draws pairs (xs, ys) as a bins×bins histogram of log₁₀
// counts over their range.
func densityPlot(title, xl, yl string, xs, ys []float64, bins int) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
	if len(xs) == 0 {
		return p
	}
	span := func(v []float64) (lo, d float64) {
		lo, hi := v[0], v[0]
		for _, x := range v {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		if hi == lo {
			hi = lo + 1
		}
		return lo, (hi - lo) / float64(bins)
	}
	g := binGrid{n: bins, z: make([]float64, bins*bins)}
	g.x0, g.dx = span(xs)
	g.y0, g.dy = span(ys)
	for i := range xs {
		c := min(int((xs[i]-g.x0)/g.dx), bins-1)
		r := min(int((ys[i]-g.y0)/g.dy), bins-1)
		g.z[r*bins+c]++
	}
	top := 0.0
	for i, v := range g.z {
		if v == 0 {
			g.z[i] = math.NaN()
			continue
		}
		g.z[i] = math.Log10(v)
		top = math.Max(top, g.z[i])
	}
	// The dark-to-light part of Kindlmann's map: no bin white on white.
	all := moreland.Kindlmann().Palette(255).Colors()
	hm := plotter.NewHeatMap(g, colours(all[20:215]))
	hm.Min, hm.Max = 0, math.Max(top, 1e-9)
	hm.NaN = color.Transparent
	p.Add(hm)
	p.Title.Text += fmt.Sprintf("; dark 1, light %.0f", math.Pow(10, top))
	return p
}
