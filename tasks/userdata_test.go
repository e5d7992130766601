package tasks

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
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
		if err == nil || !strings.Contains(err.Error(), "one of the arrays in") || !strings.Contains(err.Error(), "other, data") {
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
		if _, err := LoadSeries(p, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "Key") {
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
		{"names", "t,x\n0,1\n1,2\n", []string{"t", "x"}, []float64{0, 1, 1, 2}, ""},
		{"numbers", "3,4\n1,2\n", nil, []float64{3, 4, 1, 2}, ""},
		{"empty-index-name", ",x\n0,1\n1,2\n", []string{"", "x"}, []float64{0, 1, 1, 2}, ""},
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
