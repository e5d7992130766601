//go:build cgo && !nohdf5

package snn

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

func TestNIRExport(t *testing.T) {
	c := LorenzDefault().Model
	c.NE, c.NI = 12, 4
	m, err := New[float32](c)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.nir")
	if err := m.WriteNIR(path); err != nil {
		t.Fatal(err)
	}
	g, err := export.ReadNIR(path)
	if err != nil {
		t.Fatal(err)
	}
	// The recurrent weights are the model's scaled per postsynaptic neuron
	// by γ = R(1−β)(ln α − ln β)/(α − β) (NIRWith), here exact decays.
	rec := g.Nodes["recurrent"].Params["weight"]
	want := m.Recurrent()
	if len(rec.Data) != len(want) || rec.Shape[0] != 16 || rec.Shape[1] != 16 {
		t.Fatalf("recurrent shape %v", rec.Shape)
	}
	cfg := m.Config()
	lnA := -cfg.DtMs / cfg.TauSynMs
	for i, v := range want {
		tm := cfg.TauMemEMs
		if i/16 >= cfg.NE {
			tm = cfg.TauMemIMs
		}
		lnB := -cfg.DtMs / tm
		a, b := math.Exp(lnA), math.Exp(lnB)
		gamma := cfg.R * (1 - b) * (lnA - lnB) / (a - b)
		if d := rec.Data[i] - gamma*float64(v); math.Abs(d) > 1e-12*math.Abs(gamma*float64(v)) {
			t.Fatalf("recurrent[%d] = %g, want γ·%g = %g", i, rec.Data[i], v, gamma*float64(v))
		}
	}
	if n := len(g.Nodes); n != 10 { // input, output, input_weights, lif, recurrent, 2×(filter, readout), skip
		t.Errorf("%d nodes, want 10", n)
	}
	if tm := g.Nodes["lif"].Params["tau_mem"].Data; tm[0] != 0.02 || tm[15] != 0.01 {
		t.Errorf("tau_mem %v", tm)
	}
	if r := g.Nodes["lif"].Params["r"].Data; r[0] != 20 || r[15] != 10 {
		t.Errorf("r %v: want τ_mem/dt", r)
	}
	for _, k := range []string{"input_signal", "spike_area_s", "neurodyn_version", "neurodyn_revision", "seed", "config", "output"} {
		if g.Metadata[k] == "" {
			t.Errorf("metadata %s missing", k)
		}
	}
	c.Readout, c.ReadoutTauMs = ReadoutCount, nil
	m2, _ := New[float32](c)
	if _, err := m2.NIR(); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("count readout: err = %v", err)
	}
}
