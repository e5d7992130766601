package kernel_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/kernel"
)

// Precise mode (Spec.Precise) keeps spike times off the grid. A lif_delta
// neuron (NEST's iaf_psc_delta_ps in precise mode) at rest, θ 15 mV above
// it, with a 0.1 ms step: a 20 mV input at 5.0437 ms fires it at that very
// time (on the grid, at the end of the step, 5.1 ms); a current of 400 pA
// from 20 ms (V∞ = 16 mV) takes it across θ at 20 + τ_m·ln(16/1) =
// 47.725887 ms, located analytically (on the grid, at the end of the step
// in which V passed θ).
func ExampleSpec_precise() {
	for _, precise := range []bool{true, false} {
		spec := kernel.Spec{
			DtMs: 0.1, Precise: precise,
			Populations: []kernel.PopulationSpec{{Name: "N", N: 1, Model: "lif_delta",
				Params: map[string]float64{"tau_mem_ms": 10, "e_l_mv": -70, "v_th_mv": -55, "v_reset_mv": -70}}},
			Devices: []kernel.DeviceSpec{
				{Kind: "spike_source", Target: "N", SpikeTimesMs: []float64{5.0437}, Weight: 20}, // mV
				{Kind: "dc", Target: "N", AmplitudePA: 400, StartMs: 20},
			},
			Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "N"}},
		}
		net, err := kernel.New(spec)
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := net.Run(60); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("precise %-5v spikes at %.6f ms\n", precise, net.Recorder("spikes:N").Spikes().TimesMs)
		net.Close()
	}
	// Output:
	// precise true  spikes at [5.043700 47.725887] ms
	// precise false spikes at [5.100000 47.800000] ms
}
