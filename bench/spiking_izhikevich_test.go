package bench

import (
	"testing"

	"github.com/neurodyn/neurodyn/neurons"
)

// BenchmarkSpikingIzhikevichStep: one step of 10,000 Izhikevich neurons
// (NEST's izhikevich, forward Euler at 0.1 ms) of the five classes of
// Izhikevich (2003) in turn, per-neuron a, b, c, d, a DC current of 10
// (tonic firing and bursting) and no synaptic input; it reports ns per
// neuron-step, the model's own cost in a network.
func BenchmarkSpikingIzhikevichStep(b *testing.B) {
	const n = 10000
	p := neurons.DefaultIzhikevich()
	p.IePA = 10
	m, err := neurons.NewIzhikevich(n, p, 0.1)
	if err != nil {
		b.Fatal(err)
	}
	classes := [][4]float32{{0.02, 0.2, -65, 8}, {0.1, 0.2, -65, 2}, {0.02, 0.2, -50, 2}, {0.02, 0.2, -55, 4}, {0.02, 0.25, -65, 2}}
	for j := range n {
		c := classes[j%len(classes)]
		m.A[j], m.B[j], m.C[j], m.D[j] = c[0], c[1], c[2], c[3]
	}
	m.SetUFromV()
	benchModelStep(b, m)
}
