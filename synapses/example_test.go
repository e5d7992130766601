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

// The relative efficacy u·x of a 20 Hz train's spikes (1–5 and 10) at the
// three synapse classes of Gupta, Wang & Markram (2000): facilitating
// synapses grow, depressing ones fall to a quarter, pseudo-linear ones lie
// between.
func ExampleShortTerm() {
	for _, c := range []struct {
		name string
		s    synapses.ShortTerm
	}{
		{"facilitating ", synapses.ShortTerm{Kind: "tsodyks2", U: 0.16, TauRecMs: 45, TauFacMs: 376}},
		{"depressing   ", synapses.ShortTerm{Kind: "tsodyks2", U: 0.25, TauRecMs: 706, TauFacMs: 21}},
		{"pseudo-linear", synapses.ShortTerm{Kind: "tsodyks2", U: 0.32, TauRecMs: 144, TauFacMs: 62}},
	} {
		fmt.Print(c.name)
		u, x := 0.0, 1.0 // at rest
		for k := 1; k <= 10; k++ {
			u, x = c.s.Spike(u, x, 50)
			if k <= 5 || k == 10 {
				fmt.Printf(" %.3f", u*x)
			}
		}
		fmt.Println()
	}
	// Output:
	// facilitating  0.160 0.263 0.326 0.367 0.395 0.452
	// depressing    0.250 0.205 0.159 0.127 0.105 0.065
	// pseudo-linear 0.320 0.323 0.273 0.243 0.228 0.218
}
