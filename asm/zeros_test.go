package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Signed zeros from underflowing products. When every product of a
// reduction underflows, the result is a zero whose sign depends on exactly
// which zeros were added and in which order: fma(a, b, +0) is −0 when a·b is
// a negative value too small to represent, (−0) + (+0) is +0, (−0) + (−0) is
// −0. These tests build such reductions (entries ±tiny with tiny² far below
// the smallest subnormal, and exact ±0) and demand the same bits as the
// references on every path, for Dot, Gemv (both orientations) and Gemm.

// tinyOf returns a value whose square underflows to zero in T.
func tinyOf[T Float]() T {
	if is32[T]() {
		return T(1e-30)
	}
	return T(1e-170)
}

// underflowPatterns are the ways zeroFill chooses the signs.
var underflowPatterns = []string{"neg", "pos", "random", "zeros", "negOnePos"}

// zeroFill fills s with values whose pairwise products underflow: pattern
// "neg" and "pos" make every entry −tiny or +tiny, "random" random signs,
// "zeros" random ±0 and ±tiny, "negOnePos" −tiny except one +tiny.
func zeroFill[T Float](r *rand.Rand, s []T, pattern string) {
	tiny := tinyOf[T]()
	for i := range s {
		switch pattern {
		case "neg", "negOnePos":
			s[i] = -tiny
		case "pos":
			s[i] = tiny
		case "random":
			s[i] = tiny
			if r.IntN(2) == 0 {
				s[i] = -tiny
			}
		case "zeros":
			s[i] = []T{0, T(math.Copysign(0, -1)), tiny, -tiny}[r.IntN(4)]
		}
	}
	if pattern == "negOnePos" && len(s) > 0 {
		s[r.IntN(len(s))] = tiny
	}
}

// zeroScalars are the alpha and beta values of the signed-zero tests.
func zeroScalars[T Float]() []T {
	return []T{1, -1, 0.5, 0, T(math.Copysign(0, -1))}
}

func TestSignedZeroUnderflow(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("Dot/float32", testDotZeros[float32])
		t.Run("Dot/float64", testDotZeros[float64])
		t.Run("Gemv/float32", testGemvZeros[float32])
		t.Run("Gemv/float64", testGemvZeros[float64])
		t.Run("Gemm/float32", testGemmZeros[float32])
		t.Run("Gemm/float64", testGemmZeros[float64])
	})
}

func testDotZeros[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(91, 92))
	lengths := []int{100, 127, 128, 129, 200, 1000}
	for n := range 70 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, px := range underflowPatterns {
			for _, py := range []string{"pos", "random", "zeros"} {
				for rep := range 3 {
					x, y := make([]T, n), make([]T, n)
					zeroFill(r, x, px)
					zeroFill(r, y, py)
					if rep == 2 {
						// One product that does not underflow, at a random place.
						if n > 0 {
							x[r.IntN(n)] = -1
						}
					}
					want := dotNaive(x, y)
					if got := Dot(x, y); !sameBits(got, want) {
						t.Fatalf("n=%d x=%s y=%s rep=%d: Dot = %v, want %v", n, px, py, rep, got, want)
					}
				}
			}
		}
	}
}

func testGemvZeros[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(93, 94))
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 31, 32, 33, 40, 65}
	for _, trans := range []bool{false, true} {
		for _, m := range sizes {
			for _, n := range sizes {
				lda := n + r.IntN(2)
				lx, ly := n, m
				if trans {
					lx, ly = m, n
				}
				for _, pa := range underflowPatterns {
					a := make([]T, (m-1)*lda+n)
					x := make([]T, lx)
					px := []string{"pos", "neg", "random", "zeros"}[r.IntN(4)]
					zeroFill(r, a, pa)
					zeroFill(r, x, px)
					y0 := make([]T, ly)
					zeroFill(r, y0, "zeros")
					for _, alpha := range zeroScalars[T]() {
						for _, beta := range zeroScalars[T]() {
							want := slices.Clone(y0)
							gemvNaive(trans, m, n, alpha, a, lda, x, beta, want)
							y := slices.Clone(y0)
							Gemv(trans, m, n, alpha, a, lda, x, beta, y)
							if i := firstDiff(y, want); i >= 0 {
								t.Fatalf("trans=%v m=%d n=%d A=%s x=%s alpha=%v beta=%v: y[%d] = %v, want %v",
									trans, m, n, pa, px, alpha, beta, i, y[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

func testGemmZeros[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(95, 96))
	dims := []int{1, 2, 3, 5, 6, 7, 8, 9, 16, 17, 33}
	shapes := [][3]int{{7, 17, 300}, {13, 9, 600}}
	for range 60 {
		shapes = append(shapes, [3]int{dims[r.IntN(len(dims))], dims[r.IntN(len(dims))], dims[r.IntN(len(dims))]})
	}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				ar, ac := m, k
				if ta {
					ar, ac = k, m
				}
				br, bc := k, n
				if tb {
					br, bc = n, k
				}
				a, b := make([]T, ar*ac), make([]T, br*bc)
				pa := underflowPatterns[r.IntN(len(underflowPatterns))]
				pb := []string{"pos", "neg", "random", "zeros"}[r.IntN(4)]
				zeroFill(r, a, pa)
				zeroFill(r, b, pb)
				c0 := make([]T, m*n)
				zeroFill(r, c0, "zeros")
				for _, alpha := range zeroScalars[T]() {
					for _, beta := range zeroScalars[T]() {
						name := fmt.Sprintf("ta=%v tb=%v m=%d n=%d k=%d A=%s B=%s alpha=%v beta=%v", ta, tb, m, n, k, pa, pb, alpha, beta)
						want := slices.Clone(c0)
						gemmNaive(ta, tb, m, n, k, alpha, a, ac, b, bc, beta, want, n)
						c := slices.Clone(c0)
						Gemm(ta, tb, m, n, k, alpha, a, ac, b, bc, beta, c, n)
						if i := firstDiff(c, want); i >= 0 {
							t.Fatalf("%s: c[%d] = %v, want %v", name, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}
