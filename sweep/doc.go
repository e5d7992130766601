// Package sweep runs parameter sweeps — grid or random search over a
// registered Evaluator's parameters, replicated over seeds — locally over a
// worker pool or sharded across a Slurm job array, and merges the results.
//
// A sweep is a TOML Spec. Its points are enumerated deterministically, so a
// point's index names the same configuration on every machine; Shard k/n
// takes the points whose index is k modulo n. Run evaluates the points of a
// shard that have no stored result and writes each result atomically to
// <out>/points/<index>.json as soon as it is finished (temporary file, fsync,
// rename): a killed or requeued task resumes without losing or duplicating
// points, and a results directory is bound to one spec. Merge gathers the
// points into sweep.csv (deterministic columns only, so a sharded sweep and a
// local one give the same bytes), sweep.h5 (with timings, hosts and
// provenance) and summary.png. SlurmScript writes a ready sbatch job array.
//
// Evaluators must be deterministic functions of the Point (seed included);
// the pipeline package registers neurodyn's (reservoirs, NVAR, …). A point
// the evaluator fails on is stored as failed, with its error, and the
// other points are still evaluated; later runs skip it unless
// RunOptions.RetryFailed (`sweep run --retry-failed`), and Merge lists it
// (Table.Failed) and leaves it out of the table and the ranking.
//
// Merge refuses a directory with missing points, unreadable point files,
// points computed for another spec or point files beyond the spec, and names
// them; with partial set it leaves them out and lists them in the Table.
// Every point records the neurodyn build that computed it, and Merge
// refuses points of different builds unless MergeOptions.AllowMixedBuilds
// (then sweep.h5 records each row's).
//
// Layer 6 of DEVELOPERS.md: it imports export and internal packages;
// pipeline (its evaluators) and cmd/neurodyn import it. Run is safe to call from several processes on
// the same directory, with disjoint shards or the same shard twice (a
// requeued task beside its predecessor: a point may then be evaluated
// twice, and the identical results replace each other atomically). Of runs
// of different specs starting at once on a fresh directory, exactly one
// claims it.
package sweep
