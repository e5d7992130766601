package nprand

import "math"

// The natural logarithm, correctly rounded (round to nearest even) for the
// arguments Randn needs. C libraries compute log to better than 2^-63
// relative accuracy before rounding (glibc ≥ 2.28: 0.52 ulp worst case;
// older glibc: correctly rounded), so a correctly rounded log reproduces
// NumPy's Gaussians where Go's math.Log (< 1 ulp) would differ in the last
// bit for about 3% of draws.
//
// Method: x = 2^e·m with m in [1/√2, √2); log x = e·ln2 + 2·atanh(s),
// s = (m−1)/(m+1), summed in double-double arithmetic (about 2^-100
// relative accuracy), then rounded once to float64.

// dd is an unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

// twoProd returns p = a·b rounded and its exact error e, by a fused
// multiply-add (math.FMA: the hardware instruction where there is one,
// exact in software elsewhere, so e is the same everywhere). It is not
// inlined, so that this intended fusion is the only one TestNoFusedMultiplyAdd
// allows.
//
//go:noinline
func twoProd(a, b float64) (p, e float64) {
	p = float64(a * b)
	e = math.FMA(a, b, -p)
	return
}

func ddAdd(a, b dd) dd {
	s, e := twoSum(a.hi, b.hi)
	t, f := twoSum(a.lo, b.lo)
	e += t
	r := quickTwoSum(s, e)
	return quickTwoSum(r.hi, r.lo+f)
}

func ddMul(a, b dd) dd {
	p, e := twoProd(a.hi, b.hi)
	e += float64(a.hi*b.lo) + float64(a.lo*b.hi)
	return quickTwoSum(p, e)
}

func ddMulF(a dd, b float64) dd {
	p, e := twoProd(a.hi, b)
	e += float64(a.lo * b)
	return quickTwoSum(p, e)
}

func ddDiv(a, b dd) dd {
	q1 := a.hi / b.hi
	r := ddAdd(a, ddMulF(b, -q1))
	q2 := r.hi / b.hi
	r = ddAdd(r, ddMulF(b, -q2))
	q3 := r.hi / b.hi
	q := quickTwoSum(q1, q2)
	return ddAdd(q, dd{q3, 0})
}

var (
	ln2dd = dd{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56}
	// atanhCoef[k] = 1/(2k+1) in double-double.
	atanhCoef [24]dd
)

func init() {
	for k := range atanhCoef {
		atanhCoef[k] = ddDiv(dd{1, 0}, dd{float64(2*k + 1), 0})
	}
}

// logCR returns ln x correctly rounded for finite x > 0 (NaN or ±Inf
// otherwise, like math.Log).
func logCR(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Log(x)
	}
	m, e := math.Frexp(x) // x = m·2^e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	num := dd{m - 1, 0} // exact (Sterbenz)
	dh, dl := twoSum(m, 1)
	s := ddDiv(num, dd{dh, dl})
	t := ddMul(s, s)
	acc := atanhCoef[len(atanhCoef)-1]
	for k := len(atanhCoef) - 2; k >= 0; k-- {
		acc = ddAdd(ddMul(acc, t), atanhCoef[k])
	}
	lm := ddMulF(ddMul(s, acc), 2)
	r := ddAdd(ddMulF(ln2dd, float64(e)), lm)
	return r.hi + r.lo
}
