package bench

import (
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/neurons"
)

// BenchmarkSpikingHHStep: one step of 10,000 Hodgkin–Huxley neurons
// (NEST's hh_cond_exp_traub defaults, 500 pA: tonic firing) without
// synaptic input; it reports ns per neuron-step, the model's own cost in a
// network.
func BenchmarkSpikingHHStep(b *testing.B) {
	const n = 10000
	p := neurons.DefaultHHCond()
	p.IePA = 500
	m, err := neurons.NewHHCond(n, p, 0.1)
	if err != nil {
		b.Fatal(err)
	}
	in := [][]float32{make([]float32, n), make([]float32, n)}
	spikes := make([]int32, n)
	for range 1000 { // past the first spikes
		m.Step(0, n, in, nil, spikes)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Step(0, n, in, nil, spikes)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/neuron-step")
}

// BenchmarkSpikingCOBAHH: the COBAHH network (Brette et al. 2007,
// benchmark 3; kernel.Preset("cobahh")), 4,000 Hodgkin–Huxley neurons, 1 s,
// one worker; it reports the E and I rates.
func BenchmarkSpikingCOBAHH(b *testing.B) {
	const ms = 1000.0
	spec, err := kernel.Preset("cobahh", kernel.PresetOptions{Workers: 1, Record: true})
	if err != nil {
		b.Fatal(err)
	}
	runSpikingEI(b, spec, ms, nil)
}
