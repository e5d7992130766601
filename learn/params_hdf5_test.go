//go:build cgo && !nohdf5

package learn

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

func TestSaveLoadParamsHDF5(t *testing.T) {
	p, err := NewParams[float32](ParamSpec{Name: "W", Shape: []int{3, 4}}, ParamSpec{Name: "b", Shape: []int{4}}, ParamSpec{Name: "c", Shape: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Flat() {
		p.Flat()[i] = float32(i)*0.5 - 3
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.h5")
	if err := SaveParamsHDF5(path, p, `{"kind":"test"}`); err != nil {
		t.Fatal(err)
	}
	// The layout h5py sees: params/<name> with the tensor's shape.
	f, err := export.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, shape, err := export.Read[float32](&f.Group, "params/W"); err != nil || !slices.Equal(shape, []int{3, 4}) || !slices.Equal(v, p.At(0)) {
		t.Errorf("params/W: %v %v %v", v, shape, err)
	}
	f.Close()
	q := p.Clone()
	clear(q.Flat())
	meta, err := LoadParamsHDF5(q, path)
	if err != nil {
		t.Fatal(err)
	}
	if meta != `{"kind":"test"}` || !slices.Equal(q.Flat(), p.Flat()) {
		t.Errorf("loaded meta %q, values %v; want %v", meta, q.Flat(), p.Flat())
	}
	// A model with another layout is refused and left untouched.
	r, _ := NewParams[float32](ParamSpec{Name: "W", Shape: []int{3, 5}})
	if _, err := LoadParamsHDF5(r, path); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("wrong shape: %v", err)
	}
	if slices.ContainsFunc(r.Flat(), func(v float32) bool { return v != 0 }) {
		t.Fatal("a refused load modified the parameters")
	}
	// A file SaveParamsHDF5 did not write is told apart.
	other := filepath.Join(dir, "other.h5")
	g, err := export.Create(other)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.Write(&g.Group, "W", make([]float32, 12), []int{3, 4}); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadParamsHDF5(q, other); !errors.Is(err, ErrNotParamsFile) {
		t.Errorf("foreign .h5: %v", err)
	}
	// An existing file is refused unless Overwrite is given, and kept.
	if err := SaveParamsHDF5(path, p, "other"); !errors.Is(err, export.ErrExists) {
		t.Errorf("existing file without Overwrite: %v", err)
	}
	if meta, err := ReadParamsMetaHDF5(path); err != nil || meta != `{"kind":"test"}` {
		t.Errorf("the refused save changed the file: meta %q, %v", meta, err)
	}
	// A file with tensors the model does not have is refused by name.
	sub, _ := NewParams[float32](ParamSpec{Name: "W", Shape: []int{3, 4}})
	if _, err := LoadParamsHDF5(sub, path); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), `"b", "c"`) {
		t.Errorf("a file with extra tensors: %v", err)
	}
	if slices.ContainsFunc(sub.Flat(), func(v float32) bool { return v != 0 }) {
		t.Fatal("a refused load modified the parameters")
	}
	p.Flat()[2] = float32(math.Inf(1))
	if err := SaveParamsHDF5(path, p, "", export.Overwrite()); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadParamsHDF5(q, path); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("infinite parameter: %v", err)
	}
}
