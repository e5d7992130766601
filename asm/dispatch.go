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

// gemvN512MinBytes is the row length, in bytes, from which the avx512 path
// runs Gemv without transpose in 512-bit vectors (n ≥ 1,024 float32 or 512
// float64); shorter rows take the AVX2 kernel, which shares each load of x
// among three rows and folds the sums of one vector of rows (8 float32, 4
// float64) together, where the AVX-512 kernel folds every row alone.
// Measured on Zen 4, square A, 6 interleaved runs (BenchmarkAsmSgemv,
// BenchmarkAsmDgemv, BenchmarkAsmGemvShortRows): the AVX-512 kernel takes
// 1.18× the AVX2 kernel's time at n = 64, 1.10× at 256, 1.06× at 512 and
// 0.87× at 1,024 in float32; 1.43×, 1.03×, 0.81× and 0.81× in float64; 2.3×
// to 6.4× on the CT-RNN's input projections (n = 3 to 8). The asm tests set
// it to 1, so that they check the AVX-512 kernel at every row length.
var gemvN512MinBytes = 4096

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

// Reset re-detects the CPU features and selects the default path: avx512 on
// AMD CPUs with AVX-512 (Zen 4 and later), else avx2 when available, else
// generic. On Zen 4 the avx512 path (AVX-512 Tanh and Step, Gemv from rows
// of 4 KiB on) was measured at least as fast as avx2 on every kernel and
// model benchmark, 6 interleaved runs: Tanh 1.25× to 1.32× faster, Gemv
// 1.17× to 1.23× from 4 KiB rows on, the tutorial's CT-RNN training epoch
// 1.08× (p = 0.065), none significantly slower. Intel AVX-512 CPUs have not
// been measured and keep avx2 (preferred); Select("avx512") opts in. Every
// path gives bit-identical results, so the choice changes only speed. Tests
// that disable features with cpuid.CPU.Disable call Reset afterwards.
func Reset() {
	best := pathGeneric
	for p := int32(len(pathNames)) - 1; p > 0; p-- {
		if available(p) && preferred(p) {
			best = p
			break
		}
	}
	cur.Store(best)
}
