#!/usr/bin/env python3
"""Compare two neurodyn result trees bit for bit.

    scripts/ensure-venv.sh scripts/compare-results.py DIR_A DIR_B

DIR_A and DIR_B are output directories of `neurodyn tutorial` (or of any
command writing .npz, .h5 and result.json files). Every array of every .npz
and .h5 file is compared by its bits (floating-point values may instead be
equal as values, NaN equal to NaN; strings by their text), and every number
of every result.json; what measures the wall clock (keys and metric names
containing "seconds", the finish time, the stage key hash, HDF5 provenance
and creation attributes, the training time and provenance in a model file's
metadata, the provenance member of a free-run .npz) is left out: provenance
names the build, host and time, which differ between the two runs. Files present in one tree only are reported, except lock files.

It prints what it checked, one line per difference, and IDENTICAL or the
number of differences; the exit status is 0 when identical, 1 otherwise,
2 on bad arguments. Use it to show that a change keeps results bit for bit,
or to list exactly which results it moves.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import h5py
import numpy as np

MODEL_META = "neurodyn_model"  # learn.ParamsMetaKey: the model file's JSON metadata
PROVENANCE = "neurodyn_provenance"  # pipeline.ProvenanceMember: a free-run file's JSON provenance


def tree_files(root: str) -> set[str]:
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


def same(x, y) -> bool:
    """Equal shapes and dtypes, and equal bits, or for floating-point
    values equal values with NaN equal to NaN; object arrays (HDF5's
    variable-length strings) by their elements."""
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.dtype != y.dtype:
        return False
    if x.dtype.kind == "O":
        return x.tolist() == y.tolist()
    if x.tobytes() == y.tobytes():
        return True
    if x.dtype.kind in "fc":
        return bool(np.all((x == y) | (np.isnan(x) & np.isnan(y))))
    return False


def timed(key: str) -> bool:
    k = key.lower()
    return "seconds" in k or k.endswith("finished") or k.endswith("key_hash") or k == "provenance"


def numbers(x, prefix=""):
    """Yields (path, number) for every number in decoded JSON x."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield from numbers(v, f"{prefix}/{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from numbers(v, f"{prefix}[{i}]")
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        yield prefix, x


def untimed(x):
    """x without the wall-clock entries."""
    if isinstance(x, dict):
        return {k: untimed(v) for k, v in x.items() if not timed(k)}
    if isinstance(x, list):
        return [untimed(v) for v in x]
    return x


def h5_datasets(path: str) -> dict:
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def decoded(names) -> list[str]:
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


class Comparison:
    def __init__(self) -> None:
        self.diffs: list[str] = []
        self.counts = {"npz": 0, "h5": 0, "json": 0, "arrays": 0, "numbers": 0}

    def npz(self, f: str, pa: str, pb: str) -> None:
        self.counts["npz"] += 1
        with np.load(pa) as A, np.load(pb) as B:
            fa, fb = set(A.files) - {PROVENANCE}, set(B.files) - {PROVENANCE}  # files written before it had none
            if fa != fb:
                self.diffs.append(f"{f}: arrays {sorted(fa ^ fb)} in one file only")
            for k in sorted(fa & fb):
                self.counts["arrays"] += 1
                if k == MODEL_META:
                    ja, jb = (json.loads(bytes(X[k]).decode()) for X in (A, B))
                    if json.dumps(untimed(ja), sort_keys=True) != json.dumps(untimed(jb), sort_keys=True):
                        self.diffs.append(f"{f}:{k}: metadata differs")
                elif not same(A[k], B[k]):
                    self.diffs.append(f"{f}:{k} differs")

    def h5(self, f: str, pa: str, pb: str) -> None:
        self.counts["h5"] += 1
        A, B = h5_datasets(pa), h5_datasets(pb)
        if set(A) != set(B):
            self.diffs.append(f"{f}: datasets {sorted(set(A) ^ set(B))} in one file only")
        for k in sorted(set(A) & set(B)):
            self.counts["arrays"] += 1
            low = k.lower()
            if "provenance" in low or "created" in low or timed(k):
                continue
            names = k.rsplit("/", 1)[0] + "/names"
            if k.endswith("/values") and names in A and names in B:
                na, nb = decoded(A[names]), decoded(B[names])
                if na != nb:
                    self.diffs.append(f"{f}:{names} differ")
                    continue
                for n, x, y in zip(na, A[k], B[k]):
                    if not timed(n) and not same(x, y):
                        self.diffs.append(f"{f}:{k}[{n}]: {x!r} vs {y!r}")
                continue
            if not same(A[k], B[k]):
                self.diffs.append(f"{f}:{k} differs")

    def result_json(self, f: str, pa: str, pb: str) -> None:
        self.counts["json"] += 1
        with open(pa) as fa, open(pb) as fb:
            A, B = dict(numbers(json.load(fa))), dict(numbers(json.load(fb)))
        if set(A) != set(B):
            self.diffs.append(f"{f}: numbers {sorted(set(A) ^ set(B))[:10]} in one file only")
        for k in sorted(set(A) & set(B)):
            if timed(k):
                continue
            self.counts["numbers"] += 1
            a, b = A[k], B[k]
            if a != b and not (a != a and b != b):
                self.diffs.append(f"{f}{k}: {a!r} vs {b!r}")


def compare(a_root: str, b_root: str) -> Comparison:
    c = Comparison()
    fa, fb = tree_files(a_root), tree_files(b_root)
    for f in sorted(fa ^ fb):
        if not f.endswith(".lock"):
            c.diffs.append(f"only in {'the first' if f in fa else 'the second'} tree: {f}")
    for f in sorted(fa & fb):
        pa, pb = os.path.join(a_root, f), os.path.join(b_root, f)
        if f.endswith(".npz"):
            c.npz(f, pa, pb)
        elif f.endswith(".h5"):
            c.h5(f, pa, pb)
        elif os.path.basename(f) == "result.json":
            c.result_json(f, pa, pb)
    return c


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="Compare two neurodyn result trees bit for bit.")
    p.add_argument("a", help="first result directory")
    p.add_argument("b", help="second result directory")
    args = p.parse_args(argv)
    for d in (args.a, args.b):
        if not os.path.isdir(d):
            print(f"compare-results: {d}: not a directory", file=sys.stderr)
            return 2
    c = compare(args.a, args.b)
    print(", ".join(f"{v} {k}" for k, v in c.counts.items()))
    for d in c.diffs:
        print("DIFF", d)
    print("IDENTICAL" if not c.diffs else f"{len(c.diffs)} differences")
    return 0 if not c.diffs else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
