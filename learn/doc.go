// Package learn trains neurodyn's models, whatever they are: named parameter
// tensors in one flat vector (Params), Adam and AdamW with PyTorch's update
// order, full-batch L-BFGS for fine-tuning, global gradient-norm clipping,
// ReduceLROnPlateau, a cosine decay, early stopping that really restores the
// best parameters, seeded per-epoch
// shuffling, data-parallel gradients over goroutines with a fixed reduction
// order, NaN/Inf detection, a history, and checkpoints (HDF5 or .npz through
// package export) from which training resumes bit-exactly — plus the losses
// of sequence forecasting (one-step, multi-step, closed-loop with a
// scheduled horizon), the continuous adjoint method for any differentiable
// vector field (Field, Adjoint), surrogate spike derivatives for spiking
// models, initializers, a finite-difference gradient checker, and the small
// interfaces models implement for analysis and the faces (Stepper, Dynamics,
// StepMap).
//
// # How a model plugs in
//
// A model implements Model: Params() returns its float32 parameters (which
// the optimizer updates in place) and NewWorker() returns a Worker whose
// Batch computes the summed loss of a part of a mini-batch and overwrites a
// gradient vector in the Params layout. The Trainer splits every batch into
// Shards equal parts, runs them on up to Workers goroutines and adds the
// shard gradients in shard order, so the same seed gives bit-identical
// weights for any GOMAXPROCS. Data come from any Source (tasks.Windows and
// tasks.FlipFlopSplit are Sources). Before training, Fit checks the data
// against the model and the losses (CheckData): a sequence model says its
// widths per step (InputDim, OutputDim, as every Stepper), and a SeqSource
// (Shaped wraps any Source) says its steps, widths and target horizon, so
// that a window misread with another width or a target several samples
// ahead taken as the next one is refused. The CT-RNN and rate models implement
// Worker through the sub-package learn/leaky; spiking models implement it
// themselves, with Surrogate for the spike derivative.
//
// # Optimizers
//
// TrainConfig.Optimizer selects mini-batch Adam/AdamW (the default) or
// full-batch L-BFGS (OptimizerLBFGS, LBFGSConfig): Nocedal and Wright's
// two-loop recursion with a strong-Wolfe line search on the loss of the
// whole training set, each epoch a restart from the current parameters so
// that checkpoints resume bit-exactly. It suits small models once Adam has
// found the basin (the CT-RNN's Lorenz recipe fine-tunes with it). The
// L-BFGS arithmetic is written on package asm's float64 kernels rather than
// taken from gonum/optimize, whose amd64 vector kernels sum in a different
// order from its pure-Go ones: neurodyn's weights must be bit-identical on
// every kernel path.
//
// # Losses
//
// Loss selects the objective of sequence models (LossKind): the output
// after the last step (the reference's one-step forecast), after every step
// (flip-flop), every step from a warm-up on with teacher forcing
// (multi-step), or a free-running rollout that feeds outputs back (closed
// loop) over a horizon that HorizonSchedule can lengthen epoch by epoch,
// optionally with generalized teacher forcing (Loss.Forcing; Feed and
// FeedGrad are its forward and backward steps for models' own loops).
// Every loss is a mean squared error over the predicted elements, as the
// reference's nn.MSELoss.
//
// # Units and precision
//
// Training runs in float32; Params, Adam, Adjoint and the helpers are
// generic over asm.Float so that gradients are checked in float64. The
// interfaces of interfaces.go are float64. Learning rates are per optimizer
// step; epochs are 1-based in histories.
//
// # Layer
//
// Layer 3 of the map in DEVELOPERS.md: it imports asm, ode, export and
// internal packages (and gonum for the orthogonal initializer); ctrnn, rate
// and snn import it, never the reverse.
//
// # Concurrency
//
// Params, Adam, Plateau, Adjoint and Trainer are not safe for concurrent
// use. A Trainer runs a model's Workers concurrently; they must only read
// the parameters.
package learn
