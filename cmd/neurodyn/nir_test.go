package main

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
)

// nirTestGraph is Input(2) → Affine → CubaLIF(2) → Output, with dt_s in
// its metadata (the bias makes a bias device and an initial current per
// neuron).
func nirTestGraph() *export.NIRGraph {
	f := export.NIRFill
	return &export.NIRGraph{
		Nodes: map[string]export.NIRNode{
			"in":  {Type: "Input", Params: map[string]export.NIRArray{"shape": export.NIRShape(2)}},
			"fc":  {Type: "Affine", Params: map[string]export.NIRArray{"weight": export.NIRMatrix(2, 2, []float64{0.02, 0, 0.01, 0.02}), "bias": export.NIRVec(0.5, 0.8)}},
			"lif": {Type: "CubaLIF", Params: map[string]export.NIRArray{"tau_mem": f(2, 0.01), "tau_syn": f(2, 0.005), "r": f(2, 1), "w_in": f(2, 1), "v_leak": f(2, 0), "v_threshold": f(2, 1), "v_reset": f(2, 0)}},
			"out": {Type: "Output", Params: map[string]export.NIRArray{"shape": export.NIRShape(2)}},
		},
		Edges:    [][2]string{{"in", "fc"}, {"fc", "lif"}, {"lif", "out"}},
		Metadata: map[string]string{"dt_s": "0.0001"},
	}
}

// TestImportNIR writes a NIR file, imports it on the command line and
// checks that the spec written is kernel.FromNIR's, that simulate runs it,
// and that mistakes name the flag.
func TestImportNIR(t *testing.T) {
	dir := t.TempDir()
	g := nirTestGraph()
	path := filepath.Join(dir, "g.nir")
	if err := export.WriteNIR(path, g); errors.Is(err, export.ErrNoHDF5) {
		t.Skip(err)
	} else if err != nil {
		t.Fatal(err)
	}
	spikes := writeFile(t, dir, "in.json", `{"in": [[5, 6, 30], [12.5]]}`)
	toml := filepath.Join(dir, "net.toml")
	if _, err := run(t, nil, "import-nir", path, "--input-spikes", spikes, "-o", toml, "--mapping", filepath.Join(dir, "map.json")); err != nil {
		t.Fatal(err)
	}
	got, err := loadSpec(toml)
	if err != nil {
		t.Fatal(err)
	}
	want, err := kernel.FromNIR(g, kernel.NIROptions{InputSpikesMs: map[string][][]float64{"in": {{5, 6, 30}, {12.5}}}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("spec written:\n%+v\nwant kernel.FromNIR's:\n%+v", got, want)
	}
	if got.DtMs != 0.1 {
		t.Fatalf("dt %g ms, want the metadata's 0.1", got.DtMs)
	}
	if ie := got.Populations[1].Init["Ie"]; ie.Dist != "list" || !slices.Equal(ie.Values, []float64{-0.5, -0.8}) {
		t.Fatalf("initial synaptic currents %+v, want the list [-0.5 -0.8] (−r·w_in·b)", ie)
	}
	// JSON, and --spike-area step (dt = 0.1 ms: jumps 10× smaller)
	js := filepath.Join(dir, "net.json")
	if _, err := run(t, nil, "import-nir", path, "--spike-area", "step", "-o", js); err != nil {
		t.Fatal(err)
	}
	step, err := loadSpec(js)
	if err != nil {
		t.Fatal(err)
	}
	if w, w0 := step.Projections[0].WeightList[0], want.Projections[0].WeightList[0]; math.Abs(w-w0*1e-4) > 1e-12*w0 {
		t.Fatalf("--spike-area step: weight %g, want %g", w, w0*1e-4)
	}
	// --spike-area in s: the exporter's dt (snnTorch 1e-4)
	if _, err := run(t, nil, "import-nir", path, "--spike-area", "1e-4", "--dt-ms", "0.5", "-o", js, "--overwrite"); err != nil {
		t.Fatal(err)
	}
	if s, err := loadSpec(js); err != nil {
		t.Fatal(err)
	} else if w, w0 := s.Projections[0].WeightList[0], want.Projections[0].WeightList[0]; math.Abs(w-w0*1e-4) > 1e-12*w0 || s.DtMs != 0.5 {
		t.Fatalf("--spike-area 1e-4 --dt-ms 0.5: weight %g, dt %g ms; want %g, 0.5", w, s.DtMs, w0*1e-4)
	}
	// a neurodyn snn graph's refractory_s, turned off by an explicit 0
	snnG := nirTestGraph()
	snnG.Metadata = map[string]string{"source": "neurodyn snn", "dt_s": "0.0001", "refractory_s": "0.002"}
	snnPath := filepath.Join(dir, "snn.nir")
	if err := export.WriteNIR(snnPath, snnG); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want float64
	}{{nil, 2}, {[]string{"--refractory-ms", "0"}, 0}, {[]string{"--refractory-ms", "0.5"}, 0.5}} {
		if _, err := run(t, nil, append([]string{"import-nir", snnPath, "-o", js, "--overwrite"}, tc.args...)...); err != nil {
			t.Fatal(err)
		}
		s, err := loadSpec(js)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Populations[1].Params["t_ref_ms"]; got != tc.want {
			t.Fatalf("%v: t_ref_ms %g, want %g", tc.args, got, tc.want)
		}
	}
	// to stdout
	text, err := run(t, nil, "import-nir", path)
	if err != nil || !strings.Contains(text, `name = "in:0"`) || !strings.Contains(text, "spike_times_ms = []") {
		t.Fatalf("stdout %q, err %v", text, err)
	}
	if _, err := run(t, nil, "simulate", "--spec", toml, "--duration-ms", "50", "--out", filepath.Join(dir, "sim")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sim", "spikes.h5")); err != nil {
		t.Fatal(err)
	}

	bad := nirTestGraph()
	bad.Metadata = nil
	noDt := filepath.Join(dir, "nodt.nir")
	if err := export.WriteNIR(noDt, bad); err != nil {
		t.Fatal(err)
	}
	noNeurons := filepath.Join(dir, "noneurons.nir")
	if err := export.WriteNIR(noNeurons, &export.NIRGraph{
		Nodes: map[string]export.NIRNode{
			"fc":  {Type: "Affine", Params: map[string]export.NIRArray{"weight": export.NIRMatrix(1, 1, []float64{1}), "bias": export.NIRVec(1)}},
			"out": {Type: "Output", Params: map[string]export.NIRArray{"shape": export.NIRShape(1)}},
		},
		Edges: [][2]string{{"fc", "out"}},
	}); err != nil {
		t.Fatal(err)
	}
	badSpikes := writeFile(t, dir, "bad.json", `{"in": [[5.01, 5.04]]}`)
	notJSON := writeFile(t, dir, "notjson.json", `{"in": [[5, "x"]]}`)
	dupSpikes := writeFile(t, dir, "dup.json", `{"in": [[5]], "in": [[6]]}`)
	trailing := writeFile(t, dir, "trailing.json", `{"in": [[5]]} {"in": [[6]]}`)
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"no-dt", []string{"import-nir", noDt}, []string{"--dt-ms = 0", "dt_s"}},
		{"area", []string{"import-nir", path, "--spike-area", "soon"}, []string{"--spike-area = soon", "dirac"}},
		{"refractory", []string{"import-nir", path, "--refractory-ms", "0.15"}, []string{"--refractory-ms = 0.15", "multiple"}},
		{"refractory-negative", []string{"import-nir", path, "--refractory-ms", "-1"}, []string{"--refractory-ms = -1", "≥ 0"}},
		{"no-neurons", []string{"import-nir", noNeurons, "--dt-ms", "1"}, []string{"noneurons.nir", "has no Input or neuron node"}},
		{"spikes", []string{"import-nir", path, "--input-spikes", badSpikes}, []string{"--input-spikes[in][0][1] = 5.04", "one spike per step"}},
		{"spikes-json", []string{"import-nir", path, "--input-spikes", notJSON}, []string{"--input-spikes", "JSON"}},
		{"spikes-dup", []string{"import-nir", path, "--input-spikes", dupSpikes}, []string{`--input-spikes key = "in": must be given once`}},
		{"spikes-trailing", []string{"import-nir", path, "--input-spikes", trailing}, []string{"data after the JSON value"}},
		{"exists", []string{"import-nir", path, "-o", toml}, []string{"net.toml exists", "--overwrite"}},
		{"args", []string{"import-nir"}, []string{"accepts 1 arg"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, nil, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not contain %q", err, w)
				}
			}
			if tc.name != "exists" && !isUsage(err) {
				t.Errorf("error %q: not a usage error (exit status 2)", err)
			}
			if strings.HasPrefix(tc.name, "spikes") || tc.name == "no-dt" {
				if !errors.Is(err, param.ErrInvalid) {
					t.Errorf("error %q is not param.ErrInvalid", err)
				}
			}
		})
	}
}
