// Package strictdec decodes the TOML and JSON texts users write (network
// specs, sweep specs, pipeline configs) by one set of rules, so that every
// decoder refuses the same mistakes with the same kind of message:
//
//   - TOML: a key path deeper than MaxDepth levels or longer than
//     MaxKeyBytes bytes is refused by a linear scan before the TOML library
//     runs (its cost grows with the depth of every key, so a 48 KB text of
//     nested inline tables took 25 s and 8 GB); keys the destination does
//     not have are reported as the first MaxUnknownKeys of them and their
//     count (*UnknownKeysError), and so are keys spelled with another case
//     than the destination's (the library matches them case-insensitively:
//     n = 400 then N = 500 set n to 500); a negative integer decoded into an
//     unsigned field (which the library wraps to 2^64 − n) is refused
//     naming the key.
//   - JSON: keys must match the destination's json names exactly (encoding/json
//     matches them case-insensitively), may appear once per object, and
//     nothing but white space may follow the value.
//
// Errors are *param.Error values (errors.Is(err, param.ErrInvalid)) of the
// caller's package, except the TOML library's own syntax and type errors,
// which TOML returns unchanged for the caller to place.
//
// It is internal: importable by every layer of the map in DEVELOPERS.md.
package strictdec

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/neurodyn/neurodyn/internal/param"
)

const (
	// MaxDepth is the deepest TOML key path accepted: the number of keys on
	// a value's path (table headers, dotted keys, inline tables) plus the
	// arrays that hold it; for JSON, the levels of objects and arrays.
	// Real specs and configs use fewer than 10.
	MaxDepth = 64
	// MaxKeyBytes is the longest TOML key path accepted, in bytes of its
	// keys (dots left out).
	MaxKeyBytes = 1024
	// MaxUnknownKeys is the number of unknown keys an *UnknownKeysError
	// lists.
	MaxUnknownKeys = 5
)

// UnknownKeysError reports keys of a TOML text that the destination does
// not have.
type UnknownKeysError struct {
	Pkg, What string
	Keys      []toml.Key // the first ones, in the order of the text (at most MaxUnknownKeys)
	Count     int        // how many there are
}

// List returns the keys as "a.b, c" with "and n more" when Count exceeds
// the keys listed.
func (e *UnknownKeysError) List() string {
	s := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		s[i] = k.String()
	}
	l := strings.Join(s, ", ")
	if e.Count > len(e.Keys) {
		l += fmt.Sprintf(" and %d more", e.Count-len(e.Keys))
	}
	return l
}

func (e *UnknownKeysError) Error() string {
	return param.New(e.Pkg, e.What+" key", e.List(), "a known key").Error()
}

// Unwrap returns param.ErrInvalid.
func (e *UnknownKeysError) Unwrap() error { return param.ErrInvalid }

// TOML decodes text into v (a pointer) after CheckTOML. It returns the
// library's error unchanged (a toml.ParseError or a type mismatch), an
// *UnknownKeysError when text has keys v does not have (TOML keys are
// case-sensitive: a key that matches a field's name only with another case,
// which the library decodes into that field, is one of them), and a
// *param.Error naming the key of a negative integer decoded into an
// unsigned field. pkg and what name the text in messages ("kernel",
// "spec").
func TOML(pkg, what, text string, v any) (toml.MetaData, error) {
	if err := CheckTOML(pkg, what, text); err != nil {
		return toml.MetaData{}, err
	}
	md, err := toml.Decode(text, v)
	if err != nil {
		return md, err
	}
	if bad := unknownKeys(md, reflect.TypeOf(v)); len(bad) > 0 {
		return md, &UnknownKeysError{Pkg: pkg, What: what, Keys: bad[:min(len(bad), MaxUnknownKeys)], Count: len(bad)}
	}
	if err := negativeUints(pkg, reflect.ValueOf(v), ""); err != nil {
		return md, err
	}
	return md, nil
}

// CheckTOML scans text once, respecting strings and comments, and returns
// a *param.Error when a key path is deeper than MaxDepth or longer than
// MaxKeyBytes, naming the line. It does not validate the TOML otherwise.
func CheckTOML(pkg, what, text string) error {
	type frame struct {
		kind         byte
		parts, bytes int
	}
	var (
		stack              []frame
		sumParts, sumBytes int    // over stack
		ctxParts, ctxBytes int    // of the last table header
		keyMode            = true // reading a key
		lineStart          = true // only white space so far on this line (top level)
		keyParts, keyBytes int    // of the key being read (keyParts counts dots)
		lastParts          int    // of the key before the last '=' (0 once used)
		lastBytes          int
		line               = 1
	)
	tooDeep := func(depth int) error {
		return param.New(pkg, what, fmt.Sprintf("nesting %d levels deep at line %d", depth, line),
			fmt.Sprintf("at most %d levels deep (keys of table headers, dotted keys and inline tables, and arrays, count)", MaxDepth))
	}
	tooLong := func(n int) error {
		return param.New(pkg, what, fmt.Sprintf("a key path of %d bytes at line %d", n, line),
			fmt.Sprintf("at most %d bytes of keys on a path", MaxKeyBytes))
	}
	check := func(parts, bytes int) error {
		if parts > MaxDepth {
			return tooDeep(parts)
		}
		if bytes > MaxKeyBytes {
			return tooLong(bytes)
		}
		return nil
	}
	startKey := func() { keyMode, keyParts, keyBytes = true, 0, 0 }
	// skipString skips the string starting at text[i] (a quote) and
	// returns the index after it and the length of its content.
	skipString := func(i int) (int, int) {
		q := text[i]
		if triple := strings.Repeat(string(q), 3); strings.HasPrefix(text[i:], triple) { // multi-line
			j := i + 3
			for j < len(text) {
				switch {
				case q == '"' && text[j] == '\\':
					j++
				case text[j] == '\n':
					line++
				case strings.HasPrefix(text[j:], triple):
					end := j + 3
					for k := 0; k < 2 && end < len(text) && text[end] == q; k++ { // up to two quotes before the closing ones
						end++
					}
					return end, j - i - 3
				}
				j++
			}
			return len(text), len(text) - i - 3
		}
		j := i + 1
		for j < len(text) && text[j] != q && text[j] != '\n' {
			if q == '"' && text[j] == '\\' {
				j++
			}
			j++
		}
		n := j - i - 1
		if j < len(text) && text[j] == q {
			j++
		}
		return min(j, len(text)), n
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n':
			line++
			if len(stack) == 0 {
				startKey()
				lineStart = true
			}
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			continue
		}
		if len(stack) == 0 && lineStart && c == '[' { // table header
			j := i + 1
			if j < len(text) && text[j] == '[' {
				j++
			}
			parts, bytes := 1, 0
			for j < len(text) && text[j] != ']' && text[j] != '\n' {
				switch text[j] {
				case '"', '\'':
					end, n := skipString(j)
					bytes += n
					j = end
					continue
				case '.':
					parts++
				case ' ', '\t':
				default:
					bytes++
				}
				j++
			}
			if err := check(parts, bytes); err != nil {
				return err
			}
			ctxParts, ctxBytes = parts, bytes
			for j < len(text) && text[j] == ']' {
				j++
			}
			i = j
			keyMode, lineStart = false, false
			continue
		}
		lineStart = false
		switch c {
		case '"', '\'':
			end, n := skipString(i)
			if keyMode {
				keyBytes += n
			}
			i = end
			continue
		case '.':
			if keyMode {
				keyParts++
			}
		case '=':
			if keyMode {
				lastParts, lastBytes = keyParts+1, keyBytes
				if err := check(ctxParts+sumParts+lastParts, ctxBytes+sumBytes+lastBytes); err != nil {
					return err
				}
				keyMode = false
			}
		case '[', '{':
			f := frame{kind: c, parts: lastParts, bytes: lastBytes}
			if c == '[' || f.parts == 0 {
				f.parts++
			}
			lastParts, lastBytes = 0, 0
			stack = append(stack, f)
			sumParts += f.parts
			sumBytes += f.bytes
			if err := check(ctxParts+sumParts, ctxBytes+sumBytes); err != nil {
				return err
			}
			if c == '{' {
				startKey()
			} else {
				keyMode = false
			}
		case ']', '}':
			if n := len(stack); n > 0 {
				sumParts -= stack[n-1].parts
				sumBytes -= stack[n-1].bytes
				stack = stack[:n-1]
			}
			keyMode = false
		case ',':
			if n := len(stack); n > 0 && stack[n-1].kind == '{' {
				startKey()
			}
		default:
			if keyMode {
				keyBytes++
			}
		}
		i++
	}
	return nil
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	uintTypes       sync.Map // reflect.Type → bool (hasUint)
)

// negativeUints returns an error naming the first uint or uint64 field of
// v above math.MaxInt64: TOML integers are int64, so such a value was
// negative in the text (the library converts it without a check; smaller
// unsigned kinds it checks itself). path is v's TOML key path.
func negativeUints(pkg string, v reflect.Value, path string) error {
	if !typeHas(&uintTypes, v.Type(), hasUint) {
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return negativeUints(pkg, v.Elem(), path)
	case reflect.Uint, reflect.Uint64:
		if u := v.Uint(); u > math.MaxInt64 {
			return param.New(pkg, path, int64(u), ">= 0")
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := name
			if f.Anonymous && f.Tag.Get("toml") == "" {
				p = path
			} else if path != "" {
				p = path + "." + name
			}
			if err := negativeUints(pkg, v.Field(i), p); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := negativeUints(pkg, v.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := negativeUints(pkg, it.Value(), path+"."+fmt.Sprint(it.Key())); err != nil {
				return err
			}
		}
	}
	return nil
}

// hasUint reports whether values of t may hold a uint or uint64 that TOML
// decodes as an integer (types with their own text decoding excluded).
func hasUint(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && reflect.PointerTo(t).Implements(textUnmarshaler) {
		return false
	}
	switch t.Kind() {
	case reflect.Uint, reflect.Uint64:
		return true
	case reflect.Interface:
		return false // the library fills interfaces with int64
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return hasUint(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() && hasUint(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// unknownKeys returns the keys of md, in the order of the text, that the
// library left undecoded or decoded into a field of t whose TOML name they
// match only case-insensitively (keys below such a key are left out: the
// key itself is named).
func unknownKeys(md toml.MetaData, t reflect.Type) []toml.Key {
	und := md.Undecoded()
	undecoded := make(map[string]bool, len(und))
	for _, k := range und {
		undecoded[k.String()] = true
	}
	var out []toml.Key
	var miscased []toml.Key
	for _, k := range md.Keys() {
		if undecoded[k.String()] {
			out = append(out, k)
			continue
		}
		if below(k, miscased) {
			continue
		}
		if n := miscasedAt(t, k); n > 0 {
			out = append(out, k)
			miscased = append(miscased, k[:n])
		}
	}
	return out
}

// below reports whether k is one of the keys of prefixes or under one.
func below(k toml.Key, prefixes []toml.Key) bool {
	for _, p := range prefixes {
		if len(k) >= len(p) && slices.Equal(k[:len(p)], p) {
			return true
		}
	}
	return false
}

// miscasedAt follows key k through type t and returns the length of the
// prefix of k whose last part names a struct field only with another case
// (0 if there is none: every part is a field's exact TOML name, a map key,
// or below a value the library decodes by other rules).
func miscasedAt(t reflect.Type, k toml.Key) int {
	for i, part := range k {
		t = tableType(t)
		if t == nil {
			return 0
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			f, exact := tomlField(t, part)
			if f == nil {
				return 0 // undecoded: the library reports it
			}
			if !exact {
				return i + 1
			}
			t = f.Type
		default:
			return 0
		}
	}
	return 0
}

// tableType returns the struct or map type a TOML table decoded into a
// value of type t fills (through pointers, and the elements of slices and
// arrays: arrays of tables), or nil for any other type, one that decodes
// itself (encoding.TextUnmarshaler, toml.Unmarshaler) or toml.Primitive.
func tableType(t reflect.Type) reflect.Type {
	for {
		if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface &&
			(reflect.PointerTo(t).Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(tomlUnmarshaler)) {
			return nil
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			t = t.Elem()
		case reflect.Struct:
			if t == primitiveType {
				return nil
			}
			return t
		case reflect.Map:
			return t
		default:
			return nil
		}
	}
}

var (
	tomlUnmarshaler = reflect.TypeFor[toml.Unmarshaler]()
	primitiveType   = reflect.TypeFor[toml.Primitive]()
)

// tomlField returns the field of struct t whose TOML name (its toml tag's
// name, or the Go name) is key, with exact true, or else one whose name
// equals key under Unicode case folding (the library's second choice), with
// exact false, or nil. Fields of untagged embedded structs are promoted.
func tomlField(t reflect.Type, key string) (f *reflect.StructField, exact bool) {
	var folded *reflect.StructField
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("toml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if ef, ex := tomlField(et, key); ef != nil {
					if ex {
						return ef, true
					}
					if folded == nil {
						folded = ef
					}
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if name == key {
			return &sf, true
		}
		if folded == nil && strings.EqualFold(name, key) {
			folded = &sf
		}
	}
	return folded, false
}
