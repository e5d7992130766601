package paramtest_test

import (
	"errors"
	"fmt"
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
