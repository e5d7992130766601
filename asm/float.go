package asm

import (
	"math"
	"unsafe"
)

// Float is the element type of every kernel: float32 (model state and weights)
// or float64 (gradient checks, analysis).
type Float interface{ float32 | float64 }

// is32 reports whether T is float32. It is a constant for each instantiation,
// so the branch on it is removed by the compiler.
func is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// f32 reinterprets a []T whose T is float32 as []float32 (no copy).
func f32[T Float](x []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// f64 reinterprets a []T whose T is float64 as []float64 (no copy).
func f64[T Float](x []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// fma32 returns a·b + c rounded once to float32, the result of the hardware
// single-precision FMA (VFMADD…SS on x86, FMADD on arm64).
//
// The product of two float32 values is exact in float64 (24+24 significant
// bits < 53), so s = p + c is a·b + c rounded once to float64; rounding s to
// float32 gives the correctly rounded result unless s sits exactly on a
// float32 midpoint (the only place where a second rounding can go the wrong
// way; a midpoint is itself a float64, so an exact value on the other side of
// it could not have rounded to it) or in the float32 subnormal range, where
// fma32Slow decides. float32(math.FMA(…)) would round twice.
func fma32(a, b, c float32) float32 {
	s := float64(a)*float64(b) + float64(c)
	if bits := math.Float64bits(s); bits&(1<<29-1) != 1<<28 && (bits>>52)&0x7ff >= 1023-126 {
		return float32(s) // also ±Inf and NaN
	}
	return fma32Slow(a, b, c)
}

// fma32Slow is fma32 for midpoints, tiny results, zeros and NaNs: the sum is
// recomputed with TwoSum, its float64 rounding replaced by rounding to odd,
// after which a single rounding to float32 is correct (53 ≥ 24+2 bits).
//
//go:noinline
func fma32Slow(a, b, c float32) float32 {
	p := float64(a) * float64(b) // exact
	s := p + float64(c)
	if s != s || math.IsInf(s, 0) || s == 0 {
		// NaN, or an exact zero (a float64 sum that rounds to zero is exact).
		return float32(s)
	}
	return float32(roundOdd(p, float64(c), s))
}

// fma64 returns a·b + c rounded once (math.FMA, which the compiler lowers to
// the hardware instruction where there is one).
func fma64(a, b, c float64) float64 { return math.FMA(a, b, c) }

// fmaT is fma32 or fma64 by T.
func fmaT[T Float](a, b, c T) T {
	if is32[T]() {
		return T(fma32(float32(a), float32(b), float32(c)))
	}
	return T(fma64(float64(a), float64(b), float64(c)))
}

// mulT returns a·b rounded to T. It exists so that a product is never fused
// with a following addition by the compiler (arm64, GOAMD64=v3): the explicit
// conversion forces the rounding.
func mulT[T Float](a, b T) T { return T(a * b) }
