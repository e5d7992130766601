package bench

import (
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// meanAbsWeight returns the mean |w| of a projection's synapses.
func meanAbsWeight(c *synapses.CSR) float64 {
	sum := 0.0
	for k := range c.Len() {
		sum += math.Abs(float64(c.W(uint64(k))))
	}
	return sum / float64(c.Len())
}

// BenchmarkSpikingVogels: the network of Vogels et al. (2011) (the vogels
// preset, kernel.Preset: the values of bench/brian2/vogels.py;
// 10,000 neurons, 2 M synapses of which 320,000 plastic I→E) for 1 s with
// inhibitory plasticity from the start, one worker. Besides runSpiking's
// metrics it reports the mean rates of the E and I populations over the run
// (E-Hz, I-Hz) and the mean I→E weight at its end (wIE-nS; 0 at the
// start), to check the regime against Brian2's (bench/brian2/vogels.py).
func BenchmarkSpikingVogels(b *testing.B) {
	const ms = 1000.0
	spec, err := kernel.Preset("vogels", kernel.PresetOptions{Workers: 1, Record: true})
	if err != nil {
		b.Fatal(err)
	}
	const ie = 3 // the I→E projection
	var w float64
	runs := 0
	runSpikingEI(b, spec, ms, func(net *kernel.Network) {
		runs++
		w += meanAbsWeight(net.Projection(ie))
	})
	b.ReportMetric(w/float64(runs), "wIE-nS")
}
