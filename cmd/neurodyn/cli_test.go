package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// run executes the command line args in a fresh root command and returns
// its stdout and error.
func run(t *testing.T, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out, errw bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errw)
	root.SetArgs(append([]string{"-q"}, args...))
	if ctx == nil {
		ctx = context.Background()
	}
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

// writeFile writes text to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tinySpec is a 10-neuron network with dt = 0.3 ms (100 ms is no multiple
// of it) that spikes on a constant current and records its spikes.
const tinySpec = `dt_ms = 0.3
[[population]]
name = "E"
n = 10
params = { t_ref_ms = 0.9 }
[[device]]
kind = "dc"
target = "E"
amplitude_pa = 500.0
[[recorder]]
kind = "spikes"
population = "E"
`

// TestBadInput checks that nonsense on the command line is refused before
// any work with an error that names the flag and what is allowed, and that
// main would exit with status 2 for it.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "net.toml", tinySpec)
	csv := writeFile(t, dir, "s.csv", "t,a,b\n0,1,2\n1,2,3\n2,3,1\n3,1,2\n")
	badType := writeFile(t, dir, "type.toml", "seed = \"x\"\n"+tinySpec)
	badSyntax := writeFile(t, dir, "syntax.toml", "dt_ms = = 1\n")
	out := filepath.Join(dir, "out")
	cases := []struct {
		name string
		args []string
		want []string // substrings of the error
	}{
		{"simulate-n-with-spec", []string{"simulate", "--spec", spec, "--n", "50", "--out", out}, []string{"--n", "--spec"}},
		{"simulate-dt-with-spec", []string{"simulate", "--spec", spec, "--dt-ms", "0.5", "--out", out}, []string{"--dt-ms", "--spec"}},
		{"simulate-preset-dt", []string{"simulate", "--preset", "cuba", "--n", "100", "--dt-ms", "0.3", "--out", out}, []string{"--dt-ms = 0.3", "refractory period (5 ms)"}},
		{"simulate-preset-k", []string{"simulate", "--preset", "cuba", "--n", "100", "--k", "500", "--out", out}, []string{"--k = 500", "≤ N = 100"}},
		{"simulate-k-brunel", []string{"simulate", "--preset", "brunel", "--k", "5", "--out", out}, []string{"--k", "brunel"}},
		{"simulate-duration-off-grid", []string{"simulate", "--spec", spec, "--duration-ms", "100", "--out", out}, []string{"--duration-ms", "multiple", "0.3 ms"}},
		{"simulate-duration-below-dt", []string{"simulate", "--spec", spec, "--duration-ms", "0.1", "--out", out}, []string{"--duration-ms", "multiple"}},
		{"simulate-duration-huge", []string{"simulate", "--spec", spec, "--duration-ms", "1e300", "--out", out}, []string{"--duration-ms", "at most"}},
		{"simulate-duration-nan", []string{"simulate", "--spec", spec, "--duration-ms", "NaN", "--out", out}, []string{"--duration-ms", "finite"}},
		{"simulate-duration-not-number", []string{"simulate", "--spec", spec, "--duration-ms", "abc"}, []string{"--duration-ms", "--help"}},
		{"unknown-flag", []string{"simulate", "--bogus"}, []string{"--bogus", "neurodyn simulate --help"}},
		{"train-no-model", []string{"train"}, []string{"received 0", "train {ctrnn|rate|snn|reservoir|esn}"}},
		{"sweep-run-no-spec", []string{"sweep", "run"}, []string{"received 0", "run SPEC.toml"}},
		{"threads-huge", []string{"--threads", "100000", "version"}, []string{"--threads", "1024"}},
		{"data-unknown-task", []string{"data", "foo", "--out", out}, []string{"task", "lorenz or flipflop"}},
		{"tutorial-jobs", []string{"tutorial", "--jobs", "-1", "--out", out}, []string{"--jobs", ">= 0"}},
		{"tutorial-list-print", []string{"tutorial", "--list", "--print-config"}, []string{"--list/--print-config"}},
		{"sweep-run-workers", []string{"sweep", "run", "nofile.toml", "--workers", "-1"}, []string{"--workers", ">= 0"}},
		{"sweep-slurm-cpus", []string{"sweep", "slurm", "nofile.toml", "--cpus-per-task", "0"}, []string{"--cpus-per-task", ">= 1"}},
		{"sweep-slurm-parallel", []string{"sweep", "slurm", "nofile.toml", "--max-parallel", "-1"}, []string{"--max-parallel", ">= 0"}},
		{"sweep-slurm-mem", []string{"sweep", "slurm", "nofile.toml", "--mem", "lots"}, []string{"--mem", "suffix"}},
		{"sweep-merge-no-out", []string{"sweep", "merge"}, []string{"--out"}},
		{"analyze-neither", []string{"analyze", "lyapunov"}, []string{"--model/--data"}},
		{"analyze-dt-zero", []string{"analyze", "dimension", "--data", csv, "--dt", "0"}, []string{"--dt", "> 0"}},
		{"analyze-dt-with-model", []string{"analyze", "lyapunov", "--model", "m.npz", "--dt", "0.5"}, []string{"--dt", "--model"}},
		{"analyze-dt-spikes", []string{"analyze", "spikes", "--data", "s.h5", "--dt", "5"}, []string{"--dt", "spikes"}},
		{"analyze-input-not-fixedpoints", []string{"analyze", "dimension", "--data", csv, "--input", "1"}, []string{"--input", "fixedpoints"}},
		{"analyze-negative-column", []string{"analyze", "dimension", "--data", csv, "--columns", "-1"}, []string{"--columns", ">= 0"}},
		{"analyze-column-out-of-range", []string{"analyze", "dimension", "--data", csv, "--columns", "5"}, []string{"--columns = 5", "[0, 3)"}},
		{"train-columns-with-lorenz", []string{"train", "ctrnn", "--columns", "1"}, []string{"--columns", "--task lorenz"}},
		{"train-fractions", []string{"train", "esn", "--task", csv, "--train-frac", "0.9", "--val-frac", "0.2"}, []string{"--train-frac/--val-frac", "sum < 1"}},
		{"train-fraction-nan", []string{"train", "esn", "--task", csv, "--train-frac", "NaN"}, []string{"--train-frac/--val-frac"}},
		{"train-dt-zero", []string{"train", "esn", "--task", csv, "--dt", "0"}, []string{"--dt", "> 0"}},
		{"train-lambda1-negative", []string{"train", "esn", "--task", csv, "--lambda1", "-1"}, []string{"--lambda1 = -1", "> 0 and finite"}},
		{"train-lambda1-inf", []string{"train", "esn", "--task", csv, "--lambda1", "+Inf"}, []string{"--lambda1", "> 0 and finite"}},
		{"train-lambda1-flipflop", []string{"train", "ctrnn", "--task", "flipflop", "--lambda1", "1"}, []string{"--lambda1", "--task flipflop"}},
		{"analyze-lambda1-data", []string{"analyze", "lyapunov", "--data", csv, "--lambda1", "1"}, []string{"--lambda1", "closedloop --model"}},
		{"analyze-split-not-baselines", []string{"analyze", "dimension", "--data", csv, "--train-frac", "0.5"}, []string{"--train-frac", "analyze baselines"}},
		{"train-file-h5", []string{"train", "esn", "--task", csv, "--file", "m.h5", "--out", out}, []string{"--file = m.h5", "ending in .npz"}},
		{"train-file-dir", []string{"train", "esn", "--task", csv, "--file", "a/m.npz", "--out", out}, []string{"--file = a/m.npz", "without a directory"}},
		{"simulate-spec-type", []string{"simulate", "--spec", badType, "--out", out}, []string{"type.toml", `line 1 (last key "seed")`, "incompatible types"}},
		{"simulate-spec-syntax", []string{"simulate", "--spec", badSyntax, "--out", out}, []string{"syntax.toml", "line 1", "expected value"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { refused(t, c.args, c.want) })
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refused commands created %s", out)
	}
}

// TestDurationSteps checks the conversion of --duration-ms into whole steps.
func TestDurationSteps(t *testing.T) {
	cases := []struct {
		ms, dt float64
		want   int64 // -1: an error
	}{
		{10, 0.1, 100},
		{250.1, 0.1, 2501},
		{300, 0.3, 1000},
		{100, 0.3, -1},
		{150.05, 0.1, -1},
		{0.05, 0.1, -1},
		{0, 0.1, -1},
		{-5, 0.1, -1},
		{math.NaN(), 0.1, -1},
		{math.Inf(1), 0.1, -1},
		{1e300, 0.1, -1},
	}
	for _, c := range cases {
		got, err := durationSteps(c.ms, c.dt)
		if c.want < 0 {
			if err == nil || !strings.Contains(err.Error(), "--duration-ms") {
				t.Errorf("durationSteps(%g, %g) = %d, %v; want an error naming --duration-ms", c.ms, c.dt, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("durationSteps(%g, %g) = %d, %v; want %d", c.ms, c.dt, got, err, c.want)
		}
	}
}

// TestSimulateKeepsResults checks that simulate runs a spec whose dt does
// not divide 100 ms, never replaces finished files without --overwrite,
// refuses before running (no new file appears), and that an interrupted run
// keeps its recording and checkpoint.
func TestSimulateKeepsResults(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "net.toml", tinySpec)
	out := filepath.Join(dir, "a")
	stdout, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "300", "--out", out)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if !strings.Contains(stdout, "simulated 300 ms") {
		t.Fatalf("first run printed %q", stdout)
	}
	spikes := filepath.Join(out, "spikes.h5")
	first, err := os.ReadFile(spikes)
	if err != nil {
		t.Fatal(err)
	}

	// Only nodes.h5 left: the rerun must refuse before it records anything.
	other := filepath.Join(dir, "b")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, other, "nodes.h5", "finished")
	ckpt := writeFile(t, dir, "old.ckpt", "finished")

	cases := []struct {
		name    string
		args    []string
		want    string
		noSpike string // a spikes.h5 that must not appear
	}{
		{"rerun", []string{"--out", out}, "--overwrite", ""},
		{"network-file-exists", []string{"--out", other}, "nodes.h5 exists", filepath.Join(other, "spikes.h5")},
		{"checkpoint-exists", []string{"--out", filepath.Join(dir, "c"), "--checkpoint", ckpt}, "--checkpoint", filepath.Join(dir, "c", "spikes.h5")},
		{"checkpoint-dir-is-file", []string{"--out", filepath.Join(dir, "d"), "--checkpoint", filepath.Join(spec, "x.ckpt")}, "--checkpoint", filepath.Join(dir, "d", "spikes.h5")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(t, nil, append([]string{"simulate", "--spec", spec, "--duration-ms", "30"}, c.args...)...)
			if c.noSpike != "" {
				if _, err := os.Stat(c.noSpike); err == nil {
					t.Errorf("%s was written although the run was refused", c.noSpike)
				}
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "export.Overwrite") {
				t.Errorf("error %q speaks of the Go API, not of the flag", err)
			}
		})
	}
	if now, err := os.ReadFile(spikes); err != nil || !bytes.Equal(now, first) {
		t.Fatalf("spikes.h5 changed by a refused rerun (err %v)", err)
	}
	if b, _ := os.ReadFile(ckpt); string(b) != "finished" {
		t.Fatalf("existing checkpoint replaced")
	}
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "30", "--out", out, "--overwrite"); err != nil {
		t.Fatalf("--overwrite: %v", err)
	}

	// Interrupted (here: before the first step): the recording is
	// finished, the checkpoint saved, and the error says how to continue.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	intr := filepath.Join(dir, "intr")
	ck := filepath.Join(dir, "intr.ckpt")
	_, err = run(t, ctx, "simulate", "--spec", spec, "--duration-ms", "300", "--out", intr, "--checkpoint", ck)
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "--restore "+ck+" --duration-ms 300") {
		t.Fatalf("interrupted run: %v, want an error saying how to continue", err)
	}
	for _, p := range []string{filepath.Join(intr, "spikes.h5"), ck} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("interrupted run did not keep %s: %v", p, err)
		}
	}
	// The continuation the message proposes runs as written (its own --out:
	// the interrupted run's recordings are kept).
	cont := intr + "-from-0ms"
	if !strings.Contains(err.Error(), "--out "+cont) {
		t.Fatalf("interrupted run: %v, want a continuation with --out %s", err, cont)
	}
	if _, err := run(t, nil, "simulate", "--spec", spec, "--restore", ck, "--duration-ms", "300", "--out", cont, "--checkpoint", ck); err != nil {
		t.Fatalf("the proposed continuation: %v", err)
	}
}

// TestDataRefusesExisting checks that data refuses before generating
// anything when one of its files exists, naming --overwrite.
func TestDataRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "lorenz_data.npz", "finished")
	_, err := run(t, nil, "data", "lorenz", "--out", dir)
	if err == nil || !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "--overwrite") {
		t.Fatalf("error %v, want one wrapping fs.ErrExist and naming --overwrite", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "lorenz.h5")); err == nil {
		t.Fatalf("lorenz.h5 written although the command was refused")
	}
}

// TestOverwriteHint checks that the library's advice is translated to the
// flag, and that other errors pass unchanged.
func TestOverwriteHint(t *testing.T) {
	plain := errors.New("other")
	if overwriteHint(plain) != plain || overwriteHint(nil) != nil {
		t.Fatal("overwriteHint changed an error that is not about an existing file")
	}
	lib := fmt.Errorf("tasks: write x.h5: %w: x.h5", export.ErrExists)
	if err := overwriteHint(lib); !errors.Is(err, export.ErrExists) || !strings.Contains(err.Error(), "pass --overwrite") ||
		strings.Contains(err.Error(), "export.Overwrite") {
		t.Fatalf("overwriteHint(%q) = %q", lib, err)
	}
	typed := fmt.Errorf("kernel: record: %w", &export.ExistsError{Path: "o/v.h5"})
	if got, want := overwriteHint(typed).Error(), "kernel: record: export: file exists: o/v.h5 (pass --overwrite to replace it, or choose another --out)"; got != want {
		t.Fatalf("overwriteHint(%q) = %q, want %q", typed, got, want)
	}
	if got := cliHint(typed).Error(); strings.Contains(got, "export.Overwrite") || !strings.Contains(got, "remove it, or choose another output path") {
		t.Fatalf("cliHint(%q) = %q", typed, got)
	}
	if done := overwriteHint(typed); cliHint(done) != done || cliHint(plain) != plain {
		t.Fatal("cliHint changed an error already worded for the command line")
	}
	dir := t.TempDir()
	writeFile(t, dir, "flipflop.h5"+export.PartialSuffix, "killed writer")
	err := refuseExisting("data", "--out", false, filepath.Join(dir, "flipflop.h5"))
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "--overwrite") {
		t.Fatalf("refuseExisting with a partial file: %v", err)
	}
	if err := refuseExisting("data", "--out", true, filepath.Join(dir, "flipflop.h5")); err != nil {
		t.Fatalf("refuseExisting with overwrite: %v", err)
	}
}

// TestErrorWording checks the rewording of library errors for the command
// line: interrupts say what was kept, field names become flags, and the
// original errors stay matchable.
func TestErrorWording(t *testing.T) {
	canceled := fmt.Errorf("pipeline: stage ctrnn: %w", context.Canceled)
	colErr := fmt.Errorf("pipeline: series file: %w", param.New("tasks", "Columns", 7, "column indices in [0, 4)"))
	other := param.New("kernel", "Columns", 7, "x") // not package tasks: unchanged
	cases := []struct {
		name string
		got  error
		is   error
		want string
	}{
		{"interrupt", interrupted(canceled, "tutorial", "finished stages are kept"), context.Canceled, "tutorial: interrupted; finished stages are kept"},
		{"not-interrupt", interrupted(colErr, "train", "x"), param.ErrInvalid, "tasks: Columns = 7"},
		{"columns", seriesFlagErr(colErr), param.ErrInvalid, "pipeline: series file: tasks: --columns = 7: must be column indices in [0, 4)"},
		{"other-package", seriesFlagErr(other), param.ErrInvalid, "kernel: Columns = 7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !errors.Is(c.got, c.is) {
				t.Errorf("%v does not wrap %v", c.got, c.is)
			}
			if !strings.Contains(c.got.Error(), c.want) {
				t.Errorf("%q does not contain %q", c.got, c.want)
			}
		})
	}
	if interrupted(nil, "x", "y") != nil || seriesFlagErr(nil) != nil {
		t.Error("nil error reworded into non-nil")
	}
}

// TestSimulateFromEdges: a spec whose projections read the edges.h5 of an
// earlier run (named relative to the spec file, run from another working
// directory) fires the same spikes as that run.
func TestSimulateFromEdges(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	if _, err := run(t, nil, "simulate", "--preset", "brunel", "--n", "500", "--duration-ms", "200", "--out", a); err != nil {
		t.Fatal(err)
	}
	spec, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Seed: 1, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range spec.Projections {
		spec.Projections[i].Rule = synapses.Rule{Kind: "sonata"}
		spec.Projections[i].EdgesFile = "edges.h5"
	}
	var b bytes.Buffer
	if err := kernel.EncodeTOML(&b, spec); err != nil {
		t.Fatal(err)
	}
	specPath := writeFile(t, a, "again.toml", b.String())
	t.Chdir(t.TempDir())
	out := filepath.Join(dir, "b")
	if _, err := run(t, nil, "simulate", "--spec", specPath, "--duration-ms", "200", "--out", out); err != nil {
		t.Fatal(err)
	}
	want, err := export.ReadSpikes(filepath.Join(a, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := export.ReadSpikes(filepath.Join(out, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d populations, want %d", len(got), len(want))
	}
	for i := range want {
		if len(want[i].TimesMs) < 100 || !slices.Equal(got[i].TimesMs, want[i].TimesMs) || !slices.Equal(got[i].NodeIDs, want[i].NodeIDs) {
			t.Fatalf("%s: %d spikes from the edges file, %d in the run that wrote it: must be identical", want[i].Name, len(got[i].TimesMs), len(want[i].TimesMs))
		}
	}
}

// TestAnalyzeSpikeFile: analyze spikes on simulate's spike report takes the
// recording window and the population sizes from the file (its recorded
// interval and the spec in its provenance), so neurons that never fired and
// silent time count in the rates.
func TestAnalyzeSpikeFile(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "half.toml", `dt_ms = 0.1
[[population]]
name = "A"
n = 10
[[device]]
kind = "dc"
target = "A"
neurons = [0, 1, 2, 3, 4]
amplitude_pa = 500.0
stop_ms = 100.0
[[population]]
name = "B"
n = 10
[[device]]
kind = "dc"
target = "B"
neurons = [0]
amplitude_pa = 500.0
stop_ms = 100.0
[[recorder]]
kind = "spikes"
population = "A"
[[recorder]]
name = "sub"
kind = "spikes"
population = "B"
neurons = [0, 7]
`)
	out := filepath.Join(dir, "sim")
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "400", "--out", out); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(out, "spikes.h5")
	stdout, err := run(t, nil, "analyze", "spikes", "--data", file)
	if err != nil {
		t.Fatal(err)
	}
	pops, err := export.ReadSpikes(file)
	if err != nil || len(pops) != 2 || len(pops[0].TimesMs) == 0 || slices.Max(pops[0].TimesMs) > 100.5 {
		t.Fatalf("spikes %v (%v): want two populations, spikes all before 100.5 ms", pops, err)
	}
	n := len(pops[0].TimesMs)
	rate := float64(n) / 10 / 0.4                                                // 10 neurons over 400 ms
	want := fmt.Sprintf("| A | 10 | %d | %.3g ± %.3g | 50.0%% |", n, rate, rate) // half the neurons silent
	// B's recorder records neurons 0 (driven) and 7 (silent) only; its
	// group is B's, whatever the recorder is called
	sub := fmt.Sprintf("| B | 2 | %d | %.3g ± %.3g | 50.0%% |", len(pops[1].TimesMs), float64(len(pops[1].TimesMs))/2/0.4, float64(len(pops[1].TimesMs))/2/0.4)
	if !strings.Contains(stdout, "over (0, 400] ms**") || !strings.Contains(stdout, want) || !strings.Contains(stdout, sub) {
		t.Fatalf("analyze spikes printed\n%s\nwant the window (0, 400] ms and the rows %q, %q", stdout, want, sub)
	}
}

// TestSimulatePlastic: a spec with STDP runs from the command line, which
// reports how the plastic weights moved, and its edges.h5 holds the
// learned weights, not the initial ones: those at the end of the run, every
// pending pairing taken in, as a weights recorder samples them then (and
// the summary's mean weight is theirs).
func TestSimulatePlastic(t *testing.T) {
	spec, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Seed: 1, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	spec.Projections[0].Plasticity = synapses.Plasticity{Kind: "stdp", Lambda: 0.02, Alpha: 1.1, WMax: 0.2}
	spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Name: "w", Kind: "weights", Projection: "E_to_E", Synapses: []int{0, 1, 5000}, IntervalMs: 10},
		kernel.RecorderSpec{Name: "end", Kind: "weights", Projection: "E_to_E", IntervalMs: 200})
	var b bytes.Buffer
	if err := kernel.EncodeTOML(&b, spec); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	specPath := writeFile(t, dir, "plastic.toml", b.String())
	out := filepath.Join(dir, "out")
	stdout, err := run(t, nil, "simulate", "--spec", specPath, "--duration-ms", "200", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "plastic projection[0] E→E (stdp): mean weight 0.1 → ") {
		t.Fatalf("no summary of the plastic weights:\n%s", stdout)
	}
	pops, err := export.ReadEdges(filepath.Join(out, "edges.h5"))
	if errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	} else if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, c := range pops[0].Attributes {
		if c.Name != "syn_weight" {
			continue
		}
		w, ok := export.Float64s(c.Data)
		if !ok {
			t.Fatalf("syn_weight holds %T", c.Data)
		}
		for _, x := range w {
			if float32(x) != 0.1 {
				moved++
			}
		}
	}
	if pops[0].Source != "E" || pops[0].Target != "E" || moved < pops[0].Size()/2 {
		t.Fatalf("%s→%s: %d of %d weights in edges.h5 differ from the initial 0.1 mV", pops[0].Source, pops[0].Target, moved, pops[0].Size())
	}
	// edges.h5 and the summary against the sample at the end of the run
	end, err := export.ReadFrameReport("E_to_E", filepath.Join(out, "end.h5"))
	if err != nil {
		t.Fatal(err)
	}
	var sw []float64
	for _, c := range pops[0].Attributes {
		if c.Name == "syn_weight" {
			sw, _ = export.Float64s(c.Data)
		}
	}
	if end.Frames != 1 || len(end.Data) != len(sw) {
		t.Fatalf("end.h5: %d frames of %d weights, edges.h5 %d", end.Frames, len(end.Data), len(sw))
	}
	mean := 0.0
	for k, w := range end.Data {
		if float32(sw[k]) != w {
			t.Fatalf("synapse %d: edges.h5 holds %g, the weights recorder sampled %g at the end of the run", k, sw[k], w)
		}
		mean += float64(w)
	}
	mean /= float64(len(end.Data))
	if want := fmt.Sprintf("mean weight 0.1 → %.6g,", mean); !strings.Contains(stdout, want) {
		t.Fatalf("the summary lacks %q (the recorded weights' mean):\n%s", want, stdout)
	}
	// the weights recorder's report: 20 frames of synapses 0, 1 (of source
	// 0) and 5000, from 0.1 mV on
	if !strings.Contains(stdout, filepath.Join(out, "w.h5")) {
		t.Fatalf("w.h5 not among the files written:\n%s", stdout)
	}
	fr, err := export.ReadFrameReport("E_to_E", filepath.Join(out, "w.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if fr.Frames != 20 || fr.DtMs != 10 || fr.Units != "mV" || !slices.Equal(fr.ElementIDs, []uint32{0, 1, 5000}) ||
		len(fr.NodeIDs) != 2 || fr.NodeIDs[0] != 0 || !slices.Equal(fr.IndexPointers, []uint64{0, 2, 3}) {
		t.Fatalf("w.h5: %d frames every %v %s, elements %v, nodes %v / %v", fr.Frames, fr.DtMs, fr.Units, fr.ElementIDs, fr.NodeIDs, fr.IndexPointers)
	}
	if slices.Equal(fr.Data[:3], fr.Data[len(fr.Data)-3:]) {
		t.Errorf("recorded weights did not move: %v", fr.Data)
	}
}

// TestSimulateNoSynapses: a weights recorder of a projection that drew no
// synapses (and a state recorder of no neuron) write no frame report; the
// run goes on and says so on stderr.
func TestSimulateNoSynapses(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "empty.toml", `
[[population]]
name = "E"
n = 5
sign = 1
[[projection]]
source = "E"
target = "E"
rule = { kind = "list" }
weights = { value = 1.0 }
delay_ms = 1.0
[[recorder]]
kind = "weights"
projection = "E_to_E"
interval_ms = 1.0
[[recorder]]
kind = "state"
population = "E"
neurons = []
[[recorder]]
kind = "spikes"
population = "E"
`)
	out := filepath.Join(dir, "out")
	root := newRoot()
	var stdout, stderr bytes.Buffer
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	root.SetArgs([]string{"-q", "simulate", "--spec", spec, "--duration-ms", "10", "--out", out})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, want := range []string{
		`simulate: recorder "weights:E_to_E" records no synapse (projection E_to_E has none): no frame report written`,
		`simulate: recorder "state:E" records no neuron: no frame report written`,
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stdout.String(), "E_to_E.h5") || strings.Contains(stdout.String(), "state_E.h5") {
		t.Errorf("a report of no column among the files:\n%s", stdout.String())
	}
}

// TestSeriesModelChangedData: a model trained on a series file refuses to
// be analyzed once the file has changed (its SHA-256 differs), and train
// refuses to replace that model file with one trained on the changed data
// unless --overwrite is given; the same data reload the model.
func TestSeriesModelChangedData(t *testing.T) {
	dir := t.TempDir()
	series := func(scale float64) string {
		var b strings.Builder
		b.WriteString("t,x,y,z\n")
		for i := 0; i < 1200; i++ {
			s := 0.05 * float64(i)
			fmt.Fprintf(&b, "%g,%g,%g,%g\n", s, scale*math.Sin(s), scale*math.Cos(0.7*s), scale*math.Sin(0.3*s)*math.Cos(s))
		}
		return b.String()
	}
	csv := writeFile(t, dir, "ser.csv", series(1))
	out := filepath.Join(dir, "m1")
	train := []string{"train", "esn", "--task", csv, "--columns", "1,2,3", "--dt", "0.05", "--out", out, "--models.esn-units", "50"}
	if _, err := run(t, nil, train...); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(out, "esn_series.npz")
	analyze := []string{"analyze", "closedloop", "--model", model, "--analysis.closed-loop-starts", "2"}
	if _, err := run(t, nil, analyze...); err != nil {
		t.Fatalf("analyze on the training data: %v", err)
	}
	if _, err := run(t, nil, train...); err != nil {
		t.Fatalf("train again on the same data: %v", err)
	}
	before, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "ser.csv", series(3))
	_, err = run(t, nil, analyze...)
	if err == nil || !strings.Contains(err.Error(), csv) || !strings.Contains(err.Error(), "SHA-256") || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("analyze after the data changed: %v; want an error naming %s and its SHA-256", err, csv)
	}
	t.Log(err)
	_, err = run(t, nil, train...)
	if err == nil || !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "--overwrite") || !strings.Contains(err.Error(), "other data") {
		t.Fatalf("train into the same --out after the data changed: %v; want a refusal naming --overwrite", err)
	}
	t.Log(err)
	if after, _ := os.ReadFile(model); !bytes.Equal(before, after) {
		t.Fatal("the refused train replaced the model file")
	}
	if _, err := run(t, nil, append(train, "--overwrite")...); err != nil {
		t.Fatalf("train --overwrite: %v", err)
	}
	if _, err := run(t, nil, analyze...); err != nil {
		t.Fatalf("analyze the retrained model: %v", err)
	}
}

// TestSimulateRestoreWorkers checks that --restore takes a checkpoint
// written with another --workers (results do not depend on it) and refuses
// a damaged one.
func TestSimulateRestoreWorkers(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "b.ckpt")
	if _, err := run(t, nil, "simulate", "--preset", "brunel", "--n", "200", "--duration-ms", "20", "--out", filepath.Join(dir, "o1"), "--checkpoint", ck); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if _, err := run(t, nil, "simulate", "--preset", "brunel", "--n", "200", "--workers", "2", "--restore", ck, "--duration-ms", "20", "--out", filepath.Join(dir, "o2")); err != nil {
		t.Fatalf("restore with --workers 2: %v", err)
	}
	// one byte changed: refused as damaged, naming the file, before any output
	b, err := os.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	bad := writeFile(t, dir, "bad.ckpt", string(b))
	o3 := filepath.Join(dir, "o3")
	_, err = run(t, nil, "simulate", "--preset", "brunel", "--n", "200", "--restore", bad, "--duration-ms", "20", "--out", o3)
	if err == nil || !strings.Contains(err.Error(), bad+" is damaged") || isUsage(err) {
		t.Fatalf("damaged checkpoint: %v", err)
	}
	if _, err := os.Stat(o3); err == nil {
		t.Fatalf("damaged checkpoint: %s written", o3)
	}
}

// TestSimulateRefusesOutputClashes checks that simulate refuses before
// running (no file written) a spec whose recordings would overwrite each
// other or pass for another population, and a --checkpoint that is one of
// the run's outputs.
func TestSimulateRefusesOutputClashes(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, extra string
		want        []string
		target      error
	}{
		{"rate-called-spikes", "[[recorder]]\nname = \"spikes\"\nkind = \"rate\"\npopulation = \"E\"\nbin_ms = 0.9\n",
			[]string{`recorder[1].name = spikes`, "spikes.h5, the file of the spike report"}, param.ErrInvalid},
		{"state_E-twice", "[[recorder]]\nkind = \"state\"\npopulation = \"E\"\n[[recorder]]\nname = \"state_E\"\nkind = \"state\"\npopulation = \"E\"\n",
			[]string{`recorder[2].name = state_E`, `state_E.h5, the file of recorder[1] "state:E"`}, param.ErrInvalid},
		{"two-spikes-recorders-of-E", "[[recorder]]\nname = \"sub\"\nkind = \"spikes\"\npopulation = \"E\"\nneurons = [0, 1]\n",
			[]string{`recorder[0] "spikes:E" and recorder[1] "sub" both record population E`}, kernel.ErrSpikeReportPopulation},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := writeFile(t, dir, c.name+".toml", tinySpec+c.extra)
			out := filepath.Join(dir, c.name)
			_, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "30", "--out", out, "--overwrite")
			if !errors.Is(err, c.target) || !isUsage(err) {
				t.Fatalf("error %v, want a usage error (exit status 2) wrapping %v", err, c.target)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if ents, _ := os.ReadDir(out); len(ents) > 0 {
				t.Errorf("refused run wrote %v", ents)
			}
		})
	}

	spec := writeFile(t, dir, "net.toml", tinySpec+"[[recorder]]\nname = \"v\"\nkind = \"state\"\npopulation = \"E\"\n")
	out := filepath.Join(dir, "o")
	t.Chdir(dir)
	for _, ck := range []string{"o/spikes.h5", filepath.Join(out, "sub", "..", "nodes.h5"), "./o/v.h5", "o/edges.h5", "o//spikes.h5.partial"} {
		_, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "30", "--out", "o", "--checkpoint", ck, "--overwrite")
		if !isUsage(err) || !strings.Contains(err.Error(), "--checkpoint") || !strings.Contains(err.Error(), "other than those the run writes") {
			t.Errorf("--checkpoint %s: %v, want a refusal naming --checkpoint", ck, err)
		}
	}
	if ents, _ := os.ReadDir(out); len(ents) > 0 {
		t.Errorf("refused run wrote %v", ents)
	}
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "30", "--out", "o", "--checkpoint", "o/state.ckpt"); err != nil {
		t.Fatalf("a checkpoint beside the outputs: %v", err)
	}

	// A network rebuilt from an earlier run's edges.h5, into the same --out:
	// the run (--overwrite removes its outputs first) would lose its input.
	if _, err := run(t, nil, "simulate", "--preset", "cuba", "--n", "50", "--duration-ms", "10", "--out", "run"); err != nil {
		t.Fatal(err)
	}
	rebuilt := writeFile(t, filepath.Join(dir, "run"), "net.toml", `dt_ms = 0.1
[[population]]
name = "E"
n = 40
[[population]]
name = "I"
n = 10
[[projection]]
source = "E"
target = "E"
rule = { kind = "sonata" }
edges_file = "edges.h5"
edges_population = "E_to_E"
`)
	for _, args := range [][]string{{"--overwrite"}, {}} {
		_, err := run(t, nil, append([]string{"simulate", "--spec", rebuilt, "--duration-ms", "10", "--out", "run"}, args...)...)
		if !isUsage(err) || !strings.Contains(err.Error(), "projection[0].edges_file") || !strings.Contains(err.Error(), "other than those the run writes") {
			t.Errorf("%v: %v, want a refusal naming the input", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "run", "edges.h5")); err != nil {
		t.Errorf("the input edges.h5: %v", err)
	}
	if _, err := run(t, nil, "simulate", "--spec", rebuilt, "--duration-ms", "10", "--out", "run2"); err != nil {
		t.Errorf("rebuilt into another --out: %v", err)
	}
	// --out reached through a symbolic link is the same directory
	if err := os.Symlink("run", "link"); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, nil, "simulate", "--spec", rebuilt, "--duration-ms", "10", "--out", "link", "--overwrite")
	if !isUsage(err) || !strings.Contains(err.Error(), "projection[0].edges_file") {
		t.Errorf("--out through a symbolic link: %v, want a refusal naming the input", err)
	}
	// --no-network writes no nodes.h5 or edges.h5: reading one is fine
	before, _ := os.ReadFile(filepath.Join("run", "edges.h5"))
	if _, err := run(t, nil, "simulate", "--spec", rebuilt, "--duration-ms", "10", "--out", "run", "--no-network", "--overwrite"); err != nil {
		t.Errorf("--no-network beside its input: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join("run", "edges.h5")); len(before) == 0 || !bytes.Equal(before, after) {
		t.Error("--no-network changed the input edges.h5")
	}
}

// TestSimulateChecksMemory checks that simulate refuses a network larger
// than the memory limit before building it, with an error naming the
// estimate and the limit (not a Go runtime crash).
func TestSimulateChecksMemory(t *testing.T) {
	dir := t.TempDir()
	// the real limit: two billion neurons fit no machine this runs on
	_, err := run(t, nil, "simulate", "--preset", "scale", "--n", "2000000000", "--k", "1", "--out", filepath.Join(dir, "a"))
	if !errors.Is(err, errTooLarge) || !strings.Contains(err.Error(), "the preset network (--n) needs about 1.28e+11 bytes") {
		t.Fatalf("error %v, want the memory limit named", err)
	}
	defer func(f func() int64) { memoryLimit = f }(memoryLimit)
	memoryLimit = func() int64 { return 100 }
	spec := writeFile(t, dir, "net.toml", tinySpec)
	_, err = run(t, nil, "simulate", "--spec", spec, "--duration-ms", "30", "--out", filepath.Join(dir, "b"))
	if !errors.Is(err, errTooLarge) || !strings.Contains(err.Error(), "the network needs about") || !strings.Contains(err.Error(), "limit of 100 bytes") {
		t.Fatalf("error %v, want the memory limit named", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); err == nil {
		t.Error("refused run created its --out")
	}
	memoryLimit = func() int64 { return 1 << 30 }
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "30", "--out", filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
}

// TestSimulateOverwriteRemovesStale checks that an interrupted --overwrite
// run leaves none of an earlier run's outputs beside its own: the
// network files it had no time to write are gone, and the message says so.
func TestSimulateOverwriteRemovesStale(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "net.toml", tinySpec+"[[projection]]\nsource = \"E\"\ntarget = \"E\"\nrule = { kind = \"all_to_all\" }\nweights = { value = 1.0 }\ndelay_ms = 0.3\n")
	out := filepath.Join(dir, "o")
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "30", "--out", out, "--seed", "1"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"spikes.h5", "nodes.h5", "edges.h5"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := run(t, ctx, "simulate", "--spec", spec, "--duration-ms", "30", "--out", out, "--seed", "9", "--overwrite")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "--overwrite removed those of the earlier run") {
		t.Fatalf("interrupted run: %v", err)
	}
	ents, _ := os.ReadDir(out)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{".neurodyn.lock", runManifestName, "spikes.h5"}) {
		t.Fatalf("after the interrupted --overwrite run, --out holds %v, want only its own spikes.h5 (with its lock and manifest)", names)
	}
}

// refused runs the command line args and fails t unless it is refused with
// a usage error (exit status 2) whose message contains every string of
// want.
func refused(t *testing.T, args, want []string) {
	t.Helper()
	_, err := run(t, nil, args...)
	if err == nil {
		t.Fatalf("%v: no error", args)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%v: error %q does not contain %q", args, err, w)
		}
	}
	if !isUsage(err) {
		t.Errorf("%v: error %q is not a usage error (exit status 2)", args, err)
	}
}
