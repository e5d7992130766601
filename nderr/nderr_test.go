package nderr

import (
	"errors"
	"testing"

	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
)

// TestSameValues: the public names are the values the library wraps, so
// errors.Is holds both ways, and a *ParamError is a *param.Error.
func TestSameValues(t *testing.T) {
	cases := []struct {
		name            string
		public, private error
		made            error // an error the library makes
	}{
		{"invalid", ErrInvalid, param.ErrInvalid, param.New("x", "N", 0, "> 0")},
		{"memory", ErrMemoryExceeded, memlimit.ErrExceeded, memlimit.Exceeded("a tape", 1e12, 1e9)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !errors.Is(c.public, c.private) || !errors.Is(c.private, c.public) {
				t.Errorf("errors.Is does not hold both ways between %v and %v", c.public, c.private)
			}
			if !errors.Is(c.made, c.public) {
				t.Errorf("%v does not match the public sentinel", c.made)
			}
		})
	}
	var pe *ParamError
	if err := param.New("x", "N", 0, "> 0"); !errors.As(err, &pe) || pe.Name != "N" {
		t.Errorf("errors.As(%v, *ParamError) = %v, %+v", err, errors.As(err, &pe), pe)
	}
}
