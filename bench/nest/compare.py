"""Side-by-side speed comparison of neurodyn and NEST 3.10 (the PyPI wheel),
single-threaded, same scope timed on both sides (the 1 s run loop, spike
recording included; NEST's network construction, Prepare and Cleanup and
neurodyn's build excluded), interleaved round by round.

usage: build/nest/bin/python bench/nest/compare.py [--rounds 6]
           [--nets cuba,brunel,brunel_stdp,brunel_stp,vogels,coba_adex,coba,cobahh,cuba_ps,brunel_ps,brunel_alpha]
           [--out FILE]
       (make bench-nest creates the venv build/nest and runs it with --rounds 6;
       --rounds 1 --nets cuba is a quick check)

Networks, as bench/brian2/compare.py's and the Go benchmarks' (each NEST
script's docstring lists where NEST's model differs from neurodyn's):
cuba (4,000 iaf_psc_exp, BenchmarkSpikingCUBA/n=4000), brunel (12,500
iaf_psc_delta with Poisson input, BenchmarkSpikingBrunel), brunel_stdp
(brunel with stdp_synapse on E->E, BenchmarkSpikingBrunelSTDP), brunel_stp
(brunel with tsodyks2_synapse on E->E and E->I, BenchmarkSpikingBrunelSTP),
vogels (10,000 iaf_cond_exp with vogels_sprekeler_synapse on I->E,
BenchmarkSpikingVogels), coba_adex (4,000 aeif_cond_exp,
BenchmarkSpikingCOBAAdEx), coba (4,000 iaf_cond_exp,
BenchmarkSpikingCOBA/n=4000), cobahh (4,000 hh_cond_exp_traub,
BenchmarkSpikingCOBAHH), cuba_ps (cuba in precise mode: 4,000
iaf_psc_exp_ps, off-grid spike times, BenchmarkSpikingCUBAPrecise; NEST is
the only peer with a precise mode), brunel_ps (brunel in precise mode:
12,500 iaf_psc_delta_ps with poisson_generator_ps input,
BenchmarkSpikingBrunelPrecise), brunel_alpha (NEST's example
brunel_alpha_nest.py: 12,500 iaf_psc_alpha, BenchmarkSpikingBrunelAlpha).

It builds the Go benchmark binary once, then for each round runs, for each
network, the Go benchmark (-test.benchtime 1x -test.cpu 1: one worker,
GOMAXPROCS 1) and then the NEST script in a fresh Python process (one
thread, OMP_NUM_THREADS=1), which builds the network, calls nest.Prepare(),
times nest.Run(1000.0) with time.process_time() and time.perf_counter() and
calls nest.Cleanup() (bench/nest/common.py). The CPU times are compared
(neurodyn: getrusage around Network.Run, the benchmark's cpu-s); the wall
times are listed too, with NEST's construction time. It prints medians, the
ratio NEST/neurodyn, every sample and the load average at each round, and
the regime of both sides: mean E and I rates (neurodyn's benchmarks for
cuba and brunel report no E-Hz/I-Hz: their overall rate, spikes/s x run-s
per neuron, is compared), the final mean plastic weight (brunel_stdp: E->E
in mV; vogels: |I->E| in nS) and for brunel_stp the E population's
spike-count CV in 1 ms bins over 200-1000 ms. Both sides use a fixed seed,
so each side's regime is the same in every round (checked: the NEST spike
count of every round is printed when they differ).
"""
import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import common  # noqa: E402

GO_BENCH = {"cuba": "^BenchmarkSpikingCUBA$/^n=4000$", "brunel": "^BenchmarkSpikingBrunel$",
            "brunel_stdp": "^BenchmarkSpikingBrunelSTDP$", "brunel_stp": "^BenchmarkSpikingBrunelSTP$",
            "vogels": "^BenchmarkSpikingVogels$", "coba_adex": "^BenchmarkSpikingCOBAAdEx$",
            # each level anchored: ^BenchmarkSpikingCOBA/n=4000$ would also run BenchmarkSpikingCOBAAdEx
            "coba": "^BenchmarkSpikingCOBA$/^n=4000$", "cobahh": "^BenchmarkSpikingCOBAHH$",
            "cuba_ps": "^BenchmarkSpikingCUBAPrecise$", "brunel_ps": "^BenchmarkSpikingBrunelPrecise$",
            "brunel_alpha": "^BenchmarkSpikingBrunelAlpha$"}
# Neurons of each network (the Go side's overall rate is its spike count over these).
SIZE = {"cuba": 4000, "brunel": 12500, "brunel_stdp": 12500, "brunel_stp": 12500, "vogels": 10000,
        "coba_adex": 4000, "coba": 4000, "cobahh": 4000, "cuba_ps": 4000, "brunel_ps": 12500, "brunel_alpha": 12500}
# The Go benchmark's seed where it is not the preset's default 1.
GO_SEED = {"coba": 4}
# The NEST model of each network.
NEST_MODEL = {"cuba": "iaf_psc_exp", "brunel": "iaf_psc_delta", "brunel_stdp": "iaf_psc_delta + stdp_synapse",
              "brunel_stp": "iaf_psc_delta + tsodyks2_synapse", "vogels": "iaf_cond_exp + vogels_sprekeler_synapse",
              "coba_adex": "aeif_cond_exp", "coba": "iaf_cond_exp", "cobahh": "hh_cond_exp_traub",
              "cuba_ps": "iaf_psc_exp_ps (precise spike times)",
              "brunel_ps": "iaf_psc_delta_ps + poisson_generator_ps (precise spike times)",
              "brunel_alpha": "iaf_psc_alpha"}
LOAD_LIMIT = 1.5


def go_run(binary, net):
    """One run of the net's Go benchmark: (cpu-s, run-s, regime figures)."""
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", GO_BENCH[net], "-test.benchtime", "1x",
                          "-test.cpu", "1", "-test.count", "1"], cwd=os.path.join(ROOT, "bench"),
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"\s([0-9.e+-]+) cpu-s", out)
    w = re.search(r"\s([0-9.e+-]+) run-s", out)
    sp = re.search(r"\s([0-9.e+-]+) spikes/s", out)
    if not m or not w or not sp:
        raise RuntimeError("no cpu-s/run-s/spikes/s metric in:\n" + out)
    extra = {k: float(v) for v, k in re.findall(r"\s([0-9.e+-]+) (E-Hz|I-Hz|E-popCV|wEE-mV|wIE-nS)\b", out)}
    extra["spikes"] = float(sp.group(1)) * float(w.group(1))  # spikes/s is per wall second of the run
    extra["rate_hz"] = extra["spikes"] / SIZE[net]  # 1 s simulated
    return float(m.group(1)), float(w.group(1)), extra


def nest_run(net):
    """One run of the net's NEST script in a fresh process: its result dict."""
    env = dict(os.environ, OMP_NUM_THREADS="1", PYNEST_QUIET="1")
    p = subprocess.run([sys.executable, os.path.join(HERE, net + ".py")], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("bench/nest/%s.py failed (%d):\n%s\n%s" % (net, p.returncode, p.stdout[-2000:],
                                                                      p.stderr[-4000:]))
    return common.parse(p.stdout)


def regime_lines(net, g, n, nest_counts):
    """The regime of both sides: g from the Go benchmark, n from NEST."""
    lines = []
    seed = GO_SEED.get(net, 1)
    gl = "            regime over the 1 s: neurodyn rate of all %.2f Hz (%.0f spikes; seed %d)" % (
        g["rate_hz"], g["spikes"], seed)
    if "E-Hz" in g:
        gl += ", E %.2f Hz, I %s" % (g["E-Hz"], "%.2f Hz" % g["I-Hz"] if "I-Hz" in g else "not reported")
    if "wEE-mV" in g:
        gl += ", mean E->E weight at the end %.5f mV" % g["wEE-mV"]
    if "wIE-nS" in g:
        gl += ", mean |I->E| weight at the end %.4f nS" % g["wIE-nS"]
    if "E-popCV" in g:
        gl += ", E count CV (1 ms bins, 200-1000 ms) %.3f" % g["E-popCV"]
    lines.append(gl)
    nl = "            regime over the 1 s: nest     rate of all %.2f Hz (%d spikes, the last at %.1f ms; rng_seed %d), E %.2f Hz, I %.2f Hz" % (
        n["rate_hz"], n["n_spikes"], n["last_spike_ms"], n["seed"], n["rate_e_hz"], n["rate_i_hz"])
    if "w_ee_mean_mv" in n:
        nl += ", mean E->E weight at the end %.5f mV" % n["w_ee_mean_mv"]
    if "w_ie_mean_ns" in n:
        nl += ", mean |I->E| weight at the end %.4f nS" % n["w_ie_mean_ns"]
    if "population_cv_e" in n:
        nl += ", E count CV (1 ms bins, 200-1000 ms) %.3f" % n["population_cv_e"]
    lines.append(nl)
    lines.append("            nest E rate per 200 ms %s; overall rates nest/neurodyn %.3f" % (
        " ".join("%.1f" % x for x in n["rate_e_hz_per_200ms"]), n["rate_hz"] / g["rate_hz"]))
    if len(set(nest_counts)) > 1:
        lines.append("            NOTE: nest spike counts differ between rounds: %s" % nest_counts)
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--nets", default=",".join(GO_BENCH))
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    nets = a.nets.split(",")
    unknown = [n for n in nets if n not in GO_BENCH]
    if unknown:
        ap.error("unknown nets %s (known: %s)" % (",".join(unknown), ",".join(GO_BENCH)))
    if importlib.util.find_spec("nest") is None:
        sys.exit("compare.py: this python (%s) has no nest; run it with the venv's python: "
                 "VENV=build/nest REQ=bench/nest/requirements-nest.txt scripts/ensure-venv.sh prints it"
                 % sys.executable)
    fd, binary = tempfile.mkstemp(prefix="neurodyn-bench-nest-", suffix=".test")
    os.close(fd)
    try:
        subprocess.run(["go", "test", "-c", "-o", binary, "./bench"], cwd=ROOT, check=True)
        text = run(binary, nets, a.rounds)
    finally:
        os.remove(binary)
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


def run(binary, nets, rounds):
    """The interleaved rounds; returns the report."""
    samples = {n: {"neurodyn": [], "neurodyn_wall": [], "nest": [], "nest_wall": [], "nest_build": []}
               for n in nets}
    load, go_regime, nest_regime, nest_counts = [], {}, {}, {n: [] for n in nets}
    version = "?"
    for k in range(rounds):
        load.append(os.getloadavg()[0])
        for n in nets:
            cpu, wall, extra = go_run(binary, n)
            samples[n]["neurodyn"].append(cpu)
            samples[n]["neurodyn_wall"].append(wall)
            go_regime[n] = extra  # the same seed every round: the same figures
            r = nest_run(n)
            samples[n]["nest"].append(r["cpu_s"])
            samples[n]["nest_wall"].append(r["wall_s"])
            samples[n]["nest_build"].append(r["build_s"])
            nest_regime[n], version = r, r["nest_version"]
            nest_counts[n].append(r["n_spikes"])
            sys.stderr.write("round %d/%d %-11s neurodyn %.4f s  nest %.4f s  (load %.2f)\n"
                             % (k + 1, rounds, n, cpu, r["cpu_s"], os.getloadavg()[0]))
    load.append(os.getloadavg()[0])
    lines = ["# neurodyn vs NEST %s (PyPI wheel), single thread, 1 s simulated, run loop only (spike recording in memory)," % version,
             "# CPU time on both sides (NEST: time.process_time() around nest.Run(1000) after nest.Prepare(), each run a fresh",
             "# process with local_num_threads 1; neurodyn: getrusage around Network.Run, -test.cpu 1), resolution = dt = 0.1 ms",
             "# rounds %d, load average (1 min) at each round and at the end: %s" % (rounds, " ".join("%.2f" % x for x in load))]
    if max(load) > LOAD_LIMIT:
        lines.append("# load above %.1f during the rounds: the machine was shared; quote these figures with this load"
                     " (bench/README.md, Load)" % LOAD_LIMIT)
    for n in nets:
        s = samples[n]
        g, ne = statistics.median(s["neurodyn"]), statistics.median(s["nest"])
        lines.append("%-11s neurodyn median %.4f s   nest median %.4f s   NEST/neurodyn %.2fx   (nest: %s)"
                     % (n, g, ne, ne / g, NEST_MODEL[n]))
        lines.append("            wall medians: neurodyn %.4f s, nest %.4f s; nest build and connect %.2f s"
                     % (statistics.median(s["neurodyn_wall"]), statistics.median(s["nest_wall"]),
                        statistics.median(s["nest_build"])))
        lines.append("            samples %s" % json.dumps({k: [round(x, 5) for x in v] for k, v in s.items()}))
        lines.extend(regime_lines(n, go_regime[n], nest_regime[n], nest_counts[n]))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
