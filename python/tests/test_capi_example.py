"""The Python example (examples/python/reservoir_tutorial.py) runs end to end
in its quick mode and reproduces the tutorial's reservoir comparison."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

from capi_util import PYDIR, ROOT


def test_reservoir_tutorial_quick(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(PYDIR))
    r = subprocess.run(
        [sys.executable, str(ROOT / "examples/python/reservoir_tutorial.py"), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads((tmp_path / "results.json").read_text())
    # the tutorial's reservoir trains exactly the 867 parameters the notebook counts
    assert res["tutorial_reservoir"]["trainable_params"] == 867
    # the liquid-state machine beats persistence, and needs its spikes
    lsm = res["lsm"]
    assert lsm["test_rmse"] < res["baselines_test_rmse"]["persistence"]
    assert lsm["silenced_rmse"] > 3 * lsm["test_rmse"]
    assert 1 <= lsm["rate_e"] <= 50
    assert res["esn"]["test_rmse"] < res["baselines_test_rmse"]["persistence"]
    assert "lyapunov" in res["attractor"]["true"]
    if importlib.util.find_spec("matplotlib") is not None:
        assert {p.name for p in tmp_path.glob("*.png")} == {"one_step.png", "features.png", "closed_loop.png", "rmse.png"}


def test_brunel_elephant_quick(tmp_path):
    """examples/python/brunel_elephant.py: Brunel's network at full size for
    300 ms, converted to Neo and NWB, analysed by Elephant and by neurodyn."""
    env = dict(os.environ, PYTHONPATH=str(PYDIR))
    r = subprocess.run(
        [sys.executable, str(ROOT / "examples/python/brunel_elephant.py"), "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads((tmp_path / "results.json").read_text())
    ours, el = res["neurodyn"], res["elephant"]
    assert res["neurons"] == 12500 and res["nwb_problems"] == 0
    for k in ("mean_rate", "silent", "mean_cv", "mean_corr_first45"):
        assert abs(ours[k] - el[k]) <= 1e-9 * max(1.0, abs(el[k])), k
    # the asynchronous irregular state of the paper: the mean-field rate, irregular firing
    assert abs(ours["mean_rate"] - res["mean_field_hz"]) < 0.1 * res["mean_field_hz"]
    assert ours["mean_cv"] > 0.3
    assert (tmp_path / "brunel.nwb").stat().st_size > 0
