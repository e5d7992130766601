"""The cost of calls into libneurodyn from Python, and of fetching 10^6 spikes
into numpy (make bench-capi). Prints Go-style benchmark lines for benchstat:

  BenchmarkCapiPython/call=threads_ctypes   ctypes straight to neurodyn_threads (byref out-parameter)
  BenchmarkCapiPython/call=handle_ctypes    ctypes straight to neurodyn_network_time (handle lookup)
  BenchmarkCapiPython/call=threads          neurodyn.threads() (wrapper: error check, conversion)
  BenchmarkCapiPython/call=time_ms          Network.time_ms (property through the wrapper)
  BenchmarkCapiPython/fetch=spikes_1e6      Network.spikes(): count query, two np.empty, one fill (ns/op, MB/s)
  BenchmarkCapiPython/fetch=memcpy_1e6      np.empty_like + np.copyto of the same 12 MB (the floor: allocate, copy once)

The fetch allocates the two result arrays and the library copies the spikes
into them once; tracemalloc's peak during the fetch is reported as
peak-bytes/op next to the 12,000,000 bytes of the result.

Usage: python bench/capi_bench.py [--count N]
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

import numpy as np  # noqa: E402

import neurodyn as nd  # noqa: E402
from neurodyn import _capi  # noqa: E402

SPIKES = 1_000_000

# 1000 regularly firing neurons (dc-driven lif_delta): 10^6 spikes in ~5.4 s.
FIRING = {
    "dt_ms": 0.1,
    "populations": [{"name": "A", "n": 1000, "model": "lif_delta", "v_init": {"dist": "uniform", "low": -70, "high": -55}}],
    "devices": [{"kind": "dc", "target": "A", "amplitude_pa": 1500.0}],
    "recorders": [{"kind": "spikes", "population": "A", "name": "spikes"}],
}


def per_call(f, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        f()
    return (time.perf_counter() - t0) / n * 1e9


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=6)
    ap.add_argument("--n", type=int, default=200_000)
    a = ap.parse_args()
    L = _capi.lib()
    net = nd.Network("dt_ms = 0.1\n[[population]]\nname = \"A\"\nn = 10\n")
    h = net.handle
    k = ctypes.c_int32()
    t = ctypes.c_double()
    pk, pt = ctypes.byref(k), ctypes.byref(t)
    threads_fn, time_fn = L.neurodyn_threads, L.neurodyn_network_time

    big = nd.Network(FIRING)
    step = 100.0
    while big.spike_count("spikes") < SPIKES:
        big.run(step)
    # keep exactly 10^6: fetch everything, report per 10^6
    held = big.spike_count("spikes")

    print(f"goos: linux\npkg: neurodyn/capi (Python {sys.version.split()[0]}, numpy {np.__version__}, libneurodyn {nd.version()})")
    for _ in range(a.count):
        for name, f in (
            ("threads_ctypes", lambda: threads_fn(pk)),
            ("handle_ctypes", lambda: time_fn(h, pt, None)),
            ("threads", nd.threads),
            ("time_ms", lambda: net.time_ms),
        ):
            print(f"BenchmarkCapiPython/call={name} \t{a.n}\t{per_call(f, a.n):.1f} ns/op")
        reps = 5
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            ts, ids = big.spikes("spikes")
            times.append(time.perf_counter() - t0)
        tracemalloc.start()
        ts, ids = big.spikes("spikes")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        sec = statistics.median(times) * SPIKES / held
        nbytes = (ts.nbytes + ids.nbytes) * SPIKES / held
        print(f"BenchmarkCapiPython/fetch=spikes_1e6\t{reps}\t{sec * 1e9:.0f} ns/op\t{nbytes / sec / 1e6:.1f} MB/s\t{peak * SPIKES / held:.0f} peak-bytes/op")
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            cts, cids = np.empty_like(ts), np.empty_like(ids)
            np.copyto(cts, ts)
            np.copyto(cids, ids)
            times.append(time.perf_counter() - t0)
            del cts, cids
        sec = statistics.median(times) * SPIKES / held
        print(f"BenchmarkCapiPython/fetch=memcpy_1e6\t{reps}\t{sec * 1e9:.0f} ns/op\t{nbytes / sec / 1e6:.1f} MB/s")
    print(f"# {held} spikes held, reported per 10^6 spikes (12,000,000 bytes of float64 times and uint32 ids)")
    big.close()
    net.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
