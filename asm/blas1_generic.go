package asm

// dotLanes is L, the number of partial sums of the canonical Dot order:
// 4 vectors of 256 bits.
func dotLanes[T Float]() int {
	if is32[T]() {
		return 32
	}
	return 16
}

// dotGeneric is the reference of Dot: lane i mod L accumulates with fma, then
// halving folds.
func dotGeneric[T Float](x, y []T) T {
	var acc [32]T
	l := dotLanes[T]()
	y = y[:len(x)]
	i := 0
	for ; i+l <= len(x); i += l {
		xs, ys := x[i:i+l], y[i:i+l]
		for j := range l {
			acc[j] = fmaT(xs[j], ys[j], acc[j])
		}
	}
	for j := 0; i < len(x); i, j = i+1, j+1 {
		acc[j] = fmaT(x[i], y[i], acc[j])
	}
	return foldLanes(acc[:l])
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
