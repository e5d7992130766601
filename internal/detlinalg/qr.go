package detlinalg

// QR is the Householder QR factorization A = Q·R of an m×n matrix, m ≥ n:
// Q is m×m orthogonal (its first n columns are returned by Q), R is n×n
// upper triangular. Reflector k (k = 0 … n−1) acts on rows k … m−1 and
// makes column k of the remaining matrix (β_k, 0, …, 0); R's diagonal is
// (β_0, …, β_{n−1}), negative where the column's leading entry was
// positive (LAPACK's convention, so R's diagonal signs are not fixed).
type QR struct {
	m, n int
	// a holds the factorization column by column (column j at
	// a[j·m:(j+1)·m]): R on and above the diagonal, the reflectors'
	// vectors (without their leading 1) below it.
	a   []float64
	tau []float64
}

// NewQR factorizes the m×n row-major matrix a (m ≥ n ≥ 1; a is not
// modified). It panics if the sizes do not match a.
func NewQR(a []float64, m, n int) *QR {
	if m < n || n < 1 || len(a) != m*n {
		panic("detlinalg: NewQR: need m ≥ n ≥ 1 and len(a) = m·n")
	}
	f := &QR{m: m, n: n, a: make([]float64, m*n), tau: make([]float64, n)}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			f.a[j*m+i] = a[i*n+j]
		}
	}
	f.factorize()
	return f
}

// NewQRCols is NewQR for a matrix given column by column (column j at
// cols[j·m:(j+1)·m]), which it takes over: the caller must not use cols
// afterwards.
func NewQRCols(cols []float64, m, n int) *QR {
	if m < n || n < 1 || len(cols) != m*n {
		panic("detlinalg: NewQRCols: need m ≥ n ≥ 1 and len(cols) = m·n")
	}
	f := &QR{m: m, n: n, a: cols, tau: make([]float64, n)}
	f.factorize()
	return f
}

func (f *QR) factorize() {
	m := f.m
	for k := 0; k < f.n; k++ {
		ck := f.a[k*m+k : (k+1)*m]
		f.tau[k] = reflector(ck)
		for j := k + 1; j < f.n; j++ {
			applyReflector(f.tau[k], ck, f.a[j*m+k:(j+1)*m])
		}
	}
}

// RDiag returns R's diagonal element j.
func (f *QR) RDiag(j int) float64 { return f.a[j*f.m+j] }

// R returns R, n×n row-major (zeros below the diagonal).
func (f *QR) R() []float64 {
	n, m := f.n, f.m
	r := make([]float64, n*n)
	for j := 0; j < n; j++ {
		for i := 0; i <= j; i++ {
			r[i*n+j] = f.a[j*m+i]
		}
	}
	return r
}

// QCols returns the first n columns of Q column by column (column j at
// [j·m:(j+1)·m]): they are accumulated backwards from the identity's
// columns, reflector n−1 first (LAPACK's dorg2r).
func (f *QR) QCols() []float64 {
	m, n := f.m, f.n
	q := make([]float64, m*n)
	for j := 0; j < n; j++ {
		q[j*m+j] = 1
	}
	for k := n - 1; k >= 0; k-- {
		v := f.a[k*m+k : (k+1)*m]
		// Columns before k are still unit vectors with zeros in rows ≥ k.
		for j := k; j < n; j++ {
			applyReflector(f.tau[k], v, q[j*m+k:(j+1)*m])
		}
	}
	return q
}

// Q returns the first n columns of Q, m×n row-major.
func (f *QR) Q() []float64 {
	m, n := f.m, f.n
	qc := f.QCols()
	q := make([]float64, m*n)
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			q[i*n+j] = qc[j*m+i]
		}
	}
	return q
}

// QTMul sets b ← Qᵀ·b for b m×cols row-major.
func (f *QR) QTMul(b []float64, cols int) {
	m := f.m
	if len(b) != m*cols {
		panic("detlinalg: QR.QTMul: len(b) is not m·cols")
	}
	c := make([]float64, m)
	for j := 0; j < cols; j++ {
		for i := 0; i < m; i++ {
			c[i] = b[i*cols+j]
		}
		for k := 0; k < f.n; k++ {
			applyReflector(f.tau[k], f.a[k*m+k:(k+1)*m], c[k:])
		}
		for i := 0; i < m; i++ {
			b[i*cols+j] = c[i]
		}
	}
}

// Solve returns the least-squares solution X (n×cols row-major) of
// A·X ≈ B for B m×cols row-major (not modified): R·X = (QᵀB)[:n] by back
// substitution. ok is false, and X nil, when R has a zero on its diagonal
// (A is rank deficient); a nearly singular A gives a large, inaccurate X,
// as with LAPACK's dgels.
func (f *QR) Solve(b []float64, cols int) (x []float64, ok bool) {
	m, n := f.m, f.n
	for j := 0; j < n; j++ {
		if f.a[j*m+j] == 0 {
			return nil, false
		}
	}
	qb := append([]float64(nil), b...)
	f.QTMul(qb, cols)
	x = qb[:n*cols]
	for c := 0; c < cols; c++ {
		for i := n - 1; i >= 0; i-- {
			s := x[i*cols+c]
			for k := i + 1; k < n; k++ {
				s -= float64(f.a[k*m+i] * x[k*cols+c])
			}
			x[i*cols+c] = s / f.a[i*m+i]
		}
	}
	return x[: n*cols : n*cols], true
}
