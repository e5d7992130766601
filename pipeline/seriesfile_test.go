package pipeline

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// writeSeriesNPY writes n samples of a 3-variable signal (scaled by scale)
// as a float64 .npy file (format 1.0, written by hand) at path.
func writeSeriesNPY(t *testing.T, path string, n int, scale float64) {
	t.Helper()
	x := make([]float64, 0, 3*n)
	for i := range n {
		s := 0.1 * float64(i)
		x = append(x, scale*math.Sin(s), scale*math.Cos(1.3*s), scale*math.Sin(0.7*s)*math.Cos(s))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	hdr := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, 3), }", n)
	hdr += strings.Repeat(" ", 64-(10+len(hdr)+1)%64) + "\n"
	b := binary.LittleEndian.AppendUint16([]byte("\x93NUMPY\x01\x00"), uint16(len(hdr)))
	b = append(b, hdr...)
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// split is the series split the tests train with (as `neurodyn train`).
var split = tasks.SeriesConfig{Name: "series", Dt: 0.1, TrainFrac: 0.7, ValFrac: 0.15, SeqLength: 20}

// TestSeriesKeyNotPath: the identity of a series is its contents and how
// it is read, not how its path is spelled ("x.npy", "./x.npy", absolute,
// a copy elsewhere) nor options that resolve alike; other options, other
// contents or another dt are other data. The Lorenz key is the hash of its
// spec's JSON, as before.
func TestSeriesKeyNotPath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeSeriesNPY(t, "x.npy", 100, 1)
	writeSeriesNPY(t, "sub/copy.npy", 100, 1)
	writeSeriesNPY(t, "other.npy", 100, 2)
	key := func(path string, lo tasks.LoadOptions, sp tasks.SeriesConfig) string {
		t.Helper()
		s, err := SeriesFileSpec(path, lo, sp)
		if err != nil {
			t.Fatal(err)
		}
		return s.Key()
	}
	ref := key("x.npy", tasks.LoadOptions{}, split)
	dt := split
	dt.Dt = 0.2
	for _, c := range []struct {
		name string
		path string
		lo   tasks.LoadOptions
		sp   tasks.SeriesConfig
		same bool
	}{
		{"dot-slash", "./x.npy", tasks.LoadOptions{}, split, true},
		{"absolute", filepath.Join(dir, "x.npy"), tasks.LoadOptions{}, split, true},
		{"detour", "sub/../x.npy", tasks.LoadOptions{}, split, true},
		{"copy", "sub/copy.npy", tasks.LoadOptions{}, split, true},
		{"format-given", "x.npy", tasks.LoadOptions{Format: "npy"}, split, true},
		{"columns", "x.npy", tasks.LoadOptions{Columns: []int{0, 1}}, split, false},
		{"dt", "x.npy", tasks.LoadOptions{}, dt, false},
		{"contents", "other.npy", tasks.LoadOptions{}, split, false},
	} {
		if got := key(c.path, c.lo, c.sp); (got == ref) != c.same {
			t.Errorf("%s: key %s, x.npy's %s; want same = %v", c.name, got, ref, c.same)
		}
	}
	// A spec recorded before the format was resolved, or with a Header
	// on an .npy (ignored then, refused now), is the same data.
	old := DataSpec{Task: TaskSeries, Series: &SeriesSpec{Path: "x.npy", SHA256: mustSHA(t, "x.npy"), Load: tasks.LoadOptions{Header: tasks.HeaderYes}, Split: split}}
	if old.Key() != ref {
		t.Errorf("old-style spec key %s, want %s", old.Key(), ref)
	}
	l := LorenzSpec(DefaultConfig().Data.Lorenz)
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	if want := hex.EncodeToString(h[:8]); l.Key() != want {
		t.Errorf("Lorenz key %s, want %s (the hash of its JSON)", l.Key(), want)
	}
}

func mustSHA(t *testing.T, path string) string {
	t.Helper()
	s, err := fileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// saveSeriesModel writes a model file at model whose data are the series
// at path (a readout of one weight: only the metadata matter) and returns
// the metadata read back.
func saveSeriesModel(t *testing.T, model, path string) *ModelMeta {
	t.Helper()
	data, err := SeriesFileSpec(path, tasks.LoadOptions{}, split)
	if err != nil {
		t.Fatal(err)
	}
	meta := &ModelMeta{Format: ModelFormat, Kind: KindESN, Name: "test", Data: data, Dim: 3, Recipe: json.RawMessage(`{}`), Config: json.RawMessage(`{}`)}
	meta.Identity = identity(meta.Kind, meta.Recipe, data)
	if err := os.MkdirAll(filepath.Dir(model), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := saveReadoutModel(model, &snn.Linear{F: 1, O: 1, W: []float64{1}, B: []float64{0}}, meta); err != nil {
		t.Fatal(err)
	}
	m, err := ReadModelMeta(model)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSeriesLocate: a model finds its series from another working
// directory (absolute path), after the directory holding both moved (the
// path relative to the model file), and when pointed at it (UseFile, only
// with the same SHA-256 and options); otherwise the errors say where it
// looked, what differs and how to go on.
func TestSeriesLocate(t *testing.T) {
	root := t.TempDir()
	t.Chdir(filepath.Join(root))
	writeSeriesNPY(t, "proj/x.npy", 600, 1)
	t.Chdir(filepath.Join(root, "proj"))
	saveSeriesModel(t, "m/model.npz", "x.npy") // as `cd proj && neurodyn train --task x.npy --out m`
	t.Chdir(root)
	forecast := func(t *testing.T, model string, use func(*SeriesSpec) error) error {
		t.Helper()
		m, err := ReadModelMeta(model)
		if err != nil {
			t.Fatal(err)
		}
		if use != nil {
			if err := use(m.Data.Series); err != nil {
				return err
			}
		}
		d, err := m.Data.Forecasting()
		if err == nil && (d.Dim != 3 || d.Dt != 0.1) {
			t.Errorf("dataset %d variables, dt %g", d.Dim, d.Dt)
		}
		return err
	}
	t.Run("other-cwd", func(t *testing.T) {
		if err := forecast(t, "proj/m/model.npz", nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("moved-together", func(t *testing.T) {
		if err := os.Rename("proj", "moved"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename("moved", "proj")
		if err := forecast(t, "moved/m/model.npz", nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("data-moved", func(t *testing.T) {
		if err := os.Rename("proj/x.npy", "renamed.dat"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename("renamed.dat", "proj/x.npy")
		err := forecast(t, "proj/m/model.npz", nil)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "analyze --data FILE") || !strings.Contains(err.Error(), filepath.Join(root, "proj", "x.npy")) {
			t.Errorf("file gone: %v; want where it looked and --data", err)
		}
		use := func(lo tasks.LoadOptions, dt float64) func(*SeriesSpec) error {
			return func(s *SeriesSpec) error { return s.UseFile("renamed.dat", lo, dt) }
		}
		if err := forecast(t, "proj/m/model.npz", use(tasks.LoadOptions{}, 0)); err != nil {
			t.Errorf("UseFile with the model's options: %v", err)
		}
		if err := forecast(t, "proj/m/model.npz", use(tasks.LoadOptions{Format: "npy"}, 0.1)); err != nil {
			t.Errorf("UseFile with the same options given: %v", err)
		}
		err = forecast(t, "proj/m/model.npz", use(tasks.LoadOptions{Columns: []int{0, 1}}, 0.2))
		for _, w := range []string{"pipeline: --data = renamed.dat", "--columns 0,1 (trained with all)", "--dt 0.2 (trained with 0.1)", "trained on x.npy with --format npy --columns all --dt 0.1"} {
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), w) {
				t.Errorf("other options: %v; want %q", err, w)
			}
		}
		writeSeriesNPY(t, "other.npy", 600, 2)
		err = forecast(t, "proj/m/model.npz", func(s *SeriesSpec) error { return s.UseFile("other.npy", tasks.LoadOptions{}, 0) })
		if !errors.Is(err, ErrSeriesChanged) || !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "--data other.npy") {
			t.Errorf("other contents: %v", err)
		}
	})
	t.Run("changed", func(t *testing.T) {
		orig, err := os.ReadFile("proj/x.npy")
		if err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile("proj/x.npy", orig, 0o644)
		writeSeriesNPY(t, "proj/x.npy", 600, 3)
		err = forecast(t, "proj/m/model.npz", nil)
		if !errors.Is(err, ErrSeriesChanged) || !strings.Contains(err.Error(), filepath.Join(root, "proj", "x.npy")) {
			t.Errorf("changed contents: %v", err)
		}
	})
}

// TestLegacySeriesModel: a model file written before the series path left
// the identity (testdata/legacy_series: `cd legacy_series && neurodyn
// train esn --task ser.npy --out m` at d2e240e, its path "ser.npy"
// relative to that directory, no absolute path) still finds its data from
// another working directory, and counts as the same model for a training
// on the same data spelled otherwise (not "trained on other data").
func TestLegacySeriesModel(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"ser.npy", "m/esn_series.npz"} {
		b, err := os.ReadFile(filepath.Join("testdata", "legacy_series", f))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, "legacy_series", f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(t.TempDir())
	model := filepath.Join(root, "legacy_series", "m", "esn_series.npz")
	m, err := ReadModelMeta(model)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Data.Series; s == nil || s.Path != "ser.npy" || s.AbsPath != "" {
		t.Fatalf("not a legacy model file: %+v", s)
	}
	if _, err := m.Data.Forecasting(); err != nil {
		t.Fatalf("legacy model's data: %v", err)
	}
	t.Chdir(filepath.Join(root, "legacy_series"))
	cur, err := SeriesFileSpec("./ser.npy", tasks.LoadOptions{}, m.Data.Series.Split)
	if err != nil {
		t.Fatal(err)
	}
	meta := &ModelMeta{Kind: m.Kind, Name: m.Name, Data: cur, Recipe: m.Recipe}
	meta.Identity = identity(meta.Kind, meta.Recipe, cur)
	if meta.Identity == m.Identity {
		t.Fatal("the legacy identity equals the new one: the test tests nothing")
	}
	if !m.hasIdentity(meta.Identity) {
		t.Error("the legacy model does not count as the same model")
	}
	o := TrainOptions{Dir: "m", File: "esn_series.npz", NoReplace: true}
	if err := o.refuseReplace(meta); err != nil {
		t.Errorf("retraining on ./ser.npy: %v", err)
	}
	// Other data are still refused, saying what differs.
	other := *cur.Series
	other.Split.Dt = 0.5
	meta.Data = DataSpec{Task: TaskSeries, Series: &other}
	meta.Identity = identity(meta.Kind, meta.Recipe, meta.Data)
	if err := o.refuseReplace(meta); !errors.Is(err, export.ErrExists) || !strings.Contains(err.Error(), "--dt 0.5, the stored model's with --format npy --columns all --dt 0.1") {
		t.Errorf("other dt: %v", err)
	}
}

// TestSeriesKeyCanonical: loading options that read the same data give
// the same identity (the re-review's cases): every column in order is
// all, --header yes where auto finds the header is auto, an HDF5 path in
// any spelling is one path. Options that read other data, or a full
// column list that keeps a time axis LoadSeries would refuse, stay
// apart. A model file written with the old spelling counts as the same
// model, and analyze --data accepts the equivalent options.
func TestSeriesKeyCanonical(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeSeriesNPY(t, "x.npy", 100, 1)
	var csv, tcsv strings.Builder
	csv.WriteString("t,x,y,z\n")
	tcsv.WriteString("t,x,y,z\n")
	for i := range 200 {
		s := 0.1 * float64(i)
		fmt.Fprintf(&csv, "%.17g,%.17g,%.17g,%.17g\n", math.Sin(3*s), math.Sin(s), math.Cos(1.3*s), math.Sin(0.7*s))
		fmt.Fprintf(&tcsv, "%.17g,%.17g,%.17g,%.17g\n", s, math.Sin(s), math.Cos(1.3*s), math.Sin(0.7*s))
	}
	for name, text := range map[string]string{"v.csv": csv.String(), "timecol.csv": tcsv.String(), "f.h5": "not read: only the options are"} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	key := func(path string, lo tasks.LoadOptions) string {
		t.Helper()
		s, err := SeriesFileSpec(path, lo, split)
		if err != nil {
			t.Fatal(err)
		}
		return s.Key()
	}
	for _, c := range []struct {
		name   string
		path   string
		a, b   tasks.LoadOptions
		same   bool
		reason string
	}{
		{"all-columns", "x.npy", tasks.LoadOptions{}, tasks.LoadOptions{Columns: []int{0, 1, 2}}, true, ""},
		{"reordered", "x.npy", tasks.LoadOptions{}, tasks.LoadOptions{Columns: []int{1, 0, 2}}, false, ""},
		{"fewer", "x.npy", tasks.LoadOptions{}, tasks.LoadOptions{Columns: []int{0, 1}}, false, ""},
		{"header-yes", "timecol.csv", tasks.LoadOptions{Columns: []int{1, 2, 3}}, tasks.LoadOptions{Columns: []int{1, 2, 3}, Header: tasks.HeaderYes}, true, ""},
		{"header-yes-all", "v.csv", tasks.LoadOptions{}, tasks.LoadOptions{Header: tasks.HeaderYes, Columns: []int{0, 1, 2, 3}}, true, ""},
		{"keep-time-axis", "timecol.csv", tasks.LoadOptions{Columns: []int{0, 1, 2, 3}}, tasks.LoadOptions{Columns: []int{1, 2, 3}}, false, ""},
		{"hdf5-slash", "f.h5", tasks.LoadOptions{Key: "grp/traj"}, tasks.LoadOptions{Key: "/grp/traj"}, true, ""},
		{"hdf5-double", "f.h5", tasks.LoadOptions{Key: "grp//traj/"}, tasks.LoadOptions{Key: "/grp/traj"}, true, ""},
		{"hdf5-other", "f.h5", tasks.LoadOptions{Key: "grp/traj"}, tasks.LoadOptions{Key: "/grp/t"}, false, ""},
	} {
		if ka, kb := key(c.path, c.a), key(c.path, c.b); (ka == kb) != c.same {
			t.Errorf("%s: keys %s and %s; want same = %v", c.name, ka, kb, c.same)
		}
	}
	// The stored options are what the data are read with: a full column
	// list that keeps the time axis still keeps it.
	s, err := SeriesFileSpec("timecol.csv", tasks.LoadOptions{Columns: []int{0, 1, 2, 3}}, split)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := s.Forecasting(); err != nil || d.Dim != 4 {
		t.Fatalf("time axis kept on purpose: %v", err)
	}

	// A model file whose spec records --columns 0,1,2 as given (written
	// before the options were canonical) is the model of the same data.
	m := saveSeriesModel(t, filepath.Join("m", "esn_series.npz"), "x.npy")
	m.Data.Series.Load.Columns = []int{0, 1, 2}
	m.Identity = identity(m.Kind, m.Recipe, m.Data)
	cur, err := SeriesFileSpec("x.npy", tasks.LoadOptions{}, split)
	if err != nil {
		t.Fatal(err)
	}
	if id := identity(m.Kind, m.Recipe, cur); id == m.Identity || !m.hasIdentity(id) {
		t.Errorf("old spelling --columns 0,1,2: identity %s, stored %s: not the same model", id, m.Identity)
	}
	// analyze --model M --data FILE with equivalent options.
	m = saveSeriesModel(t, filepath.Join("m2", "esn_series.npz"), "x.npy")
	if err := m.Data.Series.UseFile("x.npy", tasks.LoadOptions{Columns: []int{0, 1, 2}}, 0); err != nil {
		t.Errorf("--data x.npy --columns 0,1,2 for a model trained with all: %v", err)
	}
	if err := m.Data.Series.UseFile("x.npy", tasks.LoadOptions{Columns: []int{0, 1}}, 0); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "--columns 0,1 (trained with all)") {
		t.Errorf("--columns 0,1 for a model trained with all: %v", err)
	}
}
