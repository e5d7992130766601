package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepMergeNamesDamage: merge names a truncated point file, and
// merge --partial says on stderr which points it left out.
func TestSweepMergeNamesDamage(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "s.toml", "name = \"cli\"\nevaluator = \"nvar\"\nobjective = \"test_rmse\"\n[grid]\nlags = [1, 2]\nridge = [0.0]\n")
	out := filepath.Join(dir, "out")
	if _, err := run(t, nil, "sweep", "run", spec, "--out", out); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(out, "points", "000001.json")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)/3], 0o644)
	_, err := run(t, nil, "sweep", "merge", "--out", out)
	if err == nil || !strings.Contains(err.Error(), "unreadable") || !strings.Contains(err.Error(), "000001.json") {
		t.Errorf("merge of a truncated point: %v", err)
	}
	root := newRoot()
	var stdout, stderr bytes.Buffer
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	root.SetArgs([]string{"-q", "sweep", "merge", "--out", out, "--partial"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "left out") || !strings.Contains(stderr.String(), "000001.json") ||
		!strings.Contains(stdout.String(), "merged 1 points") {
		t.Errorf("partial merge said\n%s\n%s", stdout.String(), stderr.String())
	}
}
