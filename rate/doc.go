// Package rate is the balanced excitatory/inhibitory rate network of the
// tutorial, with Dale's law, in both of the reference's configurations:
// notebook 02's Lorenz forecaster (48 E / 16 I, τ_E 1, τ_I 0.5, Euler with
// Δt 0.1 per sample, ReLU, Dale's law by |W|, input weights and biases for
// both populations, decoder from E; 4,499 parameters — the zero Config) and
// notebook 05's flip-flop network (96 E / 24 I, τ 5 / 2.5, Δt 1, G 1.5,
// Dale's law by softplus, activation 0.5 + 0.5·tanh, biases 0.5 —
// FlipFlopConfig).
//
//	τ_E dr_E/dt = −r_E + φ(T(W_ee) r_E − T(W_ei) r_I + W_in_e x + b_e)
//	τ_I dr_I/dt = −r_I + φ(T(W_ie) r_E − T(W_ii) r_I + W_in_i x + b_i)
//	y = D r_E + d
//
// The Dale transform T (abs, softplus, ReLU), the activation, the sizes,
// the time constants, the inhibitory scale G, the connection probability
// (fixed Bernoulli masks) and the solver are parameters. BalanceOf computes
// the reference's balance metrics (currents into E, cancellation, ratio,
// E–I correlation, balance ratio, rate statistics); Currents pools the
// current statistics of any network whose E and I inputs are given (the
// pipeline's spiking networks use it too).
//
// # Time and units
//
// τ and Dt are in model time units; Dt is the time each input sample is
// held (notebook 02 takes one Euler step of 0.1 per sample, which makes the
// update factors 0.1 for E and 0.2 for I). SampleDt is the data's time per
// sample (for StepTime). Inputs and outputs are in normalized units.
//
// # Models and training
//
// The network runs on the engine of package learn/leaky (populations with
// their own τ, every ode solver, BPTT and the adjoint), so Model[float32]
// is a learn.Model and Model[float64] runs the gradient checks, and every
// Model implements learn.Stepper, learn.Dynamics and learn.StepMap.
// Recipes (LorenzReference, FlipFlopReference, LorenzDefault,
// FlipFlopDefault and their Quick variants) are trained by TrainLorenz and
// TrainFlipFlop.
//
// # Who may import it
//
// rate is layer 4 of DEVELOPERS.md: it imports asm, ode, tasks, learn and
// learn/leaky.
//
// # Concurrency
//
// A Model is not safe for concurrent use; its trainer workers run
// concurrently while the parameters are not modified.
package rate
