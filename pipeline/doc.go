// Package pipeline runs the tutorial "RNNs as Computational Dynamical
// Systems" end to end — datasets (notebook 00), the CT-RNN (01), the balanced
// rate network (02), the spiking networks (03), the synthesis with closed-loop
// and dynamical analysis (04) and the flip-flop with fixed points (05) — and
// writes HDF5 files, PNG figures and report.md.
//
// The pipeline is a list of stages (Stages). Each stage stores its Result as
// result.json in its own directory, written atomically when it finishes; a
// later run with the same configuration skips it (resume), so a killed run
// loses nothing finished. report.md is rebuilt from the stored results, so
// its numbers are exactly those the stages reported.
//
// Configuration is TOML (Config; the embedded default is DefaultTOML).
// Unknown keys are rejected and errors name the file, line and key; values
// are validated with errors naming the key and what is allowed.
//
// Layer 6 of DEVELOPERS.md: it may import every library package and sweep
// (its evaluators); the CLI
// (cmd/neurodyn), the C API and Python are thin faces over it. A Run is used
// by one goroutine; stages parallelise inside themselves.
package pipeline
