package export

import "fmt"

// Elem is the set of element types the typed dataset and attribute helpers
// read and write. Each maps to the little-endian HDF5 type NumPy names the
// same way (float32 ↔ "<f4", uint64 ↔ "<u8", ...).
type Elem interface {
	int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32 | float64
}

// DType names the element type of a dataset or attribute.
type DType int

// The element types. Invalid is the zero value; String and Enum describe
// string and enumeration attributes or datasets; Other is any HDF5 type this
// package does not convert (compound, reference, ...).
const (
	Invalid DType = iota
	Int8
	Uint8
	Int16
	Uint16
	Int32
	Uint32
	Int64
	Uint64
	Float32
	Float64
	String
	Enum
	Other
)

var dtypeNames = [...]string{"invalid", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
	"float32", "float64", "string", "enum", "other"}

// String returns the NumPy-style name of t ("float32", "uint64", "string").
func (t DType) String() string {
	if t < 0 || int(t) >= len(dtypeNames) {
		return fmt.Sprintf("DType(%d)", int(t))
	}
	return dtypeNames[t]
}

// Size returns the size in bytes of one element of a numeric type, 0 otherwise.
func (t DType) Size() int {
	switch t {
	case Int8, Uint8:
		return 1
	case Int16, Uint16:
		return 2
	case Int32, Uint32, Float32:
		return 4
	case Int64, Uint64, Float64:
		return 8
	}
	return 0
}

// Numeric reports whether t is one of the Elem types.
func (t DType) Numeric() bool { return t.Size() > 0 }

// DTypeOf returns the DType of the element type T.
func DTypeOf[T Elem]() DType {
	var z T
	switch any(z).(type) {
	case int8:
		return Int8
	case uint8:
		return Uint8
	case int16:
		return Int16
	case uint16:
		return Uint16
	case int32:
		return Int32
	case uint32:
		return Uint32
	case int64:
		return Int64
	case uint64:
		return Uint64
	case float32:
		return Float32
	case float64:
		return Float64
	}
	panic("export: unreachable element type")
}

// numElems returns the product of shape, or an error naming the parameter
// if a dimension is negative.
func numElems(name string, shape []int) (int, error) {
	n := 1
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("export: %s[%d] = %d: must be >= 0", name, i, d)
		}
		n *= d
	}
	return n, nil
}

// Float64s returns a slice of any Elem type (as ReadNPY, ReadArrays and the
// SONATA column readers give them) as a new []float64, and ok = false for
// anything else.
func Float64s(data any) (out []float64, ok bool) {
	switch d := data.(type) {
	case []float64:
		return append([]float64(nil), d...), true
	case []float32:
		return widen(d), true
	case []int8:
		return widen(d), true
	case []uint8:
		return widen(d), true
	case []int16:
		return widen(d), true
	case []uint16:
		return widen(d), true
	case []int32:
		return widen(d), true
	case []uint32:
		return widen(d), true
	case []int64:
		return widen(d), true
	case []uint64:
		return widen(d), true
	}
	return nil, false
}

func widen[T Elem](d []T) []float64 {
	out := make([]float64, len(d))
	for i, v := range d {
		out[i] = float64(v)
	}
	return out
}
