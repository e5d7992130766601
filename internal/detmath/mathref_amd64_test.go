//go:build amd64 && !amd64.v3

package detmath

// mathIsReference reports whether the math package's Cos, Expm1 and Log1p
// are the reference here: pure Go, compiled without fused multiply-adds.
// True on amd64 below GOAMD64=v3.
const mathIsReference = true
