//go:build cgo && !nohdf5

package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/asm"
)

func roundTrip[T Elem](t *testing.T, g *Group, name string, data []T, shape []int, o *DatasetOptions) {
	t.Helper()
	if err := WriteWith(g, name, data, shape, o); err != nil {
		t.Fatalf("WriteWith %s: %v", name, err)
	}
	got, gotShape, err := Read[T](g, name)
	if err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	if !slices.Equal(got, data) || !slices.Equal(gotShape, shape) {
		t.Errorf("%s: read %v shape %v, wrote %v shape %v", name, got, gotShape, data, shape)
	}
}

func seq[T Elem](n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(i%100) - T(i%3)
	}
	return s
}

func TestDatasetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + PartialSuffix); err != nil {
		t.Errorf("partial file missing while writing: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("final file exists before Close: %v", err)
	}
	g, err := f.CreateGroup("run/0")
	if err != nil {
		t.Fatal(err)
	}
	shapes := [][]int{{}, {1}, {7}, {3, 4}, {2, 3, 5}, {600, 3}}
	for _, sh := range shapes {
		n, _ := numElems("s", sh)
		nm := func(s string) string { return fmt.Sprintf("%s_%v", s, sh) }
		roundTrip(t, g, nm("i8"), seq[int8](n), sh, nil)
		roundTrip(t, g, nm("u8"), seq[uint8](n), sh, nil)
		roundTrip(t, g, nm("i16"), seq[int16](n), sh, nil)
		roundTrip(t, g, nm("u16"), seq[uint16](n), sh, nil)
		roundTrip(t, g, nm("i32"), seq[int32](n), sh, nil)
		roundTrip(t, g, nm("u32"), seq[uint32](n), sh, nil)
		roundTrip(t, g, nm("i64"), seq[int64](n), sh, nil)
		roundTrip(t, g, nm("u64"), seq[uint64](n), sh, nil)
		roundTrip(t, g, nm("f32"), seq[float32](n), sh, nil)
		roundTrip(t, g, nm("f64"), seq[float64](n), sh, &DatasetOptions{Deflate: NoCompression})
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + PartialSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("partial file left after Close: %v", err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if ok, err := r.Complete(); !ok || err != nil {
		t.Errorf("Complete() = %v, %v; want true", ok, err)
	}
	v, shape, err := Read[float64](&r.Group, "run/0/f64_[600 3]")
	if err != nil || len(v) != 1800 || !slices.Equal(shape, []int{600, 3}) {
		t.Fatalf("reading back after reopen: len %d shape %v err %v", len(v), shape, err)
	}
	// conversion on read: int32 data read as float64
	w, _, err := Read[float64](&r.Group, "run/0/i32_[7]")
	if err != nil || w[4] != float64(seq[int32](7)[4]) {
		t.Errorf("converting read: %v %v", w, err)
	}
	m, err := r.Members()
	if err != nil || len(m) != 1 || m[0] != (Member{"run", KindGroup}) {
		t.Errorf("Members() = %v, %v", m, err)
	}
	if !r.Has("run/0") || r.Has("run/1") || r.Has("nope/deeper") {
		t.Error("Has gives wrong answers")
	}
}

func TestAppendAndStorage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grow.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.CreateDataset("trace", Float32, []int{0, 3}, &DatasetOptions{MaxShape: []int{Unlimited, 3}, Chunk: []int{4, 3}, Deflate: 6})
	if err != nil {
		t.Fatal(err)
	}
	var want []float32
	for blk := 1; blk <= 5; blk++ {
		data := make([]float32, 3*blk)
		for i := range data {
			data[i] = float32(len(want) + i)
		}
		want = append(want, data...)
		if err := Append(d, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := Append(d, []float32{1, 2}); err == nil {
		t.Error("Append of a partial row succeeded")
	}
	info, err := d.Info()
	if err != nil {
		t.Fatal(err)
	}
	wantInfo := Info{DType: Float32, Shape: []int{15, 3}, MaxShape: []int{Unlimited, 3}, Chunk: []int{4, 3}, Deflate: 6, Shuffle: true}
	if !reflect.DeepEqual(info, wantInfo) {
		t.Errorf("Info() = %+v, want %+v", info, wantInfo)
	}
	got, shape, err := ReadAll[float32](d)
	if err != nil || !slices.Equal(got, want) || !slices.Equal(shape, []int{15, 3}) {
		t.Errorf("ReadAll = %v %v %v", got, shape, err)
	}
	part, err := ReadAt[float32](d, []int{2, 1}, []int{2, 2})
	if err != nil || !slices.Equal(part, []float32{7, 8, 10, 11}) {
		t.Errorf("ReadAt = %v %v", part, err)
	}
	if _, err := ReadAt[float32](d, []int{14, 0}, []int{2, 3}); err == nil {
		t.Error("ReadAt outside the shape succeeded")
	}
	fixed, err := f.CreateDataset("fixed", Int64, []int{3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Append(fixed, []int64{1, 2, 3}); err == nil {
		t.Error("Append to a fixed-size dataset succeeded")
	} else if !strings.Contains(err.Error(), "fixed") {
		t.Logf("error message: %v", err)
	}
	if _, err := f.CreateDataset("bad", Float64, []int{4}, &DatasetOptions{Deflate: 12}); err == nil || !strings.Contains(err.Error(), "Deflate = 12") {
		t.Errorf("bad Deflate: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestAttributes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "attrs.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.CreateGroup("spikes/exc")
	if err != nil {
		t.Fatal(err)
	}
	sorting := EnumType{{"none", 0}, {"by_id", 1}, {"by_time", 2}}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(SetAttr(f, "magic", uint32(0x0A7A)))
	check(SetAttrSlice(f, "version", []uint32{0, 1}))
	check(SetAttr(g, "dt", 0.1))
	check(SetAttr(g, "dt", 0.25)) // replaces
	check(SetAttrSlice(g, "empty", []int64{}))
	check(SetStringAttr(g, "units", "ms"))
	check(SetStringsAttr(g, "names", []string{"a", "βγ", ""}))
	check(SetEnumAttr(g, "sorting", sorting, "by_time"))
	check(SetEnumAttr(g, "signed", EnumType{{"lo", -300}, {"hi", 70000}}, "lo"))
	if err := SetEnumAttr(g, "bad", sorting, "by_name"); err == nil {
		t.Error("enum value outside the type accepted")
	}
	d, err := g.CreateDataset("timestamps", Float64, []int{0}, &DatasetOptions{MaxShape: []int{Unlimited}})
	check(err)
	check(SetStringAttr(d, "units", "ms"))
	check(f.Close())

	r, err := Open(path)
	check(err)
	defer r.Close()
	if v, err := Attr[uint32](r, "magic"); v != 0x0A7A || err != nil {
		t.Errorf("magic = %x, %v", v, err)
	}
	if v, err := AttrSlice[uint32](r, "version"); !slices.Equal(v, []uint32{0, 1}) || err != nil {
		t.Errorf("version = %v, %v", v, err)
	}
	rg, err := r.OpenGroup("spikes/exc")
	check(err)
	if v, err := Attr[float64](rg, "dt"); v != 0.25 || err != nil {
		t.Errorf("dt = %v, %v", v, err)
	}
	if v, err := AttrSlice[int64](rg, "empty"); len(v) != 0 || err != nil {
		t.Errorf("empty = %v, %v", v, err)
	}
	if s, err := StringAttr(rg, "units"); s != "ms" || err != nil {
		t.Errorf("units = %q, %v", s, err)
	}
	if s, err := StringsAttr(rg, "names"); !slices.Equal(s, []string{"a", "βγ", ""}) || err != nil {
		t.Errorf("names = %q, %v", s, err)
	}
	m, v, e, err := EnumAttr(rg, "sorting")
	if m != "by_time" || v != 2 || !reflect.DeepEqual(e, sorting) || err != nil {
		t.Errorf("sorting = %q %d %v %v", m, v, e, err)
	}
	m, v, _, err = EnumAttr(rg, "signed")
	if m != "lo" || v != -300 || err != nil {
		t.Errorf("signed = %q %d %v", m, v, err)
	}
	names, err := AttrNames(rg)
	if want := []string{"dt", "empty", "names", "signed", "sorting", "units"}; !slices.Equal(names, want) || err != nil {
		t.Errorf("AttrNames = %v, %v; want %v", names, err, want)
	}
	if _, err := StringAttr(rg, "dt"); err == nil {
		t.Error("reading a float attribute as a string succeeded")
	}
	if _, err := Attr[float64](rg, "missing"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing attribute: %v", err)
	}
	if err := SetAttr(rg, "x", 1.0); err == nil {
		t.Error("writing to a read-only file succeeded")
	}
}

func TestStringsDataset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"biophysical", "point_neuron", "", "ünïcode"}
	if err := WriteStrings(&f.Group, "names", want); err != nil {
		t.Fatal(err)
	}
	if err := WriteStrings(&f.Group, "none", nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := ReadStrings(&r.Group, "names")
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ReadStrings = %q, %v", got, err)
	}
	got, err = ReadStrings(&r.Group, "none")
	if err != nil || len(got) != 0 {
		t.Errorf("ReadStrings(empty) = %q, %v", got, err)
	}
}

func TestAtomicCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path); !errors.Is(err, ErrExists) || !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Create while the first writes: %v, want ErrExists", err)
	}
	if err := WriteScalar(&f.Group, "x", 1.5); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path); !errors.Is(err, ErrExists) {
		t.Errorf("Create over a finished file: %v, want ErrExists", err)
	}
	f2, err := Create(path, Overwrite())
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteScalar(&f2.Group, "x", 2.5); err != nil {
		t.Fatal(err)
	}
	// Abort leaves the old result in place.
	if err := f2.Abort(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if x, err := ReadScalar[float64](&r.Group, "x"); x != 1.5 || err != nil {
		t.Errorf("after Abort x = %v, %v; want the old 1.5", x, err)
	}
	r.Close()
	f3, err := Create(path, Overwrite())
	if err != nil {
		t.Fatal(err)
	}
	WriteScalar(&f3.Group, "x", 3.5)
	if err := f3.Close(); err != nil {
		t.Fatal(err)
	}
	r, _ = Open(path)
	if x, _ := ReadScalar[float64](&r.Group, "x"); x != 3.5 {
		t.Errorf("after overwrite x = %v, want 3.5", x)
	}
	r.Close()
	// A stale partial file (a crashed writer) blocks Create unless Overwrite.
	stale := filepath.Join(dir, "s.h5")
	os.WriteFile(stale+PartialSuffix, []byte("junk"), 0o644)
	if _, err := Create(stale); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "crashed") {
		t.Errorf("Create over a stale partial: %v", err)
	}
	f4, err := Create(stale, Overwrite())
	if err != nil {
		t.Fatal(err)
	}
	if err := f4.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(filepath.Join(dir, "no/such/dir/x.h5")); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("Create in a missing directory: %v", err)
	}
}

func TestIncompleteMarker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	// The partial file, flushed, reads as incomplete.
	r, err := Open(f.TempPath())
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := r.Complete(); ok || err != nil {
		t.Errorf("partial file Complete() = %v, %v; want false", ok, err)
	}
	r.Close()
	f.Close()
}

func TestProvenanceRoundTrip(t *testing.T) {
	p := NewProvenance("[net]\nn = 10\n", "toml", Seed{"network", 42}, Seed{"poisson", 1 << 63})
	if p.Version == "" || p.GoVersion == "" || p.CPU == "" || p.Created.IsZero() || p.KernelPath != asm.Path() {
		t.Fatalf("NewProvenance left fields empty: %+v", p)
	}
	path := filepath.Join(t.TempDir(), "prov.h5")
	f, err := Create(path, WithProvenance(p))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := ReadProvenance(r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("ReadProvenance = %+v\nwant %+v", got, p)
	}
	if s, _ := StringAttr(r, AttrHDF5Version); !strings.HasPrefix(s, "1.") {
		t.Errorf("hdf5_version = %q", s)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "x.h5"), WithProvenance(Provenance{Seeds: []Seed{{"a", 1}, {"a", 2}}})); err == nil {
		t.Error("duplicate seed names accepted")
	}
}
