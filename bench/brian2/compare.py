"""Side-by-side speed comparison of neurodyn and Brian2 2.5.1 (C++ standalone),
single-threaded, same scope timed on both sides (the 1 s run loop, spike
recording included; Brian2's compilation and neurodyn's build excluded),
interleaved round by round.

usage: /usr/bin/python3 bench/brian2/compare.py [--rounds 6] [--nets cuba,brunel,brunel_stdp,brunel_stp,vogels,coba_adex,coba,cobahh,izhikevich2003,brunel_alpha] [--out FILE]

Networks: cuba (4,000 neurons), brunel (12,500), brunel_stdp (brunel with
STDP on its E->E synapses; bench/brian2/brunel_stdp.py documents how Brian2's
timing of the updates differs from neurodyn's) and brunel_stp (brunel with
tsodyks2 short-term depression on its E->E and E->I synapses;
bench/brian2/brunel_stp.py). For brunel_stp Brian2 is timed twice: u, x per
presynaptic neuron (its best set-up, the one the speed-up is computed
against) and, on a second line, per synapse (the textbook set-up).
vogels (10,000 conductance-based neurons, Vogels et al. 2011, with inhibitory
STDP on its I->E synapses; bench/brian2/vogels.py). coba_adex (the 4,000
neuron COBA network with AdEx neurons, bench/brian2/coba_adex.py): Brian2
integrates with rk4, the order of neurodyn's adex_cond step (the speed-up is
against it), and on further lines with forward Euler and exponential Euler,
less accurate first-order schemes. coba (the 4,000 neuron COBA network,
BenchmarkSpikingCOBA/n=4000, bench/brian2/coba.py): bistable without
drive; both sides use a seed whose network sustains ~20 Hz (neurodyn's
benchmark seed 4, Brian2's coba.SEED = 1). cobahh (Brian2's COBAHH example:
4,000 Hodgkin-Huxley neurons of Traub & Miles, NEST's hh_cond_exp_traub,
BenchmarkSpikingCOBAHH, bench/brian2/cobahh.py): both sides integrate with
exponential Euler (Brian2's is hh_cond's conductance_scheme "start"; the
benchmark runs the default, "mean", the same cost). izhikevich2003 (the network of Izhikevich 2003, his MATLAB
program: 1,000 izhikevich neurons, 10^6 all-to-all synapses, thalamic noise
per ms, dt 1 ms, BenchmarkSpikingIzhikevich2003/n=1000,
bench/brian2/izhikevich2003.py): both sides run the program's two half
steps in its order (Brian2 in run_regularly code). brunel_alpha (NEST's
example brunel_alpha_nest.py: 12,500 neurons with alpha-shaped currents,
BenchmarkSpikingBrunelAlpha, bench/brian2/brunel_alpha.py): both sides
integrate exactly; Brian2 keeps one current for both signs (its best set-up).

It compiles each Brian2 project once (bench/brian2/cuba.py, brunel.py,
brunel_stdp.py, brunel_stp.py, vogels.py, coba_adex.py, coba.py, cobahh.py,
izhikevich2003.py, brunel_alpha.py),
builds the Go benchmark binary once, then for each round runs, for each
network, the Go benchmark (-test.benchtime 1x -test.cpu 1) and the compiled
Brian2 binary (its own run-loop time, results/last_run_info.txt).
Brian2 measures that time with std::clock() (process CPU time) when OpenMP is
off, so neurodyn's CPU time of Run is compared (its wall time is listed too).
It prints medians, the ratio Brian2/neurodyn of the medians and the range of
the ratios round by round, every sample, and the load average of each round; for cuba and brunel both sides' overall rate (neurodyn's from its
benchmark's spikes/s x run-s, Brian2's E and I rates too); for brunel_stdp also the mean E rate and the final mean E->E weight
of both sides, for brunel_stp the mean E and I rates and the E population's
spike-count CV in 1 ms bins of both sides, for vogels the mean E and I rates
and the final mean I->E weight of both sides, for coba_adex the mean E and I
rates of both sides and of each Brian2 scheme, for coba Brian2's E, I and
overall rates, spike count and last spike, and neurodyn's overall rate
(spikes/s x run-s of its benchmark, which reports no E-Hz/I-Hz; both if it
does), and their ratio, for cobahh the same figures, for izhikevich2003 the
mean E and I rates of both sides and Brian2's E rate spectrum peak (Brian2's
figures from the compiling run, kept for --reuse), to show that both
simulate the same regime.

Where it builds: the Go benchmark binary goes to a private temporary file
(tempfile.mkstemp), removed at the end; the Brian2 projects to
common.build_base(), a directory keyed by this checkout's path and a digest
of the Brian2 scripts ($TMPDIR/neurodyn-brian2-<uid>/<key>, or
$BRIAN2_BUILD_DIR), locked while compare.py runs. Runs from other checkouts
therefore never overwrite these projects, and --reuse finds only projects
generated from this checkout's current scripts (it stops with a message
when there are none).
"""
import argparse
import fcntl
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

GO_BENCH = {"cuba": "^BenchmarkSpikingCUBA$/^n=4000$", "brunel": "^BenchmarkSpikingBrunel$",
            "brunel_stdp": "^BenchmarkSpikingBrunelSTDP$", "brunel_stp": "^BenchmarkSpikingBrunelSTP$",
            "vogels": "^BenchmarkSpikingVogels$", "coba_adex": "^BenchmarkSpikingCOBAAdEx$",
            # each level anchored: with ^BenchmarkSpikingCOBA/n=4000$ go test also runs BenchmarkSpikingCOBAAdEx
            # (a partial match, run to look for sub-benchmarks, 1.6 s, not reported)
            "coba": "^BenchmarkSpikingCOBA$/^n=4000$", "cobahh": "^BenchmarkSpikingCOBAHH$",
            "izhikevich2003": "^BenchmarkSpikingIzhikevich2003$/^n=1000$",
            "brunel_alpha": "^BenchmarkSpikingBrunelAlpha$"}
WORKDIR = {"cuba": "cuba_4000_1", "brunel": "brunel_10000_1", "brunel_stdp": "brunel_stdp_10000_1",
           "brunel_stp": "brunel_stp_source_10000_1", "vogels": "vogels_10000_1",
           "coba_adex": "coba_adex_4000_1", "coba": "coba_4000_1",  # coba: coba.workdir_name(), seed coba.SEED
           "cobahh": "cobahh_4000_1",  # cobahh.workdir_name(), seed cobahh.SEED
           "izhikevich2003": "izhikevich2003_1000_1",  # izhikevich2003.workdir_name()
           "brunel_alpha": "brunel_alpha_10000_1"}  # brunel_alpha.workdir_name()
# Further Brian2 set-ups of a net, timed in the same rounds and listed on
# their own lines (the speed-up is against the first): name -> work dir.
BRIAN_ALT = {"brunel_stp": {"brian2_per_synapse": "brunel_stp_synapse_10000_1"},
             "coba_adex": {"brian2_euler": "coba_adex_euler_4000_1",
                           "brian2_exp_euler": "coba_adex_exponential_euler_4000_1"}}
# The regime of a network (mean rates, weights) as Brian2's compiling run
# measured it, for the nets whose script returns one (a further set-up's
# under "net/name"); kept in the build directory's regime.json for --reuse.
BRIAN_REGIME = {}
# Neurons of the nets whose regime line gives both sides' overall rate from
# the Go benchmark's spikes/s and run-s (their benchmarks report no E-Hz/I-Hz,
# or, coba and cobahh, an overall rate beside them).
SIZE = {"cuba": 4000, "brunel": 12500, "coba": 4000, "cobahh": 4000, "brunel_alpha": 12500}


def brian_project(net):
    import common
    if net == "cuba":
        import cuba
        r = {}
        cuba.build_and_run(4000, 1, 1000.0, 1, regime=r)
        BRIAN_REGIME[net] = dict(r, seed=1)
    elif net == "brunel":
        import brunel
        r = {}
        brunel.build_and_run(1, 1000.0, 1, regime=r)
        BRIAN_REGIME[net] = dict(r, seed=1)
    elif net == "brunel_stdp":
        import brunel_stdp
        BRIAN_REGIME[net] = brunel_stdp.build_and_run(1, 1000.0, 1)
    elif net == "vogels":
        import vogels
        BRIAN_REGIME[net] = vogels.build_and_run(1, 1000.0, 1)
    elif net == "coba_adex":
        import coba_adex
        BRIAN_REGIME[net] = coba_adex.build_and_run(1, 1000.0, 1, method="rk4")
        BRIAN_REGIME[net + "/brian2_euler"] = coba_adex.build_and_run(1, 1000.0, 1, method="euler")
        BRIAN_REGIME[net + "/brian2_exp_euler"] = coba_adex.build_and_run(1, 1000.0, 1, method="exponential_euler")
    elif net == "coba":
        import coba
        BRIAN_REGIME[net] = dict(coba.build_and_run(coba.SEED, 1000.0, 1), seed=coba.SEED)
    elif net == "cobahh":
        import cobahh
        BRIAN_REGIME[net] = dict(cobahh.build_and_run(cobahh.SEED, 1000.0, 1), seed=cobahh.SEED)
    elif net == "brunel_alpha":
        import brunel_alpha
        BRIAN_REGIME[net] = dict(brunel_alpha.build_and_run(brunel_alpha.SEED, 1000.0, 1), seed=brunel_alpha.SEED)
    elif net == "izhikevich2003":
        import izhikevich2003
        BRIAN_REGIME[net] = dict(izhikevich2003.build_and_run(izhikevich2003.SEED, 1000.0, 1), seed=izhikevich2003.SEED)
    else:
        import brunel_stp
        BRIAN_REGIME[net] = brunel_stp.build_and_run(1, 1000.0, 1, variant="source")
        brunel_stp.build_and_run(1, 1000.0, 1, variant="synapse")
    return common.workdir(WORKDIR[net])


def per_round(go, brian):
    """The range of the round-by-round ratios brian/go, as ' (per round a-bx)'."""
    r = [b / g for g, b in zip(go, brian)]
    return " (per round %.2f-%.2fx)" % (min(r), max(r)) if len(r) > 1 else ""


def brian_run(directory):
    subprocess.run(["./main"], cwd=directory, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(directory, "results", "last_run_info.txt")) as f:
        return float(f.read().split()[0])


def go_run(binary, net):
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", GO_BENCH[net], "-test.benchtime", "1x",
                          "-test.cpu", "1", "-test.count", "1"], cwd=os.path.join(ROOT, "bench"),
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"\s([0-9.e+-]+) cpu-s", out)
    w = re.search(r"\s([0-9.e+-]+) run-s", out)
    if not m or not w:
        raise RuntimeError("no cpu-s/run-s metric in:\n" + out)
    extra = {k: float(v) for v, k in re.findall(r"\s([0-9.e+-]+) (E-Hz|I-Hz|E-popCV|wEE-mV|wIE-nS)\b", out)}
    if net in SIZE:  # the spike count from spikes/s (per wall s) and run-s, whether or not E-Hz/I-Hz
        sp = re.search(r"\s([0-9.e+-]+) spikes/s", out)
        if sp:
            extra["spikes"] = float(sp.group(1)) * float(w.group(1))
    return float(m.group(1)), float(w.group(1)), extra


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--nets", default="cuba,brunel,brunel_stdp,brunel_stp,vogels,coba_adex,coba,cobahh,izhikevich2003,brunel_alpha")
    ap.add_argument("--out", default="")
    ap.add_argument("--reuse", action="store_true", help="reuse the Brian2 projects compiled by a previous run")
    a = ap.parse_args()
    nets = a.nets.split(",")
    unknown = [n for n in nets if n not in GO_BENCH]
    if unknown:
        ap.error("unknown nets %s (known: %s)" % (",".join(unknown), ",".join(GO_BENCH)))
    import common
    # The Brian2 projects of this checkout and these scripts (common.build_base:
    # another checkout compiles elsewhere), locked for the whole run: a second
    # compare.py of the same checkout would recompile them under this one.
    base = common.build_base()
    os.makedirs(base, exist_ok=True)
    lock = open(os.path.join(base, ".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        sys.exit("compare.py: another compare.py of this checkout is using %s; wait for it" % base)
    # The Go benchmark binary: a private file, removed at the end.
    fd, binary = tempfile.mkstemp(prefix="neurodyn-bench-brian2-", suffix=".test")
    os.close(fd)
    try:
        subprocess.run(["go", "test", "-c", "-o", binary, "./bench"], cwd=ROOT, check=True)
        text = run(a, nets, base, binary)
    finally:
        os.remove(binary)
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


def run(a, nets, base, binary):
    """Compiles (or, with --reuse, finds) the Brian2 projects under base, runs
    the interleaved rounds and returns the report."""
    import common
    regime_file = os.path.join(base, "regime.json")
    if a.reuse:
        dirs = {n: common.workdir(WORKDIR[n]) for n in nets}
        if os.path.exists(regime_file):
            with open(regime_file) as f:
                BRIAN_REGIME.update(json.load(f))
    else:
        dirs = {n: brian_project(n) for n in nets}
        saved = {}
        if os.path.exists(regime_file):
            with open(regime_file) as f:
                saved = json.load(f)
        saved.update(BRIAN_REGIME)
        with open(regime_file, "w") as f:
            json.dump(saved, f)
    alt_dirs = {n: {k: common.workdir(d) for k, d in BRIAN_ALT.get(n, {}).items()} for n in nets}
    missing = [d for n in nets for d in [dirs[n]] + list(alt_dirs[n].values())
               if not os.path.exists(os.path.join(d, "main"))]
    if missing:
        sys.exit("compare.py: no compiled Brian2 project in %s: run without --reuse first"
                 " (projects are kept per checkout and per version of the scripts)" % ", ".join(missing))
    samples = {n: dict({"neurodyn": [], "neurodyn_wall": [], "brian2": []}, **{k: [] for k in alt_dirs[n]})
               for n in nets}
    load = []
    go_regime = {}
    for _ in range(a.rounds):
        load.append(os.getloadavg()[0])
        for n in nets:
            cpu, wall, extra = go_run(binary, n)
            samples[n]["neurodyn"].append(cpu)
            samples[n]["neurodyn_wall"].append(wall)
            samples[n]["brian2"].append(brian_run(dirs[n]))
            for k, d in alt_dirs[n].items():
                samples[n][k].append(brian_run(d))
            if extra:
                go_regime[n] = extra  # the same seed every round: the same figures
    lines = ["# neurodyn vs Brian2 2.5.1 C++ standalone, single thread, 1 s simulated, run loop only,",
             "# CPU time on both sides (Brian2 times its loop with std::clock without OpenMP; neurodyn: getrusage around Run)",
             "# rounds %d, load average (1 min) at each round: %s" % (a.rounds, " ".join("%.2f" % x for x in load))]
    for n in nets:
        g, b = statistics.median(samples[n]["neurodyn"]), statistics.median(samples[n]["brian2"])
        lines.append("%-7s neurodyn median %.4f s   brian2 median %.4f s   speed-up %.2fx%s"
                     % (n, g, b, b / g, per_round(samples[n]["neurodyn"], samples[n]["brian2"])))
        for k in alt_dirs[n]:
            bk = statistics.median(samples[n][k])
            lines.append("%-7s neurodyn median %.4f s   %s median %.4f s   speed-up %.2fx%s"
                         % ("", g, k, bk, bk / g, per_round(samples[n]["neurodyn"], samples[n][k])))
        lines.append("        samples %s" % json.dumps(samples[n]))
        if n == "brunel_stp":
            if n in go_regime:
                r = go_regime[n]
                lines.append("        regime over the 1 s: neurodyn E rate %.2f Hz, I rate %.2f Hz, E count CV (1 ms bins, 200-1000 ms) %.3f"
                             % (r.get("E-Hz", float("nan")), r.get("I-Hz", float("nan")), r.get("E-popCV", float("nan"))))
            if n in BRIAN_REGIME:
                r = BRIAN_REGIME[n]
                lines.append("        regime over the 1 s: brian2   E rate %.2f Hz, I rate %.2f Hz, E count CV (1 ms bins, 200-1000 ms) %.3f"
                             " (E rate per 200 ms %s)"
                             % (r["rate_e_hz"], r["rate_i_hz"], r["population_cv_e"],
                                " ".join("%.1f" % x for x in r["rate_e_hz_per_200ms"])))
        elif n == "coba_adex":
            lines.append("        brian2 integrates with rk4 (neurodyn's order; the speed-up is against it); brian2_euler"
                         " (forward Euler) and brian2_exp_euler (exponential_euler) are less accurate first-order schemes")
            if n in go_regime:
                r = go_regime[n]
                lines.append("        regime over the 1 s: neurodyn E rate %.2f Hz, I rate %.2f Hz"
                             % (r.get("E-Hz", float("nan")), r.get("I-Hz", float("nan"))))
            for key, label in ((n, "brian2 rk4      "), (n + "/brian2_euler", "brian2 euler    "),
                               (n + "/brian2_exp_euler", "brian2 exp_euler")):
                if key in BRIAN_REGIME:
                    r = BRIAN_REGIME[key]
                    lines.append("        regime over the 1 s: %s E rate %.2f Hz, I rate %.2f Hz (E rate per 200 ms %s)"
                                 % (label, r["rate_e_hz"], r["rate_i_hz"],
                                    " ".join("%.1f" % x for x in r["rate_e_hz_per_200ms"])))
        elif n in SIZE:
            seed = "; seed 4" if n == "coba" else ""  # BenchmarkSpikingCOBA's seed (the preset's default elsewhere)
            size = "{:,}".format(SIZE[n])
            g_rate = float("nan")
            if n in go_regime:
                r = go_regime[n]
                g_rate = r.get("spikes", float("nan")) / SIZE[n]  # 1 s
                ei = ""
                if "E-Hz" in r and "I-Hz" in r:
                    ei = ", E rate %.3f Hz, I rate %.3f Hz" % (r["E-Hz"], r["I-Hz"])
                lines.append("        regime over the 1 s: neurodyn rate of all %s %.3f Hz (%.0f spikes%s)%s"
                             % (size, g_rate, r.get("spikes", float("nan")), seed, ei))
            if n in BRIAN_REGIME:
                r = BRIAN_REGIME[n]
                lines.append("        regime over the 1 s: brian2   rate of all %s %.3f Hz (%d spikes, the last at"
                             " %.1f ms; seed %d), E rate %.3f Hz, I rate %.3f Hz (E rate per 200 ms %s)"
                             % (size, r["rate_hz"], r["n_spikes"], r["last_spike_ms"], r["seed"], r["rate_e_hz"],
                                r["rate_i_hz"], " ".join("%.2f" % x for x in r["rate_e_hz_per_200ms"])))
                note = " (bistable network: both should be active, ~20 Hz)" if n == "coba" else ""
                lines.append("        overall rates brian2/neurodyn %.3f%s" % (r["rate_hz"] / g_rate, note))
        elif n == "izhikevich2003":
            if n in go_regime:
                r = go_regime[n]
                lines.append("        regime over the 1 s: neurodyn E rate %.2f Hz, I rate %.2f Hz (seed 1)"
                             % (r.get("E-Hz", float("nan")), r.get("I-Hz", float("nan"))))
            if n in BRIAN_REGIME:
                r = BRIAN_REGIME[n]
                lines.append("        regime over the 1 s: brian2   E rate %.2f Hz, I rate %.2f Hz (seed %d; E rate per 200 ms %s;"
                             " E rate spectrum peak %.2f Hz, %d synapses)"
                             % (r["rate_e_hz"], r["rate_i_hz"], r["seed"],
                                " ".join("%.1f" % x for x in r["rate_e_hz_per_200ms"]),
                                r.get("e_peak_hz", float("nan")), r["n_syn"]))
        elif n == "vogels":
            if n in go_regime:
                r = go_regime[n]
                lines.append("        regime over the 1 s: neurodyn E rate %.2f Hz, I rate %.2f Hz, mean I->E weight at the end %.4f nS"
                             % (r.get("E-Hz", float("nan")), r.get("I-Hz", float("nan")), r.get("wIE-nS", float("nan"))))
            if n in BRIAN_REGIME:
                r = BRIAN_REGIME[n]
                lines.append("        regime over the 1 s: brian2   E rate %.2f Hz, I rate %.2f Hz, mean I->E weight at the end %.4f nS"
                             " (E rate per 200 ms %s)"
                             % (r["rate_e_hz"], r["rate_i_hz"], r["w_ie_mean_ns"],
                                " ".join("%.1f" % x for x in r["rate_e_hz_per_window"])))
        else:
            if n in go_regime:
                lines.append("        regime over the 1 s: neurodyn E rate %.2f Hz, mean E->E weight at the end %.5f mV"
                             % (go_regime[n].get("E-Hz", float("nan")), go_regime[n].get("wEE-mV", float("nan"))))
            if n in BRIAN_REGIME:
                r = BRIAN_REGIME[n]
                lines.append("        regime over the 1 s: brian2   E rate %.2f Hz, mean E->E weight at the end %.5f mV"
                             " (I rate %.2f Hz; E rate per 200 ms %s)"
                             % (r["rate_e_hz"], r["w_ee_mean_mv"], r["rate_i_hz"],
                                " ".join("%.1f" % x for x in r["rate_e_hz_per_200ms"])))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
