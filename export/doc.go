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
// # SONATA reports and networks
//
// SpikeWriter streams spike reports (/spikes/<population>/timestamps in ms,
// node_ids, the enum attribute sorting {none, by_id, by_time}, root
// attributes magic and version); FrameWriter streams frame reports of state
// variables (/report/<population>/data [time × values] float32 and its
// mapping). Both take blocks from the producer (AppendSpikes, AppendFrame;
// they are also the kernel's SpikeSink and FrameSink) and hand them to one
// writer goroutine, so the simulation never waits on libhdf5 unless Buffers
// blocks are already queued; memory is bounded by (blocks being filled +
// Buffers) × BlockBytes. WriteSpikes and WriteFrameReport write whole
// reports, ReadSpikes and ReadFrameReport read them (across segments too).
// ReadSpikes reads SONATA's enum sorting and BMTK's string one, and refuses
// timestamps without a units attribute (ErrNoTimeUnits) unless
// ReadSpikesWith is told the unit. A frame report whose one column is an
// aggregate over its population (a population rate under node id 0) says
// so in the attribute AttrAggregate of mapping/node_ids. A frame report's
// mapping also holds BMTKIndexPointer and BMTKElementPos, the names BMTK
// reads.
// WriteNodes/WriteEdges and ReadNodes/ReadEdges handle SONATA networks,
// with the source_to_target and target_to_source indices libsonata uses
// (each node_id_to_ranges also as BMTKNodeIDToRange, the name BMTK reads);
// WriteTypesCSV writes the node_types.csv and edge_types.csv BMTK needs.
// SONATA datasets are stored uncompressed unless asked (StreamOptions.Deflate,
// the Deflate option): the libsonata wheels on PyPI cannot read deflated
// data.
//
// # Crash safety
//
// libhdf5 1.10 without SWMR does not leave a consistent file after a crash,
// flushed or not. A long recording is therefore written as a series of
// segment files (StreamOptions.SegmentRecords or SegmentInterval, or cuts
// the producer makes, SegmentByCut with SpikeWriter.Cut and FrameWriter.Cut):
// each is closed, fsynced and renamed from *.partial to its final name
// before the next starts, so a kill -9 loses at most the segment being
// written, which stays a *.partial file (Segments lists both kinds;
// (*File).Complete reports false for it), and the records not yet handed
// to the writer (a block being filled per population). Segments by count
// or wall time close when a block reaches the writer, so the populations'
// segments end at different times; a cut hands over every block first and
// records the spike segment's interval (AttrStartMs, AttrStopMs), so the
// complete segments cover the recording up to the last cut.
// TestCrashSafety kills a writer at 24 random moments and checks exactly
// that.
//
// # Checkpoints, histories, sweeps
//
// Array, Table and Checkpoint (parameters, optimizer state, RNG state,
// scalars, training history) go through the same layer: WriteCheckpoint,
// ReadCheckpoint, WriteTableFile, ReadTableFile, WriteArrays, ReadArrays.
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
// ReadNPZ and ReadNPY read them back. EncodeNPZ and DecodeNPZ do the same
// on an io.Writer and an io.Reader (memory, streams). The reference tutorial's
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
// units their writer gives (mV, pA, Hz, or "1" for dimensionless states) and
// a time axis in ms; edge delays are in ms by SONATA convention.
//
// # Concurrency
//
// Calls into libhdf5 are serialised by a package lock (libhdf5 is globally
// locked even when built thread-safe). A File and the groups and datasets
// opened from it must be used by one goroutine at a time; different files may
// be used from different goroutines. A SpikeWriter or FrameWriter has one
// producer goroutine; its writer goroutine owns its files.
package export
