package snn_test

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/snn"
)

// A small E/I network of the Lorenz recipe, run on one window of a slow
// three-dimensional sine input: its parameters, what trains, and its firing
// rates.
func Example() {
	c := snn.LorenzDefault().Model
	c.NE, c.NI = 32, 8
	m, err := snn.New[float32](c)
	if err != nil {
		panic(err)
	}
	k := m.Counts()
	fmt.Printf("%d neurons, %d trainable parameters (%d that can change), %d synapses\n",
		c.N(), k.Trainable, k.Effective, k.Synapses)
	const L = 50
	x := make([]float32, L*3)
	for t := 0; t < L; t++ {
		for d := 0; d < 3; d++ {
			x[t*3+d] = float32(math.Sin(0.2*float64(t) + float64(d)))
		}
	}
	out, err := m.Run(x, 1, L, snn.RunOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("E %.0f Hz, I %.0f Hz over %g ms\n", out.RateE, out.RateI, L*c.SampleMs())
	// The surrogate's α sets the width of the spike derivative.
	s := learn.Surrogate{Kind: learn.SuperSpike, Alpha: 10}
	fmt.Printf("SuperSpike α=10: g(0) = %g, g(0.1) = %g\n", s.Deriv(0), s.Deriv(0.1))
	// Output:
	// 40 neurons, 1964 trainable parameters (544 that can change), 180 synapses
	// E 13 Hz, I 18 Hz over 250 ms
	// SuperSpike α=10: g(0) = 1, g(0.1) = 0.25
}
