package learn

import (
	"errors"
	"fmt"
	"io"
	"math"

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
// The file is replaced if it exists.
func SaveParams(path string, p *Params[float32], meta string) error {
	if err := export.WriteNPZ(path, paramsArrays(p, meta), export.Overwrite()); err != nil {
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
// every tensor of p must be present with p's size and finite values. It
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
