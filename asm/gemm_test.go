package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

func TestGemm(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testGemm[float32])
		t.Run("float64", testGemm[float64])
	})
}

func testGemm[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	dims := []int{1, 2, 3, 5, 6, 7, 8, 9, 13, 16, 17, 24, 33}
	if !testing.Short() {
		dims = append(dims, 64, 97)
	}
	// Shapes that reach the k-slicing (k > 256: chains parked and resumed)
	// and the packing of A (m·n·k ≥ 2^21): per tile slice when B is one
	// block of panels (with and without k-slicing), else whole, in groups
	// of 8 row tiles (transposed A) with a partial group.
	big := [][3]int{{13, 17, 600}, {7, 33, 257}, {70, 50, 600}, {100, 300, 70}, {200, 64, 200}}
	if testing.Short() {
		big = big[:2]
	}
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			for iter := range 40 + len(big) {
				m, n, k := dims[r.IntN(len(dims))], dims[r.IntN(len(dims))], dims[r.IntN(len(dims))]
				if iter == 0 {
					k = 0
				}
				if iter >= 40 {
					m, n, k = big[iter-40][0], big[iter-40][1], big[iter-40][2]
				}
				ar, ac := m, k
				if ta {
					ar, ac = k, m
				}
				br, bc := k, n
				if tb {
					br, bc = n, k
				}
				lda, ldb, ldc := max(1, ac)+r.IntN(3), max(1, bc)+r.IntN(3), n+r.IntN(3)
				a := make([]T, max(0, (ar-1)*lda+ac))
				b := make([]T, max(0, (br-1)*ldb+bc))
				fill(r, a, iter%7 == 3)
				fill(r, b, false)
				cs, cb := guarded[T]((m-1)*ldc+n, iter%4)
				fill(r, cs, iter%5 == 2)
				a0, b0, c0 := slices.Clone(a), slices.Clone(b), slices.Clone(cs)
				alpha := scalars[T](r)[iter%4]
				if iter >= 40 && alpha == 0 {
					alpha = 1.5 // alpha = 0 skips the kernels: the big shapes are there to reach them
				}
				beta := scalars[T](r)[(iter/4)%4]
				name := fmt.Sprintf("ta=%v/tb=%v/m=%d/n=%d/k=%d/alpha=%v/beta=%v", ta, tb, m, n, k, alpha, beta)
				want := slices.Clone(c0)
				gemmNaive(ta, tb, m, n, k, alpha, a0, lda, b0, ldb, beta, want, ldc)
				Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, cs, ldc)
				if i := firstDiff(cs, want); i >= 0 {
					t.Fatalf("%s: c[%d] = %v, want %v", name, i, cs[i], want[i])
				}
				if firstDiff(a, a0) >= 0 || firstDiff(b, b0) >= 0 {
					t.Fatalf("%s: inputs changed", name)
				}
				checkGuards(t, name, cb, iter%4, len(cs))
			}
		}
	}
}

// TestGemmReference checks the reference against a float64 naive product,
// for every transpose combination.
func TestGemmReference(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	m, n, k := 7, 9, 11
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			a, b, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
			fill(r, a, false)
			fill(r, b, false)
			fill(r, c, false)
			lda, ldb := k, n
			if ta {
				lda = m
			}
			if tb {
				ldb = k
			}
			want := make([]float64, m*n)
			for i := range m {
				for j := range n {
					var s float64
					for p := range k {
						av, bv := a[i*k+p], b[p*n+j]
						if ta {
							av = a[p*m+i]
						}
						if tb {
							bv = b[j*k+p]
						}
						s += av * bv
					}
					want[i*n+j] = 2*s + 0.5*c[i*n+j]
				}
			}
			gemmGeneric(ta, tb, m, n, k, 2, a, lda, b, ldb, 0.5, c, n)
			for i := range c {
				if math.Abs(c[i]-want[i]) > 1e-12 {
					t.Fatalf("ta=%v tb=%v: c[%d] = %v, want %v", ta, tb, i, c[i], want[i])
				}
			}
		}
	}
}

// TestGemmPackedPadded covers the packed-A paths with leading dimensions
// larger than the rows, both with one k-slice and with several (k > 256):
// the packed tiles must be addressed by their own layout, never by lda.
// The shapes reach A packed per tile slice (one block of panels, one
// k-slice; A transposed or its rows 4 KiB apart, else read in place), A
// packed whole (more panels, one k-slice) and the large-product loop (one
// block of panels or more, several k-slices, B packed slice by slice):
// with a short last k-slice, a partial panel, several row blocks (360
// float32 rows, 180 float64) and a last block ending in a partial tile;
// and A read in place but larger than gemmPrefetchBytes (1,100 rows), whose
// next tile's rows are prefetched.
func TestGemmPackedPadded(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", func(t *testing.T) {
			shapes := [][3]int{{195, 195, 64}, {130, 70, 300}, {100, 300, 70}, {100, 256, 300}, {367, 277, 300}, {1100, 64, 200}}
			if testing.Short() {
				shapes = shapes[:4] // float64 covers several row blocks
			}
			testGemmPackedPadded[float32](t, shapes)
		})
		t.Run("float64", func(t *testing.T) {
			testGemmPackedPadded[float64](t, [][3]int{{130, 70, 300}, {187, 140, 300}, {187, 140, 200}})
		})
	})
}

func testGemmPackedPadded[T Float](t *testing.T, shapes [][3]int) {
	r := rand.New(rand.NewPCG(35, 36))
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, beta := range []T{0, 0.5} {
					ar, ac, br, bc := m, k, k, n
					if ta {
						ar, ac = k, m
					}
					if tb {
						br, bc = n, k
					}
					// lda: rows that do not alias (A read in place where it
					// can be) and, untransposed, rows 4 KiB apart (A packed).
					ldas := []int{ac + 67}
					if page := 4096 / int(unsafe.Sizeof(T(0))); !ta {
						ldas = append(ldas, (ac+page)/page*page)
					}
					for _, lda := range ldas {
						ldb, ldc := bc+3, n+5
						a := make([]T, (ar-1)*lda+ac)
						b := make([]T, (br-1)*ldb+bc)
						c := make([]T, (m-1)*ldc+n)
						fill(r, a, false)
						fill(r, b, false)
						fill(r, c, false)
						want := slices.Clone(c)
						gemmNaive(ta, tb, m, n, k, -1, a, lda, b, ldb, beta, want, ldc)
						Gemm(ta, tb, m, n, k, -1, a, lda, b, ldb, beta, c, ldc)
						if i := firstDiff(c, want); i >= 0 {
							t.Fatalf("m=%d n=%d k=%d lda=%d ta=%v tb=%v beta=%v: c[%d] = %v, want %v", m, n, k, lda, ta, tb, beta, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}
