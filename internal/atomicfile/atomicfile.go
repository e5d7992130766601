// Package atomicfile writes files so that readers see either nothing or the
// whole file: the data go to a temporary file in the same directory, are
// synced to disk, and the file is renamed over the target. A killed writer
// leaves at most a hidden temporary file, never a truncated result.
//
// It is internal and imports nothing of ours: every layer may use it.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes b to path atomically with mode 0644, creating the
// directory if needed.
func WriteFile(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// Write calls fill with a temporary file in path's directory and, if fill
// succeeds, syncs the file and renames it to path (mode 0644). On any error
// the temporary file is removed and path is left as it was.
func Write(path string, fill func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	werr := f.Chmod(0o644)
	if werr == nil {
		werr = fill(f)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}
