package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

func snnStage() Stage {
	return Stage{
		Name:  "snn",
		Title: "03 · spiking networks on Lorenz-63: the trained SNN, the liquid-state reservoir (and the ESN for comparison)",
		Needs: []string{"data", "baselines"},
		Key: func(c *Config) any {
			return struct {
				L      LorenzData
				R      string
				Res    snn.ReservoirConfig
				ESN    snn.ESNConfig
				S      [3]int
				Raster int
				// Refit: the spike controls refit the readout on the
				// input and bias (results without it are stale).
				Refit int
			}{c.Data.Lorenz, c.SNNRecipe().JSON(), c.ReservoirSetup(), c.ESNSetup(), c.Settings().LorenzKey(), 1, 1}
		},
		Run: runSNN,
	}
}

// SpikeRates summarizes a recorded run's firing rates per population:
// mean and std across neurons (Hz) and the fractions of neurons below 1 Hz
// and above 50 Hz.
type SpikeRates struct {
	Rates               []analysis.PopulationRate
	Below1Hz, Above50Hz float64
	// PerNeuron holds every neuron's rate (E first).
	PerNeuron []float64
}

// ratesOf computes SpikeRates from a recording.
func ratesOf(rec *snn.SpikeRecord) SpikeRates {
	per := spikeRates(rec)
	var out SpikeRates
	out.PerNeuron = per
	for _, pop := range []struct {
		name   string
		lo, hi int
	}{{"E", 0, rec.NE}, {"I", rec.NE, rec.N}} {
		if pop.hi <= pop.lo {
			continue
		}
		var s, s2 float64
		for _, v := range per[pop.lo:pop.hi] {
			s += v
			s2 += v * v
		}
		n := float64(pop.hi - pop.lo)
		mean := s / n
		out.Rates = append(out.Rates, analysis.PopulationRate{Population: pop.name, MeanHz: mean, StdHz: math.Sqrt(math.Max(s2/n-mean*mean, 0))})
	}
	for _, v := range per {
		if v < 1 {
			out.Below1Hz++
		}
		if v > 50 {
			out.Above50Hz++
		}
	}
	out.Below1Hz /= float64(len(per))
	out.Above50Hz /= float64(len(per))
	return out
}

// putRates stores spike rates as the forecast's rates and extras.
func (f *Forecast) putRates(sr SpikeRates) {
	f.Rates = sr.Rates
	if f.Extra == nil {
		f.Extra = map[string]float64{}
	}
	f.Extra["rates.below_1hz"] = sr.Below1Hz
	f.Extra["rates.above_50hz"] = sr.Above50Hz
}

// rateTarget is the project's firing-rate target (issue 7): every
// population's mean rate within 1–50 Hz. The tutorial itself only speaks of
// rates of about 10–20 Hz.
const rateTarget = "the project's target of a 1–50 Hz mean per population (issue 7; the tutorial speaks of ~10–20 Hz)"

// rateCheck says whether the populations' mean rates lie within 1–50 Hz,
// and how many neurons fire outside that band although the means are
// within it.
func rateCheck(name string, sr SpikeRates) string {
	for _, p := range sr.Rates {
		if p.MeanHz < 1 || p.MeanHz > 50 {
			return fmt.Sprintf("%s: the %s population fires at %.3g Hz on average, outside %s.", name, p.Population, p.MeanHz, rateTarget)
		}
	}
	if sr.Above50Hz > 0 || sr.Below1Hz > 0 {
		return fmt.Sprintf("%s: the population means lie within %s, but %.1f%% of the neurons fire above 50 Hz and %.1f%% below 1 Hz.", name, rateTarget, 100*sr.Above50Hz, 100*sr.Below1Hz)
	}
	return ""
}

// inputOnlyRMSE is the spike control of a trained SNN: the one-step test
// RMSE (original units) of its readout refitted, by least squares on the
// train windows, on the features that are not spikes — the skip term's
// input x(t) when the model has one, and the bias — which is AR(1), or the
// train mean without a skip term. It returns NaN and the reason when the
// readout reads membrane potentials (not spike features either).
func inputOnlyRMSE(d *tasks.Dataset, c snn.Config) (float64, string, error) {
	if c.Readout == snn.ReadoutMembrane {
		return math.NaN(), "the readout reads membrane potentials, not spikes: no spike-free refit", nil
	}
	var f analysis.Forecaster
	what := "input x(t) and bias: AR(1)"
	if c.Skip {
		a, err := analysis.FitAR(d, 1)
		if err != nil {
			return 0, "", err
		}
		f = a
	} else {
		tm, err := analysis.FitTrainMean(d)
		if err != nil {
			return 0, "", err
		}
		f = tm
		what = "bias only (no skip term): the train mean"
	}
	m, err := analysis.EvaluateForecaster(d, "test", f)
	if err != nil {
		return 0, "", err
	}
	return m.RMSE, what, nil
}

func runSNN(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("snn")
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
	data := LorenzSpec(r.Cfg.Data.Lorenz)
	set := r.Cfg.Settings()
	res := &Result{Metrics: map[string]float64{}}

	// The trained spiking network.
	rec := r.Cfg.SNNRecipe()
	st, err := TrainSNN(ctx, rec, data, d, r.trainOptions(dir, "snn_lorenz.npz"))
	if err != nil {
		return nil, err
	}
	m := st.Model
	res.Notes = append(res.Notes, trainedNote("Trained SNN", st.Meta, st.Loaded, st.Path))
	cfg := m.Config()
	r.Logf("  measuring the trained SNN")
	fs, rasterSNN, ratesSNN, err := MeasureSNN(ctx, st, d, truth, set)
	if err != nil {
		return nil, err
	}
	fs.Put(res.Metrics)
	t := st.Test

	// The liquid-state machine.
	r.Logf("  fitting the liquid-state reservoir")
	rc := r.Cfg.ReservoirSetup()
	res0, fit, rmeta, err := FitReservoir(rc, data, d, TrainOptions{Dir: dir, File: "reservoir_lorenz.npz", Seed: r.Cfg.Seed})
	if err != nil {
		return nil, err
	}
	defer res0.Close()
	rcfg := res0.Config()
	r.Logf("  measuring the reservoir")
	fr, rasterRes, ratesRes, err := MeasureReservoir(ctx, res0, fit, rmeta, d, truth, set)
	if err != nil {
		return nil, err
	}
	fr.Put(res.Metrics)

	// The echo-state network, the classic comparison.
	r.Logf("  fitting the echo-state network")
	esn, efit, emeta, err := FitESN(r.Cfg.ESNSetup(), data, d, TrainOptions{Dir: dir, File: "esn_lorenz.npz", Seed: r.Cfg.Seed})
	if err != nil {
		return nil, err
	}
	r.Logf("  measuring the ESN")
	fe, err := MeasureESN(ctx, esn, efit, emeta, d, truth, set)
	if err != nil {
		return nil, err
	}
	fe.Put(res.Metrics)
	res.Models = append(res.Models, fs.Ref(), fr.Ref(), fe.Ref())

	res.Tables = append(res.Tables,
		r.oneStepTable("One-step forecasts of the test windows (original units) beside the baselines", d.Dim, fs, fr, fe),
		Table{Title: "Do the spikes carry the forecast? A readout refitted without the spikes (on the input and bias only) against the model's (one-step test RMSE, original units)",
			Header: []string{"model", "RMSE", "RMSE, readout refitted on input and bias only", "ratio (target ≥ 3)", "RMSE, fitted readout with the spike features zeroed, not refitted (not a fair control)"},
			Rows: [][]string{
				{fs.Name, num(t.RMSE), num(fs.Extra["input_only_rmse"]), num(fs.Extra["input_only_ratio"]), num(t.SilencedRMSE)},
				{fr.Name, num(fit.TestRMSE), num(fit.InputOnlyRMSE), num(fit.InputOnlyRMSE / fit.TestRMSE), num(fit.SilencedRMSE)},
			}},
		Table{Title: "Firing rates while each network streams the test split (Hz; " + rateTarget + ")",
			Header: []string{"model", "E mean ± std", "I mean ± std", "neurons < 1 Hz", "neurons > 50 Hz", "model time"},
			Rows:   [][]string{rateRow(fs.Name, ratesSNN, rasterSNN), rateRow(fr.Name, ratesRes, rasterRes)}},
		closedLoopTable("Closed loop on the evaluation trajectory", fs, fr, fe))
	res.Notes = append(res.Notes, fs.Notes...)
	res.Notes = append(res.Notes, fr.Notes...)
	res.Notes = append(res.Notes, fe.Notes...)
	res.Notes = append(res.Notes, "The spike control refits the readout on what is not spikes (the input x(t) through the skip term or the reservoir's input regressors, and the bias) on the same split by least squares: that is AR(1), the best one can do without the spikes. Zeroing the spike features of the fitted readout without refitting leaves its bias and input weights tuned to the spikes, and gives an error worse than persistence: it says nothing about what the spikes are worth.")
	for _, s := range []string{rateCheck(fs.Name, ratesSNN), rateCheck(fr.Name, ratesRes)} {
		if s != "" {
			res.Notes = append(res.Notes, s)
		}
	}
	res.Notes = append(res.Notes,
		fmt.Sprintf("Trained SNN: %s; %d trainable parameters as the reference counts them (absent synapses included; %d can change), %d synapses (%d active). One-step RMSE over the windows from the zero state, as snn.EvaluateForecast: %.4g (reference: 7.06; target ≤ 0.2).",
			cfg, st.Counts.Trainable, st.Counts.Effective, st.Counts.Synapses, st.Counts.Active, t.RMSE),
		fmt.Sprintf("Reservoir: %d NEST iaf_psc_exp neurons on the event-driven engine, %d ms per sample, readout on %d regressors (spike features at %v ms and the input) plus a bias, ridge λ %g chosen on the validation split; harvest %.1f s. Its one-step forecasts stream each split from the initial state. Reference reservoir: 6.98; target ≤ 0.04.",
			rcfg.N, int(rcfg.SampleMs), fit.Features, rcfg.ReadoutTauMs, fit.Lambda, fit.HarvestSeconds),
		fmt.Sprintf("ESN: %d tanh units, spectral radius %g, ridge readout on the state and the input (λ %g): the classic rate reservoir, labelled as a comparison, not a spiking model.",
			esn.Config().N, esn.Config().SpectralRadius, efit.Lambda))

	// Figures.
	var figs []string
	for _, x := range []struct {
		f *Forecast
		h []Epoch
	}{{fs, st.Meta.History}, {fr, nil}, {fe, nil}} {
		p, err := r.standardFigures(dir, x.f, x.h, d)
		if err != nil {
			return nil, err
		}
		figs = append(figs, p...)
	}
	tMax := math.Min(1000, rasterSNN.DurationMs)
	rs, err := rasterPlot(fs.Name+": spikes while streaming the test split", rasterSNN, cfg.NE, cfg.NI, tMax)
	if err != nil {
		return nil, err
	}
	rr, err := rasterPlot(fr.Name+": first 200 E and 50 I neurons", rasterRes, 200, 50, math.Min(1000, rasterRes.DurationMs))
	if err != nil {
		return nil, err
	}
	p, err := r.figure(dir, "snn_rasters", 30, 24, [][]*plot.Plot{{rs}, {rr}})
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	var hrow [2][]*plot.Plot
	for k, x := range []struct {
		name string
		rec  *snn.SpikeRecord
		sr   SpikeRates
	}{{"trained SNN", rasterSNN, ratesSNN}, {"reservoir", rasterRes, ratesRes}} {
		for j, pop := range []struct {
			name   string
			lo, hi int
		}{{"E", 0, x.rec.NE}, {"I", x.rec.NE, x.rec.N}} {
			h, err := histPlot(fmt.Sprintf("%s: %s rates", x.name, pop.name), "rate (Hz)", x.sr.PerNeuron[pop.lo:pop.hi], 30, palette[j])
			if err != nil {
				return nil, err
			}
			hrow[k] = append(hrow[k], h)
		}
	}
	p, err = r.figure(dir, "snn_rate_histograms", 26, 20, [][]*plot.Plot{hrow[0], hrow[1]})
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	res.Figures = figs

	// Files: models, NIR, free runs, HDF5.
	res.Files = append(res.Files, r.Rel(st.Path), filepath.Join(r.Rel(dir), "reservoir_lorenz.npz"), filepath.Join(r.Rel(dir), "esn_lorenz.npz"))
	nir := filepath.Join(dir, "snn_lorenz.nir.h5")
	if err := WriteSNNNIR(nir, m, st.Meta, d, r.Rel(st.Path), export.Overwrite()); err == nil {
		res.Files = append(res.Files, r.Rel(nir))
	} else if errors.Is(err, export.ErrNoHDF5) {
		res.Notes = append(res.Notes, "This neurodyn was built without HDF5: the NIR file of the trained SNN was not written.")
	} else {
		return nil, err
	}
	for _, f := range []*Forecast{fs, fr, fe} {
		p, err := r.saveFreeRun(dir, f.Key, f.Gen, d.Dim)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, p)
	}
	groups := forecastGroups("snn", fs, d.Dim, truth)
	groups = append(groups, forecastGroups("reservoir", fr, d.Dim, nil)...)
	groups = append(groups, forecastGroups("esn", fe, d.Dim, nil)...)
	groups = append(groups, paramsGroup("snn/parameters", m.Params()), historyGroup("snn/history", st.Meta.History),
		spikeGroup("snn/test_spikes", rasterSNN), spikeGroup("reservoir/test_spikes", rasterRes),
		metricsGroup("metrics", res.Metrics))
	if err := r.addH5(res, filepath.Join(dir, "snn.h5"), groups...); err != nil {
		return nil, err
	}
	return res, ctx.Err()
}

// MeasureSNN measures a trained spiking network like every forecaster
// (MeasureForecaster, one-step forecasts of the test windows from the zero
// state), records its spikes while it streams the test split (firing
// rates), and adds the silenced-spike control and the parameter counts.
func MeasureSNN(ctx context.Context, st *SNNTrained, d *tasks.Dataset, truth *Truth, set Settings) (*Forecast, *snn.SpikeRecord, SpikeRates, error) {
	m := st.Model
	cfg := m.Config()
	f := &Forecast{Key: "snn", Name: fmt.Sprintf("trained SNN (%dE/%dI)", cfg.NE, cfg.NI), Kind: KindSNN, Label: analysis.LabelReference,
		Params: st.Counts.Trainable, TrainSeconds: float64(st.Meta.TrainSeconds)}
	if err := MeasureForecaster(ctx, d, m, f, MeasureOptions{Settings: set, Truth: truth, Batch: m.Predictor(snn.RunOptions{})}); err != nil {
		return nil, nil, SpikeRates{}, err
	}
	rec, _, err := m.RecordSpikes(d.Test.Data, d.Test.Len)
	if err != nil {
		return nil, nil, SpikeRates{}, err
	}
	sr := ratesOf(rec)
	f.putRates(sr)
	t := st.Test
	f.Extra["silenced_rmse"] = t.SilencedRMSE
	f.Extra["silenced_ratio"] = t.SilencedRMSE / t.RMSE
	io, why, err := inputOnlyRMSE(d, cfg)
	if err != nil {
		return nil, nil, SpikeRates{}, err
	}
	f.Extra["input_only_rmse"], f.Extra["input_only_ratio"] = io, io/t.RMSE
	if math.IsNaN(io) {
		f.Notes = append(f.Notes, f.Name+": "+why)
	}
	f.Extra["windowed.rate_e_hz"], f.Extra["windowed.rate_i_hz"] = t.RateE, t.RateI
	f.Extra["windowed.below_1hz"], f.Extra["windowed.above_50hz"] = t.RatesBelow1Hz, t.RatesAbove50Hz
	f.Extra["params.effective"] = float64(st.Counts.Effective)
	f.Extra["synapses"], f.Extra["synapses.active"] = float64(st.Counts.Synapses), float64(st.Counts.Active)
	f.Extra["epochs"] = float64(st.Meta.Epochs)
	return f, rec, sr, nil
}

// MeasureReservoir measures a liquid-state machine like every forecaster
// (its one-step forecasts stream the test split from the initial state),
// records its spikes on the test split, and adds the controls of its fit
// (silenced spikes, input-only readout; fit may be nil for a reloaded
// reservoir). The label is "reference" up to the reference's 160 neurons,
// "bigger" above.
func MeasureReservoir(ctx context.Context, r *snn.Reservoir, fit *snn.ReservoirFit, meta *ModelMeta, d *tasks.Dataset, truth *Truth, set Settings) (*Forecast, *snn.SpikeRecord, SpikeRates, error) {
	c := r.Config()
	label := analysis.LabelBigger
	if c.N <= 160 {
		label = analysis.LabelReference
	}
	f := &Forecast{Key: "reservoir", Name: fmt.Sprintf("LIF reservoir (%d neurons, ridge readout)", c.N), Kind: KindReservoir, Label: label,
		Params: meta.Params, TrainSeconds: float64(meta.TrainSeconds)}
	if err := MeasureForecaster(ctx, d, r, f, MeasureOptions{Settings: set, Truth: truth}); err != nil {
		return nil, nil, SpikeRates{}, err
	}
	rec, _, err := r.RecordSpikes(d.Test.Data, d.Test.Len)
	if err != nil {
		return nil, nil, SpikeRates{}, err
	}
	r.Reset()
	sr := ratesOf(rec)
	f.putRates(sr)
	if fit != nil {
		f.Extra["silenced_rmse"], f.Extra["silenced_ratio"] = fit.SilencedRMSE, fit.SilencedRMSE/fit.TestRMSE
		f.Extra["input_only_rmse"], f.Extra["input_only_ratio"] = fit.InputOnlyRMSE, fit.InputOnlyRMSE/fit.TestRMSE
		f.Extra["fit.lambda"], f.Extra["fit.features"], f.Extra["fit.rows"] = fit.Lambda, float64(fit.Features), float64(fit.TrainRows)
		f.Extra["fit.val_rmse"], f.Extra["fit.test_rmse"] = fit.ValRMSE, fit.TestRMSE
		f.Extra["fit.harvest_seconds"], f.Extra["fit.neuron_steps"] = fit.HarvestSeconds, float64(fit.NeuronSteps)
	}
	return f, rec, sr, nil
}

// MeasureESN measures an echo-state network like every forecaster (its
// one-step forecasts stream the test split from the zero state); efit may
// be nil for a reloaded ESN.
func MeasureESN(ctx context.Context, e *snn.ESN, efit *snn.ESNFit, meta *ModelMeta, d *tasks.Dataset, truth *Truth, set Settings) (*Forecast, error) {
	f := &Forecast{Key: "esn", Name: fmt.Sprintf("ESN (%d tanh units; classic comparison)", e.Config().N), Kind: KindESN, Label: analysis.LabelBigger,
		Params: meta.Params, TrainSeconds: float64(meta.TrainSeconds), Extra: map[string]float64{}}
	if efit != nil {
		f.Extra["fit.lambda"], f.Extra["fit.val_rmse"], f.Extra["fit.test_rmse"] = efit.Lambda, efit.ValRMSE, efit.TestRMSE
	}
	if err := MeasureForecaster(ctx, d, e, f, MeasureOptions{Settings: set, Truth: truth}); err != nil {
		return nil, err
	}
	return f, nil
}

// rateRow formats one line of the firing-rate table.
func rateRow(name string, sr SpikeRates, rec *snn.SpikeRecord) []string {
	row := []string{name}
	for _, pop := range []string{"E", "I"} {
		cell := "—"
		for _, p := range sr.Rates {
			if p.Population == pop {
				cell = fmt.Sprintf("%.3g ± %.3g", p.MeanHz, p.StdHz)
			}
		}
		row = append(row, cell)
	}
	return append(row, fmt.Sprintf("%.1f%%", 100*sr.Below1Hz), fmt.Sprintf("%.1f%%", 100*sr.Above50Hz), fmt.Sprintf("%.1f s", rec.DurationMs/1000))
}

// spikeGroup stores a recording: spike times (ms) and neuron ids (E first).
func spikeGroup(name string, rec *snn.SpikeRecord) h5Group {
	return h5Group{Name: name, Arrays: []export.Array{
		export.NewArray("timestamps_ms", rec.TimesMs), export.NewArray("node_ids", rec.IDs)},
		Attrs: map[string]string{"what": fmt.Sprintf("every spike while streaming the test split (%.0f ms); neurons 0…%d excitatory, %d…%d inhibitory",
			rec.DurationMs, rec.NE-1, rec.NE, rec.N-1)}}
}

// readSpikeGroup reads back the recording spikeGroup stored as group in
// the HDF5 file path: the spikes of n neurons (ne excitatory) over
// durationMs, which the file's arrays do not hold and the caller knows
// from the model that was recorded. Spikes outside those bounds mean the
// file holds another recording: an error.
func readSpikeGroup(path, group string, n, ne int, durationMs float64) (*snn.SpikeRecord, error) {
	f, err := export.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := f.OpenGroup(group)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	times, _, err := export.Read[float64](g, "timestamps_ms")
	if err != nil {
		return nil, err
	}
	ids, _, err := export.Read[int32](g, "node_ids")
	if err != nil {
		return nil, err
	}
	if len(times) != len(ids) {
		return nil, fmt.Errorf("pipeline: %s: %s holds %d spike times and %d neuron ids", path, group, len(times), len(ids))
	}
	for k, t := range times {
		// Times are steps times dt: allow the rounding of a product.
		if !(t > 0 && t <= durationMs*(1+1e-12)) || ids[k] < 0 || int(ids[k]) >= n {
			return nil, fmt.Errorf("pipeline: %s: %s does not hold the recording of %d neurons over %g ms (spike %d: neuron %d at %g ms); rerun the snn stage with --force",
				path, group, n, durationMs, k, ids[k], t)
		}
	}
	return &snn.SpikeRecord{TimesMs: times, IDs: ids, N: n, NE: ne, DurationMs: durationMs}, nil
}
