// Package snn is neurodyn's spiking side of notebook 03, done right: a
// trainable recurrent E/I network of current-based leaky integrate-and-fire
// neurons (backpropagation through time with surrogate spike derivatives),
// liquid-state machines simulated by the event-driven engine with
// closed-form ridge readouts, and the echo-state network they are compared
// with.
//
// # The trainable network (Model)
//
// N_E excitatory and N_I inhibitory neurons (E first) are stepped on a
// clock of DtMs; each input sample is held for SubSteps steps. One step,
// for every neuron j:
//
//	I_j   = Σ_k W_in[j,k]·x_k + b_j + Σ_l W[j,l]·s_l(t−1)     input, bias, recurrent spikes
//	i_j  ← α·i_j + I_j                                        synaptic current
//	u_j   = v_leak + β_j·(v_j − v_leak) + (1 − β_j)·R·i_j       membrane before reset
//	s_j   = H(u_j − θ)                                         spike (H(0) = 0)
//	v_j  ← u_j − s_j·(u_j − v_reset)   (hard)  or  u_j − s_j·(θ − v_reset)   (soft)
//
// with α = exp(−dt/τ_syn), β = exp(−dt/τ_mem) (Exact) or α = 1 − dt/τ_syn,
// β = 1 − dt/τ_mem (Euler). The Euler form is exactly the reference's norse
// 1.1.0 step (tutorial-spec §2.3: current jump, Euler membrane update with
// the jumped current, current decay, threshold, reset), written with the
// decayed current as the state — run with the dt the user gives, not the
// 0.001 norse silently used. An optional refractory period clamps v at
// v_reset for RefractoryMs after a spike (the current keeps integrating).
// The recurrent matrix obeys Dale's law: W[j,l] = sign(l)·mask[j,l]·f(raw),
// sign + for E and − for I presynaptic neurons, f = ReLU (the reference
// SNN), |·| or softplus; the masks (Bernoulli(P), stored as frozen
// parameters) keep absent synapses absent, in the weights and in their
// gradient. The readout is linear, y = D·features + S·x + d, on
//
//   - ReadoutCount: mean spikes per step since the sequence start (the
//     reference's 'rate' readout);
//   - ReadoutFiltered: spikes filtered by r ← e^{−dt/τ}·r + s for each
//     τ of ReadoutTauMs (the kernel's filtered_spikes recorder);
//   - ReadoutMembrane: the membrane potentials, labelled as not
//     spike-based wherever they are reported;
//
// of the E population (or all neurons, ReadoutAll), with the optional
// skip term S·x (Skip). RunOptions.Silence decodes with the spike features
// set to zero, what the input and bias alone give.
//
// # Gradients
//
// Worker implements learn.Worker: the forward pass keeps a tape (pre-reset
// potentials, spikes, spike lists, activity under refractoriness) and the
// backward pass is written by hand on the asm kernels: the recurrent
// forward product and the weight gradient use the spike lists (an Axpy per
// spike), the backpropagated recurrent term is one Gemm per step. The
// spike's derivative is the surrogate g(u − θ) of Config.Surrogate, chosen
// by kind (learn.SuperSpike, FastSigmoid, Triangle, SigmoidSurrogate,
// StraightThrough, Arctan), each honouring its α; DetachReset stops the
// gradient through the reset (the reference keeps it, which makes the
// backward pass explode for surrogates whose peak exceeds 1). Config.Smooth
// replaces the forward Heaviside with the surrogate's primitive (Primitive),
// a network whose exact gradient BPTT computes: the gradient checks compare
// it with finite differences for every surrogate, readout, loss (last,
// all, next, closedloop), reset and discretization. Model[float64] runs the
// checks; Model[float32] trains with learn.Trainer (optimizers, clipping,
// plateau scheduler, early stopping that restores the best parameters,
// deterministic sharded gradients, checkpoints).
//
// # Reservoirs
//
// Reservoir is a liquid-state machine on the event-driven engine (package
// kernel): NEST iaf_psc_exp neurons, fixed sparse E/I connectivity, the
// input series fed through the engine's time_series device, features
// harvested from its filtered_spikes recorders (every neuron at every
// filter time constant: 2,000 features at the default size), read out with
// the input and a bias by ridge regression (Gram accumulated on asm.Gemm
// in float64, blocked Cholesky on asm.Gemm, regularization chosen on the
// validation split). ESN is the rate reservoir (tanh, spectral radius set
// with internal/detlinalg's eigenvalues, the same bits on every
// architecture) read out the same way. A gradient-trained
// reservoir is a Model with FreezeRecurrent (the reference's "reservoir",
// which also trains its input weights: LorenzReservoirReference). Model,
// Reservoir and ESN implement learn.Stepper, so analysis.ValidTime runs
// them closed loop.
//
// # Units
//
// Model: time in ms, membrane potentials dimensionless (threshold VTh = 1,
// reset and leak 0 by default), currents in the same units per step.
// Reservoir: ms, mV, pA, pF (NEST's units), input currents in rheobase
// units. Rates in Hz are spikes per neuron per second of model time. Data
// are normalized (z-scored); errors are reported in original units.
//
// # Who may import it
//
// Layer 4 of DEVELOPERS.md: it imports asm, export, synapses, learn (and
// learn/leaky for its run plan), tasks, kernel and internal packages; analysis, pipeline and
// the faces use it.
//
// # Concurrency
//
// Models, reservoirs and ESNs are not safe for concurrent use; the workers
// a Model makes for the trainer run concurrently while the parameters are
// not modified. Every random draw comes from Config.Seed; results are
// bit-identical whatever GOMAXPROCS and kernel path.
package snn
