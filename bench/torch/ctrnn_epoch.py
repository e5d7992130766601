#!/usr/bin/env python3
"""One training epoch of the reference CT-RNN workload in PyTorch, timed.

The workload of neurodyn's BenchmarkTrainEpoch: 13,950 windows of 50 steps
(3 inputs), H = 64 tanh units, Euler with dt/tau = 1 (the reference's
configuration: h <- tanh(W_rec h + W_in x + b)), decoder 64 -> 3 on the last
state, MSE, batch 64 (shuffled), AdamW (lr 1e-3, weight decay 1e-5), global
gradient-norm clipping at 1, full BPTT.

Two implementations, both in PyTorch's best CPU set-up (one thread:
torch.set_num_threads(1) and OPENBLAS/MKL/OMP_NUM_THREADS=1, set before the
import):

  naive  the reference's structure: an nn.Module cell (nn.Linear W_rec without
         bias, nn.Linear W_in with bias), a Python loop over the 50 steps with
         h = h + (dt/tau)*(-h + tanh(W_rec(h) + W_in(x_t))), a DataLoader.
         (The reference calls torchdiffeq's odeint with method euler, which
         adds its own per-step overhead; this loop is faster than that.)
  fused  hand-written: the input projection of all 50 steps in one GEMM,
         then h = tanh(addmm(xw[t], h, W_rec^T)) per step, batches sliced
         from one pre-shuffled tensor, no DataLoader; optionally
         TorchScript-compiled (--script) or, with torch >= 2, compiled by
         torch.compile (--compile: the model, whose 50 steps are unrolled,
         and the clipping + AdamW update; compiling happens in the warm-up
         epoch, which is not timed).

Prints one JSON line per implementation: seconds per epoch (median of
--epochs timed epochs after one warm-up epoch), epochs/s and GFLOP/s with
the same flop count as the Go benchmark.

Usage: bench/torch/ctrnn_epoch.py [--impl naive,fused] [--epochs 3] [--data lorenz.npz] [--script | --compile]
"""
from timing import cpu_capability, limit_threads, timed

limit_threads(1)

import argparse
import json
import statistics

import numpy as np
import torch

torch.set_num_threads(1)

H, I, O, L, B = 64, 3, 3, 50, 64


def step_flops(h, i):
    return 2 * h * (h + i + 1) + 2 * h * h + 2 * h * (h + i + 1)


def decoder_flops(h, o):
    return 2 * o * (h + 1) + 2 * o * h + 2 * o * (h + 1)


def windows(series):
    """Windows of L inputs and the next sample as target (LorenzDataset)."""
    n = series.shape[0] - L
    idx = np.arange(L)[None, :] + np.arange(n)[:, None]
    x = series[idx].astype(np.float32)
    y = series[L:L + n].astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y)


class Cell(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.W_rec = torch.nn.Linear(H, H, bias=False)
        self.W_in = torch.nn.Linear(I, H)
        torch.nn.init.orthogonal_(self.W_rec.weight, gain=0.9)
        torch.nn.init.xavier_uniform_(self.W_in.weight)
        torch.nn.init.zeros_(self.W_in.bias)

    def forward(self, h, x):
        return h + 1.0 * (-h + torch.tanh(self.W_rec(h) + self.W_in(x)))


class Naive(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = Cell()
        self.decoder = torch.nn.Linear(H, O)

    def forward(self, x):
        h = torch.zeros(x.shape[0], H)
        for t in range(x.shape[1]):
            h = self.cell(h, x[:, t])
        return self.decoder(h)


class Fused(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.W_rec = torch.nn.Parameter(torch.empty(H, H))
        self.W_in = torch.nn.Parameter(torch.empty(H, I))
        self.b = torch.nn.Parameter(torch.zeros(H))
        self.D = torch.nn.Parameter(torch.empty(O, H))
        self.d = torch.nn.Parameter(torch.empty(O))
        torch.nn.init.orthogonal_(self.W_rec, gain=0.9)
        torch.nn.init.xavier_uniform_(self.W_in)
        bd = 1 / H ** 0.5
        torch.nn.init.uniform_(self.D, -bd, bd)
        torch.nn.init.uniform_(self.d, -bd, bd)

    def forward(self, x):  # x: (T, B, I), time-major
        xw = torch.addmm(self.b, x.reshape(-1, I), self.W_in.t()).view(x.shape[0], x.shape[1], H)
        wt = self.W_rec.t()
        h = torch.tanh(xw[0])
        for t in range(1, x.shape[0]):
            h = torch.tanh(torch.addmm(xw[t], h, wt))
        return torch.addmm(self.d, h, self.D.t())


def epoch_naive(model, opt, loader):
    for xb, yb in loader:
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()


def clip_step(model, opt):
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


def epoch_fused(model, opt, xt, y, gen, update=clip_step):
    perm = torch.randperm(y.shape[0], generator=gen)
    for s in range(0, y.shape[0], B):
        idx = perm[s:s + B]
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(xt[:, idx]), y[idx])
        loss.backward()
        update(model, opt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", default="naive,fused")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--data", default="", help="reference lorenz_data.npz (train split used); random data otherwise")
    ap.add_argument("--script", action="store_true", help="TorchScript-compile the fused model")
    ap.add_argument("--compile", action="store_true", help="torch.compile the fused model and its update (torch >= 2)")
    a = ap.parse_args()
    if a.compile and not hasattr(torch, "compile"):
        raise SystemExit(f"--compile needs torch >= 2 (this is {torch.__version__})")
    if a.compile and a.script:
        raise SystemExit("--script and --compile exclude each other")
    torch.manual_seed(42)
    if a.data:
        series = np.load(a.data)["train"]
    else:
        series = np.random.default_rng(42).standard_normal((14000, 3))
    x, y = windows(series)
    n = x.shape[0]
    flops = n * (L * step_flops(H, I) + decoder_flops(H, O))
    capability = cpu_capability(torch)
    for impl in a.impl.split(","):
        if impl == "naive":
            model = Naive()
            loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=B, shuffle=True)
            run = lambda: epoch_naive(model, opt, loader)
        elif impl == "fused":
            model = Fused()
            update = clip_step
            if a.script:
                model = torch.jit.script(model)
            if a.compile:
                model = torch.compile(model)
                update = torch.compile(clip_step)
            xt = x.transpose(0, 1).contiguous()
            gen = torch.Generator().manual_seed(42)
            run = lambda: epoch_fused(model, opt, xt, y, gen, update)
        else:
            raise SystemExit(f"unknown --impl {impl}")
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-5)
        times, _ = timed(run, a.epochs)  # after one warm-up epoch
        sec = statistics.median(times)
        suffix = "+script" if a.script else "+compile" if a.compile else ""
        print(json.dumps({"impl": impl + (suffix if impl == "fused" else ""),
                          "torch": torch.__version__, "threads": torch.get_num_threads(),
                          "cpu_capability": capability, "windows": n, "seconds_per_epoch": round(sec, 4),
                          "epochs_per_s": round(1 / sec, 4),
                          "gflops": round(flops / sec / 1e9, 3), "epoch_times": [round(t, 4) for t in times]}))


if __name__ == "__main__":
    main()
