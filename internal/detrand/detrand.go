// Package detrand draws random deviates that have the same bits on every
// architecture.
//
// math/rand/v2's (*Rand).NormFloat64 is a ziggurat whose rare slow paths
// call math.Log (the tail beyond r = 3.4426) and math.Exp (the wedges), and
// compare a float32 multiply-add that gc fuses on arm64. math.Log and
// math.Exp are assembly on amd64 and pure Go, compiled with fused
// multiply-adds, on arm64: of the first 1,048,576 deviates of PCG(42, 1),
// 26 tail values differ by one or two ulps between amd64 and arm64. Every
// Gaussian initialization drawn with it then differs in its last bits
// across machines, against the determinism convention of DEVELOPERS.md.
//
// NormFloat64 here is the same ziggurat (Marsaglia and Tsang, "The Ziggurat
// Method for Generating Random Variables", J. Stat. Softw. 5(8), 2000; 128
// strips, r = 3.442619855899, v = 9.91256303526217e-3), its tables computed
// at start-up from the paper's recursion with internal/detmath's Log and Exp,
// its slow paths taking detmath's Log and Exp and rounding every product.
// It consumes the source exactly as math/rand/v2 does (one Uint64 per
// attempt, two Float64 per tail attempt, one per wedge test), and on amd64
// its deviates are math/rand/v2's except in the tail, where detmath.Log may
// differ from the math package's by an ulp (TestMatchesMathRand).
//
// Layer 0: any package may import it. NormFloat64 is safe for concurrent
// use with distinct sources.
package detrand

import (
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

const (
	// zigR is the ziggurat's base-strip edge r and zigV the area of each
	// of its 128 strips (Marsaglia and Tsang's constants for the normal).
	zigR = 3.442619855899
	zigV = 9.91256303526217e-3
)

var (
	// kn[i] is the acceptance threshold of strip i on |j| < 2³¹, wn[i]
	// the scale from j to x, fn[i] the density exp(−x_i²/2) at the
	// strip's edge.
	kn     [128]uint32
	wn, fn [128]float32
)

func init() {
	const m1 = 2147483648.0 // 2³¹
	dn := zigR
	tn := dn
	f := detmath.Exp(float64(-0.5 * float64(dn*dn)))
	q := zigV / f
	kn[0] = uint32(float64(dn/q) * m1)
	kn[1] = 0
	wn[0] = float32(q / m1)
	wn[127] = float32(dn / m1)
	fn[0] = 1
	fn[127] = float32(f)
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * detmath.Log(zigV/dn+detmath.Exp(float64(-0.5*float64(dn*dn)))))
		kn[i+1] = uint32(float64(dn/tn) * m1)
		tn = dn
		fn[i] = float32(detmath.Exp(float64(-0.5 * float64(dn*dn))))
		wn[i] = float32(dn / m1)
	}
}

// NormFloat64 returns a standard normal deviate drawn from r, as
// math/rand/v2's r.NormFloat64() does, with the same bits on every
// architecture.
func NormFloat64(r *rand.Rand) float64 {
	for {
		u := r.Uint64()
		j := int32(u)
		i := u >> 32 & 0x7f
		x := float64(float64(j) * float64(wn[i]))
		aj := uint32(j)
		if j < 0 {
			aj = uint32(-j)
		}
		if aj < kn[i] {
			return x
		}
		if i == 0 {
			// The tail beyond r: Marsaglia's exponential rejection.
			for {
				x = float64(-detmath.Log(r.Float64()) * (1 / zigR))
				y := -detmath.Log(r.Float64())
				if y+y >= float64(x*x) {
					break
				}
			}
			if j > 0 {
				return zigR + x
			}
			return -zigR - x
		}
		// A wedge: accept under the density.
		g := float32(r.Float64())
		if fn[i]+float32(g*(fn[i-1]-fn[i])) < float32(detmath.Exp(float64(-0.5*float64(x*x)))) {
			return x
		}
	}
}
