package learn

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

func TestSaveLoadParamsNPZ(t *testing.T) {
	p, err := NewParams[float32](ParamSpec{Name: "W", Shape: []int{3, 4}}, ParamSpec{Name: "b", Shape: []int{4}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Flat() {
		p.Flat()[i] = float32(i)*0.5 - 3
	}
	path := filepath.Join(t.TempDir(), "m.npz")
	if err := SaveParams(path, p, `{"kind":"test"}`); err != nil {
		t.Fatal(err)
	}
	q := p.Clone()
	clear(q.Flat())
	meta, err := LoadParamsNPZ(q, path)
	if err != nil {
		t.Fatal(err)
	}
	if meta != `{"kind":"test"}` {
		t.Errorf("meta %q", meta)
	}
	for i, v := range q.Flat() {
		if v != p.Flat()[i] {
			t.Fatalf("value %d: %v, want %v", i, v, p.Flat()[i])
		}
	}
	// A model with another layout is refused and left untouched.
	r, _ := NewParams[float32](ParamSpec{Name: "W", Shape: []int{3, 5}})
	if _, err := LoadParamsNPZ(r, path); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("wrong shape: %v", err)
	}
	for _, v := range r.Flat() {
		if v != 0 {
			t.Fatal("a refused load modified the parameters")
		}
	}
	other := filepath.Join(t.TempDir(), "other.npz")
	if err := export.WriteNPZ(other, []export.NPZArray{export.NewNPZArray("W", make([]float32, 12), 3, 4)}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadParamsNPZ(q, other); !errors.Is(err, ErrNotParamsFile) {
		t.Errorf("foreign .npz: %v", err)
	}
	p.Flat()[2] = float32(math.NaN())
	if err := SaveParams(path, p, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadParamsNPZ(q, path); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("NaN parameter: %v", err)
	}
}
