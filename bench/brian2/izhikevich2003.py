"""The network of Izhikevich (2003), "Simple model of spiking neurons"
(IEEE Trans. Neural Netw. 14:1569), his MATLAB program written as Brian2
2.5.1 code in C++ standalone, for the speed comparison with neurodyn's
BenchmarkSpikingIzhikevich2003 (bench/spiking_izhikevich2003_test.go:
kernel.Preset("izhikevich2003"), neurons/izhikevich.go: neurons.Izhikevich
with consistent_integration = 0).

The network, as the program: N = 1,000 neurons, the first 800 excitatory;
per neuron r ~ U(0, 1): E a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2;
I a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2; all-to-all synapses,
self-connections included (the program's S is a full N x N matrix; Brian2's
connect() without arguments makes every pair, i == j included): 10^6
synapses, weights 0.5 rand() from E, -rand() from I (times 1000/N at other
sizes, as the preset: N = 1,000 is the program's). v(0) = -65, u(0) = b v(0).
Dimensionless variables (v in mV, currents in mV/ms), dt = 1 ms.

The program's loop, one iteration per 1 ms step:

    I = [5 randn(Ne, 1); 2 randn(Ni, 1)]          thalamic input
    fired = find(v >= 30)
    v(fired) = c(fired); u(fired) = u(fired) + d(fired)
    I = I + sum(S(:, fired), 2)
    v = v + 0.5 (0.04 v^2 + 5 v + 140 - u + I)    twice: two half steps
    u = u + a (b v - u)

Here, in Brian2's schedule within a step (thresholds, synapses, resets,
end): the threshold v >= 30 finds the neurons raised there by the last
step; on_pre adds each synapse's w to Isyn of its target (no delay: in the
same step); the reset sets v = c, u = u + d; then run_regularly(when='end')
draws the thalamic input sigma randn() (sigma = 5 for E, 2 for I, a new
draw per neuron and ms), integrates the two half steps of v and the step
of u with I = thalamic + Isyn, and clears Isyn. That is the program's order
statement by statement (a spike's weight acts as a current over the whole
step, in both half steps). neurodyn's preset does the same with its
threshold test and reset at the end of the step and the spikes delivered
with a 1 ms delay into the next step's input (kernel/presets.go explains
why the two orders are one; kernel/izhikevich2003_test.go checks neurodyn
against the program's loop spike for spike with the same network and
input).

Spike times: Brian2 stamps a spike with the start of the step that detects
it (t = n dt), neurodyn with the end of the step whose integration raised V
(the same n dt). Brian2 keeps the state in float64, neurodyn in float32; the
draws come from each simulator's own generator and seed: the networks are
equivalent in law, not the same.

Regime (1 s, seeds 1-5, mean +- sd over the seeds): this script E 7.51, 7.39,
7.76, 7.78, 7.56 Hz (7.60 +- 0.17), I 7.37, 7.44, 7.38, 6.95, 7.03 Hz
(7.23 +- 0.22); neurodyn's preset E 7.58 +- 0.13 Hz, I 7.14 +- 0.10 Hz; the
paper's loop written out in Go with its own draws E 7.56 +- 0.13 Hz,
I 7.27 +- 0.21 Hz (kernel/izhikevich2003_test.go). The E population rate's
spectrum peaks at 7.5 Hz (alpha band, seeds 2, 3) or in the 20-40 Hz band
(seeds 1, 4, 5): both rhythms are there on every side, and which one wins in
a single 1 s run varies with the seed.

Timing (2026-11-30, compare.py --rounds 6 --nets izhikevich2003, load
4.0-4.1 on the 2 cores): Brian2 0.0757 s, neurodyn 0.0489 s (1.55x). At
--n 10000 (10^8 synapses, --repeat 3, not interleaved, load 2.9-4.4): Brian2
1.90-2.23 s (E 7.42, I 6.36 Hz), neurodyn's BenchmarkSpikingIzhikevich2003/
n=10000 1.11-1.18 s (E 7.50, I 6.51 Hz).

usage: /usr/bin/python3 bench/brian2/izhikevich2003.py [--seeds 1] [--n 1000] [--duration-ms 1000] [--repeat 1]

For each seed: builds the C++ standalone project once, runs it --repeat
times and prints the run-loop times and the regime as one JSON line.
"""
import argparse

import numpy as np
from brian2 import NeuronGroup, Synapses, SpikeMonitor, device, run, defaultclock, ms

import common

N = 1000
# The Brian2 seed compare.py uses.
SEED = 1

EQS = """
v : 1
u : 1
Isyn : 1
a : 1
b : 1
c : 1
d : 1
sigma : 1
r : 1
"""

STEP = """
Itot = sigma*randn() + Isyn
v = v + 0.5*(0.04*v*v + 5*v + 140 - u + Itot)
v = v + 0.5*(0.04*v*v + 5*v + 140 - u + Itot)
u = u + a*(b*v - u)
Isyn = 0
"""


def workdir_name(seed=SEED, n=N, duration_ms=1000.0):
    """The project directory of a set-up (compare.py's: the defaults)."""
    name = "izhikevich2003_%d_%d" % (n, seed)
    if duration_ms != 1000.0:
        name += "_%gms" % duration_ms
    return name


def build_and_run(seed, duration_ms, repeat, n=N):
    """Builds, compiles and runs the network (repeat runs of the binary);
    returns the run-loop times and the regime: mean E, I and overall rates
    over the run, per 200 ms, the spike count, the time of the last spike
    (ms), the synapse count and the peak of the E population rate's
    spectrum (Hz; 1 ms bins over 200 ms to the end)."""
    directory = common.workdir(workdir_name(seed, n, duration_ms))
    common.standalone(seed)
    defaultclock.dt = 1 * ms
    ne = int(round(0.8 * n))
    g = 1000.0 / n
    G = NeuronGroup(n, EQS, threshold="v >= 30", reset="v = c\nu = u + d")
    E, I = G[:ne], G[ne:]
    G.r = "rand()"
    E.a, E.b, E.c, E.d, E.sigma = 0.02, 0.2, "-65 + 15*r*r", "8 - 6*r*r", 5
    I.a, I.b, I.c, I.d, I.sigma = "0.02 + 0.08*r", "0.25 - 0.05*r", -65, 2, 2
    G.v = -65
    G.u = "b*v"
    G.run_regularly(STEP, when="end")
    se = Synapses(E, G, "w : 1", on_pre="Isyn_post += w")
    se.connect()
    se.w = "%r*rand()" % (0.5 * g)
    si = Synapses(I, G, "w : 1", on_pre="Isyn_post += w")
    si.connect()
    si.w = "%r*rand()" % (-g)
    mon = SpikeMonitor(G)
    run(duration_ms * ms)
    times = common.build_and_time(device, repeat, directory)
    i, t = np.asarray(mon.i[:]), np.asarray(mon.t[:] / ms)
    r = dict(common.ei_regime(i, t, n, ne, duration_ms), run_s=times)
    counts = np.bincount(np.rint(t[(i < ne) & (t >= 200)]).astype(int) - 200, minlength=int(duration_ms) - 200)
    if len(counts) > 8:
        p = np.abs(np.fft.rfft(counts - counts.mean())) ** 2
        f = np.fft.rfftfreq(len(counts), 1e-3)
        k = f > 4
        r["e_peak_hz"] = float(f[k][np.argmax(p[k])])
    r.update({"v_finite": bool(np.all(np.isfinite(np.asarray(G.v[:])))), "n_syn": len(se) + len(si)})
    device.reinit()
    device.activate()
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default=str(SEED))
    ap.add_argument("--n", type=int, default=N)
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        r = build_and_run(s, a.duration_ms, a.repeat, a.n)
        r.update({"net": "izhikevich2003", "sim": "brian2", "n": a.n, "seed": s, "duration_ms": a.duration_ms})
        common.emit(r)


if __name__ == "__main__":
    main()
