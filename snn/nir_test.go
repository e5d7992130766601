//go:build cgo && !nohdf5

package snn

import (
	"errors"
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
	rec := g.Nodes["recurrent"].Params["weight"]
	want := m.Recurrent()
	if len(rec.Data) != len(want) || rec.Shape[0] != 16 || rec.Shape[1] != 16 {
		t.Fatalf("recurrent shape %v", rec.Shape)
	}
	for i, v := range want {
		if rec.Data[i] != float64(v) {
			t.Fatalf("recurrent[%d] = %g, want %g", i, rec.Data[i], v)
		}
	}
	if n := len(g.Nodes); n != 10 { // input, output, input_weights, lif, recurrent, 2×(filter, readout), skip
		t.Errorf("%d nodes, want 10", n)
	}
	if tm := g.Nodes["lif"].Params["tau_mem"].Data; tm[0] != 0.02 || tm[15] != 0.01 {
		t.Errorf("tau_mem %v", tm)
	}
	c.Readout, c.ReadoutTauMs = ReadoutCount, nil
	m2, _ := New[float32](c)
	if _, err := m2.NIR(); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("count readout: err = %v", err)
	}
}
