package kernel_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
)

// TestDecodeTOMLDeepNesting: a small, deeply nested TOML text fails at
// once naming the limit (it took quadratic time and memory: 25 s and 8 GB
// at d = 12000).
func TestDecodeTOMLDeepNesting(t *testing.T) {
	const d = 100000
	for name, text := range map[string]string{
		"inline tables": "x = " + strings.Repeat("{a=", d) + "1" + strings.Repeat("}", d),
		"dotted keys":   "x" + strings.Repeat(".a", d) + " = 1",
		"header":        "[x" + strings.Repeat(".a", d) + "]\ny = 1\n",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := kernel.DecodeTOML(strings.NewReader(text))
			if el := time.Since(start); el > 500*time.Millisecond {
				t.Errorf("took %v", el)
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "at most 64 levels deep") {
				t.Fatalf("err = %v", err)
			}
		})
	}
	// Many unknown keys: the first ones and a count.
	text := "dt_ms = 0.1\n" + strings.Repeat("[[population]]\nname = \"A\"\nsize = 1\n", 100)
	_, err := kernel.DecodeTOML(strings.NewReader(text))
	if err == nil || !strings.Contains(err.Error(), "population.size and 95 more") {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeNegativeSeed(t *testing.T) {
	_, err := kernel.DecodeTOML(strings.NewReader("seed = -1\n[[population]]\nname = \"A\"\nn = 1\n"))
	if !errors.Is(err, param.ErrInvalid) || err.Error() != "kernel: seed = -1: must be >= 0" {
		t.Fatalf("err = %v", err)
	}
	s, err := kernel.DecodeTOML(strings.NewReader("seed = 9223372036854775807\n"))
	if err != nil || s.Seed != 1<<63-1 {
		t.Fatalf("seed %d, err = %v", s.Seed, err)
	}
}

func TestDecodeJSONStrict(t *testing.T) {
	cases := []struct{ text, want string }{
		{`{"dt_ms": 0.1, "DT_MS": 0.5}`, `kernel: spec key = "DT_MS": must be a known key (keys are case-sensitive: "dt_ms")`},
		{`{"Recorders": []}`, `kernel: spec key = "Recorders": must be a known key (keys are case-sensitive: "recorders")`},
		{`{"populations": [{"name": "A", "N": 3}]}`, `kernel: spec key = "populations[0].N": must be a known key (keys are case-sensitive: "n")`},
		{`{"dt_ms": 0.1, "dt_ms": 0.5}`, `kernel: spec key = "dt_ms": must be given once (a duplicate key)`},
		{`{"populations": [{"name": "A", "n": 3, "params": {"v_th_mv": 1, "v_th_mv": 2}}]}`, `kernel: spec key = "populations[0].params.v_th_mv": must be given once (a duplicate key)`},
		{`{"dt_ms": 0.1} {"dt_ms": 0.5}`, `kernel: spec = data after the JSON value: must be one JSON value and nothing more`},
		{`{"dt_ms": 0.1}]`, `kernel: spec = data after the JSON value: must be one JSON value and nothing more`},
		{`{"population": [{"name": "A", "n": 1}], "populations": [{"name": "B", "n": 1}]}`, `kernel: spec key = population and populations: must be one of them (the TOML and the JSON name of one list)`},
	}
	for _, c := range cases {
		_, err := kernel.DecodeJSON(strings.NewReader(c.text))
		if !errors.Is(err, param.ErrInvalid) || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.text, err, c.want)
		}
	}
}

// TestDecodeJSONTOMLNames: a TOML spec read as a dict (its lists under
// their singular TOML names), as Python's tomllib.loads(net.spec) gives it,
// decodes as JSON to the same spec.
func TestDecodeJSONTOMLNames(t *testing.T) {
	want, err := kernel.DecodeTOML(strings.NewReader(kernel.ExampleSpecTOML))
	if err != nil {
		t.Fatal(err)
	}
	var dict map[string]any
	if _, err := toml.Decode(kernel.ExampleSpecTOML, &dict); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"population", "projection", "device", "recorder"} {
		if _, ok := dict[k]; !ok {
			t.Fatalf("the example has no %s list", k)
		}
	}
	b, err := json.Marshal(dict)
	if err != nil {
		t.Fatal(err)
	}
	got, err := kernel.DecodeJSON(bytes.NewReader(b))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s\ngot  %+v\nwant %+v\n%v", b, got, want, err)
	}
	// TOML names the JSON plural in its hint.
	_, err = kernel.DecodeTOML(strings.NewReader("[[populations]]\nname = \"A\"\nn = 1\n"))
	if err == nil || !strings.Contains(err.Error(), "in TOML the key populations is population") {
		t.Fatalf("err = %v", err)
	}
}
