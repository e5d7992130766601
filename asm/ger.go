package asm

// Ger computes the rank-1 update A += alpha·x·yᵀ of the m×n row-major matrix
// A (leading dimension lda ≥ max(1, n)), x of length m and y of length n, the
// weight-gradient update of a batch of one (dW += dz·hᵀ). Exactly:
//
//	A[i, j] = fma(alpha·x[i], y[j], A[i, j])     (alpha·x[i] rounded once per row)
//
// so each row is an Axpy and runs on the selected path. Larger batches use
// Gemm with transA (dW += dZᵀ·H, beta = 1). It panics on negative sizes,
// lda < n or slices too short.
func Ger[T Float](m, n int, alpha T, x, y, a []T, lda int) {
	checkMatrix(m, n, a, lda)
	if len(x) < m || len(y) < n {
		panic(errShort)
	}
	y = y[:n]
	for i := range m {
		s := mulT(alpha, x[i])
		row := a[i*lda : i*lda+n]
		if is32[T]() {
			axpy32(float32(s), f32(y), f32(row))
		} else {
			axpy64(float64(s), f64(y), f64(row))
		}
	}
}
