"""CUBA (Vogels & Abbott 2005 as in Brette et al. 2007, benchmark 2), as
Brian2's examples/CUBA.py: 4000 LIF neurons (80 % E), p = 0.02, current-based
exponential synapses, exact (linear) integration, dt 0.1 ms, no delay.

usage: /usr/bin/python3 bench/brian2/cuba.py [--seeds 1,2,3] [--n 4000] [--duration-ms 1000] [--repeat 1]

For each seed: builds the C++ standalone project once, runs it --repeat times
(the run loop time of each), and reports the spike statistics of the last run.
"""
import argparse

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, device, run, ms, mV)

import common


def build_and_run(n, seed, duration_ms, repeat, regime=None):
    directory = common.workdir("cuba_%d_%d" % (n, seed))
    common.standalone(seed)
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    ne = int(round(0.8 * n))
    Ce = Synapses(P, P, on_pre="ge += we")
    Ci = Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i<ne", p=80.0 / n)
    Ci.connect("i>=ne", p=80.0 / n)
    s_mon = SpikeMonitor(P)
    run(duration_ms * ms)
    times = common.build_and_time(device, repeat, directory)
    rate, cv, ncv = common.spike_stats(s_mon.i[:], s_mon.t[:] / ms, n, 100.0, duration_ms)
    if regime is not None:  # the whole run, for compare.py's regime line
        regime.update(common.ei_regime(s_mon.i[:], s_mon.t[:] / ms, n, ne, duration_ms))
    device.reinit()
    device.activate()
    return times, rate, cv, ncv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        times, rate, cv, ncv = build_and_run(a.n, s, a.duration_ms, a.repeat)
        common.emit({"net": "cuba", "sim": "brian2", "n": a.n, "seed": s, "duration_ms": a.duration_ms,
                     "run_s": times, "rate_hz": rate, "cv_isi": cv, "n_cv": ncv})


if __name__ == "__main__":
    main()
