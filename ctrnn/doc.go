// Package ctrnn is the continuous-time recurrent neural network of the
// tutorial (notebook 01, and the flip-flop of notebook 05):
//
//	τ dh/dt = −h + φ(W_rec h + W_in x + b),   y = D h + d
//
// with φ ∈ {tanh, relu, sigmoid}, integrated over each sample interval by
// any solver of package ode (Euler, midpoint, RK4, the 3/8 rule, adaptive
// dopri5), the input held constant over the interval.
//
// # Time and units
//
// Model time is in the model's own units: τ and Interval, the time one
// input sample is held for. The reference integrates one time unit per
// sample (Interval = 1, the default), not the Lorenz data step of 0.01,
// which is SampleDt here: it does not enter the dynamics and is only the
// time a Step covers when Lyapunov exponents are reported (StepTime). With
// Euler, τ = 1 and Interval = 1 the model is exactly an Elman network,
// h ← tanh(W_rec h + W_in x + b). Inputs and outputs are in the data's
// normalized (z-scored) units.
//
// # What it offers
//
//   - New: the reference's initialization (W_rec orthogonal × 0.9, W_in
//     Xavier-uniform, b = 0, decoder U(±1/√H)), seeded; parameters named as
//     the reference's state_dict (cell.W_rec.weight, …).
//   - Forward (last output, every output, hidden trajectory), PredictLast
//     and Generate (closed loop done right: warm-up on observed inputs, then
//     the output fed back with the training interval, the state carried
//     over, normalized units throughout — the reference's generate resets
//     the state, changes the interval to 0.01 and mixes units).
//   - learn.Stepper, learn.Dynamics (vector field, Jacobian) and
//     learn.StepMap (Jacobians of one step through the solver's stages),
//     in float64 whatever the model's precision.
//   - learn.Model for Model[float32]: gradients by BPTT through every
//     solver stage or by the continuous adjoint method (Config.Adjoint).
//   - Recipes: LorenzReference, FlipFlopReference (the reference's
//     set-ups), LorenzDefault, FlipFlopDefault (ours, with the training
//     times quoted in their docs) and Quick variants for CI, trained by
//     TrainLorenz and TrainFlipFlop.
//
// # Precision
//
// Model[float32] trains; Model[float64] runs gradient checks. Both run the
// same code (generic over asm.Float).
//
// # Who may import it
//
// ctrnn is layer 4 of DEVELOPERS.md: it imports asm, ode, tasks, learn and
// learn/leaky; analysis and the faces use it through learn's interfaces.
//
// # Concurrency
//
// A Model is not safe for concurrent use; the workers it makes for the
// trainer run concurrently as long as the parameters are not modified.
package ctrnn
