package analysis

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/mat"

	"github.com/neurodyn/neurodyn/internal/detlinalg"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

// Forecaster is a fitted predictor of a window's target. Predict reads the
// last Lags() samples of window (normalized units, samples × Dim, at least
// Lags() samples) and writes the prediction (Dim values) into y. As a
// learn.Stepper it keeps the last Lags() inputs as its state: Step(y, x)
// appends x and predicts from the updated history; Reset zeroes the history
// (the normalized mean). A Forecaster is not safe for concurrent use.
type Forecaster interface {
	learn.Stepper
	// Name is the short label ("AR(4)").
	Name() string
	// Describe returns its formula and fitted parameters as text.
	Describe() string
	// Lags returns the number of past samples a prediction reads.
	Lags() int
	// Predict writes into y (Dim values) the prediction from the last Lags()
	// samples of window (normalized units, samples × Dim).
	Predict(y, window []float64)
}

// history is the streaming state shared by the baselines: the last lags
// inputs, oldest first.
type history struct {
	lags, dim int
	buf       []float64
}

func newHistory(lags, dim int) history {
	return history{lags: lags, dim: dim, buf: make([]float64, lags*dim)}
}

// InputDim returns the number of variables per input sample.
func (h *history) InputDim() int { return h.dim }

// OutputDim returns the number of variables per prediction.
func (h *history) OutputDim() int { return h.dim }

// StateDim returns Lags·Dim, the length of the history.
func (h *history) StateDim() int { return len(h.buf) }

// Reset zeroes the history.
func (h *history) Reset() { clear(h.buf) }

// State copies the history, oldest sample first, into dst.
func (h *history) State(dst []float64) {
	if len(dst) != len(h.buf) {
		panic("analysis: State needs StateDim values")
	}
	copy(dst, h.buf)
}

// SetState restores a history saved by State.
func (h *history) SetState(src []float64) {
	if len(src) != len(h.buf) {
		panic("analysis: SetState needs StateDim values")
	}
	copy(h.buf, src)
}

// Lags returns the number of past samples a prediction uses.
func (h *history) Lags() int { return h.lags }

func (h *history) push(x []float64) {
	if len(x) != h.dim {
		panic("analysis: input length does not match the forecaster's dimension")
	}
	if len(h.buf) == 0 {
		return
	}
	copy(h.buf, h.buf[h.dim:])
	copy(h.buf[len(h.buf)-h.dim:], x)
}

// last returns sample j back from the end of window (0 = the last).
func last(window []float64, dim, j int) []float64 {
	e := len(window) - j*dim
	return window[e-dim : e]
}

// Persistence predicts that the target equals the window's last sample.
type Persistence struct{ history }

// NewPersistence returns the persistence forecaster for dim variables.
func NewPersistence(dim int) *Persistence { return &Persistence{newHistory(1, dim)} }

// Name returns "persistence".
func (p *Persistence) Name() string { return "persistence" }

// Describe returns the formula.
func (p *Persistence) Describe() string { return "x̂(t+h) = x(t)" }

// Predict copies the window's last sample into y.
func (p *Persistence) Predict(y, window []float64) { copy(y, last(window, p.dim, 0)) }

// Step appends x and predicts.
func (p *Persistence) Step(y, x []float64) { p.push(x); p.Predict(y, p.buf) }

// LinearExtrapolation extends the line through the last two samples by the
// horizon: x̂(t+h) = x(t) + h·(x(t) − x(t−1)).
type LinearExtrapolation struct {
	history
	horizon float64
}

// NewLinearExtrapolation returns the forecaster for dim variables and a
// target horizon in samples (1: 2x(t) − x(t−1)).
func NewLinearExtrapolation(dim, horizon int) *LinearExtrapolation {
	return &LinearExtrapolation{newHistory(2, dim), float64(horizon)}
}

// Name returns "linear extrapolation".
func (l *LinearExtrapolation) Name() string { return "linear extrapolation" }

// Describe returns the formula.
func (l *LinearExtrapolation) Describe() string {
	return fmt.Sprintf("x̂ = x(t) + %g·(x(t) − x(t−1))", l.horizon)
}

// Predict writes the extrapolation into y.
func (l *LinearExtrapolation) Predict(y, window []float64) {
	a, b := last(window, l.dim, 0), last(window, l.dim, 1)
	for i := range y[:l.dim] {
		y[i] = a[i] + float64(l.horizon*(a[i]-b[i]))
	}
}

// Step appends x and predicts.
func (l *LinearExtrapolation) Step(y, x []float64) { l.push(x); l.Predict(y, l.buf) }

// TrainMean predicts the mean of the train targets, whatever the input.
type TrainMean struct {
	history
	mean []float64
}

// Name returns "train mean".
func (m *TrainMean) Name() string { return "train mean" }

// Describe returns the constant.
func (m *TrainMean) Describe() string { return "x̂ = mean of the train targets" }

// Predict copies the train mean into y.
func (m *TrainMean) Predict(y, window []float64) { copy(y, m.mean) }

// Step ignores x and predicts the mean.
func (m *TrainMean) Step(y, x []float64) { m.Predict(y, nil) }

// AR is a vector autoregression with intercept on the last K samples:
// x̂(t+h) = c + Σ_{l<K} A_l x(t−l), fitted by least squares.
type AR struct {
	history
	// Coef holds the (1+K·Dim)×Dim coefficients, row-major: row 0 is the
	// intercept c, row 1+l·Dim+i the weights of variable i at lag l.
	Coef  []float64
	train int
}

// Name returns "AR(k)".
func (a *AR) Name() string { return fmt.Sprintf("AR(%d)", a.lags) }

// Describe returns the fit.
func (a *AR) Describe() string {
	return fmt.Sprintf("k=%d, %d-dim with intercept, least squares on %d train windows", a.lags, a.dim, a.train)
}

// Predict writes the autoregression's prediction into y.
func (a *AR) Predict(y, window []float64) {
	d := a.dim
	copy(y[:d], a.Coef[:d])
	for l := 0; l < a.lags; l++ {
		x := last(window, d, l)
		for i, xi := range x {
			row := a.Coef[(1+l*d+i)*d : (2+l*d+i)*d]
			for j := range row {
				y[j] += float64(row[j] * xi)
			}
		}
	}
}

// Step appends x and predicts.
func (a *AR) Step(y, x []float64) { a.push(x); a.Predict(y, a.buf) }

// NVAR is a quadratic nonlinear vector autoregression (next-generation
// reservoir computer, Gauthier et al. 2021): features are a constant, the
// last K samples (linear part, K·Dim values) and every unique product of two
// linear features (K·Dim·(K·Dim+1)/2 values); a ridge readout predicts the
// increment x(t+h) − x(t).
type NVAR struct {
	history
	// Ridge is the regularization chosen on the val split (Selection).
	Ridge float64
	// Selection names the criterion Ridge was chosen by: NVARSelectionVT,
	// or NVARSelectionMSE when closed loop is not possible.
	Selection string
	// ValValidTime is the median closed-loop valid time (Lyapunov times)
	// at Ridge on the val split, by NVARSelectionVT (NaN when the split is
	// too short for it).
	ValValidTime float64
	// Coef holds the Features()×Dim readout, row-major.
	Coef []float64
	phi  []float64
	val  float64 // val MSE at Ridge (normalized units)
}

// The NVAR's ridge selection criteria (NVAR.Selection).
const (
	// NVARSelectionVT is the criterion the pipeline's trained models are
	// selected by: the largest median closed-loop valid time on the val
	// split (ValidTime with NVARSelectStarts starts and a horizon of up
	// to NVARSelectHorizon steps), ties broken by the one-step val MSE.
	// A ridge that is best one step ahead can be useless in closed loop:
	// on the tutorial's Lorenz data the NVAR(2) without ridge, best one
	// step ahead, leaves the attractor within 11 steps.
	NVARSelectionVT = "median closed-loop valid time on the val split (30 starts, horizon ≤ 800)"
	// NVARSelectionMSE is the fallback when the val split is shorter than
	// DefaultWarmup + NVARSelectStarts + 100 samples, or the forecast
	// horizon is not one sample (a closed loop feeds each prediction back
	// as the next sample): the forecast MSE on the val windows.
	NVARSelectionMSE = "forecast MSE on the val split (no closed loop: val split too short, or horizon other than 1)"
	// NVARSelectionGiven: one ridge was given, nothing was chosen (no
	// closed loop is run).
	NVARSelectionGiven = "the only ridge given"
	// NVARSelectStarts and NVARSelectHorizon size NVARSelectionVT.
	NVARSelectStarts  = 30
	NVARSelectHorizon = 800
)

// Features returns the number of features 1 + n + n(n+1)/2, n = K·Dim.
func (v *NVAR) Features() int {
	n := v.lags * v.dim
	return 1 + n + n*(n+1)/2
}

// Name returns "NVAR(k)".
func (v *NVAR) Name() string { return fmt.Sprintf("NVAR(%d)", v.lags) }

// Describe returns the parameters.
func (v *NVAR) Describe() string {
	how := "chosen by closed-loop valid time on val"
	switch v.Selection {
	case NVARSelectionMSE:
		how = "chosen by forecast MSE on val"
	case NVARSelectionGiven:
		how = "given"
	}
	return fmt.Sprintf("k=%d, %d features (constant, linear, quadratic), ridge %g %s", v.lags, v.Features(), v.Ridge, how)
}

// features writes the feature vector of window into phi.
func (v *NVAR) features(phi, window []float64) {
	n := v.lags * v.dim
	phi[0] = 1
	lin := phi[1 : 1+n]
	for l := 0; l < v.lags; l++ {
		copy(lin[l*v.dim:(l+1)*v.dim], last(window, v.dim, l))
	}
	k := 1 + n
	for a := 0; a < n; a++ {
		for b := a; b < n; b++ {
			phi[k] = lin[a] * lin[b]
			k++
		}
	}
}

// Predict writes the NVAR prediction into y.
func (v *NVAR) Predict(y, window []float64) {
	v.features(v.phi, window)
	d := v.dim
	copy(y[:d], last(window, d, 0))
	for f, p := range v.phi {
		row := v.Coef[f*d : (f+1)*d]
		for j := range row {
			y[j] += float64(row[j] * p)
		}
	}
}

// Step appends x and predicts.
func (v *NVAR) Step(y, x []float64) { v.push(x); v.Predict(y, v.buf) }

// BaselineConfig configures FitBaselines. The zero value fits AR(1…10), an
// NVAR with 2 lags and ridge values 0 and 1e-14, 1e-13, …, 1e0 (chosen by
// NVARSelectionVT).
type BaselineConfig struct {
	// MaxARLag is the largest AR order (0 → 10; capped at SeqLength).
	MaxARLag int
	// NVARLags is the NVAR's number of lags (0 → 2; < 0 skips the NVAR).
	NVARLags int
	// Ridge lists the regularizations tried for the NVAR (nil → default).
	Ridge []float64
}

// lstsq holds the thin SVD of a design matrix X (n×p) and UᵀY, so that
// least-squares and ridge solutions for several regularizations are cheap.
// The SVD is internal/detlinalg's (one-sided Jacobi) and the products are
// plain loops with rounded products, so the coefficients have the same bits
// on every kernel path (gonum's SVD differs between the default build,
// -tags noasm and arm64).
type lstsq struct {
	p, dim, k int
	s         []float64
	v         []float64 // p×k
	uty       []float64 // k×dim
}

func newLstsq(x, y *mat.Dense) (*lstsq, error) {
	xr, yr := x.RawMatrix(), y.RawMatrix()
	n, p, dim := xr.Rows, xr.Cols, yr.Cols
	xs := make([]float64, n*p)
	for i := 0; i < n; i++ {
		copy(xs[i*p:(i+1)*p], xr.Data[i*xr.Stride:])
	}
	u, s, v, err := detlinalg.SVD(xs, n, p)
	if err != nil {
		return nil, fmt.Errorf("analysis: SVD of the %d×%d design matrix did not converge", n, p)
	}
	k := len(s)
	l := &lstsq{p: p, dim: dim, k: k, s: s, v: v, uty: make([]float64, k*dim)}
	for r := 0; r < n; r++ {
		ur, yrow := u[r*k:(r+1)*k], yr.Data[r*yr.Stride:r*yr.Stride+dim]
		for i, ui := range ur {
			t := l.uty[i*dim : (i+1)*dim]
			for j, yv := range yrow {
				t[j] += float64(ui * yv)
			}
		}
	}
	return l, nil
}

// solve returns the p×dim coefficients for ridge λ (λ = 0: minimum-norm
// least squares with NumPy's lstsq cutoff, singular values below
// ε·max(n,p)·s_max dropped).
func (l *lstsq) solve(lambda float64, rows int) []float64 {
	k, dim := l.k, l.dim
	cut := 2.220446049250313e-16 * float64(max(rows, l.p)) * l.s[0]
	scaled := make([]float64, k*dim)
	for i := 0; i < k; i++ {
		var f float64
		switch {
		case lambda > 0:
			f = l.s[i] / (float64(l.s[i]*l.s[i]) + lambda)
		case l.s[i] > cut:
			f = 1 / l.s[i]
		}
		for j := 0; j < dim; j++ {
			scaled[i*dim+j] = f * l.uty[i*dim+j]
		}
	}
	w := make([]float64, l.p*dim)
	for r := 0; r < l.p; r++ {
		wr := w[r*dim : (r+1)*dim]
		for i, vi := range l.v[r*k : (r+1)*k] {
			for j, sv := range scaled[i*dim : (i+1)*dim] {
				wr[j] += float64(vi * sv)
			}
		}
	}
	return w
}

// design builds the feature matrix and targets of every window of w.
func design(w tasks.Windows, p int, feat func(phi, window []float64), increment bool) (*mat.Dense, *mat.Dense) {
	n, d := w.Len(), w.S.Dim
	x := mat.NewDense(n, p, nil)
	y := mat.NewDense(n, d, nil)
	xr, yr := x.RawMatrix(), y.RawMatrix()
	for i := 0; i < n; i++ {
		win := w.Input(i)
		feat(xr.Data[i*xr.Stride:i*xr.Stride+p], win)
		t := yr.Data[i*yr.Stride : i*yr.Stride+d]
		copy(t, w.Target(i))
		if increment {
			lx := last(win, d, 0)
			for j := range t {
				t[j] -= lx[j]
			}
		}
	}
	return x, y
}

// FitAR fits AR(k) on the dataset's train windows.
func FitAR(d *tasks.Dataset, k int) (*AR, error) {
	if k < 1 || k > d.SeqLength {
		return nil, param.New("analysis", "k", k, fmt.Sprintf("in [1, SeqLength = %d]", d.SeqLength))
	}
	w, err := d.Windows("train")
	if err != nil {
		return nil, err
	}
	a := &AR{history: newHistory(k, d.Dim), train: w.Len()}
	p := 1 + k*d.Dim
	if w.Len() < p {
		return nil, param.New("analysis", "train windows", w.Len(), fmt.Sprintf("at least %d for AR(%d)", p, k))
	}
	x, y := design(w, p, func(phi, win []float64) {
		phi[0] = 1
		for l := 0; l < k; l++ {
			copy(phi[1+l*d.Dim:1+(l+1)*d.Dim], last(win, d.Dim, l))
		}
	}, false)
	ls, err := newLstsq(x, y)
	if err != nil {
		return nil, err
	}
	a.Coef = ls.solve(0, w.Len())
	return a, nil
}

// FitNVAR fits a quadratic NVAR with k lags on the train windows, choosing
// the ridge regularization from ridge (nil → 0 and 1e-14…1e0) on the val
// split by NVARSelectionVT — the largest median closed-loop valid time,
// ties broken by the one-step MSE — or, when the val split is too short
// for closed loop or the horizon is not one sample, by NVARSelectionMSE. A single ridge is taken as given
// (NVARSelectionGiven). The test split is never used.
func FitNVAR(d *tasks.Dataset, k int, ridge []float64) (*NVAR, error) {
	if k < 1 || k > d.SeqLength {
		return nil, param.New("analysis", "k", k, fmt.Sprintf("in [1, SeqLength = %d]", d.SeqLength))
	}
	if ridge == nil {
		ridge = []float64{0}
		for e := -14; e <= 0; e++ {
			ridge = append(ridge, math.Pow(10, float64(e)))
		}
	}
	for i, r := range ridge {
		if !(r >= 0) || math.IsInf(r, 0) {
			return nil, param.New("analysis", fmt.Sprintf("Ridge[%d]", i), r, "finite and >= 0")
		}
	}
	if len(ridge) == 0 {
		return nil, param.New("analysis", "Ridge", "[]", "at least one value (nil: the default list)")
	}
	tw, err := d.Windows("train")
	if err != nil {
		return nil, err
	}
	vw, err := d.Windows("val")
	if err != nil {
		return nil, err
	}
	v := &NVAR{history: newHistory(k, d.Dim)}
	p := v.Features()
	v.phi = make([]float64, p)
	if tw.Len() < p {
		return nil, param.New("analysis", "train windows", tw.Len(), fmt.Sprintf("at least %d for NVAR(%d)", p, k))
	}
	x, y := design(tw, p, v.features, true)
	ls, err := newLstsq(x, y)
	if err != nil {
		return nil, err
	}
	h := min(NVARSelectHorizon, d.Val.Len-DefaultWarmup-NVARSelectStarts)
	closedLoop := h >= 100 && d.Horizon == 1 && len(ridge) > 1
	v.Selection, v.ValValidTime = NVARSelectionMSE, math.NaN()
	switch {
	case len(ridge) == 1:
		v.Selection = NVARSelectionGiven
	case closedLoop:
		v.Selection = NVARSelectionVT
	}
	bestMSE, bestVT := math.Inf(1), math.Inf(-1)
	pred := make([]float64, d.Dim)
	for _, r := range ridge {
		v.Coef = ls.solve(r, tw.Len())
		var se float64
		for i := 0; i < vw.Len(); i++ {
			v.Predict(pred, vw.Input(i))
			for j, t := range vw.Target(i) {
				e := (pred[j] - t) * d.Std[j]
				se += float64(e * e)
			}
		}
		if math.IsNaN(se) {
			se = math.Inf(1)
		}
		vt := math.Inf(-1)
		if closedLoop {
			v.Reset()
			res, err := ValidTime(v, d.Val.Data, d.Dim, ClosedLoopConfig{Starts: NVARSelectStarts, Horizon: h, Dt: d.Dt})
			if err != nil {
				return nil, err
			}
			if m := res.InLyapunov.Median; !math.IsNaN(m) {
				vt = m
			}
		}
		if vt > bestVT || (vt == bestVT && se < bestMSE) {
			bestMSE, bestVT, v.Ridge = se, vt, r
		}
	}
	if closedLoop {
		v.ValValidTime = bestVT
	}
	v.val = bestMSE / float64(vw.Len()*d.Dim)
	v.Coef = ls.solve(v.Ridge, tw.Len())
	v.Reset()
	return v, nil
}

// FitTrainMean returns the forecaster that predicts the mean of the train
// windows' targets (the bias-only readout), one of FitBaselines' set.
func FitTrainMean(d *tasks.Dataset) (*TrainMean, error) {
	w, err := d.Windows("train")
	if err != nil {
		return nil, err
	}
	tm := &TrainMean{history: newHistory(0, d.Dim), mean: make([]float64, d.Dim)}
	for i := 0; i < w.Len(); i++ {
		for j, v := range w.Target(i) {
			tm.mean[j] += v
		}
	}
	for j := range tm.mean {
		tm.mean[j] /= float64(w.Len())
	}
	return tm, nil
}

// FitBaselines fits every baseline on d's train split (NVAR's ridge on the
// val split): persistence, linear extrapolation, train mean, AR(1…MaxARLag)
// and NVAR(NVARLags).
func FitBaselines(d *tasks.Dataset, c BaselineConfig) ([]Forecaster, error) {
	if c.MaxARLag < 0 {
		return nil, param.New("analysis", "MaxARLag", c.MaxARLag, ">= 0 (0 means 10)")
	}
	if c.MaxARLag == 0 {
		c.MaxARLag = 10
	}
	c.MaxARLag = min(c.MaxARLag, d.SeqLength)
	if c.NVARLags == 0 {
		c.NVARLags = 2
	}
	tm, err := FitTrainMean(d)
	if err != nil {
		return nil, err
	}
	out := []Forecaster{NewPersistence(d.Dim), tm}
	if d.SeqLength >= 2 {
		out = append(out, NewLinearExtrapolation(d.Dim, d.Horizon))
	}
	for k := 1; k <= c.MaxARLag; k++ {
		a, err := FitAR(d, k)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if c.NVARLags > 0 {
		v, err := FitNVAR(d, min(c.NVARLags, d.SeqLength), c.Ridge)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// PredictSplit runs f on every window of the named split and returns the
// predictions and targets in original units (row-major, windows × Dim).
func PredictSplit(d *tasks.Dataset, split string, f Forecaster) (pred, truth []float64, err error) {
	w, err := d.Windows(split)
	if err != nil {
		return nil, nil, err
	}
	if f.OutputDim() != d.Dim {
		return nil, nil, param.New("analysis", "forecaster", f.Name(), fmt.Sprintf("output dimension %d (the dataset's)", d.Dim))
	}
	n := w.Len()
	pred = make([]float64, n*d.Dim)
	truth = make([]float64, n*d.Dim)
	for i := 0; i < n; i++ {
		f.Predict(pred[i*d.Dim:(i+1)*d.Dim], w.Input(i))
		copy(truth[i*d.Dim:(i+1)*d.Dim], w.Target(i))
	}
	d.Denormalize(pred, pred)
	d.Denormalize(truth, truth)
	return pred, truth, nil
}

// EvaluateForecaster returns f's metrics on the named split, in original
// units.
func EvaluateForecaster(d *tasks.Dataset, split string, f Forecaster) (Metrics, error) {
	pred, truth, err := PredictSplit(d, split, f)
	if err != nil {
		return Metrics{}, err
	}
	return Evaluate(pred, truth, d.Dim)
}

// BaselineRow is one line of the baseline table.
type BaselineRow struct {
	Name, Params string
	// Metrics on the test split, original units.
	Metrics Metrics
	// Forecaster is the fitted baseline (for closed-loop use).
	Forecaster Forecaster
}

// BaselineTable fits every baseline (FitBaselines) and evaluates each on
// the test split in original units.
func BaselineTable(d *tasks.Dataset, c BaselineConfig) ([]BaselineRow, error) {
	return BaselineTableContext(context.Background(), d, c)
}

// BaselineTableContext is BaselineTable, stopped when ctx is done: it looks
// at ctx after the fits and before every baseline's evaluation, and then
// returns an error wrapping ctx.Err() and no result.
func BaselineTableContext(ctx context.Context, d *tasks.Dataset, c BaselineConfig) ([]BaselineRow, error) {
	fs, err := FitBaselines(d, c)
	if err != nil {
		return nil, err
	}
	rows := make([]BaselineRow, 0, len(fs))
	for _, f := range fs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("analysis: baselines stopped before %s: %w", f.Name(), err)
		}
		m, err := EvaluateForecaster(d, "test", f)
		if err != nil {
			return nil, fmt.Errorf("analysis: baseline %s: %w", f.Name(), err)
		}
		rows = append(rows, BaselineRow{Name: f.Name(), Params: f.Describe(), Metrics: m, Forecaster: f})
	}
	return rows, nil
}

// WriteBaselineTable prints rows as an aligned text table: name, RMSE,
// MAE, NRMSE (range), 1 − R² of each variable (R² itself rounds to 1.000000
// for every good forecaster), the reference's grand-mean R² and the
// parameters.
func WriteBaselineTable(w io.Writer, rows []BaselineRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "baseline\tRMSE\tMAE\tNRMSE(range)\t1−R² per dim\tR²(grand mean)\tparameters")
	for _, r := range rows {
		m := r.Metrics
		r2 := make([]string, len(m.R2))
		for i, v := range m.R2 {
			r2[i] = fmt.Sprintf("%.2e", 1-v)
		}
		fmt.Fprintf(tw, "%s\t%.3e\t%.3e\t%.3e\t%s\t%.6f\t%s\n", r.Name, m.RMSE, m.MAE, m.NRMSERange,
			strings.Join(r2, " "), m.R2GrandMean, r.Params)
	}
	return tw.Flush()
}
