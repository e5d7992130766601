// Package tasks builds the data every neurodyn model trains and is evaluated
// on: the Lorenz-63 forecasting task and the 3-bit flip-flop memory task,
// exactly as the reference tutorial builds them (seeds give its numbers), and
// any user's multivariate time series, split, normalized and windowed the
// same way.
//
// # Lorenz-63
//
// GenerateLorenz integrates three independent trajectories (train, val,
// test) and a long evaluation trajectory with the adaptive Dormand–Prince
// solver of package ode, from (1,1,1) + 0.1·N(0,1)³ drawn with NumPy's legacy
// generator (package nprand) so the reference's seeds give its initial
// states. Samples are at arange(0, T+transient, dt); the transient is dropped.
// Every split is z-scored with the train mean and population standard
// deviation. Lorenz exports the vector field and its Jacobian.
// Dataset.Symmetries reports the system's reflection symmetry
// (x, y, z) → (−x, −y, z), and Dataset.Reflect maps a split through it: the
// image is another exact trajectory, which a training recipe can add to its
// windows (Join concatenates Sources).
//
// # Windows and batches
//
// A Series holds one normalized split (row-major, samples × Dim) in float64
// and float32. Windows are views over it by index arithmetic: window i
// is the input x[i·stride : i·stride+SeqLength] and the target
// x[i·stride+SeqLength+Horizon−1]. A Batcher copies batches of any Source
// (windows or flip-flop trials) into preallocated float32 buffers, shuffled
// per epoch from an explicit seed, without allocating per batch.
//
// # Flip-flop
//
// GenerateFlipFlop re-seeds an MT19937 per trial and draws in the
// reference's order, reproducing its trials bit for bit.
//
// # User data and files
//
// LoadSeries reads .npy, .npz (a chosen key), HDF5 (a chosen dataset) and CSV
// files; FromSeries splits (by fractions or explicit ranges), normalizes and
// windows them like Lorenz. Datasets are written to HDF5 and to the
// reference's .npz layout through package export.
//
// # Units and conventions
//
// Time is in the system's own units (Lorenz time; flip-flop steps). Data
// passed to models are normalized (z-scored); Denormalize returns original
// units. Configurations are structs whose zero value means the reference's
// defaults; Validate reports bad values as param errors naming the field
// (*nderr.ParamError; errors.Is(err, nderr.ErrInvalid)).
// Every random draw comes from an explicit seed.
//
// # Layer and concurrency
//
// Package tasks is layer 3 of DEVELOPERS.md: it imports ode, export and
// internal packages; models, analysis and the faces import it. Generated
// datasets are read-only after construction and safe for concurrent reads;
// a Batcher is not safe for concurrent use.
package tasks
