#!/usr/bin/env python3
"""torch.mm on the Open Neuromorphic workload's two products at n = 4096, timed.

The peer of neurodyn's BenchmarkAsmSgemmOpenNeuromorphic: the input currents
X @ W.T (8000x4096 times (4096x4096)^T) and the weight gradient G.T @ X
((8000x4096)^T times 8000x4096), float32, in PyTorch's best CPU set-up for the
comparison (one thread: torch.set_num_threads(1) and OMP/OPENBLAS/MKL_NUM_THREADS=1
set before the import; pass --threads to see how it scales).

Prints one JSON line per product: the median seconds over --repeats timed runs
after one warm-up run, and GFLOP/s.

Usage: bench/torch/sgemm.py [--repeats 6] [--threads 1]
"""
import argparse
import sys

from timing import limit_threads, timed

ap = argparse.ArgumentParser()
ap.add_argument("--repeats", type=int, default=6)
ap.add_argument("--threads", type=int, default=1)
a = ap.parse_args()
if a.repeats < 1 or a.threads < 1:
    sys.exit("sgemm.py: --repeats and --threads must be >= 1")
limit_threads(a.threads)

import json
import statistics

import torch

torch.set_num_threads(a.threads)
torch.manual_seed(0)
M, N = 8000, 4096
x = torch.randn(M, N)
w = torch.randn(N, N)
g = torch.randn(M, N)
flops = 2.0 * M * N * N
for name, f in (("fwd", lambda: x @ w.t()), ("wgrad", lambda: g.t() @ x)):
    times, _ = timed(f, a.repeats)
    med = statistics.median(times)
    print(json.dumps({"op": name, "seconds": med, "gflops": flops / med / 1e9, "times": times,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
