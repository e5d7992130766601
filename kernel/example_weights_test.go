package kernel_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// A weights recorder samples the weights of a plastic projection as they
// are, pairings pending in the kernel included. One synapse with additive
// STDP (λ = 0.01, w_max = 1 mV, delay 1 ms, dendritic): its source fires
// at 10 and 60 ms, its target at 20 ms, whose spike reaches the synapse at
// 21 ms. The recorded weight grows then, by λ·w_max·e^{−11/20}; the weight
// the kernel stores, as NEST's, takes the pairing in only at the next
// presynaptic spike, at 60 ms, together with that spike's depression,
// α·λ·w_max·e^{−39/20} (the postsynaptic trace at 59 ms).
func ExampleRecorderSpec_weights() {
	parrot := map[string]float64{"t_ref_ms": 0.1, "e_l_mv": -70, "v_reset_mv": -70, "v_th_mv": -55}
	spec := kernel.Spec{
		Populations: []kernel.PopulationSpec{
			{Name: "pre", N: 1, Model: "lif_delta", Sign: 1, Params: parrot},
			{Name: "post", N: 1, Model: "lif_delta", Params: parrot},
		},
		Projections: []kernel.ProjectionSpec{{
			Source: "pre", Target: "post", Rule: synapses.Rule{Kind: "all_to_all"},
			Weights: synapses.Weights{Value: 0.5}, DelayMs: 1, // mV
			Plasticity: synapses.Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 1},
		}},
		Devices: []kernel.DeviceSpec{
			{Kind: "spike_source", Target: "pre", SpikeTimesMs: []float64{10, 60}, Weight: 100},
			{Kind: "spike_source", Target: "post", SpikeTimesMs: []float64{20}, Weight: 100},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "weights", Projection: "pre_to_post", IntervalMs: 10}},
	}
	net, err := kernel.New(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	rec := net.Recorder("weights:pre_to_post")
	fmt.Println("time (ms)  recorded (mV)  stored (mV)")
	for range 8 {
		if err := net.Run(10); err != nil {
			fmt.Println(err)
			return
		}
		m := rec.Frames()
		last := len(m.TimesMs) - 1
		fmt.Printf("%6.0f %14.6f %12.6f\n", m.TimesMs[last], m.Frame(last)[0], net.Projection(0).Weight[0])
	}
	// Output:
	// time (ms)  recorded (mV)  stored (mV)
	//     10       0.500000     0.500000
	//     20       0.500000     0.500000
	//     30       0.505769     0.500000
	//     40       0.505769     0.500000
	//     50       0.505769     0.500000
	//     60       0.504347     0.504347
	//     70       0.504347     0.504347
	//     80       0.504347     0.504347
}
