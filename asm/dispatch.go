package asm

import (
	"strings"
	"sync/atomic"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Kernel paths, fastest first.
const (
	pathGeneric int32 = iota
	pathAVX2
	pathAVX512
)

var pathNames = [...]string{pathGeneric: "generic", pathAVX2: "avx2", pathAVX512: "avx512"}

// cur is the path in use. It is read once per kernel call (an atomic load),
// never per element.
var cur atomic.Int32

func init() { Reset() }

// Path returns the name of the kernel path in use: "avx512", "avx2" or
// "generic" (pure Go).
func Path() string { return pathNames[cur.Load()] }

// Paths returns the paths this build can run on this CPU, widest vectors
// first; the last is always "generic".
func Paths() []string {
	var out []string
	for p := int32(len(pathNames)) - 1; p >= 0; p-- {
		if available(p) {
			out = append(out, pathNames[p])
		}
	}
	return out
}

// Select switches every kernel to the named path (one of Paths()). It exists
// for tests and benchmarks that compare paths; programs keep the path chosen
// at start-up. It returns an error naming the allowed paths if name is unknown
// or not available here.
func Select(name string) error {
	for p, n := range pathNames {
		if n == name && available(int32(p)) {
			cur.Store(int32(p))
			return nil
		}
	}
	return param.New("asm", "path", name, "one of "+strings.Join(Paths(), ", "))
}

// Reset re-detects the CPU features and selects the default path: avx2 when
// available, else generic. The avx512 path is never chosen by Reset, only by
// Select: its kernels are tested (bit-identical to the others, under
// emulation: make asm-avx512) but have not been benchmarked against AVX2 on
// an AVX-512 machine, and on Zen 4 512-bit operations run as two 256-bit
// halves. Tests that disable features with cpuid.CPU.Disable call Reset
// afterwards.
func Reset() {
	best := pathGeneric
	for p := int32(len(pathNames)) - 1; p > 0; p-- {
		if p != pathAVX512 && available(p) {
			best = p
			break
		}
	}
	cur.Store(best)
}
