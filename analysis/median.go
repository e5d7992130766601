package analysis

import (
	"fmt"
	"math"
	"slices"

	"github.com/neurodyn/neurodyn/internal/param"
	"gonum.org/v1/gonum/stat/distuv"
)

// MedianInterval returns a distribution-free confidence interval, of
// coverage at least level, for the population median of the independent
// values v: the order statistics v₍ⱼ₎ and v₍ₙ₊₁₋ⱼ₎ (1-based, ascending) with
// j the largest rank for which P(B ≤ j−1) ≤ (1−level)/2, B ~ Binomial(n,
// ½). For the protocol's 100 starts at level 0.95 these are the 40th and
// 61st valid times (coverage 0.965). It needs enough values for the
// level (n ≥ 6 at 0.95), finite values and level in (0, 1).
func MedianInterval(v []float64, level float64) (lo, hi float64, err error) {
	if !(level > 0 && level < 1) {
		return 0, 0, param.New("analysis", "level", level, "in (0, 1)")
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, 0, param.New("analysis", fmt.Sprintf("v[%d]", i), x, "finite")
		}
	}
	n := len(v)
	b := distuv.Binomial{N: float64(n), P: 0.5}
	tail := (1 - level) / 2
	j := 0 // P(B ≤ j−1) ≤ tail holds for j = 0 (empty sum)
	for j+1 <= n/2 && b.CDF(float64(j)) <= tail {
		j++
	}
	if j == 0 {
		return 0, 0, param.New("analysis", "v", fmt.Sprintf("%d values", n), fmt.Sprintf("more values: no pair of order statistics covers the median at level %g", level))
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[j-1], s[n-j], nil
}

// MedianCI returns the 95% distribution-free confidence interval
// (MedianInterval) of the median valid time in Lyapunov times,
// InLyapunov.Median, over the starts, or NaNs with too few starts. It says
// how far the median of this run's starts may lie from the median over
// all start positions: with the protocol's 100 starts, typically ±0.3
// Lyapunov times for a trained forecaster, so single runs whose medians
// differ by less are not told apart by the protocol.
func (r *ValidTimes) MedianCI() (lo, hi float64) {
	lo, hi, err := MedianInterval(r.Lyapunov, 0.95)
	if err != nil {
		return math.NaN(), math.NaN()
	}
	return lo, hi
}
