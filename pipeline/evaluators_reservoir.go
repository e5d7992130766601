package pipeline

import (
	"context"
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

// reservoirParams maps the spec's parameter names to the fields they set,
// with the evaluator's defaults (a smaller reservoir than snn's default, so
// that a point takes seconds).
var reservoirParams = map[string]struct {
	def float64
	set func(c *snn.ReservoirConfig, v float64) error
	doc string
}{
	"n":           {500, func(c *snn.ReservoirConfig, v float64) error { return intParam("n", v, 1, 1<<20, &c.N) }, "neurons"},
	"frac_e":      {0.8, func(c *snn.ReservoirConfig, v float64) error { c.FracE = v; return nil }, "excitatory fraction"},
	"sample_ms":   {20, func(c *snn.ReservoirConfig, v float64) error { c.SampleMs = v; return nil }, "ms per input sample"},
	"dt_ms":       {1, func(c *snn.ReservoirConfig, v float64) error { c.DtMs = v; return nil }, "integration step (ms)"},
	"tau_mem_ms":  {20, func(c *snn.ReservoirConfig, v float64) error { c.TauMemMs = v; return nil }, "membrane time constant (ms)"},
	"tau_syn_ms":  {5, func(c *snn.ReservoirConfig, v float64) error { c.TauSynMs = v; return nil }, "synaptic time constant (ms)"},
	"t_ref_ms":    {2, func(c *snn.ReservoirConfig, v float64) error { c.RefractoryMs = v; return nil }, "refractory period (ms; < 0: none)"},
	"input_scale": {1, func(c *snn.ReservoirConfig, v float64) error { c.InputScale = v; return nil }, "input weight std (rheobase units)"},
	"bias_mean":   {1, func(c *snn.ReservoirConfig, v float64) error { c.BiasMean = v; return nil }, "bias current mean (rheobase units)"},
	"bias_std":    {0.3, func(c *snn.ReservoirConfig, v float64) error { c.BiasStd = v; return nil }, "bias current std (rheobase units)"},
	"p":           {0.1, func(c *snn.ReservoirConfig, v float64) error { c.P = v; return nil }, "recurrent connection probability (< 0: none)"},
	"weight_pa":   {20, func(c *snn.ReservoirConfig, v float64) error { c.WeightPA = v; return nil }, "excitatory weight (pA)"},
	"g":           {4, func(c *snn.ReservoirConfig, v float64) error { c.G = v; return nil }, "inhibitory/excitatory weight ratio"},
	"delay_ms":    {1, func(c *snn.ReservoirConfig, v float64) error { c.DelayMs = v; return nil }, "synaptic delay (ms)"},
	"dynamic": {0, func(c *snn.ReservoirConfig, v float64) error {
		if v != 0 && v != 1 {
			return param.New("reservoir", "dynamic", v, "0 (static synapses) or 1 (Maass et al. 2002's short-term plasticity)")
		}
		c.DynamicSynapses = v == 1
		return nil
	}, "recurrent synapses with Tsodyks–Markram short-term plasticity (1: Maass et al. 2002's parameters by connection type; 0: static)"},
	"tau_fast_ms": {10, func(c *snn.ReservoirConfig, v float64) error { c.ReadoutTauMs[0] = v; return nil }, "first readout filter (ms)"},
	"tau_slow_ms": {50, func(c *snn.ReservoirConfig, v float64) error { c.ReadoutTauMs[1] = v; return nil }, "second readout filter (ms; 0: none)"},
	"train_samples": {0, func(c *snn.ReservoirConfig, v float64) error {
		return intParam("train_samples", v, 0, 1<<30, &c.TrainSamples)
	}, "training samples (0: the whole split)"},
	"starts": {20, nil, "closed-loop starts for valid_time_lyap (0: skip the closed-loop test)"},
}

func intParam(name string, v, lo, hi float64, dst *int) error {
	if v != math.Trunc(v) || v < lo || v > hi {
		return param.New("reservoir", name, v, fmt.Sprintf("an integer in [%g, %g]", lo, hi))
	}
	*dst = int(v)
	return nil
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

// reservoirConfig builds the reservoir configuration of a point.
func reservoirConfig(p sweep.Point) (snn.ReservoirConfig, int, error) {
	c := snn.ReservoirConfig{Seed: p.Seed, ReadoutTauMs: []float64{0, 0}}
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
		if k == "starts" {
			if err := intParam("starts", v, 0, 1000, &starts); err != nil {
				return c, 0, err
			}
			continue
		}
		if err := e.set(&c, v); err != nil {
			return c, 0, err
		}
	}
	if c.ReadoutTauMs[1] == 0 {
		c.ReadoutTauMs = c.ReadoutTauMs[:1]
	}
	return c, starts, c.Validate()
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
