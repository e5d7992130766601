package pipeline

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

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

// EvalRun returns the run that closed-loop valid times and free runs are
// measured on: d's evaluation trajectory when it has one (Lorenz: an
// independent long trajectory), else its test split (a user's series:
// the held-out end of the series, never seen in training or in the
// selection of epochs).
func EvalRun(d *tasks.Dataset) *tasks.Series {
	if d.Eval.Len > 0 {
		return &d.Eval
	}
	return &d.Test
}

// evalRunName names EvalRun(d) in messages.
func evalRunName(d *tasks.Dataset) string {
	if d.Eval.Len > 0 {
		return "evaluation trajectory"
	}
	return "test split (the evaluation run of a series)"
}

// NewTruth describes the n samples of d's evaluation run (EvalRun) that
// follow the protocol's warm-up (analysis.DefaultWarmup samples).
func NewTruth(d *tasks.Dataset, n int) (*Truth, error) {
	w := analysis.DefaultWarmup
	run := EvalRun(d)
	if run.Len < w+n {
		return nil, param.New("pipeline", evalRunName(d), fmt.Sprintf("%d samples", run.Len), fmt.Sprintf(">= %d (warm-up + free run)", w+n))
	}
	dim := d.Dim
	t := &Truth{N: n, Dim: dim, Warm: slices.Clone(run.Data[:w*dim]), Data: make([]float64, n*dim)}
	d.Denormalize(t.Data, run.Data[w*dim:(w+n)*dim])
	ref, err := analysis.NewAttractorReference(t.Data, dim, analysis.AttractorConfig{Dt: d.Dt})
	if err != nil {
		return nil, err
	}
	t.Ref = ref
	return t, nil
}

// MinSeriesFreeRun is the shortest free run compared with the truth on a
// series without an evaluation trajectory (the test split after the
// warm-up must hold it): Rosenstein's λ₁ and the correlation dimension
// are estimated on as many samples.
const MinSeriesFreeRun = 500

// TruthFor returns the truth the free runs of models of d are compared
// with: on data with an evaluation trajectory (Lorenz) NewTruth with
// set.FreeRun steps, nil when the trajectory is shorter than that; on a
// series, the test split after the warm-up, set.FreeRun steps or as many
// as it holds (the free runs are as long), nil with the reason in why
// when it holds fewer than MinSeriesFreeRun.
func TruthFor(d *tasks.Dataset, set Settings) (truth *Truth, why string, err error) {
	w := analysis.DefaultWarmup
	if d.Eval.Len > 0 {
		if d.Eval.Len < w+set.FreeRun {
			return nil, fmt.Sprintf("free run not compared with the truth: the evaluation trajectory has %d samples, it needs %d (warm-up %d + free run %d)", d.Eval.Len, w+set.FreeRun, w, set.FreeRun), nil
		}
		t, err := NewTruth(d, set.FreeRun)
		return t, "", err
	}
	n := min(set.FreeRun, d.Test.Len-w)
	if n < MinSeriesFreeRun {
		return nil, fmt.Sprintf("free run not compared with the truth (λ₁, D₂): the test split has %d samples, it needs at least %d (warm-up %d + a free run of %d); give a longer series or a larger test fraction (--train-frac, --val-frac)", d.Test.Len, w+MinSeriesFreeRun, w, MinSeriesFreeRun), nil
	}
	t, err := NewTruth(d, n)
	return t, "", err
}

// MinSeriesHorizon is the shortest closed-loop horizon, in steps, at
// which valid times are measured on a series without an evaluation
// trajectory.
const MinSeriesHorizon = 100

// validTimeProtocol returns the closed-loop starts and horizon on d's
// evaluation run: the configured ones on an evaluation trajectory; on a
// series' test split a horizon of at most half the run after the warm-up
// and at most as many starts as fit before it, spread over the split
// (analysis.StartPositions), or the reason in why when the split is
// shorter than the warm-up and twice MinSeriesHorizon.
func validTimeProtocol(d *tasks.Dataset, set Settings) (starts, horizon int, why string) {
	if d.Eval.Len > 0 {
		return set.Starts, set.Horizon, ""
	}
	w, n := analysis.DefaultWarmup, d.Test.Len
	horizon = min(set.Horizon, (n-w)/2)
	if horizon < MinSeriesHorizon {
		return 0, 0, fmt.Sprintf("closed-loop valid time not measured: the test split has %d samples, it needs at least %d (warm-up %d + twice the shortest horizon of %d steps); give a longer series or a larger test fraction (--train-frac, --val-frac)", n, w+2*MinSeriesHorizon, w, MinSeriesHorizon)
	}
	return min(set.Starts, n-w-horizon+1), horizon, ""
}

// TrueLambda1 is the largest Lyapunov exponent of the true system, per
// time unit of the data, that converts valid times into Lyapunov times.
type TrueLambda1 struct {
	// Value is λ₁ (NaN: unknown; valid times are then in time units only).
	Value float64
	// Source says where it comes from (or why it is unknown).
	Source string
}

// lorenzLambda1s caches SystemLambda1 of Lorenz-63 by parameters (a
// spectrum takes 10⁵ RK4 steps; every model of a run needs it).
var lorenzLambda1s sync.Map

// lorenzDefault is the classic Lorenz-63, whose λ₁ is analysis.LorenzLambda1.
var lorenzDefault = tasks.Lorenz{Sigma: 10, Rho: 28, Beta: 8.0 / 3}

// SystemLambda1 returns the true λ₁ of d's system: set.Lambda1 when given;
// for Lorenz-63 at σ=10, ρ=28, β=8/3 analysis.LorenzLambda1 (0.906), at
// other parameters the QR (Benettin) spectrum of its Jacobian
// (analysis.FlowSpectrum, 1000 time units after 100); for a series the
// data's estimate: Rosenstein's method on x (analysis.LargestFromSeries,
// as the λ₁ rows of the free runs) over the train split, the longest (its
// last analysis.MaxLambda1Samples samples: analysis.TrainLambda1), in original units; NaN with the reason
// when it fails or is not positive.
func SystemLambda1(d *tasks.Dataset, set Settings) TrueLambda1 {
	if set.Lambda1 > 0 {
		return TrueLambda1{set.Lambda1, "given (--lambda1)"}
	}
	if name, _ := d.Params["task"].(string); name == "lorenz63" {
		l := tasks.Lorenz{}
		l.Sigma, _ = d.Params["sigma"].(float64)
		l.Rho, _ = d.Params["rho"].(float64)
		l.Beta, _ = d.Params["beta"].(float64)
		at := fmt.Sprintf("Lorenz-63 at σ=%g, ρ=%g, β=%.4g", l.Sigma, l.Rho, l.Beta)
		if l == lorenzDefault {
			return TrueLambda1{analysis.LorenzLambda1, at}
		}
		if v, ok := lorenzLambda1s.Load(l); ok {
			return v.(TrueLambda1)
		}
		lam := TrueLambda1{math.NaN(), ""}
		l1, err := analysis.LorenzSystemLambda1(l)
		if err != nil {
			lam.Source = at + ": its spectrum failed: " + err.Error()
		} else if !(l1 > 0) || math.IsInf(l1, 0) {
			lam.Source = fmt.Sprintf("%s: λ₁ from its Jacobian (QR method over 1000 time units) is %.4g, not positive (not chaotic there): valid times in time units only; give λ₁ with --lambda1", at, l1)
		} else {
			lam = TrueLambda1{l1, at + ", from its Jacobian (QR method over 1000 time units)"}
		}
		lorenzLambda1s.Store(l, lam)
		return lam
	}
	method := "Rosenstein on " + variableLabels(d)[0] // Lambda1Method, named as the report names the variable
	r, used, err := analysis.TrainLambda1(d)
	switch {
	case err != nil:
		return TrueLambda1{math.NaN(), "no estimate of the data's λ₁ (" + err.Error() + "); give it with --lambda1"}
	case math.IsNaN(r.Lambda):
		return TrueLambda1{math.NaN(), fmt.Sprintf("%s over the train split found no exponential divergence (as for a periodic or quasi-periodic series): no λ₁ to express valid times in; give it with --lambda1", method)}
	case !(r.Lambda > 0) || math.IsInf(r.Lambda, 0):
		return TrueLambda1{math.NaN(), fmt.Sprintf("the data's λ₁ estimate (%s over the train split) is %s, not a positive exponent; give it with --lambda1", method, num(r.Lambda))}
	}
	return TrueLambda1{r.Lambda, fmt.Sprintf("estimated from the data: %s over the train split's last %d samples (fit R² %.3f)", method, used, r.FitR2)}
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
	// run long enough for it; the reason is in Notes).
	VT *analysis.ValidTimes
	// Lambda1 is the true λ₁ that VT's Lyapunov times are in (with VT).
	Lambda1 TrueLambda1
	// evalRun names the run VT was measured on; truthFrom, on a series,
	// the stretch the true λ₁ and D₂ were measured on.
	evalRun, truthFrom string
	// labels names the variables in ForecastTable (variableLabels of
	// the data; nil: varNames).
	labels []string
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
	var lam TrueLambda1
	_, _, why := validTimeProtocol(d, o.Settings)
	if why == "" {
		lam = SystemLambda1(d, o.Settings)
	}
	vt, gen, diverged, err := closedLoopIn(ctx, d, m, o.Settings, o.Truth, lam)
	if err != nil {
		return err
	}
	f.VT = vt
	if vt != nil {
		f.Lambda1, f.evalRun = lam, evalRunName(d)
	} else {
		f.Notes = append(f.Notes, why)
	}
	if o.Truth == nil {
		return nil
	}
	tr := o.Truth
	if d.Eval.Len == 0 {
		f.truthFrom = fmt.Sprintf("the test split's %d samples after the %d-sample warm-up the free run starts from, with the same estimators (the free run is as long)", tr.N, analysis.DefaultWarmup)
	}
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
// valid times of m on d's evaluation run (analysis.ValidTime with the
// starts and horizon of validTimeProtocol, in Lyapunov times of
// SystemLambda1 — NaN when unknown; nil when the run is too short) and,
// when truth is not nil, a free run of truth.N steps after truth's
// warm-up in original units. A free run that does not stay finite comes
// back nil, with the reason in diverged.
func closedLoop(ctx context.Context, d *tasks.Dataset, m learn.Stepper, set Settings, truth *Truth) (vt *analysis.ValidTimes, gen []float64, diverged, err error) {
	var lam TrueLambda1
	if _, _, why := validTimeProtocol(d, set); why == "" {
		lam = SystemLambda1(d, set)
	}
	return closedLoopIn(ctx, d, m, set, truth, lam)
}

// closedLoopIn is closedLoop with valid times in Lyapunov times of lam.
func closedLoopIn(ctx context.Context, d *tasks.Dataset, m learn.Stepper, set Settings, truth *Truth, lam TrueLambda1) (vt *analysis.ValidTimes, gen []float64, diverged, err error) {
	if starts, horizon, why := validTimeProtocol(d, set); why == "" {
		c := analysis.ClosedLoopConfig{Starts: starts, Horizon: horizon, Dt: d.Dt, Lambda1: lam.Value}
		if math.IsNaN(lam.Value) {
			c.Lambda1 = 1 // Lyapunov times blanked below
		}
		if vt, err = analysis.ValidTime(m, EvalRun(d).Data, d.Dim, c); err != nil {
			return nil, nil, nil, err
		}
		if math.IsNaN(lam.Value) {
			vt.Config.Lambda1 = math.NaN()
			for i := range vt.Lyapunov {
				vt.Lyapunov[i] = math.NaN()
			}
			vt.InLyapunov = analysis.Quartiles{Q1: math.NaN(), Median: math.NaN(), Q3: math.NaN()}
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

// variableLabels names d's variables in reports: a series' header names
// where the file had them (tasks.RawSeries.Names, in d.Params
// "variables"), else its columns where --columns chose them ("column 2",
// d.Params "columns", set by DataSpec.Forecasting), else varNames' x, y,
// z or x1, x2, …, which metric keys in machine-readable outputs always
// use.
func variableLabels(d *tasks.Dataset) []string {
	out := varNames(d.Dim)
	if names := headerNames(d); names != nil {
		for j, n := range names {
			if n = strings.TrimSpace(n); n != "" {
				out[j] = n
			}
		}
		return out
	}
	if c, ok := d.Params["columns"].(string); ok {
		if cols := strings.Split(c, ","); len(cols) == d.Dim {
			for j, n := range cols {
				out[j] = "column " + n
			}
		}
	}
	return out
}

// headerNames returns the header names of a series' variables (d.Params
// "variables"), nil when the file had none.
func headerNames(d *tasks.Dataset) []string {
	if v, ok := d.Params["variables"].(string); ok {
		if names := strings.Split(v, ","); len(names) == d.Dim {
			return names
		}
	}
	return nil
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
