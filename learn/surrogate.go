package learn

import (
	"math"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// SurrogateKind names a surrogate derivative of the Heaviside spike
// function s = H(x), x = v − θ (H(0) = 0). The forward pass stays the
// Heaviside; the backward pass uses ∂s/∂x ≈ g(x):
//
//	SuperSpike       g = 1/(α|x| + 1)²          (Zenke & Ganguli; norse "super", α = 100)
//	FastSigmoid      g = α/(2(α|x| + 1)²)       (integrates to 1)
//	Triangle         g = α·max(0, 1 − α|x|)     (integrates to 1)
//	Sigmoid          g = α·σ(αx)(1 − σ(αx))     (integrates to 1)
//	StraightThrough  g = 1
//	Arctan           g = (α/2)/(1 + (π·α·x/2)²)  (Fang et al. 2021; integrates to 1)
//
// norse 1.1.0 ignores α and uses SuperSpike with α = 1 (tutorial-spec §2.3);
// set Alpha = 1 to reproduce it.
type SurrogateKind int

// The surrogate derivatives.
const (
	SuperSpike SurrogateKind = iota
	FastSigmoid
	Triangle
	SigmoidSurrogate
	StraightThrough
	Arctan
)

var surrogateNames = [...]string{"superspike", "fastsigmoid", "triangle", "sigmoid", "straightthrough", "arctan"}

// String returns the kind's name.
func (k SurrogateKind) String() string {
	if k >= 0 && int(k) < len(surrogateNames) {
		return surrogateNames[k]
	}
	return "SurrogateKind(invalid)"
}

// ParseSurrogate returns the kind called name.
func ParseSurrogate(name string) (SurrogateKind, error) {
	for i, n := range surrogateNames {
		if n == name {
			return SurrogateKind(i), nil
		}
	}
	return 0, param.New("learn", "surrogate", name, "one of superspike, fastsigmoid, triangle, sigmoid, straightthrough, arctan")
}

// Surrogate is a surrogate spike derivative: a kind and its sharpness Alpha
// (0 → 100 for SuperSpike, 10 otherwise). It is a value: models keep it as
// a parameter (Norse's p.method), not as a type.
type Surrogate struct {
	Kind  SurrogateKind
	Alpha float64
}

// WithDefaults returns s with Alpha filled in.
func (s Surrogate) WithDefaults() Surrogate {
	if s.Alpha == 0 {
		s.Alpha = 10
		if s.Kind == SuperSpike {
			s.Alpha = 100
		}
	}
	return s
}

// Validate returns a param error for an unknown kind or a bad Alpha.
func (s Surrogate) Validate() error {
	if s.Kind < 0 || int(s.Kind) >= len(surrogateNames) {
		return param.New("learn", "Surrogate.Kind", int(s.Kind), "one of superspike, fastsigmoid, triangle, sigmoid, straightthrough, arctan")
	}
	return param.Positive("learn", "Surrogate.Alpha", s.WithDefaults().Alpha)
}

// Heaviside returns 1 when x > 0, else 0 (the spike function's forward
// pass; H(0) = 0 as in norse).
func Heaviside(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}

// Deriv returns g(x), the surrogate derivative at x = v − θ.
func (s Surrogate) Deriv(x float64) float64 {
	s = s.WithDefaults()
	a := s.Alpha
	switch s.Kind {
	case SuperSpike:
		d := float64(a*math.Abs(x)) + 1
		return 1 / (d * d)
	case FastSigmoid:
		d := float64(a*math.Abs(x)) + 1
		return a / (2 * d * d)
	case Triangle:
		return a * math.Max(0, 1-float64(a*math.Abs(x)))
	case SigmoidSurrogate:
		sg := 1 / (1 + detmath.Exp(-a*x))
		return a * sg * (1 - sg)
	case StraightThrough:
		return 1
	case Arctan:
		z := math.Pi / 2 * a * x
		return a / 2 / (1 + float64(z*z))
	}
	return math.NaN()
}

// DerivTo writes dst[i] = g(x[i]) for every element. It panics if the
// lengths differ.
func DerivTo[T asm.Float](s Surrogate, dst, x []T) {
	if len(dst) != len(x) {
		panic("learn: DerivTo: slice lengths do not match")
	}
	s = s.WithDefaults()
	for i, v := range x {
		dst[i] = T(s.Deriv(float64(v)))
	}
}
