package kernel_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// A spike_generator population emits the spikes given as Brian2's two
// arrays (neuron spike_indices[k] at spike_times_ms[k]) and drives a
// lif_delta neuron through synapses of 2 mV and 1 ms delay. On the grid the
// spike at 1.23 ms is emitted at 1.3 ms, the next grid point (precise mode
// keeps 1.23); the two spikes at 2 ms are both emitted and both act. V is
// the sum of the jumps decaying with τ_m from their arrivals, 1 ms after the
// spikes: at 2.5 ms −70 + 2·e^{−1/10} + 2·e^{−0.2/10} = −66.230 mV on the grid.
func ExamplePopulationSpec_spikeGenerator() {
	spec := kernel.Spec{
		DtMs: 0.1,
		Populations: []kernel.PopulationSpec{
			{Name: "input", N: 2, Model: "spike_generator", Sign: 1,
				SpikeIndices: []int{1, 0, 1, 1}, SpikeTimesMs: []float64{0.5, 1.23, 2.0, 2.0}},
			{Name: "out", N: 1, Model: "lif_delta"}, // NEST's iaf_psc_delta: E_L −70 mV, τ_m 10 ms
		},
		Projections: []kernel.ProjectionSpec{{
			Source: "input", Target: "out", Rule: synapses.Rule{Kind: "all_to_all"},
			Weights: synapses.Weights{Value: 2}, DelayMs: 1, // mV
		}},
		Recorders: []kernel.RecorderSpec{
			{Kind: "spikes", Population: "input"},
			{Kind: "state", Population: "out", IntervalMs: 0.5},
		},
	}
	for _, precise := range []bool{false, true} {
		spec.Precise = precise
		net, err := kernel.New(spec)
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := net.Run(4); err != nil {
			fmt.Println(err)
			return
		}
		sp := net.Recorder("spikes:input").Spikes()
		fmt.Printf("precise=%v spikes:", precise)
		for i, t := range sp.TimesMs {
			fmt.Printf(" %g ms (neuron %d)", float32(t), sp.IDs[i])
		}
		fmt.Printf("\n  V of out (mV):")
		fr := net.Recorder("state:out").Frames()
		for f, t := range fr.TimesMs {
			fmt.Printf(" %g:%.3f", t, fr.Frame(f)[0])
		}
		fmt.Println()
		net.Close()
	}
	// Output:
	// precise=false spikes: 0.5 ms (neuron 1) 1.3 ms (neuron 0) 2 ms (neuron 1) 2 ms (neuron 1)
	//   V of out (mV): 0.5:-70.000 1:-70.000 1.5:-68.000 2:-68.098 2.5:-66.230 3:-62.414 3.5:-62.784 4:-63.136
	// precise=true spikes: 0.5 ms (neuron 1) 1.23 ms (neuron 0) 2 ms (neuron 1) 2 ms (neuron 1)
	//   V of out (mV): 0.5:-70.000 1:-70.000 1.5:-68.000 2:-68.098 2.5:-66.244 3:-62.427 3.5:-62.796 4:-63.147
}
