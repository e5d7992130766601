package events_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/events"
)

// A spike emitted in step 10 with a delay of 15 steps is received in step 25;
// the neuron model reads and clears the slot while integrating that step.
func Example() {
	ring := events.NewRing(3, 16) // 3 targets, minDelay + maxDelay = 1 + 15 slots
	ring.AddRow(10+15, []uint32{0, 2}, 0.1)
	fmt.Println(ring.Slot(24), ring.Slot(25))
	// Output: [0 0 0] [0.1 0 0.1]
}
