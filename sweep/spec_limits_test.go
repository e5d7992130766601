package sweep

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/internal/param"
)

// TestIntegerSampling: integer parameters are drawn uniformly among the
// integers of [ceil(min), floor(max)] (math.Round gave 1:973, 2:1986,
// 3:1041 for [1, 3], and 2 for [1.5, 1.7]).
func TestIntegerSampling(t *testing.T) {
	spec := func(min, max float64, log bool) string {
		return fmt.Sprintf("name = \"i\"\nevaluator = \"quad-test\"\nmode = \"random\"\nsamples = 6000\nsample_seed = 3\n[random.n]\nmin = %v\nmax = %v\ninteger = true\nlog = %v\n[random.g]\nmin = 0.0\nmax = 1.0\n", min, max, log)
	}
	for _, c := range []struct {
		min, max float64
		log      bool
		lo, hi   int
	}{{1, 3, false, 1, 3}, {0.5, 3.9, false, 1, 3}, {-2.5, 2.5, false, -2, 2}, {1, 3, true, 1, 3}, {4, 4, false, 4, 4}} {
		s, err := ParseSpec(spec(c.min, c.max, c.log), "i.toml")
		if err != nil {
			t.Fatal(err)
		}
		count := map[float64]int{}
		pts := s.Points()
		for _, p := range pts {
			count[p.Params["n"]]++
		}
		k := c.hi - c.lo + 1
		for v := c.lo; v <= c.hi; v++ {
			want := float64(len(pts)) / float64(k)
			if c.log { // P(v) ∝ ln((v+1)/v) over [lo, hi+1)
				want = float64(len(pts)) * math.Log(float64(v+1)/float64(v)) / math.Log(float64(c.hi+1)/float64(c.lo))
			}
			if got := float64(count[float64(v)]); math.Abs(got-want) > 5*math.Sqrt(want) {
				t.Errorf("[%v, %v] log %v: %d drawn %v times, want about %.0f", c.min, c.max, c.log, v, got, want)
			}
			delete(count, float64(v))
		}
		if len(count) > 0 {
			t.Errorf("[%v, %v]: values outside the integers of the range: %v", c.min, c.max, count)
		}
		// Determinism, and the other parameters' draws are those of before.
		again, _ := ParseSpec(spec(c.min, c.max, c.log), "i.toml")
		for i, p := range again.Points() {
			if p.Key() != pts[i].Key() {
				t.Fatalf("point %d differs between two enumerations", i)
			}
		}
	}
	_, err := ParseSpec(spec(1.5, 1.7, false), "i.toml")
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "random.n = [1.5, 1.7]: must be a range holding an integer") {
		t.Errorf("err = %v", err)
	}
}

func TestParseShardStrict(t *testing.T) {
	for _, s := range []string{"1/2x", "1/2/3", " 1/2", "1 /2", "1/", "/2", "1", "a/b", "1/0", "-1/2", "2/2"} {
		if _, err := ParseShard(s); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("ParseShard(%q) = %v, want an error", s, err)
		}
	}
	if sh, err := ParseShard("7/8"); err != nil || sh != (Shard{7, 8}) {
		t.Errorf("ParseShard(7/8) = %v, %v", sh, err)
	}
}

// TestPointLimit: more than MaxPoints points fail at once naming the limit
// (samples = 1e8 got sweep run killed for memory, and 1e6 made sweep slurm
// take 114 s); the Slurm script counts the points without enumerating them.
// values returns a TOML list of n distinct values.
func values(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d.0", i)
	}
	return b.String() + "]"
}

func TestPointLimit(t *testing.T) {
	const head = "name = \"big\"\nevaluator = \"quad-test\"\n"
	cases := map[string]string{
		"samples":       head + "mode = \"random\"\nsamples = 100000000\n[random.g]\nmin = 0.0\nmax = 1.0\n",
		"samples×seeds": head + "mode = \"random\"\nsamples = 600000\nseeds = [1, 2]\n[random.g]\nmin = 0.0\nmax = 1.0\n",
		"grid":          head + "[grid]\ng = " + values(1001) + "\np = " + values(1001) + "\n",
	}
	for name, text := range cases {
		start := time.Now()
		_, err := ParseSpec(text, "big.toml")
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "at most 1000000 (sweep.MaxPoints)") {
			t.Errorf("%s: err = %v", name, err)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("%s: took %v", name, el)
		}
	}
	s := &Spec{Name: "big", Evaluator: "quad-test", Mode: "random", Samples: MaxPoints, Seeds: []uint64{1},
		Random: map[string]RandomRange{"g": {Min: 0, Max: 1}}}
	sc, err := SlurmScript(s, SlurmOptions{Shards: 100})
	if err != nil || !strings.Contains(sc, "1000000 points in 100 shards") {
		t.Errorf("SlurmScript: %v", err)
	}
}

func TestSpecNegativeSeedsAndNesting(t *testing.T) {
	for text, want := range map[string]string{
		"name = \"a\"\nevaluator = \"quad-test\"\nseeds = [1, -1]\n[grid]\ng = [1.0]\n":   "x.toml: sweep: seeds[1] = -1: must be >= 0",
		"name = \"a\"\nevaluator = \"quad-test\"\nsample_seed = -5\n[grid]\ng = [1.0]\n":  "x.toml: sweep: sample_seed = -5: must be >= 0",
		"x = " + strings.Repeat("{a=", 100000) + "1" + strings.Repeat("}", 100000) + "\n": "at most 64 levels deep",
	} {
		_, err := ParseSpec(text, "x.toml")
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

// TestSlurmTimeForms: every form of sbatch --time is accepted (120 minutes
// was refused: at most two digits were allowed), and nothing else.
func TestSlurmTimeForms(t *testing.T) {
	s, err := ParseSpec(gridSpec, "g.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		time string
		ok   bool
	}{
		{"120", true}, {"5", true}, {"30:00", true}, {"1440:30", true}, {"02:00:00", true}, {"100:00:00", true},
		{"1-12", true}, {"1-12:30", true}, {"1-00:00:00", true}, {"14-0:0:0", true}, {"INFINITE", true}, {"UNLIMITED", true},
		{"", true}, // the partition's default
		{"soon", false}, {"1:2:3:4", false}, {"1-2-3", false}, {"-5", false}, {"1-", false}, {":30", false},
		{"1h", false}, {" 120", false}, {"120\n#SBATCH --x", false}, {"1-2:3:4:5", false},
	} {
		_, err := SlurmScript(s, SlurmOptions{Shards: 2, Time: tc.time})
		if tc.ok && err != nil || !tc.ok && !errors.Is(err, param.ErrInvalid) {
			t.Errorf("--time %q: %v (want accepted: %v)", tc.time, err, tc.ok)
		}
	}
}
