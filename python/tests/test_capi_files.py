"""Files written through the Python package read back with h5py and numpy
in another process (h5py's wheel bundles its own HDF5; this process has
libneurodyn's system HDF5 loaded)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from capi_util import SMALL_FLIPFLOP, SMALL_LORENZ, SPEC, nd, run_python


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    if not nd.build_info()["hdf5"]:
        pytest.skip("libneurodyn built without HDF5")
    d = tmp_path_factory.mktemp("files")
    out = {}
    with nd.Network(SPEC) as net:
        net.run(120.0)
        for pop in ("E", "I"):
            out[pop] = [a.tolist() for a in net.spikes(f"spikes:{pop}")]
        out["v"] = [a.tolist() for a in net.frames("v")]
        net.write_spikes(d / "spikes.h5", sorting="by_id")
        net.write_frames("v", d / "v.h5")
    with nd.Network(SPEC) as net:
        net.stream_spikes(d / "stream.h5")
        net.run(120.0)
        net.close_streams()
    with nd.Lorenz(**SMALL_LORENZ) as data:
        data.write(d / "lorenz.h5")
        out["train"] = data.train.tolist()
    with nd.FlipFlop(**SMALL_FLIPFLOP) as ff:
        ff.write(d / "flipflop.h5")
        out["ff_test_inputs"] = ff.split("test")[0].tolist()
    (d / "expected.json").write_text(json.dumps(out))
    return d


READER = r"""
import json, sys
import h5py, numpy as np
d = sys.argv[1] if len(sys.argv) > 1 else {dir!r}
exp = json.load(open(d + "/expected.json"))
res = {{}}
for name in ("spikes.h5", "stream.h5"):
    with h5py.File(d + "/" + name, "r") as f:
        assert f.attrs["magic"] == 0x0A7A, dict(f.attrs)
        for pop in ("E", "I"):
            g = f["spikes"][pop]
            t, ids = g["timestamps"][:], g["node_ids"][:]
            assert g["timestamps"].attrs["units"] in ("ms", b"ms")
            assert ids.dtype == np.uint64 and t.dtype == np.float64
            et, ei = np.array(exp[pop][0]), np.array(exp[pop][1])
            if name == "spikes.h5":
                order = np.lexsort((et, ei))
                assert np.array_equal(ids, ei[order]) and np.array_equal(t, et[order]), (name, pop)
                res["sorting"] = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype)
            else:
                assert np.array_equal(ids, ei) and np.array_equal(t, et), (name, pop)
            res[name + pop] = len(t)
with h5py.File(d + "/v.h5", "r") as f:
    r = f["report"]["E"]
    data = r["data"][:]
    assert np.array_equal(data, np.array(exp["v"][1], dtype=np.float32))
    assert list(r["mapping"]["node_ids"][:]) == [0, 5, 7]
    t0, t1, dt = r["mapping"]["time"][:]
    assert dt == 0.5 and t0 == exp["v"][0][0], (t0, t1, dt)
    res["frames"] = data.shape
with h5py.File(d + "/lorenz.h5", "r") as f:
    assert np.array_equal(f["train"][:], np.array(exp["train"]))
    res["lorenz"] = sorted(f.keys())
with h5py.File(d + "/flipflop.h5", "r") as f:
    assert np.array_equal(f["test"]["inputs"][:], np.array(exp["ff_test_inputs"], dtype=np.float32))
print(json.dumps({{k: (v if not isinstance(v, dict) else sorted(v)) for k, v in res.items()}}, default=str))
"""


def test_files_read_back_with_h5py(written):
    out = json.loads(run_python(READER.format(dir=str(written))))
    assert out["spikes.h5E"] == out["stream.h5E"] > 0
    assert out["frames"] == [240, 3]
    assert {"train", "val", "test", "mean", "std"} <= set(out["lorenz"])
    assert out["sorting"] == ["by_id", "by_time", "none"]


def test_h5py_is_not_loaded_here():
    import sys

    assert "h5py" not in sys.modules


def test_nir_read_by_the_nir_package(tmp_path):
    if not nd.build_info()["hdf5"]:
        pytest.skip("libneurodyn built without HDF5")
    m = nd.SNN(ne=12, ni=3, readout="filtered", discretization="exact", seed=4)
    m.write_nir(tmp_path / "snn.nir")
    with pytest.raises(nd.NeurodynIOError):
        m.write_nir(tmp_path / "snn.nir")  # exists
    with pytest.raises(nd.InvalidParameterError):
        nd.SNN(ne=4, ni=1).write_nir(tmp_path / "count.nir")  # count readout: no NIR equivalent
    for kw in ({"reset": "soft"}, {"smooth": True}, {}):  # soft reset, graded spikes, Euler τ_mem_i = dt: none in NIR
        with pytest.raises(nd.InvalidParameterError):
            nd.SNN(ne=4, ni=1, readout="filtered", **{"discretization": "exact", **kw} if kw else {}).write_nir(tmp_path / "x.nir")
    code = (
        "import json, sys, nir; g = nir.read(sys.argv[1]); "
        "print(json.dumps({'nodes': sorted(g.nodes), 'lif': list(g.nodes['lif'].tau_mem.shape)}))"
    )
    import subprocess
    import sys as _sys

    r = subprocess.run([_sys.executable, "-c", code, str(tmp_path / "snn.nir")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"input", "lif", "output"} <= set(out["nodes"]) and out["lif"] == [15]
