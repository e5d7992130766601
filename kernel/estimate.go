package kernel

// EstimateBytes returns a lower bound of the memory that validating,
// building and running s takes: neuron state, the neuron lists of devices
// and recorders (the synapse lists of weights recorders), ring buffers and
// connectivity (8 bytes per synapse). It
// reads the spec as given, without validating it (validation allocates per
// neuron), so callers can refuse a spec too large for the machine before
// calling Validate or New — as the C API does. A "sonata" projection counts
// the edges of its population in the file (0 when the file cannot be read
// or names no single population: Validate reports why).
func (s Spec) EstimateBytes() float64 {
	size := map[string]float64{}
	var bytes float64
	for _, p := range s.Populations {
		size[p.Name] = float64(p.N)
		bytes += float64(p.N) * 64
	}
	for _, d := range s.Devices {
		bytes += size[d.Target] * 16
	}
	for _, r := range s.Recorders {
		bytes += size[r.Population]*16 + float64(len(r.Synapses))*16 // a weights recorder's synapses, if named
	}
	dt := s.DtMs
	if dt <= 0 {
		dt = 0.1 // the default step
	}
	for _, pr := range s.Projections {
		pre, post := size[pr.Source], size[pr.Target]
		var syn float64
		switch pr.Rule.Kind {
		case "fixed_prob":
			syn = pr.Rule.P * pre * post
		case "fixed_indegree":
			syn = float64(pr.Rule.K) * post
		case "fixed_outdegree":
			syn = float64(pr.Rule.K) * pre
		case "all_to_all":
			syn = pre * post
		case "sonata":
			syn = edgeCount(pr.EdgesFile, pr.EdgesPopulation, pr.Source, pr.Target)
		default:
			syn = float64(len(pr.Sources))
		}
		bytes += syn * 8
		if pr.Plasticity.Kind != "" { // presynaptic traces; per target a history, its last spike, scratch
			bytes += pre*16 + post*48
		}
		if pr.ShortTerm.Kind != "" { // per source u, x, last spike (step, offset)
			bytes += pre * 32
		}
		bytes += post * 4 * (max(pr.DelayMs, pr.DelayMaxMs)/dt + 1)
	}
	return bytes
}
