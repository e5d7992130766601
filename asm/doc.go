// Package asm holds neurodyn's numeric kernels: BLAS-like vector and matrix
// operations, a vectorized tanh and the fused update steps of the rate,
// CT-RNN and LIF models. Each kernel has a pure-Go reference (always compiled,
// in the *_generic.go files) and, on amd64, AVX2+FMA assembly generated with
// avo by the program in asm/_gen (`go generate ./asm`; the *_amd64.s files and
// their stubs are generated, never edited). The path is chosen at start-up from
// the CPU features (github.com/klauspost/cpuid/v2): "avx2" when the CPU has
// AVX2 and FMA3, else "generic" (pure Go). Build tags noasm or purego force the
// pure-Go path, which is also the path on every other architecture (arm64
// included). A third path, "avx512" (AVX-512F, BMI2), runs AVX-512 versions
// of the kernels of a CT-RNN forward step — Tanh, Step, and Gemv without
// transpose on rows of 4 KiB and more — and the AVX2 kernels elsewhere.
// Reset chooses it on AMD CPUs with AVX-512 (Zen 4 and later), where it was
// measured faster than avx2 (Reset documents the figures; on Zen 4 512-bit
// operations run as two 256-bit halves: the arithmetic is no wider, the
// instruction stream half as long); Intel AVX-512 CPUs have not been
// measured and keep avx2 unless Select chooses avx512 (the CLI's --kernels
// flag calls it). It is tested bit-identical to the other paths natively
// and on an emulated AVX-512 CPU (make asm-avx512, a Linux kernel booted in
// Bochs). `go test -bench 'Asm(Sgemv|Dgemv|Tanh|CTRNNStep)$' ./bench`
// compares the paths (impl=avx512 beside impl=avx2), and `go test -bench
// Train ./bench -args -kernels=avx2` times the models on a chosen path.
//
// The kernels' benchmarks are BenchmarkAsm… in ./bench (`make bench-asm`);
// `go test -bench . ./asm` runs none. Their %peak is against the AVX2 FMA
// probe, so under -tags noasm (or without AVX2) it is not reported, and on
// the avx512 path it is a fraction of the 256-bit peak.
//
// # Same answer on every path
//
// Every path returns bit-identical results, signed zeros and subnormals
// included (NaN payloads excepted: a NaN result is a NaN on every path, its
// payload bits are unspecified). To make
// that possible the references use fused multiply-adds exactly where the
// assembly does, the same polynomials, and one canonical summation order per
// reduction, described below. fma(a, b, c) means a·b+c rounded once in the
// element type; for float32 the reference uses a correctly rounded
// single-precision FMA built from float64 arithmetic (fma32), never
// float32(math.FMA(…)), which rounds twice. Products that the assembly does
// not fuse are written with explicit conversions so that the Go compiler cannot
// fuse them either (it fuses x*y+z on arm64 and with GOAMD64=v3).
//
// Names used below: VW is the number of lanes of a 256-bit vector (8 for
// float32, 4 for float64); L = 4·VW (32 for float32, 16 for float64).
//
// # Kernels and their exact arithmetic
//
//   - Dot(x, y): L partial sums acc[0..L-1], all starting at +0. Element i goes
//     to lane i mod L: acc[i mod L] = fma(x[i], y[i], acc[i mod L]), for i
//     ascending (the tail of a length that is not a multiple of L goes to the
//     same lanes). The lanes are then combined by halving folds: for w = L/2,
//     L/4, …, 1: acc[j] = acc[j] + acc[j+w] for j < w. The result is acc[0].
//   - Axpy(alpha, x, y): y[i] = fma(alpha, x[i], y[i]).
//   - Scal(alpha, x): x[i] = alpha·x[i].
//   - Add(dst, x, y): dst[i] = x[i] + y[i]. Mul(dst, x, y): dst[i] = x[i]·y[i].
//   - Gemv(transA, m, n, alpha, a, lda, x, beta, y), A m×n row-major:
//     without transpose y[i] = E(alpha, Dot(A[i, 0:n], x), beta, y[i]), each row
//     reduced exactly as Dot; with transpose (y has n elements, x has m)
//     t_j = 0, then t_j = fma(A[i, j], x[i], t_j) for i = 0 … m−1 ascending, and
//     y[j] = E(alpha, t_j, beta, y[j]).
//   - Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
//     t_ij = 0, then t_ij = fma(op(A)[i, p], op(B)[p, j], t_ij) for p = 0 … k−1
//     ascending, one unbroken chain (the cache blocking cuts it into slices but
//     stores and reloads the partial value exactly), and
//     C[i, j] = E(alpha, t_ij, beta, C[i, j]).
//   - Ger(m, n, alpha, x, y, a, lda): A[i, j] = fma(alpha·x[i], y[j], A[i, j]),
//     alpha·x[i] rounded once per row (each row is an Axpy).
//   - The epilogue E(alpha, t, beta, c) is alpha·t when beta == 0 (c is not
//     read, so a NaN in the output is overwritten, as in BLAS), else
//     fma(alpha, t, beta·c). When alpha == 0 or the reduction is empty
//     (k == 0, or n == 0 for Gemv without transpose, m == 0 with), no product is
//     formed and the output becomes S(beta, c): 0 when beta == 0, c when
//     beta == 1, else beta·c.
//   - Tanh(dst, x): see Tanh for the formula and its error bound.
//   - Step(act, h, a, z, alpha): a[i] = φ(z[i]); h[i] = fma(alpha, a[i] − h[i], h[i]).
//   - StepBackward(act, dz, dh, a, z, alpha): dz[i] = (alpha·dh[i])·φ'(i);
//     dh[i] = dh[i]·(1 − alpha), with 1 − alpha rounded once. φ' is computed from
//     the activation a[i] where possible (see Activation).
//   - LIFStep: NEST iaf_psc_exp exact-propagator update, products unfused; a
//     nil input slot (inE or inI) is read as zeros, bit for bit (see LIFStep).
//   - LIFScan, LIFScanBackward: the discrete LIF layer's step and its
//     backward step (snn.Dense), products unfused, in the order their doc
//     comments give.
//   - SpikeDeriv(dst, u, theta, alpha, scale): dst[k] = scale/(d·d),
//     d = alpha·|u[k] − theta| + 1, products unfused (the SuperSpike and
//     fast-sigmoid surrogate derivatives).
//   - AdExRK4: one classic Runge–Kutta step of adaptive exponential
//     integrate-and-fire neurons (AdExConst.Deriv at four stages), products
//     unfused, the exponential term through ExpNeg's table and polynomial.
//   - LIFCondStep: the exponential-Euler step of conductance-based LIF
//     neurons (V relaxes towards V_∞ by ExpNeg(h·g/C), the conductances
//     scaled by Me, Mi: their step means or, with 1, their start values),
//     products unfused, the spike list in ascending order.
//   - HHStep: the exponential-Euler (Rush–Larsen) step of Hodgkin–Huxley
//     neurons with Traub–Miles rates (HHRates, every exponential by ExpTab),
//     the conductances scaled by Me, Mi as in LIFCondStep, products
//     unfused, the spike list in ascending order.
//
// # How the assembly keeps these orders
//
// Dot and the rows of Gemv use four 256-bit accumulators (the L lanes) and a
// masked load for the last partial vector, which puts every tail element in
// its lane; the lanes past the end get the product (+0)·(−0) = −0, the
// identity of addition, so their partial sums stay bit for bit what they
// were (a −0 sum included), as in the reference, where they get no term.
// Gemv folds the rows of a chunk together with shuffles that form the same
// pairwise sums. Rows of at most VW elements are one masked fma into +0 each
// and skip the folds w = L/2 and L/4, which would only add +0 to every lane;
// adding +0 once to the folded row sums has the same effect (it turns a −0
// sum into +0, and an addition gives −0 only from two −0 operands), so signed
// zeros from underflowing products come out as in the reference. Gemv with transpose keeps one fma chain per output
// over the rows in order. Gemm packs op(B) (and op(A) for large products whose rows are
// transposed or 4 KiB apart, or that take more than one block of panels),
// runs a 6×16 (float32) or 6×8 (float64) register tile and cuts k into slices
// of 256 for the caches (large products in GotoBLAS's loop order: one kernel
// call runs a block of A held in L2 against a panel of B held in L1); between
// slices the partial chains are stored in a workspace and reloaded exactly,
// so each output remains one ascending chain whatever the loop order.
// Packing (generated moves, panels and tiles written in blocks) and the
// prefetches of the rows the next tile or k-slice reads move data only.
// The AVX-512 Gemv keeps the L lanes of a row in two 512-bit accumulators
// (lanes 0…L/2−1 and L/2…L−1), puts the last partial block in its lanes with
// merge-masked fmas (the lanes past the end get no term, as in the reference)
// and folds w = L/2 (the accumulators), L/4 (the two halves of their sum)
// and then as the AVX2 kernels do.
// Element-wise kernels (LIFScan and SpikeDeriv among them; and LIFStep, 8 neurons per vector, its spike list
// built in ascending order from the vector's sign mask) are independent per
// element. AdExRK4 (four float64 neurons per vector) computes a chunk of 32
// neurons stage by stage, so that the vectors of a stage overlap (each
// neuron's stages are one dependent chain), gathers ExpNeg's table entries,
// takes the reciprocal for the lanes above V_T and blends, and writes x − y
// where the reference writes −y + x (the same rounding, exactly).
// LIFCondStep (four float64 neurons per vector, float32 state) shares its
// ExpNeg (index clamped to the table, whatever the input), blends the
// lanes whose argument is not positive to 1, and builds its spike list as
// LIFStep does. HHStep (four float64 neurons per vector) keeps its rates in
// stack slots between their computation and the gates', takes each rate's
// removable singularity by a blend, and stops at the first vector whose
// V − V_T leaves the range where every exponent is below 32, which the Go
// wrapper steps with the reference before resuming the kernel. Gemm's packing buffers are recycled (small ones through a
// sync.Pool, those of 256 KiB and more through a cache that garbage
// collections do not empty; ReleaseBuffers frees it): steady-state calls
// allocate nothing.
//
// # The pure-Go path
//
// The *_generic.go kernels are what arm64 and -tags noasm/purego builds run
// (and the "generic" path on amd64); the tests compare every path, these
// included, with the plain loops that define the orders (gemmNaive,
// gemvNaive, dotNaive in the tests). They keep the orders and go faster by
// what does not touch them. Gemm packs op(A) in panels of 2 rows and op(B)
// in panels of 4 columns, as float64 contiguous in k (the transposes are
// settled by the packing; the buffer is 32 KiB on the stack for k ≤ 682,
// else recycled through a sync.Pool), and runs a 2×4 tile of chains in
// registers over the whole of k. Gemv with transpose is the 1×n product
// xᵀ·A of that Gemm (fma's multiplicands commute exactly); Dot, and the
// rows of Gemv without transpose, keep their lanes in float64. In their
// inner loops the float32 fma is computed inline, never by a call: the exact product plus
// the chain, rounded once to float64, then to float32, except when the
// float64 sum sits on a float32 midpoint or at or below 2^-126 (and is not
// zero), where roundOdd first replaces the float64 rounding by rounding to
// odd (TwoSum), as fma32 does. Scalar code with an emulated single-precision
// fma stays well behind the vectors: DEVELOPERS.md gives the factors.
//
// # Arguments and units
//
// Matrices are row-major with a leading dimension (lda ≥ number of columns),
// in gonum's BLAS argument order. dst (or the first written argument named in
// each doc comment) is written; every other slice is read only. LIF voltages
// are in mV relative to E_L and currents in pA. Misuse (slice lengths that do
// not match, short matrices) panics with a message starting "asm: ".
//
// # Who may import it
//
// asm is layer 1 of the package map in DEVELOPERS.md: every neurodyn package
// above it may import it; it imports only the standard library, cpuid,
// internal/param and internal/detmath (e^x for ExpNeg's table).
//
// # Concurrency
//
// Kernels keep no state and may be called from many goroutines at once on
// disjoint outputs. Select and Reset change the process-wide path and are meant
// for tests and benchmarks; the change is atomic, but a kernel already running
// finishes on the path it started with.
package asm
