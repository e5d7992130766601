package pipeline

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

// Lambda1Method names how λ₁ is estimated for every row of the synthesis
// table, generated and true alike (analysis.DescribeAttractor's default).
const Lambda1Method = "Rosenstein on x"

// Truth is the stretch of the true evaluation trajectory that free runs
// are compared with, described once.
type Truth struct {
	// Data is the stretch in original units (N samples × Dim), the
	// continuation of the warm-up every free run starts from.
	Data   []float64
	N, Dim int
	// Warm is the warm-up (normalized units) fed to every model before it
	// runs free.
	Warm []float64
	Ref  *analysis.AttractorReference
}

// NewTruth describes the n samples of d's evaluation trajectory that
// follow the protocol's warm-up (analysis.DefaultWarmup samples).
func NewTruth(d *tasks.Dataset, n int) (*Truth, error) {
	w := analysis.DefaultWarmup
	if d.Eval.Len < w+n {
		return nil, param.New("pipeline", "evaluation trajectory", fmt.Sprintf("%d samples", d.Eval.Len), fmt.Sprintf(">= %d (warm-up + free run)", w+n))
	}
	dim := d.Dim
	t := &Truth{N: n, Dim: dim, Warm: slices.Clone(d.Eval.Data[:w*dim]), Data: make([]float64, n*dim)}
	d.Denormalize(t.Data, d.Eval.Data[w*dim:(w+n)*dim])
	ref, err := analysis.NewAttractorReference(t.Data, dim, analysis.AttractorConfig{Dt: d.Dt})
	if err != nil {
		return nil, err
	}
	t.Ref = ref
	return t, nil
}

// Forecast is what the pipeline measures of one forecaster on a dataset:
// the numbers of its synthesis-table row and the data behind its figures.
type Forecast struct {
	// Key prefixes its metrics ("ctrnn"); Name, Kind and Label are its
	// synthesis-table identity.
	Key, Name, Kind string
	Label           analysis.SynthesisLabel
	// Params is the number of trained parameters; TrainSeconds the
	// training time (of the run that trained it, also when reloaded).
	Params       int
	TrainSeconds float64
	// OneStep are the one-step test metrics in original units, from the
	// predictions Pred of the targets Truth (windows × Dim).
	OneStep     analysis.Metrics
	Pred, Truth []float64
	// VT is the closed-loop valid time (nil without an evaluation
	// trajectory).
	VT *analysis.ValidTimes
	// Gen is the long free run in original units and Attractor its
	// comparison with the truth (nil if the run diverged).
	Gen       []float64
	Attractor *analysis.AttractorComparison
	// Spectrum is the closed-loop Lyapunov spectrum from the model's step
	// Jacobians (models implementing learn.StepMap; else nil).
	Spectrum *analysis.Spectrum
	// Rates are the firing rates of spiking models.
	Rates []analysis.PopulationRate
	// Extra holds model-specific figures under stable keys (without the
	// Key prefix).
	Extra map[string]float64
	// Notes explain what failed or was special.
	Notes []string
}

// MeasureOptions configure MeasureForecaster.
type MeasureOptions struct {
	// Settings sizes the analyses (Config.Settings).
	Settings Settings
	// Truth is the reference stretch for the free run (nil: no free run).
	Truth *Truth
	// Batch, when set, computes the one-step forecasts of the test windows
	// in batches; otherwise the model streams the test split once from its
	// reset state (reservoirs, ESNs, baselines).
	Batch analysis.BatchPredictor
}

// streamOneStep feeds the test split to m once from its reset state and
// returns, in original units, the predictions of the samples SeqLength …
// Len−1 (the targets of the test windows) and those targets.
func streamOneStep(d *tasks.Dataset, m learn.Stepper) (pred, truth []float64, err error) {
	s := &d.Test
	L, dim := d.SeqLength, d.Dim
	n := s.Len - L
	if n <= 0 {
		return nil, nil, param.New("pipeline", "test split", s.Len, fmt.Sprintf("> SeqLength = %d samples", L))
	}
	pred, truth = make([]float64, n*dim), make([]float64, n*dim)
	m.Reset()
	y := make([]float64, dim)
	for t := 0; t+1 < s.Len; t++ {
		m.Step(y, s.At(t))
		if k := t + 1 - L; k >= 0 {
			copy(pred[k*dim:], y)
			copy(truth[k*dim:], s.At(t+1))
		}
	}
	d.Denormalize(pred, pred)
	d.Denormalize(truth, truth)
	return pred, truth, nil
}

// MeasureForecaster measures the forecaster m on d: one-step test metrics
// (original units, per-variable R²), the closed-loop valid time on the
// evaluation trajectory (analysis.ValidTime with the configured starts and
// horizon), a free run of Settings.FreeRun steps after the protocol's
// warm-up compared with the true continuation (λ₁ and D₂ estimated the
// same way on both), and, for learn.StepMap models, the closed-loop
// Lyapunov spectrum from the model's Jacobians. f carries the identity;
// its measurements are filled in.
func MeasureForecaster(ctx context.Context, d *tasks.Dataset, m learn.Stepper, f *Forecast, o MeasureOptions) error {
	var err error
	if o.Batch != nil {
		f.Pred, f.Truth, err = analysis.PredictSplitBatch(d, "test", o.Batch)
	} else {
		f.Pred, f.Truth, err = streamOneStep(d, m)
	}
	if err != nil {
		return err
	}
	if err := finite("one-step predictions", f.Pred); err != nil {
		f.Notes = append(f.Notes, f.Name+": "+err.Error())
		f.OneStep = nanMetrics(d.Dim)
	} else if f.OneStep, err = analysis.Evaluate(f.Pred, f.Truth, d.Dim); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	vt, gen, diverged, err := closedLoop(ctx, d, m, o.Settings, o.Truth)
	if err != nil {
		return err
	}
	f.VT = vt
	if o.Truth == nil {
		return nil
	}
	tr := o.Truth
	if diverged != nil {
		f.Notes = append(f.Notes, f.Name+": "+diverged.Error()+": λ₁ and D₂ of the generated run not measured")
	} else {
		f.Gen = gen
		if f.Attractor, err = tr.Ref.Compare(gen); err != nil {
			return err
		}
		for _, n := range f.Attractor.Gen.Notes {
			f.Notes = append(f.Notes, f.Name+", free run: "+n)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if sm, ok := m.(learn.StepMap); ok {
		sm, note := dataStepMap(sm, d.Dt)
		if note != "" {
			f.Notes = append(f.Notes, f.Name+", closed-loop spectrum: "+note)
		}
		k := min(3, sm.StateDim())
		sp, err := analysis.ModelSpectrum(sm, tr.Warm, analysis.MapSpectrumConfig{K: k, Steps: tr.N, Renorm: 10})
		if err != nil {
			f.Notes = append(f.Notes, f.Name+", closed-loop spectrum: "+err.Error())
		} else {
			f.Spectrum = sp
		}
	}
	return nil
}

// stepTimeMap is a learn.StepMap whose steps cover dt.
type stepTimeMap struct {
	learn.StepMap
	dt float64
}

// StepTime returns the data's sample interval.
func (m stepTimeMap) StepTime() float64 { return m.dt }

// dataStepMap returns sm with steps that cover the data's sample interval
// dt, so that its Lyapunov exponents are per time unit of the data, and a
// note when the model records another step time: ctrnn and rate model
// files written before their SampleDt followed the data's dt hold the
// Lorenz step 0.01 whatever the data (the Jacobian spectrum of a model of
// a series at dt 0.1 came out 10 times too large). A model whose step
// time is dt is returned as it is.
func dataStepMap(sm learn.StepMap, dt float64) (learn.StepMap, string) {
	st := sm.StepTime()
	if st == dt {
		return sm, ""
	}
	return stepTimeMap{sm, dt}, fmt.Sprintf("the model file records a step time of %g, not the data's sample interval %g (written before the step time followed the data); the exponents are per time unit of the data", st, dt)
}

// closedLoop is the closed-loop part of MeasureForecaster's protocol: the
// valid times of m on d's evaluation trajectory (analysis.ValidTime with
// set's starts and horizon; nil without an evaluation trajectory) and,
// when truth is not nil, a free run of truth.N steps after truth's
// warm-up in original units. A free run that does not stay finite comes
// back nil, with the reason in diverged.
func closedLoop(ctx context.Context, d *tasks.Dataset, m learn.Stepper, set Settings, truth *Truth) (vt *analysis.ValidTimes, gen []float64, diverged, err error) {
	if d.Eval.Len > 0 {
		if vt, err = analysis.ValidTime(m, d.Eval.Data, d.Dim, analysis.ClosedLoopConfig{Starts: set.Starts, Horizon: set.Horizon, Dt: d.Dt}); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	if truth == nil {
		return vt, nil, nil, nil
	}
	gen = make([]float64, truth.N*truth.Dim)
	if err := analysis.FreeRun(m, truth.Warm, truth.N, gen); err != nil {
		return nil, nil, nil, err
	}
	d.Denormalize(gen, gen)
	if err := finite("free run", gen); err != nil {
		return vt, nil, err, nil
	}
	return vt, gen, nil, nil
}

// finite returns an error naming the first non-finite value of x.
func finite(what string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s not finite from value %d on (%v)", what, i, v)
		}
	}
	return nil
}

func nanMetrics(dim int) analysis.Metrics {
	m := analysis.NaNRow("", "", analysis.LabelBaseline).OneStep
	m.R2 = make([]float64, dim)
	for i := range m.R2 {
		m.R2[i] = math.NaN()
	}
	return m
}

// varNames names a dataset's variables for metric keys: x, y, z for
// three-variable data, else x1, x2, ….
func varNames(dim int) []string {
	if dim == 3 {
		return []string{"x", "y", "z"}
	}
	out := make([]string, dim)
	for i := range out {
		out[i] = "x" + strconv.Itoa(i+1)
	}
	return out
}

// put stores v under key when it is finite (JSON holds no NaN or ±Inf; a
// missing key reads back as NaN).
func put(m map[string]float64, key string, v float64) {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		m[key] = v
	}
}

// get returns m[key], or NaN when absent.
func get(m map[string]float64, key string) float64 {
	if v, ok := m[key]; ok {
		return v
	}
	return math.NaN()
}

// putMetrics stores one-step metrics under prefix (prefix.rmse, …,
// prefix.r2_x).
func putMetrics(m map[string]float64, prefix string, x analysis.Metrics) {
	put(m, prefix+".rmse", x.RMSE)
	put(m, prefix+".mae", x.MAE)
	put(m, prefix+".mse", x.MSE)
	put(m, prefix+".nrmse_range", x.NRMSERange)
	put(m, prefix+".nrmse_std", x.NRMSEStd)
	put(m, prefix+".mean_r2", x.MeanR2)
	put(m, prefix+".r2_grand_mean", x.R2GrandMean)
	put(m, prefix+".pearson", x.Pearson)
	for j, name := range varNames(len(x.R2)) {
		put(m, prefix+".r2_"+name, x.R2[j])
	}
}

// metricsFrom reads putMetrics' keys back (missing ones NaN).
func metricsFrom(m map[string]float64, prefix string, dim int) analysis.Metrics {
	x := analysis.Metrics{Dim: dim,
		RMSE: get(m, prefix+".rmse"), MAE: get(m, prefix+".mae"), MSE: get(m, prefix+".mse"),
		NRMSERange: get(m, prefix+".nrmse_range"), NRMSEStd: get(m, prefix+".nrmse_std"),
		MeanR2: get(m, prefix+".mean_r2"), R2GrandMean: get(m, prefix+".r2_grand_mean"), Pearson: get(m, prefix+".pearson")}
	for _, name := range varNames(dim) {
		x.R2 = append(x.R2, get(m, prefix+".r2_"+name))
	}
	return x
}

// Put stores the forecast's numbers in m under stable keys prefixed with
// f.Key: params, train_seconds, test.{rmse, mae, mse, nrmse_range,
// nrmse_std, mean_r2, r2_grand_mean, pearson, r2_<var>},
// vpt.{lyap,time}.{q1,median,q3}, vpt.censored, vpt.starts,
// lambda1.{gen,true}, d2.{gen,true}, lambda1.qr, spectrum.<k>,
// rate.<population>.{mean_hz,std_hz} and the Extra keys. Non-finite
// values are left out (read back as NaN).
func (f *Forecast) Put(m map[string]float64) {
	k := f.Key + "."
	if f.Params >= 0 {
		m[k+"params"] = float64(f.Params)
	}
	put(m, k+"train_seconds", f.TrainSeconds)
	putMetrics(m, k+"test", f.OneStep)
	if f.VT != nil {
		for _, q := range []struct {
			name string
			v    analysis.Quartiles
		}{{"lyap", f.VT.InLyapunov}, {"time", f.VT.InTime}} {
			put(m, k+"vpt."+q.name+".q1", q.v.Q1)
			put(m, k+"vpt."+q.name+".median", q.v.Median)
			put(m, k+"vpt."+q.name+".q3", q.v.Q3)
		}
		m[k+"vpt.censored"] = float64(f.VT.NumCensored)
		m[k+"vpt.starts"] = float64(len(f.VT.Starts))
	}
	if a := f.Attractor; a != nil {
		put(m, k+"lambda1.gen", a.Gen.Lambda1)
		put(m, k+"lambda1.true", a.True.Lambda1)
		put(m, k+"d2.gen", a.Gen.D2)
		put(m, k+"d2.true", a.True.D2)
		for j, name := range varNames(len(a.WassersteinRel)) {
			put(m, k+"w1_rel_"+name, a.WassersteinRel[j])
		}
	}
	if s := f.Spectrum; s != nil {
		put(m, k+"lambda1.qr", s.Exponents[0])
		for j, v := range s.Exponents {
			put(m, k+"spectrum."+strconv.Itoa(j+1), v)
		}
	}
	for _, r := range f.Rates {
		put(m, k+"rate."+r.Population+".mean_hz", r.MeanHz)
		put(m, k+"rate."+r.Population+".std_hz", r.StdHz)
	}
	for name, v := range f.Extra {
		put(m, k+name, v)
	}
}

// Ref returns the forecast's identity for Result.Models.
func (f *Forecast) Ref() ModelRef {
	ref := ModelRef{Key: f.Key, Name: f.Name, Kind: f.Kind, Label: string(f.Label)}
	for _, r := range f.Rates {
		ref.Rates = append(ref.Rates, r.Population)
	}
	return ref
}

// RowFromMetrics builds a synthesis-table row from metrics stored by
// Forecast.Put under key (missing numbers NaN), so the table is made from
// stored results, never by measuring again. pops names the firing-rate
// populations to read (nil: none).
func RowFromMetrics(m map[string]float64, key, name, kind string, label analysis.SynthesisLabel, dim int, pops []string) analysis.SynthesisRow {
	k := key + "."
	row := analysis.NaNRow(name, kind, label)
	if v, ok := m[k+"params"]; ok {
		row.Params = int(v)
	}
	row.TrainSeconds = get(m, k+"train_seconds")
	row.OneStep = metricsFrom(m, k+"test", dim)
	row.VPTLyapunov = analysis.Quartiles{Q1: get(m, k+"vpt.lyap.q1"), Median: get(m, k+"vpt.lyap.median"), Q3: get(m, k+"vpt.lyap.q3")}
	row.VPTTime = analysis.Quartiles{Q1: get(m, k+"vpt.time.q1"), Median: get(m, k+"vpt.time.median"), Q3: get(m, k+"vpt.time.q3")}
	row.Lambda1Gen, row.Lambda1True = get(m, k+"lambda1.gen"), get(m, k+"lambda1.true")
	row.D2Gen, row.D2True = get(m, k+"d2.gen"), get(m, k+"d2.true")
	row.Lambda1Method = Lambda1Method
	for _, p := range pops {
		if v, ok := m[k+"rate."+p+".mean_hz"]; ok {
			row.Rates = append(row.Rates, analysis.PopulationRate{Population: p, MeanHz: v, StdHz: get(m, k+"rate."+p+".std_hz")})
		}
	}
	return row
}
