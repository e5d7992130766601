#!/usr/bin/env python3
"""The Open Neuromorphic SNN-library training workload in PyTorch, timed.

The workload of neurodyn's BenchmarkSnnOpenNeuromorphic: input
randn(500, 16, n), one Linear n->n (with bias) and one LIF layer (norse's
LIF box: v <- v + 0.1*(-v + I), i.e. tau_mem 10 ms at dt 1 ms with the
Euler step; spike z = H(v - 1) with the SuperSpike surrogate, alpha = 100,
in the backward pass; hard reset v <- (1 - z)*v, not detached), loss = sum
of the output spikes, forward + backward.

As in the Open Neuromorphic benchmark (its norse entry has these LIF
parameters, nn.Linear's initialisation and randn input), the layer never
spikes: the current has variance ~1/3 at every n, the membrane's sigma is
~0.13 and the threshold 7.5 sigma away, so the loss is 0 and the reset never
acts (the work is the same). --firing multiplies the input by FIRING_SCALE
(8, neurodyn's onnFiringScale, its input=x8/n=N sub-benchmarks): then 3.6% of
the neuron-steps spike and the gradient flows through the resets. Every
record carries the loss (the number of spikes of one forward) and
spike_prob (spikes per neuron-step), taken from the first, untimed run.
--variants onn,firing builds both on the same weights and alternates their
rounds in one process (compiling each once).

PyTorch in its best CPU set-up: one thread (torch.set_num_threads(1) and
OMP/OPENBLAS/MKL_NUM_THREADS=1, set before the import), three
implementations, the best of which is the comparison:

  framework  what the SNN libraries do (snnTorch's loop in the benchmark):
             the Linear layer applied step by step inside the Python loop,
             the spike as a torch.autograd.Function.
  hoisted    the Linear layer applied to all 500x16 rows at once (one GEMM,
             as norse's SequentialState and the EXODUS/SLAYER layers do),
             the LIF recurrence as a Python loop.
  script     hoisted, with the LIF loop compiled by TorchScript (the
             surrogate written as H(x) + G(x) - G(x).detach(), G the
             SuperSpike primitive x/(1 + alpha|x|)).
  compile    torch >= 2 only: the whole forward (Linear, the 500 unrolled
             LIF steps with the same surrogate, the sum) compiled by
             torch.compile (TorchInductor: fused C++ loops for the CPU, the
             backward compiled with it) -- what norse's benchmark entry
             does. Compiling takes minutes (at n = 256 about 4 on a Zen 4,
             10 on a Zen 3); it is done once, before the timed runs, and
             reported apart ("compile_seconds"). --compile-mode picks
             torch.compile's mode: max-autotune also benchmarks GEMM back-ends (ATen, Inductor's
             C++ template) and keeps the fastest; on this workload it was
             no faster than the default mode (torch 2.15, rounds
             interleaved with neurodyn's benchmark: neurodyn 1.65x / 1.41x
             faster at n = 256 / 1024 than max-autotune, 1.62x / 1.23x than
             the default mode), so the default stays the comparison.

By default every implementation the installed torch has is run. With
--rounds R the timed runs of each (n, implementation) are repeated R times
in the same process, and --between CMD runs the shell command CMD before
each round (e.g. the Go benchmark, appending to a file): interleaved rounds
without compiling again.

Prints one JSON line per (implementation, n): the median seconds of one
forward + backward over --repeats timed runs after two warm-up runs, in
wall-clock and in the thread's CPU time (robust to a shared machine).

Usage: bench/torch/snn_onn.py [--n 256,1024,4096] [--impl framework,hoisted,script,compile]
                              [--repeats 6] [--rounds 1] [--between CMD] [--firing | --variants onn,firing]
                              [--compile-mode default|max-autotune|max-autotune-no-cudagraphs]
"""
from timing import cpu_capability, limit_threads, timed

limit_threads(1)

import argparse
import json
import statistics
import subprocess
import time

import torch

torch.set_num_threads(1)

T, B = 500, 16
ALPHA = 100.0
# The input scale of the firing variant (--firing): neurodyn's
# onnFiringScale in bench/snn_test.go. A power of two, so x*FIRING_SCALE is
# the same float32 bits as neurodyn's scaled input.
FIRING_SCALE = 8.0


class SuperSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (ALPHA * x.abs() + 1) ** 2


def lif_loop(cur):
    v = torch.zeros_like(cur[0])
    out = []
    for ct in cur.unbind(0):  # unbind: one backward for all steps (cur[t] would scatter T full-size gradients)
        v = v + 0.1 * (-v + ct)
        z = SuperSpike.apply(v - 1.0)
        v = (1 - z) * v
        out.append(z)
    return torch.stack(out)


def spike_st(x: torch.Tensor) -> torch.Tensor:
    """H(x) in the forward pass, SuperSpike's derivative in the backward."""
    g = x / (100.0 * x.abs() + 1.0)  # 100 = ALPHA: TorchScript cannot read a global
    return (x > 0).to(x.dtype) + g - g.detach()


def lif_loop_st(cur: torch.Tensor) -> torch.Tensor:
    v = torch.zeros_like(cur[0])
    out = []
    for ct in cur.unbind(0):
        v = v + 0.1 * (-v + ct)
        z = spike_st(v - 1.0)
        v = (1 - z) * v
        out.append(z)
    return torch.stack(out)


COMPILE_MODES = ("default", "max-autotune", "max-autotune-no-cudagraphs")


def make(impl, n, compile_mode="default", scale=1.0, lin=None, x_raw=None):
    """Returns step(): one forward + backward of the implementation, the
    gradients left in lin's .grad, returning the loss tensor. lin (an
    nn.Linear(n, n)) and x_raw (T x B x n) default to a fresh nn.Linear
    and torch.randn; the input is x_raw*scale."""
    if lin is None:
        lin = torch.nn.Linear(n, n)
    if x_raw is None:
        x_raw = torch.randn(T, B, n)
    x = x_raw * scale if scale != 1.0 else x_raw
    xs = x.unbind(0)

    if impl == "framework":
        def run():
            v = torch.zeros(B, n)
            out = []
            for xt in xs:
                v = v + 0.1 * (-v + lin(xt))
                z = SuperSpike.apply(v - 1.0)
                v = (1 - z) * v
                out.append(z)
            loss = torch.stack(out).sum()
            loss.backward()
            return loss
    elif impl == "hoisted":
        def run():
            loss = lif_loop(lin(x)).sum()
            loss.backward()
            return loss
    elif impl == "script":
        lif_script = torch.jit.script(lif_loop_st)

        def run():
            loss = lif_script(lin(x)).sum()
            loss.backward()
            return loss
    elif impl == "compile":
        if not hasattr(torch, "compile"):
            raise SystemExit(f"implementation compile needs torch >= 2 (this is {torch.__version__})")
        fwd = torch.compile(lambda: lif_loop_st(lin(x)).sum(), mode=compile_mode)

        def run():
            loss = fwd()
            loss.backward()
            return loss
    else:
        raise SystemExit(f"unknown implementation {impl}")

    def step():
        lin.zero_grad(set_to_none=True)
        return run()

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", default="256,1024,4096")
    ap.add_argument("--impl", default="framework,hoisted,script" + (",compile" if hasattr(torch, "compile") else ""))
    ap.add_argument("--repeats", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--between", default="", help="shell command run before each round")
    ap.add_argument("--framework-max-n", type=int, default=1024,
                    help="skip the framework implementation above this n (its 500 per-step GEMMs of 16 rows only get slower)")
    ap.add_argument("--compile-mode", default="default",
                    help="torch.compile mode of the compile implementation: " + ", ".join(COMPILE_MODES))
    ap.add_argument("--firing", action="store_true",
                    help=f"the firing variant: input times {FIRING_SCALE:g} (neurodyn's input=x8/n=N sub-benchmarks); "
                         "the same as --variants firing")
    ap.add_argument("--variants", default="onn",
                    help="onn (the workload), firing (--firing) or onn,firing: both built (and compiled) once, "
                         "their rounds alternating in this process, on the same weights")
    a = ap.parse_args()
    variants = ["firing"] if a.firing else a.variants.split(",")
    if not variants or any(v not in ("onn", "firing") for v in variants):
        raise SystemExit(f"snn_onn.py: --variants {a.variants!r}: allowed onn, firing or both, comma-separated")
    if a.repeats < 1 or a.rounds < 1:
        raise SystemExit("snn_onn.py: --repeats and --rounds must be >= 1")
    if a.compile_mode not in COMPILE_MODES:
        raise SystemExit(f"snn_onn.py: --compile-mode {a.compile_mode!r}: allowed {', '.join(COMPILE_MODES)}")
    capability = cpu_capability(torch)
    for n in map(int, a.n.split(",")):
        for impl in a.impl.split(","):
            if impl == "framework" and n > a.framework_max_n:
                continue
            built = {}
            for v in variants:
                torch.manual_seed(0)  # the same weights for every variant
                scale = FIRING_SCALE if v == "firing" else 1.0
                step = make(impl, n, a.compile_mode, scale)
                # The first call compiles (compile; TorchScript profiles on
                # its first two), then one more warm-up run for the
                # allocator. Its loss, read after the clock stopped, is
                # every run's (the weights are not updated).
                t0 = time.perf_counter()
                out = step()
                first = time.perf_counter() - t0
                built[v] = (step, scale, first, float(out.detach()))
            for r, v in ((r, v) for r in range(a.rounds) for v in variants):
                step, scale, first, loss = built[v]
                if a.between:
                    subprocess.run(a.between, shell=True, check=True)
                times, cpu = timed(step, a.repeats, warmups=1)
                med = statistics.median(times)
                rec = {"workload": "open-neuromorphic", "variant": v,
                       "input_scale": scale, "loss": loss, "spike_prob": loss / (T * B * n),
                       "n": n, "impl": impl, "seconds": med,
                       "cpu_seconds": statistics.median(cpu), "times": times, "cpu_times": cpu,
                       "torch": torch.__version__, "threads": torch.get_num_threads(),
                       "cpu_capability": capability,
                       "gflops": 4 * T * B * n * n / med / 1e9}
                if impl == "compile":
                    rec["compile_seconds"] = first
                    rec["compile_mode"] = a.compile_mode
                if a.rounds > 1:
                    rec["round"] = r
                print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
