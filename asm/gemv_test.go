package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// scalars are the alpha/beta values that select the epilogue's branches.
func scalars[T Float](r *rand.Rand) []T {
	return []T{0, 1, T(-0.75), T(4*r.Float64() - 2)}
}

func TestGemv(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testGemv[float32])
		t.Run("float64", testGemv[float64])
	})
}

func testGemv[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	sizes := []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100}
	if !testing.Short() {
		sizes = append(sizes, 129, 300)
	}
	for _, trans := range []bool{false, true} {
		for _, m := range sizes {
			for _, n := range sizes {
				if (m > 64 || n > 64) && r.IntN(3) != 0 {
					continue
				}
				lda := max(1, n) + r.IntN(3)
				lx, ly := n, m
				if trans {
					lx, ly = m, n
				}
				a := make([]T, max(0, (m-1)*lda+n))
				fill(r, a, m*n%5 == 1)
				x, xb := guarded[T](lx, 1)
				y, yb := guarded[T](ly, 2)
				fill(r, x, false)
				fill(r, y, (m+n)%4 == 0)
				a0, x0, y0 := slices.Clone(a), slices.Clone(x), slices.Clone(y)
				for _, alpha := range scalars[T](r) {
					for _, beta := range scalars[T](r) {
						name := fmt.Sprintf("trans=%v/m=%d/n=%d/lda=%d/alpha=%v/beta=%v", trans, m, n, lda, alpha, beta)
						copy(y, y0)
						want := slices.Clone(y0)
						gemvNaive(trans, m, n, alpha, a0, lda, x0, beta, want)
						Gemv(trans, m, n, alpha, a, lda, x, beta, y)
						if i := firstDiff(y, want); i >= 0 {
							t.Fatalf("%s: y[%d] = %v, want %v", name, i, y[i], want[i])
						}
						if firstDiff(a, a0) >= 0 || firstDiff(x, x0) >= 0 {
							t.Fatalf("%s: inputs changed", name)
						}
						checkGuards(t, name+" x", xb, 1, lx)
						checkGuards(t, name+" y", yb, 2, ly)
					}
				}
			}
		}
	}
}

// TestGemvReference checks the reference against a float64 naive product.
func TestGemvReference(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, trans := range []bool{false, true} {
		m, n, lda := 37, 70, 73
		a := make([]float32, (m-1)*lda+n)
		fill(r, a, false)
		lx, ly := n, m
		if trans {
			lx, ly = m, n
		}
		x, y := make([]float32, lx), make([]float32, ly)
		fill(r, x, false)
		fill(r, y, false)
		want := make([]float64, ly)
		for i := range m {
			for j := range n {
				if trans {
					want[j] += float64(a[i*lda+j]) * float64(x[i])
				} else {
					want[i] += float64(a[i*lda+j]) * float64(x[j])
				}
			}
		}
		for i := range want {
			want[i] = 1.5*want[i] - 0.5*float64(y[i])
		}
		gemvGeneric(trans, m, n, 1.5, a, lda, x, -0.5, y)
		for i := range y {
			if math.Abs(float64(y[i])-want[i]) > 1e-4 {
				t.Fatalf("trans=%v: y[%d] = %v, want %v", trans, i, y[i], want[i])
			}
		}
	}
}

// TestGemvBetaZero checks the BLAS rule that beta = 0 overwrites NaN outputs.
func TestGemvBetaZero(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		a := []float32{1, 2, 3, 4}
		y := []float32{float32(math.NaN()), float32(math.NaN())}
		Gemv(false, 2, 2, 1, a, 2, []float32{1, 1}, 0, y)
		if y[0] != 3 || y[1] != 7 {
			t.Fatalf("y = %v, want [3 7]", y)
		}
		Gemv(true, 2, 2, 0, a, 2, []float32{1, 1}, 0, y)
		if y[0] != 0 || y[1] != 0 {
			t.Fatalf("alpha=beta=0: y = %v, want [0 0]", y)
		}
	})
}
