package analysis

import (
	"fmt"
	"testing"
)

// BenchmarkCorrelationDimension measures D₂ on Lorenz trajectories of
// 10⁴ and 10⁵ points (dt 0.05, default 2000 centers).
func BenchmarkCorrelationDimension(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		x, err := SampleFlow(Lorenz63{}, []float64{1, 1, 1}, 0.05, n, 50)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := CorrelationDimension(x, 3, DimensionConfig{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
