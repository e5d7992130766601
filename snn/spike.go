package snn

import (
	"math"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/learn"
)

// spikeFn is the spike nonlinearity of one network: the Heaviside forward
// pass (or, with Smooth, the surrogate's primitive) and the surrogate
// derivative of the backward pass, evaluated a slice at a time (one switch
// per slice, never per element).
type spikeFn[T asm.Float] struct {
	kind   learn.SurrogateKind
	alpha  float64
	th     T
	smooth bool
}

func newSpikeFn[T asm.Float](c Config) spikeFn[T] {
	s := c.Surrogate.WithDefaults()
	return spikeFn[T]{kind: s.Kind, alpha: s.Alpha, th: T(c.VTh), smooth: c.Smooth}
}

// Primitive returns G(x), the smooth spike function whose derivative is the
// surrogate g of s (x = v − θ): the forward pass of Config.Smooth. Each G
// rises from 0 (or −∞ for straight-through) as x grows:
//
//	SuperSpike       G = x/(1 + α|x|) + 1/α          (range 0 … 2/α)
//	FastSigmoid      G = ½·αx/(1 + α|x|) + ½
//	Triangle         G = ½ + αx ± α²x²/2 on |x| < 1/α, 0 below, 1 above
//	Sigmoid          G = σ(αx)
//	StraightThrough  G = x + ½
//	Arctan           G = ½ + arctan(παx/2)/π
func Primitive(s learn.Surrogate, x float64) float64 {
	s = s.WithDefaults()
	a := s.Alpha
	switch s.Kind {
	case learn.SuperSpike:
		return x/(1+float64(a*math.Abs(x))) + 1/a
	case learn.FastSigmoid:
		return 0.5*a*x/(1+float64(a*math.Abs(x))) + 0.5
	case learn.Triangle:
		switch {
		case x <= -1/a:
			return 0
		case x >= 1/a:
			return 1
		case x <= 0:
			return 0.5 + float64(a*x) + float64(a*a*x*x/2)
		default:
			return 0.5 + float64(a*x) - float64(a*a*x*x/2)
		}
	case learn.SigmoidSurrogate:
		return 1 / (1 + detmath.Exp(-a*x))
	case learn.StraightThrough:
		return x + 0.5
	case learn.Arctan:
		return 0.5 + detmath.Atan(math.Pi/2*a*x)/math.Pi
	}
	return math.NaN()
}

// fire writes the spikes of the pre-reset potentials u into s (1 where
// u > θ, else 0; with smooth, G(u − θ)) and returns the number of binary
// spikes (0 when smooth).
func (f *spikeFn[T]) fire(s, u []T) int {
	s = s[:len(u)]
	if f.smooth {
		sg := learn.Surrogate{Kind: f.kind, Alpha: f.alpha}
		for i, x := range u {
			s[i] = T(Primitive(sg, float64(x-f.th)))
		}
		return 0
	}
	n := 0
	th := f.th
	for i, x := range u {
		if x > th {
			s[i] = 1
			n++
		} else {
			s[i] = 0
		}
	}
	return n
}

// grad writes g(u[i] − θ) into dst.
func (f *spikeFn[T]) grad(dst, u []T) {
	dst = dst[:len(u)]
	th := f.th
	a := T(f.alpha)
	switch f.kind {
	case learn.SuperSpike:
		// 1/(α|x − θ| + 1)², SIMD (asm.SpikeDeriv).
		asm.SpikeDeriv(dst, u, th, a, 1)
	case learn.FastSigmoid:
		asm.SpikeDeriv(dst, u, th, a, a/2)
	case learn.Triangle:
		for i, x := range u {
			dst[i] = a * max(0, 1-T(a*abs(x-th)))
		}
	case learn.SigmoidSurrogate:
		for i, x := range u {
			sg := T(1 / (1 + detmath.Exp(-float64(a*(x-th)))))
			dst[i] = a * sg * (1 - sg)
		}
	case learn.StraightThrough:
		for i := range u {
			dst[i] = 1
		}
	case learn.Arctan:
		c := T(math.Pi/2) * a
		h := a / 2
		for i, x := range u {
			z := c * (x - th)
			dst[i] = h / (1 + T(z*z))
		}
	default:
		panic("snn: unknown surrogate kind")
	}
}

// abs is |x| without a branch (the sign of v − θ is unpredictable): the
// conversions are exact and math.Abs clears the sign bit.
func abs[T asm.Float](x T) T { return T(math.Abs(float64(x))) }
