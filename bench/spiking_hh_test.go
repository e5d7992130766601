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
	benchModelStep(b, m)
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
