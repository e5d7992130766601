//go:build amd64 && gc && !noasm && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// hasAsm reports whether this build contains the assembly kernels.
const hasAsm = true

// available reports whether path p can run on this CPU.
//
// The avx512 path is not offered: no AVX-512 kernel has been kept yet (none
// could be benchmarked against AVX2 on the development machines, which lack
// AVX-512, and on Zen 4 512-bit operations run as two 256-bit halves), so on
// AVX-512 machines the AVX2 kernels run and Path reports "avx2".
func available(p int32) bool {
	switch p {
	case pathGeneric:
		return true
	case pathAVX2:
		return cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3)
	}
	return false
}
