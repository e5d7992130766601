package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurodyn/neurodyn/internal/detfft"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// RosensteinConfig configures LargestFromSeries. The zero value chooses
// everything automatically (see LargestFromSeries).
type RosensteinConfig struct {
	// Dt is the sample interval in time units (0 → 1: exponents per
	// sample).
	Dt float64
	// EmbedDim is the delay-embedding dimension m. For a scalar series
	// 0 → chosen by false nearest neighbours (FalseNeighbours); for a
	// multivariate series 0 → the vectors are used as they are, m ≥ 2
	// delay-embeds every variable.
	EmbedDim int
	// Lag is the embedding delay τ in samples (0 → AutoLag).
	Lag int
	// Theiler excludes neighbours closer in time than this many samples
	// (0 → MeanPeriod of the series in samples; < 0 → only the point
	// itself is excluded).
	Theiler int
	// Horizon is the number of steps k of the divergence curve (0 → auto:
	// 5·Theiler, at least 50, doubled while the curve has not saturated
	// (the slope of its last quarter exceeds a quarter of the fitted
	// slope), at most a quarter of the points).
	Horizon int
	// FitStart and FitEnd (steps, inclusive) fix the region of the
	// divergence curve fitted by least squares; both 0 → chosen by
	// LinearRegion.
	FitStart, FitEnd int
}

// Rosenstein is the result of LargestFromSeries.
type Rosenstein struct {
	// Lambda is the estimated largest exponent per time unit; NaN when the
	// divergence curve does not rise (Diverges false).
	Lambda float64
	// Diverges reports whether the divergence curve rises, so that a
	// region was fitted (LinearRegion's ok, or FitStart/FitEnd given).
	// When it is false (no exponential divergence: a periodic,
	// quasi-periodic or contracting series), Lambda and FitR2 are NaN and
	// FitStart..FitEnd spans the whole curve; before, Lambda was the slope
	// over the whole curve, a number that meant nothing (3e-31 on a
	// constant-step ramp).
	Diverges bool
	// Curve is the mean log divergence y_k = ⟨ln ‖X_{i+k} − X_{j(i)+k}‖⟩
	// over reference points i and their nearest neighbours j(i), for
	// k = 0..Horizon.
	Curve []float64
	// FitStart and FitEnd are the fitted steps (inclusive); Lambda is the
	// least-squares slope of Curve[FitStart..FitEnd] against k·Dt, and
	// FitR2 the coefficient of determination of that line.
	FitStart, FitEnd int
	FitR2            float64
	// EmbedDim, Lag and Theiler are the values used; Pairs the number of
	// reference points with a neighbour.
	EmbedDim, Lag, Theiler, Pairs int
	// FalseNeighbours is the fraction of false nearest neighbours at
	// EmbedDim when the dimension was chosen automatically (below 0.01:
	// the search converged; it is an error otherwise), NaN when EmbedDim
	// was given or the series was used without embedding.
	FalseNeighbours float64
}

// maxAutoEmbedDim is the largest embedding dimension LargestFromSeries's
// false-nearest-neighbour search tries.
const maxAutoEmbedDim = 10

// DelayEmbed returns the delay embedding of a row-major series x (n
// samples of dim variables) with dimension m and lag tau: row i is
// (x_i, x_{i+τ}, …, x_{i+(m−1)τ}), each a full sample, for
// i = 0..n−1−(m−1)τ (row length m·dim).
func DelayEmbed(x []float64, dim, m, tau int) ([]float64, error) {
	n, err := checkSeries("x", x, dim)
	if err != nil {
		return nil, err
	}
	if err := param.First(param.PositiveInt("analysis", "m", m), param.PositiveInt("analysis", "tau", tau)); err != nil {
		return nil, err
	}
	rows := n - (m-1)*tau
	if rows < 1 {
		return nil, param.New("analysis", "x", fmt.Sprintf("%d samples", n), fmt.Sprintf("more than (m−1)·tau = %d samples", (m-1)*tau))
	}
	out := make([]float64, rows*m*dim)
	for i := 0; i < rows; i++ {
		for j := 0; j < m; j++ {
			copy(out[(i*m+j)*dim:(i*m+j+1)*dim], x[(i+j*tau)*dim:(i+j*tau+1)*dim])
		}
	}
	return out, nil
}

// MutualInformation returns the auto mutual information I(τ) in nats of a
// scalar series for τ = 0..maxLag, estimated with a histogram of bins
// equal-width bins over the series' range (bins 0 → ⌈√(n/5)⌉, at least 4
// and at most 64).
func MutualInformation(x []float64, maxLag, bins int) ([]float64, error) {
	return MutualInformationContext(context.Background(), x, maxLag, bins)
}

// MutualInformationContext is MutualInformation, stopped when ctx is done:
// it looks at ctx before every lag and then returns an error wrapping
// ctx.Err() and no result.
func MutualInformationContext(ctx context.Context, x []float64, maxLag, bins int) ([]float64, error) {
	n, err := checkSeries("x", x, 1)
	if err != nil {
		return nil, err
	}
	if maxLag < 0 || maxLag >= n {
		return nil, param.New("analysis", "maxLag", maxLag, fmt.Sprintf("in [0, %d]", n-1))
	}
	if bins != 0 && bins < 2 {
		return nil, param.New("analysis", "bins", bins, ">= 2")
	}
	mi := newAMI(x, bins)
	out := make([]float64, maxLag+1)
	for lag := range out {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("analysis: mutual information stopped at lag %d of %d: %w", lag, maxLag, err)
		}
		out[lag] = mi.at(lag)
	}
	return out, nil
}

// ami computes the histogram auto mutual information of a series lag by
// lag.
type ami struct {
	idx    []int
	bins   int
	joint  []float64
	pa, pb []float64
}

func newAMI(x []float64, bins int) *ami {
	n := len(x)
	if bins == 0 {
		bins = min(max(int(math.Ceil(math.Sqrt(float64(n)/5))), 4), 64)
	}
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	a := &ami{idx: make([]int, n), bins: bins, joint: make([]float64, bins*bins), pa: make([]float64, bins), pb: make([]float64, bins)}
	if hi > lo {
		w := float64(bins) / (hi - lo)
		for i, v := range x {
			a.idx[i] = min(int((v-lo)*w), bins-1)
		}
	}
	return a
}

// at returns I(lag).
func (a *ami) at(lag int) float64 {
	clear(a.joint)
	clear(a.pa)
	clear(a.pb)
	bins := a.bins
	m := len(a.idx) - lag
	for i := 0; i < m; i++ {
		p, q := a.idx[i], a.idx[i+lag]
		a.joint[p*bins+q]++
		a.pa[p]++
		a.pb[q]++
	}
	var mi float64
	fm := float64(m)
	for p := 0; p < bins; p++ {
		for q := 0; q < bins; q++ {
			if c := a.joint[p*bins+q]; c > 0 {
				mi += float64(c / fm * detmath.Log(c*fm/(a.pa[p]*a.pb[q])))
			}
		}
	}
	return mi
}

// AutoLag returns the delay for embedding a scalar series: the first
// minimum of the auto mutual information I(τ) (MutualInformation, lags up
// to n/10; Fraser & Swinney 1986), found so that the estimator's noise
// neither hides it nor invents one, or, when I decays to independence
// without a minimum (maps, noise), the first lag where the autocorrelation
// falls below 1/e; at least 1.
//
// The noise is measured, not assumed: the series is shuffled (a fixed
// seed, so the result is deterministic) and I is computed for 16 lags of
// the shuffled series, whose mean μ₀ and standard deviation σ₀ are the
// level and spread of the histogram estimate for independent samples of
// this length and distribution. The curve has stopped falling at the
// first τ with I(τ) − min(I(τ+1), I(τ+2), I(τ+3)) < 2σ₀; the lag is the
// first local minimum (I(l) ≤ I(l+1)) from τ on while I stays within 2σ₀
// of I(τ), else τ. On a curve with a clear minimum this is that minimum;
// on a short series whose minimum is drowned in noise, where the curve
// flattens; on a sine of period 50, whose histogram estimate is flat to
// 10⁻³ from lag 5 to 20, the estimate's first minimum 9. A lag where the
// dependence left, I(τ) − μ₀, is below max(4σ₀, (I(1) − μ₀)/10) ends the
// search for the fallback instead: the curve has decayed to the
// estimator's floor, and what flattens there is noise. On Lorenz-63 x at
// dt 0.01 (10 initial states, 2000 to 20000 samples) this gives lags
// 16–18; on Hénon x (1000 to 20000 samples) 1. The earlier rule (a minimum followed by
// a rise of 2% of I(0), about 0.07 nats where the rise after lag 16 is
// 0.065) chose lags near 63 on one to five of those ten series. Lags are
// evaluated one by one and the search stops as soon as the answer is
// known.
func AutoLag(x []float64) (int, error) {
	n, err := checkSeries("x", x, 1)
	if err != nil {
		return 0, err
	}
	maxLag := max(2, n/10)
	if maxLag >= n {
		return 1, nil
	}
	const window = 3
	a := newAMI(x, 0)
	mu0, sd0 := a.independentLevel()
	mi := []float64{a.at(0)}
	at := func(l int) float64 {
		for len(mi) <= l {
			mi = append(mi, a.at(len(mi)))
		}
		return mi[l]
	}
	floor := math.Max(4*sd0, (at(1)-mu0)/10)
	for tau := 1; tau+window <= maxLag; tau++ {
		if at(tau)-mu0 < floor {
			break // decayed to independence without a minimum
		}
		lowest := at(tau + 1)
		for l := tau + 2; l <= tau+window; l++ {
			lowest = math.Min(lowest, at(l))
		}
		if at(tau)-lowest < 2*sd0 {
			// The first local minimum while the curve stays within
			// 2σ₀ of I(τ).
			for l := tau; l < maxLag && math.Abs(at(l)-at(tau)) < 2*sd0; l++ {
				if at(l) <= at(l+1) {
					return l, nil
				}
			}
			return tau, nil
		}
	}
	return acfLag(x, maxLag), nil
}

// independentLevel returns the mean and standard deviation of the
// histogram mutual information of the series after a seeded shuffle, over
// lags 1..16 (fewer for short series): the estimate's level and noise for
// independent samples with the series' distribution.
func (a *ami) independentLevel() (mean, sd float64) {
	orig := a.idx
	sh := slices.Clone(orig)
	rng := rand.New(rand.NewPCG(0x5eed, 0xa3f1c6d2b4e59787))
	rng.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
	a.idx = sh
	defer func() { a.idx = orig }()
	lags := min(16, len(sh)/4)
	if lags < 2 {
		return 0, 0
	}
	var s, s2 float64
	for l := 1; l <= lags; l++ {
		v := a.at(l)
		s += v
		s2 += float64(v * v) // rounded: no fused multiply-add, the same lag on every architecture
	}
	mean = s / float64(lags)
	return mean, math.Sqrt(math.Max(0, (s2-float64(float64(lags)*mean*mean))/float64(lags-1)))
}

// acfLag returns the first lag up to maxLag where the autocorrelation of x
// falls below 1/e, or 1.
func acfLag(x []float64, maxLag int) int {
	n := len(x)
	var m, v0 float64
	for _, e := range x {
		m += e
	}
	m /= float64(n)
	for _, e := range x {
		v0 += float64((e - m) * (e - m))
	}
	if v0 == 0 {
		return 1
	}
	for l := 1; l <= maxLag; l++ {
		var s float64
		for i := 0; i+l < n; i++ {
			s += float64((x[i] - m) * (x[i+l] - m))
		}
		if s/v0 < 1/math.E {
			return l
		}
	}
	return 1
}

// MeanPeriod returns the mean period of a row-major series in samples: the
// reciprocal of the mean frequency Σ f·P(f) / Σ P(f) of its power
// spectrum (periodogram of each mean-removed variable, summed over
// variables, f > 0), the choice of Rosenstein et al. (1993) for the Theiler
// window. It returns at least 1.
func MeanPeriod(x []float64, dim int) (float64, error) {
	n, err := checkSeries("x", x, dim)
	if err != nil {
		return 0, err
	}
	if n < 4 {
		return 1, nil
	}
	fft := detfft.New(n)
	seq := make([]float64, n)
	coeff := make([]complex128, n/2+1)
	pow := make([]float64, n/2+1)
	for d := 0; d < dim; d++ {
		var m float64
		for i := 0; i < n; i++ {
			m += x[i*dim+d]
		}
		m /= float64(n)
		for i := range seq {
			seq[i] = x[i*dim+d] - m
		}
		fft.Coefficients(coeff, seq)
		for k, c := range coeff {
			pow[k] += float64(real(c)*real(c)) + float64(imag(c)*imag(c))
		}
	}
	var sp, sfp float64
	for k := 1; k < len(pow); k++ {
		f := float64(k) / float64(n)
		sp += pow[k]
		sfp += float64(f * pow[k])
	}
	if !(sp > 0) {
		return 1, nil
	}
	return math.Max(1, sp/sfp), nil
}

// FalseNeighbours returns, for embedding dimensions m = 1..maxDim, the
// fraction of false nearest neighbours of the delay embedding of the scalar
// series x with lag tau (Kennel, Brown & Abarbanel 1992): a nearest
// neighbour (outside the Theiler window) in dimension m is false if adding
// the (m+1)-th coordinate increases the distance by more than 10 times the
// distance in m dimensions, or makes it larger than 2 standard deviations
// of the series. theiler (≥ 0, in samples) excludes neighbours closer in
// time than that; 0 excludes only the point itself. A neighbour that
// coincides with the point to the data's resolution (distance at most
// fnnResolution times the largest |x|, about 16 float32 ulps) is passed
// over for the nearest distinct one: on an exactly repeated series (a
// sampled sine, a cycle) both distances are rounding noise and their ratio
// means nothing; counted, they made a sine of 100 samples per period look
// like noise (1.2% false neighbours left at m = 10).
func FalseNeighbours(x []float64, tau, maxDim, theiler int) ([]float64, error) {
	return FalseNeighboursContext(context.Background(), x, tau, maxDim, theiler)
}

// FalseNeighboursContext is FalseNeighbours, stopped when ctx is done: it
// looks at ctx every ctxEvery points of each embedding and then returns an
// error wrapping ctx.Err() and no result.
func FalseNeighboursContext(ctx context.Context, x []float64, tau, maxDim, theiler int) ([]float64, error) {
	n, err := checkSeries("x", x, 1)
	if err != nil {
		return nil, err
	}
	if err := param.First(param.PositiveInt("analysis", "tau", tau), param.PositiveInt("analysis", "maxDim", maxDim)); err != nil {
		return nil, err
	}
	if theiler < 0 {
		return nil, param.New("analysis", "theiler", theiler, "≥ 0")
	}
	sd := stdDev(x)
	out := make([]float64, maxDim)
	for m := 1; m <= maxDim; m++ {
		if n-m*tau < 2 {
			return nil, param.New("analysis", "maxDim", maxDim, fmt.Sprintf("small enough that maxDim·tau < %d samples", n-1))
		}
		if out[m-1], err = fnnFraction(ctx, x, tau, m, theiler, sd); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// stdDev returns the population standard deviation of x.
func stdDev(x []float64) float64 {
	var mean, v float64
	for _, e := range x {
		mean += e
	}
	mean /= float64(len(x))
	for _, e := range x {
		v += float64((e - mean) * (e - mean))
	}
	return math.Sqrt(v / float64(len(x)))
}

// fnnResolution is, relative to the largest |x| of a series, the distance
// below which FalseNeighbours treats two delay vectors as the same point:
// 2⁻²⁰, about 16 units in the last place of float32 data, far above
// float64 rounding and far below the nearest-neighbour distances of a
// chaotic series of up to 10⁵ samples in two or more dimensions.
const fnnResolution = 0x1p-20

// ctxEvery is the number of nearest-neighbour searches (or reference
// points) between two looks at a context in the searches of
// FalseNeighboursContext, LargestFromSeriesContext and
// CorrelationDimensionContext: a look costs a few nanoseconds, a search
// about a microsecond.
const ctxEvery = 256

// fnnFraction returns the fraction of false nearest neighbours of the
// m-dimensional delay embedding (see FalseNeighbours); n − m·tau ≥ 2. It
// looks at ctx every ctxEvery points and returns an error wrapping
// ctx.Err() when it is done.
func fnnFraction(ctx context.Context, x []float64, tau, m, theiler int, sd float64) (float64, error) {
	const rTol, aTol = 10.0, 2.0
	rows := len(x) - m*tau // room for the (m+1)-th coordinate
	emb, _ := DelayEmbed(x[:rows+(m-1)*tau], 1, m, tau)
	tree, pts := buildTree(emb, m, rows)
	var amax float64
	for _, v := range x {
		amax = math.Max(amax, math.Abs(v))
	}
	floor := fnnResolution * amax
	k := &nearestKeeper{theiler: max(theiler, 0), distinct: true, floor2: float64(floor * floor)}
	var falseN, total int
	for i := 0; i < rows; i++ {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return 0, fmt.Errorf("analysis: false neighbours stopped at dimension %d, point %d of %d: %w", m, i, rows, err)
			}
		}
		j, d2 := nearestOutside(tree, k, pts[i])
		if j < 0 {
			continue
		}
		total++
		extra := math.Abs(x[i+m*tau] - x[j+m*tau])
		d := math.Sqrt(d2)
		if extra > rTol*d || math.Sqrt(d2+float64(extra*extra)) > aTol*sd {
			falseN++
		}
	}
	if total == 0 {
		return 0, nil
	}
	return float64(falseN) / float64(total), nil
}

// LinearRegion chooses the region of a divergence curve y_k (k = 0..K)
// to fit a line to, and returns its first and last index (inclusive).
//
// The rule: let k₀ be the index of the curve's minimum, y_sat the mean of
// its last quarter (the saturation level) and A = y_sat − y[k₀] the total
// rise. The region runs from the first k ≥ k₀ where y has risen by 20% of A
// to the first k where it has risen by 70% of A. The lower cut skips the
// initial alignment of the separation with the unstable direction (where
// the curve is steeper than λ₁); the upper cut skips the bend into
// saturation. On Lorenz-63 this fixed-fraction rule was more stable than
// choosing the window of best R² (which follows the oscillation of the
// local slope) and unbiased on long series. The region has at least 3
// points; ok is false when the curve does not rise (no exponential
// divergence): when A is below minRise = 1 (the mean separation does not
// even grow e-fold). A chaotic series rises from the nearest-neighbour
// distance to the attractor's size, 3.7 to 4.8 on 8,000 to 20,000
// samples of Lorenz, Rössler and Mackey–Glass; a sampled sine's curve
// rose by 0.02 (neighbours on a closed orbit stay apart), and its fit gave
// "λ₁ = 0.039" with R² 1.
func LinearRegion(y []float64) (start, end int, ok bool) {
	const lowFrac, highFrac, minRise = 0.2, 0.7, 1.0
	K := len(y) - 1
	if K < 4 {
		return 0, K, false
	}
	kmin := 0
	for k, v := range y {
		if v < y[kmin] {
			kmin = k
		}
	}
	var ysat float64
	q := K - K/4
	for _, v := range y[q:] {
		ysat += v
	}
	ysat /= float64(K + 1 - q)
	A := ysat - y[kmin]
	if !(A >= minRise) || kmin >= q || math.IsInf(A, 0) {
		return 0, K, false
	}
	lo, hi := -1, -1
	for k := kmin; k <= K; k++ {
		if lo < 0 && y[k]-y[kmin] >= lowFrac*A {
			lo = k
		}
		if y[k]-y[kmin] >= highFrac*A {
			hi = k
			break
		}
	}
	if lo < 0 || hi < 0 {
		return 0, K, false
	}
	if hi-lo < 2 {
		lo = max(kmin, min(lo, K-2))
		hi = min(lo+2, K)
	}
	return lo, hi, true
}

// fitLine returns the least-squares slope of y against x and the R² of the
// fit.
func fitLine(x, y []float64) (slope, r2 float64) {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var cxx, cxy, cyy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		cxx += float64(dx * dx)
		cxy += float64(dx * dy)
		cyy += float64(dy * dy)
	}
	if cxx == 0 {
		return math.NaN(), 0
	}
	slope = cxy / cxx
	r2 = 1
	if cyy > 0 {
		r2 = cxy * cxy / (cxx * cyy)
	}
	return slope, r2
}

// LargestFromSeries estimates the largest Lyapunov exponent from a time
// series by the method of Rosenstein, Collins & De Luca (1993). x is
// row-major (n samples of dim variables); a scalar series (dim 1) is
// delay-embedded.
//
// Automatic choices (each overridable in c): the lag τ is AutoLag (first
// minimum of the auto mutual information); the embedding dimension m is
// the smallest with fewer than 1% false nearest neighbours
// (FalseNeighbours, m ≤ 10); if there is none, as for noise or a
// stochastic series, that is a param error naming EmbedDim rather than an
// estimate: the divergence curve of such a series in a large dimension
// rises almost linearly because successive delay vectors overlap (white
// noise at m = 10 gave 0.133 per sample with FitR2 0.986, an AR(1) series
// with φ = 0.95 0.08 with FitR2 0.93–0.98). FitR2 measures how straight
// the fitted stretch is, not whether the series is chaotic, and does not
// separate chaos from noise. The Theiler window W is the mean period
// (MeanPeriod, Rosenstein's choice). Each embedded point i with i + Horizon
// inside the series gets its nearest neighbour j(i) with |i − j| > W (k-d
// tree search), passing over neighbours that coincide with the point to
// the data's resolution (as FalseNeighbours: an exact repeat of a state
// one period later cannot diverge from it, and its distance is rounding
// noise; a sampled sine gave λ₁ 0.37 from the log of that noise); the
// divergence curve is y_k = mean over pairs of ln ‖X_{i+k} − X_{j+k}‖
// (pairs at zero distance are skipped at that k; a series where all of
// them are at some k is a param error), and λ₁ is the least-squares slope
// of y_k against k·Dt over the region LinearRegion selects. A curve that
// does not rise (LinearRegion's ok false: a periodic, quasi-periodic or
// contracting series) gives Diverges false and λ₁ NaN, not an error.
func LargestFromSeries(x []float64, dim int, c RosensteinConfig) (*Rosenstein, error) {
	return LargestFromSeriesContext(context.Background(), x, dim, c)
}

// LargestFromSeriesContext is LargestFromSeries, stopped when ctx is done:
// it looks at ctx every ctxEvery points of the false-neighbour searches and
// of the divergence curve, and then returns an error wrapping ctx.Err() and
// no result. A search that is not stopped is LargestFromSeries's, bit for
// bit.
func LargestFromSeriesContext(ctx context.Context, x []float64, dim int, c RosensteinConfig) (*Rosenstein, error) {
	r, err := largestFromSeries(ctx, x, dim, c)
	return r, rosensteinErr(err)
}

// rosensteinErr turns chooseEmbedding's unfoldError into LargestFromSeries's
// param error naming EmbedDim; other errors pass through.
func rosensteinErr(err error) error {
	if u, ok := err.(*unfoldError); ok {
		// Noise and stochastic series fill every dimension: the false
		// neighbours never die out, and the curve of the largest
		// dimension would show the overlap of the delay vectors (a
		// slope with R² near 1) rather than chaos.
		return param.New("analysis", "EmbedDim", 0, fmt.Sprintf(
			"set explicitly: %s, as for noise or a stochastic series; a fixed EmbedDim fits it anyway, and then the slope need not mean chaos", u.search()))
	}
	return err
}

// largestFromSeries is LargestFromSeries with a failed embedding search
// returned as its *unfoldError.
func largestFromSeries(ctx context.Context, x []float64, dim int, c RosensteinConfig) (*Rosenstein, error) {
	n, err := checkSeries("x", x, dim)
	if err != nil {
		return nil, err
	}
	if c.Dt == 0 {
		c.Dt = 1
	}
	if err := param.Positive("analysis", "Dt", c.Dt); err != nil {
		return nil, err
	}
	if c.EmbedDim < 0 || c.Lag < 0 || c.Horizon < 0 || c.FitStart < 0 || c.FitEnd < 0 {
		return nil, param.New("analysis", "RosensteinConfig", fmt.Sprintf("%+v", c), "EmbedDim, Lag, Horizon, FitStart, FitEnd >= 0")
	}
	if n < 100 {
		return nil, param.New("analysis", "x", fmt.Sprintf("%d samples", n), "at least 100 samples")
	}
	for d := 0; d < dim; d++ {
		if stdDev(column(x, dim, d)) == 0 {
			return nil, param.New("analysis", fmt.Sprintf("x (variable %d)", d), "constant", "a series that varies")
		}
	}
	r := &Rosenstein{}
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
	if theiler >= n/4 {
		return nil, param.New("analysis", "Theiler", theiler, fmt.Sprintf("< n/4 = %d samples (series too short for its mean period)", n/4))
	}
	r.Theiler = theiler
	m, lag, fnn, err := chooseEmbedding(ctx, x, dim, c, theiler)
	if err != nil {
		return nil, err
	}
	r.EmbedDim, r.Lag, r.FalseNeighbours = m, lag, fnn
	emb, edim := x, dim
	if lag > 0 {
		if emb, err = DelayEmbed(x, dim, m, lag); err != nil {
			return nil, err
		}
		edim = m * dim
	}
	rows := len(emb) / edim
	K := c.Horizon
	if K == 0 {
		K = min(max(5*theiler, 50), rows/4)
	}
	if K < 4 || rows-K < 2*theiler+2 {
		return nil, param.New("analysis", "Horizon", K, fmt.Sprintf("in [4, %d] for %d embedded points and Theiler window %d", rows-2*theiler-2, rows, theiler))
	}
	auto := c.Horizon == 0
	for {
		if err := r.divergence(ctx, emb, edim, rows, K, theiler); err != nil {
			return nil, err
		}
		if !auto || 2*K > rows/4 || !risingAtEnd(r.Curve) {
			break
		}
		K *= 2
	}
	if c.FitStart != 0 || c.FitEnd != 0 {
		if c.FitEnd <= c.FitStart || c.FitEnd > K {
			return nil, param.New("analysis", "FitEnd", c.FitEnd, fmt.Sprintf("in (FitStart, Horizon] = (%d, %d]", c.FitStart, K))
		}
		r.FitStart, r.FitEnd = c.FitStart, c.FitEnd
		r.Diverges = true
	} else {
		r.FitStart, r.FitEnd, r.Diverges = LinearRegion(r.Curve)
		if !r.Diverges {
			// No rise (a periodic, quasi-periodic or contracting
			// series): nothing to fit, λ₁ is not estimated.
			r.Lambda, r.FitR2 = math.NaN(), math.NaN()
			return r, nil
		}
	}
	xs := make([]float64, r.FitEnd-r.FitStart+1)
	for i := range xs {
		xs[i] = float64(r.FitStart+i) * c.Dt
	}
	r.Lambda, r.FitR2 = fitLine(xs, r.Curve[r.FitStart:r.FitEnd+1])
	return r, nil
}

// chooseEmbedding returns the delay embedding LargestFromSeries uses for
// the series x (n samples of dim variables) with Theiler window theiler:
// the dimension m, the lag in samples (0 when the vectors are used as they
// are: a multivariate series without EmbedDim ≥ 2, m = 1) and the fraction
// of false nearest neighbours at m when m was chosen automatically (NaN
// otherwise). See LargestFromSeries for the rules.
func chooseEmbedding(ctx context.Context, x []float64, dim int, c RosensteinConfig, theiler int) (m, lag int, fnn float64, err error) {
	if dim > 1 && c.EmbedDim < 2 {
		return 1, 0, math.NaN(), nil
	}
	n := len(x) / dim
	xs := x
	if dim > 1 {
		xs = column(x, dim, 0)
	}
	lag = c.Lag
	if lag == 0 {
		if lag, err = AutoLag(xs); err != nil {
			return 0, 0, 0, err
		}
	}
	m, fnn = c.EmbedDim, math.NaN()
	if m == 0 {
		sd := stdDev(xs)
		maxM := min(maxAutoEmbedDim, max(1, (n/2)/lag-1))
		f := 1.0
		for m = 1; m <= maxM; m++ {
			if f, err = fnnFraction(ctx, xs, lag, m, theiler, sd); err != nil {
				return 0, 0, 0, err
			}
			if f < 0.01 {
				break
			}
		}
		if m > maxM {
			return 0, 0, 0, &unfoldError{lag: lag, maxM: maxM, left: f}
		}
		fnn = f
	}
	return m, lag, fnn, nil
}

// unfoldError is chooseEmbedding's report that the false-nearest-neighbour
// search did not converge.
type unfoldError struct {
	lag, maxM int
	left      float64 // fraction of false neighbours at maxM
}

func (u *unfoldError) search() string {
	return fmt.Sprintf("the false-nearest-neighbour search (lag %d) did not fall below 1%% up to m = %d (%.1f%% false neighbours left)", u.lag, u.maxM, 100*u.left)
}

func (u *unfoldError) Error() string { return "analysis: " + u.search() }

// divergence computes the mean log divergence curve of the embedded
// points emb (rows × edim) for k = 0..K into r.Curve and r.Pairs.
func (r *Rosenstein) divergence(ctx context.Context, emb []float64, edim, rows, K, theiler int) error {
	refs := rows - K
	tree, pts := buildTree(emb, edim, refs)
	var amax float64
	for _, v := range emb {
		amax = math.Max(amax, math.Abs(v))
	}
	floor := fnnResolution * amax
	keep := &nearestKeeper{theiler: theiler, distinct: true, floor2: float64(floor * floor)}
	// Σ ln d² per k is accumulated as products of Frexp mantissas (in
	// [½, 1)) and sums of exponents, folded into a logarithm every 32
	// pairs: one log per 32 distances instead of one each.
	const fold = 32
	sum := make([]float64, K+1)
	cnt := make([]int, K+1)
	mant := make([]float64, K+1)
	expo := make([]int, K+1)
	for k := range mant {
		mant[k] = 1
	}
	flush := func() {
		for k := range mant {
			sum[k] += float64(0.5 * (detmath.Log(mant[k]) + float64(float64(expo[k])*math.Ln2)))
			mant[k], expo[k] = 1, 0
		}
	}
	r.Pairs = 0
	for i := 0; i < refs; i++ {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("analysis: divergence curve stopped at point %d of %d: %w", i, refs, err)
			}
		}
		j, _ := nearestOutside(tree, keep, pts[i])
		if j < 0 {
			continue
		}
		r.Pairs++
		for k := 0; k <= K; k++ {
			a := emb[(i+k)*edim : (i+k+1)*edim]
			b := emb[(j+k)*edim : (j+k+1)*edim]
			var d2 float64
			for q, v := range a {
				e := v - b[q]
				d2 += float64(e * e)
			}
			if d2 > 0 {
				f, e := math.Frexp(d2)
				mant[k] *= f
				expo[k] += e
				cnt[k]++
			}
		}
		if r.Pairs%fold == 0 {
			flush()
		}
	}
	flush()
	if r.Pairs == 0 {
		return param.New("analysis", "x", fmt.Sprintf("%d embedded points", rows), "enough points outside the Theiler window to find neighbours")
	}
	r.Curve = make([]float64, K+1)
	zero := 0
	for k := range r.Curve {
		if cnt[k] > 0 {
			r.Curve[k] = sum[k] / float64(cnt[k])
		} else {
			r.Curve[k] = math.Inf(-1)
			zero++
		}
	}
	if zero > 0 {
		// An exactly repeating series (a periodic orbit of a map or a
		// model locked into a cycle): no distance to take the log of.
		return param.New("analysis", "x", "exactly repeating",
			fmt.Sprintf("a series whose nearest neighbours do not coincide (at %d of the %d steps every one of the %d neighbour pairs is at distance 0, as on an exact periodic orbit)", zero, K+1, r.Pairs))
	}
	return nil
}

// risingAtEnd reports whether a divergence curve has not saturated: the
// least-squares slope of its last quarter is more than a quarter of the
// slope over the region LinearRegion selects.
func risingAtEnd(y []float64) bool {
	a, b, ok := LinearRegion(y)
	if !ok {
		return false
	}
	K := len(y) - 1
	q := K - K/4
	idx := func(lo, hi int) []float64 {
		x := make([]float64, hi-lo+1)
		for i := range x {
			x[i] = float64(lo + i)
		}
		return x
	}
	sFit, _ := fitLine(idx(a, b), y[a:b+1])
	sEnd, _ := fitLine(idx(q, K), y[q:K+1])
	return sFit > 0 && sEnd > 0.25*sFit
}

// column returns variable d of a row-major series.
func column(x []float64, dim, d int) []float64 {
	n := len(x) / dim
	out := make([]float64, n)
	for i := range out {
		out[i] = x[i*dim+d]
	}
	return out
}
