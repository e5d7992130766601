"""A network simulated by neurodyn's kernel (Brunel, 1,000 neurons, 300 ms),
its recorders streamed through export.SpikeWriter and export.FrameWriter and
its connectivity written as SONATA nodes and edges, read back with libsonata
and h5py: everything must equal what the simulation produced."""

import h5py
import libsonata
import numpy as np


def test_simulated_spikes(samples, expected):
    sim = expected["simulated"]
    r = libsonata.SpikeReader(str(samples / "sim_spikes.h5"))
    assert sorted(r.get_population_names()) == ["E", "I"]
    total = 0
    for pop, e in sim["spikes"].items():
        p = r[pop]
        assert p.sorting == "by_time"
        got = p.get()
        t = np.array([x[1] for x in got])
        n = np.array([x[0] for x in got])
        assert np.all(np.diff(t) >= 0), "by_time report must be sorted by time"
        want = sorted(zip(e["timestamps"], e["node_ids"]))
        assert sorted(zip(t.tolist(), n.tolist())) == want
        assert len(got) > 0, f"population {pop} did not spike: the sample would test nothing"
        # The kernel stamps a spike at the end of its step: times in (0, T].
        assert t.min() > 0 and t.max() <= sim["duration_ms"] + 1e-9
        assert n.max() < sim["population_sizes"][pop]
        total += len(got)
    with h5py.File(samples / "sim_spikes.h5", "r") as f:
        assert sum(f["spikes"][p]["timestamps"].shape[0] for p in ("E", "I")) == total


def test_simulated_membrane_report(samples, expected):
    v = expected["simulated"]["v"]
    dt = expected["simulated"]["dt_ms"]
    p = libsonata.ElementReportReader(str(samples / "sim_v.h5"))["E"]
    assert list(p.get_node_ids()) == v["node_ids"]
    start, stop, step = p.times
    assert step == dt and abs(start - v["times"][0]) < 1e-9
    assert abs(stop - (v["times"][-1] + dt)) < 1e-9
    frame = p.get()
    want = np.asarray(v["data"], dtype=np.float32).reshape(-1, v["width"])
    np.testing.assert_array_equal(np.asarray(frame.data), want)
    np.testing.assert_allclose(frame.times, v["times"], rtol=0, atol=1e-9)
    assert p.data_units == "mV"


def test_simulated_network(samples, expected):
    sim = expected["simulated"]
    nodes = libsonata.NodeStorage(str(samples / "sim_nodes.h5"))
    assert nodes.population_names == set(sim["population_sizes"])
    for pop, n in sim["population_sizes"].items():
        p = nodes.open_population(pop)
        assert p.size == n
        assert set(p.get_attribute("model_template", p.select_all())) == {"neurodyn:lif_delta"}
    edges = libsonata.EdgeStorage(str(samples / "sim_edges.h5"))
    assert edges.population_names == set(sim["edges"])
    rng = np.random.default_rng(0)
    for name, e in sim["edges"].items():
        p = edges.open_population(name)
        assert p.source == e["source"] and p.target == e["target"] and p.size == e["size"] > 0
        sel = p.select_all()
        src, tgt = p.source_nodes(sel), p.target_nodes(sel)
        np.testing.assert_array_equal(src, e["source_node_id"])
        np.testing.assert_array_equal(tgt, e["target_node_id"])
        w = np.asarray(p.get_attribute("syn_weight", sel))
        np.testing.assert_array_equal(w.astype(np.float32), np.asarray(e["syn_weight"], dtype=np.float32))
        np.testing.assert_array_equal(p.get_attribute("delay", sel), e["delay"])
        for node in rng.choice(e["source_count"], size=10, replace=False):
            np.testing.assert_array_equal(p.efferent_edges(int(node)).flatten(), np.flatnonzero(src == node))
        for node in rng.choice(e["target_count"], size=10, replace=False):
            np.testing.assert_array_equal(p.afferent_edges(int(node)).flatten(), np.flatnonzero(tgt == node))
