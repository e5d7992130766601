"""Brunel (2000) model A with STDP on the E->E synapses in NEST 3.10, with
NEST's stdp_synapse, for the speed comparison with neurodyn's
BenchmarkSpikingBrunelSTDP (bench/spiking_bench_test.go's brunelSTDP;
bench/brian2/brunel_stdp.py is the Brian2 twin).

The network is brunel.py's (12,500 iaf_psc_delta neurons, p = 0.1 pairwise
Bernoulli with autapses, J 0.1 mV, g 5, D 1.5 ms, Poisson drive at
eta nu_thr C_E), except that the excitatory synapses are two projections,
E->E (plastic, ~10^7 synapses) and E->I (static), each drawn with p = 0.1
as the preset draws them. The E->E synapses are stdp_synapse with
tau_plus 20 ms, lambda 0.01, alpha 1.1, mu_plus = mu_minus = 0 (additive),
Wmax = 2 J = 0.2 mV, weights starting at J; the E neurons' tau_minus is
20 ms (NEST keeps the postsynaptic trace in the neuron). With w~ = w/Wmax
the updates are w~ += lambda K+ at each postsynaptic spike and
w~ -= alpha lambda K- at each presynaptic one, clipped to [0, 1].

How NEST's model and set-up differ from neurodyn's:

- The rule and its timing: the same. neurodyn's kind stdp is NEST's
  stdp_synapse on the step grid (kernel/stdp_ref_test.go checks it against
  an independent implementation of NEST's algorithm): the delay counted as
  dendritic, the potentiation by the postsynaptic spikes since the
  synapse's previous spike and the depression both applied when a
  presynaptic spike is delivered, the spike transmitted with the weight its
  update left. So, unlike Brian2's (whose pairing window is shifted by
  2 D), the two networks follow the same rule. neurodyn's weights are
  float32 (rounded after each update), NEST's float64; neurodyn ignores
  pairings more than 32 tau_plus apart (below e^-32 of lambda w_max) and
  applies pending potentiations of sources silent for that long at fixed
  times, which NEST leaves to their next spike (rare at these rates).
- Where the work goes. NEST updates each plastic synapse at its
  presynaptic spike, reading the target's spike history through a virtual
  call per synapse; neurodyn does the same updates per synaptic event with
  the presynaptic trace kept per source neuron.
- Everything else as brunel.py (its docstring): the same integration and
  delays, the Poisson input delayed by D, each simulator's own random
  draws.

Regime: rng_seed 1: E 24.35 Hz (per 200 ms 29.6, 25.6, 23.6, 22.1,
20.8 Hz), I 27.83 Hz, mean E->E weight at the end 0.09792 mV; neurodyn's
benchmark E 24.19 Hz, 0.09796 mV; Brian2 E 21.9 Hz, 0.0978 mV (its window
is shifted). NEST's process peaks at 5.9 GB resident (the build and the
read-out of the 10^7 weights after the run included; neurodyn's benchmark
process: 147 MiB).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brunel  # noqa: E402
import common  # noqa: E402

# bench/spiking_bench_test.go's brunelSTDP (w_max = WMAX_J * J, initial weights J).
TAU_PLUS_MS, TAU_MINUS_MS, LAMBDA, ALPHA, WMAX_J = 20.0, 20.0, 0.01, 1.1, 2.0
SEED = 1


def mean_weight(nest, src, tgt, model, chunk=1000):
    """The mean weight of the model's connections from src to tgt, read
    chunk sources at a time (10^7 weights as one Python list would take
    gigabytes)."""
    total, count = 0.0, 0
    for k in range(0, len(src), chunk):
        w = np.asarray(nest.GetConnections(src[k:k + chunk], tgt, synapse_model=model).get("weight"), dtype=float)
        total += float(w.sum())
        count += len(w)
    return total / count, count


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    pop, e, i = brunel.neurons(nest)
    e.tau_minus = TAU_MINUS_MS  # the postsynaptic trace of stdp_synapse is the neuron's
    nest.CopyModel("stdp_synapse", "stdp_ee", {"tau_plus": TAU_PLUS_MS, "lambda": LAMBDA, "alpha": ALPHA,
                                               "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": WMAX_J * brunel.J_MV})
    nest.Connect(e, e, brunel.CONN, {"synapse_model": "stdp_ee", "weight": brunel.J_MV, "delay": brunel.DELAY_MS})
    nest.Connect(e, i, brunel.CONN, {"synapse_model": "static_synapse", "weight": brunel.J_MV, "delay": brunel.DELAY_MS})
    nest.Connect(i, pop, brunel.CONN, {"synapse_model": "static_synapse", "weight": -brunel.G * brunel.J_MV,
                                       "delay": brunel.DELAY_MS})
    brunel.poisson_input(nest, pop)

    def after(nest, r):
        r["w_ee_mean_mv"], r["n_ee"] = mean_weight(nest, e, e, "stdp_ee")

    return {"E": e, "I": i}, {"E": brunel.NE, "I": brunel.NI}, after


if __name__ == "__main__":
    common.main("brunel_stdp", build, SEED, __doc__)
