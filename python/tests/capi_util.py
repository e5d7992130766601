"""Shared set-up of the capi tests (python/tests/test_capi_*.py): imports the
neurodyn package from the source tree and provides small objects.

The tests run with make test-capi, which sets NEURODYN_LIB to the library
installed under build/capi/prefix and NEURODYN_REFERENCE to the output of
capi/internal/reference. They never import h5py in this process (the library
links the system's HDF5, h5py's wheel bundles another): HDF5 files are read
by a child process (run_python).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYDIR = ROOT / "python"
if str(PYDIR) not in sys.path:
    sys.path.insert(0, str(PYDIR))

import neurodyn as nd  # noqa: E402

SMALL_LORENZ = dict(train_t=3, val_t=1, test_t=1, eval_t=4, seq_length=20)
SMALL_FLIPFLOP = dict(steps=30, train_trials=40, val_trials=10, test_trials=10, seed=7)

SPEC = """dt_ms = 0.1
seed = 5
[[population]]
name = "E"
n = 80
sign = 1
params = { tau_mem_ms = 20.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0, t_ref_ms = 2.0 }
v_init = { dist = "uniform", low = -60.0, high = -50.0 }
[[population]]
name = "I"
n = 20
sign = -1
params = { tau_mem_ms = 10.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0 }
[[projection]]
source = "E"
target = "I"
rule = { kind = "fixed_indegree", k = 10 }
weights = { value = 30.0 }
delay_ms = 1.0
[[projection]]
source = "I"
target = "E"
rule = { kind = "fixed_prob", p = 0.2 }
weights = { value = 60.0 }
delay_ms = 0.5
[[device]]
kind = "poisson"
target = "E"
rate_hz = 3000.0
weight = 25.0
[[device]]
name = "drive"
kind = "time_series"
target = "I"
series_dt_ms = 1.0
series = [[0.0], [1.0]]
input_weights = { value = 400.0 }
[[recorder]]
kind = "spikes"
population = "E"
[[recorder]]
kind = "spikes"
population = "I"
[[recorder]]
name = "v"
kind = "state"
population = "E"
neurons = [0, 5, 7]
interval_ms = 0.5
[[recorder]]
name = "rate"
kind = "rate"
population = "I"
bin_ms = 2.0
"""


@pytest.fixture(scope="module")
def lorenz():
    with nd.Lorenz(**SMALL_LORENZ) as d:
        yield d


@pytest.fixture(scope="module")
def flipflop():
    with nd.FlipFlop(**SMALL_FLIPFLOP) as f:
        yield f


@pytest.fixture
def network():
    with nd.Network(SPEC) as n:
        yield n


def run_python(code: str, timeout: float = 120) -> str:
    """Runs code in a fresh Python (the same interpreter) and returns its
    stdout; fails the test with its stderr if it fails."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PYDIR) + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)
    if r.returncode != 0:
        pytest.fail(f"child python failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r.stdout
