package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// gemmNaive is the definition of Gemm's arithmetic, written as a plain
// triple loop: t = 0, t = fma(op(A)[i, p], op(B)[p, j], t) for p = 0 … k−1,
// then the epilogue (S(beta, c) when alpha == 0 or k == 0). Every path,
// gemmGeneric included, must return its bits.
func gemmNaive[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	for i := range m {
		for j := range n {
			if alpha == 0 || k == 0 {
				c[i*ldc+j] = scaleBy(beta, c[i*ldc+j])
				continue
			}
			var t T
			for p := range k {
				var av, bv T
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				t = fmaT(av, bv, t)
			}
			c[i*ldc+j] = epilogue(alpha, t, beta, c[i*ldc+j])
		}
	}
}

// TestGemmGenericNaive checks the pure-Go Gemm against gemmNaive bit for
// bit on every path's build: every transpose, sizes around the register
// tile (2×4) and the packed block of B (more than one block when k·n >
// 32,768), padded leading dimensions, and operands with specials, values
// whose products or sums fall below the float32 normal range (fma32's slow
// case, inside a chain: the chain must resume exactly), float32 midpoints
// and exact cancellations.
func TestGemmGenericNaive(t *testing.T) {
	t.Run("float32", testGemmGenericNaive[float32])
	t.Run("float64", testGemmGenericNaive[float64])
}

func testGemmGenericNaive[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	shapes := [][3]int{{1, 1, 1}, {2, 4, 1}, {3, 5, 7}, {1, 9, 3}, {9, 1, 3}, {4, 8, 16}, {5, 7, 2}, {64, 3, 64}, {17, 33, 65}, {6, 70, 600}, {3, 300, 130}}
	if !testing.Short() {
		shapes = append(shapes, [3]int{40, 260, 200}, [3]int{33, 31, 1500})
	}
	kinds := []string{"plain", "specials", "tiny", "cancel"}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for it, kind := range kinds {
					ar, ac := m, k
					if ta {
						ar, ac = k, m
					}
					br, bc := k, n
					if tb {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+it%3, bc+(it+1)%3, n+it%2
					a, b := make([]T, (ar-1)*lda+ac), make([]T, (br-1)*ldb+bc)
					c0 := make([]T, (m-1)*ldc+n)
					fill(r, c0, false)
					fillKind(r, a, kind)
					fillKind(r, b, kind)
					if kind == "cancel" {
						// Operands ±1·x: each chain adds and removes the
						// same terms, giving exact zeros of either sign
						// and sums on float32 midpoints.
						for i := range b {
							b[i] = T(1 - 2*float64(r.IntN(2)))
						}
					}
					for _, ab := range [][2]T{{1, 0}, {-1.5, 1}, {0.5, -2}} {
						name := fmt.Sprintf("ta=%v/tb=%v/m=%d/n=%d/k=%d/%s/alpha=%v/beta=%v", ta, tb, m, n, k, kind, ab[0], ab[1])
						want, got := slices.Clone(c0), slices.Clone(c0)
						gemmNaive(ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
						gemmGeneric(ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc)
						if i := firstDiff(got, want); i >= 0 {
							t.Fatalf("%s: c[%d] = %v, want %v", name, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// fillKind fills s for testGemmGenericNaive: "plain" uniform in [−2, 2),
// "specials" with ±Inf, NaN, ±0 and subnormals, "tiny" with magnitudes
// around the float32 (or float64) normal limit, "cancel" with values whose
// sums cancel exactly (a few significant bits, signs at random).
func fillKind[T Float](r *rand.Rand, s []T, kind string) {
	switch kind {
	case "plain", "specials":
		fill(r, s, kind == "specials")
	case "tiny":
		// Products from 2^-138 to 2^-116 for float32 (2^-1034 to
		// 2^-1012 for float64): sums in and around the subnormal range.
		e := -69
		if !is32[T]() {
			e = -517
		}
		for i := range s {
			s[i] = T(math.Ldexp(4*r.Float64()-2, e+r.IntN(12)))
		}
	case "cancel":
		for i := range s {
			s[i] = T(math.Ldexp(float64(r.IntN(64)-32), r.IntN(48)-24))
		}
	}
}

// TestGemmGenericMidpoint pins fma32's other slow case inside a chain: a
// sum that float64 rounds onto a float32 midpoint. Each chain is
// t = fma(±2^-60 or 0, 1, 0), then t = fma(1+2^-12, 1+2^-12, t): the exact
// value 1 + 2^-11 + 2^-24 ± 2^-60 lies just off a float32 tie, which float64
// rounds onto; rounding that to float32 (ties to even) would give
// 1 + 2^-11 for +2^-60, where the correct result is 1 + 2^-11 + 2^-23.
func TestGemmGenericMidpoint(t *testing.T) {
	q := float32(1 + 1.0/(1<<12))
	tiny := float32(math.Ldexp(1, -60))
	for _, s := range [][2]int{{1, 1}, {3, 5}, {8, 9}} {
		m, n := s[0], s[1]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				// op(A) is m×2, rows [sign·2^-60, q]; op(B) is 2×n, columns [1, q].
				a, b := make([]float32, 2*m), make([]float32, 2*n)
				signs := make([]float32, m)
				for i := range m {
					signs[i] = float32(i%3 - 1)
					ai := [2]float32{signs[i] * tiny, q}
					for p := range 2 {
						if ta {
							a[p*m+i] = ai[p]
						} else {
							a[i*2+p] = ai[p]
						}
					}
				}
				for j := range n {
					bj := [2]float32{1, q}
					for p := range 2 {
						if tb {
							b[j*2+p] = bj[p]
						} else {
							b[p*n+j] = bj[p]
						}
					}
				}
				lda, ldb := 2, n
				if ta {
					lda = m
				}
				if tb {
					ldb = 2
				}
				c, want := make([]float32, m*n), make([]float32, m*n)
				gemmNaive(ta, tb, m, n, 2, 1, a, lda, b, ldb, 0, want, n)
				gemmGeneric(ta, tb, m, n, 2, 1, a, lda, b, ldb, 0, c, n)
				for i := range m {
					exact := 1 + math.Ldexp(1, -11) + math.Ldexp(1, -24) + float64(signs[i])*math.Ldexp(1, -60)
					for j := range n {
						if c[i*n+j] != want[i*n+j] || float64(want[i*n+j]) != float64(float32(exact)) && signs[i] == 0 {
							t.Fatalf("m=%d n=%d ta=%v tb=%v: c[%d, %d] = %.10g, want %.10g", m, n, ta, tb, i, j, c[i*n+j], want[i*n+j])
						}
					}
				}
			}
		}
	}
}
