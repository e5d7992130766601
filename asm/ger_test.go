package asm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestGer(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testGer[float32])
		t.Run("float64", testGer[float64])
	})
}

func testGer[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	for _, mn := range [][2]int{{0, 3}, {3, 0}, {1, 1}, {5, 7}, {17, 33}, {64, 64}} {
		m, n := mn[0], mn[1]
		lda := max(1, n) + 2
		a := make([]T, max(0, (m-1)*lda+n))
		x, y := make([]T, m), make([]T, n)
		fill(r, a, true)
		fill(r, x, false)
		fill(r, y, false)
		alpha := T(-0.75)
		want := slices.Clone(a)
		for i := range m {
			for j := range n {
				want[i*lda+j] = fmaT(mulT(alpha, x[i]), y[j], want[i*lda+j])
			}
		}
		Ger(m, n, alpha, x, y, a, lda)
		if i := firstDiff(a, want); i >= 0 {
			t.Fatalf("m=%d n=%d: a[%d] = %v, want %v", m, n, i, a[i], want[i])
		}
	}
}
