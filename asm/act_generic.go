package asm

import "math"

// Constants of the tanh formula (see Tanh). The assembly generator in
// asm/_gen uses the same values; the differential tests check every path
// against these.
const (
	tanhClamp32 float32 = 10
	tanhClamp64 float64 = 20
	log2e32     float32 = 1.4426950216293335
	log2e64     float64 = 1.4426950408889634
	magic32     float32 = 1.5 * (1 << 23)
	magic64     float64 = 1.5 * (1 << 52)
	ln2Hi32     float32 = 0.6931471824645996
	ln2Lo32     float32 = -1.9046542121259336e-09
	ln2Hi64     float64 = 0.6931471805599453
	ln2Lo64     float64 = 2.3190468138462996e-17
)

// tanhQ32 and tanhQ64 are the coefficients of Q(r) ≈ (expm1(r) − r)/r²,
// highest degree first (fitted with mpmath chebyfit on |r| ≤ 1.01·ln2/2 and
// rounded to the element type; relative error of expm1 1.9e-9 and 9.0e-19).
var (
	tanhQ32 = [...]float32{
		0.00019891980628017336, 0.0013934541493654251, 0.00833331048488617,
		0.04166645556688309, 0.1666666716337204, 0.5,
	}
	tanhQ64 = [...]float64{
		2.0915442297780116e-09, 2.5106274733573296e-08, 2.75572718102198e-07,
		2.755725283351691e-06, 2.4801587327007187e-05, 0.00019841269876864356,
		0.0013888888888883327, 0.008333333333325544, 0.04166666666666667,
		0.1666666666666667, 0.5,
	}
)

// tanh32Ref is the reference of one float32 tanh (see Tanh for the formula).
func tanh32Ref(x float32) float32 {
	a := math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
	if tanhClamp32 < a {
		a = tanhClamp32
	}
	u := a + a
	y := float32(u*log2e32) + magic32
	k := y - magic32
	r := fma32(k, -ln2Hi32, u)
	r = fma32(k, -ln2Lo32, r)
	q := tanhQ32[0]
	for _, c := range tanhQ32[1:] {
		q = fma32(q, r, c)
	}
	p := fma32(float32(r*r), q, r)
	s := math.Float32frombits(math.Float32bits(y)<<23 + 0x3F800000)
	e := fma32(s, p, s-1)
	t := e / (e + 2)
	return math.Float32frombits(math.Float32bits(t) | math.Float32bits(x)&(1<<31))
}

// tanh64Ref is the reference of one float64 tanh (see Tanh for the formula).
func tanh64Ref(x float64) float64 {
	a := math.Float64frombits(math.Float64bits(x) &^ (1 << 63))
	if tanhClamp64 < a {
		a = tanhClamp64
	}
	u := a + a
	y := float64(u*log2e64) + magic64
	k := y - magic64
	r := math.FMA(k, -ln2Hi64, u)
	r = math.FMA(k, -ln2Lo64, r)
	q := tanhQ64[0]
	for _, c := range tanhQ64[1:] {
		q = math.FMA(q, r, c)
	}
	p := math.FMA(float64(r*r), q, r)
	s := math.Float64frombits(math.Float64bits(y)<<52 + 0x3FF0000000000000)
	e := math.FMA(s, p, s-1)
	t := e / (e + 2)
	return math.Float64frombits(math.Float64bits(t) | math.Float64bits(x)&(1<<63))
}

// tanhRef is tanh32Ref or tanh64Ref by T.
func tanhRef[T Float](x T) T {
	if is32[T]() {
		return T(tanh32Ref(float32(x)))
	}
	return T(tanh64Ref(float64(x)))
}

// tanhGeneric is the reference of Tanh.
func tanhGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = tanhRef(v)
	}
}

// actRef returns φ(z) for act (see Activation).
func actRef[T Float](act Activation, z T) T {
	switch act {
	case ActTanh:
		return tanhRef(z)
	case ActReLU:
		if z < 0 {
			return 0
		}
		return z
	case ActSigmoid:
		return fmaT(0.5, tanhRef(T(0.5)*z), 0.5)
	case ActHalfTanh:
		return fmaT(0.5, tanhRef(z), 0.5)
	}
	return z
}

// dactRef returns φ' computed from the activation a (see Activation).
func dactRef[T Float](act Activation, a T) T {
	switch act {
	case ActTanh:
		return fmaT(-a, a, 1)
	case ActReLU:
		if a > 0 {
			return 1
		}
		return 0
	case ActSigmoid:
		return a * (1 - a)
	case ActHalfTanh:
		return 2 * mulT(a, 1-a)
	}
	return 1
}

// stepGeneric is the reference of Step.
func stepGeneric[T Float](act Activation, h, a, z []T, alpha T) {
	a, z = a[:len(h)], z[:len(h)]
	for i, zi := range z {
		ai := actRef(act, zi)
		a[i] = ai
		h[i] = fmaT(alpha, ai-h[i], h[i])
	}
}

// stepBackwardGeneric is the reference of StepBackward.
func stepBackwardGeneric[T Float](act Activation, dz, dh, a []T, alpha T) {
	dh, a = dh[:len(dz)], a[:len(dz)]
	oma := 1 - alpha
	for i, ai := range a {
		dz[i] = mulT(alpha, dh[i]) * dactRef(act, ai)
		dh[i] = dh[i] * oma
	}
}
