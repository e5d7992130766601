package asm

// FMAProbe measures the floating-point peak of the kernel path in use: it
// runs iters iterations of independent float32 multiply-add chains that touch
// no memory and returns the number of floating-point operations performed.
// Benchmarks divide that by the elapsed time to get the core's peak GFLOP/s
// and report kernels as a fraction of it. On the avx2 path each iteration is
// 12 independent 8-lane FMAs (192 flops); on the generic path it is 8
// independent scalar multiply-adds (16 flops).
func FMAProbe(iters int) (flops int) {
	if iters <= 0 {
		return 0
	}
	return fmaProbe(iters)
}

// fmaProbeGeneric is the pure-Go probe: 8 independent chains.
func fmaProbeGeneric(iters int) int {
	var a [8]float32
	x, y := float32(0.999999), float32(1e-7)
	for range iters {
		for j := range a {
			a[j] = a[j]*x + y
		}
	}
	sink = a[0] + a[7]
	return 16 * iters
}

// sink keeps the generic probe's result alive.
var sink float32
