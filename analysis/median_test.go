package analysis

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// MedianInterval: the ranks the binomial gives (checked by hand for n = 100
// and small n), coverage of the true median of a known distribution, and
// bad input named.
func TestMedianInterval(t *testing.T) {
	v := make([]float64, 100)
	for i := range v {
		v[i] = float64(100 - i) // 100 … 1: the k-th smallest is k
	}
	lo, hi, err := MedianInterval(v, 0.95)
	if err != nil || lo != 40 || hi != 61 {
		t.Errorf("n = 100, 95%%: [%v, %v] (%v), want the 40th and 61st values", lo, hi, err)
	}
	// n = 6: P(B ≤ 0) = 1/64 ≤ 0.025 < P(B ≤ 1) = 7/64, so j = 1.
	if lo, hi, err := MedianInterval([]float64{3, 1, 2, 6, 5, 4}, 0.95); err != nil || lo != 1 || hi != 6 {
		t.Errorf("n = 6: [%v, %v] (%v), want [1, 6]", lo, hi, err)
	}
	// Coverage of the median (0) of a standard normal, 400 samples of 100.
	rng := rand.New(rand.NewPCG(3, 4))
	covered := 0
	const trials = 400
	for range trials {
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		lo, hi, _ := MedianInterval(v, 0.95)
		if lo <= 0 && 0 <= hi {
			covered++
		}
	}
	// Exact coverage 0.965; 400 trials have a standard deviation of 0.009.
	if c := float64(covered) / trials; c < 0.93 || c > 0.995 {
		t.Errorf("coverage %.3f, want about 0.965", c)
	}
	for _, c := range []struct {
		v     []float64
		level float64
		name  string
	}{{[]float64{1, 2, 3, 4, 5}, 0.95, "v"}, {[]float64{1, math.NaN(), 3, 4, 5, 6}, 0.95, "v[1]"}, {v, 1, "level"}, {v, 0, "level"}} {
		if _, _, err := MedianInterval(c.v, c.level); err == nil || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%v at %g: error %v, want one naming %s", c.v, c.level, err, c.name)
		}
	}
	r := &ValidTimes{Lyapunov: []float64{2, 1, 3, 6, 4, 5}}
	if lo, hi := r.MedianCI(); lo != 1 || hi != 6 {
		t.Errorf("ValidTimes.MedianCI [%v, %v]", lo, hi)
	}
	if lo, _ := (&ValidTimes{Lyapunov: []float64{1, 2}}).MedianCI(); !math.IsNaN(lo) {
		t.Error("two starts: want NaN")
	}
}

// TestMedianIntervalExactTail: at levels whose tail (1 − level)/2 is a
// binomial probability, or the double just below one, the rank follows the
// exact sums. gonum's binomial CDF (on main) is off by a few ulp there:
// P(B ≤ 1) for n = 6 came out as 0.10937500000000001 for 7/64, giving
// [1st, 6th] at level 0.78125 where [2nd, 5th] covers exactly that level,
// and P(B ≤ 1) for n = 7 as 0.062499999999999924 for 1/16, giving the
// [2nd, 6th] values, of coverage 0.875, for a level just above 0.875.
func TestMedianIntervalExactTail(t *testing.T) {
	for _, c := range []struct {
		n      int
		level  float64
		lo, hi float64
	}{
		{6, 0.78125, 2, 5},                    // tail 7/64 = P(B ≤ 1): j = 2
		{6, math.Nextafter(0.78125, 2), 1, 6}, // tail just below 7/64: j = 1
		{7, 0.875, 2, 6},                      // tail 1/16 = P(B ≤ 1): j = 2
		{7, math.Nextafter(0.875, 2), 1, 7},   // tail just below 1/16: j = 1
	} {
		v := make([]float64, c.n)
		for i := range v {
			v[i] = float64(c.n - i)
		}
		lo, hi, err := MedianInterval(v, c.level)
		if err != nil || lo != c.lo || hi != c.hi {
			t.Errorf("n = %d, level %v: [%v, %v] (%v), want [%v, %v]", c.n, c.level, lo, hi, err, c.lo, c.hi)
		}
	}
}
