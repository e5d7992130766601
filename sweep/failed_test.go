package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// failEval is a test evaluator without a PointChecker that fails on g = 3
// (unless fixed) with a param error, and otherwise returns loss = g.
type failEval struct {
	calls atomic.Int64
	fixed atomic.Bool
}

func (f *failEval) Name() string      { return "fail-test" }
func (f *failEval) Describe() string  { return "fails on g = 3" }
func (f *failEval) Params() []string  { return []string{"g"} }
func (f *failEval) Metrics() []string { return []string{"loss"} }
func (f *failEval) Evaluate(ctx context.Context, pt Point) (map[string]float64, error) {
	f.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if g := pt.Params["g"]; g == 3 && !f.fixed.Load() {
		return nil, param.New("fail-test", "g", g, "not 3")
	}
	return map[string]float64{"loss": pt.Params["g"] + float64(pt.Seed)/10}, nil
}

var failTestEval = &failEval{}

func init() { Register(failTestEval) }

const failSpec = `name = "failing"
evaluator = "fail-test"
seeds = [1, 2]
objective = "loss"
[grid]
g = [1.0, 2.0, 3.0, 4.0, 5.0]
`

// TestRunFailedPoint: a point the evaluator fails on (a value no check
// refused before the sweep ran) stopped its whole shard, cancelling the
// points other workers were computing, and every rerun stopped at it again.
// Now it is stored as failed with its error, every other point is computed,
// Run's error counts the failures and wraps the first; a rerun skips the
// failed points (RetryFailed evaluates them again); Merge lists them and
// leaves them out of the table and the ranking.
func TestRunFailedPoint(t *testing.T) {
	spec, err := ParseSpec(failSpec, "failing.toml")
	if err != nil {
		t.Fatal(err)
	}
	failTestEval.fixed.Store(false)
	defer failTestEval.fixed.Store(false)
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			out := t.TempDir()
			failTestEval.fixed.Store(false)
			st, err := Run(context.Background(), spec, out, RunOptions{Workers: workers})
			if err == nil || !errors.Is(err, param.ErrInvalid) ||
				!strings.Contains(err.Error(), "2 of the 10 points evaluated failed") ||
				!strings.Contains(err.Error(), "(the first, point 4 map[g:3] seed 1: fail-test: g = 3: must be not 3)") {
				t.Fatalf("Run: %v, want the failures counted and the first wrapped", err)
			}
			if st.Evaluated != 8 || st.Failed != 2 {
				t.Fatalf("Run: %+v, want 8 evaluated and 2 failed", st)
			}
			for i := 0; i < 10; i++ {
				r, err := readPoint(out, i)
				if err != nil {
					t.Fatalf("point %d: %v", i, err)
				}
				if failed := i == 4 || i == 5; failed != (r.Error != "") || failed != (r.Metrics == nil) {
					t.Errorf("point %d: error %q, metrics %v", i, r.Error, r.Metrics)
				}
				if r.Error != "" && (r.Build != Build() || r.Key == "" || r.Error != "fail-test: g = 3: must be not 3") {
					t.Errorf("point %d: stored failure %+v", i, r)
				}
			}
			calls := failTestEval.calls.Load()
			st, err = Run(context.Background(), spec, out, RunOptions{Workers: workers})
			if err != nil || st.Skipped != 8 || st.FailedEarlier != 2 || st.Evaluated+st.Failed != 0 || failTestEval.calls.Load() != calls {
				t.Fatalf("rerun: %+v, %v, %d evaluations; want the failed points skipped", st, err, failTestEval.calls.Load()-calls)
			}
			tab, err := Merge(out, false)
			if err != nil {
				t.Fatalf("Merge: %v", err)
			}
			if len(tab.Rows) != 8 || len(tab.Failed) != 2 || tab.Failed[0].Index != 4 || tab.Failed[1].Index != 5 || len(tab.Missing) != 0 {
				t.Fatalf("Merge: %d rows, failed %v, missing %v", len(tab.Rows), tab.Failed, tab.Missing)
			}
			if s := tab.FailedSummary(); !strings.Contains(s, "2 of 10 points failed and are left out") || !strings.Contains(s, "000004.json: fail-test: g = 3") {
				t.Errorf("FailedSummary: %q", s)
			}
			if best, ok := tab.Best(); !ok || best.Index != 0 {
				t.Errorf("Best: %+v", best)
			}
			csv, _ := os.ReadFile(filepath.Join(out, "sweep.csv"))
			if n := strings.Count(string(csv), "\n"); n != 9 || strings.Contains(string(csv), "\n4,") {
				t.Errorf("sweep.csv has %d lines (want a header and 8 rows):\n%s", n, csv)
			}
			if f, err := export.Open(filepath.Join(out, "sweep.h5")); err == nil {
				g, err := f.OpenGroup("sweep/failed")
				if err != nil {
					t.Fatal(err)
				}
				errs, err := export.ReadStrings(g, "error")
				if err != nil || len(errs) != 2 || errs[0] != "fail-test: g = 3: must be not 3" {
					t.Errorf("sweep.h5 sweep/failed/error: %q, %v", errs, err)
				}
				f.Close()
			} else if !errors.Is(err, export.ErrNoHDF5) {
				t.Fatal(err)
			}
			// Asked to, a rerun evaluates the failed points again: still
			// failing, then (after a fix) computed.
			st, err = Run(context.Background(), spec, out, RunOptions{Workers: workers, RetryFailed: true})
			if err == nil || st.Failed != 2 || st.Skipped != 8 {
				t.Fatalf("retry: %+v, %v", st, err)
			}
			failTestEval.fixed.Store(true)
			st, err = Run(context.Background(), spec, out, RunOptions{Workers: workers, RetryFailed: true})
			if err != nil || st.Evaluated != 2 || st.Failed != 0 {
				t.Fatalf("retry after the fix: %+v, %v", st, err)
			}
			if tab, err = Merge(out, false); err != nil || len(tab.Rows) != 10 || len(tab.Failed) != 0 {
				t.Fatalf("Merge after the retry: %v, %d rows, %d failed", err, len(tab.Rows), len(tab.Failed))
			}
		})
	}
	// A cancelled evaluation is an interruption, not a failure: nothing is
	// stored for it, and the next run evaluates it.
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, spec, out, RunOptions{Workers: 2}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Run: %v", err)
	}
	ents, _ := os.ReadDir(filepath.Join(out, "points"))
	if len(ents) != 0 {
		t.Errorf("a cancelled run stored %d points", len(ents))
	}
}

// TestRunUnwritableOut: with a results directory where point files cannot
// be written, Run computed a point in every worker before it found out
// (up to one point per worker lost on a cluster); it now fails before
// evaluating anything.
func TestRunUnwritableOut(t *testing.T) {
	spec, err := ParseSpec(failSpec, "failing.toml")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	points := filepath.Join(out, "points")
	if os.Geteuid() == 0 {
		// Root writes through permissions: point points/ at a directory
		// no one can create files in.
		if fi, err := os.Stat("/proc/self"); err != nil || !fi.IsDir() {
			t.Skip("running as root without /proc")
		}
		if err := os.Symlink("/proc/self", points); err != nil {
			t.Fatal(err)
		}
	} else {
		if err := os.Mkdir(points, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(points, 0o755)
	}
	calls := failTestEval.calls.Load()
	_, err = Run(context.Background(), spec, out, RunOptions{Workers: 2})
	if err == nil || !strings.Contains(err.Error(), "results cannot be written in "+points) {
		t.Fatalf("Run: %v, want the unwritable directory named", err)
	}
	if n := failTestEval.calls.Load() - calls; n != 0 {
		t.Errorf("%d points evaluated before the unwritable directory was found", n)
	}
}

// TestMergeProvenance: sweep.h5's root git_revision and hostname were the
// merging binary's and host's (a merge by revision 1111… wrote
// git_revision 1111… although sweep/build showed ffe6… computed every
// row). They are now the points' build and host, and the merge's are
// recorded apart.
func TestMergeProvenance(t *testing.T) {
	spec, err := ParseSpec(gridSpec, "g.toml")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := Run(context.Background(), spec, out, RunOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	const computed = "0.1.0 ffe6f2bc00000000000000000000000000000000"
	restamp := func(i int, build, host string) {
		r, err := readPoint(out, i)
		if err != nil {
			t.Fatal(err)
		}
		r.Build, r.Host = build, host
		if err := writePoint(out, r); err != nil {
			t.Fatal(err)
		}
	}
	for i := range spec.Points() {
		restamp(i, computed, "node1")
	}
	read := func() (export.Provenance, string) {
		t.Helper()
		f, err := export.Open(filepath.Join(out, "sweep.h5"))
		if errors.Is(err, export.ErrNoHDF5) {
			t.Skip("built without HDF5")
		}
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		p, err := export.ReadProvenance(f)
		if err != nil {
			t.Fatal(err)
		}
		mb, err := export.StringAttr(f, "merge_build")
		if err != nil {
			t.Fatal(err)
		}
		return p, mb
	}
	if _, err := Merge(out, false); err != nil {
		t.Fatal(err)
	}
	p, mb := read()
	if p.Version != "0.1.0" || p.Revision != "ffe6f2bc00000000000000000000000000000000" || p.Host != "node1" || mb != Build() {
		t.Errorf("one build: version %q, revision %q, host %q, merge_build %q; want the points' and %q", p.Version, p.Revision, p.Host, mb, Build())
	}
	restamp(3, "0.1.0 1111111111111111111111111111111111111111", "node2")
	if _, err := MergeWith(out, MergeOptions{AllowMixedBuilds: true}); err != nil {
		t.Fatal(err)
	}
	if p, _ := read(); p.Revision != "several: see sweep/build" || p.Host != "several: see sweep/host" {
		t.Errorf("mixed builds: revision %q, host %q", p.Revision, p.Host)
	}
}
