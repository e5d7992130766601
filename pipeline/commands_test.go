package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// TestStageModelFiles reads the stages' sources: every model file a stage
// trains through r.trainOptions (reloaded when unchanged) is listed for
// that stage in stageModelFiles, and nothing else is.
func TestStageModelFiles(t *testing.T) {
	re := regexp.MustCompile(`r\.trainOptions\(dir, "([a-z_]+\.npz)"\)`)
	found := map[string][]string{}
	paths, err := filepath.Glob("stage_*.go")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no stage sources: %v", err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		stage := p[len("stage_") : len(p)-len(".go")]
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			found[stage] = append(found[stage], m[1])
		}
	}
	for stage, files := range found {
		if got := stageModelFiles[stage]; !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(files))) {
			t.Errorf("stage %s trains %v, stageModelFiles lists %v", stage, files, got)
		}
	}
	for stage := range stageModelFiles {
		if found[stage] == nil {
			t.Errorf("stageModelFiles lists stage %s, which trains nothing", stage)
		}
	}
}

// TestRemoveTrainedModels checks that --retrain removes the model files
// and checkpoints of the selected stages only (--force alone reloads
// them: the report said "reloaded from rate_lorenz.npz").
func TestRemoveTrainedModels(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OutDir = t.TempDir()
	cfg.Stages = []string{"data", "rate", "flipflop"}
	mk := func(rel string) string {
		p := filepath.Join(cfg.OutDir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gone := []string{mk("rate/rate_lorenz.npz"), mk("rate/checkpoints/rate_lorenz-abc123.phase0.npz"),
		mk("flipflop/ctrnn_flipflop.npz"), mk("flipflop/rate_flipflop.npz.partial")}
	kept := []string{mk("ctrnn/ctrnn_lorenz.npz"), mk("rate/rate_free_run.npz"), mk("rate/result.json"),
		mk("snn/snn_lorenz.npz"), mk("data/lorenz_data.npz")}
	removed, err := RemoveTrainedModels(cfg)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	slices.Sort(gone)
	if !slices.Equal(removed, gone) {
		t.Errorf("removed %v, want %v", removed, gone)
	}
	for _, p := range gone {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s still there", p)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
}

// ModelFileName gives the default kind_task.npz, keeps a plain .npz name
// (any case of the extension) and refuses other extensions and names with
// a directory, naming File.
func TestModelFileName(t *testing.T) {
	for _, c := range []struct {
		file, want string
		ok         bool
	}{
		{"", "esn_lorenz.npz", true},
		{"m.npz", "m.npz", true},
		{"M.NPZ", "M.NPZ", true},
		{"m.h5", "", false},
		{"m", "", false},
		{"a/m.npz", "", false},
		{"../m.npz", "", false},
	} {
		t.Run(c.file, func(t *testing.T) {
			got, err := ModelFileName(KindESN, TaskLorenz, c.file)
			if c.ok {
				if err != nil || got != c.want {
					t.Fatalf("= %q, %v; want %q", got, err, c.want)
				}
				return
			}
			var pe *param.Error
			if !errors.As(err, &pe) || pe.Name != "File" || got != "" {
				t.Fatalf("= %q, %v; want a parameter error naming File", got, err)
			}
		})
	}
}
