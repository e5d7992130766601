"""The recurrent network of Vogels, Sprekeler, Zenke, Clopath & Gerstner
(Science 2011) with inhibitory STDP on the I->E synapses, for the speed
comparison with neurodyn's BenchmarkSpikingVogels
(bench/spiking_vogels_test.go).

The network: 8,000 E + 2,000 I conductance-based LIF neurons (neurodyn's
lif_cond: C 200 pF, g_L 10 nS, E_L -60 mV, E_ex 0, E_in -80 mV,
tau_ex 5 ms, tau_in 10 ms, refractory 5 ms, reset -60 mV, threshold -50 mV)
each driven by I_e = 200 pA (V_inf = -40 mV: every neuron fires on its own),
V initially uniform in [E_L, V_th), dt 0.1 ms. Synapses drawn with p = 0.02
(autapses allowed, as Brian2's connect(p=...) and neurodyn's fixed_prob with
autapses), no delay (a spike acts from the next step on both sides):
E->all 0.3 nS on g_ex, I->I 3 nS on g_in, and I->E plastic, starting at
0 nS, bounded by w_max = 100 nS, with the rule of Vogels et al. (NEST's
vogels_sprekeler_synapse; neurodyn: synapses.Plasticity kind
"vogels_sprekeler") with tau = 20 ms, eta = 0.01 nS and alpha = 2 rho_0 tau
= 0.12 (target rate rho_0 = 3 Hz), in Brian2's standard event-driven form:

    w : siemens
    dApre/dt  = -Apre/tau  : 1 (event-driven)
    dApost/dt = -Apost/tau : 1 (event-driven)
    on_pre:  Apre += 1; w = clip(w + (Apost - alpha)*eta, 0, wmax); g_in_post += w
    on_post: Apost += 1; w = clip(w + Apre*eta, 0, wmax)

Apre and Apost are NEST's K+ and K-, so the weight moves by eta per pairing
(times the decayed trace) and by -alpha*eta per presynaptic spike, as in
NEST, and each spike is transmitted with the weight its own update left.

The membrane equation is integrated with method='exponential_euler': over a
step the conductances are held at their start-of-step values and v relaxes
exactly towards V_inf = (g_L E_L + g_ex E_ex + g_in E_in + I_e)/g with rate
g/C, then g_ex and g_in decay exactly, which is what neurodyn's lif_cond step
does with conductance_scheme = "start" (neurons/lifcond.go). The vogels
preset and SpikingVogels run the default, "mean" (the conductances' exact
means over the step, second order, the same cost): a different scheme from
this script's (E 75.87, I 33.49 Hz against 74.26, 32.98 Hz with "start").
Brian2's refractory period counts from the start of the step in which the
neuron fires, so its 5 ms hold v for 49 steps after the spike; neurodyn's
t_ref_ms = 4.9 does the same (kernel's cuba and coba presets do this too).
Brian2's threshold is v > V_th, neurodyn's V >= V_th.

How the semantics differ from neurodyn's (and NEST's):

- When the post-spike facilitation is applied. Brian2 facilitates at every
  postsynaptic spike all the plastic synapses onto that neuron (~40), each
  with its own event-driven decay of Apre. neurodyn, as NEST, applies it
  lazily: at the synapse's next presynaptic spike, before the facilitation
  by K- and the depression, from the postsynaptic spikes kept since the
  previous presynaptic spike, with K+ decayed to each of them. The sums are
  the same; so is the weight each spike is transmitted with. The final
  weights read after the run differ: neurodyn's do not yet hold the
  facilitation of the postsynaptic spikes after each synapse's last
  presynaptic spike (about eta*K+ per such spike; compare.py prints the
  mean |w| of both sides).
- Clipping. Brian2 clips once per event: at a presynaptic spike the
  facilitation by Apost and the depression alpha*eta are one step,
  w + (Apost - alpha)*eta clipped to [0, w_max]. NEST and neurodyn clip after
  each facilitation (to w_max) and after the depression (to 0). Unless a
  weight reaches w_max (100 nS: far from reached here) the weights are the
  same: the only clip that acts is the one at 0 after the depression, and
  every facilitation since the previous presynaptic spike is added before
  it on both sides.
- Coincident spikes (the same step). Brian2 runs a Synapses object's pre
  pathway before its post pathway: a presynaptic spike does not see a
  postsynaptic spike of its own step in Apost, and the postsynaptic one sees
  the presynaptic one in Apre, so the pair facilitates by eta (Apre's new 1).
  NEST (and neurodyn) counts postsynaptic spikes strictly before the
  presynaptic spike in K- and pairs a postsynaptic spike at the presynaptic
  spike's time with the trace before it (K+ before its +1), so a coincident
  pair does not count; each spike still pairs with all the earlier ones.
- Precision. neurodyn keeps the weights in float32 (rounded after each
  update) and ignores pairings more than 32 tau apart (below e^-32 of eta);
  Brian2 computes in float64. The state variables are float32 in neurodyn
  (each step computed in float64 from them), float64 in Brian2.
- Random draws. Connectivity and the initial potentials come from each
  simulator's own generator and seed: the networks are equivalent in law,
  not the same.

Since the windows are the same (no delay, no 2D shift as in brunel_stdp.py),
the two rules differ only at coincident spikes (about rho_post*dt ~ 1e-3 of
the pre spikes) and in rounding: both sides are in the same regime, only
their trajectories drift apart (compare.py prints the mean E and I rates
over the timed second and the final mean |w| of I->E of both sides; seed 1:
E 76.6 Hz, I 33.6 Hz, 1.33 nS here, 74.3 Hz, 33.0 Hz, 1.29 nS in neurodyn).
The E rate falls from ~157 Hz in the first 200 ms and then approaches
rho_0 = 3 Hz slowly, on both sides: 11-12 Hz in the 5th second, 8.5-9 Hz in
the 10th, 5 Hz in the 60th (--duration-ms 10000 prints the rates per
second). --eta-ns 0 --w0-ns 3 runs the static network (I->E at 3 nS: E
about 9 Hz on both sides).

usage: /usr/bin/python3 bench/brian2/vogels.py [--seeds 1] [--duration-ms 1000] [--repeat 1] [--eta-ns 0.01] [--w0-ns 0]
"""
import argparse

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, device, run, ms, mV, pA, pF, nS, Hz)

import common

# The plasticity of the I->E synapses (neurodyn: the vogels preset,
# kernel/presets.go's vogelsPlasticity): tau (ms), target rate rho_0 (Hz), eta and w_max (nS).
TAU_MS, RHO0_HZ, ETA_NS, WMAX_NS = 20.0, 3.0, 0.01, 100.0
# Sizes, connection probability, static weights (nS), drive (pA).
NE, NI, EPSILON, W_E_NS, W_II_NS, I_E_PA = 8000, 2000, 0.02, 0.3, 3.0, 200.0


def build_and_run(seed, duration_ms, repeat, ne=NE, ni=NI, eta_ns=ETA_NS, w0_ns=0.0):
    """Builds, compiles and runs the network (repeat runs of the binary) and
    returns the run-loop times and the regime. eta_ns = 0 with w0_ns > 0
    keeps the I->E weights at w0_ns (a check of the static network)."""
    # compare.py's project is the default one; other set-ups get their own
    suffix = "" if duration_ms == 1000.0 else "_%gms" % duration_ms
    if eta_ns != ETA_NS or w0_ns != 0.0:
        suffix += "_eta%g_w%g" % (eta_ns, w0_ns)
    directory = common.workdir("vogels_%d_%d%s" % (ne + ni, seed, suffix))
    common.standalone(seed)
    # namespace of the model code
    C, gL, EL, Eex, Ein = 200 * pF, 10 * nS, -60 * mV, 0 * mV, -80 * mV  # noqa: F841
    tau_ex, tau_in, Ie = 5 * ms, 10 * ms, I_E_PA * pA  # noqa: F841
    Vth, Vr = -50 * mV, -60 * mV
    tau = TAU_MS * ms  # noqa: F841
    alpha = 2 * RHO0_HZ * Hz * tau  # noqa: F841 (0.12)
    eta, wmax = eta_ns * nS, WMAX_NS * nS  # noqa: F841
    neurons = NeuronGroup(ne + ni, """
        dv/dt = (gL*(EL - v) + g_ex*(Eex - v) + g_in*(Ein - v) + Ie)/C : volt (unless refractory)
        dg_ex/dt = -g_ex/tau_ex : siemens
        dg_in/dt = -g_in/tau_in : siemens
        """, threshold="v > Vth", reset="v = Vr", refractory=5 * ms, method="exponential_euler")
    neurons.v = "EL + rand()*(Vth - EL)"
    exc = neurons[:ne]
    inh = neurons[ne:]
    se = Synapses(exc, neurons, on_pre="g_ex_post += %g*nS" % W_E_NS)
    se.connect(p=EPSILON)
    sii = Synapses(inh, inh, on_pre="g_in_post += %g*nS" % W_II_NS)
    sii.connect(p=EPSILON)
    sie = Synapses(inh, exc,
                   model="""w : siemens
                            dApre/dt = -Apre/tau : 1 (event-driven)
                            dApost/dt = -Apost/tau : 1 (event-driven)""",
                   on_pre="""Apre += 1
                             w = clip(w + (Apost - alpha)*eta, 0*nS, wmax)
                             g_in_post += w""",
                   on_post="""Apost += 1
                              w = clip(w + Apre*eta, 0*nS, wmax)""")
    sie.connect(p=EPSILON)
    sie.w = w0_ns * nS
    mon = SpikeMonitor(neurons)
    run(duration_ms * ms)
    times = common.build_and_time(device, repeat, directory)
    i, t = np.asarray(mon.i[:]), np.asarray(mon.t[:] / ms)
    e = i < ne
    window = 200.0 if duration_ms <= 2000 else 1000.0
    edges = np.arange(0.0, duration_ms + 1e-9, window)
    r = {"run_s": times,
         "rate_e_hz": float(e.sum() / (ne * duration_ms / 1000.0)),
         "rate_i_hz": float((~e).sum() / (ni * duration_ms / 1000.0)),
         "window_ms": window,
         "rate_e_hz_per_window": [float(c) / (ne * window / 1000.0) for c in np.histogram(t[e], edges)[0]],
         "rate_i_hz_per_window": [float(c) / (ni * window / 1000.0) for c in np.histogram(t[~e], edges)[0]],
         "w_ie_mean_ns": float(np.mean(np.asarray(sie.w[:] / nS))),
         "n_ie": len(sie), "n_syn": len(se) + len(sii) + len(sie)}
    device.reinit()
    device.activate()
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--eta-ns", type=float, default=ETA_NS, help="learning rate (the benchmark's: %g nS)" % ETA_NS)
    ap.add_argument("--w0-ns", type=float, default=0.0, help="initial I->E weight (the benchmark's: 0 nS)")
    a = ap.parse_args()
    for s in [int(x) for x in a.seeds.split(",")]:
        r = build_and_run(s, a.duration_ms, a.repeat, eta_ns=a.eta_ns, w0_ns=a.w0_ns)
        r.update({"net": "vogels", "sim": "brian2", "n": NE + NI, "seed": s, "duration_ms": a.duration_ms,
                  "eta_ns": a.eta_ns, "w0_ns": a.w0_ns})
        common.emit(r)


if __name__ == "__main__":
    main()
