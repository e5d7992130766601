package kernel

// NoiseCurrents returns the current (pA) that device dev, a noise device,
// adds at step to each of its target neurons (in the order of its neuron
// list), through the engine's own path: addCurrent over every worker's
// range, with its per-interval cache.
func NoiseCurrents(net *Network, dev int, step int64) []float32 {
	d := net.devs[dev]
	dc := make([]float32, net.pops[d.plan.tgt].n)
	for w := range d.ranges {
		addCurrent(d, dc, w, step)
	}
	out := make([]float32, len(d.plan.neurons))
	for k, j := range d.plan.neurons {
		out[k] = dc[j]
	}
	return out
}

// DeviceStream returns the Philox key and the device index that address
// device dev's counter-based streams.
func DeviceStream(net *Network, dev int) (key, index uint64) {
	d := net.devs[dev]
	return d.key, d.index
}
