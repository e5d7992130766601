package main

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
)

// TestKernelsFlag checks that --kernels selects the kernel path that version
// reports, and that an unknown path is refused with an error naming the flag
// and the paths this CPU offers.
func TestKernelsFlag(t *testing.T) {
	defer asm.Reset()
	for _, p := range asm.Paths() {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs([]string{"--kernels", p, "version"})
		if err := root.Execute(); err != nil {
			t.Fatalf("--kernels %s: %v", p, err)
		}
		if want := "kernel path " + p + " "; !strings.Contains(out.String(), want) {
			t.Fatalf("--kernels %s: version printed %q, want %q", p, out.String(), want)
		}
		asm.Reset()
	}
	root := newRoot()
	root.SetArgs([]string{"--kernels", "neon", "version"})
	err := root.Execute()
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "--kernels") || !strings.Contains(err.Error(), "generic") {
		t.Fatalf("--kernels neon: %v, want a parameter error naming --kernels and the allowed paths", err)
	}
}

// TestHelpInterruptStatus: a command whose help says what an interrupted
// run does gives main's exit status (exitStatus: 128 + the signal's
// number), not 1 (simulate's help said "exits with status 1" while it
// exited 143 on SIGTERM).
func TestHelpInterruptStatus(t *testing.T) {
	if got := exitStatus(errors.New("x"), &signalError{sig: syscall.SIGTERM}); got != 143 {
		t.Fatalf("exit status on SIGTERM %d, want 143", got)
	}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		help := strings.Join(strings.Fields(c.Long), " ")
		if strings.Contains(help, "SIGTERM") && strings.Contains(help, "status") {
			n++
			if !strings.Contains(help, "130") || !strings.Contains(help, "143") || regexp.MustCompile(`status 1\b`).MatchString(help) {
				t.Errorf("%s --help on an interrupt: %q", c.CommandPath(), help)
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRoot())
	if n < 2 {
		t.Errorf("%d commands document the exit status of an interrupted run, want simulate and tutorial at least", n)
	}
}
