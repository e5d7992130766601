// Package synapses stores the connectivity of neurodyn's spiking networks,
// builds it from connection rules, and defines the plasticity rules whose
// updates the kernel applies: Plasticity (STDP, long-term, of the weights:
// kinds "stdp", "vogels_sprekeler" and "stdp_triplet", prepared by
// PairRule and TripletRule) and ShortTerm (Tsodyks–Markram, of each spike's
// efficacy).
//
// # Storage
//
// A projection from a source population to a target population is a CSR
// matrix indexed by source neuron (compressed sparse rows): the outgoing
// synapses of source i are Target[Ptr[i]:Ptr[i+1]] (uint32 target index), with
// float32 weights in Weight (nil when every weight equals Const) and, when
// delays differ per synapse, uint16 delays in steps in Delay (nil when every
// delay equals DelaySteps). That is 8 bytes per synapse with per-synapse
// weights, 4 with a constant weight, plus 2 with per-synapse delays, plus 8
// bytes per source for Ptr. Within a row, targets are in ascending order
// (multapses adjacent): delivery walks memory forwards, and a worker that
// owns a range of targets finds its part of every row (Split).
//
// # Units
//
// Weights are in the unit of the receiving model's receptor: pA for current
// synapses, mV for delta synapses, nS for conductances. Delays are integer
// steps (time is never stored as float ms; see the kernel for their meaning).
//
// # Determinism and parallel builds
//
// Every random draw comes from counter-based seeding: row i of a projection
// (column i for fixed in-degree) uses generators seeded by a hash of (seed, i,
// stream), with separate streams for targets, weights and delays. The result
// is therefore identical whatever the number of build workers, which only
// decide who computes which block of rows. Builds run in two passes (count,
// then fill), so memory never exceeds the final arrays plus O(workers) scratch.
//
// Logarithms and Gaussian draws use pure-Go routines with every operation
// rounded separately, so connectivity is also the same on every architecture.
//
// # Who may import it
//
// Layer 3 of the map in DEVELOPERS.md (imports internal packages only); the
// kernel builds and reads projections.
//
// # Concurrency
//
// A built CSR is read-only and safe for concurrent readers, except the
// weights of a plastic projection, which the kernel updates while it runs.
package synapses
