package neurons

import (
	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
)

// Exp returns e^x with the same bits on every architecture and kernel path
// (detmath.Exp: fdlibm's algorithm, within 2 ulp; math.Exp uses assembly on
// amd64 and arm64 whose last bit may differ).
func Exp(x float64) float64 { return detmath.Exp(x) }

// ExpNeg returns e^{−x} for x ≥ 0 with a relative error below 10⁻¹¹ (ample
// for float32 state), the same on every architecture and kernel path; 0 for
// x ≥ 32 and 1 for x ≤ 0. It is asm.ExpNeg, which the AdEx kernel evaluates
// four lanes at a time.
func ExpNeg(x float64) float64 { return asm.ExpNeg(x) }
