package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

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
	// Missing lists the indices of points without a usable stored result:
	// no file, an unreadable one (Corrupt) or one of another spec (Foreign).
	Missing []int
	// Corrupt lists the points whose file does not decode as a result of
	// that index (truncated, damaged, or another point's result); Foreign
	// those whose file holds the result of another configuration (the spec
	// changed since it was computed). Both are subsets of Missing: their
	// files are never merged, and `sweep run` recomputes them.
	Corrupt, Foreign []int
	// Extra lists point files that belong to no point of the spec (an index
	// beyond it, from a larger sweep); they are never merged.
	Extra []string
	// Failed holds the stored failures (PointResult.Error set, no
	// metrics), in index order: points the evaluator failed on. They are
	// neither rows nor missing; Merge lists them (FailedSummary, sweep.h5's
	// group sweep/failed) and leaves them out of sweep.csv, summary.png and
	// the ranking (Best).
	Failed []PointResult
	// Builds lists the neurodyn builds that computed the rows
	// (PointResult.Build, "" for points that did not record theirs),
	// sorted; Merge refuses more than one unless
	// MergeOptions.AllowMixedBuilds.
	Builds []string
}

// MergeOptions control MergeWith.
type MergeOptions struct {
	// Partial merges even if some points have no usable result (see
	// Merge).
	Partial bool
	// AllowMixedBuilds merges points computed by different neurodyn builds
	// (a rebuild between a preemption and the requeue), recording each
	// row's build in sweep.h5 (sweep/build) and the list in the attribute
	// sweep/builds. Without it such a merge is refused, naming the builds
	// and points.
	AllowMixedBuilds bool
}

// Collect reads the spec stored in out and every stored point result. A
// point file that does not decode as the result of its index is listed in
// Corrupt, one holding another configuration in Foreign, and a file of no
// point of the spec in Extra; none of them is merged.
func Collect(out string) (*Table, error) {
	spec, err := LoadSpec(filepath.Join(out, specFile))
	if err != nil {
		return nil, err
	}
	t := &Table{Spec: spec, ParamNames: spec.ParamNames()}
	metrics, timings := map[string]bool{}, map[string]bool{}
	pts := spec.Points()
	for _, p := range pts {
		r, err := readPoint(out, p.Index)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			t.Missing = append(t.Missing, p.Index)
			continue
		case err != nil && !errors.As(err, new(*json.SyntaxError)) && !errors.As(err, new(*json.UnmarshalTypeError)) &&
			!errors.Is(err, io.ErrUnexpectedEOF):
			return nil, err // an I/O error, not a damaged file
		case err != nil || r.Index != p.Index || r.Metrics == nil && r.Error == "": // the file of another point or damaged
			t.Missing = append(t.Missing, p.Index)
			t.Corrupt = append(t.Corrupt, p.Index)
			continue
		case r.Key != p.Key():
			t.Missing = append(t.Missing, p.Index)
			t.Foreign = append(t.Foreign, p.Index)
			continue
		case storedFailure(r, p):
			t.Failed = append(t.Failed, r)
			continue
		}
		if !slices.Contains(t.Builds, r.Build) {
			t.Builds = append(t.Builds, r.Build)
		}
		for k := range r.Metrics {
			metrics[k] = true
		}
		for k := range r.Timings {
			timings[k] = true
		}
		t.Rows = append(t.Rows, r)
	}
	ents, err := os.ReadDir(filepath.Join(out, "points"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	for _, e := range ents {
		var i int
		name := e.Name()
		if _, err := fmt.Sscanf(name, "%d.json", &i); err != nil || filepath.Base(pointPath(out, i)) != name {
			continue // temporary files of writers at work or killed
		}
		if i >= len(pts) {
			t.Extra = append(t.Extra, filepath.Join(out, "points", name))
		}
	}
	for k := range metrics {
		t.MetricNames = append(t.MetricNames, k)
	}
	sort.Strings(t.MetricNames)
	for k := range timings {
		t.TimingNames = append(t.TimingNames, k)
	}
	sort.Strings(t.TimingNames)
	sort.Strings(t.Builds)
	return t, nil
}

// mixedBuilds describes the builds of the rows when there are several
// ("" if one): each with its number of points and the first point files.
func (t *Table) mixedBuilds() string {
	if len(t.Builds) < 2 {
		return ""
	}
	var parts []string
	for _, b := range t.Builds {
		var files []string
		n := 0
		for _, r := range t.Rows {
			if r.Build != b {
				continue
			}
			if n++; n <= 3 {
				files = append(files, filepath.Base(pointPath("", r.Index)))
			}
		}
		if n > 3 {
			files = append(files, "…")
		}
		name := b
		if name == "" {
			name = "an unrecorded build (points stored before neurodyn recorded builds)"
		}
		parts = append(parts, fmt.Sprintf("%s: %d points (%s)", name, n, strings.Join(files, ", ")))
	}
	return fmt.Sprintf("the points were computed by %d different neurodyn builds: %s", len(t.Builds), strings.Join(parts, "; "))
}

// Problems describes the points that are not merged: missing, unreadable,
// of another spec, or beyond the spec ("" if there are none). Each list
// names at most a few files.
func (t *Table) Problems() string {
	if len(t.Missing) == 0 && len(t.Extra) == 0 {
		return ""
	}
	bad := map[int]bool{}
	for _, i := range t.Corrupt {
		bad[i] = true
	}
	for _, i := range t.Foreign {
		bad[i] = true
	}
	var absent []int
	for _, i := range t.Missing {
		if !bad[i] {
			absent = append(absent, i)
		}
	}
	files := func(idx []int) string {
		var s []string
		for j, i := range idx {
			if j == 5 {
				s = append(s, fmt.Sprintf("… %d more", len(idx)-j))
				break
			}
			s = append(s, filepath.Base(pointPath("", i)))
		}
		return strings.Join(s, ", ")
	}
	var parts []string
	if len(absent) > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d points have no result yet (%s)", len(absent), len(t.Missing)+len(t.Rows), files(absent)))
	}
	if len(t.Corrupt) > 0 {
		parts = append(parts, fmt.Sprintf("%d point files are unreadable or hold another point's result (%s)", len(t.Corrupt), files(t.Corrupt)))
	}
	if len(t.Foreign) > 0 {
		parts = append(parts, fmt.Sprintf("%d point files hold results of another spec, not of the stored %s (%s)", len(t.Foreign), specFile, files(t.Foreign)))
	}
	if len(t.Extra) > 0 {
		var s []string
		for j, f := range t.Extra {
			if j == 5 {
				s = append(s, fmt.Sprintf("… %d more", len(t.Extra)-j))
				break
			}
			s = append(s, filepath.Base(f))
		}
		parts = append(parts, fmt.Sprintf("%d point files belong to no point of the spec, from a larger sweep (%s)", len(t.Extra), strings.Join(s, ", ")))
	}
	return strings.Join(parts, "; ")
}

// FailedSummary describes the failed points ("" if there are none): how
// many, and the first few files with their errors.
func (t *Table) FailedSummary() string {
	if len(t.Failed) == 0 {
		return ""
	}
	var s []string
	for j, r := range t.Failed {
		if j == 3 {
			s = append(s, fmt.Sprintf("… %d more", len(t.Failed)-j))
			break
		}
		s = append(s, fmt.Sprintf("%s: %s", filepath.Base(pointPath("", r.Index)), r.Error))
	}
	return fmt.Sprintf("%d of %d points failed and are left out of the table and the ranking (%s); `sweep run --retry-failed` evaluates them again",
		len(t.Failed), len(t.Failed)+len(t.Missing)+len(t.Rows), strings.Join(s, "; "))
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
// summary.png there. Points without a usable result (missing, unreadable or
// of another spec) and point files beyond the spec are an error naming them,
// unless partial is set: then they are left out of the table, which lists
// them (Missing, Corrupt, Foreign, Extra; see Problems). Failed points (a
// stored failure: PointResult.Error) are no error: they are left out of
// sweep.csv, summary.png and Best, listed in Table.Failed (FailedSummary)
// and in sweep.h5 (group sweep/failed: index, seed, error, build; attribute
// sweep/failed_points). sweep.h5's root provenance names the build
// (neurodyn_version, git_revision) and host that computed the rows, or
// "several: see sweep/build" ("sweep/host"); the merge's are the root
// attributes merge_build and merge_hostname.
//
// Points computed by different neurodyn builds (PointResult.Build) are
// refused: see MergeWith to merge them anyway.
func Merge(out string, partial bool) (*Table, error) {
	return MergeWith(out, MergeOptions{Partial: partial})
}

// MergeWith is Merge with options: it refuses points of different neurodyn
// builds, naming them, unless o.AllowMixedBuilds (then sweep.h5 records
// each row's build).
func MergeWith(out string, o MergeOptions) (*Table, error) {
	partial := o.Partial
	t, err := Collect(out)
	if err != nil {
		return nil, err
	}
	if m := t.mixedBuilds(); m != "" && !o.AllowMixedBuilds {
		return t, fmt.Errorf("sweep: %s: %s; rerun `neurodyn sweep run` with one build after deleting the points of the others, or merge with --allow-mixed-builds (each row's build is then recorded in sweep.h5)", out, m)
	}
	if p := t.Problems(); p != "" && !partial {
		what := "rerun `neurodyn sweep run` on the spec (it recomputes missing, unreadable and foreign points)"
		if len(t.Extra) > 0 {
			what = "remove the files beyond the spec or merge a directory of that sweep; " + what
		}
		return t, fmt.Errorf("sweep: %s: %s; %s, or merge with --partial", out, p, what)
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
	text, err := t.Spec.text()
	if err != nil {
		return err
	}
	prov := export.NewProvenance(text, "toml", seeds...)
	mergeBuild, mergeHost := Build(), prov.Host
	prov.Version, prov.Revision, prov.Host = t.computedBy()
	f, err := export.Create(path, export.Overwrite(), export.WithProvenance(prov))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Abort()
		}
	}()
	for _, a := range [][2]string{{"merge_build", mergeBuild}, {"merge_hostname", mergeHost},
		{"provenance_note", "neurodyn_version, git_revision and hostname are those of the builds and hosts that computed the points " +
			"(per row: sweep/build, sweep/host); merge_build, merge_hostname, go_version, kernel_path, cpu_model, arch and created_utc those of the merge"}} {
		if err = export.SetStringAttr(f, a[0], a[1]); err != nil {
			return err
		}
	}
	g, err := f.CreateGroup("sweep")
	if err != nil {
		return err
	}
	n := len(t.Rows)
	idx, seed := make([]int64, n), make([]uint64, n)
	secs := make([]float64, n)
	hosts, builds := make([]string, n), make([]string, n)
	for i, r := range t.Rows {
		idx[i], seed[i], secs[i], hosts[i], builds[i] = int64(r.Index), r.Seed, r.Seconds, r.Host, r.Build
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
	if err = export.WriteStrings(g, "build", builds); err != nil {
		return err
	}
	if err = export.SetStringAttr(g, "builds", strings.Join(t.Builds, "; ")); err != nil {
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
	if err = export.SetAttr(g, "failed_points", int64(len(t.Failed))); err != nil {
		return err
	}
	if len(t.Failed) > 0 {
		fg, err := g.CreateGroup("failed")
		if err != nil {
			return err
		}
		nf := len(t.Failed)
		fidx, fseed := make([]int64, nf), make([]uint64, nf)
		ferr, fbuild := make([]string, nf), make([]string, nf)
		for i, r := range t.Failed {
			fidx[i], fseed[i], ferr[i], fbuild[i] = int64(r.Index), r.Seed, r.Error, r.Build
		}
		if err = export.Write(fg, "index", fidx, []int{nf}); err != nil {
			return err
		}
		if err = export.Write(fg, "seed", fseed, []int{nf}); err != nil {
			return err
		}
		if err = export.WriteStrings(fg, "error", ferr); err != nil {
			return err
		}
		if err = export.WriteStrings(fg, "build", fbuild); err != nil {
			return err
		}
	}
	return f.Close()
}

// computedBy returns the version, revision and host for sweep.h5's root
// provenance: those of the build and host that computed every row, or
// "several: see sweep/build" ("sweep/host") when the rows differ (a merge
// with AllowMixedBuilds, a sweep over several nodes); "unrecorded" for
// points stored before builds were recorded. The merging binary and host
// are recorded apart (merge_build, merge_hostname).
func (t *Table) computedBy() (version, revision, host string) {
	var builds, hosts []string
	for _, r := range t.Rows {
		if !slices.Contains(builds, r.Build) {
			builds = append(builds, r.Build)
		}
		if !slices.Contains(hosts, r.Host) {
			hosts = append(hosts, r.Host)
		}
	}
	version, revision, host = "several: see sweep/build", "several: see sweep/build", "several: see sweep/host"
	switch {
	case len(builds) == 0:
		version, revision = "none: no point computed", "none: no point computed"
	case len(builds) == 1 && builds[0] == "":
		version, revision = "unrecorded", "unrecorded"
	case len(builds) == 1:
		f := strings.Fields(builds[0]) // "<version> <revision>[ exe:<digest>]"
		version, revision = f[0], strings.Join(f[1:], " ")
	}
	switch len(hosts) {
	case 0:
		host = "none: no point computed"
	case 1:
		host = hosts[0]
	}
	return version, revision, host
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
