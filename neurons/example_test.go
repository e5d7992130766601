package neurons_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/neurons"
)

// A NEST iaf_psc_exp neuron driven by a constant 500 pA current fires
// regularly; with exact integration the first spike is found at the first
// grid point after the analytic crossing time τ_m ln(μ/(μ − θ)) = 13.86 ms
// (μ = τ_m·I/C_m = 20 mV above rest, θ = 15 mV), then every
// t_ref + 13.9 ms.
func Example() {
	p := neurons.DefaultLIFExp()
	p.IePA = 500
	m, err := neurons.NewLIFExp(1, p, 0.1)
	if err != nil {
		panic(err)
	}
	in := [][]float32{make([]float32, 1), make([]float32, 1)}
	spikes := make([]int32, 1)
	for k := 1; k <= 300; k++ {
		if m.Step(0, 1, in, nil, spikes) > 0 {
			fmt.Printf("spike at %.1f ms\n", float64(k)*0.1)
		}
	}
	// Output:
	// spike at 13.9 ms
	// spike at 29.8 ms
}
