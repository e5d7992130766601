package detmath

import (
	"math"
	"testing"
)

// benchSink keeps the benchmarked calls from being optimized away.
var benchSink float64

// BenchmarkCos, BenchmarkExpm1 and BenchmarkLog1p time each function
// against its math counterpart on 1,024 inputs from a range, cycled:
// sub-benchmarks impl=detmath|math/range=… for benchstat.
func BenchmarkCos(b *testing.B) {
	benchFunc(b, Cos, math.Cos, []benchRange{
		{"small", func(r *randSource) float64 { return uniform(r, -2*math.Pi, 2*math.Pi) }},
		{"medium", func(r *randSource) float64 { return uniform(r, -1e6, 1e6) }},
		{"huge", func(r *randSource) float64 { return logUniform(r, 29, 1023, true) }},
	})
}

func BenchmarkExpm1(b *testing.B) {
	benchFunc(b, Expm1, math.Expm1, []benchRange{
		{"small", func(r *randSource) float64 { return uniform(r, -0.3, 0.3) }},
		{"wide", func(r *randSource) float64 { return uniform(r, -40, 700) }},
	})
}

func BenchmarkLog1p(b *testing.B) {
	benchFunc(b, Log1p, math.Log1p, []benchRange{
		{"small", func(r *randSource) float64 { return uniform(r, -0.25, 0.4) }},
		{"wide", func(r *randSource) float64 { return logUniform(r, -30, 100, false) }},
	})
}

// benchRange names an input range and draws from it.
type benchRange struct {
	name string
	draw func(r *randSource) float64
}

func benchFunc(b *testing.B, f, ref func(float64) float64, ranges []benchRange) {
	for _, rg := range ranges {
		r := newRand(3)
		xs := make([]float64, 1024)
		for i := range xs {
			xs[i] = rg.draw(r)
		}
		for _, impl := range []struct {
			name string
			f    func(float64) float64
		}{{"detmath", f}, {"math", ref}} {
			b.Run("impl="+impl.name+"/range="+rg.name, func(b *testing.B) {
				b.ReportAllocs()
				s, i := 0.0, 0
				for b.Loop() {
					s += impl.f(xs[i&(len(xs)-1)])
					i++
				}
				benchSink = s
			})
		}
	}
}
