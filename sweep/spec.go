package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Spec is a sweep specification, decoded from TOML:
//
//	name = "reservoir-g-p"
//	evaluator = "reservoir"        # a registered Evaluator
//	mode = "grid"                   # or "random"
//	samples = 64                    # random mode: number of sampled points
//	sample_seed = 7                 # random mode: seed of the sampler
//	seeds = [1, 2]                  # every point runs once per seed
//	objective = "test_rmse"         # metric the summary plot and ranking use (lower is better)
//
//	[fixed]                         # parameters every point gets
//	n = 400
//
//	[grid]                          # grid mode: the Cartesian product of these lists
//	g = [1.0, 2.0, 4.0]
//	p = [0.05, 0.1]
//
//	[random.g]                      # random mode: one range per parameter
//	min = 0.5
//	max = 8.0
//	log = true                      # sample log-uniformly
//
// Points are enumerated deterministically (grid: the last parameter in
// sorted name order varies fastest; then seeds), so a point's index names
// the same configuration on every machine and every shard.
type Spec struct {
	Name       string                 `toml:"name"`
	Evaluator  string                 `toml:"evaluator"`
	Mode       string                 `toml:"mode"`
	Samples    int                    `toml:"samples"`
	SampleSeed uint64                 `toml:"sample_seed"`
	Seeds      []uint64               `toml:"seeds"`
	Objective  string                 `toml:"objective"`
	Fixed      map[string]float64     `toml:"fixed"`
	Grid       map[string][]float64   `toml:"grid"`
	Random     map[string]RandomRange `toml:"random"`
	// Text is the TOML the spec was decoded from. Run stores it as
	// <out>/spec.toml, and Merge records it as the provenance of sweep.h5.
	// A spec built in Go may leave it empty: after Validate, the canonical
	// TOML encoding of its fields is stored instead (Run fails if the spec
	// was not validated or if that encoding does not parse back to the same
	// spec, e.g. for a seed above math.MaxInt64).
	// When Text is set it is stored as is, so clear it after changing the
	// fields of a parsed spec.
	Text string `toml:"-"`
}

// RandomRange is the range of one randomly sampled parameter.
type RandomRange struct {
	Min     float64 `toml:"min"`
	Max     float64 `toml:"max"`
	Log     bool    `toml:"log"`
	Integer bool    `toml:"integer"`
}

// Point is one configuration of a sweep: parameter values and a seed.
type Point struct {
	// Index is the point's position in the sweep's enumeration.
	Index int `json:"index"`
	// Params maps parameter names to values (fixed and swept).
	Params map[string]float64 `json:"params"`
	// Seed is the replicate seed.
	Seed uint64 `json:"seed"`
}

// Key returns a short hash identifying the point's configuration (not its
// index), stored with its result so that a changed spec is detected.
func (p Point) Key() string {
	b, _ := json.Marshal(struct {
		P map[string]float64
		S uint64
	}{p.Params, p.Seed}) // map keys are sorted by encoding/json
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// LoadSpec reads and validates a TOML sweep spec.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return ParseSpec(string(b), path)
}

// ParseSpec decodes and validates TOML text (named name in messages).
// Unknown keys are rejected with the line they are on.
func ParseSpec(text, name string) (*Spec, error) {
	var s Spec
	md, err := toml.Decode(text, &s)
	if err != nil {
		const allowed = "a TOML sweep spec (see sweep/testdata/ci-reservoir.toml)"
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %w", name, pe.Position.Line, param.New("sweep", "spec", pe.Message, allowed))
		}
		// Type mismatches: the decoder's message names the line and key.
		return nil, fmt.Errorf("%s: %w", name, param.New("sweep", "spec", strings.TrimPrefix(err.Error(), "toml: "), allowed))
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("%s:%d: %w", name, lineOf(text, und[0]), param.New("sweep", "unknown key", strconv.Quote(und[0].String()),
			"one of name, evaluator, mode, samples, sample_seed, seeds, objective, [fixed], [grid], [random.<param>] with min, max, log, integer"))
	}
	s.Text = text
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

// text returns the TOML stored with the spec's results: Text, or when Text
// is empty the canonical TOML encoding of the spec, which must be valid and
// validated and is checked to parse back to an equal spec.
func (s *Spec) text() (string, error) {
	if s.Text != "" {
		return s.Text, nil
	}
	c := *s
	if err := c.Validate(); err != nil {
		return "", err
	}
	if !sameSpec(&c, s) { // Validate filled in a default (mode, seeds)
		return "", fmt.Errorf("sweep: spec %q has not been validated: call its Validate method first", s.Name)
	}
	var b strings.Builder
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	if err := enc.Encode(c); err != nil {
		return "", fmt.Errorf("sweep: spec %q cannot be encoded as TOML: %w", s.Name, err)
	}
	text := b.String()
	back, err := ParseSpec(text, "the TOML encoding of spec "+strconv.Quote(s.Name))
	if err != nil {
		return "", fmt.Errorf("sweep: spec %q cannot be stored as TOML: %w", s.Name, err)
	}
	if !sameSpec(back, &c) {
		return "", fmt.Errorf("sweep: spec %q cannot be stored as TOML: its encoding decodes to another spec:\n%s", s.Name, text)
	}
	return text, nil
}

// sameSpec reports whether a and b have the same fields, apart from Text
// (nil and empty maps are equal, and so are NaNs).
func sameSpec(a, b *Spec) bool {
	eq := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	return a.Name == b.Name && a.Evaluator == b.Evaluator && a.Mode == b.Mode && a.Samples == b.Samples &&
		a.SampleSeed == b.SampleSeed && slices.Equal(a.Seeds, b.Seeds) && a.Objective == b.Objective &&
		maps.EqualFunc(a.Fixed, b.Fixed, eq) &&
		maps.EqualFunc(a.Grid, b.Grid, func(x, y []float64) bool { return slices.EqualFunc(x, y, eq) }) &&
		maps.Equal(a.Random, b.Random)
}

func lineOf(text string, k toml.Key) int {
	last := k[len(k)-1]
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, last) || strings.Contains(l, "["+k.String()+"]") {
			return i + 1
		}
	}
	return 0
}

// Validate checks the spec, with errors naming the key, and, when the
// evaluator is a PointChecker, the values of every point, so that a bad
// value fails before any point runs.
func (s *Spec) Validate() error {
	const p = "sweep"
	if s.Name == "" || strings.ContainsAny(s.Name, "/\\") || strings.ContainsFunc(s.Name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return param.New(p, "name", s.Name, "a non-empty name without whitespace, control characters or slashes")
	}
	ev, ok := Lookup(s.Evaluator)
	if !ok {
		v := s.Evaluator
		if v == "" {
			v = `""`
		}
		return param.New(p, "evaluator", v, "one of "+strings.Join(Evaluators(), ", "))
	}
	if s.Mode == "" {
		s.Mode = "grid"
	}
	if len(s.Seeds) == 0 {
		s.Seeds = []uint64{1}
	}
	if dup := firstDup(s.Seeds); dup >= 0 {
		return param.New(p, "seeds", s.Seeds, "distinct values")
	}
	switch s.Mode {
	case "grid":
		if len(s.Random) > 0 {
			return param.New(p, "random", "a [random] table", "absent in grid mode (use mode = \"random\")")
		}
		if len(s.Grid) == 0 {
			return param.New(p, "grid", "empty", "at least one swept parameter in grid mode")
		}
		for k, vs := range s.Grid {
			if len(vs) == 0 {
				return param.New(p, "grid."+k, "[]", "a non-empty list")
			}
			for _, v := range vs {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return param.New(p, "grid."+k, v, "finite values")
				}
			}
		}
	case "random":
		if len(s.Grid) > 0 {
			return param.New(p, "grid", "a [grid] table", "absent in random mode")
		}
		if s.Samples <= 0 {
			return param.New(p, "samples", s.Samples, "> 0 in random mode")
		}
		if len(s.Random) == 0 {
			return param.New(p, "random", "empty", "at least one [random.<param>] range in random mode")
		}
		for k, r := range s.Random {
			if !(r.Min <= r.Max) || math.IsInf(r.Min, 0) || math.IsInf(r.Max, 0) {
				return param.New(p, "random."+k, fmt.Sprintf("[%v, %v]", r.Min, r.Max), "finite min <= max")
			}
			if r.Log && !(r.Min > 0) {
				return param.New(p, "random."+k+".min", r.Min, "> 0 with log = true")
			}
		}
	default:
		return param.New(p, "mode", s.Mode, `"grid" or "random"`)
	}
	for k := range s.Fixed {
		if _, ok := s.Grid[k]; ok {
			return param.New(p, "fixed."+k, "also in [grid]", "a parameter either fixed or swept")
		}
		if _, ok := s.Random[k]; ok {
			return param.New(p, "fixed."+k, "also in [random]", "a parameter either fixed or swept")
		}
	}
	allowed := ev.Params()
	for _, k := range s.ParamNames() {
		if !slices.Contains(allowed, k) {
			return param.New(p, k, "unknown parameter of evaluator "+s.Evaluator, "one of "+strings.Join(allowed, ", "))
		}
	}
	if s.Objective != "" && !slices.Contains(ev.Metrics(), s.Objective) {
		return param.New(p, "objective", s.Objective, "one of "+strings.Join(ev.Metrics(), ", "))
	}
	// Every point's values, by the evaluator's own checks.
	if pc, ok := ev.(PointChecker); ok {
		for _, pt := range s.Points() {
			if err := pc.CheckPoint(pt); err != nil {
				return fmt.Errorf("sweep: point %d (%s): %w", pt.Index, s.describePoint(pt), err)
			}
		}
	}
	return nil
}

// describePoint lists the swept values of pt and its seed.
func (s *Spec) describePoint(pt Point) string {
	var parts []string
	for _, k := range s.Swept() {
		parts = append(parts, fmt.Sprintf("%s = %v", k, pt.Params[k]))
	}
	return strings.Join(append(parts, fmt.Sprintf("seed %d", pt.Seed)), ", ")
}

func firstDup(xs []uint64) int {
	seen := map[uint64]bool{}
	for i, x := range xs {
		if seen[x] {
			return i
		}
		seen[x] = true
	}
	return -1
}

// ParamNames returns every parameter name of the spec (fixed and swept),
// sorted.
func (s *Spec) ParamNames() []string {
	var out []string
	for k := range s.Fixed {
		out = append(out, k)
	}
	for k := range s.Grid {
		out = append(out, k)
	}
	for k := range s.Random {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Swept returns the names of the swept parameters, sorted.
func (s *Spec) Swept() []string {
	var out []string
	for k := range s.Grid {
		out = append(out, k)
	}
	for k := range s.Random {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Points enumerates the sweep's points deterministically.
func (s *Spec) Points() []Point {
	var configs []map[string]float64
	swept := s.Swept()
	switch s.Mode {
	case "grid":
		configs = []map[string]float64{{}}
		for _, k := range swept {
			var next []map[string]float64
			for _, c := range configs {
				for _, v := range s.Grid[k] {
					m := cloneMap(c)
					m[k] = v
					next = append(next, m)
				}
			}
			configs = next
		}
	case "random":
		r := rand.New(rand.NewPCG(s.SampleSeed, 0x5eed5eed))
		for i := 0; i < s.Samples; i++ {
			m := map[string]float64{}
			for _, k := range swept {
				rg := s.Random[k]
				u := r.Float64()
				var v float64
				if rg.Log {
					v = math.Exp(math.Log(rg.Min) + u*(math.Log(rg.Max)-math.Log(rg.Min)))
				} else {
					v = rg.Min + u*(rg.Max-rg.Min)
				}
				if rg.Integer {
					v = math.Round(v)
				}
				m[k] = v
			}
			configs = append(configs, m)
		}
	}
	var pts []Point
	for _, c := range configs {
		for k, v := range s.Fixed {
			c[k] = v
		}
		for _, seed := range s.Seeds {
			pts = append(pts, Point{Index: len(pts), Params: cloneMap(c), Seed: seed})
		}
	}
	return pts
}

func cloneMap(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Shard selects the points of shard k of n: indices i with i mod n == k.
type Shard struct{ K, N int }

// ParseShard parses "k/n" (as `--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`).
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if s == "" {
		return Shard{0, 1}, nil
	}
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.K, &sh.N); err != nil || sh.N <= 0 || sh.K < 0 || sh.K >= sh.N {
		return Shard{}, param.New("sweep", "--shard", s, "k/n with 0 <= k < n (e.g. 3/8)")
	}
	return sh, nil
}

// Has reports whether point index i belongs to the shard.
func (sh Shard) Has(i int) bool { return sh.N <= 1 || i%sh.N == sh.K }
