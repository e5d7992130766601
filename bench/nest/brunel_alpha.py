"""NEST's own example brunel_alpha_nest.py (Brunel's model A with
iaf_psc_alpha neurons) in NEST 3.10, for the speed comparison with
neurodyn's BenchmarkSpikingBrunelAlpha (kernel.Preset("brunel_alpha")).

The network, as NEST's example and the preset: N_E 10,000 and N_I 2,500
iaf_psc_alpha neurons (neurodyn's lif_alpha): C_m 250 pF, tau_m 20 ms,
tau_syn 0.5 ms (both receptors), theta 20 mV, E_L = V_reset = V_m(0) = 0,
t_ref 2 ms. Fixed in-degrees: C_E = 1,000 from E and C_I = 250 from I onto
every neuron (NEST's fixed_indegree, autapses and multapses allowed, its
defaults), J_ex the PSC amplitude of a 0.1 mV PSP peak (ComputePSPnorm of
the example, here bench/alphapsc.py's bisection on dV/dt = 0, 20.680155 pA:
neurodyn's kernel.AlphaPSCForPSP gives the same to 1e-9), J_in = -g J_ex, g = 5,
static_synapse, delay D = 1.5 ms. External drive: one poisson_generator at
eta nu_thr C_E, nu_thr = theta C_m / (J_ex C_E e tau_m tau_syn), eta = 2,
connected to every neuron with weight J_ex and delay D (an independent
train per target, as neurodyn's poisson device draws per neuron). dt 0.1 ms,
1 s. The example records 50 neurons per population; here every neuron is
recorded, as on neurodyn's side.

How NEST's model and set-up differ from neurodyn's:

- Integration: the same exact propagators in the same order (iaf_psc_alpha's
  update: neurons.LIFAlpha.Step), NEST in float64, neurodyn in float32
  (bench/nest/tests/test_nest_crosscheck.py::test_lif_alpha: spikes in
  identical steps, |dV| <= 2.8e-4 mV).
- Delays and the Poisson input's delay: as in bench/nest/brunel.py.
- Random draws: connectivity and Poisson trains come from each simulator's
  own generator and seed: the networks are equivalent in law, not the same.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import alphapsc  # noqa: E402
import common  # noqa: E402

NE, NI, EPSILON = 10000, 2500, 0.1
CE, CI = int(EPSILON * NE), int(EPSILON * NI)
J_MV, G, ETA, DELAY_MS = 0.1, 5.0, 2.0, 1.5
TAU_SYN_MS, TAU_M_MS, C_M_PF, THETA_MV, T_REF_MS = 0.5, 20.0, 250.0, 20.0, 2.0
SEED = 1


J_EX = J_MV / alphapsc.psp_peak_per_pa(TAU_M_MS, C_M_PF, TAU_SYN_MS)


def ext_rate_hz():
    """The Poisson rate per neuron, eta nu_thr C_E (Hz)."""
    nu_th = THETA_MV * C_M_PF / (J_EX * CE * math.e * TAU_M_MS * TAU_SYN_MS)
    return 1000.0 * ETA * nu_th * CE


def build(nest, seed):
    """Builds the network in nest's fresh kernel (common.run_net): returns the
    E and I populations, their sizes and the reader of the figures after the
    run (None if there are none)."""
    params = {"C_m": C_M_PF, "tau_m": TAU_M_MS, "tau_syn_ex": TAU_SYN_MS, "tau_syn_in": TAU_SYN_MS,
              "t_ref": T_REF_MS, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": THETA_MV}
    e = nest.Create("iaf_psc_alpha", NE, params=params)
    i = nest.Create("iaf_psc_alpha", NI, params=params)
    pop = e + i
    noise = nest.Create("poisson_generator", params={"rate": ext_rate_hz()})
    exc = {"synapse_model": "static_synapse", "weight": J_EX, "delay": DELAY_MS}
    inh = {"synapse_model": "static_synapse", "weight": -G * J_EX, "delay": DELAY_MS}
    nest.Connect(noise, pop, syn_spec=exc)
    nest.Connect(e, pop, {"rule": "fixed_indegree", "indegree": CE}, exc)
    nest.Connect(i, pop, {"rule": "fixed_indegree", "indegree": CI}, inh)
    return {"E": e, "I": i}, {"E": NE, "I": NI}, None


if __name__ == "__main__":
    common.main("brunel_alpha", build, SEED, __doc__)
