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

// One population of Izhikevich neurons (NEST's izhikevich) with a, b, c, d
// set per neuron to the classes of Izhikevich (2003, Fig. 2), driven by a
// DC step of 10 (pA, coefficient 1) from V = −65 mV, U = b·V: the regular-spiking neuron
// adapts, the fast-spiking one does not, the chattering neuron fires
// bursts, the intrinsically bursting one a burst and then single spikes,
// the low-threshold one fast, then slower.
func ExampleIzhikevich() {
	classes := []struct {
		name       string
		a, b, c, d float32
	}{
		{"RS", 0.02, 0.2, -65, 8}, {"FS", 0.1, 0.2, -65, 2}, {"CH", 0.02, 0.2, -50, 2},
		{"IB", 0.02, 0.2, -55, 4}, {"LTS", 0.02, 0.25, -65, 2},
	}
	n := len(classes)
	p := neurons.DefaultIzhikevich()
	p.IePA = 10
	m, err := neurons.NewIzhikevich(n, p, 0.1)
	if err != nil {
		panic(err)
	}
	for j, c := range classes {
		m.A[j], m.B[j], m.C[j], m.D[j] = c.a, c.b, c.c, c.d
	}
	m.SetUFromV() // U = b·V with each neuron's b
	if err := m.Check(); err != nil {
		panic(err)
	}
	in := [][]float32{make([]float32, n)}
	spikes := make([]int32, n)
	times := make([]string, n)
	for k := 1; k <= 1000; k++ { // 100 ms
		for _, j := range spikes[:m.Step(0, n, in, nil, spikes)] {
			times[j] += fmt.Sprintf(" %.1f", float64(k)*0.1)
		}
	}
	for j, c := range classes {
		fmt.Printf("%-3s spikes at (ms)%s\n", c.name, times[j])
	}
	// Output:
	// RS  spikes at (ms) 3.4 27.1 72.2
	// FS  spikes at (ms) 3.4 8.0 14.3 21.8 29.5 37.1 44.7 52.4 60.2 68.0 75.8 83.6 91.4 99.2
	// CH  spikes at (ms) 3.4 5.0 6.7 8.6 10.8 13.4 16.9 63.8 65.9 68.3 71.3 76.4
	// IB  spikes at (ms) 3.4 5.9 10.5 50.8 82.3
	// LTS spikes at (ms) 2.7 5.8 9.5 14.2 20.8 31.0 44.3 57.9 71.5 85.2 98.9
}

// A spike of weight 100 pA onto a NEST iaf_psc_alpha neuron (τ_syn 2 ms):
// its current rises to the weight 2 ms after the arrival and moves the
// membrane by at most 1.30 mV, 6.7 ms after it (τ_m 10 ms, C_m 250 pF; the
// closed form gives 1.3000 mV at 6.7 ms on the grid).
func ExampleNewLIFAlpha() {
	m, err := neurons.NewLIFAlpha(1, neurons.DefaultLIFAlpha(), 0.1)
	if err != nil {
		panic(err)
	}
	in := [][]float32{{100}, {0}} // the spike arrives at the end of this step
	spikes := make([]int32, 1)
	m.Step(0, 1, in, nil, spikes)
	var iPeak, vPeak float32
	var iAt, vAt float64
	for k := 1; k <= 200; k++ {
		m.Step(0, 1, in, nil, spikes)
		if m.Ie[0] > iPeak {
			iPeak, iAt = m.Ie[0], float64(k)*0.1
		}
		if m.V[0] > vPeak {
			vPeak, vAt = m.V[0], float64(k)*0.1
		}
	}
	fmt.Printf("current peaks at %.2f pA, %.1f ms after the spike\n", iPeak, iAt)
	fmt.Printf("membrane peaks at %.2f mV above rest, %.1f ms after it\n", vPeak, vAt)
	// Output:
	// current peaks at 100.00 pA, 2.0 ms after the spike
	// membrane peaks at 1.30 mV above rest, 6.7 ms after it
}
