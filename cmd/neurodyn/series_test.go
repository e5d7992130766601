package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seriesCSV returns n rows of a 3-variable signal under the header x,y,z.
func seriesCSV(n int, scale float64) string {
	var b strings.Builder
	b.WriteString("x,y,z\n")
	for i := range n {
		s := 0.05 * float64(i)
		fmt.Fprintf(&b, "%g,%g,%g\n", scale*math.Sin(s), scale*math.Cos(0.7*s), scale*math.Sin(0.3*s)*math.Cos(s))
	}
	return b.String()
}

// writeNPY3 writes n samples of a 3-variable signal as a float64 .npy
// (format 1.0, by hand) at dir/name and returns its path.
func writeNPY3(t *testing.T, dir, name string, n int) string {
	t.Helper()
	hdr := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, 3), }", n)
	hdr += strings.Repeat(" ", 64-(10+len(hdr)+1)%64) + "\n"
	b := binary.LittleEndian.AppendUint16([]byte("\x93NUMPY\x01\x00"), uint16(len(hdr)))
	b = append(b, hdr...)
	for i := range n {
		s := 0.05 * float64(i)
		for _, v := range []float64{math.Sin(s), math.Cos(0.7 * s), math.Sin(0.3*s) * math.Cos(s)} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSeriesFlagsApply: a loading flag given for a format it does not
// apply to is refused, naming the flag and the formats it applies to
// (before, --key and --header on an .npy were ignored, and --header still
// changed the model's identity); a pandas CSV's index column is refused
// unless --columns says which columns to read.
func TestSeriesFlagsApply(t *testing.T) {
	dir := t.TempDir()
	csv := writeFile(t, dir, "s.csv", seriesCSV(200, 1))
	var pandas strings.Builder
	pandas.WriteString(",a,b,c\n")
	for i, line := range strings.Split(strings.TrimSpace(seriesCSV(200, 1)), "\n")[1:] {
		fmt.Fprintf(&pandas, "%d,%s\n", i, line)
	}
	pd := writeFile(t, dir, "pandas.csv", pandas.String())
	npy := filepath.Join(dir, "x.npy") // refused before it is read
	real := writeNPY3(t, dir, "real.npy", 200)
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"train-key-npy", []string{"train", "esn", "--task", npy, "--key", "traj", "--out", out}, []string{"--key = traj", "a npy file", "--key applies to .npz and HDF5 files only"}},
		{"train-key-csv", []string{"train", "esn", "--task", csv, "--key", "a", "--out", out}, []string{"--key = a", "a csv file"}},
		{"train-header-npy", []string{"train", "esn", "--task", npy, "--header", "yes", "--out", out}, []string{"--header = yes", "--header applies to delimited text (.csv, .tsv, .txt) only"}},
		{"train-header-auto-npy", []string{"train", "esn", "--task", npy, "--header", "auto", "--out", out}, []string{"--header = auto", "delimited text"}},
		{"analyze-header-npz", []string{"analyze", "dimension", "--data", filepath.Join(dir, "x.npz"), "--header", "no"}, []string{"--header = no", "a npz file"}},
		{"analyze-header-h5", []string{"analyze", "dimension", "--data", filepath.Join(dir, "x.h5"), "--header", "yes"}, []string{"--header = yes", "a hdf5 file"}},
		{"analyze-key-npy", []string{"analyze", "lyapunov", "--data", real, "--key", "traj", "--dt", "0.05"}, []string{"--key = traj", "a npy file"}},
		{"analyze-header-npy", []string{"analyze", "lyapunov", "--data", real, "--header", "yes", "--dt", "0.05"}, []string{"--header = yes", "a npy file"}},
		{"analyze-pandas-index", []string{"analyze", "lyapunov", "--data", pd, "--dt", "0.05"}, []string{"--columns = all", `header ""`, "pandas", "1,2,3 to leave it out"}},
		{"analyze-model-key", []string{"analyze", "lyapunov", "--model", "m.npz", "--key", "x"}, []string{"--key", "--model alone"}},
	} {
		t.Run(c.name, func(t *testing.T) { refused(t, c.args, c.want) })
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refused commands created %s", out)
	}
	for _, args := range [][]string{
		{"analyze", "dimension", "--data", csv, "--header", "yes", "--dt", "0.05"},
		{"analyze", "dimension", "--data", pd, "--columns", "1,2,3", "--dt", "0.05"},
	} {
		if _, err := run(t, nil, args...); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestSeriesModelMoved: the review's case. A model trained in a directory
// on "s.csv" is analyzed from the parent directory (before: "open s.csv:
// no such file"); training again on "./s.csv" (the same bytes) is the
// same model (before: refused as "trained on other data"); once the file
// moved, the error says so and --data beside --model points the model at
// it, refused when its options or contents differ.
func TestSeriesModelMoved(t *testing.T) {
	dir := t.TempDir()
	my := filepath.Join(dir, "my")
	if err := os.MkdirAll(my, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, my, "s.csv", seriesCSV(1200, 1))
	train := func(task string) error {
		_, err := run(t, nil, "train", "esn", "--task", task, "--dt", "0.05", "--out", "m", "--models.esn-units", "50")
		return err
	}
	t.Chdir(my)
	if err := train("s.csv"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	model := filepath.Join("my", "m", "esn_series.npz")
	analyze := func(extra ...string) error {
		_, err := run(t, nil, append([]string{"analyze", "closedloop", "--model", model, "--analysis.closed-loop-starts", "2"}, extra...)...)
		return err
	}
	if err := analyze(); err != nil {
		t.Fatalf("analyze from the parent directory: %v", err)
	}
	t.Chdir(my)
	if err := train("./s.csv"); err != nil {
		t.Fatalf("train on ./s.csv into the same --out: %v", err)
	}
	t.Chdir(dir)
	if err := os.Rename(filepath.Join(my, "s.csv"), "renamed.txt"); err != nil {
		t.Fatal(err)
	}
	err := analyze()
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "analyze --data FILE") || !strings.Contains(err.Error(), "--dt 0.05") {
		t.Fatalf("analyze after the file moved: %v", err)
	}
	if err := analyze("--data", "renamed.txt"); err != nil {
		t.Fatalf("analyze --model --data <moved file>: %v", err)
	}
	if err := analyze("--data", "renamed.txt", "--dt", "0.05", "--header", "auto"); err != nil {
		t.Fatalf("analyze --model --data with the model's options: %v", err)
	}
	err = analyze("--data", "renamed.txt", "--dt", "0.1", "--columns", "0,1")
	for _, w := range []string{"--data = renamed.txt", "--dt 0.1 (trained with 0.05)", "--columns 0,1 (trained with all)"} {
		if !isUsage(err) || !strings.Contains(err.Error(), w) {
			t.Errorf("other options: %v; want %q", err, w)
		}
	}
	other := writeFile(t, dir, "other.csv", seriesCSV(1200, 2))
	if err := analyze("--data", other); !isUsage(err) || !strings.Contains(err.Error(), "SHA-256") || !strings.Contains(err.Error(), "--data "+other) {
		t.Errorf("other contents: %v", err)
	}
}

// TestDataKeysOtherTask: --data.* keys that do not set the data used are
// refused, naming them all, instead of being ignored (analyze closedloop
// --model of a series model --data.lorenz.rho 30 exited 0) or failing on
// an unrelated key (train esn --task series.npy --data.lorenz.dt 0.5:
// "data.lorenz.eval_t = 1000: must be long enough …"). The task's own
// keys still apply.
func TestDataKeysOtherTask(t *testing.T) {
	dir := t.TempDir()
	npy := filepath.Join(dir, "x.npy") // refused before it is read
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"train-series-dt", []string{"train", "esn", "--task", npy, "--data.lorenz.dt", "0.5", "--out", out}, []string{"--data.lorenz.dt = 0.5", "--task " + npy, "a series file is read as it is"}},
		{"train-series-two", []string{"train", "esn", "--task", npy, "--data.lorenz.rho", "30", "--data.flipflop.train-trials", "10", "--out", out}, []string{"--data.lorenz.rho, --data.flipflop.train-trials = 30, 10"}},
		{"train-flipflop-lorenz", []string{"train", "rate", "--task", "flipflop", "--data.lorenz.rho", "30", "--out", out}, []string{"--data.lorenz.rho = 30", "--data.flipflop.* keys set that task's data"}},
		{"analyze-model", []string{"analyze", "closedloop", "--model", filepath.Join(dir, "m.npz"), "--data.lorenz.rho", "30"}, []string{"--data.lorenz.rho = 30", "rebuilt from the recipe recorded in its file"}},
		{"analyze-data", []string{"analyze", "dimension", "--data", npy, "--data.lorenz.dt", "0.5"}, []string{"--data.lorenz.dt = 0.5"}},
	} {
		t.Run(c.name, func(t *testing.T) { refused(t, c.args, c.want) })
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refused commands created %s", out)
	}
}
