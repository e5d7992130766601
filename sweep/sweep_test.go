package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/internal/buildinfo"
	"github.com/neurodyn/neurodyn/internal/param"
)

// quadEval is a deterministic test evaluator: loss = (g−2)² + p + seed/1000,
// counting its calls. With a non-zero delay it sleeps per point, so a child
// process can be killed mid-sweep.
type quadEval struct {
	calls  atomic.Int64
	checks atomic.Int64 // CheckPoint calls
	delay  time.Duration
}

func (q *quadEval) Name() string      { return "quad-test" }
func (q *quadEval) Describe() string  { return "test function" }
func (q *quadEval) Params() []string  { return []string{"g", "p", "n"} }
func (q *quadEval) Metrics() []string { return []string{"loss", "g2", "wall_s"} }
func (q *quadEval) Timings() []string { return []string{"wall_s"} }
func (q *quadEval) Evaluate(ctx context.Context, pt Point) (map[string]float64, error) {
	q.calls.Add(1)
	if q.delay > 0 {
		select {
		case <-time.After(q.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	t0 := time.Now()
	g, p := pt.Params["g"], pt.Params["p"]
	// wall_s differs from run to run: it must stay out of the CSV table.
	return map[string]float64{"loss": (g-2)*(g-2) + p + float64(pt.Seed)/1000, "g2": g * g,
		"wall_s": time.Since(t0).Seconds() + float64(time.Now().UnixNano()%1000)}, nil
}

// CheckPoint refuses p < 0 (PointChecker); it counts its calls in checks,
// not in calls.
func (q *quadEval) CheckPoint(pt Point) error {
	q.checks.Add(1)
	return param.NonNegative("quad-test", "p", pt.Params["p"])
}

var testEval = &quadEval{}

func TestMain(m *testing.M) {
	if os.Getenv("SWEEP_TEST_CHILD") != "" {
		testEval.delay = 20 * time.Millisecond
	}
	Register(testEval)
	if out := os.Getenv("SWEEP_TEST_CHILD"); out != "" {
		spec, err := ParseSpec(gridSpec, "child.toml")
		if err == nil {
			_, err = Run(context.Background(), spec, out, RunOptions{Workers: 2})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const gridSpec = `
name = "quad"
evaluator = "quad-test"
seeds = [1, 2]
objective = "loss"
[fixed]
n = 100
[grid]
g = [0.5, 1.0, 2.0, 4.0]
p = [0.1, 0.2, 0.3, 0.4]
`

func TestSpecPoints(t *testing.T) {
	s, err := ParseSpec(gridSpec, "g.toml")
	if err != nil {
		t.Fatal(err)
	}
	pts := s.Points()
	if len(pts) != 32 {
		t.Fatalf("%d points, want 4·4·2 = 32", len(pts))
	}
	// Deterministic order: g slowest, then p, then seed.
	if pts[0].Params["g"] != 0.5 || pts[0].Params["p"] != 0.1 || pts[0].Seed != 1 || pts[1].Seed != 2 ||
		pts[2].Params["p"] != 0.2 || pts[31].Params["g"] != 4 || pts[31].Params["n"] != 100 {
		t.Errorf("unexpected enumeration: %+v %+v %+v %+v", pts[0], pts[1], pts[2], pts[31])
	}
	keys := map[string]bool{}
	for i, p := range pts {
		if p.Index != i {
			t.Fatalf("point %d has index %d", i, p.Index)
		}
		keys[p.Key()] = true
	}
	if len(keys) != 32 {
		t.Error("point keys collide")
	}
	// Shards partition the points.
	seen := make([]int, 32)
	for k := 0; k < 5; k++ {
		for _, p := range pts {
			if (Shard{k, 5}).Has(p.Index) {
				seen[p.Index]++
			}
		}
	}
	for i, c := range seen {
		if c != 1 {
			t.Errorf("point %d in %d shards", i, c)
		}
	}

	r, err := ParseSpec(`name = "r"
evaluator = "quad-test"
mode = "random"
samples = 50
sample_seed = 3
[random.g]
min = 0.1
max = 10.0
log = true
[random.p]
min = 0.0
max = 1.0
`, "r.toml")
	if err != nil {
		t.Fatal(err)
	}
	a, b := r.Points(), r.Points()
	if len(a) != 50 {
		t.Fatalf("%d random points", len(a))
	}
	for i := range a {
		if a[i].Key() != b[i].Key() {
			t.Fatal("random points are not reproducible")
		}
		if g := a[i].Params["g"]; g < 0.1 || g > 10 {
			t.Errorf("g = %v out of range", g)
		}
	}
}

func TestSpecErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"unknown key", "name = \"a\"\nevaluator = \"quad-test\"\n[grid]\ng = [1.0]\n[gird]\nx = 1\n", `x.toml:5: sweep: unknown key = "gird"`},
		{"key case", "name = \"a\"\nEvaluator = \"quad-test\"\n[grid]\ng = [1.0]\n", `x.toml:2: sweep: unknown key = "Evaluator"`},
		{"table case", "name = \"a\"\nevaluator = \"quad-test\"\n[Grid]\ng = [1.0]\n", `x.toml:3: sweep: unknown key = "Grid"`},
		{"range key case", "name = \"a\"\nevaluator = \"quad-test\"\nmode = \"random\"\nsamples = 2\n[random.g]\nmin = 0.0\nMax = 1.0\n", `x.toml:7: sweep: unknown key = "random.g.Max"`},
		// A key whose name begins another's: matched by prefix, "seed"
		// landed on the line of "seeds" (line 3).
		{"key prefix of another", "name = \"x\"\nevaluator = \"quad-test\"\nseeds = [1]\nobjective = \"loss\"\nseed = 3\n[grid]\ng = [1.0]\n", `x.toml:5: sweep: unknown key = "seed"`},
		{"key in a table", "name = \"x\"\nevaluator = \"quad-test\"\nmode = \"random\"\nsamples = 2\n[random.h]\nmin = 0.0\nmax = 1.0\n[random.g]\nmin = 0.0\nma = 1.0\n", `x.toml:10: sweep: unknown key = "random.g.ma"`},
		{"dotted key", "name = \"x\"\nevaluator = \"quad-test\"\nmode = \"random\"\nsamples = 2\nrandom.g.min = 0.0\nrandom.g.max = 1.0\nrandom.g.mx = 1.0\n", `x.toml:7: sweep: unknown key = "random.g.mx"`},
		// name = ".." put spec.toml and points/ in the current directory
		// (sweeps/..) when --out was left out.
		{"name ..", "name = \"..\"\nevaluator = \"quad-test\"\n[grid]\ng = [1.0]\n", `sweep: name = ..: must be a non-empty name`},
		{"name .", "name = \".\"\nevaluator = \"quad-test\"\n[grid]\ng = [1.0]\n", `sweep: name = .: must be a non-empty name`},
		{"duplicate grid value", "name = \"a\"\nevaluator = \"quad-test\"\n[grid]\ng = [4.0, 1.0, 4.0]\n", "grid.g = 4 listed twice: must be distinct values"},
		{"samples in grid mode", "name = \"a\"\nevaluator = \"quad-test\"\nsamples = 8\n[grid]\ng = [1.0]\n", "samples = 8: must be absent in grid mode"},
		{"sample_seed in grid mode", "name = \"a\"\nevaluator = \"quad-test\"\nmode = \"grid\"\nsample_seed = 3\n[grid]\ng = [1.0]\n", "sample_seed = 3: must be absent in grid mode"},
		{"syntax", "name = \"a\nevaluator = \"quad-test\"\n", "x.toml:1: sweep: spec = "},
		{"type", "name = 3\nevaluator = \"quad-test\"\n[grid]\ng = [1.0]\n", "x.toml: sweep: spec = "},
		{"unknown evaluator", "name = \"a\"\nevaluator = \"nope\"\n[grid]\ng = [1.0]\n", "evaluator = nope"},
		{"unknown param", "name = \"a\"\nevaluator = \"quad-test\"\n[grid]\nq = [1.0]\n", "sweep: q = unknown parameter"},
		{"empty grid", "name = \"a\"\nevaluator = \"quad-test\"\n", "grid = empty"},
		{"bad mode", "name = \"a\"\nevaluator = \"quad-test\"\nmode = \"x\"\n", `mode = x: must be "grid" or "random"`},
		{"bad range", "name = \"a\"\nevaluator = \"quad-test\"\nmode = \"random\"\nsamples = 2\n[random.g]\nmin = 2.0\nmax = 1.0\n", "random.g = [2, 1]"},
		{"log min", "name = \"a\"\nevaluator = \"quad-test\"\nmode = \"random\"\nsamples = 2\n[random.g]\nmin = 0.0\nmax = 1.0\nlog = true\n", "random.g.min = 0"},
		{"fixed and swept", "name = \"a\"\nevaluator = \"quad-test\"\n[fixed]\ng = 1.0\n[grid]\ng = [1.0]\n", "fixed.g"},
		{"objective", "name = \"a\"\nevaluator = \"quad-test\"\nobjective = \"acc\"\n[grid]\ng = [1.0]\n", "objective = acc"},
		{"dup seeds", "name = \"a\"\nevaluator = \"quad-test\"\nseeds = [1, 1]\n[grid]\ng = [1.0]\n", "seeds"},
		{"unknown evaluator, no grid", "name = \"a\"\nevaluator = \"nope\"\n", "evaluator = nope: must be one of"},
		{"no evaluator", "name = \"a\"\n[grid]\ng = [1.0]\n", `evaluator = "": must be one of`},
		{"bad grid value", "name = \"a\"\nevaluator = \"quad-test\"\nseeds = [1, 2]\n[grid]\ng = [1.0, 2.0]\np = [0.5, -1.0]\n",
			"point 2 (g = 1, p = -1, seed 1): quad-test: p = -1: must be finite and >= 0"},
		{"bad fixed value", "name = \"a\"\nevaluator = \"quad-test\"\n[fixed]\np = -2.0\n[grid]\ng = [1.0]\n", "point 0 (g = 1, seed 1): quad-test: p = -2"},
		{"bad random value", "name = \"a\"\nevaluator = \"quad-test\"\nmode = \"random\"\nsamples = 3\n[random.p]\nmin = -1.0\nmax = -0.5\n", "quad-test: p = -0."},
	}
	calls := testEval.calls.Load()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseSpec(c.text, "x.toml")
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	if n := testEval.calls.Load() - calls; n != 0 {
		t.Errorf("validating the specs evaluated %d points", n)
	}
	if _, err := ParseShard("4/4"); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("ParseShard(4/4) = %v", err)
	}
	if sh, err := ParseShard("3/8"); err != nil || sh != (Shard{3, 8}) {
		t.Errorf("ParseShard(3/8) = %v, %v", sh, err)
	}
}

// TestShardedEqualsLocal runs the sweep once locally and once as four
// shards in another directory: the merged tables are byte-identical.
func TestShardedEqualsLocal(t *testing.T) {
	s, _ := ParseSpec(gridSpec, "g.toml")
	local, sharded := t.TempDir(), t.TempDir()
	if _, err := Run(context.Background(), s, local, RunOptions{Workers: 3}); err != nil {
		t.Fatal(err)
	}
	for k := 3; k >= 0; k-- { // any order
		st, err := Run(context.Background(), s, sharded, RunOptions{Shard: Shard{k, 4}, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if st.InShard != 8 || st.Evaluated != 8 {
			t.Errorf("shard %d: %+v", k, st)
		}
	}
	ta, err := Merge(local, false)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Merge(sharded, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ta.CSV(), tb.CSV()) {
		t.Errorf("sharded table differs from local:\n%s\nvs\n%s", ta.CSV(), tb.CSV())
	}
	if len(tb.TimingNames) != 1 || tb.TimingNames[0] != "wall_s" || strings.Contains(string(tb.CSV()), "wall_s") {
		t.Errorf("timings %v leaked into the CSV or were lost", tb.TimingNames)
	}
	for _, f := range []string{"sweep.csv", "summary.png"} {
		if _, err := os.Stat(filepath.Join(sharded, f)); err != nil {
			t.Error(err)
		}
	}
	best, ok := tb.Best()
	if !ok || best.Params["g"] != 2 || best.Params["p"] != 0.1 || best.Seed != 1 {
		t.Errorf("best point %+v", best)
	}
	if math.Abs(best.Metrics["loss"]-0.101) > 1e-12 {
		t.Errorf("best loss %v", best.Metrics["loss"])
	}
	// A different sweep in the same directory is refused.
	other, _ := ParseSpec(strings.Replace(gridSpec, "p = [0.1", "p = [0.15", 1), "o.toml")
	if _, err := Run(context.Background(), other, sharded, RunOptions{}); err == nil {
		t.Error("a different spec reused a results directory")
	}
}

// TestResumeAfterKill kills a child process running the sweep at random
// moments and reruns it: only the missing points are evaluated, and the
// result equals an uninterrupted run.
func TestResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	s, _ := ParseSpec(gridSpec, "g.toml")
	ref := t.TempDir()
	if _, err := Run(context.Background(), s, ref, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	want, _ := Merge(ref, false)
	for trial, wait := range []time.Duration{60, 150, 230} {
		out := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SWEEP_TEST_CHILD="+out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a moment measured from the child's start of work (its
		// claim of the directory), whatever the machine's load.
		for i := 0; i < 1000; i++ {
			if _, err := os.Stat(filepath.Join(out, specFile)); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(wait * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		before, err := Collect(out)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		done := len(before.Rows)
		testEval.calls.Store(0)
		st, err := Run(context.Background(), s, out, RunOptions{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if st.Skipped != done || st.Evaluated != 32-done || testEval.calls.Load() != int64(32-done) {
			t.Errorf("trial %d: %d points survived the kill; rerun %+v with %d calls", trial, done, st, testEval.calls.Load())
		}
		got, err := Merge(out, false)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.CSV(), want.CSV()) {
			t.Errorf("trial %d: resumed sweep differs from an uninterrupted one", trial)
		}
		t.Logf("killed after %v ms with %d/32 points done", int(wait), done)
	}
}

func TestMergeMissing(t *testing.T) {
	s, _ := ParseSpec(gridSpec, "g.toml")
	out := t.TempDir()
	if _, err := Run(context.Background(), s, out, RunOptions{Shard: Shard{1, 4}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(out, false); err == nil || !strings.Contains(err.Error(), "24 of 32 points have no result") {
		t.Errorf("merge of a partial sweep: %v", err)
	}
	tb, err := Merge(out, true)
	if err != nil || len(tb.Rows) != 8 || len(tb.Missing) != 24 {
		t.Errorf("partial merge: %v rows %d missing %d", err, len(tb.Rows), len(tb.Missing))
	}
}

func TestSlurmScript(t *testing.T) {
	s, _ := ParseSpec(gridSpec, "g.toml")
	sc, err := SlurmScript(s, SlurmOptions{Binary: "/opt/nd/neurodyn", SpecPath: "/data/s.toml", Out: "/scratch/out", Shards: 4,
		CPUsPerTask: 2, Time: "01:00:00", Partition: "short", MaxParallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"#SBATCH --array=0-3%2", "#SBATCH --cpus-per-task=2", "#SBATCH --time=01:00:00",
		"#SBATCH --partition=short", "--shard ${SLURM_ARRAY_TASK_ID}/4", "/opt/nd/neurodyn sweep run - --out /scratch/out",
		"# The spec is /data/s.toml as it was validated when this script was made (sha256 " + digest(gridSpec) + "),",
		"#SBATCH --requeue", "sweep merge --out /scratch/out"} {
		if !strings.Contains(sc, w) {
			t.Errorf("script lacks %q:\n%s", w, sc)
		}
	}
	if strings.Contains(sc, "MaxArraySize") || SlurmArrayWarning(1001) != "" {
		t.Errorf("a warning for an array within Slurm's default MaxArraySize:\n%s", sc)
	}
	for _, bad := range []SlurmOptions{{Shards: 0}, {Shards: 33}, {Shards: 2, Time: "soon"}} {
		if _, err := SlurmScript(s, bad); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("SlurmScript(%+v) = %v, want a param error", bad, err)
		}
	}
}

// TestGoBuiltSpec runs specs built in Go (Text empty): Run stores their
// canonical TOML encoding, which parses back to the same spec, a second run
// of the same spec resumes, a different spec is refused, and Merge works. It
// stored an empty spec.toml, and Run failed with "no longer parses".
func TestGoBuiltSpec(t *testing.T) {
	grid := func() *Spec {
		s := &Spec{Name: "go-grid", Evaluator: "quad-test", Seeds: []uint64{1, 2}, Objective: "loss",
			Fixed: map[string]float64{"n": 100}, Grid: map[string][]float64{"g": {0.5, 2, 1e-300}, "p": {0.1, 0.25}}}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	random := &Spec{Name: "go-random", Evaluator: "quad-test", Mode: "random", Samples: 5, SampleSeed: 9,
		Random: map[string]RandomRange{"g": {Min: 0.1, Max: 10, Log: true}, "p": {Min: 0, Max: 3, Integer: true}}}
	for _, s := range []*Spec{grid(), random} {
		t.Run(s.Name, func(t *testing.T) {
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			n := len(s.Points())
			st, err := Run(context.Background(), s, out, RunOptions{Workers: 2})
			if err != nil || st.Evaluated != n {
				t.Fatalf("first run: %+v, %v; want %d points evaluated", st, err, n)
			}
			if s.Text != "" {
				t.Errorf("Run set Text to %q", s.Text)
			}
			stored, err := LoadSpec(filepath.Join(out, specFile))
			if err != nil {
				t.Fatal(err)
			}
			if !sameSpec(stored, s) || !sameSweep(stored, s) {
				t.Errorf("stored spec %+v, want %+v", stored, s)
			}
			st, err = Run(context.Background(), s, out, RunOptions{Workers: 2})
			if err != nil || st.Skipped != n || st.Evaluated != 0 {
				t.Errorf("second run: %+v, %v; want all %d points skipped", st, err, n)
			}
			tb, err := Merge(out, false)
			if err != nil || len(tb.Rows) != n {
				t.Fatalf("merge: %v", err)
			}
		})
	}
	// A different Go-built spec on the same directory is refused.
	out := t.TempDir()
	if _, err := Run(context.Background(), grid(), out, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	other := grid()
	other.Grid["p"] = []float64{0.1, 0.3}
	if _, err := Run(context.Background(), other, out, RunOptions{}); err == nil || !strings.Contains(err.Error(), "different sweep") {
		t.Errorf("different Go-built spec: %v, want a refusal", err)
	}
	// A spec TOML cannot hold (seeds are int64 in TOML) fails clearly and
	// claims nothing.
	huge := grid()
	huge.Seeds = []uint64{math.MaxUint64}
	out = t.TempDir()
	if _, err := Run(context.Background(), huge, out, RunOptions{}); err == nil || !strings.Contains(err.Error(), "cannot be stored as TOML") {
		t.Errorf("seed above MaxInt64: %v, want a TOML error", err)
	}
	// So is a spec whose defaults Validate has not filled in.
	raw := &Spec{Name: "raw", Evaluator: "quad-test", Grid: map[string][]float64{"g": {1}}}
	if _, err := Run(context.Background(), raw, out, RunOptions{}); err == nil || !strings.Contains(err.Error(), "not been validated") {
		t.Errorf("spec without Validate: %v, want an error saying so", err)
	}
	if _, err := os.Stat(filepath.Join(out, specFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("spec.toml after failed encodings: %v", err)
	}
}

// TestPointsCheckedOnce: loading a spec checks each configuration once,
// not once per seed, and Run checks none again (it compared the stored spec
// after parsing it with every check: every array task validated its sweep
// twice, 31.7 s before the first point of a 100,000-point NVAR sweep).
func TestPointsCheckedOnce(t *testing.T) {
	c0 := testEval.checks.Load()
	spec, err := ParseSpec(gridSpec, "g.toml") // 16 configurations, 2 seeds
	if err != nil {
		t.Fatal(err)
	}
	if n := testEval.checks.Load() - c0; n != 16 {
		t.Errorf("ParseSpec: %d CheckPoint calls, want 16 (one per configuration)", n)
	}
	out := t.TempDir()
	for run := 0; run < 2; run++ { // claims the directory, then finds it claimed
		c0 = testEval.checks.Load()
		if _, err := Run(context.Background(), spec, out, RunOptions{Workers: 1}); err != nil {
			t.Fatal(err)
		}
		if n := testEval.checks.Load() - c0; n != 0 {
			t.Errorf("Run %d: %d CheckPoint calls, want 0 (the spec was checked when loaded)", run, n)
		}
	}
	other := strings.Replace(gridSpec, "p = [0.1, 0.2, 0.3, 0.4]", "p = [0.1, 0.2, 0.3, 0.5]", 1)
	o, err := ParseSpec(other, "o.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), o, out, RunOptions{Workers: 1}); err == nil || !strings.Contains(err.Error(), "holds results of a different sweep") {
		t.Fatalf("a different sweep in the same directory: %v", err)
	}
}

// TestMergeRefusesMixedBuilds: every point records the neurodyn build that
// computed it, and Merge refuses points of different builds (a rebuild
// between a preemption and the requeue merged two versions silently)
// unless AllowMixedBuilds, which keeps them, listed.
func TestMergeRefusesMixedBuilds(t *testing.T) {
	spec, err := ParseSpec(gridSpec, "g.toml")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := Run(context.Background(), spec, out, RunOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	tb, err := Merge(out, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Builds) != 1 || tb.Builds[0] != Build() || !strings.HasPrefix(Build(), buildinfo.Version+" ") {
		t.Fatalf("builds %q, want [%q]", tb.Builds, Build())
	}
	// Point 5 from another build, point 7 from before builds were recorded.
	for i, b := range map[int]string{5: "0.0.9 0123abc", 7: ""} {
		r, err := readPoint(out, i)
		if err != nil {
			t.Fatal(err)
		}
		r.Build = b
		if err := writePoint(out, r); err != nil {
			t.Fatal(err)
		}
	}
	_, err = Merge(out, true)
	for _, want := range []string{"3 different neurodyn builds", "0.0.9 0123abc: 1 points (000005.json)", "an unrecorded build",
		Build() + ": 30 points (000000.json, 000001.json, 000002.json, …)", "--allow-mixed-builds"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("merge of mixed builds: %v, want it to say %q", err, want)
		}
	}
	tb, err = MergeWith(out, MergeOptions{AllowMixedBuilds: true})
	if err != nil || len(tb.Rows) != 32 || len(tb.Builds) != 3 || tb.Builds[0] != "" {
		t.Fatalf("merge allowing mixed builds: %v, builds %q", err, tb.Builds)
	}
}

// TestSlurmArraySize: sweep slurm --shards 1500 wrote --array=0-1499,
// which sbatch refuses under Slurm's default MaxArraySize (1001), and
// nothing warned; the script and the CLI now carry the warning.
func TestSlurmArraySize(t *testing.T) {
	var vals []string
	for i := 0; i < 1500; i++ {
		vals = append(vals, fmt.Sprint(i))
	}
	s, err := ParseSpec("name = \"big\"\nevaluator = \"quad-test\"\n[grid]\ng = ["+strings.Join(vals, ", ")+"]\n", "big.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, shards := range []int{1001, 1002, 1500} {
		sc, err := SlurmScript(s, SlurmOptions{Shards: shards})
		if err != nil {
			t.Fatal(err)
		}
		warn := SlurmArrayWarning(shards)
		if (shards > 1001) != strings.Contains(sc, "# WARNING: --shards") || (shards > 1001) != (warn != "") {
			t.Errorf("--shards %d: warning %q, script:\n%s", shards, warn, sc[:400])
		}
		if shards == 1500 && !strings.Contains(warn, "array indices 0-1499, beyond Slurm's default MaxArraySize (1001: indices up to 1000)") {
			t.Errorf("warning %q", warn)
		}
	}
}
