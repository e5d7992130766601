// Command reference writes the outputs of neurodyn's Go API for a fixed set
// of inputs, so that the Python tests (python/tests/test_capi_reference.py)
// can check that the same calls through libneurodyn give exactly the same
// numbers.
//
//	go run ./capi/internal/reference -out build/capi/reference
//
// It writes reference.json (inputs, configurations and results) and
// network.toml (the spiking network spec used). Every value is computed here
// with the library packages directly, never through the C interface.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// networkSpec is a small network with every recorder kind the tests fetch.
const networkSpec = `dt_ms = 0.1
seed = 11

[[population]]
name = "E"
n = 80
sign = 1
params = { tau_mem_ms = 20.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0, t_ref_ms = 2.0 }
v_init = { dist = "uniform", low = -60.0, high = -50.0 }

[[population]]
name = "I"
n = 20
sign = -1
params = { tau_mem_ms = 10.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0 }

[[projection]]
source = "E"
target = "I"
rule = { kind = "fixed_indegree", k = 10 }
weights = { value = 30.0 }
delay_ms = 1.0

[[projection]]
source = "I"
target = "E"
rule = { kind = "fixed_prob", p = 0.2 }
weights = { value = 60.0 }
delay_ms = 0.5

[[device]]
kind = "poisson"
target = "E"
rate_hz = 3000.0
weight = 25.0

[[device]]
name = "drive"
kind = "time_series"
target = "I"
series_dt_ms = 1.0
series = [[0.0], [1.0]]
input_weights = { dist = "uniform", low = 100.0, high = 300.0 }

[[recorder]]
kind = "spikes"
population = "E"

[[recorder]]
kind = "spikes"
population = "I"

[[recorder]]
name = "v"
kind = "state"
population = "E"
neurons = [0, 5, 7]
interval_ms = 0.5

[[recorder]]
name = "rate"
kind = "rate"
population = "I"
bin_ms = 2.0
`

func main() {
	out := flag.String("out", "", "output directory")
	flag.Parse()
	if *out == "" {
		log.Fatal("reference: -out is required")
	}
	if err := run(*out); err != nil {
		log.Fatal("reference: ", err)
	}
}

// f32 converts float32 values to float64 (exactly) for JSON.
func f32(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ref := map[string]any{}

	// Lorenz dataset.
	lcfg := tasks.LorenzConfig{TrainT: 3, ValT: 1, TestT: 1, EvalT: 4, SeqLength: 20}
	d, err := tasks.GenerateLorenz(lcfg)
	if err != nil {
		return err
	}
	tw, err := d.Windows("test")
	if err != nil {
		return err
	}
	ref["lorenz"] = map[string]any{
		"config": map[string]any{"TrainT": 3, "ValT": 1, "TestT": 1, "EvalT": 4, "SeqLength": 20},
		"train":  d.Train.Data, "val": d.Val.Data, "test": d.Test.Data, "eval": d.Eval.Data,
		"mean": d.Mean, "std": d.Std, "test_windows": tw.Len(),
		"test_window3_input": f32(tw.Input32(3)), "test_window3_target": f32(tw.Target32(3)),
	}

	// Flip-flop.
	fcfg := tasks.FlipFlopConfig{Steps: 30, TrainTrials: 40, ValTrials: 10, TestTrials: 10, Seed: 7}
	ff, err := tasks.GenerateFlipFlop(fcfg)
	if err != nil {
		return err
	}
	ref["flipflop"] = map[string]any{
		"config":      map[string]any{"Steps": 30, "TrainTrials": 40, "ValTrials": 10, "TestTrials": 10, "Seed": 7},
		"test_inputs": f32(ff.Test.Inputs), "test_targets": f32(ff.Test.Targets),
	}

	// Spiking network: run 150 ms, switch the time-series input, run 50 ms.
	if err := os.WriteFile(filepath.Join(dir, "network.toml"), []byte(networkSpec), 0o644); err != nil {
		return err
	}
	spec, err := kernel.DecodeTOML(bytes.NewReader([]byte(networkSpec)))
	if err != nil {
		return err
	}
	net, err := kernel.New(spec)
	if err != nil {
		return err
	}
	if err := net.Run(150); err != nil {
		return err
	}
	if err := net.SetSeries("drive", [][]float64{{0.5}, {-0.5}, {2}}); err != nil {
		return err
	}
	if err := net.Run(50); err != nil {
		return err
	}
	se, si := net.Recorder("spikes:E").Spikes(), net.Recorder("spikes:I").Spikes()
	v, r := net.Recorder("v").Frames(), net.Recorder("rate").Frames()
	st := net.Stats()
	ref["network"] = map[string]any{
		"e_times": se.TimesMs, "e_ids": se.IDs, "i_times": si.TimesMs, "i_ids": si.IDs,
		"v_times": v.TimesMs, "v_values": f32(v.Data), "rate_times": r.TimesMs, "rate_values": f32(r.Data),
		"spikes": st.Spikes, "syn_events": st.SynEvents, "synapses": st.Synapses,
	}
	net.Close()
	bspec, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Seed: 3, Record: true})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := kernel.EncodeTOML(&b, bspec); err != nil {
		return err
	}
	ref["preset_brunel_500"] = b.String()

	// CT-RNN: initial parameters, one-step predictions, every output, closed
	// loop; then two epochs of training.
	x := make([]float32, 0, 5*tw.InputSize())
	for i := 0; i < 5; i++ {
		x = append(x, tw.Input32(i)...)
	}
	ccfg := ctrnn.Config{Hidden: 12, Seed: 5}
	cm, err := ctrnn.New[float32](ccfg)
	if err != nil {
		return err
	}
	cy, err := cm.PredictLast(x, 5, 20)
	if err != nil {
		return err
	}
	cf, err := cm.Forward(x, 5, 20, true)
	if err != nil {
		return err
	}
	cg, err := cm.Generate(x[:2*tw.InputSize()], 2, 20, 30)
	if err != nil {
		return err
	}
	tc := learn.TrainConfig{Epochs: 2, BatchSize: 16, Adam: learn.AdamConfig{LR: 0.01}, Seed: 3}
	tm, err := ctrnn.New[float32](ccfg)
	if err != nil {
		return err
	}
	trw, err := tasks.NewWindows(&d.Train, 20, 1, 1)
	if err != nil {
		return err
	}
	vw, err := tasks.NewWindows(&d.Val, 20, 1, 1)
	if err != nil {
		return err
	}
	tr, err := learn.NewTrainer(tm, tc)
	if err != nil {
		return err
	}
	res, err := tr.Fit(context.Background(), trw, vw)
	if err != nil {
		return err
	}
	tm.Reset()
	vt, err := analysis.ValidTime(tm, d.Eval.Data, 3, analysis.ClosedLoopConfig{Starts: 3, Warmup: 20, Horizon: 50})
	if err != nil {
		return err
	}
	ref["ctrnn"] = map[string]any{
		"config": map[string]any{"Hidden": 12, "Seed": 5}, "x": f32(x),
		"params": f32(cm.Params().Flat()), "predict": f32(cy), "forward": f32(cf.All), "hidden": f32(cf.Hidden),
		"generate":       f32(cg),
		"train":          map[string]any{"Epochs": 2, "BatchSize": 16, "Adam": map[string]any{"LR": 0.01}, "Seed": 3, "Window": 20, "ValWindow": 20},
		"trained_params": f32(tm.Params().Flat()), "best_val": res.BestVal, "epochs": res.Epochs,
		"valid_time_config": map[string]any{"Starts": 3, "Warmup": 20, "Horizon": 50},
		"valid_steps":       vt.Steps,
	}

	// Rate network.
	rcfg := rate.Config{NE: 8, NI: 4, Seed: 2}
	rm, err := rate.New[float32](rcfg)
	if err != nil {
		return err
	}
	ry, err := rm.PredictLast(x, 5, 20)
	if err != nil {
		return err
	}
	w := make([]float64, 12*12)
	rm.EffectiveWeights(w)
	ref["rate"] = map[string]any{
		"config": map[string]any{"NE": 8, "NI": 4, "Seed": 2},
		"params": f32(rm.Params().Flat()), "predict": f32(ry), "weights": w,
	}

	// Spiking model (filtered readout, abs Dale) and reservoirs.
	scfg := snn.Config{NE: 16, NI: 4, Seed: 3, Readout: snn.ReadoutFiltered, Dale: snn.DaleAbs}
	sm, err := snn.New[float32](scfg)
	if err != nil {
		return err
	}
	sy, err := sm.PredictLast(x, 5, 20, snn.RunOptions{})
	if err != nil {
		return err
	}
	sparams := f32(sm.Params().Flat())
	rfit, err := snn.FitReadout(sm, trw, vw, 5, nil)
	if err != nil {
		return err
	}
	sy2, err := sm.PredictLast(x, 5, 20, snn.RunOptions{})
	if err != nil {
		return err
	}
	res2, err := snn.NewReservoir(snn.ReservoirConfig{N: 60, SampleMs: 4, Washout: 20, Seed: 2}, 3)
	if err != nil {
		return err
	}
	defer res2.Close()
	resFit, err := res2.FitLorenz(d)
	if err != nil {
		return err
	}
	esn, err := snn.NewESN(snn.ESNConfig{N: 40, Washout: 20, Seed: 2}, 3)
	if err != nil {
		return err
	}
	esnFit, err := esn.FitLorenz(d)
	if err != nil {
		return err
	}
	ref["snn"] = map[string]any{
		"config": map[string]any{"NE": 16, "NI": 4, "Seed": 3, "Readout": "filtered", "Dale": "abs"},
		"params": sparams, "predict": f32(sy), "readout_lambda": rfit.Lambda, "predict_fitted": f32(sy2),
		"reservoir_config":    map[string]any{"N": 60, "SampleMs": 4, "Washout": 20, "Seed": 2},
		"reservoir_test_rmse": resFit.TestRMSE, "reservoir_lambda": resFit.Lambda,
		"esn_config":    map[string]any{"N": 40, "Washout": 20, "Seed": 2},
		"esn_test_rmse": esnFit.TestRMSE,
	}

	// Analysis on arrays.
	n := 200
	pred, truth := make([]float64, n*2), make([]float64, n*2)
	for i := range truth {
		truth[i] = math.Sin(0.1*float64(i)) + 0.01*float64(i%7)
		pred[i] = truth[i] + 0.05*math.Cos(0.37*float64(i))
	}
	m, err := analysis.Evaluate(pred, truth, 2)
	if err != nil {
		return err
	}
	traj, err := analysis.SampleFlow(analysis.Lorenz63{}, []float64{1, 1, 1}, 0.01, 3000, 5)
	if err != nil {
		return err
	}
	xs := make([]float64, len(traj)/3)
	for i := range xs {
		xs[i] = traj[3*i]
	}
	emb, err := analysis.DelayEmbed(traj[:300], 3, 3, 4)
	if err != nil {
		return err
	}
	mi, err := analysis.MutualInformation(xs, 30, 0)
	if err != nil {
		return err
	}
	lag, err := analysis.AutoLag(xs)
	if err != nil {
		return err
	}
	fnn, err := analysis.FalseNeighbours(xs, lag, 5, 0)
	if err != nil {
		return err
	}
	ros, err := analysis.LargestFromSeries(traj, 3, analysis.RosensteinConfig{Dt: 0.01})
	if err != nil {
		return err
	}
	ref["analysis"] = map[string]any{
		"pred": pred, "truth": truth,
		"metrics": []float64{m.MSE, m.RMSE, m.MAE, m.NRMSERange, m.NRMSEStd, m.MeanR2, m.R2GrandMean, m.Pearson, m.R2[0], m.R2[1]},
		"lorenz":  traj, "embed": emb, "mutual_information": mi, "auto_lag": lag, "false_neighbours": fnn,
		"rosenstein_lambda": ros.Lambda,
	}

	f, err := os.Create(filepath.Join(dir, "reference.json"))
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(ref); err != nil {
		f.Close()
		return fmt.Errorf("encode: %w", err)
	}
	return f.Close()
}
