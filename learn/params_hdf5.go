package learn

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// SaveParamsHDF5 writes p's tensors to an HDF5 file, one float32 dataset
// per tensor at "params/<name>" with its shape (the layout of a training
// checkpoint's current parameters), plus meta (may be empty) as the root
// string attribute ParamsMetaKey. h5py reads it; LoadParamsHDF5 restores
// it. Like export.Create, it refuses an existing file (an error wrapping
// export.ErrExists) unless opts hold export.Overwrite(), and replaces it
// atomically then. (Before 2026-12-01 it replaced an existing file
// silently.)
func SaveParamsHDF5(path string, p *Params[float32], meta string, opts ...export.Option) (err error) {
	f, err := export.Create(path, opts...)
	if err != nil {
		return fmt.Errorf("learn: save parameters to %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Abort()
			err = fmt.Errorf("learn: save parameters to %s: %w", path, err)
		}
	}()
	g, err := f.CreateGroup("params")
	if err != nil {
		return err
	}
	for i := 0; i < p.NumTensors(); i++ { // names hold no '/' (NewParams)
		s := p.Spec(i)
		if err := export.Write(g, s.Name, p.At(i), s.Shape); err != nil {
			return err
		}
	}
	if err := export.SetStringAttr(f, ParamsMetaKey, meta); err != nil {
		return err
	}
	return f.Close()
}

// LoadParamsHDF5 reads a file written by SaveParamsHDF5 into p, all or
// nothing, with LoadParamsNPZ's checks (every tensor present with p's size,
// finite values, no tensor p does not have). It returns the stored metadata, or an error wrapping
// ErrNotParamsFile for an HDF5 file SaveParamsHDF5 did not write (no
// ParamsMetaKey attribute, or a training checkpoint: read those with
// LoadParams).
func LoadParamsHDF5(p *Params[float32], path string) (meta string, err error) {
	f, err := export.Open(path)
	if err != nil {
		return "", fmt.Errorf("learn: load parameters from %s: %w", path, err)
	}
	defer f.Close()
	if !export.HasAttr(f, ParamsMetaKey) || f.Has("state") {
		return "", fmt.Errorf("%s: %w", path, ErrNotParamsFile)
	}
	if ok, err := f.Complete(); err != nil || !ok {
		return "", fmt.Errorf("learn: load parameters from %s: %w", path, export.ErrIncomplete)
	}
	if meta, err = export.StringAttr(f, ParamsMetaKey); err != nil {
		return "", fmt.Errorf("learn: load parameters from %s: %w", path, err)
	}
	if g, err := f.OpenGroup("params"); err == nil {
		members, err := g.Members()
		g.Close()
		if err != nil {
			return "", fmt.Errorf("learn: load parameters from %s: %w", path, err)
		}
		names := make([]string, len(members))
		for i, m := range members {
			names[i] = m.Name
		}
		if err := extraTensors(p, names, "parameter file", path); err != nil {
			return "", err
		}
	}
	trial := p.Clone()
	for i := 0; i < trial.NumTensors(); i++ {
		s := trial.Spec(i)
		name := "params/" + s.Name
		if !f.Has(name) {
			return "", param.New("learn", "parameter file", path, fmt.Sprintf("a dataset %q (saved from another kind of model?)", name))
		}
		v, _, err := export.Read[float32](&f.Group, name)
		if err != nil || len(v) != len(trial.At(i)) {
			return "", param.New("learn", "parameter file", path, fmt.Sprintf("dataset %q with %d float32 values", name, len(trial.At(i))))
		}
		for k, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return "", param.New("learn", "parameter file", path, fmt.Sprintf("finite values (%s[%d] = %v)", s.Name, k, x))
			}
		}
		copy(trial.At(i), v)
	}
	copy(p.Flat(), trial.Flat())
	return meta, nil
}

// ReadParamsMetaHDF5 returns the metadata stored in a parameter file written
// by SaveParamsHDF5 (its root attribute ParamsMetaKey) without loading the
// tensors, or an error wrapping ErrNotParamsFile for an HDF5 file
// SaveParamsHDF5 did not write.
func ReadParamsMetaHDF5(path string) (string, error) {
	f, err := export.Open(path)
	if err != nil {
		return "", fmt.Errorf("learn: read parameter file %s: %w", path, err)
	}
	defer f.Close()
	if !export.HasAttr(f, ParamsMetaKey) || f.Has("state") {
		return "", fmt.Errorf("%s: %w", path, ErrNotParamsFile)
	}
	meta, err := export.StringAttr(f, ParamsMetaKey)
	if err != nil {
		return "", fmt.Errorf("learn: read parameter file %s: %w", path, err)
	}
	return meta, nil
}
