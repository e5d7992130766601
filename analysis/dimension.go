package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// DimensionConfig configures CorrelationDimension. The zero value chooses
// everything automatically (see CorrelationDimension).
type DimensionConfig struct {
	// Theiler excludes pairs closer in time than this many samples
	// (0 → MeanPeriod of the series; < 0 → only the point itself).
	Theiler int
	// Centers is the number of reference points, drawn without
	// replacement with Seed (0 → min(n, 2000); ≥ n → every point).
	Centers int
	// Seed selects the reference points (0 → 1).
	Seed uint64
	// Radii is the number of logarithmically spaced radii (0 → 40).
	Radii int
	// RMin and RMax bound the radii (0 → RMin = RMax/1000 and RMax the
	// larger of 0.2 × the median distance between two points and the
	// distance within which a fraction q of the pairs lie, both estimated
	// from 4096 seeded random pairs; q = min(¼, 2·MinPairs·MinSpan^dim /
	// eligible pairs) is what a set filling all dim dimensions needs for
	// MinPairs pairs at RMax/MinSpan). The median term is the scale for
	// low-dimensional sets (Lorenz, Hénon: q is smaller there and RMax is
	// 0.2 × the median); the quantile term lets 4- to 6-dimensional data
	// reach a scaling region (20000 uniform points in 4-D had, at 0.2 ×
	// the median, 9·10⁴ pairs at RMax and too few below it). Larger radii
	// cost time: every center visits the points within RMax. A robust
	// scale keeps the cost bounded when most points sit in a small region
	// (a run collapsing onto a fixed point).
	RMin, RMax float64
	// MinPairs is the least number of counted pairs a radius needs to take
	// part in the scaling region (0 → 2000, lowered to
	// ¼·eligible pairs / (2·MinSpan^dim), but not below 100, when even
	// q = ¼ would leave a space-filling set too few: high dimension or few
	// points).
	MinPairs int64
	// Tolerance is the largest spread (max − min) of the local slopes
	// inside the scaling region, relative to their mean (0 → 0.05).
	Tolerance float64
	// MinSpan is the smallest ratio r_hi/r_lo of the scaling region
	// (0 → 4).
	MinSpan float64
	// FitLo and FitHi (radii indices, inclusive) fix the scaling region;
	// both 0 → chosen automatically.
	FitLo, FitHi int
}

// Dimension is the result of CorrelationDimension.
type Dimension struct {
	// D2 is the correlation dimension: the least-squares slope of ln C(r)
	// against ln r over the scaling region.
	D2 float64
	// Radii and C are the radii and correlation sums C(r) (fraction of
	// counted pairs at distance ≤ r); Counts the pair counts behind C.
	Radii, C []float64
	Counts   []int64
	// Slopes are the local slopes d ln C/d ln r (central differences;
	// one-sided at the ends; NaN where C = 0).
	Slopes []float64
	// FitLo and FitHi are the indices of the scaling region (inclusive);
	// SlopeSpread the max − min of the local slopes inside it, a measure of
	// how flat the plateau is.
	FitLo, FitHi int
	SlopeSpread  float64
	// Centers, Points and Theiler are the values used; Pairs is the number
	// of (center, point) pairs eligible (outside the Theiler window).
	Centers, Points, Theiler int
	Pairs                    int64
	// Found is false when no region satisfied the tolerance; the fit then
	// uses the region whose local slopes varied least.
	Found bool
	// Note explains a special result: empty, or, when C(r) is the same at
	// every radius of the scaling region (all local slopes 0, as for the
	// points of a periodic orbit of a map), that the points form a finite
	// set at these scales and D₂ = 0.
	Note string
}

// CorrelationDimension estimates the correlation dimension D₂ of a set of
// points (row-major, n points of dim coordinates; usually a sampled
// trajectory) by the Grassberger–Procaccia method, with reference points
// against the full set:
//
//	C(r) = Σ_{i∈centers} #{j : |i − j| > W, ‖x_i − x_j‖ ≤ r} / Σ_{i∈centers} #{j : |i − j| > W},
//
// where the centers are Centers points drawn without replacement from a
// PCG generator seeded with Seed, and W is the Theiler window (pairs close
// in time lie on the same piece of trajectory and bias C at small r).
// Counts come from range searches in a gonum k-d tree over all points
// (no pair list is built), one pass per center for all radii at once.
//
// The scaling region is chosen automatically: among the radii with at
// least MinPairs counted pairs, the longest contiguous range whose local
// slopes d ln C/d ln r vary by at most Tolerance (relative to their mean)
// and which spans a ratio of at least MinSpan in r; ties go to the flatter
// range. If none qualifies, the range of MinSpan with the smallest spread
// is used and Found is false. D₂ is the least-squares slope of ln C
// against ln r over the region. When the local slopes are exactly 0 at
// every radius with MinPairs pairs, the points form a finite set at these
// scales (a periodic orbit of a map: C(r) is constant once r exceeds 0):
// the region is that whole range, D₂ = 0, and Note says so; before, such
// a set was an error about too few pairs although every radius had all
// of them.
func CorrelationDimension(x []float64, dim int, c DimensionConfig) (*Dimension, error) {
	return CorrelationDimensionContext(context.Background(), x, dim, c)
}

// CorrelationDimensionContext is CorrelationDimension, stopped when ctx is
// done: it looks at ctx every ctxEvery reference points of the correlation
// sums and then returns an error wrapping ctx.Err() and no result. A run
// that is not stopped is CorrelationDimension's, bit for bit.
func CorrelationDimensionContext(ctx context.Context, x []float64, dim int, c DimensionConfig) (*Dimension, error) {
	n, err := checkSeries("x", x, dim)
	if err != nil {
		return nil, err
	}
	if n < 50 {
		return nil, param.New("analysis", "x", fmt.Sprintf("%d points", n), "at least 50 points")
	}
	if c.Radii == 0 {
		c.Radii = 40
	}
	if c.Tolerance == 0 {
		c.Tolerance = 0.05
	}
	if c.MinSpan == 0 {
		c.MinSpan = 4
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Centers == 0 {
		c.Centers = 2000
	}
	if c.Radii < 4 {
		return nil, param.New("analysis", "Radii", c.Radii, ">= 4")
	}
	if c.Centers < 0 {
		return nil, param.New("analysis", "Centers", c.Centers, ">= 0")
	}
	if err := param.First(
		param.NonNegative("analysis", "RMin", c.RMin),
		param.NonNegative("analysis", "RMax", c.RMax),
		param.Positive("analysis", "Tolerance", c.Tolerance),
		param.Positive("analysis", "MinSpan", c.MinSpan),
	); err != nil {
		return nil, err
	}
	if c.MinPairs < 0 {
		return nil, param.New("analysis", "MinPairs", c.MinPairs, ">= 1 (0 → automatic)")
	}
	theiler := c.Theiler
	if theiler == 0 {
		mp, err := MeanPeriod(x, dim)
		if err != nil {
			return nil, err
		}
		theiler = int(math.Ceil(mp))
	} else if theiler < 0 {
		theiler = 0
	}
	if 2*theiler+1 >= n {
		return nil, param.New("analysis", "Theiler", theiler, fmt.Sprintf("< (n−1)/2 = %d", (n-1)/2))
	}
	// Reference points: a seeded sample without replacement, in index
	// order.
	centers := make([]int, n)
	for i := range centers {
		centers[i] = i
	}
	if c.Centers < n {
		rng := rand.New(rand.NewPCG(c.Seed, 0x5851f42d4c957f2d))
		for i := 0; i < c.Centers; i++ { // partial Fisher–Yates
			j := i + rng.IntN(n-i)
			centers[i], centers[j] = centers[j], centers[i]
		}
		centers = centers[:c.Centers]
		slices.Sort(centers)
	}
	var pairs int64
	for _, i := range centers {
		lo, hi := max(0, i-theiler), min(n-1, i+theiler)
		pairs += int64(n - (hi - lo + 1))
	}
	// What a set filling all dim dimensions needs: C ∝ r^dim, so the
	// pairs at RMax/MinSpan are those at RMax divided by MinSpan^dim.
	fill := 2 * math.Pow(c.MinSpan, float64(dim))
	const maxFrac = 0.25
	if c.MinPairs == 0 {
		c.MinPairs = 2000
		if float64(c.MinPairs)*fill > maxFrac*float64(pairs) {
			c.MinPairs = max(100, int64(maxFrac*float64(pairs)/fill))
		}
	}
	rmax := c.RMax
	if rmax == 0 {
		d := pairDistances(x, dim, c.Seed)
		q := math.Min(maxFrac, float64(c.MinPairs)*fill/float64(pairs))
		rmax = math.Max(0.2*quantileSorted(d, 0.5), quantileSorted(d, q))
		if !(rmax > 0) {
			return nil, param.New("analysis", "x", "(nearly) all points equal", "points that are not all equal")
		}
	}
	rmin := c.RMin
	if rmin == 0 {
		rmin = rmax / 1000
	}
	if !(rmin < rmax) {
		return nil, param.New("analysis", "RMin", rmin, fmt.Sprintf("< RMax = %g", rmax))
	}
	radii := make([]float64, c.Radii)
	lr0, lr1 := detmath.Log(rmin), detmath.Log(rmax)
	for b := range radii {
		radii[b] = detmath.Exp(lr0 + (lr1-lr0)*float64(b)/float64(c.Radii-1))
	}
	radii[0], radii[c.Radii-1] = rmin, rmax

	tree, pts := buildTree(x, dim, n)
	rc := newRangeCounter(radii, theiler)
	for k, i := range centers {
		if k%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("analysis: correlation sums stopped at reference point %d of %d: %w", k, len(centers), err)
			}
		}
		rc.qi = i
		tree.NearestSet(rc, pts[i])
	}
	r := &Dimension{Radii: radii, Counts: make([]int64, c.Radii), C: make([]float64, c.Radii),
		Slopes: make([]float64, c.Radii), Centers: len(centers), Points: n, Theiler: theiler, Pairs: pairs}
	var cum int64
	for b, k := range rc.counts {
		cum += k
		r.Counts[b] = cum
		r.C[b] = float64(cum) / float64(pairs)
	}
	lnr := make([]float64, c.Radii)
	lnc := make([]float64, c.Radii)
	for b := range radii {
		lnr[b] = detmath.Log(radii[b])
		lnc[b] = detmath.Log(r.C[b]) // −Inf where C = 0
	}
	for b := range radii {
		lo, hi := max(b-1, 0), min(b+1, c.Radii-1)
		s := (lnc[hi] - lnc[lo]) / (lnr[hi] - lnr[lo])
		if math.IsInf(lnc[lo], 0) || math.IsInf(lnc[hi], 0) {
			s = math.NaN()
		}
		r.Slopes[b] = s
	}
	if c.FitLo != 0 || c.FitHi != 0 {
		if c.FitLo < 0 || c.FitHi <= c.FitLo || c.FitHi >= c.Radii {
			return nil, param.New("analysis", "FitHi", c.FitHi, fmt.Sprintf("in (FitLo, Radii) = (%d, %d)", c.FitLo, c.Radii))
		}
		r.FitLo, r.FitHi, r.Found = c.FitLo, c.FitHi, true
	} else {
		minLen := int(math.Ceil(detmath.Log(c.MinSpan)/((lr1-lr0)/float64(c.Radii-1)))) + 1
		r.FitLo, r.FitHi, r.Found = scalingRegion(r.Slopes, r.Counts, c.MinPairs, c.Tolerance, minLen)
		if r.FitLo < 0 {
			return nil, param.New("analysis", "x", fmt.Sprintf("%d points", n),
				fmt.Sprintf("enough pairs for a scaling region (at least %d radii with ≥ MinPairs = %d pairs; got counts %v)", minLen, c.MinPairs, r.Counts))
		}
	}
	for b := r.FitLo; b <= r.FitHi; b++ {
		if math.IsInf(lnc[b], 0) {
			return nil, param.New("analysis", "FitLo", r.FitLo, "a region where every C(r) > 0")
		}
	}
	r.D2, _ = fitLine(lnr[r.FitLo:r.FitHi+1], lnc[r.FitLo:r.FitHi+1])
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range r.Slopes[r.FitLo : r.FitHi+1] {
		lo, hi = math.Min(lo, s), math.Max(hi, s)
	}
	r.SlopeSpread = hi - lo
	if lo == 0 && hi == 0 {
		r.D2 = 0 // exactly: ln C is the same number at every radius
		r.Note = fmt.Sprintf("C(r) is constant over the scaling region (%d pairs at every radius from %.3g to %.3g): the points form a finite set at these scales, as on a periodic orbit; D₂ = 0",
			r.Counts[r.FitLo], r.Radii[r.FitLo], r.Radii[r.FitHi])
	}
	return r, nil
}

// pairDistances returns the sorted distances between the points of 4096
// random pairs (distinct indices) drawn with a PCG generator seeded by
// seed.
func pairDistances(x []float64, dim int, seed uint64) []float64 {
	n := len(x) / dim
	rng := rand.New(rand.NewPCG(seed, 0x14057b7ef767814f))
	d := make([]float64, 0, 4096)
	for len(d) < 4096 {
		i, j := rng.IntN(n), rng.IntN(n)
		if i == j {
			continue
		}
		var s float64
		for k := 0; k < dim; k++ {
			e := x[i*dim+k] - x[j*dim+k]
			s += float64(e * e)
		}
		d = append(d, math.Sqrt(s))
	}
	slices.Sort(d)
	return d
}

// scalingRegion returns the longest contiguous range of indices with
// counts ≥ minPairs, at least minLen long, whose local slopes have
// (max − min) ≤ tol·mean; ties go to the smaller spread. If none
// qualifies, it returns the range of length minLen with the smallest
// relative spread and found = false; (−1, −1) if there is not even that.
func scalingRegion(slopes []float64, counts []int64, minPairs int64, tol float64, minLen int) (lo, hi int, found bool) {
	first := len(counts)
	for b, k := range counts {
		if k >= minPairs && !math.IsNaN(slopes[b]) {
			first = b
			break
		}
	}
	// Slopes are valid from first on (counts only grow with r).
	n := len(slopes)
	for b := first; b < n; b++ {
		if math.IsNaN(slopes[b]) {
			n = b
			break
		}
	}
	if n-first < max(minLen, 2) {
		return -1, -1, false
	}
	// C constant at every radius with enough pairs: a finite set of
	// points (a periodic orbit of a map), D₂ = 0 over the whole range.
	// (Flat stretches below a larger-scale region, as for a finely
	// sampled cycle at scales under its sample spacing, are not chosen.)
	if !slices.ContainsFunc(slopes[first:n], func(s float64) bool { return s != 0 }) {
		return first, n - 1, true
	}
	relSpread := func(a, b int) float64 {
		mn, mx, sum := math.Inf(1), math.Inf(-1), 0.0
		for _, s := range slopes[a : b+1] {
			mn, mx = math.Min(mn, s), math.Max(mx, s)
			sum += s
		}
		mean := sum / float64(b-a+1)
		if !(mean > 0) {
			return math.Inf(1)
		}
		return (mx - mn) / mean
	}
	lo, hi = -1, -1
	bestSpread := math.Inf(1)
	for a := first; a < n; a++ {
		for b := a + max(minLen, 2) - 1; b < n; b++ {
			sp := relSpread(a, b)
			if sp > tol {
				continue
			}
			if b-a > hi-lo || (b-a == hi-lo && sp < bestSpread) {
				lo, hi, bestSpread = a, b, sp
			}
		}
	}
	if lo >= 0 {
		return lo, hi, true
	}
	L := max(minLen, 2)
	for a := first; a+L-1 < n; a++ {
		if sp := relSpread(a, a+L-1); sp < bestSpread {
			lo, hi, bestSpread = a, a+L-1, sp
		}
	}
	return lo, hi, false
}
