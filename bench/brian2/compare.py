"""Side-by-side speed comparison of neurodyn and Brian2 2.5.1 (C++ standalone),
single-threaded, same scope timed on both sides (the 1 s run loop, spike
recording included; Brian2's compilation and neurodyn's build excluded),
interleaved round by round.

usage: /usr/bin/python3 bench/brian2/compare.py [--rounds 6] [--nets cuba,brunel] [--out FILE]

It compiles each Brian2 project once (bench/brian2/cuba.py, brunel.py), builds
the Go benchmark binary once, then for each round runs, for each network, the
Go benchmark (-test.benchtime 1x -test.cpu 1) and the compiled Brian2 binary
(its own run-loop time, results/last_run_info.txt). Brian2 measures that
time with std::clock() (process CPU time) when OpenMP is off, so neurodyn's
CPU time of Run is compared (its wall time is listed too). It prints medians,
the ratio Brian2/neurodyn and every sample, with the load average.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

GO_BENCH = {"cuba": "^BenchmarkSpikingCUBA$/^n=4000$", "brunel": "^BenchmarkSpikingBrunel$"}


def brian_project(net):
    import common
    if net == "cuba":
        import cuba
        cuba.build_and_run(4000, 1, 1000.0, 1)
        return common.workdir("cuba_4000_1")
    import brunel
    brunel.build_and_run(1, 1000.0, 1)
    return common.workdir("brunel_10000_1")


def brian_run(directory):
    subprocess.run(["./main"], cwd=directory, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(directory, "results", "last_run_info.txt")) as f:
        return float(f.read().split()[0])


def go_run(binary, net):
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", GO_BENCH[net], "-test.benchtime", "1x",
                          "-test.cpu", "1", "-test.count", "1"], cwd=os.path.join(ROOT, "bench"),
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"\s([0-9.e+-]+) cpu-s", out)
    w = re.search(r"\s([0-9.e+-]+) run-s", out)
    if not m or not w:
        raise RuntimeError("no cpu-s/run-s metric in:\n" + out)
    return float(m.group(1)), float(w.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--nets", default="cuba,brunel")
    ap.add_argument("--out", default="")
    ap.add_argument("--reuse", action="store_true", help="reuse the Brian2 projects compiled by a previous run")
    a = ap.parse_args()
    nets = a.nets.split(",")
    binary = os.path.join(tempfile.gettempdir(), "neurodyn-bench.test")
    subprocess.run(["go", "test", "-c", "-o", binary, "./bench"], cwd=ROOT, check=True)
    if a.reuse:
        import common
        dirs = {"cuba": common.workdir("cuba_4000_1"), "brunel": common.workdir("brunel_10000_1")}
        dirs = {n: dirs[n] for n in nets}
    else:
        dirs = {n: brian_project(n) for n in nets}
    samples = {n: {"neurodyn": [], "neurodyn_wall": [], "brian2": []} for n in nets}
    load = []
    for _ in range(a.rounds):
        load.append(os.getloadavg()[0])
        for n in nets:
            cpu, wall = go_run(binary, n)
            samples[n]["neurodyn"].append(cpu)
            samples[n]["neurodyn_wall"].append(wall)
            samples[n]["brian2"].append(brian_run(dirs[n]))
    lines = ["# neurodyn vs Brian2 2.5.1 C++ standalone, single thread, 1 s simulated, run loop only,",
             "# CPU time on both sides (Brian2 times its loop with std::clock without OpenMP; neurodyn: getrusage around Run)",
             "# rounds %d, load average (1 min) at each round: %s" % (a.rounds, " ".join("%.2f" % x for x in load))]
    for n in nets:
        g, b = statistics.median(samples[n]["neurodyn"]), statistics.median(samples[n]["brian2"])
        lines.append("%-7s neurodyn median %.4f s   brian2 median %.4f s   speed-up %.2fx" % (n, g, b, b / g))
        lines.append("        samples %s" % json.dumps(samples[n]))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
