// Package events moves spikes from where they are emitted to where they act:
// ring buffers of per-target input slots (grid mode), the time-ordered event
// queue of the precise mode, and the once-per-slice exchange that merges the
// spikes of the kernel's workers into one canonical order.
//
// # Time and delays
//
// Time is an integer step count. A spike emitted in step n with a delay of d
// steps is received in step n+d: it is added to the ring slot of step n+d,
// which the neuron model reads (and clears) while integrating that step. The
// kernel advances in slices of L = max(1, minimum delay) steps and exchanges
// spikes once per slice, so a ring needs L + maxDelay slots (NEST's
// min_delay + max_delay).
//
// # Units
//
// Slot values are in the unit of the receptor they feed (pA, mV or nS);
// precise-mode offsets are in ms within the step, in (0, h].
//
// # Who may import it
//
// Layer 3 of the map in DEVELOPERS.md (imports internal packages only); the
// kernel uses it.
//
// # Concurrency
//
// A Ring may be written and read concurrently on disjoint target ranges
// (the kernel gives each worker its own range). A Queue belongs to one worker.
// Exchange.Merge runs on one goroutine after every worker has finished its
// slice.
package events
