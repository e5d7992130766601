package ode

import "testing"

func lorenz32(t float64, y, dy []float32) {
	dy[0] = 10 * (y[1] - y[0])
	dy[1] = y[0]*(28-y[2]) - y[1]
	dy[2] = y[0]*y[1] - 8.0/3*y[2]
}

func lorenz64(t float64, y, dy []float64) {
	dy[0] = 10 * (y[1] - y[0])
	dy[1] = y[0]*(28-y[2]) - y[1]
	dy[2] = y[0]*y[1] - 8.0/3*y[2]
}

// BenchmarkFixedStep measures one step of each fixed method on Lorenz-63.
func BenchmarkFixedStep(b *testing.B) {
	for _, m := range []Method{Euler, Midpoint, RK4, RK38, Dopri5} {
		b.Run("method="+string(m)+"/T=float64", func(b *testing.B) {
			s, _ := NewFixed[float64](m, 3)
			y := []float64{1, 1, 1}
			b.ReportAllocs()
			for b.Loop() {
				s.Step(lorenz64, 0, 1e-4, y)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
		b.Run("method="+string(m)+"/T=float32", func(b *testing.B) {
			s, _ := NewFixed[float32](m, 3)
			y := []float32{1, 1, 1}
			b.ReportAllocs()
			for b.Loop() {
				s.Step(lorenz32, 0, 1e-4, y)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkDopri5Lorenz integrates Lorenz-63 over 10 time units at the
// tutorial's tolerances (rtol 1e-10, atol 1e-12) and samples every 0.01.
func BenchmarkDopri5Lorenz(b *testing.B) {
	s, _ := NewDopri5[float64](3, Options{Rtol: 1e-10, Atol: 1e-12})
	ts := make([]float64, 1000)
	for i := range ts {
		ts[i] = float64(i) * 0.01
	}
	out := make([]float64, 3*len(ts))
	y0 := []float64{1, 1, 1}
	b.ReportAllocs()
	steps := 0
	for b.Loop() {
		if err := s.Solve(lorenz64, 0, y0, ts, out); err != nil {
			b.Fatal(err)
		}
		steps += s.Stats().Steps
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
}
