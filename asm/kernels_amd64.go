//go:build amd64 && gc && !noasm && !purego

package asm

import "unsafe"

// Dispatch: each kernel loads the selected path once per call and runs the
// generated AVX2+FMA kernel (blas1_amd64.s, gemv_amd64.s, gemm_amd64.s,
// act_amd64.s), on the avx512 path the AVX-512 kernel where there is one
// (avx512_amd64.s: Tanh, Step, Gemv without transpose on rows of at least
// gemvN512MinBytes), or the pure-Go reference.

func useAVX2() bool { return cur.Load() >= pathAVX2 }

func dot32(x, y []float32) float32 {
	if useAVX2() {
		return dot32AVX2(x, y)
	}
	return dotGeneric(x, y)
}

func dot64(x, y []float64) float64 {
	if useAVX2() {
		return dot64AVX2(x, y)
	}
	return dotGeneric(x, y)
}

func axpy32(alpha float32, x, y []float32) {
	if useAVX2() {
		axpy32AVX2(alpha, x, y)
		return
	}
	axpyGeneric(alpha, x, y)
}

func axpy64(alpha float64, x, y []float64) {
	if useAVX2() {
		axpy64AVX2(alpha, x, y)
		return
	}
	axpyGeneric(alpha, x, y)
}

func scal32(alpha float32, x []float32) {
	if useAVX2() {
		scal32AVX2(alpha, x)
		return
	}
	scalGeneric(alpha, x)
}

func scal64(alpha float64, x []float64) {
	if useAVX2() {
		scal64AVX2(alpha, x)
		return
	}
	scalGeneric(alpha, x)
}

func add32(dst, x, y []float32) {
	if useAVX2() {
		add32AVX2(dst, x, y)
		return
	}
	addGeneric(dst, x, y)
}

func add64(dst, x, y []float64) {
	if useAVX2() {
		add64AVX2(dst, x, y)
		return
	}
	addGeneric(dst, x, y)
}

func mul32(dst, x, y []float32) {
	if useAVX2() {
		mul32AVX2(dst, x, y)
		return
	}
	mulGeneric(dst, x, y)
}

func mul64(dst, x, y []float64) {
	if useAVX2() {
		mul64AVX2(dst, x, y)
		return
	}
	mulGeneric(dst, x, y)
}

func tanh32(dst, x []float32) {
	switch cur.Load() {
	case pathAVX512:
		tanh32AVX512(dst, x)
	case pathAVX2:
		tanh32AVX2(dst, x)
	default:
		tanhGeneric(dst, x)
	}
}

func tanh64(dst, x []float64) {
	switch cur.Load() {
	case pathAVX512:
		tanh64AVX512(dst, x)
	case pathAVX2:
		tanh64AVX2(dst, x)
	default:
		tanhGeneric(dst, x)
	}
}

func gemv32(transA bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	p := cur.Load()
	if p < pathAVX2 || !gemvQuick(transA, m, n, alpha, beta, y) {
		gemvGeneric(transA, m, n, alpha, a, lda, x, beta, y)
		return
	}
	switch {
	case transA:
		gemvT32AVX2(m, n, alpha, a, lda, x, beta, y)
	case p == pathAVX512 && 4*n >= gemvN512MinBytes:
		gemvN32AVX512(m, n, alpha, a, lda, x, beta, y)
	default:
		gemvN32AVX2(m, n, alpha, a, lda, x, beta, y)
	}
}

func gemv64(transA bool, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	p := cur.Load()
	if p < pathAVX2 || !gemvQuick(transA, m, n, alpha, beta, y) {
		gemvGeneric(transA, m, n, alpha, a, lda, x, beta, y)
		return
	}
	switch {
	case transA:
		gemvT64AVX2(m, n, alpha, a, lda, x, beta, y)
	case p == pathAVX512 && 8*n >= gemvN512MinBytes:
		gemvN64AVX512(m, n, alpha, a, lda, x, beta, y)
	default:
		gemvN64AVX2(m, n, alpha, a, lda, x, beta, y)
	}
}

// gemvQuick reports whether the assembly has work to do: false when the
// output is empty or when the result is only S(beta, y) (alpha == 0 or an
// empty reduction), which the reference computes without any product.
func gemvQuick[T Float](transA bool, m, n int, alpha, beta T, y []T) bool {
	red := n
	if transA {
		red = m
	}
	return len(y) > 0 && alpha != 0 && red > 0
}

func step32(act Activation, h, a, z []float32, alpha float32) {
	p := cur.Load()
	if p < pathAVX2 {
		stepGeneric(act, h, a, z, alpha)
		return
	}
	if p == pathAVX512 {
		switch act {
		case ActTanh:
			stepTanh32AVX512(h, a, z, alpha)
		case ActReLU:
			stepReLU32AVX512(h, a, z, alpha)
		case ActSigmoid:
			stepSigmoid32AVX512(h, a, z, alpha)
		case ActHalfTanh:
			stepHalfTanh32AVX512(h, a, z, alpha)
		default:
			stepIdentity32AVX512(h, a, z, alpha)
		}
		return
	}
	switch act {
	case ActTanh:
		stepTanh32AVX2(h, a, z, alpha)
	case ActReLU:
		stepReLU32AVX2(h, a, z, alpha)
	case ActSigmoid:
		stepSigmoid32AVX2(h, a, z, alpha)
	case ActHalfTanh:
		stepHalfTanh32AVX2(h, a, z, alpha)
	default:
		stepIdentity32AVX2(h, a, z, alpha)
	}
}

func step64(act Activation, h, a, z []float64, alpha float64) {
	p := cur.Load()
	if p < pathAVX2 {
		stepGeneric(act, h, a, z, alpha)
		return
	}
	if p == pathAVX512 {
		switch act {
		case ActTanh:
			stepTanh64AVX512(h, a, z, alpha)
		case ActReLU:
			stepReLU64AVX512(h, a, z, alpha)
		case ActSigmoid:
			stepSigmoid64AVX512(h, a, z, alpha)
		case ActHalfTanh:
			stepHalfTanh64AVX512(h, a, z, alpha)
		default:
			stepIdentity64AVX512(h, a, z, alpha)
		}
		return
	}
	switch act {
	case ActTanh:
		stepTanh64AVX2(h, a, z, alpha)
	case ActReLU:
		stepReLU64AVX2(h, a, z, alpha)
	case ActSigmoid:
		stepSigmoid64AVX2(h, a, z, alpha)
	case ActHalfTanh:
		stepHalfTanh64AVX2(h, a, z, alpha)
	default:
		stepIdentity64AVX2(h, a, z, alpha)
	}
}

func stepBackward32(act Activation, dz, dh, a []float32, alpha float32) {
	if !useAVX2() {
		stepBackwardGeneric(act, dz, dh, a, alpha)
		return
	}
	oma := 1 - alpha
	switch act {
	case ActTanh:
		stepBackwardTanh32AVX2(dz, dh, a, alpha, oma)
	case ActReLU:
		stepBackwardReLU32AVX2(dz, dh, a, alpha, oma)
	case ActSigmoid:
		stepBackwardSigmoid32AVX2(dz, dh, a, alpha, oma)
	case ActHalfTanh:
		stepBackwardHalfTanh32AVX2(dz, dh, a, alpha, oma)
	default:
		stepBackwardIdentity32AVX2(dz, dh, a, alpha, oma)
	}
}

func stepBackward64(act Activation, dz, dh, a []float64, alpha float64) {
	if !useAVX2() {
		stepBackwardGeneric(act, dz, dh, a, alpha)
		return
	}
	oma := 1 - alpha
	switch act {
	case ActTanh:
		stepBackwardTanh64AVX2(dz, dh, a, alpha, oma)
	case ActReLU:
		stepBackwardReLU64AVX2(dz, dh, a, alpha, oma)
	case ActSigmoid:
		stepBackwardSigmoid64AVX2(dz, dh, a, alpha, oma)
	case ActHalfTanh:
		stepBackwardHalfTanh64AVX2(dz, dh, a, alpha, oma)
	default:
		stepBackwardIdentity64AVX2(dz, dh, a, alpha, oma)
	}
}

func lifStep(p *LIFProp, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	if !useAVX2() {
		return lifStepGeneric(p, v, ie, ii, inE, inI, dc, refr, spikes)
	}
	// The kernel reads the struct as nine 32-bit words (TestLIFPropLayout).
	w := (*[9]uint32)(unsafe.Pointer(p))
	// One kernel per combination of nil slices; direct calls keep p from
	// escaping.
	if inE != nil && inI != nil {
		if dc == nil {
			return lifStepNoDCAVX2(w, v, ie, ii, inE, inI, nil, refr, spikes)
		}
		return lifStepAVX2(w, v, ie, ii, inE, inI, dc, refr, spikes)
	}
	switch {
	case inE == nil && inI == nil && dc == nil:
		return lifStepNoDCNoENoIAVX2(w, v, ie, ii, nil, nil, nil, refr, spikes)
	case inE == nil && inI == nil:
		return lifStepNoENoIAVX2(w, v, ie, ii, nil, nil, dc, refr, spikes)
	case inE == nil && dc == nil:
		return lifStepNoDCNoEAVX2(w, v, ie, ii, nil, inI, nil, refr, spikes)
	case inE == nil:
		return lifStepNoEAVX2(w, v, ie, ii, nil, inI, dc, refr, spikes)
	case dc == nil:
		return lifStepNoDCNoIAVX2(w, v, ie, ii, inE, nil, nil, refr, spikes)
	}
	return lifStepNoIAVX2(w, v, ie, ii, inE, nil, dc, refr, spikes)
}

func fmaProbe(iters int) int {
	if useAVX2() {
		fmaProbeAVX2(iters)
		return 192 * iters
	}
	return fmaProbeGeneric(iters)
}

func lifScan32(u, s, v, cur, bias []float32, alpha, beta, cin, vleak, vreset, theta float32) {
	if useAVX2() {
		lifScan32AVX2(u, s, v, cur, bias, alpha, beta, cin, vleak, vreset, theta)
		return
	}
	lifScanGeneric(u, s, v, cur, bias, alpha, beta, cin, vleak, vreset, theta)
}

func lifScan64(u, s, v, cur, bias []float64, alpha, beta, cin, vleak, vreset, theta float64) {
	if useAVX2() {
		lifScan64AVX2(u, s, v, cur, bias, alpha, beta, cin, vleak, vreset, theta)
		return
	}
	lifScanGeneric(u, s, v, cur, bias, alpha, beta, cin, vleak, vreset, theta)
}

func lifScanBackward32(u, s, ds, g, dv, di []float32, alpha, beta, cin, vreset float32) {
	if useAVX2() {
		lifScanBackward32AVX2(u, s, ds, g, dv, di, alpha, beta, cin, vreset)
		return
	}
	lifScanBackwardGeneric(u, s, ds, g, dv, di, alpha, beta, cin, vreset)
}

func lifScanBackward64(u, s, ds, g, dv, di []float64, alpha, beta, cin, vreset float64) {
	if useAVX2() {
		lifScanBackward64AVX2(u, s, ds, g, dv, di, alpha, beta, cin, vreset)
		return
	}
	lifScanBackwardGeneric(u, s, ds, g, dv, di, alpha, beta, cin, vreset)
}

func spikeDeriv32(dst, u []float32, theta, alpha, scale float32) {
	if useAVX2() {
		spikeDeriv32AVX2(dst, u, theta, alpha, scale)
		return
	}
	spikeDerivGeneric(dst, u, theta, alpha, scale)
}

func spikeDeriv64(dst, u []float64, theta, alpha, scale float64) {
	if useAVX2() {
		spikeDeriv64AVX2(dst, u, theta, alpha, scale)
		return
	}
	spikeDerivGeneric(dst, u, theta, alpha, scale)
}

func adexRK4(c *AdExConst, v, w, ge, gi, dc []float32, su, sw []float64) {
	n := len(su) &^ 3
	if !useAVX2() || n == 0 || !c.adexVector() {
		adexRK4Generic(c, v, w, ge, gi, dc, su, sw)
		return
	}
	cc := (*[adexConstWords]float64)(unsafe.Pointer(c))
	if dc != nil {
		adexRK4AVX2(cc, &expNegTable[0], v[:n], w[:n], ge[:n], gi[:n], dc[:n], su[:n], sw[:n])
	} else {
		adexRK4NoDCAVX2(cc, &expNegTable[0], v[:n], w[:n], ge[:n], gi[:n], nil, su[:n], sw[:n])
	}
	if n < len(su) {
		if dc != nil {
			dc = dc[n:]
		}
		adexRK4Generic(c, v[n:], w[n:], ge[n:], gi[n:], dc, su[n:], sw[n:])
	}
}

func lifCondStep(c *LIFCondConst, v, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	n := len(v) &^ 3
	if !useAVX2() || n == 0 {
		return lifCondStepGeneric(c, v, ge, gi, inE, inI, dc, refr, spikes)
	}
	cc := (*[11]uint64)(unsafe.Pointer(c))
	var ns int
	if dc != nil {
		ns = lifCondStepAVX2(cc, &expNegTable[0], v[:n], ge[:n], gi[:n], inE[:n], inI[:n], dc[:n], refr[:n], spikes)
	} else {
		ns = lifCondStepNoDCAVX2(cc, &expNegTable[0], v[:n], ge[:n], gi[:n], inE[:n], inI[:n], nil, refr[:n], spikes)
	}
	if n < len(v) {
		if dc != nil {
			dc = dc[n:]
		}
		ns += shiftSpikes(spikes[ns:], lifCondStepGeneric(c, v[n:], ge[n:], gi[n:], inE[n:], inI[n:], dc, refr[n:], spikes[ns:]), n)
	}
	return ns
}

func hhStep(c *HHConst, v, m, h, n, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int {
	if !useAVX2() {
		return hhStepGeneric(c, v, m, h, n, ge, gi, inE, inI, dc, refr, spikes)
	}
	cc := (*[16]uint64)(unsafe.Pointer(c))
	// generic steps [a, b) with the reference, appending to spikes[ns:]
	generic := func(a, b, ns int) int {
		var d []float32
		if dc != nil {
			d = dc[a:b]
		}
		return ns + shiftSpikes(spikes[ns:], hhStepGeneric(c, v[a:b], m[a:b], h[a:b], n[a:b], ge[a:b], gi[a:b], inE[a:b], inI[a:b], d, refr[a:b], spikes[ns:]), a)
	}
	n4 := len(v) &^ 3
	ns := 0
	for lo := 0; lo < n4; {
		var done, k int
		if dc != nil {
			done, k = hhStepAVX2(cc, &expNegTable[0], v[lo:n4], m[lo:n4], h[lo:n4], n[lo:n4], ge[lo:n4], gi[lo:n4],
				inE[lo:n4], inI[lo:n4], dc[lo:n4], refr[lo:n4], spikes[ns:])
		} else {
			done, k = hhStepNoDCAVX2(cc, &expNegTable[0], v[lo:n4], m[lo:n4], h[lo:n4], n[lo:n4], ge[lo:n4], gi[lo:n4],
				inE[lo:n4], inI[lo:n4], nil, refr[lo:n4], spikes[ns:])
		}
		ns += shiftSpikes(spikes[ns:], k, lo)
		lo += done
		if lo < n4 { // a vector whose V is beyond the kernel's range (or NaN): the reference steps it
			ns = generic(lo, lo+4, ns)
			lo += 4
		}
	}
	if n4 < len(v) {
		ns = generic(n4, len(v), ns)
	}
	return ns
}
