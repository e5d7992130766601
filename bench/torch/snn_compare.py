#!/usr/bin/env python3
"""Compare neurodyn's Open Neuromorphic workload with PyTorch's, one sitting.

Reads the Go benchmark output (BenchmarkSnnOpenNeuromorphic/n=N lines with
the s/fwd+bwd metric) and the JSON lines of snn_onn.py, prints the medians
and the speed-up of neurodyn over PyTorch's best implementation at each n.

Usage: snn_compare.py build/bench/snn.txt build/bench/snn_torch.jsonl
"""
import json
import re
import statistics
import sys


def go_results(path):
    res = {}
    for line in open(path):
        m = re.match(r"BenchmarkSnnOpenNeuromorphic/n=(\d+)(-\d+)?\s+\d+\s+(.*)", line)
        if not m:
            continue
        f = m.group(3).split()
        vals = {f[i + 1]: float(f[i]) for i in range(0, len(f) - 1, 2)}
        res.setdefault(int(m.group(1)), []).append((vals["s/fwd+bwd"], vals.get("cpu-s/fwd+bwd", float("nan"))))
    return res


def main():
    go = go_results(sys.argv[1])
    torch = [json.loads(l) for l in open(sys.argv[2]) if l.strip().startswith("{")]
    print(f"{'n':>6s} {'implementation':26s} {'s/fwd+bwd':>10s} {'cpu-s':>8s} {'GFLOP/s':>8s}")
    for n in sorted(set(go) | {t["n"] for t in torch}):
        best = None
        for t in (t for t in torch if t["n"] == n):
            print(f"{n:6d} {'torch ' + t['torch'] + ' ' + t['impl']:26s} {t['seconds']:10.4f} {t.get('cpu_seconds', float('nan')):8.4f} {t['gflops']:8.2f}")
            if best is None or t["seconds"] < best["seconds"]:
                best = t
        if n in go:
            s = statistics.median(r[0] for r in go[n])
            c = statistics.median(r[1] for r in go[n])
            print(f"{n:6d} {'neurodyn':26s} {s:10.4f} {c:8.4f} {4 * 500 * 16 * n * n / s / 1e9:8.2f}   (median of {len(go[n])})")
            if best:
                bc = min(t.get("cpu_seconds", float("nan")) for t in torch if t["n"] == n)
                print(f"{n:6d} speed-up over torch's best ({best['impl']}): {best['seconds'] / s:.2f}x wall, {bc / c:.2f}x CPU time")


if __name__ == "__main__":
    main()
