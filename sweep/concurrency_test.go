package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// TestClaimSpecRace starts runs of two different specs at the same moment
// in fresh directories (two array tasks of different sweeps pointed at one
// --out): in every directory only runs of one spec may proceed.
func TestClaimSpecRace(t *testing.T) {
	a, _ := ParseSpec(gridSpec, "a.toml")
	b, _ := ParseSpec(strings.Replace(gridSpec, "p = [0.1", "p = [0.15", 1), "b.toml")
	for trial := 0; trial < 40; trial++ {
		out := t.TempDir()
		var start, done sync.WaitGroup
		start.Add(1)
		var mu sync.Mutex
		ok := map[*Spec]int{}
		for i := 0; i < 8; i++ {
			s := a
			if i%2 == 1 {
				s = b
			}
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				if _, err := claimSpec(out, s); err == nil {
					mu.Lock()
					ok[s]++
					mu.Unlock()
				}
			}()
		}
		start.Done()
		done.Wait()
		if len(ok) != 1 {
			t.Fatalf("trial %d: both specs claimed one directory (%d and %d claims)", trial, ok[a], ok[b])
		}
	}
}

// TestMergeNamesCorruptAndForeign damages a finished sweep: a truncated
// point file, a point of another spec and a point file beyond the spec.
// Merge refuses and names each; a partial merge leaves them out and lists
// them in the table.
func TestMergeNamesCorruptAndForeign(t *testing.T) {
	s, _ := ParseSpec(gridSpec, "g.toml")
	out := t.TempDir()
	if _, err := Run(context.Background(), s, out, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	// Truncated point 3.
	b, _ := os.ReadFile(pointPath(out, 3))
	os.WriteFile(pointPath(out, 3), b[:len(b)/2], 0o644)
	// Point 1 computed by another spec (p = 0.15 instead of 0.1).
	other, _ := ParseSpec(strings.Replace(gridSpec, "p = [0.1", "p = [0.15", 1), "o.toml")
	op := other.Points()[1]
	r, _ := readPoint(out, 1)
	r.Key, r.Params = op.Key(), op.Params
	writePoint(out, r)
	// Point 7's file copied over point 6's.
	b7, _ := os.ReadFile(pointPath(out, 7))
	os.WriteFile(pointPath(out, 6), b7, 0o644)
	// A point of a larger sweep.
	r.Index = 40
	writePoint(out, r)

	_, err := Merge(out, false)
	if err == nil {
		t.Fatal("merge of a damaged sweep succeeded")
	}
	for _, w := range []string{"unreadable", "000003.json", "another spec", "000001.json", "000006.json", "000040.json"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("merge error lacks %q: %v", w, err)
		}
	}
	tb, err := Merge(out, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 29 || fmt.Sprint(tb.Missing) != "[1 3 6]" || fmt.Sprint(tb.Corrupt) != "[3 6]" ||
		fmt.Sprint(tb.Foreign) != "[1]" || len(tb.Extra) != 1 || filepath.Base(tb.Extra[0]) != "000040.json" {
		t.Errorf("partial merge: rows %d missing %v corrupt %v foreign %v extra %v", len(tb.Rows), tb.Missing, tb.Corrupt, tb.Foreign, tb.Extra)
	}
	if strings.Contains(string(tb.CSV()), "0.15") {
		t.Error("the foreign point was merged")
	}
	// A rerun recomputes exactly the damaged points, then merge succeeds.
	testEval.calls.Store(0)
	st, err := Run(context.Background(), s, out, RunOptions{})
	if err != nil || st.Evaluated != 3 {
		t.Errorf("rerun: %+v %v", st, err)
	}
	if _, err := Merge(out, false); err == nil || !strings.Contains(err.Error(), "000040.json") {
		t.Errorf("merge with a point beyond the spec: %v", err)
	}
}

// TestSlurmScriptQuoting runs the script's commands through bash with a
// stand-in binary and parses its #SBATCH lines as sbatch does: paths with
// spaces, quotes and # survive, and a bare binary name stays a PATH lookup.
func TestSlurmScriptQuoting(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	s, _ := ParseSpec(gridSpec, "g.toml")
	dir := t.TempDir()
	base := filepath.Join(dir, `my sweeps #1 "it's"`)
	bin := filepath.Join(base, "bin dir", "nd")
	os.MkdirAll(filepath.Dir(bin), 0o755)
	log := filepath.Join(dir, "args")
	stdin := filepath.Join(dir, "stdin")
	os.WriteFile(bin, []byte("#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> "+shellQuote(log)+
		"\nif [ \"$3\" = - ]; then cat > "+shellQuote(stdin)+"; fi\n"), 0o755)
	spec := filepath.Join(base, "s p.toml")
	out := filepath.Join(base, "o u%t")
	sc, err := SlurmScript(s, SlurmOptions{Binary: bin, SpecPath: spec, Out: out, Shards: 3, CPUsPerTask: 2,
		Time: "1-00:00:00", Mem: "4G", Partition: "short", Account: "proj", QOS: "normal", MaxParallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	// #SBATCH lines as sbatch reads them.
	opts := map[string]string{}
	for _, l := range strings.Split(sc, "\n") {
		if v, ok := strings.CutPrefix(l, "#SBATCH "); ok {
			k, v, _ := strings.Cut(sbatchArg(v), "=")
			opts[k] = v
		}
	}
	want := map[string]string{"--array": "0-2%2", "--output": strings.ReplaceAll(out, "%", "%%") + "/logs/%A_%a.out",
		"--cpus-per-task": "2", "--time": "1-00:00:00", "--mem": "4G", "--partition": "short", "--account": "proj", "--qos": "normal"}
	for k, v := range want {
		if opts[k] != v {
			t.Errorf("#SBATCH %s = %q, want %q", k, opts[k], v)
		}
	}
	// The task's command, and the merge commands the comments show.
	var merge, wrap string
	for _, l := range strings.Split(sc, "\n") {
		if c, ok := strings.CutPrefix(l, "#   "); ok {
			if w, ok := strings.CutPrefix(c, "sbatch --dependency=afterok:<array job id> --wrap "); ok {
				wrap = w
			} else {
				merge = c
			}
		}
	}
	cmd := exec.Command("bash", "-c", sc+"\n")
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=1", "SLURM_CPUS_PER_TASK=2")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script: %v\n%s", err, b)
	}
	if b, err := exec.Command("bash", "-c", merge).CombinedOutput(); err != nil {
		t.Fatalf("merge comment %q: %v\n%s", merge, err, b)
	}
	if b, err := exec.Command("bash", "-c", "eval \"$(printf 'set -- %s' \"$1\")\"; bash -c \"$1\"", "_", wrap).CombinedOutput(); err != nil {
		t.Fatalf("--wrap %s: %v\n%s", wrap, err, b)
	}
	got, _ := os.ReadFile(log)
	// The task reads the spec's text, carried by the script.
	if got, err := os.ReadFile(stdin); err != nil || string(got) != gridSpec {
		t.Errorf("the task read the spec\n%s\n(%v), want\n%s", got, err, gridSpec)
	}
	wantArgs := strings.Join([]string{"sweep", "run", "-", "--out", out, "--shard", "1/3", "--workers", "2", "--quiet",
		"sweep", "merge", "--out", out, "sweep", "merge", "--out", out}, "\n") + "\n"
	if string(got) != wantArgs {
		t.Errorf("commands ran with\n%s\nwant\n%s", got, wantArgs)
	}
	// A bare binary name is looked up in PATH on the node, not made
	// relative to the submission directory.
	sc, _ = SlurmScript(s, SlurmOptions{Binary: "neurodyn", SpecPath: "/d/s.toml", Out: "/d/o", Shards: 1})
	if !strings.Contains(sc, "exec neurodyn sweep run") {
		t.Errorf("bare binary name rewritten:\n%s", sc)
	}
	// Values that would inject lines or split #SBATCH options are refused.
	for _, bad := range []SlurmOptions{{Shards: 1, Account: "a\nrm -rf ~"}, {Shards: 1, Partition: "a b"}, {Shards: 1, Out: "/d/o\nx"}} {
		if _, err := SlurmScript(s, bad); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("SlurmScript(%#v) = %v, want a param error", bad, err)
		}
	}
}

// TestSpecNameLineBreak: a name with a line break would split the job
// script's #SBATCH --job-name line; it is refused like a space.
func TestSpecNameLineBreak(t *testing.T) {
	for _, name := range []string{`"a\nb"`, `"a\tb"`, `"a b"`, `"a/b"`} {
		_, err := ParseSpec(strings.Replace(gridSpec, `"quad"`, name, 1), "n.toml")
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "name") {
			t.Errorf("name %s: %v", name, err)
		}
	}
}

// sbatchArg reads one #SBATCH argument the way sbatch does (Slurm's
// _get_argument): double quotes group, a backslash escapes the next
// character, an unescaped # starts a comment, whitespace ends it.
func sbatchArg(s string) string {
	var b strings.Builder
	quoted, esc := false, false
	for _, c := range s {
		switch {
		case esc:
			esc = false
		case c == '\\':
			esc = true
			continue
		case c == '"':
			quoted = !quoted
			continue
		case c == '#':
			return b.String()
		case !quoted && (c == ' ' || c == '\t'):
			return b.String()
		}
		b.WriteRune(c)
	}
	return b.String()
}
