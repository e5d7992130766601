package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/sweep"
)

func TestDefaultConfigValid(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Data.Lorenz.Seed != 42 || c.Data.Lorenz.TrainT != 140 || c.Data.FlipFlop.TrainTrials != 800 {
		t.Errorf("defaults differ from the reference: %+v", c.Data)
	}
	// The TOML form round-trips.
	c2, err := ParseConfig(c.TOML(), "roundtrip.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c2.TOML() != c.TOML() {
		t.Error("TOML round trip changed the configuration")
	}
}

func TestConfigErrors(t *testing.T) {
	// Every bad file is a param error naming the file and the line or key
	// (the CLI exits with status 2 for it).
	cases := []struct {
		name, text string
		want       []string
	}{
		{"unknown key", "seed = 1\n[data.lorenz]\ndt = 0.01\nsigmaa = 3\n",
			[]string{"x.toml:4", `unknown key = "data.lorenz.sigmaa"`, "sigma"}},
		{"unknown table", "seed = 1\n[model]\nx = 1\n", []string{"x.toml:2", `unknown key = "model"`, "models"}},
		{"key case", "seed = 1\n[data.lorenz]\ndt = 0.01\nSigma = 3.0\n", []string{"x.toml:4", `unknown key = "data.lorenz.Sigma"`, "sigma"}},
		{"table case", "Seed = 7\n[Data.lorenz]\ndt = 0.01\n", []string{"x.toml:1", `unknown key = "Seed"`, "and 1 more unknown keys"}},
		{"wrong type", "[data.lorenz]\nseed = \"a\"\n", []string{"x.toml", "line 2", "seed"}},
		{"syntax", "seed = = 1\n", []string{"x.toml:1"}},
		{"json", "{\"seed\": 1}\n", []string{"x.toml:1", "TOML"}},
		{"utf-16", "\xff\xfes\x00e\x00e\x00d\x00", []string{"x.toml:1", "UTF-16"}},
		{"bad value", "[data.lorenz]\ndt = -1\n", []string{"data.lorenz.dt = -1", "> 0"}},
		{"bad stage", "stages = [\"nope\"]\n", []string{"stages = nope", "data"}},
		{"bad prob", "[data.flipflop]\npulse_prob = 2.0\n", []string{"data.flipflop.pulse_prob = 2", "[0, 1]"}},
		{"flip-flop size", "[data.flipflop]\nbits = 100000\n", []string{"[data.flipflop] bits = 100000, steps = 100", "Bits·Steps·(TrainTrials+ValTrials+TestTrials)", "at most 1.5e+08"}},
		{"esn size", "[models]\nesn_units = 100000\n", []string{"models.esn_units = 100000", "<= 8192"}},
		{"reservoir size", "[models]\nreservoir_neurons = 20000\n", []string{"models.reservoir_neurons = 20000", "spike features"}},
		{"negative seed", "seed = -1\n", []string{"x.toml: pipeline: seed = -1: must be >= 0"}},
		{"deep nesting", "x = " + strings.Repeat("{a=", 100000) + "1" + strings.Repeat("}", 100000), []string{"x.toml", "line 1", "at most 64 levels deep"}},
		{"many unknown keys", "seed = 1\n[data.lorenz]\na = 1\nb = 2\nc = 3\n", []string{"x.toml:3", `unknown key = "data.lorenz.a"`, "and 2 more unknown keys"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.toml")
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if !errors.Is(err, param.ErrInvalid) {
				t.Errorf("error %q is not a param error", err)
			}
		})
	}
}

func TestResume(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the datasets")
	}
	cfg := DefaultConfig()
	cfg.OutDir = t.TempDir()
	cfg.Stages = []string{"data"}
	r, err := Execute(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, ok := r.Result("data")
	if !ok || res.Metrics["lorenz.train.windows"] != 13950 || res.Metrics["flipflop.train.pulses"] != 24169 {
		t.Fatalf("data stage result: %+v", res)
	}
	for _, f := range append(res.Files, res.Figures...) {
		if _, err := os.Stat(filepath.Join(cfg.OutDir, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	// A second run skips the stage: its stored result is reused unchanged.
	stamp := res.Finished
	r2, err := Execute(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res2, _ := r2.Result("data"); !res2.Finished.Equal(stamp) {
		t.Error("stage ran again although its result was stored")
	}
	// A configuration change invalidates it.
	cfg.Data.Lorenz.TestT = 20
	r3, err := Execute(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res3, _ := r3.Result("data"); res3.Metrics["lorenz.test.samples"] != 2000 {
		t.Errorf("changed config not rerun: test samples %v", res3.Metrics["lorenz.test.samples"])
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, ReportName))
	if err != nil || !strings.Contains(string(b), "| test | 2000 | 1950 |") {
		t.Errorf("report does not show the stored numbers: %v\n%s", err, b)
	}
}

func TestWriteReportStale(t *testing.T) {
	quick := DefaultConfig()
	quick.Quick = true
	other := DefaultConfig()
	other.Seed = 7
	cases := []struct {
		name   string
		stored map[string]Config // stage → configuration its result was made with
		want   []string          // in the error, or else in report.md
		err    bool
	}{
		{"all stale (quick)", map[string]Config{"data": quick, "baselines": quick}, []string{"no stored result", "matches", "--quick", "--config", "--seed", "data, baselines", "2 of them match quick = true"}, true},
		{"all stale (seed)", map[string]Config{"data": other}, []string{"no stored result", "--seed", "seed = 42"}, true},
		{"some stale", map[string]Config{"data": DefaultConfig(), "baselines": quick}, []string{"## ", "another configuration (not shown; rerun them): baselines.", "without a stored result (not run yet): ctrnn, ctrnn-solvers, rate"}, false},
		{"none stored", nil, []string{"out_dir", "run `neurodyn tutorial` first"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.OutDir = t.TempDir()
			for _, s := range Stages() {
				if sc, ok := c.stored[s.Name]; ok {
					res := &Result{Stage: s.Name, Title: s.Title, KeyHash: keyHash(&sc, s)}
					if err := saveResult(cfg.OutDir, res); err != nil {
						t.Fatal(err)
					}
				}
			}
			const old = "the previous report\n"
			report := filepath.Join(cfg.OutDir, ReportName)
			if err := os.WriteFile(report, []byte(old), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := WriteReport(cfg)
			b, rerr := os.ReadFile(report)
			if rerr != nil {
				t.Fatal(rerr)
			}
			got := string(b)
			if c.err {
				if !errors.Is(err, param.ErrInvalid) {
					t.Fatalf("WriteReport = %v, want a param error", err)
				}
				if got != old {
					t.Errorf("report.md changed on error:\n%s", got)
				}
				got = err.Error()
			} else if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q does not mention %q", got, w)
				}
			}
		})
	}
}

// writeSeries writes n samples of a varying 3-variable series as CSV.
func writeSeries(t *testing.T, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%g,%g,%g\n", math.Sin(0.3*float64(i)), math.Cos(0.7*float64(i)), math.Sin(0.11*float64(i*i)))
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("s%d.csv", n))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnalyzeShortSeries(t *testing.T) {
	cases := []struct {
		what string
		n    int
		want string // "" for no error
	}{
		{"lyapunov", 1, "at least 100 samples for lyapunov"},
		{"lyapunov", 99, "(99 samples)"},
		{"lyapunov", 100, ""},
		{"dimension", 1, "at least 50 samples for dimension"},
		{"dimension", 49, "(49 samples)"},
		{"dimension", 50, ""},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/n=%d", c.what, c.n), func(t *testing.T) {
			path := writeSeries(t, c.n)
			_, err := Analyze(context.Background(), DefaultConfig(), AnalyzeRequest{What: c.what, Data: path})
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Analyze = %v, want a param error naming %s and %q", err, path, c.want)
			}
		})
	}
}

// TestSeriesMinSamples pins seriesMinSamples to the analysis package: one
// sample fewer is refused there, and the minimum itself is not refused for
// its length (a short series may still lack enough pairs for D₂).
func TestSeriesMinSamples(t *testing.T) {
	run := map[string]func(x []float64) error{
		"lyapunov": func(x []float64) error {
			_, err := analysis.LargestFromSeries(x, 1, analysis.RosensteinConfig{})
			return err
		},
		"dimension": func(x []float64) error {
			_, err := analysis.CorrelationDimension(x, 1, analysis.DimensionConfig{})
			return err
		},
	}
	for what, need := range seriesMinSamples {
		t.Run(what, func(t *testing.T) {
			x := make([]float64, need)
			for i := range x {
				x[i] = math.Sin(0.3 * float64(i))
			}
			if err := run[what](x[:need-1]); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("at least %d", need)) {
				t.Errorf("%d samples: %v, want the analysis to refuse them", need-1, err)
			}
			if err := run[what](x); err != nil && strings.Contains(err.Error(), fmt.Sprintf("at least %d", need)) {
				t.Errorf("%d samples refused: %v", need, err)
			}
		})
	}
}

// TestKeyDocs: every configuration key has a comment in default.toml, which
// the CLI shows as its flag's help.
func TestKeyDocs(t *testing.T) {
	for _, k := range Keys() {
		t.Run(k.Name, func(t *testing.T) {
			if strings.TrimSpace(k.Doc) == "" {
				t.Errorf("key %s has no comment in default.toml", k.Name)
			}
		})
	}
}

// TestSweepSpecChecksPoints: a sweep spec with a bad value anywhere in its
// grid is refused when it is parsed, by the evaluator's own checks (no
// point runs: these would generate the Lorenz dataset).
func TestSweepSpecChecksPoints(t *testing.T) {
	cases := []struct{ name, ev, grid, want string }{
		{"nvar lags", "nvar", "lags = [2.0, -1.0]", "point 1 (lags = -1, seed 1): nvar: lags = -1: must be an integer in [1, 50]"},
		{"nvar ridge", "nvar", "ridge = [0.0, 1e-6, -1.0]", "nvar: ridge = -1"},
		{"reservoir n", "reservoir", "n = [100.0, 0.5]", "reservoir: n = 0.5"},
		{"reservoir frac_e", "reservoir", "frac_e = [0.8, 2.0]", "reservoir: frac_e = 2: must be in (0, 1]"},
		{"nvar ok", "nvar", "lags = [1.0, 50.0]\nridge = [0.0, 1e-6]", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sweep.ParseSpec(fmt.Sprintf("name = \"s\"\nevaluator = %q\n[grid]\n%s\n", c.ev, c.grid), "s.toml")
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ParseSpec = %v, want a param error containing %q", err, c.want)
			}
		})
	}
}

// TestSynthesisStaleWithItsInputs: the synthesis is built from the stored
// results of the model stages, so a change of their configuration makes a
// stored synthesis stale, and a report shows neither its table nor its
// targets (a stale synthesis once showed the rate targets "met" by the
// previous rate model while section 02 showed the new one).
func TestSynthesisStaleWithItsInputs(t *testing.T) {
	cfg := DefaultConfig()
	other := cfg
	if err := other.Set("models.rate", "reference"); err != nil {
		t.Fatal(err)
	}
	byName := map[string]Stage{}
	for _, s := range Stages() {
		byName[s.Name] = s
	}
	if keyHash(&cfg, byName["synthesis"]) == keyHash(&other, byName["synthesis"]) {
		t.Fatal("the synthesis key does not change with models.rate")
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		rateCfg Config    // the configuration the stored rate result was made with
		rateAt  time.Time // when it finished
		want    string    // the report's stale line
	}{
		{"rate of another recipe", other, t0.Add(time.Hour), "another configuration (not shown; rerun them): synthesis."},
		{"rate ran again since", cfg, t0.Add(time.Hour), "(stale, not shown; rerun them): synthesis (rate ran again since)."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			for i, s := range Stages() {
				sc, at := cfg, t0.Add(time.Duration(i)*time.Minute)
				if s.Name == "rate" {
					sc, at = c.rateCfg, c.rateAt
				}
				res := &Result{Stage: s.Name, Title: s.Title, KeyHash: keyHash(&sc, s), Finished: at,
					Text: []string{"table of " + s.Name}}
				if err := saveResult(out, res); err != nil {
					t.Fatal(err)
				}
			}
			rc := c.rateCfg
			rc.OutDir = out
			path, err := WriteReport(rc)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if !strings.Contains(got, "table of rate") || strings.Contains(got, "table of synthesis") {
				t.Errorf("report shows the synthesis built from another rate model, or not the rate stage:\n%s", got)
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("report does not say %q:\n%s", c.want, got)
			}
		})
	}
}
