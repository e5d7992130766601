package sweep

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/neurodyn/neurodyn/export"
)

// Table is a merged sweep: one row per point, in index order.
type Table struct {
	Spec *Spec
	// ParamNames, MetricNames and TimingNames are the column names, sorted.
	ParamNames, MetricNames, TimingNames []string
	Rows                                 []PointResult
	// Missing lists the indices of points without a stored result.
	Missing []int
}

// Collect reads the spec stored in out and every stored point result.
func Collect(out string) (*Table, error) {
	spec, err := LoadSpec(filepath.Join(out, specFile))
	if err != nil {
		return nil, err
	}
	t := &Table{Spec: spec, ParamNames: spec.ParamNames()}
	metrics, timings := map[string]bool{}, map[string]bool{}
	for _, p := range spec.Points() {
		r, err := readPoint(out, p.Index)
		if err != nil || r.Key != p.Key() {
			t.Missing = append(t.Missing, p.Index)
			continue
		}
		for k := range r.Metrics {
			metrics[k] = true
		}
		for k := range r.Timings {
			timings[k] = true
		}
		t.Rows = append(t.Rows, r)
	}
	for k := range metrics {
		t.MetricNames = append(t.MetricNames, k)
	}
	sort.Strings(t.MetricNames)
	for k := range timings {
		t.TimingNames = append(t.TimingNames, k)
	}
	sort.Strings(t.TimingNames)
	return t, nil
}

// CSV returns the table as CSV: index, seed, the parameters and the metrics
// (floats in shortest round-trip form). It holds only deterministic columns,
// so the same sweep gives the same bytes however it was sharded and run;
// timings and hosts are in the HDF5 file.
func (t *Table) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append([]string{"index", "seed"}, t.ParamNames...)
	head = append(head, t.MetricNames...)
	w.Write(head)
	for _, r := range t.Rows {
		rec := []string{strconv.Itoa(r.Index), strconv.FormatUint(r.Seed, 10)}
		for _, k := range t.ParamNames {
			rec = append(rec, strconv.FormatFloat(r.Params[k], 'g', -1, 64))
		}
		for _, k := range t.MetricNames {
			v, ok := r.Metrics[k]
			if !ok {
				v = math.NaN()
			}
			rec = append(rec, strconv.FormatFloat(v, 'g', -1, 64))
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// Merge collects the results in out and writes sweep.csv, sweep.h5 and
// summary.png there. Missing points are an error unless partial is set.
func Merge(out string, partial bool) (*Table, error) {
	t, err := Collect(out)
	if err != nil {
		return nil, err
	}
	if len(t.Missing) > 0 && !partial {
		return t, fmt.Errorf("sweep: %d of %d points have no result yet (first missing: %d); rerun `neurodyn sweep run` on the spec, or merge with --partial",
			len(t.Missing), len(t.Missing)+len(t.Rows), t.Missing[0])
	}
	if err := writeAtomic(filepath.Join(out, "sweep.csv"), t.CSV()); err != nil {
		return t, err
	}
	if err := t.writeHDF5(filepath.Join(out, "sweep.h5")); err != nil && err != export.ErrNoHDF5 {
		return t, err
	}
	if err := t.plot(filepath.Join(out, "summary.png")); err != nil {
		return t, err
	}
	return t, nil
}

func (t *Table) writeHDF5(path string) (err error) {
	seeds := []export.Seed{{Name: "sample_seed", Value: t.Spec.SampleSeed}}
	for i, s := range t.Spec.Seeds {
		seeds = append(seeds, export.Seed{Name: fmt.Sprintf("replicate_%d", i), Value: s})
	}
	f, err := export.Create(path, export.Overwrite(), export.WithProvenance(export.NewProvenance(t.Spec.Text, "toml", seeds...)))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Abort()
		}
	}()
	g, err := f.CreateGroup("sweep")
	if err != nil {
		return err
	}
	n := len(t.Rows)
	idx, seed := make([]int64, n), make([]uint64, n)
	secs := make([]float64, n)
	hosts := make([]string, n)
	for i, r := range t.Rows {
		idx[i], seed[i], secs[i], hosts[i] = int64(r.Index), r.Seed, r.Seconds, r.Host
	}
	if err = export.Write(g, "index", idx, []int{n}); err != nil {
		return err
	}
	if err = export.Write(g, "seed", seed, []int{n}); err != nil {
		return err
	}
	if err = export.Write(g, "seconds", secs, []int{n}); err != nil {
		return err
	}
	if err = export.WriteStrings(g, "host", hosts); err != nil {
		return err
	}
	for _, group := range []struct {
		name  string
		cols  []string
		value func(r PointResult, k string) float64
	}{
		{"params", t.ParamNames, func(r PointResult, k string) float64 { return r.Params[k] }},
		{"metrics", t.MetricNames, func(r PointResult, k string) float64 {
			if v, ok := r.Metrics[k]; ok {
				return v
			}
			return math.NaN()
		}},
		{"timings", t.TimingNames, func(r PointResult, k string) float64 {
			if v, ok := r.Timings[k]; ok {
				return v
			}
			return math.NaN()
		}},
	} {
		sub, err := g.CreateGroup(group.name)
		if err != nil {
			return err
		}
		for _, k := range group.cols {
			col := make([]float64, n)
			for i, r := range t.Rows {
				col[i] = group.value(r, k)
			}
			if err := export.Write(sub, k, col, []int{n}); err != nil {
				return err
			}
		}
	}
	for _, a := range [][2]string{{"name", t.Spec.Name}, {"evaluator", t.Spec.Evaluator}, {"mode", t.Spec.Mode}, {"objective", t.Spec.Objective}} {
		if err = export.SetStringAttr(g, a[0], a[1]); err != nil {
			return err
		}
	}
	if err = export.SetAttr(g, "missing_points", int64(len(t.Missing))); err != nil {
		return err
	}
	return f.Close()
}

// Best returns the row with the lowest objective (ok false without one).
func (t *Table) Best() (PointResult, bool) {
	obj := t.Spec.Objective
	best, ok := PointResult{}, false
	for _, r := range t.Rows {
		v, has := r.Metrics[obj]
		if !has || math.IsNaN(v) {
			continue
		}
		if !ok || v < best.Metrics[obj] {
			best, ok = r, true
		}
	}
	return best, ok
}

// plot draws the objective (or the first metric) against each swept
// parameter: every point, and the median over points sharing a value.
func (t *Table) plot(path string) error {
	obj := t.Spec.Objective
	if obj == "" && len(t.MetricNames) > 0 {
		obj = t.MetricNames[0]
	}
	swept := t.Spec.Swept()
	if obj == "" || len(swept) == 0 || len(t.Rows) == 0 {
		return nil
	}
	var row []*plot.Plot
	for _, k := range swept {
		p := plot.New()
		p.Title.Text = obj + " vs " + k
		p.X.Label.Text, p.Y.Label.Text = k, obj
		var pts plotter.XYs
		byVal := map[float64][]float64{}
		for _, r := range t.Rows {
			v, ok := r.Metrics[obj]
			if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: r.Params[k], Y: v})
			byVal[r.Params[k]] = append(byVal[r.Params[k]], v)
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Radius = vg.Points(2)
		p.Add(sc)
		var med plotter.XYs
		for x, vs := range byVal {
			sort.Float64s(vs)
			med = append(med, plotter.XY{X: x, Y: vs[len(vs)/2]})
		}
		sort.Slice(med, func(i, j int) bool { return med[i].X < med[j].X })
		if len(med) > 1 {
			l, err := plotter.NewLine(med)
			if err != nil {
				return err
			}
			p.Add(l)
			p.Legend.Add("median", l)
		}
		row = append(row, p)
	}
	if len(row) == 0 {
		return nil
	}
	img := vgimg.New(vg.Length(len(row))*9*vg.Centimeter, 8*vg.Centimeter)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(row), PadX: vg.Millimeter * 5, PadTop: vg.Millimeter * 2,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	cs := plot.Align([][]*plot.Plot{row}, tiles, dc)
	for j, p := range row {
		p.Draw(cs[0][j])
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return err
	}
	return writeAtomic(path, b.Bytes())
}

// WriteFile writes b to path atomically (exported for the CLI's outputs).
func WriteFile(path string, b []byte) error { return writeAtomic(path, b) }
