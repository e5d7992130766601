//go:build amd64 && gc && !noasm && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// available reports whether path p can run on this CPU. The avx512 path needs
// AVX-512F (with the OS saving the opmask and ZMM state, which cpuid checks)
// and BMI2 besides what avx2 needs; its kernels that have no AVX-512 version
// are the AVX2 ones.
func available(p int32) bool {
	switch p {
	case pathGeneric:
		return true
	case pathAVX2:
		return cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3)
	case pathAVX512:
		return cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3, cpuid.BMI2, cpuid.AVX512F)
	}
	return false
}

// preferred reports whether Reset may choose path p when it is available:
// avx512 only on AMD CPUs, where it was measured faster than avx2 on Zen 4,
// AMD's first cores with AVX-512 (see Reset). No Intel AVX-512 core has been
// measured (their 512-bit instructions can also lower the clock), so they
// keep avx2 unless Select chooses avx512.
func preferred(p int32) bool {
	return p != pathAVX512 || cpuid.CPU.VendorID == cpuid.AMD
}
