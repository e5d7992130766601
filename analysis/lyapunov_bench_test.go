package analysis

import (
	"fmt"
	"testing"
)

// BenchmarkFlowSpectrum measures the Lorenz spectrum (K = 3, RK4 dt 0.01)
// per simulated time unit.
func BenchmarkFlowSpectrum(b *testing.B) {
	b.ReportAllocs()
	const T = 100.0
	for b.Loop() {
		if _, err := FlowSpectrum(Lorenz63{}, []float64{1, 1, 1}, FlowSpectrumConfig{Duration: T, Transient: -1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(T*float64(b.N)/b.Elapsed().Seconds(), "timeunits/s")
}

// BenchmarkModelSpectrum measures the closed-loop spectrum of a 64-unit
// tanh RNN (K = 3 and K = 64) per model step.
func BenchmarkModelSpectrum(b *testing.B) {
	for _, k := range []int{3, 64} {
		b.Run(fmt.Sprintf("n=64/k=%d", k), func(b *testing.B) {
			m := newTanhRNN(64, 3, 1.5, 1)
			warm := make([]float64, 3*50)
			const steps = 2000
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ModelSpectrum(m, warm, MapSpectrumConfig{K: k, Steps: steps, Transient: -1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(steps*float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkLargestFromSeries measures Rosenstein's estimate on the x
// series of Lorenz (10⁴ samples, dt 0.01, everything automatic).
func BenchmarkLargestFromSeries(b *testing.B) {
	raw, err := SampleFlow(Lorenz63{}, []float64{1, 1, 1}, 0.01, 10000, 10)
	if err != nil {
		b.Fatal(err)
	}
	x := column(raw, 3, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LargestFromSeries(x, 1, RosensteinConfig{Dt: 0.01}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e4*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkValidTime measures the closed-loop protocol (100 starts,
// horizon 400) on persistence, i.e. the protocol's own overhead.
func BenchmarkValidTime(b *testing.B) {
	d := dsLorenz(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ValidTime(holdModel{3}, d.norm, 3, ClosedLoopConfig{Horizon: 400, Curve: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*450*float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkPulseLIFLyapunov measures the exact spectrum of a sparse
// inhibitory pulse-coupled LIF network (200 neurons, 50 inputs each, about
// 17 Hz) with K = 3 and K = 200 exponents (0.5 s warm-up, 2 s averaged):
// simulated seconds per second, and the averaging period's spikes per
// second.
func BenchmarkPulseLIFLyapunov(b *testing.B) {
	for _, k := range []int{3, 200} {
		b.Run(fmt.Sprintf("n=200/k=%d", k), func(b *testing.B) {
			p := inhibitoryPulseNet(b, 200, 50, 4, 40, 44, 3)
			const warm, ms = 500.0, 2000.0
			var spikes int64
			b.ReportAllocs()
			for b.Loop() {
				s, err := PulseLIFLyapunov(p, PulseLIFConfig{K: k, WarmupMs: warm, DurationMs: ms})
				if err != nil {
					b.Fatal(err)
				}
				spikes += s.Spikes
			}
			b.ReportMetric((warm+ms)/1000*float64(b.N)/b.Elapsed().Seconds(), "sim-s/s")
			b.ReportMetric(float64(spikes)/b.Elapsed().Seconds(), "spikes/s")
		})
	}
}
