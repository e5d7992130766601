package pipeline

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/internal/buildinfo"
)

// TestStageBuilds: a stage's result records the build that ran it, and
// report.md names every stage's build and lists the stages kept from runs
// of other builds. A rebuilt binary rerunning the tutorial on an earlier
// output reused every stage (the build is not part of a stage's key) and
// wrote a report naming only itself, over results of the other build.
func TestStageBuilds(t *testing.T) {
	own := buildinfo.ID()
	const other = "0.1.0 1111111111111111111111111111111111111111"
	t.Run("runStage", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.OutDir = t.TempDir()
		s := Stage{Name: "x", Title: "X", Run: func(context.Context, *Run) (*Result, error) { return &Result{}, nil }}
		res, err := runStage(context.Background(), newRun(cfg, Options{}).forStage("x"), s, "h")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := loadResult(cfg.OutDir, "x")
		if err != nil || res.Build != own || stored == nil || stored.Build != own {
			t.Fatalf("result build %q, stored %+v (%v); want %q", res.Build, stored, err, own)
		}
	})
	cases := []struct {
		name   string
		builds map[string]string // stage → build of its stored result
		want   []string
	}{
		{"one build", map[string]string{"data": own, "baselines": own},
			[]string{"Every stage shown was computed by this build (neurodyn " + own + ").", "computed by neurodyn " + own + "._"}},
		{"another build", map[string]string{"data": other, "baselines": other},
			[]string{"**Stages computed by another build than this report's (neurodyn " + own + "), kept from earlier runs: data, baselines by neurodyn " + other + ".**",
				"`--force` computes them again", "_Stage `data`, 0.0 s, finished 2026-12-01T00:00:00Z, computed by neurodyn " + other + "._"}},
		{"mixed and unrecorded", map[string]string{"data": "", "baselines": own},
			[]string{"kept from earlier runs: data by an unrecorded build (a result stored before builds were recorded).**", "computed by neurodyn " + own + "._"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.OutDir = t.TempDir()
			finished := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			for _, s := range Stages() {
				if b, ok := c.builds[s.Name]; ok {
					res := &Result{Stage: s.Name, Title: s.Title, KeyHash: keyHash(&cfg, s), Build: b, Finished: finished}
					if err := saveResult(cfg.OutDir, res); err != nil {
						t.Fatal(err)
					}
				}
			}
			path, err := WriteReport(cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("report.md does not say %q:\n%s", w, b)
				}
			}
			if strings.Count(string(b), "computed by ") != len(c.builds)+1 {
				t.Errorf("report.md names %d builds for %d stages:\n%s", strings.Count(string(b), "computed by "), len(c.builds), b)
			}
		})
	}
}
