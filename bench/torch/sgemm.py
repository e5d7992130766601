#!/usr/bin/env python3
"""torch.mm on the Open Neuromorphic workload's two products at n = 256 and 4096, timed.

The peer of neurodyn's BenchmarkSnnOpenNeuromorphicGemm: the input currents
X @ W.T (8000xn times (nxn)^T) and the weight gradient G.T @ X
((8000xn)^T times 8000xn), float32, the output allocated by torch as in the
workload, in PyTorch's best CPU set-up for the
comparison (one thread: torch.set_num_threads(1) and OMP/OPENBLAS/MKL_NUM_THREADS=1
set before the import; pass --threads to see how it scales).

Prints one JSON line per (n, product): the median seconds over --repeats timed runs
after one warm-up run, and GFLOP/s.

Usage: bench/torch/sgemm.py [--n 256,4096] [--repeats 6] [--threads 1]
"""
import argparse
import sys

from timing import cpu_capability, limit_threads, timed

ap = argparse.ArgumentParser()
ap.add_argument("--repeats", type=int, default=6)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--n", default="256,4096")
a = ap.parse_args()
if a.repeats < 1 or a.threads < 1:
    sys.exit("sgemm.py: --repeats and --threads must be >= 1")
limit_threads(a.threads)

import json
import statistics

import torch

torch.set_num_threads(a.threads)
torch.manual_seed(0)
M = 8000
capability = cpu_capability(torch)
for n in map(int, a.n.split(",")):
    x = torch.randn(M, n)
    w = torch.randn(n, n)
    g = torch.randn(M, n)
    flops = 2.0 * M * n * n
    for name, f in (("fwd", lambda: x @ w.t()), ("wgrad", lambda: g.t() @ x)):
        times, _ = timed(f, a.repeats)
        med = statistics.median(times)
        print(json.dumps({"n": n, "op": name, "seconds": med, "gflops": flops / med / 1e9, "times": times,
                          "threads": torch.get_num_threads(), "torch": torch.__version__,
                          "cpu_capability": capability}), flush=True)
