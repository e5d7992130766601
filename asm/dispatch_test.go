package asm

import (
	"errors"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

func TestSelect(t *testing.T) {
	defer Reset()
	paths := Paths()
	if len(paths) == 0 || paths[len(paths)-1] != "generic" {
		t.Fatalf("Paths() = %v, want a list ending in generic", paths)
	}
	// The default is the widest path Reset prefers (avx512 only on AMD).
	def := paths[0]
	if def == "avx512" && !preferred(pathAVX512) {
		def = paths[1]
	}
	if Path() != def {
		t.Fatalf("Path() = %q, want the default, %q", Path(), def)
	}
	for _, p := range paths {
		if err := Select(p); err != nil {
			t.Fatalf("Select(%q): %v", p, err)
		}
		if Path() != p {
			t.Fatalf("after Select(%q), Path() = %q", p, Path())
		}
	}
	err := Select("neon")
	if !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("Select(neon) = %v, want a param error", err)
	}
	for _, p := range []string{"avx2", "avx512"} {
		if !slices.Contains(paths, p) && Select(p) == nil {
			t.Fatalf("Select(%q) succeeded though it is not available", p)
		}
	}
	Reset()
	if Path() != def {
		t.Fatalf("Reset left path %q, want %q", Path(), def)
	}
}
