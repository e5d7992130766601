package detfft

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

// FFT is a plan for the forward transform of real sequences of one length.
// It holds scratch space: an FFT is not safe for concurrent use.
type FFT struct {
	n int
	// m is the length of the complex radix-2 transform: n for a power of
	// two, else the power of two ≥ 2n−1 of Bluestein's convolution.
	m int
	// wr, wi are cos and −sin of 2πk/m for k < m/2: the radix-2 twiddles.
	wr, wi []float64
	// Bluestein only: cr, ci are the chirp cos and sin of πk²/n (k < n);
	// br, bi the length-m transform of the chirp sequence.
	cr, ci []float64
	br, bi []float64
	// xr, xi are the work arrays of length m.
	xr, xi []float64
}

// New returns a plan for sequences of length n ≥ 1. It panics otherwise.
func New(n int) *FFT {
	if n < 1 {
		panic(fmt.Sprintf("detfft: length %d, want ≥ 1", n))
	}
	f := &FFT{n: n}
	if n&(n-1) == 0 {
		f.m = n
	} else {
		f.m = 1
		for f.m < 2*n-1 {
			f.m *= 2
		}
	}
	m := f.m
	f.wr, f.wi = make([]float64, m/2), make([]float64, m/2)
	for k := range f.wr {
		c, s := cisTurn(int64(k), int64(m))
		f.wr[k], f.wi[k] = c, -s
	}
	f.xr, f.xi = make([]float64, m), make([]float64, m)
	if m == n {
		return f
	}
	// The chirp c_k = exp(iπk²/n) = exp(2πi·(k² mod 2n)/(2n)); k² mod 2n
	// is updated by (k+1)² = k² + 2k + 1, so that no square overflows.
	f.cr, f.ci = make([]float64, n), make([]float64, n)
	var q int64
	for k := 0; k < n; k++ {
		f.cr[k], f.ci[k] = cisTurn(q, 2*int64(n))
		q = (q + 2*int64(k) + 1) % (2 * int64(n))
	}
	// b_j = c_j for |j| < n, circularly (b_{m−j} = b_j), zero elsewhere.
	f.br, f.bi = make([]float64, m), make([]float64, m)
	f.br[0], f.bi[0] = f.cr[0], f.ci[0]
	for j := 1; j < n; j++ {
		f.br[j], f.bi[j] = f.cr[j], f.ci[j]
		f.br[m-j], f.bi[m-j] = f.cr[j], f.ci[j]
	}
	f.transform(f.br, f.bi)
	return f
}

// Len returns the sequence length of the plan.
func (f *FFT) Len() int { return f.n }

// Coefficients computes the Fourier coefficients of the real sequence seq,
// X_k = Σ_j seq[j]·exp(−2πi·jk/n) for k = 0..n/2 (the others are their
// conjugates, X_{n−k} = conj(X_k)), the convention of gonum's
// fourier.FFT.Coefficients. It stores them in dst if dst has length
// n/2+1, else in a new slice, and returns it; it panics unless seq has
// length n.
func (f *FFT) Coefficients(dst []complex128, seq []float64) []complex128 {
	n := f.n
	if len(seq) != n {
		panic(fmt.Sprintf("detfft: sequence of length %d, plan for %d", len(seq), n))
	}
	if len(dst) != n/2+1 {
		dst = make([]complex128, n/2+1)
	}
	xr, xi := f.xr, f.xi
	if f.m == n {
		copy(xr, seq)
		clear(xi)
		f.transform(xr, xi)
		for k := range dst {
			dst[k] = complex(xr[k], xi[k])
		}
		return dst
	}
	// Bluestein: 2jk = j² + k² − (k−j)², so
	// X_k = conj(c_k)·Σ_j (seq[j]·conj(c_j))·c_{k−j}, a circular
	// convolution of length m, computed as the inverse transform of the
	// product of transforms; the inverse is conj ∘ forward ∘ conj, and
	// its 1/m is exact (m is a power of two).
	for j := 0; j < n; j++ {
		xr[j] = float64(seq[j] * f.cr[j])
		xi[j] = -float64(seq[j] * f.ci[j])
	}
	clear(xr[n:])
	clear(xi[n:])
	f.transform(xr, xi)
	for k := range xr {
		ar, ai := xr[k], xi[k]
		br, bi := f.br[k], f.bi[k]
		xr[k] = float64(ar*br) - float64(ai*bi)
		xi[k] = -(float64(ar*bi) + float64(ai*br))
	}
	f.transform(xr, xi)
	inv := 1 / float64(f.m)
	for k := range dst {
		// conv_k = conj(x_k)/m; X_k = conj(c_k)·conv_k.
		vr, vi := xr[k]*inv, -xi[k]*inv
		cr, ci := f.cr[k], f.ci[k]
		dst[k] = complex(float64(cr*vr)+float64(ci*vi), float64(cr*vi)-float64(ci*vr))
	}
	return dst
}

// transform replaces (re, im), of length m, by its forward transform
// Σ_j x_j·exp(−2πi·jk/m): an iterative decimation-in-time radix-2 FFT
// on the bit-reversed permutation.
func (f *FFT) transform(re, im []float64) {
	m := len(re)
	if m == 1 {
		return
	}
	for i, j := 1, 0; i < m; i++ {
		bit := m >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j |= bit
		if i < j {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	for size := 2; size <= m; size *= 2 {
		half, stride := size/2, m/size
		for start := 0; start < m; start += size {
			for k := 0; k < half; k++ {
				wr, wi := f.wr[k*stride], f.wi[k*stride]
				a, b := start+k, start+k+half
				tr := float64(wr*re[b]) - float64(wi*im[b])
				ti := float64(wr*im[b]) + float64(wi*re[b])
				re[b], im[b] = re[a]-tr, im[a]-ti
				re[a], im[a] = re[a]+tr, im[a]+ti
			}
		}
	}
}

// cisTurn returns cos and sin of 2π·r/n for 0 ≤ r, n ≥ 1. The angle is
// reduced exactly, in integers, to [0, π/4] by the symmetries of the
// octants, so that the values at multiples of π/2 are exact, those at
// symmetric angles equal up to sign, and each is accurate to about an ulp
// (a small angle's sine included).
func cisTurn(r, n int64) (c, s float64) {
	// The angle is 2π·a/(8n), a = 8r mod 8n: the octant boundaries are
	// the multiples of n.
	a := (8 * (r % n))
	negate := false
	if a >= 4*n { // θ = π + φ
		a -= 4 * n
		negate = true
	}
	quarter := false
	if a >= 2*n { // θ = π/2 + φ: cos θ = −sin φ, sin θ = cos φ
		a -= 2 * n
		quarter = true
	}
	swap := false
	if a > n { // φ = π/2 − ψ: cos φ = sin ψ, sin φ = cos ψ
		a = 2*n - a
		swap = true
	}
	psi := float64(float64(math.Pi/4)*float64(a)) / float64(n)
	c, s = detmath.Cos(psi), sinOctant(psi)
	if swap {
		c, s = s, c
	}
	if quarter {
		c, s = -s, c
	}
	if negate {
		c, s = -c, -s
	}
	return c, s
}

// sinCoeff are the Taylor coefficients (−1)^k/(2k+1)! of sin x/x in x²,
// k = 1..8; the first omitted term is below 2⁻⁶⁴ for |x| ≤ π/4.
var sinCoeff = [8]float64{
	-1.0 / 6,
	1.0 / 120,
	-1.0 / 5040,
	1.0 / 362880,
	-1.0 / 39916800,
	1.0 / 6227020800,
	-1.0 / 1307674368000,
	1.0 / 355687428096000,
}

// sinOctant returns sin x for |x| ≤ π/4 by its Taylor polynomial in Horner
// form, x + x·x²·(c₁ + x²·(c₂ + …)), every product rounded.
func sinOctant(x float64) float64 {
	z := float64(x * x)
	p := sinCoeff[len(sinCoeff)-1]
	for i := len(sinCoeff) - 2; i >= 0; i-- {
		p = float64(p*z) + sinCoeff[i]
	}
	return x + float64(float64(x*z)*p)
}
