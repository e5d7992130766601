package timegrid

import "testing"

func TestSteps(t *testing.T) {
	for _, tc := range []struct {
		ms, dt float64
		k      float64
		ok     bool
	}{
		{5, 0.1, 50, true},
		{4.9, 0.1, 49, true}, // 4.9/0.1 = 49.00000000000001
		{150.05, 0.1, 1501, false},
		{1.5, 0.2, 8, false},
		{0, 0.1, 0, true},
		{300, 0.3, 1000, true},
		{5 + 1e-12, 0.1, 50, true},
		{5 + 1e-6, 0.1, 50, false},
	} {
		k, ok := Steps(tc.ms, tc.dt)
		if k != tc.k || ok != tc.ok {
			t.Errorf("Steps(%g, %g) = %g, %v, want %g, %v", tc.ms, tc.dt, k, ok, tc.k, tc.ok)
		}
	}
}
