"""Brunel's balanced network simulated by neurodyn, analysed with Elephant,
archived as NWB: the Python neuroscience stack on neurodyn's results.

1. Brunel (2000) model A in the asynchronous irregular state (g = 5,
   nu_ext/nu_thr = 2), 10,000 E / 2,500 I LIF neurons with delta synapses,
   simulated by the event-driven engine, its spikes streamed to SONATA.
2. The spike report read back and turned into Neo spike trains
   (neurodyn.interop.to_neo), one per neuron, silent ones included.
3. Elephant's statistics of the E population -- rates, silent fraction, ISI
   CV, pairwise count correlation -- next to neurodyn's own
   (neurodyn.analysis.spike_stats), which must agree to 1e-9, and the rate
   of Brunel's mean-field theory; Elephant's population-rate spectrum.
   Full run (1 s, Zen 4): rate 37.55 Hz beside the mean field's 37.95,
   ISI CV 0.405, every statistic equal in both; simulating takes 2.9 s.
4. The run written as an NWB file (units table, the spec and seed in its
   notes) and validated with pynwb.

    python examples/python/brunel_elephant.py [--quick] [--out DIR]

--quick simulates 300 ms instead of 1 s (make test runs it). Neo builds one
object per neuron, so converting 12,500 neurons takes a few seconds. Needs the interop
extras: pip install './python[interop]' elephant.
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings
from pathlib import Path

import numpy as np

import neurodyn as nd
from neurodyn import interop


def siegert(mu: float, sigma: float, theta: float, v_r: float, tau_ms: float, t_ref_ms: float) -> float:
    """The stationary rate (Hz) of a LIF neuron driven by white noise of mean
    mu and standard deviation sigma (mV): Brunel (2000) eq. 21, by Simpson's
    rule."""
    lo, hi = (v_r - mu) / sigma, (theta - mu) / sigma
    u = np.linspace(lo, hi, 4001)
    f = np.exp(u * u) * np.array([math.erfc(-x) for x in u])
    h = (hi - lo) / 4000
    integral = h / 3 * (f[0] + f[-1] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum())
    return 1000.0 / (t_ref_ms + tau_ms * math.sqrt(math.pi) * integral)


def mean_field_rate(c_e: int, j_mv: float, g: float, eta: float, gamma: float,
                    theta: float = 20.0, v_r: float = 10.0, tau_ms: float = 20.0, t_ref_ms: float = 2.0) -> float:
    """Brunel's self-consistent rate of model A (eqs. 4, 5, 21), by bisection."""
    tau = tau_ms / 1000
    nu_thr = theta / (j_mv * c_e * tau)
    ext = eta * nu_thr

    def excess(nu: float) -> float:
        mu = c_e * j_mv * tau * (ext + nu * (1 - g * gamma))
        sigma = math.sqrt(j_mv * j_mv * c_e * tau * (ext + nu * (1 + g * g * gamma)))
        return siegert(mu, sigma, theta, v_r, tau_ms, t_ref_ms) - nu

    lo, hi = 0.01, 500.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    return 0.5 * (lo + hi)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="300 ms instead of 1 s")
    ap.add_argument("--out", default="results/brunel_elephant", help="output directory")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    import elephant.conversion as econv
    import elephant.spectral as espec
    import elephant.spike_train_correlation as ecorr
    import elephant.statistics as estat
    import pynwb
    import quantities as pq

    n, ms = 12500, (300.0 if args.quick else 1000.0)
    bin_ms = 5.0
    t0 = 100.05  # transient left out; bin edges off the 0.1 ms grid spikes fall on
    t1 = t0 + bin_ms * math.floor((ms - 1 - t0) / bin_ms)  # whole bins, as both binnings want
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    spikes_file = out / "spikes.h5"

    # 1. simulate, streaming the spikes to SONATA
    start = time.perf_counter()
    with nd.Network.preset("brunel", n=n, seed=args.seed, record=True) as net:
        net.stream_spikes(spikes_file, overwrite=True)
        net.run(ms)
        net.close_streams()
        spec = net.spec
    sim_s = time.perf_counter() - start
    ne, ni = n * 4 // 5, n // 5
    print(f"simulated {n} neurons for {ms:g} ms in {sim_s:.2f} s")

    # 2. Neo
    start = time.perf_counter()
    # the stream recorded its interval, (0, ms]: no t_stop_ms to repeat
    block = interop.to_neo(spikes_file, sizes={"E": ne, "I": ni})
    assert interop.recorded_interval(spikes_file) == (0.0, ms)
    exc = next(g for g in block.groups if g.name == "E").spiketrains
    print(f"to_neo: {len(block.segments[0].spiketrains)} spike trains in {time.perf_counter() - start:.2f} s")

    # 3. Elephant beside neurodyn's statistics and the mean-field rate
    sp = interop.read_spikes(spikes_file)["E"]
    ids = sp.node_ids.astype(np.uint32)
    ours = nd.analysis.spike_stats(sp.times_ms, ids, ne, t0, t1, bin_ms=bin_ms, seed=1)
    # count correlations of neurons 0-44: their 990 pairs are all neurodyn
    # takes (it samples 1,000 pairs of larger sets), so both see the same pairs
    first = ids < 45
    ours45 = nd.analysis.spike_stats(sp.times_ms[first], ids[first], 45, t0, t1, bin_ms=bin_ms, seed=1)
    trains = [st.time_slice(t0 * pq.ms, t1 * pq.ms) for st in exc]
    rates = np.array([len(st) for st in trains]) / ((t1 - t0) / 1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Elephant 1.2's deprecation notices under quantities 0.16
        cvs = np.array([estat.cv(estat.isi(st)) for st in trains if len(st) >= 3])
        sample = trains[:45]
        binned = econv.BinnedSpikeTrain(sample, bin_size=bin_ms * pq.ms, t_start=t0 * pq.ms, t_stop=t1 * pq.ms)
        active = binned.to_array().std(axis=1) > 0
        cc = ecorr.correlation_coefficient(binned)[np.ix_(active, active)]
        cc = cc[np.triu_indices(int(active.sum()), 1)]
        pop = econv.BinnedSpikeTrain(trains, bin_size=1 * pq.ms, t_start=t0 * pq.ms, t_stop=t1 * pq.ms).to_array().sum(axis=0)
        freqs, psd = espec.welch_psd(pop - pop.mean(), n_segments=4, fs=1000.0)
    b = {"c_e": 0.1 * ne, "j": 0.1, "g": 5.0, "eta": 2.0}
    mf = mean_field_rate(int(b["c_e"]), b["j"], b["g"], b["eta"], ni / ne)
    peak = float(freqs[1:][np.argmax(psd[1:])])
    rows = [
        ("mean rate (Hz)", ours["mean_rate"], rates.mean()),
        ("silent fraction", ours["silent"], float(np.mean(rates == 0))),
        ("mean ISI CV", ours["mean_cv"], cvs.mean()),
        ("mean count corr., neurons 0-44", ours45["mean_corr"], cc.mean()),
    ]
    print(f"\nE population over [{t0}, {t1}) ms; mean-field rate {mf:.2f} Hz (Brunel 2000, eq. 21)")
    print(f"{'statistic':32s} {'neurodyn':>10s} {'Elephant':>10s}")
    for name, a, e in rows:
        print(f"{name:32s} {a:10.4f} {e:10.4f}")
    print(f"population-rate spectrum (Elephant, Welch, 1 ms bins, 4 segments): largest peak at {peak:.0f} Hz"
          " (finite-size fluctuations of the global activity; no slow oscillation in the AI state)")

    # 4. NWB
    nwb = interop.to_nwb(spikes_file, out / "brunel.nwb", sizes={"E": ne, "I": ni}, overwrite=True,
                         session_description=f"Brunel (2000) model A, g = 5, eta = 2, {n} neurons, seed {args.seed}")
    errors = pynwb.validate(path=str(nwb))
    print(f"\nwrote {nwb}: pynwb.validate found {len(errors)} problems")

    result = {
        "neurons": n, "duration_ms": ms, "simulate_s": sim_s, "mean_field_hz": mf,
        "neurodyn": {**{k: ours[k] for k in ("mean_rate", "silent", "mean_cv")}, "mean_corr_first45": ours45["mean_corr"]},
        "elephant": {"mean_rate": rates.mean(), "silent": float(np.mean(rates == 0)), "mean_cv": cvs.mean(),
                     "mean_corr_first45": cc.mean(), "peak_hz_welch_1ms": peak},
        "nwb_problems": len(errors), "spec": spec,
    }
    (out / "results.json").write_text(json.dumps(result, indent=1, default=float))
    if errors:
        raise SystemExit(f"the NWB file is invalid: {errors}")
    for name, a, e in rows:
        if not abs(a - e) <= 1e-9 * max(1.0, abs(e)):
            raise SystemExit(f"neurodyn and Elephant disagree on the same spike trains: {name} {a} vs {e}")


if __name__ == "__main__":
    main()
