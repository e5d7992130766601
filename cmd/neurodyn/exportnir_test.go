package main

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/pipeline"
	"github.com/neurodyn/neurodyn/snn"
)

// TestExportNIR trains a tiny spiking model (one epoch), exports it with
// export-nir and checks the graph against the model's own NIR graph, the
// metadata (normalization of the training data, model file, recipe), and
// the --out conventions: an existing file is refused without --overwrite.
func TestExportNIR(t *testing.T) {
	dir := t.TempDir()
	data := pipeline.LorenzSpec(pipeline.LorenzData{Sigma: 10, Rho: 28, Beta: 8.0 / 3, Dt: 0.01, Transient: 5,
		TrainT: 12, ValT: 4, TestT: 4, EvalT: -1, Seed: 3})
	d, err := data.Forecasting()
	if err != nil {
		t.Fatal(err)
	}
	r := snn.LorenzQuick()
	r.Model.NE, r.Model.NI = 10, 3
	r.Train.Epochs = 1
	st, err := pipeline.TrainSNN(context.Background(), r, data, d, pipeline.TrainOptions{Dir: dir, File: "snn.npz", Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "snn.nir")
	if _, err := run(t, nil, "export-nir", "--model", st.Path, "--out", out); errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	} else if err != nil {
		t.Fatal(err)
	}
	g, err := export.ReadNIR(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.Model.NIR()
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range want.Nodes {
		for p, a := range n.Params {
			b := g.Nodes[name].Params[p]
			if len(a.Data) != len(b.Data) {
				t.Fatalf("%s.%s: %d values, want %d", name, p, len(b.Data), len(a.Data))
			}
			for i := range a.Data {
				if a.Data[i] != b.Data[i] {
					t.Fatalf("%s.%s[%d] = %g, want the model's %g", name, p, i, b.Data[i], a.Data[i])
				}
			}
		}
	}
	md := g.Metadata
	for i, key := range []string{"input_mean", "input_std"} {
		v := strings.Split(md[key], ",")
		ref := [][]float64{d.Mean, d.Std}[i]
		if len(v) != 3 {
			t.Fatalf("%s = %q", key, md[key])
		}
		for k := range v {
			if x, err := strconv.ParseFloat(v[k], 64); err != nil || x != ref[k] {
				t.Fatalf("%s = %q, want %v", key, md[key], ref)
			}
		}
	}
	if md["model_file"] != st.Path || md["recipe"] != r.Name || md["run_seed"] != "5" || md["input_signal"] != "analog" {
		t.Fatalf("metadata %v", md)
	}
	if _, err := run(t, nil, "export-nir", "--model", st.Path, "--out", out); err == nil || !strings.Contains(err.Error(), "--overwrite") {
		t.Fatalf("existing --out: err = %v", err)
	}
	if _, err := run(t, nil, "export-nir", "--model", st.Path, "--out", out, "--overwrite"); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, nil, "export-nir", "--out", out, "--overwrite"); err == nil || !strings.Contains(err.Error(), "--model") {
		t.Fatalf("no --model: err = %v", err)
	}
}
