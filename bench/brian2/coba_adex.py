"""The COBA network (Brette et al. 2007, benchmark 1) with adaptive
exponential neurons, for the speed comparison with neurodyn's
BenchmarkSpikingCOBAAdEx (bench/spiking_adex_test.go, neurons/adex.go).

The network: 4,000 neurons, the first 3,200 excitatory, with the coba
membrane and conductances (C 200 pF, g_L 10 nS, E_L -60 mV, V_T -50 mV,
V_r -60 mV, E_ex 0, E_in -80 mV, tau_ex 5 ms, tau_in 10 ms, refractory 5 ms)
plus a Delta_T = 2 mV exponential upswing to V_peak = 0 mV and adaptation
(a = 2 nS, b = 20 pA, tau_w = 150 ms): NEST's aeif_cond_exp, neurodyn's
adex_cond. V initially normal(-55, 5) mV, w = 0, dt 0.1 ms. Synapses drawn
with p = 0.02 (autapses allowed, as Brian2's connect(p=...) and neurodyn's
fixed_prob with autapses), no delay (a spike acts from the next step on
both sides): E->all 6 nS on g_ex, I->all 67 nS on g_in. A spike monitor
only.

    dv/dt = (g_L (E_L - vc) + g_L Delta_T exp((vc - V_T)/Delta_T)
             + g_ex (E_ex - vc) + g_in (E_in - vc) - w)/C   (unless refractory)
    dw/dt = (a (vc - E_L) - w)/tau_w
    vc = clip(v, -inf, V_peak)
    threshold v > V_peak, reset v = V_r; w += b, refractory 5 ms

Integrated with method='rk4' (the default: classic Runge-Kutta of order 4,
the order of neurodyn's adex_cond step). --method euler and --method
exponential_euler are less accurate first-order schemes, timed beside it
by compare.py. Brian2 accepts exponential_euler for this nonlinear system
only because its check (sympy's collect on v) puts the exponential term into
the "constant" part of dv/dt = A v + B: the term is held at its value at the
start of the step while v relaxes exactly towards -B/A (an exponential-time-
differencing step of order 1, two exp per neuron and step).

The cap vc. Brian2's rk4 evaluates the right-hand side at the stages of a
step with no bound on v: in the step in which a neuron crosses V_peak a
stage's exponential term moves v by up to g_L Delta_T e^{25}/C x dt/2 ~ 4e8
mV, the next stage's exponential overflows (inf, then nan) and the neuron
is lost (--cap none: v and w nan, the network silent after 200 ms). Brian2's
own AdEx examples avoid it with forward Euler and a threshold at
V_T + 5 Delta_T, a different model. The way Brian2 users keep V_peak with a
higher-order scheme is to bound the exponential in the equations (Brian2
has no min(); clip() is its equivalent). --cap exponent does only that,
exp(clip((v - V_T)/Delta_T, -inf, (V_peak - V_T)/Delta_T)): nothing
overflows, but the stages above V_peak still feed v ~ 1e8 mV into the leak,
synaptic and adaptation terms: a neuron's first crossing step leaves it
with w ~ 1.6e5 pA (one neuron at 150 pA: w from 3.3 to 160,034 pA, then v
down to -11,000 mV), so each neuron fires about once and the network falls
silent after 200 ms (0.24 Hz over the second). The default, --cap v, bounds v itself in
the whole right-hand side, as NEST's aeif_cond_exp and neurodyn's adex_cond
do (V capped at V_peak in the derivatives); the state v is not bounded, the
threshold sees it. The one-stage schemes need no cap (they evaluate the
right-hand side at the start of the step only, where v <= V_peak: with the
cap, euler's spikes are the same), so they run without it.

Accuracy (one neuron with NEST's aeif_cond_exp defaults, 800 pA and the
5 ms refractory period, 200 ms, dt 0.1 ms): the fifth spike ends its step
at 170.4 ms in neurodyn, 170.6 ms here with rk4, 172.0 ms with euler and
172.7 ms with exponential_euler; rk4 at dt = 0.1 us puts it at 170.33 ms.
Brian2's rk4 drifts more than neurodyn's through the crossing steps (below:
w over the rest of the step). With t_ref = 0 (NEST's default) it also
resets up to a step later: 161.6 ms in neurodyn, 161.8 ms here, 161.41 ms
accurately.

Regime (compare.py prints it; seed 1): E 10.76 Hz, I 10.64 Hz here (euler
10.45, 10.25; exponential_euler 10.84, 10.70), 11.11 and 10.81 Hz in
neurodyn. The network is bistable: with some seeds the activity dies out in
the first 200 ms (about 1.4 Hz there, then silence; neurodyn 6 of seeds
1-20, and 2 more later in the second; here 3 of seeds 1-16). Over the seeds
active for the whole second the E rate is 10.81 +- 0.19 Hz in neurodyn (12
seeds, +- the standard error) and 10.46 +- 0.21 Hz here (13 seeds), the I
rate 10.67 +- 0.11 and 10.46 +- 0.09 Hz.

How the semantics differ from neurodyn's adex_cond:

- The crossing step. neurodyn integrates a step that ends at or above
  V_peak again in 10 substeps and resets at the end of the first substep
  above V_peak; the rest of the step is refractory (V held, w relaxing).
  Brian2 integrates the whole step with V capped in the right-hand side and
  resets at its end. Both emit the spike at the end of the step and both
  integrate again from the 50th step after it (below); w differs by the
  adaptation over the part of the step after the crossing, driven by V_peak
  here and by V_r in neurodyn (at most dt a (V_peak - V_r)/tau_w = 0.08 pA
  per spike, against b = 20 pA).
- Refractoriness. Brian2 holds v for 49 steps after the spike step (its 5 ms
  count from the start of the spike step); neurodyn's coba preset sets
  t_ref = 4.9 ms, the same 49 steps. w and the conductances go on in both,
  w relaxing towards a (V_r - E_L) (exactly in neurodyn, by the scheme here).
- Threshold v > V_peak here, V >= V_peak in neurodyn.
- Conductances. neurodyn evaluates g_ex, g_in exactly at the RK4 stages
  (they decay exponentially); here they are state variables integrated by
  rk4 too (relative error ~ (dt/tau)^5/120 ~ 3e-11 per step).
- Stiff steps. neurodyn splits a step whose conductances make dt g/C > 0.5
  (g_L + g_ex + g_in above 1,000 nS here) into substeps; in this network
  g_ex + g_in averages 137 nS and peaks at 761 nS (neurodyn, seed 1), so
  neither side splits.
- Precision and random draws. neurodyn keeps its state in float32 (each step
  in float64), Brian2 in float64; connectivity and initial potentials come
  from each simulator's own generator and seed: the networks are equivalent
  in law, not the same.

usage: /usr/bin/python3 bench/brian2/coba_adex.py [--seeds 1] [--method rk4|euler|exponential_euler]
       [--cap v|exponent|none] [--duration-ms 1000] [--repeat 1] [--profile]

For each seed: builds the C++ standalone project once, runs it --repeat
times and prints the run-loop times and the regime as one JSON line;
--profile (a project of its own) adds Brian2's time per code object.
"""
import argparse
import os

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, device, run, ms, mV, pA, pF, nS)

import common

N, NE, P = 4000, 3200, 0.02
W_E_NS, W_I_NS = 6.0, 67.0
METHODS = ("rk4", "euler", "exponential_euler")
# What the right-hand side bounds at V_peak, per method by default: v for
# rk4 (whose stages go above V_peak), nothing for the one-stage schemes
# (they evaluate it at the start of the step only, where v <= V_peak).
DEFAULT_CAP = {"rk4": "v", "euler": "none", "exponential_euler": "none"}
CAPS = ("v", "exponent", "none")


def equations(cap):
    """The model equations with the cap at V_peak of the right-hand side:
    on v everywhere, on the exponent only, or none."""
    if cap == "v":
        return """
        dv/dt = (gL*(EL - vc) + gL*DeltaT*exp((vc - VT)/DeltaT) + g_ex*(Eex - vc) + g_in*(Ein - vc) - w)/C : volt (unless refractory)
        dw/dt = (a*(vc - EL) - w)/tau_w : amp
        dg_ex/dt = -g_ex/tau_ex : siemens
        dg_in/dt = -g_in/tau_in : siemens
        vc = clip(v, -inf*mV, Vpeak) : volt
        """
    expo = "exp((v - VT)/DeltaT)" if cap == "none" else "exp(clip((v - VT)/DeltaT, -inf, (Vpeak - VT)/DeltaT))"
    return """
        dv/dt = (gL*(EL - v) + gL*DeltaT*%s + g_ex*(Eex - v) + g_in*(Ein - v) - w)/C : volt (unless refractory)
        dw/dt = (a*(v - EL) - w)/tau_w : amp
        dg_ex/dt = -g_ex/tau_ex : siemens
        dg_in/dt = -g_in/tau_in : siemens
        """ % expo


def workdir_name(method="rk4", cap=None, seed=1, duration_ms=1000.0):
    """The project directory of a set-up (compare.py's: the defaults)."""
    name = "coba_adex"
    if method != "rk4":
        name += "_" + method
    if cap is not None and cap != DEFAULT_CAP[method]:
        name += "_cap" + cap
    name += "_%d_%d" % (N, seed)
    if duration_ms != 1000.0:
        name += "_%gms" % duration_ms
    return name


def build_and_run(seed, duration_ms, repeat, method="rk4", cap=None, profile=False):
    """Builds, compiles and runs the network (repeat runs of the binary);
    returns the run-loop times and the regime (mean E and I rates over the
    run, per 200 ms). profile (a project of its own) adds Brian2's time per
    code object of the last run (s), e.g. the neurons' state update."""
    name = workdir_name(method, cap, seed, duration_ms) + ("_profile" if profile else "")
    directory = common.workdir(name)
    cap = cap or DEFAULT_CAP[method]
    common.standalone(seed)
    # namespace of the model code
    C, gL, EL, VT, DeltaT = 200 * pF, 10 * nS, -60 * mV, -50 * mV, 2 * mV  # noqa: F841
    Vpeak, Vr = 0 * mV, -60 * mV  # noqa: F841
    a, b, tau_w = 2 * nS, 20 * pA, 150 * ms  # noqa: F841
    Eex, Ein, tau_ex, tau_in = 0 * mV, -80 * mV, 5 * ms, 10 * ms  # noqa: F841
    neurons = NeuronGroup(N, equations(cap), threshold="v > Vpeak", reset="v = Vr; w += b", refractory=5 * ms,
                          method=method)
    neurons.v = "-55*mV + 5*mV*randn()"
    neurons.w = 0 * pA
    se = Synapses(neurons, neurons, on_pre="g_ex_post += %g*nS" % W_E_NS)
    se.connect("i < %d" % NE, p=P)
    si = Synapses(neurons, neurons, on_pre="g_in_post += %g*nS" % W_I_NS)
    si.connect("i >= %d" % NE, p=P)
    mon = SpikeMonitor(neurons)
    run(duration_ms * ms, profile=profile)
    times = common.build_and_time(device, repeat, directory)
    r = dict(common.ei_regime(mon.i[:], mon.t[:] / ms, N, NE, duration_ms), run_s=times)
    r.update({"w_mean_pa": float(np.mean(np.asarray(neurons.w[:] / pA))),
              "v_finite": bool(np.all(np.isfinite(np.asarray(neurons.v[:] / mV)))),
              "n_syn": len(se) + len(si), "cap": cap})
    if profile:
        with open(os.path.join(directory, "results", "profiling_info.txt")) as f:
            r["profile_s"] = {k: float(v) for k, v in (line.split() for line in f)}
    device.reinit()
    device.activate()
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--method", default="rk4", choices=METHODS)
    ap.add_argument("--cap", default=None, choices=CAPS,
                    help="what the right-hand side bounds at V_peak: v everywhere (rk4's default, NEST's and "
                         "neurodyn's), only the exponent, or nothing (the one-stage schemes' default)")
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="also report Brian2's time per code object (own project)")
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        r = build_and_run(s, a.duration_ms, a.repeat, method=a.method, cap=a.cap, profile=a.profile)
        r.update({"net": "coba_adex", "sim": "brian2", "n": N, "seed": s, "duration_ms": a.duration_ms,
                  "method": a.method})
        common.emit(r)


if __name__ == "__main__":
    main()
