package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// The functions behind `neurodyn train` and `neurodyn analyze`. They call
// exactly what the stages call, so that with the same configuration the
// numbers they print equal the tutorial's (and the synthesis table's).

// TrainRequest says what TrainModel trains.
type TrainRequest struct {
	// Kind is one of Kinds().
	Kind string
	// Data is the task: LorenzSpec(cfg.Data.Lorenz),
	// FlipFlopSpec(cfg.Data.FlipFlop) or a SeriesFileSpec.
	Data DataSpec
	// Dir and File name the model file (File "" → <kind>_<task>.npz).
	Dir, File string
	// Retrain trains even when the file holds the same model.
	Retrain bool
	// Overwrite replaces a file that holds another model (another
	// recipe, other data) or no model; without it TrainModel refuses
	// such a file (an error wrapping export.ErrExists) before training.
	Overwrite bool
	// Progress is told the epochs done (models trained by gradient).
	Progress func(done, total int)
	// Lambda1 is the true system's λ₁ per time unit for valid times in
	// Lyapunov times (0: the system's own, SystemLambda1).
	Lambda1 float64
}

// TrainResult is what TrainModel made and measured.
type TrainResult struct {
	Path   string
	Meta   *ModelMeta
	Loaded bool
	// Forecast holds the measurements on a forecasting task, FlipFlop the
	// score on the flip-flop (one of them is nil).
	Forecast *Forecast
	FlipFlop *FlipFlopScore
	// Tables are the measurements as printable tables.
	Tables []Table
}

// ModelFileName returns the name of TrainModel's model file: file, or
// kind_task.npz when file is empty. A name that does not end in .npz, or
// that has a directory (TrainRequest.Dir sets it), is a parameter error
// naming File: the pipeline's model files are .npz (parameters plus
// metadata) and every loader reads them by that extension, so another
// name would be an .npz under a misleading one (neurodyn_model_load reads
// .h5 as HDF5).
func ModelFileName(kind, task, file string) (string, error) {
	if file == "" {
		return kind + "_" + task + ".npz", nil
	}
	if !strings.EqualFold(filepath.Ext(file), ".npz") || filepath.Base(file) != file {
		return "", param.New("pipeline", "File", file, "a file name ending in .npz, without a directory (--out sets it)")
	}
	return file, nil
}

// TrainModel trains (or reloads) the model kind of cfg's recipes on the
// requested task, saves it and measures it: on a forecasting task like the
// stages (one-step test metrics, closed loop and free run when the data
// have an evaluation trajectory), on the flip-flop its test bit accuracy.
// A user series takes the Lorenz recipes with the series' dimension.
func TrainModel(ctx context.Context, cfg Config, req TrainRequest) (*TrainResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var err error
	if req.File, err = ModelFileName(req.Kind, req.Data.Task, req.File); err != nil {
		return nil, err
	}
	if err := checkLambda1(req.Lambda1); err != nil {
		return nil, err
	}
	o := TrainOptions{Dir: req.Dir, File: req.File, Seed: cfg.Seed, Retrain: req.Retrain, NoReplace: !req.Overwrite, Progress: req.Progress}
	set := cfg.Settings()
	if req.Data.Task == TaskFlipFlop {
		ff, err := req.Data.FlipFlopTask()
		if err != nil {
			return nil, err
		}
		var out *TrainResult
		switch req.Kind {
		case KindCTRNN:
			tr, err := TrainCTRNN(ctx, cfg.CTRNNFlipFlopRecipe(), req.Data, nil, ff, o)
			if err != nil {
				return nil, err
			}
			s, err := ScoreFlipFlop(tr.Model, ff, false)
			if err != nil {
				return nil, err
			}
			out = &TrainResult{Path: tr.Path, Meta: tr.Meta, Loaded: tr.Loaded, FlipFlop: s}
		case KindRate:
			tr, err := TrainRate(ctx, cfg.RateFlipFlopRecipe(), req.Data, nil, ff, o)
			if err != nil {
				return nil, err
			}
			s, err := ScoreFlipFlop(tr.Model, ff, false)
			if err != nil {
				return nil, err
			}
			out = &TrainResult{Path: tr.Path, Meta: tr.Meta, Loaded: tr.Loaded, FlipFlop: s}
		default:
			return nil, param.New("pipeline", "model", req.Kind, "ctrnn or rate on the flip-flop (spiking models and reservoirs forecast series)")
		}
		out.Tables = []Table{{Title: "flip-flop test split", Header: []string{"quantity", "value"}, Rows: [][]string{
			{"model file", out.Path}, {"recipe", out.Meta.Name}, {"parameters", fmt.Sprint(out.Meta.Params)},
			{"training time (s)", num(float64(out.Meta.TrainSeconds))}, {"reloaded", fmt.Sprint(out.Loaded)},
			{"bit accuracy", fmt.Sprintf("%.4f%%", 100*out.FlipFlop.BitAccuracy)}, {"test MSE", num(out.FlipFlop.MSE)}}}}
		return out, nil
	}
	d, err := req.Data.Forecasting()
	if err != nil {
		return nil, err
	}
	set.Lambda1 = req.Lambda1
	truth, noTruth, err := TruthFor(d, set)
	if err != nil {
		return nil, err
	}
	out := &TrainResult{}
	switch req.Kind {
	case KindCTRNN:
		r := cfg.CTRNNLorenzRecipe()
		tr, err := TrainCTRNN(ctx, r, req.Data, d, nil, o)
		if err != nil {
			return nil, err
		}
		f := leakyForecast(KindCTRNN, tr.Meta)
		if err := MeasureForecaster(ctx, d, tr.Model, f, MeasureOptions{Settings: set, Truth: truth, Batch: tr.Model}); err != nil {
			return nil, err
		}
		out.Path, out.Meta, out.Loaded, out.Forecast = tr.Path, tr.Meta, tr.Loaded, f
	case KindRate:
		r := cfg.RateLorenzRecipe()
		tr, err := TrainRate(ctx, r, req.Data, d, nil, o)
		if err != nil {
			return nil, err
		}
		f := leakyForecast(KindRate, tr.Meta)
		if err := MeasureForecaster(ctx, d, tr.Model, f, MeasureOptions{Settings: set, Truth: truth, Batch: tr.Model}); err != nil {
			return nil, err
		}
		out.Path, out.Meta, out.Loaded, out.Forecast = tr.Path, tr.Meta, tr.Loaded, f
	case KindSNN:
		st, err := TrainSNN(ctx, cfg.SNNRecipe(), req.Data, d, o)
		if err != nil {
			return nil, err
		}
		f, _, _, err := MeasureSNN(ctx, st, d, truth, set)
		if err != nil {
			return nil, err
		}
		out.Path, out.Meta, out.Loaded, out.Forecast = st.Path, st.Meta, st.Loaded, f
	case KindReservoir:
		r, fit, meta, err := FitReservoir(cfg.ReservoirSetup(), req.Data, d, o)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		f, _, _, err := MeasureReservoir(ctx, r, fit, meta, d, truth, set)
		if err != nil {
			return nil, err
		}
		out.Path, out.Meta, out.Forecast = o.path(), meta, f
	case KindESN:
		e, fit, meta, err := FitESN(cfg.ESNSetup(), req.Data, d, o)
		if err != nil {
			return nil, err
		}
		f, err := MeasureESN(ctx, e, fit, meta, d, truth, set)
		if err != nil {
			return nil, err
		}
		out.Path, out.Meta, out.Forecast = o.path(), meta, f
	default:
		return nil, param.New("pipeline", "model", req.Kind, "one of "+strings.Join(Kinds(), ", "))
	}
	if noTruth != "" {
		out.Forecast.Notes = append(out.Forecast.Notes, noTruth)
	}
	if req.Data.Task == TaskSeries {
		out.Forecast.labels = variableLabels(d)
	}
	out.Tables = []Table{ForecastTable(out.Forecast, out.Meta, out.Path, out.Loaded, d.Dim)}
	if req.Data.Task == TaskSeries {
		bt, err := BaselineTable(d, out.Forecast)
		if err != nil {
			return nil, fmt.Errorf("pipeline: baselines: %w", err)
		}
		out.Tables = append(out.Tables, bt)
	}
	return out, nil
}

// checkLambda1 validates a λ₁ given for Lyapunov times: 0 (the
// system's own) or positive and finite.
func checkLambda1(v float64) error {
	if v == 0 || v > 0 && !math.IsInf(v, 0) {
		return nil
	}
	return param.New("pipeline", "Lambda1", v, "> 0 and finite, per time unit of the data (0: the system's own λ₁)")
}

// ForecastTable lists a forecast's measurements as quantity/value rows.
func ForecastTable(f *Forecast, meta *ModelMeta, path string, loaded bool, dim int) Table {
	t := Table{Title: f.Name, Header: []string{"quantity", "value"}}
	add := func(k, v string) { t.Rows = append(t.Rows, []string{k, v}) }
	if path != "" {
		add("model file", path)
	}
	if meta != nil {
		add("recipe", meta.Name)
		add("reloaded (not trained again)", fmt.Sprint(loaded))
	}
	add("parameters", fmt.Sprint(f.Params))
	add("training time (s)", num(f.TrainSeconds))
	add("one-step test RMSE (original units)", num(f.OneStep.RMSE))
	add("one-step test MAE", num(f.OneStep.MAE))
	labels, method := varNames(dim), Lambda1Method
	if len(f.labels) == dim {
		labels, method = f.labels, "Rosenstein on "+f.labels[0]
	}
	for j, n := range labels {
		if j < len(f.OneStep.R2) {
			add("R² "+n, fmtR2(f.OneStep.R2[j]))
		}
	}
	if f.VT != nil {
		if math.IsNaN(f.Lambda1.Value) {
			add("closed-loop valid time, Lyapunov times", "— ("+f.Lambda1.Source+")")
		} else {
			add("closed-loop valid time, Lyapunov times: median [Q1, Q3]; 95% CI of the median", vptCell(f.VT))
			add("λ₁ of the true system for Lyapunov times (per time unit)", fmt.Sprintf("%.4g: %s", f.Lambda1.Value, f.Lambda1.Source))
		}
		add("closed-loop valid time, time units: median", num(f.VT.InTime.Median))
		add("closed-loop protocol", fmt.Sprintf("%d starts over the %s, warm-up %d, horizon %d steps", len(f.VT.Starts), f.evalRun, f.VT.Config.Warmup, f.VT.Config.Horizon))
	}
	if f.Attractor != nil {
		add("λ₁ generated / true ("+method+")", pairCell(attr(f, true)))
		add("D₂ generated / true", pairCell(attr(f, false)))
		if f.truthFrom != "" {
			add("true λ₁ and D₂ measured on", f.truthFrom)
		}
	}
	if f.Spectrum != nil {
		var parts []string
		for _, v := range f.Spectrum.Exponents {
			parts = append(parts, fmt.Sprintf("%.4g", v))
		}
		add("Lyapunov spectrum from the model's Jacobians", strings.Join(parts, ", "))
	}
	for _, r := range f.Rates {
		add("firing rate "+r.Population+" (Hz, streaming the test split)", fmt.Sprintf("%.3g ± %.3g", r.MeanHz, r.StdHz))
	}
	for _, k := range []string{"silenced_rmse", "silenced_ratio", "input_only_rmse"} {
		if v, ok := f.Extra[k]; ok {
			add(strings.ReplaceAll(k, "_", " "), num(v))
		}
	}
	for _, n := range f.Notes {
		add("note", n)
	}
	return t
}

// AnalyzeRequest says what Analyze measures, on a model file or on a data
// file.
type AnalyzeRequest struct {
	// What is lyapunov, dimension, fixedpoints, closedloop or spikes.
	What string
	// Model is a model file (written by the tutorial or `neurodyn train`);
	// Data a data file instead: a series (.npy, .npz, .h5, .csv, read with
	// Load) or, for spikes, a SONATA spike report (.h5). With Model, Data
	// is the model's series file where it now is (SeriesSpec.UseFile: it
	// must have the recorded SHA-256; Load's and Dt's zero values take the
	// model's options, others must equal them); without Data the model
	// finds its file (SeriesSpec.Locate).
	Model, Data string
	Load        tasks.LoadOptions
	// Dt is the data file's sample interval (0 → 1; with Model, 0 → the
	// model's).
	Dt float64
	// Split splits a data file for baselines (its Dt is Dt; zero values
	// mean SeriesConfig's defaults, train's).
	Split tasks.SeriesConfig
	// EmbedDim and Lag (in samples) fix the delay embedding of a data
	// file's λ₁ and D₂ (0 → chosen automatically: false nearest neighbours
	// and AutoLag). λ₁ delay-embeds the file's first variable (column)
	// whatever its number of variables; D₂ of a multivariate file is
	// delay-embedded only with EmbedDim ≥ 2 (its samples are used as they
	// are otherwise), so Lag alone is refused for dimension.
	EmbedDim, Lag int
	// D2Scaling chooses whether a data file's variables are z-scored
	// before D₂ (analysis.D2ScaleAuto: when their scales differ by more
	// than 10×).
	D2Scaling analysis.D2Scaling
	// Input is the constant input of the fixed-point search: in data
	// units for a forecasting model (normalised with the train mean and
	// std, as the model's data are; nil: the train mean), in the task's
	// input channels for the flip-flop (nil: zero).
	Input []float64
	// Lambda1 is the true system's λ₁ per time unit for valid times in
	// Lyapunov times (closedloop; 0: the system's own, SystemLambda1).
	Lambda1 float64
	// SpikeTimeUnits is the time unit of a spike report's timestamps that
	// carry no "units" attribute (spikes with Data; "": such a file is
	// refused, export.ErrNoTimeUnits).
	SpikeTimeUnits string
}

// Analyses lists what Analyze can measure.
func Analyses() []string {
	return []string{"lyapunov", "dimension", "fixedpoints", "closedloop", "spikes", "baselines"}
}

// Analyze runs one analysis and returns its results as tables.
func Analyze(ctx context.Context, cfg Config, req AnalyzeRequest) ([]Table, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !containsString(Analyses(), req.What) {
		return nil, param.New("pipeline", "analysis", req.What, "one of "+strings.Join(Analyses(), ", "))
	}
	if req.Model == "" && req.Data == "" {
		return nil, param.New("pipeline", "--model/--data", "neither given", "--model, --data, or both (--data then gives the model's series file)")
	}
	if req.Model == "" {
		return analyzeData(req)
	}
	m, err := LoadModel(req.Model)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if req.Data != "" {
		if m.Meta.Data.Series == nil {
			return nil, param.New("pipeline", "--data", req.Data, fmt.Sprintf("left out with a model trained on the %s task (its data are generated from the recipe in the model file)", m.Meta.Data.Task))
		}
		if err := m.Meta.Data.Series.UseFile(req.Data, req.Load, req.Dt); err != nil {
			return nil, err
		}
	}
	return analyzeModel(ctx, cfg, m, req)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// seriesMinSamples is, per analysis of a series file, the fewest samples
// it measures: analysis.LargestFromSeries needs 100 samples and
// analysis.CorrelationDimension 50 points (TestSeriesMinSamples pins both).
var seriesMinSamples = map[string]int{"lyapunov": 100, "dimension": 50}

// analyzeData measures a data file.
func analyzeData(req AnalyzeRequest) ([]Table, error) {
	if req.What == "spikes" {
		return spikeFileTables(req.Data, req.SpikeTimeUnits)
	}
	if req.What == "baselines" {
		return baselineDataTables(req)
	}
	if req.What != "lyapunov" && req.What != "dimension" {
		return nil, param.New("pipeline", "analysis", req.What, "lyapunov, dimension, baselines or spikes on a data file (the others need a model)")
	}
	raw, err := tasks.LoadSeries(req.Data, req.Load)
	if err != nil {
		return nil, err
	}
	if need := seriesMinSamples[req.What]; raw.Len < need {
		return nil, param.New("pipeline", "--data", fmt.Sprintf("%s (%d samples)", req.Data, raw.Len),
			fmt.Sprintf("a series of at least %d samples for %s", need, req.What))
	}
	dt := req.Dt
	if dt == 0 {
		dt = 1
	}
	if err := checkEmbedding(req, raw.Len, raw.Dim); err != nil {
		return nil, err
	}
	st, err := analysis.DescribeAttractor(raw.Data, raw.Dim, analysis.AttractorConfig{Dt: dt, D2Scaling: req.D2Scaling,
		Lyapunov: analysis.RosensteinConfig{EmbedDim: req.EmbedDim, Lag: req.Lag}})
	if err != nil {
		return nil, err
	}
	t := Table{Title: fmt.Sprintf("%s: %d samples of %d variables, dt %g", req.Data, raw.Len, raw.Dim, dt), Header: []string{"quantity", "value"}}
	switch req.What {
	case "lyapunov":
		t.Rows = append(t.Rows, seriesLyapunovRows(st, seriesColumn(req.Load, 0, raw.Names), dt)...)
	case "dimension":
		t.Rows = append(t.Rows, seriesDimensionRows(st, seriesColumn(req.Load, 0, raw.Names), req.D2Scaling)...)
	}
	t.Rows = append(t.Rows, analysisNotes(st.Notes, req.What, true)...)
	return []Table{t}, nil
}

// checkEmbedding validates the --embed-dim and --lag of an analysis of a
// series of n samples of dim variables. λ₁ always delay-embeds the first
// variable, so --lag alone applies to it; D₂ of several variables is
// delay-embedded only with --embed-dim ≥ 2, so --lag alone is refused
// there rather than ignored.
func checkEmbedding(req AnalyzeRequest, n, dim int) error {
	if req.EmbedDim < 0 || req.EmbedDim > 100 {
		return param.New("pipeline", "--embed-dim", req.EmbedDim, "an embedding dimension in [1, 100] (0 or left out: chosen by false nearest neighbours)")
	}
	if req.Lag < 0 {
		return param.New("pipeline", "--lag", req.Lag, "a lag ≥ 1 sample (0 or left out: chosen from the mutual information)")
	}
	if req.What == "dimension" && req.Lag > 0 && dim > 1 && req.EmbedDim < 2 {
		return param.New("pipeline", "--lag", req.Lag, fmt.Sprintf("left out for D₂ of a series of %d variables unless --embed-dim ≥ 2 (D₂ takes its samples as they are otherwise; λ₁, analyze lyapunov, delay-embeds column %s with it)", dim, "0"))
	}
	if m := max(req.EmbedDim, 2); req.Lag > 0 && (m-1)*req.Lag >= n/2 {
		return param.New("pipeline", "--lag", req.Lag, fmt.Sprintf("(--embed-dim − 1)·--lag < %d, half the series' %d samples", n/2, n))
	}
	return nil
}

// seriesColumn names variable v (from 0) of a loaded series file: its
// column in the file, as --columns counts, followed by its header name
// when the file gave one (names: tasks.RawSeries.Names, nil when none).
func seriesColumn(lo tasks.LoadOptions, v int, names []string) string {
	col := v
	if v < len(lo.Columns) {
		col = lo.Columns[v]
	}
	if v < len(names) && strings.TrimSpace(names[v]) != "" {
		return fmt.Sprintf("column %d (%s)", col, strings.TrimSpace(names[v]))
	}
	return fmt.Sprintf("column %d", col)
}

// seriesLyapunovRows formats the λ₁ estimate of a series file (Rosenstein
// on its first variable, named by col, sample interval dt).
func seriesLyapunovRows(st *analysis.AttractorStats, col string, dt float64) [][]string {
	label := fmt.Sprintf("λ₁ (Rosenstein on %s, per time unit)", col)
	f := st.LyapFit
	if f == nil {
		return [][]string{{label, "— (not estimated: see the note)"}}
	}
	emb := fmt.Sprintf("%d, %s (%.4g time units), %s", f.EmbedDim, samples(f.Lag), float64(f.Lag)*dt, samples(f.Theiler))
	if f.Lag == 0 {
		emb = fmt.Sprintf("none (the %d variables as they are), —, %s", st.Dim, samples(f.Theiler))
	}
	rows := [][]string{{label, num(f.Lambda)}}
	if !f.Diverges {
		rows[0][1] = "none: no exponential divergence found (NaN)"
	}
	rows = append(rows, []string{"embedding dimension, lag, Theiler window", emb})
	if f.Diverges {
		rows = append(rows, []string{"fitted steps of the divergence curve, R²", fmt.Sprintf("%d–%d samples (%.4g–%.4g time units), %.4f",
			f.FitStart, f.FitEnd, float64(f.FitStart)*dt, float64(f.FitEnd)*dt, f.FitR2)})
	} else {
		rows = append(rows, []string{"fitted steps of the divergence curve", fmt.Sprintf("none: the curve does not rise over its %d steps", len(f.Curve)-1)})
	}
	return rows
}

// seriesDimensionRows formats the D₂ estimate of a series file whose first
// variable is named col, with the scaling asked for (AnalyzeRequest.D2Scaling).
func seriesDimensionRows(st *analysis.AttractorStats, col string, scaling analysis.D2Scaling) [][]string {
	rows := [][]string{{"correlation dimension D₂", num(st.D2)}}
	if math.IsNaN(st.D2) {
		rows[0][1] = "— (not estimated: see the note)"
	}
	if st.D2EmbedDim > 1 {
		what := "delay embedding of " + col + ", as for λ₁"
		if st.Dim > 1 {
			// λ₁ embeds the first variable alone (LyapunovVar 1).
			what = fmt.Sprintf("delay embedding of each of the %d variables; λ₁ embeds %s alone", st.Dim, col)
		}
		rows = append(rows, []string{"embedding dimension, lag", fmt.Sprintf("%d, %s (%s)", st.D2EmbedDim, samples(st.D2Lag), what)})
	}
	units := "in the data's units"
	if st.D2Scaled {
		units = "in standard deviations"
		why := "their standard deviations differ by more than a factor 10; --zscore off leaves them in their units"
		if scaling == analysis.D2ScaleZScore {
			why = "--zscore on"
		}
		rows = append(rows, []string{"variables", "z-scored (" + why + ")"})
	} else if scaling == analysis.D2ScaleNone && st.Dim > 1 {
		rows = append(rows, []string{"variables", "in their own units (--zscore off)"})
	}
	if d := st.D2Fit; d != nil {
		rows = append(rows, []string{"scaling region (radii, " + units + ")", fmt.Sprintf("%.4g – %.4g", d.Radii[d.FitLo], d.Radii[d.FitHi])},
			[]string{"Theiler window", samples(d.Theiler)})
	}
	return rows
}

// samples formats a count of samples.
func samples(n int) string {
	if n == 1 {
		return "1 sample"
	}
	return fmt.Sprintf("%d samples", n)
}

// analysisNotes returns the note rows of DescribeAttractor's notes that
// concern the analysis what: the λ₁ notes for lyapunov, the D₂ notes for
// dimension, and those about the whole trajectory for both. A note that
// advises setting EmbedDim gets the flags that do when flags is set (a
// series file's analysis, where --embed-dim and --lag apply).
func analysisNotes(notes []string, what string, flags bool) [][]string {
	var rows [][]string
	for _, n := range notes {
		lyap, dim := strings.HasPrefix(n, "λ₁:"), strings.HasPrefix(n, "D₂:")
		if (lyap && what != "lyapunov") || (dim && what != "dimension") {
			continue
		}
		if flags && lyap && strings.Contains(n, "EmbedDim") {
			n += " (set it with --embed-dim, and the lag with --lag)"
		}
		if flags && dim && strings.Contains(n, "fixed embedding dimension") {
			n += " (--embed-dim, --lag)"
		}
		rows = append(rows, []string{"note", n})
	}
	return rows
}

// leakyForecast starts the Forecast of a trained CT-RNN (KindCTRNN) or
// balanced rate network (KindRate): the same key, name and label for the
// stages, `neurodyn train` and `neurodyn analyze`.
func leakyForecast(kind string, meta *ModelMeta) *Forecast {
	key, name := "ctrnn", "CT-RNN"
	if kind == KindRate {
		key, name = "rate", "balanced rate network"
	}
	return &Forecast{Key: key, Name: name, Kind: kind, Label: analysis.LabelReference,
		Params: meta.Params, TrainSeconds: float64(meta.TrainSeconds)}
}

// forecastOf measures a loaded forecasting model like the stage that made
// it.
func forecastOf(ctx context.Context, m *Model, d *tasks.Dataset, truth *Truth, set Settings) (*Forecast, error) {
	meta := &m.Meta
	switch {
	case m.CTRNN != nil:
		f := leakyForecast(KindCTRNN, meta)
		return f, MeasureForecaster(ctx, d, m.CTRNN, f, MeasureOptions{Settings: set, Truth: truth, Batch: m.CTRNN})
	case m.Rate != nil:
		f := leakyForecast(KindRate, meta)
		return f, MeasureForecaster(ctx, d, m.Rate, f, MeasureOptions{Settings: set, Truth: truth, Batch: m.Rate})
	case m.SNN != nil:
		test, err := snn.EvaluateForecast(m.SNN, d, "test")
		if err != nil {
			return nil, err
		}
		f, _, _, err := MeasureSNN(ctx, &SNNTrained{Trained: Trained[*snn.Model[float32]]{Model: m.SNN, Meta: meta, Loaded: true}, Test: test, Counts: m.SNN.Counts()}, d, truth, set)
		return f, err
	case m.Reservoir != nil:
		f, _, _, err := MeasureReservoir(ctx, m.Reservoir, nil, meta, d, truth, set)
		return f, err
	}
	return MeasureESN(ctx, m.ESN, nil, meta, d, truth, set)
}

// analyzeModel measures a loaded model.
func analyzeModel(ctx context.Context, cfg Config, m *Model, req AnalyzeRequest) ([]Table, error) {
	set := cfg.Settings()
	if req.What == "fixedpoints" {
		return fixedPointTables(cfg, m, req)
	}
	if req.What == "baselines" {
		return nil, param.New("pipeline", "analysis", "baselines on a model", "baselines on a data file (--data); analyze closedloop --model prints them beside a model of a series")
	}
	if m.Meta.Data.Task == TaskFlipFlop {
		return nil, param.New("pipeline", "model", m.Meta.Kind+" trained on the flip-flop", "a forecasting model for "+req.What+" (on flip-flop models: fixedpoints)")
	}
	d, err := m.Meta.Data.Forecasting()
	if err != nil {
		return nil, err
	}
	if err := checkLambda1(req.Lambda1); err != nil {
		return nil, err
	}
	set.Lambda1 = req.Lambda1
	truth, noTruth, err := TruthFor(d, set)
	if err != nil {
		return nil, err
	}
	switch req.What {
	case "spikes":
		return spikeModelTables(cfg, m, d)
	case "closedloop":
		f, err := forecastOf(ctx, m, d, truth, set)
		if err != nil {
			return nil, err
		}
		if noTruth != "" {
			f.Notes = append(f.Notes, noTruth)
		}
		if m.Meta.Data.Task == TaskSeries {
			f.labels = variableLabels(d)
		}
		tables := []Table{ForecastTable(f, &m.Meta, req.Model, true, d.Dim)}
		if m.Meta.Data.Task == TaskSeries {
			bt, err := BaselineTable(d, f)
			if err != nil {
				return nil, fmt.Errorf("pipeline: baselines: %w", err)
			}
			tables = append(tables, bt)
		}
		return tables, nil
	}
	// lyapunov, dimension: a free run after a warm-up on the evaluation
	// run (EvalRun: Lorenz's evaluation trajectory, a series' test split),
	// described like the truth and as long (on a series, the test split
	// after the warm-up may be shorter than the configured free run).
	src := EvalRun(d)
	w := analysis.DefaultWarmup
	if src.Len < w {
		return nil, param.New("pipeline", "data", fmt.Sprintf("%d samples", src.Len), fmt.Sprintf(">= %d for the warm-up", w))
	}
	steps := set.FreeRun
	if truth != nil {
		steps = truth.N
	}
	st := m.Stepper()
	gen := make([]float64, steps*d.Dim)
	if err := analysis.FreeRun(st, src.Data[:w*d.Dim], steps, gen); err != nil {
		return nil, err
	}
	d.Denormalize(gen, gen)
	t := Table{Title: fmt.Sprintf("%s (%s): free run of %d steps after %d warm-up samples", req.Model, m.Meta.Kind, steps, w), Header: []string{"quantity", "generated", "true"}}
	if noTruth != "" {
		t.Rows = append(t.Rows, []string{"note", noTruth, ""})
	} else if d.Eval.Len == 0 {
		t.Rows = append(t.Rows, []string{"true column", fmt.Sprintf("measured on the test split's %d samples after the warm-up, with the same estimators", truth.N), ""})
	}
	if err := finite("free run", gen); err != nil {
		t.Rows = append(t.Rows, []string{"note", err.Error(), ""})
		return []Table{t}, nil
	}
	var gs, ts *analysis.AttractorStats
	if truth != nil {
		c, err := truth.Ref.Compare(gen)
		if err != nil {
			return nil, err
		}
		gs, ts = c.Gen, c.True
	} else if gs, err = analysis.DescribeAttractor(gen, d.Dim, analysis.AttractorConfig{Dt: d.Dt}); err != nil {
		return nil, err
	}
	// The true column's notes say why a true value is missing (the
	// estimator refused the data: noise, a series too short).
	var trueNotes [][]string
	if ts != nil {
		trueNotes = analysisNotes(ts.Notes, req.What, false)
	}
	trueOf := func(v func(*analysis.AttractorStats) float64) string {
		if ts == nil {
			return "—"
		}
		if x := v(ts); math.IsNaN(x) && len(trueNotes) > 0 {
			return "— (see the note in this column)"
		}
		return num(v(ts))
	}
	switch req.What {
	case "lyapunov":
		method := Lambda1Method // x of Lorenz
		if sp := m.Meta.Data.Series; sp != nil {
			method = "Rosenstein on " + seriesColumn(sp.Load, 0, headerNames(d))
		}
		t.Rows = append(t.Rows, []string{"λ₁ (" + method + ", per time unit)", num(gs.Lambda1), trueOf(func(s *analysis.AttractorStats) float64 { return s.Lambda1 })})
		if sm, ok := st.(learn.StepMap); ok {
			sm, note := dataStepMap(sm, d.Dt)
			sp, err := analysis.ModelSpectrum(sm, src.Data[:w*d.Dim], analysis.MapSpectrumConfig{K: min(3, sm.StateDim()), Steps: steps, Renorm: 10})
			if err != nil {
				return nil, err
			}
			for j, v := range sp.Exponents {
				t.Rows = append(t.Rows, []string{fmt.Sprintf("λ%d from the model's Jacobians (QR, per time unit of the data, dt %g)", j+1, d.Dt), fmt.Sprintf("%.4g ± %.2g", v, sp.StdErr[j]), "—"})
			}
			if note != "" {
				t.Rows = append(t.Rows, []string{"note", "Jacobian spectrum: " + note, ""})
			}
		}
	case "dimension":
		t.Rows = append(t.Rows, []string{"correlation dimension D₂", num(gs.D2), trueOf(func(s *analysis.AttractorStats) float64 { return s.D2 })})
		if gs.D2EmbedDim > 1 {
			emb := func(s *analysis.AttractorStats) string {
				return fmt.Sprintf("%d, %s", s.D2EmbedDim, samples(s.D2Lag))
			}
			tr := "—"
			if ts != nil {
				tr = emb(ts)
			}
			t.Rows = append(t.Rows, []string{"D₂'s delay embedding (dimension, lag)", emb(gs), tr})
		}
	}
	for _, r := range analysisNotes(gs.Notes, req.What, false) {
		t.Rows = append(t.Rows, append(r, ""))
	}
	for _, r := range trueNotes {
		t.Rows = append(t.Rows, []string{r[0], "", r[1]})
	}
	return []Table{t}, nil
}

// inputText writes a constant input as --input takes it, to 4 digits.
func inputText(x []float64) string {
	parts := make([]string, len(x))
	for j, v := range x {
		parts[j] = fmt.Sprintf("%.4g", v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// fixedPointTables searches the fixed and slow points of a loaded ctrnn or
// rate model at a constant input, from the states it visits on its task's
// test data (the flip-flop's test trials, every second step, as the
// flipflop stage; or the test split streamed once).
func fixedPointTables(cfg Config, m *Model, req AnalyzeRequest) ([]Table, error) {
	var dyn learn.Dynamics
	var fwd flipflopModel
	switch {
	case m.CTRNN != nil:
		dyn, fwd = m.CTRNN, m.CTRNN
	case m.Rate != nil:
		dyn, fwd = m.Rate, m.Rate
	default:
		return nil, param.New("pipeline", "model", m.Meta.Kind, "a ctrnn or rate model (fixed points need a vector field)")
	}
	H := dyn.StateDim()
	var visited []float64
	var d *tasks.Dataset // the forecasting task, nil for the flip-flop
	if m.Meta.Data.Task == TaskFlipFlop {
		ff, err := m.Meta.Data.FlipFlopTask()
		if err != nil {
			return nil, err
		}
		sc, err := ScoreFlipFlop(fwd, ff, true)
		if err != nil {
			return nil, err
		}
		visited = visitedStates(sc.Hidden, ff.Test.Trials, ff.Test.Steps, H)
	} else {
		var err error
		if d, err = m.Meta.Data.Forecasting(); err != nil {
			return nil, err
		}
		visited = hiddenStates(m.Stepper(), d.Test.Data, d.Dim)
	}
	x := req.Input
	if x == nil {
		x = make([]float64, dyn.InputDim())
		if d != nil { // the train mean, the model's normalised zero
			x = append(x[:0], d.Mean...)
		}
	}
	if len(x) != dyn.InputDim() {
		return nil, param.New("pipeline", "--input", fmt.Sprintf("%d values", len(x)), fmt.Sprintf("%d values (the model's inputs)", dyn.InputDim()))
	}
	units := "the flip-flop's input channels"
	in := x // what the model takes
	if d != nil {
		// A forecasting model takes its data normalised with the train
		// mean and std; --input, like the decoded points, is in data units.
		units = "data units"
		in = make([]float64, len(x))
		for j, v := range x {
			in[j] = (v - d.Mean[j]) / d.Std[j]
		}
	}
	set := cfg.Settings()
	fp, err := analysis.FixedPoints(dyn, in, visited, analysis.FixedPointConfig{Starts: set.FixedPointStarts, Seed: cfg.Seed})
	if err != nil {
		return nil, err
	}
	pca, err := analysis.FitPCA(visited, H, min(3, H))
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("Fixed and slow points of %s at input %s (%s) (%d starts from visited states; %d rejected)", req.Model, inputText(x), units, set.FixedPointStarts, fp.Rejected)
	return []Table{fixedPointTable(title, fp, pca, d)}, nil
}

// visitedStates picks every second state h_1, h_3, … of every trial from
// hidden trajectories (trials × (steps+1) × H).
func visitedStates(hidden []float32, trials, steps, H int) []float64 {
	var out []float64
	for k := 0; k < trials; k++ {
		for s := 1; s <= steps; s += 2 {
			for _, v := range hidden[(k*(steps+1)+s)*H : (k*(steps+1)+s+1)*H] {
				out = append(out, float64(v))
			}
		}
	}
	return out
}

// FixedPointTable lists fixed and slow points: type, class, unstable
// modes, decoded output and its bits, speed, drift, the largest real part
// of the Jacobian's eigenvalues, the PCA coordinates and the starts that
// ended there.
func FixedPointTable(title string, fp *analysis.FixedPointResult, pca *analysis.PCA) Table {
	return fixedPointTable(title, fp, pca, nil)
}

// fixedPointTable is FixedPointTable; for a forecasting model (d, its
// task, not nil) the decoded output is de-normalized into the data's units
// (the model decodes z-scored values) and the flip-flop's bits column is
// left out.
func fixedPointTable(title string, fp *analysis.FixedPointResult, pca *analysis.PCA, d *tasks.Dataset) Table {
	t := Table{Title: title, Header: []string{"#", "type", "class", "unstable modes", "decoded output", "bits", "speed ‖F‖", "drift over 100 steps", "max Re λ", "PCs", "starts"}}
	if d != nil {
		t.Header[4] = "decoded output (normalized units)"
		if len(fp.Points) == 0 || len(fp.Points[0].Output) == d.Dim {
			t.Header[4] = "decoded output (data units)"
		}
		t.Header = append(t.Header[:5:5], t.Header[6:]...) // no bits
	}
	proj := pca.ProjectPoints(fp.Points)
	k := pca.K
	for i, p := range fp.Points {
		typ := "fixed"
		if p.Slow {
			typ = "slow"
		}
		y := p.Output
		if d != nil && len(y) == d.Dim {
			y = make([]float64, len(p.Output))
			d.Denormalize(y, p.Output)
		}
		out := make([]string, len(y))
		for j, v := range y {
			out[j] = fmt.Sprintf("%.4g", v)
			if d == nil {
				out[j] = fmt.Sprintf("%.3f", v)
			}
		}
		pcs := make([]string, k)
		for j := range pcs {
			pcs[j] = fmt.Sprintf("%.2f", proj[k*i+j])
		}
		row := []string{fmt.Sprint(i + 1), typ, p.Kind.String(), fmt.Sprint(p.Unstable), strings.Join(out, ", "), bitsOf(p.Output),
			fmt.Sprintf("%.2e", p.Speed), fmt.Sprintf("%.3f", p.Drift), fmt.Sprintf("%+.4f", real(p.Eigenvalues[0])), strings.Join(pcs, ", "), fmt.Sprint(p.Starts)}
		if d != nil {
			row = append(row[:5:5], row[6:]...)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// spikeStatsRows formats analysis.SpikeStats of one population.
func spikeStatsRows(t *Table, pop string, s analysis.SpikeStats) {
	t.Rows = append(t.Rows, []string{pop, fmt.Sprint(s.Neurons), fmt.Sprint(s.Spikes), fmt.Sprintf("%.3g ± %.3g", s.MeanRate, s.StdRate),
		fmt.Sprintf("%.1f%%", 100*s.Silent), num(s.MeanCV), num(s.MeanFano), num(s.MeanCorr), num(s.PeakHz)})
}

func spikeTable(title string) Table {
	return Table{Title: title, Header: []string{"population", "neurons", "spikes", "rate (Hz) mean ± std", "silent", "mean ISI CV",
		"mean Fano (5 ms bins)", "mean pairwise correlation", "population-rate spectrum peak (Hz)"}}
}

// spikeModelTables records a spiking model's spikes while it streams the
// test split and summarizes them per population.
func spikeModelTables(cfg Config, m *Model, d *tasks.Dataset) ([]Table, error) {
	var rec *snn.SpikeRecord
	var err error
	switch {
	case m.SNN != nil:
		rec, _, err = m.SNN.RecordSpikes(d.Test.Data, d.Test.Len)
	case m.Reservoir != nil:
		rec, _, err = m.Reservoir.RecordSpikes(d.Test.Data, d.Test.Len)
	default:
		return nil, param.New("pipeline", "model", m.Meta.Kind, "a spiking model (snn or reservoir)")
	}
	if err != nil {
		return nil, err
	}
	t := spikeTable(fmt.Sprintf("Spikes of the %s model while it streams the test split (%.1f s of model time)", m.Meta.Kind, rec.DurationMs/1000))
	for _, pop := range []struct {
		name   string
		lo, hi int
	}{{"E", 0, rec.NE}, {"I", rec.NE, rec.N}} {
		if pop.hi <= pop.lo {
			continue
		}
		var times []float64
		var ids []int32
		for k, id := range rec.IDs {
			if int(id) >= pop.lo && int(id) < pop.hi {
				times, ids = append(times, rec.TimesMs[k]), append(ids, id-int32(pop.lo))
			}
		}
		s, err := analysis.NewSpikeTrains(times, ids, pop.hi-pop.lo, 0, rec.DurationMs)
		if err != nil {
			return nil, err
		}
		st, err := s.Summary(5, cfg.Seed)
		if err != nil {
			return nil, err
		}
		spikeStatsRows(&t, pop.name, st)
	}
	return []Table{t}, nil
}

// spikeFileTables summarizes every population of a SONATA spike report over
// the interval it records (up to its last spike when it records none), over
// the neurons it recorded according to the network spec in its provenance
// (neurons up to the highest spiking node id when it has none). A stream
// written in segments (path.000000.h5, …: export.Segments) is read whole
// from path: its complete segments, in order, the interval from the last;
// partial segments (a writer killed while writing them) are left out and
// said so. units is the time unit of timestamps without a "units"
// attribute ("": refused).
func spikeFileTables(path, units string) ([]Table, error) {
	files, partial, err := export.Segments(path)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		if len(partial) > 0 {
			return nil, fmt.Errorf("%s: only partial files (%s): a writer that did not finish left them, and no complete file or segment of it exists", path, strings.Join(partial, ", "))
		}
		files = []string{path} // Open names the missing file
	}
	pops, err := export.ReadSpikesWith(export.SpikeReadOptions{DefaultUnits: units}, files...)
	if err != nil {
		return nil, err
	}
	// the recorded interval: the file's, or the union of its segments'
	// (a recording cut in segments at simulated times has one on each;
	// others, on the last alone)
	var t0, t1 float64
	haveWindow := false
	for _, f := range files {
		a, b, ok, err := export.SpikeInterval(f)
		if err != nil {
			return nil, err
		}
		if ok && haveWindow {
			t0, t1 = min(t0, a), max(t1, b)
		} else if ok {
			t0, t1, haveWindow = a, b, true
		}
	}
	var notes []string
	if len(files) > 1 {
		notes = append(notes, fmt.Sprintf("%d segments", len(files)))
	}
	if len(partial) > 0 {
		notes = append(notes, fmt.Sprintf("%d partial segment(s) of an unfinished run left out: %s", len(partial), strings.Join(partial, ", ")))
	}
	recorded := recordedNeurons(files[0])
	if !haveWindow {
		for _, p := range pops {
			for _, tm := range p.TimesMs {
				t1 = max(t1, tm)
			}
		}
		notes = append(notes, "up to the last spike: the file records no interval")
	}
	if recorded == nil {
		notes = append(notes, "neurons up to the highest spiking id: the file names no network")
	}
	title := fmt.Sprintf("Spikes in %s over (%g, %g] ms", path, t0, t1)
	if len(notes) > 0 {
		title += " (" + strings.Join(notes, "; ") + ")"
	}
	// Spikes are stamped at the end of their step, in (t0, t1]; the trains'
	// window is [t0, t1): one ulp more keeps a spike at t1.
	t1 = math.Nextafter(t1, math.Inf(1))
	t := spikeTable(title)
	for _, p := range pops {
		ids := p.NodeIDs
		neurons, ok := recorded[p.Name]
		n := len(neurons)
		whole := true // neurons 0..n-1: node ids are the positions
		for i, id := range neurons {
			whole = whole && id == i
		}
		if ok && !whole { // node ids → positions among the recorded neurons
			pos := make(map[uint64]uint64, n)
			for i, id := range neurons {
				pos[uint64(id)] = uint64(i)
			}
			ids = make([]uint64, len(p.NodeIDs))
			for k, id := range p.NodeIDs {
				i, in := pos[id]
				if !in {
					return nil, fmt.Errorf("%s: population %s: a spike of node %d, which its recorder does not record", path, p.Name, id)
				}
				ids[k] = i
			}
		} else {
			for _, id := range p.NodeIDs {
				n = max(n, int(id)+1)
			}
		}
		if n == 0 {
			t.Rows = append(t.Rows, []string{p.Name, "0", "0", "—", "—", "—", "—", "—", "—"})
			continue
		}
		s, err := analysis.NewSpikeTrains(p.TimesMs, ids, n, t0, t1)
		if err != nil {
			return nil, fmt.Errorf("%s: population %s: %w", path, p.Name, err)
		}
		st, err := s.Summary(5, 1)
		if err != nil {
			return nil, err
		}
		spikeStatsRows(&t, p.Name, st)
	}
	return []Table{t}, nil
}

// recordedNeurons returns, by spike report population, the neurons recorded
// according to the network spec a file's provenance holds (neurodyn
// simulate's files carry it), or nil.
func recordedNeurons(path string) map[string][]int {
	f, err := export.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	prov, err := export.ReadProvenance(f)
	if err != nil || prov.ConfigFormat != "toml" {
		return nil
	}
	spec, err := kernel.DecodeTOML(strings.NewReader(prov.Config))
	if err != nil {
		return nil
	}
	out := map[string][]int{}
	for _, p := range spec.SpikeReportPopulations() {
		out[p.Name] = p.Neurons
	}
	if len(out) == 0 { // no spikes recorder in the spec: nothing known (as interop's _recorded_neurons)
		return nil
	}
	return out
}

// stageModelFiles lists, by stage, the model files in the stage's
// directory that the stage reloads instead of training again when one of
// the same recipe and data is there (the reservoir and the ESN are fitted
// again on every run). TestStageModelFiles keeps it in step with the
// stages.
var stageModelFiles = map[string][]string{
	"ctrnn":    {"ctrnn_lorenz.npz"},
	"rate":     {"rate_lorenz.npz"},
	"snn":      {"snn_lorenz.npz"},
	"flipflop": {"ctrnn_flipflop.npz", "rate_flipflop.npz"},
}

// RemoveTrainedModels deletes, for the stages cfg selects (cfg.Stages, all
// when empty), the model files their trainings would reload and the
// checkpoints a killed training would resume from, so that the next run of
// those stages trains from scratch (`neurodyn tutorial --retrain`; rerun
// them with Options.Force). It returns the paths it removed.
func RemoveTrainedModels(cfg Config) ([]string, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var removed []string
	for _, s := range Stages() {
		files := stageModelFiles[s.Name]
		if len(files) == 0 || (len(cfg.Stages) > 0 && !containsString(cfg.Stages, s.Name)) {
			continue
		}
		dir := filepath.Join(cfg.OutDir, s.Name)
		for _, f := range files {
			paths := []string{filepath.Join(dir, f), filepath.Join(dir, f) + export.PartialSuffix}
			// checkpoints/<stem>-<identity>.phaseK.npz (TrainOptions.checkpointStem)
			ck, err := filepath.Glob(filepath.Join(dir, "checkpoints", strings.TrimSuffix(f, ".npz")+"-*"))
			if err != nil {
				return removed, fmt.Errorf("pipeline: %w", err)
			}
			for _, p := range append(paths, ck...) {
				err := os.Remove(p)
				if err == nil {
					removed = append(removed, p)
				} else if !errors.Is(err, fs.ErrNotExist) {
					return removed, fmt.Errorf("pipeline: remove %s for retraining: %w", p, err)
				}
			}
		}
	}
	return removed, nil
}
