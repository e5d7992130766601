// Package paramtest checks, in tests, which parameter an error names and
// that a misuse panics with a package-prefixed message.
//
// It is internal and imports only package param and the standard library:
// the tests of every layer may use it.
package paramtest

import (
	"errors"
	"strings"
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

// Panics fails tb unless f panics with a string, or an error, whose text
// starts with prefix (such as "kernel: Projection: "): the package-prefixed
// panics of kernel misuse. If f ends its goroutine instead (runtime.Goexit,
// as tb.FailNow does), Panics does not return.
func Panics(tb testing.TB, prefix string, f func()) {
	tb.Helper()
	r, panicked := catch(f)
	if !panicked {
		tb.Fatalf("no panic, want one starting with %q", prefix)
		return
	}
	var msg string
	switch v := r.(type) {
	case string:
		msg = v
	case error:
		msg = v.Error()
	default:
		tb.Fatalf("panic %v (%T), want a string or error starting with %q", r, r, prefix)
		return
	}
	if !strings.HasPrefix(msg, prefix) {
		tb.Fatalf("panic %q, want one starting with %q", msg, prefix)
	}
}

// catch calls f and returns the value it panicked with, if it did.
func catch(f func()) (r any, panicked bool) {
	defer func() {
		if panicked {
			r = recover()
		}
	}()
	panicked = true
	f()
	return nil, false
}
