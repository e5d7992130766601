package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOverwriteHint: an existing file's error gives the Go option, and each
// face (CLI, C, Python) can put its own in its place, the error still
// matching ErrExists, fs.ErrExist and *ExistsError.
func TestOverwriteHint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.npz")
	in := []NPZArray{{Name: "x", Shape: []int{1}, Data: []float64{1}}}
	if err := WriteNPZ(path, in); err != nil {
		t.Fatal(err)
	}
	err := WriteNPZ(path, in)
	var ee *ExistsError
	if !errors.Is(err, ErrExists) || !errors.Is(err, fs.ErrExist) || !errors.As(err, &ee) || ee.Path != path {
		t.Fatalf("second WriteNPZ: %v, want an *ExistsError of %s", err, path)
	}
	if want := "export: file exists: " + path + " (pass export.Overwrite() to replace it)"; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q lacks %q", err, want)
	}
	wrapped := fmt.Errorf("tasks: write: %w", err)
	cli := WithOverwriteHint(wrapped, "pass --overwrite to replace it")
	if want := "tasks: write: export: file exists: " + path + " (pass --overwrite to replace it)"; cli.Error() != want {
		t.Errorf("WithOverwriteHint: %q, want %q", cli, want)
	}
	if !errors.Is(cli, ErrExists) || !errors.As(cli, &ee) {
		t.Errorf("WithOverwriteHint lost the error: %v", cli)
	}
	// a partial file: the hint follows "remove it, or"
	os.WriteFile(filepath.Join(dir, "b.npz"+PartialSuffix), []byte("killed"), 0o644)
	err = WithOverwriteHint(WriteNPZ(filepath.Join(dir, "b.npz"), in), "pass overwrite != 0 to replace it")
	if err == nil || !strings.HasSuffix(err.Error(), "(a writer is running, or one crashed; remove it, or pass overwrite != 0 to replace it)") ||
		strings.Contains(err.Error(), "Overwrite()") {
		t.Errorf("partial file: %v", err)
	}
	// the bare sentinel gets the hint appended; other errors, nil pass
	if got := WithOverwriteHint(fmt.Errorf("%w: x", ErrExists), "h").Error(); got != "export: file exists: x (h)" {
		t.Errorf("bare sentinel: %q", got)
	}
	other := errors.New("other")
	if WithOverwriteHint(other, "h") != other || WithOverwriteHint(nil, "h") != nil {
		t.Error("WithOverwriteHint changed an error that is not about an existing file")
	}
}

// TestTargetIsDirectory: a path that is a directory is refused before
// anything is written, with or without Overwrite, for .npz (and its
// provenance sidecar) and HDF5 files: before, the whole file was written
// and the rename failed, leaving path.partial and path.provenance.json.
func TestTargetIsDirectory(t *testing.T) {
	dir := t.TempDir()
	in := []NPZArray{{Name: "x", Shape: []int{1}, Data: []float64{1}}}
	for _, name := range []string{"d.npz", "d.h5"} {
		path := filepath.Join(dir, name)
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, opts := range [][]Option{nil, {Overwrite()}, {Overwrite(), WithProvenance(NewProvenance("cfg", "toml"))}} {
			var err error
			if name == "d.npz" {
				err = WriteNPZ(path, in, opts...)
			} else {
				var f *File
				if f, err = Create(path, opts...); err == nil {
					f.Close()
				}
			}
			if err == nil || !strings.Contains(err.Error(), "is a directory") {
				t.Fatalf("%s with %d options: %v, want a refusal naming the directory", name, len(opts), err)
			}
		}
		left, _ := filepath.Glob(path + ".*")
		if len(left) != 0 {
			t.Fatalf("%s: left %v", name, left)
		}
	}
}
