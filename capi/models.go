//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/modelfile"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// model is what the C interface needs of a trainable sequence model; the
// float32 models of ctrnn and rate implement it, the spiking model through
// snnModel. Lyapunov spectra need learn.StepMap besides.
type model interface {
	learn.Model
	learn.Stepper
	PredictLast(x []float32, n, L int) ([]float32, error)
	Forward(x []float32, n, L int, hidden bool) (*leaky.Output[float32], error)
	Generate(warm []float32, n, W, steps int) ([]float32, error)
}

// contextGenerator is the closed loop of the float32 models of ctrnn and
// rate, stopped by a context (the spiking model and the reservoirs run
// their streams one after another through learn.Stepper instead).
type contextGenerator interface {
	GenerateContext(ctx context.Context, warm []float32, n, W, steps int) ([]float32, int, error)
}

// streamPiece is the number of samples neurodyn_model_stream runs between
// two looks for a cancel.
const streamPiece = 64

// memoryModel is what the float32 models of ctrnn and rate tell of their
// forward runs' memory (their training's is learn.TrainBytes).
type memoryModel interface {
	ForwardBytes(n, L int, hidden bool) float64
	PredictBytes(n, L int) float64
	GenerateBytes(n, steps int) float64
}

// modelKinds are the handle kinds holding a *modelObj: the trainable models
// and the reservoirs (steppers with a readout fitted in closed form).
var (
	modelKinds     = []string{"ctrnn", "rate", "snn", "reservoir", "esn"}
	trainableKinds = []string{"ctrnn", "rate", "snn"}
)

type modelObj struct {
	s      learn.Stepper // every kind
	m      model         // the trainable kinds; nil for reservoirs
	config any           // the configuration (defaults filled in)
	result *learn.Result // the last training's result
	fit    any           // a reservoir's last readout fit
	// fitted reports whether a reservoir's readout is set (nil for the
	// trainable kinds, which always have one).
	fitted func() bool
	// data is the dataset the model was last trained or fitted on (nil:
	// none, or a flip-flop task): its dt and its system's λ₁ are the
	// defaults of the closed-loop protocol (closedLoopUnits); lam caches
	// that λ₁.
	data *tasks.Dataset
	lam  *dataLambda1
}

// dataLambda1 is the largest Lyapunov exponent of a dataset's system per
// time unit of the data (NaN: unknown) and where it comes from (or why it
// is unknown).
type dataLambda1 struct {
	value  float64
	source string
}

// sampleDtSetter is a model whose data time per step (SampleDt, the unit
// of its Lyapunov exponents) can be set: ctrnn's and rate's.
type sampleDtSetter interface {
	SetSampleDt(dt float64) error
}

// trainedOn records that mo is being trained or fitted on task (a dataset,
// or nil for a flip-flop task): a CT-RNN's or rate network's SampleDt
// becomes the dataset's dt, as `neurodyn train` sets it, so that its
// Lyapunov exponents are per time unit of the data; the closed-loop
// protocol takes the dataset's dt and λ₁ (closedLoopUnits).
func trainedOn(mo *modelObj, d *tasks.Dataset) error {
	if mo.data == d {
		return nil
	}
	mo.data, mo.lam = d, nil
	if d == nil {
		return nil
	}
	if sm, ok := mo.m.(sampleDtSetter); ok && d.Dt > 0 && mo.m.(learn.StepMap).StepTime() != d.Dt {
		if err := sm.SetSampleDt(d.Dt); err != nil {
			return err
		}
		mo.config = typedConfig(mo)
	}
	return nil
}

// lambda1Of returns the λ₁ of the system of mo's dataset (mo.data != nil),
// computed once: for Lorenz-63 analysis.LorenzSystemLambda1 of its
// parameters, for a series the estimate from its train split
// (analysis.TrainLambda1), as the pipeline's SystemLambda1.
func lambda1Of(mo *modelObj) *dataLambda1 {
	if mo.lam != nil {
		return mo.lam
	}
	d := mo.data
	lam := &dataLambda1{value: math.NaN()}
	if name, _ := d.Params["task"].(string); name == "lorenz63" {
		var l tasks.Lorenz
		l.Sigma, _ = d.Params["sigma"].(float64)
		l.Rho, _ = d.Params["rho"].(float64)
		l.Beta, _ = d.Params["beta"].(float64)
		at := fmt.Sprintf("Lorenz-63 at sigma=%g, rho=%g, beta=%.4g", l.Sigma, l.Rho, l.Beta)
		switch v, err := analysis.LorenzSystemLambda1(l); {
		case err != nil:
			lam.source = at + ": its spectrum failed: " + err.Error()
		case !(v > 0) || math.IsInf(v, 0):
			lam.source = fmt.Sprintf("%s: lambda1 from its Jacobian is %.4g, not positive (not chaotic there)", at, v)
		default:
			lam.value, lam.source = v, "the training data's system, "+at
		}
	} else {
		r, used, err := analysis.TrainLambda1(d)
		switch {
		case err != nil:
			lam.source = "no estimate of the training data's lambda1 (" + err.Error() + ")"
		case math.IsNaN(r.Lambda):
			lam.source = "Rosenstein's method on variable 0 of the training data's train split found no exponential divergence (a periodic or quasi-periodic series)"
		case !(r.Lambda > 0) || math.IsInf(r.Lambda, 0):
			lam.source = fmt.Sprintf("the training data's lambda1 estimate (Rosenstein on variable 0 of its train split) is %g, not a positive exponent", r.Lambda)
		default:
			lam.value = r.Lambda
			lam.source = fmt.Sprintf("estimated from the training data: Rosenstein on variable 0 over its train split's last %d samples (fit R2 %.3f)", used, r.FitR2)
		}
	}
	mo.lam = lam
	return lam
}

// closedLoopUnits fills the time units c leaves at 0 from what mo was
// trained on and returns where Lambda1 comes from. Dt: the dataset's dt,
// else the model's StepTime (a CT-RNN's or rate network's SampleDt, which
// `neurodyn train` sets to its data's dt), else the protocol's default
// (analysis.DefaultDt, Lorenz's 0.01). Lambda1: the λ₁ of the dataset's
// system (lambda1Of; an error saying why and what to give when it is
// unknown), else the protocol's default, Lorenz-63's
// (analysis.LorenzLambda1), said so in the source.
func closedLoopUnits(mo *modelObj, c *analysis.ClosedLoopConfig) (string, error) {
	if c.Dt == 0 {
		switch {
		case mo.data != nil:
			c.Dt = mo.data.Dt
		case mo.m != nil:
			if sm, ok := mo.m.(learn.StepMap); ok {
				if _, ok := mo.m.(sampleDtSetter); ok {
					c.Dt = sm.StepTime()
				}
			}
		}
	}
	if c.Lambda1 != 0 {
		return "given (Lambda1)", nil
	}
	if mo.data == nil {
		return fmt.Sprintf("the default, Lorenz-63's %g (analysis.LorenzLambda1): the model was not trained or fitted on a dataset in this process; give Lambda1 (Python: lambda1=) for other data", analysis.LorenzLambda1), nil
	}
	lam := lambda1Of(mo)
	if math.IsNaN(lam.value) {
		return "", errorf(statusInvalid, "config: Lambda1 not given, and the lambda1 of the data the model was trained on is unknown: %s; give Lambda1 (Python: lambda1=), the true system's largest Lyapunov exponent per time unit of the data, for valid times in Lyapunov times", lam.source)
	}
	c.Lambda1 = lam.value
	return lam.source, nil
}

// ready checks that the object can predict: a reservoir needs its readout.
func (mo *modelObj) ready() error {
	if mo.fitted != nil && !mo.fitted() {
		return errorf(statusState, "the reservoir's readout is not fitted: call neurodyn_reservoir_fit first")
	}
	return nil
}

// modelBytes estimates the memory a model with p parameters and n state
// units takes in training: parameters, gradients, optimizer moments, the
// best copy and the engine's effective tensors.
func modelBytes(p, n float64) float64 { return 4 * (10*p + 16*n) }

// checkCTRNN validates a CT-RNN configuration and checks the memory its
// model takes in training against the limit.
func checkCTRNN(c ctrnn.Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	d := c.WithDefaults()
	h, i, o := float64(d.Hidden), float64(d.Inputs), float64(d.Outputs)
	return checkMemory("the CT-RNN", modelBytes(h*h+h*i+h+o*h+o, h))
}

// checkRate is checkCTRNN for the rate network.
func checkRate(c rate.Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	d := c.WithDefaults()
	n, i, o := float64(d.NE+d.NI), float64(d.Inputs), float64(d.Outputs)
	return checkMemory("the rate network", modelBytes(2*n*n+n*i+n+o*n+o, n))
}

//export neurodyn_ctrnn_new
func neurodyn_ctrnn_new(config *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_ctrnn_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	var c ctrnn.Config
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := checkCTRNN(c); err != nil {
		return fail(fn, err)
	}
	m, err := ctrnn.New[float32](c)
	if err != nil {
		return fail(fn, err)
	}
	*out = newHandle("ctrnn", &modelObj{s: m, m: m, config: m.Config()}, nil)
	return statusOK
}

//export neurodyn_rate_new
func neurodyn_rate_new(config *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_rate_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	var c rate.Config
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := checkRate(c); err != nil {
		return fail(fn, err)
	}
	m, err := rate.New[float32](c)
	if err != nil {
		return fail(fn, err)
	}
	*out = newHandle("rate", &modelObj{s: m, m: m, config: m.Config()}, nil)
	return statusOK
}

// getModel locks the model of h (a trainable model unless kinds say
// otherwise); the caller must `defer o.release()`.
func getModel(h C.neurodyn_handle, kinds ...string) (*object, *modelObj, error) {
	if len(kinds) == 0 {
		kinds = trainableKinds
	}
	o, err := acquire(h, "h", kinds...)
	if err != nil {
		return nil, nil, err
	}
	return o, o.v.(*modelObj), nil
}

type tensorInfo struct {
	Name   string `json:"name"`
	Shape  []int  `json:"shape"`
	Offset int    `json:"offset"`
	Frozen bool   `json:"frozen"`
}

type modelInfo struct {
	Kind      string       `json:"kind"`
	Config    any          `json:"config"`
	Inputs    int          `json:"inputs"`
	Outputs   int          `json:"outputs"`
	StateDim  int          `json:"state_dim"`
	NumParams int          `json:"num_params"`
	Tensors   []tensorInfo `json:"tensors"`
	Features  int          `json:"features,omitempty"` // a reservoir's spike features, an ESN's units
	Counts    any          `json:"counts,omitempty"`   // a spiking model's parameter counts
	Fit       any          `json:"fit,omitempty"`      // a reservoir's or ESN's last readout fit (or its file's)
}

//export neurodyn_model_info
func neurodyn_model_info(h C.neurodyn_handle, buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_info"
	defer guard(fn, &rc)
	o, mo, err := getModel(h, modelKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	s := mo.s
	info := modelInfo{Kind: o.kind, Config: mo.config, Inputs: s.InputDim(), Outputs: s.OutputDim(),
		StateDim: s.StateDim(), Tensors: []tensorInfo{}, Fit: mo.fit}
	if mo.m != nil {
		p := mo.m.Params()
		info.NumParams = p.Len()
		for i := 0; i < p.NumTensors(); i++ {
			s := p.Spec(i)
			lo, _ := p.Range(i)
			info.Tensors = append(info.Tensors, tensorInfo{Name: s.Name, Shape: s.Shape, Offset: lo, Frozen: s.Frozen})
		}
	}
	switch r := mo.s.(type) {
	case *snn.Reservoir:
		info.Features = r.Features()
	case *snn.ESN:
		info.Features = r.StateDim() // its units' states, read out with the input
	}
	if sm, ok := mo.m.(*snnModel); ok {
		info.Counts = sm.Counts()
	}
	return putString(fn, encodeJSON(info), buf, bufLen, needed)
}

//export neurodyn_model_dims
func neurodyn_model_dims(h C.neurodyn_handle, inputs, outputs, stateDim, numParams *C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_dims"
	defer guard(fn, &rc)
	o, mo, err := getModel(h, modelKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	s := mo.s
	np := 0
	if mo.m != nil {
		np = mo.m.Params().Len()
	}
	for _, v := range []struct {
		p *C.int64_t
		n int
	}{{inputs, s.InputDim()}, {outputs, s.OutputDim()}, {stateDim, s.StateDim()}, {numParams, np}} {
		if v.p != nil {
			*v.p = C.int64_t(v.n)
		}
	}
	return statusOK
}

//export neurodyn_model_params
func neurodyn_model_params(h C.neurodyn_handle, out *C.float, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_params"
	defer guard(fn, &rc)
	o, mo, err := getModel(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	flat := mo.m.Params().Flat()
	dst, err := outSlice[float32]("out", out, outLen, len(flat))
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, flat)
	return statusOK
}

//export neurodyn_model_set_params
func neurodyn_model_set_params(h C.neurodyn_handle, params *C.nd_cfloat, n C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_set_params"
	defer guard(fn, &rc)
	o, mo, err := getModel(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	flat := mo.m.Params().Flat()
	if int64(n) != int64(len(flat)) {
		return fail(fn, errorf(statusInvalid, "len = %d: the model has %d parameter values", int64(n), len(flat)))
	}
	src, err := inSlice[float32]("params", params, len(flat))
	if err != nil {
		return fail(fn, err)
	}
	if err := checkFinite32("params", src); err != nil {
		return fail(fn, err)
	}
	copy(flat, src)
	mo.m.Reset()
	return statusOK
}

// lossJSON reads a Loss whose Kind may be a name ("last", "all", "next",
// "closedloop") or its number.
type lossJSON struct {
	Kind         json.RawMessage
	Warmup       int
	Horizon      int
	WarmupWeight float64
}

func (l *lossJSON) loss() (learn.Loss, error) {
	out := learn.Loss{Warmup: l.Warmup, Horizon: l.Horizon, WarmupWeight: l.WarmupWeight}
	if len(l.Kind) == 0 {
		return out, nil
	}
	var name string
	if err := json.Unmarshal(l.Kind, &name); err == nil {
		k, err := learn.ParseLossKind(name)
		if err != nil {
			return out, err
		}
		out.Kind = k
		return out, nil
	}
	var k int
	if err := json.Unmarshal(l.Kind, &k); err != nil {
		return out, errorf(statusInvalid, "config: Loss.Kind = %s: must be a name (last, all, next, closedloop) or its number", l.Kind)
	}
	out.Kind = learn.LossKind(k)
	return out, nil
}

// trainConfig is the JSON of neurodyn_model_train: a learn.TrainConfig (its
// fields promoted) plus the windowing of dataset tasks.
type trainConfig struct {
	learn.TrainConfig
	Loss                      *lossJSON
	ValLoss                   *lossJSON
	Window, Stride, ValWindow int
}

// trainOverwriteHint is the remedy for an existing training checkpoint in
// the C API's words (Python's: neurodyn/_capi.py).
const trainOverwriteHint = `set "Overwrite": true in config to replace it, or "Resume": true to continue from it`

//export neurodyn_model_train
func neurodyn_model_train(h, task C.neurodyn_handle, config *C.nd_cchar) (rc C.int) {
	const fn = "neurodyn_model_train"
	defer guard(fn, &rc)
	o, c0, err := acquireCancellable(h, "h", trainableKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	mo := o.v.(*modelObj)
	tv, kind, err := peek(task, "task", "lorenz", "series", "flipflop")
	if err != nil {
		return fail(fn, err)
	}
	var tc trainConfig
	if err := decodeConfig("config", optString(config), &tc); err != nil {
		return fail(fn, err)
	}
	c := tc.TrainConfig
	if tc.Loss != nil {
		if c.Loss, err = tc.Loss.loss(); err != nil {
			return fail(fn, invalid(err))
		}
	} else if kind == "flipflop" {
		c.Loss = learn.Loss{Kind: learn.LossAll}
	}
	if tc.ValLoss != nil {
		l, err := tc.ValLoss.loss()
		if err != nil {
			return fail(fn, invalid(err))
		}
		c.ValLoss = &l
	}
	if c.Meta == "" {
		c.Meta = encodeJSON(map[string]any{"kind": o.kind, "config": mo.config})
	}
	m := mo.m
	keep := keepEpochs(m, &c) // what a cancelled training leaves
	var train, val learn.Source
	switch d := tv.(type) {
	case *tasks.Dataset:
		if m.InputDim() != d.Dim || m.OutputDim() != d.Dim {
			return fail(fn, errorf(statusInvalid, "task has %d variables, the model %d inputs and %d outputs", d.Dim, m.InputDim(), m.OutputDim()))
		}
		w, s, vw := tc.Window, tc.Stride, tc.ValWindow
		if w == 0 {
			w = d.SeqLength
		}
		if s == 0 {
			s = 1
		}
		if vw == 0 {
			vw = d.SeqLength
		}
		tw, err := tasks.NewWindows(&d.Train, w, d.Horizon, s)
		if err != nil {
			return fail(fn, invalid(fmt.Errorf("config: Window = %d, Stride = %d: %w", w, s, err)))
		}
		vwin, err := tasks.NewWindows(&d.Val, vw, d.Horizon, 1)
		if err != nil {
			return fail(fn, invalid(fmt.Errorf("config: ValWindow = %d: %w", vw, err)))
		}
		train, val = tw, vwin
	case *tasks.FlipFlop:
		if tc.Window != 0 || tc.Stride != 0 || tc.ValWindow != 0 {
			return fail(fn, errorf(statusInvalid, "config: Window, Stride and ValWindow apply to dataset tasks, not to a flip-flop task"))
		}
		if m.InputDim() != d.Train.Bits || m.OutputDim() != d.Train.Bits {
			return fail(fn, errorf(statusInvalid, "task has %d bits, the model %d inputs and %d outputs", d.Train.Bits, m.InputDim(), m.OutputDim()))
		}
		train, val = &d.Train, &d.Val
	}
	if err := c.Validate(); err != nil {
		return fail(fn, err)
	}
	ds, _ := tv.(*tasks.Dataset)
	if err := trainedOn(mo, ds); err != nil {
		return fail(fn, err)
	}
	// Batches, per-shard gradients and the BPTT trajectory of a batch.
	dc := c.WithDefaults()
	steps := float64(train.InputSize()) / float64(m.InputDim())
	batch := float64(max(dc.BatchSize, dc.ValBatch))
	est := 4 * (batch*(steps+1)*float64(m.InputDim()+m.OutputDim()+8*m.StateDim()) + float64(dc.Shards+4)*float64(m.Params().Len()))
	// The trainer's own estimate: for ctrnn and rate it counts the BPTT
	// tape of every solver substep.
	est = max(est, learn.TrainBytes(m, dc, train, val))
	if err := checkMemory("training", est); err != nil {
		return fail(fn, err)
	}
	t, err := learn.NewTrainer(m, c)
	if err != nil {
		return fail(fn, err)
	}
	var res *learn.Result
	err = offThread(func() (err error) { res, err = keep.fit(c0, t, train, val); return err })
	m.Reset()
	if res != nil {
		mo.result = res
	}
	if err != nil {
		return fail(fn, export.WithOverwriteHint(err, trainOverwriteHint))
	}
	return statusOK
}

//export neurodyn_model_train_result
func neurodyn_model_train_result(h C.neurodyn_handle, buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_train_result"
	defer guard(fn, &rc)
	o, mo, err := getModel(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if mo.result == nil {
		return fail(fn, errorf(statusState, "the model has not been trained"))
	}
	return putString(fn, encodeJSON(mo.result), buf, bufLen, needed)
}

// sequences checks n sequences of steps samples of width values (a caller
// array) and returns a view of them; stepsArg names steps in errors (the C
// argument: steps, warmup).
func sequences(arg string, x *C.nd_cfloat, n C.int64_t, stepsArg string, steps C.int64_t, width int) ([]float32, int, int, error) {
	nn, err := positive("n", n)
	if err != nil {
		return nil, 0, 0, err
	}
	L, err := positive(stepsArg, steps)
	if err != nil {
		return nil, 0, 0, err
	}
	total, err := product(arg, nn, L, width)
	if err != nil {
		return nil, 0, 0, err
	}
	v, err := inSlice[float32](arg, x, total)
	if err != nil {
		return nil, 0, 0, err
	}
	if err := checkFinite32(arg, v); err != nil {
		return nil, 0, 0, err
	}
	return v, nn, L, nil
}

//export neurodyn_model_predict
func neurodyn_model_predict(h C.neurodyn_handle, x *C.nd_cfloat, n, steps C.int64_t, y *C.float, yLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_predict"
	defer guard(fn, &rc)
	o, mo, err := getModel(h, modelKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	s := mo.s
	in, nn, L, err := sequences("x", x, n, "steps", steps, s.InputDim())
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float32]("y", y, yLen, nn*s.OutputDim())
	if err != nil {
		return fail(fn, err)
	}
	if err := mo.ready(); err != nil {
		return fail(fn, err)
	}
	if mo.m == nil { // a reservoir: one stream per sequence, its workers off the caller's thread
		offThread(func() error { stepperPredict(s, in, nn, L, dst); return nil })
		return statusOK
	}
	est := float64(nn) * float64(s.StateDim()) * 64
	if mm, ok := mo.m.(memoryModel); ok {
		est = max(est, mm.PredictBytes(nn, L))
	}
	if err := checkMemory("the batch", est); err != nil {
		return fail(fn, err)
	}
	out, err := mo.m.PredictLast(in, nn, L)
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, out)
	return statusOK
}

//export neurodyn_model_forward
func neurodyn_model_forward(h C.neurodyn_handle, x *C.nd_cfloat, n, steps C.int64_t, y *C.float, yLen C.int64_t,
	hidden *C.float, hiddenLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_forward"
	defer guard(fn, &rc)
	o, mo, err := getModel(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	m := mo.m
	if _, spiking := m.(*snnModel); spiking && hidden != nil {
		// Before the sizes: no buffer is large enough.
		return fail(fn, errorf(statusState, "hidden: a spiking model has no hidden trajectory to return: pass hidden = NULL"))
	}
	in, nn, L, err := sequences("x", x, n, "steps", steps, m.InputDim())
	if err != nil {
		return fail(fn, err)
	}
	ny, err := product("y", nn, L, m.OutputDim())
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float32]("y", y, yLen, ny)
	if err != nil {
		return fail(fn, err)
	}
	nh, err := product("hidden", nn, L+1, m.StateDim())
	if err != nil {
		return fail(fn, err)
	}
	hdst, err := optOutSlice[float32]("hidden", hidden, hiddenLen, nh)
	if err != nil {
		return fail(fn, err)
	}
	est := float64(ny+nh)*4 + float64(nn)*float64(m.StateDim())*64
	if mm, ok := m.(memoryModel); ok {
		est = max(est, mm.ForwardBytes(nn, L, hdst != nil))
	}
	if err := checkMemory("the forward pass", est); err != nil {
		return fail(fn, err)
	}
	out, err := m.Forward(in, nn, L, hdst != nil)
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, out.All)
	if hdst != nil {
		copy(hdst, out.Hidden)
	}
	return statusOK
}

//export neurodyn_model_generate
func neurodyn_model_generate(h C.neurodyn_handle, warm *C.nd_cfloat, n, warmup, steps C.int64_t, y *C.float, yLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_generate"
	defer guard(fn, &rc)
	o, mo, c, err := getModelCancellable(h, modelKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	m := mo.s
	if m.InputDim() != m.OutputDim() {
		return fail(fn, errorf(statusState, "closed loop needs inputs == outputs, the model has %d and %d", m.InputDim(), m.OutputDim()))
	}
	in, nn, W, err := sequences("warm", warm, n, "warmup", warmup, m.InputDim())
	if err != nil {
		return fail(fn, err)
	}
	k, err := positive("steps", steps)
	if err != nil {
		return fail(fn, err)
	}
	ny, err := product("y", nn, k, m.OutputDim())
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float32]("y", y, yLen, ny)
	if err != nil {
		return fail(fn, err)
	}
	if err := mo.ready(); err != nil {
		return fail(fn, err)
	}
	if mo.m != nil {
		est := float64(ny)*4 + float64(nn)*float64(m.StateDim())*64
		if mm, ok := mo.m.(memoryModel); ok {
			est = max(est, mm.GenerateBytes(nn, k))
		}
		if err := checkMemory("the closed-loop run", est); err != nil {
			return fail(fn, err)
		}
	}
	bg, ok := mo.m.(contextGenerator)
	if !ok { // a reservoir or a spiking model: one stream after another
		var streams, outputs int
		state := func() string {
			return fmt.Sprintf("y holds the outputs of the first %d streams and the first %d outputs of the next, the rest of y is untouched; the model is unchanged", streams, outputs)
		}
		err := c.run(state, func(ctx context.Context) (err error) {
			streams, outputs, err = stepperGenerate(ctx, m, in, nn, W, k, dst)
			return err
		})
		if err != nil {
			return fail(fn, err)
		}
		return statusOK
	}
	var out []float32
	var done int
	state := func() string {
		return fmt.Sprintf("y holds the first %d outputs of each stream, the rest of y is untouched; the model is unchanged", done)
	}
	err = c.run(state, func(ctx context.Context) (err error) {
		out, done, err = bg.GenerateContext(ctx, in, nn, W, k)
		if out != nil { // all of it, or the outputs finished when cancelled
			O := m.OutputDim()
			for i := 0; i < nn; i++ {
				copy(dst[i*k*O:(i*k+done)*O], out[i*k*O:(i*k+done)*O])
			}
		}
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	return statusOK
}

//export neurodyn_model_stream
func neurodyn_model_stream(h C.neurodyn_handle, x *C.nd_cdouble, samples, dim C.int64_t, y *C.double, yLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_stream"
	defer guard(fn, &rc)
	o, mo, c, err := getModelCancellable(h, modelKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	s := mo.s
	v, d, err := series("x", x, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	if d != s.InputDim() {
		return fail(fn, errorf(statusInvalid, "dim = %d: the model has %d inputs", d, s.InputDim()))
	}
	n := int(samples)
	ny, err := product("y", n, s.OutputDim())
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float64]("y", y, yLen, ny)
	if err != nil {
		return fail(fn, err)
	}
	if err := mo.ready(); err != nil {
		return fail(fn, err)
	}
	s.Reset()
	defer s.Reset()
	out := s.OutputDim()
	// Checked every streamPiece samples: an atomic load, nothing next to a
	// step. On a goroutine of its own (offThread): a reservoir's steps run
	// the kernel's workers.
	err = offThread(func() error {
		for t := 0; t < n; t++ {
			if t%streamPiece == streamPiece-1 && c.cancelled() {
				return errorf(statusCancelled, "cancelled (neurodyn_cancel) after %d of %d samples: rows 0 to %d of y hold their outputs, the rest of y is untouched; the model is unchanged", t, n, t-1)
			}
			s.Step(dst[t*out:(t+1)*out], v[t*d:(t+1)*d])
		}
		return nil
	})
	if err != nil {
		return fail(fn, err)
	}
	return statusOK
}

// metricsLen is the number of values neurodyn_metrics writes for dim
// variables (NEURODYN_METRICS_LEN).
func metricsLen(dim int) int { return 8 + dim }

func putMetrics(dst []float64, m analysis.Metrics) {
	copy(dst, []float64{m.MSE, m.RMSE, m.MAE, m.NRMSERange, m.NRMSEStd, m.MeanR2, m.R2GrandMean, m.Pearson})
	copy(dst[8:], m.R2)
}

// evalBatch is the number of trials run per batch in flip-flop scores, as
// analysis.EvalBatch windows are in one-step evaluations.
const evalBatch = analysis.EvalBatch

//export neurodyn_model_evaluate
func neurodyn_model_evaluate(h, dataset C.neurodyn_handle, split *C.nd_cchar, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_evaluate"
	defer guard(fn, &rc)
	o, mo, c, err := getModelCancellable(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	d, err := getDataset(dataset, "dataset")
	if err != nil {
		return fail(fn, err)
	}
	_, name, err := getSplit(d, split)
	if err != nil {
		return fail(fn, err)
	}
	m := mo.m
	if m.InputDim() != d.Dim || m.OutputDim() != d.Dim {
		return fail(fn, errorf(statusInvalid, "dataset has %d variables, the model %d inputs and %d outputs", d.Dim, m.InputDim(), m.OutputDim()))
	}
	dst, err := outSlice[float64]("out", out, outLen, metricsLen(d.Dim))
	if err != nil {
		return fail(fn, err)
	}
	var met analysis.Metrics
	err = c.run(func() string { return "out is untouched and the model unchanged" }, func(ctx context.Context) (err error) {
		met, err = analysis.EvaluateBatchContext(ctx, d, name, m)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	putMetrics(dst, met)
	return statusOK
}

//export neurodyn_model_flipflop_score
func neurodyn_model_flipflop_score(h, flipflop C.neurodyn_handle, split *C.nd_cchar, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_model_flipflop_score"
	defer guard(fn, &rc)
	o, mo, c, err := getModelCancellable(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	ff, err := getFlipFlop(flipflop, "flipflop")
	if err != nil {
		return fail(fn, err)
	}
	s, err := flipFlopSplit(ff, split)
	if err != nil {
		return fail(fn, err)
	}
	m := mo.m
	if m.InputDim() != s.Bits || m.OutputDim() != s.Bits {
		return fail(fn, errorf(statusInvalid, "task has %d bits, the model %d inputs and %d outputs", s.Bits, m.InputDim(), m.OutputDim()))
	}
	dst, err := outSlice[float64]("out", out, outLen, 2)
	if err != nil {
		return fail(fn, err)
	}
	per := s.Steps * s.Bits
	var sq float64
	var right int
	err = offThread(func() error {
		for b := 0; b < s.Trials; b += evalBatch {
			if c.cancelled() {
				return errorf(statusCancelled, "cancelled (neurodyn_cancel) after %d of %d trials: nothing was returned (out is untouched) and the model is unchanged", b, s.Trials)
			}
			k := min(evalBatch, s.Trials-b)
			res, err := m.Forward(s.Inputs[b*per:(b+k)*per], k, s.Steps, false)
			if err != nil {
				return err
			}
			for j, y := range res.All {
				t := s.Targets[b*per+j]
				e := float64(y) - float64(t)
				sq += e * e
				if (y > 0.5) == (t > 0.5) {
					right++
				}
			}
		}
		return nil
	})
	if err != nil {
		return fail(fn, err)
	}
	total := float64(s.Trials * per)
	dst[0], dst[1] = sq/total, float64(right)/total
	return statusOK
}

//export neurodyn_model_valid_time
func neurodyn_model_valid_time(h C.neurodyn_handle, traj *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar,
	result **C.char) (rc C.int) {
	const fn = "neurodyn_model_valid_time"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	o, mo, cc, err := getModelCancellable(h, modelKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if err := mo.ready(); err != nil {
		return fail(fn, err)
	}
	x, dimN, err := series("traj", traj, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	var c analysis.ClosedLoopConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := c.Validate(); err != nil {
		return fail(fn, err)
	}
	lamSource, err := closedLoopUnits(mo, &c)
	if err != nil {
		return fail(fn, err)
	}
	d := c.WithDefaults()
	if err := checkMemory("the closed-loop protocol", float64(d.Starts)*64+float64(d.Horizon)*float64(dimN+2)*16); err != nil {
		return fail(fn, err)
	}
	var vt *analysis.ValidTimes
	err = cc.run(unchanged("model"), func(ctx context.Context) (err error) {
		vt, err = analysis.ValidTimeContext(ctx, mo.s, x, dimN, c)
		return err
	})
	mo.s.Reset()
	if err != nil {
		return fail(fn, err)
	}
	lo, hi := vt.MedianCI()
	return putResult(fn, encodeJSON(validTimesJSON{vt, [2]float64{lo, hi}, lamSource}), result)
}

// validTimesJSON is analysis.ValidTimes with the 95% confidence interval of
// its median in Lyapunov times (ValidTimes.MedianCI; NaNs with fewer than 6
// starts) and where the λ₁ of its Lyapunov times comes from
// (closedLoopUnits).
type validTimesJSON struct {
	*analysis.ValidTimes
	MedianCI95    [2]float64 `json:"median_ci95_lyapunov"`
	Lambda1Source string     `json:"lambda1_source"`
}

// spectrumJSON is analysis.Spectrum with its Kaplan–Yorke dimension.
type spectrumJSON struct {
	*analysis.Spectrum
	KaplanYorke float64 `json:"kaplan_yorke"`
}

//export neurodyn_model_lyapunov
func neurodyn_model_lyapunov(h C.neurodyn_handle, warm *C.nd_cdouble, warmup C.int64_t, config *C.nd_cchar,
	result **C.char) (rc C.int) {
	const fn = "neurodyn_model_lyapunov"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	o, mo, cc, err := getModelCancellable(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	m, ok := mo.m.(learn.StepMap)
	if !ok {
		return fail(fn, errorf(statusState, "a %s model has no step Jacobian (spiking networks are not differentiable): use neurodyn_lyapunov_series on a generated trajectory", o.kind))
	}
	x, _, err := seriesRows("warm", warm, "warmup", warmup, C.int64_t(m.InputDim()))
	if err != nil {
		return fail(fn, err)
	}
	var c analysis.MapSpectrumConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	k, n := float64(max(c.K, m.StateDim())), float64(m.StateDim())
	if err := checkMemory("the spectrum", 8*(float64(max(c.Checkpoints, 100))*k+k*n+n*n*4)); err != nil {
		return fail(fn, err)
	}
	var s *analysis.Spectrum
	err = cc.run(unchanged("model"), func(ctx context.Context) (err error) {
		s, err = analysis.ModelSpectrumContext(ctx, m, x, c)
		return err
	})
	m.Reset()
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(spectrumJSON{s, s.KaplanYorke()}), result)
}

//export neurodyn_model_fixed_points
func neurodyn_model_fixed_points(h C.neurodyn_handle, input *C.nd_cdouble, inputs C.int64_t, visited *C.nd_cdouble, rows, stateDim C.int64_t,
	config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_model_fixed_points"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	o, mo, cc, err := getModelCancellable(h, "ctrnn", "rate")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	d := mo.m.(learn.Dynamics)
	if int64(inputs) != int64(d.InputDim()) {
		return fail(fn, errorf(statusInvalid, "inputs = %d: the model has %d inputs", int64(inputs), d.InputDim()))
	}
	if int64(stateDim) != int64(d.StateDim()) {
		return fail(fn, errorf(statusInvalid, "state_dim = %d: the model's state has %d values", int64(stateDim), d.StateDim()))
	}
	x, err := inSlice[float64]("input", input, d.InputDim())
	if err != nil {
		return fail(fn, err)
	}
	if err := checkFinite64("input", x); err != nil {
		return fail(fn, err)
	}
	v, _, err := seriesRows("visited", visited, "rows", rows, stateDim)
	if err != nil {
		return fail(fn, err)
	}
	var c analysis.FixedPointConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	n := float64(d.StateDim())
	if err := checkMemory("the fixed-point search", float64(max(c.Starts, 256))*n*(n+4)*8*2); err != nil {
		return fail(fn, err)
	}
	var r *analysis.FixedPointResult
	err = cc.run(unchanged("model"), func(ctx context.Context) (err error) {
		r, err = analysis.FixedPointsContext(ctx, d, x, v, c)
		return err
	})
	mo.m.Reset()
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(r), result)
}

//export neurodyn_model_save
func neurodyn_model_save(h C.neurodyn_handle, path *C.nd_cchar, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_model_save"
	defer guard(fn, &rc)
	o, mo, err := getModel(h, modelKinds...)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	opts, err := fileOptions(overwrite)
	if err != nil {
		return fail(fn, err)
	}
	config := encodeJSON(mo.config)
	prov, err := json.Marshal(modelfile.NewProvenance(config, "json", export.Seed{Name: "seed", Value: configSeed(mo)}))
	if err != nil {
		return fail(fn, err)
	}
	if mo.m == nil {
		// A reservoir or ESN: its readout, in the file format of `neurodyn
		// train` (modelfile.SaveReadout), with the fit it reports.
		if modelfile.Format(p) != ".npz" {
			return fail(fn, errorf(statusInvalid, "path = %q: a %s's model file is .npz (its readout's arrays and metadata)", p, o.kind))
		}
		if err := mo.ready(); err != nil {
			return fail(fn, err)
		}
		fit := encodeJSON(plainJSON(mo.fit))
		meta := fmt.Sprintf(`{"kind":%q,"config":%s,"dim":%d,"fit":%s,"provenance":%s}`, o.kind, config, mo.s.InputDim(), fit, prov)
		if err := modelfile.SaveReadout(p, readoutOf(mo), []byte(meta), opts...); err != nil {
			return fail(fn, ioError(err))
		}
		return statusOK
	}
	meta := fmt.Sprintf(`{"kind":%q,"config":%s,"provenance":%s}`, o.kind, config, prov)
	switch modelfile.Format(p) {
	case ".npz":
		err = learn.SaveParams(p, mo.m.Params(), meta, opts...)
	case ".h5":
		err = learn.SaveParamsHDF5(p, mo.m.Params(), meta, opts...)
	default:
		return fail(fn, errorf(statusInvalid, "path = %q: must end in .h5 (or .hdf5: HDF5) or .npz", p))
	}
	if err != nil {
		return fail(fn, ioError(err))
	}
	return statusOK
}

// readoutOf returns the readout of a reservoir or ESN object (nil before
// its fit).
func readoutOf(mo *modelObj) *snn.Linear {
	switch r := mo.s.(type) {
	case *snn.Reservoir:
		return r.Readout
	case *snn.ESN:
		return r.Readout
	}
	return nil
}

// plainJSON returns a fit (a pointer to a flat struct of numbers:
// snn.ReservoirFit, snn.ESNFit) as a map from field names to values, with
// nil (JSON null) for a NaN or infinite number, so that its JSON is
// standard (encodeJSON writes NaN, which a model file's metadata, read by
// encoding/json, may not hold). Anything else is returned as it is.
func plainJSON(fit any) any {
	v := reflect.ValueOf(fit)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return fit
	}
	out := make(map[string]any, v.NumField())
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		x := v.Field(i).Interface()
		if r, ok := x.(float64); ok && (math.IsNaN(r) || math.IsInf(r, 0)) {
			x = nil
		}
		out[f.Name] = x
	}
	return out
}

// storedFit is the fit a reservoir or ESN opened from a file reports: the
// one stored with it (files of neurodyn_model_save; null for the numbers
// that were NaN), else what its readout tells (files of `neurodyn train`
// and the tutorial store no fit): Lambda, the regularization, and
// Features, the regressors per row.
func storedFit(h modelfile.Header, l *snn.Linear) any {
	var fit map[string]any
	if len(h.Fit) > 0 && json.Unmarshal(h.Fit, &fit) == nil && fit != nil {
		return fit
	}
	return map[string]any{"Lambda": l.Lambda, "Features": l.F}
}

// typedConfig returns the configuration of a model object as its package's
// type (ctrnn.Config, rate.Config, snn.Config, snn.ReservoirConfig,
// snn.ESNConfig), defaults filled in.
func typedConfig(mo *modelObj) any {
	switch m := mo.s.(type) {
	case *ctrnn.Model[float32]:
		return m.Config()
	case *rate.Model[float32]:
		return m.Config()
	case *snn.Model[float32]:
		return m.Config()
	case *snn.Reservoir:
		return m.Config()
	case *snn.ESN:
		return m.Config()
	}
	return nil
}

// configSeed returns the initialization seed of a model object's
// configuration.
func configSeed(mo *modelObj) uint64 {
	switch c := typedConfig(mo).(type) {
	case ctrnn.Config:
		return c.Seed
	case rate.Config:
		return c.Seed
	case snn.Config:
		return c.Seed
	case snn.ReservoirConfig:
		return c.Seed
	case snn.ESNConfig:
		return c.Seed
	}
	return 0
}

// checkStored refuses a model file (metadata meta) saved from another kind
// of model or from a configuration that differs from mo's in the dynamics
// or the parameter layout (modelfile.ConfigDiff), naming every differing
// field with its stored and given values. Metadata without a kind or a
// configuration (a file of learn.SaveParams with other metadata) is not
// compared: the tensors are still checked by name and size.
func checkStored(kind string, mo *modelObj, path, meta string) error {
	var h struct {
		Kind   string          `json:"kind"`
		Config json.RawMessage `json:"config"`
	}
	if json.Unmarshal([]byte(meta), &h) != nil || h.Kind == "" {
		return nil
	}
	if h.Kind != kind {
		return errorf(statusInvalid, "path = %q: holds the parameters of a %s model, not of a %s: open it with neurodyn_model_open (Python: neurodyn.load_model)", path, h.Kind, kind)
	}
	if len(h.Config) == 0 {
		return nil
	}
	stored, err := modelfile.DecodeConfig(h.Kind, h.Config)
	if err != nil {
		return errorf(statusInvalid, "path = %q: its stored configuration does not decode: %v", path, err)
	}
	if diff := modelfile.ConfigDiff(kind, stored, typedConfig(mo)); diff != nil {
		return modelfile.DiffError("path", path, kind, diff)
	}
	return nil
}

//export neurodyn_model_load
func neurodyn_model_load(h C.neurodyn_handle, path *C.nd_cchar, best C.int32_t) (rc C.int) {
	const fn = "neurodyn_model_load"
	defer guard(fn, &rc)
	o, mo, err := getModel(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	b, err := boolArg("best", best)
	if err != nil {
		return fail(fn, err)
	}
	if modelfile.Format(p) != "" {
		if meta, err := modelfile.ReadMeta(p); err == nil {
			if err := checkStored(o.kind, mo, p, meta); err != nil {
				return fail(fn, err)
			}
		}
	}
	params := mo.m.Params()
	if err := loadSaved(params, p); err == nil {
		mo.m.Reset()
		return statusOK
	} else if err != errNotSaved {
		return fail(fn, ioError(err))
	}
	trial := params.Clone()
	if err := learn.LoadParams(trial, p, b); err != nil {
		return fail(fn, ioError(err))
	}
	if err := checkFinite32("parameters in "+p, trial.Flat()); err != nil {
		return fail(fn, err)
	}
	copy(params.Flat(), trial.Flat())
	mo.m.Reset()
	return statusOK
}

var errNotSaved = fmt.Errorf("not a file of neurodyn_model_save")

// loadSaved reads a file written by neurodyn_model_save into p (all or
// nothing); errNotSaved if the file is not one.
func loadSaved(p *learn.Params[float32], path string) error {
	var err error
	switch modelfile.Format(path) {
	case ".npz":
		_, err = learn.LoadParamsNPZ(p, path)
	case ".h5":
		_, err = learn.LoadParamsHDF5(p, path)
	default:
		return errNotSaved
	}
	if err != nil {
		if errors.Is(err, learn.ErrNotParamsFile) {
			return errNotSaved
		}
		if errors.Is(err, param.ErrInvalid) {
			return errorf(statusInvalid, "%v", err)
		}
		return err
	}
	return nil
}

//export neurodyn_model_open
func neurodyn_model_open(path *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_model_open"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	hd, err := modelfile.ReadHeader(p)
	if err != nil {
		return fail(fn, ioError(err))
	}
	cfg, err := modelfile.DecodeConfig(hd.Kind, hd.Config)
	if err != nil {
		return fail(fn, err)
	}
	// The sizes are validated and the memory checked as by the
	// constructors, before anything is allocated.
	switch c := cfg.(type) {
	case ctrnn.Config:
		err = checkCTRNN(c)
	case rate.Config:
		err = checkRate(c)
	case snn.Config:
		err = checkSNN(c)
	case snn.ReservoirConfig:
		err = checkReservoir(c, hd.Dim)
	case snn.ESNConfig:
		err = checkESN(c, hd.Dim)
	}
	if err != nil {
		return fail(fn, err)
	}
	m, err := modelfile.Build(p, hd)
	if err != nil {
		return fail(fn, ioError(err))
	}
	switch {
	case m.CTRNN != nil:
		*out = newHandle("ctrnn", &modelObj{s: m.CTRNN, m: m.CTRNN, config: m.CTRNN.Config()}, nil)
	case m.Rate != nil:
		*out = newHandle("rate", &modelObj{s: m.Rate, m: m.Rate, config: m.Rate.Config()}, nil)
	case m.SNN != nil:
		*out = newHandle("snn", &modelObj{s: m.SNN, m: &snnModel{m.SNN}, config: snnConfigJSONOut(m.SNN.Config())}, nil)
	case m.Reservoir != nil:
		r := m.Reservoir
		*out = newHandle("reservoir", &modelObj{s: r, config: r.Config(), fit: storedFit(hd, r.Readout), fitted: func() bool { return r.Readout != nil }}, r.Close)
	default:
		e := m.ESN
		*out = newHandle("esn", &modelObj{s: e, config: e.Config(), fit: storedFit(hd, e.Readout), fitted: func() bool { return e.Readout != nil }}, nil)
	}
	return statusOK
}

//export neurodyn_rate_balance
func neurodyn_rate_balance(h C.neurodyn_handle, states *C.nd_cdouble, k, stateDim C.int64_t,
	result **C.char) (rc C.int) {
	const fn = "neurodyn_rate_balance"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	o, mo, err := getModel(h, "rate")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	m := mo.m.(*rate.Model[float32])
	if int64(stateDim) != int64(m.StateDim()) {
		return fail(fn, errorf(statusInvalid, "state_dim = %d: the model's state has %d values", int64(stateDim), m.StateDim()))
	}
	x, _, err := seriesRows("states", states, "k", k, stateDim)
	if err != nil {
		return fail(fn, err)
	}
	b, err := m.BalanceOf(x, int(k))
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(b), result)
}

//export neurodyn_rate_weights
func neurodyn_rate_weights(h C.neurodyn_handle, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_rate_weights"
	defer guard(fn, &rc)
	o, mo, err := getModel(h, "rate")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	m := mo.m.(*rate.Model[float32])
	n := m.StateDim()
	dst, err := outSlice[float64]("out", out, outLen, n*n)
	if err != nil {
		return fail(fn, err)
	}
	m.EffectiveWeights(dst)
	return statusOK
}

// series views a caller's (samples × dim) float64 array, checking the sizes
// and that every value is finite.
func series(arg string, x *C.nd_cdouble, samples, dim C.int64_t) ([]float64, int, error) {
	return seriesRows(arg, x, "samples", samples, dim)
}

// seriesRows is series with rowsArg naming the C argument that gives the
// number of rows (samples, n, warmup, rows, k) in errors.
func seriesRows(arg string, x *C.nd_cdouble, rowsArg string, samples, dim C.int64_t) ([]float64, int, error) {
	n, err := positive(rowsArg, samples)
	if err != nil {
		return nil, 0, err
	}
	d, err := positive("dim", dim)
	if err != nil {
		return nil, 0, err
	}
	total, err := product(arg, n, d)
	if err != nil {
		return nil, 0, err
	}
	v, err := inSlice[float64](arg, x, total)
	if err != nil {
		return nil, 0, err
	}
	if err := checkFinite64(arg, v); err != nil {
		return nil, 0, err
	}
	return v, d, nil
}
