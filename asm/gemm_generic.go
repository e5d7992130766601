package asm

import (
	"math"
	"sync"
)

// gemmGeneric is the pure-Go Gemm (m, n > 0; shapes already checked): the
// path of every build without the assembly (arm64, -tags noasm) and of the
// "generic" path on amd64. Each output is the canonical chain of the package
// documentation: t = 0, t = fma(op(A)[i, p], op(B)[p, j], t) for p = 0 … k−1,
// then the epilogue; gemmNaive in the tests is that definition written as a
// plain triple loop, and this function returns its bits.
//
// It is fast through what does not touch the order of the operations:
// op(B) is packed into panels of gemmNRGo columns and op(A) into panels of
// gemmMRGo rows, both as float64 (exact for float32 elements) and
// contiguous in p, so that the transposes are settled once by the packing
// and the inner loop reads two short vectors; a gemmMRGo×gemmNRGo tile of
// chains runs in registers over the whole of k (the chains are never cut,
// so nothing is parked), and for float32 the single-precision fma is
// computed inline, leaving fma32Slow for the rare sums that need it.
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
	// Columns of op(B) packed at once: the block is reused by every row
	// panel of A. With the panel of A it fits a buffer on the stack when k
	// allows at least one panel of B, else a recycled one of
	// gemmGoHeapElems (at least one panel of B).
	var stack [gemmGoStackElems]float64
	budget := gemmGoStackElems
	if (gemmMRGo+gemmNRGo)*k > budget {
		budget = gemmGoHeapElems
	}
	nb := (budget/k - gemmMRGo) / gemmNRGo * gemmNRGo
	nb = min(max(nb, gemmNRGo), (n+gemmNRGo-1)/gemmNRGo*gemmNRGo)
	var pb, pa []float64
	var heap *[]float64
	if need := (nb + gemmMRGo) * k; need <= len(stack) {
		pb, pa = stack[:nb*k], stack[nb*k:need]
	} else {
		heap = getPackGo(need)
		pb, pa = (*heap)[:nb*k], (*heap)[nb*k:]
	}
	var tile [gemmMRGo * gemmNRGo]float64
	for j0 := 0; j0 < n; j0 += nb {
		nj := min(nb, n-j0)
		packBGo(transB, k, j0, nj, b, ldb, pb)
		for i0 := 0; i0 < m; i0 += gemmMRGo {
			mi := min(gemmMRGo, m-i0)
			packAGo(transA, k, i0, mi, a, lda, pa)
			for jj := 0; jj < nj; jj += gemmNRGo {
				panel := pb[jj*k : (jj+gemmNRGo)*k]
				if is32[T]() {
					gemmTileGo32(k, pa[:gemmMRGo*k], panel, &tile)
				} else {
					gemmTileGo64(k, pa[:gemmMRGo*k], panel, &tile)
				}
				nc := min(gemmNRGo, nj-jj)
				for r := range mi {
					row := c[(i0+r)*ldc+j0+jj:][:nc]
					for q := range row {
						row[q] = epilogue(alpha, T(tile[r*gemmNRGo+q]), beta, row[q])
					}
				}
			}
		}
	}
	if heap != nil {
		packPoolGo.Put(heap)
	}
}

// gemmMRGo×gemmNRGo is the register tile of gemmGeneric: 8 chains, which
// with the 2 + 4 operands of a step fit the 15 allocatable float registers
// of amd64 (arm64 has 32).
const (
	gemmMRGo = 2
	gemmNRGo = 4
)

// gemmGoStackElems is the size in float64 of the packing buffer that
// gemmGeneric keeps on its stack (32 KiB; k up to 682): the products of
// models up to a few hundred units allocate nothing, which learn/leaky's
// memory estimates and allocation tests count on (they allow 64 KiB for the
// GEMM kernels' buffers, and sync.Pool's are dropped at every collection).
// Larger k take a recycled buffer of up to gemmGoHeapElems (256 KiB; at
// least (gemmMRGo+gemmNRGo)·k).
const (
	gemmGoStackElems = 4 << 10
	gemmGoHeapElems  = 32 << 10
)

// packPoolGo recycles gemmGeneric's packing buffers for large k
// (*[]float64, one per call: the block of B, then the panel of A).
var packPoolGo sync.Pool

// getPackGo returns a buffer of n elements from packPoolGo, or a new one
// when the pool's is too short (that one is dropped: buffers only grow).
func getPackGo(n int) *[]float64 {
	if p, ok := packPoolGo.Get().(*[]float64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]float64, n)
	return &s
}

// packAGo writes rows i0 … i0+mi−1 of op(A) (k columns) into dst as one
// panel: dst[p·gemmMRGo + r] = op(A)[i0+r, p], the rows past mi zero.
func packAGo[T Float](trans bool, k, i0, mi int, a []T, lda int, dst []float64) {
	dst = dst[:gemmMRGo*k]
	if mi < gemmMRGo {
		clear(dst)
	}
	if trans { // op(A)[i, p] = a[p·lda + i]: row p of a holds column p of op(A)
		for p := range k {
			src := a[p*lda+i0:][:mi]
			d := dst[p*gemmMRGo:][:gemmMRGo]
			for r, v := range src {
				d[r] = float64(v)
			}
		}
		return
	}
	for r := range mi {
		src := a[(i0+r)*lda:][:k]
		for p, v := range src {
			dst[p*gemmMRGo+r] = float64(v)
		}
	}
}

// packBGo writes columns j0 … j0+nj−1 of op(B) (k rows) into dst as panels
// of gemmNRGo columns, panel q at dst[q·gemmNRGo·k:]: dst[q·gemmNRGo·k +
// p·gemmNRGo + c] = op(B)[p, j0 + q·gemmNRGo + c], the columns past nj zero.
func packBGo[T Float](trans bool, k, j0, nj int, b []T, ldb int, dst []float64) {
	for q := 0; q < nj; q += gemmNRGo {
		nc := min(gemmNRGo, nj-q)
		d := dst[q*k : (q+gemmNRGo)*k]
		if nc < gemmNRGo {
			clear(d)
		}
		if trans { // op(B)[p, j] = b[j·ldb + p]
			for cc := range nc {
				src := b[(j0+q+cc)*ldb:][:k]
				for p, v := range src {
					d[p*gemmNRGo+cc] = float64(v)
				}
			}
			continue
		}
		for p := range k {
			src := b[p*ldb+j0+q:][:nc]
			dp := d[p*gemmNRGo:][:gemmNRGo]
			for cc, v := range src {
				dp[cc] = float64(v)
			}
		}
	}
}

// gemmTileGo64 runs the float64 chains of one tile over all of k:
// tile[r·gemmNRGo + c] = the chain of a[··gemmMRGo + r] and b[··gemmNRGo + c].
func gemmTileGo64(k int, a, b []float64, tile *[gemmMRGo * gemmNRGo]float64) {
	a, b = a[:gemmMRGo*k], b[:gemmNRGo*k]
	var t00, t01, t02, t03, t10, t11, t12, t13 float64
	for i, j := uint(0), uint(0); i+1 < uint(len(a)) && j+3 < uint(len(b)); i, j = i+gemmMRGo, j+gemmNRGo {
		a0, a1 := a[i], a[i+1]
		b0, b1, b2, b3 := b[j], b[j+1], b[j+2], b[j+3]
		t00 = math.FMA(a0, b0, t00)
		t01 = math.FMA(a0, b1, t01)
		t02 = math.FMA(a0, b2, t02)
		t03 = math.FMA(a0, b3, t03)
		t10 = math.FMA(a1, b0, t10)
		t11 = math.FMA(a1, b1, t11)
		t12 = math.FMA(a1, b2, t12)
		t13 = math.FMA(a1, b3, t13)
	}
	*tile = [gemmMRGo * gemmNRGo]float64{t00, t01, t02, t03, t10, t11, t12, t13}
}

// gemmTileGo32 is gemmTileGo64 for float32 elements held exactly in
// float64: each step is fma32, the chains float32 values. A step of
// element (r, c) forms s = a·b + t rounded once to float64 (a·b is exact;
// the explicit conversion keeps the compiler from fusing, which would give
// the same bits anyway). float32(s) is fma32(a, b, t) unless s sits on a
// float32 midpoint (its low 29 bits 1<<28, tested as (x + 1<<28) having
// those bits zero, x the bits of s) or below the float32 normal range, as
// in fma32; there roundOdd makes s odd as fma32Slow does, and
// float32 of that is correct. An exact zero, which fma32Slow returns as
// float32(s), needs nothing either: x<<1 drops the sign, and x<<1 − 1 wraps
// ±0 above every other value (±Inf and NaN, exponent 0x7ff, pass as in
// fma32; 2^-126 itself takes roundOdd, which leaves it). The loop calls
// nothing, so that the chains stay in registers.
func gemmTileGo32(k int, a, b []float64, tile *[gemmMRGo * gemmNRGo]float64) {
	const (
		mid  = 1<<29 - 1 // low bits of a float64 below float32 precision
		half = 1 << 28   // a float32 midpoint
	)
	a, b = a[:gemmMRGo*k], b[:gemmNRGo*k]
	var t00, t01, t02, t03, t10, t11, t12, t13 float64
	var p, s float64
	var x uint64
	lim := uint64(gemmGoLim)
	for i, j := uint(0), uint(0); i+1 < uint(len(a)) && j+3 < uint(len(b)); i, j = i+gemmMRGo, j+gemmNRGo {
		a0, a1 := a[i], a[i+1]
		b0, b1, b2, b3 := b[j], b[j+1], b[j+2], b[j+3]
		p = float64(a0 * b0)
		s = p + t00
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t00, s)
		}
		t00 = float64(float32(s))
		p = float64(a0 * b1)
		s = p + t01
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t01, s)
		}
		t01 = float64(float32(s))
		p = float64(a0 * b2)
		s = p + t02
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t02, s)
		}
		t02 = float64(float32(s))
		p = float64(a0 * b3)
		s = p + t03
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t03, s)
		}
		t03 = float64(float32(s))
		p = float64(a1 * b0)
		s = p + t10
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t10, s)
		}
		t10 = float64(float32(s))
		p = float64(a1 * b1)
		s = p + t11
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t11, s)
		}
		t11 = float64(float32(s))
		p = float64(a1 * b2)
		s = p + t12
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t12, s)
		}
		t12 = float64(float32(s))
		p = float64(a1 * b3)
		s = p + t13
		if x = math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
			s = roundOdd(p, t13, s)
		}
		t13 = float64(float32(s))
	}
	*tile = [gemmMRGo * gemmNRGo]float64{t00, t01, t02, t03, t10, t11, t12, t13}
}

// gemmGoLim bounds x<<1 − 1 (x the bits of a sum) from below for the sums
// that gemmTileGo32 rounds directly: 2^-126 and below (x<<1 ≤ 897<<53),
// ±0 excepted, take roundOdd. A variable, so that the compiler keeps it in
// a register rather than loading the 64-bit constant at every step.
var gemmGoLim uint64 = (1023 - 126) << 53

// roundOdd returns s = p + c (rounded to float64, finite and nonzero) with
// its rounding replaced by rounding to odd, as fma32Slow does: after it, a
// single rounding to float32 is correct (53 ≥ 24+2 bits). TwoSum gives the
// rounding error e exactly; when it is not zero and s is even, s moves one
// ulp towards the exact value.
func roundOdd(p, c, s float64) float64 {
	bb := s - p
	if e := (p - (s - bb)) + (c - bb); e != 0 {
		if bits := math.Float64bits(s); bits&1 == 0 {
			if (e > 0) == (s > 0) {
				bits++
			} else {
				bits--
			}
			s = math.Float64frombits(bits)
		}
	}
	return s
}
