package asm

// gemmGeneric is the reference of Gemm (m, n > 0; shapes already checked).
func gemmGeneric[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if alpha == 0 || k == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] = scaleBy(beta, row[j])
			}
		}
		return
	}
	for i := range m {
		for j := range n {
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
