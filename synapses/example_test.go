package synapses_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/synapses"
)

// Each of 1,000 targets receives exactly 100 inhibitory synapses (Dale's law
// by sign −1) with a 1.5 ms delay at dt = 0.1 ms; the result is the same for
// any number of build workers.
func Example() {
	c, err := synapses.Build(1000, 1000,
		synapses.Rule{Kind: "fixed_indegree", K: 100},
		synapses.Weights{Value: 0.5, Sign: -1},
		synapses.Delays{Steps: 15},
		synapses.Options{Seed: 1, Same: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Len(), "synapses,", c.BytesPerSynapse(), "bytes each, weight", c.W(0), "delay", c.D(0))
	// Output: 100000 synapses, 4 bytes each, weight -0.5 delay 15
}
