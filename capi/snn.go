//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/snn"
)

// snnModel adapts the spiking model to the model interface: PredictLast and
// Forward run it with default RunOptions, Generate runs the streams closed
// loop one after the other through its learn.Stepper.
type snnModel struct{ *snn.Model[float32] }

func (s *snnModel) PredictLast(x []float32, n, L int) ([]float32, error) {
	return s.Model.PredictLast(x, n, L, snn.RunOptions{})
}

func (s *snnModel) Forward(x []float32, n, L int, hidden bool) (*leaky.Output[float32], error) {
	if hidden {
		return nil, errorf(statusState, "a spiking model has no hidden trajectory to return: pass hidden = NULL")
	}
	out, err := s.Model.Run(x, n, L, snn.RunOptions{})
	if err != nil {
		return nil, err
	}
	return &leaky.Output[float32]{Last: out.Last, All: out.All}, nil
}

func (s *snnModel) Generate(warm []float32, n, W, steps int) ([]float32, error) {
	out := make([]float32, n*steps*s.OutputDim())
	if _, _, err := stepperGenerate(context.Background(), s.Model, warm, n, W, steps, out); err != nil {
		return nil, err
	}
	return out, nil
}

// stepperPredict runs each of n sequences (n×L×inputs) through a stepper from
// its reset state and writes the output after the last sample (n×outputs).
func stepperPredict(s learn.Stepper, x []float32, n, L int, dst []float32) {
	in, out := s.InputDim(), s.OutputDim()
	xv, yv := make([]float64, in), make([]float64, out)
	for i := 0; i < n; i++ {
		s.Reset()
		for t := 0; t < L; t++ {
			for j, v := range x[(i*L+t)*in : (i*L+t+1)*in] {
				xv[j] = float64(v)
			}
			s.Step(yv, xv)
		}
		for j, v := range yv {
			dst[i*out+j] = float32(v)
		}
	}
	s.Reset()
}

// stepperGenerate runs n streams closed loop through a stepper, one after the
// other (analysis.FreeRunContext): warm is n×W×inputs, dst n×steps×outputs.
// It returns the number of streams finished and the outputs of the next
// one written to dst (n and 0 unless ctx stopped it: then dst holds the
// finished streams and that many outputs of the next, the rest untouched).
func stepperGenerate(ctx context.Context, s learn.Stepper, warm []float32, n, W, steps int, dst []float32) (streams, outputs int, err error) {
	defer s.Reset()
	in, out := s.InputDim(), s.OutputDim()
	w := make([]float64, W*in)
	y := make([]float64, steps*out)
	for i := 0; i < n; i++ {
		for j, v := range warm[i*W*in : (i+1)*W*in] {
			w[j] = float64(v)
		}
		done, err := analysis.FreeRunContext(ctx, s, w, steps, y)
		for j, v := range y[:done*out] {
			dst[i*steps*out+j] = float32(v)
		}
		if err != nil {
			return i, done, err
		}
	}
	return n, 0, nil
}

// enumJSON decodes an enumeration given by name or by number.
func enumJSON[E ~int](arg string, raw json.RawMessage, parse func(string) (E, error), dst *E) error {
	if len(raw) == 0 {
		return nil
	}
	var name string
	if err := json.Unmarshal(raw, &name); err == nil {
		v, err := parse(name)
		if err != nil {
			return invalid(fmt.Errorf("config: %s: %w", arg, err))
		}
		*dst = v
		return nil
	}
	var k int
	if err := json.Unmarshal(raw, &k); err != nil {
		return errorf(statusInvalid, "config: %s = %s: must be a name or its number", arg, raw)
	}
	*dst = E(k)
	return nil
}

// snnConfigJSON reads snn.Config with its enumerations by name ("abs",
// "filtered", "exact", "soft", {"Kind": "fastsigmoid", "Alpha": 10}) or
// number.
type snnConfigJSON struct {
	snn.Config
	Dale, Readout, Discretization, Reset json.RawMessage
	Surrogate                            *struct {
		Kind  json.RawMessage
		Alpha float64
	}
}

func (j *snnConfigJSON) config() (snn.Config, error) {
	c := j.Config
	if err := enumJSON("Dale", j.Dale, snn.ParseDale, &c.Dale); err != nil {
		return c, err
	}
	if err := enumJSON("Readout", j.Readout, snn.ParseReadout, &c.Readout); err != nil {
		return c, err
	}
	if err := enumJSON("Discretization", j.Discretization, snn.ParseDiscretization, &c.Discretization); err != nil {
		return c, err
	}
	if err := enumJSON("Reset", j.Reset, snn.ParseResetMode, &c.Reset); err != nil {
		return c, err
	}
	if j.Surrogate != nil {
		c.Surrogate.Alpha = j.Surrogate.Alpha
		if err := enumJSON("Surrogate.Kind", j.Surrogate.Kind, learn.ParseSurrogate, &c.Surrogate.Kind); err != nil {
			return c, err
		}
	}
	return c, nil
}

// snnConfigOut is snn.Config as JSON with its enumerations by name.
type snnConfigOut struct {
	snn.Config
	Dale, Readout, Discretization, Reset string
	Surrogate                            struct {
		Kind  string
		Alpha float64
	}
}

func snnConfigJSONOut(c snn.Config) snnConfigOut {
	out := snnConfigOut{Config: c, Dale: c.Dale.String(), Readout: c.Readout.String(),
		Discretization: c.Discretization.String(), Reset: c.Reset.String()}
	out.Surrogate.Kind, out.Surrogate.Alpha = c.Surrogate.Kind.String(), c.Surrogate.Alpha
	return out
}

// checkSNN validates a spiking network's configuration and checks the
// memory its model takes in training against the limit.
func checkSNN(c snn.Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	d := c.WithDefaults()
	n := float64(d.N())
	return checkMemory("the spiking network", modelBytes(3*n*n+n*float64(d.Inputs+2)+float64(d.Features()+d.Inputs+1)*float64(d.Outputs), n))
}

// checkReservoir validates a reservoir's configuration for dim inputs and
// checks the memory of its network and readout fit against the limit.
func checkReservoir(c snn.ReservoirConfig, dim int) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if dim <= 0 {
		return errorf(statusInvalid, "dim = %d: must be positive", dim)
	}
	dc := c.WithDefaults()
	n, f := float64(dc.N), float64(dc.Features())
	return checkMemory("the reservoir", n*n*max(dc.P, 0)*8+n*float64(dim+2)*8+n*256+(f+float64(dim)+1)*(f+float64(dim)+1)*8*2)
}

// checkESN is checkReservoir for the echo-state network.
func checkESN(c snn.ESNConfig, dim int) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if dim <= 0 {
		return errorf(statusInvalid, "dim = %d: must be positive", dim)
	}
	n := float64(c.WithDefaults().N)
	return checkMemory("the echo-state network", n*n*8*6+(n+float64(dim)+1)*(n+float64(dim)+1)*8*2)
}

//export neurodyn_snn_new
func neurodyn_snn_new(config *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_snn_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	var j snnConfigJSON
	if err := decodeConfig("config", optString(config), &j); err != nil {
		return fail(fn, err)
	}
	c, err := j.config()
	if err != nil {
		return fail(fn, err)
	}
	if err := checkSNN(c); err != nil {
		return fail(fn, err)
	}
	m, err := snn.New[float32](c)
	if err != nil {
		return fail(fn, err)
	}
	sm := &snnModel{m}
	*out = newHandle("snn", &modelObj{s: m, m: sm, config: snnConfigJSONOut(m.Config())}, nil)
	return statusOK
}

//export neurodyn_snn_forecast
func neurodyn_snn_forecast(h, dataset C.neurodyn_handle, split *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_snn_forecast"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	o, mo, c, err := getModelCancellable(h, "snn")
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
	var f *snn.Forecast
	err = c.run(unchanged("model"), func(ctx context.Context) (err error) {
		f, err = snn.EvaluateForecastContext(ctx, mo.m.(*snnModel).Model, d, name)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(f), result)
}

//export neurodyn_snn_fit_readout
func neurodyn_snn_fit_readout(h, dataset C.neurodyn_handle, warmup C.int64_t, result **C.char) (rc C.int) {
	const fn = "neurodyn_snn_fit_readout"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	o, mo, c, err := getModelCancellable(h, "snn")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	d, err := getDataset(dataset, "dataset")
	if err != nil {
		return fail(fn, err)
	}
	w, err := positive("warmup", warmup)
	if err != nil {
		return fail(fn, err)
	}
	m := mo.m.(*snnModel).Model
	if m.InputDim() != d.Dim || m.OutputDim() != d.Dim {
		return fail(fn, errorf(statusInvalid, "dataset has %d variables, the model %d inputs and %d outputs", d.Dim, m.InputDim(), m.OutputDim()))
	}
	train, err := d.Windows("train")
	if err != nil {
		return fail(fn, err)
	}
	val, err := d.Windows("val")
	if err != nil {
		return fail(fn, err)
	}
	if w > d.SeqLength {
		return fail(fn, errorf(statusInvalid, "warmup = %d: must be in [1, seq_length = %d]", w, d.SeqLength))
	}
	var f *snn.ReadoutFit
	err = c.run(func() string { return "the model keeps its previous readout (nothing else changes)" }, func(ctx context.Context) (err error) {
		f, err = snn.FitReadoutContext(ctx, m, train, val, w, nil)
		return err
	})
	m.Reset()
	if err != nil {
		return fail(fn, err)
	}
	_ = trainedOn(mo, d) // no SampleDt to set: it cannot fail
	return putResult(fn, encodeJSON(f), result)
}

//export neurodyn_snn_weights
func neurodyn_snn_weights(h C.neurodyn_handle, out *C.float, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_snn_weights"
	defer guard(fn, &rc)
	o, mo, err := getModel(h, "snn")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	w := mo.m.(*snnModel).Recurrent()
	dst, err := outSlice[float32]("out", out, outLen, len(w))
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, w)
	return statusOK
}

//export neurodyn_snn_write_nir
func neurodyn_snn_write_nir(h C.neurodyn_handle, path *C.nd_cchar, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_snn_write_nir"
	defer guard(fn, &rc)
	o, mo, err := getModel(h, "snn")
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
	if err := mo.m.(*snnModel).WriteNIR(p, opts...); err != nil {
		return fail(fn, ioError(err))
	}
	return statusOK
}

//export neurodyn_reservoir_new
func neurodyn_reservoir_new(config *C.nd_cchar, dim C.int64_t, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_reservoir_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	d, err := positive("dim", dim)
	if err != nil {
		return fail(fn, err)
	}
	var c snn.ReservoirConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := checkReservoir(c, d); err != nil {
		return fail(fn, err)
	}
	r, err := snn.NewReservoir(c, d)
	if err != nil {
		return fail(fn, err)
	}
	mo := &modelObj{s: r, config: r.Config(), fitted: func() bool { return r.Readout != nil }}
	*out = newHandle("reservoir", mo, r.Close)
	return statusOK
}

//export neurodyn_esn_new
func neurodyn_esn_new(config *C.nd_cchar, dim C.int64_t, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_esn_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	d, err := positive("dim", dim)
	if err != nil {
		return fail(fn, err)
	}
	var c snn.ESNConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := checkESN(c, d); err != nil {
		return fail(fn, err)
	}
	e, err := snn.NewESN(c, d)
	if err != nil {
		return fail(fn, err)
	}
	mo := &modelObj{s: e, config: e.Config(), fitted: func() bool { return e.Readout != nil }}
	*out = newHandle("esn", mo, nil)
	return statusOK
}

//export neurodyn_reservoir_fit
func neurodyn_reservoir_fit(h, dataset C.neurodyn_handle, result **C.char) (rc C.int) {
	const fn = "neurodyn_reservoir_fit"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	o, mo, c, err := getModelCancellable(h, "reservoir", "esn")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	d, err := getDataset(dataset, "dataset")
	if err != nil {
		return fail(fn, err)
	}
	if d.Dim != mo.s.InputDim() {
		return fail(fn, errorf(statusInvalid, "dataset has %d variables, the reservoir %d inputs", d.Dim, mo.s.InputDim()))
	}
	var fit any
	state := func() string {
		if mo.fitted() {
			return "the reservoir keeps its previous readout and fit (neurodyn_model_info)"
		}
		return "the reservoir stays unfitted"
	}
	err = c.run(state, func(ctx context.Context) error {
		switch r := mo.s.(type) {
		case *snn.Reservoir:
			f, err := r.FitLorenzContext(ctx, d)
			fit = f
			return err
		case *snn.ESN:
			f, err := r.FitLorenzContext(ctx, d)
			fit = f
			return err
		}
		return nil
	})
	mo.s.Reset()
	if err != nil {
		return fail(fn, err)
	}
	mo.fit = fit
	_ = trainedOn(mo, d) // no SampleDt to set: it cannot fail
	return putResult(fn, encodeJSON(fit), result)
}

// harvestChunk is the number of samples neurodyn_reservoir_harvest copies
// at a time: the rows a cancelled harvest keeps grow by as many.
const harvestChunk = 64

//export neurodyn_reservoir_harvest
func neurodyn_reservoir_harvest(h C.neurodyn_handle, x *C.nd_cdouble, samples, dim C.int64_t, out *C.float, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_reservoir_harvest"
	defer guard(fn, &rc)
	o, mo, c, err := getModelCancellable(h, "reservoir")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	r := mo.s.(*snn.Reservoir)
	v, d, err := series("x", x, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	if d != r.InputDim() {
		return fail(fn, errorf(statusInvalid, "dim = %d: the reservoir has %d inputs", d, r.InputDim()))
	}
	n := int(samples)
	need, err := product("out", n, r.Features())
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float32]("out", out, outLen, need)
	if err != nil {
		return fail(fn, err)
	}
	F := r.Features()
	got := 0
	state := func() string {
		if got == 0 {
			return "no sample was finished: out is untouched and the reservoir unchanged"
		}
		return fmt.Sprintf("rows 0 to %d of out hold the features of the first %d samples, the rest of out is untouched; the reservoir is unchanged", got-1, got)
	}
	// Chunks of harvestChunk samples passed on as they finish, so that a
	// cancelled harvest keeps them (the features do not depend on it).
	err = c.run(state, func(ctx context.Context) error {
		return r.HarvestContext(ctx, v, n, harvestChunk, func(lo, k int, feat []float32) error {
			copy(dst[lo*F:(lo+k)*F], feat)
			got = lo + k
			return nil
		})
	})
	r.Reset()
	if err != nil {
		return fail(fn, err)
	}
	return statusOK
}
