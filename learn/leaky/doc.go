// Package leaky is the batched, differentiable engine shared by neurodyn's
// continuous-time rate models (package ctrnn and package rate): networks of
// N units obeying
//
//	τ_i dh_i/dt = −h_i + φ(Σ_j W_ij h_j + Σ_k U_ik x_k + b_i),   y = D h[0:R] + d
//
// with the input x held constant over each sample interval, integrated by
// any solver of package ode (fixed-step Euler, midpoint, RK4, RK4 3/8 with
// Substeps steps per interval, or adaptive dopri5).
//
// # What it provides
//
//   - Net: the effective tensors (Waug = [W | U | b], Dec = [D | d]) and
//     the numerics (activation, populations with their τ, solver, interval).
//     Models own their trainable parameters and fill Net through a Mapping
//     (Dale's-law transforms, connection masks).
//   - Seq: n sequences time-major; Forward with a tape and Backward, hand-
//     written backpropagation through every solver stage on the asm kernels
//     (one GEMM per stage forward and backward, and one GEMM for the whole
//     weight gradient at the end), including closed-loop runs where outputs
//     are fed back as inputs and gradients flow through the feedback.
//   - AdjointSeq: the continuous adjoint method (learn.Adjoint) with
//     forward-state checkpointing.
//   - Worker: learn.Loss objectives (last, all, next, closedloop) over a
//     Mapping; it implements learn.Worker for float32.
//   - Stream: step-by-step runs of n copies (closed-loop generation,
//     learn.Stepper), vector field, Jacobian and step Jacobians.
//
// # Layout and units
//
// Rows are row-major; a batch is time-major inside the engine and
// sample-major at its boundary (x: n sequences × L steps × I). Time is in
// the model's own units (Interval per sample; τ in the same units).
// Everything is generic over asm.Float: float32 for training, float64 for
// gradient checks.
//
// # Determinism
//
// Every reduction goes through the asm kernels in a fixed order; results
// do not depend on GOMAXPROCS. With dopri5 the step sizes are chosen for
// the batch as a whole (one error norm over all rows, as torchdiffeq), so a
// sample's result depends slightly on its batch companions; BPTT through
// dopri5 replays the accepted steps with a tape, treating the step sizes as
// constants.
//
// # Who may import it
//
// leaky sits with learn in layer 3 of DEVELOPERS.md (it imports asm, ode,
// learn and internal packages); ctrnn and rate build on it.
//
// # Concurrency
//
// Net, Seq, AdjointSeq, Stream and Worker are used by one goroutine at a
// time; several Workers of one model may run concurrently.
package leaky
