"""Shared helpers of the Brian2 reference scripts (Brian2 2.5.1, C++ standalone).

Each script builds one network, compiles it once with
set_device('cpp_standalone', build_on_run=False), then runs the compiled binary;
the time reported is Brian2's own measurement of the run loop
(device._last_run_time, from results/last_run_info.txt), which excludes code
generation, compilation, process start-up and synapse creation, single-threaded
(no OpenMP). Output: one JSON object per line on stdout.
"""
import json
import os
import sys
import tempfile

import numpy as np


def spike_stats(i, t_ms, n, t0_ms, t1_ms):
    """Mean rate (Hz) and mean ISI CV over neurons with >= 3 spikes, counting
    spikes with t0 <= t < t1 (the same definition as bench/spiking_stats_test.go)."""
    i = np.asarray(i)
    t = np.asarray(t_ms)
    sel = (t >= t0_ms) & (t < t1_ms)
    i, t = i[sel], t[sel]
    rate = len(t) / (n * (t1_ms - t0_ms) / 1000.0)
    cvs = []
    order = np.lexsort((t, i))
    i, t = i[order], t[order]
    bounds = np.flatnonzero(np.diff(i)) + 1
    for ti in np.split(t, bounds):
        if len(ti) >= 3:
            isi = np.diff(ti)
            cvs.append(isi.std() / isi.mean())
    return rate, (float(np.mean(cvs)) if cvs else float("nan")), len(cvs)


def population_cv(t_ms, t0_ms, t1_ms, bin_ms=1.0):
    """Coefficient of variation of the population spike count in bins of bin_ms
    over [t0, t1): ~1/sqrt(count per bin) when asynchronous, large when the
    population oscillates (the same definition as bench/spiking_brunel_test.go)."""
    t = np.asarray(t_ms)
    t = t[(t >= t0_ms) & (t < t1_ms)]
    counts = np.bincount(((t - t0_ms) / bin_ms).astype(int), minlength=int((t1_ms - t0_ms) / bin_ms))
    return float(counts.std(ddof=1) / counts.mean()) if counts.mean() > 0 else float("nan")


def ei_regime(mon_i, mon_t_ms, n, ne, duration_ms):
    """The regime of a network whose first ne of n neurons are excitatory,
    from its spike monitor (indices, times in ms) over a run of duration_ms:
    mean E, I and overall rates (Hz), the E and I rates per 200 ms, the spike
    count and the time of the last spike (ms)."""
    i, t = np.asarray(mon_i), np.asarray(mon_t_ms)
    e = i < ne
    edges = np.arange(0.0, duration_ms + 1e-9, 200.0)
    return {"rate_e_hz": float(e.sum() / (ne * duration_ms / 1000.0)),
            "rate_i_hz": float((~e).sum() / ((n - ne) * duration_ms / 1000.0)),
            "rate_hz": float(len(i) / (n * duration_ms / 1000.0)),
            "rate_e_hz_per_200ms": [float(c) / (ne * 0.2) for c in np.histogram(t[e], edges)[0]],
            "rate_i_hz_per_200ms": [float(c) / ((n - ne) * 0.2) for c in np.histogram(t[~e], edges)[0]],
            "n_spikes": int(len(i)),
            "last_spike_ms": float(t.max()) if len(t) else float("nan")}


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def workdir(name):
    base = os.environ.get("BRIAN2_BUILD_DIR") or os.path.join(tempfile.gettempdir(), "neurodyn-brian2")
    d = os.path.join(base, name)
    os.makedirs(d, exist_ok=True)
    return d


def standalone(seed):
    """Starts a C++ standalone project: a fresh scope, one thread (no OpenMP),
    two compiler jobs (a shared machine), dt = 0.1 ms, Brian2's seed."""
    from brian2 import set_device, prefs, start_scope, defaultclock, ms, seed as bseed
    set_device("cpp_standalone", build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
    prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]  # do not flood a shared machine
    start_scope()
    defaultclock.dt = 0.1 * ms
    bseed(seed)


def build_and_time(device, repeat, directory):
    """Compiles and runs the standalone project in directory, then re-runs the
    same binary repeat-1 more times; returns the run-loop time (s) of each run."""
    device.build(directory=directory, run=True, compile=True, clean=True, with_output=False)
    times = [device._last_run_time]
    for _ in range(repeat - 1):
        device.run(device.project_dir, with_output=False, run_args=[])
        times.append(device._last_run_time)
    return times
