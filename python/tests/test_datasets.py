"""Datasets written by neurodyn load in Python with the reference's keys.

The files come from `go run ./tasks/internal/writedatasets -dir DIR` (mk/tasks.mk
runs it first); DIR is given by the NEURODYN_DATASETS environment variable.

Checked: the .npz has exactly the reference tutorial's keys, dtypes and shapes
(train/val/test (n,3) float64, mean/std (3,) float64, dt 0-d float64,
seq_length 0-d int64) and loads without pickle; the HDF5 file holds the same
arrays under the same names (plus the eval split), the generation parameters
and the provenance as attributes; the flip-flop HDF5 reproduces the
reference's pulse counts.
"""
import json
import os
from pathlib import Path

import numpy as np
import pytest

DIR = Path(os.environ.get("NEURODYN_DATASETS", "build/datasets"))
NPZ = DIR / "lorenz_data.npz"
H5 = DIR / "lorenz.h5"
FF = DIR / "flipflop.h5"

REFERENCE = {
    "train": ((14000, 3), np.float64),
    "val": ((3000, 3), np.float64),
    "test": ((3000, 3), np.float64),
    "mean": ((3,), np.float64),
    "std": ((3,), np.float64),
    "dt": ((), np.float64),
    "seq_length": ((), np.int64),
}

# First saved samples (t = 10) in original units, tutorial-spec §1.1.
GOLDEN = {
    "train": (-4.891277, -3.537342, 24.971284),
    "val": (-4.929259, -3.846072, 24.601866),
    "test": (-4.922282, -3.364288, 25.296917),
}


def h5py_or_skip():
    if not H5.exists():
        pytest.skip(f"{H5} not written (binary built without HDF5)")
    return pytest.importorskip("h5py")


@pytest.fixture(scope="module")
def npz():
    assert NPZ.exists(), f"{NPZ} missing: run go run ./tasks/internal/writedatasets -dir {DIR}"
    with np.load(NPZ, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def test_npz_keys_dtypes_shapes(npz):
    assert sorted(npz) == sorted(REFERENCE)
    for key, (shape, dtype) in REFERENCE.items():
        assert npz[key].shape == shape, key
        assert npz[key].dtype == dtype, key
    assert npz["dt"] == 0.01
    assert npz["seq_length"] == 50


def test_npz_values(npz):
    train = npz["train"]
    np.testing.assert_allclose(train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(train.std(axis=0), 1, atol=1e-12)
    for split, want in GOLDEN.items():
        first = npz[split][0] * npz["std"] + npz["mean"]
        np.testing.assert_allclose(first, want, atol=1e-5, err_msg=split)
    # The reference's windows: 50 samples -> the next one.
    assert len(npz["train"]) - int(npz["seq_length"]) == 13950


def test_npz_provenance_sidecar():
    side = Path(str(NPZ) + ".provenance.json")
    assert side.exists()
    prov = json.loads(side.read_text())
    cfg = json.loads(prov["config"])
    assert cfg["seed_train"] == 42 and cfg["rtol"] == 1e-10
    assert prov["neurodyn_version"]


def test_hdf5_matches_npz(npz):
    h5py = h5py_or_skip()
    with h5py.File(H5, "r") as f:
        for key, (shape, dtype) in REFERENCE.items():
            assert f[key].shape == shape, key
            assert f[key].dtype == dtype, key
            np.testing.assert_array_equal(f[key][()], npz[key], err_msg=key)
        assert f["eval"].shape == (100000, 3)
        assert f["horizon"][()] == 1 and f["stride"][()] == 1
        assert f["train"].attrs["n_windows"] == 13950
        a = f.attrs
        assert a["dataset"] == "lorenz63"
        assert a["rho"] == 28.0 and a["sigma"] == 10.0
        assert abs(a["beta"] - 8 / 3) < 1e-15
        assert a["seed_train"] == 42 and a["seed_test"] == 44 and a["seed_eval"] == 45
        np.testing.assert_allclose(a["initial_state"][:3], (1.04967142, 0.98617357, 1.06476885), atol=5e-9)
        for name in ("neurodyn_version", "git_revision", "config", "created_utc", "kernel_path"):
            assert name in a, name
        assert json.loads(a["config"])["transient"] == 10


def test_flipflop_hdf5():
    h5py = h5py_or_skip()
    with h5py.File(FF, "r") as f:
        tr = f["train"]
        assert tr["inputs"].shape == (800, 100, 3) and tr["inputs"].dtype == np.float32
        assert tr["targets"].shape == (800, 100, 3)
        assert set(np.unique(tr["inputs"][()])) <= {-1.0, 0.0, 1.0}
        pulses = tr["pulses"][()]
        assert pulses.shape == (24169, 4)
        assert (pulses[:, 3] == 1).sum() == 12006
        first = pulses[pulses[:, 0] == 0][:4, 1:]
        np.testing.assert_array_equal(first, [[2, 0, -1], [3, 0, -1], [9, 0, -1], [9, 2, -1]])
        assert tr["seeds"][0] == 42 and f["test"]["seeds"][0] == 2042
        np.testing.assert_allclose(f["test"]["targets"][()].mean(), 0.49790, atol=5e-6)
        assert f.attrs["pulse_prob"] == 0.1
