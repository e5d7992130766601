package analysis

import (
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/neurodyn/neurodyn/internal/param"
)

// MedianInterval returns a distribution-free confidence interval, of
// coverage at least level, for the population median of the independent
// values v: the order statistics v₍ⱼ₎ and v₍ₙ₊₁₋ⱼ₎ (1-based, ascending) with
// j the largest rank for which P(B ≤ j−1) ≤ (1−level)/2, B ~ Binomial(n,
// ½), found with exact integer sums (the same on every architecture; about
// a second for 10⁵ values). For the protocol's 100 starts at level 0.95
// these are the 40th and 61st valid times (coverage 0.965). It needs
// enough values for the level (n ≥ 6 at 0.95), finite values and level in
// (0, 1).
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
	j := medianRank(n, (1-level)/2)
	if j == 0 {
		return 0, 0, param.New("analysis", "v", fmt.Sprintf("%d values", n), fmt.Sprintf("more values: no pair of order statistics covers the median at level %g", level))
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[j-1], s[n-j], nil
}

// medianRank returns the largest j ≤ n/2 with P(B ≤ j−1) ≤ tail, B ~
// Binomial(n, ½) (0 when even P(B = 0) exceeds tail). The comparison is
// exact, Σ_{i<j} C(n, i) ≤ tail·2ⁿ in integers and the binary fraction
// tail, so the rank is the same on every architecture (gonum's binomial
// CDF goes through the regularized incomplete beta function and math's
// Lgamma and Exp, whose last bits differ on arm64).
func medianRank(n int, tail float64) int {
	bound := new(big.Rat).SetFloat64(tail)
	bound.Mul(bound, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(n))))
	c := big.NewInt(1)   // C(n, j)
	cdf := big.NewInt(1) // Σ_{i ≤ j} C(n, i)
	var r big.Rat
	j := 0 // P(B ≤ j−1) ≤ tail holds for j = 0 (empty sum)
	for j+1 <= n/2 && r.SetInt(cdf).Cmp(bound) <= 0 {
		j++
		c.Mul(c, big.NewInt(int64(n-j+1)))
		c.Quo(c, big.NewInt(int64(j)))
		cdf.Add(cdf, c)
	}
	return j
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
