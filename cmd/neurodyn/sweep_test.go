package main

import (
	"bytes"
	"context"
	"fmt"
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

// TestSweepSlurmCarriesSpec: the job script of sweep slurm ran whatever
// the spec file held when its tasks started (24 points checked, the file
// edited to lags = [1] before sbatch, 6 points run); it now carries the
// validated text, which its tasks read with `sweep run -`. A --shards
// beyond Slurm's default MaxArraySize is warned about on stderr.
func TestSweepSlurmCarriesSpec(t *testing.T) {
	dir := t.TempDir()
	text := "name = \"nvE\"\nevaluator = \"nvar\"\n[grid]\nlags = [1, 2, 3, 4]\nridge = [0.0]\n"
	spec := writeFile(t, dir, "nvE.toml", text)
	out := filepath.Join(dir, "nvE")
	script, err := run(t, nil, "sweep", "slurm", spec, "--out", out, "--shards", "2")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "nvE.toml", strings.Replace(text, "lags = [1, 2, 3, 4]", "lags = [1]", 1)) // edited after
	_, rest, ok := strings.Cut(script, "<<'NEURODYN_SPEC'\n")
	carried, _, ok2 := strings.Cut(rest, "NEURODYN_SPEC\n")
	if !ok || !ok2 || carried != text || !strings.Contains(script, " sweep run - --out ") {
		t.Fatalf("the script does not carry the spec:\n%s", script)
	}
	for _, shard := range []string{"0/2", "1/2"} { // the array's tasks
		root := newRoot()
		var o, e bytes.Buffer
		root.SetOut(&o)
		root.SetErr(&e)
		root.SetIn(strings.NewReader(carried))
		root.SetArgs([]string{"-q", "sweep", "run", "-", "--out", out, "--shard", shard, "--workers", "1"})
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("task %s: %v\n%s", shard, err, e.String())
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(out, "points")); len(ents) != 4 {
		t.Errorf("the job ran %d points, want the 4 of the spec it was made from", len(ents))
	}
	if b, _ := os.ReadFile(filepath.Join(out, "spec.toml")); string(b) != text {
		t.Errorf("stored spec:\n%s\nwant\n%s", b, text)
	}
	// 50 lags × 30 ridges: 1,500 points in 1,500 shards.
	var ridges []string
	for i := 0; i < 30; i++ {
		ridges = append(ridges, fmt.Sprintf("%d.0", i))
	}
	var lags []string
	for i := 1; i <= 50; i++ {
		lags = append(lags, fmt.Sprint(i))
	}
	big := writeFile(t, dir, "big.toml", "name = \"big\"\nevaluator = \"nvar\"\n[grid]\nlags = ["+strings.Join(lags, ", ")+"]\nridge = ["+strings.Join(ridges, ", ")+"]\n")
	for _, c := range []struct {
		shards string
		warn   bool
	}{{"1001", false}, {"1500", true}} {
		root := newRoot()
		var o, e bytes.Buffer
		root.SetOut(&o)
		root.SetErr(&e)
		root.SetArgs([]string{"-q", "sweep", "slurm", big, "--out", filepath.Join(dir, "big"), "--shards", c.shards})
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(e.String(), "warning: --shards "+c.shards+" makes array indices") && strings.Contains(e.String(), "MaxArraySize"); got != c.warn {
			t.Errorf("--shards %s: stderr %q", c.shards, e.String())
		}
	}
}

// TestSweepRunObjectiveNote: rerunning a sweep with another objective on
// its directory was accepted without a word, and merge kept ranking by the
// stored one; sweep run now says so on stderr (also with -q).
func TestSweepRunObjectiveNote(t *testing.T) {
	dir := t.TempDir()
	text := "name = \"obj\"\nevaluator = \"nvar\"\nobjective = \"test_rmse\"\n[grid]\nlags = [1, 2]\nridge = [0.0]\n"
	a := writeFile(t, dir, "a.toml", text)
	b := writeFile(t, dir, "b.toml", strings.Replace(text, `"test_rmse"`, `"val_rmse"`, 1))
	out := filepath.Join(dir, "out")
	stderr := func(spec string) string {
		root := newRoot()
		var o, e bytes.Buffer
		root.SetOut(&o)
		root.SetErr(&e)
		root.SetArgs([]string{"-q", "sweep", "run", spec, "--out", out})
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		return e.String()
	}
	if e := stderr(a); e != "" {
		t.Errorf("first run said %q", e)
	}
	e := stderr(b)
	if !strings.Contains(e, `note: the spec's objective ("val_rmse") differs from the one stored with the results in `+filepath.Join(out, "spec.toml")+` ("test_rmse"), which sweep merge ranks by`) {
		t.Errorf("rerun with another objective said %q", e)
	}
}
