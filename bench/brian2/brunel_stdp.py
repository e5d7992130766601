"""Brunel (2000) model A with STDP on the E->E synapses, for the speed
comparison with neurodyn's BenchmarkSpikingBrunelSTDP (bench/spiking_bench_test.go).

The network is brunel.py's (N_E 10000, N_I 2500, p 0.1, J 0.1 mV, g 5, D 1.5 ms,
tau 20 ms, theta 20 mV, V_r 10 mV, tau_rp 2 ms, nu_ext = 2 nu_thr through
PoissonInput, dt 0.1 ms), except that the excitatory synapses are two Synapses
objects, E->E (plastic) and E->I (static), drawn with p = 0.1 each as brunel.py
draws E->all. The E->E weights start at J and are bounded by w_max = 2 J; the
plasticity is additive (mu+ = mu- = 0) pair-based all-to-all STDP with
tau+ = tau- = 20 ms, lambda = 0.01 and alpha = 1.1 (neurodyn: bench's
brunelSTDP, synapses.Plasticity), in Brian2's standard event-driven form:

    w : volt
    dapre/dt  = -apre/taupre   : 1 (event-driven)
    dapost/dt = -apost/taupost : 1 (event-driven)
    on_pre:  w = clip(w - alpha*lam*wmax*apost, 0*volt, wmax); v_post += w; apre += 1
    on_post: w = clip(w + lam*wmax*apre, 0*volt, wmax); apost += 1

apre and apost are NEST's K+ and K-, so with w~ = w/w_max the two updates are
neurodyn's (NEST stdp_synapse's) additive rules, w~ += lambda*K+ and
w~ -= alpha*lambda*K-, clipped to [0, 1]; the spike is transmitted with the
weight its own update left, as NEST and neurodyn do.

How the semantics differ from neurodyn's (and NEST's):

- Timing of the delay. Brian2's delay is axonal: on_pre runs when the spike
  arrives, at t_pre + D, and on_post at the postsynaptic spike, t_post. neurodyn
  follows NEST: the delay is dendritic, the presynaptic spike reaches the
  synapse at once and a postsynaptic spike reaches it D after it is emitted.
  With dt = t_post - t_pre, the pairing window is therefore centred on
  dt = +D in Brian2 (potentiation lambda*e^{-(dt-D)/tau+} for dt > D,
  depression for dt < D) and on dt = -D in neurodyn (potentiation
  lambda*e^{-(dt+D)/tau+} for dt > -D): the same rule with its window shifted
  by 2 D = 3 ms, so a spike pair at -D < dt < D potentiates in neurodyn and
  depresses in Brian2. Pairs at equal times (on the step grid) are also
  ordered by each simulator's own schedule.
- When updates are applied. neurodyn applies both potentiation and
  depression when a presynaptic spike is delivered (potentiation lazily, from
  the postsynaptic spikes kept since the synapse's last spike), so it does one
  weight update per synaptic event. Brian2 applies depression per synaptic
  event too, and potentiation at every postsynaptic spike, to all the plastic
  synapses onto that neuron (about C_E = 1,000), each with its own
  event-driven decay of apre.

The weight trajectories are therefore not the same, and the networks drift
somewhat differently (compare.py prints the mean E rates and the final mean
E->E weights of both sides); what is compared is the workload: the same
network, the same rule, one weight update per synaptic event plus the
potentiations, in the 1 s run loop with spike recording.

usage: /usr/bin/python3 bench/brian2/brunel_stdp.py [--seeds 1] [--duration-ms 1000] [--repeat 1]
"""
import argparse

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, device, run, ms, mV)

import common

# The plasticity of the E->E synapses (neurodyn: bench/spiking_bench_test.go's
# brunelSTDP; w_max = WMAX_J * J, initial weights J).
TAU_PLUS_MS, TAU_MINUS_MS, LAMBDA, ALPHA, WMAX_J = 20.0, 20.0, 0.01, 1.1, 2.0


def build_and_run(seed, duration_ms, repeat, ne=10000, ni=2500, alpha=ALPHA):
    directory = common.workdir("brunel_stdp_%d_%d" % (ne, seed))
    common.standalone(seed)
    epsilon, J, g, D = 0.1, 0.1 * mV, 5.0, 1.5 * ms
    tau, theta, Vr, tau_rp = 20 * ms, 20 * mV, 10 * mV, 2 * ms
    C_E = int(epsilon * ne)
    nu_thr = theta / (J * C_E * tau)
    nu_ext = 2.0 * nu_thr
    taupre, taupost = TAU_PLUS_MS * ms, TAU_MINUS_MS * ms
    lam, wmax = LAMBDA, WMAX_J * J  # noqa: F841 (namespace of the synapse code)
    neurons = NeuronGroup(ne + ni, "dv/dt = -v/tau : volt (unless refractory)", threshold="v > theta",
                          reset="v = Vr", refractory=tau_rp, method="exact")
    neurons.v = "rand() * theta"
    exc = neurons[:ne]
    inh = neurons[ne:]
    see = Synapses(exc, exc,
                   model="""w : volt
                            dapre/dt = -apre/taupre : 1 (event-driven)
                            dapost/dt = -apost/taupost : 1 (event-driven)""",
                   on_pre="""w = clip(w - alpha*lam*wmax*apost, 0*volt, wmax)
                             v_post += w
                             apre += 1""",
                   on_post="""w = clip(w + lam*wmax*apre, 0*volt, wmax)
                              apost += 1""",
                   delay=D)
    see.connect(p=epsilon)
    see.w = "J"
    sei = Synapses(exc, inh, on_pre="v += J", delay=D)
    sei.connect(p=epsilon)
    si = Synapses(inh, neurons, on_pre="v += -g*J", delay=D)
    si.connect(p=epsilon)
    ext = PoissonInput(target=neurons, target_var="v", N=C_E, rate=nu_ext, weight=J)  # noqa: F841 (kept for the magic network)
    mon = SpikeMonitor(neurons)
    run(duration_ms * ms)
    times = common.build_and_time(device, repeat, directory)
    i, t = np.asarray(mon.i[:]), np.asarray(mon.t[:] / ms)
    e = i < ne
    rate_e = e.sum() / (ne * duration_ms / 1000.0)
    rate_i = (~e).sum() / (ni * duration_ms / 1000.0)
    edges = np.arange(0.0, duration_ms + 1e-9, 200.0)
    rate_e_windows = [float(x) / (ne * 0.2) for x in np.histogram(t[e], edges)[0]]
    w_ee = float(np.mean(np.asarray(see.w[:] / mV)))
    n_ee = len(see)
    device.reinit()
    device.activate()
    return {"run_s": times, "rate_e_hz": float(rate_e), "rate_i_hz": float(rate_i),
            "rate_e_hz_per_200ms": rate_e_windows, "w_ee_mean_mv": w_ee, "n_ee": n_ee}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--alpha", type=float, default=ALPHA, help="depression/potentiation ratio (the benchmark's: %g)" % ALPHA)
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        r = build_and_run(s, a.duration_ms, a.repeat, alpha=a.alpha)
        r.update({"net": "brunel_stdp", "sim": "brian2", "n": 12500, "seed": s, "duration_ms": a.duration_ms, "alpha": a.alpha})
        common.emit(r)


if __name__ == "__main__":
    main()
