package kernel_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// The STDP window: eight pre→post pairs, each driven to fire once with the
// postsynaptic spike Δt after the presynaptic one, and the presynaptic
// neuron again 400 ms later so that the pairing's potentiation is applied.
// With additive STDP (λ = 0.01, τ = 20 ms, delay d = 1 ms counted as
// dendritic) the weight changes by λ·w_max·e^{−(Δt+d)/τ} when the
// postsynaptic spike reaches the synapse after the presynaptic one, and by
// −α·λ·w_max·e^{(Δt+d)/τ} before.
func ExampleProjectionSpec_plasticity() {
	dts := []float64{-40, -20, -10, -5, 5, 10, 20, 40} // ms, t_post − t_pre
	n := len(dts)
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	parrot := map[string]float64{"t_ref_ms": 0.1, "e_l_mv": -70, "v_reset_mv": -70, "v_th_mv": -55}
	spec := kernel.Spec{
		DtMs: 0.1,
		Populations: []kernel.PopulationSpec{
			{Name: "pre", N: n, Model: "lif_delta", Sign: 1, Params: parrot},
			{Name: "post", N: n, Model: "lif_delta", Params: parrot},
		},
		Projections: []kernel.ProjectionSpec{{
			Source: "pre", Target: "post", Rule: synapses.Rule{Kind: "list"}, Sources: ids, Targets: ids,
			Weights: synapses.Weights{Value: 0.5}, DelayMs: 1, // mV
			Plasticity: synapses.Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 1}, // τ± 20 ms, additive
		}},
	}
	for i, dt := range dts {
		spec.Devices = append(spec.Devices,
			kernel.DeviceSpec{Kind: "spike_source", Target: "pre", Neurons: []int{i}, SpikeTimesMs: []float64{100, 500}, Weight: 100},
			kernel.DeviceSpec{Kind: "spike_source", Target: "post", Neurons: []int{i}, SpikeTimesMs: []float64{100 + dt}, Weight: 100})
	}
	net, err := kernel.New(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	if err := net.Run(600); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("  Δt (ms)   Δw/(λ·w_max)")
	for i, dt := range dts {
		fmt.Printf("%8.0f %+11.4f\n", dt, (net.Projection(0).Weight[i]-0.5)/0.01)
	}
	// Output:
	//   Δt (ms)   Δw/(λ·w_max)
	//      -40     -0.1423
	//      -20     -0.3867
	//      -10     -0.6376
	//       -5     -0.8187
	//        5     +0.7408
	//       10     +0.5769
	//       20     +0.3499
	//       40     +0.1287
}
