package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/neurodyn/neurodyn/internal/atomicfile"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
	"github.com/neurodyn/neurodyn/internal/param"
)

// PointResult is the stored result of one point: points/<index>.json.
type PointResult struct {
	Index   int                `json:"index"`
	Key     string             `json:"key"`
	Params  map[string]float64 `json:"params"`
	Seed    uint64             `json:"seed"`
	Metrics map[string]float64 `json:"metrics"`
	// Timings are the evaluator's wall-clock metrics (see Timed).
	Timings  map[string]float64 `json:"timings,omitempty"`
	Seconds  float64            `json:"seconds"`
	Host     string             `json:"host"`
	Shard    string             `json:"shard"`
	Finished time.Time          `json:"finished"`
	// Build is the neurodyn build that computed the point: its version and
	// VCS revision, "0.1.0 <revision>[+dirty][ exe:<digest>]" (Build()); empty in points
	// stored before builds were recorded. Merge refuses points of different
	// builds unless told otherwise (MergeOptions.AllowMixedBuilds).
	Build string `json:"build,omitempty"`
	// Error is set, and Metrics nil, when the evaluator failed on the
	// point: its message. A failed point is a stored outcome like a result:
	// Run does not evaluate it again unless RunOptions.RetryFailed, and
	// Merge lists it (Table.Failed) and leaves it out of the table and the
	// ranking.
	Error string `json:"error,omitempty"`
}

// Build returns the identifier of this neurodyn build stored with every
// point: buildinfo.ID, the version and revision, plus the executable's
// digest when the revision is "unknown" (built without VCS information) or
// "+dirty", so that two such builds of different sources are told apart.
func Build() string { return buildinfo.ID() }

// RunOptions control Run.
type RunOptions struct {
	// Shard restricts the run to one shard (zero value: every point).
	Shard Shard
	// Workers is the number of points evaluated at once (0: GOMAXPROCS).
	// Results do not depend on it.
	Workers int
	// Log receives progress (nil: none); Progress draws a bar on it.
	Log      io.Writer
	Progress bool
	// RetryFailed evaluates again the points whose stored outcome is a
	// failure (PointResult.Error), e.g. after a fix or with another build;
	// without it they are skipped like finished points. Evaluators are
	// deterministic, so the same build fails on them again.
	RetryFailed bool
}

// RunStats says what a Run did: of the shard's points (InShard), Skipped
// had a stored result and FailedEarlier a stored failure (skipped unless
// RunOptions.RetryFailed); of those it evaluated, Evaluated succeeded and
// Failed failed (their failures are stored).
type RunStats struct {
	Points, InShard, Skipped, Evaluated int
	Failed, FailedEarlier               int
	// Notes are things the user should know that are no error (the CLI
	// prints them even with --quiet): an objective that differs from the
	// one stored with the results, which Merge ranks by.
	Notes []string
}

const specFile = "spec.toml"

// Run evaluates the points of spec that belong to the shard and have no
// stored result yet, writing each result atomically to
// out/points/<index>.json as soon as it is finished. A killed or requeued
// run therefore resumes without losing or duplicating points.
//
// A point the evaluator fails on is stored as failed, with its error
// (PointResult.Error), and the other points are still evaluated; Run then
// returns an error counting the failures and wrapping the first (by index).
// A later Run skips failed points unless o.RetryFailed. An error writing a
// result, or ctx being done, stops every worker: the points being computed
// are lost and the next run evaluates them (a cancelled evaluation is not a
// failure). The first run
// stores the spec as out/spec.toml (see Spec.Text); a later run with a
// different sweep in the same directory (another name, evaluator, number of
// points, or any point's parameters or seed) is refused. A spec differing
// only in what does not change the points (the objective, comments) is
// accepted, and the stored spec stays the one Merge uses; a differing
// objective is said in RunStats.Notes.
func Run(ctx context.Context, spec *Spec, out string, o RunOptions) (RunStats, error) {
	var st RunStats
	ev, ok := Lookup(spec.Evaluator)
	if !ok {
		return st, param.New("sweep", "evaluator", spec.Evaluator, "a registered evaluator")
	}
	if o.Shard.N == 0 {
		o.Shard = Shard{0, 1}
	}
	if err := os.MkdirAll(filepath.Join(out, "points"), 0o755); err != nil {
		return st, fmt.Errorf("sweep: %w", err)
	}
	kept, err := claimSpec(out, spec)
	if err != nil {
		return st, err
	}
	if kept.Objective != spec.Objective {
		none := func(s string) string {
			if s == "" {
				return "none"
			}
			return strconv.Quote(s)
		}
		st.Notes = append(st.Notes, fmt.Sprintf("the spec's objective (%s) differs from the one stored with the results in %s (%s), which sweep merge ranks by; the points do not depend on it, so they are kept: to rank by %s, set objective in that file",
			none(spec.Objective), filepath.Join(out, specFile), none(kept.Objective), none(spec.Objective)))
	}
	// A directory where results cannot be written fails now, not after
	// every worker has computed a point.
	if err := checkWritable(filepath.Join(out, "points")); err != nil {
		return st, err
	}
	pts := spec.Points()
	st.Points = len(pts)
	var todo []Point
	for _, p := range pts {
		if !o.Shard.Has(p.Index) {
			continue
		}
		st.InShard++
		if r, err := readPoint(out, p.Index); err == nil && stored(r, p) {
			st.Skipped++
			continue
		} else if err == nil && storedFailure(r, p) && !o.RetryFailed {
			st.FailedEarlier++
			continue
		}
		todo = append(todo, p)
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(1, len(todo)))
	var bar *progressbar.ProgressBar
	if o.Progress && o.Log != nil && len(todo) > 0 {
		bar = progressbar.NewOptions(len(todo), progressbar.OptionSetWriter(o.Log),
			progressbar.OptionSetDescription(fmt.Sprintf("sweep %s shard %d/%d", spec.Name, o.Shard.K, o.Shard.N)),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
	} else if o.Log != nil {
		failed := ""
		if st.FailedEarlier > 0 {
			failed = fmt.Sprintf(", %d failed earlier (not retried without --retry-failed)", st.FailedEarlier)
		}
		fmt.Fprintf(o.Log, "sweep %s: shard %d/%d: %d points, %d done earlier%s, %d to run with %d workers\n",
			spec.Name, o.Shard.K, o.Shard.N, st.InShard, st.Skipped, failed, len(todo), workers)
	}
	host, _ := os.Hostname()
	build := Build()
	jobs := make(chan Point)
	errc := make(chan error, workers)
	var done sync.WaitGroup
	var mu sync.Mutex
	firstFailed, firstErr := -1, error(nil) // the failure of the lowest index
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < workers; w++ {
		done.Add(1)
		go func() {
			defer done.Done()
			for p := range jobs {
				t0 := time.Now()
				m, err := ev.Evaluate(ctx, p)
				if err != nil && ctx.Err() != nil {
					return // interrupted, not failed: the next run evaluates it
				}
				res := PointResult{Index: p.Index, Key: p.Key(), Params: p.Params, Seed: p.Seed,
					Seconds: time.Since(t0).Seconds(), Host: host, Shard: fmt.Sprintf("%d/%d", o.Shard.K, o.Shard.N),
					Finished: time.Now().UTC(), Build: build}
				if err != nil {
					res.Error = err.Error()
				} else {
					res.Metrics, res.Timings = m, splitTimings(ev, m)
				}
				if err := writePoint(out, res); err != nil {
					errc <- err
					cancel()
					return
				}
				mu.Lock()
				if err != nil {
					st.Failed++
					if firstFailed < 0 || p.Index < firstFailed {
						firstFailed = p.Index
						firstErr = fmt.Errorf("point %d %v seed %d: %w", p.Index, p.Params, p.Seed, err)
					}
				} else {
					st.Evaluated++
				}
				if bar != nil {
					bar.Add(1)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, p := range todo {
		select {
		case jobs <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	done.Wait()
	select {
	case err := <-errc:
		return st, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	if st.Failed > 0 {
		return st, fmt.Errorf("sweep: %d of the %d points evaluated failed, each recorded with its error in %s (the first, %w); the other %d were computed and stored; `sweep merge` lists the failed points and leaves them out; to evaluate them again (after a fix), rerun with --retry-failed",
			st.Failed, st.Failed+st.Evaluated, filepath.Join(out, "points"), firstErr, st.Evaluated)
	}
	return st, nil
}

// checkWritable creates and removes a temporary file in dir (a name
// Collect ignores), returning the error of a directory where point files
// cannot be written.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".writable-*")
	if err != nil {
		return fmt.Errorf("sweep: results cannot be written in %s: %w", dir, err)
	}
	name := f.Name()
	err = f.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("sweep: results cannot be written in %s: %w", dir, err)
	}
	return nil
}

// splitTimings moves the evaluator's timing metrics out of m.
func splitTimings(ev Evaluator, m map[string]float64) map[string]float64 {
	t, ok := ev.(Timed)
	if !ok {
		return nil
	}
	out := map[string]float64{}
	for _, k := range t.Timings() {
		if v, ok := m[k]; ok {
			out[k] = v
			delete(m, k)
		}
	}
	return out
}

// claimSpec stores the spec in out, or checks that the stored one is the
// same sweep. The spec file is created exclusively (atomicfile.Create), so
// of runs of different specs starting at once on a fresh directory exactly
// one claims it and the others are refused.
func claimSpec(out string, spec *Spec) (*Spec, error) {
	path := filepath.Join(out, specFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		text, terr := spec.text()
		if terr != nil {
			return nil, terr
		}
		cerr := atomicfile.Create(path, func(w io.Writer) error {
			_, err := io.WriteString(w, text)
			return err
		})
		if cerr != nil && !errors.Is(cerr, os.ErrExist) {
			return nil, fmt.Errorf("sweep: %w", cerr)
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return checkStored(out, path, b, spec)
}

// CheckOut returns the error Run would return because out holds the
// results of a different sweep than spec (or a stored spec that no longer
// parses), without claiming out or creating anything: nil when out or its
// spec file does not exist yet, or holds the same sweep. `neurodyn sweep
// slurm` calls it before writing a job whose every task would fail.
func CheckOut(out string, spec *Spec) error {
	path := filepath.Join(out, specFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	_, err = checkStored(out, path, b, spec)
	return err
}

// checkStored compares the spec stored in out (its text b, read from path)
// with spec, and returns the stored spec.
func checkStored(out, path string, b []byte, spec *Spec) (*Spec, error) {
	// The stored spec is compared point by point with spec, which passed
	// the evaluator's checks: checking its points again would double the
	// startup of every array task.
	stored, err := parseSpec(string(b), path, false)
	if err != nil {
		return nil, fmt.Errorf("sweep: the spec stored in %s no longer parses: %w", out, err)
	}
	if !sameSweep(stored, spec) {
		return nil, fmt.Errorf("sweep: %s holds results of a different sweep (%s); use another --out or delete it", out, path)
	}
	return stored, nil
}

// sameSweep reports whether a and b have the same name, evaluator and
// points (the same parameter values, bit for bit, and seeds, in the same
// order: the points' keys are equal). The values are compared directly:
// hashing every point's key of both specs took 3.7 s of the 5.8 s
// before the first point of a 10^6-point sweep.
func sameSweep(a, b *Spec) bool {
	if a.Name != b.Name || a.Evaluator != b.Evaluator {
		return false
	}
	na, erra := a.NumPoints()
	nb, errb := b.NumPoints()
	if erra != nil || errb != nil || na != nb {
		return false
	}
	pa := a.Points()
	same, i := true, 0
	b.eachPoint(func(p Point) bool {
		q := pa[i]
		i++
		same = p.Seed == q.Seed && maps.EqualFunc(p.Params, q.Params, func(x, y float64) bool {
			return math.Float64bits(x) == math.Float64bits(y)
		})
		return same
	})
	return same && i == na
}

// stored reports whether r, read from p's file, is p's result (the same
// test Collect applies before merging it).
func stored(r PointResult, p Point) bool {
	return r.Index == p.Index && r.Metrics != nil && r.Key == p.Key()
}

// storedFailure reports whether r, read from p's file, is p's stored
// failure (Collect lists it in Failed).
func storedFailure(r PointResult, p Point) bool {
	return r.Index == p.Index && r.Metrics == nil && r.Error != "" && r.Key == p.Key()
}

func pointPath(out string, i int) string {
	return filepath.Join(out, "points", fmt.Sprintf("%06d.json", i))
}

func readPoint(out string, i int) (PointResult, error) {
	var r PointResult
	b, err := os.ReadFile(pointPath(out, i))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("sweep: %s: %w", pointPath(out, i), err)
	}
	return r, nil
}

func writePoint(out string, r PointResult) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return writeAtomic(pointPath(out, r.Index), b)
}

// writeAtomic writes b to path atomically (readers see nothing or the whole
// file).
func writeAtomic(path string, b []byte) error {
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}
