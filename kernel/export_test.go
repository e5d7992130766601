package kernel

// HistoryEntries returns the number of postsynaptic history entries that
// the plastic projections hold (tests check that pruning bounds it).
func HistoryEntries(net *Network) int {
	n := 0
	for _, pr := range net.plastic {
		for _, h := range pr.stdp.hist {
			n += len(h)
		}
	}
	return n
}

// SetPreciseBlockEvents sets the number of events a block of neurons aims
// at in precise mode (tests check that results do not depend on it) and
// returns a function that restores it.
func SetPreciseBlockEvents(n int) (restore func()) {
	old := preciseBlockEvents
	preciseBlockEvents = n
	return func() { preciseBlockEvents = old }
}

// PreciseQueuePaths returns the number of projections whose spikes the
// precise mode queues as arrivals (one per delay) and as one event per
// synapse.
func PreciseQueuePaths(net *Network) (arrivals, events int) {
	for _, g := range net.precise.groups {
		if g != nil {
			arrivals++
		} else {
			events++
		}
	}
	return arrivals, events
}
