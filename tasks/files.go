package tasks

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/neurodyn/neurodyn/export"
)

// WriteNPZ writes the dataset in the reference tutorial's lorenz_data.npz
// layout: exactly the keys train, val, test ((n, Dim) float64, normalized),
// mean, std ((Dim,) float64), dt (0-d float64) and seq_length (0-d int64),
// as np.savez writes them. The eval split and the generation parameters are
// not in the archive (they would change what np.load returns); the
// provenance, with the parameters as JSON configuration, goes to
// path+".provenance.json" (export's sidecar). Options are export's
// (Overwrite, WithProvenance to replace the provenance).
func (d *Dataset) WriteNPZ(path string, opts ...export.Option) error {
	opts = append([]export.Option{export.WithProvenance(d.Provenance())}, opts...)
	arrs := []export.NPZArray{
		export.NewNPZArray("train", d.Train.Data, d.Train.Len, d.Dim),
		export.NewNPZArray("val", d.Val.Data, d.Val.Len, d.Dim),
		export.NewNPZArray("test", d.Test.Data, d.Test.Len, d.Dim),
		export.NewNPZArray("mean", d.Mean),
		export.NewNPZArray("std", d.Std),
		export.NPZScalar("dt", d.Dt),
		export.NPZScalar("seq_length", int64(d.SeqLength)),
	}
	if err := export.WriteNPZ(path, arrs, opts...); err != nil {
		return fmt.Errorf("tasks: write %s: %w", path, err)
	}
	return nil
}

// Provenance returns export provenance for the dataset: the generation
// parameters as JSON configuration and every seed parameter as a seed.
func (d *Dataset) Provenance() export.Provenance {
	return paramsProvenance(d.Params)
}

func paramsProvenance(params map[string]any) export.Provenance {
	cfg, _ := json.Marshal(params) // map keys sorted; values are plain
	var seeds []export.Seed
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if !strings.HasPrefix(k, "seed") {
			continue
		}
		switch v := params[k].(type) {
		case int64:
			seeds = append(seeds, export.Seed{Name: k, Value: uint64(v)})
		}
	}
	return export.NewProvenance(string(cfg), "json", seeds...)
}

// writeParams stores params as attributes of o, in key order.
func writeParams(o export.Object, params map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(params)) {
		var err error
		switch v := params[k].(type) {
		case float64:
			err = export.SetAttr(o, k, v)
		case int64:
			err = export.SetAttr(o, k, v)
		case string:
			err = export.SetStringAttr(o, k, v)
		case []float64:
			err = export.SetAttrSlice(o, k, v)
		case []int64:
			err = export.SetAttrSlice(o, k, v)
		default:
			err = fmt.Errorf("tasks: parameter %q has unsupported type %T", k, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// WriteHDF5 writes the dataset to an HDF5 file with the same keys as the
// .npz at the root — datasets train, val, test (and eval when present),
// (n, Dim) float64 normalized; mean, std (Dim,) float64; dt (float64) and
// seq_length (int64) scalars — plus horizon and stride scalars, every
// generation parameter as a root attribute and export's provenance (with
// the parameters as JSON configuration). Options are export's; the
// provenance is added unless WithProvenance is among them.
func (d *Dataset) WriteHDF5(path string, opts ...export.Option) (err error) {
	opts = append([]export.Option{export.WithProvenance(d.Provenance())}, opts...)
	f, err := export.Create(path, opts...)
	if err != nil {
		return fmt.Errorf("tasks: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Abort()
			err = fmt.Errorf("tasks: write %s: %w", path, err)
		}
	}()
	g := &f.Group
	for _, s := range d.Splits() {
		if err = export.Write(g, s.Name, s.Data, []int{s.Len, s.Dim}); err != nil {
			return err
		}
		ds, err := g.OpenDataset(s.Name)
		if err != nil {
			return err
		}
		w, werr := NewWindows(s, d.SeqLength, d.Horizon, d.Stride)
		nw := int64(0)
		if werr == nil {
			nw = int64(w.Len())
		}
		err = export.SetAttr(ds, "n_windows", nw)
		if err == nil {
			err = export.SetStringAttr(ds, "units", "normalized (z-score with the train mean and std)")
		}
		ds.Close()
		if err != nil {
			return err
		}
	}
	if err = export.Write(g, "mean", d.Mean, []int{d.Dim}); err != nil {
		return err
	}
	if err = export.Write(g, "std", d.Std, []int{d.Dim}); err != nil {
		return err
	}
	for _, kv := range []struct {
		name string
		v    int64
	}{{"seq_length", int64(d.SeqLength)}, {"horizon", int64(d.Horizon)}, {"stride", int64(d.Stride)}} {
		if err = export.WriteScalar(g, kv.name, kv.v); err != nil {
			return err
		}
	}
	if err = export.WriteScalar(g, "dt", d.Dt); err != nil {
		return err
	}
	if err = export.SetStringAttr(f, "dataset", d.Name); err != nil {
		return err
	}
	if err = writeParams(f, d.Params); err != nil {
		return err
	}
	return f.Close()
}

// ReadHDF5 reads a dataset written by WriteHDF5. Generation parameters are
// not read back (Params holds only the task name); the data, statistics
// and windowing are.
func ReadHDF5(path string) (d *Dataset, err error) {
	f, err := export.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tasks: read %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			err = fmt.Errorf("tasks: read %s: %w", path, err)
		}
	}()
	g := &f.Group
	d = &Dataset{}
	if d.Mean, _, err = export.Read[float64](g, "mean"); err != nil {
		return nil, err
	}
	if d.Std, _, err = export.Read[float64](g, "std"); err != nil {
		return nil, err
	}
	d.Dim = len(d.Mean)
	if d.Dt, err = export.ReadScalar[float64](g, "dt"); err != nil {
		return nil, err
	}
	var sl, hz, st int64
	if sl, err = export.ReadScalar[int64](g, "seq_length"); err != nil {
		return nil, err
	}
	if hz, err = export.ReadScalar[int64](g, "horizon"); err != nil {
		return nil, err
	}
	if st, err = export.ReadScalar[int64](g, "stride"); err != nil {
		return nil, err
	}
	d.SeqLength, d.Horizon, d.Stride = int(sl), int(hz), int(st)
	if d.Name, err = export.StringAttr(f, "dataset"); err != nil {
		return nil, err
	}
	ms, err := g.Members()
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for _, m := range ms {
		has[m.Name] = m.Kind == export.KindDataset
	}
	for _, s := range []struct {
		name string
		dst  *Series
		opt  bool
	}{{"train", &d.Train, false}, {"val", &d.Val, false}, {"test", &d.Test, false}, {"eval", &d.Eval, true}} {
		if s.opt && !has[s.name] {
			continue
		}
		x, shape, err := export.Read[float64](g, s.name)
		if err != nil {
			return nil, err
		}
		if len(shape) != 2 || shape[1] != d.Dim {
			return nil, fmt.Errorf("dataset %s has shape %v, want (n, %d)", s.name, shape, d.Dim)
		}
		*s.dst = newSeries(s.name, x, d.Dim)
	}
	d.Params = map[string]any{"task": d.Name}
	return d, nil
}

// WriteHDF5 writes the flip-flop task: groups train, val and test each with
// inputs and targets (trials, steps, bits) float32, seeds (trials,) uint32
// and pulses (n, 4) int32 rows (trial, t, bit, cmd); the generation
// parameters as root attributes and export's provenance.
func (ff *FlipFlop) WriteHDF5(path string, opts ...export.Option) (err error) {
	opts = append([]export.Option{export.WithProvenance(paramsProvenance(ff.Params))}, opts...)
	f, err := export.Create(path, opts...)
	if err != nil {
		return fmt.Errorf("tasks: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Abort()
			err = fmt.Errorf("tasks: write %s: %w", path, err)
		}
	}()
	for _, s := range []*FlipFlopSplit{&ff.Train, &ff.Val, &ff.Test} {
		g, err := f.CreateGroup(s.Name)
		if err != nil {
			return err
		}
		shape := []int{s.Trials, s.Steps, s.Bits}
		if err = export.Write(g, "inputs", s.Inputs, shape); err != nil {
			return err
		}
		if err = export.Write(g, "targets", s.Targets, shape); err != nil {
			return err
		}
		if err = export.Write(g, "seeds", s.Seeds, []int{s.Trials}); err != nil {
			return err
		}
		var rows []int32
		for k, ps := range s.Pulses {
			for _, p := range ps {
				rows = append(rows, int32(k), int32(p.T), int32(p.Bit), int32(p.Cmd))
			}
		}
		if err = export.Write(g, "pulses", rows, []int{len(rows) / 4, 4}); err != nil {
			return err
		}
		if err = g.Close(); err != nil {
			return err
		}
	}
	if err = export.SetStringAttr(f, "dataset", "flipflop"); err != nil {
		return err
	}
	if err = writeParams(f, ff.Params); err != nil {
		return err
	}
	return f.Close()
}
