//go:build amd64 && gc && !noasm && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// hasAsm reports whether this build contains the assembly kernels.
const hasAsm = true

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
