package goldsum_test

import (
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/neurodyn/neurodyn/internal/goldsum"
)

// TestBytes checks the bytes hashed: FNV-1a 64 of 1.0's float64 bits
// (0x3ff0000000000000, little-endian) and of 1.0's float32 bits
// (0x3f800000), against the standard library's FNV over those bytes.
func TestBytes(t *testing.T) {
	want := func(b ...byte) uint64 {
		h := fnv.New64a()
		h.Write(b)
		return h.Sum64()
	}
	s := goldsum.New()
	s.Float64s(1)
	if got, w := s.Sum64(), want(0, 0, 0, 0, 0, 0, 0xf0, 0x3f); got != w {
		t.Errorf("Float64s(1): %#x, want %#x", got, w)
	}
	if got, w := goldsum.Float32s([]float32{1}), want(0, 0, 0x80, 0x3f); got != w {
		t.Errorf("Float32s(1): %#x, want %#x", got, w)
	}
	a, b := goldsum.New(), goldsum.New()
	a.Float64s(1, 2)
	b.Float64s(2, 1)
	if a.Sum64() == b.Sum64() {
		t.Error("the order of the values does not change the checksum")
	}
}

// A checksum of a result pins its bits.
func Example() {
	s := goldsum.New()
	s.Float64s(0.1, 0.2)
	s.Float32s(0.5)
	fmt.Printf("%#016x\n", s.Sum64())
	// Output:
	// 0xc0e7a8b60ecc1054
}
