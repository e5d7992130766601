package kernel_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// Inhibitory plasticity sets the rate (Vogels et al. 2011): 40 neurons whose
// excitatory Poisson drive alone makes them fire at about 60 Hz receive
// synapses from 200 inhibitory parrot neurons passing on Poisson trains of
// 10 Hz (every spike: the lif_delta relays used before lost some), starting at 0 pA,
// under vogels_sprekeler plasticity with α = 0.2 and τ± = 20 ms: the
// inhibition grows until the neurons fire near α/(2τ) = 5 Hz.
func ExampleProjectionSpec_inhibitoryPlasticity() {
	spec := kernel.Spec{
		Seed: 7,
		Populations: []kernel.PopulationSpec{
			{Name: "I", N: 200, Model: "parrot", Sign: -1}, // re-emit their Poisson device's spikes (NEST's parrot_neuron)
			{Name: "E", N: 40}, // lif_exp, NEST's iaf_psc_exp
		},
		Projections: []kernel.ProjectionSpec{{
			Source: "I", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.5},
			Weights: synapses.Weights{Value: 0}, DelayMs: 1, // pA
			Plasticity: synapses.Plasticity{Kind: "vogels_sprekeler", Eta: 4, Alpha: 0.2, WMax: 1000},
		}},
		Devices: []kernel.DeviceSpec{
			{Kind: "poisson", Target: "I", RateHz: 10, Weight: 1}, // each spike counts once
			{Kind: "poisson", Target: "E", RateHz: 6000, Weight: 50},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}},
	}
	net, err := kernel.New(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	spikes := net.Recorders()[0].Spikes()
	fmt.Println("time (s)  E rate (Hz)  mean I→E weight (pA)")
	for s := 2; s <= 20; s += 2 {
		before := len(spikes.IDs)
		if err := net.Run(2000); err != nil {
			fmt.Println(err)
			return
		}
		sum := 0.0
		for _, w := range net.Projection(0).Weight {
			sum += float64(w)
		}
		fmt.Printf("%5d %11.1f %14.0f\n", s, float64(len(spikes.IDs)-before)/40/2, sum/float64(len(net.Projection(0).Weight)))
	}
	// Output:
	// time (s)  E rate (Hz)  mean I→E weight (pA)
	//     2        45.7           -125
	//     4        16.6           -161
	//     6        10.7           -176
	//     8         8.5           -184
	//    10         6.6           -188
	//    12         6.2           -189
	//    14         6.8           -192
	//    16         4.0           -188
	//    18         7.2           -192
	//    20         5.8           -193
}
