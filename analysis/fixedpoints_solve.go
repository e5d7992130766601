package analysis

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/detlinalg"
)

// The numerical kernels of FixedPoints: L-BFGS on q, the Newton solve and
// the eigenvectors of the unstable modes. They are plain loops in one
// order with every product rounded, on internal/detlinalg's QR and
// eigenvalues, so a fixed-point search gives the same bits in the default
// build, under -tags noasm, on 386 and on arm64; gonum's optimize, LU and
// Eigen run on its amd64 assembly kernels in the default build and on
// pure-Go loops otherwise, and moved the points of a trained flip-flop
// CT-RNN by up to 7e-7 between the default build and noasm.

// fpDot returns Σ a[i]·b[i] in index order, each product rounded.
func fpDot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += float64(v * b[i])
	}
	return s
}

// fpMaxAbs returns the largest |v[i]|.
func fpMaxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// lbfgsSettings are the stopping rules of lbfgsMinimise.
type lbfgsSettings struct {
	maxIter int     // iterations (gradient evaluations after the first)
	gradTol float64 // stop when max |∇q| ≤ gradTol
	// Function convergence: stop after stall iterations in which q did not
	// fall below the best value by more than absTol + relTol·|q|.
	absTol, relTol float64
	stall          int
	// stop, if not nil, is asked before each iteration; true ends the
	// search there (a cancelled context).
	stop func() bool
}

// lbfgsStore is the number of correction pairs L-BFGS keeps.
const lbfgsStore = 15

// lbfgsMinimise minimises fun from x0 by limited-memory BFGS (Nocedal &
// Wright, Algorithm 7.4: the two-loop recursion with the initial scaling
// sᵀy/yᵀy) and a backtracking line search on the Armijo condition (steps
// halved from 1, from 1/‖∇q‖ on the first iteration and after a restart).
// A pair with sᵀy ≤ 0 is not stored; a direction that does not descend
// restarts from the steepest descent. It returns the best point found.
func lbfgsMinimise(fun func(x []float64) float64, grad func(g, x []float64), x0 []float64, c lbfgsSettings) []float64 {
	n := len(x0)
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	fx := fun(x)
	grad(g, x)
	if math.IsNaN(fx) || math.IsInf(fx, 0) {
		return x
	}
	s := make([][]float64, 0, lbfgsStore)
	y := make([][]float64, 0, lbfgsStore)
	rho := make([]float64, 0, lbfgsStore)
	alpha := make([]float64, lbfgsStore)
	d := make([]float64, n)
	xn := make([]float64, n)
	gn := make([]float64, n)
	sn, yn := make([]float64, n), make([]float64, n)
	best, stalled := fx, 0
	for it := 0; it < c.maxIter && fpMaxAbs(g) > c.gradTol; it++ {
		if c.stop != nil && c.stop() {
			break
		}
		// d = −H·g by the two-loop recursion.
		for i := range d {
			d[i] = -g[i]
		}
		k := len(s)
		for j := k - 1; j >= 0; j-- {
			alpha[j] = rho[j] * fpDot(s[j], d)
			for i := range d {
				d[i] -= float64(alpha[j] * y[j][i])
			}
		}
		step := 1.0
		if k > 0 {
			gamma := fpDot(s[k-1], y[k-1]) / fpDot(y[k-1], y[k-1])
			for i := range d {
				d[i] *= gamma
			}
			for j := 0; j < k; j++ {
				b := float64(rho[j] * fpDot(y[j], d))
				for i := range d {
					d[i] += float64((alpha[j] - b) * s[j][i])
				}
			}
		}
		slope := fpDot(g, d)
		if k == 0 || !(slope < 0) {
			// Steepest descent, first step of length 1.
			s, y, rho = s[:0], y[:0], rho[:0]
			for i := range d {
				d[i] = -g[i]
			}
			slope = fpDot(g, d)
			step = 1 / math.Sqrt(-slope)
		}
		// Backtracking on the Armijo condition q(x + t·d) ≤ q(x) + 1e-4·t·gᵀd.
		var fn float64
		accepted := false
		for t := 0; t < 60; t++ {
			for i := range xn {
				xn[i] = x[i] + float64(step*d[i])
			}
			fn = fun(xn)
			if fn <= fx+float64(1e-4*step*slope) {
				accepted = true
				break
			}
			step /= 2
		}
		if !accepted {
			break
		}
		grad(gn, xn)
		// Store the pair (s, y) = (xₙ − x, gₙ − g) if sᵀy > 0, in the
		// buffers of the oldest pair when the store is full.
		for i := range sn {
			sn[i] = xn[i] - x[i]
			yn[i] = gn[i] - g[i]
		}
		if sy := fpDot(sn, yn); sy > 0 {
			if len(s) == lbfgsStore {
				s0, y0 := s[0], y[0]
				copy(s, s[1:])
				copy(y, y[1:])
				copy(rho, rho[1:])
				s[lbfgsStore-1], y[lbfgsStore-1], rho[lbfgsStore-1] = sn, yn, 1/sy
				sn, yn = s0, y0
			} else {
				s, y, rho = append(s, sn), append(y, yn), append(rho, 1/sy)
				sn, yn = make([]float64, n), make([]float64, n)
			}
		}
		copy(x, xn)
		copy(g, gn)
		fx = fn
		if fx < best && best-fx > float64(c.relTol*math.Max(math.Abs(fx), math.Abs(best)))+c.absTol {
			best, stalled = fx, 0
		} else if stalled++; stalled >= c.stall {
			break
		}
	}
	return x
}

// newtonStep solves J·δ = −f by Householder QR (detlinalg) and returns δ,
// or nil when J is singular or its condition, estimated by the ratio of
// the largest to the smallest |R_ii|, exceeds 1e14.
func newtonStep(jac, f []float64, n int) []float64 {
	qr := detlinalg.NewQR(jac, n, n)
	lo, hi := math.Inf(1), 0.0
	for i := 0; i < n; i++ {
		r := math.Abs(qr.RDiag(i))
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	if !(lo > 0) || hi/lo > 1e14 {
		return nil
	}
	x, ok := qr.Solve(f, 1)
	if !ok {
		return nil
	}
	for i := range x {
		x[i] = -x[i]
	}
	return x
}

// eigenvectorReal returns a real unit vector of the eigenspace of the n×n
// row-major matrix a for its eigenvalue re + i·im: the real part of the
// eigenvector scaled so that its largest component is real and positive
// (LAPACK's convention up to the sign), normalized. It runs two steps of inverse iteration, on
// A − re·I for a real eigenvalue and on the real 2n×2n form
// [[A − re·I, im·I], [−im·I, A − re·I]] of A − λI for a complex one, from
// a fixed start vector; a shift that makes the matrix exactly singular is
// moved by a relative 2⁻⁴⁰. It returns nil if the iteration fails.
func eigenvectorReal(a []float64, n int, re, im float64) []float64 {
	m := n
	if im != 0 {
		m = 2 * n
	}
	shift := re
	for try := 0; try < 4; try++ {
		b := make([]float64, m*m)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				b[i*m+j] = a[i*n+j]
				if m > n {
					b[(n+i)*m+n+j] = a[i*n+j]
				}
			}
			b[i*m+i] -= shift
			if m > n {
				b[(n+i)*m+n+i] -= shift
				b[i*m+n+i] = im
				b[(n+i)*m+i] = -im
			}
		}
		qr := detlinalg.NewQR(b, m, m)
		v := make([]float64, m)
		for i := range v {
			// A fixed start with no structure: fractional parts of i·φ.
			v[i] = 0.5 + math.Mod(float64(float64(i+1)*0.6180339887498949), 1)
		}
		ok := true
		for step := 0; step < 2 && ok; step++ {
			var x []float64
			if x, ok = qr.Solve(v, 1); ok {
				nrm := math.Sqrt(fpDot(x, x))
				if !(nrm > 0) || math.IsInf(nrm, 0) {
					ok = false
					break
				}
				for i := range x {
					v[i] = x[i] / nrm
				}
			}
		}
		if !ok {
			shift += float64(math.Max(math.Abs(shift), 1) * 0x1p-40)
			continue
		}
		// v = (xr, xi): rotate the complex vector xr + i·xi so that its
		// largest component is real and positive, then take the real part.
		xr, xi := v[:n], make([]float64, n)
		if m > n {
			xi = v[n:]
		}
		k, big := 0, -1.0
		for i := 0; i < n; i++ {
			if mag := float64(xr[i]*xr[i]) + float64(xi[i]*xi[i]); mag > big {
				k, big = i, mag
			}
		}
		mag := math.Sqrt(big)
		cr, ci := xr[k]/mag, -xi[k]/mag // multiply by conj(x_k)/|x_k|
		out := make([]float64, n)
		for i := 0; i < n; i++ {
			out[i] = float64(xr[i]*cr) - float64(xi[i]*ci)
		}
		nrm := math.Sqrt(fpDot(out, out)) // ≥ |x_k| > 0
		if !(nrm > 0) {
			return nil
		}
		for i := range out {
			out[i] /= nrm
		}
		return out
	}
	return nil
}
