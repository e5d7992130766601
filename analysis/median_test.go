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
