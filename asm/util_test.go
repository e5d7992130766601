package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

const guardLen = 8

// guarded returns a slice of n elements at start offset off inside a buffer
// whose surrounding elements are NaN guards, and the whole buffer.
func guarded[T Float](n, off int) (s, buf []T) {
	buf = make([]T, guardLen+off+n+guardLen)
	for i := range buf {
		buf[i] = T(math.NaN())
	}
	s = buf[guardLen+off : guardLen+off+n : guardLen+off+n]
	return s, buf
}

// checkGuards fails unless every element of buf outside s is still a NaN.
func checkGuards[T Float](t *testing.T, name string, buf []T, off, n int) {
	t.Helper()
	for i := range buf {
		if i >= guardLen+off && i < guardLen+off+n {
			continue
		}
		if buf[i] == buf[i] {
			t.Fatalf("%s: guard element %d overwritten (n=%d, off=%d): %v", name, i, n, off, buf[i])
		}
	}
}

// special returns ±Inf, NaN, ±0, subnormal or huge values.
func special[T Float](r *rand.Rand) T {
	var vals []float64
	if is32[T]() {
		vals = []float64{math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1),
			math.SmallestNonzeroFloat32, -1e-40, 1e38, -3e38}
	} else {
		vals = []float64{math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1),
			math.SmallestNonzeroFloat64, -1e-310, 1e307, -1.7e308}
	}
	return T(vals[r.IntN(len(vals))])
}

// fill sets s to random values in [-2, 2); with specials, about one element
// in 16 is a special value.
func fill[T Float](r *rand.Rand, s []T, specials bool) {
	for i := range s {
		s[i] = T(4*r.Float64() - 2)
		if specials && r.IntN(16) == 0 {
			s[i] = special[T](r)
		}
	}
}

// sameBits reports whether a and b are bit-identical (any two NaNs match).
func sameBits[T Float](a, b T) bool {
	if is32[T]() {
		return same32(float32(a), float32(b))
	}
	return same64(float64(a), float64(b))
}

// firstDiff returns the first index where a and b differ in bits, or -1.
func firstDiff[T Float](a, b []T) int {
	for i := range a {
		if !sameBits(a[i], b[i]) {
			return i
		}
	}
	return -1
}

// testLengths returns 0…67 and, unless short, random lengths up to 4096.
func testLengths(r *rand.Rand) []int {
	var ls []int
	for n := range 68 {
		ls = append(ls, n)
	}
	k := 24
	if testing.Short() {
		k = 6
	}
	for range k {
		ls = append(ls, 68+r.IntN(4096-68))
	}
	return append(ls, 4096)
}

// ulpDiff returns the distance in units in the last place between a and b
// (of the same sign), as float64.
func ulpDiff[T Float](a, b T) float64 {
	if is32[T]() {
		ia, ib := int64(math.Float32bits(float32(a))&0x7fffffff), int64(math.Float32bits(float32(b))&0x7fffffff)
		if (a < 0) != (b < 0) && a != 0 && b != 0 {
			return math.Inf(1)
		}
		return math.Abs(float64(ia - ib))
	}
	ia, ib := int64(math.Float64bits(float64(a))&(1<<63-1)), int64(math.Float64bits(float64(b))&(1<<63-1))
	if (a < 0) != (b < 0) && a != 0 && b != 0 {
		return math.Inf(1)
	}
	return math.Abs(float64(ia - ib))
}
