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
	for j := range n {
		var t T
		for i := range m {
			t = fmaT(a[i*lda+j], x[i], t)
		}
		y[j] = epilogue(alpha, t, beta, y[j])
	}
}
