//go:build !cgo || nohdf5

package export

import "unsafe"

// hdf5Available reports whether this build links libhdf5.
const hdf5Available = false

// h5handle is empty without HDF5: no file can be created or opened.
type h5handle struct{}

func h5CreateFile(string) (h5handle, h5handle, error) { return h5handle{}, h5handle{}, ErrNoHDF5 }
func h5OpenFile(string) (h5handle, h5handle, error)   { return h5handle{}, h5handle{}, ErrNoHDF5 }
func h5CloseFile(*h5handle) error                     { return ErrNoHDF5 }
func h5Flush(*h5handle) error                         { return ErrNoHDF5 }
func h5CloseObj(*h5handle) error                      { return ErrNoHDF5 }
func h5CreateGroup(*h5handle, string) (h5handle, error) {
	return h5handle{}, ErrNoHDF5
}
func h5OpenGroup(*h5handle, string) (h5handle, error) { return h5handle{}, ErrNoHDF5 }
func h5Exists(*h5handle, string) bool                 { return false }
func h5Members(*h5handle) ([]Member, error)           { return nil, ErrNoHDF5 }
func h5CreateDataset(*h5handle, string, DType, layout) (h5handle, error) {
	return h5handle{}, ErrNoHDF5
}
func h5OpenDataset(*h5handle, string) (h5handle, error) { return h5handle{}, ErrNoHDF5 }
func h5DatasetInfo(*h5handle) (Info, error)             { return Info{}, ErrNoHDF5 }
func h5DatasetExtend(*h5handle, []int) error            { return ErrNoHDF5 }
func h5DatasetIO(*h5handle, DType, bool, unsafe.Pointer, []int, []int) error {
	return ErrNoHDF5
}
func h5WriteStringDataset(*h5handle, string, []string) error { return ErrNoHDF5 }
func h5ReadStringDataset(*h5handle) ([]string, error)        { return nil, ErrNoHDF5 }
func h5AttrWrite(*h5handle, string, DType, unsafe.Pointer, []int) error {
	return ErrNoHDF5
}
func h5AttrRead(*h5handle, string, DType, unsafe.Pointer, int) error { return ErrNoHDF5 }
func h5AttrInfo(*h5handle, string) (DType, []int, error)             { return Invalid, nil, ErrNoHDF5 }
func h5AttrWriteStrings(*h5handle, string, []string, bool) error     { return ErrNoHDF5 }
func h5AttrReadStrings(*h5handle, string) ([]string, error)          { return nil, ErrNoHDF5 }
func h5AttrWriteEnum(*h5handle, string, EnumType, int64) error       { return ErrNoHDF5 }
func h5AttrReadEnum(*h5handle, string) (EnumType, int64, error)      { return nil, 0, ErrNoHDF5 }
func h5AttrExists(*h5handle, string) bool                            { return false }
func h5AttrNames(*h5handle) ([]string, error)                        { return nil, ErrNoHDF5 }

// HDF5Version returns the version of the linked libhdf5 ("1.10.8"), or ""
// when neurodyn was built without HDF5.
func HDF5Version() string { return "" }
