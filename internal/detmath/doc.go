// Package detmath holds elementary functions that return the same bits on
// every architecture: Cos, Expm1, Log1p and Atan, with the algorithms of
// Go's own pure-Go math.Cos, math.Expm1, math.Log1p and math.Atan (Cephes'
// cosine and arctangent, fdlibm's expm1 and log1p), written so that the
// compiler cannot fuse any of their operations; Log and Exp, fdlibm's
// logarithm and exponential (math.Log and math.Exp use assembly on amd64,
// so these match them within 1 and 2 ulp, not bit for bit); and Tanh,
// Cephes' algorithm as math.Tanh's, bit for bit on |x| < 0.625 and through
// Exp beyond.
//
// # Why
//
// The Go specification lets a compiler fuse x*y + z into one fused
// multiply-add, rounded once, unless the product is explicitly converted
// (float64(x*y)). gc does so on arm64, ppc64le, s390x and riscv64, and on
// amd64 with GOAMD64=v3 or higher; it never does with the default GOAMD64=v1.
// The math package is not written against that, so on arm64 math.Cos,
// math.Expm1, math.Log1p and math.Atan differ from amd64 in the last bit for
// some inputs (Atan on 528 of 65,536), and a simulation built on them does not reproduce across machines,
// against the determinism convention of DEVELOPERS.md. Here every product
// that meets an addition or a subtraction is rounded explicitly, so each
// function performs exactly the IEEE 754 double operations of the published
// algorithm, in its order, whatever the architecture and GOAMD64 level: on
// amd64 (GOAMD64 below v3, where math's versions are pure Go and unfused)
// the results are bit-identical to the math package's.
//
// The tests pin that: bit-for-bit comparison with the math package on about
// a million inputs per function on amd64, FNV-1a checksums of fixed input
// sets that must match on every architecture (run them for arm64 under
// qemu-aarch64: CGO_ENABLED=0 GOARCH=arm64 go test -c -o
// /tmp/detmath_arm64.test ./internal/detmath && qemu-aarch64
// /tmp/detmath_arm64.test), and a check that the assembly holds no fused
// instruction on any architecture that could fuse (TestNoFusedMultiplyAdd,
// skipped with -short), for arm64:
//
//	GOARCH=arm64 go build -gcflags=-S ./internal/detmath 2>&1 | grep -E 'FMADD|FMSUB|FNMADD|FNMSUB'
//
// must print nothing. A change to this package must keep every product that
// feeds an addition or a subtraction inside float64(…), conversions of
// products to integers included (some architectures convert to uint64
// through a subtraction).
//
// # Units and accuracy
//
// Angles are in radians. The accuracy is that of the algorithms (documented
// per function and checked against math/big references by the tests):
// below one ulp for Expm1 and Log1p, below two for Atan and Tanh (at most
// 0.98 and 0.90 ulp measured); for Cos an absolute error below 2⁻⁵², within
// 2 ulps away from the zeros of cos.
//
// # Who may import it
//
// It is internal and imports only the standard library: every layer of the
// map in DEVELOPERS.md may use it. Model code that must reproduce across
// architectures calls these functions instead of the math package's.
//
// # Concurrency
//
// The functions are pure: they read only their argument and constant
// tables, allocate nothing and are safe for concurrent use.
package detmath
