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
	"slices"
	"time"
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
			b = fmt.Appendf(b, " %s |", c)
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
	// Log receives progress lines (nil: discard).
	Log io.Writer
	// Quiet suppresses progress bars (batch jobs).
	Quiet bool
}

// Run is the state of one pipeline run, handed to every stage.
type Run struct {
	Cfg     Config
	Opts    Options
	results map[string]*Result
	cache   map[string]any
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
	res, ok := r.results[stage]
	return res, ok
}

// Logf writes a progress line.
func (r *Run) Logf(format string, args ...any) {
	if r.Opts.Log != nil {
		fmt.Fprintf(r.Opts.Log, format+"\n", args...)
	}
}

// Cached returns a value computed earlier in this process under key, or
// computes and stores it (datasets are shared by several stages).
func Cached[T any](r *Run, key string, f func() (T, error)) (T, error) {
	if v, ok := r.cache[key]; ok {
		return v.(T), nil
	}
	v, err := f()
	if err != nil {
		var zero T
		return zero, err
	}
	r.cache[key] = v
	return v, nil
}

// StageNames lists the stage names in pipeline order.
func StageNames() []string {
	var out []string
	for _, s := range Stages() {
		out = append(out, s.Name)
	}
	return out
}

// Execute runs the configured stages in order, skipping those with a stored
// result for the same configuration (unless opts.Force), and writes
// report.md at the end. A failing stage stops the run; results of the
// stages that finished stay on disk, so rerunning resumes after them.
func Execute(ctx context.Context, cfg Config, opts Options) (*Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	r := &Run{Cfg: cfg, Opts: opts, results: map[string]*Result{}, cache: map[string]any{}}
	selected := func(name string) bool { return len(cfg.Stages) == 0 || slices.Contains(cfg.Stages, name) }
	start := time.Now()
	for _, s := range Stages() {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		hash := keyHash(&cfg, s)
		stored, err := loadResult(cfg.OutDir, s.Name)
		if err != nil {
			return r, err
		}
		if !selected(s.Name) {
			if stored != nil && stored.KeyHash == hash {
				r.results[s.Name] = stored
			}
			continue
		}
		if stored != nil && stored.KeyHash == hash && !opts.Force {
			r.Logf("%s: done earlier (%.1f s), skipped — use --force to rerun", s.Name, stored.Seconds)
			r.results[s.Name] = stored
			continue
		}
		for _, need := range s.Needs {
			if _, ok := r.results[need]; !ok {
				return r, fmt.Errorf("pipeline: stage %s needs stage %s: run it too (or drop --stages)", s.Name, need)
			}
		}
		r.Logf("%s: %s", s.Name, s.Title)
		t0 := time.Now()
		res, err := s.Run(ctx, r)
		if err != nil {
			return r, fmt.Errorf("pipeline: stage %s: %w", s.Name, err)
		}
		res.Stage, res.Title, res.KeyHash = s.Name, s.Title, hash
		res.Seconds = time.Since(t0).Seconds()
		res.Finished = time.Now().UTC()
		if err := saveResult(cfg.OutDir, res); err != nil {
			return r, err
		}
		r.results[s.Name] = res
		r.Logf("%s: finished in %.1f s", s.Name, res.Seconds)
	}
	if err := writeReport(r, time.Since(start)); err != nil {
		return r, err
	}
	return r, nil
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
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	tmp := f.Name()
	werr := f.Chmod(0o644)
	if werr == nil {
		_, werr = f.Write(b)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("pipeline: write %s: %w", path, werr)
	}
	return nil
}
