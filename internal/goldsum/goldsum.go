// Package goldsum hashes the bits of floating-point values for golden
// tests: FNV-1a 64 over each value's IEEE 754 bits as little-endian bytes
// (8 for a float64, 4 for a float32), in order. A checksum computed on
// amd64 and compared on every other build (-tags noasm, 386, arm64 under
// qemu-aarch64) shows that a computation gives the same bits everywhere.
//
// It imports only the standard library; tests of every layer may use it.
// A Sum is not safe for concurrent use.
package goldsum

import (
	"encoding/binary"
	"hash"
	"hash/fnv"
	"math"
)

// Sum accumulates values; its zero value is not usable: call New.
type Sum struct {
	h hash.Hash64
	b [8]byte
}

// New returns an empty Sum.
func New() *Sum { return &Sum{h: fnv.New64a()} }

// Float64s adds the bits of v, 8 little-endian bytes each.
func (s *Sum) Float64s(v ...float64) {
	for _, x := range v {
		binary.LittleEndian.PutUint64(s.b[:], math.Float64bits(x))
		s.h.Write(s.b[:8])
	}
}

// Float32s adds the bits of v, 4 little-endian bytes each.
func (s *Sum) Float32s(v ...float32) {
	for _, x := range v {
		binary.LittleEndian.PutUint32(s.b[:4], math.Float32bits(x))
		s.h.Write(s.b[:4])
	}
}

// Sum64 returns the checksum of the values added so far.
func (s *Sum) Sum64() uint64 { return s.h.Sum64() }

// Float32s returns the checksum of v alone.
func Float32s(v []float32) uint64 {
	s := New()
	s.Float32s(v...)
	return s.Sum64()
}
