package kernel

import "reflect"

// clone returns a deep copy of s: no slice or map of the copy shares
// memory with s, so that a caller changing its spec after New cannot reach
// the network (its series, parameters, fingerprint or provenance). nil
// stays nil and empty stays empty (encodings, the checkpoint fingerprint
// among them, tell them apart).
func (s Spec) clone() Spec {
	var c Spec
	deepCopy(reflect.ValueOf(&c).Elem(), reflect.ValueOf(s))
	return c
}

// deepCopy sets dst (settable, of src's type) to a copy of src that shares
// no memory with it: slices of plain values are copied in one piece, other
// slices, maps and structs element by element. Unexported struct fields
// are copied by value (the spec's types hold references only in exported
// fields; TestCloneShares checks it).
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		n := src.Len()
		s := reflect.MakeSlice(src.Type(), n, n)
		if plain(src.Type().Elem()) {
			reflect.Copy(s, src)
		} else {
			for i := range n {
				deepCopy(s.Index(i), src.Index(i))
			}
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		et := src.Type().Elem()
		for it := src.MapRange(); it.Next(); {
			v := reflect.New(et).Elem()
			deepCopy(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Struct:
		dst.Set(src)
		if plain(src.Type()) {
			return
		}
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}

// plain reports whether values of t hold no slice, map or pointer (copying
// one shares nothing).
func plain(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return false
	case reflect.Array:
		return plain(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !plain(t.Field(i).Type) {
				return false
			}
		}
	}
	return true
}
