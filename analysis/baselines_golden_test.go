package analysis

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestLstsqGolden pins the bits of the least-squares and ridge solutions
// behind AR and NVAR (a 2,000×28 design matrix, 3 targets, λ = 0 and
// 1e-6): the same in the default build, -tags noasm, GOARCH=386 and on
// arm64 (make asm-arm64). With gonum's SVD the AR(4) and NVAR(2)
// coefficients fitted on the Lorenz dataset differed in their last bits
// between the default build and noasm. (The Lorenz dataset itself is not
// the same bits on 386 and arm64, so the design here is drawn directly.)
func TestLstsqGolden(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n, p, dim = 2000, 28, 3
	x, y := mat.NewDense(n, p, nil), mat.NewDense(n, dim, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			x.Set(i, j, 2*r.Float64()-1)
		}
		for j := 0; j < dim; j++ {
			s := 0.0
			for k := 0; k < p; k++ {
				s += float64(float64(j+k+1) * x.At(i, k))
			}
			y.Set(i, j, s+(r.Float64()-0.5)/8)
		}
	}
	ls, err := newLstsq(x, y)
	if err != nil {
		t.Fatal(err)
	}
	var h figureHash
	for _, lambda := range []float64{0, 1e-6} {
		h.f(ls.solve(lambda, n)...)
	}
	h.check(t, "the solutions", "eb1aa291e1510a7227a154f4c4f5ad2f0875bea0682cec0226b8cfd4ed527602")
}
