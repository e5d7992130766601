package analysis

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/detlinalg"
	"github.com/neurodyn/neurodyn/internal/param"
)

// PCA is a principal component analysis of states (for example hidden
// states recorded while a model runs): the thin SVD of the centered states
// (internal/detlinalg, the same bits on every kernel path).
type PCA struct {
	// Dim is the dimension of the states; K the number of components kept.
	Dim, K int
	// Mean is the mean state.
	Mean []float64
	// Components holds the K unit principal directions (row-major K×Dim),
	// by decreasing variance; each is signed so that its entry of largest
	// magnitude is positive (a deterministic sign convention).
	Components []float64
	// Variance is the variance of the scores along each kept component
	// (sample variance, denominator n−1); Ratio the fraction of the total
	// variance it explains; Total the total variance (sum over all
	// directions).
	Variance, Ratio []float64
	Total           float64
}

// FitPCA computes the principal components of x (row-major, n states of
// dim values) and keeps the first k (0 → all min(n, dim)). At least two
// states are needed.
func FitPCA(x []float64, dim, k int) (*PCA, error) {
	n, err := checkSeries("x", x, dim)
	if err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, param.New("analysis", "x", fmt.Sprintf("%d states", n), "at least 2 states")
	}
	maxK := min(n, dim)
	if k == 0 {
		k = maxK
	}
	if k < 1 || k > maxK {
		return nil, param.New("analysis", "k", k, fmt.Sprintf("in [1, %d] (min of states and dimension)", maxK))
	}
	vars, vecs, err := principalComponents(x, n, dim)
	if err != nil {
		return nil, err
	}
	p := &PCA{Dim: dim, K: k, Mean: make([]float64, dim), Components: make([]float64, k*dim),
		Variance: make([]float64, k), Ratio: make([]float64, k)}
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			p.Mean[j] += x[i*dim+j]
		}
	}
	for j := range p.Mean {
		p.Mean[j] /= float64(n)
	}
	for _, v := range vars {
		p.Total += v
	}
	for c := 0; c < k; c++ {
		row := p.Components[c*dim : (c+1)*dim]
		big := 0
		for j := range row {
			row[j] = vecs[j*maxK+c]
			if math.Abs(row[j]) > math.Abs(row[big]) {
				big = j
			}
		}
		if row[big] < 0 {
			for j := range row {
				row[j] = -row[j]
			}
		}
		p.Variance[c] = vars[c]
		if p.Total > 0 {
			p.Ratio[c] = vars[c] / p.Total
		}
	}
	return p, nil
}

// Project writes the scores of the states x (row-major, n×Dim) on the K
// components to dst (row-major, n×K): dst_ic = Σ_j (x_ij − Mean_j)·V_cj.
// It panics if the lengths do not match.
func (p *PCA) Project(dst, x []float64) {
	if len(x)%p.Dim != 0 || len(dst) != len(x)/p.Dim*p.K {
		panic("analysis: PCA.Project needs len(x) = n·Dim and len(dst) = n·K")
	}
	n := len(x) / p.Dim
	for i := 0; i < n; i++ {
		xi := x[i*p.Dim : (i+1)*p.Dim]
		for c := 0; c < p.K; c++ {
			v := p.Components[c*p.Dim : (c+1)*p.Dim]
			var s float64
			for j, e := range xi {
				s += float64((e - p.Mean[j]) * v[j])
			}
			dst[i*p.K+c] = s
		}
	}
}

// ProjectPoints returns the scores (row-major, len(points)×K) of the states
// of fixed or slow points.
func (p *PCA) ProjectPoints(points []FixedPoint) []float64 {
	x := make([]float64, 0, len(points)*p.Dim)
	for _, q := range points {
		if len(q.H) != p.Dim {
			panic("analysis: PCA.ProjectPoints: point dimension differs from the PCA's")
		}
		x = append(x, q.H...)
	}
	dst := make([]float64, len(points)*p.K)
	p.Project(dst, x)
	return dst
}

// Cumulative returns the cumulative explained-variance ratios of the kept
// components.
func (p *PCA) Cumulative() []float64 {
	out := make([]float64, p.K)
	var s float64
	for c, r := range p.Ratio {
		s += r
		out[c] = s
	}
	return out
}

// principalComponents returns the sample variances (denominator n−1) along
// the principal directions, decreasing, and the directions as the columns
// of a dim×min(n, dim) row-major matrix: the thin SVD of x (n×dim) with its
// column means subtracted, as gonum's stat.PC computes them, but with
// detlinalg.SVD so that the bits do not depend on gonum's BLAS kernels.
func principalComponents(x []float64, n, dim int) (vars, vecs []float64, err error) {
	mean := make([]float64, dim)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			mean[j] += x[i*dim+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	c := make([]float64, n*dim)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			c[i*dim+j] = x[i*dim+j] - mean[j]
		}
	}
	_, s, v, err := detlinalg.SVD(c, n, dim)
	if err != nil {
		return nil, nil, fmt.Errorf("analysis: FitPCA: singular value decomposition: %w", err)
	}
	f := 1 / float64(n-1)
	for i, sv := range s {
		s[i] = float64(f*sv) * sv
	}
	return s, v, nil
}
