//go:build !cgo || nohdf5

package export

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestNoHDF5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.h5")
	if _, err := Create(path); !errors.Is(err, ErrNoHDF5) {
		t.Errorf("Create without HDF5: %v, want ErrNoHDF5", err)
	}
	if _, err := Open(path); !errors.Is(err, ErrNoHDF5) {
		t.Errorf("Open without HDF5: %v, want ErrNoHDF5", err)
	}
	if HDF5Version() != "" {
		t.Error("HDF5Version() not empty without HDF5")
	}
}
