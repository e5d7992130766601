"""CUBA (Vogels & Abbott 2005 as in Brette et al. 2007, benchmark 2) in
NEST 3.10, for the speed comparison with neurodyn's
BenchmarkSpikingCUBA/n=4000 (kernel.Preset("cuba"); bench/brian2/cuba.py is
the Brian2 twin).

The network, as the preset: 4,000 iaf_psc_exp neurons (neurodyn's lif_exp),
the first 3,200 excitatory; C_m 250 pF, tau_m 20 ms, tau_syn_ex 5 ms,
tau_syn_in 10 ms, E_L -49 mV, V_th -50 mV, V_reset -60 mV, t_ref 4.9 ms
(the preset's 5 ms - dt: 49 steps held, Brian2's count; NEST holds V for
t_ref/dt steps after the spike step, as neurodyn does), no drive; V
initially uniform in [-60, -50) mV, currents 0. Synapses drawn with
p = 0.02 for each ordered pair, autapses allowed (pairwise_bernoulli,
allow_autapses: the preset's fixed_prob with autapses, ~320,000 synapses):
E->all 20.25 pA (1.62 mV x C_m/tau_m), I->all -112.5 pA (-9 mV x C_m/tau_m),
static_synapse. dt 0.1 ms, 1 s, one spike_recorder per population.

How NEST's model and set-up differ from neurodyn's:

- Integration: the same. NEST's iaf_psc_exp integrates exactly with
  propagator matrices, in float64; neurodyn's lif_exp uses the same exact
  propagators with the state in float32 (each step computed in float64).
- Delay. NEST has no delay 0: its smallest delay is one step (0.1 ms),
  used here, and a spike emitted at the end of step n moves the target's
  current at the end of step n + 1, so V feels it from step n + 2;
  neurodyn's delay-0 spike moves the current at the end of step n itself
  (common.MIN_DELAY_MS). NEST's input therefore lags by 0.1 ms. Its
  min_delay is one step, so NEST delivers the spikes every step, as
  neurodyn's one-step slices do.
- Precision and random draws: float64 in NEST; connectivity and initial
  potentials come from each simulator's own generator and seed (NEST's
  rng_seed 1, neurodyn's seed 1): the networks are equivalent in law, not
  the same.

Regime (the script's JSON line; compare.py prints both sides'): rng_seed 1:
E 5.60 Hz, I 5.60 Hz (seed 2: 5.99, 5.70 Hz); neurodyn's benchmark
5.84 Hz over all neurons (it reports no E/I split); Brian2 5.59 +- 0.08 Hz
over 100-1000 ms and 10 seeds (bench/baseline/spiking_brian2_cuba.json).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

N, NE, P = 4000, 3200, 0.02
CM_PF, TAU_M_MS = 250.0, 20.0
W_E_PA, W_I_PA = CM_PF * 1.62 / TAU_M_MS, CM_PF * -9.0 / TAU_M_MS  # 20.25, -112.5 pA
SEED = 1


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    params = {"C_m": CM_PF, "tau_m": TAU_M_MS, "tau_syn_ex": 5.0, "tau_syn_in": 10.0,
              "t_ref": round(5.0 - common.DT_MS, 9), "E_L": -49.0, "V_reset": -60.0, "V_th": -50.0, "I_e": 0.0}
    pop = nest.Create("iaf_psc_exp", N, params=params)
    pop.V_m = nest.random.uniform(min=-60.0, max=-50.0)
    e, i = pop[:NE], pop[NE:]
    conn = {"rule": "pairwise_bernoulli", "p": P, "allow_autapses": True}
    nest.Connect(e, pop, conn, {"synapse_model": "static_synapse", "weight": W_E_PA, "delay": common.MIN_DELAY_MS})
    nest.Connect(i, pop, conn, {"synapse_model": "static_synapse", "weight": W_I_PA, "delay": common.MIN_DELAY_MS})
    return {"E": e, "I": i}, {"E": NE, "I": N - NE}, None


if __name__ == "__main__":
    common.main("cuba", build, SEED, __doc__)
