"""neurodyn's precise mode (off-grid spike times: kernel "precise = true",
neurons.LIFExpPrecise) against NEST 3.10's iaf_psc_exp_ps (make test-nest;
conventions and helpers of test_nest_crosscheck.py, imported from it).

Both sides hold the state in float64 and propagate it exactly from event to
event inside a step; input spikes act at their own times (NEST: a
spike_generator with precise_times, its spikes carrying offsets; neurodyn: a
spike_source in precise mode acts exactly at its time, so it gets t + delay);
a threshold crossing is located by root finding on the exact solution and
the refractory period starts and ends off the grid. The spike times must
therefore agree to root-finding precision, not to a grid step: NEST's
spike_recorder gives a precise neuron's spike at its exact time (stamp −
offset), neurodyn's spikes recorder likewise.

Poisson input (poisson_generator_ps; neurodyn's poisson device in precise
mode) draws from different random streams on the two sides, so that test
compares rates and ISI CVs statistically.

Tolerances: spike times within 1e-10 ms (both sides solve V(t) = V_th on
the same float64 expression to ~1e-13 ms; measured up to 1.3e-11 ms in the
recurrent network, where differences propagate; 1e-10 leaves room for the
different root finders and float64 rounding and is 1e-9 of a step);
V at the grid samples within the float32 rounding of neurodyn's recorded
mirror: it holds float32(V − E_L) and adds E_L in float32, so
U32·(|V − E_L| + |V|), plus 1e-9 mV of float64 propagation differences.
"""

from __future__ import annotations

import functools
import os

os.environ.setdefault("PYNEST_QUIET", "1")

import nest  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import neurodyn as nd  # noqa: E402
from test_nest_crosscheck import LIF_EXP_KEYS, U32, mapped, nest_reset  # noqa: E402

SPIKE_TOL_MS = 1e-10

# iaf_psc_exp_ps / lif_exp parameters: τ_syn,ex ≠ τ_syn,in ≠ τ_m, V_reset ≠
# E_L, t_ref a multiple of both dt used, I_e below rheobase (−65 + 180·10/250
# = −57.8 mV < V_th): the spikes come from the input.
PS = {"C_m": 250.0, "tau_m": 10.0, "tau_syn_ex": 2.0, "tau_syn_in": 5.0, "t_ref": 2.0, "E_L": -65.0,
      "V_reset": -70.0, "V_th": -50.0, "I_e": 180.0}


def off_grid_times(rng, n: int, lo_ms: float, hi_ms: float, dt: float) -> np.ndarray:
    """n sorted times in [lo, hi), none closer than 1e-6 ms to a grid point
    (a spike at a grid point is the same time on both sides either way, but
    keeping away from it tests the offsets)."""
    t = np.sort(rng.uniform(lo_ms, hi_ms, n))
    frac = t / dt - np.floor(t / dt)
    bad = (frac < 1e-5) | (frac > 1 - 1e-5)
    t[bad] += 0.5 * dt
    return np.round(np.sort(t), 9)


def compare_spikes(a: np.ndarray, b: np.ndarray, what: str, min_spikes: int = 10) -> float:
    assert len(a) >= min_spikes, f"{what}: NEST fired {len(a)} times; the protocol does not test spiking enough"
    assert len(a) == len(b), (f"{what}: NEST fired {len(a)} times, neurodyn {len(b)}; first NEST "
                              f"{np.round(a[:8], 6).tolist()}, neurodyn {np.round(b[:8], 6).tolist()}")
    d = float(np.abs(a - b).max())
    assert d <= SPIKE_TOL_MS, f"{what}: spike times differ by up to {d:.3g} ms > {SPIKE_TOL_MS:g}"
    return d


def recurrent_pair(rng, nest_model: str, nest_params: dict, nd_model: str, nd_params: dict, w_rec: tuple,
                   w_in: float, dt: float, ms: float, n: int = 60, n_exc: int = 48):
    """n neurons (V from −67 mV) connected at random with p = 0.15, no
    autapses, weight w_rec[0] from the first n_exc sources and w_rec[1] from
    the others, delays drawn from 1, 1.5 and 2.3 ms, each neuron driven by
    its own off-grid train of 600 spikes (weight w_in, arriving 1 ms after
    its times), in NEST (nest_model, spike_generator with precise_times)
    and in neurodyn's precise mode (nd_model, list projections and
    spike_source devices): both sides' spikes as sorted (neuron, time)
    pairs, then the synapses' sources, targets and delays and the trains
    (drawn from rng in that order)."""
    src, tgt = np.nonzero(rng.random((n, n)) < 0.15)
    keep = src != tgt
    src, tgt = src[keep], tgt[keep]
    w = np.where(src < n_exc, *w_rec)
    delay = rng.choice([1.0, 1.5, 2.3], len(src))
    trains = [off_grid_times(rng, 600, 1.0, ms - 2, dt) for _ in range(n)]

    nest_reset(dt)
    nodes = nest.Create(nest_model, n, params={**nest_params, "V_m": -67.0})
    for j in range(n):
        sg = nest.Create("spike_generator", params={"spike_times": trains[j].tolist(), "precise_times": True})
        nest.Connect(sg, nodes[j], syn_spec={"weight": w_in, "delay": 1.0})
    for s, t, ww, dd in zip(src, tgt, w, delay):
        nest.Connect(nodes[int(s)], nodes[int(t)], syn_spec={"weight": float(ww), "delay": float(dd)})
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    nest.Simulate(ms)
    ev = sr.events
    a = sorted(zip(np.asarray(ev["senders"]) - nodes[0].global_id, np.asarray(ev["times"], float)))

    projections = []
    for recep, sel in (("exc", src < n_exc), ("inh", src >= n_exc)):
        for dd in (1.0, 1.5, 2.3):
            k = sel & (delay == dd)
            if k.any():
                projections.append({"source": "net", "target": "net", "receptor": recep, "rule": {"kind": "list"},
                                    "sources": src[k].tolist(), "targets": tgt[k].tolist(),
                                    "weight_list": w[k].tolist(), "delay_ms": dd})
    devices = [{"kind": "spike_source", "target": "net", "neurons": [j], "receptor": "exc", "weight": w_in,
                "spike_times_ms": (trains[j] + 1.0).tolist()} for j in range(n)]
    spec = {"dt_ms": dt, "seed": 1, "precise": True,
            "populations": [{"name": "net", "n": n, "model": nd_model, "params": nd_params,
                             "v_init": {"value": -67.0}}],
            "projections": projections, "devices": devices,
            "recorders": [{"name": "spikes", "kind": "spikes", "population": "net"}]}
    with nd.Network(spec) as net:
        net.run(ms)
        bt, bi = net.spikes("spikes")
    b = sorted(zip(bi.astype(int), bt.astype(float)))
    return a, b, src, tgt, delay, trains



def poisson_pair(nest_model: str, nest_params: dict, nd_model: str, nd_params: dict, exc: tuple, inh: tuple,
                 dt: float, ms: float, n: int):
    """n unconnected neurons driven for ms by an excitatory and an inhibitory
    Poisson train each ((rate Hz, weight) pairs), in NEST (nest_model with
    poisson_generator_ps, delay 1 ms) and in neurodyn's precise mode
    (nd_model with poisson devices; seed 3): each side's spikes as
    (neuron indices, times in ms)."""
    nest_reset(dt)
    nodes = nest.Create(nest_model, n, params=nest_params)
    for rate, w in (exc, inh):
        g = nest.Create("poisson_generator_ps", params={"rate": rate})
        nest.Connect(g, nodes, syn_spec={"weight": w, "delay": 1.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    nest.Simulate(ms)
    ev = sr.events
    a = (np.asarray(ev["senders"]) - nodes[0].global_id, np.asarray(ev["times"], float))

    spec = {"dt_ms": dt, "seed": 3, "precise": True,
            "populations": [{"name": "n", "n": n, "model": nd_model, "params": nd_params}],
            "devices": [{"kind": "poisson", "target": "n", "receptor": "exc", "rate_hz": exc[0], "weight": exc[1]},
                        {"kind": "poisson", "target": "n", "receptor": "inh", "rate_hz": inh[0], "weight": inh[1]}],
            "recorders": [{"name": "spikes", "kind": "spikes", "population": "n"}]}
    with nd.Network(spec) as net:
        net.run(ms)
        b_t, b_ids = net.spikes("spikes")
    return a, (b_ids.astype(int), b_t.astype(float))


def rates_and_cvs(ids: np.ndarray, t: np.ndarray, n: int, ms: float, t0: float = 200.0):
    """Each of n neurons' rate (Hz) after t0 ms (past the transient from
    rest) of a run of ms, and the ISI CVs of those with more than 5 ISIs."""
    keep = t >= t0
    ids, t = ids[keep].astype(int), t[keep]
    rates = np.bincount(ids, minlength=n) / ((ms - t0) / 1000.0)
    cvs = []
    for j in range(n):
        isi = np.diff(np.sort(t[ids == j]))
        if len(isi) > 5:
            cvs.append(isi.std() / isi.mean())
    return rates, np.asarray(cvs)



@pytest.mark.parametrize("tau_ex", [2.0, 10.0], ids=["tau_ex_2", "tau_ex_eq_tau_m"])
@pytest.mark.parametrize("dt", [0.1, 1.0])
def test_precise_single_neuron(dt, tau_ex, figures):
    """One neuron driven by off-grid excitatory and inhibitory trains (delay
    1 ms, so they act at off-grid times), I_e, and (τ_syn,ex = τ_m) the
    limit form of the propagator: identical spike times (to 1e-10 ms) and V
    at every grid sample NEST records (its multimeter stops one min_delay,
    1 ms, before the end) within the float32 rounding of our recorded
    mirror. At dt = 1 ms most steps hold several input spikes and the spike
    times are 1e-10 of a step apart at most, where the grid mode would be off
    by up to a step."""
    rng = np.random.default_rng(7)
    p = {**PS, "tau_syn_ex": tau_ex}
    ms, delay = 500.0, 1.0
    exc = off_grid_times(rng, 1100, 1.0, ms - 2, dt)
    inh = off_grid_times(rng, 250, 1.0, ms - 2, dt)
    w_exc = 120.0 * 2.0 / tau_ex  # about the same charge per spike for both τ_syn,ex

    nest_reset(dt)
    n = nest.Create("iaf_psc_exp_ps", params={**p, "V_m": -67.0})
    for tr, w in ((exc, w_exc), (inh, -90.0)):
        sg = nest.Create("spike_generator", params={"spike_times": tr.tolist(), "precise_times": True})
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": delay})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": dt})
    nest.Connect(mm, n)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(ms)
    a_spk = np.asarray(sr.events["times"], float)
    a_t, a_v = np.asarray(mm.events["times"]), np.asarray(mm.events["V_m"])

    pop = {"name": "n", "n": 1, "model": "lif_exp", "params": mapped(p, LIF_EXP_KEYS), "v_init": {"value": -67.0}}
    devices = [{"kind": "spike_source", "target": "n", "receptor": "exc", "weight": w_exc,
                "spike_times_ms": (exc + delay).tolist()},
               {"kind": "spike_source", "target": "n", "receptor": "inh", "weight": -90.0,
                "spike_times_ms": (inh + delay).tolist()}]
    spec = {"dt_ms": dt, "seed": 1, "precise": True, "populations": [pop], "devices": devices,
            "recorders": [{"name": "V", "kind": "state", "population": "n", "variable": "V"},
                          {"name": "spikes", "kind": "spikes", "population": "n"}]}
    with nd.Network(spec) as net:
        net.run(ms)
        b_t, b_v = net.frames("V")
        b_spk = net.spikes("spikes")[0]

    d = compare_spikes(a_spk, b_spk, f"dt {dt}, tau_ex {tau_ex}")
    m = min(len(a_t), len(b_t))
    assert m >= len(b_t) - round(1.0 / dt), f"NEST recorded {len(a_t)} samples of {len(b_t)}: fewer than expected"
    assert m > 0 and np.allclose(a_t[:m], b_t[:m], rtol=0, atol=1e-9), "frame times differ"
    va, vb = a_v[:m], b_v[:m, 0].astype(float)
    tol = U32 * (np.abs(va - p["E_L"]) + np.abs(va)) + 1e-9  # float32(V − E_L), then + E_L in float32
    dv = np.abs(va - vb)
    off_grid = np.abs(a_spk / dt - np.rint(a_spk / dt)).min() * dt
    figures(f"{len(a_spk)} spikes, max |Δt| {d:.2g} ms (nearest to a grid point {off_grid:.2g} ms); "
            f"max |ΔV| {dv.max():.2g} mV over {m} samples (float32 mirror: {tol.max():.2g})")
    assert np.all(dv <= tol), f"max |ΔV| {dv.max():.3g} mV beyond float32 rounding of the mirror"


def test_precise_recurrent_network(figures):
    """A recurrent network of 60 precise neurons (random connections with
    p = 0.15, excitatory 80 % / inhibitory 20 % by source, delays of 1, 1.5
    and 2.3 ms on the grid), each driven by its own off-grid train: spikes
    travel through projections with their offsets, so every spike of every
    neuron must agree to 1e-10 ms. A 1e-13 ms root-finding difference grows
    only where a later crossing is nearly tangential; 300 ms of activity
    keeps the check exact."""
    dt, ms = 0.1, 300.0
    n = 60
    a, b, src, _, _, _ = recurrent_pair(np.random.default_rng(11), "iaf_psc_exp_ps", PS, "lif_exp",
                                        mapped(PS, LIF_EXP_KEYS), (45.0, -160.0), 110.0, dt, ms, n)

    assert len(a) >= 200, f"NEST's network fired {len(a)} spikes; the protocol does not test recurrence enough"
    ids_a = [i for i, _ in a]
    ids_b = [i for i, _ in b]
    assert ids_a == ids_b, f"spike counts per neuron differ: NEST {len(a)} spikes, neurodyn {len(b)}"
    d = float(np.abs(np.array([t for _, t in a]) - np.array([t for _, t in b])).max())
    figures(f"{n} neurons, {len(src)} synapses, {len(a)} spikes: all per-neuron spike times within {d:.2g} ms")
    assert d <= SPIKE_TOL_MS, f"spike times differ by up to {d:.3g} ms > {SPIKE_TOL_MS:g}"


def test_precise_poisson_rate(figures):
    """Poisson input in precise mode (each spike at its own time in the
    step) against NEST's poisson_generator_ps feeding iaf_psc_exp_ps: 200
    neurons driven by excitatory (16 kHz, 30 pA) and inhibitory (2 kHz,
    -60 pA) Poisson trains for 4 s, a fluctuation-driven regime (the mean
    input holds V 0.6 mV below threshold). The generators draw from
    different random streams, so the check is statistical: the mean rates
    agree within 4 standard errors of their difference (each side's error
    from the spread of its 200 neurons' rates), and so do the mean ISI
    CVs."""
    dt, ms, n = 0.1, 4000.0, 200
    p = {**PS, "I_e": 0.0}
    exc, inh = (16000.0, 30.0), (2000.0, -60.0)  # mean 360 pA: V 14.4 mV above rest, 0.6 below V_th

    (a_ids, a_t), (b_ids, b_t) = poisson_pair("iaf_psc_exp_ps", {**p, "V_m": p["E_L"]}, "lif_exp",
                                              mapped(p, LIF_EXP_KEYS), exc, inh, dt, ms, n)
    stats = functools.partial(rates_and_cvs, n=n, ms=ms)
    ra, ca = stats(a_ids, a_t)
    rb, cb = stats(b_ids, b_t)
    for name, x, y in (("rate (Hz)", ra, rb), ("ISI CV", ca, cb)):
        se = np.hypot(x.std(ddof=1) / np.sqrt(len(x)), y.std(ddof=1) / np.sqrt(len(y)))
        d = abs(x.mean() - y.mean())
        figures(f"{name}: NEST {x.mean():.4g}, neurodyn {y.mean():.4g} (|Δ| {d:.3g}, {d / se:.2g} standard errors)")
        assert d <= 4 * se, f"{name}: NEST {x.mean():.5g}, neurodyn {y.mean():.5g}, |Δ| {d:.3g} > 4 SE ({se:.3g})"
    assert 5 <= ra.mean() <= 50, f"NEST fires at {ra.mean():.3g} Hz: the protocol should be in the 5-50 Hz regime"
