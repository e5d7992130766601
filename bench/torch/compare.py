#!/usr/bin/env python3
"""Compare neurodyn's training epoch with PyTorch's, measured in one sitting.

Reads the Go benchmark output (BenchmarkTrainEpoch lines with epochs/s and
GFLOP/s metrics) and the JSON lines of ctrnn_epoch.py, prints both and the
speed-up of neurodyn over each PyTorch implementation (medians).

Usage: compare.py build/bench/train.txt build/bench/torch.jsonl
"""
import json
import re
import statistics
import sys


def go_results(path):
    res = {}
    for line in open(path):
        m = re.match(r"BenchmarkTrainEpoch/(\S+?)(-\d+)?\s+\d+\s+(.*)", line)
        if not m:
            continue
        fields = m.group(3).split()
        vals = {fields[i + 1]: float(fields[i]) for i in range(0, len(fields) - 1, 2)}
        res.setdefault(m.group(1), []).append(vals)
    return res


def main():
    go = go_results(sys.argv[1])
    torch = [json.loads(l) for l in open(sys.argv[2]) if l.strip().startswith("{")]
    print(f"{'implementation':28s} {'s/epoch':>9s} {'epochs/s':>9s} {'GFLOP/s':>8s}")
    best_go = None
    for name, runs in sorted(go.items()):
        eps = statistics.median(r["epochs/s"] for r in runs)
        gf = statistics.median(r["GFLOP/s"] for r in runs)
        print(f"{'neurodyn ' + name:28s} {1 / eps:9.3f} {eps:9.3f} {gf:8.2f}   (median of {len(runs)})")
        if best_go is None or eps > best_go[1]:
            best_go = (name, eps)
    best_torch = None
    for t in torch:
        label = f"torch {t['torch']} {t['impl']}"
        print(f"{label:28s} {t['seconds_per_epoch']:9.3f} {t['epochs_per_s']:9.3f} {t['gflops']:8.2f}   (median of {len(t['epoch_times'])})")
        if best_torch is None or t["epochs_per_s"] > best_torch[1]:
            best_torch = (t["impl"], t["epochs_per_s"])
    if best_go and best_torch:
        print(f"speed-up: neurodyn {best_go[0]} is {best_go[1] / best_torch[1]:.1f}x torch's best ({best_torch[0]})")


if __name__ == "__main__":
    main()
