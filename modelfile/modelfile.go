package modelfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
)

// Model kinds, as the metadata's "kind" names them.
const (
	KindCTRNN     = "ctrnn"     // continuous-time RNN (package ctrnn)
	KindRate      = "rate"      // balanced E/I rate network (package rate)
	KindSNN       = "snn"       // trained spiking network (package snn)
	KindReservoir = "reservoir" // liquid-state machine with a ridge readout (snn.Reservoir)
	KindESN       = "esn"       // echo-state network with a ridge readout (snn.ESN)
)

// Readout array names in reservoir and ESN model files: the readout's
// weights (outputs × features, float64), biases and regularization.
const (
	ReadoutW      = "readout.W"
	ReadoutB      = "readout.B"
	ReadoutLambda = "readout.lambda"
)

// Header is the part of a model file's metadata that rebuilds the model:
// the pipeline's files (format "neurodyn-model/1") hold more, the C API's
// only these (and Provenance).
type Header struct {
	// Format is "neurodyn-model/1" in the pipeline's files, empty in the
	// C API's.
	Format string `json:"format,omitempty"`
	// Kind is one of the Kind constants; Config the model's configuration
	// with defaults, as JSON (the Go field names; the C API writes the
	// spiking model's enumerations by name, the pipeline by number, and
	// both are read).
	Kind   string          `json:"kind"`
	Config json.RawMessage `json:"config"`
	// Dim is the number of variables a reservoir or ESN was fitted on (0
	// for the trainable kinds in the C API's files).
	Dim int `json:"dim,omitempty"`
	// Fit is a reservoir's or ESN's readout fit as the C API reports it
	// (snn.ReservoirFit, snn.ESNFit: regularization, errors, timings) in
	// the files the C API writes; nil in the pipeline's (and in trainable
	// models' files).
	Fit json.RawMessage `json:"fit,omitempty"`
	// Provenance is nil in files written before 2026-12-01.
	Provenance *Provenance `json:"provenance,omitempty"`
}

// Format returns ".npz" or ".h5" (for .h5 and .hdf5) by path's extension,
// or "" for another one.
func Format(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npz":
		return ".npz"
	case ".h5", ".hdf5":
		return ".h5"
	}
	return ""
}

// ReadMeta returns the metadata text of the model file at path (.npz, or
// .h5/.hdf5 as the C API writes), without reading the tensors; an error
// wrapping learn.ErrNotParamsFile for a file with no metadata.
func ReadMeta(path string) (string, error) {
	switch Format(path) {
	case ".npz":
		return learn.ReadParamsMetaNPZ(path)
	case ".h5":
		return learn.ReadParamsMetaHDF5(path)
	}
	return "", param.New("modelfile", "path", path, "a model file ending in .npz, or .h5 or .hdf5 (HDF5)")
}

// ReadHeader reads the Header of the model file at path. A file without
// metadata, or whose metadata names no kind or configuration, is a
// parameter error (errors.Is(err, nderr.ErrInvalid)) saying so.
func ReadHeader(path string) (Header, error) {
	meta, err := ReadMeta(path)
	if errors.Is(err, learn.ErrNotParamsFile) {
		return Header{}, param.New("modelfile", "model file", path, "a model file written by neurodyn (train, the tutorial, or a model's save), with its kind and configuration in the member "+learn.ParamsMetaKey)
	}
	if err != nil {
		return Header{}, err
	}
	h, err := ParseHeader(meta)
	if err != nil {
		return Header{}, param.New("modelfile", "model file", path, "metadata naming the model's kind and configuration (JSON with \"kind\" and \"config\"); this file's metadata has none: it holds parameters only, so build the model with its configuration and load them into it")
	}
	return h, nil
}

// ParseHeader parses the Header of a model file's metadata text; an error
// when it is not JSON or names no kind or configuration. A provenance that
// does not parse is left out (it does not change the model).
func ParseHeader(meta string) (Header, error) {
	var h struct {
		Header
		Provenance json.RawMessage `json:"provenance,omitempty"`
	}
	if err := json.Unmarshal([]byte(meta), &h); err != nil {
		return Header{}, err
	}
	if h.Kind == "" || len(h.Config) == 0 {
		return Header{}, errors.New("modelfile: the metadata names no kind or configuration")
	}
	out := h.Header
	if len(h.Provenance) > 0 {
		var p Provenance
		if json.Unmarshal(h.Provenance, &p) == nil {
			out.Provenance = &p
		}
	}
	return out, nil
}

// Model is a model rebuilt from a file: its Header and exactly one of the
// model fields, by Header.Kind. Close releases a reservoir's engine.
type Model struct {
	Header    Header
	CTRNN     *ctrnn.Model[float32]
	Rate      *rate.Model[float32]
	SNN       *snn.Model[float32]
	Reservoir *snn.Reservoir
	ESN       *snn.ESN
}

// Close releases the engine of a reservoir (a no-op for other kinds).
func (m *Model) Close() error {
	if m.Reservoir != nil {
		return m.Reservoir.Close()
	}
	return nil
}

// Stepper returns the model as a learn.Stepper (one stream).
func (m *Model) Stepper() learn.Stepper {
	switch {
	case m.CTRNN != nil:
		return m.CTRNN
	case m.Rate != nil:
		return m.Rate
	case m.SNN != nil:
		return m.SNN
	case m.Reservoir != nil:
		return m.Reservoir
	}
	return m.ESN
}

// Open reads the model file at path (written by `neurodyn train`, the
// tutorial pipeline or the C API's neurodyn_model_save) and rebuilds its
// model with the stored configuration: a CT-RNN's, rate network's or
// spiking network's parameters are loaded (all or nothing, refusing
// missing, extra, misshapen or non-finite tensors); a reservoir or ESN is
// rebuilt from its configuration and seed, with its stored readout.
func Open(path string) (*Model, error) {
	h, err := ReadHeader(path)
	if err != nil {
		return nil, err
	}
	return Build(path, h)
}

// Build rebuilds the model of the file at path from its header h (read by
// ReadHeader, or by the pipeline with its own metadata).
func Build(path string, h Header) (*Model, error) {
	bad := func(err error) error {
		return fmt.Errorf("modelfile: model file %s (%s): %w", path, h.Kind, err)
	}
	cfg, err := DecodeConfig(h.Kind, h.Config)
	if err != nil {
		return nil, bad(err)
	}
	out := &Model{Header: h}
	load := func(p *learn.Params[float32]) error {
		var err error
		switch Format(path) {
		case ".h5":
			_, err = learn.LoadParamsHDF5(p, path)
		default:
			_, err = learn.LoadParamsNPZ(p, path)
		}
		return err
	}
	switch c := cfg.(type) {
	case ctrnn.Config:
		m, err := ctrnn.New[float32](c)
		if err != nil {
			return nil, bad(err)
		}
		if err := load(m.Params()); err != nil {
			return nil, err
		}
		m.Reset()
		out.CTRNN = m
	case rate.Config:
		m, err := rate.New[float32](c)
		if err != nil {
			return nil, bad(err)
		}
		if err := load(m.Params()); err != nil {
			return nil, err
		}
		m.Reset()
		out.Rate = m
	case snn.Config:
		m, err := snn.New[float32](c)
		if err != nil {
			return nil, bad(err)
		}
		if err := load(m.Params()); err != nil {
			return nil, err
		}
		m.Reset()
		out.SNN = m
	case snn.ReservoirConfig:
		if h.Dim <= 0 {
			return nil, bad(param.New("modelfile", "dim", h.Dim, "the positive number of variables the readout was fitted on"))
		}
		r, err := snn.NewReservoir(c, h.Dim)
		if err != nil {
			return nil, bad(err)
		}
		l, err := LoadReadout(path, r.Features()+h.Dim, h.Dim)
		if err != nil {
			r.Close()
			return nil, err
		}
		r.Readout = l
		r.Reset()
		out.Reservoir = r
	case snn.ESNConfig:
		if h.Dim <= 0 {
			return nil, bad(param.New("modelfile", "dim", h.Dim, "the positive number of variables the readout was fitted on"))
		}
		e, err := snn.NewESN(c, h.Dim)
		if err != nil {
			return nil, bad(err)
		}
		l, err := LoadReadout(path, e.Config().N+h.Dim, h.Dim)
		if err != nil {
			return nil, err
		}
		e.Readout = l
		e.Reset()
		out.ESN = e
	}
	return out, nil
}

// SaveReadout writes the model file of a reservoir or ESN at path: its
// readout l (the ReadoutW array, outputs × features, ReadoutB and
// ReadoutLambda) and the metadata text meta (JSON with at least "kind",
// "config" and "dim": a Header) as the member learn.ParamsMetaKey, in .npz
// (the network itself is not stored: Open rebuilds it from its
// configuration and seed). The pipeline (`neurodyn train`, the tutorial)
// and the C API write these files with it; opts are export's (an existing
// file is refused unless export.Overwrite()). A path not ending in .npz
// is a parameter error (errors.Is(err, nderr.ErrInvalid)).
func SaveReadout(path string, l *snn.Linear, meta []byte, opts ...export.Option) error {
	if Format(path) != ".npz" {
		return param.New("modelfile", "path", path, "a path ending in .npz (a reservoir's or ESN's model file is .npz)")
	}
	if l == nil || len(l.W) != l.O*l.F || len(l.B) != l.O {
		return param.New("modelfile", "readout", l, "a fitted readout")
	}
	arrays := []export.NPZArray{
		export.NewNPZArray(ReadoutW, l.W, l.O, l.F),
		export.NewNPZArray(ReadoutB, l.B),
		export.NPZScalar(ReadoutLambda, l.Lambda),
		export.NewNPZArray(learn.ParamsMetaKey, meta),
	}
	if err := export.WriteNPZ(path, arrays, opts...); err != nil {
		return fmt.Errorf("modelfile: save readout to %s: %w", path, err)
	}
	return nil
}

// LoadReadout reads the readout of a reservoir or ESN model file (the
// ReadoutW, ReadoutB and ReadoutLambda arrays) for features features and
// outputs outputs, refusing other sizes and non-finite weights.
func LoadReadout(path string, features, outputs int) (*snn.Linear, error) {
	arrays, err := export.ReadNPZ(path)
	if err != nil {
		return nil, fmt.Errorf("modelfile: model file: %w", err)
	}
	l := &snn.Linear{F: features, O: outputs}
	for _, a := range arrays {
		switch a.Name {
		case ReadoutW:
			l.W, err = export.NPZData[float64](a)
		case ReadoutB:
			l.B, err = export.NPZData[float64](a)
		case ReadoutLambda:
			var v []float64
			if v, err = export.NPZData[float64](a); err == nil && len(v) == 1 {
				l.Lambda = v[0]
			}
		}
		if err != nil {
			return nil, fmt.Errorf("modelfile: model file %s: %w", path, err)
		}
	}
	if len(l.W) != features*outputs || len(l.B) != outputs {
		return nil, param.New("modelfile", "model file", path, fmt.Sprintf("a readout of %d×%d weights and %d biases", outputs, features, outputs))
	}
	for _, v := range append(append([]float64(nil), l.W...), l.B...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, param.New("modelfile", "model file", path, "finite readout weights")
		}
	}
	return l, nil
}
