// Package paramtest checks, in tests, which parameter an error names.
//
// It is internal and imports only package param and the standard library:
// the tests of every layer may use it.
package paramtest

import (
	"errors"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Check fails tb unless err is nil when name is "", or otherwise is (or
// wraps) a *param.Error naming the parameter name.
func Check(tb testing.TB, err error, name string) {
	tb.Helper()
	if name == "" {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var pe *param.Error
	if !errors.As(err, &pe) || pe.Name != name {
		tb.Fatalf("error %v, want a param error naming %s", err, name)
	}
}
