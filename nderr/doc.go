// Package nderr holds the errors every neurodyn package's errors can be
// matched against, for programs outside this module (which cannot import
// neurodyn's internal packages):
//
//   - ErrInvalid: a bad parameter or bad data (the "param errors" of the
//     packages' docs). Every such error of every
//     package matches it (errors.Is(err, nderr.ErrInvalid)), and
//     errors.As(err, &pe) with pe a *nderr.ParamError gives the package,
//     the parameter as the user spells it (a spec key such as
//     "device[0].start_ms", a Go field such as "Horizon"), the value given
//     and what is allowed.
//   - ErrMemoryExceeded: work refused before it started because its memory
//     estimate exceeds the memory limit (the physical memory, the cgroup's
//     limit or the caller's): a training run's tape, a long recording.
//
// The errors of one package (kernel's ErrSpikeReportPopulation,
// ErrNIRUnsupported and ErrCheckpointDamaged, export's ErrExists and
// ErrNoHDF5, learn's ErrNotParamsFile, …) live in it; its docs say which
// of its errors match ErrInvalid as well.
//
// The values are the very ones the library wraps, so that errors.Is holds
// whichever name a program uses. nderr imports nothing of neurodyn but
// internal packages (layer 0 of the map in DEVELOPERS.md): every package
// may import it. It has no state; everything in it is safe for concurrent
// use.
package nderr
