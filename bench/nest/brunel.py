"""Brunel (2000) model A in NEST 3.10, for the speed comparison with
neurodyn's BenchmarkSpikingBrunel (kernel.Preset("brunel"); NEST's own
example brunel_delta_nest.py is the same model; bench/brian2/brunel.py is
the Brian2 twin).

The network, as the preset (kernel.DefaultBrunel): N_E 10,000 and N_I 2,500
iaf_psc_delta neurons (neurodyn's lif_delta): tau_m 20 ms, theta 20 mV,
V_r 10 mV, E_L 0, t_ref 2 ms, input arriving while refractory discarded
(refractory_input False, as lif_delta), V initially uniform in [0, theta).
Synapses drawn with p = 0.1 for each ordered pair, autapses allowed
(pairwise_bernoulli: the preset's fixed_prob with autapses, binomial
in-degrees around C_E = 1,000 and C_I = 250, ~15.6 M synapses; NEST's
example draws fixed in-degrees instead), E->all J = 0.1 mV, I->all
-g J = -0.5 mV, static_synapse, delay D = 1.5 ms. External drive: one
poisson_generator at eta nu_thr C_E = 20,000 Hz connected to every neuron
with weight J (NEST draws an independent train per target, as neurodyn's
poisson device draws per neuron and step). dt 0.1 ms, 1 s.

How NEST's model and set-up differ from neurodyn's:

- Integration: the same. Both integrate the subthreshold decay exactly and
  add each step's input jumps to V before the threshold test (NEST in
  float64, neurodyn in float32).
- Delays: the same. A spike emitted at the end of step n moves V D later
  on both sides, 15 steps after it (neurodyn follows NEST's schedule).
- The Poisson input's delay. It is D here, as in NEST's example: NEST's
  min_delay is then D and it exchanges spikes every 15 steps (neurodyn's
  slices last 15 steps too). With a delay of one step NEST would exchange
  every step; in two interleaved pairs of runs here (load 2.7-3.6) that
  cost it 7 and 15 % more CPU time. The input thus starts 1.5 ms into the run in NEST (from
  the first step in neurodyn): in the first 1.5 ms the potentials only
  decay, a negligible part of the second.
- Random draws: connectivity, initial potentials and Poisson trains come
  from each simulator's own generator and seed (NEST's rng_seed 1,
  neurodyn's seed 1): the networks are equivalent in law, not the same.

Regime: rng_seed 1: E 37.75 Hz, I 37.76 Hz; neurodyn's benchmark 37.2 Hz
over all neurons (it reports no E/I split), Brian2 ~37 Hz.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

NE, NI, EPSILON = 10000, 2500, 0.1
J_MV, G, ETA, DELAY_MS = 0.1, 5.0, 2.0, 1.5
TAU_MS, THETA_MV, V_RESET_MV, T_REF_MS = 20.0, 20.0, 10.0, 2.0
SEED = 1


def ext_rate_hz(ne=NE, j_mv=J_MV):
    """The Poisson rate per neuron, eta nu_thr C_E (Hz): 20,000 Hz."""
    ce = EPSILON * ne
    nu_thr_hz = THETA_MV / (j_mv * ce * TAU_MS) * 1000.0
    return ETA * nu_thr_hz * ce


def neurons(nest):
    """The 12,500 iaf_psc_delta neurons, V uniform in [0, theta)."""
    params = {"tau_m": TAU_MS, "t_ref": T_REF_MS, "E_L": 0.0, "V_reset": V_RESET_MV, "V_th": THETA_MV,
              "I_e": 0.0, "refractory_input": False}
    pop = nest.Create("iaf_psc_delta", NE + NI, params=params)
    pop.V_m = nest.random.uniform(min=0.0, max=THETA_MV)
    return pop, pop[:NE], pop[NE:]


def poisson_input(nest, pop):
    """Each neuron's own Poisson input of C_E sources at eta nu_thr."""
    noise = nest.Create("poisson_generator", params={"rate": ext_rate_hz()})
    nest.Connect(noise, pop, syn_spec={"synapse_model": "static_synapse", "weight": J_MV, "delay": DELAY_MS})


CONN = {"rule": "pairwise_bernoulli", "p": EPSILON, "allow_autapses": True}


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    pop, e, i = neurons(nest)
    nest.Connect(e, pop, CONN, {"synapse_model": "static_synapse", "weight": J_MV, "delay": DELAY_MS})
    nest.Connect(i, pop, CONN, {"synapse_model": "static_synapse", "weight": -G * J_MV, "delay": DELAY_MS})
    poisson_input(nest, pop)
    return {"E": e, "I": i}, {"E": NE, "I": NI}, None


if __name__ == "__main__":
    common.main("brunel", build, SEED, __doc__)
