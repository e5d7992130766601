"""The COBAHH network (Brette et al. 2007, benchmark 3: Hodgkin-Huxley
neurons of Traub & Miles) in NEST 3.10 with its hh_cond_exp_traub, for the
speed comparison with neurodyn's BenchmarkSpikingCOBAHH
(kernel.Preset("cobahh"), seed 1; bench/brian2/cobahh.py is the Brian2
twin, Brian2's COBAHH example).

The network, as the preset: 4,000 hh_cond_exp_traub neurons (neurodyn's
hh_cond, which takes its parameters from this model), the first 3,200
excitatory, with NEST's defaults written out: C_m 200 pF, g_L 10 nS,
E_L -60 mV, g_Na 20,000 nS, E_Na 50 mV, g_K 6,000 nS, E_K -90 mV,
V_T -63 mV, E_ex 0, E_in -80 mV, tau_syn_ex 5 ms, tau_syn_in 10 ms, no
drive. Synapses drawn with p = 0.02 for each ordered pair, autapses allowed
(pairwise_bernoulli, ~320,000): E->all 6 nS, I->all 67 nS, delay one step.
Initial state: V normal(-65, 5) mV, the gates m = h = n = 0 (Brian2's
example's values; NEST's default is their steady state at E_L),
g_ex normal(40, 15) nS and g_in normal(200, 120) nS. dt 0.1 ms, 1 s.

How NEST's model and set-up differ from neurodyn's:

- Integration. NEST integrates the six state variables with GSL's adaptive
  Runge-Kutta-Fehlberg 4(5) (absolute error 1e-3 per step, float64), as
  many RKF45 steps per 0.1 ms as the error control asks for (several
  during an action potential); neurodyn's hh_cond takes one exponential-
  Euler (Rush-Larsen) step per 0.1 ms: each gate and V relax exactly over
  the step with the rates and conductances replaced by constants (the
  conductances' start-of-step values or exact step means: its
  conductance_scheme), first order in the gates (it lengthens the
  interspike intervals by several per cent against an accurate solution;
  neurons/hh.go), state in float32. That is part of what is compared:
  NEST's set-up is the more accurate and the costlier per step.
- Spike detection. NEST has no threshold parameter: it emits a spike in the
  step after the membrane potential's peak, at V >= V_T + 30 = -33 mV and V
  falling (a local maximum), then blocks detection for t_ref (2.9 ms here,
  the preset's value); neurodyn emits it at the end of the step in which V
  reaches -20 mV on the way up, blocked for t_ref 2.9 ms. One spike per
  action potential on both sides, NEST's a few tenths of a millisecond
  later. Neither resets anything.
- The initial conductances. hh_cond_exp_traub does not let g_ex and g_in be
  set, so one spike_generator spike at 0.1 ms, delivered with the minimum
  delay, adds each neuron's draw at the end of the second step, scaled by
  e^{-0.2 ms/tau} to what neurodyn's draw has decayed to by then; in the
  first two steps NEST's conductances are 0. NEST's conductances cannot
  start negative either (a negative weight goes to the other conductance),
  so the negative draws (0.4 % of g_ex, 5 % of g_in) start at 0, where
  neurodyn keeps them negative and lets them decay. The draws come from
  NumPy's generator seeded with the rng_seed.
- Delay: one step in NEST, none in neurodyn (coba.py's docstring): NEST's
  synaptic input lags by 0.1 ms, on top of its later spike detection.
- Random draws: each simulator's own generator and seed.

Regime: rng_seed 1: E 39.19 Hz, I 39.22 Hz; neurodyn's benchmark (seed 1)
E 39.19 Hz, I 37.17 Hz (its seeds 1-8: E 36.9 +- 1.0, I 36.3 +- 0.5 Hz;
with hh_cond's conductance_scheme "start", its scheme before the default
"mean": seed 1 E 41.66, I 37.88 Hz, seeds 1-8 E 37.9 +- 1.2, I 36.9 +- 0.6);
Brian2 seed 1 E 36.6 Hz, I 36.2 Hz. NEST's rng_seeds 1-5: E 39.19, 45.53,
36.19, 33.77, 35.08 Hz (38.0 +- 2.1, +- the standard error), I 39.22,
41.43, 38.05, 36.78, 36.97 Hz (38.5 +- 0.8), active for the whole second
with every seed as on the other sides: the same regime within the seeds'
spread (Brian2's seeds 1-5: E 35.7 +- 1.2, I 35.6 +- 0.6 Hz).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coba  # noqa: E402
import common  # noqa: E402

TAU_EX_MS, TAU_IN_MS = 5.0, 10.0
SEED = 1


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    params = {"C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "g_Na": 20000.0, "E_Na": 50.0, "g_K": 6000.0,
              "E_K": -90.0, "V_T": -63.0, "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": TAU_EX_MS,
              "tau_syn_in": TAU_IN_MS, "t_ref": round(3.0 - common.DT_MS, 9), "I_e": 0.0,
              "Act_m": 0.0, "Inact_h": 0.0, "Act_n": 0.0}
    pop = nest.Create("hh_cond_exp_traub", coba.N, params=params)
    pop.V_m = nest.random.normal(mean=-65.0, std=5.0)
    e, i = pop[:coba.NE], pop[coba.NE:]
    coba.connect_ei(nest, e, i, pop)
    # The initial conductances: hh_cond_exp_traub does not let g_ex, g_in be
    # set, so one spike at the first step (dt), delivered with the minimum
    # delay, adds them at the end of the second step (2 dt), scaled to
    # neurodyn's draws decayed to that time; negative draws start at 0.
    rng = np.random.default_rng(seed)
    t_in = 2 * common.DT_MS
    g_ex = np.maximum(rng.normal(40.0, 15.0, coba.N), 0.0) * np.exp(-t_in / TAU_EX_MS)
    g_in = np.maximum(rng.normal(200.0, 120.0, coba.N), 0.0) * np.exp(-t_in / TAU_IN_MS)
    kick = nest.Create("spike_generator", params={"spike_times": [common.DT_MS]})
    for w in (g_ex, -g_in):
        nest.Connect(kick, pop, "all_to_all", {"synapse_model": "static_synapse", "weight": w.reshape(-1, 1),
                                               "delay": common.MIN_DELAY_MS})
    return {"E": e, "I": i}, {"E": coba.NE, "I": coba.N - coba.NE}, None


if __name__ == "__main__":
    common.main("cobahh", build, SEED, __doc__)
