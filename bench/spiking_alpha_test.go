package bench

import (
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
)

// BenchmarkSpikingBrunelAlpha: NEST's example brunel_alpha_nest.py
// (kernel.Preset("brunel_alpha"): Brunel's model A with iaf_psc_alpha
// neurons, lif_alpha here: 10,000 E and 2,500 I, fixed in-degrees 1,000
// and 250, τ_syn 0.5 ms, a PSC of 20.68 pA for a 0.1 mV PSP, g = 5, η = 2,
// D = 1.5 ms, each neuron's own Poisson input), 1 s, one worker.
// bench/nest/brunel_alpha.py is the NEST twin. It reports the E and I
// rates.
func BenchmarkSpikingBrunelAlpha(b *testing.B) {
	spec, err := kernel.Preset("brunel_alpha", kernel.PresetOptions{Workers: 1, Record: true})
	if err != nil {
		b.Fatal(err)
	}
	runSpikingEI(b, spec, 1000, nil)
}
