// Package neurons holds neurodyn's point-neuron models for the spiking engine:
// the current-based leaky integrate-and-fire neuron with exponentially
// decaying synaptic currents integrated exactly (LIFExp, NEST iaf_psc_exp,
// Rotter & Diesmann 1999), the same neuron with alpha-shaped synaptic
// currents (LIFAlpha, NEST iaf_psc_alpha), the delta-synapse LIF (LIFDelta,
// NEST iaf_psc_delta), the conductance-based LIF with exponentially decaying
// conductances (LIFCond, the Vogels & Abbott COBA neuron), the adaptive
// exponential integrate-and-fire neuron with such conductances (AdExCond,
// NEST aeif_cond_exp, Brette & Gerstner 2005), the Hodgkin–Huxley neuron
// with Traub & Miles' currents and such conductances (HHCond, NEST
// hh_cond_exp_traub, the COBAHH neuron), Izhikevich's (2003) simple model
// with delta synapses and per-neuron parameters (Izhikevich, NEST
// izhikevich; V absolute, not relative to a rest) and the precise, off-grid
// variants of LIFExp (LIFExpPrecise, NEST iaf_psc_exp_ps) and LIFDelta
// (LIFDeltaPrecise, NEST iaf_psc_delta_ps), which implement Precise.
//
// # Units
//
// Time in ms, voltages in mV, currents in pA, capacitances in pF,
// conductances in nS. Parameter names carry their unit (TauMemMs, VThmV,
// CmPF). Inside a model the membrane potential is stored relative to the
// resting potential E_L, as in NEST; VarSlice reports the offset that turns it
// back into absolute millivolts (Izhikevich, whose equation has no E_L,
// stores it absolute: offset 0).
//
// # Structure
//
// Each model has a parameter struct (LIFExpParams, …) with NEST-like defaults
// from a Default… function and a Validate method whose errors name the
// parameter (*nderr.ParamError; errors.Is(err, nderr.ErrInvalid)); New… validates, computes the
// exact propagators and refractory step counts once (the prepare step) and
// allocates the state as structure-of-arrays (one float32 slice per state
// variable). Step advances neurons [lo, hi) by one time step; it never
// allocates.
//
// # Step order and input
//
// A step of length h from t_k to t_{k+1} reads, for every receptor r, the
// input slot in[r][j] that holds the jumps arriving at the end of the step
// (pA for current synapses, mV for delta synapses, nS for conductances) and
// clears it (NEST's ring-buffer slot, cleared on read). A spike emitted at the
// end of step n with a delay of d ≥ 1 steps belongs to the slot of step n+d,
// so its jump happens at t_spike + d·h. Jumps that must act at t_spike itself
// (delay 0, "effect on the next step" as in Brian2) are added directly to the
// state slice returned by Jump (LIFDelta, whose jumps move V itself, fires
// at the end of the next step on a V that such a jump took to the threshold,
// so the crossing is not lost to that step's decay; Izhikevich resets such a
// V at the next step's start and integrates the step from there, reporting
// the spike at its end). Threshold crossings are
// checked at the end of the step; a neuron that crosses is reset and held
// for RefSteps steps (AdExCond, whose upswing is fast, resets within the
// step and goes on from there, emitting the spike at the end of the step;
// HHCond has no reset: its action potential is its own, and detection is
// off for RefSteps steps after a spike; Izhikevich is never refractory).
//
// # Who may import it
//
// Layer 3 of the map in DEVELOPERS.md: it imports asm and internal packages
// only; the kernel (layer 4) drives it.
//
// # Concurrency
//
// A model is not safe for concurrent use, except that Step calls on disjoint
// neuron ranges [lo, hi) with disjoint spike buffers may run concurrently; the
// kernel relies on that to partition a population among workers.
package neurons
