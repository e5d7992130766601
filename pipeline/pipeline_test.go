package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
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
	cases := []struct {
		name, text string
		want       []string
		invalid    bool
	}{
		{"unknown key", "seed = 1\n[data.lorenz]\ndt = 0.01\nsigmaa = 3\n",
			[]string{"x.toml:4", `unknown key "data.lorenz.sigmaa"`, "sigma"}, false},
		{"unknown table", "seed = 1\n[model]\nx = 1\n", []string{"x.toml:2", `unknown key "model"`}, false},
		{"wrong type", "[data.lorenz]\nseed = \"a\"\n", []string{"x.toml", "line 2", "seed"}, false},
		{"syntax", "seed = = 1\n", []string{"x.toml:1"}, false},
		{"bad value", "[data.lorenz]\ndt = -1\n", []string{"data.lorenz.dt = -1", "> 0"}, true},
		{"bad stage", "stages = [\"nope\"]\n", []string{"stages = nope", "data"}, true},
		{"bad prob", "[data.flipflop]\npulse_prob = 2.0\n", []string{"data.flipflop.pulse_prob = 2", "[0, 1]"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig(c.text, "x.toml")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if errors.Is(err, param.ErrInvalid) != c.invalid {
				t.Errorf("errors.Is(ErrInvalid) = %v, want %v", !c.invalid, c.invalid)
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
