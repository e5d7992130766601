package paramtest_test

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
)

// recorder is a testing.TB that records whether Fatalf was called.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestCheck(t *testing.T) {
	bad := param.New("x", "TauMs", -1, "> 0")
	for _, tc := range []struct {
		name string
		err  error
		want string
		fail bool
	}{
		{"nil, none wanted", nil, "", false},
		{"error, none wanted", bad, "", true},
		{"named", bad, "TauMs", false},
		{"wrapped", fmt.Errorf("ctx: %w", bad), "TauMs", false},
		{"other name", bad, "DtMs", true},
		{"nil, one wanted", nil, "TauMs", true},
		{"not a param error", errors.New("TauMs"), "TauMs", true},
	} {
		r := &recorder{TB: t}
		paramtest.Check(r, tc.err, tc.want)
		if r.failed != tc.fail {
			t.Errorf("%s: failed = %v, want %v", tc.name, r.failed, tc.fail)
		}
	}
}

func TestPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		fail bool
	}{
		{"string", func() { panic("kernel: Projection: index 3") }, false},
		{"error", func() { panic(fmt.Errorf("kernel: Projection: %w", errors.ErrUnsupported)) }, false},
		{"error, other message", func() { panic(param.New("kernel", "Projection", 3, "< 1")) }, true},
		{"no panic", func() {}, true},
		{"other message", func() { panic("kernel: Step: bad length") }, true},
		{"prefix inside", func() { panic("snn: kernel: Projection: index 3") }, true},
		{"not a string or error", func() { panic(3) }, true},
		{"nil", func() { panic(nil) }, true},
	} {
		r := &recorder{TB: t}
		paramtest.Panics(r, "kernel: Projection: ", tc.f)
		if r.failed != tc.fail {
			t.Errorf("%s: failed = %v, want %v", tc.name, r.failed, tc.fail)
		}
	}
	// runtime.Goexit (tb.FailNow inside f) is not reported as a missing
	// panic, and Panics does not return.
	r := &recorder{TB: t}
	returned := make(chan bool, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		paramtest.Panics(r, "kernel: ", runtime.Goexit)
		returned <- true
	}()
	<-done
	if len(returned) != 0 || r.failed {
		t.Errorf("after Goexit: returned %v, failed %v", len(returned) != 0, r.failed)
	}
}
