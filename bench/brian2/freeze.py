"""Freezes Brian2's CUBA statistics over seeds into bench/baseline/spiking_brian2_cuba.json
(read by bench/spiking_stats_test.go). usage: /usr/bin/python3 bench/brian2/freeze.py [--seeds 1,...,10]"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cuba  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1,2,3,4,5,6,7,8,9,10")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "baseline", "spiking_brian2_cuba.json"))
    a = ap.parse_args()
    runs = []
    for s in [int(x) for x in a.seeds.split(",")]:
        times, rate, cv, ncv = cuba.build_and_run(4000, s, 1000.0, 1)
        runs.append({"seed": s, "rate_hz": rate, "cv_isi": cv, "n_cv": ncv, "run_s": times})
    with open(a.out, "w") as f:
        json.dump(runs, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
