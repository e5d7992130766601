package asm

// Gemm computes C = alpha·op(A)·op(B) + beta·C, where C is m×n, op(A) is m×k
// and op(B) is k×n; op(X) is X, or Xᵀ when the matching trans flag is true.
// All matrices are row-major with leading dimensions lda, ldb, ldc: A is stored
// m×k (k×m when transA), B is stored k×n (n×k when transB). Every output sums
// over k in ascending order with fma, in one unbroken chain, then goes through
// the alpha/beta epilogue of the package documentation. It panics on negative
// sizes, leading dimensions smaller than the stored row length, or slices too
// short.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if transA {
		checkMatrix(k, m, a, lda)
	} else {
		checkMatrix(m, k, a, lda)
	}
	if transB {
		checkMatrix(n, k, b, ldb)
	} else {
		checkMatrix(k, n, b, ldb)
	}
	checkMatrix(m, n, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if is32[T]() {
		gemm32(transA, transB, m, n, k, float32(alpha), f32(a), lda, f32(b), ldb, float32(beta), f32(c), ldc)
		return
	}
	gemm64(transA, transB, m, n, k, float64(alpha), f64(a), lda, f64(b), ldb, float64(beta), f64(c), ldc)
}

// ReleaseBuffers frees the packing buffers that Gemm keeps between calls.
// Buffers of 256 KiB and more (large products: about 4·k·n and 4·m·n bytes
// for float32, and a 360 KiB block of A) are kept for reuse, at most
// max(4, GOMAXPROCS) per role, for the life of the process; a program that
// has finished its large products and wants the memory back calls
// ReleaseBuffers. Smaller buffers are recycled through sync.Pool and need no
// release.
func ReleaseBuffers() { releaseBuffers() }
