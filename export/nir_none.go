//go:build !cgo || nohdf5

package export

// nirWriteStrings needs libhdf5: without it, it returns ErrNoHDF5.
func nirWriteStrings(*Group, string, []string, []int) error { return ErrNoHDF5 }
