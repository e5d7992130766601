package kernel_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/kernel"
)

// A NIR graph (as export.ReadNIR reads it from a file of snnTorch, Norse,
// Lava-DL or neurodyn's snn) imported and simulated: one input channel
// drives a current-based LIF neuron (CubaLIF), which excites a second one
// through a recurrent Linear node. An input spike of NIR weight 0.022 makes
// the synaptic current jump by w·w_in/τ_syn = 4.4 (pA in the kernel): one
// spike of neuron 0, then one of neuron 1; two input spikes 1 ms apart, a
// burst.
func ExampleFromNIR() {
	vec := export.NIRVec
	g := &export.NIRGraph{
		Nodes: map[string]export.NIRNode{
			"in": {Type: "Input", Params: map[string]export.NIRArray{"shape": export.NIRShape(1)}},
			"fc": {Type: "Linear", Params: map[string]export.NIRArray{"weight": export.NIRMatrix(2, 1, []float64{0.022, 0})}},
			"lif": {Type: "CubaLIF", Params: map[string]export.NIRArray{
				"tau_mem": vec(0.01, 0.01), "tau_syn": vec(0.005, 0.005), // s
				"r": vec(1, 1), "w_in": vec(1, 1),
				"v_leak": vec(0, 0), "v_threshold": vec(1, 1), "v_reset": vec(0, 0),
			}},
			"rec": {Type: "Linear", Params: map[string]export.NIRArray{"weight": export.NIRMatrix(2, 2, []float64{0, 0, 0.03, 0})}},
			"out": {Type: "Output", Params: map[string]export.NIRArray{"shape": export.NIRShape(2)}},
		},
		Edges: [][2]string{{"in", "fc"}, {"fc", "lif"}, {"lif", "rec"}, {"rec", "lif"}, {"lif", "out"}},
	}
	spec, err := kernel.FromNIR(g, kernel.NIROptions{
		DtMs:          0.1,
		InputSpikesMs: map[string][][]float64{"in": {{5, 30, 31}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range spec.Populations {
		fmt.Printf("population %s: %d × %s\n", p.Name, p.N, p.Model)
	}
	for _, pr := range spec.Projections {
		fmt.Printf("projection %s → %s: weights %.4g pA\n", pr.Source, pr.Target, pr.WeightList)
	}
	net, err := kernel.New(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer net.Close()
	if err := net.Run(60); err != nil {
		fmt.Println(err)
		return
	}
	sp := net.Recorder("spikes:lif").Spikes()
	for k := range sp.IDs {
		fmt.Printf("lif %d spikes at %.1f ms\n", sp.IDs[k], sp.TimesMs[k])
	}
	// Output:
	// population in: 1 × lif_delta
	// population lif: 2 × lif_exp
	// projection in → lif: weights [4.4] pA
	// projection lif → lif: weights [6] pA
	// lif 0 spikes at 9.3 ms
	// lif 1 spikes at 11.7 ms
	// lif 0 spikes at 31.7 ms
	// lif 1 spikes at 33.0 ms
	// lif 0 spikes at 33.7 ms
	// lif 1 spikes at 34.6 ms
	// lif 1 spikes at 36.1 ms
	// lif 0 spikes at 37.5 ms
	// lif 1 spikes at 37.9 ms
	// lif 1 spikes at 39.2 ms
	// lif 1 spikes at 40.9 ms
	// lif 1 spikes at 43.7 ms
}
