package asm

import "github.com/neurodyn/neurodyn/internal/param"

// Tanh computes dst[i] = tanh(x[i]) with one formula on every path:
//
//	a  = min(|x|, C)                 C = 10 (float32), 20 (float64); NaN passes
//	u  = 2a
//	y  = u·log2(e) + M               M = 1.5·2^23 (float32), 1.5·2^52 (float64): rounds to an integer
//	k  = y − M                       exact
//	r  = fma(k, −ln2_lo, fma(k, −ln2_hi, u))
//	p  = fma(r·r, Q(r), r)           Q: degree 5 (float32) or 10 (float64) in Horner form with fma,
//	                                 minimax for (expm1(r) − r)/r² on |r| ≤ 0.35
//	s  = 2^k                         built from the bits of y
//	e  = fma(s, p, s − 1)            expm1(u)
//	dst = copysign(e / (e + 2), x)
//
// Error bound, over the whole real line: at most 2 ulp. Measured by
// TestTanhAccuracy against float32(math.Tanh(float64(x))) on every 97th
// float32 bit pattern (all binades, subnormals included), and against
// math.Tanh on 2·10⁶ float64 samples over all binades; both maxima are 2 ulp.
// tanh(±0) = ±0, tanh(±Inf) = ±1, NaN gives NaN, subnormals are kept (no
// flushing), and tanh(x) is exactly ±1 for |x| > 9.0109 in float32 (where the
// correctly rounded tanh saturates too) and for |x| > 19.0 in float64. It
// panics if the lengths differ; dst may be x.
func Tanh[T Float](dst, x []T) {
	if len(dst) != len(x) {
		panic(errLength)
	}
	if is32[T]() {
		tanh32(f32(dst), f32(x))
		return
	}
	tanh64(f64(dst), f64(x))
}

// Activation selects the nonlinearity φ of Step and StepBackward, and how its
// derivative φ' is computed from the activation a = φ(z):
//
//	ActTanh      φ = tanh(z)                     φ' = fma(−a, a, 1)
//	ActReLU      φ = z < 0 ? 0 : z (NaN stays)   φ' = a > 0 ? 1 : 0
//	ActSigmoid   φ = fma(0.5, tanh(0.5·z), 0.5)  φ' = a·(1 − a)
//	ActHalfTanh  φ = fma(0.5, tanh(z), 0.5)      φ' = 2·(a·(1 − a))
//	ActIdentity  φ = z                           φ' = 1
//
// tanh is the function of Tanh. ActHalfTanh is the reference tutorial's
// "tanh" rate activation (range [0, 1]); ActSigmoid is the logistic function
// written through tanh, so it shares its error bound.
type Activation int

// The activations of Step and StepBackward.
const (
	ActTanh Activation = iota
	ActReLU
	ActSigmoid
	ActHalfTanh
	ActIdentity
)

var actNames = [...]string{"tanh", "relu", "sigmoid", "halftanh", "identity"}

// String returns the activation's name: tanh, relu, sigmoid, halftanh or identity.
func (a Activation) String() string {
	if a >= 0 && int(a) < len(actNames) {
		return actNames[a]
	}
	return "Activation(invalid)"
}

// Validate returns an error unless a is one of the defined activations.
func (a Activation) Validate() error {
	if a >= 0 && int(a) < len(actNames) {
		return nil
	}
	return param.New("asm", "Activation", int(a), "one of tanh, relu, sigmoid, halftanh, identity (0…4)")
}

// ParseActivation returns the activation with the given name (as printed by
// String), or an error listing the allowed names.
func ParseActivation(name string) (Activation, error) {
	for i, n := range actNames {
		if n == name {
			return Activation(i), nil
		}
	}
	return 0, param.New("asm", "activation", name, "one of tanh, relu, sigmoid, halftanh, identity")
}

// Step is the fused Euler epilogue of the CT-RNN and rate models: for each i,
//
//	a[i] = φ(z[i])
//	h[i] = fma(alpha, a[i] − h[i], h[i])      (h += alpha·(φ(z) − h))
//
// with alpha = dt/τ. z is read only; a and h are written. It panics if the
// lengths differ or act is not a defined Activation.
func Step[T Float](act Activation, h, a, z []T, alpha T) {
	if len(h) != len(a) || len(a) != len(z) {
		panic(errLength)
	}
	if act.Validate() != nil {
		panic("asm: invalid Activation")
	}
	if is32[T]() {
		step32(act, f32(h), f32(a), f32(z), float32(alpha))
		return
	}
	step64(act, f64(h), f64(a), f64(z), float64(alpha))
}

// StepBackward is the adjoint of Step for backpropagation through time: for
// each i,
//
//	dz[i] = (alpha·dh[i])·φ'(a[i])            φ' as listed under Activation
//	dh[i] = dh[i]·(1 − alpha)                 (1 − alpha rounded once)
//
// dh holds ∂L/∂h after the step on entry and the direct part of ∂L/∂h before
// the step on return (the caller adds the recurrent part, W_recᵀ·dz). a is the
// activation saved by Step. z is the pre-activation; no current activation
// needs it, so it may be nil, otherwise it must have the length of a. It
// panics if the lengths differ or act is not a defined Activation.
func StepBackward[T Float](act Activation, dz, dh, a, z []T, alpha T) {
	if len(dz) != len(dh) || len(dh) != len(a) || (z != nil && len(z) != len(a)) {
		panic(errLength)
	}
	if act.Validate() != nil {
		panic("asm: invalid Activation")
	}
	if is32[T]() {
		stepBackward32(act, f32(dz), f32(dh), f32(a), float32(alpha))
		return
	}
	stepBackward64(act, f64(dz), f64(dh), f64(a), float64(alpha))
}
