package events

// Spike is one emitted spike: population Pop, neuron Index (within the
// population), emitted in step Step, at Off ms after the start of the step
// in precise mode (0 < Off ≤ h; h on the grid).
type Spike struct {
	Step  int64
	Off   float64
	Pop   int32
	Index int32
}

// Outbox collects one worker's spikes during a slice, in (step, population,
// index) order, with the boundaries of each (step, population) segment.
type Outbox struct {
	Spikes []Spike
	ends   []int // ends[k*pops+p]: end of the segment of relative step k, population p
	pops   int
	k, p   int
}

// Reset prepares the outbox for a slice of steps steps over pops populations.
func (o *Outbox) Reset(steps, pops int) {
	o.Spikes = o.Spikes[:0]
	if cap(o.ends) < steps*pops {
		o.ends = make([]int, steps*pops)
	}
	o.ends = o.ends[:steps*pops]
	o.pops = pops
	o.k, o.p = 0, 0
}

// Close marks the end of relative step k, population p's segment; calls must
// come in (k, p) order, each exactly once.
func (o *Outbox) Close(k, p int) { o.ends[k*o.pops+p] = len(o.Spikes) }

// Exchange merges the outboxes of all workers into the canonical order: by
// step, then population, then worker (whose neuron ranges ascend), which is
// ascending neuron index. The order, and so every later floating-point sum,
// is the same whatever the number of workers.
type Exchange struct {
	All []Spike
}

// Merge concatenates the workers' segments in canonical order into e.All
// (reusing its storage) and returns it. With one worker it returns the
// worker's spikes without copying.
func (e *Exchange) Merge(boxes []Outbox, steps, pops int) []Spike {
	if len(boxes) == 1 {
		return boxes[0].Spikes
	}
	e.All = e.All[:0]
	for k := range steps {
		for p := range pops {
			for w := range boxes {
				b := &boxes[w]
				i := k*pops + p
				start := 0
				if i > 0 {
					start = b.ends[i-1]
				}
				e.All = append(e.All, b.Spikes[start:b.ends[i]]...)
			}
		}
	}
	return e.All
}
