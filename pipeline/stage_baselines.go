package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
)

func baselinesStage() Stage {
	return Stage{
		Name:  "baselines",
		Title: "00 · baselines every one-step Lorenz forecaster must beat (test split, original units)",
		Needs: []string{"data"},
		Key: func(c *Config) any {
			return struct {
				L LorenzData
				S [3]int
			}{c.Data.Lorenz, c.Settings().LorenzKey()}
		},
		Run: runBaselines,
	}
}

// Baselines returns the fitted baseline table of the run's Lorenz dataset,
// computed once per process (the synthesis stage reuses it).
func (r *Run) Baselines() ([]analysis.BaselineRow, error) {
	return Cached(r, "baselines", func() ([]analysis.BaselineRow, error) {
		d, err := r.Lorenz()
		if err != nil {
			return nil, err
		}
		return analysis.BaselineTable(d, analysis.BaselineConfig{})
	})
}

func runBaselines(ctx context.Context, r *Run) (*Result, error) {
	rows, err := r.Baselines()
	if err != nil {
		return nil, err
	}
	res := &Result{Metrics: map[string]float64{}}
	t := Table{Title: "One-step baselines on the Lorenz test split (2,950 windows, original units)",
		Header: []string{"baseline", "RMSE", "MAE", "NRMSE (range)", "R² x", "R² y", "R² z", "R² grand mean (reference's)", "parameters"}}
	best := ""
	bestAR := 0.0
	for _, row := range rows {
		m := row.Metrics
		t.Rows = append(t.Rows, []string{row.Name, fmtSig(m.RMSE), fmtSig(m.MAE), fmtSig(m.NRMSERange),
			fmtR2(m.R2[0]), fmtR2(m.R2[1]), fmtR2(m.R2[2]), fmtR2(m.R2GrandMean), row.Params})
		key := "baseline." + metricKey(row.Name)
		res.Metrics[key+".rmse"] = m.RMSE
		res.Metrics[key+".mae"] = m.MAE
		if strings.HasPrefix(row.Name, "AR(") && (best == "" || m.RMSE < bestAR) {
			best, bestAR = row.Name, m.RMSE
		}
	}
	res.Tables = append(res.Tables, t)
	res.Metrics["baseline.best_ar.rmse"] = bestAR
	for _, row := range rows {
		putMetrics(res.Metrics, "baseline."+metricKey(row.Name)+".test", row.Metrics)
	}

	// The best AR(k) and the NVAR in closed loop, measured like every model.
	dir, err := r.Dir("baselines")
	if err != nil {
		return nil, err
	}
	d, err := r.Lorenz()
	if err != nil {
		return nil, err
	}
	truth, err := r.Truth()
	if err != nil {
		return nil, err
	}
	cl := Table{Title: "Closed loop of the baselines (evaluation trajectory, original units)",
		Header: []string{"baseline", "params", "VPT median [Q1, Q3]; median's 95% CI (Lyapunov times)", "λ₁ gen / true", "D₂ gen / true", "notes"}}
	for _, row := range rows {
		key := ""
		switch {
		case row.Name == best:
			key = "baseline.best_ar"
			res.Metrics[key+".k"] = float64(row.Forecaster.Lags())
		case strings.HasPrefix(row.Name, "NVAR"):
			key = "baseline.nvar"
		default:
			continue
		}
		f := &Forecast{Key: key, Name: row.Name, Kind: "baseline", Label: analysis.LabelBaseline,
			Params: baselineParams(row.Forecaster, d.Dim), TrainSeconds: nan()}
		if err := MeasureForecaster(ctx, d, row.Forecaster, f, MeasureOptions{Settings: r.Cfg.Settings(), Truth: truth}); err != nil {
			return nil, fmt.Errorf("baseline %s: %w", row.Name, err)
		}
		f.Put(res.Metrics)
		res.Models = append(res.Models, f.Ref())
		fr, err := r.saveFreeRun(dir, key, f.Gen, d.Dim)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, fr)
		cl.Rows = append(cl.Rows, []string{row.Name, fmt.Sprint(f.Params), vptCell(f.VT), pairCell(attr(f, true)), pairCell(attr(f, false)), strings.Join(f.Notes, "; ")})
	}
	res.Tables = append(res.Tables, cl)
	res.Metrics["baseline.persistence.params"] = 0
	res.Models = append(res.Models, ModelRef{Key: "baseline.persistence", Name: "persistence", Kind: "baseline", Label: string(analysis.LabelBaseline)})
	path := filepath.Join(dir, "baselines.h5")
	if err := writeBaselinesHDF5(path, rows, r.Cfg); err != nil {
		return nil, err
	}
	res.Files = append(res.Files, r.Rel(path))
	res.Notes = append(res.Notes,
		fmt.Sprintf("Best AR(k): %s with RMSE %s. One-step forecasting of noiseless Lorenz at dt 0.01 is nearly linear, so every model below is reported next to the best AR(k) and the NVAR.", best, fmtSig(bestAR)),
		"R² per variable is the honest figure; the grand-mean R² (the reference's) divides by the spread around the mean of all three variables and flatters weak models.")
	return res, ctx.Err()
}

// writeBaselinesHDF5 stores the baseline table as the HDF5 table /baselines:
// one row per baseline, metrics on the test split in original units.
func writeBaselinesHDF5(path string, rows []analysis.BaselineRow, cfg Config) error {
	n := len(rows)
	names, params := make([]string, n), make([]string, n)
	cols := map[string][]float64{}
	keys := []string{"rmse", "mae", "mse", "nrmse_range", "nrmse_std", "r2_x", "r2_y", "r2_z", "r2_grand_mean", "pearson"}
	for _, k := range keys {
		cols[k] = make([]float64, n)
	}
	for i, row := range rows {
		m := row.Metrics
		names[i], params[i] = row.Name, row.Params
		for k, v := range map[string]float64{"rmse": m.RMSE, "mae": m.MAE, "mse": m.MSE, "nrmse_range": m.NRMSERange,
			"nrmse_std": m.NRMSEStd, "r2_x": m.R2[0], "r2_y": m.R2[1], "r2_z": m.R2[2], "r2_grand_mean": m.R2GrandMean,
			"pearson": m.Pearson} {
			cols[k][i] = v
		}
	}
	t := export.Table{Columns: []export.Column{export.NewColumn("name", names), export.NewColumn("params", params)}}
	for _, k := range keys {
		t.Columns = append(t.Columns, export.NewColumn(k, cols[k]))
	}
	prov := export.NewProvenance(cfg.TOML(), "toml", export.Seed{Name: "seed", Value: cfg.Seed})
	err := export.WriteTableFile(path, "baselines", t, export.Overwrite(), export.WithProvenance(prov))
	if errors.Is(err, export.ErrNoHDF5) {
		return nil // built without HDF5: the table stays in the report
	}
	return err
}

// baselineParams counts a baseline's fitted coefficients: (k·dim + 1)·dim
// for AR(k), features·dim for the NVAR, 0 for the others.
func baselineParams(f analysis.Forecaster, dim int) int {
	switch b := f.(type) {
	case *analysis.AR:
		return (b.Lags()*dim + 1) * dim
	case *analysis.NVAR:
		return b.Features() * dim
	}
	return 0
}

// metricKey turns a display name into a metrics key ("AR(4)" → "ar4").
func metricKey(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-':
			b.WriteByte('_')
		}
	}
	return b.String()
}

// fmtSig formats a positive figure with 4 significant digits.
func fmtSig(v float64) string { return fmt.Sprintf("%.4g", v) }

// fmtR2 formats an R² so that values near 1 stay distinguishable.
func fmtR2(v float64) string {
	if v == 1 {
		return "1"
	}
	if v > 0.999 {
		return fmt.Sprintf("1 − %.2g", 1-v)
	}
	return fmt.Sprintf("%.4f", v)
}
