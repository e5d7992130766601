// Package export writes and reads neurodyn's result files: HDF5 (with the
// SONATA layouts for spikes, state reports and networks), NumPy .npz, and the
// provenance every file carries.
//
// # Layer and imports
//
// export is layer 2 of the map in DEVELOPERS.md: it imports nothing of ours
// but internal/... (and asm for the kernel path name). Every package above
// may import it; tasks, analysis, resume code and tests use its readers.
//
// # HDF5 core
//
// Create opens a new file under a temporary name (path + PartialSuffix) with
// the root attribute CompleteAttr = 0; Close sets it to 1, closes the file,
// fsyncs it and renames it to path. A file under its final name is therefore
// always complete, and an existing result is never replaced unless the
// Overwrite option is given. Abort discards a file being written. Open opens
// a file read-only.
//
// Groups are created with (*Group).CreateGroup (intermediate groups too);
// datasets with (*Group).CreateDataset or the generic Write/WriteWith, read
// with Read/ReadAt/ReadAll, grown with Append/Resize. Element types are the
// Elem set (int8 … uint64, float32, float64), stored little-endian like
// NumPy's "<f4", "<u8"; reads convert between numeric types. Datasets above
// 1 KiB are chunked (about 256 KiB of whole rows), byte-shuffled and
// deflated at level 4 unless DatasetOptions says otherwise. Attributes: SetAttr,
// SetAttrSlice, SetStringAttr (variable-length UTF-8, as h5py writes),
// SetEnumAttr (HDF5 enumerations, as SONATA's "sorting"), and their readers.
//
// # Provenance
//
// NewProvenance fills a Provenance with the neurodyn version, git revision,
// Go version, CPU model, architecture, host and UTC creation time; the caller
// adds the configuration text, the seeds and the kernel path. WithProvenance
// attaches it when a file is created; ReadProvenance reads it back.
//
// # .npz
//
// WriteNPZ writes arrays exactly as np.savez does (uncompressed members
// "<name>.npy", C order, little-endian), through codeberg.org/sbinet/npyio;
// ReadNPZ and ReadNPY read them back. The reference tutorial's
// lorenz_data.npz (train/val/test (n,3) float64, mean/std (3,) float64, dt
// 0-d float64, seq_length 0-d int64) is written with NewNPZArray and
// NPZScalar.
//
// # Builds without HDF5
//
// libhdf5 is reached through cgo (gonum.org/v1/hdf5 plus the small shims in
// shim.h) only in builds with cgo && !nohdf5. With CGO_ENABLED=0 or
// -tags nohdf5 the package still compiles, .npz works, and every HDF5
// function returns ErrNoHDF5, whose message says how to install libhdf5.
//
// # Units
//
// Spike times are in ms (attribute units = "ms"); frame reports carry the
// units their writer gives (mV, pA, Hz, or "1" for dimensionless states).
//
// # Concurrency
//
// Calls into libhdf5 are serialised by a package lock (libhdf5 is globally
// locked even when built thread-safe). A File and the groups and datasets
// opened from it must be used by one goroutine at a time; different files may
// be used from different goroutines.
package export
