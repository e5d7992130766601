package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/sweep"
)

func init() {
	sweep.Register(reservoirEvaluator{})
}

// reservoirEvaluator sweeps the liquid-state machine (snn.Reservoir: LIF
// reservoir on the event-driven engine, ridge readout of filtered spikes,
// input and bias) on the tutorial's Lorenz task. A point at the default
// size (500 neurons, 20 ms per sample, the whole training split) takes a
// few seconds on one core.
type reservoirEvaluator struct{}

// reservoirParam is one parameter of the reservoir evaluator: its default,
// the check of a value (a param error naming the key and what is allowed)
// and the field it sets.
type reservoirParam struct {
	def   float64
	check func(k string, v float64) error
	set   func(c *snn.ReservoirConfig, v float64)
	field string // the snn.ReservoirConfig field, for its Validate errors
	doc   string
}

// reservoirParams maps the spec's parameter names to the fields they set,
// with the evaluator's defaults (a smaller reservoir than snn's default, so
// that a point takes seconds). Every value is used as given: the evaluator
// fills in every field and builds the configuration with ExplicitZeros, so
// that a 0 in a spec is a zero (g = 0: no inhibition), never snn's default.
var reservoirParams = map[string]reservoirParam{
	"n":          {500, resIntIn(1, 1<<20), func(c *snn.ReservoirConfig, v float64) { c.N = int(v) }, "N", "neurons (an integer in [1, 1048576])"},
	"frac_e":     {0.8, resFracE, func(c *snn.ReservoirConfig, v float64) { c.FracE = v }, "FracE", "excitatory fraction (in (0, 1]: at least one excitatory neuron; 1: no inhibitory population)"},
	"sample_ms":  {20, resPositive, func(c *snn.ReservoirConfig, v float64) { c.SampleMs = v }, "SampleMs", "ms per input sample (> 0, a multiple of dt_ms)"},
	"dt_ms":      {1, resPositive, func(c *snn.ReservoirConfig, v float64) { c.DtMs = v }, "DtMs", "integration step (ms; > 0)"},
	"tau_mem_ms": {20, resPositive, func(c *snn.ReservoirConfig, v float64) { c.TauMemMs = v }, "TauMemMs", "membrane time constant (ms; > 0)"},
	"tau_syn_ms": {5, resPositive, func(c *snn.ReservoirConfig, v float64) { c.TauSynMs = v }, "TauSynMs", "synaptic time constant (ms; > 0)"},
	"t_ref_ms": {2, resFinite, func(c *snn.ReservoirConfig, v float64) { c.RefractoryMs = v }, "RefractoryMs",
		"refractory period (ms; <= 0: none)"},
	"input_scale": {1, resNonNegative, func(c *snn.ReservoirConfig, v float64) { c.InputScale = v }, "InputScale", "input weight std (rheobase units; >= 0, 0: no input)"},
	"bias_mean":   {1, resFinite, func(c *snn.ReservoirConfig, v float64) { c.BiasMean = v }, "BiasMean", "bias current mean (rheobase units; any finite value, 1: at threshold)"},
	"bias_std":    {0.3, resNonNegative, func(c *snn.ReservoirConfig, v float64) { c.BiasStd = v }, "BiasStd", "bias current std (rheobase units; >= 0, 0: every neuron bias_mean)"},
	"p":           {0.1, resAtMostOne, func(c *snn.ReservoirConfig, v float64) { c.P = v }, "P", "recurrent connection probability (<= 1; <= 0: no recurrent synapses)"},
	"weight_pa":   {20, resFinite, func(c *snn.ReservoirConfig, v float64) { c.WeightPA = v }, "WeightPA", "excitatory weight (pA; any finite value, 0: recurrent synapses without effect)"},
	"g":           {4, resNonNegative, func(c *snn.ReservoirConfig, v float64) { c.G = v }, "G", "inhibitory/excitatory weight ratio (>= 0, 0: no inhibition)"},
	"delay_ms":    {1, resNonNegative, func(c *snn.ReservoirConfig, v float64) { c.DelayMs = v }, "DelayMs", "synaptic delay (ms; >= 0, a multiple of dt_ms; 0: the next step)"},
	"dynamic": {0, resZeroOrOne, func(c *snn.ReservoirConfig, v float64) { c.DynamicSynapses = v == 1 }, "DynamicSynapses",
		"recurrent synapses with Tsodyks–Markram short-term plasticity (1: Maass et al. 2002's parameters by connection type; 0: static)"},
	"tau_fast_ms": {10, resPositive, func(c *snn.ReservoirConfig, v float64) { c.ReadoutTauMs[0] = v }, "ReadoutTauMs[0]", "first readout filter (ms; > 0)"},
	"tau_slow_ms": {50, resNonNegative, func(c *snn.ReservoirConfig, v float64) { c.ReadoutTauMs[1] = v }, "ReadoutTauMs[1]", "second readout filter (ms; >= 0, 0: none)"},
	"train_samples": {0, resTrainSamples, func(c *snn.ReservoirConfig, v float64) { c.TrainSamples = int(v) }, "TrainSamples",
		fmt.Sprintf("training samples (0: the whole split; else an integer in [%d, %d]: the fit leaves out the first %d, the washout, and needs two more)", resMinTrain, resMaxTrain, resWashout)},
	"starts": {20, resIntIn(0, 1000), nil, "", "closed-loop starts for valid_time_lyap (an integer in [0, 1000]; 0: skip the closed-loop test)"},
}

// Checks of reservoir parameter values: param errors naming the key.
func resPositive(k string, v float64) error    { return param.Positive("reservoir", k, v) }
func resNonNegative(k string, v float64) error { return param.NonNegative("reservoir", k, v) }
func resFinite(k string, v float64) error      { return param.Finite("reservoir", k, v) }

func resFracE(k string, v float64) error {
	if !(v > 0 && v <= 1) {
		return param.New("reservoir", k, v, "in (0, 1] (at least one excitatory neuron)")
	}
	return nil
}

func resAtMostOne(k string, v float64) error {
	if !(v <= 1) || math.IsInf(v, 0) {
		return param.New("reservoir", k, v, "finite and <= 1 (<= 0: no recurrent synapses)")
	}
	return nil
}

func resZeroOrOne(k string, v float64) error {
	if v != 0 && v != 1 {
		return param.New("reservoir", k, v, "0 (static synapses) or 1 (Maass et al. 2002's short-term plasticity)")
	}
	return nil
}

// resWashout is the reservoir's washout (snn's default, which the
// evaluator keeps): the training samples the readout's fit leaves out.
var resWashout = snn.ReservoirConfig{}.WithDefaults().Washout

// resMinTrain and resMaxTrain bound a nonzero train_samples: the fit needs
// at least two samples after the washout (snn.Reservoir.FitLorenz refuses
// fewer when the point runs, naming its own field).
var resMinTrain, resMaxTrain = resWashout + 2, 1 << 30

// resTrainSamples checks train_samples: 0 (the whole training split) or an
// integer in [resMinTrain, resMaxTrain].
func resTrainSamples(k string, v float64) error {
	if v == 0 {
		return nil
	}
	if v != math.Trunc(v) || v < float64(resMinTrain) || v > float64(resMaxTrain) {
		return param.New("reservoir", k, v, fmt.Sprintf("0 (the whole training split) or an integer in [%d, %d] (more than the washout of %d samples plus one)", resMinTrain, resMaxTrain, resWashout))
	}
	return nil
}

func resIntIn(lo, hi float64) func(string, float64) error {
	return func(k string, v float64) error {
		if v != math.Trunc(v) || v < lo || v > hi {
			return param.New("reservoir", k, v, fmt.Sprintf("an integer in [%g, %g]", lo, hi))
		}
		return nil
	}
}

func (reservoirEvaluator) Name() string { return "reservoir" }

func (reservoirEvaluator) Describe() string {
	var b strings.Builder
	b.WriteString("liquid-state machine (LIF reservoir on the event-driven engine, ridge readout of spikes filtered at two time constants plus input and bias, regularization chosen on val) on the tutorial's Lorenz-63 task; params (default):")
	for _, k := range sortedParamNames() {
		p := reservoirParams[k]
		fmt.Fprintf(&b, " %s (%g) %s;", k, p.def, p.doc)
	}
	b.WriteString(" metrics: one-step test/val RMSE in original units, the RMSE with the spikes silenced and of an input-only readout, mean E/I rates (Hz), fraction of neurons outside 1–50 Hz, features, chosen lambda, harvest and fit seconds, and the closed-loop median valid time in Lyapunov times (analysis.ValidTime on the eval trajectory, `starts` starts, horizon 1000; -1 when starts = 0)")
	return b.String()
}

func sortedParamNames() []string {
	var k []string
	for n := range reservoirParams {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

func (reservoirEvaluator) Params() []string { return sortedParamNames() }

func (reservoirEvaluator) Metrics() []string {
	return []string{"test_rmse", "test_mae", "val_rmse", "silenced_rmse", "input_only_rmse", "rate_e_hz", "rate_i_hz",
		"frac_below_1hz", "frac_above_50hz", "features", "lambda", "harvest_s", "fit_s", "valid_time_lyap", "closed_loop_s"}
}

// reservoirConfig builds the reservoir configuration of a point: every
// value as given (checked), the evaluator's defaults for the others, and
// ExplicitZeros so that snn adds no default of its own. snn's Validate
// errors are renamed to the key that set the field.
func reservoirConfig(p sweep.Point) (snn.ReservoirConfig, int, error) {
	c := snn.ReservoirConfig{Seed: p.Seed, ReadoutTauMs: []float64{0, 0}, ExplicitZeros: true}
	for k := range p.Params {
		if _, ok := reservoirParams[k]; !ok {
			return c, 0, param.New("reservoir", "param", k, "one of "+strings.Join(sortedParamNames(), ", "))
		}
	}
	starts := 0
	for _, k := range sortedParamNames() {
		e := reservoirParams[k]
		v, ok := p.Params[k]
		if !ok {
			v = e.def
		}
		if err := e.check(k, v); err != nil {
			return c, 0, err
		}
		if k == "starts" {
			starts = int(v)
			continue
		}
		e.set(&c, v)
	}
	if c.ReadoutTauMs[1] == 0 {
		c.ReadoutTauMs = c.ReadoutTauMs[:1]
	}
	// The engine takes delays in whole steps (kernel's delay_ms).
	if k := math.Round(c.DelayMs / c.DtMs); c.DtMs > 0 && math.Abs(float64(k*c.DtMs)-c.DelayMs) > 1e-9*max(c.DelayMs, c.DtMs) {
		return c, 0, param.New("reservoir", "delay_ms", c.DelayMs, fmt.Sprintf(">= 0 and a multiple of dt_ms (%g)", c.DtMs))
	}
	if err := c.Validate(); err != nil {
		var pe *param.Error
		if errors.As(err, &pe) {
			var names []string // snn's field names in the message, as keys
			for _, k := range sortedParamNames() {
				if f := reservoirParams[k].field; len(f) > 1 { // not N, P, G: letters of other words
					names = append(names, f, k)
				}
			}
			allowed := strings.NewReplacer(names...).Replace(pe.Allowed)
			for _, k := range sortedParamNames() {
				if e := reservoirParams[k]; e.field != "" && e.field == pe.Name {
					return c, 0, param.New("reservoir", k, pe.Value, allowed)
				}
			}
		}
		return c, 0, err
	}
	return c, starts, nil
}

// CheckPoint checks a point's configuration without building the reservoir
// (sweep.PointChecker).
func (reservoirEvaluator) CheckPoint(p sweep.Point) error {
	_, _, err := reservoirConfig(p)
	return err
}

func (reservoirEvaluator) Evaluate(ctx context.Context, p sweep.Point) (map[string]float64, error) {
	c, starts, err := reservoirConfig(p)
	if err != nil {
		return nil, err
	}
	d, err := defaultLorenz()
	if err != nil {
		return nil, err
	}
	r, err := snn.NewReservoir(c, d.Dim)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fit, err := r.FitLorenz(d)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{
		"test_rmse": fit.TestRMSE, "test_mae": fit.TestMAE, "val_rmse": fit.ValRMSE,
		"silenced_rmse": fit.SilencedRMSE, "input_only_rmse": fit.InputOnlyRMSE,
		"rate_e_hz": fit.RateE, "rate_i_hz": fit.RateI,
		"frac_below_1hz": fit.BelowRate1Hz, "frac_above_50hz": fit.AboveRate50Hz,
		"features": float64(fit.Features), "lambda": fit.Lambda,
		"harvest_s": fit.HarvestSeconds, "fit_s": fit.FitSeconds,
		"valid_time_lyap": -1, "closed_loop_s": 0,
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if starts > 0 && d.Eval.Len > 0 {
		t0 := time.Now()
		vt, err := analysis.ValidTime(r, d.Eval.Data, d.Dim, analysis.ClosedLoopConfig{Starts: starts, Horizon: 1000})
		if err != nil {
			return nil, err
		}
		out["valid_time_lyap"] = vt.InLyapunov.Median
		out["closed_loop_s"] = time.Since(t0).Seconds()
	}
	return out, ctx.Err()
}
