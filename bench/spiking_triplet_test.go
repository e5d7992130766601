package bench

import (
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// BenchmarkSpikingBrunelSTDPTriplet: BenchmarkSpikingBrunelSTDP with the
// triplet rule (Plasticity kind "stdp_triplet", NEST's
// stdp_triplet_synapse) instead of pair STDP on the E→E projection:
// Pfister & Gerstner's all-to-all minimal visual-cortex model (the default
// time constants) with NEST's amplitudes, fractions of the initial weight,
// times J and a learning-rate factor of 1/1000; w_max = 2·J. The E neurons'
// rate lies above the rule's sliding threshold (about
// A₂⁻τ₋/(A₃⁺τ₊τ_y) ≈ 18 Hz): at the full rate the weights run to w_max and
// the network to 200 Hz within the second (1/50: 48 Hz); with the factor
// the weights stay at J and the network at the static one's 37 Hz, so that
// the benchmark measures the rule's bookkeeping (compare per synaptic
// event with BenchmarkSpikingBrunelSTDP, whose depression holds E at
// 24 Hz). It reports the E rate (E-Hz) and the mean E→E weight at the end
// (wEE-mV) as that one does.
func BenchmarkSpikingBrunelSTDPTriplet(b *testing.B) {
	const (
		ms = 1000.0
		lr = 1.0 / 1000
	)
	spec, ee, err := brunelSTDPSpec(kernel.PresetOptions{Workers: 1, Record: true})
	if err != nil {
		b.Fatal(err)
	}
	p := &spec.Projections[ee]
	j := p.Weights.Value * lr
	p.Plasticity = synapses.Plasticity{Kind: "stdp_triplet", WMax: 2 * p.Weights.Value,
		A2Plus: synapses.TripletA2Plus * j, A3Plus: synapses.TripletA3Plus * j,
		A2Minus: synapses.TripletA2Minus * j, A3Minus: synapses.TripletA3Minus * j}
	runSpikingPlasticEE(b, spec, ms, ee)
}
