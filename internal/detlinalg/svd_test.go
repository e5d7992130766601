package detlinalg

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSVD checks U·diag(s)·Vᵀ = A, orthonormal U and V, and the singular
// values against gonum's (LAPACK's dgesvd), on random tall, wide, square
// and rank-deficient matrices and on a matrix with known singular values.
func TestSVD(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 5))
	rankDef := randMat(r, 40, 6)
	for i := 0; i < 40; i++ {
		rankDef[i*6+4] = 2*rankDef[i*6+1] - rankDef[i*6+2] // column 4 dependent
		rankDef[i*6+5] = 0
	}
	cases := []struct {
		name string
		m, n int
		a    []float64
		want []float64
	}{
		{"diag", 3, 3, []float64{0, 0, 2, 0, -5, 0, 1, 0, 0}, []float64{5, 2, 1}},
		{"1x1", 1, 1, []float64{-4}, []float64{4}},
		{"tall 500x30", 500, 30, randMat(r, 500, 30), nil},
		{"wide 7x20", 7, 20, randMat(r, 7, 20), nil},
		{"square 25", 25, 25, randMat(r, 25, 25), nil},
		{"rank deficient 40x6", 40, 6, rankDef, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, n, k := c.m, c.n, min(c.m, c.n)
			u, s, v, err := SVD(c.a, m, n)
			if err != nil {
				t.Fatal(err)
			}
			want := c.want
			if want == nil {
				var g mat.SVD
				if !g.Factorize(mat.NewDense(m, n, append([]float64(nil), c.a...)), mat.SVDThin) {
					t.Fatal("gonum's SVD failed")
				}
				want = g.Values(nil)
			}
			for i := range s {
				if math.Abs(s[i]-want[i]) > 1e-13*want[0] {
					t.Fatalf("s[%d] = %v, want %v", i, s[i], want[i])
				}
			}
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					x := 0.0
					for l := 0; l < k; l++ {
						x += u[i*k+l] * s[l] * v[j*k+l]
					}
					if math.Abs(x-c.a[i*n+j]) > 1e-13*s[0] {
						t.Fatalf("(USVᵀ − A)[%d][%d] = %g", i, j, x-c.a[i*n+j])
					}
				}
			}
			for _, q := range []struct {
				name string
				x    []float64
				rows int
			}{{"U", u, m}, {"V", v, n}} {
				for a := 0; a < k; a++ {
					for b := 0; b < k; b++ {
						if q.name == "U" && (s[a] <= 1e-12*s[0] || s[b] <= 1e-12*s[0]) {
							continue // U's columns of zero singular values are zero
						}
						x := 0.0
						for i := 0; i < q.rows; i++ {
							x += q.x[i*k+a] * q.x[i*k+b]
						}
						if a == b {
							x--
						}
						if math.Abs(x) > 1e-12 {
							t.Fatalf("(%sᵀ%s − I)[%d][%d] = %g", q.name, q.name, a, b, x)
						}
					}
				}
			}
		})
	}
}

// TestSVDGolden pins the bits of an SVD (same digest in every build).
func TestSVDGolden(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2))
	u, s, v, err := SVD(randMat(r, 300, 28), 300, 28)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := digest(u, s, v), "5c80c380f0fcea66be14dea265a148525b8cdd0b52c6ca08a557f697994ac95c"; got != want {
		t.Fatalf("SHA-256 %s, want %s", got, want)
	}
}
