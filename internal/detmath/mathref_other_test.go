//go:build !amd64 || amd64.v3

package detmath

// mathIsReference reports whether the math package's Cos, Expm1 and Log1p
// are the reference here: false where the compiler fuses multiply-adds
// (arm64, ppc64le, s390x, riscv64, amd64 at GOAMD64=v3 and above) or where
// math has assembly versions of them (s390x).
const mathIsReference = false
