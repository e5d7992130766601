package asm

// gemvGeneric is the reference of Gemv; x and y have their exact lengths.
func gemvGeneric[T Float](transA bool, m, n int, alpha T, a []T, lda int, x []T, beta T, y []T) {
	red := n
	if transA {
		red = m
	}
	if alpha == 0 || red == 0 {
		for i := range y {
			y[i] = scaleBy(beta, y[i])
		}
		return
	}
	if !transA {
		for i := range m {
			t := dotGeneric(a[i*lda:i*lda+n], x)
			y[i] = epilogue(alpha, t, beta, y[i])
		}
		return
	}
	// With transpose, y = E(alpha, xᵀ·A, beta, y): the chain of y[j] is that
	// of the 1×n product xᵀ·A in Gemm (fma(x[i], A[i, j], t) for i
	// ascending: the multiplicands commute exactly), which reads A row by
	// row, packed, instead of down its columns.
	gemmGeneric(false, false, 1, n, m, alpha, x, m, a, lda, beta, y, n)
}
