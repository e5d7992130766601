package kernel

import (
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

// boxMullerTwin is the noise device's former sampler, kept as the
// benchmark's naive twin: Box–Muller on the block's two words (u₁ ∈ (0, 1]
// and u₂ ∈ [0, 1) from their top 53 bits), R = √(−2 ln u₁), θ = 2πu₂,
// R·cos θ and R·sin θ with the sine as ±√((1 − cos θ)(1 + cos θ)).
func boxMullerTwin(r0, r1 uint64) (float64, float64) {
	u1 := float64(float64(r0>>11+1) * 0x1p-53)
	u2 := float64(float64(r1>>11) * 0x1p-53)
	r := math.Sqrt(-2 * detmath.Log(u1))
	c := detmath.Cos(float64(2 * math.Pi * u2))
	s := math.Sqrt(max(0, float64((1-c)*(1+c))))
	if u2 >= 0.5 {
		s = -s
	}
	return float64(r * c), float64(r * s)
}

// BenchmarkNoiseDraw: the cost of one Philox block and its two normal
// deviates (ns/pair), as the noise device draws them (counter (j, pair<<16
// | index)): Philox alone, the ziggurat (zigFast, zigSlow) and the former
// Box–Muller.
func BenchmarkNoiseDraw(b *testing.B) {
	const key, pairs = 0x243f6a8885a308d3, 1024
	for _, c := range []struct {
		name string
		f    func(j, c1 uint64) float64
	}{
		{"philox", func(j, c1 uint64) float64 {
			r0, r1 := Philox2x64(j, c1, key)
			return float64(r0>>11) + float64(r1>>11)
		}},
		{"ziggurat", func(j, c1 uint64) float64 {
			r0, r1 := Philox2x64(j, c1, key)
			z0, ok := zigFast(r0)
			if !ok {
				z0 = zigSlow(r0, j, c1, key, 0)
			}
			z1, ok := zigFast(r1)
			if !ok {
				z1 = zigSlow(r1, j, c1, key, 1)
			}
			return z0 + z1
		}},
		{"boxmuller", func(j, c1 uint64) float64 {
			z0, z1 := boxMullerTwin(Philox2x64(j, c1, key))
			return z0 + z1
		}},
	} {
		b.Run("impl="+c.name, func(b *testing.B) {
			var sum float64
			j := uint64(0)
			for b.Loop() {
				for p := range uint64(pairs) {
					sum += c.f(j, p<<16|3)
				}
				j++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/pairs, "ns/pair")
			if math.IsNaN(sum) {
				b.Fatal("NaN")
			}
		})
	}
}
