package buildinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRevisionScript: scripts/revision.sh, the revision `make build` links
// in, ends in +dirty for every change to the tree. The Makefile's
// `git diff --quiet HEAD` missed untracked files: a binary built with a new
// pipeline/zz_local.go recorded the clean revision, so its points merged
// with the clean build's as one build.
func TestRevisionScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	script, err := filepath.Abs("../../scripts/revision.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(b))
	}
	rev := func() string {
		t.Helper()
		cmd := exec.Command("sh", script)
		cmd.Dir = dir
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("revision.sh: %v", err)
		}
		return strings.TrimSpace(string(b))
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := rev(); got != "unknown" {
		t.Errorf("outside a checkout: %q, want unknown", got)
	}
	git("init", "-q")
	write("a.go", "package a\n")
	write(".gitignore", "/bin/\n")
	git("add", ".")
	git("commit", "-q", "-m", "a")
	head := git("rev-parse", "HEAD")
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"clean", func() {}, head},
		{"ignored file", func() { os.Mkdir(filepath.Join(dir, "bin"), 0o755); write("bin/neurodyn", "x") }, head},
		{"untracked file", func() { write("zz_local.go", "package a\n") }, head + "+dirty"},
		{"untracked file removed", func() { os.Remove(filepath.Join(dir, "zz_local.go")) }, head},
		{"modified file", func() { write("a.go", "package a // changed\n") }, head + "+dirty"},
		{"staged change", func() { git("add", "a.go") }, head + "+dirty"},
		{"committed", func() { git("commit", "-q", "-m", "b"); head = git("rev-parse", "HEAD") }, ""},
	}
	for _, s := range steps {
		s.do()
		want := s.want
		if want == "" {
			want = head
		}
		if got := rev(); got != want {
			t.Errorf("%s: revision %q, want %q", s.name, got, want)
		}
	}
}
