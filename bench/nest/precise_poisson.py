"""Precise mode under heavy Poisson drive: neurodyn (poisson devices in
precise mode, lif_exp) against NEST 3.10 (poisson_generator_ps into
iaf_psc_exp_ps), the same network timed on both sides in one process,
interleaved, single-threaded. The Go twin is BenchmarkSpikingPrecisePoisson.

The network: n unconnected neurons (C_m 250 pF, tau_m 10 ms, tau_syn_ex
2 ms, tau_syn_in 5 ms, t_ref 2 ms, E_L -65, V_reset -70, V_th -50 mV), each
with its own excitatory (16 kHz, 30 pA) and inhibitory (2 kHz, -60 pA)
Poisson train at off-grid times, delay 1 ms in NEST; dt 0.1 ms. The mean
input holds V 0.6 mV below threshold: a fluctuation-driven regime at about
26 Hz, 1.8 input events per neuron and step (bench/nest/tests'
test_precise_poisson_rate checks the rates and ISI CVs agree). Timed: the
run only (NEST: Prepare, then process_time around Run, then Cleanup;
neurodyn: process_time around Network.run through the Python binding, so
the library's run loop). CPU times, medians over the rounds.

usage: build/nest/bin/python bench/nest/precise_poisson.py [--rounds 6] [--n 1000] [--ms 1000]
       (with NEURODYN_LIB=build/capi/prefix/lib/libneurodyn.so PYTHONPATH=python,
       GOMAXPROCS=1 OMP_NUM_THREADS=1)
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("PYNEST_QUIET", "1")

import nest  # noqa: E402

import neurodyn as nd  # noqa: E402

P = {"C_m": 250.0, "tau_m": 10.0, "tau_syn_ex": 2.0, "tau_syn_in": 5.0, "t_ref": 2.0, "E_L": -65.0,
     "V_reset": -70.0, "V_th": -50.0, "I_e": 0.0}
KEYS = {"C_m": "cm_pf", "tau_m": "tau_mem_ms", "tau_syn_ex": "tau_syn_ex_ms", "tau_syn_in": "tau_syn_in_ms",
        "t_ref": "t_ref_ms", "E_L": "e_l_mv", "V_reset": "v_reset_mv", "V_th": "v_th_mv", "I_e": "i_e_pa"}
EXC, INH = (16000.0, 30.0), (2000.0, -60.0)
DT = 0.1


def run_nest(n, ms, seed):
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.FATAL
    nest.SetKernelStatus({"local_num_threads": 1, "resolution": DT, "rng_seed": seed, "print_time": False})
    nodes = nest.Create("iaf_psc_exp_ps", n, params={**P, "V_m": P["E_L"]})
    for rate, w in (EXC, INH):
        g = nest.Create("poisson_generator_ps", params={"rate": rate})
        nest.Connect(g, nodes, syn_spec={"weight": w, "delay": 1.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    nest.Prepare()
    c = time.process_time()
    nest.Run(ms)
    cpu = time.process_time() - c
    nest.Cleanup()
    return cpu, sr.n_events / (n * ms / 1000.0)


def run_nd(n, ms, seed):
    spec = {"dt_ms": DT, "seed": seed, "precise": True, "workers": 1,
            "populations": [{"name": "n", "n": n, "model": "lif_exp", "params": {KEYS[k]: v for k, v in P.items()}}],
            "devices": [{"kind": "poisson", "target": "n", "receptor": "exc", "rate_hz": EXC[0], "weight": EXC[1]},
                        {"kind": "poisson", "target": "n", "receptor": "inh", "rate_hz": INH[0], "weight": INH[1]}],
            "recorders": [{"name": "spikes", "kind": "spikes", "population": "n"}]}
    with nd.Network(spec) as net:
        c = time.process_time()
        net.run(ms)
        cpu = time.process_time() - c
        rate = len(net.spikes("spikes")[0]) / (n * ms / 1000.0)
    return cpu, rate


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--ms", type=float, default=1000.0)
    a = ap.parse_args()
    if a.rounds < 1 or a.n < 1 or not a.ms > 0:
        ap.error("--rounds and --n must be >= 1 and --ms > 0")
    ns, ds, loads = [], [], []
    for k in range(a.rounds):
        loads.append(os.getloadavg()[0])
        tn, rn = run_nest(a.n, a.ms, 1 + k)
        td, rd = run_nd(a.n, a.ms, 1 + k)
        ns.append(tn)
        ds.append(td)
        print("round %d: NEST %.3f s (%.2f Hz), neurodyn %.3f s (%.2f Hz), load %.2f" % (k + 1, tn, rn, td, rd, loads[-1]))
    mn, md = statistics.median(ns), statistics.median(ds)
    steps = a.n * a.ms / DT
    print("medians: NEST %.3f s, neurodyn %.3f s, NEST/neurodyn %.2fx; per neuron-step NEST %.0f ns, neurodyn %.0f ns"
          % (mn, md, mn / md, mn / steps * 1e9, md / steps * 1e9))


if __name__ == "__main__":
    main()
