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
