"""The COBA network with adaptive exponential neurons in NEST 3.10, for
the speed comparison with neurodyn's BenchmarkSpikingCOBAAdEx
(bench/spiking_adex_test.go's adexCOBASpec, seed 1;
bench/brian2/coba_adex.py is the Brian2 twin).

The network is coba.py's (4,000 neurons, 80 % E, p = 0.02 pairwise
Bernoulli with autapses, 6 nS and 67 nS, delay one step, no drive, V
initially normal(-55, 5) mV) with aeif_cond_exp neurons (neurodyn's
adex_cond): the coba membrane and conductances (C_m 200 pF, g_L 10 nS,
E_L -60 mV, V_T (NEST's V_th) -50 mV, V_reset -60 mV, E_ex 0, E_in -80 mV,
tau_syn_ex 5 ms, tau_syn_in 10 ms, t_ref 4.9 ms) plus Delta_T 2 mV,
V_peak 0 mV, a 2 nS, b 20 pA, tau_w 150 ms, w = 0 initially.

How NEST's model and set-up differ from neurodyn's:

- Integration. NEST integrates (V, w, g_ex, g_in) with GSL's adaptive
  Runge-Kutta-Fehlberg 4(5) at its default gsl_error_tol 1e-6 (absolute and
  relative), in float64, as many RKF45 steps per 0.1 ms as the error
  control asks for (many in the upswing of a spike); neurodyn takes one RK4
  step per 0.1 ms (the conductances exact at the stages; stiff steps
  split), and 10 substeps in a step that ends above V_peak, state in
  float32. Both cap V at V_peak inside the right-hand side.
- Spike and reset. NEST tests V >= V_peak after every RKF45 step and
  resets within the step (V_reset, w += b), as neurodyn does at the end of
  the first of its 10 substeps above V_peak; both emit the spike at the end
  of the step and hold V for t_ref after the spike step (NEST counts
  t_ref/dt + 1 and decrements at the end of the spike step: the same 49
  steps) while w relaxes.
- Delay: one step in NEST, none in neurodyn (coba.py's docstring): NEST's
  synaptic input lags by 0.1 ms.
- Random draws: each simulator's own generator and seed.

Regime: rng_seed 1: E 9.90 Hz, I 10.07 Hz; neurodyn's benchmark (seed 1)
E 11.11 Hz, I 10.81 Hz; Brian2 rk4 E 10.76 Hz, I 10.64 Hz. The network is
bistable on every side: in NEST the activity dies within 45 ms with
rng_seeds 6 and 7 of 1-8 (neurodyn: 6 of seeds 1-20 within 200 ms, 2 more
later; Brian2 3 of 16). Over the active seeds 1-5 and 8, NEST's E rate is
9.99 +- 0.54 Hz and its I rate 10.14 +- 0.29 Hz (+- the standard error),
against 10.81 +- 0.19 and 10.67 +- 0.11 Hz in neurodyn (12 seeds) and
10.46 +- 0.21 and 10.46 +- 0.09 Hz in Brian2 (13 seeds): 1.4 and 1.7
standard errors below neurodyn's, within the seeds' spread.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coba  # noqa: E402
import common  # noqa: E402

SEED = 1


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    params = coba.coba_params()
    params.update({"Delta_T": 2.0, "V_peak": 0.0, "a": 2.0, "b": 20.0, "tau_w": 150.0, "w": 0.0})
    pop = nest.Create("aeif_cond_exp", coba.N, params=params)
    pop.V_m = nest.random.normal(mean=-55.0, std=5.0)
    e, i = pop[:coba.NE], pop[coba.NE:]
    coba.connect_ei(nest, e, i, pop)
    return {"E": e, "I": i}, {"E": coba.NE, "I": coba.N - coba.NE}, None


if __name__ == "__main__":
    common.main("coba_adex", build, SEED, __doc__)
