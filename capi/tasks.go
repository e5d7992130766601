//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"fmt"
	"path/filepath"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/modelfile"
	"github.com/neurodyn/neurodyn/tasks"
)

// Dataset kinds: both hold a *tasks.Dataset.
var datasetKinds = []string{"lorenz", "series"}

//export neurodyn_lorenz_new
func neurodyn_lorenz_new(config *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_lorenz_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	var c tasks.LorenzConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := c.Validate(); err != nil {
		return fail(fn, err)
	}
	d := c.WithDefaults()
	T := d.TrainT + d.ValT + d.TestT + max(d.EvalT, 0) + 4*d.Transient
	if err := checkMemory("the Lorenz dataset", T/d.Dt*3*40); err != nil {
		return fail(fn, err)
	}
	ds, err := tasks.GenerateLorenz(c)
	if err != nil {
		return fail(fn, err)
	}
	*out = newHandle("lorenz", ds, nil)
	return statusOK
}

// seriesConfig is the JSON of neurodyn_series_new: a tasks.SeriesConfig
// (its fields promoted) and the columns of data to use, in order (nil:
// all, refusing a first column that is a row index or a time axis;
// tasks.SelectColumns).
type seriesConfig struct {
	tasks.SeriesConfig
	Columns []int
}

//export neurodyn_series_new
func neurodyn_series_new(data *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_series_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	n, err := positive("samples", samples)
	if err != nil {
		return fail(fn, err)
	}
	d, err := positive("dim", dim)
	if err != nil {
		return fail(fn, err)
	}
	total, err := product("data", n, d)
	if err != nil {
		return fail(fn, err)
	}
	var c seriesConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := checkMemory("the series dataset", float64(total)*8*4); err != nil {
		return fail(fn, err)
	}
	x, err := inSlice[float64]("data", data, total)
	if err != nil {
		return fail(fn, err)
	}
	raw := tasks.RawSeries{Data: append([]float64(nil), x...), Len: n, Dim: d}
	// As `neurodyn analyze --data` reads a file: a first column that is a
	// row index or a time axis is refused unless Columns says which.
	if raw, err = tasks.SelectColumns(raw, c.Columns, "data", `config "Columns": [...], Python columns=[...]`); err != nil {
		return fail(fn, err)
	}
	ds, err := tasks.FromSeries(raw, c.SeriesConfig)
	if err != nil {
		return fail(fn, err)
	}
	*out = newHandle("series", ds, nil)
	return statusOK
}

func getDataset(h C.neurodyn_handle, arg string) (*tasks.Dataset, error) {
	v, _, err := peek(h, arg, datasetKinds...)
	if err != nil {
		return nil, err
	}
	return v.(*tasks.Dataset), nil
}

func getSplit(d *tasks.Dataset, split *C.nd_cchar) (*tasks.Series, string, error) {
	name, err := cstring("split", split)
	if err != nil {
		return nil, "", err
	}
	s, err := d.Split(name)
	if err != nil {
		return nil, "", invalid(fmt.Errorf("split = %q: must be one of train, val, test, eval (present in this dataset): %w", name, err))
	}
	return s, name, nil
}

type splitInfo struct {
	Samples int `json:"samples"`
	Windows int `json:"windows"`
}

type datasetInfo struct {
	Name      string               `json:"name"`
	Dim       int                  `json:"dim"`
	Dt        float64              `json:"dt"`
	SeqLength int                  `json:"seq_length"`
	Horizon   int                  `json:"horizon"`
	Stride    int                  `json:"stride"`
	Mean      []float64            `json:"mean"`
	Std       []float64            `json:"std"`
	Splits    map[string]splitInfo `json:"splits"`
	Params    map[string]any       `json:"params"`
}

//export neurodyn_dataset_info
func neurodyn_dataset_info(h C.neurodyn_handle, buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_dataset_info"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	info := datasetInfo{Name: d.Name, Dim: d.Dim, Dt: d.Dt, SeqLength: d.SeqLength, Horizon: d.Horizon,
		Stride: d.Stride, Mean: d.Mean, Std: d.Std, Splits: map[string]splitInfo{}, Params: d.Params}
	for _, s := range d.Splits() {
		si := splitInfo{Samples: s.Len}
		if w, err := d.Windows(s.Name); err == nil {
			si.Windows = w.Len()
		}
		info.Splits[s.Name] = si
	}
	return putString(fn, encodeJSON(info), buf, bufLen, needed)
}

//export neurodyn_dataset_split_shape
func neurodyn_dataset_split_shape(h C.neurodyn_handle, split *C.nd_cchar, samples, dim *C.int64_t) (rc C.int) {
	const fn = "neurodyn_dataset_split_shape"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	s, _, err := getSplit(d, split)
	if err != nil {
		return fail(fn, err)
	}
	if samples == nil || dim == nil {
		return fail(fn, errorf(statusNull, "samples or dim is NULL"))
	}
	*samples, *dim = C.int64_t(s.Len), C.int64_t(s.Dim)
	return statusOK
}

//export neurodyn_dataset_split
func neurodyn_dataset_split(h C.neurodyn_handle, split *C.nd_cchar, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_dataset_split"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	s, _, err := getSplit(d, split)
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float64]("out", out, outLen, len(s.Data))
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, s.Data)
	return statusOK
}

//export neurodyn_dataset_stats
func neurodyn_dataset_stats(h C.neurodyn_handle, mean, std *C.double, n C.int64_t) (rc C.int) {
	const fn = "neurodyn_dataset_stats"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	m, err := outSlice[float64]("mean", mean, n, d.Dim)
	if err != nil {
		return fail(fn, err)
	}
	s, err := outSlice[float64]("std", std, n, d.Dim)
	if err != nil {
		return fail(fn, err)
	}
	copy(m, d.Mean)
	copy(s, d.Std)
	return statusOK
}

//export neurodyn_dataset_denormalize
func neurodyn_dataset_denormalize(h C.neurodyn_handle, x *C.double, n C.int64_t) (rc C.int) {
	const fn = "neurodyn_dataset_denormalize"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	k, err := count("len", n)
	if err != nil {
		return fail(fn, err)
	}
	if k%d.Dim != 0 {
		return fail(fn, errorf(statusInvalid, "len = %d: must be a multiple of the dataset's dim %d", k, d.Dim))
	}
	v, err := inSlice[float64]("x", x, k)
	if err != nil {
		return fail(fn, err)
	}
	d.Denormalize(v, v)
	return statusOK
}

//export neurodyn_dataset_window_count
func neurodyn_dataset_window_count(h C.neurodyn_handle, split *C.nd_cchar, n *C.int64_t) (rc C.int) {
	const fn = "neurodyn_dataset_window_count"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	_, name, err := getSplit(d, split)
	if err != nil {
		return fail(fn, err)
	}
	if n == nil {
		return fail(fn, errorf(statusNull, "count is NULL"))
	}
	w, err := d.Windows(name)
	if err != nil {
		return fail(fn, err)
	}
	*n = C.int64_t(w.Len())
	return statusOK
}

//export neurodyn_dataset_windows
func neurodyn_dataset_windows(h C.neurodyn_handle, split *C.nd_cchar, first, cnt C.int64_t,
	inputs *C.float, inputsLen C.int64_t, targets *C.float, targetsLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_dataset_windows"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	_, name, err := getSplit(d, split)
	if err != nil {
		return fail(fn, err)
	}
	w, err := d.Windows(name)
	if err != nil {
		return fail(fn, err)
	}
	i0, err := count("first", first)
	if err != nil {
		return fail(fn, err)
	}
	k, err := count("count", cnt)
	if err != nil {
		return fail(fn, err)
	}
	if i0 > w.Len() || k > w.Len()-i0 {
		return fail(fn, errorf(statusInvalid, "windows [%d, %d) of split %q: the split has %d windows", i0, i0+k, name, w.Len()))
	}
	if inputs == nil && targets == nil {
		return fail(fn, errorf(statusNull, "inputs and targets are both NULL"))
	}
	x, err := optOutSlice[float32]("inputs", inputs, inputsLen, k*w.InputSize())
	if err != nil {
		return fail(fn, err)
	}
	y, err := optOutSlice[float32]("targets", targets, targetsLen, k*w.TargetSize())
	if err != nil {
		return fail(fn, err)
	}
	for j := 0; j < k; j++ {
		if x != nil {
			copy(x[j*w.InputSize():], w.Input32(i0+j))
		}
		if y != nil {
			copy(y[j*w.TargetSize():], w.Target32(i0+j))
		}
	}
	return statusOK
}

// fileOptions returns export's options for an overwrite flag.
func fileOptions(overwrite C.int32_t) ([]export.Option, error) {
	ow, err := boolArg("overwrite", overwrite)
	if err != nil {
		return nil, err
	}
	if ow {
		return []export.Option{export.Overwrite()}, nil
	}
	return nil, nil
}

//export neurodyn_dataset_write
func neurodyn_dataset_write(h C.neurodyn_handle, path, format *C.nd_cchar, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_dataset_write"
	defer guard(fn, &rc)
	d, err := getDataset(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	f, err := cstring("format", format)
	if err != nil {
		return fail(fn, err)
	}
	opts, err := fileOptions(overwrite)
	if err != nil {
		return fail(fn, err)
	}
	// A path whose extension names the other format is refused (a .npz
	// file holding HDF5 misleads every reader); another extension is the
	// caller's choice.
	if ext := modelfile.Format(p); (f == "hdf5" && ext == ".npz") || (f == "npz" && ext == ".h5") {
		return fail(fn, errorf(statusInvalid, "format = %q for path = %q: its extension %s names the other format; give a path ending in %s or the format of its extension", f, p, filepath.Ext(p), map[string]string{"hdf5": ".h5", "npz": ".npz"}[f]))
	}
	switch f {
	case "hdf5":
		err = d.WriteHDF5(p, opts...)
	case "npz":
		err = d.WriteNPZ(p, opts...)
	default:
		return fail(fn, errorf(statusInvalid, "format = %q: must be hdf5 or npz", f))
	}
	if err != nil {
		return fail(fn, ioError(err))
	}
	return statusOK
}

//export neurodyn_flipflop_new
func neurodyn_flipflop_new(config *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_flipflop_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	var c tasks.FlipFlopConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := c.Validate(); err != nil {
		return fail(fn, err)
	}
	d := c.WithDefaults()
	trials := float64(d.TrainTrials) + float64(d.ValTrials) + float64(d.TestTrials)
	if err := checkMemory("the flip-flop task", trials*float64(d.Steps)*float64(d.Bits)*12); err != nil {
		return fail(fn, err)
	}
	ff, err := tasks.GenerateFlipFlop(c)
	if err != nil {
		return fail(fn, err)
	}
	*out = newHandle("flipflop", ff, nil)
	return statusOK
}

func getFlipFlop(h C.neurodyn_handle, arg string) (*tasks.FlipFlop, error) {
	v, _, err := peek(h, arg, "flipflop")
	if err != nil {
		return nil, err
	}
	return v.(*tasks.FlipFlop), nil
}

func flipFlopSplit(ff *tasks.FlipFlop, split *C.nd_cchar) (*tasks.FlipFlopSplit, error) {
	name, err := cstring("split", split)
	if err != nil {
		return nil, err
	}
	switch name {
	case "train":
		return &ff.Train, nil
	case "val":
		return &ff.Val, nil
	case "test":
		return &ff.Test, nil
	}
	return nil, errorf(statusInvalid, "split = %q: must be train, val or test", name)
}

//export neurodyn_flipflop_shape
func neurodyn_flipflop_shape(h C.neurodyn_handle, split *C.nd_cchar, trials, steps, bits *C.int64_t) (rc C.int) {
	const fn = "neurodyn_flipflop_shape"
	defer guard(fn, &rc)
	ff, err := getFlipFlop(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	s, err := flipFlopSplit(ff, split)
	if err != nil {
		return fail(fn, err)
	}
	if trials == nil || steps == nil || bits == nil {
		return fail(fn, errorf(statusNull, "trials, steps or bits is NULL"))
	}
	*trials, *steps, *bits = C.int64_t(s.Trials), C.int64_t(s.Steps), C.int64_t(s.Bits)
	return statusOK
}

//export neurodyn_flipflop_split
func neurodyn_flipflop_split(h C.neurodyn_handle, split *C.nd_cchar, inputs *C.float, inputsLen C.int64_t,
	targets *C.float, targetsLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_flipflop_split"
	defer guard(fn, &rc)
	ff, err := getFlipFlop(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	s, err := flipFlopSplit(ff, split)
	if err != nil {
		return fail(fn, err)
	}
	if inputs == nil && targets == nil {
		return fail(fn, errorf(statusNull, "inputs and targets are both NULL"))
	}
	x, err := optOutSlice[float32]("inputs", inputs, inputsLen, len(s.Inputs))
	if err != nil {
		return fail(fn, err)
	}
	y, err := optOutSlice[float32]("targets", targets, targetsLen, len(s.Targets))
	if err != nil {
		return fail(fn, err)
	}
	copy(x, s.Inputs)
	copy(y, s.Targets)
	return statusOK
}

//export neurodyn_flipflop_write
func neurodyn_flipflop_write(h C.neurodyn_handle, path *C.nd_cchar, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_flipflop_write"
	defer guard(fn, &rc)
	ff, err := getFlipFlop(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	opts, err := fileOptions(overwrite)
	if err != nil {
		return fail(fn, err)
	}
	if err := ff.WriteHDF5(p, opts...); err != nil {
		return fail(fn, ioError(err))
	}
	return statusOK
}
