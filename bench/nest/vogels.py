"""The recurrent network of Vogels, Sprekeler, Zenke, Clopath & Gerstner
(Science 2011) with inhibitory plasticity on I->E in NEST 3.10, with NEST's
vogels_sprekeler_synapse, for the speed comparison with neurodyn's
BenchmarkSpikingVogels (kernel.Preset("vogels"); bench/brian2/vogels.py is
the Brian2 twin).

The network, as the preset: 8,000 E + 2,000 I iaf_cond_exp neurons
(neurodyn's lif_cond, coba.py's parameters: C_m 200 pF, g_L 10 nS, E_L
-60 mV, E_ex 0, E_in -80 mV, tau_syn 5 and 10 ms, V_th -50 mV, V_reset
-60 mV, t_ref 4.9 ms) each driven by I_e = 200 pA, V initially uniform in
[-60, -50) mV. Synapses drawn with p = 0.02 for each ordered pair,
autapses allowed (pairwise_bernoulli, ~2 M): E->all 0.3 nS, I->I 3 nS
static, I->E vogels_sprekeler_synapse starting at 0 nS with tau 20 ms,
eta 0.01 nS, alpha = 2 rho_0 tau = 0.12 (rho_0 = 3 Hz) and Wmax -100 nS
(NEST's rule keeps |w| and gives it Wmax's sign: negative weights are
inhibitory conductances in iaf_cond_exp); the E neurons' tau_minus is
20 ms (NEST keeps the postsynaptic trace of the rule in the neuron).
All delays one step. dt 0.1 ms, 1 s.

How NEST's model and set-up differ from neurodyn's:

- The rule: the same. neurodyn's kind vogels_sprekeler is NEST's
  vogels_sprekeler_synapse on the step grid (kernel/istdp_ref_test.go
  checks it against an independent implementation of NEST's algorithm):
  at each presynaptic spike the facilitation by the postsynaptic spikes
  since the previous one (each by eta K+ decayed to it), then by eta K-,
  then the depression by alpha eta, clipped at 0 and |Wmax|; the spike
  acts with the weight its update left. neurodyn's weights are float32,
  NEST's float64.
- Integration: NEST's GSL RKF45 against neurodyn's one lif_cond step per
  0.1 ms (coba.py's docstring).
- Delay: one step in NEST, none in neurodyn: NEST's synaptic input lags
  by 0.1 ms. NEST counts the delay as dendritic, so its synapse sees a
  postsynaptic spike one step later too: spikes in the same or adjacent
  steps may pair differently; the pairing window is the same.
- Random draws: each simulator's own generator and seed.

Regime: rng_seed 1: E 75.16 Hz, I 33.33 Hz, mean |I->E| weight at the end
1.311 nS (E per 200 ms 158, 116, 48, 27, 26 Hz: the plasticity pulls the
rate down); neurodyn's benchmark (seed 1) E 75.87 Hz, I 33.49 Hz,
1.299 nS (74.26 Hz, 32.98 Hz, 1.294 nS with lif_cond's conductance_scheme
"start"); Brian2 E 76.6 Hz, I 33.6 Hz, 1.326 nS.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coba  # noqa: E402
import common  # noqa: E402

# kernel/presets.go's vogels preset and vogelsPlasticity.
NE, NI, EPSILON, W_E_NS, W_II_NS, I_E_PA = 8000, 2000, 0.02, 0.3, 3.0, 200.0
TAU_MS, RHO0_HZ, ETA_NS, WMAX_NS = 20.0, 3.0, 0.01, 100.0
SEED = 1


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    params = coba.coba_params()
    params.update({"I_e": I_E_PA, "tau_minus": TAU_MS})  # tau_minus: the postsynaptic trace of the rule
    pop = nest.Create("iaf_cond_exp", NE + NI, params=params)
    pop.V_m = nest.random.uniform(min=-60.0, max=-50.0)
    e, i = pop[:NE], pop[NE:]
    conn = {"rule": "pairwise_bernoulli", "p": EPSILON, "allow_autapses": True}
    d = common.MIN_DELAY_MS
    nest.Connect(e, pop, conn, {"synapse_model": "static_synapse", "weight": W_E_NS, "delay": d})
    nest.Connect(i, i, conn, {"synapse_model": "static_synapse", "weight": -W_II_NS, "delay": d})
    # Wmax < 0: NEST's rule keeps |w| and gives it Wmax's sign, and a
    # negative weight is an inhibitory conductance in iaf_cond_exp.
    nest.CopyModel("vogels_sprekeler_synapse", "istdp_ie", {"tau": TAU_MS, "eta": ETA_NS,
                                                            "alpha": 2 * RHO0_HZ * TAU_MS / 1000.0,
                                                            "Wmax": -WMAX_NS, "weight": 0.0})
    nest.Connect(i, e, conn, {"synapse_model": "istdp_ie", "weight": 0.0, "delay": d})

    def after(nest, r):
        w = np.asarray(nest.GetConnections(i, e, synapse_model="istdp_ie").get("weight"), dtype=float)
        r["w_ie_mean_ns"], r["n_ie"] = float(np.abs(w).mean()), int(len(w))

    return {"E": e, "I": i}, {"E": NE, "I": NI}, after


if __name__ == "__main__":
    common.main("vogels", build, SEED, __doc__)
