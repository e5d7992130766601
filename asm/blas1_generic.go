package asm

import "math"

// dotLanes is L, the number of partial sums of the canonical Dot order:
// 4 vectors of 256 bits.
func dotLanes[T Float]() int {
	if is32[T]() {
		return 32
	}
	return 16
}

// dotGeneric is the reference of Dot: lane i mod L accumulates with fma, then
// halving folds. float32 goes to dotGo32; float64 calls fma64 (math.FMA)
// directly, which inlines where fmaT does not.
func dotGeneric[T Float](x, y []T) T {
	if is32[T]() {
		return T(dotGo32(f32(x), f32(y)))
	}
	var acc [32]float64
	xs, ys := f64(x), f64(y)
	const l = 16
	ys = ys[:len(xs)]
	i := 0
	for ; i+l <= len(xs); i += l {
		xb, yb := xs[i:i+l:i+l], ys[i:i+l:i+l]
		for j := range l {
			acc[j] = fma64(xb[j], yb[j], acc[j])
		}
	}
	for j := 0; i < len(xs); i, j = i+1, j+1 {
		acc[j] = fma64(xs[i], ys[i], acc[j])
	}
	return T(foldLanes(acc[:l]))
}

// dotGo32 is dotGeneric for float32: the 32 lanes are float32 values held
// in float64, each step fma32 computed inline as in gemmTileGo32 (the
// float64 sum, made odd by roundOdd at float32 midpoints and below the
// normal range, then rounded to float32), the folds in float32.
func dotGo32(x, y []float32) float32 {
	const (
		mid  = 1<<29 - 1
		half = 1 << 28
		l    = 32
	)
	lim := gemmGoLim
	var acc [l]float64
	y = y[:len(x)]
	i := 0
	for ; i+l <= len(x); i += l {
		xb, yb := x[i:i+l:i+l], y[i:i+l:i+l]
		for j := range l {
			p := float64(float64(xb[j]) * float64(yb[j]))
			s := p + acc[j]
			if x := math.Float64bits(s); (x+half)&mid == 0 || x<<1-1 < lim {
				s = roundOdd(p, acc[j], s)
			}
			acc[j] = float64(float32(s))
		}
	}
	for j := 0; i < len(x); i, j = i+1, j+1 {
		acc[j] = float64(fma32(x[i], y[i], float32(acc[j])))
	}
	var acc32 [l]float32
	for j, v := range acc {
		acc32[j] = float32(v)
	}
	return foldLanes(acc32[:])
}

// foldLanes combines lane partial sums by halving folds: for w = len/2 … 1,
// acc[j] += acc[j+w] for j < w. len(acc) is a power of two.
func foldLanes[T Float](acc []T) T {
	for w := len(acc) / 2; w >= 1; w /= 2 {
		for j := range w {
			acc[j] = acc[j] + acc[j+w]
		}
	}
	return acc[0]
}

// axpyGeneric is the reference of Axpy.
func axpyGeneric[T Float](alpha T, x, y []T) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = fmaT(alpha, v, y[i])
	}
}

// scalGeneric is the reference of Scal.
func scalGeneric[T Float](alpha T, x []T) {
	for i, v := range x {
		x[i] = alpha * v
	}
}

// addGeneric is the reference of Add.
func addGeneric[T Float](dst, x, y []T) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

// mulGeneric is the reference of Mul.
func mulGeneric[T Float](dst, x, y []T) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}
