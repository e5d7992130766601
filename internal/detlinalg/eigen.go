package detlinalg

import (
	"errors"
	"math"
)

// ErrNoConvergence is returned by Eigenvalues when the QR iteration does
// not isolate an eigenvalue within its iteration budget.
var ErrNoConvergence = errors.New("detlinalg: QR iteration did not converge")

// maxIterations bounds the QR iterations spent on one eigenvalue (or
// pair); exceptional shifts are taken at every tenth.
const maxIterations = 60

// Eigenvalues returns the eigenvalues of the n×n row-major matrix a (not
// modified) as real and imaginary parts: complex-conjugate pairs are
// adjacent, the one with positive imaginary part second. The order is that
// in which the iteration deflates them, not sorted. a is reduced to upper
// Hessenberg form by Householder similarity transformations, then Francis
// double-shift QR steps (with Wilkinson-style exceptional shifts after 10
// and 20 iterations without deflation) split off eigenvalues from the
// bottom; eigenvectors are not accumulated.
func Eigenvalues(a []float64, n int) (re, im []float64, err error) {
	if n < 0 || len(a) != n*n {
		panic("detlinalg: Eigenvalues: len(a) is not n·n")
	}
	h := append([]float64(nil), a...)
	hessenberg(h, n)
	re, im = make([]float64, n), make([]float64, n)
	if err := hqr(h, n, re, im); err != nil {
		return nil, nil, err
	}
	return re, im, nil
}

// SpectralRadius returns the largest eigenvalue modulus of the n×n
// row-major matrix a (0 for n = 0).
func SpectralRadius(a []float64, n int) (float64, error) {
	re, im, err := Eigenvalues(a, n)
	if err != nil {
		return 0, err
	}
	r := 0.0
	for i := range re {
		r = max(r, hypot(re[i], im[i]))
	}
	return r, nil
}

// hessenberg reduces h (n×n row-major) in place to upper Hessenberg form
// Qᵀ·h·Q, reflector k zeroing column k below its subdiagonal; entries below
// the subdiagonal are set to zero.
func hessenberg(h []float64, n int) {
	v := make([]float64, n)
	w := make([]float64, n)
	for k := 0; k+2 < n; k++ {
		// v = h[k+1:n, k], then the reflector of that column.
		l := n - k - 1
		for i := 0; i < l; i++ {
			v[i] = h[(k+1+i)*n+k]
		}
		vv := v[:l]
		tau := reflector(vv)
		h[(k+1)*n+k] = vv[0]
		for i := 1; i < l; i++ {
			h[(k+1+i)*n+k] = 0
		}
		if tau == 0 {
			continue
		}
		vv[0] = 1
		// Left: rows k+1…n−1, columns k+1…n−1: h ← h − τ·v·(vᵀh).
		ww := w[k+1 : n]
		clear(ww)
		for i := 0; i < l; i++ {
			row := h[(k+1+i)*n+k+1 : (k+2+i)*n]
			vi := vv[i]
			for j, x := range row {
				ww[j] += float64(vi * x)
			}
		}
		for i := 0; i < l; i++ {
			row := h[(k+1+i)*n+k+1 : (k+2+i)*n]
			axmy(float64(tau*vv[i]), ww, row)
		}
		// Right: all rows, columns k+1…n−1: h ← h − τ·(h·v)·vᵀ.
		for i := 0; i < n; i++ {
			row := h[i*n+k+1 : (i+1)*n]
			s := dot(vv, row)
			axmy(float64(tau*s), vv, row)
		}
	}
}

// sign returns |a| with the sign of b (Fortran's SIGN; b = 0 counts as
// positive).
func sign(a, b float64) float64 {
	if b >= 0 {
		return math.Abs(a)
	}
	return -math.Abs(a)
}

// hqr computes the eigenvalues of the upper Hessenberg matrix h (n×n
// row-major, destroyed) into re and im by Francis double-shift QR steps on
// the unreduced block at the bottom of the active window (the EISPACK hqr
// scheme: the active window shrinks as eigenvalues deflate at its bottom,
// a negligible subdiagonal entry |h[l][l−1]| + s = s, s = |h[l−1][l−1]| +
// |h[l][l]|, splits it).
func hqr(h []float64, n int, re, im []float64) error {
	at := func(i, j int) float64 { return h[i*n+j] }
	anorm := 0.0
	for i := 0; i < n; i++ {
		for j := max(i-1, 0); j < n; j++ {
			anorm += math.Abs(at(i, j))
		}
	}
	var p, q, r, s, t, w, x, y, z float64
	nn := n - 1
	for nn >= 0 {
		its := 0
		for {
			// Find l, the top of the unreduced block ending at nn.
			l := nn
			for ; l >= 1; l-- {
				s = math.Abs(at(l-1, l-1)) + math.Abs(at(l, l))
				if s == 0 {
					s = anorm
				}
				if math.Abs(at(l, l-1))+s == s {
					h[l*n+l-1] = 0
					break
				}
			}
			x = at(nn, nn)
			if l == nn { // one real eigenvalue
				re[nn], im[nn] = x+t, 0
				nn--
				break
			}
			y = at(nn-1, nn-1)
			w = float64(at(nn, nn-1) * at(nn-1, nn))
			if l == nn-1 { // a 2×2 block: two real or a conjugate pair
				p = float64(0.5 * (y - x))
				q = float64(p*p) + w
				z = math.Sqrt(math.Abs(q))
				x += t
				if q >= 0 {
					z = p + sign(z, p)
					re[nn-1], re[nn] = x+z, x+z
					if z != 0 {
						re[nn] = x - w/z
					}
					im[nn-1], im[nn] = 0, 0
				} else {
					re[nn-1], re[nn] = x+p, x+p
					im[nn-1], im[nn] = -z, z
				}
				nn -= 2
				break
			}
			if its == maxIterations {
				return ErrNoConvergence
			}
			if its > 0 && its%10 == 0 { // exceptional shift
				t += x
				for i := 0; i <= nn; i++ {
					h[i*n+i] -= x
				}
				s = math.Abs(at(nn, nn-1)) + math.Abs(at(nn-1, nn-2))
				x = float64(0.75 * s)
				y = x
				w = float64(-0.4375 * float64(s*s))
			}
			its++
			// Look for two consecutive small subdiagonal entries (m is
			// where the double step starts) and form the first column of
			// the shifted product.
			m := nn - 2
			for ; m >= l; m-- {
				z = at(m, m)
				r = x - z
				s = y - z
				p = (float64(r*s)-w)/at(m+1, m) + at(m, m+1)
				q = at(m+1, m+1) - z - r - s
				r = at(m+2, m+1)
				s = math.Abs(p) + math.Abs(q) + math.Abs(r)
				p /= s
				q /= s
				r /= s
				if m == l {
					break
				}
				u := float64(math.Abs(at(m, m-1)) * (math.Abs(q) + math.Abs(r)))
				v := float64(math.Abs(p) * (math.Abs(at(m-1, m-1)) + math.Abs(z) + math.Abs(at(m+1, m+1))))
				if u+v == v {
					break
				}
			}
			for i := m + 2; i <= nn; i++ {
				h[i*n+i-2] = 0
				if i != m+2 {
					h[i*n+i-3] = 0
				}
			}
			// The double QR step: 3×3 reflectors chase the bulge from m
			// down to nn, on rows and columns of the active window.
			for k := m; k <= nn-1; k++ {
				if k != m {
					p = at(k, k-1)
					q = at(k+1, k-1)
					r = 0
					if k != nn-1 {
						r = at(k+2, k-1)
					}
					x = math.Abs(p) + math.Abs(q) + math.Abs(r)
					if x != 0 {
						p /= x
						q /= x
						r /= x
					}
				}
				s = sign(math.Sqrt(float64(p*p)+float64(q*q)+float64(r*r)), p)
				if s == 0 {
					continue
				}
				if k == m {
					if l != m {
						h[k*n+k-1] = -at(k, k-1)
					}
				} else {
					h[k*n+k-1] = float64(-s * x)
				}
				p += s
				x = p / s
				y = q / s
				z = r / s
				q /= p
				r /= p
				rk, rk1 := h[k*n:(k+1)*n], h[(k+1)*n:(k+2)*n]
				if k != nn-1 {
					rk2 := h[(k+2)*n : (k+3)*n]
					for j := k; j <= nn; j++ {
						pj := rk[j] + float64(q*rk1[j]) + float64(r*rk2[j])
						rk2[j] -= float64(pj * z)
						rk1[j] -= float64(pj * y)
						rk[j] -= float64(pj * x)
					}
				} else {
					for j := k; j <= nn; j++ {
						pj := rk[j] + float64(q*rk1[j])
						rk1[j] -= float64(pj * y)
						rk[j] -= float64(pj * x)
					}
				}
				mmin := min(nn, k+3)
				for i := l; i <= mmin; i++ {
					ri := h[i*n : (i+1)*n]
					pi := float64(x*ri[k]) + float64(y*ri[k+1])
					if k != nn-1 {
						pi += float64(z * ri[k+2])
						ri[k+2] -= float64(pi * r)
					}
					ri[k+1] -= float64(pi * q)
					ri[k] -= pi
				}
			}
		}
	}
	return nil
}
