"""Brunel (2000) model A, as Brian2's examples/frompapers/Brunel_2000.py:
N_E 10000, N_I 2500, p 0.1, J 0.1 mV, g 5, D 1.5 ms, tau 20 ms, theta 20 mV,
V_r 10 mV, tau_rp 2 ms, nu_ext = 2 nu_thr through PoissonInput (C_E sources per
neuron), dt 0.1 ms.

usage: /usr/bin/python3 bench/brian2/brunel.py [--seeds 1] [--duration-ms 1000] [--repeat 1]
"""
import argparse

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, device, run, ms, mV)

import common


def build_and_run(seed, duration_ms, repeat, ne=10000, ni=2500, regime=None):
    directory = common.workdir("brunel_%d_%d" % (ne, seed))
    common.standalone(seed)
    epsilon, J, g, D = 0.1, 0.1 * mV, 5.0, 1.5 * ms
    tau, theta, Vr, tau_rp = 20 * ms, 20 * mV, 10 * mV, 2 * ms
    C_E = int(epsilon * ne)
    nu_thr = theta / (J * C_E * tau)
    nu_ext = 2.0 * nu_thr
    neurons = NeuronGroup(ne + ni, "dv/dt = -v/tau : volt (unless refractory)", threshold="v > theta",
                          reset="v = Vr", refractory=tau_rp, method="exact")
    neurons.v = "rand() * theta"
    exc = neurons[:ne]
    inh = neurons[ne:]
    se = Synapses(exc, neurons, on_pre="v += J", delay=D)
    se.connect(p=epsilon)
    si = Synapses(inh, neurons, on_pre="v += -g*J", delay=D)
    si.connect(p=epsilon)
    ext = PoissonInput(target=neurons, target_var="v", N=C_E, rate=nu_ext, weight=J)  # noqa: F841 (kept for the magic network)
    mon = SpikeMonitor(neurons)
    run(duration_ms * ms)
    times = common.build_and_time(device, repeat, directory)
    rate, cv, ncv = common.spike_stats(mon.i[:], mon.t[:] / ms, ne + ni, 200.0, duration_ms)
    if regime is not None:  # the whole run, for compare.py's regime line
        regime.update(common.ei_regime(mon.i[:], mon.t[:] / ms, ne + ni, ne, duration_ms))
    pcv = common.population_cv(mon.t[:] / ms, 200.0, duration_ms)
    pcv10 = common.population_cv(mon.t[:] / ms, 200.0, duration_ms, 10.0)
    device.reinit()
    device.activate()
    return times, rate, cv, ncv, pcv, pcv10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        times, rate, cv, ncv, pcv, pcv10 = build_and_run(s, a.duration_ms, a.repeat)
        common.emit({"net": "brunel", "sim": "brian2", "n": 12500, "seed": s, "duration_ms": a.duration_ms,
                     "run_s": times, "rate_hz": rate, "cv_isi": cv, "n_cv": ncv, "population_cv": pcv, "population_cv_10ms": pcv10})


if __name__ == "__main__":
    main()
