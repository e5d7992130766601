// Package detlinalg holds the dense linear algebra whose results must be the
// same bits on every architecture and kernel path: a Householder QR
// factorization (orthogonal initializations, least squares), a one-sided
// Jacobi singular value decomposition (ridge and minimum-norm least
// squares, principal components) and the eigenvalues of a general real
// matrix (Hessenberg reduction and Francis double-shift QR iteration;
// spectral radii).
//
// # Why
//
// gonum's mat package computes with its BLAS, whose kernels are amd64
// assembly in the default build and pure Go under -tags noasm or on other
// architectures, and the pure-Go kernels are compiled with fused
// multiply-adds on arm64: a matrix factorized by gonum differs in the last
// bits between those builds, and so does everything computed from it (a
// model trained from an orthogonal initialization, a reservoir scaled to a
// spectral radius). Here every loop runs in one fixed order, every product
// that meets an addition is rounded explicitly (float64(x*y) + z, which
// forbids the fusion), dot products keep four partial sums combined as
// (s₀+s₁)+(s₂+s₃), and the only elementary function is math.Sqrt, which
// IEEE 754 rounds correctly everywhere: the results are bit-identical
// across amd64, arm64, 386 and the other targets, with or without noasm.
// TestNoFusedMultiplyAdd checks the compiled code of every fusing target,
// and the golden checksums of the tests hold under qemu-aarch64.
//
// The algorithms are the textbook ones (Golub and Van Loan, Matrix
// Computations, §5.2, §7.4–7.5 and §8.6.3; LAPACK's dgeqr2/dorg2r
// conventions for the reflectors), unblocked: they agree with gonum (LAPACK) to rounding,
// about 1e-13 relative for well-conditioned problems, and are slower than
// blocked, vectorized code. Matrices are float64, row-major.
//
// Layer 0: any package may import it. Functions are safe for concurrent
// use on distinct arguments.
package detlinalg
