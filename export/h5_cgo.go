//go:build cgo && !nohdf5

package export

/*
#cgo linux,!arm64 CFLAGS: -I/usr/lib/x86_64-linux-gnu/hdf5/serial/include
#cgo linux,arm64 CFLAGS: -I/usr/lib/aarch64-linux-gnu/hdf5/serial/include
#cgo darwin CFLAGS: -I/usr/local/include -I/opt/homebrew/include
#cgo LDFLAGS: -lhdf5
#include "shim.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"sync"
	"unsafe"

	"gonum.org/v1/hdf5"
)

// hdf5Available reports whether this build links libhdf5.
const hdf5Available = true

// h5mu serialises every call into libhdf5: the library is globally locked
// when built thread-safe, and not thread-safe at all otherwise (common on
// clusters). The calling goroutine is pinned to its thread while it holds the
// lock, so that the HDF5 error stack read after a failure is its own.
var h5mu sync.Mutex

func lock() {
	h5mu.Lock()
	runtime.LockOSThread()
	C.nd_silence()
}

func unlock() {
	runtime.UnlockOSThread()
	h5mu.Unlock()
}

// h5handle holds the gonum object behind a File, Group or Dataset.
type h5handle struct {
	file *hdf5.File
	grp  *hdf5.Group
	ds   *hdf5.Dataset
}

func (h *h5handle) id() C.hid_t {
	switch {
	case h.ds != nil:
		return C.hid_t(h.ds.ID())
	case h.grp != nil:
		return C.hid_t(h.grp.ID())
	case h.file != nil:
		return C.hid_t(h.file.ID())
	}
	return -1
}

var errClosed = errors.New("object is closed")

// h5err turns a failed libhdf5 call into an error carrying the innermost
// message of the HDF5 error stack. It must be called with the lock held.
func h5err(what string) error {
	var buf [640]C.char
	C.nd_errmsg(&buf[0], C.size_t(len(buf)))
	return errors.New(what + ": " + C.GoString(&buf[0]))
}

// gerr combines a gonum error with the HDF5 error stack.
func gerr(what string, err error) error {
	if err == nil {
		return nil
	}
	return h5err(what)
}

func cstr(s string) (*C.char, func()) {
	p := C.CString(s)
	return p, func() { C.free(unsafe.Pointer(p)) }
}

func h5CreateFile(path string) (h5handle, h5handle, error) {
	lock()
	defer unlock()
	f, err := hdf5.CreateFile(path, hdf5.F_ACC_EXCL)
	if err != nil {
		return h5handle{}, h5handle{}, gerr("H5Fcreate", err)
	}
	g, err := f.OpenGroup("/")
	if err != nil {
		e := gerr("open root group", err)
		f.Close()
		return h5handle{}, h5handle{}, e
	}
	return h5handle{file: f}, h5handle{grp: g}, nil
}

func h5OpenFile(path string) (h5handle, h5handle, error) {
	lock()
	defer unlock()
	f, err := hdf5.OpenFile(path, hdf5.F_ACC_RDONLY)
	if err != nil {
		return h5handle{}, h5handle{}, gerr("H5Fopen", err)
	}
	g, err := f.OpenGroup("/")
	if err != nil {
		e := gerr("open root group", err)
		f.Close()
		return h5handle{}, h5handle{}, e
	}
	return h5handle{file: f}, h5handle{grp: g}, nil
}

func h5CloseFile(h *h5handle) error {
	lock()
	defer unlock()
	if h.file == nil {
		return nil
	}
	err := h.file.Close()
	h.file = nil
	return gerr("H5Fclose", err)
}

func h5Flush(h *h5handle) error {
	lock()
	defer unlock()
	if h.file == nil {
		return errClosed
	}
	return gerr("H5Fflush", h.file.Flush(hdf5.F_SCOPE_LOCAL))
}

func h5CloseObj(h *h5handle) error {
	lock()
	defer unlock()
	var err error
	switch {
	case h.ds != nil:
		err = gerr("H5Dclose", h.ds.Close())
		h.ds = nil
	case h.grp != nil:
		err = gerr("H5Gclose", h.grp.Close())
		h.grp = nil
	}
	return err
}

func h5CreateGroup(loc *h5handle, name string) (h5handle, error) {
	lock()
	defer unlock()
	if loc.grp == nil {
		return h5handle{}, errClosed
	}
	g, err := loc.grp.CreateGroup(name)
	if err != nil {
		return h5handle{}, gerr("H5Gcreate", err)
	}
	return h5handle{grp: g}, nil
}

func h5OpenGroup(loc *h5handle, name string) (h5handle, error) {
	lock()
	defer unlock()
	if loc.grp == nil {
		return h5handle{}, errClosed
	}
	g, err := loc.grp.OpenGroup(name)
	if err != nil {
		return h5handle{}, gerr("H5Gopen", err)
	}
	return h5handle{grp: g}, nil
}

func h5Exists(loc *h5handle, name string) bool {
	lock()
	defer unlock()
	if loc.grp == nil {
		return false
	}
	ok := loc.grp.LinkExists(name)
	C.H5Eclear2(C.H5E_DEFAULT)
	return ok
}

func h5Members(loc *h5handle) ([]Member, error) {
	lock()
	defer unlock()
	if loc.grp == nil {
		return nil, errClosed
	}
	n, err := loc.grp.NumObjects()
	if err != nil {
		return nil, gerr("H5Gget_info", err)
	}
	out := make([]Member, 0, n)
	for i := uint(0); i < n; i++ {
		name, err := loc.grp.ObjectNameByIndex(i)
		if err != nil {
			return nil, gerr("H5Lget_name_by_idx", err)
		}
		k := KindOther
		switch t, _ := loc.grp.ObjectTypeByIndex(i); t {
		case hdf5.H5G_GROUP:
			k = KindGroup
		case hdf5.H5G_DATASET:
			k = KindDataset
		}
		out = append(out, Member{Name: name, Kind: k})
	}
	return out, nil
}

func fileType(dt DType) *hdf5.Datatype {
	switch dt {
	case Int8:
		return hdf5.T_STD_I8LE
	case Uint8:
		return hdf5.T_STD_U8LE
	case Int16:
		return hdf5.T_STD_I16LE
	case Uint16:
		return hdf5.T_STD_U16LE
	case Int32:
		return hdf5.T_STD_I32LE
	case Uint32:
		return hdf5.T_STD_U32LE
	case Int64:
		return hdf5.T_STD_I64LE
	case Uint64:
		return hdf5.T_STD_U64LE
	case Float32:
		return hdf5.T_IEEE_F32LE
	case Float64:
		return hdf5.T_IEEE_F64LE
	}
	panic("export: no HDF5 file type for " + dt.String())
}

func toUint(v []int, unlimited bool) []uint {
	if v == nil {
		return nil
	}
	out := make([]uint, len(v))
	for i, x := range v {
		if unlimited && x == Unlimited {
			out[i] = ^uint(0) // H5S_UNLIMITED
		} else {
			out[i] = uint(x)
		}
	}
	return out
}

func h5CreateDataset(loc *h5handle, name string, dt DType, l layout) (h5handle, error) {
	lock()
	defer unlock()
	if loc.grp == nil {
		return h5handle{}, errClosed
	}
	var space *hdf5.Dataspace
	var err error
	if len(l.dims) == 0 {
		space, err = hdf5.CreateDataspace(hdf5.S_SCALAR)
	} else {
		space, err = hdf5.CreateSimpleDataspace(toUint(l.dims, false), toUint(l.maxdims, true))
	}
	if err != nil {
		return h5handle{}, gerr("H5Screate", err)
	}
	defer space.Close()
	dcpl, err := hdf5.NewPropList(hdf5.P_DATASET_CREATE)
	if err != nil {
		return h5handle{}, gerr("H5Pcreate", err)
	}
	defer dcpl.Close()
	if l.chunk != nil {
		if err := dcpl.SetChunk(toUint(l.chunk, false)); err != nil {
			return h5handle{}, gerr("H5Pset_chunk", err)
		}
		if l.shuffle && C.H5Pset_shuffle(C.hid_t(dcpl.ID())) < 0 {
			return h5handle{}, h5err("H5Pset_shuffle")
		}
		if l.deflate > 0 {
			if err := dcpl.SetDeflate(l.deflate); err != nil {
				return h5handle{}, gerr("H5Pset_deflate", err)
			}
		}
	}
	ds, err := loc.grp.CreateDatasetWith(name, fileType(dt), space, dcpl)
	if err != nil {
		return h5handle{}, gerr("H5Dcreate", err)
	}
	return h5handle{ds: ds}, nil
}

func h5OpenDataset(loc *h5handle, name string) (h5handle, error) {
	lock()
	defer unlock()
	if loc.grp == nil {
		return h5handle{}, errClosed
	}
	ds, err := loc.grp.OpenDataset(name)
	if err != nil {
		return h5handle{}, gerr("H5Dopen", err)
	}
	return h5handle{ds: ds}, nil
}

func h5DatasetInfo(h *h5handle) (Info, error) {
	lock()
	defer unlock()
	if h.ds == nil {
		return Info{}, errClosed
	}
	var dtype, rank, deflate, shuffle C.int
	var dims, maxdims, chunk [C.ND_MAX_RANK]C.longlong
	if C.nd_dset_info(h.id(), &dtype, &rank, &dims[0], &maxdims[0], &chunk[0], &deflate, &shuffle) < 0 {
		return Info{}, h5err("inspect dataset")
	}
	info := Info{DType: DType(dtype), Deflate: int(deflate), Shuffle: shuffle != 0}
	info.Shape = make([]int, rank)
	info.MaxShape = make([]int, rank)
	for i := 0; i < int(rank); i++ {
		info.Shape[i] = int(dims[i])
		info.MaxShape[i] = int(maxdims[i])
	}
	if chunk[0] > 0 {
		info.Chunk = make([]int, rank)
		for i := 0; i < int(rank); i++ {
			info.Chunk[i] = int(chunk[i])
		}
	}
	return info, nil
}

func h5DatasetExtend(h *h5handle, dims []int) error {
	lock()
	defer unlock()
	if h.ds == nil {
		return errClosed
	}
	d := make([]C.ulonglong, len(dims)+1)
	for i, x := range dims {
		d[i] = C.ulonglong(x)
	}
	if C.nd_set_extent(h.id(), C.int(len(dims)), &d[0]) < 0 {
		return h5err("H5Dset_extent")
	}
	return nil
}

func h5DatasetIO(h *h5handle, dt DType, write bool, ptr unsafe.Pointer, offset, count []int) error {
	if len(offset) > C.ND_MAX_RANK {
		return errors.New("rank above 32")
	}
	lock()
	defer unlock()
	if h.ds == nil {
		return errClosed
	}
	var off, cnt [C.ND_MAX_RANK]C.longlong
	for i := range offset {
		off[i], cnt[i] = C.longlong(offset[i]), C.longlong(count[i])
	}
	w := C.int(0)
	if write {
		w = 1
	}
	if C.nd_dset_io(h.id(), C.int(dt), w, ptr, C.int(len(offset)), &off[0], &cnt[0]) < 0 {
		if write {
			return h5err("H5Dwrite")
		}
		return h5err("H5Dread")
	}
	return nil
}

// cStrings copies s into a C array of C strings; free releases it.
func cStrings(s []string) (**C.char, func()) {
	n := max(len(s), 1)
	arr := (*[1 << 28]*C.char)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(uintptr(0)))))[:n:n]
	for i, v := range s {
		arr[i] = C.CString(v)
	}
	return &arr[0], func() {
		for i := range s {
			C.free(unsafe.Pointer(arr[i]))
		}
		C.free(unsafe.Pointer(&arr[0]))
	}
}

// goStrings converts and frees a C array of n malloc'ed C strings.
func goStrings(arr **C.char, n C.longlong) []string {
	if arr == nil {
		return nil
	}
	s := unsafe.Slice(arr, int(n))
	out := make([]string, n)
	for i, p := range s {
		out[i] = C.GoString(p)
		C.free(unsafe.Pointer(p))
	}
	C.free(unsafe.Pointer(arr))
	return out
}

func h5WriteStringDataset(loc *h5handle, name string, values []string) error {
	lock()
	defer unlock()
	if loc.grp == nil {
		return errClosed
	}
	cn, free := cstr(name)
	defer free()
	arr, freeArr := cStrings(values)
	defer freeArr()
	if C.nd_write_strings(loc.id(), cn, 0, arr, C.ulonglong(len(values)), 0) < 0 {
		return h5err("write strings")
	}
	return nil
}

func h5ReadStringDataset(h *h5handle) ([]string, error) {
	lock()
	defer unlock()
	if h.ds == nil {
		return nil, errClosed
	}
	var arr **C.char
	n := C.nd_read_strings(h.id(), nil, &arr)
	if n < 0 {
		return nil, h5err("read strings")
	}
	return goStrings(arr, n), nil
}

func h5AttrWrite(h *h5handle, name string, dt DType, ptr unsafe.Pointer, dims []int) error {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	rank, n := C.int(0), C.ulonglong(1)
	if dims != nil {
		rank, n = 1, C.ulonglong(dims[0])
	}
	if C.nd_attr_write(h.id(), cn, C.int(dt), ptr, rank, n) < 0 {
		return h5err("H5Awrite")
	}
	return nil
}

func h5AttrRead(h *h5handle, name string, dt DType, ptr unsafe.Pointer, n int) error {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	if C.nd_attr_read(h.id(), cn, C.int(dt), ptr) < 0 {
		return h5err("H5Aread")
	}
	return nil
}

func h5AttrInfo(h *h5handle, name string) (DType, []int, error) {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	var dtype, rank C.int
	var dims [C.ND_MAX_RANK]C.longlong
	if C.nd_attr_info(h.id(), cn, &dtype, &rank, &dims[0]) < 0 {
		return Invalid, nil, h5err("H5Aopen")
	}
	var d []int
	if rank > 0 {
		d = make([]int, rank)
		for i := range d {
			d[i] = int(dims[i])
		}
	}
	return DType(dtype), d, nil
}

func h5AttrWriteStrings(h *h5handle, name string, vals []string, scalar bool) error {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	arr, freeArr := cStrings(vals)
	defer freeArr()
	sc := C.int(0)
	if scalar {
		sc = 1
	}
	if C.nd_write_strings(h.id(), cn, 1, arr, C.ulonglong(len(vals)), sc) < 0 {
		return h5err("write string attribute")
	}
	return nil
}

func h5AttrReadStrings(h *h5handle, name string) ([]string, error) {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	var arr **C.char
	n := C.nd_read_strings(h.id(), cn, &arr)
	if n < 0 {
		return nil, h5err("read string attribute")
	}
	return goStrings(arr, n), nil
}

func h5AttrWriteEnum(h *h5handle, name string, e EnumType, value int64) error {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	names := make([]string, len(e))
	vals := make([]C.longlong, len(e))
	for i, m := range e {
		names[i], vals[i] = m.Name, C.longlong(m.Value)
	}
	arr, freeArr := cStrings(names)
	defer freeArr()
	if C.nd_attr_write_enum(h.id(), cn, C.int(e.base()), C.int(len(e)), arr, &vals[0], C.longlong(value)) < 0 {
		return h5err("write enum attribute")
	}
	return nil
}

func h5AttrReadEnum(h *h5handle, name string) (EnumType, int64, error) {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	var arr **C.char
	var vals *C.longlong
	var value C.longlong
	n := C.nd_attr_read_enum(h.id(), cn, &arr, &vals, &value)
	if n < 0 {
		return nil, 0, h5err("read enum attribute")
	}
	names := goStrings(arr, C.longlong(n))
	v := unsafe.Slice(vals, int(n))
	e := make(EnumType, n)
	for i := range e {
		e[i] = EnumMember{Name: names[i], Value: int64(v[i])}
	}
	C.free(unsafe.Pointer(vals))
	return e, int64(value), nil
}

func h5AttrExists(h *h5handle, name string) bool {
	lock()
	defer unlock()
	cn, free := cstr(name)
	defer free()
	ok := C.H5Aexists(h.id(), cn) > 0
	C.H5Eclear2(C.H5E_DEFAULT)
	return ok
}

func h5AttrNames(h *h5handle) ([]string, error) {
	lock()
	defer unlock()
	var arr **C.char
	n := C.nd_attr_names(h.id(), &arr)
	if n < 0 {
		return nil, h5err("H5Aiterate")
	}
	return goStrings(arr, n), nil
}

// HDF5Version returns the version of the linked libhdf5 ("1.10.8"), or ""
// when neurodyn was built without HDF5.
func HDF5Version() string {
	lock()
	defer unlock()
	v, err := hdf5.LibVersion()
	if err != nil {
		return ""
	}
	return v.String()
}
