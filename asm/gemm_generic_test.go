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
// tile (2×4) and the packed block of B (more than one block when it
// overflows the stack buffer of 4,096 float64, or, for k > 682, the heap
// buffer of 32,768), padded leading dimensions, and operands with specials, values
// whose products or sums fall below the float32 normal range (fma32's slow
// case, inside a chain: the chain must resume exactly), float32 midpoints
// and exact cancellations.
func TestGemmGenericNaive(t *testing.T) {
	t.Run("float32", testGemmGenericNaive[float32])
	t.Run("float64", testGemmGenericNaive[float64])
}

func testGemmGenericNaive[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	shapes := [][3]int{{1, 1, 1}, {2, 4, 1}, {3, 5, 7}, {1, 9, 3}, {9, 1, 3}, {4, 8, 16}, {5, 7, 2}, {64, 3, 64}, {17, 33, 65}, {6, 70, 600}, {3, 300, 130}, {5, 9, 700}, {4, 70, 800}}
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

// TestGemmGenericDoubleRounding pins fma32's slow cases inside a chain:
// sums that float64 rounds onto a float32 midpoint, where rounding that to
// float32 (ties to even) would round twice. Each output is a chain of two
// steps, t = fma(x0, y0, 0), t = fma(x1, y1, t), checked against the chain
// computed exactly (exactFMA32). Row [2^-60, q] against column [1, q]
// (q = 1+2^-12): the exact 1 + 2^-11 + 2^-24 + 2^-60 lies just above a
// float32 tie, onto which float64 rounds (a normal midpoint: the low 29
// bits). Row [c, a] against column [1, b], c = (2^22+1)·2^-149 (subnormal),
// a·b = 2^-150 − 2^-190: c + a·b lies just below the subnormal midpoint
// c + 2^-150, onto which float64 rounds (its ulp there is 2^-179), and
// which the midpoint test of the low 29 bits does not see: only the range
// test sends it to the exact rounding. Rows and columns are combined every
// way, with transposes and sizes around the 2×4 tile.
func TestGemmGenericDoubleRounding(t *testing.T) {
	q := float32(1 + 1.0/(1<<12))
	tiny := float32(math.Ldexp(1, -60))
	c := float32(math.Ldexp(1<<22+1, -149))
	a := float32(math.Ldexp(1+1.0/(1<<20), -75))
	b := float32(math.Ldexp(1-1.0/(1<<20), -75))
	rows := [][2]float32{{tiny, q}, {-tiny, q}, {0, q}, {c, a}, {-c, -a}, {c, -a}, {-c, a}}
	cols := [][2]float32{{1, q}, {1, b}, {-1, b}, {1, -b}}
	for _, s := range [][2]int{{1, 1}, {7, 4}, {7, 9}, {14, 5}} {
		m, n := s[0], s[1]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				am, bm := make([]float32, 2*m), make([]float32, 2*n)
				for i := range m {
					for p, v := range rows[i%len(rows)] {
						if ta {
							am[p*m+i] = v
						} else {
							am[i*2+p] = v
						}
					}
				}
				for j := range n {
					for p, v := range cols[j%len(cols)] {
						if tb {
							bm[j*2+p] = v
						} else {
							bm[p*n+j] = v
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
				got, naive := make([]float32, m*n), make([]float32, m*n)
				gemmNaive(ta, tb, m, n, 2, 1, am, lda, bm, ldb, 0, naive, n)
				gemmGeneric(ta, tb, m, n, 2, 1, am, lda, bm, ldb, 0, got, n)
				for i := range m {
					for j := range n {
						x, y := rows[i%len(rows)], cols[j%len(cols)]
						want := exactFMA32(x[1], y[1], exactFMA32(x[0], y[0], 0))
						if !same32(naive[i*n+j], want) || !same32(got[i*n+j], want) {
							t.Fatalf("m=%d n=%d ta=%v tb=%v: c[%d, %d] = %g (naive %g), want %g", m, n, ta, tb, i, j, got[i*n+j], naive[i*n+j], want)
						}
					}
				}
			}
		}
	}
}

// gemvNaive is the definition of Gemv's arithmetic written out plainly:
// without transpose each row reduced as Dot (dotNaive), with transpose
// t_j = 0, t_j = fma(A[i, j], x[i], t_j) for i ascending, then the
// epilogue (S(beta, y) when alpha == 0 or the reduction is empty). Every
// path, gemvGeneric included, must return its bits.
func gemvNaive[T Float](transA bool, m, n int, alpha T, a []T, lda int, x []T, beta T, y []T) {
	red, ny := n, m
	if transA {
		red, ny = m, n
	}
	for j := range ny {
		if alpha == 0 || red == 0 {
			y[j] = scaleBy(beta, y[j])
			continue
		}
		var t T
		if !transA {
			t = dotNaive(a[j*lda:j*lda+n], x)
		} else {
			for i := range m {
				t = fmaT(a[i*lda+j], x[i], t)
			}
		}
		y[j] = epilogue(alpha, t, beta, y[j])
	}
}

// TestGemvGenericNaive checks the pure-Go Gemv against gemvNaive bit for
// bit: the transposed product goes through the pure-Go Gemm (a 1×n
// product), so its sizes reach the tile edges and the heap buffer of the
// packing (m > 682), with specials and sums below the normal range.
func TestGemvGenericNaive(t *testing.T) {
	t.Run("float32", testGemvGenericNaive[float32])
	t.Run("float64", testGemvGenericNaive[float64])
}

func testGemvGenericNaive[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, s := range [][2]int{{1, 1}, {3, 5}, {8, 1}, {1, 9}, {33, 70}, {700, 5}, {64, 257}} {
		m, n := s[0], s[1]
		for _, trans := range []bool{false, true} {
			for it, kind := range []string{"plain", "specials", "tiny", "cancel"} {
				lda := n + it%3
				a := make([]T, (m-1)*lda+n)
				lx, ly := n, m
				if trans {
					lx, ly = m, n
				}
				x, y0 := make([]T, lx), make([]T, ly)
				fillKind(r, a, kind)
				fillKind(r, x, kind)
				fill(r, y0, false)
				for _, ab := range [][2]T{{1, 0}, {-1.5, 1}, {0.5, -2}} {
					want, got := slices.Clone(y0), slices.Clone(y0)
					gemvNaive(trans, m, n, ab[0], a, lda, x, ab[1], want)
					gemvGeneric(trans, m, n, ab[0], a, lda, x, ab[1], got)
					if i := firstDiff(got, want); i >= 0 {
						t.Fatalf("trans=%v m=%d n=%d %s alpha=%v beta=%v: y[%d] = %v, want %v", trans, m, n, kind, ab[0], ab[1], i, got[i], want[i])
					}
				}
			}
		}
	}
}

// dotNaive is the definition of Dot's order: lane i mod L accumulates with
// fma, then halving folds (foldLanes). Every path, dotGeneric included,
// must return its bits.
func dotNaive[T Float](x, y []T) T {
	var acc [32]T
	l := dotLanes[T]()
	for i := range x {
		acc[i%l] = fmaT(x[i], y[i], acc[i%l])
	}
	return foldLanes(acc[:l])
}

// TestDotGenericNaive checks the pure-Go Dot against dotNaive bit for bit
// at every length up to 200 and some longer ones, with specials, sums
// below the normal range and exact cancellations.
func TestDotGenericNaive(t *testing.T) {
	t.Run("float32", testDotGenericNaive[float32])
	t.Run("float64", testDotGenericNaive[float64])
}

func testDotGenericNaive[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	lens := []int{1000, 4099}
	for n := range 201 {
		lens = append(lens, n)
	}
	for _, n := range lens {
		for _, kind := range []string{"plain", "specials", "tiny", "cancel"} {
			x, y := make([]T, n), make([]T, n)
			fillKind(r, x, kind)
			fillKind(r, y, kind)
			if got, want := dotGeneric(x, y), dotNaive(x, y); !sameBits(got, want) {
				t.Fatalf("n=%d %s: dotGeneric = %v, want %v", n, kind, got, want)
			}
		}
	}
	if !is32[T]() {
		return
	}
	// The double roundings of TestGemmGenericDoubleRounding, one dot each
	// (a fold would add the lanes): the subnormal midpoint in lane 0 (c,
	// then a·b), the normal one in lane 1 (2^-60, then q·q).
	q := T(1 + 1.0/(1<<12))
	for _, n := range []int{34, 40, 64, 65} {
		for lane, v := range [][4]T{
			{T(math.Ldexp(1<<22+1, -149)), 1, T(math.Ldexp(1+1.0/(1<<20), -75)), T(math.Ldexp(1-1.0/(1<<20), -75))},
			{T(math.Ldexp(1, -60)), 1, q, q},
		} {
			x, y := make([]T, n), make([]T, n)
			x[lane], y[lane], x[lane+32], y[lane+32] = v[0], v[1], v[2], v[3]
			var acc [32]T
			acc[lane] = T(exactFMA32(float32(v[2]), float32(v[3]), float32(v[0]*v[1])))
			want := foldLanes(acc[:])
			if got, naive := dotGeneric(x, y), dotNaive(x, y); !sameBits(got, want) || !sameBits(naive, want) {
				t.Fatalf("n=%d lane %d: dotGeneric = %v (naive %v), want %v", n, lane, got, naive, want)
			}
		}
	}
}
