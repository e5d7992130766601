package asm

// Gemv computes y = alpha·op(A)·x + beta·y, where A is an m×n row-major matrix
// with leading dimension lda ≥ max(1, n) and op(A) is A, or Aᵀ when transA is
// true. Without transpose x has n elements and y has m; with transpose x has m
// and y has n (longer slices are allowed, only the first elements are used).
// The exact arithmetic (each row reduced as Dot; the transposed sums in
// ascending row order; the alpha/beta epilogue) is given in the package
// documentation. It panics on negative sizes, lda < n or slices too short.
func Gemv[T Float](transA bool, m, n int, alpha T, a []T, lda int, x []T, beta T, y []T) {
	checkMatrix(m, n, a, lda)
	lx, ly := n, m
	if transA {
		lx, ly = m, n
	}
	if len(x) < lx || len(y) < ly {
		panic(errShort)
	}
	x, y = x[:lx], y[:ly]
	if is32[T]() {
		gemv32(transA, m, n, float32(alpha), f32(a), lda, f32(x), float32(beta), f32(y))
		return
	}
	gemv64(transA, m, n, float64(alpha), f64(a), lda, f64(x), float64(beta), f64(y))
}

// checkMatrix panics unless a holds an r×c row-major matrix with leading
// dimension ld.
func checkMatrix[T Float](r, c int, a []T, ld int) {
	if r < 0 || c < 0 || ld < max(1, c) {
		panic(errShape)
	}
	if r > 0 && c > 0 && len(a) < (r-1)*ld+c {
		panic(errShort)
	}
}

// scaleBy returns S(beta, c): 0 when beta == 0, c when beta == 1, else beta·c.
func scaleBy[T Float](beta, c T) T {
	switch beta {
	case 0:
		return 0
	case 1:
		return c
	}
	return beta * c
}

// epilogue returns E(alpha, t, beta, c): alpha·t when beta == 0, else
// fma(alpha, t, beta·c).
func epilogue[T Float](alpha, t, beta, c T) T {
	if beta == 0 {
		return alpha * t
	}
	return fmaT(alpha, t, mulT(beta, c))
}
