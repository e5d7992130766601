"""neurodyn's precise mode for lif_delta (kernel "precise = true",
neurons.LIFDeltaPrecise) against NEST 3.10's iaf_psc_delta_ps (make
test-nest; conventions and helpers of test_nest_crosscheck.py and
test_nest_precise.py, imported from them).

Both sides hold V − E_L in float64 and relax it exactly towards
V∞ = I·τ_m/C_m between events; an input jump (weight in mV) acts at its own
time and, if it takes V to θ, the neuron fires at that very time; a crossing
under the current (V∞ > θ) is located analytically (NEST: the time since the
crossing from the state after it, −τ_m·ln((V∞ − V)/(V∞ − θ)); neurodyn: from
the state before it, τ_m·ln1p((θ − V₀)/(V∞ − θ))); the refractory period
(a multiple of the step) starts and ends off the grid, V is held at V_reset
and inputs arriving in it are discarded (NEST's refractory_input = False),
those arriving at the very time it ends count (NEST's SliceRingBuffer
returns the end-of-refractoriness pseudo-event before a spike at the same
offset). Jumps arriving at the same time are summed before the threshold
test (NEST: get_next_spike(…, accumulate_simultaneous = true, …)), which
the single-neuron test checks with pairs of simultaneous ±25 mV inputs.

Tolerances as in test_nest_precise.py: spike times within 1e-10 ms, V at
the grid samples within the float32 rounding of neurodyn's recorded mirror,
U32·(|V − E_L| + |V|) + 1e-9 mV. Measured: a spike fired by an input is at
the input's time on both sides (|Δt| = 0 in the single neuron); the
analytic crossings differ by up to 8e-13 ms (single neuron) and 4.5e-12 ms
in the recurrent network, where differences travel with the spikes; V by
up to 4.2e-06 mV against a mirror rounding of 4.7e-06 or more. Poisson
input (poisson_generator_ps; neurodyn's poisson device in precise mode)
draws from different random streams on the two sides, so that test
compares rates, ISI CVs and the spikes' position in the step within 3
standard errors (measured: 0.38, 0.32 and 0.9).
"""

from __future__ import annotations

import functools
import os

os.environ.setdefault("PYNEST_QUIET", "1")

import nest  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import neurodyn as nd  # noqa: E402
from test_nest_crosscheck import LIF_DELTA_KEYS, U32, mapped, nd_weight, nest_reset  # noqa: E402
from test_nest_precise import (SPIKE_TOL_MS, compare_spikes, off_grid_times, poisson_pair,  # noqa: E402
                                rates_and_cvs, recurrent_pair)

# iaf_psc_delta_ps / lif_delta parameters, none NEST's default: τ_m 15 ms,
# V_reset 7 mV below E_L, t_ref 3 ms (30 steps at dt 0.1, 3 at dt 1),
# θ 15 mV above E_L (rheobase 250 pA).
PD = {"C_m": 250.0, "tau_m": 15.0, "t_ref": 3.0, "E_L": -65.0, "V_reset": -72.0, "V_th": -50.0, "I_e": 0.0}
I_SUB, I_SUPRA = 180.0, 320.0  # V∞ = 10.8 mV (4.2 below θ) and 19.2 mV (4.2 above)


def same_time(spikes: np.ndarray, times: np.ndarray) -> np.ndarray:
    """For each of times, whether one of spikes (sorted) lies within 1e-9 ms of it."""
    s = np.concatenate([[-np.inf], spikes, [np.inf]])
    i = np.searchsorted(s, times)
    return np.minimum(np.abs(s[i] - times), np.abs(s[i - 1] - times)) <= 1e-9


def refractory_at(spikes: np.ndarray, times: np.ndarray, t_ref: float) -> np.ndarray:
    """For each of times, whether it falls in a refractory period (s, s + t_ref)
    of one of spikes (sorted; open: at s the spike's own input, at s + t_ref
    inputs count again)."""
    s = np.concatenate([[-np.inf], spikes])
    last = s[np.searchsorted(s, times - 1e-9) - 1]  # the last spike before t
    return times < last + t_ref - 1e-9


def run_single(dt: float, ie: float, trains: list[tuple[np.ndarray, float]], ms: float, delay: float = 1.0):
    """One iaf_psc_delta_ps and one precise lif_delta neuron (PD with I_e =
    ie, V starting at −67 mV) fed the trains (times, weight in mV) with the
    given delay: (NEST spikes, NEST V times, V; neurodyn spikes, V times, V)."""
    p = {**PD, "I_e": ie}
    nest_reset(dt)
    n = nest.Create("iaf_psc_delta_ps", params={**p, "V_m": -67.0})
    for tr, w in trains:
        sg = nest.Create("spike_generator", params={"spike_times": tr.tolist(), "precise_times": True})
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": delay})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": dt})
    nest.Connect(mm, n)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(ms)
    a = (np.asarray(sr.events["times"], float), np.asarray(mm.events["times"]), np.asarray(mm.events["V_m"]))

    devices = []
    for tr, w in trains:
        rec, wt = nd_weight("delta", w)
        devices.append({"kind": "spike_source", "target": "n", "receptor": rec, "weight": wt,
                        "spike_times_ms": (tr + delay).tolist()})
    spec = {"dt_ms": dt, "seed": 1, "precise": True,
            "populations": [{"name": "n", "n": 1, "model": "lif_delta", "params": mapped(p, LIF_DELTA_KEYS),
                             "v_init": {"value": -67.0}}],
            "devices": devices,
            "recorders": [{"name": "V", "kind": "state", "population": "n", "variable": "V"},
                          {"name": "spikes", "kind": "spikes", "population": "n"}]}
    with nd.Network(spec) as net:
        net.run(ms)
        b_t, b_v = net.frames("V")
        b = (np.asarray(net.spikes("spikes")[0], float), b_t, b_v[:, 0].astype(float))
    return a, b


@pytest.mark.parametrize("ie,w_e,w_i", [(I_SUB, 1.0, -2.0), (I_SUPRA, 0.125, -0.25)], ids=["I_e_sub", "I_e_supra"])
@pytest.mark.parametrize("dt", [0.1, 1.0])
def test_precise_delta_single_neuron(dt, ie, w_e, w_i, figures):
    """One neuron driven by off-grid excitatory (1 kHz) and inhibitory
    (0.5 kHz) trains (delay 1 ms), I_e below rheobase with +1/−2 mV jumps
    (spikes only at inputs: checked) or above it with +0.125/−0.25 mV jumps
    (V∞ 4.2 mV above θ: spikes also from crossings under the current,
    located analytically), plus simultaneous pairs: +25/−25 mV, which sum to
    nothing (processed one by one, excitation first, they would fire
    wherever V ≥ θ − 25 mV, V_reset being θ − 22 mV: NEST shows no spike at
    any of them, so it accumulates) and +12/−4 mV, which fire iff
    V ≥ θ − 8 mV. At dt = 1 ms (these times dyadic, so the offsets
    are exact on both sides) a +40 mV kick is followed by another exactly
    t_ref later, at the very offset at which the refractory period of the
    first one's spike ends, where it counts on both sides. Identical spike
    times (1e-10 ms; measured 0 where every spike is at an input, up to
    8e-13 ms with crossings under the current), V at every grid sample NEST
    records within the float32 rounding of our mirror."""
    rng = np.random.default_rng(23)
    ms, t_ref = 1000.0, PD["t_ref"]
    exc = off_grid_times(rng, 1000, 1.0, ms - 2, dt)
    inh = off_grid_times(rng, 500, 1.0, ms - 2, dt)
    cancel = off_grid_times(rng, 40, 5.0, ms - 5, dt)
    cross = off_grid_times(rng, 40, 5.0, ms - 5, dt)
    trains = [(exc, w_e), (inh, w_i), (cancel, 25.0), (cancel, -25.0), (cross, 12.0), (cross, -4.0)]
    kicks = np.zeros(0)
    if dt == 1.0:
        kicks = np.arange(20.375, ms - 10, 61.0)  # dyadic: k + 3/8 ms, offsets exact
        trains += [(kicks, 40.0), (kicks + t_ref, 40.0)]
    (a_spk, a_t, a_v), (b_spk, b_t, b_v) = run_single(dt, ie, trains, ms)

    d = compare_spikes(a_spk, b_spk, f"dt {dt}, I_e {ie}")
    # NEST accumulates: no spike at a ±25 mV pair, however many arrive
    # outside refractory periods
    live = ~refractory_at(a_spk, cancel + 1.0, t_ref)
    assert live.sum() >= 10, f"only {live.sum()} ±25 mV pairs arrived outside refractory periods"
    at_cancel = same_time(a_spk, cancel + 1.0)
    assert not at_cancel.any(), (f"NEST fired at {at_cancel.sum()} of the ±25 mV pairs "
                                 f"(at {(cancel + 1.0)[at_cancel][:4].tolist()}): it does not sum simultaneous inputs")
    n_cross = int(same_time(a_spk, cross + 1.0).sum())
    assert n_cross > 0, "no +12/−4 mV pair fired: the protocol does not test the summed threshold test"
    n_end = 0
    if dt == 1.0:
        n_end = int((same_time(a_spk, kicks + t_ref + 1.0) & same_time(a_spk, kicks + 1.0)).sum())
        assert n_end > 0, "no kick fired at the end of the refractory period of the previous one"
    in_spk = np.concatenate([exc, inh, cancel, cross, kicks, kicks + t_ref]) + 1.0
    n_jump = int(same_time(np.sort(in_spk), a_spk).sum())
    if ie * PD["tau_m"] / PD["C_m"] < PD["V_th"] - PD["E_L"]:
        assert n_jump == len(a_spk), f"V∞ < θ, yet {len(a_spk) - n_jump} spikes are not at an input's arrival"
    else:
        assert len(a_spk) - n_jump >= 5, f"only {len(a_spk) - n_jump} crossings under the current"

    m = min(len(a_t), len(b_t))
    assert m >= len(b_t) - round(1.0 / dt), f"NEST recorded {len(a_t)} samples of {len(b_t)}: fewer than expected"
    assert m > 0 and np.allclose(a_t[:m], b_t[:m], rtol=0, atol=1e-9), "frame times differ"
    va, vb = a_v[:m], b_v[:m]
    tol = U32 * (np.abs(va - PD["E_L"]) + np.abs(va)) + 1e-9  # float32(V − E_L), then + E_L in float32
    dv = np.abs(va - vb)
    figures(f"{len(a_spk)} spikes ({n_jump} at an input, {len(a_spk) - n_jump} crossings under the current), "
            f"max |Δt| {d:.2g} ms; {int(live.sum())} ±25 mV pairs outside refractoriness, no spike at any; "
            f"{n_cross} +12/−4 mV pairs fired; "
            + (f"{n_end} kicks fired at the end of a refractory period; " if dt == 1.0 else "")
            + f"max |ΔV| {dv.max():.2g} mV over {m} samples (float32 mirror: {tol.max():.2g})")
    assert np.all(dv <= tol), f"max |ΔV| {dv.max():.3g} mV beyond float32 rounding of the mirror"


def test_precise_delta_recurrent_network(figures):
    """A recurrent network of 60 precise lif_delta neurons (random
    connections with p = 0.15, excitatory 80 % / inhibitory 20 % by source,
    +1.25 / −5 mV, delays of 1, 1.5 and 2.3 ms on the grid), I_e above
    rheobase (V∞ = 16.8 mV, θ = 15 mV: crossings under the current) and each
    neuron driven by its own off-grid train (+0.5 mV at 2 kHz): spikes
    travel through projections with their offsets and fire their targets at
    their arrival, so every spike of every neuron must agree to 1e-10 ms
    (measured: 1131 spikes, within 4.5e-12 ms; some recurrent inputs arrive
    exactly at the end of a refractory period, where they count). The
    weights are exact in float32, so both sides add the same jumps."""
    dt, ms = 0.1, 300.0
    n = 60
    p = {**PD, "I_e": 280.0}
    a, b, src, tgt, delay, trains = recurrent_pair(np.random.default_rng(29), "iaf_psc_delta_ps", p, "lif_delta",
                                                   mapped(p, LIF_DELTA_KEYS), (1.25, -5.0), 0.5, dt, ms)

    assert len(a) >= 1000, f"NEST's network fired {len(a)} spikes; the protocol does not test recurrence enough"
    ids_a = [i for i, _ in a]
    ids_b = [i for i, _ in b]
    assert ids_a == ids_b, f"spike counts per neuron differ: NEST {len(a)} spikes, neurodyn {len(b)}"
    ta = np.array([t for _, t in a])
    d = float(np.abs(ta - np.array([t for _, t in b])).max())
    # which spikes were fired by a recurrent spike's arrival, which by an
    # external one, which under the current
    ia = np.array(ids_a)
    arr_rec = [[] for _ in range(n)]
    for s, t, dd in zip(src, tgt, delay):
        arr_rec[t].append(ta[ia == s] + dd)
    n_rec = n_ext = 0
    for j in range(n):
        sj = ta[ia == j]
        rec = np.sort(np.concatenate(arr_rec[j])) if arr_rec[j] else np.zeros(0)
        n_rec += int(same_time(rec, sj).sum())
        n_ext += int((same_time(trains[j] + 1.0, sj) & ~same_time(rec, sj)).sum())
    # recurrent inputs arriving at the very end of a refractory period
    # (offsets travel unchanged and delays are whole steps, so an arrival can
    # coincide exactly with it)
    n_end = sum(int(same_time(ta[ia == j] + p["t_ref"], np.concatenate(arr_rec[j])).sum())
                for j in range(n) if arr_rec[j])
    figures(f"{n} neurons, {len(src)} synapses, {len(a)} spikes ({n_rec} at a recurrent spike's arrival, "
            f"{n_ext} at an external one's, {len(a) - n_rec - n_ext} crossings under the current, "
            f"{n_end} recurrent inputs at the end of a refractory period): "
            f"all per-neuron spike times within {d:.2g} ms")
    assert n_rec >= 50, f"only {n_rec} spikes fired by a recurrent spike's arrival"
    assert n_end > 0, "no recurrent input arrived at the end of a refractory period"
    assert d <= SPIKE_TOL_MS, f"spike times differ by up to {d:.3g} ms > {SPIKE_TOL_MS:g}"


def test_precise_delta_poisson_rate(figures):
    """Poisson input in precise mode (each spike at its own time in the
    step) against NEST's poisson_generator_ps feeding iaf_psc_delta_ps: 200
    unconnected neurons driven by excitatory (8 kHz, +0.25 mV) and
    inhibitory (2.4 kHz, −0.5 mV) Poisson trains for 4 s, a
    fluctuation-driven regime (mean drive τ_m·Σ rate·w = 12 mV, 3 mV below
    θ; SD √(τ_m/2·Σ rate·w²) = 2.9 mV). The generators draw from different
    random streams, so the check is statistical: the mean rates agree within
    3 standard errors of their difference (each side's error from the
    spread of its 200 neurons' rates), and so do the mean ISI CVs and the
    spikes' mean position within their step (uniform on both sides: every
    spike is fired by an input at its own time; 1, the step's end, on the
    grid). Measured: NEST 12.88 Hz, neurodyn 12.93 Hz (0.38 standard errors);
    ISI CV 0.547 and 0.550 (0.32); phase 0.497 and 0.500 (0.9)."""
    dt, ms, n = 0.1, 4000.0, 200
    p = {**PD, "V_m": PD["E_L"]}
    exc, inh = (8000.0, 0.25), (2400.0, -0.5)

    (a_ids, a_t), (b_ids, b_t) = poisson_pair("iaf_psc_delta_ps", p, "lif_delta", mapped(PD, LIF_DELTA_KEYS),
                                              exc, inh, dt, ms, n)
    stats = functools.partial(rates_and_cvs, n=n, ms=ms)

    def phase(t):
        """Each spike's position in its step, in (0, 1] (1 at the step's end)."""
        k = np.ceil(t / dt - 1e-9)
        return t / dt - (k - 1)

    ra, ca = stats(a_ids, a_t)
    rb, cb = stats(b_ids, b_t)
    pa, pb = phase(a_t), phase(b_t)
    for name, x, y in (("rate (Hz)", ra, rb), ("ISI CV", ca, cb), ("phase in the step", pa, pb)):
        se = np.hypot(x.std(ddof=1) / np.sqrt(len(x)), y.std(ddof=1) / np.sqrt(len(y)))
        d = abs(x.mean() - y.mean())
        figures(f"{name}: NEST {x.mean():.4g}, neurodyn {y.mean():.4g} (|Δ| {d:.3g}, SE {se:.3g}, "
                f"{d / se:.2g} standard errors; n {len(x)} and {len(y)})")
        assert d <= 3 * se, f"{name}: NEST {x.mean():.5g}, neurodyn {y.mean():.5g}, |Δ| {d:.3g} > 3 SE ({se:.3g})"
    assert abs(pa.mean() - 0.5) <= 3 / np.sqrt(12 * len(pa)), f"NEST's spike phases {pa.mean():.3g}: not uniform"
    assert 5 <= ra.mean() <= 50, f"NEST fires at {ra.mean():.3g} Hz: the protocol should be in the 5-50 Hz regime"
    assert ca.mean() >= 0.4, f"NEST's ISI CV {ca.mean():.3g}: not the fluctuation-driven regime"
