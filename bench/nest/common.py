"""Shared helpers of the NEST 3.10 reference scripts (bench/nest/*.py).

Each network script builds one network in NEST with NEST's own models and
runs it once in its own process: a fresh kernel (ResetKernel) in a
single-thread set-up (the generic PyPI wheel, not a native build;
local_num_threads = 1, OMP_NUM_THREADS = 1,
resolution = neurodyn's dt = 0.1 ms, verbosity off, spikes recorded to
memory by one spike_recorder per population, as neurodyn's benchmarks record
one spikes recorder per population), then

    build and connect (timed apart: build_s)
    nest.Prepare()
    nest.Run(duration)   timed with time.process_time() (cpu_s) and
                         time.perf_counter() (wall_s)
    nest.Cleanup()

and prints the times and the regime (mean E, I and overall rates, rates
per 200 ms, plus what the script adds: plastic weights, population CV) as
one JSON line on stdout, prefixed with RESULT_TAG so that NEST's own output
cannot be mistaken for it.

usage of every network script:
    build/nest/bin/python bench/nest/<net>.py [--seeds 1,2,...] [--duration-ms 1000]
    (one JSON line per seed, each run in a fresh kernel)

Only the Run is timed, as bench/brian2/compare.py times only Brian2's run
loop and the Go benchmarks only Network.Run: network construction, Prepare
(NEST's buffers and its connection infrastructure) and Cleanup are not.
"""
import argparse
import json
import os
import sys
import time

# Before nest is imported: one OpenMP thread, no banner.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("PYNEST_QUIET", "1")

import numpy as np  # noqa: E402

RESULT_TAG = "NEURODYN-NEST-RESULT "
DT_MS = 0.1
# The smallest delay NEST allows (one step): NEST has no delay 0. A spike
# emitted at the end of step n with this delay changes the target's state
# at the end of step n + 1 (its conductance or current jumps after that
# step's integration), so it first moves V in step n + 2: one step later
# than neurodyn's delay 0, which moves V from step n + 1 on.
MIN_DELAY_MS = DT_MS


def reset_kernel(seed):
    """A fresh NEST kernel: one thread, resolution DT_MS, rng_seed seed,
    verbosity off (fatal errors only), no progress output; returns the nest
    module."""
    import nest
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.FATAL
    nest.SetKernelStatus({"local_num_threads": 1, "resolution": DT_MS, "rng_seed": seed, "print_time": False})
    return nest


def recorders(nest, pops):
    """One spike_recorder (to memory) per population in pops, a dict
    name -> NodeCollection; returns name -> recorder."""
    out = {}
    for name, p in pops.items():
        r = nest.Create("spike_recorder", params={"record_to": "memory"})
        nest.Connect(p, r)
        out[name] = r
    return out


def population_cv(t_ms, t0_ms, t1_ms, bin_ms=1.0):
    """Coefficient of variation of the population spike count in bins of
    bin_ms over [t0, t1) (bench/spiking_brunel_test.go's definition)."""
    t = np.asarray(t_ms)
    t = t[(t >= t0_ms) & (t < t1_ms)]
    counts = np.bincount(((t - t0_ms) / bin_ms).astype(int), minlength=int(round((t1_ms - t0_ms) / bin_ms)))
    return float(counts.std(ddof=1) / counts.mean()) if counts.mean() > 0 else float("nan")


def regime(recs, sizes, duration_ms):
    """Mean E, I and overall rates (Hz), the E and I rates per 200 ms, the
    spike count and the last spike (ms), from the recorders of populations
    E and I (sizes: name -> neurons)."""
    edges = np.arange(0.0, duration_ms + 1e-9, 200.0)
    r = {"n_spikes": 0, "last_spike_ms": float("nan")}
    last = []
    for name in ("E", "I"):
        t = np.asarray(recs[name].get("events")["times"], dtype=float)
        n = sizes[name]
        r["rate_%s_hz" % name.lower()] = float(len(t) / (n * duration_ms / 1000.0))
        r["rate_%s_hz_per_200ms" % name.lower()] = [float(c) / (n * 0.2) for c in np.histogram(t, edges)[0]]
        r["n_spikes"] += int(len(t))
        if len(t):
            last.append(float(t.max()))
        r["_times_" + name] = t
    r["rate_hz"] = float(r["n_spikes"] / (sum(sizes.values()) * duration_ms / 1000.0))
    if last:
        r["last_spike_ms"] = max(last)
    return r


def timed_run(nest, duration_ms):
    """Prepare, Run(duration_ms) timed (CPU: process_time, wall:
    perf_counter), Cleanup; returns (cpu_s, wall_s)."""
    nest.Prepare()
    c0, w0 = time.process_time(), time.perf_counter()
    nest.Run(duration_ms)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    nest.Cleanup()
    return cpu, wall


def run_net(net, build, seed, duration_ms):
    """Builds the network with build(nest, seed) -> (pops, sizes, after),
    where pops maps E and I to their NodeCollections, sizes to their sizes
    and after(nest, result) (or None) adds figures read after the run, then
    times the run; returns the result dict."""
    nest = reset_kernel(seed)
    b0 = time.perf_counter()
    pops, sizes, after = build(nest, seed)
    recs = recorders(nest, pops)
    build_s = time.perf_counter() - b0
    cpu, wall = timed_run(nest, duration_ms)
    ks = nest.GetKernelStatus()
    r = regime(recs, sizes, duration_ms)
    r.update({"net": net, "sim": "nest", "nest_version": nest.__version__, "seed": seed,
              "duration_ms": duration_ms, "cpu_s": cpu, "wall_s": wall, "build_s": build_s,
              "nest_time_simulate_s": ks.get("time_simulate", float("nan")),
              "threads": ks["local_num_threads"], "resolution_ms": ks["resolution"],
              "num_connections": ks["num_connections"]})
    if after is not None:
        after(nest, r)
    return {k: v for k, v in r.items() if not k.startswith("_")}


def emit(obj):
    sys.stdout.write(RESULT_TAG + json.dumps(obj) + "\n")
    sys.stdout.flush()


def parse(stdout):
    """The result dict in a network script's stdout."""
    for line in stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG):])
    raise RuntimeError("no result line in:\n" + stdout[-2000:])


def main(net, build, default_seed, doc):
    """The command line of a network script: --seed (a list: one run per
    seed, each in a fresh kernel), --duration-ms."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--seeds", default=str(default_seed), help="NEST rng_seed values, comma-separated")
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        emit(run_net(net, build, s, a.duration_ms))
