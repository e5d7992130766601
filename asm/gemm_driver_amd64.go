//go:build amd64 && gc && !noasm && !purego

package asm

import (
	"runtime"
	"sync"
	"unsafe"
)

// gemmKernel is the signature of the generated R×NR micro-kernels: a tile of
// C from R rows of A read in place (row r, step p at a + r·rs + p·ps) and one
// packed panel of B (NR values per p).
type gemmKernel[T Float] func(k int, a *T, rs, ps int, b *T, c *T, ldc int, alpha, beta T, nc int, w *T, ldw, flags int)

// Kernel flags: resume the chains from w; finish (epilogue into C).
const (
	gemmResume = 1
	gemmFinish = 2
)

var (
	gemmKernels32 = [7]gemmKernel[float32]{nil,
		gemm1x16f32AVX2, gemm2x16f32AVX2, gemm3x16f32AVX2, gemm4x16f32AVX2, gemm5x16f32AVX2, gemm6x16f32AVX2}
	gemmKernels64 = [7]gemmKernel[float64]{nil,
		gemm1x8f64AVX2, gemm2x8f64AVX2, gemm3x8f64AVX2, gemm4x8f64AVX2, gemm5x8f64AVX2, gemm6x8f64AVX2}
)

// gemmTilesKernel is the signature of the generated multi-tile kernels:
// tiles consecutive 6-row tiles of packed A (packABlock) against one packed
// panel of B, each tile the chain of the 6-row kernel.
type gemmTilesKernel[T Float] func(k int, a, b, c *T, ldc int, alpha, beta T, nc int, w *T, ldw, flags, tiles int)

var (
	gemmTiles32 gemmTilesKernel[float32] = gemm6x16f32TilesAVX2
	gemmTiles64 gemmTilesKernel[float64] = gemm6x8f64TilesAVX2
)

// gemmMR is the number of rows of a full micro-tile.
const gemmMR = 6

// gemmBlockBytes bounds the packed B block that is reused across all row
// tiles (it should stay in L2).
const gemmBlockBytes = 256 << 10

// gemmABlockBytes bounds the block of packed A (rows × gemmKC) that the
// large-product loop keeps in L2 while it runs every panel of B against it:
// 360 rows of float32, 180 of float64 (Zen 3's L2 is 512 KiB; measured
// against 240 and 480 rows on the Open Neuromorphic n = 4,096 products).
const gemmABlockBytes = 360 << 10

func gemm32(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !useAVX2() || alpha == 0 || k == 0 {
		gemmGeneric(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmBlocked(&gemmKernels32, gemmTiles32, &pools32, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func gemm64(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if !useAVX2() || alpha == 0 || k == 0 {
		gemmGeneric(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmBlocked(&gemmKernels64, gemmTiles64, &pools64, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmPools recycle Gemm's buffers, one pool per role (packed B, packed A,
// parked chains, A tile slice), so that a steady stream of Gemm calls of
// one shape allocates nothing: with one pool for all, a request could get
// another role's smaller buffer and allocate on every call.
type gemmPools[T Float] struct{ b, a, w, t bufPool[T] }

var (
	pools32 gemmPools[float32]
	pools64 gemmPools[float64]
)

// bufPool hands out the buffers of one role: small ones from a sync.Pool,
// large ones (bigBufBytes and more) from a cache that survives garbage
// collections and is shared by all Ps. A sync.Pool keeps the last buffer
// put in the putting P's private slot, which a goroutine resumed on the
// other P cannot see, and it empties at every second collection: at the
// Open Neuromorphic n = 4,096 most Gemm calls allocated a fresh 64 or
// 128 MiB buffer (page faults and zeroing, measured 0 to 375 MiB per
// forward+backward with no collection in between).
type bufPool[T Float] struct {
	small sync.Pool
	mu    sync.Mutex
	big   []*[]T // each of at least bigBufBytes
}

// bigBufBytes is the size from which buffers go to the shared cache (the
// large-product loop's block of packed A is 360 KiB).
const bigBufBytes = 256 << 10

// bigBufKeep bounds the large buffers kept per role and element type.
func bigBufKeep() int { return max(4, runtime.GOMAXPROCS(0)) }

func (p *bufPool[T]) get(n int) *[]T {
	if n*elemBytes[T]() < bigBufBytes {
		if v, ok := p.small.Get().(*[]T); ok && cap(*v) >= n {
			*v = (*v)[:n]
			return v
		}
		s := make([]T, n)
		return &s
	}
	p.mu.Lock()
	// The smallest cached buffer that is large enough.
	best := -1
	for i, q := range p.big {
		if c := cap(*q); c >= n && (best < 0 || c < cap(*p.big[best])) {
			best = i
		}
	}
	if best >= 0 {
		v := p.big[best]
		last := len(p.big) - 1
		p.big[best], p.big[last] = p.big[last], nil
		p.big = p.big[:last]
		p.mu.Unlock()
		*v = (*v)[:n]
		return v
	}
	p.mu.Unlock()
	s := make([]T, n)
	return &s
}

func (p *bufPool[T]) put(v *[]T) {
	if cap(*v)*elemBytes[T]() < bigBufBytes {
		p.small.Put(v)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.big) < bigBufKeep() {
		p.big = append(p.big, v)
		return
	}
	// Full: v replaces the smallest kept buffer if it is larger.
	small := 0
	for i, q := range p.big {
		if cap(*q) < cap(*p.big[small]) {
			small = i
		}
	}
	if cap(*p.big[small]) < cap(*v) {
		p.big[small] = v
	}
}

// elemBytes is the size of one T in bytes.
func elemBytes[T Float]() int {
	if is32[T]() {
		return 4
	}
	return 8
}

// releaseBuffers drops the large buffers the pools keep.
func releaseBuffers() {
	pools32.release()
	pools64.release()
}

func (ps *gemmPools[T]) release() {
	for _, p := range []*bufPool[T]{&ps.b, &ps.a, &ps.w, &ps.t} {
		p.mu.Lock()
		clear(p.big)
		p.big = p.big[:0]
		p.mu.Unlock()
	}
}

// gemmBlocked packs op(B) into panels of NR columns (zero-padded; gemmLarge
// packs one k-slice at a time) and runs the micro-kernels. k is cut into
// slices of gemmKC; between slices the partial fma chains are parked in a
// workspace and resumed, so every output is still one ascending chain over
// the whole k, whatever the loop order.
//
// Products with at least one L2 block of panels, large enough to pay for
// packing A and deep enough to be cut into k-slices, run GotoBLAS's order
// (gemmLarge; with exactly one block it saves the per-tile calls: the Open
// Neuromorphic n = 256 weight gradient, 256×256×8000, measured 8.8% faster
// over the whole op). Its tiles walk down a column of C, one row per line of
// memory, so it is kept for products whose chains are parked between
// slices and meet C only in the last one: with a single k-slice (the ridge
// readout's Gram blocks, the Cholesky updates) every kernel call would wait
// on C (measured 1.23× slower on the 2,003-feature readout). The others
// keep a block of panels in L2 and run each 6-row tile of A against all of
// them, A read in place or, for large products, packed (see below).
func gemmBlocked[T Float](kern *[7]gemmKernel[T], tiles gemmTilesKernel[T], pools *gemmPools[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	size := elemBytes[T]()
	nr := 64 / size // a panel row is one 64-byte line: 16 float32 or 8 float64
	np := (n + nr - 1) / nr

	// Workspace for the parked chains, tile after tile in the order the
	// kernels visit them: a tile is r×nr contiguous values, so the parking
	// traffic is one sequential stream.
	var w []T
	if k > gemmKC {
		wp := pools.w.get(m * np * nr)
		defer pools.w.put(wp)
		w = *wp
	}
	blk := max(1, gemmBlockBytes/(gemmKC*nr*size))
	large := np >= 4 && m*n*k >= gemmPackAFlops
	if large && np >= blk && k > gemmKC {
		gemmLarge(kern, tiles, pools, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, w)
		return
	}
	panel := k * nr
	bp := pools.b.get(np * panel)
	buf := *bp
	packB(transB, k, n, nr, b, ldb, buf)
	defer pools.b.put(bp)

	rs, ps := lda, 1
	if transA {
		rs, ps = 1, lda
	}
	// A read in place (rows stride by lda and alias in L1 when lda·size is
	// a multiple of 4 KiB), or for large products packed into row tiles:
	// when all the panels form one block each 6×gemmKC tile slice is used
	// by one run of kernels, so it is packed right before them into tb,
	// which stays in L1 — unless its rows are contiguous and not 4 KiB
	// apart: then the kernels read them in place, which beats packing
	// (measured 9% faster on the Open Neuromorphic n = 256 input currents,
	// 8000×256·256×256ᵀ; neutral on the square products);
	// otherwise (one k-slice, as gemmLarge takes the deeper products) A is
	// packed whole, once, into ap — packing it slice by slice for every
	// block costs more (measured 15% slower at n = 1,024).
	var tb, ap []T
	needPack := transA || lda*size%4096 == 0
	if large && np <= blk && needPack {
		tp := pools.t.get(gemmMR * gemmKC)
		defer pools.t.put(tp)
		tb = *tp
	} else if large && np > blk {
		pp := pools.a.get(m * k)
		defer pools.a.put(pp)
		ap = *pp
		packABlock(transA, a, lda, 0, m, 0, k, ap)
	}
	// A read in place and too large for L2 comes from L3 or memory.
	pfRows := large && !transA && m*lda*size >= gemmPrefetchBytes
	for q0 := 0; q0 < np; q0 += blk {
		q1 := min(np, q0+blk)
		for p0 := 0; p0 < k; p0 += gemmKC {
			kc := min(gemmKC, k-p0)
			flags := gemmFlags(p0, kc, k)
			for i := 0; i < m; i += gemmMR {
				r := min(gemmMR, m-i)
				f := kern[r]
				var at *T
				trs, tps := rs, ps
				switch {
				case tb != nil:
					packTile(transA, a, lda, i, r, p0, kc, tb)
					at, trs, tps = &tb[0], 1, r
				case ap != nil: // k ≤ gemmKC: p0 = 0
					at, trs, tps = &ap[i*k], 1, r
				default:
					at = &a[i*rs+p0*ps]
					if pfRows && i+2*gemmMR <= m {
						// The next tile's rows asked for (into L2) while
						// this one runs: the first panel's kernel waited for
						// them (measured on the Open Neuromorphic n = 256
						// input currents: 10.92 → 10.32 ms, into L1 10.80).
						prefetchRows(a[(i+gemmMR)*lda+p0:], gemmMR, lda, kc)
					}
				}
				for q := q0; q < q1; q++ {
					j := q * nr
					var wt *T
					if w != nil {
						wt = &w[(i*np+q*r)*nr]
					}
					f(kc, at, trs, tps, &buf[q*panel+p0*nr], &c[i*ldc+j], ldc, alpha, beta, min(nr, n-j), wt, nr, flags)
				}
			}
		}
	}
}

// gemmFlags are the kernel flags of the k-slice p0 … p0+kc−1 of k.
func gemmFlags(p0, kc, k int) int {
	flags := 0
	if p0 > 0 {
		flags |= gemmResume
	}
	if p0+kc == k {
		flags |= gemmFinish
	}
	return flags
}

// gemmLarge runs a large product in GotoBLAS's order: for each k-slice, B's
// slice packed into panels (gemmKC×n, reused by every block of A: packing
// all of B first wrote it out to memory and read it back, 8 MiB on the Open
// Neuromorphic n = 256 weight gradient, measured 12.9% slower over the op,
// and 128 MiB at n = 4,096), then A in blocks of gemmABlockBytes, each
// packed (tile after tile) into a buffer that stays in L2; each panel of
// packed B (gemmKC×nr, 16 KiB) stays in L1 while one multi-tile kernel
// call runs the block's tiles against it. The order of the calls is free
// (every output's chain is the same), so this differs from gemmBlocked's
// other loop only in speed: measured 1.06× (fwd) and 1.19× (wgrad) on the
// Open Neuromorphic n = 4,096 products, the multi-tile kernel included.
func gemmLarge[T Float](kern *[7]gemmKernel[T], tiles gemmTilesKernel[T], pools *gemmPools[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, w []T) {
	size := elemBytes[T]()
	nr := 64 / size
	np := (n + nr - 1) / nr
	mc := max(gemmMR, gemmABlockBytes/(gemmKC*size)/gemmMR*gemmMR)
	ap := pools.a.get(min(m, mc) * min(k, gemmKC))
	defer pools.a.put(ap)
	pa := *ap
	bp := pools.b.get(np * gemmKC * nr)
	defer pools.b.put(bp)
	buf := *bp
	for p0 := 0; p0 < k; p0 += gemmKC {
		kc := min(gemmKC, k-p0)
		flags := gemmFlags(p0, kc, k)
		panel := kc * nr
		bs := p0 * ldb // op(B)'s row p0: a row of B, or a column of B when transposed
		if transB {
			bs = p0
		}
		packB(transB, kc, n, nr, b[bs:], ldb, buf)
		for i0 := 0; i0 < m; i0 += mc {
			i1 := min(m, i0+mc)
			packABlock(transA, a, lda, i0, i1, p0, kc, pa)
			full := (i1 - i0) / gemmMR
			// While the last block of A runs, the next k-slice's rows of B
			// and, when all of A is one block and transposed, of A (both
			// contiguous rows of the storage) asked for (into L2), a share
			// with each panel, so that packing them does not wait on memory
			// (measured on the Open Neuromorphic n = 256 weight gradient:
			// 11.74 → 11.06 ms).
			next := min(gemmKC, k-p0-kc)
			pfB := next > 0 && !transB && i1 == m
			pfA := pfB && transA && i0 == 0
			share := (next + np - 1) / np
			for q := range np {
				if r0 := q * share; pfB && r0 < next { // pfA implies pfB
					r := min(share, next-r0)
					row := p0 + kc + r0
					prefetchRows(b[row*ldb:], r, ldb, n)
					if pfA {
						prefetchRows(a[row*lda:], r, lda, m)
					}
				}
				j := q * nr
				nc := min(nr, n-j)
				bq := &buf[q*panel]
				// The block's parked chains: panel after panel, tile after tile.
				wo := i0*np*nr + q*(i1-i0)*nr
				var wt *T
				if w != nil {
					wt = &w[wo]
				}
				if full > 0 {
					tiles(kc, &pa[0], bq, &c[i0*ldc+j], ldc, alpha, beta, nc, wt, nr, flags, full)
				}
				if i := i0 + full*gemmMR; i < i1 {
					if w != nil {
						wt = &w[wo+(i-i0)*nr]
					}
					kern[i1-i](kc, &pa[(i-i0)*kc], 1, i1-i, bq, &c[i*ldc+j], ldc, alpha, beta, nc, wt, nr, flags)
				}
			}
		}
	}
}

// packABlock writes the block of op(A) with rows i0 … i1−1 and steps p0 …
// p0+kc−1 into buf, tile after tile: the tile starting at row i holds
// op(A)[i+r, p0+p] at (i−i0)·kc + p·R + r, R = min(gemmMR, i1−i).
func packABlock[T Float](transA bool, a []T, lda, i0, i1, p0, kc int, buf []T) {
	full := i0 + (i1-i0)/gemmMR*gemmMR
	if transA {
		// Each row p of the storage holds one step of every tile: read it
		// once, as one contiguous stretch.
		if tiles := (full - i0) / gemmMR; tiles > 0 {
			packA6(buf, a[p0*lda+i0:], kc, tiles, lda)
		}
	} else {
		for i := i0; i < full; i += gemmMR {
			o := (i - i0) * kc
			packTile(false, a, lda, i, gemmMR, p0, kc, buf[o:o+gemmMR*kc])
		}
	}
	if r := i1 - full; r > 0 {
		o := (full - i0) * kc
		packTile(transA, a, lda, full, r, p0, kc, buf[o:o+r*kc])
	}
}

// packTile writes the slice p0 … p0+kc−1 of rows i … i+r−1 of op(A) into
// tb as packA lays out a tile: op(A)[i+rr, p0+p] at p·r + rr.
func packTile[T Float](transA bool, a []T, lda, i, r, p0, kc int, tb []T) {
	if transA {
		if r == gemmMR {
			packA6(tb, a[p0*lda+i:], kc, 1, lda)
			return
		}
		for p := range kc {
			copy(tb[p*r:p*r+r], a[(p0+p)*lda+i:(p0+p)*lda+i+r])
		}
		return
	}
	if r == gemmMR {
		// Six row streams in, one sequential stream out.
		o := i*lda + p0
		r0 := a[o : o+kc]
		r1 := a[o+lda : o+lda+kc]
		r2 := a[o+2*lda : o+2*lda+kc]
		r3 := a[o+3*lda : o+3*lda+kc]
		r4 := a[o+4*lda : o+4*lda+kc]
		r5 := a[o+5*lda : o+5*lda+kc]
		for p := range r0 {
			d := tb[p*6 : p*6+6 : p*6+6]
			d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
		}
		return
	}
	for rr := range r {
		row := a[(i+rr)*lda+p0 : (i+rr)*lda+p0+kc]
		for p, v := range row {
			tb[p*r+rr] = v
		}
	}
}

// gemmKC is the k-slice of one micro-kernel call: the 6×KC slice of A and
// the KC×NR slice of B (16 KiB for float32) fit in L1 together.
const gemmKC = 256

// gemmPrefetchBytes is the size of A read in place from which the rows of
// the next tile are prefetched (smaller, it stays in L2 and the prefetches
// are wasted instructions: measured 1 to 2% slower on 128×128 and 256×256
// products).
const gemmPrefetchBytes = 1 << 20

// gemmPackAFlops is the size (m·n·k) from which A is packed, if it is then
// reused over at least 4 panels of B: below that the packing costs more than
// the cache conflicts it avoids.
const gemmPackAFlops = 1 << 21

// packA6 copies steps 0 … kc−1 of tiles full 6-row tiles of Aᵀ (step p of
// tile u at a[p·lda + 6u …], six contiguous values) into buf, tile after
// tile (tile u at 6·kc·u, step p at 6p), as packABlock lays them out.
func packA6[T Float](buf, a []T, kc, tiles, lda int) {
	// The last values read and written.
	_ = a[(kc-1)*lda+gemmMR*tiles-1]
	_ = buf[gemmMR*kc*tiles-1]
	size := elemBytes[T]()
	dst, src := (*byte)(unsafe.Pointer(&buf[0])), (*byte)(unsafe.Pointer(&a[0]))
	if is32[T]() {
		packA6f32AVX2(dst, src, kc, tiles, lda*size, gemmMR*kc*size)
		return
	}
	packA6f64AVX2(dst, src, kc, tiles, lda*size, gemmMR*kc*size)
}

// prefetchRows asks (into L2) for the first cols values of each of rows
// (> 0) rows of x, ld apart, the bounds checked in Go first.
func prefetchRows[T Float](x []T, rows, ld, cols int) {
	_ = x[(rows-1)*ld+cols-1] // the last value asked for
	size := elemBytes[T]()
	prefetchRowsAVX2((*byte)(unsafe.Pointer(&x[0])), rows, ld*size, (cols*size+63)/64)
}

// packB writes op(B) (k×n) into panels of nr columns: panel q holds
// op(B)[p, q·nr + j] at q·k·nr + p·nr + j, zero past column n.
func packB[T Float](transB bool, k, n, nr int, b []T, ldb int, buf []T) {
	if !transB {
		// The full panels line by line (a panel row is one 64-byte line
		// for both element types), four panels at a time (packLinesAVX2):
		// one panel at a time over the whole of a tall B read it one line
		// per row at a stride of ldb, measured 2.4× slower in Go on the
		// Open Neuromorphic n = 256 weight gradient's 8000×256 B (before
		// gemmLarge packed it slice by slice), and all panels row by row
		// thrash a set of L1 (see asm/_gen/pack.go).
		full := n / nr
		panel := k * nr
		if full > 0 && k > 0 {
			// The last line read and the last line written.
			_ = b[(k-1)*ldb+full*nr-1]
			_ = buf[(full-1)*panel+k*nr-1]
			size := elemBytes[T]()
			packLinesAVX2((*byte)(unsafe.Pointer(&buf[0])), (*byte)(unsafe.Pointer(&b[0])), k, full, ldb*size, panel*size)
		}
		if j0 := full * nr; j0 < n {
			w := n - j0
			dst := buf[full*panel : (full+1)*panel]
			for p := range k {
				row := dst[p*nr : p*nr+nr]
				copy(row, b[p*ldb+j0:p*ldb+j0+w])
				clear(row[w:])
			}
		}
		return
	}
	for j0 := 0; j0 < n; j0 += nr {
		w := min(nr, n-j0)
		dst := buf[(j0/nr)*k*nr : (j0/nr+1)*k*nr]
		if w < nr {
			clear(dst)
		}
		for jj := range w {
			src := b[(j0+jj)*ldb : (j0+jj)*ldb+k]
			for p, v := range src {
				dst[p*nr+jj] = v
			}
		}
	}
}
