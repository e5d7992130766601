package neurons

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// TestHHCondGScheme: the factors of the conductances in the membrane
// update: the step means (τ/h)(1 − e^{−h/τ}) of the substep h = dt/k for
// "mean" ("" means it, the default), exactly 1 for "start"; other values
// are refused naming conductance_scheme and its values.
func TestHHCondGScheme(t *testing.T) {
	mean := func(h, tau float64) float64 { return tau / h * -math.Expm1(-h/tau) }
	for _, tc := range []struct {
		scheme string
		dt, k  float64
		me, mi float64
	}{
		{"", 0.1, 1, mean(0.1, 5), mean(0.1, 10)},
		{GSchemeMean, 0.1, 1, mean(0.1, 5), mean(0.1, 10)},
		{GSchemeMean, 0.1, 10, mean(0.01, 5), mean(0.01, 10)},
		{GSchemeMean, 0.5, 4, mean(0.125, 5), mean(0.125, 10)},
		{GSchemeStart, 0.1, 1, 1, 1},
		{GSchemeStart, 0.1, 10, 1, 1},
	} {
		p := DefaultHHCond()
		p.GScheme, p.SubSteps = tc.scheme, tc.k
		m, err := NewHHCond(1, p, tc.dt)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.c.Me-tc.me) > 1e-15 || math.Abs(m.c.Mi-tc.mi) > 1e-15 || (tc.me == 1 && (m.c.Me != 1 || m.c.Mi != 1)) {
			t.Errorf("scheme %q dt %g, %g substeps: Me %v, Mi %v; want %v, %v", tc.scheme, tc.dt, tc.k, m.c.Me, m.c.Mi, tc.me, tc.mi)
		}
	}
	if DefaultHHCond().GScheme != GSchemeMean {
		t.Errorf("default scheme %q, want %q", DefaultHHCond().GScheme, GSchemeMean)
	}
	p := DefaultHHCond()
	p.GScheme = "midpoint"
	_, err := NewHHCond(1, p, 0.1)
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "conductance_scheme") || !strings.Contains(err.Error(), `"start"`) {
		t.Fatalf("scheme %q: error %v, want one naming conductance_scheme and its values", p.GScheme, err)
	}
}
