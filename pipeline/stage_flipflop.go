package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/tasks"
)

func flipflopStage() Stage {
	return Stage{
		Name:  "flipflop",
		Title: "05 · the 3-bit flip-flop: CT-RNN and balanced rate network, and the CT-RNN's fixed and slow points",
		Needs: []string{"data"},
		Key: func(c *Config) any {
			return struct {
				F      FlipFlopData
				C, R   string
				Starts int
			}{c.Data.FlipFlop, c.CTRNNFlipFlopRecipe().JSON(), c.RateFlipFlopRecipe().JSON(), c.Settings().FixedPointStarts}
		},
		Run: runFlipFlop,
	}
}

// FlipFlopScore is a model's skill on the flip-flop test split.
type FlipFlopScore struct {
	// BitAccuracy is the fraction of output bits on the right side of 0.5;
	// MSE the mean squared error of the outputs.
	BitAccuracy, MSE float64
	// Outputs are the outputs (trials × steps × bits) and Hidden the
	// states h_0 … h_steps of every trial (when asked for).
	Outputs, Hidden []float32
}

// flipflopModel is what the flip-flop measurements need from a model.
type flipflopModel interface {
	Forward(x []float32, n, L int, hidden bool) (*leaky.Output[float32], error)
}

// ScoreFlipFlop runs a model on the test trials of ff from the zero state
// and scores it (analysis.BitAccuracy with the reference's threshold 0.5).
func ScoreFlipFlop(m flipflopModel, ff *tasks.FlipFlop, hidden bool) (*FlipFlopScore, error) {
	s := &ff.Test
	out, err := m.Forward(s.Inputs, s.Trials, s.Steps, hidden)
	if err != nil {
		return nil, err
	}
	acc, err := analysis.BitAccuracy(out.All, s.Targets, 0.5)
	if err != nil {
		return nil, err
	}
	var se float64
	for i, y := range out.All {
		e := float64(y - s.Targets[i])
		se += e * e
	}
	return &FlipFlopScore{BitAccuracy: acc, MSE: se / float64(len(out.All)), Outputs: out.All, Hidden: out.Hidden}, nil
}

// bitsOf writes a decoded output as a bit pattern (1 where > 0.5).
func bitsOf(y []float64) string {
	var b strings.Builder
	for _, v := range y {
		if v > 0.5 {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// FixedPointSummary counts what a fixed-point search found: the distinct
// bit patterns decoded by stable points (fixed or slow), the saddles and
// the fixed and slow points.
type FixedPointSummary struct {
	// Patterns are the bit patterns decoded by stable points, sorted, out
	// of PatternsWanted; DecodeErrors gives, per pattern, the smallest
	// largest distance of a stable point's outputs from its bits, and
	// MaxDecodeErrorOfPatterns the worst of those.
	Patterns                 []string
	PatternsWanted           int
	DecodeErrors             map[string]float64
	MaxDecodeErrorOfPatterns float64
	// Stable counts stable points, Saddles saddles (with their numbers of
	// unstable modes), Fixed and Slow the two types, Rejected the starts
	// that ended at neither.
	Stable, Saddles        int
	UnstableModesOfSaddles []int
	Fixed, Slow, Rejected  int
}

// summarizeFixedPoints classifies a search's points (bits is the number
// of flip-flop bits).
func summarizeFixedPoints(fp *analysis.FixedPointResult, bits int) FixedPointSummary {
	s := FixedPointSummary{PatternsWanted: 1 << bits, Rejected: fp.Rejected, DecodeErrors: map[string]float64{}}
	for _, p := range fp.Points {
		if p.Slow {
			s.Slow++
		} else {
			s.Fixed++
		}
		if p.Kind == analysis.Saddle {
			s.Saddles++
			s.UnstableModesOfSaddles = append(s.UnstableModesOfSaddles, p.Unstable)
		}
		if !p.Kind.Stable() {
			continue
		}
		s.Stable++
		pat := bitsOf(p.Output)
		// Decode error: the largest distance of an output from its bit.
		e := 0.0
		for i, v := range p.Output {
			want := float64(pat[i] - '0')
			e = max(e, abs(v-want))
		}
		if old, ok := s.DecodeErrors[pat]; !ok || e < old {
			s.DecodeErrors[pat] = e
		}
	}
	for pat := range s.DecodeErrors {
		s.Patterns = append(s.Patterns, pat)
	}
	sort.Strings(s.Patterns)
	for _, pat := range s.Patterns {
		s.MaxDecodeErrorOfPatterns = max(s.MaxDecodeErrorOfPatterns, s.DecodeErrors[pat])
	}
	return s
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func runFlipFlop(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("flipflop")
	if err != nil {
		return nil, err
	}
	ff, err := r.FlipFlop()
	if err != nil {
		return nil, err
	}
	data := FlipFlopSpec(r.Cfg.Data.FlipFlop)
	res := &Result{Metrics: map[string]float64{}}
	ct, err := TrainCTRNN(ctx, r.Cfg.CTRNNFlipFlopRecipe(), data, nil, ff, r.trainOptions(dir, "ctrnn_flipflop.npz"))
	if err != nil {
		return nil, err
	}
	rt, err := TrainRate(ctx, r.Cfg.RateFlipFlopRecipe(), data, nil, ff, r.trainOptions(dir, "rate_flipflop.npz"))
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, trainedNote("CT-RNN", ct.Meta, ct.Loaded, ct.Path), trainedNote("Balanced rate network", rt.Meta, rt.Loaded, rt.Path))
	sc, err := ScoreFlipFlop(ct.Model, ff, true)
	if err != nil {
		return nil, err
	}
	sr, err := ScoreFlipFlop(rt.Model, ff, false)
	if err != nil {
		return nil, err
	}
	for _, x := range []struct {
		key  string
		s    *FlipFlopScore
		meta *ModelMeta
	}{{"flipflop.ctrnn", sc, ct.Meta}, {"flipflop.rate", sr, rt.Meta}} {
		res.Metrics[x.key+".bit_accuracy"] = x.s.BitAccuracy
		res.Metrics[x.key+".test_mse"] = x.s.MSE
		res.Metrics[x.key+".params"] = float64(x.meta.Params)
		put(res.Metrics, x.key+".train_seconds", float64(x.meta.TrainSeconds))
		res.Metrics[x.key+".epochs"] = float64(x.meta.Epochs)
	}
	res.Tables = append(res.Tables, Table{Title: fmt.Sprintf("Bit accuracy on the %d test trials (%d bits; threshold 0.5)", ff.Test.Trials, len(ff.Test.Targets)),
		Header: []string{"model", "params", "bit accuracy", "test MSE", "target", "reference", "train (s)"},
		Rows: [][]string{
			{"CT-RNN (" + ct.Meta.Name + ")", fmt.Sprint(ct.Meta.Params), fmt.Sprintf("%.4f%%", 100*sc.BitAccuracy), num(sc.MSE), "≥ 99.9%", "99.98%", num(float64(ct.Meta.TrainSeconds))},
			{"balanced rate network (" + rt.Meta.Name + ")", fmt.Sprint(rt.Meta.Params), fmt.Sprintf("%.4f%%", 100*sr.BitAccuracy), num(sr.MSE), "≥ 99.5%", "92.33%", num(float64(rt.Meta.TrainSeconds))},
		}})

	// Fixed and slow points of the CT-RNN at zero input, from the states it
	// visits on the test trials (every second step).
	m := ct.Model
	H := m.StateDim()
	steps := ff.Test.Steps
	visited := visitedStates(sc.Hidden, ff.Test.Trials, steps, H)
	set := r.Cfg.Settings()
	r.Logf("  fixed and slow points of the CT-RNN (%d starts)", set.FixedPointStarts)
	fp, err := analysis.FixedPoints(m, make([]float64, m.InputDim()), visited, analysis.FixedPointConfig{Starts: set.FixedPointStarts, Seed: r.Cfg.Seed})
	if err != nil {
		return nil, err
	}
	sum := summarizeFixedPoints(fp, ff.Test.Bits)
	pca, err := analysis.FitPCA(visited, H, 3)
	if err != nil {
		return nil, err
	}
	res.Metrics["flipflop.ctrnn.fixed_points"] = float64(sum.Fixed)
	res.Metrics["flipflop.ctrnn.slow_points"] = float64(sum.Slow)
	res.Metrics["flipflop.ctrnn.stable_points"] = float64(sum.Stable)
	res.Metrics["flipflop.ctrnn.saddles"] = float64(sum.Saddles)
	res.Metrics["flipflop.ctrnn.patterns"] = float64(len(sum.Patterns))
	res.Metrics["flipflop.ctrnn.rejected_starts"] = float64(sum.Rejected)
	put(res.Metrics, "flipflop.ctrnn.max_decode_error", sum.MaxDecodeErrorOfPatterns)
	for j, v := range pca.Ratio {
		res.Metrics[fmt.Sprintf("flipflop.ctrnn.pca.ratio%d", j+1)] = v
	}
	pt := FixedPointTable(fmt.Sprintf("Fixed and slow points of the CT-RNN at zero input (%d starts from visited states; %d rejected)", set.FixedPointStarts, fp.Rejected), fp, pca)
	res.Tables = append(res.Tables, pt)
	verdict := "all"
	if len(sum.Patterns) < sum.PatternsWanted {
		verdict = fmt.Sprintf("only %d", len(sum.Patterns))
	}
	res.Notes = append(res.Notes, fmt.Sprintf("Memory states: %s of the %d bit patterns are decoded by a stable fixed or slow point (%v; worst decode error %.3f); %d saddles between them (unstable modes %v). The reference found 0 fixed points and 4 slow points.",
		verdict, sum.PatternsWanted, sum.Patterns, sum.MaxDecodeErrorOfPatterns, sum.Saddles, sum.UnstableModesOfSaddles))
	res.Notes = append(res.Notes, fmt.Sprintf("A slow point is one whose decoded output drifts by less than 0.1 over 100 steps of the flow; states PCA: %.1f%%, %.1f%%, %.1f%% of the variance (reference CT-RNN: 32.7, 31.5, 29.3).",
		100*pca.Ratio[0], 100*pca.Ratio[1], 100*pca.Ratio[2]))

	// Figures: loss curves, a test trial, the state space with the points.
	var figs []string
	lc, err := lossPlot("CT-RNN: training", ct.Meta.History)
	if err != nil {
		return nil, err
	}
	lr, err := lossPlot("balanced rate network: training", rt.Meta.History)
	if err != nil {
		return nil, err
	}
	p, err := r.figure(dir, "flipflop_loss", 30, 10, [][]*plot.Plot{{lc, lr}})
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	for _, trial := range []int{0, 1} {
		p, err := r.trialFigure(dir, ff, trial, sc.Outputs, sr.Outputs)
		if err != nil {
			return nil, err
		}
		figs = append(figs, p)
	}
	p, err = r.fixedPointFigure(dir, pca, sc.Hidden, ff, H, fp.Points)
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	res.Figures = figs

	res.Files = append(res.Files, r.Rel(ct.Path), r.Rel(rt.Path))
	n := len(fp.Points)
	fh, fo := make([]float64, 0, n*H), make([]float64, 0, n*ff.Test.Bits)
	speed, drift, unstable := make([]float64, n), make([]float64, n), make([]int64, n)
	er, ei := make([]float64, 0, n*H), make([]float64, 0, n*H)
	kinds, types := make([]string, n), make([]string, n)
	for i, p := range fp.Points {
		fh, fo = append(fh, p.H...), append(fo, p.Output...)
		speed[i], drift[i], unstable[i] = p.Speed, p.Drift, int64(p.Unstable)
		for _, e := range p.Eigenvalues {
			er, ei = append(er, real(e)), append(ei, imag(e))
		}
		kinds[i] = p.Kind.String()
		types[i] = "fixed"
		if p.Slow {
			types[i] = "slow"
		}
	}
	T, B := ff.Test.Trials, ff.Test.Bits
	groups := []h5Group{
		{Name: "ctrnn/test_outputs", Arrays: []export.Array{export.NewArray("outputs", sc.Outputs, T, steps, B)}},
		{Name: "rate/test_outputs", Arrays: []export.Array{export.NewArray("outputs", sr.Outputs, T, steps, B)}},
		paramsGroup("ctrnn/parameters", m.Params()), paramsGroup("rate/parameters", rt.Model.Params()),
		historyGroup("ctrnn/history", ct.Meta.History), historyGroup("rate/history", rt.Meta.History),
		{Name: "ctrnn/fixed_points", Arrays: []export.Array{
			export.NewArray("state", fh, n, H), export.NewArray("output", fo, n, B), export.NewArray("speed", speed),
			export.NewArray("drift", drift), export.NewArray("unstable_modes", unstable),
			export.NewArray("eigenvalues_real", er, n, H), export.NewArray("eigenvalues_imag", ei, n, H),
			export.NewArray("pca_components", pca.Components, pca.K, pca.Dim), export.NewArray("pca_explained_ratio", pca.Ratio)},
			Strings: map[string][]string{"class": kinds, "type": types},
			Attrs:   map[string]string{"input": "zero", "what": "fixed and slow points of the CT-RNN (analysis.FixedPoints), eigenvalues of the Jacobian by decreasing real part"}},
		metricsGroup("metrics", res.Metrics),
	}
	if n == 0 {
		groups[6].Arrays = nil
	}
	if err := r.addH5(res, filepath.Join(dir, "flipflop.h5"), groups...); err != nil {
		return nil, err
	}
	return res, ctx.Err()
}

// trialFigure draws one test trial: per bit, the input pulses, the target
// and both models' outputs.
func (r *Run) trialFigure(dir string, ff *tasks.FlipFlop, trial int, outC, outR []float32) (string, error) {
	s := &ff.Test
	in, tg := s.Trial(trial)
	steps, bits := s.Steps, s.Bits
	xs := make([]float64, steps)
	for i := range xs {
		xs[i] = float64(i)
	}
	var rows [][]*plot.Plot
	off := trial * steps * bits
	for b := 0; b < bits; b++ {
		iv, tv, cv, rv := make([]float64, steps), make([]float64, steps), make([]float64, steps), make([]float64, steps)
		for t := 0; t < steps; t++ {
			iv[t], tv[t] = float64(in[t*bits+b]), float64(tg[t*bits+b])
			cv[t], rv[t] = float64(outC[off+t*bits+b]), float64(outR[off+t*bits+b])
		}
		title := ""
		if b == 0 {
			title = fmt.Sprintf("test trial %d", trial)
		}
		p, err := linePlot(title, "step", fmt.Sprintf("bit %d", b), xs, [][]float64{iv, tv, cv, rv},
			[]string{"input pulse", "target", "CT-RNN", "balanced rate"})
		if err != nil {
			return "", err
		}
		rows = append(rows, []*plot.Plot{p})
	}
	return r.figure(dir, fmt.Sprintf("flipflop_trial%d", trial), 26, 18, rows)
}

// fixedPointFigure draws trajectories of the first test trials in the
// plane of the first two principal components of the visited states, with
// the fixed and slow points (stable: filled circles, saddles: crosses,
// others: triangles).
func (r *Run) fixedPointFigure(dir string, pca *analysis.PCA, hidden []float32, ff *tasks.FlipFlop, H int, points []analysis.FixedPoint) (string, error) {
	steps := ff.Test.Steps
	var panels []*plot.Plot
	for _, pc := range [][2]int{{0, 1}, {0, 2}} {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("CT-RNN states: PC%d–PC%d, with fixed and slow points", pc[0]+1, pc[1]+1)
		p.X.Label.Text, p.Y.Label.Text = fmt.Sprintf("PC%d", pc[0]+1), fmt.Sprintf("PC%d", pc[1]+1)
		sc := make([]float64, pca.K)
		h := make([]float64, H)
		for k := 0; k < min(8, ff.Test.Trials); k++ {
			pts := make(plotter.XYs, steps+1)
			for t := 0; t <= steps; t++ {
				for j := range h {
					h[j] = float64(hidden[(k*(steps+1)+t)*H+j])
				}
				pca.Project(sc, h)
				pts[t].X, pts[t].Y = sc[pc[0]], sc[pc[1]]
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return "", err
			}
			l.Color, l.Width = palette[5], vg.Points(0.4)
			p.Add(l)
		}
		proj := pca.ProjectPoints(points)
		groups := map[string]plotter.XYs{}
		for i, fp := range points {
			key := "other"
			switch {
			case fp.Kind.Stable():
				key = "stable"
			case fp.Kind == analysis.Saddle:
				key = "saddle"
			}
			groups[key] = append(groups[key], plotter.XY{X: proj[3*i+pc[0]], Y: proj[3*i+pc[1]]})
		}
		for _, g := range []struct {
			key   string
			shape draw.GlyphDrawer
			c     int
		}{{"stable", draw.CircleGlyph{}, 0}, {"saddle", draw.CrossGlyph{}, 1}, {"other", draw.TriangleGlyph{}, 3}} {
			pts := groups[g.key]
			if len(pts) == 0 {
				continue
			}
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return "", err
			}
			s.GlyphStyle.Shape, s.GlyphStyle.Color, s.GlyphStyle.Radius = g.shape, palette[g.c], vg.Points(4)
			p.Add(s)
			p.Legend.Add(g.key, s)
		}
		p.Legend.Top = true
		panels = append(panels, p)
	}
	return r.figure(dir, "flipflop_fixed_points", 32, 14, [][]*plot.Plot{panels})
}
