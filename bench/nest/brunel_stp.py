"""Brunel (2000) model A with short-term depression on the excitatory
synapses in NEST 3.10, for the speed comparison with neurodyn's
BenchmarkSpikingBrunelSTP (bench/spiking_bench_test.go's brunelSTP;
bench/brian2/brunel_stp.py is the Brian2 twin).

The network is brunel.py's (12,500 iaf_psc_delta neurons, p = 0.1 pairwise
Bernoulli with autapses, J 0.1 mV, g 5, D 1.5 ms, Poisson drive at
eta nu_thr C_E), except that every excitatory synapse (E->E and E->I,
~12.5 M) is a tsodyks2_synapse with NEST's defaults U 0.5, tau_rec 800 ms,
tau_fac 0 (pure depression), weight J. At a spike h after the previous one

    x <- 1 + (x - x u - 1) e^{-h/tau_rec},   u <- U + u (1 - U) e^{-h/tau_fac}

and the spike acts with w u x: NEST's tsodyks2_synapse and neurodyn's
synapses.ShortTerm kind tsodyks2 compute the same recurrence.

How NEST's model and set-up differ from neurodyn's:

- Where the state lives. NEST keeps u, x and the last spike time in every
  synapse and updates them at every synaptic event (12.5 M synapses, 80
  bytes each here, sizeof of the connection). neurodyn keeps them per
  source neuron and projection and updates them once per spike (the state
  depends only on the source's spike times and the projection's
  parameters, so it is the same state), then scales each delivery by
  float32(u x). That is the workload difference being measured.
- Initial state: u = 0, x = 1 (neurodyn's rest state: a first spike acts
  with w U). NEST's default u = U would make each synapse's first spike
  act with w U (1 - U e^{-t/tau_rec}) instead; the script sets u = 0.
- Precision: NEST in float64, neurodyn's weights float32(w float32(u x)).
- Everything else as brunel.py (its docstring): the same integration, the
  same delays, the Poisson input delayed by D, each simulator's own
  random draws.

Regime: rng_seed 1: E 10.66 Hz, I 10.69 Hz, E spike-count CV in 1 ms bins
over 200-1000 ms 0.81; neurodyn's benchmark E 10.8 Hz, I 10.8 Hz, CV 0.77;
Brian2 10.7-10.8 Hz, CV 0.85. The depression saturates the recurrent
excitation, so all three settle far below brunel.py's 37 Hz.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brunel  # noqa: E402
import common  # noqa: E402

# bench/spiking_bench_test.go's brunelSTP: NEST tsodyks2_synapse's defaults, pure depression.
U_STP, TAU_REC_MS, TAU_FAC_MS = 0.5, 800.0, 0.0
SEED = 1


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    pop, e, i = brunel.neurons(nest)
    # u = 0, x = 1: neurodyn's rest state (a first spike acts with w U);
    # NEST's default u = U would make it act with w U (1 - U e^{-t/tau_rec}).
    nest.CopyModel("tsodyks2_synapse", "stp_e", {"U": U_STP, "tau_rec": TAU_REC_MS, "tau_fac": TAU_FAC_MS,
                                                 "u": 0.0, "x": 1.0})
    nest.Connect(e, pop, brunel.CONN, {"synapse_model": "stp_e", "weight": brunel.J_MV, "delay": brunel.DELAY_MS})
    nest.Connect(i, pop, brunel.CONN, {"synapse_model": "static_synapse", "weight": -brunel.G * brunel.J_MV,
                                       "delay": brunel.DELAY_MS})
    brunel.poisson_input(nest, pop)

    def after(nest, r):
        t0 = min(200.0, r["duration_ms"] / 2)
        r["population_cv_e"] = common.population_cv(r["_times_E"], t0, r["duration_ms"])

    return {"E": e, "I": i}, {"E": brunel.NE, "I": brunel.NI}, after


if __name__ == "__main__":
    common.main("brunel_stp", build, SEED, __doc__)
