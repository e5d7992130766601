"""Brunel (2000) model A in precise mode: bench/nest/brunel.py's network
with NEST 3.10's iaf_psc_delta_ps and poisson_generator_ps (off-grid spike
times), for the speed comparison with neurodyn's
BenchmarkSpikingBrunelPrecise (the brunel preset with precise = true,
neurons.LIFDeltaPrecise).

The network is brunel.py's, unchanged (12,500 neurons, 10,000 excitatory,
tau_m 20 ms, theta 20 mV, V_r 10 mV, E_L 0, t_ref 2 ms, input arriving
while refractory discarded (iaf_psc_delta_ps always discards it: its
refractory_input is read-only, False), V initially uniform
in [0, theta), p = 0.1 for each ordered pair with autapses, E->all
J = 0.1 mV, I->all -0.5 mV, delay D = 1.5 ms, dt 0.1 ms, 1 s), with the
precise models: iaf_psc_delta_ps for the neurons and one
poisson_generator_ps at 20,000 Hz connected to every neuron with weight J.
poisson_generator_ps, like poisson_generator, sends each target a train of
its own (checked: one generator at 20,000 Hz into three parrot_neuron_ps
gave 1906, 1887 and 2001 spikes in 98.5 ms, at different times), so one
generator is the per-neuron input, at continuous times (exponential
intervals), about two input events per neuron and step.

How NEST's model and set-up differ from neurodyn's:

- Integration: the same. Both hold V in float64, propagate it exactly from
  event to event within a step, let each input jump act at its own time,
  sum the jumps that arrive at one time before the threshold test, locate a
  crossing under a suprathreshold current analytically (there is none here:
  I_e = 0, so the neurons fire only at input jumps), and start and end the
  2 ms refractory period at the spike's exact time, discarding the input
  that arrives within it. neurodyn integrates the steps in which V provably
  cannot reach theta by superposition (each jump decayed to the end of the
  step: the same solution to float64 rounding). Weights: neurodyn's are
  float32 (J = 0.1 mV is 0.100000001 mV there, -0.5 mV exact), NEST's
  double.
- Delays: the same. A spike at time t moves V at t + D exactly on both
  sides (its offset within the step is kept).
- The Poisson input. NEST's trains are continuous-time Poisson processes;
  neurodyn draws each neuron's count per step from the Poisson law (the
  grid mode's counts) and places the spikes at uniform times within the
  step: the same process in law. As in brunel.py the generator's delay is
  D (NEST's min_delay is then D, spikes are exchanged every 15 steps as in
  neurodyn's slices; NEST's example does the same), so its input starts
  1.5 ms into the run (from the first step in neurodyn). Of three
  set-ups it was no slower than the others, though within the noise of
  so few runs: in 200 ms runs (two each, load 3.1-4.6) one generator with
  delay D took 18.8 and 19.0 s of CPU time, one generator per neuron
  (one_to_one) 20.4 and 19.2 s, one generator with a one-step delay 20.8
  and 22.7 s.
- Random draws: connectivity, initial potentials and Poisson trains come
  from each simulator's own generator and seed (NEST's rng_seed 1,
  neurodyn's seed 1): the networks are equivalent in law, not the same.

Regime over the 1 s, rng_seed 1: E 38.35 Hz, I 38.37 Hz (479,408 spikes;
38.0-39.0 Hz per 200 ms); neurodyn's benchmark (seed 1) E 37.81 Hz,
I 38.03 Hz; the grid network (brunel.py) E 37.75 Hz, I 37.76 Hz. Besides
the ~2 Poisson inputs, each neuron receives ~4.7 recurrent spikes per step.
Timing: bench/README.md (NEST takes about 3x as long as neurodyn).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brunel  # noqa: E402
import common  # noqa: E402

SEED = 1


def neurons(nest):
    """brunel.neurons with iaf_psc_delta_ps (which always discards the input
    arriving while refractory: its refractory_input is a read-only False)."""
    params = {"tau_m": brunel.TAU_MS, "t_ref": brunel.T_REF_MS, "E_L": 0.0, "V_reset": brunel.V_RESET_MV,
              "V_th": brunel.THETA_MV, "I_e": 0.0}
    pop = nest.Create("iaf_psc_delta_ps", brunel.NE + brunel.NI, params=params)
    pop.V_m = nest.random.uniform(min=0.0, max=brunel.THETA_MV)
    return pop, pop[:brunel.NE], pop[brunel.NE:]


def poisson_input(nest, pop):
    """brunel.poisson_input with poisson_generator_ps (a train per target)."""
    noise = nest.Create("poisson_generator_ps", params={"rate": brunel.ext_rate_hz()})
    nest.Connect(noise, pop, syn_spec={"synapse_model": "static_synapse", "weight": brunel.J_MV,
                                       "delay": brunel.DELAY_MS})


def build(nest, seed):
    """brunel.build with the precise models."""
    pop, e, i = neurons(nest)
    syn = {"synapse_model": "static_synapse", "delay": brunel.DELAY_MS}
    nest.Connect(e, pop, brunel.CONN, dict(syn, weight=brunel.J_MV))
    nest.Connect(i, pop, brunel.CONN, dict(syn, weight=-brunel.G * brunel.J_MV))
    poisson_input(nest, pop)
    return {"E": e, "I": i}, {"E": brunel.NE, "I": brunel.NI}, None


if __name__ == "__main__":
    common.main("brunel_ps", build, SEED, __doc__)
