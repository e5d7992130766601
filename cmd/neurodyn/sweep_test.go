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

// TestSweepSlurmRefusesOtherSweep: sweep slurm refuses an --out that holds
// another sweep, as each of its array tasks would (it wrote the job, and
// every task failed after queueing), without creating anything there; the
// same sweep and a fresh directory are accepted.
func TestSweepSlurmRefusesOtherSweep(t *testing.T) {
	dir := t.TempDir()
	a := "name = \"cli\"\nevaluator = \"nvar\"\n[grid]\nlags = [1, 2]\nridge = [0.0]\n"
	specA := writeFile(t, dir, "a.toml", a)
	specB := writeFile(t, dir, "b.toml", strings.Replace(a, "lags = [1, 2]", "lags = [1, 3]", 1))
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	writeFile(t, out, "spec.toml", a) // as the first sweep run stores it
	_, err := run(t, nil, "sweep", "slurm", specB, "--out", out, "--shards", "2")
	if err == nil || !strings.Contains(err.Error(), "holds results of a different sweep") {
		t.Fatalf("slurm of another sweep: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "logs")); !os.IsNotExist(err) {
		t.Errorf("refused slurm created %s/logs: %v", out, err)
	}
	for _, o := range []string{out, filepath.Join(dir, "fresh")} {
		if _, err := run(t, nil, "sweep", "slurm", specA, "--out", o, "--shards", "2"); err != nil {
			t.Errorf("slurm of the same sweep into %s: %v", o, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "fresh", "spec.toml")); !os.IsNotExist(err) {
		t.Errorf("slurm claimed the fresh directory: %v", err)
	}
}
