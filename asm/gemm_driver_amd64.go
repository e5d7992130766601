//go:build amd64 && gc && !noasm && !purego

package asm

import "sync"

// gemmKernel is the signature of the generated R×NR micro-kernels: a tile of
// C from R rows of A read in place (row r, step p at a + r·rs + p·ps) and one
// packed panel of B (NR values per p).
type gemmKernel[T Float] func(k int, a *T, rs, ps int, b *T, c *T, ldc int, alpha, beta T, nc int)

var (
	gemmKernels32 = [7]gemmKernel[float32]{nil,
		gemm1x16f32AVX2, gemm2x16f32AVX2, gemm3x16f32AVX2, gemm4x16f32AVX2, gemm5x16f32AVX2, gemm6x16f32AVX2}
	gemmKernels64 = [7]gemmKernel[float64]{nil,
		gemm1x8f64AVX2, gemm2x8f64AVX2, gemm3x8f64AVX2, gemm4x8f64AVX2, gemm5x8f64AVX2, gemm6x8f64AVX2}
)

// gemmMR is the number of rows of a full micro-tile.
const gemmMR = 6

// gemmBlockBytes bounds the packed B block that is reused across all row
// tiles (it should stay in L2).
const gemmBlockBytes = 256 << 10

func gemm32(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !useAVX2() || alpha == 0 || k == 0 {
		gemmGeneric(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmBlocked(&gemmKernels32, &pool32, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func gemm64(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if !useAVX2() || alpha == 0 || k == 0 {
		gemmGeneric(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmBlocked(&gemmKernels64, &pool64, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// pool32 and pool64 recycle the B packing buffers, so a steady stream of
// Gemm calls allocates nothing.
var pool32, pool64 sync.Pool

func getBuf[T Float](p *sync.Pool, n int) *[]T {
	if v, ok := p.Get().(*[]T); ok && cap(*v) >= n {
		*v = (*v)[:n]
		return v
	}
	s := make([]T, n)
	return &s
}

// gemmBlocked packs op(B) into panels of NR columns (zero-padded), then runs
// the micro-kernels over blocks of panels (the block stays in L2) and, inside
// a block, over tiles of 6 rows of A, each tile reused across the panels of
// the block. Every kernel call sums over the whole k, so the canonical
// ascending chain per output is never split.
func gemmBlocked[T Float](kern *[7]gemmKernel[T], pool *sync.Pool, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	nr := 16
	if !is32[T]() {
		nr = 8
	}
	np := (n + nr - 1) / nr
	panel := k * nr
	bp := getBuf[T](pool, np*panel)
	buf := *bp
	packB(transB, k, n, nr, b, ldb, buf)

	rs, ps := lda, 1
	if transA {
		rs, ps = 1, lda
	}
	size := 8
	if is32[T]() {
		size = 4
	}
	blk := max(1, gemmBlockBytes/(panel*size))
	for q0 := 0; q0 < np; q0 += blk {
		q1 := min(np, q0+blk)
		for i := 0; i < m; i += gemmMR {
			r := min(gemmMR, m-i)
			f := kern[r]
			ap := &a[i*rs]
			for q := q0; q < q1; q++ {
				j := q * nr
				f(k, ap, rs, ps, &buf[q*panel], &c[i*ldc+j], ldc, alpha, beta, min(nr, n-j))
			}
		}
	}
	pool.Put(bp)
}

// packB writes op(B) (k×n) into panels of nr columns: panel q holds
// op(B)[p, q·nr + j] at q·k·nr + p·nr + j, zero past column n.
func packB[T Float](transB bool, k, n, nr int, b []T, ldb int, buf []T) {
	for j0 := 0; j0 < n; j0 += nr {
		w := min(nr, n-j0)
		dst := buf[(j0/nr)*k*nr : (j0/nr+1)*k*nr]
		if !transB {
			for p := range k {
				row := dst[p*nr : p*nr+nr]
				copy(row, b[p*ldb+j0:p*ldb+j0+w])
				clear(row[w:])
			}
			continue
		}
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
