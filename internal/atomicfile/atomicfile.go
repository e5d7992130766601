// Package atomicfile writes files so that readers see either nothing or the
// whole file: the data go to a temporary file in the same directory, are
// synced to disk, the file is renamed over the target and the directory is
// synced, so that the rename itself survives a crash of the node. A killed
// writer leaves at most a hidden temporary file, never a truncated result.
//
// It is internal and imports nothing of ours: every layer may use it.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
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
// succeeds, syncs the file, renames it to path (mode 0644) and syncs the
// directory (file systems that cannot sync a directory, EINVAL, are taken
// as they are). On any error before the rename the temporary file is
// removed and path is left as it was.
func Write(path string, fill func(w io.Writer) error) error {
	return publish(path, fill, os.Rename)
}

// Create is Write for a file that must not exist yet: the synced temporary
// file is hard-linked to path, which fails with an error wrapping
// os.ErrExist if path exists, so of writers racing to create path exactly
// one succeeds. On a file system without hard links it falls back to
// Write's rename, which cannot tell a concurrent writer apart.
func Create(path string, fill func(w io.Writer) error) error {
	return publish(path, fill, func(tmp, path string) error {
		err := os.Link(tmp, path)
		if err == nil || errors.Is(err, os.ErrExist) {
			os.Remove(tmp)
			return err
		}
		return os.Rename(tmp, path)
	})
}

// publish writes a synced temporary file with fill and moves it to path
// with move (which leaves nothing at tmp on success), then syncs the
// directory.
func publish(path string, fill func(w io.Writer) error, move func(tmp, path string) error) error {
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
		werr = move(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("write %s: sync directory: %w", path, err)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil
	}
	return err
}
