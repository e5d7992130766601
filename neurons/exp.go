package neurons

import "github.com/neurodyn/neurodyn/internal/detmath"

// Exp returns e^x with the same bits on every architecture and kernel path
// (detmath.Exp: fdlibm's algorithm, within 2 ulp; math.Exp uses assembly on
// amd64 and arm64 whose last bit may differ).
func Exp(x float64) float64 { return detmath.Exp(x) }

// expNegTable[k] = e^{−k/64}, k = 0 … 2047 (built with Exp).
var expNegTable = func() []float64 {
	t := make([]float64, 2048)
	for k := range t {
		t[k] = Exp(-float64(k) / 64)
	}
	return t
}()

// ExpNeg returns e^{−x} for x ≥ 0 with a relative error below 1e-11 (ample
// for float32 state): the table value e^{−k/64} times a degree-4 Taylor
// polynomial of the remainder r = x − k/64 < 1/64 (error r⁵/120 < 8e-12),
// every operation rounded separately so that it is the same on every
// architecture. It returns 0 for x ≥ 32 (e^{−32} < 1.3e-14) and 1 for x ≤ 0.
func ExpNeg(x float64) float64 {
	if !(x > 0) {
		return 1
	}
	if x >= 32 {
		return 0
	}
	k := int(x * 64)
	r := x - float64(float64(k)/64)
	p := 1 - float64(r*float64(1-float64(r*float64(0.5-float64(r*float64(1.0/6-float64(r*(1.0/24))))))))
	return float64(expNegTable[k] * p)
}
