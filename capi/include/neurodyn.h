/*
 * neurodyn.h: the C interface of libneurodyn, neurodyn's simulator of neural
 * dynamics (event-driven spiking networks, CT-RNN and balanced E/I rate
 * networks, the Lorenz-63 and flip-flop tasks, dynamical-systems analysis).
 *
 * This header is written by hand and is the stable contract; the header cgo
 * generates next to the library is not installed. make capi-install puts the
 * library, this header and neurodyn.pc under build/capi/prefix (or
 * CAPI_PREFIX), which is not a system directory: tell pkg-config where
 * neurodyn.pc is, and the program where the library is (an rpath, or
 * LD_LIBRARY_PATH=$PREFIX/lib when it runs). From the source tree:
 *
 *     export PKG_CONFIG_PATH=$PWD/build/capi/prefix/lib/pkgconfig
 *     cc $(pkg-config --cflags neurodyn) app.c $(pkg-config --libs neurodyn) \
 *        -Wl,-rpath,$(pkg-config --variable=libdir neurodyn)
 *
 * (neurodyn.pc carries no rpath: its Libs are -L and -l only, as is
 * conventional.) The library exports the neurodyn_* functions and nothing
 * else.
 *
 * CONVENTIONS
 *
 * Status codes. Every function returns an int status, NEURODYN_OK (0) on
 * success or one of the NEURODYN_ERR_* codes below, except the few marked
 * "never fails" (version queries and the error accessors). A failing call
 * writes no results, except *needed when a string buffer is too small; an
 * object may have changed state when a long operation (a run, a training)
 * fails part way. No Go panic ever crosses into C: an internal failure is
 * recovered and reported as NEURODYN_ERR_INTERNAL, and the object involved
 * then refuses further calls with NEURODYN_ERR_STATE (free it).
 *
 * Error messages. neurodyn_last_error() returns the message of the most
 * recent failed call made by the calling thread (thread-local storage), e.g.
 * "neurodyn_network_spikes: times_ms holds 100 values, 4123 are needed".
 * Messages name the function and the offending argument and say what is
 * allowed; they are at most 4095 bytes. Successful calls do not clear the
 * message (as errno).
 *
 * Handles. Objects (datasets, networks, models) are opaque integer handles of
 * type neurodyn_handle; 0 is never a valid handle. The library never gives C
 * a pointer into its own memory. A handle stays valid until neurodyn_free;
 * a freed, forged or zero handle, or a handle of another kind than the call
 * expects, gives NEURODYN_ERR_HANDLE (handles are small integers: a guessed
 * value that happens to be a live handle of the right kind cannot be told
 * from the real one). Calls on one object are serialized by a
 * lock, so using an object from several threads is safe (but not parallel);
 * different objects run in parallel.
 *
 * Buffers. Results go into caller-owned memory, filled in place during the
 * call and never kept: pass the pointer and its capacity in elements (the
 * *_len argument). Each result has a size query (or returns the size needed
 * in *needed) so the caller can allocate exactly; a buffer that is too small
 * gives NEURODYN_ERR_BUFFER and writes nothing. Input arrays are read during
 * the call only. All arrays are dense and row-major (C order).
 *
 * Strings. Input strings are NUL-terminated UTF-8. String results (JSON,
 * TOML, names) are written NUL-terminated into (buf, buf_len) and the size
 * needed, terminator included, is stored in *needed (which may be NULL);
 * buf may be NULL with buf_len 0 to query the size only.
 *
 * Computed text. Functions that compute a text result (JSON of a fit, a
 * spectrum, a table) store it in *result as a NUL-terminated string allocated
 * by the library, so that nothing is computed twice to learn a size; free it
 * with neurodyn_string_free. *result is untouched when the call fails.
 *
 * JSON. Configurations are JSON objects whose keys are the field names of the
 * corresponding Go configuration structs, spelled exactly (e.g.
 * {"TrainT": 20, "Seed": 42} for a Lorenz dataset; "trainT" is refused);
 * unknown or misspelt keys and a key given twice in one object are
 * NEURODYN_ERR_INVALID errors naming the key (and the known ones), and
 * omitted keys take the documented defaults.
 *
 * Zero means default. A numeric key given as 0 (a boolean as false, a
 * string as "") is the same as an omitted key wherever the Go field
 * documents a default for its zero value, which is most of them: the Go
 * configurations' zero value means "defaults". So {"Epochs": 0} trains 100
 * epochs, {"EvalT": 0} keeps the default eval trajectory and {"Seed": 0} is
 * the Lorenz seed 42. Where the feature can be turned off, a negative value
 * does it: EvalT -1 (no eval trajectory), Patience -1 (no early stopping),
 * ClipNorm -1 (no clipping), InitialNoise -1 (no offset), WarmupMs -1 (no
 * warm-up). The functions below list their zero-valued defaults; the Python
 * package refuses an explicit 0 for the keys where it would surprise. JSON results may contain the
 * tokens NaN, Infinity and -Infinity (as Python's json module reads them);
 * enumerations are written by name, complex numbers as [re, im].
 *
 * Units. Spiking networks: ms, mV, pA, nS, Hz. Rate and CT-RNN models and the
 * tasks: the model's or the data's own time units; data are z-scored.
 *
 * Threads and resources. The library runs Go's runtime, started when it is
 * loaded; GOMAXPROCS in the environment at load time, or
 * neurodyn_set_threads, bounds the threads that compute. A long call (a run,
 * a fit, a harvest, a stream, a training, a closed loop, an evaluation or
 * analysis of a model) computes on a goroutine of the library's own while the
 * calling thread waits for it, so that a network's or reservoir's workers
 * (the "Workers" of its spec or configuration) synchronise among the
 * runtime's threads rather than through the caller's; the status and
 * neurodyn_last_error are still the calling thread's. Allocation failures
 * cannot be recovered in Go, so constructors refuse objects whose estimated
 * memory exceeds a limit (physical memory, or the process's cgroup limit when
 * lower, by default;
 * neurodyn_set_memory_limit). The library cannot be unloaded, and one process
 * must not load two Go c-shared libraries.
 *
 * FORK. After fork() without exec, the child must not call the library at
 * all, not even neurodyn_free: the Go runtime's threads do not exist in the
 * child, and a call may hang forever (not always: it depends on what the
 * runtime was doing when the parent forked). The library cannot detect this for C callers (every
 * function enters Go directly), so it is the caller's rule: fork before the
 * library is loaded, exec in the child, or use processes that load it
 * themselves (posix_spawn; in Python multiprocessing's "spawn" or
 * "forkserver" start methods: the Python package raises StateError in a
 * forked child instead of calling in).
 *
 * Cancelling. A long call (a run, a training, a readout fit, a harvest, a
 * closed loop, an evaluation or analysis of a model) can be stopped from
 * another thread with neurodyn_cancel; the call returns
 * NEURODYN_ERR_CANCELLED and leaves the state described there.
 */
#ifndef NEURODYN_H
#define NEURODYN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the interface this header describes: it changes when a
 * function is removed or changes meaning (additions keep it).
 * neurodyn_abi_version() returns the library's. */
#define NEURODYN_ABI_VERSION 3

/* Status codes. */
enum {
	NEURODYN_OK = 0,
	NEURODYN_ERR_NULL = 1,     /* a required pointer argument is NULL */
	NEURODYN_ERR_BUFFER = 2,   /* a caller buffer is too small (the size query says how large) */
	NEURODYN_ERR_HANDLE = 3,   /* the handle is 0, freed, forged or of another kind */
	NEURODYN_ERR_INVALID = 4,  /* an argument, configuration or data value is not allowed (NaN, range, name, size) */
	NEURODYN_ERR_IO = 5,       /* reading or writing a file failed */
	NEURODYN_ERR_NOHDF5 = 6,   /* the library was built without HDF5 */
	NEURODYN_ERR_STATE = 7,    /* the object cannot do this now (wrong recorder kind, after a failure, ...) */
	NEURODYN_ERR_MEMORY = 8,   /* the request would exceed the memory limit */
	NEURODYN_ERR_INTERNAL = 9, /* a bug in neurodyn: please report the message */
	NEURODYN_ERR_CANCELLED = 10 /* neurodyn_cancel stopped the call (see there for the state left) */
};

/* An object: a dataset, a spiking network or a model. */
typedef uint64_t neurodyn_handle;

/* ---- Library ----------------------------------------------------------- */

/* The library's version, "MAJOR.MINOR.PATCH" (static string). Never fails. */
const char *neurodyn_version(void);

/* The library's interface version (compare with NEURODYN_ABI_VERSION).
 * Never fails. */
int neurodyn_abi_version(void);

/* The message of the calling thread's most recent failed call ("" if none);
 * valid until the thread's next failed call. Never fails. */
const char *neurodyn_last_error(void);

/* The status of the calling thread's most recent failed call (0 if none).
 * Never fails. */
int neurodyn_last_error_code(void);

/* A static name for a status code ("NEURODYN_ERR_BUFFER"; "unknown" for
 * codes not listed above). Never fails. */
const char *neurodyn_status_name(int status);

/* Build information as JSON: version, abi_version, revision, go_version,
 * kernel_path (the SIMD kernels in use), hdf5 (whether HDF5 output is
 * available), threads, memory_limit. */
int neurodyn_build_info(char *buf, int64_t buf_len, int64_t *needed);

/* The number of threads computing (GOMAXPROCS). */
int neurodyn_threads(int32_t *n);

/* Sets the number of threads computing (GOMAXPROCS) to n in [1, 65536] and
 * stores the previous value in *previous (may be NULL). Results never depend
 * on it. */
int neurodyn_set_threads(int32_t n, int32_t *previous);

/* Sets the memory limit constructors and size checks compare their estimates
 * with, in bytes: 0 restores the default (the physical memory, or the
 * cgroup's memory limit when lower: a container's, a batch job's), otherwise
 * between 1 MiB and the physical memory. Stores the previous limit in
 * *previous (may be NULL). */
int neurodyn_set_memory_limit(int64_t bytes, int64_t *previous);

/* The kind of object h is: "lorenz", "series", "flipflop", "network",
 * "ctrnn", "rate", "snn", "reservoir", "esn" (string result). */
int neurodyn_kind(neurodyn_handle h, char *buf, int64_t buf_len, int64_t *needed);

/* Frees a string the library stored in a char **result argument (NULL is
 * allowed). */
int neurodyn_string_free(char *s);

/* Cancels the long calls on object h that are running or waiting for h's
 * lock when it is called, from another thread: they return
 * NEURODYN_ERR_CANCELLED promptly (within about 0.1 s for a run, one batch
 * for a training, one batch of windows, one model step or one solver
 * iteration for the others). Calls made afterwards are not affected, so a
 * cancel that arrives after the call returned does nothing; returns
 * NEURODYN_OK whether or not a call was running. A call that is not
 * cancelled gives the same results, bit for bit, as before it could be.
 * Cancellable calls, and the state they leave (the message says how far
 * they got):
 *   neurodyn_network_run: the network has advanced to the time it had
 *     reached, a whole number of steps (neurodyn_network_time; the message
 *     says how far), exactly as a run of that duration would leave it, and
 *     a later run goes on from there; recordings hold what was simulated.
 *   neurodyn_model_train: the model is left as if training had been asked
 *     for the epochs it finished: the best epoch's parameters when
 *     validation selected one (unless KeepLast), else those after the last
 *     finished epoch, unchanged when none finished (a partly done epoch is
 *     discarded); neurodyn_model_train_result then reports them with Stop
 *     "cancelled".
 *   neurodyn_reservoir_fit, neurodyn_snn_fit_readout: the readout is set
 *     only when a fit completes, so a cancelled fit leaves the object as it
 *     was: a fitted reservoir, ESN or spiking model keeps its previous
 *     readout (and a reservoir its fit in neurodyn_model_info), an unfitted
 *     reservoir or ESN stays unfitted; *result is not set.
 *   neurodyn_reservoir_harvest: the rows of out for the samples finished
 *     (the message gives their number; they grow 64 samples at a time) hold
 *     their features, those of an uncancelled harvest, and the rest of out
 *     is untouched; the reservoir is unchanged.
 *   neurodyn_model_generate: y holds the outputs finished, those of an
 *     uncancelled call: for CT-RNN and rate models the first k outputs of
 *     every stream (the message gives k); for spiking models and
 *     reservoirs, which run their streams one after another, the streams
 *     finished and the first outputs of the next. The rest of y is
 *     untouched; the model is unchanged.
 *   neurodyn_model_stream: the rows of y for the samples finished (the
 *     message gives their number) hold their outputs, the rest of y is
 *     untouched; the model is unchanged.
 *   neurodyn_model_evaluate, neurodyn_model_flipflop_score,
 *   neurodyn_model_valid_time, neurodyn_model_lyapunov,
 *   neurodyn_model_fixed_points, neurodyn_snn_forecast: nothing is
 *     returned (out is untouched, *result is not set) and the model is
 *     unchanged: a figure from part of the work is not the one asked for.
 *   the _cancellable analyses of arrays (neurodyn_token_new: h is their
 *     token): nothing is returned.
 * Other calls run to their end. neurodyn_cancel is not async-signal-safe
 * (it enters Go): a SIGINT handler must not call it, but may set a flag
 * that a thread of the program turns into neurodyn_cancel, or the long
 * call may run in a worker thread while the main thread waits (what the
 * Python package does on Ctrl-C). */
int neurodyn_cancel(neurodyn_handle h);

/* Frees the object h (any kind) and invalidates the handle. Freeing a network
 * closes its SONATA streams (their errors are reported here). */
int neurodyn_free(neurodyn_handle h);

/* ---- Tasks: datasets ----------------------------------------------------
 *
 * A dataset is a normalized, windowed forecasting task with splits "train",
 * "val", "test" and (Lorenz) "eval", z-scored with the train statistics.
 * Window i of a split has inputs x[i*stride : i*stride+seq_length] and target
 * x[i*stride+seq_length+horizon-1]. Datasets are immutable. */

/* The Lorenz-63 dataset (three independent trajectories as the reference
 * tutorial, plus a long "eval" trajectory). config: JSON of tasks.LorenzConfig
 * (Dt, Transient, NoTransient, TrainT, ValT, TestT, EvalT, Seed, Initial,
 * InitialNoise, Rtol, Atol, SeqLength, Horizon, Stride, System {Sigma, Rho,
 * Beta}); NULL or "" means the reference's defaults (20,000 samples plus
 * 100,000 eval samples). Zero, or omitted, means the default: Dt 0 -> 0.01,
 * Transient 0 -> 10 (NoTransient drops nothing), TrainT, ValT, TestT, EvalT
 * 0 -> 140, 30, 30, 1000 (EvalT < 0 skips the eval trajectory: EvalT 0 does
 * not), Seed 0 -> 42, Initial (0,0,0) -> (1,1,1), InitialNoise 0 -> 0.1 (< 0:
 * none), Rtol 0 -> 1e-10, Atol 0 -> 1e-12, SeqLength 0 -> 50, Horizon and
 * Stride 0 -> 1; System's zero parameters -> 10, 28, 8/3. */
int neurodyn_lorenz_new(const char *config, neurodyn_handle *out);

/* A dataset from a user's series data (samples x dim, original units; copied),
 * split in time order and normalized. config: JSON of tasks.SeriesConfig
 * (Name, Dt, TrainFrac, ValFrac, Ranges, SeqLength, Horizon, Stride); NULL
 * means 70/15/15 splits and 50-sample windows. Each omitted (or 0) key takes
 * its default on its own: TrainFrac 0.7, ValFrac 0.15, SeqLength 50.
 * Columns (a list of column indices of data, in the order wanted) selects
 * the variables; without it a first column that counts the rows or
 * increases in equal steps (a time axis: give the sample interval as Dt)
 * is NEURODYN_ERR_INVALID, as `neurodyn analyze --data` refuses such a
 * file: pass Columns [1, 2, ...] to leave it out, [0, 1, ...] to keep it. */
int neurodyn_series_new(const double *data, int64_t samples, int64_t dim, const char *config,
                        neurodyn_handle *out);

/* The dataset's description as JSON: name, dim, dt, seq_length, horizon,
 * stride, mean, std, and per split its samples and windows. */
int neurodyn_dataset_info(neurodyn_handle h, char *buf, int64_t buf_len, int64_t *needed);

/* The size of a split ("train", "val", "test", "eval"): samples and dim. */
int neurodyn_dataset_split_shape(neurodyn_handle h, const char *split, int64_t *samples, int64_t *dim);

/* Copies a split's normalized samples (samples x dim float64) into out. */
int neurodyn_dataset_split(neurodyn_handle h, const char *split, double *out, int64_t out_len);

/* Copies the train mean and standard deviation (dim values each). */
int neurodyn_dataset_stats(neurodyn_handle h, double *mean, double *std, int64_t len);

/* Converts normalized samples to original units in place: x = x*std + mean
 * (len a multiple of dim). */
int neurodyn_dataset_denormalize(neurodyn_handle h, double *x, int64_t len);

/* The number of windows of a split. */
int neurodyn_dataset_window_count(neurodyn_handle h, const char *split, int64_t *count);

/* Copies windows first .. first+count-1 of a split as float32 (what models
 * consume): inputs (count x seq_length x dim) and targets (count x dim);
 * either may be NULL when not wanted (not both). */
int neurodyn_dataset_windows(neurodyn_handle h, const char *split, int64_t first, int64_t count,
                             float *inputs, int64_t inputs_len, float *targets, int64_t targets_len);

/* Writes the dataset: format "hdf5" (every split, statistics, parameters and
 * provenance) or "npz" (the reference tutorial's lorenz_data.npz keys).
 * A path ending in the other format's extension (.npz for "hdf5"; .h5 or
 * .hdf5 for "npz") is NEURODYN_ERR_INVALID. overwrite: 0 refuses to replace
 * an existing file. */
int neurodyn_dataset_write(neurodyn_handle h, const char *path, const char *format, int32_t overwrite);

/* ---- Tasks: flip-flop --------------------------------------------------- */

/* The N-bit flip-flop task (the reference's trials bit for bit). config: JSON
 * of tasks.FlipFlopConfig (Bits, Steps, PulseProb, PulseDuration, InputNoise,
 * NoiseSeed, Seed, TrainTrials, ValTrials, TestTrials); NULL means 3 bits,
 * 100 steps, 800/100/100 trials. */
int neurodyn_flipflop_new(const char *config, neurodyn_handle *out);

/* The shape of a split ("train", "val", "test"): trials, steps, bits. */
int neurodyn_flipflop_shape(neurodyn_handle h, const char *split, int64_t *trials, int64_t *steps, int64_t *bits);

/* Copies a split's inputs (values -1, 0, +1) and targets (0, 1), each
 * trials x steps x bits float32; either may be NULL (not both). */
int neurodyn_flipflop_split(neurodyn_handle h, const char *split, float *inputs, int64_t inputs_len,
                            float *targets, int64_t targets_len);

/* Writes the task to HDF5 (inputs, targets, seeds and pulses per split). */
int neurodyn_flipflop_write(neurodyn_handle h, const char *path, int32_t overwrite);

/* ---- Spiking networks ---------------------------------------------------
 *
 * The network spec is the kernel's one schema (populations, projections,
 * devices, recorders), as TOML or JSON text; see the kernel package
 * documentation or neurodyn_preset_spec for complete examples. Spike times are
 * in ms, neuron ids are indices within their population. */

/* The preset names as a JSON list, sorted: "brunel", "brunel_alpha", "coba", "cobahh", "cuba",
 * "izhikevich2003", "scale", "vogels" (kernel.Presets). */
int neurodyn_presets(char *buf, int64_t buf_len, int64_t *needed);

/* The spec of a preset network as TOML (edit it, then neurodyn_network_new).
 * options: JSON of kernel.PresetOptions (N, K, DtMs, Seed, Workers, Record);
 * NULL means the preset's defaults. An option a preset does not take is an
 * error (K for brunel, brunel_alpha and izhikevich2003), and so is an
 * explicit 0 of N, K, DtMs, Seed or Workers: left out, each takes the
 * preset's default (N: cuba, coba, cobahh 4000, brunel, brunel_alpha 12500,
 * vogels 10000, scale 1000000,
 * izhikevich2003 1000; K: 80, vogels 200, scale 100; DtMs 0.1, izhikevich2003
 * 1; Seed 1; Workers 1), which is what 0 means in kernel.PresetOptions and
 * the CLI's flags. */
int neurodyn_preset_spec(const char *name, const char *options, char *buf, int64_t buf_len, int64_t *needed);

/* Builds a network from a spec. format: "toml", "json" or NULL (JSON if the
 * text starts with '{', else TOML). */
int neurodyn_network_new(const char *spec, const char *format, neurodyn_handle *out);

/* Builds a preset network (neurodyn_preset_spec's arguments). */
int neurodyn_network_preset(const char *name, const char *options, neurodyn_handle *out);

/* The network's spec as TOML (string result), with the step in effect: dt_ms
 * = 0.1 for a spec that left it out (a network built from either restores the
 * other's checkpoints). */
int neurodyn_network_spec(neurodyn_handle h, char *buf, int64_t buf_len, int64_t *needed);

/* Advances the network by duration_ms (>= 0, a multiple of dt).
 * NEURODYN_ERR_MEMORY, before anything runs, when the recorders keeping their
 * data in memory would hold more than the memory limit (neurodyn_set_memory_limit)
 * at the end of the run: a sampled recorder's frames (state, rate,
 * filtered_spikes, weights) are counted exactly, 8 bytes per frame time and 4
 * per value, those held and those due (the message names the recorders, the
 * bytes and the limit); spikes only as held now, 12 bytes each, since how many
 * a run adds depends on the dynamics: bound them with
 * neurodyn_network_clear_spikes between runs or a stream
 * (neurodyn_network_stream_spikes_segmented), and frames with
 * neurodyn_network_clear_frames once fetched (or record fewer neurons, or
 * sample less often).
 * NEURODYN_ERR_STATE after neurodyn_network_close_streams. */
int neurodyn_network_run(neurodyn_handle h, double duration_ms);

/* The simulated time in ms and the step count (either may be NULL). */
int neurodyn_network_time(neurodyn_handle h, double *t_ms, int64_t *step);

/* Counters, written to out[0..len-1] (len <= 6): steps, spikes emitted,
 * synaptic events delivered, synapses stored, bytes of connectivity, build
 * time in ns. */
int neurodyn_network_stats(neurodyn_handle h, int64_t *out, int64_t len);

/* The number of synapses of a projection: projection is its index in the
 * spec, in [0, the number of projections). */
int neurodyn_network_synapse_count(neurodyn_handle h, int32_t projection, int64_t *count);

/* Copies a projection's synapses, ordered by source neuron, then target
 * (repeated pairs in the order built): source and target neuron indices
 * within their populations; weights in the receptor's unit (pA; mV onto
 * lif_delta and izhikevich; nS onto conductance-based neurons) as they are
 * now, signed as stored (a rule's or an edges file's by weights.sign, else
 * by the source population's sign; a list's as given; onto conductance-based
 * neurons, lif_cond, adex_cond and hh_cond, conductances as magnitudes on
 * either receptor); and delays in ms (whole steps of dt: steps x dt).
 * Plasticity changes the weights while the network runs. These are the
 * stored weights, NEST's, which take a pairing with a later postsynaptic
 * spike in only at the source's next spike: they can lag the weights a
 * weights recorder samples and edges.h5 of neurodyn simulate holds, which
 * neurodyn_network_effective_weights gives. Every array has n elements, and
 * n must equal neurodyn_network_synapse_count (a smaller n is
 * NEURODYN_ERR_BUFFER, a larger one NEURODYN_ERR_INVALID; nothing is
 * written then). Any array may be NULL to skip it (not all four, unless the
 * projection has no synapses). */
int neurodyn_network_synapses(neurodyn_handle h, int32_t projection, int64_t *sources, int64_t *targets,
                              float *weights, double *delays_ms, int64_t n);

/* The weights of a projection (its index in the spec) now, in the order,
 * unit and sign of neurodyn_network_synapses, with every STDP pairing
 * whose postsynaptic spike has reached the synapse taken in: the weights a
 * weights recorder samples at the end of the last step run, and those
 * edges.h5 of neurodyn simulate holds. neurodyn_network_synapses gives the
 * stored weights, which take such a pairing in only at the source's next
 * spike; for a projection without long-term plasticity the two are equal.
 * Reading them changes nothing in the network. n must equal
 * neurodyn_network_synapse_count (a smaller n is NEURODYN_ERR_BUFFER, a
 * larger one NEURODYN_ERR_INVALID; nothing is written then); weights may be
 * NULL only if n is 0. */
int neurodyn_network_effective_weights(neurodyn_handle h, int32_t projection, float *weights, int64_t n);

/* The short-term plasticity state of a projection (its index in the spec)
 * at the current time, per source neuron: the utilization u and the
 * available resources x, relaxed since the source's last spike (a source
 * that never fired: u = 0, x = 1); a spike of source j now would act with
 * w*(U + u[j]*(1 - U))*x[j]. *sources (if not NULL) receives the number of
 * source neurons. n must be 0 (u and x may then be NULL: a query of
 * *sources) or that number (a smaller n is NEURODYN_ERR_BUFFER, a larger
 * one NEURODYN_ERR_INVALID). A projection without short_term is
 * NEURODYN_ERR_INVALID. */
int neurodyn_network_short_term_state(neurodyn_handle h, int32_t projection, double *u, double *x, int64_t n,
                                      int64_t *sources);

/* The recorders as JSON: a list of {name, kind, population, neurons,
 * interval_ms, variable, units, spikes_from_ms, next_frame_ms, projection,
 * synapses}. Default names are "<kind>:<population>" ("weights:<projection>").
 * spikes_from_ms (spikes recorders keeping their spikes in memory; else
 * null): the start of the interval they cover (0, the last clear, a restore
 * while empty). next_frame_ms (sampled recorders): the time of the next
 * frame. projection and synapses: a weights recorder's projection name and
 * synapses recorded, the frame columns (its neurons are []); "" and [] for
 * the other kinds. */
int neurodyn_network_recorders(neurodyn_handle h, char *buf, int64_t buf_len, int64_t *needed);

/* The number of spikes a spikes recorder holds. */
int neurodyn_network_spike_count(neurodyn_handle h, const char *recorder, int64_t *count);

/* Copies spikes offset .. offset+len-1 (at most the number held) of a spikes
 * recorder, in time order: times in ms and neuron ids. Either array may be
 * NULL (not both); *copied (may be NULL) gets the number copied. */
int neurodyn_network_spikes(neurodyn_handle h, const char *recorder, int64_t offset, double *times_ms,
                            uint32_t *ids, int64_t len, int64_t *copied);

/* Drops the spikes held by a spikes recorder (NULL: by every one), e.g. after
 * fetching them, to bound memory over long runs. */
int neurodyn_network_clear_spikes(neurodyn_handle h, const char *recorder);

/* Drops the frames held by a sampled recorder (NULL: by every one), e.g.
 * after fetching them, so that a long run keeps only the frames since: the
 * memory check of neurodyn_network_run counts the frames held plus those
 * the run will add. A spikes recorder is NEURODYN_ERR_STATE. */
int neurodyn_network_clear_frames(neurodyn_handle h, const char *recorder);

/* The frames a sampled recorder (state, rate, filtered_spikes, weights)
 * holds: frames and values per frame. */
int neurodyn_network_frame_shape(neurodyn_handle h, const char *recorder, int64_t *frames, int64_t *width);

/* Copies a sampled recorder's frame times (ms, frames values) and values
 * (frames x width float32), with frames and width as
 * neurodyn_network_frame_shape reports them: exactly that many values are
 * written, and a buffer shorter than that is an error (NEURODYN_ERR_BUFFER)
 * that writes nothing. Either may be NULL (not both). */
int neurodyn_network_frames(neurodyn_handle h, const char *recorder, double *times_ms, int64_t times_len,
                            float *values, int64_t values_len);

/* Replaces the series of a time_series device (samples x dim, the device's
 * dimension; copied) and restarts it at the current step. */
int neurodyn_network_set_series(neurodyn_handle h, const char *device, const double *series, int64_t samples,
                                int64_t dim);

/* Writes the network's full dynamic state to a file; neurodyn_network_restore
 * on a network built from the same spec (any number of workers) continues
 * bit-identically, time_series devices with the series set_series put in.
 * Recorded data are not part of it. The file ends in a CRC-32C checksum.
 * overwrite: 0 refuses to replace an existing file (NEURODYN_ERR_IO, the
 * file kept), 1 replaces it atomically; a path that is a directory, or in a
 * missing directory, is NEURODYN_ERR_IO before anything is written.
 * (Interface 3: interface 2 had no overwrite and replaced any file.) */
int neurodyn_network_checkpoint(neurodyn_handle h, const char *path, int32_t overwrite);

/* Restores a state written by neurodyn_network_checkpoint. A damaged file
 * (its checksum does not match), another network's or a truncated one is
 * NEURODYN_ERR_INVALID and leaves the network as it was. */
int neurodyn_network_restore(neurodyn_handle h, const char *path);

/* Sorting of SONATA spike files. */
enum { NEURODYN_SORT_NONE = 0, NEURODYN_SORT_BY_ID = 1, NEURODYN_SORT_BY_TIME = 2 };

/* Writes the spikes held by every spikes recorder to one SONATA spike file
 * (/spikes/<population>/timestamps in ms and node_ids: each recorder under its
 * neuron population's name; two spikes recorders of one population are
 * NEURODYN_ERR_INVALID, as the file holds each population once), sorted as asked, with
 * the network's provenance and the interval the spikes cover as the root
 * attributes t_start_ms, t_stop_ms: (last neurodyn_network_clear_spikes of
 * every recorder, or restore, or 0; now]. When the recorders' memories cover
 * different intervals (one of several cleared, a restore onto recorded
 * spikes) the interval is left out. */
int neurodyn_network_write_spikes(neurodyn_handle h, const char *path, int32_t sorting, int32_t overwrite);

/* Writes the frames held by a sampled recorder as a SONATA frame report
 * (/report/<population>/data, mapping with node ids and times). A weights
 * recorder's population is its projection's name (its edge population in
 * edges.h5), its node ids the synapses' source neurons and its element ids
 * the synapses' indices (edge ids); its values are the weights as sampled,
 * conductances as magnitudes (edges.h5 writes those of the inh receptor
 * negative). A recorder of no column (a weights recorder of a projection
 * without synapses, a state recorder of neurons = []) has no report:
 * NEURODYN_ERR_INVALID, naming it. */
int neurodyn_network_write_frames(neurodyn_handle h, const char *recorder, const char *path, int32_t overwrite);

/* Streams every spikes recorder to a SONATA spike file (/spikes/<population>,
 * one spikes recorder per population, as neurodyn_network_write_spikes) while the network runs
 * (bounded memory; the spikes then no longer stay in memory: the recorders'
 * counts and copies are NEURODYN_ERR_STATE). Call before the first run; the
 * file is complete after neurodyn_network_close_streams or neurodyn_free, and
 * records the interval it covers (t_start_ms: the time it was attached;
 * t_stop_ms: the time it was closed). Until then the spikes are held in
 * blocks of 1 MiB (65,536 spikes) per population, and full blocks written to
 * path.partial: a process that exits (returns from main, exit(), a crash)
 * without closing the stream or freeing the network leaves no file at path,
 * only path.partial with the full blocks, or nothing at all before the first
 * block filled (a 2,000 ms run of the 1,000-neuron cuba preset). A program
 * that may stop early streams in segments
 * (neurodyn_network_stream_spikes_segmented), each complete once closed. */
int neurodyn_network_stream_spikes(neurodyn_handle h, const char *path, int32_t sorting, int32_t overwrite);

/* neurodyn_network_stream_spikes in crash-safe segments: path "s.h5" is
 * written as s.000000.h5, s.000001.h5, ..., each a complete SONATA spike file
 * once closed. neurodyn_network_cut_streams closes a segment between runs
 * with every spike so far, recording the interval it covers (from the
 * previous cut); a segment is also closed when a block of spikes brings it
 * to at least segment_records spikes (0: not by count) or after
 * segment_seconds of wall time (0: not by time; checked when a block is
 * written), with the blocks written so far (the populations' segments then
 * end at different times). A process killed (kill -9) loses the segment
 * being written, left as s.NNNNNN.h5.partial, and the spikes not yet handed
 * to the writer (at most a block, 1 MiB, per population); the closed
 * segments read as one recording (neurodyn.interop.read_spikes of them in
 * order). The last segment, written at neurodyn_network_close_streams,
 * records the interval from the last cut. NEURODYN_ERR_INVALID for a
 * negative count, or seconds negative, not finite or above 1e9. */
int neurodyn_network_stream_spikes_segmented(neurodyn_handle h, const char *path, int32_t sorting, int32_t overwrite,
                                             int64_t segment_records, double segment_seconds);

/* Closes the current segment of a stream attached with
 * neurodyn_network_stream_spikes_segmented, between runs: it holds every
 * spike recorded so far and the interval it covers, (previous cut or the
 * stream's start, now] ms (none when a restore mixed two runs' spikes in
 * it). Call it every so often of simulated time (what neurodyn simulate
 * --segment-ms does): a process killed later keeps every spike up to the
 * last cut. NEURODYN_ERR_STATE without such a stream. */
int neurodyn_network_cut_streams(neurodyn_handle h);

/* Finishes and closes the network's SONATA streams (the last segment of a
 * segmented one): their files are complete when it returns, covering the
 * interval up to now. The network cannot run further afterwards:
 * neurodyn_network_run is then NEURODYN_ERR_STATE (a file's interval ends
 * here, and the recorders have no sink to go on with); everything else
 * (time, frames, checkpoint, synapses) still works, and a network built anew
 * and restored from a checkpoint goes on. Without a stream it does nothing
 * and returns NEURODYN_OK. */
int neurodyn_network_close_streams(neurodyn_handle h);

/* ---- Models --------------------------------------------------------------
 *
 * Trainable models: the CT-RNN ("ctrnn"), the balanced E/I rate network
 * ("rate") and the recurrent E/I spiking network ("snn"), all float32 and
 * trained by gradient. Reservoirs: the liquid-state machine on the spiking
 * engine ("reservoir") and the echo-state network ("esn"), whose linear
 * readout is fitted in closed form (neurodyn_reservoir_fit). The
 * neurodyn_model_* functions take any model kind where it makes sense: info,
 * dims, predict, generate and valid_time take every kind (a reservoir once
 * fitted; it runs its sequences one after the other); the others need a
 * trainable model and give NEURODYN_ERR_HANDLE otherwise. Inputs and outputs
 * are in normalized units; sequences are sample-major: x is n x steps x
 * inputs. */

/* A CT-RNN, tau dh/dt = -h + phi(W_rec h + W_in x + b), y = D h + d, with the
 * reference's seeded initialization. config: JSON of ctrnn.Config (Hidden,
 * Inputs, Outputs, Tau, Activation "tanh"|"relu"|"sigmoid", Solver
 * "euler"|"midpoint"|"rk4"|"rk38"|"dopri5", Interval, Substeps, Rtol, Atol,
 * SampleDt, Seed); NULL means the reference's 64-unit Lorenz model.
 * Substeps is in [1, 100000] (solver steps per sample interval). */
int neurodyn_ctrnn_new(const char *config, neurodyn_handle *out);

/* A balanced E/I rate network with Dale's law. config: JSON of rate.Config
 * (NE, NI, Inputs, Outputs, TauE, TauI, Dt, Activation, Dale
 * "abs"|"softplus"|"relu", Init "gaussian"|"uniform", RecScale, G, BiasInit,
 * ConnProb, Solver, Substeps, SampleDt, Seed); NULL means notebook 02's
 * 48 E / 16 I network. Substeps is in [1, 100000]. */
int neurodyn_rate_new(const char *config, neurodyn_handle *out);

/* The model's description as JSON: kind, config, inputs, outputs, state_dim,
 * num_params, tensors (name, shape, offset, frozen) in parameter order, and
 * for spiking models counts (parameters, synapses), for reservoirs features
 * (spike features; an ESN's: its units) and the last fit (of a model opened
 * from a file: the stored fit, or for `neurodyn train`'s files, which store
 * none, the readout's Lambda and Features). */
int neurodyn_model_info(neurodyn_handle h, char *buf, int64_t buf_len, int64_t *needed);

/* The model's sizes (any pointer may be NULL): inputs, outputs, state
 * dimension (the length of its full stream state), number of trainable
 * parameter values (0 for reservoirs). */
int neurodyn_model_dims(neurodyn_handle h, int64_t *inputs, int64_t *outputs, int64_t *state_dim,
                        int64_t *num_params);

/* Copies all parameter values (float32, in tensor order) into out. */
int neurodyn_model_params(neurodyn_handle h, float *out, int64_t out_len);

/* Replaces all parameter values (exactly num_params finite values). */
int neurodyn_model_set_params(neurodyn_handle h, const float *params, int64_t len);

/* Trains the model on a task handle (a Lorenz or series dataset: one-step
 * forecasts on its train windows, validated on val; or a flip-flop task: every
 * step of each trial). config: JSON of learn.TrainConfig (Epochs, BatchSize,
 * Adam {LR, Beta1, Beta2, Eps, WeightDecay, Decoupled}, ClipNorm, Plateau,
 * Patience, KeepLast, Loss, Seed, Shards, Workers, Checkpoint,
 * CheckpointEvery, Resume, Overwrite, MaxDuration in ns, >= 0) plus Window,
 * Stride and ValWindow (datasets only). Checkpoint is a path ending in .npz,
 * .h5 or .hdf5 (another extension is NEURODYN_ERR_INVALID) in an existing
 * directory (else NEURODYN_ERR_IO before training); an existing file there
 * is NEURODYN_ERR_IO, the file kept, unless "Overwrite": true or
 * "Resume": true continues from it. Zero, or omitted, means the default: Epochs
 * 0 -> 100 (an explicit 0 trains 100 epochs, not none), BatchSize 0 -> 64,
 * ValBatch 0 -> 256, Patience 0 -> 20 (< 0: no early stopping), ClipNorm
 * 0 -> 1 (< 0: no clipping), Shards 0 -> 1, CheckpointEvery 0 -> 1, Window
 * and ValWindow 0 -> the dataset's SeqLength, Stride 0 -> 1. The result is
 * kept for neurodyn_model_train_result. neurodyn_cancel from another thread
 * stops training within one batch (NEURODYN_ERR_CANCELLED; the model keeps
 * the parameters of a finished epoch, see there); else budget it with
 * Epochs or MaxDuration. A training that fails (a non-finite loss or
 * gradient, a checkpoint that cannot be written) leaves the parameters as a
 * cancelled one does: the best epoch's when validation selected one (unless
 * KeepLast), else the last finished epoch's, else those before the call.
 * Training on a dataset sets a CT-RNN's or rate network's SampleDt to the
 * dataset's dt (as `neurodyn train` does; it does not enter the dynamics: it
 * is the time unit of neurodyn_model_lyapunov), and
 * neurodyn_model_valid_time takes the dataset's dt and lambda1 by default
 * (as neurodyn_reservoir_fit's and neurodyn_snn_fit_readout's dataset). */
int neurodyn_model_train(neurodyn_handle h, neurodyn_handle task, const char *config);

/* The last training's result as JSON (History per epoch, Epochs, BestEpoch,
 * BestVal, Restored, Stop, Seconds). */
int neurodyn_model_train_result(neurodyn_handle h, char *buf, int64_t buf_len, int64_t *needed);

/* One-step forecasts: runs n sequences x (n x steps x inputs) from the zero
 * state and writes the output after the last step (n x outputs) to y. */
int neurodyn_model_predict(neurodyn_handle h, const float *x, int64_t n, int64_t steps, float *y, int64_t y_len);

/* Runs n sequences from the zero state and writes the output after every
 * step (n x steps x outputs) to y and, if hidden is not NULL, the state at
 * every boundary h_0 .. h_steps (n x (steps+1) x state_dim; CT-RNN and rate
 * models only: a spiking model needs hidden = NULL). */
int neurodyn_model_forward(neurodyn_handle h, const float *x, int64_t n, int64_t steps, float *y, int64_t y_len,
                           float *hidden, int64_t hidden_len);

/* Closed loop: each of n streams warms up on its warmup observed inputs
 * (warm: n x warmup x inputs) from the zero state, then feeds its output back
 * for steps steps; y gets n x steps x outputs, output 0 being the prediction
 * after the last warm-up input. Needs inputs == outputs. Cancellable
 * (neurodyn_cancel: y keeps the outputs finished). */
int neurodyn_model_generate(neurodyn_handle h, const float *warm, int64_t n, int64_t warmup, int64_t steps,
                            float *y, int64_t y_len);

/* Teacher-forced stream: runs the model (any kind) from its reset state over
 * the observed series x (samples x dim, dim == inputs) and writes the output
 * after every sample, the prediction of the next one (samples x outputs,
 * float64). Cancellable (neurodyn_cancel: y keeps the rows finished). */
int neurodyn_model_stream(neurodyn_handle h, const double *x, int64_t samples, int64_t dim, double *y, int64_t y_len);

/* One-step forecast metrics of the model on every window of a dataset split,
 * in original units (see neurodyn_metrics for the layout of out).
 * Cancellable (neurodyn_cancel). */
int neurodyn_model_evaluate(neurodyn_handle h, neurodyn_handle dataset, const char *split, double *out,
                            int64_t out_len);

/* Flip-flop evaluation on a split: out[0] = mean squared error over every
 * step and bit, out[1] = fraction of bits right after thresholding at 0.5.
 * Cancellable (neurodyn_cancel). */
int neurodyn_model_flipflop_score(neurodyn_handle h, neurodyn_handle flipflop, const char *split, double *out,
                                  int64_t out_len);

/* Closed-loop skill (valid prediction time) on a normalized trajectory traj
 * (samples x dim, dim == inputs == outputs). config: JSON of
 * analysis.ClosedLoopConfig (Starts, Warmup, Horizon, Threshold, Dt, Lambda1,
 * Curve); the result is JSON of analysis.ValidTimes plus median_ci95_lyapunov,
 * the 95% confidence interval of the median in Lyapunov times (NaN, NaN with
 * fewer than 6 starts), and lambda1_source, where Lambda1 came from.
 * Dt (the data time per sample) and Lambda1 (the true system's largest
 * Lyapunov exponent per that time unit) left out or 0 come from the dataset
 * the model was last trained or fitted on in this process, as `neurodyn
 * train` takes them: its dt, and its system's lambda1 (Lorenz-63: 0.906 at
 * sigma 10, rho 28, beta 8/3, else from its Jacobian; a series: Rosenstein's
 * estimate on variable 0 of its train split; NEURODYN_ERR_INVALID saying
 * why when there is none, e.g. a periodic series: give Lambda1). A model
 * not trained here takes a CT-RNN's or rate network's SampleDt (or 0.01)
 * and Lorenz-63's 0.906. Cancellable (neurodyn_cancel). */
int neurodyn_model_valid_time(neurodyn_handle h, const double *traj, int64_t samples, int64_t dim,
                              const char *config, char **result);

/* The Lyapunov spectrum of a CT-RNN or rate model run closed loop
 * (Benettin/QR on its step Jacobians) after warming up on warm (warmup x
 * inputs, normalized); spiking models have no step Jacobian
 * (NEURODYN_ERR_STATE). config:
 * JSON of analysis.MapSpectrumConfig (K, Transient, Steps, Renorm, Blocks,
 * Checkpoints, Seed: the random orthonormal start of the tangent vectors);
 * the result is JSON of analysis.Spectrum plus kaplan_yorke (StdErr NaN with
 * a single block).
 * Exponents are per time unit of the model's SampleDt. Cancellable
 * (neurodyn_cancel: checked before every step). */
int neurodyn_model_lyapunov(neurodyn_handle h, const double *warm, int64_t warmup, const char *config, char **result);

/* Fixed points and slow points of a CT-RNN or rate model's flow dh/dt =
 * F(h, x) at the constant input x (inputs values), searched from states the
 * model visits (visited: rows x state_dim, e.g. neurodyn_model_forward's
 * hidden) by L-BFGS and Newton refinement, each classified by its Jacobian's
 * eigenvalues. config: JSON of analysis.FixedPointConfig (Starts, Noise, Seed,
 * MaxIter, NewtonIter, FixedTol, SlowSpeed, SlowSteps, SlowDt, SlowDrift,
 * DedupTol, SlowDedupTol, EigTol); *result: JSON of analysis.FixedPointResult
 * (Points with H, Output, Speed, Slow, Eigenvalues as [re, im], Kind,
 * Unstable; Rejected; Scale). Cancellable (neurodyn_cancel: checked before
 * every start and every L-BFGS and Newton iteration). */
int neurodyn_model_fixed_points(neurodyn_handle h, const double *input, int64_t inputs, const double *visited,
                                int64_t rows, int64_t state_dim, const char *config, char **result);

/* Saves the parameters to a file: HDF5 for a path ending in ".h5" or ".hdf5"
 * (one float32 dataset per tensor at "params/<name>", metadata in the root
 * attribute "neurodyn_model"), NumPy for ".npz" (one member per tensor,
 * metadata as the uint8 member "neurodyn_model"); another extension is
 * NEURODYN_ERR_INVALID. The metadata is JSON: the model's kind, its
 * configuration with defaults and provenance (neurodyn_version,
 * git_revision, build_id, go_version, config, seeds, created_utc, ...).
 * overwrite: 0 refuses to replace an existing file (NEURODYN_ERR_IO, the
 * file kept), 1 replaces it atomically. neurodyn_model_load and
 * neurodyn_model_open read both formats. (Interface 2: interface 1 had no
 * overwrite and replaced any file.)
 * A fitted reservoir or ESN is saved as `neurodyn train` saves it: .npz only
 * (another extension is NEURODYN_ERR_INVALID), the readout (readout.W,
 * readout.B, readout.lambda) and the metadata: kind, configuration with its
 * seed, dim (its number of variables), fit (as neurodyn_reservoir_fit
 * returned it; NaN numbers as null) and provenance. neurodyn_model_open
 * rebuilds the network from its seed: the same predictions, bit for bit.
 * An unfitted one is NEURODYN_ERR_STATE. */
int neurodyn_model_save(neurodyn_handle h, const char *path, int32_t overwrite);

/* Loads parameters into a model from a file written by neurodyn_model_save,
 * `neurodyn train` or the tutorial, or from a training checkpoint (best !=
 * 0: the best parameters of a checkpoint). A file holding a configuration is
 * refused (NEURODYN_ERR_INVALID, the model unchanged) when it is of another
 * kind, or when its configuration differs from the model's in the dynamics
 * or the parameter layout; the message names every differing field, stored
 * and given values (initialization seeds and scales, and training-only
 * options, are not compared). A file with a tensor the model does not have,
 * or without one it has, is refused too. To get the model a file describes,
 * use neurodyn_model_open. */
int neurodyn_model_load(neurodyn_handle h, const char *path, int32_t best);

/* Opens the model file at path (.npz from `neurodyn train`, the tutorial or
 * neurodyn_model_save; .h5/.hdf5 from neurodyn_model_save) with the
 * configuration stored in it, and returns a new handle of the model's kind:
 * a CT-RNN, rate or spiking model with the file's parameters, or — from
 * train's and the tutorial's files and neurodyn_model_save's of a reservoir
 * or ESN, which hold the readout, its
 * configuration, seed and number of variables — a reservoir or echo-state
 * network rebuilt from its seed with the stored readout (ready to predict).
 * neurodyn_model_info gives the kind and configuration. A file without
 * kind and configuration (a training checkpoint) is NEURODYN_ERR_INVALID. */
int neurodyn_model_open(const char *path, neurodyn_handle *out);

/* Balance metrics of a rate model over k states (k x state_dim, rows
 * [r_E, r_I], e.g. from neurodyn_model_forward's hidden), as JSON of
 * rate.Balance. */
int neurodyn_rate_balance(neurodyn_handle h, const double *states, int64_t k, int64_t state_dim, char **result);

/* The signed effective recurrent matrix of a rate model,
 * [[T(W_ee), -T(W_ei)], [T(W_ie), -T(W_ii)]] (N x N, N = NE + NI). */
int neurodyn_rate_weights(neurodyn_handle h, double *out, int64_t out_len);

/* ---- Spiking models and reservoirs ------------------------------------- */

/* A recurrent E/I network of LIF neurons trained by surrogate gradients.
 * config: JSON of snn.Config (NE, NI, Inputs, Outputs, DtMs, SubSteps,
 * TauMemEMs, TauMemIMs, TauSynMs, VTh, VReset, VLeak, R, RefractoryMs,
 * Discretization "euler"|"exact", Reset "hard"|"soft", DetachReset, P, G,
 * WeightScale, WeightMean, InputScale, InputBias, BiasMean, BiasStd, Dale
 * "relu"|"abs"|"softplus", Surrogate {Kind "superspike"|"fastsigmoid"|
 * "triangle"|"sigmoid"|"straightthrough"|"arctan", Alpha}, Readout
 * "count"|"filtered"|"membrane", ReadoutTauMs, ReadoutAll, Skip,
 * FreezeRecurrent, FreezeInput, Seed); NULL means notebook 03's 128 E / 32 I
 * network at dt 1 ms. */
int neurodyn_snn_new(const char *config, neurodyn_handle *out);

/* One-step forecasts of every window of a dataset split, in original units,
 * as JSON of snn.Forecast: RMSE, MAE, SilencedRMSE (spike features set to
 * zero), RateE, RateI (Hz), RatesBelow1Hz, RatesAbove50Hz, Windows.
 * Cancellable (neurodyn_cancel). */
int neurodyn_snn_forecast(neurodyn_handle h, neurodyn_handle dataset, const char *split, char **result);

/* Sets the spiking model's readout by ridge regression on the dataset's train
 * windows (features after every sample from warmup-1 on), the regularization
 * chosen on its val windows; the result is JSON of snn.ReadoutFit.
 * Cancellable (neurodyn_cancel: the previous readout is kept). */
int neurodyn_snn_fit_readout(neurodyn_handle h, neurodyn_handle dataset, int64_t warmup, char **result);

/* The effective recurrent weights of a spiking model (N x N float32, row =
 * post-synaptic neuron, E first, Dale signs and masks applied). */
int neurodyn_snn_weights(neurodyn_handle h, float *out, int64_t out_len);

/* Writes the spiking model as a NIR graph (HDF5, read by the nir package;
 * not by snnTorch 1.0.0 or Norse 1.1.0, which map no LI node: Input, Affine,
 * CubaLIF, Linear recurrence, LI filters, readout, Output), whose meaning
 * under NIR's continuous equations is the model (snn.Model.NIRWith). Needs
 * the filtered readout, a hard reset, binary spikes and, with the Euler
 * step, time constants longer than dt (else NEURODYN_ERR_INVALID). */
int neurodyn_snn_write_nir(neurodyn_handle h, const char *path, int32_t overwrite);

/* A liquid-state machine for inputs of dim dimensions: a fixed random E/I
 * network simulated by the event-driven engine, read out from exponentially
 * filtered spike trains plus the input and a bias. config: JSON of
 * snn.ReservoirConfig (N, FracE, DtMs, SampleMs, TauMemMs, TauSynMs,
 * RefractoryMs, InputScale, BiasMean, BiasStd, P, WeightPA, G, DelayMs,
 * ReadoutTauMs, Washout, TrainSamples, Lambdas, Seed, Workers); NULL means
 * 800 E / 200 I neurons and 2,000 spike features. */
int neurodyn_reservoir_new(const char *config, int64_t dim, neurodyn_handle *out);

/* An echo-state network (tanh rate reservoir) for inputs of dim dimensions.
 * config: JSON of snn.ESNConfig (N, Density, SpectralRadius, Leak,
 * InputScale, BiasScale, Washout, Lambdas, Seed); NULL means 500 units. */
int neurodyn_esn_new(const char *config, int64_t dim, neurodyn_handle *out);

/* Fits a reservoir's or an ESN's readout by ridge regression on a dataset
 * (one stream per split; the regularization chosen on val) and returns the
 * fit as JSON (snn.ReservoirFit or snn.ESNFit: Lambda, ValRMSE, TestRMSE,
 * TestMAE in original units, and for reservoirs SilencedRMSE, InputOnlyRMSE,
 * firing rates and timings). Cancellable (neurodyn_cancel: checked between
 * pieces of the runs and between the regularizations tried; a cancelled
 * fit keeps the previous readout, or leaves the reservoir unfitted). */
int neurodyn_reservoir_fit(neurodyn_handle h, neurodyn_handle dataset, char **result);

/* Runs a reservoir from its initial state over a series x (samples x dim,
 * normalized) and writes its spike features after every sample (samples x
 * features float32; features from neurodyn_model_info). Cancellable
 * (neurodyn_cancel: out keeps the rows finished). */
int neurodyn_reservoir_harvest(neurodyn_handle h, const double *x, int64_t samples, int64_t dim, float *out,
                               int64_t out_len);

/* ---- Analysis on caller arrays ------------------------------------------ */

/* Number of values neurodyn_metrics writes for dim variables: 8 + dim. */
#define NEURODYN_METRICS_LEN(dim) (8 + (dim))

/* Forecast metrics of pred against truth (samples x dim each). out gets
 * 8 + dim values: MSE, RMSE, MAE, NRMSE by range, NRMSE by std, mean of the
 * per-variable R^2, the reference's grand-mean R^2, Pearson r, then the R^2
 * of each variable. */
int neurodyn_metrics(const double *pred, const double *truth, int64_t samples, int64_t dim, double *out,
                     int64_t out_len);

/* Fits the baselines (persistence, linear extrapolation, train mean, AR(k),
 * NVAR) on a dataset and evaluates them on its test split in original units.
 * config: JSON of analysis.BaselineConfig (MaxARLag, NVARLags, Ridge). The
 * result is a JSON list of {name, params, metrics}. */
int neurodyn_baselines(neurodyn_handle dataset, const char *config, char **result);

/* Integrates Lorenz-63 (sigma, rho, beta; NaN or 0 for 10, 28, 8/3, so a
 * system with a zero parameter cannot be integrated here) from x0[3]
 * with the adaptive Dormand-Prince solver (rtol 1e-10, atol 1e-12), drops
 * transient time units and writes samples x 3 values dt apart. The span
 * transient + samples*dt is at most 1e7 time units. */
int neurodyn_lorenz_integrate(const double *x0, double sigma, double rho, double beta, double dt, double transient,
                              int64_t samples, double *out, int64_t out_len);

/* Rows of the delay embedding of x (samples x dim) with dimension m and lag
 * tau: samples - (m-1)*tau (0 if that is negative). */
int neurodyn_delay_embed_rows(int64_t samples, int64_t m, int64_t tau, int64_t *rows);

/* The delay embedding of x (samples x dim, samples > (m-1)*tau): row i is
 * (x_i, x_{i+tau}, ..., x_{i+(m-1)tau}), rows x (m*dim) values. */
int neurodyn_delay_embed(const double *x, int64_t samples, int64_t dim, int64_t m, int64_t tau, double *out,
                         int64_t out_len);

/* Auto mutual information (nats) of a scalar series for lags 0..max_lag
 * (max_lag+1 values); bins 0 chooses the histogram size. */
int neurodyn_mutual_information(const double *x, int64_t n, int64_t max_lag, int64_t bins, double *out,
                                int64_t out_len);

/* The embedding lag of a scalar series (first significant minimum of the auto
 * mutual information). */
int neurodyn_auto_lag(const double *x, int64_t n, int64_t *lag);

/* Fractions of false nearest neighbours of a scalar series for embedding
 * dimensions 1..max_dim (max_dim values). */
int neurodyn_false_neighbours(const double *x, int64_t n, int64_t tau, int64_t max_dim, int64_t theiler, double *out,
                              int64_t out_len);

/* The largest Lyapunov exponent of a series (samples x dim) by Rosenstein's
 * method. config: JSON of analysis.RosensteinConfig (Dt, EmbedDim, Lag,
 * Theiler, Horizon, FitStart, FitEnd); the result is JSON of
 * analysis.Rosenstein (Lambda, Diverges, Curve, FitStart, FitEnd, FitR2,
 * EmbedDim, Lag, Theiler, Pairs, FalseNeighbours). With EmbedDim 0 on a series
 * whose false nearest neighbours stay above 1% up to m = 10 (noise, a
 * stochastic series) the call fails with NEURODYN_ERR_INVALID naming EmbedDim.
 * When the divergence curve does not rise (a periodic or quasi-periodic
 * series) Diverges is false and Lambda and FitR2 are NaN (written NaN). */
int neurodyn_lyapunov_series(const double *x, int64_t samples, int64_t dim, const char *config, char **result);

/* The correlation dimension D2 of a series (samples x dim) by the
 * Grassberger-Procaccia correlation sums with an automatic scaling region.
 * config: JSON of analysis.DimensionConfig (Theiler, Centers, Seed, Radii,
 * RMin, RMax, MinPairs, Tolerance, MinSpan, FitLo, FitHi); *result: JSON of
 * analysis.Dimension (D2, Radii, C, Slopes, FitLo, FitHi, Found, Note, ...). */
int neurodyn_correlation_dimension(const double *x, int64_t samples, int64_t dim, const char *config, char **result);

/* The exact Lyapunov spectrum of n leaky integrate-and-fire neurons coupled
 * by instantaneous inhibitory pulses (analysis.PulseLIF), in continuous
 * time: potentials relax with tau_ms towards v_inf_mv[i], fire at v_th_mv
 * and are reset to v_reset_mv < v_th_mv; v0_mv[i] < v_th_mv are the initial
 * potentials. The synapses sources[k] -> targets[k] (indices in [0, n)) are
 * pulses of weights_mv[k] <= 0 mV (rounded to float; synapses may be 0, the
 * arrays then NULL). config: JSON of analysis.PulseLIFConfig (K, WarmupMs,
 * DurationMs, RenormMs, Blocks, Checkpoints; 0 means the default, WarmupMs < 0
 * no warm-up); *result:
 * JSON of analysis.PulseLIFSpectrum (Exponents and StdErr in 1/s, Time in s,
 * Renorms, History, HistoryTime, Spikes, RateHz, ISICV, ContractionRate: the
 * exact sum of all n exponents). */
int neurodyn_pulse_lif_lyapunov(double tau_ms, double v_th_mv, double v_reset_mv, const double *v_inf_mv,
                                const double *v0_mv, int64_t n, const int64_t *sources, const int64_t *targets,
                                const double *weights_mv, int64_t synapses, const char *config, char **result);

/* Spike-train statistics of neurons neurons over [t0, t1) ms from spikes
 * (times_ms, ids): *result is JSON of analysis.SpikeStats (Neurons, Spikes,
 * WindowMs, MeanRate, StdRate, Silent, MeanCV, MeanFano, MeanCorr, PeakHz;
 * counts in bins of bin_ms, correlation pairs drawn with seed). */
int neurodyn_spike_stats(const double *times_ms, const uint32_t *ids, int64_t spikes, int64_t neurons, double t0,
                         double t1, double bin_ms, uint64_t seed, char **result);

/* ---- Cancelling the analyses of arrays ----------------------------------
 *
 * The analyses above belong to no object, so neurodyn_cancel has no handle
 * to stop them by. The _cancellable variants below take a token (from
 * neurodyn_token_new) before the same arguments and do the same, bit for
 * bit; neurodyn_cancel(token) from another thread stops every call running
 * with that token at that moment within a moment (correlation sums, false
 * neighbours and divergence curves: every 256 points; mutual information:
 * every lag; the pulse-LIF spectrum: every renormalization interval;
 * baselines: between the baselines' evaluations), and the call returns
 * NEURODYN_ERR_CANCELLED: nothing was returned, the outputs are untouched.
 * Calls made with the token afterwards are not affected. A token may serve
 * several calls at once; free it with neurodyn_free. */

/* A new cancellation token (a handle of kind "token"). */
int neurodyn_token_new(neurodyn_handle *out);

/* neurodyn_baselines, cancellable with token. */
int neurodyn_baselines_cancellable(neurodyn_handle token, neurodyn_handle dataset, const char *config, char **result);

/* neurodyn_mutual_information, cancellable with token. */
int neurodyn_mutual_information_cancellable(neurodyn_handle token, const double *x, int64_t n, int64_t max_lag,
                                            int64_t bins, double *out, int64_t out_len);

/* neurodyn_false_neighbours, cancellable with token. */
int neurodyn_false_neighbours_cancellable(neurodyn_handle token, const double *x, int64_t n, int64_t tau,
                                          int64_t max_dim, int64_t theiler, double *out, int64_t out_len);

/* neurodyn_lyapunov_series, cancellable with token. */
int neurodyn_lyapunov_series_cancellable(neurodyn_handle token, const double *x, int64_t samples, int64_t dim,
                                         const char *config, char **result);

/* neurodyn_correlation_dimension, cancellable with token. */
int neurodyn_correlation_dimension_cancellable(neurodyn_handle token, const double *x, int64_t samples, int64_t dim,
                                               const char *config, char **result);

/* neurodyn_pulse_lif_lyapunov, cancellable with token. */
int neurodyn_pulse_lif_lyapunov_cancellable(neurodyn_handle token, double tau_ms, double v_th_mv, double v_reset_mv,
                                            const double *v_inf_mv, const double *v0_mv, int64_t n,
                                            const int64_t *sources, const int64_t *targets, const double *weights_mv,
                                            int64_t synapses, const char *config, char **result);

#ifdef __cplusplus
}
#endif

#endif /* NEURODYN_H */
