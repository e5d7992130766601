package detlinalg

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randMat(r *rand.Rand, m, n int) []float64 {
	a := make([]float64, m*n)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	return a
}

// TestQR checks Q's orthonormality, Q·R = A, and Q and R against gonum's
// (LAPACK's dgeqrf and dorgqr, the same reflector convention), on random
// matrices of several shapes and on matrices with zero columns.
func TestQR(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 1))
	zeroCol := randMat(r, 6, 4)
	for i := 0; i < 6; i++ {
		zeroCol[i*4+1] = 0
	}
	cases := []struct {
		name string
		m, n int
		a    []float64
	}{
		{"1x1", 1, 1, []float64{-3}},
		{"3x1", 3, 1, []float64{0, 3, 4}},
		{"5x5", 5, 5, randMat(r, 5, 5)},
		{"9x4", 9, 4, randMat(r, 9, 4)},
		{"64x64", 64, 64, randMat(r, 64, 64)},
		{"200x37", 200, 37, randMat(r, 200, 37)},
		{"zero column", 6, 4, zeroCol},
		{"upper triangular", 3, 3, []float64{2, 1, 1, 0, -3, 1, 0, 0, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, n := c.m, c.n
			orig := append([]float64(nil), c.a...)
			f := NewQR(c.a, m, n)
			for i := range orig {
				if orig[i] != c.a[i] {
					t.Fatal("NewQR modified its argument")
				}
			}
			q, rr := f.Q(), f.R()
			for i := 0; i < n; i++ {
				if f.RDiag(i) != rr[i*n+i] {
					t.Fatalf("RDiag(%d) = %v, R[%d][%d] = %v", i, f.RDiag(i), i, i, rr[i*n+i])
				}
				for j := 0; j < n; j++ {
					s := 0.0
					for k := 0; k < m; k++ {
						s += q[k*n+i] * q[k*n+j]
					}
					if i == j {
						s--
					}
					if math.Abs(s) > 1e-13 {
						t.Fatalf("(QᵀQ − I)[%d][%d] = %g", i, j, s)
					}
				}
			}
			scale := mat.Norm(mat.NewDense(m, n, orig), math.Inf(1))
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					s := 0.0
					for k := 0; k <= j; k++ {
						s += q[i*n+k] * rr[k*n+j]
					}
					if math.Abs(s-orig[i*n+j]) > 1e-13*scale {
						t.Fatalf("(QR − A)[%d][%d] = %g", i, j, s-orig[i*n+j])
					}
				}
			}
			var g mat.QR
			g.Factorize(mat.NewDense(m, n, orig))
			var gq, gr mat.Dense
			g.QTo(&gq)
			g.RTo(&gr)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					if d := math.Abs(q[i*n+j] - gq.At(i, j)); d > 1e-12 {
						t.Fatalf("Q[%d][%d] = %v, gonum's %v", i, j, q[i*n+j], gq.At(i, j))
					}
					if i < n && math.Abs(rr[i*n+j]-gr.At(i, j)) > 1e-12*scale {
						t.Fatalf("R[%d][%d] = %v, gonum's %v", i, j, rr[i*n+j], gr.At(i, j))
					}
				}
			}
		})
	}
}

// TestQRSolve checks least squares against the normal equations' residual
// condition Aᵀ(AX − B) = 0 and against gonum's solution, and that a rank
// deficient A is refused.
func TestQRSolve(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2))
	for _, sh := range [][3]int{{1, 1, 1}, {5, 5, 2}, {50, 6, 3}, {400, 11, 1}} {
		m, n, cols := sh[0], sh[1], sh[2]
		t.Run(fmt.Sprintf("%dx%d", m, n), func(t *testing.T) {
			a, b := randMat(r, m, n), randMat(r, m, cols)
			x, ok := NewQR(a, m, n).Solve(b, cols)
			if !ok {
				t.Fatal("full-rank A refused")
			}
			var gx mat.Dense
			if err := gx.Solve(mat.NewDense(m, n, a), mat.NewDense(m, cols, b)); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				for c := 0; c < cols; c++ {
					if d := math.Abs(x[i*cols+c] - gx.At(i, c)); d > 1e-12*max(1, math.Abs(gx.At(i, c))) {
						t.Fatalf("X[%d][%d] = %v, gonum's %v", i, c, x[i*cols+c], gx.At(i, c))
					}
				}
			}
		})
	}
	// An exactly known solution: the line through (0, 1), (1, 3), (2, 5).
	x, ok := NewQR([]float64{1, 0, 1, 1, 1, 2}, 3, 2).Solve([]float64{1, 3, 5}, 1)
	if !ok || math.Abs(x[0]-1) > 1e-15 || math.Abs(x[1]-2) > 1e-15 {
		t.Fatalf("line fit = %v, want [1 2]", x)
	}
	if _, ok := NewQR([]float64{1, 0, 2, 0, 3, 0}, 3, 2).Solve([]float64{1, 2, 3}, 1); ok {
		t.Fatal("A with a zero column accepted")
	}
}

// matchEigen pairs every eigenvalue of want with the nearest unmatched one
// of got and returns the largest distance relative to max(1, |want|).
func matchEigen(gotRe, gotIm []float64, want []complex128) float64 {
	used := make([]bool, len(gotRe))
	worst := 0.0
	for _, w := range want {
		best, bi := math.Inf(1), -1
		for i := range gotRe {
			if used[i] {
				continue
			}
			if d := cmplx.Abs(complex(gotRe[i], gotIm[i]) - w); d < best {
				best, bi = d, i
			}
		}
		used[bi] = true
		worst = max(worst, best/max(1, cmplx.Abs(w)))
	}
	return worst
}

// TestEigenvalues checks the eigenvalues of known matrices exactly (to
// rounding) and of random ones against gonum's (LAPACK's dgeev).
func TestEigenvalues(t *testing.T) {
	th := 0.7
	cyc := make([]float64, 25) // the cyclic shift: the 5th roots of unity
	for i := 0; i < 5; i++ {
		cyc[i*5+(i+1)%5] = 1
	}
	// The companion matrix of (x−1)(x−2)(x−3)(x²+1) = x⁵ − 6x⁴ + 12x³ − 12x² + 11x − 6.
	comp := []float64{
		6, -12, 12, -11, 6,
		1, 0, 0, 0, 0,
		0, 1, 0, 0, 0,
		0, 0, 1, 0, 0,
		0, 0, 0, 1, 0,
	}
	known := []struct {
		name string
		n    int
		a    []float64
		want []complex128
	}{
		{"empty", 0, nil, nil},
		{"1x1", 1, []float64{-2.5}, []complex128{-2.5}},
		{"rotation", 2, []float64{math.Cos(th), -math.Sin(th), math.Sin(th), math.Cos(th)}, []complex128{cmplx.Rect(1, th), cmplx.Rect(1, -th)}},
		{"diagonal", 3, []float64{3, 0, 0, 0, -1, 0, 0, 0, 2}, []complex128{3, -1, 2}},
		{"upper triangular", 4, []float64{1, 5, 7, 9, 0, 2, 4, 6, 0, 0, -3, 8, 0, 0, 0, 0.5}, []complex128{1, 2, -3, 0.5}},
		{"zero", 3, make([]float64, 9), []complex128{0, 0, 0}},
		{"cyclic shift", 5, cyc, []complex128{1, cmplx.Rect(1, 2*math.Pi/5), cmplx.Rect(1, -2*math.Pi/5), cmplx.Rect(1, 4*math.Pi/5), cmplx.Rect(1, -4*math.Pi/5)}},
		{"companion", 5, comp, []complex128{1, 2, 3, 1i, -1i}},
	}
	for _, c := range known {
		t.Run(c.name, func(t *testing.T) {
			re, im, err := Eigenvalues(c.a, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if d := matchEigen(re, im, c.want); d > 1e-12 {
				t.Fatalf("eigenvalues %v %v, want %v: off by %g", re, im, c.want, d)
			}
			for i := range im {
				if im[i] > 0 && (i == 0 || im[i-1] != -im[i] || re[i-1] != re[i]) {
					t.Fatalf("eigenvalue %d = %v%+vi is not second of a conjugate pair", i, re[i], im[i])
				}
			}
		})
	}
	r := rand.New(rand.NewPCG(7, 3))
	// Sparse matrices are large enough that no row or column is zero
	// (a zero row or column gives a defective eigenvalue 0, which rounding
	// moves by √ε).
	for _, n := range []int{2, 3, 7, 30, 120, 300} {
		for _, density := range []float64{1, 0.1} {
			if density < 1 && n < 120 {
				continue
			}
			t.Run(fmt.Sprintf("random n=%d density=%v", n, density), func(t *testing.T) {
				a := make([]float64, n*n)
				for i := range a {
					if v := r.NormFloat64(); r.Float64() < density {
						a[i] = v
					}
				}
				re, im, err := Eigenvalues(a, n)
				if err != nil {
					t.Fatal(err)
				}
				var eig mat.Eigen
				if !eig.Factorize(mat.NewDense(n, n, append([]float64(nil), a...)), mat.EigenNone) {
					t.Fatal("gonum did not converge")
				}
				if d := matchEigen(re, im, eig.Values(nil)); d > 1e-10 {
					t.Fatalf("eigenvalues differ from gonum's by %g (relative)", d)
				}
				rad, _ := SpectralRadius(a, n)
				want := 0.0
				for _, v := range eig.Values(nil) {
					want = max(want, cmplx.Abs(v))
				}
				if math.Abs(rad-want) > 1e-12*want {
					t.Fatalf("spectral radius %v, gonum's %v", rad, want)
				}
			})
		}
	}
}

func digest(xs ...[]float64) string {
	h := sha256.New()
	var b [8]byte
	for _, x := range xs {
		for _, v := range x {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestGolden pins the bits of a QR factorization and of eigenvalues: the
// same digests must come out of every build (default, -tags noasm,
// GOARCH=386, arm64 under qemu-aarch64: make asm-arm64).
func TestGolden(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 1))
	a := randMat(r, 150, 120)
	f := NewQR(a, 150, 120)
	x, _ := f.Solve(randMat(r, 150, 2), 2)
	b := randMat(r, 160, 160)
	for i := range b {
		if i%3 != 0 {
			b[i] = 0
		}
	}
	re, im, err := Eigenvalues(b, 160)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"QR", digest(f.Q(), f.R(), x), "a3a178fe801e5befa289967b67ca4cad2a9da003413f1e426186a77a1ecbac34"},
		{"eigenvalues", digest(re, im), "e2a9127fc0ee34633a5ca7e1cc6cbe38aeee95da3c9900a969e30277122a862e"},
	} {
		if c.got != c.want {
			t.Errorf("%s: SHA-256 %s, want %s", c.name, c.got, c.want)
		}
	}
}
