package pipeline

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/learn"
)

// h5Group is one group of a stage's HDF5 file: numeric arrays, string
// datasets and string attributes.
type h5Group struct {
	Name    string
	Arrays  []export.Array
	Strings map[string][]string
	Attrs   map[string]string
}

// metricsGroup stores named scalars as two parallel datasets, names and
// values, sorted by name.
func metricsGroup(name string, m map[string]float64) h5Group {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]float64, len(keys))
	for i, k := range keys {
		vals[i] = m[k]
	}
	return h5Group{Name: name, Arrays: []export.Array{export.NewArray("values", vals)},
		Strings: map[string][]string{"names": keys}}
}

// historyGroup stores a training history as columns.
func historyGroup(name string, h []Epoch) h5Group {
	n := len(h)
	ep, ph := make([]int64, n), make([]int64, n)
	tl, vl, lr, sec, met := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i, e := range h {
		ep[i], ph[i] = int64(e.Epoch), int64(e.Phase)
		tl[i], vl[i], lr[i], sec[i] = float64(e.TrainLoss), float64(e.ValLoss), float64(e.LR), float64(e.Seconds)
		met[i] = float64(e.Metric)
	}
	return h5Group{Name: name, Arrays: []export.Array{
		export.NewArray("epoch", ep), export.NewArray("phase", ph), export.NewArray("train_loss", tl),
		export.NewArray("val_loss", vl), export.NewArray("lr", lr), export.NewArray("seconds", sec),
		export.NewArray("metric", met)},
		Attrs: map[string]string{"units": "losses in normalized units (MSE); seconds wall-clock per epoch; " +
			"metric: the epoch-selection criterion, lower is better (NaN where none)"}}
}

// paramsGroup stores a model's named tensors.
func paramsGroup(name string, p *learn.Params[float32]) h5Group {
	g := h5Group{Name: name}
	for i := 0; i < p.NumTensors(); i++ {
		s := p.Spec(i)
		g.Arrays = append(g.Arrays, export.NewArray(s.Name, append([]float32(nil), p.At(i)...), s.Shape...))
	}
	return g
}

// writeH5 writes a stage's HDF5 file (replacing it) with the run's
// provenance. It reports false, without error, when neurodyn was built
// without HDF5 (the report and the .npz files carry the results then).
func writeH5(path string, cfg Config, groups ...h5Group) (bool, error) {
	prov := export.NewProvenance(cfg.TOML(), "toml", export.Seed{Name: "seed", Value: cfg.Seed})
	f, err := export.Create(path, export.Overwrite(), export.WithProvenance(prov))
	if errors.Is(err, export.ErrNoHDF5) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fail := func(err error) (bool, error) {
		f.Abort()
		return false, fmt.Errorf("pipeline: write %s: %w", path, err)
	}
	for _, g := range groups {
		grp, err := f.CreateGroup(g.Name)
		if err != nil {
			return fail(err)
		}
		if len(g.Arrays) > 0 {
			if err := export.WriteArrays(grp, g.Arrays); err != nil {
				return fail(fmt.Errorf("%s: %w", g.Name, err))
			}
		}
		names := make([]string, 0, len(g.Strings))
		for k := range g.Strings {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if err := export.WriteStrings(grp, k, g.Strings[k]); err != nil {
				return fail(fmt.Errorf("%s/%s: %w", g.Name, k, err))
			}
		}
		names = names[:0]
		for k := range g.Attrs {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if err := export.SetStringAttr(grp, k, g.Attrs[k]); err != nil {
				return fail(fmt.Errorf("%s@%s: %w", g.Name, k, err))
			}
		}
		if err := grp.Close(); err != nil {
			return fail(err)
		}
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("pipeline: write %s: %w", path, err)
	}
	return true, nil
}

// addH5 writes a stage's HDF5 file (writeH5) and lists it in res.Files, or
// notes that this build has no HDF5.
func (r *Run) addH5(res *Result, path string, groups ...h5Group) error {
	ok, err := writeH5(path, r.Cfg, groups...)
	if err != nil {
		return err
	}
	if ok {
		res.Files = append(res.Files, r.Rel(path))
	} else {
		res.Notes = append(res.Notes, "This neurodyn was built without HDF5: "+filepath.Base(path)+" was not written.")
	}
	return nil
}
