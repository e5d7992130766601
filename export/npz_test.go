package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestNPZRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lorenz_data.npz")
	train := make([]float64, 14*3)
	for i := range train {
		train[i] = float64(i) * 0.5
	}
	in := []NPZArray{
		NewNPZArray("train", train, 14, 3),
		NewNPZArray("mean", []float64{-0.76, -0.75, 23.47}),
		NPZScalar("dt", 0.01),
		NPZScalar("seq_length", int64(50)),
		NewNPZArray("cube", []int32{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2),
		NewNPZArray("empty", []float32{}),
		NewNPZArray("u", []uint64{1 << 63, 7}),
	}
	if err := WriteNPZ(path, in); err != nil {
		t.Fatal(err)
	}
	if err := WriteNPZ(path, in); !errors.Is(err, ErrExists) {
		t.Errorf("second WriteNPZ: %v, want ErrExists", err)
	}
	out, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d arrays, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].Name != in[i].Name || !slices.Equal(out[i].Shape, in[i].Shape) ||
			!reflect.DeepEqual(out[i].Data, in[i].Data) {
			t.Errorf("array %d: read %+v, want %+v", i, out[i], in[i])
		}
	}
	if _, err := NPZData[float32](out[0]); err == nil {
		t.Error("NPZData with the wrong type succeeded")
	}
	// np.savez stores members uncompressed.
	raw, _ := os.ReadFile(path)
	if !slices.Contains([]int{int(raw[8]) | int(raw[9])<<8}, 0) {
		t.Errorf("first member compression method = %d, want 0 (stored)", int(raw[8])|int(raw[9])<<8)
	}
	bad := []NPZArray{{Name: "x", Shape: []int{3}, Data: []float64{1}}}
	if err := WriteNPZ(filepath.Join(t.TempDir(), "b.npz"), bad); err == nil {
		t.Error("shape/length mismatch accepted")
	}
	if err := WriteNPZ(filepath.Join(t.TempDir(), "c.npz"), []NPZArray{{Name: "x", Data: []int{1}}}); err == nil {
		t.Error("[]int accepted")
	}
}

func TestFortranToC(t *testing.T) {
	// 2x3 matrix [[0 1 2] [3 4 5]] stored column-major: 0 3 1 4 2 5.
	got := fortranToC(reflect.ValueOf([]float64{0, 3, 1, 4, 2, 5}), []int{2, 3}).Interface()
	if want := []float64{0, 1, 2, 3, 4, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("fortranToC = %v, want %v", got, want)
	}
}

// TestNPZDamaged checks that damaged archives and .npy files are errors,
// never a panic of the decoder or an allocation of what a garbled header
// declares.
func TestNPZDamaged(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.npz")
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i)
	}
	if err := WriteNPZ(good, []NPZArray{NewNPZArray("a", x, 64, 64), NPZScalar("dt", 0.01)}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// A .npy whose header declares 10^12 float32 values over 8 data bytes.
	header := "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }"
	header += strings.Repeat(" ", 63-(10+len(header))%64) + "\n"
	huge := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	huge = append(append(huge, header...), make([]byte, 8)...)
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "a.npy", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(huge)
	zw.Close()
	flipped := append([]byte(nil), raw...)
	for i := len(flipped) / 3; i < len(flipped)/3+200; i++ {
		flipped[i] ^= 0xA5
	}
	for _, tc := range []struct {
		name string
		data []byte
		npy  bool // a bare .npy file, read by ReadNPY
	}{
		{"half", raw[:len(raw)/2], false},
		{"flipped", flipped, false},
		{"huge shape in npz", zbuf.Bytes(), false},
		{"huge shape npy", huge, true},
		{"truncated npy header", huge[:20], true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.npy {
				_, err = ReadNPY(p)
			} else {
				_, err = ReadNPZ(p)
			}
			if err == nil {
				t.Fatal("damaged data read without an error")
			}
		})
	}
}

func TestFloat64s(t *testing.T) {
	for _, data := range []any{[]float64{1, -2}, []float32{1, -2}, []int8{1, -2}, []int16{1, -2}, []int32{1, -2}, []int64{1, -2}} {
		if got, ok := Float64s(data); !ok || len(got) != 2 || got[0] != 1 || got[1] != -2 {
			t.Errorf("Float64s(%T) = %v, %v", data, got, ok)
		}
	}
	for _, data := range []any{[]uint8{7}, []uint16{7}, []uint32{7}, []uint64{7}} {
		if got, ok := Float64s(data); !ok || len(got) != 1 || got[0] != 7 {
			t.Errorf("Float64s(%T) = %v, %v", data, got, ok)
		}
	}
	src := []float64{3}
	if got, _ := Float64s(src); &got[0] == &src[0] {
		t.Error("Float64s returned its argument, not a copy")
	}
	if _, ok := Float64s([]string{"x"}); ok {
		t.Error("Float64s accepted strings")
	}
}

// TestReadNPZMember: one member read alone equals ReadNPZ's, and a member
// the archive lacks is ErrNoMember (a missing file is not).
func TestReadNPZMember(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.npz")
	if err := WriteNPZ(path, []NPZArray{NewNPZArray("a", []float32{1, 2, 3}), NewNPZArray("b", []float64{4, 5}, 1, 2)}); err != nil {
		t.Fatal(err)
	}
	all, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadNPZMember(path, "b")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b, all[1]) {
		t.Errorf("member b %+v, ReadNPZ's %+v", b, all[1])
	}
	if _, err := ReadNPZMember(path, "c"); !errors.Is(err, ErrNoMember) {
		t.Errorf("missing member: %v", err)
	}
	if _, err := ReadNPZMember(filepath.Join(t.TempDir(), "none.npz"), "a"); err == nil || errors.Is(err, ErrNoMember) {
		t.Errorf("missing file: %v", err)
	}
}
