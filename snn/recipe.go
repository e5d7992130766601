package snn

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

// Recipe is a complete training set-up of a spiking network on a
// forecasting dataset: the model, the trainer and the windows.
type Recipe struct {
	Name  string
	Model Config
	Train learn.TrainConfig
	// Window is the length of the training windows and Stride the step
	// between their starts (0 → 50 and 1).
	Window, Stride int
	// ValWindow is the length of the validation windows (0 → 50, the
	// reference's one-step windows, with ValLoss the one-step loss).
	ValWindow int
	// ValStride is the step between validation windows (0 → 1).
	ValStride int
	// ReadoutInit, when positive, sets the readout by ridge regression
	// (FitReadout, outputs from sample ReadoutInit−1 on) before gradient
	// training starts.
	ReadoutInit int
}

func (r Recipe) withDefaults() Recipe {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&r.Window, 50)
	def(&r.Stride, 1)
	def(&r.ValWindow, 50)
	def(&r.ValStride, 1)
	return r
}

// Validate returns a param error naming the first bad field.
func (r Recipe) Validate() error {
	r = r.withDefaults()
	return param.First(r.Model.Validate(), r.Train.Validate(),
		param.PositiveInt(pkg, "Window", r.Window), param.PositiveInt(pkg, "Stride", r.Stride),
		param.PositiveInt(pkg, "ValWindow", r.ValWindow), param.PositiveInt(pkg, "ValStride", r.ValStride),
		param.NonNegative(pkg, "ReadoutInit", float64(r.ReadoutInit)))
}

// JSON returns the recipe as JSON (stored in checkpoints as Meta).
func (r Recipe) JSON() string {
	b, err := json.Marshal(r)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// referenceTrain is the reference's training set-up of notebook 03:
// AdamW lr 1e-3, weight decay 1e-6, clipping 1, batch 64, plateau patience
// 7, early stopping 15, 100 epochs, one-step loss.
func referenceTrain() learn.TrainConfig {
	return learn.TrainConfig{
		Epochs: 100, BatchSize: 64,
		Adam:    learn.AdamConfig{LR: 1e-3, WeightDecay: 1e-6, Decoupled: true},
		Plateau: learn.PlateauConfig{Patience: 7}, Patience: 15,
		Loss: learn.Loss{Kind: learn.LossLast},
		Seed: 42,
	}
}

// LorenzReference is the reference's trained SNN of notebook 03
// (tutorial-spec §2.3, §3) at the dt it meant (1 ms, not norse's silent
// 0.001): 128 E / 32 I, τ_mem 2/1 ms, τ_syn 5 ms, the norse step, SuperSpike
// with α = 1 (what norse 1.1.0 computes), ReLU Dale, mean-count readout of
// E, no bias, no skip; one-step loss and the reference's trainer (the best
// parameters really are restored). 26,467 trainable parameters, as the
// reference counts them.
func LorenzReference() Recipe {
	return Recipe{
		Name:  "snn-lorenz-reference",
		Model: Config{Surrogate: learn.Surrogate{Kind: learn.SuperSpike, Alpha: 1}, Seed: 42},
		Train: referenceTrain(),
	}
}

// LorenzReservoirReference is the reference's "reservoir" of notebook 03:
// the same network with the recurrent weights frozen, which still trains
// the input weights of both populations by BPTT besides the readout (867
// trained parameters: 128·3 + 32·3 input weights and 3·128 + 3 readout).
func LorenzReservoirReference() Recipe {
	r := LorenzReference()
	r.Name = "snn-lorenz-reservoir-reference"
	r.Model.FreezeRecurrent = true
	return r
}

// LorenzDefault is our recipe for the trained SNN at the reference's size
// (128 E / 32 I): exact decay factors, τ_mem 20/10 ms, τ_syn 5 ms, dt 1 ms,
// each sample held for 5 steps (a sample lasts 5 ms, a 50-sample window
// 250 ms), refractory period 2 ms, hard reset detached from the gradient,
// Dale's law as |W|, bias currents near threshold, SuperSpike (α = 10), a
// readout of the E spikes filtered at 10 and 50 ms plus a skip term of the
// input. The readout starts from its ridge solution on the initial network
// (FitReadout, outputs from the 10th sample on); then every parameter
// trains by BPTT with multi-step teacher forcing (every output from the
// 10th sample on predicts the next sample) on windows with stride 5,
// AdamW 5e-4, 10 epochs (best by the one-step validation loss).
func LorenzDefault() Recipe {
	return Recipe{
		Name: "snn-lorenz",
		Model: Config{
			SubSteps: 5, Discretization: Exact,
			TauMemEMs: 20, TauMemIMs: 10, TauSynMs: 5, RefractoryMs: 2,
			Dale: DaleAbs, InputScale: 0.1, InputBias: true, BiasMean: 0.13, BiasStd: 0.06,
			Surrogate: learn.Surrogate{Kind: learn.SuperSpike, Alpha: 10}, DetachReset: true,
			Readout: ReadoutFiltered, ReadoutTauMs: []float64{10, 50}, Skip: true,
			Seed: 42,
		},
		Train: learn.TrainConfig{
			Epochs: 10, BatchSize: 32,
			Adam:    learn.AdamConfig{LR: 5e-4, WeightDecay: 1e-6, Decoupled: true},
			Plateau: learn.PlateauConfig{Patience: 2}, Patience: 4,
			Loss:    learn.Loss{Kind: learn.LossNext, Warmup: 10},
			ValLoss: &learn.Loss{Kind: learn.LossLast},
			Seed:    42,
		},
		Stride: 5, ValStride: 5, ReadoutInit: 10,
	}
}

// LorenzQuick is LorenzDefault cut down for CI: 4 epochs on windows with
// stride 25 (about 10 s on one quiet core).
func LorenzQuick() Recipe {
	r := LorenzDefault()
	r.Name = "snn-lorenz-quick"
	r.Train.Epochs = 4
	r.Stride, r.ValStride = 25, 10
	return r
}

// LorenzWindows returns the training and validation windows of recipe r
// on d.
func LorenzWindows(r Recipe, d *tasks.Dataset) (train, val tasks.Windows, err error) {
	r = r.withDefaults()
	if train, err = tasks.NewWindows(&d.Train, r.Window, 1, r.Stride); err != nil {
		return
	}
	val, err = tasks.NewWindows(&d.Val, r.ValWindow, 1, r.ValStride)
	return
}

// TrainLorenz builds the model of r and trains it on the Lorenz dataset d
// (normalized splits). The returned model holds the best parameters by
// validation loss unless r.Train.KeepLast.
func TrainLorenz(ctx context.Context, r Recipe, d *tasks.Dataset) (*Model[float32], *learn.Result, error) {
	m, res, _, err := trainLorenz(ctx, r, d)
	return m, res, err
}

func trainLorenz(ctx context.Context, r Recipe, d *tasks.Dataset) (*Model[float32], *learn.Result, *ReadoutFit, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, nil, err
	}
	r = r.withDefaults()
	if r.Model.Inputs == 0 {
		r.Model.Inputs = d.Dim
	}
	if r.Model.Outputs == 0 {
		r.Model.Outputs = d.Dim
	}
	if err := d.CheckForecaster("snn", r.Model.Inputs, r.Model.Outputs); err != nil {
		return nil, nil, nil, err
	}
	train, val, err := LorenzWindows(r, d)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := New[float32](r.Model)
	if err != nil {
		return nil, nil, nil, err
	}
	tc := r.Train
	if tc.Meta == "" {
		tc.Meta = r.JSON()
	}
	var fit *ReadoutFit
	if r.ReadoutInit > 0 {
		if fit, err = FitReadoutContext(ctx, m, train, val, r.ReadoutInit, nil); err != nil {
			return nil, nil, nil, err
		}
	}
	tr, err := learn.NewTrainer(m, tc)
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := tr.Fit(ctx, train, val)
	if err != nil {
		return m, res, fit, fmt.Errorf("snn: %s: %w", r.Name, err)
	}
	m.Reset()
	return m, res, fit, nil
}

// Trained is the outcome of LorenzTrained: the trained model, its training
// history, the closed-form readout it started from (nil without
// ReadoutInit), its one-step test forecast (original units, with the
// spikes silenced for comparison, and the firing rates), its parameter
// counts and the wall-clock time.
type Trained struct {
	Recipe      Recipe
	Model       *Model[float32]
	Train       *learn.Result
	ReadoutInit *ReadoutFit
	Test        *Forecast
	Counts      Counts
	Seconds     float64
}

// LorenzTrained trains recipe r on d (TrainLorenz) and evaluates its
// one-step forecasts of the test windows (EvaluateForecast): what the
// tutorial's spiking stage reports. LorenzDefault takes about a minute on
// one quiet core, LorenzQuick about 10 s.
func LorenzTrained(ctx context.Context, r Recipe, d *tasks.Dataset) (*Trained, error) {
	t0 := time.Now()
	m, res, fit, err := trainLorenz(ctx, r, d)
	if err != nil {
		return nil, err
	}
	f, err := EvaluateForecastContext(ctx, m, d, "test")
	if err != nil {
		return nil, err
	}
	return &Trained{Recipe: r, Model: m, Train: res, ReadoutInit: fit, Test: f, Counts: m.Counts(), Seconds: since(t0)}, nil
}

// ReservoirQuick is a reservoir for CI: 300 neurons, 4,000 training
// samples (a few seconds).
func ReservoirQuick() ReservoirConfig { return ReservoirConfig{N: 300, TrainSamples: 4000} }

// LorenzReservoir builds the liquid-state machine of c, fits its readout on
// d (Reservoir.FitLorenz) and returns it ready to run closed loop (close it
// when done). The default configuration (1,000 neurons, 2,003 regressors)
// takes about 10 s on one quiet core, ReservoirQuick a few.
func LorenzReservoir(c ReservoirConfig, d *tasks.Dataset) (*Reservoir, *ReservoirFit, error) {
	r, err := NewReservoir(c, d.Dim)
	if err != nil {
		return nil, nil, err
	}
	fit, err := r.FitLorenz(d)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	r.Reset()
	return r, fit, nil
}

// LorenzESN builds the echo-state network of c and fits its readout on d.
func LorenzESN(c ESNConfig, d *tasks.Dataset) (*ESN, *ESNFit, error) {
	e, err := NewESN(c, d.Dim)
	if err != nil {
		return nil, nil, err
	}
	fit, err := e.FitLorenz(d)
	if err != nil {
		return nil, nil, err
	}
	return e, fit, nil
}

// Forecast summarizes a model's one-step forecasts of a split's windows in
// the data's original units (the reference's test metric), with the
// spike features silenced for comparison.
type Forecast struct {
	// RMSE and MAE over all predicted elements, original units.
	RMSE, MAE float64
	// SilencedRMSE is the RMSE of the same readout with the spike
	// features set to zero (input and bias only).
	SilencedRMSE float64
	// RateE and RateI are the populations' mean firing rates (Hz) over the
	// split's windows, RatesBelow1Hz and RatesAbove50Hz the fractions of
	// neurons outside 1–50 Hz.
	RateE, RateI                  float64
	RatesBelow1Hz, RatesAbove50Hz float64
	// Windows is the number of windows predicted.
	Windows int
}

// EvaluateForecast predicts every window (length d.SeqLength, stride 1) of
// the named split and compares with the next sample in original units.
func EvaluateForecast(m *Model[float32], d *tasks.Dataset, split string) (*Forecast, error) {
	return EvaluateForecastContext(context.Background(), m, d, split)
}

// EvaluateForecastContext is EvaluateForecast, stopped when ctx is done
// (between batches of windows: Model.RunContext) with an error wrapping
// ctx.Err(). Results that are not stopped are EvaluateForecast's, bit for
// bit.
func EvaluateForecastContext(ctx context.Context, m *Model[float32], d *tasks.Dataset, split string) (*Forecast, error) {
	s, err := d.Split(split)
	if err != nil {
		return nil, err
	}
	w, err := tasks.NewWindows(s, d.SeqLength, 1, 1)
	if err != nil {
		return nil, err
	}
	n, L, dim := w.Len(), w.SeqLength, d.Dim
	x := make([]float32, n*L*dim)
	truth := make([]float64, n*dim)
	for i := 0; i < n; i++ {
		copy(x[i*L*dim:(i+1)*L*dim], w.Input32(i))
		copy(truth[i*dim:(i+1)*dim], w.Target(i))
	}
	out, err := m.RunContext(ctx, x, n, L, RunOptions{})
	if err != nil {
		return nil, err
	}
	sil, err := m.RunContext(ctx, x, n, L, RunOptions{Silence: true})
	if err != nil {
		return nil, err
	}
	d.Denormalize(truth, truth)
	f := &Forecast{Windows: n, RateE: out.RateE, RateI: out.RateI}
	f.RMSE, f.MAE = errors32(d, out.Last, truth)
	f.SilencedRMSE, _ = errors32(d, sil.Last, truth)
	for _, r := range out.RatePerNeuron {
		if r < 1 {
			f.RatesBelow1Hz++
		}
		if r > 50 {
			f.RatesAbove50Hz++
		}
	}
	f.RatesBelow1Hz /= float64(len(out.RatePerNeuron))
	f.RatesAbove50Hz /= float64(len(out.RatePerNeuron))
	return f, nil
}

// errors32 denormalizes pred (float32, normalized) and returns RMSE and MAE
// against truth (original units).
func errors32(d *tasks.Dataset, pred []float32, truth []float64) (rmse, mae float64) {
	p := make([]float64, len(pred))
	for i, v := range pred {
		p[i] = float64(v)
	}
	d.Denormalize(p, p)
	var se, ae float64
	for i, v := range p {
		e := v - truth[i]
		se += float64(e * e)
		ae += math.Abs(e)
	}
	return math.Sqrt(se / float64(len(p))), ae / float64(len(p))
}

// since returns the seconds elapsed since t.
func since(t time.Time) float64 { return time.Since(t).Seconds() }
