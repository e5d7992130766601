package export

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
)

// NPZArray is one named array of a NumPy .npz archive: flat row-major Data
// (a []int8 ... []float64 slice, see Elem) with its Shape. An empty (non-nil)
// Shape with one element is a 0-d array, like np.float64(0.01) saved by
// np.savez.
type NPZArray struct {
	Name  string
	Shape []int
	Data  any
}

// NewNPZArray returns the array name holding data with the given shape
// (none: 1-D of len(data); []int{} or a scalar shape for 0-d).
func NewNPZArray[T Elem](name string, data []T, shape ...int) NPZArray {
	if shape == nil {
		shape = []int{len(data)}
	}
	return NPZArray{Name: name, Shape: shape, Data: data}
}

// NPZScalar returns the 0-d array name holding v.
func NPZScalar[T Elem](name string, v T) NPZArray {
	return NPZArray{Name: name, Shape: []int{}, Data: []T{v}}
}

// NPZData returns the data of a as []T, or an error naming the array if its
// element type is not T.
func NPZData[T Elem](a NPZArray) ([]T, error) {
	d, ok := a.Data.([]T)
	if !ok {
		return nil, fmt.Errorf("export: npz array %q holds %T, not %s", a.Name, a.Data, DTypeOf[T]())
	}
	return d, nil
}

func (a NPZArray) validate() error {
	if a.Name == "" || strings.ContainsAny(a.Name, "/\\") {
		return fmt.Errorf("export: npz array name %q: must be non-empty and contain no path separator", a.Name)
	}
	n, err := numElems(a.Name+" shape", a.Shape)
	if err != nil {
		return err
	}
	rv := reflect.ValueOf(a.Data)
	if !rv.IsValid() || rv.Kind() != reflect.Slice {
		return fmt.Errorf("export: npz array %q: Data is %T: must be a slice of a numeric type", a.Name, a.Data)
	}
	switch a.Data.(type) {
	case []int8, []uint8, []int16, []uint16, []int32, []uint32, []int64, []uint64, []float32, []float64:
	default:
		return fmt.Errorf("export: npz array %q: Data is %T: must be []int8..[]uint64, []float32 or []float64",
			a.Name, a.Data)
	}
	if rv.Len() != n {
		return fmt.Errorf("export: npz array %q: len(Data) = %d: must equal the product of Shape %v = %d",
			a.Name, rv.Len(), a.Shape, n)
	}
	return nil
}

// npyValue turns flat data and a shape into what npyio writes with that
// shape: the element itself for 0-d, the slice for 1-D, nested slices
// (sharing the flat data) above.
func npyValue(data reflect.Value, shape []int) reflect.Value {
	switch len(shape) {
	case 0:
		return data.Index(0)
	case 1:
		return data
	}
	inner := 1
	for _, d := range shape[1:] {
		inner *= d
	}
	first := npyValue(data.Slice(0, min(inner, data.Len())), shape[1:])
	out := reflect.MakeSlice(reflect.SliceOf(first.Type()), shape[0], shape[0])
	for i := 0; i < shape[0]; i++ {
		out.Index(i).Set(npyValue(data.Slice(i*inner, (i+1)*inner), shape[1:]))
	}
	return out
}

// WriteNPZ writes arrays to the .npz archive path exactly as np.savez does:
// one uncompressed (stored) member "<name>.npy" per array, in the given
// order, little-endian, C order. Like Create, it writes under a temporary
// name, renames when complete and does not replace an existing file unless
// Overwrite is given. WithProvenance writes the provenance as JSON to
// path+".provenance.json" (an .npz has no attributes, and extra keys would
// change what np.load returns).
func WriteNPZ(path string, arrays []NPZArray, opts ...Option) (err error) {
	o, err := applyOptions(opts)
	if err != nil {
		return err
	}
	if err := validateNPZ(arrays); err != nil {
		return err
	}
	tmp, err := prepareTarget(path, o.overwrite)
	if err != nil {
		return err
	}
	fh, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("export: create %s: %w", tmp, err)
	}
	defer func() {
		if err != nil {
			fh.Close()
			os.Remove(tmp)
		}
	}()
	if err := encodeNPZ(fh, arrays); err != nil {
		return fmt.Errorf("export: %s: %w", tmp, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("export: close %s: %w", tmp, err)
	}
	if o.provenance != nil {
		js, err := json.MarshalIndent(o.provenance, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(path+".provenance.json", append(js, '\n'), 0o644); err != nil {
			return fmt.Errorf("export: write provenance sidecar: %w", err)
		}
	}
	return publish(tmp, path, o.overwrite)
}

// EncodeNPZ writes arrays as an .npz archive to w, the bytes WriteNPZ
// writes to its file (np.savez's layout: one stored member "<name>.npy" per
// array, in order); an error for an invalid array or a name given twice,
// before anything is written. For an archive in memory, a network stream or
// a file the caller manages; WriteNPZ adds the atomic publication and the
// provenance sidecar.
func EncodeNPZ(w io.Writer, arrays []NPZArray) error {
	if err := validateNPZ(arrays); err != nil {
		return err
	}
	if err := encodeNPZ(w, arrays); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// validateNPZ checks every array and that no name repeats.
func validateNPZ(arrays []NPZArray) error {
	seen := map[string]bool{}
	for _, a := range arrays {
		if err := a.validate(); err != nil {
			return err
		}
		if seen[a.Name] {
			return fmt.Errorf("export: npz array name %q appears twice: names must be unique", a.Name)
		}
		seen[a.Name] = true
	}
	return nil
}

// encodeNPZ writes the archive of validated arrays to w.
func encodeNPZ(w io.Writer, arrays []NPZArray) error {
	zw := zip.NewWriter(w)
	for _, a := range arrays {
		mw, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store})
		if err != nil {
			return fmt.Errorf("npz member %s: %w", a.Name, err)
		}
		if reflect.ValueOf(a.Data).Len() == 0 {
			err = writeEmptyNPY(mw, a)
		} else {
			err = npy.Write(mw, npyValue(reflect.ValueOf(a.Data), a.Shape).Interface())
		}
		if err != nil {
			return fmt.Errorf("write npz member %s: %w", a.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish the npz archive: %w", err)
	}
	return nil
}

// writeEmptyNPY writes the header of a zero-element array (npyio writes
// those with shape ()); there is no data to follow.
func writeEmptyNPY(w io.Writer, a NPZArray) error {
	descr := map[string]string{"int8": "|i1", "uint8": "|u1", "int16": "<i2", "uint16": "<u2", "int32": "<i4",
		"uint32": "<u4", "int64": "<i8", "uint64": "<u8", "float32": "<f4", "float64": "<f8"}
	dt := strings.TrimPrefix(fmt.Sprintf("%T", a.Data), "[]")
	shape := "("
	for i, d := range a.Shape {
		if i > 0 {
			shape += ", "
		}
		shape += fmt.Sprint(d)
	}
	if len(a.Shape) == 1 {
		shape += ","
	}
	shape += ")"
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr[dt], shape)
	// Version 1.0: magic (6), version (2), header length (2), header padded
	// with spaces and a newline to a multiple of 64 bytes.
	total := 10 + len(hdr) + 1
	pad := (64 - total%64) % 64
	hdr += strings.Repeat(" ", pad) + "\n"
	buf := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	_, err := w.Write(append(buf, hdr...))
	return err
}

// npyDType maps a NumPy descr ('<f8', '|u1', ...) to a DType.
func npyDType(descr string) (DType, error) {
	descr = strings.Trim(descr, "'\"")
	if len(descr) == 3 && (descr[0] == '<' || descr[0] == '|' || descr[0] == '=') {
		switch descr[1:] {
		case "i1":
			return Int8, nil
		case "u1", "b1":
			return Uint8, nil
		case "i2":
			return Int16, nil
		case "u2":
			return Uint16, nil
		case "i4":
			return Int32, nil
		case "u4":
			return Uint32, nil
		case "i8":
			return Int64, nil
		case "u8":
			return Uint64, nil
		case "f4":
			return Float32, nil
		case "f8":
			return Float64, nil
		}
	}
	return Invalid, fmt.Errorf("NumPy type %q is not supported (want little-endian int8..uint64, float32, float64 or bool)", descr)
}

// readNPY reads one .npy stream of size bytes (header included). A header
// whose shape declares more data than that is damaged, and is reported
// before anything is allocated for it; a panic of the .npy decoder on a
// damaged header is reported as an error too.
func readNPY(r io.Reader, size uint64) (a NPZArray, err error) {
	defer func() {
		if p := recover(); p != nil {
			a, err = NPZArray{}, fmt.Errorf("damaged .npy data: %v", p)
		}
	}()
	rd, err := npy.NewReader(r)
	if err != nil {
		return NPZArray{}, err
	}
	hdr := rd.Header.Descr
	dt, err := npyDType(hdr.Type)
	if err != nil {
		return NPZArray{}, err
	}
	bytes := float64(max(dt.Size(), 1))
	for _, d := range hdr.Shape {
		bytes *= float64(max(d, 0))
	}
	if bytes > float64(size) {
		return NPZArray{}, fmt.Errorf("damaged .npy data: the header's shape %v of %s declares %.4g bytes, the data holds at most %d", hdr.Shape, dt, bytes, size)
	}
	shape := append([]int{}, hdr.Shape...)
	var data any
	switch dt {
	case Int8:
		data, err = readNPYData[int8](rd)
	case Uint8:
		if strings.HasSuffix(strings.Trim(hdr.Type, "'\""), "b1") {
			var b []bool
			if err = rd.Read(&b); err == nil {
				u := make([]uint8, len(b))
				for i, v := range b {
					if v {
						u[i] = 1
					}
				}
				data = u
			}
		} else {
			data, err = readNPYData[uint8](rd)
		}
	case Int16:
		data, err = readNPYData[int16](rd)
	case Uint16:
		data, err = readNPYData[uint16](rd)
	case Int32:
		data, err = readNPYData[int32](rd)
	case Uint32:
		data, err = readNPYData[uint32](rd)
	case Int64:
		data, err = readNPYData[int64](rd)
	case Uint64:
		data, err = readNPYData[uint64](rd)
	case Float32:
		data, err = readNPYData[float32](rd)
	case Float64:
		data, err = readNPYData[float64](rd)
	}
	if err != nil {
		return NPZArray{}, err
	}
	out := NPZArray{Shape: shape, Data: data}
	if hdr.Fortran && len(shape) > 1 {
		out.Data = fortranToC(reflect.ValueOf(data), shape).Interface()
	}
	return out, nil
}

func readNPYData[T Elem](rd *npy.Reader) ([]T, error) {
	if n, _ := numElems("shape", rd.Header.Descr.Shape); n == 0 {
		return []T{}, nil
	}
	var v []T
	err := rd.Read(&v)
	return v, err
}

// fortranToC reorders column-major data of the given shape to row-major.
func fortranToC(data reflect.Value, shape []int) reflect.Value {
	n := data.Len()
	out := reflect.MakeSlice(data.Type(), n, n)
	idx := make([]int, len(shape))
	for c := 0; c < n; c++ {
		// c is the row-major offset of idx; compute the column-major one.
		f, stride := 0, 1
		for k := 0; k < len(shape); k++ {
			f += idx[k] * stride
			stride *= shape[k]
		}
		out.Index(c).Set(data.Index(f))
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// ReadNPZ reads every array of an .npz archive in archive order; names lose
// their ".npy" suffix as with np.load.
func ReadNPZ(path string) ([]NPZArray, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("export: open %s: %w", path, err)
	}
	defer zr.Close()
	return decodeNPZ(&zr.Reader, path)
}

// DecodeNPZ reads every array of the .npz archive r holds, as ReadNPZ reads
// a file's. A zip archive is read from its end (its directory): r is read
// in place when it is an io.ReaderAt and an io.Seeker (an *os.File, a
// *bytes.Reader; the archive then starts at offset 0 and r's offset is
// left as it was), else read into memory first.
func DecodeNPZ(r io.Reader) ([]NPZArray, error) {
	ra, ok := r.(io.ReaderAt)
	sk, seeks := r.(io.Seeker)
	var size int64
	if ok && seeks {
		at, err := sk.Seek(0, io.SeekCurrent)
		if err == nil {
			size, err = sk.Seek(0, io.SeekEnd)
		}
		if err == nil {
			_, err = sk.Seek(at, io.SeekStart) // leave r where it was
		}
		if err != nil {
			return nil, fmt.Errorf("export: npz: %w", err)
		}
	} else {
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("export: npz: %w", err)
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("export: npz: %w", err)
	}
	return decodeNPZ(zr, "npz")
}

// decodeNPZ reads the members of zr (what names the archive in errors).
func decodeNPZ(zr *zip.Reader, path string) ([]NPZArray, error) {
	var out []NPZArray
	for _, f := range zr.File {
		a, err := decodeMember(f, path)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// decodeMember reads one member of an .npz archive (path names the archive
// in errors), its CRC-32 checked.
func decodeMember(f *zip.File, path string) (NPZArray, error) {
	rc, err := f.Open()
	if err != nil {
		return NPZArray{}, fmt.Errorf("export: %s: member %s: %w", path, f.Name, err)
	}
	a, err := readNPY(rc, f.UncompressedSize64)
	if err == nil {
		// Reading the member to its end makes the zip reader check
		// its CRC-32: a damaged member is an error, not wrong data.
		_, err = io.Copy(io.Discard, rc)
	}
	rc.Close()
	if err != nil {
		return NPZArray{}, fmt.Errorf("export: %s: member %s: %w", path, f.Name, err)
	}
	a.Name = strings.TrimSuffix(f.Name, ".npy")
	return a, nil
}

// ReadNPZMember reads the one array named name (without ".npy") of the .npz
// archive at path, leaving the other members unread (ReadNPZ decompresses
// them all). A missing member is an error wrapping ErrNoMember.
func ReadNPZMember(path, name string) (NPZArray, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return NPZArray{}, fmt.Errorf("export: open %s: %w", path, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name+".npy" {
			return decodeMember(f, path)
		}
	}
	return NPZArray{}, fmt.Errorf("export: %s: member %s: %w", path, name, ErrNoMember)
}

// ErrNoMember is returned (wrapped) by ReadNPZMember for an archive
// without the member asked for.
var ErrNoMember = errors.New("export: no such member in the .npz archive")

// ReadNPY reads a single .npy file.
func ReadNPY(path string) (NPZArray, error) {
	fh, err := os.Open(path)
	if err != nil {
		return NPZArray{}, fmt.Errorf("export: open %s: %w", path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return NPZArray{}, fmt.Errorf("export: %s: %w", path, err)
	}
	a, err := readNPY(fh, uint64(st.Size()))
	if err != nil {
		return NPZArray{}, fmt.Errorf("export: read %s: %w", path, err)
	}
	a.Name = strings.TrimSuffix(fh.Name(), ".npy")
	return a, nil
}
