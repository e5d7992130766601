package kernel

import (
	"reflect"
	"strings"
	"unicode"

	"github.com/neurodyn/neurodyn/internal/param"
)

// specKeys returns, for a pointer to a neurons parameter struct, its Go
// field names mapped to the spec keys that set them (their toml tags).
func specKeys(params any) map[string]string {
	t := reflect.TypeOf(params)
	if t == nil {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	keys := map[string]string{}
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("toml"), ","); tag != "" && tag != "-" {
			keys[f.Name] = tag
		}
	}
	return keys
}

// renameParamError rewrites pe, an error of a neurons model's validation,
// in the spec's terms: its Name, a Go field of params (VResetmV), becomes
// the key that sets it, where.params.v_reset_mv, and the Go field names
// that Allowed mentions ("< VThmV") become their keys too. It reports
// whether pe named a field of params (else pe is left as it is).
func renameParamError(pe *param.Error, params any, where string) bool {
	keys := specKeys(params)
	key, ok := keys[pe.Name]
	if !ok {
		return false
	}
	pe.Pkg, pe.Name = pkg, where+".params."+key
	pe.Allowed = replaceWords(pe.Allowed, keys)
	return true
}

// replaceWords replaces every whole word of s (a run of letters, digits
// and underscores) that is a key of names by its value.
func replaceWords(s string, names map[string]string) string {
	var b strings.Builder
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
	start := -1 // of the word being read
	flush := func(end int) {
		if start >= 0 {
			w := s[start:end]
			if v, ok := names[w]; ok {
				w = v
			}
			b.WriteString(w)
			start = -1
		}
	}
	for i, r := range s { // by rune: a multibyte letter is part of a word
		if word(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteRune(r)
	}
	flush(len(s))
	return b.String()
}
