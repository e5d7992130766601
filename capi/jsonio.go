//go:build cgo

package main

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/internal/strictdec"
)

// decodeConfig decodes a JSON configuration into v strictly
// (strictdec.JSON): keys are the Go field names spelled exactly, each given
// once; unknown, misspelt or repeated keys and trailing data are
// NEURODYN_ERR_INVALID errors naming the argument and the key (with the
// allowed keys). An empty text leaves v unchanged.
func decodeConfig(arg, text string, v any) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if err := strictdec.JSON(configPkg(v), arg, []byte(text), v); err != nil {
		return invalid(err)
	}
	return nil
}

// configPkg names the package of the configuration v points to (ctrnn,
// learn, ...) for decodeConfig's messages; the C API's own types are capi's.
func configPkg(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	p := t.PkgPath()
	if p == "" || p == "main" {
		return "capi"
	}
	return path.Base(p)
}

// encodeJSON writes v as JSON like encoding/json (exported fields, json tags,
// TextMarshalers), except that non-finite floats become the tokens NaN,
// Infinity and -Infinity, which Python's json module reads, integer
// enumerations with a String method are written by name, complex numbers as
// [re, im], and functions and channels are skipped.
func encodeJSON(v any) string {
	var b bytes.Buffer
	writeJSON(&b, reflect.ValueOf(v))
	return b.String()
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

func writeJSON(b *bytes.Buffer, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("null")
		return
	}
	if v.Type() == reflect.TypeFor[time.Duration]() {
		b.WriteString(strconv.FormatInt(v.Int(), 10))
		return
	}
	if v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && v.CanInterface() && v.Type().Implements(textMarshaler) {
		t, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			t = []byte(err.Error())
		}
		writeString(b, string(t))
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		writeJSON(b, v.Elem())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if st, ok := asStringer(v); ok {
			writeString(b, st.String()) // an enumeration: by name
			return
		}
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		b.WriteByte('[')
		writeJSON(b, reflect.ValueOf(real(c)))
		b.WriteByte(',')
		writeJSON(b, reflect.ValueOf(imag(c)))
		b.WriteByte(']')
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		switch {
		case math.IsNaN(f):
			b.WriteString("NaN")
		case math.IsInf(f, 1):
			b.WriteString("Infinity")
		case math.IsInf(f, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(strconv.FormatFloat(f, 'g', -1, bits))
		}
	case reflect.String:
		writeString(b, v.String())
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, v.Index(i))
		}
		b.WriteByte(']')
	case reflect.Map:
		b.WriteByte('{')
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = fmt.Sprint(k.Interface())
		}
		order := make([]int, len(keys))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return names[order[a]] < names[order[b]] })
		for n, i := range order {
			if n > 0 {
				b.WriteByte(',')
			}
			writeString(b, names[i])
			b.WriteByte(':')
			writeJSON(b, v.MapIndex(keys[i]))
		}
		b.WriteByte('}')
	case reflect.Struct:
		b.WriteByte('{')
		first := true
		writeFields(b, v, &first)
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
}

// jsonField is one field of a struct as encoding/json sees it.
type jsonField struct {
	name string
	v    reflect.Value
}

// jsonFields lists the fields of struct v as encoding/json encodes them: the
// fields of embedded structs without a json name are promoted, and a name
// defined at a shallower depth hides the deeper ones.
func jsonFields(v reflect.Value) []jsonField {
	var out []jsonField
	seen := map[string]bool{}
	level := []reflect.Value{v}
	for len(level) > 0 {
		var next []reflect.Value
		var found []jsonField
		for _, sv := range level {
			t := sv.Type()
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				name, tagged := f.Name, false
				if tag, ok := f.Tag.Lookup("json"); ok {
					n, _, _ := strings.Cut(tag, ",")
					if n == "-" {
						continue
					}
					if n != "" {
						name, tagged = n, true
					}
				}
				fv := sv.Field(i)
				if f.Anonymous && !tagged {
					if fv.Kind() == reflect.Pointer {
						if fv.IsNil() {
							continue
						}
						fv = fv.Elem()
					}
					if fv.Kind() == reflect.Struct {
						next = append(next, fv)
						continue
					}
				}
				if !f.IsExported() {
					continue
				}
				if k := f.Type.Kind(); k == reflect.Func || k == reflect.Chan || k == reflect.UnsafePointer {
					continue
				}
				found = append(found, jsonField{name, fv})
			}
		}
		for _, f := range found {
			if !seen[f.name] {
				out = append(out, f)
			}
		}
		for _, f := range found {
			seen[f.name] = true
		}
		level = next
	}
	return out
}

// writeFields writes the fields of struct v (jsonFields).
func writeFields(b *bytes.Buffer, v reflect.Value, first *bool) {
	for _, f := range jsonFields(v) {
		if !*first {
			b.WriteByte(',')
		}
		*first = false
		writeString(b, f.name)
		b.WriteByte(':')
		writeJSON(b, f.v)
	}
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}

// asStringer returns v as a fmt.Stringer if it is a named integer type (an
// enumeration) with a String method.
func asStringer(v reflect.Value) (fmt.Stringer, bool) {
	if !v.CanInterface() || v.Type().PkgPath() == "" {
		return nil, false
	}
	st, ok := v.Interface().(fmt.Stringer)
	return st, ok
}
