"""neurodyn.interop: SONATA files written by libneurodyn read back, and a
network's recordings converted to Neo and NWB; what comes out must equal what
the simulation produced. This process holds both HDF5 libraries (the system's,
linked by libneurodyn, and h5py's): the tests write with one, read with the
other and write again. make test-capi-python runs this file in a pytest
process of its own: the test_capi_* files keep h5py out of theirs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import h5py
import neo
import numpy as np
import pynwb
import pytest
import quantities as pq
from capi_util import PYDIR, SPEC, nd

from neurodyn import interop

SIZES = {"E": 80, "I": 20}
T_MS = 120.0


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    if not nd.build_info()["hdf5"]:
        pytest.skip("libneurodyn built without HDF5")
    d = tmp_path_factory.mktemp("interop")
    with nd.Network(SPEC) as split:  # one run written as two files
        split.run(60.0)
        split.write_spikes(d / "first.h5")
        first = {p: split.spikes(f"spikes:{p}") for p in SIZES}
        split.clear_spikes()
        split.run(T_MS - 60.0)
        split.write_spikes(d / "second.h5")
        second = {p: split.spikes(f"spikes:{p}") for p in SIZES}
    net = nd.Network(SPEC)  # the same run in one file
    net.run(T_MS)
    net.write_spikes(d / "spikes.h5")
    net.write_frames("v", d / "v.h5")
    net.write_frames("rate", d / "rate.h5")
    spikes = {p: net.spikes(f"spikes:{p}") for p in SIZES}
    for p in SIZES:
        np.testing.assert_array_equal(np.concatenate([first[p][0], second[p][0]]), spikes[p][0])
    with h5py.File(d / "nodes.h5", "w") as f:  # the layout of export.WriteNodes
        for p, n in SIZES.items():
            f.create_dataset(f"nodes/{p}/node_type_id", data=np.zeros(n, dtype=np.int64))
    yield {"dir": d, "net": net, "spikes": spikes, "v": net.frames("v"), "rate": net.frames("rate")}
    net.close()


def test_weights_frames(tmp_path):
    """A weights recorder's SONATA report reads back with its mapping
    (population the projection, node ids the sources, element ids the
    synapses); to_neo(frames=True) leaves it out, naming it is an error."""
    spec = {
        "populations": [{"name": "A", "n": 3, "sign": 1}, {"name": "B", "n": 2}],
        "projections": [{"source": "A", "target": "B", "rule": {"kind": "all_to_all"}, "weights": {"value": 10.0},
                         "delay_ms": 1.0, "plasticity": {"kind": "stdp", "lambda": 0.01, "alpha": 1.0, "w_max": 40.0}}],
        "devices": [{"kind": "dc", "target": "A", "amplitude_pa": 500.0}, {"kind": "dc", "target": "B", "amplitude_pa": 450.0}],
        "recorders": [{"kind": "spikes", "population": "A"},
                      {"name": "w", "kind": "weights", "projection": "A_to_B", "synapses": [0, 1, 4], "interval_ms": 2.0}],
    }
    with nd.Network(spec) as net:
        net.run(50.0)
        t, v = net.frames("w")
        net.write_frames("w", tmp_path / "w.h5")
        r = interop.read_frames(tmp_path / "w.h5")
        assert r.population == "A_to_B" and r.units == "pA" and r.dt_ms == 2.0 and r.start_ms == 2.0
        np.testing.assert_array_equal(r.data, v)
        np.testing.assert_array_equal(r.node_ids, [0, 0, 2])  # the source of synapses 0, 1 (of neuron 0) and 4 (of 2)
        np.testing.assert_array_equal(r.element_ids, [0, 1, 4])
        assert not np.array_equal(v[0], v[-1])
        block = interop.to_neo(net, frames=True)
        assert len(block.segments[0].analogsignals) == 0
        with pytest.raises(nd.InvalidParameterError, match="'w' is a weights recorder"):
            interop.to_neo(net, frames=["w"])
        assert r.weights


def test_weights_report_refused(tmp_path, sim):
    """A weights recorder's report given to to_neo or to_nwb as a file, or
    as the FrameReport read from it, is an error naming it (its columns are
    synapses: as an AnalogSignal of source neurons, or an NWB TimeSeries in
    amperes, it would be mislabelled); the command line skips it. State
    reports still convert."""
    spec = {
        "populations": [{"name": "A", "n": 3, "sign": 1}, {"name": "B", "n": 2}],
        "projections": [{"source": "A", "target": "B", "rule": {"kind": "all_to_all"}, "weights": {"value": 10.0},
                         "delay_ms": 1.0, "plasticity": {"kind": "stdp", "lambda": 0.01, "alpha": 1.0, "w_max": 40.0}}],
        "devices": [{"kind": "dc", "target": "A", "amplitude_pa": 500.0}, {"kind": "dc", "target": "B", "amplitude_pa": 450.0}],
        "recorders": [{"kind": "spikes", "population": "A"},
                      {"name": "w", "kind": "weights", "projection": "A_to_B", "synapses": [0, 1, 4], "interval_ms": 2.0},
                      {"name": "v", "kind": "state", "population": "A", "interval_ms": 2.0}],
    }
    with nd.Network(spec) as net:
        net.run(50.0)
        net.write_spikes(tmp_path / "spikes.h5")
        net.write_frames("w", tmp_path / "w.h5")
        net.write_frames("v", tmp_path / "v.h5")
    w, spikes = tmp_path / "w.h5", tmp_path / "spikes.h5"
    assert interop.read_frames(w).weights and not interop.read_frames(tmp_path / "v.h5").weights
    assert not interop.read_frames(sim["dir"] / "v.h5").weights
    msg = r"frames: '.*w\.h5' is a weights report \(projection A_to_B\): its columns are synapses"
    for frames in (w, str(w), [tmp_path / "v.h5", w]):
        with pytest.raises(nd.InvalidParameterError, match=msg):
            interop.to_neo(spikes, frames=frames)
        with pytest.raises(nd.InvalidParameterError, match=msg):
            interop.to_nwb(spikes, tmp_path / "x.nwb", frames=frames)
        assert not (tmp_path / "x.nwb").exists()
    with pytest.raises(nd.InvalidParameterError, match=r"frames: 'w' is a weights report \(projection A_to_B\)"):
        interop.to_neo(spikes, frames=[interop.read_frames(w)])
    block = interop.to_neo(spikes, frames=[tmp_path / "v.h5"])
    assert [s.name for s in block.segments[0].analogsignals] == ["v"]
    # the command line skips it, as edges files
    out = _cli(spikes, w, tmp_path / "v.h5")
    assert out.returncode == 0, out.stderr
    assert "w.h5: a weights report (projection A_to_B), skipped" in out.stderr and "v: " in out.stdout
    # without tomllib (Python < 3.11), from the spec's text
    with h5py.File(w) as f:
        config = f.attrs["config"]
    config = config.decode() if isinstance(config, bytes) else str(config)
    assert interop._weights_report_text(config, "A_to_B")
    assert not interop._weights_report_text(config, "A") and not interop._weights_report_text(config, "B_to_A")


def test_read_spikes(sim):
    d = sim["dir"]
    got = interop.read_spikes(d / "spikes.h5")
    assert list(got) == ["E", "I"]
    for p, (t, i) in sim["spikes"].items():
        r = got[p]
        assert r.population == p and r.sorting == "by_time" and len(r) == len(t) > 0
        assert r.times_ms.dtype == np.float64 and r.node_ids.dtype == np.uint64
        np.testing.assert_array_equal(np.lexsort((r.node_ids, r.times_ms)), np.arange(len(r)))  # by time
        assert sorted(zip(r.times_ms.tolist(), r.node_ids.tolist())) == sorted(zip(t.tolist(), i.tolist()))
    # two files of one run, in order, are one report
    seg = interop.read_spikes(d / "first.h5", d / "second.h5")
    for p, (t, i) in sim["spikes"].items():
        assert sorted(zip(seg[p].times_ms.tolist(), seg[p].node_ids.tolist())) == sorted(zip(t.tolist(), i.tolist()))


def test_provenance(sim):
    prov = interop.read_provenance(sim["dir"] / "spikes.h5")
    assert prov["config_format"] == "toml" and "[[population]]" in prov["config"]
    assert prov["seeds"] == {"seed": 5}
    assert prov["neurodyn_version"] == nd.version() and prov["kernel_path"] == nd.build_info()["kernel_path"]
    with nd.Network(prov["config"]) as again:  # the stored spec rebuilds the network
        again.run(T_MS)
        np.testing.assert_array_equal(again.spikes("spikes:E")[0], sim["spikes"]["E"][0])
    assert interop.read_provenance(sim["dir"] / "nodes.h5") == {}


def test_read_frames(sim):
    t, v = sim["v"]
    r = interop.read_frames(sim["dir"] / "v.h5")
    assert (r.population, r.units, r.dt_ms) == ("E", "mV", 0.5)
    np.testing.assert_array_equal(r.data, v)
    np.testing.assert_allclose(r.times_ms, t, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(r.node_ids, [0, 5, 7])
    rate = interop.read_frames(sim["dir"] / "rate.h5", population="I")
    assert rate.units == "Hz" and rate.data.shape == sim["rate"][1].shape
    with pytest.raises(nd.InvalidParameterError, match="population = 'X'"):
        interop.read_frames(sim["dir"] / "v.h5", population="X")


def test_population_sizes(sim):
    assert interop.population_sizes(sim["dir"] / "nodes.h5") == SIZES


def _trains(block):
    return {(s.annotations["population"], s.annotations["node_id"]): s for s in block.segments[0].spiketrains}


def test_to_neo_network_and_files_agree(sim):
    net, d = sim["net"], sim["dir"]
    a = interop.to_neo(net, frames=True)
    b = interop.to_neo(d / "spikes.h5", t_stop_ms=T_MS, sizes=d / "nodes.h5", frames=[d / "v.h5"])
    assert isinstance(a, neo.Block) and isinstance(b, neo.Block) and len(a.segments) == 1
    ta, tb = _trains(a), _trains(b)
    assert set(ta) == set(tb) == {(p, i) for p, n in SIZES.items() for i in range(n)}  # silent neurons too
    for key, s in ta.items():
        assert s.units == pq.ms and s.t_start == 0 * pq.ms and s.t_stop == T_MS * pq.ms
        np.testing.assert_array_equal(s.magnitude, tb[key].magnitude)
    for p, (t, i) in sim["spikes"].items():
        for n in (0, 3, SIZES[p] - 1):
            np.testing.assert_array_equal(ta[(p, n)].magnitude, np.sort(t[i == n]))
    assert [g.name for g in a.groups] == ["E", "I"]
    assert [len(g.spiketrains) for g in a.groups] == [80, 20]
    count = sum(len(s) for s in a.segments[0].spiketrains)
    assert count == sum(len(t) for t, _ in sim["spikes"].values())
    # the signals: exact values, units, sampling, column node ids
    sa = {s.name: s for s in a.segments[0].analogsignals}
    sb = b.segments[0].analogsignals[0]
    assert set(sa) == {"v", "rate"}
    for s in (sa["v"], sb):
        assert s.units == pq.mV and s.sampling_period == 0.5 * pq.ms and s.shape == sim["v"][1].shape
        np.testing.assert_array_equal(s.magnitude, sim["v"][1])
        np.testing.assert_array_equal(s.array_annotations["node_id"], [0, 5, 7])
        assert abs(float(s.t_start.rescale("ms")) - sim["v"][0][0]) < 1e-9
    assert sa["rate"].units == pq.Hz and sa["rate"].annotations["aggregate"] == "population"
    assert b.annotations["neurodyn_version"] == nd.version()


def test_to_neo_without_sizes_and_from_arrays(sim):
    t, i = sim["spikes"]["E"]
    blk = interop.to_neo({"E": (t, i)}, t_stop_ms=T_MS)
    ids = sorted(s.annotations["node_id"] for s in blk.segments[0].spiketrains)
    assert ids == sorted(set(i.tolist()))  # only neurons that spiked, without sizes


def test_to_nwb(sim, tmp_path):
    d = sim["dir"]
    out = interop.to_nwb(d / "spikes.h5", tmp_path / "sim.nwb", t_stop_ms=T_MS, sizes=d / "nodes.h5", frames=[d / "v.h5"])
    assert out == tmp_path / "sim.nwb" and os.listdir(tmp_path) == ["sim.nwb"]  # no temporary left
    assert pynwb.validate(path=str(out)) == []
    with pynwb.NWBHDF5IO(str(out), "r") as io:
        f = io.read()
        df = f.units.to_dataframe()
        assert len(df) == 100 and list(df["population"][:3]) == ["E"] * 3
        for p, (t, i) in sim["spikes"].items():
            for n in range(SIZES[p]):
                row = df[(df["population"] == p) & (df["node_id"] == n)]
                assert len(row) == 1
                np.testing.assert_allclose(row["spike_times"].iloc[0], np.sort(t[i == n]) / 1000, rtol=0, atol=1e-12)
                np.testing.assert_array_equal(row["obs_intervals"].iloc[0], [[0.0, T_MS / 1000]])
        ts = f.acquisition["v"]
        np.testing.assert_array_equal(ts.data[:], sim["v"][1])
        assert (ts.unit, ts.conversion, ts.rate) == ("volts", 1e-3, 2000.0)
        assert abs(ts.starting_time - sim["v"][0][0] / 1000) < 1e-12
        cols = f.processing["neurodyn"]["v_columns"].to_dataframe()
        assert cols["node_id"].tolist() == [0, 5, 7]
        notes = json.loads(f.notes)["neurodyn"]
        assert notes["seeds"] == {"seed": 5} and "[[population]]" in notes["config"]
    with pytest.raises(FileExistsError, match="overwrite"):
        interop.to_nwb(d / "spikes.h5", out, t_stop_ms=T_MS)
    interop.to_nwb(sim["net"], out, overwrite=True, frames=["rate"])
    with pynwb.NWBHDF5IO(str(out), "r") as io:
        f = io.read()
        assert len(f.units) == 100 and f.acquisition["rate"].unit == "Hz"
        assert json.loads(f.notes)["neurodyn"]["config"] == sim["net"].spec
    # libneurodyn still writes after h5py and pynwb have used their HDF5
    sim["net"].write_spikes(tmp_path / "after.h5")
    assert len(interop.read_spikes(tmp_path / "after.h5")["E"]) == len(sim["net"].spikes("spikes:E")[0])


def test_bad_input(sim, tmp_path):
    d = sim["dir"]
    with pytest.raises(nd.InvalidParameterError, match="t_stop_ms: required"):
        interop.to_neo({"E": sim["spikes"]["E"]})
    with pytest.raises(nd.InvalidParameterError, match="t_stop_ms = 50.0.*outside"):
        interop.to_neo(d / "spikes.h5", t_stop_ms=50.0)
    with pytest.raises(nd.InvalidParameterError, match="t_start_ms < t_stop_ms"):
        interop.to_neo(d / "spikes.h5", t_stop_ms=float("nan"))
    arrays = sim["spikes"]  # no provenance: sizes say which neurons there are
    with pytest.raises(nd.InvalidParameterError, match=r"sizes\['E'\] = 3"):
        interop.to_neo(arrays, t_stop_ms=T_MS, sizes={"E": 3, "I": 20})
    with pytest.raises(nd.InvalidParameterError, match="no size for population 'I'"):
        interop.to_neo(arrays, t_stop_ms=T_MS, sizes={"E": 80})
    with pytest.raises(nd.InvalidParameterError, match="frames = True"):
        interop.to_neo(d / "spikes.h5", t_stop_ms=T_MS, frames=True)
    with pytest.raises(nd.InvalidParameterError, match="not a sampled recorder"):
        interop.to_neo(sim["net"], frames=["spikes:E"])
    with pytest.raises(nd.InvalidParameterError, match="not a SONATA spike report"):
        interop.read_spikes(d / "v.h5")
    with pytest.raises(nd.InvalidParameterError, match="not an HDF5 file"):
        (tmp_path / "x.h5").write_text("no")
        interop.read_spikes(tmp_path / "x.h5")
    with pytest.raises(FileNotFoundError):
        interop.read_spikes(tmp_path / "none.h5")
    with pytest.raises(nd.InvalidParameterError, match=r"spikes\['E'\]"):
        interop.to_neo({"E": ([1.0, 2.0], [0])}, t_stop_ms=T_MS)
    with pytest.raises(nd.InvalidParameterError, match="spikes: must be"):
        interop.to_neo(3, t_stop_ms=T_MS)
    with h5py.File(tmp_path / "partial.h5", "w") as f:  # a writer that did not finish
        f.attrs["complete"] = np.uint8(0)
        f.create_group("spikes")
    with pytest.raises(nd.InvalidParameterError, match="incomplete file"):
        interop.read_spikes(tmp_path / "partial.h5")
    with h5py.File(tmp_path / "sec.h5", "w") as f:  # SONATA allows seconds
        g = f.create_group("spikes/A")
        g.create_dataset("timestamps", data=[0.001, 0.002]).attrs["units"] = "s"
        g.create_dataset("node_ids", data=np.array([1, 0], dtype=np.uint64))
    np.testing.assert_allclose(interop.read_spikes(tmp_path / "sec.h5")["A"].times_ms, [1.0, 2.0])
    # the spellings export.ReadSpikes (analyze spikes) reads, padded or not
    for units, scale in (("seconds", 1000.0), (" s ", 1000.0), ("msec", 1.0), ("\u00b5s", 1e-3), ("microseconds", 1e-3),
                         (["s"], 1000.0), (np.array([b"ms"]), 1.0)):  # one-element arrays too
        with h5py.File(tmp_path / "u.h5", "w") as f:
            g = f.create_group("spikes/A")
            g.create_dataset("timestamps", data=[0.001, 0.002]).attrs["units"] = units
            g.create_dataset("node_ids", data=np.array([1, 0], dtype=np.uint64))
        np.testing.assert_allclose(interop.read_spikes(tmp_path / "u.h5")["A"].times_ms, [scale * 0.001, scale * 0.002])
    with h5py.File(tmp_path / "u.h5", "w") as f:
        g = f.create_group("spikes/A")
        g.create_dataset("timestamps", data=[0.001]).attrs["units"] = "hours"
        g.create_dataset("node_ids", data=np.array([0], dtype=np.uint64))
    with pytest.raises(nd.InvalidParameterError, match="time units 'hours'"):
        interop.read_spikes(tmp_path / "u.h5")
    # no units attribute: ms with a warning naming the file, or what time_units says
    with h5py.File(tmp_path / "nounits.h5", "w") as f:
        g = f.create_group("spikes/A")
        g.attrs["sorting"] = "by_time"  # BMTK writes a string
        g.create_dataset("timestamps", data=[1.5, 2.0])
        g.create_dataset("node_ids", data=np.array([1, 0], dtype=np.uint64))
    with pytest.warns(UserWarning, match="nounits.h5.*no units attribute"):
        r = interop.read_spikes(tmp_path / "nounits.h5")["A"]
    np.testing.assert_allclose(r.times_ms, [1.5, 2.0])
    assert r.sorting == "by_time"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(interop.read_spikes(tmp_path / "nounits.h5", time_units="s")["A"].times_ms, [1500.0, 2000.0])
    with pytest.raises(nd.InvalidParameterError, match="time_units"):
        interop.read_spikes(tmp_path / "nounits.h5", time_units="hours")


def test_missing_package(sim, monkeypatch):
    monkeypatch.setitem(sys.modules, "pynwb", None)
    with pytest.raises(ImportError, match=r"pip install 'neurodyn\[interop\]'"):
        interop.to_nwb(sim["net"], sim["dir"] / "never.nwb")
    assert not (sim["dir"] / "never.nwb").exists()


def _cli(*args, **env_over):
    env = dict(os.environ, PYTHONPATH=str(PYDIR) + os.pathsep + os.environ.get("PYTHONPATH", ""), **env_over)
    return subprocess.run([sys.executable, "-m", "neurodyn.interop", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


def test_command_line(sim, tmp_path):
    d = sim["dir"]
    files = [d / "spikes.h5", d / "v.h5", d / "nodes.h5"]
    r = _cli(*files)  # the interval from the file
    assert r.returncode == 0, r.stderr
    assert f"recorded over (0, {T_MS:g}] ms" in r.stdout
    n_e = len(sim["spikes"]["E"][0])
    assert f"E: 80 neurons, {n_e} spikes, mean rate {n_e / 80 / (T_MS / 1000):.3f} Hz" in r.stdout
    assert "v: 240 frames x 3 columns" in r.stdout
    # converting files needs no libneurodyn
    r = _cli(*files, "--t-stop-ms", T_MS, "--nwb", tmp_path / "o.nwb", NEURODYN_LIB=str(tmp_path / "no-such-lib.so"))
    assert r.returncode == 0 and "wrote" in r.stdout and not r.stderr, r.stderr
    assert pynwb.validate(path=str(tmp_path / "o.nwb")) == []
    r = _cli(*files, "--t-stop-ms", T_MS, "--nwb", tmp_path / "o.nwb")
    assert r.returncode == 2 and "pass --overwrite" in r.stderr and "overwrite=True" not in r.stderr, r.stderr
    r = _cli(d / "v.h5", "--t-stop-ms", T_MS)
    assert r.returncode == 2 and "no spike report" in r.stderr
    bare = tmp_path / "bare.h5"  # another tool's report: no recorded interval
    with h5py.File(d / "spikes.h5", "r") as src, h5py.File(bare, "w") as dst:
        src.copy("spikes", dst)
    r = _cli(bare)
    assert r.returncode == 2 and "t_stop_ms: required" in r.stderr
    r = _cli(bare, "--t-stop-ms", T_MS)
    assert r.returncode == 0 and f"recorded over (0, {T_MS:g}] ms" in r.stdout, r.stderr


def test_files_of_different_runs_refused(sim, tmp_path):
    """A frame report of another run (another seed, or another network spec)
    beside a run's spike report -- a directory rewritten without simulate
    --overwrite -- is refused, naming both files, by the command line,
    to_nwb, to_neo and read_frames/read_spikes over segments; files of one
    run (and files without provenance) convert as before."""
    d = sim["dir"]
    for what, attr, change in (("seeds", "seeds", lambda v: np.asarray(v) + 1),
                               ("network spec", "config", lambda v: interop._str(v).replace("80", "800", 1))):
        other = tmp_path / f"v_{attr}.h5"
        with h5py.File(d / "v.h5", "r") as src, h5py.File(other, "w") as dst:
            for k in src:
                src.copy(k, dst)
            for k, v in src.attrs.items():
                dst.attrs[k] = v
            dst.attrs[attr] = change(src.attrs[attr])
        r = _cli(d / "spikes.h5", other, d / "nodes.h5", "--nwb", tmp_path / "mix.nwb")
        assert r.returncode == 2 and "different runs" in r.stderr and what in r.stderr, r.stderr
        assert str(other) in r.stderr and "spikes.h5" in r.stderr, r.stderr
        assert not (tmp_path / "mix.nwb").exists()
        with pytest.raises(nd.InvalidParameterError, match="different runs"):
            interop.to_nwb(d / "spikes.h5", tmp_path / "mix.nwb", frames=[other])
        with pytest.raises(nd.InvalidParameterError, match="different runs"):
            interop.to_neo(d / "spikes.h5", frames=[interop.read_frames(other)])
        with pytest.raises(nd.InvalidParameterError, match="different runs"):
            interop.read_frames(d / "v.h5", other)
    spk = tmp_path / "s_other.h5"
    with h5py.File(d / "spikes.h5", "r") as src, h5py.File(spk, "w") as dst:
        src.copy("spikes", dst)
        for k, v in src.attrs.items():
            dst.attrs[k] = v
        dst.attrs["seeds"] = np.asarray(src.attrs["seeds"]) + 1
    with pytest.raises(nd.InvalidParameterError, match="different runs"):
        interop.read_spikes(d / "first.h5", spk)
    # one run's files, and a file without provenance beside them, convert
    interop.read_spikes(d / "first.h5", d / "second.h5")
    bare = tmp_path / "v_bare.h5"
    with h5py.File(d / "v.h5", "r") as src, h5py.File(bare, "w") as dst:
        for k in src:
            src.copy(k, dst)
    r = _cli(d / "spikes.h5", bare, d / "nodes.h5")
    assert r.returncode == 0, r.stderr


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Elephant 1.2 on quantities 0.16 and numpy 2
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_spike_statistics_agree_with_elephant():
    """neurodyn.analysis.spike_stats and Elephant 1.2 (on the Neo trains
    to_neo gives) compute the same rates, ISI CVs, Fano factors (of counts
    in Elephant's bins) and count correlations. The window [100.05, 950.05)
    ms puts no bin edge on the 0.1 ms grid the spikes fall on, so both
    binnings see the same counts."""
    import elephant.conversion as econv
    import elephant.spike_train_correlation as ecorr
    import elephant.statistics as estat

    t0, t1, bin_ms = 100.05, 950.05, 5.0
    with nd.Network(SPEC) as net:
        net.run(1000.0)
        block = interop.to_neo(net)
        raw = {p: net.spikes(f"spikes:{p}") for p in SIZES}
    exact = 0
    for g in block.groups:
        n = len(g.spiketrains)
        ours = nd.analysis.spike_stats(*raw[g.name], n, t0, t1, bin_ms=bin_ms)
        trains = [st.time_slice(t0 * pq.ms, t1 * pq.ms) for st in g.spiketrains]
        rates = np.array([  # Elephant refuses an empty train: a silent neuron's rate is 0
            float(estat.mean_firing_rate(st, t0 * pq.ms, t1 * pq.ms).rescale("Hz")) if len(st) else 0.0 for st in trains
        ])
        assert ours["mean_rate"] == pytest.approx(rates.mean(), rel=1e-12)
        assert ours["std_rate"] == pytest.approx(rates.std(), rel=1e-12)
        assert ours["silent"] == np.mean(rates == 0)
        cvs = [estat.cv(estat.isi(st)) for st in trains if len(st) >= 3]
        assert len(cvs) > n // 2  # the statistic is about most neurons, not a few
        assert ours["mean_cv"] == pytest.approx(np.mean(cvs), rel=1e-12)
        binned = econv.BinnedSpikeTrain(trains, bin_size=bin_ms * pq.ms, t_start=t0 * pq.ms, t_stop=t1 * pq.ms)
        counts = binned.to_array().astype(np.float64)
        assert binned.n_bins == 170 and counts.sum() == sum(len(st) for st in trains)
        fired = counts.sum(axis=1) > 0
        fano = counts[fired].var(axis=1) / counts[fired].mean(axis=1)
        assert ours["mean_fano"] == pytest.approx(fano.mean(), rel=1e-12)
        active = counts.std(axis=1) > 0
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Detected empty spike trains")  # silent neurons, as meant
            c = ecorr.correlation_coefficient(binned)
        c = c[np.ix_(active, active)][np.triu_indices(active.sum(), 1)]
        if len(c) <= 1000:  # neurodyn takes every pair: the means agree
            assert ours["mean_corr"] == pytest.approx(c.mean(), rel=1e-10)
            exact += 1
        else:  # 1,000 seeded pairs: their mean estimates Elephant's over every pair
            assert abs(ours["mean_corr"] - c.mean()) < 4 * c.std() / np.sqrt(1000)
    assert exact == 1  # I (20 neurons) all pairs; E (80) sampled


def test_to_neo_after_clear():
    """A Network's trains start when its recorders' memories do."""
    with nd.Network(SPEC) as net:
        net.run(40.0)
        net.clear_spikes()
        net.run(30.0)
        assert {r["spikes_from_ms"] for r in net.recorders() if r["kind"] == "spikes"} == {40.0}
        st = interop.to_neo(net).segments[0].spiketrains[0]
        assert (float(st.t_start), float(st.t_stop)) == (40.0, 70.0)
        net.clear_spikes("spikes:E")  # E from 70 ms, I still from 40
        net.run(10.0)
        blk = interop.to_neo(net)
        starts = {(g.name, float(g.spiketrains[0].t_start)) for g in blk.groups}
        assert starts == {("E", 70.0), ("I", 40.0)}
        with tempfile.TemporaryDirectory() as d:
            out = interop.to_nwb(net, Path(d) / "x.nwb")
            with pynwb.NWBHDF5IO(str(out), "r") as io:
                df = io.read().units.to_dataframe()
                assert df[df["population"] == "E"]["obs_intervals"].iloc[0].tolist() == [[0.07, 0.08]]
                assert df[df["population"] == "I"]["obs_intervals"].iloc[0].tolist() == [[0.04, 0.08]]


def test_empty_frame_reports(tmp_path):
    """A report without frames yet starts when its first frame will be."""
    with nd.Network(SPEC) as net:
        net.run(0.3)  # v every 0.5 ms, rate in 2 ms bins: no frame yet
        net.write_frames("v", tmp_path / "v.h5")
        assert interop.read_frames(tmp_path / "v.h5").start_ms == pytest.approx(0.5)
        sig = {s.name: s for s in interop.to_neo(net, frames=True).segments[0].analogsignals}
        assert float(sig["v"].t_start) == pytest.approx(0.5) and float(sig["rate"].t_start) == pytest.approx(2.0)


def test_to_neo_partial_recorder():
    """A spikes recorder of some neurons gives trains for exactly those."""
    spec = {
        "dt_ms": 0.1,
        "populations": [{"name": "A", "n": 12, "model": "lif_delta"}],
        "devices": [{"kind": "dc", "target": "A", "amplitude_pa": 2000.0}],
        "recorders": [{"kind": "spikes", "population": "A", "neurons": [2, 5, 9]}],
    }
    with nd.Network(spec) as net:
        net.run(50.0)
        t, i = net.spikes("spikes:A")
        blk = interop.to_neo(net)
    trains = _trains(blk)
    assert sorted(trains) == [("A", 2), ("A", 5), ("A", 9)] and len(t) > 0
    for (_, n), st in trains.items():
        np.testing.assert_array_equal(st.magnitude, t[i == n])


def test_recorded_interval(sim, tmp_path):
    """libneurodyn's spike reports record the interval their spikes cover:
    from the start (or the last clear_spikes) to the time written, the
    stream's from when it was attached to when it was closed; to_neo takes it
    as the window."""
    d = sim["dir"]
    assert interop.recorded_interval(d / "spikes.h5") == (0.0, T_MS)
    assert interop.recorded_interval(d / "first.h5") == (0.0, 60.0)
    assert interop.recorded_interval(d / "second.h5") == (60.0, T_MS)
    blk = interop.to_neo([d / "first.h5", d / "second.h5"], sizes=SIZES)  # one after the other: their union
    st = blk.segments[0].spiketrains[0]
    assert (float(st.t_start), float(st.t_stop)) == (0.0, T_MS)
    with nd.Network(SPEC) as net:
        net.run(30.0)
        net.checkpoint(tmp_path / "at30.ckpt")
    with nd.Network(SPEC) as net:  # continued from 30 ms, streaming
        net.restore(tmp_path / "at30.ckpt")
        net.stream_spikes(tmp_path / "stream.h5")
        net.run(50.0)
        net.close_streams()
        assert interop.recorded_interval(tmp_path / "stream.h5") == (30.0, 80.0)
        assert min(interop.read_spikes(tmp_path / "stream.h5")["E"].times_ms) > 30.0
    with nd.Network(SPEC) as net:
        net.run(20.0)
        net.checkpoint(tmp_path / "at20.ckpt")
        net.run(20.0)
        net.write_spikes(tmp_path / "before.h5")
        net.restore(tmp_path / "at20.ckpt")  # memory holds spikes of (0, 40]; the network is at 20 ms
        net.run(10.0)
        net.write_spikes(tmp_path / "mixed.h5")
        assert interop.recorded_interval(tmp_path / "before.h5") == (0.0, 40.0)
        assert interop.recorded_interval(tmp_path / "mixed.h5") is None  # no single interval
        net.clear_spikes()
        net.run(10.0)
        net.write_spikes(tmp_path / "after.h5")
        assert interop.recorded_interval(tmp_path / "after.h5") == (30.0, 40.0)
        net.run(5.0)
        net.clear_spikes("spikes:E")  # each recorder cleared by name at the same time: one interval
        net.clear_spikes("spikes:I")
        net.run(5.0)
        net.write_spikes(tmp_path / "by_name.h5")
        assert interop.recorded_interval(tmp_path / "by_name.h5") == (45.0, 50.0)
        net.clear_spikes("spikes:E")
        net.run(5.0)
        net.write_spikes(tmp_path / "one_cleared.h5")  # E from 50 ms, I from 45: none
        assert interop.recorded_interval(tmp_path / "one_cleared.h5") is None
    with nd.Network(SPEC) as net:  # attached, then restored to 30 ms before running
        net.stream_spikes(tmp_path / "restored_stream.h5")
        net.restore(tmp_path / "at30.ckpt")
        net.run(50.0)
        net.close_streams()
        assert interop.recorded_interval(tmp_path / "restored_stream.h5") == (30.0, 80.0)


def test_recorders_rates_and_segments(sim, tmp_path):
    """Files say which neurons each spikes recorder recorded (a recorder of
    some neurons of a population under the population's name; a second
    recorder of a population is refused, as it would pass for another
    population); rate reports are population aggregates; overlapping files
    are refused; a stream's frame segments are one recording; recorders'
    default names (state:E) make valid NWB names; a run without spikes
    converts."""
    with nd.Network(SPEC + """[[recorder]]
name = "exc:sub"
kind = "spikes"
population = "E"
neurons = [2, 5, 9]
""") as net:
        net.run(1.0)
        with pytest.raises(nd.InvalidParameterError, match="both record population E"):
            net.write_spikes(tmp_path / "twice.h5")
        with pytest.raises(nd.InvalidParameterError, match="both record population 'E'"):
            interop.to_neo(net)
    assert not (tmp_path / "twice.h5").exists()
    whole_i = '[[recorder]]\nkind = "spikes"\npopulation = "I"\n'
    assert whole_i in SPEC
    spec = SPEC.replace(whole_i, '[[recorder]]\nname = "inh:sub"\nkind = "spikes"\npopulation = "I"\nneurons = [2, 5, 9]\n') + """[[recorder]]
kind = "state"
population = "I"
neurons = [1]
interval_ms = 1.0
"""
    with nd.Network(spec) as net:
        net.run(60.0)
        net.write_spikes(tmp_path / "s.h5")
        net.write_frames("rate", tmp_path / "rate.h5")
        want = net.spikes("inh:sub")
        trains = _trains(interop.to_neo(tmp_path / "s.h5", sizes={"E": 80, "I": 20}))
        assert sorted(k for k in trains if k[0] == "I") == [("I", 2), ("I", 5), ("I", 9)]
        assert sum(len(v) for k, v in trains.items() if k[0] == "I") == len(want[0])
        assert len([k for k in trains if k[0] == "E"]) == 80
        assert _trains(interop.to_neo(net)).keys() == trains.keys()  # the same names from the live network
        out = interop.to_nwb(net, tmp_path / "all.nwb", frames=True)  # recorder names v, rate, state:I
        assert pynwb.validate(path=str(out)) == []
        with pynwb.NWBHDF5IO(str(out), "r") as io:
            assert set(io.read().acquisition) == {"v", "rate", "state_I"}
    rate = interop.read_frames(tmp_path / "rate.h5")
    assert rate.node_ids is None and rate.units == "Hz"  # the population's rate, not neuron 0's
    with pytest.raises(nd.InvalidParameterError, match="overlap"):
        interop.to_neo([sim["dir"] / "first.h5", sim["dir"] / "spikes.h5"])
    # a stream's frame segments, v.000000.h5 and v.000001.h5
    v = interop.read_frames(sim["dir"] / "v.h5")
    half = len(v.times_ms) // 2
    for k, rows in enumerate((slice(0, half), slice(half, None))):
        with h5py.File(sim["dir"] / "v.h5", "r") as src, h5py.File(tmp_path / f"v.{k:06d}.h5", "w") as dst:
            src.copy("report", dst)
            del dst["report/E/data"]
            dst["report/E/data"] = v.data[rows]
            dst["report/E/data"].attrs["units"] = "mV"
            t0 = v.times_ms[rows][0]
            dst["report/E/mapping/time"][...] = [t0, t0 + v.dt_ms * len(v.times_ms[rows]), v.dt_ms]
    joined = interop.read_frames(tmp_path / "v.000000.h5", tmp_path / "v.000001.h5")
    np.testing.assert_array_equal(joined.data, v.data)
    assert joined.name == "v"
    r = _cli(sim["dir"] / "spikes.h5", tmp_path / "v.000000.h5", tmp_path / "v.000001.h5")
    assert r.returncode == 0 and f"v: {len(v.times_ms)} frames x 3 columns" in r.stdout, r.stdout + r.stderr
    # nothing fired and no sizes: an NWB file without a units table
    empty = interop.to_nwb({"E": ([], [])}, tmp_path / "empty.nwb", t_stop_ms=1.0)
    assert pynwb.validate(path=str(empty)) == []


def test_stream_spikes_segmented(sim, tmp_path):
    """stream_spikes(segment_records=...) writes crash-safe segments
    (s.000000.h5, ...) that read back, in order, as the spikes of one file;
    the last records the interval; the command line converts them. A
    killed writer's partial segment (s.NNNNNN.h5.partial) is not among
    them."""
    with nd.Network(SPEC) as net:
        net.stream_spikes(tmp_path / "s.h5", segment_records=50)
        net.run(T_MS)
        net.close_streams()
    segs = sorted(tmp_path.glob("s.[0-9]*.h5"))
    assert len(segs) >= 2 and not (tmp_path / "s.h5").exists()
    got = interop.read_spikes(*segs)
    for p in SIZES:
        np.testing.assert_array_equal(got[p].times_ms, sim["spikes"][p][0])
        np.testing.assert_array_equal(got[p].node_ids, sim["spikes"][p][1])
    assert interop.recorded_interval(segs[-1]) == (0.0, T_MS)
    (tmp_path / "s.999999.h5.partial").write_bytes(b"")  # what a kill -9 leaves
    r = _cli(*sorted(tmp_path.glob("s.*.h5")), sim["dir"] / "nodes.h5")
    assert r.returncode == 0 and f"recorded over (0, {T_MS:g}] ms" in r.stdout, r.stderr
    # cut at simulated times: the segments tile (0, T_MS], each with its interval
    with nd.Network(SPEC) as net:
        net.stream_spikes(tmp_path / "c.h5", segmented=True)
        for _ in range(4):
            net.run(T_MS / 4)
            net.cut_streams()
        net.close_streams()
    segs = sorted(tmp_path.glob("c.[0-9]*.h5"))
    ivs = [interop.recorded_interval(s) for s in segs]
    assert ivs[:4] == [(k * T_MS / 4, (k + 1) * T_MS / 4) for k in range(4)], ivs
    got = interop.read_spikes(*segs)
    for p in SIZES:
        np.testing.assert_array_equal(got[p].times_ms, sim["spikes"][p][0])
    blk = interop.to_neo(segs[:2], sizes=SIZES)  # what a kill after the second cut keeps
    st = blk.segments[0].spiketrains[0]
    assert (float(st.t_start), float(st.t_stop)) == (0.0, T_MS / 2)
    with nd.Network(SPEC) as net:
        with pytest.raises(nd.StateError, match="no spikes"):
            net.cut_streams()
        net.stream_spikes(tmp_path / "one.h5")
        with pytest.raises(nd.StateError, match="one file"):
            net.cut_streams()
    with nd.Network(SPEC) as net:
        with pytest.raises(nd.InvalidParameterError, match="segment_records"):
            net.stream_spikes(tmp_path / "bad.h5", segment_records=-1)
        with pytest.raises(nd.InvalidParameterError, match="segment_seconds"):
            net.stream_spikes(tmp_path / "bad.h5", segment_seconds=float("nan"))
