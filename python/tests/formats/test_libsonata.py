"""Files written by neurodyn's export package, read with libsonata (the
reference SONATA reader): SpikeReader, ElementReportReader, NodeStorage and
EdgeStorage must return exactly what the Go side wrote (expected.json)."""

import libsonata
import numpy as np
import pytest


@pytest.mark.parametrize("sorting", ["by_time", "by_id"])
def test_spike_reader(samples, expected, sorting):
    entry = next(e for e in expected["spikes"] if e["file"] == f"spikes_{sorting}.h5")
    r = libsonata.SpikeReader(str(samples / entry["file"]))
    assert sorted(r.get_population_names()) == ["exc", "inh"]
    for pop in entry["populations"]:
        p = r[pop["name"]]
        assert p.sorting == sorting
        assert p.time_units == "ms"
        got = p.get()  # list of (node_id, timestamp) in file order
        assert [n for n, _ in got] == pop["node_ids"]
        assert [t for _, t in got] == pop["timestamps"]
        d = p.get_dict()
        np.testing.assert_array_equal(d["node_ids"], pop["node_ids"])
        np.testing.assert_array_equal(d["timestamps"], pop["timestamps"])


def test_element_report_reader(samples, expected):
    exp = expected["report"]
    r = libsonata.ElementReportReader(str(samples / "report.h5"))
    assert r.get_population_names() == ["exc"]
    p = r["exc"]
    assert p.data_units == "mV" and p.time_units == "ms"
    assert p.sorted
    assert list(p.get_node_ids()) == exp["node_ids"]
    start, stop, dt = p.times
    assert start == exp["start"] and dt == exp["dt"] and abs(stop - exp["stop"]) < 1e-12
    frame = p.get()
    data = np.asarray(frame.data)
    want = np.asarray(exp["data"], dtype=np.float32).reshape(exp["frames"], len(exp["node_ids"]))
    np.testing.assert_array_equal(data, want)
    np.testing.assert_array_equal(np.asarray(frame.ids)[:, 0], exp["node_ids"])
    np.testing.assert_allclose(frame.times, start + dt * np.arange(exp["frames"]), rtol=0, atol=1e-9)
    # A subset of nodes and a time window.
    sub = p.get(node_ids=[exp["node_ids"][2]], tstart=1.0, tstop=2.0)
    k0 = int(round(1.0 / dt))
    np.testing.assert_array_equal(np.asarray(sub.data)[:, 0], want[k0:k0 + len(sub.times), 2])


def test_node_storage(samples, expected):
    s = libsonata.NodeStorage(str(samples / "nodes.h5"))
    assert s.population_names == {"exc", "inh"}
    for name, e in expected["nodes"].items():
        p = s.open_population(name)
        assert p.size == e["size"]
    p = s.open_population("exc")
    sel = p.select_all()
    np.testing.assert_array_equal(p.get_attribute("x", sel), expected["nodes"]["exc"]["x"])
    tau = np.asarray(p.get_dynamics_attribute("tau_m", sel))
    np.testing.assert_array_equal(tau.astype(np.float32), np.asarray(expected["nodes"]["exc"]["tau_m"], dtype=np.float32))


def test_edge_storage(samples, expected):
    s = libsonata.EdgeStorage(str(samples / "edges.h5"))
    assert s.population_names == set(expected["edges"])
    for name, e in expected["edges"].items():
        p = s.open_population(name)
        assert p.source == e["source"] and p.target == e["target"]
        assert p.size == len(e["source_node_id"])
        sel = p.select_all()
        np.testing.assert_array_equal(p.source_nodes(sel), e["source_node_id"])
        np.testing.assert_array_equal(p.target_nodes(sel), e["target_node_id"])
        w = np.asarray(p.get_attribute("syn_weight", sel))
        np.testing.assert_array_equal(w.astype(np.float32), np.asarray(e["syn_weight"], dtype=np.float32))
        np.testing.assert_array_equal(p.get_attribute("delay", sel), e["delay"])
        src = np.asarray(e["source_node_id"])
        tgt = np.asarray(e["target_node_id"])
        # libsonata answers these from the indices written by neurodyn.
        for node in range(e["source_count"]):
            np.testing.assert_array_equal(p.efferent_edges(node).flatten(), np.flatnonzero(src == node))
        for node in range(e["target_count"]):
            np.testing.assert_array_equal(p.afferent_edges(node).flatten(), np.flatnonzero(tgt == node))
