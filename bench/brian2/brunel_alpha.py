"""NEST's example brunel_alpha_nest.py (Brunel's model A with alpha-shaped
synaptic currents, NEST's iaf_psc_alpha) in Brian2, for the speed
comparison with neurodyn's BenchmarkSpikingBrunelAlpha
(kernel.Preset("brunel_alpha"), lif_alpha; bench/nest/brunel_alpha.py is the
NEST twin).

The network, as the preset: N_E 10,000 and N_I 2,500 neurons, C_m 250 pF,
tau_m 20 ms, tau_syn 0.5 ms, theta 20 mV, E_L = V_r = v(0) = 0, refractory
2 ms; fixed in-degrees, C_E = 1,000 sources drawn from E and C_I = 250 from
I for every neuron, with replacement (multapses and autapses allowed, as
NEST's fixed_indegree and the preset), drawn with numpy's PCG64 from the
seed; J_ex the PSC amplitude of a 0.1 mV PSP peak (bench/alphapsc.py:
20.680155 pA), J_in = -g J_ex, g = 5, delay 1.5 ms; each neuron's external
drive a PoissonInput of C_E sources at eta nu_thr, nu_thr = theta C_m /
(J_ex C_E e tau_m tau_syn), eta = 2, weight J_ex. dt 0.1 ms, 1 s. A spike
monitor only.

    dv/dt = -v/tau_m + I/C_m        (unless refractory)
    dI/dt = (e x - I)/tau_syn        a spike of weight w adds w to x: the
    dx/dt = -x/tau_syn               current is w (t/tau) e^(1 - t/tau)

integrated exactly (method 'exact'), as lif_alpha and iaf_psc_alpha are.

How the set-up differs from neurodyn's (and NEST's):

- One current for both signs: with tau_syn_ex = tau_syn_in the two
  receptors of iaf_psc_alpha and lif_alpha sum to one current, so Brian2
  keeps a single (x, I) pair, its best set-up (two state variables fewer
  per neuron than neurodyn's lif_alpha, which keeps both receptors).
- The Poisson input acts without delay (Brian2's PoissonInput), from the
  first step, as neurodyn's poisson device does; NEST's (delay D) from
  1.5 ms.
- Threshold v > theta here, V >= theta in neurodyn and NEST; Brian2 stamps a
  spike with the start of its step and counts refractoriness from there
  (2 ms = 20 steps including the spike step; neurodyn and NEST clamp for the
  20 steps after it): Brian2 neurons may fire one step earlier after a
  refractory period.
- Precision and random draws: neurodyn keeps float32 state, Brian2 float64;
  connectivity and Poisson trains come from each simulator's own generator
  and seed: the networks are equivalent in law, not the same.

usage: /usr/bin/python3 bench/brian2/brunel_alpha.py [--seeds 1] [--duration-ms 1000] [--repeat 1]

For each seed: builds the C++ standalone project once, runs it --repeat
times and prints the run-loop times and the regime as one JSON line.
"""
import argparse
import math
import os
import sys

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, device, run, ms, mV, pA, pF, Hz)

import common

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import alphapsc  # noqa: E402

NE, NI, EPSILON = 10000, 2500, 0.1
CE, CI = int(EPSILON * NE), int(EPSILON * NI)
J_MV, G, ETA, DELAY_MS = 0.1, 5.0, 2.0, 1.5
TAU_SYN_MS, TAU_M_MS, C_M_PF, THETA_MV, T_REF_MS = 0.5, 20.0, 250.0, 20.0, 2.0
SEED = 1
J_EX_PA = J_MV / alphapsc.psp_peak_per_pa(TAU_M_MS, C_M_PF, TAU_SYN_MS)


def workdir_name(seed=SEED, duration_ms=1000.0):
    """The project directory of a set-up (compare.py's: the defaults)."""
    name = "brunel_alpha_%d_%d" % (NE, seed)
    if duration_ms != 1000.0:
        name += "_%gms" % duration_ms
    return name


def build_and_run(seed, duration_ms, repeat):
    """Builds, compiles and runs the network (repeat runs of the binary);
    returns the run-loop times and the regime: mean E, I and overall rates
    over the run, per 200 ms, the spike count and the time of the last
    spike (ms)."""
    directory = common.workdir(workdir_name(seed, duration_ms))
    common.standalone(seed)
    # namespace of the model code
    tau_m, tau_syn, C, theta = TAU_M_MS * ms, TAU_SYN_MS * ms, C_M_PF * pF, THETA_MV * mV  # noqa: F841
    n = NE + NI
    neurons = NeuronGroup(n, """
        dv/dt = -v/tau_m + I/C : volt (unless refractory)
        dI/dt = (e*x - I)/tau_syn : amp  # e: Brian2's constant 2.71828...
        dx/dt = -x/tau_syn : amp
        """, threshold="v > theta", reset="v = 0*mV", refractory=T_REF_MS * ms, method="exact")
    rng = np.random.default_rng(seed)
    targets = np.repeat(np.arange(n), CE)
    se = Synapses(neurons, neurons, on_pre="x_post += %r*pA" % J_EX_PA, delay=DELAY_MS * ms)
    se.connect(i=rng.integers(0, NE, size=n * CE), j=targets)
    targets = np.repeat(np.arange(n), CI)
    si = Synapses(neurons, neurons, on_pre="x_post += %r*pA" % (-G * J_EX_PA), delay=DELAY_MS * ms)
    si.connect(i=NE + rng.integers(0, NI, size=n * CI), j=targets)
    nu_thr = THETA_MV * C_M_PF / (J_EX_PA * CE * math.e * TAU_M_MS * TAU_SYN_MS) * 1000.0  # Hz
    ext = PoissonInput(target=neurons, target_var="x", N=CE, rate=ETA * nu_thr * Hz,  # noqa: F841
                       weight="%r*pA" % J_EX_PA)
    mon = SpikeMonitor(neurons)
    run(duration_ms * ms)
    times = common.build_and_time(device, repeat, directory)
    r = dict(common.ei_regime(mon.i[:], mon.t[:] / ms, n, NE, duration_ms), run_s=times)
    r["n_syn"] = len(se) + len(si)
    device.reinit()
    device.activate()
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default=str(SEED))
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        r = build_and_run(s, a.duration_ms, a.repeat)
        r.update({"net": "brunel_alpha", "sim": "brian2", "n": NE + NI, "seed": s, "duration_ms": a.duration_ms})
        common.emit(r)


if __name__ == "__main__":
    main()
