package detmath

import "math"

// Exp returns e^x, computed in pure Go with every operation rounded
// separately (no fused multiply-add), so that it gives the same bits on
// every architecture; math.Exp uses assembly on amd64 and arm64 whose last
// bit may differ. Accuracy is within 2 ulp (fdlibm's algorithm: reduction by
// k·ln2 split in two parts, a degree-5 rational approximation of the
// remainder).
func Exp(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00
		p1    = 1.66666666666666657415e-01
		p2    = -2.77777777770155933842e-03
		p3    = 6.61375632143793436117e-05
		p4    = -1.65339022054652515390e-06
		p5    = 4.13813679705723846039e-08
	)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case math.IsInf(x, -1):
		return 0
	case x > 7.09782712893383973096e+02:
		return math.Inf(1)
	case x < -7.45133219101941108420e+02:
		return 0
	case -3.725290298461914e-09 < x && x < 3.725290298461914e-09:
		return 1 + x
	}
	var k int
	if x < 0 {
		k = int(float64(log2e*x) - 0.5)
	} else {
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(float64(k) * ln2Lo)
	r := hi - lo
	t := float64(r * r)
	c := float64(t * p5)
	c = float64(t * float64(p4+c))
	c = float64(t * float64(p3+c))
	c = float64(t * float64(p2+c))
	c = r - float64(t*float64(p1+c))
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}
