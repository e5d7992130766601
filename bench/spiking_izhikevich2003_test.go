package bench

import (
	"fmt"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
)

// BenchmarkSpikingIzhikevich2003: the network of Izhikevich (2003)
// (kernel.Preset("izhikevich2003"): his MATLAB program, izhikevich neurons
// in the paper's scheme at 1 ms, all-to-all synapses with uniform weights,
// thalamic noise per ms), 1 s, one worker, at N = 1,000 (the paper's: 10⁶
// synapses) and 10,000 (10⁸ synapses, 0.8 GB of targets and weights; the
// preset scales the weights by 1000/N, so each neuron's summed input is the
// paper's). It reports the E and I rates.
func BenchmarkSpikingIzhikevich2003(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			spec, err := kernel.Preset("izhikevich2003", kernel.PresetOptions{N: n, Workers: 1, Record: true})
			if err != nil {
				b.Fatal(err)
			}
			runSpikingEI(b, spec, 1000, nil)
		})
	}
}
