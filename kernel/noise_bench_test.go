package kernel_test

import (
	"fmt"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
)

// BenchmarkNoise runs 4,000 lif_delta neurons that never fire, driven by a
// noise device with an interval of 1 and 10 steps (the default), or by a dc
// device of the same mean (the baseline without draws), on one worker;
// ns/neuron-step is the cost of a step per neuron, draws included.
func BenchmarkNoise(b *testing.B) {
	const n, steps = 4000, 1000
	for _, c := range []struct {
		name string
		dev  kernel.DeviceSpec
	}{
		{"dc", kernel.DeviceSpec{Kind: "dc", Target: "P", AmplitudePA: 25}},
		{"interval=10", kernel.DeviceSpec{Kind: "noise", Target: "P", MeanPA: 25, StdPA: 100}},
		{"interval=1", kernel.DeviceSpec{Kind: "noise", Target: "P", MeanPA: 25, StdPA: 100, NoiseDtMs: 0.1}},
	} {
		b.Run(fmt.Sprintf("dev=%s/n=%d", c.name, n), func(b *testing.B) {
			s := kernel.Spec{Seed: 1, Populations: []kernel.PopulationSpec{quietPop(n)}, Devices: []kernel.DeviceSpec{c.dev}}
			net := build(b, s, 1)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := net.RunSteps(steps); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/steps/n, "ns/neuron-step")
		})
	}
}
