package strictdec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/neurodyn/neurodyn/internal/param"
)

// JSON decodes one JSON value from data into v (a pointer), strictly: every
// object key must be the json name of a field of the destination struct,
// spelled exactly (encoding/json alone matches names case-insensitively),
// no object may repeat a key (encoding/json keeps the last), and nothing
// but white space may follow the value, and values may nest at most
// MaxDepth levels (objects and arrays; real specs use fewer than 10).
// Errors are *param.Error values of
// pkg naming the key by its path (e.g. populations[0].name); what names
// the text ("spec"). Syntax and type errors are encoding/json's, prefixed
// with "pkg: what: ".
func JSON(pkg, what string, data []byte, v any) error {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		panic("strictdec: JSON needs a pointer")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	c := checker{pkg: pkg, what: what, dec: dec}
	if err := c.value(t.Elem(), "", 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return param.New(pkg, what, "data after the JSON value", "one JSON value and nothing more")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s: %s: %w", pkg, what, err)
	}
	return nil
}

type checker struct {
	pkg, what string
	dec       *json.Decoder
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	fieldCache      sync.Map // reflect.Type → map[string]reflect.Type
	objectTypes     sync.Map // reflect.Type → bool (hasObject)
)

// typeHas returns has(t) (a walk of t's element and field types), computed
// once per type: the checkers ask it of every value they visit.
func typeHas(cache *sync.Map, t reflect.Type, has func(reflect.Type, map[reflect.Type]bool) bool) bool {
	if v, ok := cache.Load(t); ok {
		return v.(bool)
	}
	v := has(t, map[reflect.Type]bool{})
	cache.Store(t, v)
	return v
}

// value checks the next value of the stream, depth levels down, against
// type t (nil: any).
func (c *checker) value(t reflect.Type, path string, depth int) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)) {
		t = nil // its own rules; duplicates are still refused
	}
	if t != nil && !typeHas(&objectTypes, t, hasObject) {
		var raw json.RawMessage // skip a value that holds no object (a list of weights) in one scan
		return c.syntax(c.dec.Decode(&raw))
	}
	tok, err := c.dec.Token()
	if err != nil {
		return c.syntax(err)
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') && depth >= MaxDepth {
		return param.New(c.pkg, c.what, fmt.Sprintf("nested deeper than %d levels at %s", MaxDepth, strconv.Quote(path)),
			fmt.Sprintf("at most %d levels of objects and arrays", MaxDepth))
	}
	switch tok {
	case json.Delim('{'):
		var fields map[string]reflect.Type
		var elem reflect.Type
		if t != nil {
			switch t.Kind() {
			case reflect.Struct:
				fields = jsonFields(t)
			case reflect.Map:
				elem = t.Elem()
			}
		}
		seen := map[string]bool{}
		for c.dec.More() {
			tok, err := c.dec.Token()
			if err != nil {
				return c.syntax(err)
			}
			key, _ := tok.(string)
			kp := key
			if path != "" {
				kp = path + "." + key
			}
			if seen[key] {
				return param.New(c.pkg, c.what+" key", strconv.Quote(kp), "given once (a duplicate key)")
			}
			seen[key] = true
			next := elem
			if fields != nil {
				ft, ok := fields[key]
				if !ok {
					return param.New(c.pkg, c.what+" key", strconv.Quote(kp), unknownHint(fields, key))
				}
				next = ft
			}
			if err := c.value(next, kp, depth+1); err != nil {
				return err
			}
		}
		_, err := c.dec.Token()
		return c.syntax(err)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; c.dec.More(); i++ {
			if err := c.value(elem, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
		_, err := c.dec.Token()
		return c.syntax(err)
	}
	return nil
}

func (c *checker) syntax(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%s: %s: %w", c.pkg, c.what, err)
}

// unknownHint says what key is allowed instead of key.
func unknownHint(fields map[string]reflect.Type, key string) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		if strings.EqualFold(k, key) {
			return fmt.Sprintf("a known key (keys are case-sensitive: %q)", k)
		}
		names = append(names, k)
	}
	slices.Sort(names)
	return "a known key: one of " + strings.Join(names, ", ")
}

// jsonFields returns the json names of t's fields and their types, as
// encoding/json sees them (embedded structs without a tag promote their
// fields; a field of the outer struct wins).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	for _, e := range embedded {
		for k, ft := range jsonFields(e) {
			if _, ok := m[k]; !ok {
				m[k] = ft
			}
		}
	}
	fieldCache.Store(t, m)
	return m
}

// hasObject reports whether a JSON value decoded into t may contain an
// object (a struct, a map, an interface or a type of its own decoding).
func hasObject(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return hasObject(t.Elem(), seen)
	}
	return false
}
