// Package learn trains neurodyn's models: optimizers (Adam, AdamW), losses
// (one-step, multi-step, closed-loop), the training loop with clipping,
// learning-rate schedules, early stopping and checkpoints, the continuous
// adjoint method, surrogate spike derivatives, gradient checking — and the
// small interfaces models implement (Stepper, Dynamics, StepMap) that analysis
// and the faces consume.
//
// Layer 3 of the map in DEVELOPERS.md: it imports asm, ode, export and
// internal packages only; ctrnn, rate and snn import it, never the reverse.
package learn
