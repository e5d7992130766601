package export

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestNPZStreams: EncodeNPZ writes the bytes WriteNPZ writes to its file,
// DecodeNPZ reads them back from a *bytes.Reader, an *os.File and a plain
// io.Reader (read into memory), and both refuse what the path forms refuse.
func TestNPZStreams(t *testing.T) {
	in := []NPZArray{
		NewNPZArray("train", []float64{1, 2, 3, 4, 5, 6}, 2, 3),
		NPZScalar("dt", 0.01),
		NewNPZArray("ids", []uint32{7, 8, 9}),
		NewNPZArray("empty", []float32{}),
	}
	var buf bytes.Buffer
	if err := EncodeNPZ(&buf, in); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.npz")
	if err := WriteNPZ(path, in); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), file) {
		t.Fatalf("EncodeNPZ wrote %d bytes, WriteNPZ's file has %d (or other bytes)", buf.Len(), len(file))
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"bytes.Reader", bytes.NewReader(file)},
		{"os.File", fh},
		{"plain reader", io.MultiReader(bytes.NewReader(file[:100]), bytes.NewReader(file[100:]))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := DecodeNPZ(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(in) {
				t.Fatalf("%d arrays, want %d", len(out), len(in))
			}
			for i := range in {
				if out[i].Name != in[i].Name || !reflect.DeepEqual(out[i].Data, in[i].Data) {
					t.Errorf("array %d: %+v, want %+v", i, out[i], in[i])
				}
			}
		})
	}
	if err := EncodeNPZ(io.Discard, append(in, NPZScalar("dt", 1.0))); err == nil || !strings.Contains(err.Error(), `"dt" appears twice`) {
		t.Errorf("EncodeNPZ of a name given twice: %v", err)
	}
	damaged := bytes.Clone(file)
	damaged[len(damaged)/2] ^= 0xff
	if _, err := DecodeNPZ(bytes.NewReader(damaged)); err == nil {
		t.Error("DecodeNPZ of a damaged archive succeeded")
	}
	if _, err := DecodeNPZ(strings.NewReader("not a zip")); err == nil {
		t.Error("DecodeNPZ of text succeeded")
	}
}
