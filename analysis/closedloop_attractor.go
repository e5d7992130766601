package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/neurodyn/neurodyn/internal/param"
)

// AttractorConfig configures DescribeAttractor and CompareAttractors. The
// zero value means: sample interval 0.01, λ₁ from the delay embedding of
// variable 1, return map of the last variable, 50 histogram bins, D₂ on
// every point (a scalar series delay-embedded, variables of very different
// scales z-scored: see DescribeAttractor), the automatic choices of
// LargestFromSeries and CorrelationDimension.
type AttractorConfig struct {
	// Dt is the sample interval (0 → 0.01).
	Dt float64
	// LyapunovVar is the 1-based number of the variable whose delay
	// embedding LargestFromSeries uses (0 → 1; −1 → the full state without
	// embedding).
	LyapunovVar int
	// MaximaVar is the 1-based number of the variable whose successive
	// local maxima form the return map (0 → the last variable, z for
	// Lorenz).
	MaximaVar int
	// Bins is the number of histogram bins per variable (0 → 50).
	Bins int
	// DimStride uses every DimStride-th point for the correlation
	// dimension (0 → 1).
	DimStride int
	// Lyapunov and Dimension configure the estimators (Dt is taken from
	// this config). Lyapunov's EmbedDim and Lag set the delay embedding
	// of D₂ as well.
	Lyapunov  RosensteinConfig
	Dimension DimensionConfig
	// SettleScale gives, per variable, the scale (a std) against which a
	// trajectory counts as settled on a fixed point: the range of its
	// second half is below 1e-3 of it in every variable (nil → the
	// trajectory's own std; AttractorReference.Compare passes the true
	// trajectory's std). The same scales decide and perform the z-scoring
	// before D₂.
	SettleScale []float64
	// D2Scaling chooses whether the variables are z-scored before D₂
	// (D2ScaleAuto: when their scales differ by more than 10×).
	D2Scaling D2Scaling
}

// D2Scaling chooses how DescribeAttractor scales a multivariate series
// before the correlation dimension.
type D2Scaling int

const (
	// D2ScaleAuto z-scores the variables when their standard deviations
	// differ by more than a factor 10, and uses them in their own units
	// otherwise (see DescribeAttractor).
	D2ScaleAuto D2Scaling = iota
	// D2ScaleZScore always z-scores them: D₂ then does not depend on the
	// variables' units, but a near-constant noisy variable counts as much
	// as the others (Rössler with a fourth variable of 1e-4 noise: 2.8).
	D2ScaleZScore
	// D2ScaleNone never does: each variable counts in its own units, so a
	// variable much smaller than the others hardly counts (the same
	// Rössler: 1.85), and a much larger one alone sets D₂.
	D2ScaleNone
)

func (c AttractorConfig) withDefaults(dim int) (AttractorConfig, error) {
	if c.Dt == 0 {
		c.Dt = 0.01
	}
	if c.LyapunovVar == 0 {
		c.LyapunovVar = 1
	}
	if c.MaximaVar == 0 {
		c.MaximaVar = dim
	}
	if c.Bins == 0 {
		c.Bins = 50
	}
	if c.DimStride == 0 {
		c.DimStride = 1
	}
	if err := param.Positive("analysis", "Dt", c.Dt); err != nil {
		return c, err
	}
	if c.LyapunovVar < -1 || c.LyapunovVar > dim {
		return c, param.New("analysis", "LyapunovVar", c.LyapunovVar, fmt.Sprintf("-1 or in [1, %d]", dim))
	}
	if c.MaximaVar < 1 || c.MaximaVar > dim {
		return c, param.New("analysis", "MaximaVar", c.MaximaVar, fmt.Sprintf("in [1, %d]", dim))
	}
	if c.Bins < 2 {
		return c, param.New("analysis", "Bins", c.Bins, ">= 2")
	}
	if c.DimStride < 1 {
		return c, param.New("analysis", "DimStride", c.DimStride, ">= 1")
	}
	if c.D2Scaling < D2ScaleAuto || c.D2Scaling > D2ScaleNone {
		return c, param.New("analysis", "D2Scaling", int(c.D2Scaling), "D2ScaleAuto, D2ScaleZScore or D2ScaleNone")
	}
	c.Lyapunov.Dt = c.Dt
	return c, nil
}

// AttractorStats describes one long trajectory.
type AttractorStats struct {
	// Points and Dim describe the data.
	Points, Dim int
	// Lambda1 is the largest Lyapunov exponent estimated from the series
	// (LargestFromSeries, whose full result is LyapFit), NaN if the
	// estimator failed (see Notes).
	Lambda1 float64
	LyapFit *Rosenstein
	// D2 is the correlation dimension (CorrelationDimension, whose full
	// result is D2Fit), NaN if the estimator failed or refused (see Notes).
	D2    float64
	D2Fit *Dimension
	// D2EmbedDim and D2Lag (samples) are the delay embedding D₂ was
	// measured in (1 and 0: the points as they are); D2Scaled reports
	// that the variables were z-scored first (see DescribeAttractor).
	D2EmbedDim, D2Lag int
	D2Scaled          bool
	// Mean, Std, Min and Max are per variable (population std).
	Mean, Std, Min, Max []float64
	// Maxima are the successive local maxima of variable MaximaVar (a
	// sample strictly greater than both neighbours).
	Maxima []float64
	// Notes explain estimator failures (degenerate or non-chaotic data).
	Notes []string
}

// DescribeAttractor computes the AttractorStats of a trajectory x
// (row-major, n samples of dim variables). Estimator failures on
// degenerate data (a trajectory that collapsed to a point or a cycle) are
// reported as NaN with a note, not as errors; bad arguments are errors.
// λ₁ is NaN, with a note, when the divergence curve does not rise
// (Rosenstein.Diverges false).
//
// The correlation dimension is measured on points that can show it:
//
//   - A scalar series (dim 1) is delay-embedded with the embedding of the
//     λ₁ estimate (LargestFromSeries: lag by AutoLag, dimension by false
//     nearest neighbours, or Lyapunov.EmbedDim and Lyapunov.Lag when
//     set), recorded in D2EmbedDim and D2Lag. Grassberger–Procaccia on
//     the raw samples of one variable gives D₂ ≈ 1 whatever the series
//     (Mackey–Glass 0.99 instead of 2; white noise 1.00). When the
//     false-nearest-neighbour search does not converge (noise, a
//     stochastic or high-dimensional series), D₂ is NaN with a note
//     rather than a number. A multivariate series is delay-embedded too
//     (every variable, lag from the first) when Lyapunov.EmbedDim ≥ 2.
//   - When the variables' standard deviations (SettleScale when given, as
//     Compare passes the true trajectory's, so that both are measured in
//     the same coordinates) differ by more than a factor dimScaleRatio =
//     10, each variable is z-scored first (D2Scaled): the automatic radii
//     span a factor 1000 below a fraction of the typical distance, which
//     the largest variable alone sets, and D₂ then measured that variable
//     only (Rössler with x·1000, y·10⁻³, z+500 gave 0.995 instead of
//     1.77). Variables within a factor 10 of each other are used in their
//     own units, as Lorenz's, whose figures are unchanged.
//     D2Scaling overrides the rule: always (D2ScaleZScore) or never
//     (D2ScaleNone).
func DescribeAttractor(x []float64, dim int, c AttractorConfig) (*AttractorStats, error) {
	n, err := checkSeries("x", x, dim)
	if err != nil {
		return nil, err
	}
	if c, err = c.withDefaults(dim); err != nil {
		return nil, err
	}
	s := &AttractorStats{Points: n, Dim: dim, Mean: make([]float64, dim), Std: make([]float64, dim),
		Min: make([]float64, dim), Max: make([]float64, dim), Lambda1: math.NaN(), D2: math.NaN()}
	for d := 0; d < dim; d++ {
		col := column(x, dim, d)
		m, v := meanVar(col)
		s.Mean[d], s.Std[d] = m, math.Sqrt(v)
		s.Min[d], s.Max[d] = slices.Min(col), slices.Max(col)
	}
	// A trajectory that has settled on a fixed point (up to rounding
	// jitter or a tiny residual oscillation) has no attractor to measure,
	// and its nearly identical samples would make neighbour searches
	// quadratic: if, in every variable, the range of the second half is
	// below 1e-3 of the scale (SettleScale, or the whole trajectory's std),
	// it is reported as settled.
	if c.SettleScale != nil && len(c.SettleScale) != dim {
		return nil, param.New("analysis", "SettleScale", fmt.Sprintf("length %d", len(c.SettleScale)), fmt.Sprintf("nil or length %d", dim))
	}
	settled := true
	for d := 0; d < dim && settled; d++ {
		col := column(x[(n/2)*dim:], dim, d)
		lo, hi := slices.Min(col), slices.Max(col)
		scale := s.Std[d]
		if c.SettleScale != nil {
			scale = c.SettleScale[d]
		}
		settled = hi-lo <= 1e-3*scale
	}
	if settled {
		s.D2 = 0
		s.Notes = append(s.Notes, "the second half of the trajectory is (nearly) constant — a fixed point: D₂ = 0, λ₁ not estimated")
		return s, nil
	}
	z := column(x, dim, c.MaximaVar-1)
	for i := 1; i+1 < n; i++ {
		if z[i] > z[i-1] && z[i] > z[i+1] {
			s.Maxima = append(s.Maxima, z[i])
		}
	}
	series, sdim := x, dim
	if c.LyapunovVar > 0 {
		series, sdim = column(x, dim, c.LyapunovVar-1), 1
	}
	var unfold error // the embedding search's failure on the scalar series x
	if r, err := largestFromSeries(context.Background(), series, sdim, c.Lyapunov); err != nil {
		if _, ok := err.(*unfoldError); ok && dim == 1 {
			unfold = err
		}
		s.Notes = append(s.Notes, "λ₁: "+rosensteinErr(err).Error())
	} else {
		s.LyapFit, s.Lambda1 = r, r.Lambda
		if steps, want := len(r.Curve)-1, max(5*r.Theiler, 50); !r.Diverges && c.Lyapunov.Horizon == 0 && steps < want {
			// The horizon was cut to a quarter of the points: the curve
			// may stop before it rises, whatever the dynamics.
			span := 0
			if r.Lag > 0 {
				span = (r.EmbedDim - 1) * r.Lag
			}
			s.Notes = append(s.Notes, fmt.Sprintf("λ₁: no exponential divergence found: the series is too short to follow it: the divergence curve covers %d steps (a quarter of its %d embedded points), fewer than the %d it needs (5 mean periods of %d samples, at least 50), and does not rise by 1 nat over them; λ₁ not estimated (a series of at least %d samples is needed)",
				steps, n-span, want, r.Theiler, 4*want+span))
		} else if !r.Diverges {
			s.Notes = append(s.Notes, "λ₁: no exponential divergence found: the divergence curve does not rise (by less than 1 nat, as for a periodic or quasi-periodic series), so no line was fitted; λ₁ not estimated")
		}
	}
	pts, pdim, err := s.dimensionPoints(x, dim, c, unfold)
	if err != nil {
		if u, ok := err.(*unfoldError); ok {
			s.Notes = append(s.Notes, "D₂: not estimated: "+u.search()+": the series fills every embedding dimension tried, as noise or a high-dimensional series does (a fixed embedding dimension measures it anyway)")
		} else {
			s.Notes = append(s.Notes, "D₂: "+err.Error())
		}
		return s, nil
	}
	if c.DimStride > 1 {
		sub := make([]float64, 0, (len(pts)/pdim/c.DimStride+1)*pdim)
		for i := 0; i < len(pts)/pdim; i += c.DimStride {
			sub = append(sub, pts[i*pdim:(i+1)*pdim]...)
		}
		pts = sub
	}
	if d, err := CorrelationDimension(pts, pdim, c.Dimension); err != nil {
		s.Notes = append(s.Notes, "D₂: "+err.Error())
	} else {
		s.D2Fit, s.D2 = d, d.D2
		if !d.Found {
			s.Notes = append(s.Notes, "D₂: no flat scaling region; fitted the flattest one")
		}
		if d.Note != "" {
			s.Notes = append(s.Notes, "D₂: "+d.Note)
		}
	}
	return s, nil
}

// dimScaleRatio is the ratio of the largest to the smallest standard
// deviation of the variables beyond which DescribeAttractor z-scores them
// before the correlation dimension.
const dimScaleRatio = 10

// dimensionPoints returns the points DescribeAttractor measures D₂ on
// (row-major, pdim coordinates) and records the choices in s: a scalar
// series is delay-embedded, variables of very different scales are
// z-scored. See DescribeAttractor.
// unfold, when not nil, is the failure of the λ₁ estimate's embedding
// search on the scalar series x, returned instead of searching again.
func (s *AttractorStats) dimensionPoints(x []float64, dim int, c AttractorConfig, unfold error) (pts []float64, pdim int, err error) {
	s.D2EmbedDim, s.D2Lag = 1, 0
	pts = x
	if dim > 1 {
		scale := s.Std
		if c.SettleScale != nil {
			scale = c.SettleScale
		}
		lo, hi := math.Inf(1), 0.0
		for _, v := range scale {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if c.D2Scaling == D2ScaleZScore || c.D2Scaling == D2ScaleAuto && hi > dimScaleRatio*lo {
			s.D2Scaled = true
			pts = make([]float64, len(x))
			for i, v := range x {
				if sd := scale[i%dim]; sd > 0 {
					v = (v - s.Mean[i%dim]) / sd
				}
				pts[i] = v
			}
		}
	}
	if dim > 1 && c.Lyapunov.EmbedDim < 2 {
		return pts, dim, nil
	}
	// The embedding of the λ₁ estimate: reused when it ran on this very
	// series, chosen by the same rules otherwise.
	var m, lag int
	if unfold != nil {
		return nil, 0, unfold
	}
	if f := s.LyapFit; f != nil && dim == 1 {
		m, lag = f.EmbedDim, f.Lag
	} else {
		theiler := c.Lyapunov.Theiler
		if theiler == 0 {
			mp, err := MeanPeriod(pts, dim)
			if err != nil {
				return nil, 0, err
			}
			theiler = int(math.Ceil(mp))
		}
		if theiler < 0 {
			theiler = 0
		}
		if 4*theiler >= len(pts)/dim {
			return nil, 0, param.New("analysis", "x", fmt.Sprintf("%d samples", len(pts)/dim), fmt.Sprintf("more than 4 mean periods (%d samples) to choose a delay embedding", theiler))
		}
		if m, lag, _, err = chooseEmbedding(context.Background(), pts, dim, c.Lyapunov, theiler); err != nil {
			return nil, 0, err
		}
	}
	s.D2EmbedDim, s.D2Lag = m, lag
	if pts, err = DelayEmbed(pts, dim, m, lag); err != nil {
		return nil, 0, err
	}
	return pts, m * dim, nil
}

// AttractorComparison compares a generated trajectory with the true one.
type AttractorComparison struct {
	Gen, True *AttractorStats
	// Lambda1RelErr is Gen.Lambda1/True.Lambda1 − 1; D2Diff is
	// Gen.D2 − True.D2.
	Lambda1RelErr, D2Diff float64
	// Wasserstein is, per variable, the 1-Wasserstein (earth mover's)
	// distance between the two marginal distributions, computed exactly
	// from the sorted samples; WassersteinRel divides it by the true
	// variable's std.
	Wasserstein, WassersteinRel []float64
	// HistEdges (per variable, Bins+1 edges spanning the union of both
	// ranges) and the normalized histograms HistGen and HistTrue (fractions
	// summing to 1); HistTV is their total-variation distance
	// ½·Σ|p − q| per variable, in [0, 1].
	HistEdges, HistGen, HistTrue [][]float64
	HistTV                       []float64
	// ReturnGenToTrue is the mean distance from each generated return-map
	// point (m_k, m_{k+1}) of successive maxima to the nearest true one,
	// and ReturnTrueToGen the reverse, both divided by the std of the true
	// maxima; NaN when either trajectory has fewer than two maxima, except
	// that ReturnTrueToGen is +Inf when only the generated one lacks them.
	// A collapsed generated attractor shows up as a large ReturnTrueToGen.
	ReturnGenToTrue, ReturnTrueToGen float64
}

// AttractorReference is a true trajectory described once, to compare
// generated trajectories with (Compare).
type AttractorReference struct {
	// Stats describes the true trajectory.
	Stats  *AttractorStats
	dim    int
	c      AttractorConfig
	sorted [][]float64 // per variable, sorted samples
}

// NewAttractorReference describes the true trajectory truth (row-major,
// dim variables) with DescribeAttractor and keeps what Compare needs.
func NewAttractorReference(truth []float64, dim int, c AttractorConfig) (*AttractorReference, error) {
	st, err := DescribeAttractor(truth, dim, c)
	if err != nil {
		return nil, err
	}
	c, _ = c.withDefaults(dim)
	r := &AttractorReference{Stats: st, dim: dim, c: c}
	for d := 0; d < dim; d++ {
		col := column(truth, dim, d)
		slices.Sort(col)
		r.sorted = append(r.sorted, col)
	}
	return r, nil
}

// CompareAttractors describes a generated trajectory and the true one
// (both row-major with dim variables, in the same units and sample
// interval) with DescribeAttractor and measures the distances between
// their marginal distributions and return maps. To compare several
// generated trajectories with one truth, use NewAttractorReference once
// and its Compare method.
func CompareAttractors(gen, truth []float64, dim int, c AttractorConfig) (*AttractorComparison, error) {
	if _, err := checkSeries("gen", gen, dim); err != nil {
		return nil, err
	}
	ref, err := NewAttractorReference(truth, dim, c)
	if err != nil {
		return nil, err
	}
	return ref.Compare(gen)
}

// Compare describes the generated trajectory gen (row-major, the
// reference's dimension, units and sample interval) and compares it with
// the reference.
func (ref *AttractorReference) Compare(gen []float64) (*AttractorComparison, error) {
	dim, c, tr := ref.dim, ref.c, ref.Stats
	c.SettleScale = tr.Std
	g, err := DescribeAttractor(gen, dim, c)
	if err != nil {
		return nil, err
	}
	r := &AttractorComparison{Gen: g, True: tr,
		Lambda1RelErr: g.Lambda1/tr.Lambda1 - 1, D2Diff: g.D2 - tr.D2,
		Wasserstein: make([]float64, dim), WassersteinRel: make([]float64, dim), HistTV: make([]float64, dim)}
	for d := 0; d < dim; d++ {
		a, b := column(gen, dim, d), ref.sorted[d]
		slices.Sort(a)
		r.Wasserstein[d] = wasserstein1(a, b)
		r.WassersteinRel[d] = r.Wasserstein[d] / tr.Std[d]
		lo, hi := math.Min(a[0], b[0]), math.Max(a[len(a)-1], b[len(b)-1])
		if hi == lo {
			hi = lo + 1
		}
		edges := make([]float64, c.Bins+1)
		for k := range edges {
			edges[k] = lo + (hi-lo)*float64(k)/float64(c.Bins)
		}
		hg, ht := histogram(a, edges), histogram(b, edges)
		var tv float64
		for k := range hg {
			tv += math.Abs(hg[k] - ht[k])
		}
		r.HistEdges = append(r.HistEdges, edges)
		r.HistGen = append(r.HistGen, hg)
		r.HistTrue = append(r.HistTrue, ht)
		r.HistTV[d] = tv / 2
	}
	r.ReturnGenToTrue, r.ReturnTrueToGen = math.NaN(), math.NaN()
	if len(g.Maxima) < 2 && len(tr.Maxima) >= 2 {
		// The generated run lost the oscillation the truth has.
		r.ReturnTrueToGen = math.Inf(1)
	}
	if len(g.Maxima) >= 2 && len(tr.Maxima) >= 2 {
		_, sdv := meanVar(tr.Maxima)
		sd := math.Sqrt(sdv)
		if !(sd > 0) {
			sd = 1
		}
		r.ReturnGenToTrue = returnMapDistance(g.Maxima, tr.Maxima) / sd
		r.ReturnTrueToGen = returnMapDistance(tr.Maxima, g.Maxima) / sd
	}
	return r, nil
}

// wasserstein1 returns the 1-Wasserstein distance between the empirical
// distributions of the sorted samples a and b: the integral of
// |F_a − F_b| over the line.
func wasserstein1(a, b []float64) float64 {
	i, j := 0, 0
	na, nb := float64(len(a)), float64(len(b))
	var w float64
	x := math.Min(a[0], b[0])
	for i < len(a) || j < len(b) {
		var next float64
		switch {
		case j >= len(b) || (i < len(a) && a[i] <= b[j]):
			next = a[i]
		default:
			next = b[j]
		}
		w += float64(math.Abs(float64(i)/na-float64(j)/nb) * (next - x))
		x = next
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
	}
	return w
}

// histogram returns the fraction of sorted x in each bin of edges (the
// last bin includes its right edge).
func histogram(x, edges []float64) []float64 {
	nb := len(edges) - 1
	h := make([]float64, nb)
	w := edges[nb] - edges[0]
	for _, v := range x {
		b := int(float64(nb) * (v - edges[0]) / w)
		h[min(max(b, 0), nb-1)]++
	}
	for k := range h {
		h[k] /= float64(len(x))
	}
	return h
}

// returnMapDistance returns the mean over points (a_k, a_{k+1}) of the
// distance to the nearest point (b_l, b_{l+1}).
func returnMapDistance(a, b []float64) float64 {
	type pt struct{ x, y float64 }
	pb := make([]pt, len(b)-1)
	for l := range pb {
		pb[l] = pt{b[l], b[l+1]}
	}
	sort.Slice(pb, func(i, j int) bool { return pb[i].x < pb[j].x })
	var sum float64
	for k := 0; k+1 < len(a); k++ {
		q := pt{a[k], a[k+1]}
		// Scan outwards from the insertion point in x; stop once the x
		// gap alone exceeds the best distance.
		i := sort.Search(len(pb), func(i int) bool { return pb[i].x >= q.x })
		best := math.Inf(1)
		for l := i; l < len(pb) && pb[l].x-q.x < best; l++ {
			best = math.Min(best, hypot(pb[l].x-q.x, pb[l].y-q.y))
		}
		for l := i - 1; l >= 0 && q.x-pb[l].x < best; l-- {
			best = math.Min(best, hypot(pb[l].x-q.x, pb[l].y-q.y))
		}
		sum += best
	}
	return sum / float64(len(a)-1)
}

// hypot returns √(x² + y²) as math.Hypot computes it on amd64 (its
// assembly: the larger magnitude p, r = smaller/p, p·√(1 + r²)), with the
// square rounded, so that arm64 (where math.Hypot is pure Go and fuses
// 1 + r·r) gives the same bits.
func hypot(x, y float64) float64 {
	p, q := math.Abs(x), math.Abs(y)
	switch {
	case math.IsInf(p, 1) || math.IsInf(q, 1):
		return math.Inf(1)
	case math.IsNaN(p) || math.IsNaN(q):
		return math.NaN()
	}
	if p < q {
		p, q = q, p
	}
	if p == 0 {
		return 0
	}
	r := q / p
	return p * math.Sqrt(1+float64(r*r))
}
