//go:build !(amd64 && gc && !noasm && !purego)

package asm

// Without assembly every kernel is its pure-Go reference.

func dot32(x, y []float32) float32         { return dotGeneric(x, y) }
func dot64(x, y []float64) float64         { return dotGeneric(x, y) }
func axpy32(alpha float32, x, y []float32) { axpyGeneric(alpha, x, y) }
func axpy64(alpha float64, x, y []float64) { axpyGeneric(alpha, x, y) }
func scal32(alpha float32, x []float32)    { scalGeneric(alpha, x) }
func scal64(alpha float64, x []float64)    { scalGeneric(alpha, x) }
func add32(dst, x, y []float32)            { addGeneric(dst, x, y) }
func add64(dst, x, y []float64)            { addGeneric(dst, x, y) }
func mul32(dst, x, y []float32)            { mulGeneric(dst, x, y) }
func mul64(dst, x, y []float64)            { mulGeneric(dst, x, y) }
func tanh32(dst, x []float32)              { tanhGeneric(dst, x) }
func tanh64(dst, x []float64)              { tanhGeneric(dst, x) }

func gemv32(transA bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	gemvGeneric(transA, m, n, alpha, a, lda, x, beta, y)
}

func gemv64(transA bool, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	gemvGeneric(transA, m, n, alpha, a, lda, x, beta, y)
}

func gemm32(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmGeneric(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func gemm64(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemmGeneric(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func step32(act Activation, h, a, z []float32, alpha float32) { stepGeneric(act, h, a, z, alpha) }
func step64(act Activation, h, a, z []float64, alpha float64) { stepGeneric(act, h, a, z, alpha) }

func stepBackward32(act Activation, dz, dh, a []float32, alpha float32) {
	stepBackwardGeneric(act, dz, dh, a, alpha)
}

func stepBackward64(act Activation, dz, dh, a []float64, alpha float64) {
	stepBackwardGeneric(act, dz, dh, a, alpha)
}

func lifStep(p *LIFProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	return lifStepGeneric(p, v, ie, ii, inE, inI, dc, refr, spikes)
}

func lifScan32(u, s, v, cur, bias []float32, alpha, beta, cin, vleak, vreset, theta float32) {
	lifScanGeneric(u, s, v, cur, bias, alpha, beta, cin, vleak, vreset, theta)
}

func lifScan64(u, s, v, cur, bias []float64, alpha, beta, cin, vleak, vreset, theta float64) {
	lifScanGeneric(u, s, v, cur, bias, alpha, beta, cin, vleak, vreset, theta)
}

func lifScanBackward32(u, s, ds, g, dv, di []float32, alpha, beta, cin, vreset float32) {
	lifScanBackwardGeneric(u, s, ds, g, dv, di, alpha, beta, cin, vreset)
}

func lifScanBackward64(u, s, ds, g, dv, di []float64, alpha, beta, cin, vreset float64) {
	lifScanBackwardGeneric(u, s, ds, g, dv, di, alpha, beta, cin, vreset)
}

func fmaProbe(iters int) int { return fmaProbeGeneric(iters) }

// releaseBuffers has nothing to free: the pure-Go Gemm packs into a buffer on
// its stack, or, for k > 682, into one recycled through a sync.Pool.
func releaseBuffers() {}

func spikeDeriv32(dst, u []float32, theta, alpha, scale float32) {
	spikeDerivGeneric(dst, u, theta, alpha, scale)
}

func spikeDeriv64(dst, u []float64, theta, alpha, scale float64) {
	spikeDerivGeneric(dst, u, theta, alpha, scale)
}

func adexRK4(c *AdExConst, v, w, ge, gi, dc []float32, su, sw []float64) {
	adexRK4Generic(c, v, w, ge, gi, dc, su, sw)
}

func lifCondStep(c *LIFCondConst, v, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	return lifCondStepGeneric(c, v, ge, gi, inE, inI, dc, refr, spikes)
}

func hhStep(c *HHConst, v, m, h, n, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	return hhStepGeneric(c, v, m, h, n, ge, gi, inE, inI, dc, refr, spikes)
}
