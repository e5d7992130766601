package pipeline

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/modelfile"
)

// Helpers shared by the model stages (ctrnn, rate, snn, flipflop).

// trainOptions returns the training options of a stage's model file, with
// progress reported to the run (bars through Options.Progress, and a log
// line at every quarter of the epochs).
func (r *Run) trainOptions(dir, file string) TrainOptions {
	last := -1
	return TrainOptions{Dir: dir, File: file, Seed: r.Cfg.Seed, Progress: func(done, total int) {
		r.Progress("training "+strings.TrimSuffix(file, ".npz"), done, total)
		if q := 4 * done / max(total, 1); q != last && (q > 0) {
			last = q
			r.Logf("  %s: epoch %d of %d", strings.TrimSuffix(file, ".npz"), done, total)
		}
	}}
}

// trainedNote says how a model came to be: trained now (time, epochs) or
// reloaded from its file.
func trainedNote(name string, meta *ModelMeta, loaded bool, path string) string {
	if loaded {
		return fmt.Sprintf("%s: reloaded from %s (same recipe and data; trained earlier in %.1f s, %d epochs, best epoch %d).",
			name, filepath.Base(path), float64(meta.TrainSeconds), meta.Epochs, meta.BestEpoch)
	}
	return fmt.Sprintf("%s: recipe %s trained in %.1f s (%d epochs, best epoch %d, stopped by %s); parameters saved to %s.",
		name, meta.Name, float64(meta.TrainSeconds), meta.Epochs, meta.BestEpoch, meta.Stop, filepath.Base(path))
}

// baselineMetrics returns the baselines stage's stored metrics (nil if it
// has no result in this run).
func (r *Run) baselineMetrics() map[string]float64 {
	if res, ok := r.Result("baselines"); ok {
		return res.Metrics
	}
	return nil
}

// oneStepTable compares models' one-step test metrics with the best AR(k)
// and the NVAR of the baselines stage.
func (r *Run) oneStepTable(title string, dim int, fs ...*Forecast) Table {
	names := varNames(dim)
	t := Table{Title: title, Header: []string{"model", "params", "RMSE", "MAE", "NRMSE (range)"}}
	for _, n := range names {
		t.Header = append(t.Header, "R² "+n)
	}
	add := func(name, params string, m analysis.Metrics) {
		row := []string{name, params, num(m.RMSE), num(m.MAE), num(m.NRMSERange)}
		for j := range names {
			v := m.R2[j]
			row = append(row, fmtR2(v))
		}
		t.Rows = append(t.Rows, row)
	}
	for _, f := range fs {
		add(f.Name, strconv.Itoa(f.Params), f.OneStep)
	}
	if bm := r.baselineMetrics(); bm != nil {
		k := get(bm, "baseline.best_ar.k")
		add(fmt.Sprintf("best AR(k): AR(%g) (baseline)", k), num(get(bm, "baseline.best_ar.params")), metricsFrom(bm, "baseline.best_ar.test", dim))
		add("NVAR (baseline)", num(get(bm, "baseline.nvar.params")), metricsFrom(bm, "baseline.nvar.test", dim))
		add("persistence (baseline)", "0", metricsFrom(bm, "baseline.persistence.test", dim))
	}
	return t
}

// closedLoopTable reports the closed-loop measurements of forecasts.
func closedLoopTable(title string, fs ...*Forecast) Table {
	t := Table{Title: title, Header: []string{"model", "VPT median [Q1, Q3]; median's 95% CI (Lyapunov times)", "λ₁ gen / true (" + Lambda1Method + ")",
		"λ₁ from the model's Jacobians (QR)", "D₂ gen / true", "W₁/std x, y, z", "return map gen→true / true→gen"}}
	for _, f := range fs {
		qr := "—"
		if f.Spectrum != nil {
			var parts []string
			for _, v := range f.Spectrum.Exponents {
				parts = append(parts, fmt.Sprintf("%.3g", v))
			}
			qr = strings.Join(parts, ", ")
		}
		w, rm := "—", "—"
		if a := f.Attractor; a != nil {
			var parts []string
			for _, v := range a.WassersteinRel {
				parts = append(parts, fmt.Sprintf("%.3g", v))
			}
			w = strings.Join(parts, ", ")
			rm = num(a.ReturnGenToTrue) + " / " + num(a.ReturnTrueToGen)
		}
		t.Rows = append(t.Rows, []string{f.Name, vptCell(f.VT), pairCell(attr(f, true)), qr, pairCell(attr(f, false)), w, rm})
	}
	return t
}

// forecastGroups returns the HDF5 groups of a forecast under prefix:
// one-step predictions, closed-loop valid times, the free run and the
// spectrum.
func forecastGroups(prefix string, f *Forecast, dim int, truth *Truth) []h5Group {
	n := len(f.Pred) / dim
	gs := []h5Group{{Name: prefix + "/predictions", Arrays: []export.Array{
		export.NewArray("prediction", f.Pred, n, dim), export.NewArray("truth", f.Truth, n, dim)},
		Attrs: map[string]string{"units": "original (denormalized) units", "split": "test", "what": "one-step forecasts of the test windows' targets"}}}
	if vt := f.VT; vt != nil {
		k := len(vt.Starts)
		starts, steps, cens := make([]int64, k), make([]int64, k), make([]uint8, k)
		for i := range vt.Starts {
			starts[i], steps[i] = int64(vt.Starts[i]), int64(vt.Steps[i])
			if vt.Censored[i] {
				cens[i] = 1
			}
		}
		lo, hi := vt.MedianCI()
		gs = append(gs, h5Group{Name: prefix + "/closed_loop", Arrays: []export.Array{
			export.NewArray("start", starts), export.NewArray("valid_steps", steps), export.NewArray("censored", cens),
			export.NewArray("valid_time", vt.Time), export.NewArray("valid_lyapunov_times", vt.Lyapunov)},
			Attrs: map[string]string{"protocol": fmt.Sprintf("analysis.ValidTime: %d starts, warm-up %d, horizon %d steps, threshold %g, λ₁ %g",
				vt.Config.Starts, vt.Config.Warmup, vt.Config.Horizon, vt.Config.Threshold, vt.Config.Lambda1),
				"median_ci95_lyapunov_times": fmt.Sprintf("%g %g", lo, hi)}})
	}
	if f.Gen != nil && truth != nil {
		gs = append(gs, h5Group{Name: prefix + "/free_run", Arrays: []export.Array{
			export.NewArray("generated", f.Gen, len(f.Gen)/dim, dim), export.NewArray("truth", truth.Data, truth.N, dim)},
			Attrs: map[string]string{"units": "original units", "what": "autonomous run after the protocol's warm-up on the evaluation trajectory, and the true continuation"}})
	}
	if s := f.Spectrum; s != nil {
		gs = append(gs, h5Group{Name: prefix + "/spectrum", Arrays: []export.Array{
			export.NewArray("exponents", s.Exponents), export.NewArray("stderr", s.StdErr)},
			Attrs: map[string]string{"what": "closed-loop Lyapunov exponents from the model's step Jacobians (QR), per time unit"}})
	}
	return gs
}

// freeRunFile is the name of the .npz holding the first samples of a
// model's free run, which the synthesis stage draws.
func freeRunFile(key string) string { return key + "_free_run.npz" }

// freeRunSamples is the number of free-run samples kept for the synthesis
// figure.
const freeRunSamples = 5000

// ProvenanceMember names the member of the pipeline's free-run .npz files
// that holds their provenance (modelfile.Provenance: version, revision,
// build ID, the run's configuration as TOML, its seed, the time) as JSON
// bytes (uint8), which np.load users read with
// json.loads(bytes(z["neurodyn_provenance"])). Model files keep theirs in
// their metadata (ModelMeta.Provenance).
const ProvenanceMember = "neurodyn_provenance"

// saveFreeRun writes the first freeRunSamples samples of a free run (or
// an empty array if it diverged) to dir/freeRunFile(key), with the run's
// provenance (ProvenanceMember).
func (r *Run) saveFreeRun(dir, key string, gen []float64, dim int) (string, error) {
	n := min(freeRunSamples, len(gen)/dim)
	path := filepath.Join(dir, freeRunFile(key))
	a := export.NewNPZArray("generated", append([]float64(nil), gen[:n*dim]...), n, dim)
	prov, err := json.Marshal(modelfile.NewProvenance(r.Cfg.TOML(), "toml", export.Seed{Name: "seed", Value: r.Cfg.Seed}))
	if err != nil {
		return "", fmt.Errorf("pipeline: free-run provenance: %w", err)
	}
	arrays := []export.NPZArray{a, export.NewNPZArray(ProvenanceMember, prov)}
	if err := export.WriteNPZ(path, arrays, export.Overwrite()); err != nil {
		return "", err
	}
	return r.Rel(path), nil
}

// hiddenStates streams the test split through a model from its reset
// state and returns its state after every sample (Len × StateDim).
func hiddenStates(m learn.Stepper, data []float64, dim int) []float64 {
	n := len(data) / dim
	H := m.StateDim()
	out := make([]float64, n*H)
	y := make([]float64, m.OutputDim())
	m.Reset()
	for t := 0; t < n; t++ {
		m.Step(y, data[t*dim:(t+1)*dim])
		m.State(out[t*H : (t+1)*H])
	}
	return out
}
