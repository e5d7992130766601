"""scripts/compare-results.py: two result trees with the same arrays and
numbers compare IDENTICAL whatever their wall-clock entries; a changed
array element, metric, JSON number or missing file is named, with exit
status 1."""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib

import h5py
import numpy as np
import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "compare-results.py"


def load():
    spec = importlib.util.spec_from_file_location("compare_results", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_tree(root: pathlib.Path, *, seconds: float, value: float = 1.5, metric: float = 0.25, nan: bool = True,
               provenance: bool = True):
    (root / "rate").mkdir(parents=True)
    w = np.array([0.5, value, np.nan if nan else 0.0], dtype=np.float32)
    prov = {"build_id": f"0.1.0 rev{seconds}", "created_utc": f"t{seconds}"}  # differs between runs
    meta = json.dumps({"kind": "rate", "train_seconds": seconds, "epochs": 3, "provenance": prov}).encode()
    np.savez(root / "rate" / "rate_lorenz.npz", w=w, neurodyn_model=np.frombuffer(meta, dtype=np.uint8))
    free = {"generated": w.astype(np.float64)}
    if provenance:  # free-run files written before 2026-12-01 have none
        free["neurodyn_provenance"] = np.frombuffer(json.dumps(prov).encode(), dtype=np.uint8)
    np.savez(root / "rate" / "rate_free_run.npz", **free)
    with h5py.File(root / "rate" / "rate.h5", "w") as f:
        f["states"] = np.arange(6, dtype=np.float64).reshape(2, 3)
        f["kind"] = np.array(["rate", "ctrnn"], dtype=h5py.string_dtype())  # read back as an object array
        f["metrics/names"] = np.array([b"rate.test.rmse", b"rate.train_seconds"])
        f["metrics/values"] = np.array([metric, seconds])
    with open(root / "rate" / "result.json", "w") as fh:
        json.dump({"seconds": seconds, "finished": f"t{seconds}", "metrics": {"rate.test.rmse": metric, "rate.train_seconds": seconds}}, fh)


def run(mod, a, b, capsys):
    rc = mod.main([str(a), str(b)])
    return rc, capsys.readouterr().out


def test_identical_but_for_the_clock(tmp_path, capsys):
    mod = load()
    write_tree(tmp_path / "a", seconds=1.0, provenance=False)  # built before free runs had provenance
    write_tree(tmp_path / "b", seconds=2.0)
    (tmp_path / "b" / ".neurodyn.lock").write_text("")  # lock files are ignored
    rc, out = run(mod, tmp_path / "a", tmp_path / "b", capsys)
    assert rc == 0 and out.rstrip().endswith("IDENTICAL"), out
    assert "2 npz, 1 h5, 1 json" in out


@pytest.mark.parametrize(
    "change, expect",
    [
        (dict(value=1.5000001), "rate/rate_lorenz.npz:w differs"),
        (dict(metric=0.2500001), "metrics/values[rate.test.rmse]"),
        (dict(nan=False), "rate/rate_lorenz.npz:w differs"),
    ],
)
def test_differences_are_named(tmp_path, capsys, change, expect):
    mod = load()
    write_tree(tmp_path / "a", seconds=1.0)
    write_tree(tmp_path / "b", seconds=1.0, **change)
    rc, out = run(mod, tmp_path / "a", tmp_path / "b", capsys)
    assert rc == 1 and expect in out, out


def test_missing_file_and_bad_argument(tmp_path, capsys):
    mod = load()
    write_tree(tmp_path / "a", seconds=1.0)
    write_tree(tmp_path / "b", seconds=1.0)
    os.remove(tmp_path / "b" / "rate" / "rate.h5")
    rc, out = run(mod, tmp_path / "a", tmp_path / "b", capsys)
    assert rc == 1 and "only in the first tree: rate/rate.h5" in out, out
    assert mod.main([str(tmp_path / "a"), str(tmp_path / "nowhere")]) == 2
