package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"gonum.org/v1/plot"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

func ctrnnStage() Stage {
	return Stage{
		Name:  "ctrnn",
		Title: "01 · the continuous-time RNN on Lorenz-63: one-step forecasts, closed loop, attractor",
		Needs: []string{"data", "baselines"},
		Key: func(c *Config) any {
			return struct {
				L LorenzData
				R string
				S [3]int
			}{c.Data.Lorenz, c.CTRNNLorenzRecipe().JSON(), c.Settings().LorenzKey()}
		},
		Run: runCTRNN,
	}
}

// leakyLorenz is what the ctrnn and rate stages need from their models.
type leakyLorenz interface {
	learn.StepMap
	PredictLast(x []float32, n, L int) ([]float32, error)
	Params() *learn.Params[float32]
}

// lorenzForecast measures a trained leaky model like every forecaster.
func (r *Run) lorenzForecast(ctx context.Context, m leakyLorenz, f *Forecast) error {
	d, err := r.Lorenz()
	if err != nil {
		return err
	}
	truth, err := r.Truth()
	if err != nil {
		return err
	}
	return MeasureForecaster(ctx, d, m, f, MeasureOptions{Settings: r.Cfg.Settings(), Truth: truth, Batch: m})
}

// standardFigures draws the figures every Lorenz model has: loss curves,
// one-step predictions against the truth, generated against true
// attractor.
func (r *Run) standardFigures(dir string, f *Forecast, history []Epoch, d *tasks.Dataset) ([]string, error) {
	var figs []string
	if len(history) > 0 {
		lp, err := lossPlot(f.Name+": training", history)
		if err != nil {
			return nil, err
		}
		p, err := r.figure(dir, f.Key+"_loss", 16, 10, [][]*plot.Plot{{lp}})
		if err != nil {
			return nil, err
		}
		figs = append(figs, p)
	}
	rows, err := predictionPanels(f.Name+": one-step test predictions", f.Pred, f.Truth, d.Dim, 1000, d.Dt, varNames(d.Dim))
	if err != nil {
		return nil, err
	}
	p, err := r.figure(dir, f.Key+"_predictions", 24, 16, rows)
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	truth, err := r.Truth()
	if err != nil {
		return nil, err
	}
	panels, err := attractorPanels(f.Name, f.Gen, truth.Data, d.Dim, truth.N)
	if err != nil {
		return nil, err
	}
	// And the first 20 time units of x, generated against true.
	n := min(truth.N, int(20/d.Dt))
	ts := make([]float64, n)
	tv, gv := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		ts[i], tv[i] = float64(i)*d.Dt, truth.Data[i*d.Dim]
		if f.Gen != nil {
			gv[i] = f.Gen[i*d.Dim]
		}
	}
	series := [][]float64{tv}
	names := []string{"truth"}
	if f.Gen != nil {
		series, names = append(series, gv), append(names, "generated")
	}
	xp, err := linePlot("x after the warm-up: generated vs true", "time", varNames(d.Dim)[0], ts, series, names)
	if err != nil {
		return nil, err
	}
	p, err = r.figure(dir, f.Key+"_generated", 30, 20, [][]*plot.Plot{panels, {xp, nil}})
	if err != nil {
		return nil, err
	}
	return append(figs, p), nil
}

// pcaFigure projects states (n × H) on their first three principal
// components and draws PC1–PC2 and PC1–PC3 next to the true attractor.
func (r *Run) pcaFigure(dir, key, title string, states []float64, H int, d *tasks.Dataset) (string, *analysis.PCA, []float64, error) {
	k := min(3, H)
	pca, err := analysis.FitPCA(states, H, k)
	if err != nil {
		return "", nil, nil, err
	}
	n := len(states) / H
	scores := make([]float64, n*k)
	pca.Project(scores, states)
	var row []*plot.Plot
	for j := 1; j < k; j++ {
		p, err := projection(fmt.Sprintf("%s: PC1–PC%d (%.0f%% + %.0f%% of variance)", title, j+1, 100*pca.Ratio[0], 100*pca.Ratio[j]),
			scores, k, 0, j, [2]string{"PC1", fmt.Sprintf("PC%d", j+1)}, palette[j-1])
		if err != nil {
			return "", nil, nil, err
		}
		row = append(row, p)
	}
	raw := make([]float64, d.Test.Len*d.Dim)
	d.Denormalize(raw, d.Test.Data)
	tp, err := projection("true attractor (test split)", raw, d.Dim, 0, d.Dim-1, [2]string{"x", "z"}, palette[2])
	if err != nil {
		return "", nil, nil, err
	}
	row = append(row, tp)
	path, err := r.figure(dir, key+"_pca", 36, 11, [][]*plot.Plot{row})
	return path, pca, scores, err
}

func runCTRNN(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("ctrnn")
	if err != nil {
		return nil, err
	}
	d, err := r.Lorenz()
	if err != nil {
		return nil, err
	}
	rec := r.Cfg.CTRNNLorenzRecipe()
	tr, err := TrainCTRNN(ctx, rec, LorenzSpec(r.Cfg.Data.Lorenz), d, nil, r.trainOptions(dir, "ctrnn_lorenz.npz"))
	if err != nil {
		return nil, err
	}
	m := tr.Model
	res := &Result{Metrics: map[string]float64{}}
	res.Notes = append(res.Notes, trainedNote("CT-RNN", tr.Meta, tr.Loaded, tr.Path))
	f := leakyForecast(KindCTRNN, tr.Meta)
	if err := r.lorenzForecast(ctx, m, f); err != nil {
		return nil, err
	}
	f.Put(res.Metrics)
	res.Models = append(res.Models, f.Ref())
	res.Metrics["ctrnn.epochs"] = float64(tr.Meta.Epochs)
	res.Tables = append(res.Tables,
		r.oneStepTable("One-step forecasts of the test windows (original units) beside the baselines", d.Dim, f),
		closedLoopTable("Closed loop on the evaluation trajectory", f))
	res.Notes = append(res.Notes, f.Notes...)
	res.Notes = append(res.Notes, fmt.Sprintf("Model: %s; %d trainable parameters (reference: 4,547).", m.Config(), f.Params))

	figs, err := r.standardFigures(dir, f, tr.Meta.History, d)
	if err != nil {
		return nil, err
	}
	// Weights before and after training: the initial model is rebuilt
	// from the same configuration and seed.
	init, err := ctrnn.New[float32](m.Config())
	if err != nil {
		return nil, err
	}
	var wrow [2][]*plot.Plot
	for _, t := range []struct{ name, title string }{
		{ctrnn.NameWRec, "W_rec"}, {ctrnn.NameWIn, "W_in"}, {ctrnn.NameDec, "decoder"}} {
		i := m.Params().Index(t.name)
		shape := m.Params().Spec(i).Shape
		before, after := f64(init.Params().At(i)), f64(m.Params().At(i))
		s := maxAbs(before, after)
		wrow[0] = append(wrow[0], heatmap(t.title+" before", before, shape[0], shape[1], s))
		wrow[1] = append(wrow[1], heatmap(t.title+" after", after, shape[0], shape[1], s))
		res.Metrics["ctrnn.weights."+t.title+".mean_abs_change"] = meanAbsDiff(before, after)
	}
	p, err := r.figure(dir, "ctrnn_weights", 36, 22, [][]*plot.Plot{wrow[0], wrow[1]})
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	states := hiddenStates(m, d.Test.Data, d.Dim)
	p, pca, scores, err := r.pcaFigure(dir, "ctrnn", "CT-RNN hidden states (test split)", states, m.StateDim(), d)
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	for j, v := range pca.Ratio {
		res.Metrics[fmt.Sprintf("ctrnn.pca.ratio%d", j+1)] = v
	}
	res.Notes = append(res.Notes, fmt.Sprintf("Hidden-state PCA on the test split: the first three components explain %.1f%%, %.1f%% and %.1f%% of the variance (reference: 52.8, 32.8, 11.7).",
		100*pca.Ratio[0], 100*pca.Ratio[1], 100*pca.Ratio[2]))
	res.Figures = figs

	fr, err := r.saveFreeRun(dir, f.Key, f.Gen, d.Dim)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files, r.Rel(tr.Path), fr)
	truth, err := r.Truth()
	if err != nil {
		return nil, err
	}
	groups := append(forecastGroups("ctrnn", f, d.Dim, truth),
		paramsGroup("ctrnn/parameters", m.Params()), paramsGroup("ctrnn/initial_parameters", init.Params()),
		historyGroup("ctrnn/history", tr.Meta.History),
		h5Group{Name: "ctrnn/hidden_pca", Arrays: []export.Array{
			export.NewArray("components", pca.Components, pca.K, pca.Dim), export.NewArray("explained_ratio", pca.Ratio),
			export.NewArray("scores", scores, len(scores)/pca.K, pca.K)},
			Attrs: map[string]string{"what": "PCA of the hidden states while the model streams the test split"}},
		metricsGroup("metrics", res.Metrics))
	h5 := filepath.Join(dir, "ctrnn.h5")
	if err := r.addH5(res, h5, groups...); err != nil {
		return nil, err
	}
	return res, ctx.Err()
}

// f64 converts float32 values to float64.
func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// meanAbsDiff is the mean absolute difference of two equally long slices.
func meanAbsDiff(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		if d < 0 {
			d = -d
		}
		s += d
	}
	return s / float64(len(a))
}
