package detmath

import (
	"math"
	"math/big"
	"sync"
)

// Reference values from math/big: π from Machin's formula, then Taylor and
// atanh series at refPrec bits, well beyond float64, so that the distance
// of a float64 result from the true value can be measured in ulps.

const refPrec = 256

// machinArctanInv returns arctan(1/n)·2^prec, truncated, from its series.
func machinArctanInv(n int64, prec uint) *big.Int {
	one := new(big.Int).Lsh(big.NewInt(1), prec)
	nn := big.NewInt(n * n)
	term := new(big.Int).Quo(one, big.NewInt(n))
	sum := new(big.Int).Set(term)
	for k := int64(1); term.Sign() != 0; k++ {
		term.Quo(term, nn)
		t := new(big.Int).Quo(term, big.NewInt(2*k+1))
		if k%2 == 1 {
			sum.Sub(sum, t)
		} else {
			sum.Add(sum, t)
		}
	}
	return sum
}

// piFixed returns ⌊π·2^prec⌋ or one less (π = 16·arctan(1/5) − 4·arctan(1/239),
// the guard bits absorb the truncations).
func piFixed(prec uint) *big.Int {
	const guard = 64
	p := new(big.Int).Mul(machinArctanInv(5, prec+guard), big.NewInt(16))
	p.Sub(p, new(big.Int).Mul(machinArctanInv(239, prec+guard), big.NewInt(4)))
	return p.Rsh(p, guard)
}

// redPrec is the precision of the reduction of Cos's argument: the
// largest float64 is below 2^1024 and the result needs refPrec more bits.
const redPrec = 1024 + 2*refPrec

var bigPi = sync.OnceValue(func() *big.Float {
	p := new(big.Float).SetPrec(redPrec).SetInt(piFixed(redPrec + 8))
	return p.SetMantExp(p, -(redPrec + 8))
})

func bf(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }

// cosRef returns cos x for finite x.
func cosRef(x float64) *big.Float {
	// r = x − n·2π with |r| ≤ π, computed at redPrec bits.
	twoPi := new(big.Float).SetPrec(redPrec).Mul(bigPi(), big.NewFloat(2))
	q := new(big.Float).SetPrec(redPrec).SetFloat64(x)
	q.Quo(q, twoPi)
	n, _ := q.Int(nil) // truncated
	r := new(big.Float).SetPrec(redPrec).SetInt(n)
	r.Mul(r, twoPi)
	r.Sub(new(big.Float).SetPrec(redPrec).SetFloat64(x), r)
	r.SetPrec(refPrec)
	// Taylor series: Σ (−1)^k r^(2k)/(2k)!
	r2 := new(big.Float).SetPrec(refPrec).Mul(r, r)
	sum := new(big.Float).SetPrec(refPrec).SetInt64(1)
	term := new(big.Float).SetPrec(refPrec).SetInt64(1)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -2*refPrec)
	for k := int64(1); ; k++ {
		term.Mul(term, r2)
		term.Quo(term, new(big.Float).SetInt64((2*k-1)*(2*k)))
		term.Neg(term)
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			return sum
		}
	}
}

// expm1Ref returns e^x − 1 for finite x ≤ 710.
func expm1Ref(x float64) *big.Float {
	const prec = refPrec + 64
	// e^y − 1 for |y| ≤ 1/2 by its Taylor series, then
	// e^(2y) − 1 = (e^y − 1)·(e^y − 1 + 2) to double back up to x.
	s := 0
	y := new(big.Float).SetPrec(prec).SetFloat64(x)
	for math.Abs(x)/math.Ldexp(1, s) > 0.5 {
		s++
	}
	y.SetMantExp(y, -s)
	sum := new(big.Float).SetPrec(prec)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -2*prec)
	for k := int64(1); ; k++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetInt64(k))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(new(big.Float).Mul(eps, new(big.Float).Abs(sum))) <= 0 {
			break
		}
	}
	two := new(big.Float).SetPrec(prec).SetInt64(2)
	for range s {
		t := new(big.Float).SetPrec(prec).Add(sum, two)
		sum.Mul(sum, t)
	}
	return sum
}

// atanhSeries returns atanh t for |t| ≤ 1/5 at refPrec bits.
func atanhSeries(t *big.Float) *big.Float {
	const prec = refPrec + 32
	t = new(big.Float).SetPrec(prec).Set(t)
	t2 := new(big.Float).SetPrec(prec).Mul(t, t)
	sum := new(big.Float).SetPrec(prec).Set(t)
	pow := new(big.Float).SetPrec(prec).Set(t)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -2*prec)
	for k := int64(3); ; k += 2 {
		pow.Mul(pow, t2)
		term := new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetInt64(k))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(new(big.Float).Mul(eps, new(big.Float).Abs(sum))) <= 0 {
			return sum
		}
	}
}

var bigLn2 = sync.OnceValue(func() *big.Float {
	third := new(big.Float).SetPrec(refPrec+32).Quo(big.NewFloat(1), big.NewFloat(3))
	l := atanhSeries(third)
	return l.Mul(l, big.NewFloat(2)) // ln 2 = 2·atanh(1/3)
})

// log1pRef returns log(1 + x) for finite x > −1.
func log1pRef(x float64) *big.Float {
	const exact = 1100 + 1074 // 1 + x exactly for every float64 x
	y := new(big.Float).SetPrec(exact).SetFloat64(x)
	y.Add(y, new(big.Float).SetPrec(exact).SetInt64(1))
	// y = m·2^k with √2/2 ≤ m < √2; log y = k·ln 2 + 2·atanh((m−1)/(m+1)).
	m := new(big.Float).SetPrec(exact)
	k := y.MantExp(m) // m in [0.5, 1)
	if m.Cmp(big.NewFloat(math.Sqrt2/2)) < 0 {
		m.SetMantExp(m, 1)
		k--
	}
	num := new(big.Float).SetPrec(exact).Sub(m, big.NewFloat(1)) // exact
	den := new(big.Float).SetPrec(exact).Add(m, big.NewFloat(1))
	t := new(big.Float).SetPrec(refPrec+32).Quo(num, den)
	l := atanhSeries(t)
	l.Mul(l, big.NewFloat(2))
	kl := new(big.Float).SetPrec(refPrec+32).Mul(bigLn2(), new(big.Float).SetInt64(int64(k)))
	return l.Add(l, kl)
}

// ulpErr returns |got − want| in ulps of want rounded to float64 (the
// spacing above |want|'s float64, or the subnormal spacing).
func ulpErr(got float64, want *big.Float) float64 {
	w, _ := want.Float64()
	u := math.Nextafter(math.Abs(w), math.Inf(1)) - math.Abs(w)
	d := new(big.Float).SetPrec(refPrec).Sub(bf(got), want)
	d.Quo(d, bf(u))
	e, _ := d.Float64()
	return math.Abs(e)
}

// atanRef returns arctan x for finite x: the argument halved k times by
// arctan y = 2·arctan(y/(1 + √(1 + y²))) until |y| ≤ 2⁻⁸, then the Taylor
// series y − y³/3 + y⁵/5 − …, multiplied back by 2^k.
func atanRef(x float64) *big.Float {
	const prec = refPrec + 64
	y := new(big.Float).SetPrec(prec).SetFloat64(x)
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	small := new(big.Float).SetMantExp(big.NewFloat(1), -8)
	k := 0
	for new(big.Float).Abs(y).Cmp(small) > 0 {
		s := new(big.Float).SetPrec(prec).Mul(y, y)
		s.Add(s, one)
		s.Sqrt(s)
		s.Add(s, one)
		y.Quo(y, s)
		k++
	}
	y2 := new(big.Float).SetPrec(prec).Mul(y, y)
	sum := new(big.Float).SetPrec(prec).Set(y)
	pow := new(big.Float).SetPrec(prec).Set(y)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -2*prec)
	for n := int64(3); ; n += 2 {
		pow.Mul(pow, y2)
		pow.Neg(pow)
		term := new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetInt64(n))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(new(big.Float).Mul(eps, new(big.Float).Abs(sum))) <= 0 {
			break
		}
	}
	return sum.SetMantExp(sum, k)
}

// tanhRef returns tanh x for finite |x| ≤ 40 (beyond, tanh x rounds to
// ±1): t/(t + 2) with t = e^{2x} − 1 from expm1Ref.
func tanhRef(x float64) *big.Float {
	const prec = refPrec + 64
	t := expm1Ref(2 * x) // 2x is exact
	d := new(big.Float).SetPrec(prec).Add(t, new(big.Float).SetInt64(2))
	return new(big.Float).SetPrec(prec).Quo(t, d)
}
