#!/usr/bin/env python3
"""Compare neurodyn's Open Neuromorphic workload with PyTorch's, one sitting.

Reads the Go benchmark output (BenchmarkSnnOpenNeuromorphic/n=N and
/input=x8/n=N lines with the s/fwd+bwd metric) and the JSON lines of
snn_onn.py (with and without --firing), prints the medians, the spike
probability per neuron-step and the loss on each side (0 in the workload as
the Open Neuromorphic benchmark has it: nothing spikes), and the speed-up of
neurodyn over PyTorch's best implementation at each variant and n.

Usage: snn_compare.py build/bench/snn.txt build/bench/snn_torch.jsonl
"""
import json
import re
import statistics
import sys


def go_results(path):
    res = {}
    for line in open(path):
        m = re.match(r"BenchmarkSnnOpenNeuromorphic/(input=x\d+/)?n=(\d+)(-\d+)?\s+\d+\s+(.*)", line)
        if not m:
            continue
        f = m.group(4).split()
        vals = {f[i + 1]: float(f[i]) for i in range(0, len(f) - 1, 2)}
        key = ("firing" if m.group(1) else "onn", int(m.group(2)))
        res.setdefault(key, []).append((vals["s/fwd+bwd"], vals.get("cpu-s/fwd+bwd", float("nan")),
                                        vals.get("spike-prob", float("nan")), vals.get("loss", float("nan"))))
    return res


def main():
    go = go_results(sys.argv[1])
    torch = [json.loads(l) for l in open(sys.argv[2]) if l.strip().startswith("{")]
    for t in torch:
        t.setdefault("variant", "onn")
    print(f"{'variant':8s} {'n':>6s} {'implementation':26s} {'s/fwd+bwd':>10s} {'cpu-s':>8s} {'GFLOP/s':>8s} {'spike-p':>8s} {'loss':>9s}")
    for v, n in sorted(set(go) | {(t["variant"], t["n"]) for t in torch}):
        best = None
        mine = [t for t in torch if (t["variant"], t["n"]) == (v, n)]
        for t in mine:
            print(f"{v:8s} {n:6d} {'torch ' + t['torch'] + ' ' + t['impl']:26s} {t['seconds']:10.4f} "
                  f"{t.get('cpu_seconds', float('nan')):8.4f} {t['gflops']:8.2f} "
                  f"{t.get('spike_prob', float('nan')):8.4f} {t.get('loss', float('nan')):9.0f}")
            if best is None or t["seconds"] < best["seconds"]:
                best = t
        if (v, n) in go:
            r = go[(v, n)]
            s = statistics.median(x[0] for x in r)
            c = statistics.median(x[1] for x in r)
            print(f"{v:8s} {n:6d} {'neurodyn':26s} {s:10.4f} {c:8.4f} {4 * 500 * 16 * n * n / s / 1e9:8.2f} "
                  f"{r[0][2]:8.4f} {r[0][3]:9.0f}   (median of {len(r)})")
            if best:
                bc = min(t.get("cpu_seconds", float("nan")) for t in mine)
                print(f"{v:8s} {n:6d} speed-up over torch's best ({best['impl']}): {best['seconds'] / s:.2f}x wall, {bc / c:.2f}x CPU time")


if __name__ == "__main__":
    main()
