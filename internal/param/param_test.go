package param

import (
	"errors"
	"math"
	"testing"
)

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"positive-zero", Positive("ode", "Rtol", 0), "ode: Rtol = 0: must be finite and > 0"},
		{"positive-nan", Positive("ode", "Rtol", math.NaN()), "ode: Rtol = NaN: must be finite and > 0"},
		{"positive-inf", Positive("ode", "Rtol", math.Inf(1)), "ode: Rtol = +Inf: must be finite and > 0"},
		{"nonneg", NonNegative("x", "A", -1), "x: A = -1: must be finite and >= 0"},
		{"finite", Finite("x", "B", math.Inf(-1)), "x: B = -Inf: must be finite"},
		{"range", InRange("x", "P", 1.5, 0, 1), "x: P = 1.5: must be in [0, 1]"},
		{"halfopen", InRangeHalfOpen("x", "F", 1, 0, 1), "x: F = 1: must be in [0, 1)"},
		{"halfopen-nan", InRangeHalfOpen("x", "F", math.NaN(), 0, 1), "x: F = NaN: must be in [0, 1)"},
		{"int", PositiveInt("x", "N", 0), "x: N = 0: must be > 0"},
		{"empty string", New("kernel", "rule.kind", "", "one of a, b"), `kernel: rule.kind = "": must be one of a, b`},
		{"string", New("kernel", "rule.kind", "ab", "one of a, b"), `kernel: rule.kind = ab: must be one of a, b`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("want an error, got nil")
			}
			if c.err.Error() != c.want {
				t.Errorf("got %q, want %q", c.err.Error(), c.want)
			}
			if !errors.Is(c.err, ErrInvalid) {
				t.Error("errors.Is(err, ErrInvalid) = false")
			}
		})
	}
	for _, err := range []error{Positive("x", "a", 1), NonNegative("x", "a", 0), Finite("x", "a", 3),
		InRange("x", "a", 1, 0, 1), InRangeHalfOpen("x", "a", 0, 0, 1), PositiveInt("x", "a", 1), First(nil, nil)} {
		if err != nil {
			t.Errorf("unexpected error %v", err)
		}
	}
	if err := First(nil, PositiveInt("x", "n", -2), Positive("x", "y", -1)); err == nil || err.Error() != "x: n = -2: must be > 0" {
		t.Errorf("First returned %v", err)
	}
}
