"""Results through libneurodyn equal the Go API's, bit for bit.

capi/internal/reference computes the same things with the Go packages
directly and writes reference.json and network.toml into $NEURODYN_REFERENCE
(make test-capi-python runs it first); without that variable the test runs
it itself (needs Go)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from capi_util import ROOT, nd


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    d = os.environ.get("NEURODYN_REFERENCE")
    if not d:
        d = tmp_path_factory.mktemp("reference")
        subprocess.run(["go", "run", "./capi/internal/reference", "-out", str(d)], cwd=ROOT, check=True)
    d = Path(d)
    r = json.loads((d / "reference.json").read_text())
    r["network_toml"] = (d / "network.toml").read_text()
    return r


def f32(v) -> np.ndarray:
    return np.asarray(v, dtype=np.float64).astype(np.float32)


def test_lorenz(ref):
    r = ref["lorenz"]
    with nd.Lorenz(**r["config"]) as d:
        for split in ("train", "val", "test", "eval"):
            np.testing.assert_array_equal(d.split(split).ravel(), r[split])
        mean, std = d.stats()
        np.testing.assert_array_equal(mean, r["mean"])
        np.testing.assert_array_equal(std, r["std"])
        assert d.window_count("test") == r["test_windows"]
        x, y = d.windows("test", first=3, count=1)
        np.testing.assert_array_equal(x.ravel(), f32(r["test_window3_input"]))
        np.testing.assert_array_equal(y.ravel(), f32(r["test_window3_target"]))


def test_flipflop(ref):
    r = ref["flipflop"]
    with nd.FlipFlop(**r["config"]) as f:
        x, y = f.split("test")
        np.testing.assert_array_equal(x.ravel(), f32(r["test_inputs"]))
        np.testing.assert_array_equal(y.ravel(), f32(r["test_targets"]))


def test_network(ref):
    r = ref["network"]
    with nd.Network(ref["network_toml"]) as net:
        net.run(150.0)
        net.set_series("drive", [[0.5], [-0.5], [2.0]])
        net.run(50.0)
        t, i = net.spikes("spikes:E")
        np.testing.assert_array_equal(t, r["e_times"])
        np.testing.assert_array_equal(i, r["e_ids"])
        t, i = net.spikes("spikes:I")
        np.testing.assert_array_equal(t, r["i_times"])
        np.testing.assert_array_equal(i, r["i_ids"])
        t, v = net.frames("v")
        np.testing.assert_array_equal(t, r["v_times"])
        np.testing.assert_array_equal(v.ravel(), f32(r["v_values"]))
        t, v = net.frames("rate")
        np.testing.assert_array_equal(t, r["rate_times"])
        np.testing.assert_array_equal(v.ravel(), f32(r["rate_values"]))
        st = net.stats()
        assert (st["spikes"], st["syn_events"], st["synapses"]) == (r["spikes"], r["syn_events"], r["synapses"])
        assert len(r["e_times"]) > 50 and len(r["i_times"]) > 10


def test_preset_spec(ref):
    assert nd.preset_spec("brunel", n=500, seed=3, record=True) == ref["preset_brunel_500"]


def test_ctrnn(ref, tmp_path):
    r = ref["ctrnn"]
    x = f32(r["x"]).reshape(5, 20, 3)
    m = nd.CTRNN(**r["config"])
    np.testing.assert_array_equal(m.params, f32(r["params"]))
    np.testing.assert_array_equal(m.predict(x).ravel(), f32(r["predict"]))
    y, h = m.forward(x, hidden=True)
    np.testing.assert_array_equal(y.ravel(), f32(r["forward"]))
    np.testing.assert_array_equal(h.ravel(), f32(r["hidden"]))
    np.testing.assert_array_equal(m.generate(x[:2], steps=30).ravel(), f32(r["generate"]))
    with nd.Lorenz(**ref["lorenz"]["config"]) as d:
        res = m.train(d, **r["train"])
        assert res["epochs"] == r["epochs"] and res["best_val"] == r["best_val"]
        np.testing.assert_array_equal(m.params, f32(r["trained_params"]))
        vt = m.valid_time(d.split("eval"), **r["valid_time_config"])
        assert vt["steps"] == r["valid_steps"]


def test_rate(ref):
    r = ref["rate"]
    x = f32(ref["ctrnn"]["x"]).reshape(5, 20, 3)
    m = nd.RateNetwork(**r["config"])
    np.testing.assert_array_equal(m.params, f32(r["params"]))
    np.testing.assert_array_equal(m.predict(x).ravel(), f32(r["predict"]))
    np.testing.assert_array_equal(m.weights().ravel(), r["weights"])


def test_analysis(ref):
    r = ref["analysis"]
    pred = np.array(r["pred"]).reshape(-1, 2)
    truth = np.array(r["truth"]).reshape(-1, 2)
    m = nd.analysis.metrics(pred, truth)
    got = [m[k] for k in ("mse", "rmse", "mae", "nrmse_range", "nrmse_std", "mean_r2", "r2_grand_mean", "pearson")]
    np.testing.assert_array_equal(got + m["r2"], r["metrics"])
    traj = nd.analysis.lorenz_integrate([1, 1, 1], samples=3000, dt=0.01, transient=5)
    np.testing.assert_array_equal(traj.ravel(), r["lorenz"])
    np.testing.assert_array_equal(nd.analysis.delay_embed(traj[:100], m=3, tau=4).ravel(), r["embed"])
    xs = traj[:, 0]
    np.testing.assert_array_equal(nd.analysis.mutual_information(xs, max_lag=30), r["mutual_information"])
    assert nd.analysis.auto_lag(xs) == r["auto_lag"]
    np.testing.assert_array_equal(nd.analysis.false_neighbours(xs, tau=r["auto_lag"], max_dim=5), r["false_neighbours"])
    assert nd.analysis.lyapunov_series(traj, dt=0.01)["lambda"] == r["rosenstein_lambda"]


def test_snn_and_reservoirs(ref):
    r = ref["snn"]
    x = f32(ref["ctrnn"]["x"]).reshape(5, 20, 3)
    m = nd.SNN(**r["config"])
    np.testing.assert_array_equal(m.params, f32(r["params"]))
    np.testing.assert_array_equal(m.predict(x).ravel(), f32(r["predict"]))
    with nd.Lorenz(**ref["lorenz"]["config"]) as d:
        fit = m.fit_readout(d, warmup=5)
        assert fit["lambda"] == r["readout_lambda"]
        np.testing.assert_array_equal(m.predict(x).ravel(), f32(r["predict_fitted"]))
        with nd.Reservoir(3, **r["reservoir_config"]) as res:
            f = res.fit(d)
            assert (f["test_rmse"], f["lambda"]) == (r["reservoir_test_rmse"], r["reservoir_lambda"])
        with nd.ESN(3, **r["esn_config"]) as esn:
            assert esn.fit(d)["test_rmse"] == r["esn_test_rmse"]
