"""neurodyn's izhikevich model and noise device against NEST 3.10's
izhikevich and noise_generator (make test-nest; the set-up, timing
conventions and helpers of test_nest_crosscheck.py, imported from it).

izhikevich: NEST's update (models/izhikevich.cpp) in both of its schemes
(consistent_integration 1: forward Euler; 0: Izhikevich 2003's two half
steps of V, then U from the new V), the five classic firing classes of
Izhikevich (2003), under a dc current and under spike input (compare_izh):
step by step, neurodyn's V and U are NEST's update of neurodyn's previous
state rounded to float32, and its spikes in the steps that update fires
(NEST's record, replayed the same way, pins the scheme and the input
timing); along the trajectories, spike steps identical and V within the
float32 bound propagated along NEST's trajectory (f32_bound) as long as
that bound stays a small perturbation. Both sides are given the same
numbers: the
parameters a, b, c, d as float32 values (neurodyn stores them in float32),
and U(0) = float32(b·V(0)) explicitly (NEST starts U_m at its default −13
whatever b and V_m, neurodyn at b·V(0)): the only difference left is neurodyn's float32 state.

noise_generator: NEST and neurodyn draw from different generators, so the
statistics are compared: the stationary variance of V of non-spiking
iaf_psc_delta / lif_delta neurons driven by noise_generator / noise with the
same mean, std and interval, at every phase of the interval, against each
other and against the formula of our DeviceSpec doc (NEST's
noise_generator doc gives the same), within sampling tolerance.
"""

from __future__ import annotations

import math
import os

os.environ.setdefault("PYNEST_QUIET", "1")

import nest  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import neurodyn as nd  # noqa: E402
from test_nest_crosscheck import (LIF_DELTA_KEYS, U32, Setup, common, mapped, nest_reset,  # noqa: E402
                                  random_steps, run_nd, run_nest, steps_of)

# ---- izhikevich ---------------------------------------------------------------------------

# The five classic classes of Izhikevich (2003), Fig. 2: (a, b, c, d).
CLASSES = {"RS": (0.02, 0.2, -65.0, 8.0), "IB": (0.02, 0.2, -55.0, 4.0), "CH": (0.02, 0.2, -50.0, 2.0),
           "FS": (0.1, 0.2, -65.0, 2.0), "LTS": (0.02, 0.25, -65.0, 2.0)}
V_TH = 30.0


def f32(x: float) -> float:
    return float(np.float32(x))


def izh_setup(cls: str, ci: int, v0: float, trains=(), dc=None) -> Setup:
    """NEST izhikevich / neurodyn izhikevich with the class's parameters as
    float32 values, the scheme ci, V(0) = v0 and U(0) = float32(b·v0) on
    both sides; V_m and U_m recorded."""
    a, b, c, d = (f32(x) for x in CLASSES[cls])
    u0 = f32(b * v0)
    return Setup("izhikevich", {"a": a, "b": b, "c": c, "d": d, "V_th": V_TH, "consistent_integration": bool(ci)},
                 "izhikevich", {"a": a, "b": b, "c_mv": c, "d": d, "v_th_mv": V_TH, "consistent_integration": ci},
                 "delta", v0, trains=list(trains), delay=1.0, dc=dc, nd_init={"U": u0}, nest_init={"U_m": u0},
                 record={"V_m": "V", "U_m": "U"})


def izh_step(p: dict, ci: int, h: float, v: float, u: float, cur: float, x: float):
    """One step of NEST's update (izhikevich.cpp) in float64 from (v, u)
    with the device current cur and the summed spike weights x, before the
    threshold test: (v', u') and the Jacobian ∂(v', u')/∂(v, u). With
    f(v) = 0.04 v² + 5 v + 140 − u + cur, f' = 0.08 v + 5:
      ci = 1: v' = v + (h f(v) + x), u' = u + h a (b v − u)
      ci = 0: v₁ = v + h/2 (f(v) + x), v' = v₁ + h/2 (f(v₁) + x), u' = u + h a (b v' − u)"""
    a, b = p["a"], p["b"]
    if ci:
        v2 = v + (h * (0.04 * v * v + 5.0 * v + 140.0 - u + cur) + x)
        u2 = u + h * a * (b * v - u)
        jac = np.array([[1 + h * (0.08 * v + 5), -h], [h * a * b, 1 - h * a]])
    else:
        hv = h * 0.5
        v1 = v + hv * (0.04 * v * v + 5.0 * v + 140.0 - u + cur + x)
        v2 = v1 + hv * (0.04 * v1 * v1 + 5.0 * v1 + 140.0 - u + cur + x)
        u2 = u + h * a * (b * v2 - u)
        g = 1 + hv * (0.08 * v1 + 5)
        dv, du = g * (1 + hv * (0.08 * v + 5)), -g * hv - hv
        jac = np.array([[dv, du], [h * a * b * dv, 1 - h * a + h * a * b * du]])
    return v2, u2, jac


def inputs(s: Setup, dt: float, n: int):
    """The device current and summed spike weights of each step in
    neurodyn's timing: step k covers (k·dt, (k+1)·dt]; a dc from start
    drives the steps k·dt ∈ [start, stop); a spike_source spike at T acts
    in the step that ends at T (the train's NEST steps + delay)."""
    cur, x = np.zeros(n), np.zeros(n)
    if s.dc is not None:
        amp, start, stop = s.dc
        k = np.arange(n)
        cur[(k >= round(start / dt)) & (k < round(stop / dt))] = amp
    for steps, w in s.trains:
        for st in np.asarray(steps) + round(s.delay / dt) - 1:
            if st < n:
                x[st] += w
    return cur, x


def replay(s: Setup, ci: int, dt: float, v_rec, u_rec, cur, x):
    """Replays NEST's update one step at a time from a recorded trajectory:
    step k from the recorded state k−1 (the initial state for k = 0) with
    the step's inputs cur[k], x[k] to (v', u'), and, if v' ≥ V_th, the
    reset (c, u' + d). Returns V before the threshold test, V and U after
    the step, the Jacobians of the integration, and the steps that fire."""
    p = s.nest_params
    n = len(v_rec)
    vpre, vpost, upost = np.zeros(n), np.zeros(n), np.zeros(n)
    jacs = np.zeros((n, 2, 2))
    fired = []
    v, u = s.v0, s.nest_init["U_m"]
    for k in range(n):
        v2, u2, jacs[k] = izh_step(p, ci, dt, v, u, cur[k], x[k])
        vpre[k] = v2
        if v2 >= V_TH:
            v2, u2 = p["c"], u2 + p["d"]
            fired.append(k)
        vpost[k], upost[k] = v2, u2
        v, u = v_rec[k], u_rec[k]
    return vpre, vpost, upost, jacs, np.asarray(fired, dtype=np.int64)


def f32_bound(jacs, fired, v, u, limit: float):
    """First-order bound on neurodyn's |ΔV| from NEST along NEST's
    trajectory (v, u after each step, jacs the integration's Jacobians,
    fired the steps with a reset), as long as it stays below limit (mV).

    neurodyn computes each step in float64 from its float32 state and
    stores V and U rounded to float32: an error ρ_j ≤ U32·(|v_j|, |u_j|)
    componentwise at step j, which reaches step k as Φ(k, j)·ρ_j,
    Φ(k, j) = J_k ⋯ J_{j+1} (a reset sets V to c on both sides: its row of
    V is 0). So |e_k| ≤ Σ_j |Φ(k, j)|·ρ_j, the worst case over the
    roundings' signs; the products are of signed Jacobians (the rotation of
    the subthreshold dynamics keeps them small, where products of |J| grow
    by every upstroke's factor). Returns the bound on |ΔV| after each step
    and before each step's threshold test, up to the first step whose bound
    exceeds limit (beyond it float32 differences are no longer small
    perturbations; the arrays end there)."""
    n = len(v)
    p00, p01, p10, p11 = (np.zeros(n) for _ in range(4))  # Φ(k, j) for j ≤ k
    r0, r1 = U32 * np.abs(v), U32 * np.abs(u)
    resets = np.zeros(n, dtype=bool)
    resets[fired] = True
    bound, bpre = [], []
    for k in range(n):
        (j00, j01), (j10, j11) = jacs[k]
        a00, a01, a10, a11 = p00[:k], p01[:k], p10[:k], p11[:k]
        n00, n01 = j00 * a00 + j01 * a10, j00 * a01 + j01 * a11
        n10, n11 = j10 * a00 + j11 * a10, j10 * a01 + j11 * a11
        pre = float(np.abs(n00) @ r0[:k] + np.abs(n01) @ r1[:k])
        if resets[k]:
            n00, n01 = 0.0 * n00, 0.0 * n01
        p00[:k], p01[:k], p10[:k], p11[:k] = n00, n01, n10, n11
        p00[k], p01[k], p10[k], p11[k] = 1.0, 0.0, 0.0, 1.0
        b = float(np.abs(p00[:k + 1]) @ r0[:k + 1] + np.abs(p01[:k + 1]) @ r1[:k + 1])
        if max(b, pre) > limit:
            break
        bound.append(b)
        bpre.append(pre)
    return np.asarray(bound), np.asarray(bpre)


def compare_izh(s: Setup, ci: int, dt: float, ms: float, what: str, min_spikes: int):
    """Runs s on both sides and checks, for the figures' text:

    1. NEST's record is its published update (izh_step) replayed from its
       own previous state, to 1e-9 (the scheme, the order of operations and
       the input timing of the mapping), and neurodyn's record is the same
       update replayed from neurodyn's previous state, rounded to float32
       (≤ 2·U32 relative: one rounding, and slack for float64 order), with
       its spikes in exactly the steps the replay fires: step by step, over
       the whole protocol (at least min_spikes spikes on each side),
       neurodyn computes NEST's update.
    2. The two trajectories: spike steps identical and |ΔV| within twice
       the first-order float32 bound (f32_bound) as long as that bound
       stays below 1 mV (later, the float32 perturbation has grown beyond
       a perturbation: near a saddle-node passage or in the 2003 scheme's
       overshoot at 1 ms, interspike intervals amplify it); a spike step
       that differs is accepted, and ends the comparison, where NEST's V
       before the threshold test lies within the bound of V_th. The bound
       is a worst case over the roundings' signs, some 10–100× the actual
       |ΔV|, so its window can be short (at least 2 spikes compared)."""
    a, b = run_nest(s, dt, ms), run_nd(s, dt, ms)
    t, va, vb = common(a, b, "V_m", "V")
    _, ua, ub = common(a, b, "U_m", "U")
    n = len(t)
    cur, x = inputs(s, dt, n)
    sa, sb = steps_of(a.spikes, dt) - 1, steps_of(b.spikes, dt) - 1  # a spike at (k+1)·dt: step k
    sa, sb = sa[sa < n], sb[sb < n]
    # 1. step by step
    vpre, vpost, upost, jacs, fired = replay(s, ci, dt, va, ua, cur, x)
    dv, du = np.abs(vpost - va), np.abs(upost - ua)
    assert np.all(dv <= 1e-9 * (1 + np.abs(va))) and np.all(du <= 1e-9 * (1 + np.abs(ua))), \
        f"{what}: NEST's record is not its update replayed (max |ΔV| {dv.max():.3g}, |ΔU| {du.max():.3g})"
    assert np.array_equal(sa, fired), f"{what}: NEST's spikes are not its replay's"
    _, wpost, wu, _, wfired = replay(s, ci, dt, vb, ub, cur, x)
    ev, eu = np.abs(wpost - vb) / (np.abs(wpost) + 1e-30), np.abs(wu - ub) / (np.abs(wu) + 1e-30)
    assert ev.max() <= 2 * U32 and eu.max() <= 2 * U32, \
        (f"{what}: neurodyn's step {int(np.argmax(np.maximum(ev, eu)))} is not NEST's update of its state rounded "
         f"to float32 (relative |ΔV| {ev.max():.3g}, |ΔU| {eu.max():.3g}, U32 {U32:.3g})")
    assert np.array_equal(sb, wfired), f"{what}: neurodyn fires in other steps than NEST's update of its state"
    assert len(sa) >= min_spikes and len(sb) >= min_spikes, \
        f"{what}: {len(sa)} and {len(sb)} spikes, the protocol does not test spiking enough"
    # 2. the trajectories
    bound, bpre = f32_bound(jacs, fired, va, ua, 1.0)
    m = len(bound)
    k_sa, k_sb = sa[sa < m], sb[sb < m]
    same = 0
    while same < min(len(k_sa), len(k_sb)) and k_sa[same] == k_sb[same]:
        same += 1
    cut, note = m, ""
    if not (same == len(k_sa) == len(k_sb)):
        k = int(min(k_sa[same] if same < len(k_sa) else m, k_sb[same] if same < len(k_sb) else m))
        margin = abs(vpre[k] - V_TH)
        assert margin <= 2 * bpre[k], (
            f"{what}: spike steps differ from {(k + 1) * dt:.4g} ms, where NEST's V before the threshold test is "
            f"{vpre[k]:.6g} mV, {margin:.3g} mV from V_th, beyond twice the float32 bound {bpre[k]:.3g} mV: "
            f"NEST {np.round(a.spikes, 4).tolist()}, neurodyn {np.round(b.spikes, 4).tolist()}")
        cut, note = k, f", then a crossing within the float32 bound of V_th at {(k + 1) * dt:.4g} ms"
    assert same >= 2, f"{what}: {same} spikes compared in the trajectories' first {cut * dt:g} ms"
    d = np.abs(va - vb)[:cut]
    ratio = (d / (2 * bound[:cut] + 1e-300)).max()
    assert ratio <= 1, (f"{what}: |ΔV| {d[np.argmax(d / (2 * bound[:cut]))]:.3g} mV at "
                        f"{t[np.argmax(d / (2 * bound[:cut]))]:.4g} ms exceeds twice the float32 bound")
    span = f"all {ms:g} ms" if cut == n else f"the first {cut * dt:g} ms (bound < 1 mV){note}"
    return (f"step by step over {ms:g} ms: neurodyn's V = NEST's update rounded (max {ev.max() / U32:.2f} U32); "
            f"trajectories over {span}: {same} spikes in identical steps, max |ΔV| {d.max():.2g} mV "
            f"(≤ {ratio:.2f} × 2·bound)")


@pytest.mark.parametrize("ci", [1, 0], ids=["euler", "izhikevich2003"])
@pytest.mark.parametrize("cls", list(CLASSES))
def test_izhikevich_dc(cls, ci, figures):
    """A dc of 10 pA from 50 to 350 ms (NEST: dc_generator 49.9–349.9 ms,
    delay dt: its current is read one step late, see test_nest_crosscheck)
    at dt = 0.1 ms, from rest-ish V(0) = −70 mV: tonic spiking, bursting,
    chattering, fast spiking, adaptation. The replay of NEST's record
    (compare_izh) also pins the timing: with the dc in the steps from
    (50, 50.1] on, as in neurodyn."""
    dt, ms = 0.1, 400.0
    s = izh_setup(cls, ci, -70.0, dc=(10.0, 50.0, 350.0))
    figures(f"{cls}, {'Euler' if ci else '2003 scheme'}: " + compare_izh(s, ci, dt, ms, f"{cls} ci={ci}", 5))


@pytest.mark.parametrize("ci,dt,scale", [(1, 0.1, 1.0), (0, 0.1, 10.0), (0, 1.0, 1.0)],
                         ids=["euler", "izhikevich2003", "izhikevich2003_1ms"])
@pytest.mark.parametrize("cls", list(CLASSES))
def test_izhikevich_spike_input(cls, ci, dt, scale, figures):
    """spike_generator → izhikevich (delay 1 ms, weights in mV) against
    spike_source at the arrival times: excitatory and inhibitory trains, no
    dc. With forward Euler a spike moves V by w; in the 2003 scheme w is a
    current held over the step (V moves by about h·w), so the weights are
    scaled by 1/h at 0.1 ms (scale), and the scheme is also run at the
    paper's 1 ms."""
    rng = np.random.default_rng({"RS": 1, "IB": 2, "CH": 3, "FS": 4, "LTS": 5}[cls])
    ms = 300.0
    exc = random_steps(rng, 240, 1, ms - 1, dt)
    inh = random_steps(rng, 60, 1, ms - 1, dt)
    s = izh_setup(cls, ci, -65.0, trains=[(exc, 9.0 * scale), (inh, -4.5 * scale)])
    figures(f"{cls}, {'Euler' if ci else '2003 scheme'}, dt {dt}: "
            + compare_izh(s, ci, dt, ms, f"{cls} ci={ci} dt={dt}", 3))


# ---- noise_generator ------------------------------------------------------------------------

NOISE_CELL = {"C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_th": 1e9, "I_e": 0.0}


@pytest.mark.parametrize("noise_dt", [0.1, 1.0])
def test_noise_generator_variance(noise_dt, figures):
    """noise_generator (mean 20 pA, std 200 pA, dt noise_dt) onto 400
    iaf_psc_delta neurons (NEST: each target its own current) and a noise
    device onto 400 lif_delta neurons, threshold out of reach, τ_m 10 ms,
    C_m 250 pF, dt 0.1 ms; V sampled every step from 50 ms (5 τ_m: the
    start's transient below 1 %) to 450 ms.

    Within an interval of Δ = noise_dt, V relaxes exactly towards
    R·I_j (R = τ_m/C_m): after s steps (x = e^{−s·h/τ_m}) its stationary
    variance is x²·Σ² + (1 − x)²·(R·σ)², which is Σ² = (R·σ)²(1 − q)/(1 + q),
    q = e^{−Δ/τ_m}, at the interval's end (our DeviceSpec doc; NEST's
    noise_generator doc: Σ at t_j + delay) and lower inside it; the mean is
    R·μ. Each side's variance per phase of the interval is checked against
    that profile, and the two sides against each other, with the phase of
    the intervals found from the data (the phase of largest variance):
    neurodyn's intervals end at multiples of Δ (the current of interval j
    drives the steps from j·Δ), NEST's two steps later (the generator's
    current reaches the neuron through the delay-dt connection and is read
    one step late). Sampling error: the samples of one neuron are an AR(1)
    series with coefficient r = e^{−Δ/τ_m} at the interval ends, so the
    variance estimate from n of them has the relative standard error
    √(2(1 + r²)/(n(1 − r²))); tolerance 5 of them (per side), the mean
    5·Σ/√(n(1 − r)/(1 + r))."""
    dt, n, t0, t1 = 0.1, 400, 50.0, 450.0
    mean, std = 20.0, 200.0
    k = round(noise_dt / dt)
    nest_reset(dt)
    cells = nest.Create("iaf_psc_delta", n, params={**NOISE_CELL, "V_m": 0.0})
    gen = nest.Create("noise_generator", params={"mean": mean, "std": std, "dt": noise_dt})
    nest.Connect(gen, cells, syn_spec={"delay": dt})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": dt, "start": t0 - dt})
    nest.Connect(mm, cells)
    nest.Simulate(t1 + dt)
    ev = mm.events
    order = np.lexsort((ev["senders"], ev["times"]))
    tn = np.asarray(ev["times"])[order].reshape(-1, n)[:, 0]
    vn = np.asarray(ev["V_m"])[order].reshape(-1, n)
    spec = {"dt_ms": dt, "seed": 7,
            "populations": [{"name": "n", "n": n, "model": "lif_delta", "params": mapped(NOISE_CELL, LIF_DELTA_KEYS),
                             "v_init": {"value": 0.0}}],
            "devices": [{"kind": "noise", "target": "n", "mean_pa": mean, "std_pa": std, "noise_dt_ms": noise_dt}],
            "recorders": [{"name": "V", "kind": "state", "population": "n"}]}
    with nd.Network(spec) as net:
        net.run(t1 + dt)
        tb, vb = net.frames("V")
    vb = vb.astype(float)
    sel_n, sel_b = (tn > t0 - 1e-9) & (tn < t1 + 1e-9), (tb > t0 - 1e-9) & (tb < t1 + 1e-9)
    tn, vn, tb, vb = tn[sel_n], vn[sel_n], tb[sel_b], vb[sel_b]
    tau, c = NOISE_CELL["tau_m"], NOISE_CELL["C_m"]
    r_ohm = tau / c
    q = math.exp(-noise_dt / tau)
    sig2 = (r_ohm * std) ** 2 * (1 - q) / (1 + q)  # the doc's formula, at the interval ends

    def profile(steps_in: int) -> float:
        x = math.exp(-steps_in * dt / tau)
        return x * x * sig2 + (1 - x) ** 2 * (r_ohm * std) ** 2

    def by_phase(t, v):
        ph = np.rint(t / dt).astype(np.int64) % k
        return [(v[ph == p] - v[ph == p].mean()).var() if np.any(ph == p) else np.nan for p in range(k)], ph

    var_n, ph_n = by_phase(tn, vn)
    var_b, ph_b = by_phase(tb, vb)
    end_n, end_b = int(np.nanargmax(var_n)), int(np.nanargmax(var_b))
    if k > 1:
        assert end_b == 0, f"neurodyn's intervals end at phase {end_b} steps, not at multiples of noise_dt"
        assert end_n == 2 % k, f"NEST's intervals end at phase {end_n} steps, want 2 (dt late twice)"
    samples = len(tb) // k * n  # interval ends per side
    r = q
    se = math.sqrt(2 * (1 + r * r) / (samples * (1 - r * r)))
    worst = 0.0
    for side, var, end in (("NEST", var_n, end_n), ("neurodyn", var_b, end_b)):
        for p in range(k):
            want = profile((p - end - 1) % k + 1)  # steps since the interval began
            rel = var[p] / want - 1
            worst = max(worst, abs(rel) / se)
            assert abs(rel) <= 5 * se, (f"{side}, phase {p}: V variance {var[p]:.4g} mV², want {want:.4g} "
                                        f"({rel:+.3%}, tolerance {5 * se:.2%})")
    rel_nb = var_b[end_b] / var_n[end_n] - 1
    assert abs(rel_nb) <= 5 * math.sqrt(2) * se, f"variance neurodyn/NEST − 1 = {rel_nb:+.3%}"
    m_se = math.sqrt(sig2) / math.sqrt(samples * (1 - r) / (1 + r))
    for side, v in (("NEST", vn), ("neurodyn", vb)):
        assert abs(v.mean() - r_ohm * mean) <= 5 * m_se, f"{side}: mean V {v.mean():.4g} mV, want {r_ohm * mean:.4g}"
    figures(f"noise dt {noise_dt} ms: stationary V variance at the interval ends NEST {var_n[end_n]:.4g}, neurodyn "
            f"{var_b[end_b]:.4g}, formula {sig2:.4g} mV² (neurodyn/NEST − 1 = {rel_nb:+.2%}; every phase within "
            f"{worst:.1f} standard errors of the profile, se {se:.2%}); mean NEST {vn.mean():.3f}, neurodyn "
            f"{vb.mean():.3f}, R·μ {r_ohm * mean:.3f} mV")
