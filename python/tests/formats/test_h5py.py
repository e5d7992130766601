"""Files written by neurodyn's export package, read with h5py and numpy:
names, dtypes, shapes, attributes (enum values included) and contents must be
exactly what the Go side wrote (expected.json)."""

import zipfile

import h5py
import numpy as np
import pytest

REFERENCE_KEYS = {"train", "val", "test", "mean", "std", "dt", "seq_length"}


def test_npz_has_reference_keys_and_dtypes(samples, expected):
    path = samples / "lorenz_data.npz"
    with zipfile.ZipFile(path) as z:
        assert {i.filename for i in z.infolist()} == {k + ".npy" for k in REFERENCE_KEYS}
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist()), "np.savez stores members uncompressed"
    d = np.load(path)
    assert set(d.files) == REFERENCE_KEYS
    exp = expected["dataset"]
    for k, n in (("train", 14), ("val", 3), ("test", 3)):
        assert d[k].dtype == np.float64 and d[k].shape == (n, 3)
        np.testing.assert_array_equal(d[k], np.asarray(exp[k]).reshape(n, 3))
    for k in ("mean", "std"):
        assert d[k].dtype == np.float64 and d[k].shape == (3,)
        np.testing.assert_array_equal(d[k], exp[k])
    assert d["dt"].dtype == np.float64 and d["dt"].shape == () and d["dt"] == 0.01
    assert d["seq_length"].dtype == np.int64 and d["seq_length"].shape == () and d["seq_length"] == 50


def test_dataset_h5_and_provenance(samples, expected):
    exp = expected["dataset"]
    prov = expected["provenance"]
    with h5py.File(samples / "dataset.h5", "r") as f:
        for k, n in (("train", 14), ("val", 3), ("test", 3)):
            assert f[k].dtype == np.dtype("<f8") and f[k].shape == (n, 3)
            np.testing.assert_array_equal(f[k][()], np.asarray(exp[k]).reshape(n, 3))
        np.testing.assert_array_equal(f["mean"][()], exp["mean"])
        assert f.attrs["dt"] == 0.01 and f.attrs["seq_length"] == 50
        assert f.attrs["seq_length"].dtype == np.int64
        a = f.attrs
        assert a["complete"] == 1 and a["complete"].dtype == np.uint8
        for key in ("neurodyn_version", "git_revision", "go_version", "config", "config_format", "kernel_path",
                    "cpu_model", "arch", "hostname", "created_utc"):
            assert isinstance(a[key], str), key
            assert a[key] == prov[key], key
        assert a["hdf5_version"].startswith("1.")
        assert list(a["seed_names"]) == [s["name"] for s in prov["seeds"]]
        assert a["seeds"].dtype == np.uint64
        assert list(a["seeds"]) == [s["value"] for s in prov["seeds"]]


SORTING = {"none": 0, "by_id": 1, "by_time": 2}


@pytest.mark.parametrize("sorting", ["by_time", "by_id"])
def test_spike_report(samples, expected, sorting):
    entry = next(e for e in expected["spikes"] if e["file"] == f"spikes_{sorting}.h5")
    inputs = {p["name"]: p for p in expected["spikes_input"]}
    with h5py.File(samples / entry["file"], "r") as f:
        assert f.attrs["magic"] == 0x0A7A and f.attrs["magic"].dtype == np.uint32
        assert list(f.attrs["version"]) == [0, 1] and f.attrs["version"].dtype == np.uint32
        assert sorted(f["spikes"].keys()) == ["exc", "inh"]
        for pop in entry["populations"]:
            g = f["spikes"][pop["name"]]
            enum = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype)
            assert enum == SORTING, "sorting must be an HDF5 enum {none=0, by_id=1, by_time=2}"
            assert g.attrs["sorting"] == SORTING[sorting]
            ts, ids = g["timestamps"], g["node_ids"]
            assert ts.dtype == np.dtype("<f8") and ids.dtype == np.dtype("<u8")
            assert ts.attrs["units"] == "ms"
            t, n = ts[()], ids[()]
            np.testing.assert_array_equal(t, pop["timestamps"])
            np.testing.assert_array_equal(n, pop["node_ids"])
            key = np.lexsort((n, t)) if sorting == "by_time" else np.lexsort((t, n))
            assert np.array_equal(key, np.arange(len(t))), f"not sorted {sorting}"
            # Same multiset of (time, id) as appended; precise times unchanged.
            src = inputs[pop["name"]]
            got = sorted(zip(t.tolist(), n.tolist()))
            want = sorted(zip(src["timestamps"], src["node_ids"]))
            assert got == want
            assert np.any(np.abs(t * 10 - np.round(t * 10)) > 1e-6), "precise (off-grid) times must be kept"


def test_frame_report(samples, expected):
    exp = expected["report"]
    with h5py.File(samples / "report.h5", "r") as f:
        assert f.attrs["magic"] == 0x0A7A
        g = f["report"]["exc"]
        d = g["data"]
        assert d.dtype == np.dtype("<f4") and d.shape == (exp["frames"], len(exp["node_ids"]))
        assert d.attrs["units"] == "mV"
        np.testing.assert_array_equal(d[()], np.asarray(exp["data"], dtype=np.float32).reshape(d.shape))
        m = g["mapping"]
        assert m["node_ids"].dtype == np.dtype("<u8")
        np.testing.assert_array_equal(m["node_ids"][()], exp["node_ids"])
        assert m["element_ids"].dtype == np.dtype("<u4")
        np.testing.assert_array_equal(m["element_ids"][()], np.zeros(len(exp["node_ids"])))
        assert m["index_pointers"].dtype == np.dtype("<u8")
        np.testing.assert_array_equal(m["index_pointers"][()], np.arange(len(exp["node_ids"]) + 1))
        assert m["time"].dtype == np.dtype("<f8") and m["time"].shape == (3,)
        np.testing.assert_allclose(m["time"][()], [exp["start"], exp["stop"], exp["dt"]], rtol=0, atol=1e-12)
        assert m["time"].attrs["units"] == "ms"


def test_nodes_file(samples, expected):
    exp = expected["nodes"]
    with h5py.File(samples / "nodes.h5", "r") as f:
        assert sorted(f["nodes"].keys()) == ["exc", "inh"]
        for name, e in exp.items():
            g = f["nodes"][name]
            assert g["node_type_id"].dtype == np.dtype("<i8")
            np.testing.assert_array_equal(g["node_type_id"][()], e["node_type_id"])
            np.testing.assert_array_equal(g["node_id"][()], np.arange(e["size"]))
            np.testing.assert_array_equal(g["node_group_id"][()], np.zeros(e["size"]))
            np.testing.assert_array_equal(g["node_group_index"][()], np.arange(e["size"]))
        g0 = f["nodes/exc/0"]
        assert g0["x"].dtype == np.dtype("<f8")
        np.testing.assert_array_equal(g0["x"][()], exp["exc"]["x"])
        tau = g0["dynamics_params/tau_m"]
        assert tau.dtype == np.dtype("<f4")
        np.testing.assert_array_equal(tau[()], np.asarray(exp["exc"]["tau_m"], dtype=np.float32))


def check_index(idx, ids, count):
    """A SONATA edge index over ids: every edge appears once, under its node."""
    nr = idx["node_id_to_ranges"][()]
    re = idx["range_to_edge_id"][()]
    assert nr.dtype == np.uint64 and re.dtype == np.uint64
    assert nr.shape == (count, 2) and re.shape[1] == 2
    seen = np.zeros(len(ids), dtype=int)
    for node in range(count):
        for r in range(nr[node, 0], nr[node, 1]):
            s, e = re[r]
            assert np.all(ids[s:e] == node)
            seen[s:e] += 1
    assert np.all(seen == 1)


def test_edges_file(samples, expected):
    with h5py.File(samples / "edges.h5", "r") as f:
        for name, e in expected["edges"].items():
            g = f["edges"][name]
            src, tgt = g["source_node_id"], g["target_node_id"]
            assert src.dtype == np.dtype("<u8") and tgt.dtype == np.dtype("<u8")
            assert src.attrs["node_population"] == e["source"]
            assert tgt.attrs["node_population"] == e["target"]
            np.testing.assert_array_equal(src[()], e["source_node_id"])
            np.testing.assert_array_equal(tgt[()], e["target_node_id"])
            np.testing.assert_array_equal(g["edge_type_id"][()], e["edge_type_id"])
            assert g["0/syn_weight"].dtype == np.dtype("<f4")
            np.testing.assert_array_equal(g["0/syn_weight"][()], np.asarray(e["syn_weight"], dtype=np.float32))
            assert g["0/delay"].dtype == np.dtype("<f8")
            np.testing.assert_array_equal(g["0/delay"][()], e["delay"])
            check_index(g["indices/source_to_target"], src[()], e["source_count"])
            check_index(g["indices/target_to_source"], tgt[()], e["target_count"])
