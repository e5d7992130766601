// Package detfft is a deterministic discrete Fourier transform: the same
// bits on every architecture and build (amd64, 386, arm64, -tags noasm).
// Every product that meets an addition is rounded explicitly,
// float64(x*y) + z, so that gc cannot fuse it into a multiply-add (it
// does on arm64, ppc64le, s390x, riscv64, loong64 and amd64 at
// GOAMD64=v3), and the twiddle factors come from internal/detmath.Cos and
// a sine polynomial of this package on the first octant, extended by
// exact symmetries.
//
// A length that is a power of two is transformed by an iterative radix-2
// FFT; any other length n by Bluestein's chirp-z algorithm, which writes
// the length-n transform as a circular convolution of power-of-two length
// M ≥ 2n−1. Both cost O(n log n); Bluestein's takes two transforms of
// length M, so it is several times slower than gonum's mixed-radix FFT
// (n = 100000: 21 ms against 2 ms; 1024: 10 µs against 12 µs). The error is a few multiples of
// 2⁻⁵³·log₂ M relative to the Euclidean norm of the input (see the tests).
package detfft
