package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
)

// bigSpec records spikes, a state and a rate, and has a projection: the
// run the reviewer's mix directory started with.
const bigSpec = `dt_ms = 0.1
seed = 3
[[population]]
name = "E"
n = 40
[[device]]
kind = "dc"
target = "E"
amplitude_pa = 500.0
[[projection]]
source = "E"
target = "E"
rule = { kind = "fixed_prob", p = 0.1 }
weights = { value = 1.0 }
delay_ms = 1.0
[[recorder]]
kind = "spikes"
population = "E"
[[recorder]]
name = "vE"
kind = "state"
population = "E"
neurons = [1, 2]
variable = "V"
interval_ms = 1.0
[[recorder]]
name = "rateE"
kind = "rate"
population = "E"
bin_ms = 5.0
`

// quietSpec records spikes of another network, 5 neurons, seed 8.
const quietSpec = `dt_ms = 0.1
seed = 8
[[population]]
name = "E"
n = 5
[[device]]
kind = "dc"
target = "E"
amplitude_pa = 500.0
[[recorder]]
kind = "spikes"
population = "E"
`

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// TestSimulateOverwriteOneRun: after simulate --overwrite, --out holds the
// new run's files alone: the earlier run's reports of recorders the new spec
// lacks (vE.h5, rateE.h5) and, with --no-network, its nodes.h5/edges.h5 go
// too (its neurodyn-run.json lists them), while files neurodyn did not
// write stay. Without --overwrite the run is refused, naming the earlier
// run's files. Before, vE.h5, rateE.h5, nodes.h5 and edges.h5 stayed beside
// the new spikes.h5.
func TestSimulateOverwriteOneRun(t *testing.T) {
	if export.HDF5Version() == "" {
		t.Skip("built without HDF5")
	}
	dir := t.TempDir()
	big := writeFile(t, dir, "big.toml", bigSpec)
	quiet := writeFile(t, dir, "quiet.toml", quietSpec)
	out := filepath.Join(dir, "mix")
	if _, err := run(t, nil, "simulate", "--spec", big, "--duration-ms", "20", "--out", out); err != nil {
		t.Fatal(err)
	}
	want := []string{".neurodyn.lock", "edge_types.csv", "edges.h5", runManifestName, "node_types.csv", "nodes.h5", "rateE.h5", "spikes.h5", "vE.h5"}
	if got := dirNames(t, out); !slices.Equal(got, want) {
		t.Fatalf("first run wrote %v, want %v", got, want)
	}
	// files of the user's, which no run lists
	writeFile(t, out, "notes.txt", "mine")
	writeFile(t, out, "other.h5", "mine")

	_, err := run(t, nil, "simulate", "--spec", quiet, "--duration-ms", "20", "--out", out, "--no-network")
	if !errors.Is(err, export.ErrExists) || !strings.Contains(err.Error(), "vE.h5") || !strings.Contains(err.Error(), "earlier run") ||
		!strings.Contains(err.Error(), "--overwrite") {
		t.Fatalf("second run without --overwrite: %v; want it refused naming the earlier run's files and --overwrite", err)
	}
	if _, err := run(t, nil, "simulate", "--spec", quiet, "--duration-ms", "20", "--out", out, "--no-network", "--overwrite"); err != nil {
		t.Fatal(err)
	}
	want = []string{".neurodyn.lock", runManifestName, "notes.txt", "other.h5", "spikes.h5"}
	if got := dirNames(t, out); !slices.Equal(got, want) {
		t.Fatalf("after --overwrite --no-network, --out holds %v, want %v", got, want)
	}
	m, err := readRunManifest(out)
	if err != nil || m == nil || !slices.Equal(m.Files, []string{"spikes.h5"}) || m.Seed != 8 || m.State != "finished" {
		t.Fatalf("manifest %+v (%v); want spikes.h5 alone, seed 8, finished", m, err)
	}
	for _, f := range []string{"notes.txt", "other.h5"} {
		if b, _ := os.ReadFile(filepath.Join(out, f)); string(b) != "mine" {
			t.Errorf("%s changed: %q", f, b)
		}
	}
}

// TestSimulateStalePartial: *.partial files of a run that died (killed, or
// out of disk space) no longer block the next run of the same files, with
// or without --overwrite: no run holds --out, so nothing writes them.
// Before, the rerun failed "spikes.h5.partial exists".
func TestSimulateStalePartial(t *testing.T) {
	if export.HDF5Version() == "" {
		t.Skip("built without HDF5")
	}
	dir := t.TempDir()
	spec := writeFile(t, dir, "net.toml", bigSpec)
	for _, c := range []struct {
		name     string
		manifest bool // the dead run wrote its manifest (state running)
	}{
		{"no-manifest", false},
		{"manifest", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name)
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"spikes.h5.partial", "vE.h5.partial", "nodes.h5.partial"} {
				writeFile(t, out, f, "") // what a full disk leaves
			}
			if c.manifest {
				if err := writeRunManifest(out, newRunManifest(3, []string{"spikes.h5", "vE.h5", "rateE.h5", "nodes.h5", "edges.h5"})); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "20", "--out", out); err != nil {
				t.Fatalf("rerun after a dead run: %v", err)
			}
			want := []string{".neurodyn.lock", "edge_types.csv", "edges.h5", runManifestName, "node_types.csv", "nodes.h5", "rateE.h5", "spikes.h5", "vE.h5"}
			if got := dirNames(t, out); !slices.Equal(got, want) {
				t.Fatalf("--out holds %v, want %v", got, want)
			}
		})
	}
}

// TestRunManifestRefusesForeignNames: a manifest naming a file outside its
// directory, or not an .h5 file, is refused and nothing is removed on its
// word.
func TestRunManifestRefusesForeignNames(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "net.toml", quietSpec)
	victim := writeFile(t, dir, "victim.h5", "keep")
	out := filepath.Join(dir, "o")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"../victim.h5", "notes.txt", "", ".."} {
		writeFile(t, out, runManifestName, `{"writer": "neurodyn simulate", "files": ["`+bad+`"]}`)
		_, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "20", "--out", out, "--overwrite")
		if err == nil || !strings.Contains(err.Error(), runManifestName) {
			t.Errorf("manifest listing %q: %v; want an error naming the manifest", bad, err)
		}
	}
	writeFile(t, out, runManifestName, `{"writer": "someone else", "files": ["spikes.h5"]}`)
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "20", "--out", out, "--overwrite"); err == nil || !strings.Contains(err.Error(), "someone else") {
		t.Errorf("another writer's manifest: %v; want it refused", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("victim.h5 changed")
	}
}

// TestSimulateSegments: --segment-records writes each recording as
// complete segments (spikes.000000.h5, …, vE.000000.h5, …) and no single
// file; they hold the spikes and frames of an unsegmented run, and analyze
// spikes --data reads them from the stream's name, also when a killed run
// left a partial segment (left out, said so).
func TestSimulateSegments(t *testing.T) {
	if export.HDF5Version() == "" {
		t.Skip("built without HDF5")
	}
	dir := t.TempDir()
	spec := writeFile(t, dir, "net.toml", bigSpec)
	whole, segd := filepath.Join(dir, "whole"), filepath.Join(dir, "seg")
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "100", "--out", whole); err != nil {
		t.Fatal(err)
	}
	stdout, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "100", "--out", segd, "--segment-records", "200")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "segments, spikes.000000.h5") {
		t.Errorf("simulate printed %q; want the segments it wrote", stdout)
	}
	for _, stream := range []string{"spikes.h5", "vE.h5"} {
		if _, err := os.Stat(filepath.Join(segd, stream)); err == nil {
			t.Errorf("%s written whole with --segment-records", stream)
		}
	}
	segs, partial, err := export.Segments(filepath.Join(segd, "spikes.h5"))
	if err != nil || len(segs) < 2 || len(partial) > 0 {
		t.Fatalf("spike segments %v, partial %v (%v); want several complete ones", segs, partial, err)
	}
	want, err := export.ReadSpikes(filepath.Join(whole, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := export.ReadSpikes(segs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !slices.Equal(got[0].TimesMs, want[0].TimesMs) || !slices.Equal(got[0].NodeIDs, want[0].NodeIDs) {
		t.Fatalf("segments hold %d spikes, the whole file %d: want the same", len(got[0].TimesMs), len(want[0].TimesMs))
	}
	vs, _, _ := export.Segments(filepath.Join(segd, "vE.h5"))
	fv, err := export.ReadFrameReport("E", vs...)
	if err != nil {
		t.Fatal(err)
	}
	wv, err := export.ReadFrameReport("E", filepath.Join(whole, "vE.h5"))
	if err != nil || !slices.Equal(fv.Data, wv.Data) || len(vs) < 1 {
		t.Fatalf("vE segments (%d) differ from vE.h5 (%v)", len(vs), err)
	}
	a, err := run(t, nil, "analyze", "spikes", "--data", filepath.Join(whole, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := run(t, nil, "analyze", "spikes", "--data", filepath.Join(segd, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	row := func(s string) string { return s[strings.Index(s, "| E |"):] }
	if !strings.Contains(a, "| E |") || row(a) != row(b) || !strings.Contains(b, "segments") {
		t.Fatalf("analyze of the segments\n%s\ndiffers from the whole file's\n%s", b, a)
	}
	// a killed run's last segment, never finished
	writeFile(t, segd, "spikes.999999.h5.partial", "")
	c, err := run(t, nil, "analyze", "spikes", "--data", filepath.Join(segd, "spikes.h5"))
	if err != nil || !strings.Contains(c, "partial segment") || row(c) != row(a) {
		t.Fatalf("analyze with a partial segment: %v\n%s", err, c)
	}
	// --overwrite removes every segment of the earlier run
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "10", "--out", segd, "--overwrite"); err != nil {
		t.Fatal(err)
	}
	wantNames := []string{".neurodyn.lock", "edge_types.csv", "edges.h5", runManifestName, "node_types.csv", "nodes.h5", "rateE.h5", "spikes.h5", "vE.h5"}
	if got := dirNames(t, segd); !slices.Equal(got, wantNames) {
		t.Fatalf("after --overwrite, --out holds %v, want %v", got, wantNames)
	}
	refused(t, []string{"simulate", "--spec", spec, "--out", filepath.Join(dir, "x"), "--segment-records", "-1"}, []string{"--segment-records"})
	refused(t, []string{"simulate", "--spec", spec, "--out", filepath.Join(dir, "x"), "--segment-ms", "0.05"}, []string{"--segment-ms", "multiple of the time step"})
	refused(t, []string{"simulate", "--spec", spec, "--out", filepath.Join(dir, "x"), "--segment-seconds", "-1"}, []string{"--segment-seconds"})
}

// TestSimulateSegmentMs: --segment-ms cuts every recording at the same
// simulated times: spike segment k holds the spikes of (25k, 25(k+1)] ms and
// records that interval, the frame segments the frames up to the cut, and
// together they equal an uncut run's files. When the last segments are lost
// (a process killed while writing them), the others are a recording of
// (0, 75] ms that analyze spikes reads as such.
func TestSimulateSegmentMs(t *testing.T) {
	if export.HDF5Version() == "" {
		t.Skip("built without HDF5")
	}
	dir := t.TempDir()
	spec := writeFile(t, dir, "net.toml", bigSpec)
	whole, segd := filepath.Join(dir, "whole"), filepath.Join(dir, "seg")
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "100", "--out", whole); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, nil, "simulate", "--spec", spec, "--duration-ms", "100", "--out", segd, "--segment-ms", "25"); err != nil {
		t.Fatal(err)
	}
	segs, _, err := export.Segments(filepath.Join(segd, "spikes.h5"))
	if err != nil || len(segs) != 4 {
		t.Fatalf("spike segments %v (%v); want 4", segs, err)
	}
	want, err := export.ReadSpikes(filepath.Join(whole, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	var times []float64
	for k, f := range segs {
		a, b, ok, err := export.SpikeInterval(f)
		if err != nil || !ok || a != 25*float64(k) || b != 25*float64(k+1) {
			t.Errorf("%s: interval (%v, %v] (%v, %v); want (%d, %d]", filepath.Base(f), a, b, ok, err, 25*k, 25*(k+1))
		}
		pops, err := export.ReadSpikes(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range pops[0].TimesMs {
			if tm <= a || tm > b {
				t.Errorf("%s: a spike at %v ms, outside (%v, %v]", filepath.Base(f), tm, a, b)
			}
		}
		times = append(times, pops[0].TimesMs...)
	}
	if !slices.Equal(times, want[0].TimesMs) {
		t.Fatalf("the segments hold %d spikes, the uncut file %d: want the same", len(times), len(want[0].TimesMs))
	}
	for _, stream := range []string{"vE.h5", "rateE.h5"} {
		vs, _, _ := export.Segments(filepath.Join(segd, stream))
		got, err := export.ReadFrameReport("E", vs...)
		if err != nil {
			t.Fatal(err)
		}
		w, err := export.ReadFrameReport("E", filepath.Join(whole, stream))
		if err != nil || !slices.Equal(got.Data, w.Data) || len(vs) != 4 {
			t.Fatalf("%s: %d segments, equal to the uncut file: %v (%v)", stream, len(vs), slices.Equal(got.Data, w.Data), err)
		}
	}
	a, err := run(t, nil, "analyze", "spikes", "--data", filepath.Join(segd, "spikes.h5"))
	if err != nil || !strings.Contains(a, "over (0, 100] ms") {
		t.Fatalf("analyze of the segments: %v\n%s", err, a)
	}
	if err := os.Remove(segs[3]); err != nil {
		t.Fatal(err)
	}
	writeFile(t, segd, filepath.Base(segs[3])+".partial", "")
	b, err := run(t, nil, "analyze", "spikes", "--data", filepath.Join(segd, "spikes.h5"))
	if err != nil || !strings.Contains(b, "over (0, 75] ms") || !strings.Contains(b, "partial segment") {
		t.Fatalf("analyze without the last segment: %v\n%s", err, b)
	}
}
