package pipeline

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Key describes one leaf key of the configuration, for faces that offer
// every key as an option (the CLI makes a flag of each).
type Key struct {
	// Name is the dotted TOML key ("analysis.free_run_steps").
	Name string
	// Kind is the value's type: "string", "int", "uint", "float", "bool"
	// or "strings" (a list of strings).
	Kind string
	// Doc is the comment of the key in the embedded default.toml.
	Doc string
	// Default is the embedded default, formatted as Set accepts it.
	Default string
}

// Keys lists every leaf key of the configuration in the order of the
// Config struct, with its documentation from default.toml.
func Keys() []Key {
	docs := keyDocs(defaultTOML)
	def := reflect.ValueOf(DefaultConfig())
	var out []Key
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			name := tomlName(t.Field(i))
			if name == "" || name == "-" {
				continue
			}
			full := name
			if prefix != "" {
				full = prefix + "." + name
			}
			f := v.Field(i)
			if f.Kind() == reflect.Struct {
				walk(f, full)
				continue
			}
			out = append(out, Key{Name: full, Kind: kindOf(f.Type()), Doc: docs[full], Default: formatValue(f)})
		}
	}
	walk(def, "")
	return out
}

func kindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64:
		return "int"
	case reflect.Uint64:
		return "uint"
	case reflect.Float64:
		return "float"
	case reflect.Bool:
		return "bool"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "strings"
		}
	}
	panic("pipeline: configuration field of unsupported type " + t.String())
}

func formatValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Slice:
		s := make([]string, v.Len())
		for i := range s {
			s[i] = v.Index(i).String()
		}
		return strings.Join(s, ",")
	}
	return ""
}

// keyDocs maps dotted keys to the trailing comments of their lines in a
// TOML text (or, for keys without one, the comment block above them).
func keyDocs(text string) map[string]string {
	docs := map[string]string{}
	table := ""
	var above []string
	for _, line := range strings.Split(text, "\n") {
		s := strings.TrimSpace(line)
		switch {
		case s == "":
			above = nil
		case strings.HasPrefix(s, "#"):
			above = append(above, strings.TrimSpace(strings.TrimPrefix(s, "#")))
		case strings.HasPrefix(s, "["):
			table = strings.Trim(s, "[] ")
			above = nil
		default:
			eq := strings.IndexByte(s, '=')
			if eq < 0 {
				continue
			}
			key := strings.TrimSpace(s[:eq])
			if table != "" {
				key = table + "." + key
			}
			doc := ""
			if h := strings.Index(s[eq:], "#"); h >= 0 {
				doc = strings.TrimSpace(s[eq+h+1:])
			} else if len(above) > 0 {
				doc = strings.Join(above, " ")
			}
			docs[key] = doc
			above = nil
		}
	}
	return docs
}

// Set assigns value (text, as on a command line) to the dotted key of c
// and validates the result; c is unchanged on error. Lists are
// comma-separated.
func (c *Config) Set(key, value string) error {
	trial := *c
	trial.Stages = append([]string(nil), c.Stages...)
	f, err := fieldByKey(reflect.ValueOf(&trial).Elem(), key)
	if err != nil {
		return err
	}
	bad := func(allowed string) error { return param.New("pipeline", key, value, allowed) }
	switch f.Kind() {
	case reflect.String:
		f.SetString(value)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return bad("an integer")
		}
		f.SetInt(n)
	case reflect.Uint64:
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return bad("a non-negative integer")
		}
		f.SetUint(n)
	case reflect.Float64:
		x, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return bad("a number")
		}
		f.SetFloat(x)
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return bad("true or false")
		}
		f.SetBool(b)
	case reflect.Slice:
		var list []string
		for _, s := range strings.Split(value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				list = append(list, s)
			}
		}
		f.Set(reflect.ValueOf(list))
	}
	if err := trial.Validate(); err != nil {
		return err
	}
	*c = trial
	return nil
}

// fieldByKey returns the settable field of the dotted key.
func fieldByKey(v reflect.Value, key string) (reflect.Value, error) {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		t := v.Type()
		found := false
		for j := 0; j < t.NumField(); j++ {
			if tomlName(t.Field(j)) == p {
				v = v.Field(j)
				found = true
				break
			}
		}
		if !found || (i < len(parts)-1 && v.Kind() != reflect.Struct) || (i == len(parts)-1 && v.Kind() == reflect.Struct) {
			var names []string
			for _, k := range Keys() {
				names = append(names, k.Name)
			}
			return reflect.Value{}, fmt.Errorf("pipeline: unknown configuration key %q (keys: %s): %w", key, strings.Join(names, ", "), param.ErrInvalid)
		}
	}
	return v, nil
}
