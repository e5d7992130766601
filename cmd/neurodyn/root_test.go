package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

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
