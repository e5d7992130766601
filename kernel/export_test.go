package kernel

import "bytes"

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
// at in precise mode, n ≥ 1, and lifts the bound from the arrivals, so
// that blocks may hold as few (tests check that results do not depend on
// it); it returns a function that restores both.
func SetPreciseBlockEvents(n int) (restore func()) {
	if n < 1 {
		panic("SetPreciseBlockEvents: n < 1")
	}
	old, bound := preciseBlockEvents, preciseArrivalBound
	preciseBlockEvents, preciseArrivalBound = n, false
	return func() { preciseBlockEvents, preciseArrivalBound = old, bound }
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

// PreciseGroupBytes returns the bytes of the delay groups that the precise
// mode built (delayGroups).
func PreciseGroupBytes(net *Network) int64 {
	var b int64
	for _, pr := range net.projs {
		for _, g := range net.precise.groups[pr.index] {
			if c := net.precise.srcs[g].csr; c != pr.csr {
				b += c.Bytes()
			}
		}
	}
	return b
}

// CheckpointV1 returns net's checkpoint as format version 1 wrote it: the
// version-2 one with the version-1 magic, without its time_series section
// and its CRC-32C trailer. The golden tests pin its checksum (the state's
// bytes did not change with version 2), and restoring it tests that
// version 1 is still read.
func CheckpointV1(net *Network) ([]byte, error) {
	var b bytes.Buffer
	if err := net.Checkpoint(&b); err != nil {
		return nil, err
	}
	ck := b.Bytes()
	cut := 4
	for _, d := range net.devs {
		if d.plan.spec.Kind == "time_series" {
			_, rest := d.seriesFrom(net.step)
			cut += 16 + 8*d.plan.dims*len(rest)
		}
	}
	ck = ck[:len(ck)-cut]
	copy(ck, checkpointMagicV1)
	return ck, nil
}
