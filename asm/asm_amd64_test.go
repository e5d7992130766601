//go:build amd64 && gc && !noasm && !purego

package asm

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// TestFMA32Hardware compares the pure-Go fma32 with the hardware
// single-precision FMA (VFMADD231SS) on edge values and random inputs,
// including the cancellation and near-tie cases.
func TestFMA32Hardware(t *testing.T) {
	if !available(pathAVX2) {
		t.Skip("no FMA3 on this CPU")
	}
	check := func(a, b, c float32) {
		t.Helper()
		if got, want := fma32(a, b, c), fmaf32AVX2(a, b, c); !same32(got, want) {
			t.Fatalf("fma32(%g, %g, %g) = %g (%#x), hardware %g (%#x)", a, b, c, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	for _, a := range edge32 {
		for _, b := range edge32 {
			for _, c := range edge32 {
				check(a, b, c)
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	n := 5000000
	if testing.Short() {
		n = 200000
	}
	for range n {
		a, b := randFloat32(r), randFloat32(r)
		var c float32
		switch r.IntN(3) {
		case 0:
			c = randFloat32(r)
		case 1:
			c = -float32(float64(a) * float64(b))
		default:
			c = math.Float32frombits(math.Float32bits(-float32(float64(a)*float64(b))) + uint32(r.IntN(5)) - 2)
		}
		check(a, b, c)
	}
}

// TestAsmRegisters fails if a generated AVX2 kernel uses X16–X31 or
// Y16–Y31: the Go assembler would silently encode those with EVEX
// (AVX-512VL), which faults on AVX2-only CPUs. Only avx512_amd64.s, whose
// kernels run on the avx512 path alone, may use AVX-512 registers.
func TestAsmRegisters(t *testing.T) {
	files, err := filepath.Glob("*_amd64.s")
	if err != nil || len(files) == 0 {
		t.Fatalf("no assembly files found: %v", err)
	}
	re := regexp.MustCompile(`\b[XY](1[6-9]|2[0-9]|3[01])\b|\bZ[0-9]+\b|\bK[1-7]\b`)
	for _, f := range files {
		if f == "avx512_amd64.s" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := re.FindIndex(b); loc != nil {
			t.Errorf("%s uses an AVX-512 register: %q", f, b[loc[0]:loc[1]])
		}
	}
}

// TestZeroAllocsLarge pins large Gemm calls at zero allocations across
// garbage collections when shapes with different buffer sizes alternate (the
// Open Neuromorphic workload's forward and weight gradient): buffers of
// 256 KiB and more come from a cache that collections do not empty, unlike a
// sync.Pool, whose buffers are also invisible to a goroutine resumed on
// another P.
func TestZeroAllocsLarge(t *testing.T) {
	if raceEnabled {
		t.Skip("race detector")
	}
	forEachPath(t, func(t *testing.T) {
		if Path() == "generic" {
			t.Skip("the reference Gemm packs nothing")
		}
		const m, n, k = 900, 600, 600
		a, b, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
		g := make([]float32, n*n)
		pair := func() {
			runtime.GC() // twice: a sync.Pool keeps its items as victims through one
			runtime.GC()
			Gemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
			Gemm(true, false, n, n, m, 1, c, n, a, k, 0, g, n)
		}
		if got := testing.AllocsPerRun(3, pair); got != 0 {
			t.Errorf("%v allocations per pair of large Gemm calls with a collection before", got)
		}
		if len(pools32.a.big) == 0 || len(pools32.b.big) == 0 || len(pools32.w.big) == 0 {
			t.Fatalf("large buffers kept: A %d, B %d, chains %d; want at least one each", len(pools32.a.big), len(pools32.b.big), len(pools32.w.big))
		}
		ReleaseBuffers()
		if l := len(pools32.a.big) + len(pools32.b.big) + len(pools32.w.big) + len(pools32.t.big); l != 0 {
			t.Errorf("%d large buffers kept after ReleaseBuffers", l)
		}
	})
}

// TestResetVendor checks Reset's choice on an AVX-512 CPU: avx512 when the
// vendor is AMD (measured faster on Zen 4), avx2 otherwise.
func TestResetVendor(t *testing.T) {
	if !available(pathAVX512) {
		t.Skip("no AVX-512 on this CPU")
	}
	vendor := cpuid.CPU.VendorID
	defer func() {
		cpuid.CPU.VendorID = vendor
		Reset()
	}()
	for _, c := range []struct {
		v    cpuid.Vendor
		want string
	}{{cpuid.AMD, "avx512"}, {cpuid.Intel, "avx2"}, {cpuid.Hygon, "avx2"}} {
		cpuid.CPU.VendorID = c.v
		Reset()
		if Path() != c.want {
			t.Errorf("vendor %v: Reset chose %q, want %q", c.v, Path(), c.want)
		}
	}
}
