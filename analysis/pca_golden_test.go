package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPCAGolden pins the bits of a PCA of 500 states in 20 dimensions (a
// CT-RNN-sized hidden state), and checks it against a direct eigen-free
// property: the components are orthonormal. The digest is the same in the
// default build, -tags noasm, GOARCH=386 and on arm64 (make asm-arm64);
// with gonum's stat.PC the components differed in their last bits between
// the default build and noasm.
func TestPCAGolden(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	const n, dim = 500, 20
	x := make([]float64, n*dim)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			x[i*dim+j] = float64(float64(j+1) * (2*r.Float64() - 1))
		}
		x[i*dim+3] += float64(0.5 * x[i*dim+7])
	}
	p, err := FitPCA(x, dim, 0)
	if err != nil {
		t.Fatal(err)
	}
	for a := 0; a < p.K; a++ {
		for b := 0; b < p.K; b++ {
			s := 0.0
			for j := 0; j < dim; j++ {
				s += p.Components[a*dim+j] * p.Components[b*dim+j]
			}
			if a == b {
				s--
			}
			if math.Abs(s) > 1e-12 {
				t.Fatalf("components %d and %d: inner product off by %g", a, b, s)
			}
		}
	}
	var h figureHash
	h.f(p.Components...)
	h.f(p.Variance...)
	h.f(p.Total)
	h.check(t, "components, variances, total", "520d32f88176c13389b01990a16cd79033fd2aa21abcdc158099ca5b796c4461")
}
