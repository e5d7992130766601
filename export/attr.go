package export

import (
	"fmt"
	"math"
)

func objCheck(o Object, what string) (*File, error) {
	var f *File
	switch v := o.(type) {
	case *File:
		if v != nil {
			f = v
		}
	case *Group:
		if v != nil {
			f = v.f
		}
	case *Dataset:
		if v != nil {
			if err := v.live(); err != nil {
				return nil, err
			}
			f = v.f
		}
	}
	if f == nil || f.closed {
		return nil, fmt.Errorf("export: %s: object is nil or its file is closed", what)
	}
	return f, nil
}

func attrWrite(o Object, name string) error {
	f, err := objCheck(o, "set attribute "+name)
	if err != nil {
		return err
	}
	if !f.writable {
		return fmt.Errorf("export: set attribute %s on %s: file %s is open read-only", name, o.ObjectName(), f.path)
	}
	if name == "" {
		return fmt.Errorf("export: attribute name is empty")
	}
	return nil
}

func attrErr(op string, o Object, name string, err error) error {
	return fmt.Errorf("export: %s attribute %s of %s: %w", op, name, o.ObjectName(), err)
}

// SetAttr writes the scalar attribute name = v on o, replacing an attribute
// of the same name.
func SetAttr[T Elem](o Object, name string, v T) error {
	if err := attrWrite(o, name); err != nil {
		return err
	}
	vs := []T{v}
	if err := h5AttrWrite(o.handle(), name, DTypeOf[T](), unsafeData(vs), nil); err != nil {
		return attrErr("set", o, name, err)
	}
	return nil
}

// SetAttrSlice writes the 1-D array attribute name = v on o.
func SetAttrSlice[T Elem](o Object, name string, v []T) error {
	if err := attrWrite(o, name); err != nil {
		return err
	}
	if err := h5AttrWrite(o.handle(), name, DTypeOf[T](), unsafeData(v), []int{len(v)}); err != nil {
		return attrErr("set", o, name, err)
	}
	return nil
}

// AttrInfo returns the element type and shape (nil for a scalar) of the
// attribute name of o.
func AttrInfo(o Object, name string) (DType, []int, error) {
	if _, err := objCheck(o, "inspect attribute "+name); err != nil {
		return Invalid, nil, err
	}
	dt, dims, err := h5AttrInfo(o.handle(), name)
	if err != nil {
		return Invalid, nil, attrErr("inspect", o, name, err)
	}
	return dt, dims, nil
}

// AttrSlice reads a numeric attribute of any shape (flattened), converting
// to T.
func AttrSlice[T Elem](o Object, name string) ([]T, error) {
	dt, dims, err := AttrInfo(o, name)
	if err != nil {
		return nil, err
	}
	if !dt.Numeric() {
		return nil, attrErr("read", o, name, fmt.Errorf("element type is %v, not numeric", dt))
	}
	n, _ := numElems("dims", dims)
	out := make([]T, n)
	if n == 0 {
		return out, nil
	}
	if err := h5AttrRead(o.handle(), name, DTypeOf[T](), unsafeData(out), n); err != nil {
		return nil, attrErr("read", o, name, err)
	}
	return out, nil
}

// Attr reads a scalar (or one-element) numeric attribute, converting to T.
func Attr[T Elem](o Object, name string) (T, error) {
	var z T
	v, err := AttrSlice[T](o, name)
	if err != nil {
		return z, err
	}
	if len(v) != 1 {
		return z, attrErr("read", o, name, fmt.Errorf("has %d elements: a scalar was expected", len(v)))
	}
	return v[0], nil
}

// SetStringAttr writes the scalar variable-length UTF-8 string attribute
// name = s on o (what h5py writes for attrs[name] = "...").
func SetStringAttr(o Object, name, s string) error {
	if err := attrWrite(o, name); err != nil {
		return err
	}
	if err := h5AttrWriteStrings(o.handle(), name, []string{s}, true); err != nil {
		return attrErr("set", o, name, err)
	}
	return nil
}

// SetStringsAttr writes a 1-D attribute of variable-length UTF-8 strings.
func SetStringsAttr(o Object, name string, s []string) error {
	if err := attrWrite(o, name); err != nil {
		return err
	}
	if err := h5AttrWriteStrings(o.handle(), name, s, false); err != nil {
		return attrErr("set", o, name, err)
	}
	return nil
}

// StringsAttr reads a string attribute (scalar or array, variable or fixed
// length).
func StringsAttr(o Object, name string) ([]string, error) {
	dt, _, err := AttrInfo(o, name)
	if err != nil {
		return nil, err
	}
	if dt != String {
		return nil, attrErr("read", o, name, fmt.Errorf("element type is %v, not string", dt))
	}
	s, err := h5AttrReadStrings(o.handle(), name)
	if err != nil {
		return nil, attrErr("read", o, name, err)
	}
	return s, nil
}

// StringAttr reads a scalar (or one-element) string attribute.
func StringAttr(o Object, name string) (string, error) {
	s, err := StringsAttr(o, name)
	if err != nil {
		return "", err
	}
	if len(s) != 1 {
		return "", attrErr("read", o, name, fmt.Errorf("has %d strings: one was expected", len(s)))
	}
	return s[0], nil
}

// EnumMember is one named value of an HDF5 enumeration.
type EnumMember struct {
	Name  string
	Value int64
}

// EnumType is an HDF5 enumeration: its members in order. The base integer
// type is the smallest of uint8, int8, int16, int32 and int64 that holds
// every value.
type EnumType []EnumMember

// Validate checks that e has members with distinct, non-empty names and
// distinct values.
func (e EnumType) Validate() error {
	if len(e) == 0 {
		return fmt.Errorf("export: enum type has no members: must have at least one")
	}
	names := map[string]bool{}
	vals := map[int64]bool{}
	for _, m := range e {
		if m.Name == "" || names[m.Name] {
			return fmt.Errorf("export: enum member name %q: must be non-empty and unique", m.Name)
		}
		if vals[m.Value] {
			return fmt.Errorf("export: enum member %s = %d: values must be unique", m.Name, m.Value)
		}
		names[m.Name], vals[m.Value] = true, true
	}
	return nil
}

// base returns the element type that holds every value of e.
func (e EnumType) base() DType {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, m := range e {
		lo, hi = min(lo, m.Value), max(hi, m.Value)
	}
	switch {
	case lo >= 0 && hi <= math.MaxUint8:
		return Uint8
	case lo >= math.MinInt8 && hi <= math.MaxInt8:
		return Int8
	case lo >= math.MinInt16 && hi <= math.MaxInt16:
		return Int16
	case lo >= math.MinInt32 && hi <= math.MaxInt32:
		return Int32
	}
	return Int64
}

// Value returns the value of the member called name.
func (e EnumType) Value(name string) (int64, bool) {
	for _, m := range e {
		if m.Name == name {
			return m.Value, true
		}
	}
	return 0, false
}

// Name returns the name of the member with value v.
func (e EnumType) Name(v int64) (string, bool) {
	for _, m := range e {
		if m.Value == v {
			return m.Name, true
		}
	}
	return "", false
}

// SetEnumAttr writes the scalar enumeration attribute name of type e with
// the member called value.
func SetEnumAttr(o Object, name string, e EnumType, value string) error {
	if err := attrWrite(o, name); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	v, ok := e.Value(value)
	if !ok {
		return attrErr("set", o, name, fmt.Errorf("value %q is not a member of the enum %v", value, e))
	}
	if err := h5AttrWriteEnum(o.handle(), name, e, v); err != nil {
		return attrErr("set", o, name, err)
	}
	return nil
}

// EnumAttr reads a scalar enumeration attribute: the name and value of the
// stored member and the enumeration type as stored in the file.
func EnumAttr(o Object, name string) (member string, value int64, e EnumType, err error) {
	dt, _, err := AttrInfo(o, name)
	if err != nil {
		return "", 0, nil, err
	}
	if dt != Enum {
		return "", 0, nil, attrErr("read", o, name, fmt.Errorf("element type is %v, not enum", dt))
	}
	e, value, err = h5AttrReadEnum(o.handle(), name)
	if err != nil {
		return "", 0, nil, attrErr("read", o, name, err)
	}
	member, ok := e.Name(value)
	if !ok {
		return "", value, e, attrErr("read", o, name, fmt.Errorf("stored value %d is not a member of %v", value, e))
	}
	return member, value, e, nil
}

// HasAttr reports whether o carries an attribute called name.
func HasAttr(o Object, name string) bool {
	if _, err := objCheck(o, "attribute"); err != nil {
		return false
	}
	return h5AttrExists(o.handle(), name)
}

// AttrNames lists the attributes of o in name order.
func AttrNames(o Object) ([]string, error) {
	if _, err := objCheck(o, "list attributes"); err != nil {
		return nil, err
	}
	n, err := h5AttrNames(o.handle())
	if err != nil {
		return nil, fmt.Errorf("export: list attributes of %s: %w", o.ObjectName(), err)
	}
	return n, nil
}
