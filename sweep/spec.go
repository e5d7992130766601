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
	"github.com/neurodyn/neurodyn/internal/strictdec"
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
//	integer = false                 # draw integers (uniformly among those of [ceil(min), floor(max)])
//
// Points are enumerated deterministically (grid: the last parameter in
// sorted name order varies fastest; then seeds), so a point's index names
// the same configuration on every machine and every shard.
//
// Decoding is strict (internal/strictdec): unknown keys are errors naming
// the key and its line, seeds and sample_seed must be >= 0, and keys may
// nest at most 64 levels. A grid list may not repeat a value, and samples
// and sample_seed are refused in grid mode (as [random] is), where they
// would be ignored. A range with integer = true must hold an integer;
// its values are drawn uniformly among the integers of [ceil(min),
// floor(max)] (with log = true: the integer part of a log-uniform draw in
// [ceil(min), floor(max) + 1)). A sweep has at most MaxPoints (10^6) points,
// configurations times seeds.
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
	return parseSpec(text, name, true)
}

// parseSpec is ParseSpec; with checkPoints false it leaves out the
// evaluator's checks of every point (for a spec compared point by point
// with one that passed them).
func parseSpec(text, name string, checkPoints bool) (*Spec, error) {
	var s Spec
	_, err := strictdec.TOML("sweep", "spec", text, &s)
	var uk *strictdec.UnknownKeysError
	switch {
	case err == nil:
	case errors.As(err, &uk):
		return nil, fmt.Errorf("%s:%d: %w", name, lineOf(text, uk.Keys[0]), param.New("sweep", "unknown key", strconv.Quote(uk.Keys[0].String()),
			"one of name, evaluator, mode, samples, sample_seed, seeds, objective, [fixed], [grid], [random.<param>] with min, max, log, integer"))
	case errors.Is(err, param.ErrInvalid): // nesting, negative seeds
		return nil, fmt.Errorf("%s: %w", name, err)
	default:
		const allowed = "a TOML sweep spec (see sweep/testdata/ci-reservoir.toml)"
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %w", name, pe.Position.Line, param.New("sweep", "spec", pe.Message, allowed))
		}
		// Type mismatches: the decoder's message names the line and key.
		return nil, fmt.Errorf("%s: %w", name, param.New("sweep", "spec", strings.TrimPrefix(err.Error(), "toml: "), allowed))
	}
	s.Text = text
	if err := s.validate(checkPoints); err != nil {
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
	back, err := parseSpec(text, "the TOML encoding of spec "+strconv.Quote(s.Name), false) // c passed the point checks
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

// lineOf returns the 1-based line on which key k is set (or its table
// opened), or 0. Each line's key is read whole, within the table the line
// is in: matching by prefix put "seed" on the line of "seeds" above it.
func lineOf(text string, k toml.Key) int {
	var table []string
	for i, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "[") { // a table header, unless an array's continuation ("[1, 2],")
			closing := "]"
			if strings.HasPrefix(l, "[[") {
				closing = "]]"
			}
			end := strings.Index(l, closing)
			if rest := strings.TrimSpace(l[max(end, 0)+len(closing):]); end < 0 || rest != "" && !strings.HasPrefix(rest, "#") {
				continue
			}
			table = splitKey(strings.Trim(l[:end], "[] "))
			if hasKeyPrefix(table, k) {
				return i + 1
			}
			continue
		}
		eq := strings.IndexByte(l, '=')
		if eq <= 0 || strings.HasPrefix(l, "#") {
			continue
		}
		full := append(slices.Clip(table), splitKey(l[:eq])...)
		if hasKeyPrefix(full, k) {
			return i + 1
		}
	}
	return 0
}

// splitKey splits a TOML key as written (a.b, "a b".c) into its parts,
// without quotes or surrounding spaces.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	quote := rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote = r
		case r == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

// hasKeyPrefix reports whether key full starts with every part of k.
func hasKeyPrefix(full []string, k toml.Key) bool {
	return len(full) >= len(k) && slices.Equal(full[:len(k)], []string(k))
}

// Validate checks the spec, with errors naming the key, and, when the
// evaluator is a PointChecker, the values of every configuration (once,
// with the first seed: CheckPoint checks parameters), so that a bad value
// fails before any point runs.
func (s *Spec) Validate() error { return s.validate(true) }

func (s *Spec) validate(checkPoints bool) error {
	const p = "sweep"
	// The name is the default results directory's last element
	// (sweeps/<name>): "." or ".." would put the results in sweeps/ or
	// the current directory.
	if s.Name == "" || s.Name == "." || s.Name == ".." || strings.ContainsAny(s.Name, "/\\") || strings.ContainsFunc(s.Name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return param.New(p, "name", s.Name, `a non-empty name without whitespace, control characters or slashes, other than "." and ".." (it names the default results directory, sweeps/<name>)`)
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
		if s.Samples != 0 || s.SampleSeed != 0 {
			name, v := "samples", fmt.Sprint(s.Samples)
			if s.Samples == 0 {
				name, v = "sample_seed", fmt.Sprint(s.SampleSeed)
			}
			return param.New(p, name, v, "absent in grid mode, which evaluates every point of the grid (use mode = \"random\" to sample)")
		}
		if len(s.Grid) == 0 {
			return param.New(p, "grid", "empty", "at least one swept parameter in grid mode")
		}
		for _, k := range slices.Sorted(maps.Keys(s.Grid)) {
			vs := s.Grid[k]
			if len(vs) == 0 {
				return param.New(p, "grid."+k, "[]", "a non-empty list")
			}
			seen := make(map[float64]bool, len(vs)) // 0 and -0 are one key: the same points
			for _, v := range vs {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return param.New(p, "grid."+k, v, "finite values")
				}
				if seen[v] {
					return param.New(p, "grid."+k, fmt.Sprintf("%v listed twice", v), "distinct values (a repeated value evaluates the same points again)")
				}
				seen[v] = true
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
			if r.Integer && math.Ceil(r.Min) > math.Floor(r.Max) {
				return param.New(p, "random."+k, fmt.Sprintf("[%v, %v]", r.Min, r.Max), "a range holding an integer with integer = true")
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
	if _, err := s.NumPoints(); err != nil {
		return err
	}
	// Every configuration's values, by the evaluator's own checks: a
	// configuration's points follow each other, one per seed.
	if pc, ok := ev.(PointChecker); ok && checkPoints {
		var err error
		s.eachPoint(func(pt Point) bool {
			if pt.Index%len(s.Seeds) != 0 {
				return true
			}
			if e := pc.CheckPoint(pt); e != nil {
				err = fmt.Errorf("sweep: point %d (%s): %w", pt.Index, s.describePoint(pt), e)
				return false
			}
			return true
		})
		return err
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

// MaxPoints is the most points a sweep may have: configurations (the grid's
// product, or samples) times seeds. A point costs a few hundred bytes in
// memory while a sweep runs or merges, and one stored result, so a million
// is far beyond a sweep of simulations yet small enough to enumerate.
const MaxPoints = 1_000_000

// NumPoints returns the number of points of a validated spec without
// enumerating them, or an error when there are more than MaxPoints.
func (s *Spec) NumPoints() (int, error) {
	n, what := 1, ""
	switch s.Mode {
	case "grid":
		what = "the product of the [grid] lists' lengths"
		for _, k := range s.Swept() {
			if n = mulCapped(n, len(s.Grid[k])); n > MaxPoints {
				break
			}
		}
	case "random":
		what = "samples"
		n = max(s.Samples, 0)
	}
	if n <= MaxPoints {
		n = mulCapped(n, max(len(s.Seeds), 1))
		what += " times the number of seeds"
	}
	if n > MaxPoints {
		return 0, param.New("sweep", "points", fmt.Sprintf("more than %d (%s)", MaxPoints, what), fmt.Sprintf("at most %d (sweep.MaxPoints)", MaxPoints))
	}
	return n, nil
}

// mulCapped returns a·b, or MaxPoints+1 when that is larger.
func mulCapped(a, b int) int {
	if b != 0 && a > (MaxPoints+1)/b {
		return MaxPoints + 1
	}
	return min(a*b, MaxPoints+1)
}

// Points enumerates the sweep's points deterministically (of a validated
// spec; see NumPoints).
func (s *Spec) Points() []Point {
	n, _ := s.NumPoints()
	pts := make([]Point, 0, n)
	s.eachPoint(func(p Point) bool {
		pts = append(pts, p)
		return true
	})
	return pts
}

// eachPoint calls yield with the points in order, until it returns false,
// without holding them all. Grid: the last parameter in sorted name order
// varies fastest. Random: a PCG stream of SampleSeed gives one uniform u
// in [0, 1) per sample and parameter (sorted name order); v = min +
// u·(max − min), log: exp of the same in log space; integer: the integers
// of [ceil(min), floor(max)] equally likely (log: the integer part of a
// log-uniform draw in [ceil(min), floor(max) + 1), P(k) ∝ ln((k+1)/k)).
// Every point then runs once per seed.
func (s *Spec) eachPoint(yield func(Point) bool) {
	n, err := s.NumPoints()
	if err != nil {
		return
	}
	swept := s.Swept()
	var nconf int
	var config func(i int) map[string]float64
	switch s.Mode {
	case "grid":
		nconf = 1
		for _, k := range swept {
			nconf *= len(s.Grid[k])
		}
		config = func(i int) map[string]float64 {
			m := make(map[string]float64, len(swept)+len(s.Fixed))
			for j := len(swept) - 1; j >= 0; j-- {
				vs := s.Grid[swept[j]]
				m[swept[j]] = vs[i%len(vs)]
				i /= len(vs)
			}
			return m
		}
	case "random":
		nconf = s.Samples
		r := rand.New(rand.NewPCG(s.SampleSeed, 0x5eed5eed))
		config = func(int) map[string]float64 { // called in order
			m := make(map[string]float64, len(swept)+len(s.Fixed))
			for _, k := range swept {
				m[k] = s.Random[k].draw(r.Float64())
			}
			return m
		}
	default:
		return
	}
	seeds := s.Seeds
	if len(seeds) == 0 {
		seeds = []uint64{1}
	}
	idx := 0
	for i := 0; i < nconf && idx < n; i++ {
		c := config(i)
		for k, v := range s.Fixed {
			c[k] = v
		}
		for j, seed := range seeds {
			params := c
			if j < len(seeds)-1 {
				params = cloneMap(c)
			}
			if !yield(Point{Index: idx, Params: params, Seed: seed}) {
				return
			}
			idx++
		}
	}
}

// draw maps a uniform u in [0, 1) to the range (see Spec.eachPoint).
func (rg RandomRange) draw(u float64) float64 {
	lo, hi := rg.Min, rg.Max
	if rg.Integer {
		lo, hi = math.Ceil(rg.Min), math.Floor(rg.Max)+1
	}
	var v float64
	if rg.Log {
		v = math.Exp(math.Log(lo) + u*(math.Log(hi)-math.Log(lo)))
	} else {
		v = lo + u*(hi-lo)
	}
	if rg.Integer {
		v = min(math.Floor(v), hi-1) // rounding may reach hi
		v = max(v, lo)
	}
	return v
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

// ParseShard parses "k/n" (as `--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`);
// anything else in the text ("1/2x", "1/2/3", " 1/2") is an error.
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if s == "" {
		return Shard{0, 1}, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	var errK, errN error
	sh.K, errK = strconv.Atoi(ks)
	sh.N, errN = strconv.Atoi(ns)
	if !ok || errK != nil || errN != nil || sh.N <= 0 || sh.K < 0 || sh.K >= sh.N {
		return Shard{}, param.New("sweep", "--shard", s, "k/n with 0 <= k < n, two decimal integers and nothing else (e.g. 3/8)")
	}
	return sh, nil
}

// Has reports whether point index i belongs to the shard.
func (sh Shard) Has(i int) bool { return sh.N <= 1 || i%sh.N == sh.K }
