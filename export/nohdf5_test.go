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
	if _, err := NewSpikeWriter(path, SortNone, []string{"a"}, StreamOptions{}); !errors.Is(err, ErrNoHDF5) {
		t.Errorf("NewSpikeWriter without HDF5: %v, want ErrNoHDF5", err)
	}
	if err := WriteNodes(path, []NodePopulation{{Name: "a", NodeTypeID: []int64{0}}}); !errors.Is(err, ErrNoHDF5) {
		t.Errorf("WriteNodes without HDF5: %v, want ErrNoHDF5", err)
	}
	if HDF5Version() != "" {
		t.Error("HDF5Version() not empty without HDF5")
	}
}
