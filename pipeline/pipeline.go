package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neurodyn/neurodyn/internal/atomicfile"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
)

// Stage is one step of the pipeline (one notebook of the tutorial, or part of
// one). A stage reads what earlier stages produced through the Run, writes
// its files under Run.Dir(stage) and returns a Result, which the pipeline
// stores as result.json: a stage whose result.json exists for the same
// configuration is not run again (resume).
type Stage struct {
	// Name is the stage's identifier ("00-data").
	Name string
	// Title says what it does, for logs and the report.
	Title string
	// Needs lists stages whose results this one reads.
	Needs []string
	// Key returns the part of the configuration the stage depends on; a
	// change of it invalidates the stage's stored result.
	Key func(c *Config) any
	// Run does the work.
	Run func(ctx context.Context, r *Run) (*Result, error)
}

// Result is what a stage reports: figures that enter the report, files
// written, and free-form notes. It is stored as JSON.
type Result struct {
	Stage string `json:"stage"`
	Title string `json:"title"`
	// KeyHash identifies the configuration the result was made with.
	KeyHash string `json:"key_hash"`
	// Seconds is the stage's wall-clock time.
	Seconds  float64   `json:"seconds"`
	Finished time.Time `json:"finished"`
	// Build is the neurodyn build that ran the stage (buildinfo.ID: version,
	// revision, and the executable's digest for an unpinned revision);
	// empty in results stored before builds were recorded. It is not part
	// of the stage's key: a rerun by another build keeps the stored result
	// (as a trained model file is reused), and report.md names the build of
	// every stage and lists those computed by another build than its own.
	Build string `json:"build,omitempty"`
	// Metrics holds named scalar results ("lorenz.persistence.rmse").
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Tables are Markdown tables for the report, in order.
	Tables []Table `json:"tables,omitempty"`
	// Files are the paths written, relative to the output directory.
	Files []string `json:"files,omitempty"`
	// Figures are PNG paths relative to the output directory.
	Figures []string `json:"figures,omitempty"`
	// Notes are sentences for the report.
	Notes []string `json:"notes,omitempty"`
	// Text holds Markdown blocks written into the report as they are
	// (tables made by other packages, such as the synthesis table).
	Text []string `json:"text,omitempty"`
	// Models lists the forecasters whose measurements the stage stored in
	// Metrics (Forecast.Put), for the synthesis table.
	Models []ModelRef `json:"models,omitempty"`
}

// ModelRef identifies a forecaster measured by a stage: Key prefixes its
// metrics; Name, Kind and Label are its synthesis-table identity; Rates
// names the populations whose firing rates were stored.
type ModelRef struct {
	Key   string   `json:"key"`
	Name  string   `json:"name"`
	Kind  string   `json:"kind"`
	Label string   `json:"label"`
	Rates []string `json:"rates,omitempty"`
}

// Table is a titled table with a header row.
type Table struct {
	Title  string     `json:"title"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
}

// Markdown renders t as a GitHub-flavoured Markdown table.
func (t Table) Markdown() string {
	var b []byte
	if t.Title != "" {
		b = fmt.Appendf(b, "**%s**\n\n", t.Title)
	}
	row := func(cells []string) {
		b = append(b, '|')
		for _, c := range cells {
			b = fmt.Appendf(b, " %s |", strings.ReplaceAll(c, "|", `\|`))
		}
		b = append(b, '\n')
	}
	row(t.Header)
	sep := make([]string, len(t.Header))
	for i := range sep {
		sep[i] = "---"
	}
	row(sep)
	for _, r := range t.Rows {
		row(r)
	}
	return string(b)
}

// Options control a pipeline run.
type Options struct {
	// Force re-runs stages even when a stored result exists.
	Force bool
	// Log receives progress lines (nil: discard). Lines of stages running
	// at the same time interleave; each starts with its stage's name.
	Log io.Writer
	// Quiet suppresses progress bars (batch jobs).
	Quiet bool
	// Progress, when set, is told how long work inside a stage advances
	// (training epochs): task names the work, done of total units are
	// finished. Faces draw progress bars with it. Stages running at the
	// same time call it from their own goroutines.
	Progress func(stage, task string, done, total int)
	// Jobs is the number of stages run at the same time when their inputs
	// are ready (0 → GOMAXPROCS). Training runs on one core per stage, so
	// on a 2-core machine two stages at once halve the wall-clock time;
	// results do not depend on it.
	Jobs int
}

// Run is the state of one pipeline run, handed to every stage. A stage's
// Run is its own view (its stage name for progress reports) of the state
// the stages share; it is safe for the concurrent use stages make of it.
type Run struct {
	Cfg   Config
	Opts  Options
	sh    *shared
	stage string // the stage this view belongs to
}

// shared is the state of a run all stages see.
type shared struct {
	mu      sync.Mutex
	results map[string]*Result
	stale   []string // stages left out of the report (WriteReport)
	missing []string // stages without a stored result (WriteReport)
	cacheMu sync.Mutex
	cache   map[string]*cacheEntry
	logMu   sync.Mutex
}

func newRun(cfg Config, opts Options) *Run {
	return &Run{Cfg: cfg, Opts: opts, sh: &shared{results: map[string]*Result{}, cache: map[string]*cacheEntry{}}}
}

// forStage returns the view of r for a stage.
func (r *Run) forStage(name string) *Run {
	v := *r
	v.stage = name
	return &v
}

// Dir returns (creating it) the directory of a stage's outputs.
func (r *Run) Dir(stage string) (string, error) {
	d := filepath.Join(r.Cfg.OutDir, stage)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("pipeline: %w", err)
	}
	return d, nil
}

// Rel returns path relative to the output directory (for Result.Files).
func (r *Run) Rel(path string) string {
	if rel, err := filepath.Rel(r.Cfg.OutDir, path); err == nil {
		return rel
	}
	return path
}

// Result returns the stored result of an earlier stage.
func (r *Run) Result(stage string) (*Result, bool) {
	r.sh.mu.Lock()
	defer r.sh.mu.Unlock()
	res, ok := r.sh.results[stage]
	return res, ok
}

func (r *Run) setResult(stage string, res *Result) {
	r.sh.mu.Lock()
	r.sh.results[stage] = res
	r.sh.mu.Unlock()
}

// Progress reports that done of total units of the running stage's task
// are finished (see Options.Progress).
func (r *Run) Progress(task string, done, total int) {
	if r.Opts.Progress != nil {
		r.Opts.Progress(r.stage, task, done, total)
	}
}

// Logf writes a progress line (prefixed with the stage's name inside a
// stage).
func (r *Run) Logf(format string, args ...any) {
	if r.Opts.Log == nil {
		return
	}
	r.sh.logMu.Lock()
	defer r.sh.logMu.Unlock()
	if r.stage != "" && strings.HasPrefix(format, "  ") {
		format = r.stage + ":" + format[1:]
	}
	fmt.Fprintf(r.Opts.Log, format+"\n", args...)
}

// cacheEntry is one value of Cached, computed once.
type cacheEntry struct {
	once sync.Once
	v    any
	err  error
}

// Cached returns a value computed earlier in this process under key, or
// computes and stores it (datasets are shared by several stages). Stages
// asking for the same key at the same time wait for one computation; f may
// itself ask for other keys (the truth trajectory needs the dataset). A
// failed computation is not retried within the process.
func Cached[T any](r *Run, key string, f func() (T, error)) (T, error) {
	r.sh.cacheMu.Lock()
	e, ok := r.sh.cache[key]
	if !ok {
		e = &cacheEntry{}
		r.sh.cache[key] = e
	}
	r.sh.cacheMu.Unlock()
	e.once.Do(func() { e.v, e.err = f() })
	if e.err != nil {
		var zero T
		return zero, e.err
	}
	return e.v.(T), nil
}

// StageNames lists the stage names in pipeline order.
func StageNames() []string {
	var out []string
	for _, s := range Stages() {
		out = append(out, s.Name)
	}
	return out
}

// Stage states in Execute.
const (
	statePending = iota
	stateRunning
	stateResolved // finished, skipped, or not selected
	stateFailed
)

// Execute runs the configured stages, skipping those with a stored result
// for the same configuration (unless opts.Force) whose inputs did not
// change, and writes report.md at the end. A stage starts when the stages
// it needs are resolved; up to opts.Jobs stages run at once. A failing
// stage stops the run (stages running alongside are cancelled); results of
// the stages that finished stay on disk, so rerunning resumes after them,
// and a training cut short resumes from its checkpoints.
func Execute(ctx context.Context, cfg Config, opts Options) (*Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	r := newRun(cfg, opts)
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	selected := func(name string) bool { return len(cfg.Stages) == 0 || slices.Contains(cfg.Stages, name) }
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type outcome struct {
		s   Stage
		res *Result
		err error
	}
	doneCh := make(chan outcome)
	state := map[string]int{}
	running := 0
	var firstErr error
	start := time.Now()
	for {
		// Start or resolve every stage whose needs are resolved.
		for again := true; again && firstErr == nil; {
			again = false
			for _, s := range Stages() {
				if state[s.Name] != statePending {
					continue
				}
				ready := true
				for _, n := range s.Needs {
					ready = ready && state[n] == stateResolved
				}
				if !ready {
					continue
				}
				hash := keyHash(&cfg, s)
				stored, err := loadResult(cfg.OutDir, s.Name)
				if err != nil {
					firstErr = err
					break
				}
				if !selected(s.Name) {
					if stored != nil && stored.KeyHash == hash {
						r.setResult(s.Name, stored)
					}
					state[s.Name], again = stateResolved, true
					continue
				}
				if stored != nil && stored.KeyHash == hash && !opts.Force {
					if newer := newerNeed(r, s, stored); newer != "" {
						r.Logf("%s: stage %s changed since it ran: running it again", s.Name, newer)
					} else {
						r.Logf("%s: done earlier (%.1f s), skipped — use --force to rerun", s.Name, stored.Seconds)
						r.setResult(s.Name, stored)
						state[s.Name], again = stateResolved, true
						continue
					}
				}
				for _, need := range s.Needs {
					if _, ok := r.Result(need); !ok && firstErr == nil {
						firstErr = fmt.Errorf("pipeline: stage %s needs stage %s: run it too (or drop --stages)", s.Name, need)
					}
				}
				if firstErr != nil {
					break
				}
				if running >= jobs {
					continue
				}
				if err := ctx.Err(); err != nil {
					firstErr = err
					break
				}
				state[s.Name] = stateRunning
				running++
				r.Logf("%s: %s", s.Name, s.Title)
				go func(s Stage, hash string) {
					res, err := runStage(ctx, r.forStage(s.Name), s, hash)
					doneCh <- outcome{s, res, err}
				}(s, hash)
			}
		}
		if running == 0 {
			break
		}
		o := <-doneCh
		running--
		if o.err != nil {
			state[o.s.Name] = stateFailed
			if firstErr == nil {
				firstErr = o.err
				cancel()
			}
			continue
		}
		r.setResult(o.s.Name, o.res)
		state[o.s.Name] = stateResolved
		r.Logf("%s: finished in %.1f s", o.s.Name, o.res.Seconds)
	}
	if firstErr != nil {
		return r, firstErr
	}
	if err := writeReport(r, time.Since(start)); err != nil {
		return r, err
	}
	return r, nil
}

// runStage runs one stage and stores its result.
func runStage(ctx context.Context, r *Run, s Stage, hash string) (*Result, error) {
	t0 := time.Now()
	res, err := s.Run(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("pipeline: stage %s: %w", s.Name, err)
	}
	res.Stage, res.Title, res.KeyHash, res.Build = s.Name, s.Title, hash, buildinfo.ID()
	res.Seconds = time.Since(t0).Seconds()
	res.Finished = time.Now().UTC()
	if err := saveResult(r.Cfg.OutDir, res); err != nil {
		return nil, err
	}
	return res, nil
}

// newerNeed returns the name of a stage s needs whose result is newer than
// s's stored result (it ran again since), or "".
func newerNeed(r *Run, s Stage, stored *Result) string {
	for _, need := range s.Needs {
		if res, ok := r.Result(need); ok && res.Finished.After(stored.Finished) {
			return need
		}
	}
	return ""
}

func keyHash(c *Config, s Stage) string {
	var key any
	if s.Key != nil {
		key = s.Key(c)
	}
	b, err := json.Marshal(struct {
		Stage string
		Quick bool
		Seed  uint64
		Key   any
	}{s.Name, c.Quick, c.Seed, key})
	if err != nil {
		panic("pipeline: stage key is not JSON-encodable: " + err.Error())
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

func resultPath(out, stage string) string { return filepath.Join(out, stage, "result.json") }

func loadResult(out, stage string) (*Result, error) {
	b, err := os.ReadFile(resultPath(out, stage))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		// A damaged result is treated as absent: the stage runs again.
		return nil, nil
	}
	return &res, nil
}

// saveResult writes result.json atomically (temporary file, fsync, rename),
// so a killed run never leaves a result that looks finished.
func saveResult(out string, res *Result) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	return writeFileAtomic(resultPath(out, res.Stage), b)
}

func writeFileAtomic(path string, b []byte) error {
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("pipeline: write %s: %w", path, err)
	}
	return nil
}
