"""CUBA in precise mode: bench/nest/cuba.py's network with NEST 3.10's
iaf_psc_exp_ps (off-grid spike times), for the speed comparison with
neurodyn's BenchmarkSpikingCUBAPrecise (the cuba preset with precise = true,
neurons.LIFExpPrecise).

The network is cuba.py's (4,000 neurons, 3,200 excitatory, p = 0.02 with
autapses, E->all 20.25 pA, I->all -112.5 pA, V initially uniform in
[-60, -50) mV, no drive, dt 0.1 ms, 1 s) with two changes, the same on both
sides: the refractory period is the continuous 5 ms of Brette et al. (2007)
(in precise mode it starts and ends at the spike's exact time, so the grid
benchmark's 5 ms - dt, which counts steps, does not apply), and the delay is
0.1 ms on both sides (precise mode needs delays of at least one step;
neurodyn's grid cuba uses delay 0).

How NEST's model and set-up differ from neurodyn's:

- Integration: the same. Both propagate the state exactly from event to
  event within a step in float64, locate threshold crossings on the exact
  solution and emit spikes with offsets (make test-nest checks that the
  spike times agree within 1.3e-11 ms, bench/nest/tests/test_nest_precise.py).
- Random draws: connectivity and initial potentials come from each
  simulator's own generator and seed: the networks are equivalent in law,
  not the same.

Regime (the script's JSON line; compare.py prints both sides'): measured in
bench/README.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import cuba  # noqa: E402

SEED = 1


def build(nest, seed):
    """cuba.build with iaf_psc_exp_ps, t_ref 5 ms and delay one step."""
    params = {"C_m": cuba.CM_PF, "tau_m": cuba.TAU_M_MS, "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "t_ref": 5.0,
              "E_L": -49.0, "V_reset": -60.0, "V_th": -50.0, "I_e": 0.0}
    pop = nest.Create("iaf_psc_exp_ps", cuba.N, params=params)
    pop.V_m = nest.random.uniform(min=-60.0, max=-50.0)
    e, i = pop[:cuba.NE], pop[cuba.NE:]
    conn = {"rule": "pairwise_bernoulli", "p": cuba.P, "allow_autapses": True}
    nest.Connect(e, pop, conn, {"synapse_model": "static_synapse", "weight": cuba.W_E_PA, "delay": common.DT_MS})
    nest.Connect(i, pop, conn, {"synapse_model": "static_synapse", "weight": cuba.W_I_PA, "delay": common.DT_MS})
    return {"E": e, "I": i}, {"E": cuba.NE, "I": cuba.N - cuba.NE}, None


if __name__ == "__main__":
    common.main("cuba_ps", build, SEED, __doc__)
