"""A NIR file of a trained neurodyn spiking network must load with nir.read
(the neuromorphs/NIR package) and hold our graph, parameters and weights.

The Go program snn/internal/cmd/nirsample trains the quick recipe, writes
model.nir and a JSON sidecar (model.json) with the model's configuration and
every raw parameter tensor. This test rebuilds what the graph must contain
from the raw tensors with NumPy (Dale's law, masks, block layout, readout
columns, time constants in seconds) and compares it with nir.read's result.
Run by `make test-snn-nir` with NEURODYN_NIR_DIR set.
"""

import json
import os
import pathlib

import numpy as np
import pytest

nir = pytest.importorskip("nir")

DIR = pathlib.Path(os.environ.get("NEURODYN_NIR_DIR", "build/nir"))


@pytest.fixture(scope="module")
def sample():
    path = DIR / "model.nir"
    if not path.exists():
        pytest.skip(f"{path} missing: run `go run ./snn/internal/cmd/nirsample -out {DIR}`")
    graph = nir.read(str(path))
    side = json.loads((DIR / "model.json").read_text())
    return graph, side


def tensor(side, name):
    t = side["params"][name]
    return np.asarray(t["data"], dtype=np.float64).reshape(t["shape"])


def dale(raw, kind):
    if kind == 0:  # relu
        return np.maximum(raw, 0)
    if kind == 1:  # abs
        return np.abs(raw)
    return np.log1p(np.exp(raw))  # softplus


def expected_recurrent(side):
    cfg = side["config"]
    ne, ni = cfg["NE"], max(cfg["NI"], 0)
    n = ne + ni
    w = np.zeros((n, n))
    blocks = [("cell.W_ee", "cell.mask_ee", 0, 0, 1.0)]
    if ni > 0:
        blocks += [
            ("cell.W_ei", "cell.mask_ei", 0, ne, -1.0),
            ("cell.W_ie", "cell.mask_ie", ne, 0, 1.0),
            ("cell.W_ii", "cell.mask_ii", ne, ne, -1.0),
        ]
    for wname, mname, r0, c0, sign in blocks:
        raw, mask = tensor(side, wname), tensor(side, mname)
        blk = sign * mask * dale(raw, cfg["Dale"])
        w[r0:r0 + blk.shape[0], c0:c0 + blk.shape[1]] = blk
    return w


def scales(cfg):
    """Per neuron (E first): the continuous τ_mem (s) and NIRWith's factors
    γ = R(1−β)(ln α − ln β)/(α − β) of the recurrent weights and
    ρ = R·ln α·ln β/(1 − α) of the input weights and bias currents (α, β
    the step's decays: exp(−dt/τ) for exact, 1 − dt/τ for euler)."""
    ne, ni = cfg["NE"], max(cfg["NI"], 0)
    dt = cfg["DtMs"]
    tau_m = np.r_[np.full(ne, cfg["TauMemEMs"]), np.full(ni, cfg["TauMemIMs"])]
    if cfg["Discretization"] == 1:  # exact
        la, lb = -dt / cfg["TauSynMs"], -dt / tau_m
    else:
        la, lb = np.log(1 - dt / cfg["TauSynMs"]), np.log(1 - dt / tau_m)
    a, b = np.exp(la), np.exp(lb)
    ratio = np.where(a == b, 1 / b, (la - lb) / np.where(a == b, 1, a - b))
    gamma = cfg["R"] * (1 - b) * ratio
    rho = cfg["R"] * la * lb / (1 - a)
    return -dt / lb / 1000, gamma, rho


def near(a, b):
    # products computed in another order than Go's: to rounding
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=1e-12, atol=0)


def close(a, b):
    # The tensors are float32 in Go; both sides hold the same float32
    # values widened to float64, so they agree to the last bit.
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=0, atol=0)


def test_version_and_graph(sample):
    graph, side = sample
    from nir.serialization import read_version

    assert read_version(str(DIR / "model.nir")) == side["nir_version"]
    cfg = side["config"]
    ntau = len(cfg["ReadoutTauMs"])
    want = {
        "input": nir.Input, "output": nir.Output, "input_weights": nir.Affine,
        "lif": nir.CubaLIF, "recurrent": nir.Linear,
    }
    for k in range(ntau):
        want[f"filter_{k}"] = nir.LI
        want[f"readout_{k}"] = nir.Affine if k == 0 else nir.Linear
    if cfg["Skip"]:
        want["skip"] = nir.Linear
    assert set(graph.nodes) == set(want)
    for name, typ in want.items():
        assert type(graph.nodes[name]) is typ, name
    edges = {("input", "input_weights"), ("input_weights", "lif"), ("lif", "recurrent"), ("recurrent", "lif")}
    for k in range(ntau):
        edges |= {("lif", f"filter_{k}"), (f"filter_{k}", f"readout_{k}"), (f"readout_{k}", "output")}
    if cfg["Skip"]:
        edges |= {("input", "skip"), ("skip", "output")}
    assert set(map(tuple, graph.edges)) == edges
    assert len(graph.edges) == len(edges)
    assert graph.metadata["source"] == "neurodyn snn"
    assert float(graph.metadata["dt_s"]) == cfg["DtMs"] / 1000
    assert float(graph.metadata["spike_area_s"]) == cfg["DtMs"] / 1000
    assert graph.metadata["input_signal"] == "analog"
    assert int(graph.metadata["seed"]) == cfg["Seed"]
    assert json.loads(graph.metadata["config"])["NE"] == cfg["NE"]
    assert graph.metadata["neurodyn_version"] and graph.metadata["neurodyn_revision"]


def test_neuron_parameters(sample):
    graph, side = sample
    cfg = side["config"]
    ne, ni = cfg["NE"], max(cfg["NI"], 0)
    n = ne + ni
    lif = graph.nodes["lif"]
    tau_mem, _, _ = scales(cfg)
    near(lif.tau_mem, tau_mem)
    close(lif.tau_syn, np.full(n, cfg["TauSynMs"] / 1000))
    near(lif.r, tau_mem / (cfg["DtMs"] / 1000))
    close(lif.v_leak, np.full(n, cfg["VLeak"]))
    close(lif.v_threshold, np.full(n, cfg["VTh"]))
    close(lif.v_reset, np.full(n, cfg["VReset"]))
    close(lif.w_in, np.full(n, cfg["TauSynMs"] / cfg["DtMs"]))
    for k, tau in enumerate(cfg["ReadoutTauMs"]):
        li = graph.nodes[f"filter_{k}"]
        close(li.tau, np.full(n, tau / 1000))
        close(li.r, np.full(n, tau / cfg["DtMs"]))
        close(li.v_leak, np.zeros(n))
    assert np.array_equal(graph.nodes["input"].input_type["input"], [cfg["Inputs"]])
    assert np.array_equal(graph.nodes["output"].output_type["output"], [cfg["Outputs"]])


def test_weights(sample):
    graph, side = sample
    cfg = side["config"]
    ne, ni = cfg["NE"], max(cfg["NI"], 0)
    n = ne + ni
    _, gamma, rho = scales(cfg)
    near(graph.nodes["recurrent"].weight, gamma[:, None] * expected_recurrent(side))
    win = tensor(side, "cell.W_e_in")
    bias = tensor(side, "cell.b_e") if cfg["InputBias"] else np.zeros(ne)
    if ni > 0:
        win = np.vstack([win, tensor(side, "cell.W_i_in")])
        bias = np.r_[bias, tensor(side, "cell.b_i") if cfg["InputBias"] else np.zeros(ni)]
    near(graph.nodes["input_weights"].weight, rho[:, None] * win)
    near(graph.nodes["input_weights"].bias, rho * bias)
    dec = tensor(side, "readout.weight")
    rn = n if cfg["ReadoutAll"] else ne
    for k in range(len(cfg["ReadoutTauMs"])):
        w = np.zeros((cfg["Outputs"], n))
        w[:, :rn] = dec[:, k * rn:(k + 1) * rn]
        close(graph.nodes[f"readout_{k}"].weight, w)
    close(graph.nodes["readout_0"].bias, tensor(side, "readout.bias"))
    if cfg["Skip"]:
        close(graph.nodes["skip"].weight, tensor(side, "readout.skip"))
    # Dale's law holds in the exported matrix: E columns ≥ 0, I columns ≤ 0.
    rec = graph.nodes["recurrent"].weight
    assert (rec[:, :ne] >= 0).all() and (rec[:, ne:] <= 0).all()
    # Absent synapses are absent.
    assert np.count_nonzero(rec) <= sum(int(tensor(side, m).sum()) for m in side["params"] if m.startswith("cell.mask"))


def test_trained(sample):
    _, side = sample
    # The sample is a trained network, not an initialization: its one-step
    # Lorenz error is far below persistence (0.62 in original units).
    assert side["test_rmse"] < 0.3
