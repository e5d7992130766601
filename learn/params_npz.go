package learn

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// ParamsMetaKey names the member of a parameter file (SaveParams) that holds
// the caller's metadata (for example the model kind and configuration as
// JSON), stored as uint8 bytes.
const ParamsMetaKey = "neurodyn_model"

// ErrNotParamsFile is returned (wrapped) by LoadParamsNPZ for an .npz file
// that SaveParams did not write (it has no ParamsMetaKey member), so callers
// can try another format, such as a training checkpoint.
var ErrNotParamsFile = errors.New("learn: not a parameter file written by SaveParams")

// SaveParams writes p's tensors to a NumPy .npz file, one member per tensor
// under its name and with its shape (float32 "<f4"), plus meta (may be
// empty) under ParamsMetaKey. np.load reads it; LoadParamsNPZ restores it.
// Like export.WriteNPZ, it refuses an existing file (an error wrapping
// export.ErrExists, errors.Is(err, fs.ErrExist)) unless opts hold
// export.Overwrite(); the file is written under a temporary name and
// renamed when complete. (Before 2026-12-01 it replaced an existing file
// silently, even one holding another model.)
func SaveParams(path string, p *Params[float32], meta string, opts ...export.Option) error {
	if err := export.WriteNPZ(path, paramsArrays(p, meta), opts...); err != nil {
		return fmt.Errorf("learn: save parameters to %s: %w", path, err)
	}
	return nil
}

// EncodeParams writes to w the .npz archive SaveParams writes to a file,
// for parameters kept in memory, a database or a network stream; np.load
// reads it (from io.BytesIO) and DecodeParams restores it.
func EncodeParams(w io.Writer, p *Params[float32], meta string) error {
	if err := export.EncodeNPZ(w, paramsArrays(p, meta)); err != nil {
		return fmt.Errorf("learn: encode parameters: %w", err)
	}
	return nil
}

// paramsArrays returns the members of a parameter archive: p's tensors in
// order, then meta as bytes.
func paramsArrays(p *Params[float32], meta string) []export.NPZArray {
	arrays := make([]export.NPZArray, 0, p.NumTensors()+1)
	for i := 0; i < p.NumTensors(); i++ {
		s := p.Spec(i)
		arrays = append(arrays, export.NewNPZArray(s.Name, p.At(i), s.Shape...))
	}
	return append(arrays, export.NewNPZArray(ParamsMetaKey, []byte(meta)))
}

// LoadParamsNPZ reads a file written by SaveParams into p, all or nothing:
// every tensor of p must be present with p's size and finite values, and
// the file must hold no tensor p does not have (a file saved from a model
// with other options, such as bias currents, is refused, not loaded in
// part). It
// returns the stored metadata, or an error wrapping ErrNotParamsFile for an
// .npz file SaveParams did not write.
func LoadParamsNPZ(p *Params[float32], path string) (meta string, err error) {
	arrays, err := export.ReadNPZ(path)
	if err != nil {
		return "", fmt.Errorf("learn: load parameters from %s: %w", path, err)
	}
	return restoreParams(p, arrays, "parameter file", path)
}

// DecodeParams reads an archive written by EncodeParams (or a file's bytes
// written by SaveParams) from r into p, as LoadParamsNPZ reads a file: all
// or nothing, returning the stored metadata, or an error wrapping
// ErrNotParamsFile for an .npz archive EncodeParams did not write. r is read
// in place when it is an io.ReaderAt and an io.Seeker (export.DecodeNPZ),
// else read into memory first.
func DecodeParams(p *Params[float32], r io.Reader) (meta string, err error) {
	arrays, err := export.DecodeNPZ(r)
	if err != nil {
		return "", fmt.Errorf("learn: decode parameters: %w", err)
	}
	return restoreParams(p, arrays, "parameter archive", "r")
}

// restoreParams copies the members of a parameter archive into p, all or
// nothing (what and where name the archive in errors), and returns its
// metadata.
func restoreParams(p *Params[float32], arrays []export.NPZArray, what, where string) (meta string, err error) {
	byName := make(map[string]export.NPZArray, len(arrays))
	for _, a := range arrays {
		byName[a.Name] = a
	}
	metaArr, ok := byName[ParamsMetaKey]
	if !ok {
		return "", fmt.Errorf("%s: %w", where, ErrNotParamsFile)
	}
	var names []string
	for _, a := range arrays {
		names = append(names, a.Name)
	}
	if err := extraTensors(p, names, what, where); err != nil {
		return "", err
	}
	trial := p.Clone()
	for i := 0; i < trial.NumTensors(); i++ {
		s := trial.Spec(i)
		a, ok := byName[s.Name]
		if !ok {
			return "", param.New("learn", what, where, fmt.Sprintf("a member %q (saved from another kind of model?)", s.Name))
		}
		v, err := export.NPZData[float32](a)
		if err != nil || len(v) != len(trial.At(i)) {
			return "", param.New("learn", what, where, fmt.Sprintf("member %q with %d float32 values", s.Name, len(trial.At(i))))
		}
		for k, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return "", param.New("learn", what, where, fmt.Sprintf("finite values (%s[%d] = %v)", s.Name, k, x))
			}
		}
		copy(trial.At(i), v)
	}
	if b, err := export.NPZData[uint8](metaArr); err == nil {
		meta = string(b)
	}
	copy(p.Flat(), trial.Flat())
	return meta, nil
}

// extraTensors returns a parameter error naming the tensors of a parameter
// archive (names, ParamsMetaKey aside) that p does not have, or nil.
func extraTensors(p *Params[float32], names []string, what, where string) error {
	var extra []string
	for _, n := range names {
		if n != ParamsMetaKey && p.Index(n) < 0 {
			extra = append(extra, fmt.Sprintf("%q", n))
		}
	}
	if extra == nil {
		return nil
	}
	slices.Sort(extra)
	have := make([]string, p.NumTensors())
	for i := range have {
		have[i] = p.Spec(i).Name
	}
	return param.New("learn", what, where, fmt.Sprintf("only this model's tensors (%s); it also holds %s, which this model does not have: it was saved from a model of another configuration (bias currents, a skip term, connection masks, another kind?), so loading it would drop them; build the model with the file's configuration",
		strings.Join(have, ", "), strings.Join(extra, ", ")))
}

// ReadParamsMetaNPZ returns the metadata stored in a parameter file written
// by SaveParams (its ParamsMetaKey member) without loading the tensors, or
// an error wrapping ErrNotParamsFile for an .npz file SaveParams did not
// write.
func ReadParamsMetaNPZ(path string) (string, error) {
	a, err := export.ReadNPZMember(path, ParamsMetaKey)
	if errors.Is(err, export.ErrNoMember) {
		return "", fmt.Errorf("%s: %w", path, ErrNotParamsFile)
	}
	if err != nil {
		return "", fmt.Errorf("learn: read parameter file %s: %w", path, err)
	}
	b, err := export.NPZData[uint8](a)
	if err != nil {
		return "", param.New("learn", "parameter file", path, fmt.Sprintf("a uint8 member %q (the metadata)", ParamsMetaKey))
	}
	return string(b), nil
}
