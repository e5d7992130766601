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

// An AdEx neuron (NEST's aeif_cond_exp defaults, Brette & Gerstner 2005)
// driven by a constant 800 pA current adapts: every spike adds b = 80.5 pA
// to the adaptation current w, which decays with τ_w = 144 ms between
// spikes, so the interspike intervals lengthen to a steady 68 ms.
func ExampleAdExCond() {
	p := neurons.DefaultAdExCond()
	p.IePA = 800
	m, err := neurons.NewAdExCond(1, p, 0.1)
	if err != nil {
		panic(err)
	}
	in := [][]float32{make([]float32, 1), make([]float32, 1)}
	spikes := make([]int32, 1)
	last := 0.0
	for k := 1; k <= 3000; k++ {
		if m.Step(0, 1, in, nil, spikes) > 0 {
			t := float64(k) * 0.1
			fmt.Printf("spike at %5.1f ms, interval %4.1f ms, w %5.1f pA\n", t, t-last, m.W[0])
			last = t
		}
	}
	// Output:
	// spike at  17.8 ms, interval 17.8 ms, w  87.6 pA
	// spike at  35.2 ms, interval 17.4 ms, w 166.7 pA
	// spike at  60.8 ms, interval 25.6 ms, w 232.2 pA
	// spike at 101.8 ms, interval 41.0 ms, w 273.8 pA
	// spike at 161.6 ms, interval 59.8 ms, w 286.8 pA
	// spike at 228.5 ms, interval 66.9 ms, w 288.6 pA
	// spike at 296.5 ms, interval 68.0 ms, w 288.7 pA
}
