package strictdec

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/internal/param"
)

type inner struct {
	Seed  uint64            `toml:"seed" json:"seed"`
	Vals  []float64         `toml:"vals" json:"vals"`
	Seeds []uint64          `toml:"seeds" json:"seeds"`
	M     map[string]uint64 `toml:"m" json:"m"`
}

type outer struct {
	Name  string  `toml:"name" json:"name"`
	Seed  uint64  `toml:"seed" json:"seed"`
	Items []inner `toml:"item" json:"items"`
	In    inner   `toml:"in" json:"in"`
}

func TestTOMLDepth(t *testing.T) {
	const d = 100000
	cases := map[string]string{
		"inline tables": "x = " + strings.Repeat("{a=", d) + "1" + strings.Repeat("}", d),
		"arrays":        "x = " + strings.Repeat("[", d) + "1" + strings.Repeat("]", d),
		"dotted key":    "x" + strings.Repeat(".a", d) + " = 1",
		"header":        "[x" + strings.Repeat(".a", d) + "]\nb = 1",
		"array table":   "[[x" + strings.Repeat(".a", d) + "]]\nb = 1",
		"long header":   "[" + strings.Repeat("a", 2*MaxKeyBytes) + "]\n" + strings.Repeat("b = 1\n", 10),
		"header+keys":   "[x" + strings.Repeat(".a", MaxDepth/2) + "]\nb" + strings.Repeat(".c", MaxDepth/2) + " = 1",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			var v map[string]any
			_, err := TOML("test", "spec", text, &v)
			if el := time.Since(start); el > 500*time.Millisecond {
				t.Errorf("took %v", el)
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "at most") || !strings.Contains(err.Error(), "line ") {
				t.Fatalf("err = %v, want a limit error", err)
			}
		})
	}
	ok := []string{
		"a = 1.5\nb.c.d = 2.5e3\n[t.u]\nv = [[1.0, 2.0], [3.0]]\nw = {x = {y = 1}, 'q.r.s' = \"a.b.c.d\"}\n",
		"s = \"\"\"\n[[[[[[\n{{{{ \\\" \"\"\" # comment [[[[ \n[a]\nb = '''x.y.z''' # .....\n",
		"x = " + strings.Repeat("[", MaxDepth-1) + "1" + strings.Repeat("]", MaxDepth-1),
		"x = 1979-05-27T07:32:00.999-07:00\n",
	}
	for _, text := range ok {
		if err := CheckTOML("test", "spec", text); err != nil {
			t.Errorf("CheckTOML(%q) = %v", text, err)
		}
		var v map[string]any
		var uk *UnknownKeysError // a map[string]any leaves nested keys undecoded
		if _, err := TOML("test", "spec", text, &v); err != nil && !errors.As(err, &uk) {
			t.Errorf("TOML(%q) = %v", text, err)
		}
	}
}

func TestTOMLUnknownKeys(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("name = \"a\"\n")
	for i := range 1000 {
		sb.WriteString("k" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + " = 1\n")
	}
	var v outer
	_, err := TOML("test", "spec", sb.String(), &v)
	var uk *UnknownKeysError
	if !errors.As(err, &uk) || len(uk.Keys) != MaxUnknownKeys || uk.Count != 1000 {
		t.Fatalf("err = %v", err)
	}
	if want := "test: spec key = ka, kb, kc, kd, ke and 995 more: must be a known key"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestTOMLNegativeUint(t *testing.T) {
	cases := map[string]string{
		"seed = -1":             "test: seed = -1: must be >= 0",
		"[in]\nseeds = [1, -2]": "test: in.seeds[1] = -2: must be >= 0",
		"[[item]]\nseed = 1\n[[item]]\nseed = -9223372036854775808": "test: item[1].seed = -9223372036854775808: must be >= 0",
		"[in.m]\nx = -3": "test: in.m.x = -3: must be >= 0",
	}
	for text, want := range cases {
		var v outer
		_, err := TOML("test", "spec", text, &v)
		if err == nil || err.Error() != want {
			t.Errorf("%q: err = %v, want %s", text, err, want)
		}
	}
	var v outer
	if _, err := TOML("test", "spec", "seed = 9223372036854775807\n[in]\nseeds = [0, 5]", &v); err != nil || v.Seed != 1<<63-1 {
		t.Errorf("err = %v, seed %d", err, v.Seed)
	}
}

func TestJSONStrict(t *testing.T) {
	cases := map[string]string{
		`{"name": "a", "NAME": "b"}`:            `test: spec key = "NAME": must be a known key (keys are case-sensitive: "name")`,
		`{"Items": []}`:                         `test: spec key = "Items": must be a known key (keys are case-sensitive: "items")`,
		`{"seed": 1, "seed": 2}`:                `test: spec key = "seed": must be given once (a duplicate key)`,
		`{"items": [{"seed": 1}, {"Seed": 2}]}`: `test: spec key = "items[1].Seed": must be a known key (keys are case-sensitive: "seed")`,
		`{"in": {"m": {"a": 1, "a": 2}}}`:       `test: spec key = "in.m.a": must be given once (a duplicate key)`,
		`{"bogus": 1}`:                          `test: spec key = "bogus": must be a known key: one of in, items, name, seed`,
		`{"seed": 1} {"seed": 2}`:               `test: spec = data after the JSON value: must be one JSON value and nothing more`,
		`{"seed": 1} x`:                         `test: spec = data after the JSON value: must be one JSON value and nothing more`,
		`{"seed": -1}`:                          "test: spec: json: cannot unmarshal number -1 into Go struct field inner.items.seed of type uint64",
		`{"seed": 1`:                            "test: spec: unexpected EOF",
	}
	for text, want := range cases {
		var v outer
		err := JSON("test", "spec", []byte(text), &v)
		if err == nil || (err.Error() != want && !strings.HasPrefix(want, "test: spec: json")) {
			t.Errorf("%s: err = %v, want %s", text, err, want)
		}
	}
	var v outer
	if err := JSON("test", "spec", []byte(` {"name": "a", "items": [{"seed": 3, "vals": [1, 2.5]}], "in": {"m": {"A": 1, "a": 2}}} `+"\n"), &v); err != nil ||
		v.Name != "a" || v.Items[0].Seed != 3 || v.In.M["A"] != 1 || v.In.M["a"] != 2 {
		t.Errorf("err = %v, v = %+v", err, v)
	}
}

// TestJSONDepth: JSON nested beyond MaxDepth is refused at once, where the
// key check recursed once per level (d = 40,000 arrays given for a struct
// took gigabytes); a value at MaxDepth levels still decodes.
func TestJSONDepth(t *testing.T) {
	for _, d := range []int{MaxDepth + 1, 40000, 1000000} {
		text := `{"in": ` + strings.Repeat("[", d) + strings.Repeat("]", d) + `}` // arrays where a struct goes: checked level by level
		start := time.Now()
		var v outer
		err := JSON("test", "spec", []byte(text), &v)
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "nested deeper than 64 levels") {
			t.Errorf("depth %d: %v", d, err)
		}
		if el := time.Since(start); el > 500*time.Millisecond {
			t.Errorf("depth %d: refused after %v", d, el)
		}
	}
	var m map[string]any
	ok := strings.Repeat(`{"a": `, MaxDepth-1) + "[1]" + strings.Repeat("}", MaxDepth-1)
	if err := JSON("test", "spec", []byte(ok), &m); err != nil {
		t.Errorf("%d levels: %v", MaxDepth, err)
	}
}

type embedded struct {
	Depth int `toml:"depth"`
}

type cased struct {
	embedded
	N     int                  `toml:"n"`
	Name  string               `toml:"name"`
	Grid  map[string][]float64 `toml:"grid"`
	Items []inner              `toml:"item"`
	In    *inner               `toml:"in"`
	When  time.Time            `toml:"when"`
}

// TestTOMLKeysCaseSensitive: TOML keys are case-sensitive, but the library
// decodes a key into a field whose name it matches case-insensitively
// (n = 400 then N = 500 ran 500; N = 401 alone was accepted): such a key is
// an unknown key, named once (not the keys under it), in the order of the
// text. Map keys are the user's and keep their case.
func TestTOMLKeysCaseSensitive(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string // unknown keys; nil: accepted
	}{
		{"n = 400\nname = \"a\"\ndepth = 2\n[grid]\nG = [1.0]\ng = [2.0]\n[[item]]\nseed = 1\n[in]\nvals = [1.0]\n[in.m]\nA = 1\n", nil},
		{"when = 2026-12-01T00:00:00Z\n", nil},
		{"n = 400\nN = 500\n", []string{"N"}},
		{"N = 401\n", []string{"N"}},
		{"Name = \"x\"\n", []string{"Name"}},
		{"Depth = 3\n", []string{"Depth"}},
		{"[Grid]\ng = [1.0]\nh = [2.0]\n", []string{"Grid"}},
		{"[[Item]]\nseed = 1\n[[item]]\nSeed = 2\nvals = [1.0]\n", []string{"Item", "item.Seed"}},
		{"[in]\nSEEDS = [1]\nbogus = 1\n", []string{"in.SEEDS", "in.bogus"}},
		{"In.seed = 3\nIn.vals = [1.0]\n", []string{"In.seed"}},
	} {
		var v cased
		_, err := TOML("test", "spec", tc.text, &v)
		var uk *UnknownKeysError
		if tc.want == nil {
			if err != nil {
				t.Errorf("%q: %v", tc.text, err)
			}
			continue
		}
		if !errors.As(err, &uk) || !errors.Is(err, param.ErrInvalid) {
			t.Errorf("%q: %v, want unknown keys %v", tc.text, err, tc.want)
			continue
		}
		var got []string
		for _, k := range uk.Keys {
			got = append(got, k.String())
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") || uk.Count != len(tc.want) {
			t.Errorf("%q: unknown keys %v (count %d), want %v", tc.text, got, uk.Count, tc.want)
		}
	}
}
