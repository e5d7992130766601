"""A NIR graph built and written with the nir package (nir.write, 1.0.6) is
imported by `neurodyn import-nir` into a network spec whose populations,
weights, bias currents and recorders follow kernel.ImportNIR's mapping, and
which `neurodyn simulate` runs.

The binary is NEURODYN_BIN, else built from this checkout with `go build`
(the test is skipped without Go, or when the binary has no HDF5).
"""

import json
import os
import pathlib
import shutil
import subprocess
import tomllib

import numpy as np
import pytest

nir = pytest.importorskip("nir")

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def neurodyn(tmp_path_factory):
    binary = os.environ.get("NEURODYN_BIN")
    if binary:
        return binary
    if shutil.which("go") is None:
        pytest.skip("NEURODYN_BIN not set and no go to build cmd/neurodyn")
    out = tmp_path_factory.mktemp("bin") / "neurodyn"
    r = subprocess.run(["go", "build", "-o", str(out), "./cmd/neurodyn"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return str(out)


def run(binary, *args):
    return subprocess.run([binary, *map(str, args)], capture_output=True, text=True)


# The network: Input(2) → Affine(3×2, bias) → CubaLIF(3) ⇄ Linear(3×3) → Output(3).
# Neuron 2 has another τ_mem: the node becomes populations lif_0 (neurons 0, 1)
# and lif_1 (neuron 2). Arrays are float32, as PyTorch-based exporters write them.
F = np.float32
TAU_MEM = np.array([0.01, 0.01, 0.02], F)
TAU_SYN = np.full(3, 0.005, F)
R = np.array([1, 2, 1], F)
W_IN = np.array([1, 0.5, 2], F)
V_LEAK = np.zeros(3, F)
V_TH = np.ones(3, F)
V_RESET = np.full(3, -0.25, F)
W_FC = np.array([[0.012, 0.002], [0.004, 0.011], [0.006, 0.006]], F)
BIAS = np.array([0.6, 0.5, 0.2], F)
W_REC = np.array([[0, -0.004, 0.003], [0.002, 0, 0], [0.004, 0.005, 0]], F)
SPIKES_MS = {"input": [[5, 7.1, 20, 21.3, 50], [10, 11.2, 33, 33.9]]}


def graph():
    return nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([2])),
            "fc": nir.Affine(weight=W_FC, bias=BIAS),
            "lif": nir.CubaLIF(tau_mem=TAU_MEM, tau_syn=TAU_SYN, r=R, v_leak=V_LEAK,
                               v_threshold=V_TH, v_reset=V_RESET, w_in=W_IN),
            "rec": nir.Linear(weight=W_REC),
            "output": nir.Output(output_type=np.array([3])),
        },
        edges=[("input", "fc"), ("fc", "lif"), ("lif", "rec"), ("rec", "lif"), ("lif", "output")],
    )


@pytest.fixture(scope="module")
def imported(neurodyn, tmp_path_factory):
    d = tmp_path_factory.mktemp("nir")
    nir.write(d / "g.nir", graph())
    (d / "in.json").write_text(json.dumps(SPIKES_MS))
    r = run(neurodyn, "import-nir", d / "g.nir", "--dt-ms", "0.1", "--input-spikes", d / "in.json",
            "-o", d / "net.toml", "--mapping", d / "map.json")
    if r.returncode != 0 and "without HDF5" in r.stderr:
        pytest.skip("neurodyn built without HDF5")
    assert r.returncode == 0, r.stderr
    spec = tomllib.loads((d / "net.toml").read_text())
    mapping = json.loads((d / "map.json").read_text())
    return d, spec, mapping


def f64(a):
    return np.asarray(a, dtype=np.float64)


def test_populations(imported):
    _, spec, mapping = imported
    pops = {p["name"]: p for p in spec["population"]}
    assert [p["name"] for p in spec["population"]] == ["input", "lif_0", "lif_1"]
    assert pops["input"]["model"] == "lif_delta" and pops["input"]["n"] == 2
    assert [(m["population"], m["index"]) for m in mapping["neurons"]["lif"]] == [("lif_0", 0), ("lif_0", 1), ("lif_1", 0)]
    for name, j in (("lif_0", 0), ("lif_1", 2)):
        p = pops[name]["params"]
        assert pops[name]["model"] == "lif_exp"
        assert p["tau_mem_ms"] == f64(TAU_MEM[j]) * 1000
        assert p["cm_pf"] == p["tau_mem_ms"]  # τ_m/C_m = 1: the kernel current is r·I
        assert p["tau_syn_ex_ms"] == p["tau_syn_in_ms"] == f64(TAU_SYN[j]) * 1000
        assert p["e_l_mv"] == V_LEAK[j] and p["v_th_mv"] == V_TH[j] and p["v_reset_mv"] == f64(V_RESET[j])
        assert p["t_ref_ms"] == 0
    assert spec["dt_ms"] == 0.1
    assert mapping["spike_area_s"] == 1  # NIR's Dirac spikes


def node_matrix(spec, mapping, src, tgt):
    """The (target × source) weights between two NIR nodes, from the projections."""
    where = {}
    for node in (src, tgt):
        for k, m in enumerate(mapping["neurons"][node]):
            where[(m["population"], m["index"])] = (node, k)
    w = np.zeros((len(mapping["neurons"][tgt]), len(mapping["neurons"][src])))
    for pr in spec.get("projection", []):
        for s, t, x in zip(pr["sources"], pr["targets"], pr["weight_list"]):
            a, b = where.get((pr["source"], s)), where.get((pr["target"], t))
            if a and b and a[0] == src and b[0] == tgt:
                w[b[1], a[1]] += x
    return w


def test_weights_and_bias(imported):
    _, spec, mapping = imported
    # a spike of NIR weight w makes I jump by w_in·w/τ_syn; the kernel current is r·I
    gain = f64(R) * f64(W_IN) * (1 / f64(TAU_SYN))
    np.testing.assert_allclose(node_matrix(spec, mapping, "input", "lif"), gain[:, None] * f64(W_FC), rtol=1e-12)
    np.testing.assert_allclose(node_matrix(spec, mapping, "lif", "lif"), gain[:, None] * f64(W_REC), rtol=1e-12)
    assert sum(len(p["sources"]) for p in spec["projection"]) == 6 + np.count_nonzero(W_REC)
    assert all(p["delay_ms"] == 0 and p["rule"]["kind"] == "list" for p in spec["projection"])
    # the bias: the synaptic current it leads to, r·w_in·b (pA), per neuron,
    # constant, and from NIR's I(0) = 0 the initial synaptic current −r·w_in·b
    # (Ie decays with τ_syn: the sum ramps up as in NIR)
    cur = f64(R) * f64(W_IN) * f64(BIAS)
    devs = {d["name"]: d for d in spec["device"]}
    pops = {p["name"]: p for p in spec["population"]}
    assert np.allclose([row[0] for row in devs["lif_0:bias"]["input_matrix"]], cur[:2], rtol=1e-12)
    assert pops["lif_0"]["init"]["Ie"]["dist"] == "list"
    np.testing.assert_allclose(pops["lif_0"]["init"]["Ie"]["values"], -cur[:2], rtol=1e-12)
    assert pops["lif_1"]["params"]["i_e_pa"] == pytest.approx(cur[2], rel=1e-12)
    assert pops["lif_1"]["init"]["Ie"]["dist"] == "constant"
    assert pops["lif_1"]["init"]["Ie"]["value"] == pytest.approx(-cur[2], rel=1e-12)
    # the input spike trains, one spike_source per channel
    assert devs["input:0"]["spike_times_ms"] == SPIKES_MS["input"][0]
    assert devs["input:1"]["neurons"] == [1]


def test_output(imported):
    _, spec, mapping = imported
    out = mapping["outputs"]["output"]
    assert out["size"] == 3 and len(out["terms"]) == 1
    term = out["terms"][0]
    assert term["node"] == "lif" and term["signal"] == "spikes"
    # sparse: W[row[k], col[k]] = weight[k], the other entries 0
    w = np.zeros((term["rows"], term["cols"]))
    w[term["row"], term["col"]] = term["weight"]
    assert np.array_equal(w, np.eye(3)) and len(term["weight"]) == 3
    assert sorted(r["population"] for r in spec["recorder"] if r["kind"] == "spikes") == ["lif_0", "lif_1"]


def test_simulate(neurodyn, imported):
    h5py = pytest.importorskip("h5py")
    d, _, _ = imported
    r = run(neurodyn, "-q", "simulate", "--spec", d / "net.toml", "--duration-ms", 100, "--out", d / "sim")
    assert r.returncode == 0, r.stderr
    with h5py.File(d / "sim" / "spikes.h5", "r") as f:
        n = 0
        for pop in ("lif_0", "lif_1"):
            t = f["spikes"][pop]["timestamps"][()]
            n += len(t)
            # spikes fall on the 0.1 ms grid
            assert np.allclose(t * 10, np.round(t * 10), atol=1e-6)
        assert n > 0


def test_numeric_metadata(neurodyn, tmp_path):
    # nir.write stores numbers in the metadata as numbers: dt_s and
    # refractory_s are read from them (int or float)
    for md, dt, tref in (({"dt_s": 0.0005}, 0.5, 0),
                         ({"dt_s": 0.0001, "refractory_s": 0.002, "source": "neurodyn snn"}, 0.1, 2),
                         ({"dt_s": 0.001, "refractory_s": 0, "source": "neurodyn snn"}, 1, 0)):
        g = graph()
        g.metadata = md
        nir.write(tmp_path / "md.nir", g)
        r = run(neurodyn, "import-nir", tmp_path / "md.nir", "-o", tmp_path / "md.toml", "--overwrite")
        if "without HDF5" in r.stderr:
            pytest.skip("neurodyn built without HDF5")
        assert r.returncode == 0, (md, r.stderr)
        spec = tomllib.loads((tmp_path / "md.toml").read_text())
        assert spec["dt_ms"] == dt, md
        assert all(p["params"]["t_ref_ms"] == tref for p in spec["population"] if p["model"] == "lif_exp"), md


def test_integrate_and_fire(neurodyn, tmp_path):
    """IF nodes (no leak), written by the nir package, import as lif_delta
    neurons that never decay (tau_mem_ms 1e30), an Affine bias as their
    constant current r*b (pA onto cm_pf 1000: r*b mV per s), and an I node
    as a lif_delta readout that never spikes."""
    g = nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([2])),
            "aff": nir.Affine(weight=np.eye(2), bias=np.array([3.0, 3.0])),
            "ifn": nir.IF(r=np.array([2.0, 2.0]), v_threshold=np.ones(2), v_reset=np.array([-0.5, -0.5])),
            "lin": nir.Linear(weight=np.array([[1.0, 0.5]])),
            "integ": nir.I(r=np.array([0.25])),
            "output": nir.Output(output_type=np.array([1])),
        },
        edges=[("input", "aff"), ("aff", "ifn"), ("ifn", "lin"), ("lin", "integ"), ("integ", "output")],
    )
    nir.write(tmp_path / "if.nir", g)
    r = run(neurodyn, "import-nir", tmp_path / "if.nir", "--dt-ms", 0.1, "-o", tmp_path / "if.toml")
    if "without HDF5" in r.stderr:
        pytest.skip("neurodyn built without HDF5")
    assert r.returncode == 0, r.stderr
    pops = {p["name"]: p for p in tomllib.loads((tmp_path / "if.toml").read_text())["population"]}
    ifn, integ = pops["ifn"], pops["integ"]
    assert ifn["model"] == "lif_delta" and integ["model"] == "lif_delta"
    assert ifn["params"]["tau_mem_ms"] == 1e30 and ifn["params"]["cm_pf"] == 1000
    assert ifn["params"]["i_e_pa"] == 6.0  # r*b
    assert ifn["params"]["v_th_mv"] == 1.0 and ifn["params"]["v_reset_mv"] == -0.5
    assert integ["params"]["tau_mem_ms"] == 1e30 and integ["params"]["v_th_mv"] > 1e38  # never spikes


def test_unsupported(neurodyn, tmp_path):
    g = nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([2])),
            "lin": nir.Linear(weight=np.eye(2)),
            "thr": nir.Threshold(threshold=np.ones(2)),
            "output": nir.Output(output_type=np.array([2])),
        },
        edges=[("input", "lin"), ("lin", "thr"), ("thr", "output")],
    )
    nir.write(tmp_path / "thr.nir", g)
    r = run(neurodyn, "import-nir", tmp_path / "thr.nir", "--dt-ms", 1)
    if "without HDF5" in r.stderr:
        pytest.skip("neurodyn built without HDF5")
    assert r.returncode == 2
    assert "NIR node thr (Threshold)" in r.stderr and "CubaLIF" in r.stderr
