package learn

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	// An existing file is refused unless Overwrite is given, and kept.
	if err := SaveParams(path, p, "other"); !errors.Is(err, export.ErrExists) || !errors.Is(err, fs.ErrExist) {
		t.Errorf("existing file without Overwrite: %v", err)
	}
	if meta, err := ReadParamsMetaNPZ(path); err != nil || meta != `{"kind":"test"}` {
		t.Errorf("the refused save changed the file: meta %q, %v", meta, err)
	}
	// A file with a tensor the model does not have is refused by name
	// (loading it would drop the tensor), and the model left untouched.
	sub, _ := NewParams[float32](ParamSpec{Name: "W", Shape: []int{3, 4}})
	if _, err := LoadParamsNPZ(sub, path); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("a file with an extra tensor: %v", err)
	}
	if slices.ContainsFunc(sub.Flat(), func(v float32) bool { return v != 0 }) {
		t.Fatal("a refused load modified the parameters")
	}
	p.Flat()[2] = float32(math.NaN())
	if err := SaveParams(path, p, "", export.Overwrite()); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadParamsNPZ(q, path); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("NaN parameter: %v", err)
	}
}

// TestEncodeDecodeParams checks that the in-memory archive holds the bytes
// SaveParams writes to a file and restores through DecodeParams, from a
// seekable reader and from a plain stream, with the file loader's refusals.
func TestEncodeDecodeParams(t *testing.T) {
	p, err := NewParams[float32](ParamSpec{Name: "W", Shape: []int{2, 3}}, ParamSpec{Name: "b", Shape: []int{3}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Flat() {
		p.Flat()[i] = float32(i)*0.25 - 1
	}
	var buf bytes.Buffer
	if err := EncodeParams(&buf, p, `{"kind":"mem"}`); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.npz")
	if err := SaveParams(path, p, `{"kind":"mem"}`); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, buf.Bytes()) {
		t.Errorf("EncodeParams wrote %d bytes unlike SaveParams's %d", buf.Len(), len(file))
	}
	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"bytes.Reader", bytes.NewReader(buf.Bytes())},
		{"stream", io.MultiReader(bytes.NewReader(buf.Bytes()))},
	} {
		q := p.Clone()
		clear(q.Flat())
		meta, err := DecodeParams(q, tc.r)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if meta != `{"kind":"mem"}` {
			t.Errorf("%s: meta %q", tc.name, meta)
		}
		if !slices.Equal(q.Flat(), p.Flat()) {
			t.Errorf("%s: values %v, want %v", tc.name, q.Flat(), p.Flat())
		}
	}
	r, _ := NewParams[float32](ParamSpec{Name: "W", Shape: []int{3, 3}})
	if _, err := DecodeParams(r, bytes.NewReader(buf.Bytes())); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "parameter archive") {
		t.Errorf("wrong shape: %v", err)
	}
	var foreign bytes.Buffer
	if err := export.EncodeNPZ(&foreign, []export.NPZArray{export.NewNPZArray("W", make([]float32, 6), 2, 3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeParams(p, &foreign); !errors.Is(err, ErrNotParamsFile) {
		t.Errorf("foreign archive: %v", err)
	}
	if _, err := DecodeParams(p, strings.NewReader("not a zip")); err == nil || !strings.Contains(err.Error(), "learn: decode parameters") {
		t.Errorf("not an archive: %v", err)
	}
}
