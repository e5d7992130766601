package tasks

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// writeNPY writes a little-endian float32 C-order .npy (format 1.0) by hand.
func writeNPY(t *testing.T, path string, data []float32, shape string) {
	t.Helper()
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape)
	pad := 64 - (10+len(hdr)+1)%64
	hdr += strings.Repeat(" ", pad) + "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	b = append(b, hdr...)
	for _, v := range data {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// series returns n samples of a 2-variable test signal.
func series(n int) []float64 {
	x := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		x[2*i] = math.Sin(0.1 * float64(i))
		x[2*i+1] = float64(i % 7)
	}
	return x
}

func TestLoadSeriesFormats(t *testing.T) {
	dir := t.TempDir()
	want := series(120)
	check := func(t *testing.T, r RawSeries, tol float64) {
		t.Helper()
		if r.Len != 120 || r.Dim != 2 {
			t.Fatalf("shape %d×%d, want 120×2", r.Len, r.Dim)
		}
		for i := range want {
			if math.Abs(r.Data[i]-want[i]) > tol {
				t.Fatalf("value %d = %v, want %v", i, r.Data[i], want[i])
			}
		}
	}
	t.Run("csv-header", func(t *testing.T) {
		var sb strings.Builder
		sb.WriteString("# a comment\nx, count\n")
		for i := 0; i < 120; i++ {
			fmt.Fprintf(&sb, "%.17g,%g\n", want[2*i], want[2*i+1])
		}
		p := filepath.Join(dir, "s.csv")
		os.WriteFile(p, []byte(sb.String()), 0o644)
		r, err := LoadSeries(p, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		check(t, r, 0)
		if len(r.Names) != 2 || r.Names[1] != "count" {
			t.Errorf("names %q", r.Names)
		}
		r, err = LoadSeries(p, LoadOptions{Columns: []int{1}})
		if err != nil || r.Dim != 1 || r.Data[3] != 3 || r.Names[0] != "count" {
			t.Errorf("column selection: %v %v", r, err)
		}
	})
	t.Run("tsv-noheader", func(t *testing.T) {
		var sb strings.Builder
		for i := 0; i < 120; i++ {
			fmt.Fprintf(&sb, "%.17g\t%g\n", want[2*i], want[2*i+1])
		}
		p := filepath.Join(dir, "s.tsv")
		os.WriteFile(p, []byte(sb.String()), 0o644)
		r, err := LoadSeries(p, LoadOptions{Header: HeaderNo})
		if err != nil {
			t.Fatal(err)
		}
		check(t, r, 0)
	})
	// Text as spreadsheets and NumPy write it: a byte-order mark, CRLF,
	// ';' (decimal-comma locales), np.savetxt's blanks; the delimiter is
	// taken from the first line.
	for _, tc := range []struct{ name, bom, comma, eol string }{
		{"bom-crlf.csv", "\ufeff", ",", "\r\n"},
		{"semicolon.csv", "", ";", "\n"},
		{"savetxt.txt", "", " ", "\n"},
		{"tabs.txt", "", "\t", "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sb strings.Builder
			sb.WriteString(tc.bom + "x" + tc.comma + "count" + tc.eol)
			for i := 0; i < 120; i++ {
				fmt.Fprintf(&sb, "%.17g%s%g%s", want[2*i], tc.comma, want[2*i+1], tc.eol)
			}
			p := filepath.Join(dir, tc.name)
			os.WriteFile(p, []byte(sb.String()), 0o644)
			r, err := LoadSeries(p, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			check(t, r, 0)
			if len(r.Names) != 2 || r.Names[0] != "x" || r.Names[1] != "count" {
				t.Errorf("names %q", r.Names)
			}
		})
	}
	t.Run("npy", func(t *testing.T) {
		f32 := make([]float32, len(want))
		for i, v := range want {
			f32[i] = float32(v)
		}
		p := filepath.Join(dir, "s.npy")
		writeNPY(t, p, f32, "(120, 2)")
		r, err := LoadSeries(p, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		check(t, r, 1e-7)
	})
	t.Run("npz", func(t *testing.T) {
		p := filepath.Join(dir, "s.npz")
		err := export.WriteNPZ(p, []export.NPZArray{
			export.NewNPZArray("other", []int64{1, 2, 3}),
			export.NewNPZArray("data", want, 120, 2),
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := LoadSeries(p, LoadOptions{Key: "data"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, r, 0)
		_, err = LoadSeries(p, LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), "one of the arrays in") || !strings.Contains(err.Error(), "other (3,), data (120, 2)") {
			t.Errorf("missing key: %v", err)
		}
		r, err = LoadSeries(p, LoadOptions{Key: "other"})
		if err != nil || r.Dim != 1 || r.Len != 3 {
			t.Errorf("1-D array: %+v %v", r, err)
		}
	})
	t.Run("hdf5", func(t *testing.T) {
		p := filepath.Join(dir, "s.h5")
		f, err := export.Create(p)
		if errors.Is(err, export.ErrNoHDF5) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		g, _ := f.CreateGroup("rec")
		if err := export.Write(g, "x", want, []int{120, 2}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := LoadSeries(p, LoadOptions{Key: "/rec/x"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, r, 0)
		// The file's only dataset, in a group, needs no Key.
		if r, err := LoadSeries(p, LoadOptions{}); err != nil || r.Len != 120 {
			t.Errorf("no key: %v", err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte("1,2\n3,x\n"), 0o644)
		_, err := LoadSeries(bad, LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), `line 2 field 2: "x" is not a number`) || !errors.Is(err, param.ErrInvalid) {
			t.Errorf("bad number: %v", err)
		}
		os.WriteFile(bad, []byte("1,2\n3\n"), 0o644)
		if _, err := LoadSeries(bad, LoadOptions{}); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "line 2: 1 fields, want 2") {
			t.Errorf("ragged: %v", err)
		}
		os.WriteFile(bad, []byte("t,a\n1,x\n"), 0o644)
		if _, err := LoadSeries(bad, LoadOptions{}); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), `line 2 field 2 (a): "x"`) {
			t.Errorf("bad number under a header: %v", err)
		}
		os.WriteFile(bad, []byte("1,2\nnan,4\n"), 0o644)
		if _, err := LoadSeries(bad, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "sample 1, variable 0 = NaN: must be finite") {
			t.Errorf("NaN: %v", err)
		}
		if _, err := LoadSeries(filepath.Join(dir, "x.dat"), LoadOptions{}); err == nil || !strings.Contains(err.Error(), "tasks: Format") {
			t.Errorf("unknown extension: %v", err)
		}
		if _, err := LoadSeries(bad, LoadOptions{Columns: []int{5}}); err == nil {
			t.Error("out-of-range column accepted")
		}
		os.WriteFile(bad, []byte("1,2\n3,4\n"), 0o644)
		if _, err := LoadSeries(bad, LoadOptions{Columns: []int{1, 0, 1}}); err == nil || !strings.Contains(err.Error(), "Columns = [1 0 1]: must be distinct column indices (1 is given twice)") {
			t.Errorf("repeated column: %v", err)
		}
	})
}

func TestFromSeries(t *testing.T) {
	x := series(1000)
	d, err := FromSeries(RawSeries{Data: x, Len: 1000, Dim: 2}, SeriesConfig{Name: "demo", Dt: 0.1, SeqLength: 20})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len != 700 || d.Val.Len != 150 || d.Test.Len != 150 {
		t.Errorf("split sizes %d/%d/%d, want 700/150/150", d.Train.Len, d.Val.Len, d.Test.Len)
	}
	mean, std := meanStd(x[:1400], 2)
	for j := range mean {
		if d.Mean[j] != mean[j] || d.Std[j] != std[j] {
			t.Errorf("statistics %v %v, want train's %v %v", d.Mean, d.Std, mean, std)
		}
	}
	// Test sample 0 is original sample 850, normalized with train stats.
	got := make([]float64, 2)
	d.Denormalize(got, d.Test.At(0))
	if math.Abs(got[0]-x[1700]) > 1e-12 || math.Abs(got[1]-x[1701]) > 1e-12 {
		t.Errorf("test[0] denormalized %v, want %v", got, x[1700:1702])
	}
	w, _ := d.Windows("test")
	if w.Len() != 150-20 {
		t.Errorf("%d test windows, want 130", w.Len())
	}
	// One fraction given: the other keeps its default.
	for _, c := range []struct {
		cfg                SeriesConfig
		train, val, tested int
	}{
		{SeriesConfig{TrainFrac: 0.8, SeqLength: 10}, 800, 150, 50},
		{SeriesConfig{ValFrac: 0.1, SeqLength: 10}, 700, 100, 200},
	} {
		d, err := FromSeries(RawSeries{Data: x, Len: 1000, Dim: 2}, c.cfg)
		if err != nil {
			t.Fatalf("%+v: %v", c.cfg, err)
		}
		if d.Train.Len != c.train || d.Val.Len != c.val || d.Test.Len != c.tested {
			t.Errorf("%+v: split sizes %d/%d/%d, want %d/%d/%d", c.cfg, d.Train.Len, d.Val.Len, d.Test.Len, c.train, c.val, c.tested)
		}
	}
	// Explicit ranges, with eval.
	d, err = FromSeries(RawSeries{Data: x, Len: 1000, Dim: 2}, SeriesConfig{Ranges: [][2]int{{0, 500}, {600, 700}, {700, 800}, {800, 1000}}, SeqLength: 10})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len != 500 || d.Eval.Len != 200 {
		t.Errorf("ranges: %d, %d", d.Train.Len, d.Eval.Len)
	}
	cases := []struct {
		c    SeriesConfig
		want string
	}{
		{SeriesConfig{TrainFrac: 0.9, ValFrac: 0.2}, "TrainFrac/ValFrac = 0.9/0.2"},
		{SeriesConfig{TrainFrac: 0.9}, "TrainFrac/ValFrac = 0.9/0.15"}, // the omitted ValFrac takes its default
		{SeriesConfig{TrainFrac: -0.1}, "TrainFrac/ValFrac = -0.1/0.15"},
		{SeriesConfig{Ranges: [][2]int{{0, 500}, {400, 700}, {700, 800}}}, "Ranges[1] = [400 700]: must be disjoint from Ranges[0]"},
		{SeriesConfig{Ranges: [][2]int{{0, 500}}}, "Ranges = 1"},
		{SeriesConfig{SeqLength: 200}, "split val = 150 samples: must be at least SeqLength+Horizon = 201 samples"},
		{SeriesConfig{Dt: -1}, "Dt = -1"},
	}
	for _, c := range cases {
		_, err := FromSeries(RawSeries{Data: x, Len: 1000, Dim: 2}, c.c)
		if err == nil || !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	if _, err := FromSeries(RawSeries{Data: x, Len: 1000, Dim: 2, Names: []string{"a"}}, SeriesConfig{}); !errors.Is(err, param.ErrInvalid) ||
		!strings.Contains(err.Error(), "series Names = 1: must be nil or one name per variable (Dim = 2)") {
		t.Errorf("one name for two variables: %v", err)
	}
	if _, err := NewWindows(nil, 5, 1, 1); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("NewWindows(nil): %v, want a param error", err)
	}
	if _, err := NewBatcher(nil, 4, false, 0); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("NewBatcher(nil): %v, want a param error", err)
	}
	flat := make([]float64, 2000)
	if _, err := FromSeries(RawSeries{Data: flat, Len: 1000, Dim: 2}, SeriesConfig{}); err == nil || !strings.Contains(err.Error(), "std > 0") {
		t.Errorf("constant series: %v", err)
	}
}

func TestDatasetFiles(t *testing.T) {
	d, err := GenerateLorenz(LorenzConfig{TrainT: 3, ValT: 1, TestT: 1, EvalT: 2})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	npz := filepath.Join(dir, "lorenz_data.npz")
	if err := d.WriteNPZ(npz); err != nil {
		t.Fatal(err)
	}
	arrs, err := export.ReadNPZ(npz)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range arrs {
		keys = append(keys, fmt.Sprintf("%s%v%T", a.Name, a.Shape, a.Data))
	}
	want := "train[300 3][]float64 val[100 3][]float64 test[100 3][]float64 mean[3][]float64 std[3][]float64 dt[][]float64 seq_length[][]int64"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("npz members\n got %s\nwant %s", got, want)
	}
	if err := d.WriteNPZ(npz); !errors.Is(err, export.ErrExists) {
		t.Errorf("second write: %v, want ErrExists", err)
	}
	h5 := filepath.Join(dir, "lorenz.h5")
	err = d.WriteHDF5(h5)
	if errors.Is(err, export.ErrNoHDF5) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadHDF5(h5)
	if err != nil {
		t.Fatal(err)
	}
	if r.Dim != 3 || r.Dt != 0.01 || r.SeqLength != 50 || r.Horizon != 1 || r.Eval.Len != 200 || r.Name != "lorenz63" {
		t.Errorf("read back %+v", r)
	}
	for i := range d.Test.Data {
		if r.Test.Data[i] != d.Test.Data[i] {
			t.Fatal("test split differs after the round trip")
		}
	}
	f, err := export.Open(h5)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rho, err := export.Attr[float64](f, "rho"); err != nil || rho != 28 {
		t.Errorf("rho attribute %v %v", rho, err)
	}
	if s, err := export.Attr[int64](f, "seed_test"); err != nil || s != 44 {
		t.Errorf("seed_test attribute %v %v", s, err)
	}
	p, err := export.ReadProvenance(f)
	if err != nil || !strings.Contains(p.Config, `"rtol":1e-10`) || len(p.Seeds) != 4 {
		t.Errorf("provenance %+v %v", p, err)
	}
	ff, _ := GenerateFlipFlop(FlipFlopConfig{TrainTrials: 4, ValTrials: 2, TestTrials: 2})
	if err := ff.WriteHDF5(filepath.Join(dir, "ff.h5")); err != nil {
		t.Fatal(err)
	}
	g, err := export.Open(filepath.Join(dir, "ff.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	in, shape, err := export.Read[float32](&g.Group, "train/inputs")
	if err != nil || fmt.Sprint(shape) != "[4 100 3]" || in[2*3] != -1 {
		t.Errorf("flip-flop inputs %v %v (t=2 bit 0 = %v)", shape, err, in[6])
	}
}

// Finite values whose sums overflow: the statistics are computed scaled, so
// they stay finite and the values z-score as they would at any scale
// (before, one value of 1e308 made the train std +Inf and every value of
// its variable −0); a value that overflows once normalized is refused,
// naming its split, sample and variable.
func TestFromSeriesHugeValues(t *testing.T) {
	const n = 301
	x := make([]float64, 2*n)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	x[10] = 1e308 // sample 5, variable 0, in the train split (211 samples)
	d, err := FromSeries(RawSeries{Data: x, Len: n, Dim: 2}, SeriesConfig{SeqLength: 10})
	if err != nil {
		t.Fatal(err)
	}
	// One spike S among 211 values ≈ 0: mean S/211, std S·√210/211, so the
	// spike becomes √210 and the others −1/√210 (their own values are lost
	// below the std's resolution).
	if s := d.Std[0]; math.IsInf(s, 0) || math.Abs(s/(1e308/211*math.Sqrt(210))-1) > 1e-9 {
		t.Errorf("std of variable 0 = %v, want %v", s, 1e308/211*math.Sqrt(210))
	}
	if got := d.Train.At(5)[0]; math.Abs(got-math.Sqrt(210)) > 1e-9 {
		t.Errorf("spike normalized to %v, want √210 = %v", got, math.Sqrt(210))
	}
	if got := d.Train.At(0)[0]; math.Abs(got+1/math.Sqrt(210)) > 1e-9 {
		t.Errorf("sample 0 normalized to %v, want −1/√210 = %v", got, -1/math.Sqrt(210))
	}
	if got, want := d.Train.At(0)[1], (x[1]-d.Mean[1])/d.Std[1]; got != want {
		t.Errorf("variable 1 changed: %v, want %v", got, want)
	}

	// ±1.5e308 alternating: the squares overflow, the std is 1.5e308.
	y := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		y[2*i] = 1.5e308 * float64(1-2*(i%2))
		y[2*i+1] = float64(i % 5)
	}
	d, err = FromSeries(RawSeries{Data: y, Len: n, Dim: 2}, SeriesConfig{Ranges: [][2]int{{0, 200}, {200, 250}, {250, n}}, SeqLength: 10})
	if err != nil {
		t.Fatal(err)
	}
	if d.Mean[0] != 0 || math.Abs(d.Std[0]/1.5e308-1) > 1e-14 || math.Abs(d.Train.At(0)[0]-1) > 1e-14 || math.Abs(d.Test.At(1)[0]+1) > 1e-14 {
		t.Errorf("±1.5e308: mean %v std %v, normalized %v %v; want 0, 1.5e308, 1, -1", d.Mean[0], d.Std[0], d.Train.At(0)[0], d.Test.At(1)[0])
	}

	// A value that overflows once normalized with the train statistics.
	z := append([]float64(nil), x...)
	z[10] = 0
	z[2*230] = 1.5e308 // sample 230 (val split starts at 211), variable 0
	_, err = FromSeries(RawSeries{Data: z, Len: n, Dim: 2, Names: []string{"u", "v"}}, SeriesConfig{SeqLength: 10})
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "split val: sample 19, variable 0 (u) = 1.5e+308: must be within float64 range once normalized") {
		t.Errorf("overflow after normalization: %v", err)
	}
}

// The scaled statistics agree with the plain two-pass ones on ordinary data.
func TestScaledMeanStd(t *testing.T) {
	x := series(500)
	mean, std := meanStd(x, 2)
	for j := range mean {
		m, s := scaledMeanStd(x, 2, j)
		if math.Abs(m-mean[j]) > 1e-14*math.Abs(mean[j]) || math.Abs(s-std[j]) > 1e-14*std[j] {
			t.Errorf("variable %d: scaled %v %v, plain %v %v", j, m, s, mean[j], std[j])
		}
	}
}

// HeaderAuto takes a first row as a header only when it names something
// and holds nothing numeric; numerals out of range and missing-value
// markers count as numeric, so such a row is data, and its bad value is
// reported by line and field (before, "1e400,2" and "NA,2" were dropped
// as headers).
func TestCSVHeaderAuto(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		names      []string
		data       []float64
		err        string
	}{
		{"names", "u,x\n0,1\n2,2\n", []string{"u", "x"}, []float64{0, 1, 2, 2}, ""},
		{"numbers", "3,4\n1,2\n", nil, []float64{3, 4, 1, 2}, ""},
		{"empty-index-name", ",x\n0,1\n1,2\n", nil, nil, `Columns = all: must be given explicitly`},
		{"overflow", "1e400,2\n3,4\n", nil, nil, `line 1 field 1: "1e400" overflows float64 (|x| > 1.8e308): rescale the data; if the first line is a header, say so`},
		{"negative-overflow", "1,-1e400\n3,4\n", nil, nil, `line 1 field 2: "-1e400" overflows float64`},
		{"NA", "NA,2\n3,4\n", nil, nil, `line 1 field 1: "NA" is a missing value: fill or drop the row`},
		{"null", "x,null\n3,4\n", nil, nil, `line 1 field 1: "x" is not a number`},
		{"name-and-number", "time,2\n3,4\n", nil, nil, `line 1 field 1: "time" is not a number; if the first line is a header, say so (LoadOptions.Header = HeaderYes, --header yes)`},
		{"overflow-in-data", "a,b\n1,2\n3,1e999\n", nil, nil, `line 3 field 2 (b): "1e999" overflows float64`},
		{"NA-in-data", "a,b\n1,2\nN/A,4\n", nil, nil, `line 3 field 1 (a): "N/A" is a missing value`},
		{"empty-in-data", "a,b\n1,2\n3,\n", nil, nil, `line 3 field 2 (b): "" is empty (a missing value)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".csv")
			if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := LoadSeries(p, LoadOptions{})
			if c.err != "" {
				if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
					t.Errorf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(r.Names) != fmt.Sprint(c.names) || fmt.Sprint(r.Data) != fmt.Sprint(c.data) {
				t.Errorf("names %q data %v, want %q %v", r.Names, r.Data, c.names, c.data)
			}
		})
	}
}

// TestLoadSeriesIndexColumn: a first column that is a row index or a time
// axis (a pandas index, a row counter, a column t that increases) is
// refused unless Columns is given, with the Columns that leave it out; a
// first column that is a variable is read as before.
func TestLoadSeriesIndexColumn(t *testing.T) {
	dir := t.TempDir()
	// rows returns n rows of "first,sin,cos" after a header.
	rows := func(header string, first func(i int) string) string {
		var sb strings.Builder
		if header != "" {
			sb.WriteString(header + "\n")
		}
		for i := 0; i < 50; i++ {
			fmt.Fprintf(&sb, "%s,%.17g,%.17g\n", first(i), math.Sin(0.3*float64(i)), math.Cos(0.7*float64(i)))
		}
		return sb.String()
	}
	index := func(i int) string { return strconv.Itoa(i) }
	from1 := func(i int) string { return strconv.Itoa(i + 1) }
	times := func(i int) string { return strconv.FormatFloat(0.1*float64(i)+5, 'g', -1, 64) }
	wavy := func(i int) string { return strconv.FormatFloat(math.Sin(0.2*float64(i))+float64(i%3), 'g', -1, 64) }
	for _, c := range []struct {
		name, text string
		cols       []int
		err        string // "" → loads, with names
		names      string
		dim        int
	}{
		{"pandas", rows(",a,b", index), nil, `first column has the header "", as pandas writes its index (DataFrame.to_csv; index=False leaves it out), not a variable of the dynamics; pass Columns (--columns) 1,2 to leave it out, or 0,1,2 to keep it`, "", 0},
		{"pandas-times", rows(",a,b", times), nil, `has the header "", as pandas writes its index`, "", 0},
		{"pandas-reread", rows("Unnamed: 0,a,b", index), nil, `has the header "Unnamed: 0"`, "", 0},
		{"counter-no-header", rows("", index), nil, "counts the rows (0, 1, …, 49): a row index", "", 0},
		{"counter-from-1", rows("n,a,b", from1), nil, "counts the rows (1, 2, …, 50)", "", 0},
		{"time-column", rows("time,a,b", times), nil, `is named "time" and increases throughout (5 to 9.9): a time axis`, "", 0},
		{"pandas-columns", rows(",a,b", index), []int{1, 2}, "", "[a b]", 2},
		{"pandas-keep-index", rows(",a,b", index), []int{0, 1, 2}, "", "[ a b]", 3},
		{"variable-first", rows("w,a,b", wavy), nil, "", "[w a b]", 3},
		{"t-not-increasing", rows("t,a,b", wavy), nil, "", "[t a b]", 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".csv")
			if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := LoadSeries(p, LoadOptions{Columns: c.cols})
			if c.err != "" {
				if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "tasks: Columns = all: must be given explicitly") || !strings.Contains(err.Error(), c.err) {
					t.Errorf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Dim != c.dim || r.Len != 50 || fmt.Sprint(r.Names) != c.names {
				t.Errorf("%d×%d names %q, want %d variables named %s", r.Len, r.Dim, r.Names, c.dim, c.names)
			}
		})
	}
	t.Run("npy-counter", func(t *testing.T) {
		x := make([]float32, 0, 100)
		for i := range 50 {
			x = append(x, float32(i), float32(math.Sin(float64(i))))
		}
		p := filepath.Join(dir, "counter.npy")
		writeNPY(t, p, x, "(50, 2)")
		if _, err := LoadSeries(p, LoadOptions{}); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "pass Columns (--columns) 1 to leave it out, or 0,1 to keep it") {
			t.Errorf("row counter in an .npy: %v", err)
		}
		// One variable that happens to count is the user's series.
		writeNPY(t, p, x[:50], "(50,)")
		if r, err := LoadSeries(p, LoadOptions{}); err != nil || r.Dim != 1 {
			t.Errorf("1-D ramp: %v", err)
		}
	})
}

// TestLoadOptionsApply: an option that does not apply to the file's
// format is refused, naming it and the formats it applies to, instead of
// being ignored; Resolve fills the format and a .tsv's tab.
func TestLoadOptionsApply(t *testing.T) {
	for _, c := range []struct {
		path string
		o    LoadOptions
		err  string
	}{
		{"a.npy", LoadOptions{Key: "traj"}, "tasks: Key = traj: must be left out for a.npy (a npy file holds one array; Key names an array in an .npz or a dataset in an HDF5 file)"},
		{"a.csv", LoadOptions{Key: "x"}, "tasks: Key = x: must be left out for a.csv (a csv file holds one array"},
		{"a.txt", LoadOptions{Key: "x", Format: "csv"}, "tasks: Key = x"},
		{"a.npy", LoadOptions{Header: HeaderYes}, "tasks: Header = yes: must be left out for a.npy (a header row exists only in delimited text: .csv, .tsv, .txt)"},
		{"a.npz", LoadOptions{Header: HeaderNo}, "tasks: Header = no: must be left out for a.npz"},
		{"a.h5", LoadOptions{Header: HeaderYes}, "tasks: Header = yes: must be left out for a.h5"},
		{"a.h5", LoadOptions{Comma: ';'}, "tasks: Comma = ;: must be left out for a.h5"},
		{"a.dat", LoadOptions{}, "tasks: Format"},
		{"a.npy", LoadOptions{Format: "parquet"}, "tasks: Format = parquet: must be one of npy, npz, hdf5, csv"},
	} {
		t.Run(fmt.Sprintf("%s/%+v", c.path, c.o), func(t *testing.T) {
			_, err := c.o.Resolve(c.path)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Resolve(%q) = %v, want %q", c.path, err, c.err)
			}
			if _, err := LoadSeries(c.path, c.o); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("LoadSeries(%q) = %v, want %q", c.path, err, c.err)
			}
		})
	}
	for _, c := range []struct {
		path string
		o    LoadOptions
		want LoadOptions
	}{
		{"a.npy", LoadOptions{}, LoadOptions{Format: "npy"}},
		{"a.NPZ", LoadOptions{Key: "x"}, LoadOptions{Format: "npz", Key: "x"}},
		{"a.hdf5", LoadOptions{Key: "/g/x"}, LoadOptions{Format: "hdf5", Key: "/g/x"}},
		{"a.tsv", LoadOptions{Header: HeaderYes}, LoadOptions{Format: "csv", Header: HeaderYes, Comma: '\t'}},
		{"a.tsv", LoadOptions{Comma: ','}, LoadOptions{Format: "csv", Comma: ','}},
		{"a.dat", LoadOptions{Format: "npy", Columns: []int{1}}, LoadOptions{Format: "npy", Columns: []int{1}}},
	} {
		got, err := c.o.Resolve(c.path)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Resolve(%q, %+v) = %+v, %v; want %+v", c.path, c.o, got, err, c.want)
		}
	}
}

// TestLoadHDF5Choice: without Key, a file holding one dataset (in a group
// too) is read; with several, groups included, the loader refuses and
// lists them with their shapes instead of taking a root dataset.
func TestLoadHDF5Choice(t *testing.T) {
	dir := t.TempDir()
	traj := series(60)
	ramp := make([]float64, 60)
	for i := range ramp {
		ramp[i] = 0.1 * float64(i)
	}
	write := func(t *testing.T, name string, withT bool) string {
		t.Helper()
		p := filepath.Join(dir, name)
		f, err := export.Create(p)
		if errors.Is(err, export.ErrNoHDF5) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if withT {
			if err := export.Write(&f.Group, "t", ramp, []int{60}); err != nil {
				t.Fatal(err)
			}
		}
		g, err := f.CreateGroup("grp")
		if err != nil {
			t.Fatal(err)
		}
		if err := export.Write(g, "traj", traj, []int{60, 2}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("ambiguous", func(t *testing.T) {
		p := write(t, "both.h5", true)
		_, err := LoadSeries(p, LoadOptions{})
		want := "tasks: Key = \"\": must be the path of the dataset to read in " + p + " (Key, --key), since it holds 2 datasets, groups included: /grp/traj (60, 2), /t (60,)"
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("err %v, want %q", err, want)
		}
		r, err := LoadSeries(p, LoadOptions{Key: "/grp/traj"})
		if err != nil || r.Dim != 2 || r.Data[2] != traj[2] {
			t.Errorf("with Key: %v", err)
		}
	})
	t.Run("missing-key", func(t *testing.T) {
		p := write(t, "missing.h5", true)
		_, err := LoadSeries(p, LoadOptions{Key: "nope"})
		want := "(Key, --key, must be one of the datasets in the file, groups included: /grp/traj (60, 2), /t (60,))"
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("err %v, want %q", err, want)
		}
		for _, k := range []string{"grp/traj", "/grp//traj", "grp/traj/"} {
			if r, err := LoadSeries(p, LoadOptions{Key: k}); err != nil || r.Dim != 2 {
				t.Errorf("Key %q: %v", k, err)
			}
		}
	})
	t.Run("one-in-a-group", func(t *testing.T) {
		r, err := LoadSeries(write(t, "one.h5", false), LoadOptions{})
		if err != nil || r.Dim != 2 || r.Len != 60 || r.Data[3] != traj[3] {
			t.Errorf("%+v %v", r, err)
		}
	})
}

// TestLoadSeriesTimeAxisNoHeader: a first column that increases in equal
// steps is a time axis even without a header (np.savetxt of
// column_stack([0.1*i, x]), as text or .npy), refused unless Columns is
// given, whether written exactly or with 6 significant digits; a
// monotone variable of unequal steps (a cumulative sum) is data.
func TestLoadSeriesTimeAxisNoHeader(t *testing.T) {
	dir := t.TempDir()
	const n = 5000
	rng := rand.New(rand.NewPCG(1, 2))
	cum := 100.0
	write := func(name, format string, first func(i int) float64) string {
		var sb strings.Builder
		for i := range n {
			x := first(i)
			fmt.Fprintf(&sb, format+","+format+","+format+"\n", x, math.Sin(0.05*float64(i)), math.Cos(0.031*float64(i)))
		}
		p := filepath.Join(dir, name+".csv")
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	time := func(i int) float64 { return 0.1 * float64(i) }
	late := func(i int) float64 { return 7200 + 0.01*float64(i) }
	cumsum := func(i int) float64 {
		if i > 0 {
			cum += 0.5 + rng.Float64()
		}
		return cum
	}
	drift := func(i int) float64 { return float64(i) + 0.3*math.Sin(0.5*float64(i)) }
	for _, c := range []struct {
		name, path string
		refused    bool
	}{
		{"savetxt", write("savetxt", "%.18e", time), true},
		{"g", write("g", "%g", time), true},
		{"g-late", write("g-late", "%g", late), true},
		{"cumulative", write("cumulative", "%.18e", cumsum), false},
		{"cumulative-g", write("cumulative-g", "%g", cumsum), false},
		{"drift", write("drift", "%g", drift), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := LoadSeries(c.path, LoadOptions{})
			if !c.refused {
				if err != nil || r.Dim != 3 {
					t.Fatalf("legitimate data refused: %v", err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "increases in equal steps") || !strings.Contains(err.Error(), "pass Columns (--columns) 1,2 to leave it out, or 0,1,2 to keep it") {
				t.Fatalf("time axis without header: %v", err)
			}
			for _, cols := range [][]int{{1, 2}, {0, 1, 2}} {
				if r, err := LoadSeries(c.path, LoadOptions{Columns: cols}); err != nil || r.Dim != len(cols) {
					t.Errorf("Columns %v: %v", cols, err)
				}
			}
		})
	}
	t.Run("npy", func(t *testing.T) {
		x := make([]float32, 0, 2*n)
		for i := range n {
			x = append(x, float32(0.1*float64(i)), float32(math.Sin(0.05*float64(i))))
		}
		p := filepath.Join(dir, "t.npy")
		writeNPY(t, p, x, fmt.Sprintf("(%d, 2)", n))
		if _, err := LoadSeries(p, LoadOptions{}); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "increases in equal steps") {
			t.Errorf("float32 time axis in an .npy: %v", err)
		}
	})
}

// TestLoadOptionsCanonical: options that read the same data from a file
// resolve to one form; others stay apart.
func TestLoadOptionsCanonical(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "v.csv")
	var sb strings.Builder
	sb.WriteString("a,b,c\n")
	for i := range 30 {
		fmt.Fprintf(&sb, "%g,%g,%g\n", math.Sin(float64(i)), math.Cos(float64(i)), math.Sin(2*float64(i)))
	}
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	h5 := filepath.Join(dir, "f.h5") // not read: a Key alone needs no file
	for _, c := range []struct {
		name string
		path string
		o    LoadOptions
		want string
	}{
		{"all-columns", p, LoadOptions{Columns: []int{0, 1, 2}}, "{csv  auto 0 []}"},
		{"header-yes", p, LoadOptions{Header: HeaderYes}, "{csv  auto 0 []}"},
		{"some-columns", p, LoadOptions{Columns: []int{0, 2}}, "{csv  auto 0 [0 2]}"},
		{"reordered", p, LoadOptions{Columns: []int{2, 1, 0}}, "{csv  auto 0 [2 1 0]}"},
		{"key-relative", h5, LoadOptions{Key: "grp/traj"}, "{hdf5 /grp/traj auto 0 []}"},
		{"key-slashes", h5, LoadOptions{Key: "//grp//traj/"}, "{hdf5 /grp/traj auto 0 []}"},
		{"key-none", h5, LoadOptions{}, "{hdf5  auto 0 []}"},
	} {
		got, err := c.o.Canonical(c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if s := fmt.Sprintf("{%s %s %s %d %v}", got.Format, got.Key, got.Header, got.Comma, got.Columns); s != c.want {
			t.Errorf("%s: %s, want %s", c.name, s, c.want)
		}
	}
}

// TestSelectColumns: an array given whole (the C API's and Python's
// Series) gets LoadSeries' column rule: a time axis or row index in front
// is refused, naming how Columns is given there; Columns selects and
// orders; a ramp in another column is a variable.
func TestSelectColumns(t *testing.T) {
	const n = 200
	mk := func(cols ...func(i int) float64) RawSeries {
		r := RawSeries{Len: n, Dim: len(cols)}
		for i := range n {
			for _, c := range cols {
				r.Data = append(r.Data, c(i))
			}
		}
		return r
	}
	time := func(i int) float64 { return float64(i) * 0.05 }
	row := func(i int) float64 { return float64(i) }
	sin := func(i int) float64 { return math.Sin(float64(i) * 0.05) }
	for _, c := range []struct {
		name    string
		r       RawSeries
		columns []int
		err     string // "" when accepted
		dim     int
		first   float64 // value of sample 1, variable 0
	}{
		{"time axis", mk(time, sin, sin), nil, "its first column increases in equal steps (0, 0.05, …, 9.950000000000001; step 0.05): a time axis (the sample interval is given as Dt, --dt), not a variable of the dynamics; pass Columns (how) 1,2 to leave it out, or 0,1,2 to keep it", 0, 0},
		{"row index", mk(row, sin), nil, "counts the rows (0, 1, …, 199): a row index", 0, 0},
		{"left out", mk(time, sin, sin), []int{1, 2}, "", 2, sin(1)},
		{"kept", mk(time, sin, sin), []int{0, 1, 2}, "", 3, time(1)},
		{"ramp last", mk(sin, time), nil, "", 2, sin(1)},
		{"repeated", mk(time, sin), []int{1, 1}, "distinct column indices", 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := SelectColumns(c.r, c.columns, "data", "how")
			if c.err != "" {
				if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "Columns") {
					t.Fatalf("err = %v, want a parameter error with %q", err, c.err)
				}
				return
			}
			if err != nil || got.Dim != c.dim || got.Data[got.Dim] != c.first {
				t.Fatalf("got dim %d, sample 1 %v (err %v); want dim %d, %v", got.Dim, got.Data[got.Dim:2*got.Dim], err, c.dim, c.first)
			}
		})
	}
}
