package memlimit

import (
	"errors"
	"strings"
	"testing"
)

func TestParseLimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"max\n", 0},
		{"1073741824\n", 1 << 30},
		{"9223372036854771712\n", 9223372036854771712}, // v1 "unlimited": above Physical, so ignored by Default
		{"", 0},
		{"-1", 0},
	} {
		if got := parseLimit(tc.in); got != tc.want {
			t.Errorf("parseLimit(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestDefault(t *testing.T) {
	p, d := Physical(), Default()
	if p < 1<<20 || d < 1<<20 || d > p {
		t.Fatalf("Physical %d, Default %d: want 1 MiB <= Default <= Physical", p, d)
	}
}

// Exceeded's errors wrap ErrExceeded and name what, the estimate and the
// limit.
func TestExceeded(t *testing.T) {
	err := Exceeded("the tape", 3e9, 1<<30)
	if !errors.Is(err, ErrExceeded) {
		t.Errorf("%v does not wrap ErrExceeded", err)
	}
	if want := "the tape needs about 3e+09 bytes, more memory than the limit of 1073741824 bytes"; !strings.Contains(err.Error(), want) {
		t.Errorf("Exceeded = %q, want it to contain %q", err, want)
	}
}

// SetOverride replaces Default's limit until it is set back to 0.
func TestSetOverride(t *testing.T) {
	def := Default()
	if prev := SetOverride(123 << 20); prev != 0 {
		t.Errorf("SetOverride returned %d, want 0 (no override)", prev)
	}
	if got := Default(); got != 123<<20 {
		t.Errorf("Default with an override of 123 MiB = %d", got)
	}
	if prev := SetOverride(0); prev != 123<<20 {
		t.Errorf("SetOverride(0) returned %d, want 123 MiB", prev)
	}
	if got := Default(); got != def {
		t.Errorf("Default after the override = %d, want %d", got, def)
	}
}
