package pipeline

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/sweep"
)

// TestSweepSpecFiles: every sweep spec shipped with the repository loads,
// and every one of its points passes its evaluator's checks; the reservoir
// evaluator's dynamic parameter takes 0 or 1 only.
func TestSweepSpecFiles(t *testing.T) {
	var files []string
	for _, g := range []string{"../examples/sweeps/*.toml", "../sweep/testdata/*.toml"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 2 {
		t.Fatalf("sweep specs found: %v", files)
	}
	for _, f := range files {
		if _, err := sweep.LoadSpec(f); err != nil { // LoadSpec validates every point
			t.Errorf("%s: %v", f, err)
		}
	}
	text := "name = \"x\"\nevaluator = \"reservoir\"\nobjective = \"test_rmse\"\nseeds = [1]\n[grid]\ndynamic = [0.0, 0.5]\n"
	_, err := sweep.ParseSpec(text, "x.toml")
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "dynamic = 0.5: must be 0 (static synapses) or 1") {
		t.Fatalf("dynamic = 0.5: %v", err)
	}
}
