package learn

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Arctan is the arctangent surrogate derivative (Fang et al. 2021; snnTorch's
// ATan):
//
//	Arctan  g = (α/2) / (1 + (π·α·x/2)²)   (integrates to 1)
//
// It is the derivative of the smoothed spike function 1/2 + arctan(π·α·x/2)/π.
//
// Arctan is listed after the kinds of surrogate.go, whose name table and
// Deriv switch do not know it yet: use SpikeGrad, ValidateSpike and
// ParseSpikeSurrogate, which know every kind including Arctan, until it is
// wired into surrogate.go (then they reduce to Deriv, Validate and
// ParseSurrogate).
const Arctan SurrogateKind = StraightThrough + 1

// ArctanDeriv returns the arctangent surrogate (α/2)/(1 + (π·α·x/2)²).
func ArctanDeriv(alpha, x float64) float64 {
	z := math.Pi / 2 * alpha * x
	return alpha / 2 / (1 + z*z)
}

// spikeNames lists every surrogate kind by value, Arctan included.
var spikeNames = [...]string{"superspike", "fastsigmoid", "triangle", "sigmoid", "straightthrough", "arctan"}

// SpikeSurrogateName returns the name of kind k (every kind, Arctan
// included).
func SpikeSurrogateName(k SurrogateKind) string {
	if k >= 0 && int(k) < len(spikeNames) {
		return spikeNames[k]
	}
	return "SurrogateKind(invalid)"
}

// ParseSpikeSurrogate returns the kind called name, Arctan ("arctan")
// included.
func ParseSpikeSurrogate(name string) (SurrogateKind, error) {
	for i, n := range spikeNames {
		if n == name {
			return SurrogateKind(i), nil
		}
	}
	return 0, param.New("learn", "surrogate", name, "one of superspike, fastsigmoid, triangle, sigmoid, straightthrough, arctan")
}

// ValidateSpike is Validate for every kind, Arctan included.
func ValidateSpike(s Surrogate) error {
	if s.Kind < 0 || int(s.Kind) >= len(spikeNames) {
		return param.New("learn", "Surrogate.Kind", int(s.Kind), "one of superspike, fastsigmoid, triangle, sigmoid, straightthrough, arctan")
	}
	return param.Positive("learn", "Surrogate.Alpha", s.WithDefaults().Alpha)
}

// SpikeGrad returns g(x) for every kind, Arctan included (Alpha 0 means
// the default of WithDefaults: 100 for SuperSpike, 10 otherwise).
func SpikeGrad(s Surrogate, x float64) float64 {
	if s.Kind == Arctan {
		return ArctanDeriv(s.WithDefaults().Alpha, x)
	}
	return s.Deriv(x)
}
