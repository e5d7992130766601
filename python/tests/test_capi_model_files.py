"""Model files from Python: Model.load refuses a file saved from another
kind or configuration (naming each differing key, stored and given) or
holding tensors the model lacks; neurodyn.load_model / Model.from_file
open a file with its stored configuration, for every kind `neurodyn train`
writes; Model.save refuses an existing file unless overwrite=True; the
metadata carries provenance."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from capi_util import SMALL_LORENZ, lorenz, nd  # noqa: F401

#: The interop review's spiking network: Dale abs, exact decay factors,
#: tau 20/10 ms and bias currents.
REVIEW_SNN = dict(ne=32, ni=8, dale="abs", discretization="exact", tau_mem_e_ms=20, tau_mem_i_ms=10,
                  input_bias=True, bias_std=0.1, seed=3)

X = np.sin(np.arange(2 * 25 * 3, dtype=np.float32).reshape(2, 25, 3) * 0.1)


def meta(path):
    with np.load(path) as z:
        return json.loads(bytes(z["neurodyn_model"]))


def test_load_refuses_another_configuration(tmp_path):
    src = nd.SNN(**REVIEW_SNN)
    src.save(tmp_path / "snn.npz")
    dst = nd.SNN(ne=32, ni=8)
    before = dst.params
    with pytest.raises(nd.InvalidParameterError) as e:
        dst.load(tmp_path / "snn.npz")
    msg = str(e.value)
    for part in ("TauMemEMs: stored 20, given 2", "TauMemIMs: stored 10, given 1", "Discretization: stored exact, given euler",
                 "InputBias: stored true, given false", "Dale: stored abs, given relu", "load_model"):
        assert part in msg, msg
    np.testing.assert_array_equal(dst.params, before)  # left unchanged
    # The same configuration but for the initialization loads, bit for bit.
    same = nd.SNN(**{**REVIEW_SNN, "seed": 99, "weight_scale": 0.5})
    same.load(tmp_path / "snn.npz")
    np.testing.assert_array_equal(same.forward(X), src.forward(X))
    # A CT-RNN of another tau, and a model of another kind.
    nd.CTRNN(hidden=8, tau=5).save(tmp_path / "ctrnn.npz")
    with pytest.raises(nd.InvalidParameterError, match="Tau: stored 5, given 1"):
        nd.CTRNN(hidden=8).load(tmp_path / "ctrnn.npz")
    with pytest.raises(nd.InvalidParameterError, match="parameters of a ctrnn model, not of a rate"):
        nd.RateNetwork().load(tmp_path / "ctrnn.npz")


def test_load_refuses_extra_tensors(tmp_path):
    m = nd.CTRNN(hidden=6)
    arrays = dict(m.tensors())
    arrays["cell.b_extra"] = np.ones(6, dtype=np.float32)
    np.savez(tmp_path / "extra.npz", neurodyn_model=np.frombuffer(b"{}", dtype=np.uint8), **arrays)
    with pytest.raises(nd.InvalidParameterError, match='"cell.b_extra", which this model does not have'):
        nd.CTRNN(hidden=6).load(tmp_path / "extra.npz")


@pytest.mark.parametrize("ext", [".npz", ".h5"])
@pytest.mark.parametrize("cls, config", [
    (nd.CTRNN, dict(hidden=10, tau=4, solver="rk4", seed=2)),
    (nd.RateNetwork, dict(ne=12, ni=4, tau_e=2, seed=2)),
    (nd.SNN, REVIEW_SNN),
])
def test_load_model_with_its_configuration(tmp_path, ext, cls, config):
    if ext == ".h5" and not nd.build_info()["hdf5"]:
        pytest.skip("built without HDF5")
    src = cls(**config)
    path = tmp_path / ("m" + ext)
    src.save(path)
    m = nd.load_model(path)
    assert type(m) is cls
    assert m.info()["config"] == src.info()["config"]
    np.testing.assert_array_equal(m.forward(X), src.forward(X))
    again = cls.from_file(path)
    np.testing.assert_array_equal(again.params, src.params)
    other = nd.SNN if cls is not nd.SNN else nd.CTRNN
    with pytest.raises(nd.InvalidParameterError, match=f"holds a {cls.__name__}, not a {other.__name__}"):
        other.from_file(path)
    copy = pickle.loads(pickle.dumps(m))  # travels as its configuration and parameters
    np.testing.assert_array_equal(copy.forward(X), src.forward(X))


def readout_file(path, kind, config, features, dim, bias):
    """A reservoir or ESN model file as `neurodyn train` writes it: the
    configuration, seed and dim in the metadata, the readout's arrays."""
    m = {"format": "neurodyn-model/1", "kind": kind, "name": "test", "config": config, "dim": dim, "seed": 1}
    np.savez(path, **{
        "readout.W": np.zeros((dim, features + dim)),
        "readout.B": np.asarray(bias, dtype=np.float64),
        "readout.lambda": np.array([1e-6]),
        "neurodyn_model": np.frombuffer(json.dumps(m).encode(), dtype=np.uint8),
    })


@pytest.mark.parametrize("cls, kind, config", [
    (nd.ESN, "esn", {"N": 30, "Seed": 7}),
    (nd.Reservoir, "reservoir", {"N": 50, "Seed": 7}),
])
def test_load_model_readout_files(tmp_path, cls, kind, config):
    with cls(dim=3, **config) as built:
        features = built.info().get("features") or config["N"]  # an ESN reads out its N units
    readout_file(tmp_path / "m.npz", kind, config, features, 3, [1.0, -2.0, 0.5])
    m = nd.load_model(tmp_path / "m.npz")
    assert type(m) is cls and m.inputs == 3 and m.outputs == 3
    # Zero weights: every prediction is the stored bias, exactly.
    y = m.stream(np.sin(np.arange(60.0).reshape(20, 3)))
    np.testing.assert_array_equal(y, np.tile([1.0, -2.0, 0.5], (20, 1)))


@pytest.mark.parametrize("cls, config", [
    (nd.ESN, dict(n=40, washout=20, seed=2)),
    (nd.Reservoir, dict(n=60, sample_ms=4, washout=20, seed=2)),
])
def test_save_fitted_reservoir(tmp_path, lorenz, cls, config):
    # A reservoir or ESN fitted in Python is saved in `neurodyn train`'s
    # format and reopened with the same predictions, bit for bit; the
    # opened model reports its fit and features (it once had no save, and
    # neurodyn_model_save refused kinds esn and reservoir).
    def rmse(m):
        y = m.stream(lorenz.test)[:-1]
        return float(np.sqrt(np.mean((lorenz.denormalize(y) - lorenz.denormalize(lorenz.test[1:])) ** 2)))

    with cls(3, **config) as r:
        with pytest.raises(nd.StateError, match="fitted"):
            r.save(tmp_path / "unfitted.npz")
        assert not (tmp_path / "unfitted.npz").exists()
        fit = r.fit(lorenz)
        with pytest.raises(nd.InvalidParameterError, match=r"\.npz"):
            r.save(tmp_path / "m.h5")
        r.save(tmp_path / "m.npz")
        with pytest.raises(nd.NeurodynIOError, match="overwrite=True"):
            r.save(tmp_path / "m.npz")
        r.save(tmp_path / "m.npz", overwrite=True)
        want, info = r.stream(lorenz.test), r.info()
        x, _ = lorenz.windows("test", count=4)
        pred = r.predict(x)
        rm = rmse(r)
    md = meta(tmp_path / "m.npz")
    assert md["kind"] == cls.__name__.lower() and md["dim"] == 3 and md["provenance"]["seeds"] == [{"name": "seed", "value": 2}]
    with np.load(tmp_path / "m.npz") as z:
        assert sorted(z.files) == ["neurodyn_model", "readout.B", "readout.W", "readout.lambda"]
    m = nd.load_model(tmp_path / "m.npz")
    assert type(m) is cls and m.info()["config"] == info["config"]
    np.testing.assert_array_equal(m.stream(lorenz.test), want)
    np.testing.assert_array_equal(m.predict(x), pred)
    assert rmse(m) == rm
    got = m.info()
    assert got["features"] == info["features"] > 0
    assert got["fit"] == {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in fit.items()}
    assert got["fit"]["test_rmse"] == fit["test_rmse"]
    copy = pickle.loads(pickle.dumps(m))  # pickles through the same file
    np.testing.assert_array_equal(copy.stream(lorenz.test), want)
    assert pickle.loads(pickle.dumps(cls(3, **config))).info()["config"] == info["config"]  # unfitted: its configuration


def test_load_model_readout_file_reports_its_readout(tmp_path):
    # `neurodyn train`'s files store no fit: info gives what the readout tells.
    readout_file(tmp_path / "m.npz", "esn", {"N": 30, "Seed": 7}, 30, 3, [0.0, 0.0, 0.0])
    info = nd.load_model(tmp_path / "m.npz").info()
    assert info["fit"] == {"lambda": 1e-6, "features": 33} and info["features"] == 30


def test_load_model_refuses_parameters_only(tmp_path):
    np.savez(tmp_path / "bare.npz", w=np.ones(3, dtype=np.float32))
    with pytest.raises(nd.InvalidParameterError, match="written by neurodyn"):
        nd.load_model(tmp_path / "bare.npz")


def test_save_refuses_an_existing_file(tmp_path):
    a, b = nd.CTRNN(hidden=6, seed=1), nd.RateNetwork(ne=8, ni=4)
    path = tmp_path / "m.npz"
    a.save(path)
    with pytest.raises(nd.NeurodynIOError, match="overwrite=True"):
        b.save(path)
    assert meta(path)["kind"] == "ctrnn"  # kept
    np.testing.assert_array_equal(nd.load_model(path).params, a.params)
    b.save(path, overwrite=True)
    assert meta(path)["kind"] == "rate"


def test_saved_provenance(tmp_path):
    nd.CTRNN(hidden=6, seed=11).save(tmp_path / "m.npz")
    p = meta(tmp_path / "m.npz")["provenance"]
    info = nd.build_info()
    assert p["neurodyn_version"] == info["version"] and p["git_revision"] == info["revision"]
    assert p["build_id"].startswith(info["version"]) and p["created_utc"]
    assert p["seeds"] == [{"name": "seed", "value": 11}] and p["config_format"] == "json"
    assert json.loads(p["config"])["Hidden"] == 6
