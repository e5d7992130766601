package detlinalg

import (
	"math"
	"sort"
)

// maxSweeps bounds the one-sided Jacobi sweeps of SVD.
const maxSweeps = 60

// SVD returns the thin singular value decomposition A = U·diag(s)·Vᵀ of the
// m×n row-major matrix a (not modified), k = min(m, n): U m×k and V n×k
// row-major with orthonormal columns, s the k singular values in
// decreasing order (ties in column order). It is one-sided Jacobi
// (Hestenes): plane rotations of column pairs (0,1), (0,2), …, (k−2,k−1) of
// the tall orientation, sweep after sweep, until every pair is orthogonal
// to |aᵢ·aⱼ| ≤ m·ε·‖aᵢ‖‖aⱼ‖; then sᵢ = ‖aᵢ‖ and uᵢ = aᵢ/sᵢ (a zero column
// gives sᵢ = 0 and uᵢ = 0). Singular values are accurate to a few ulps of
// s₀ and vectors of well-separated values to about m·ε.
func SVD(a []float64, m, n int) (u, s, v []float64, err error) {
	if m < 1 || n < 1 || len(a) != m*n {
		panic("detlinalg: SVD: need m, n ≥ 1 and len(a) = m·n")
	}
	if m < n {
		at := make([]float64, n*m)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				at[j*m+i] = a[i*n+j]
			}
		}
		v, s, u, err = SVD(at, n, m)
		return u, s, v, err
	}
	// Columns of A and of V, each contiguous.
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			c[j*m+i] = a[i*n+j]
		}
	}
	vc := make([]float64, n*n)
	for j := 0; j < n; j++ {
		vc[j*n+j] = 1
	}
	tol := float64(m) * 0x1p-52
	converged := false
	for sweep := 0; sweep < maxSweeps && !converged; sweep++ {
		converged = true
		for i := 0; i < n-1; i++ {
			ci := c[i*m : (i+1)*m]
			for j := i + 1; j < n; j++ {
				cj := c[j*m : (j+1)*m]
				alpha, beta, gamma := dot(ci, ci), dot(cj, cj), dot(ci, cj)
				if alpha == 0 || beta == 0 || math.Abs(gamma) <= float64(tol*math.Sqrt(alpha))*math.Sqrt(beta) {
					continue
				}
				converged = false
				// The rotation that makes columns i and j orthogonal:
				// t = tan θ, the smaller root of t² + 2ζt − 1 = 0.
				zeta := (beta - alpha) / float64(2*gamma)
				t := 1 / (math.Abs(zeta) + math.Sqrt(1+float64(zeta*zeta)))
				if zeta < 0 {
					t = -t
				}
				cs := 1 / math.Sqrt(1+float64(t*t))
				sn := float64(cs * t)
				rotate(ci, cj, cs, sn)
				rotate(vc[i*n:(i+1)*n], vc[j*n:(j+1)*n], cs, sn)
			}
		}
	}
	if !converged {
		return nil, nil, nil, ErrNoConvergence
	}
	sv := make([]float64, n)
	for j := 0; j < n; j++ {
		sv[j] = norm(c[j*m : (j+1)*m])
	}
	order := make([]int, n)
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(x, y int) bool { return sv[order[x]] > sv[order[y]] })
	u, s, v = make([]float64, m*n), make([]float64, n), make([]float64, n*n)
	for k, j := range order {
		s[k] = sv[j]
		cj := c[j*m : (j+1)*m]
		if sv[j] > 0 {
			for i := 0; i < m; i++ {
				u[i*n+k] = cj[i] / sv[j]
			}
		}
		for i := 0; i < n; i++ {
			v[i*n+k] = vc[j*n+i]
		}
	}
	return u, s, v, nil
}

// rotate sets (x, y) ← (c·x − s·y, s·x + c·y) element by element, the
// products rounded.
func rotate(x, y []float64, c, s float64) {
	y = y[:len(x)]
	for k, xv := range x {
		yv := y[k]
		x[k] = float64(c*xv) - float64(s*yv)
		y[k] = float64(s*xv) + float64(c*yv)
	}
}
