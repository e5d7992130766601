"""Inhibitory plasticity balances excitation channel by channel: Vogels et al. (2011), Fig. 1.

A neuron receives 800 excitatory and 200 inhibitory inputs in 8 signal
channels of 100 E and 25 I inputs. Its excitatory synapses are static and
tuned, with a bell-shaped profile over the channels (w_E = 5 + 15/(1 + d^4)
pA at distance d from the preferred channel); its inhibitory ones start
flat and weak (2 pA) and learn by the rule of Vogels, Sprekeler, Zenke,
Clopath & Gerstner (Science 2011), NEST's vogels_sprekeler_synapse (a
projection's `plasticity = { kind = "vogels_sprekeler", ... }`, eta =
0.5 pA, alpha = 0.2, tau = 20 ms). A pairing in either order strengthens
an inhibitory synapse by eta times the other side's trace, and every
presynaptic spike weakens it by alpha*eta: for uncorrelated trains the
weight drifts by eta*(2*tau*rho - alpha) per presynaptic spike, which
drives the output rate rho to rho0 = alpha/(2*tau) = 5 Hz.

The inputs of a channel share its signal: a "mother" neuron fires as a
5 Hz Poisson train and every input of the channel fires once at each of
its spikes, after its own latency (drawn uniformly in 0.1-30 ms), so each
event is a 30 ms pulse of the channel's rate; on top, every input fires
an independent 5 Hz Poisson train. E and I inputs of a channel are thus
correlated with each other, not with other channels. The output fires at
the events of its strong channels, so the inhibitory synapses of those
channels see more pairings and grow more, until every channel's pairings
per presynaptic spike equal alpha: inhibition comes to mirror the
excitatory tuning (detailed balance) and the output no longer prefers
any channel's events.

Eight such neurons, each preferring another channel, listen to the same
inputs (they do not interact), beside eight static twins that keep the
initial inhibition ("naive": the state before learning). The neurons are
lif_exp (tau_m = 20 ms, C = 250 pF, threshold 10 mV above rest, 5 ms
refractory; synaptic currents decay with the paper's 5 ms (E) and 10 ms
(I)). The inputs are "parrot" neurons (lif_delta) that fire whenever their
Poisson device or their mother hits them; the whole experiment is one
neurodyn spec, and Network.synapses(effective=True) reads the weights as
they learn.

    python examples/python/inhibitory_plasticity.py [--quick] [--out DIR]

Full run (60 s simulated in 5.6 s on AMD EPYC Zen 4, seed 1; figures over
the last 20 s, means over the 8 neurons): the output rate falls from
57.6 Hz (naive twins; 35.6 Hz in the first second of learning) to 3.96 Hz.
The correlation over channels between a neuron's mean inhibitory weight
and its excitatory weight goes from undefined (flat) to 0.993 (lowest
0.987); inhibitory over excitatory charge per event is 1.06 in the
preferred channel, 0.49-1.21 over all. An event of the preferred channel
adds 1.41 output spikes to a naive neuron, 0.25 to a learnt one (other
channels: 0.60 and 0.16). The rate settles below rho0: at the fixed point
the pairings per inhibitory spike equal alpha (measured 0.212), of which
2*tau*rho = 0.159 come by chance and the rest from the events, which
still make the output fire a little more in every channel alike (balance
cancels an event's mean current, not its fluctuations: E and I inputs
fire with their own latencies and inhibition is slower); with weaker
events (3 Hz, inputs 7 Hz on their own) it settles at 4.2 Hz. --quick
simulates 20 s (1.9 s; last 5 s: 3.67 Hz, correlation 0.973, lowest
0.946, preferred channel's events 0.50 extra spikes; make test runs it).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import neurodyn as nd

N_CH, N_E, N_I = 8, 100, 25  # channels; excitatory and inhibitory inputs per channel
W_LO, W_HI = 5.0, 15.0  # excitatory weights (pA): W_LO + W_HI / (1 + d^4)
W_I0 = 2.0  # initial inhibitory weight (pA)
ETA, ALPHA, TAU_STDP_MS = 0.5, 0.2, 20.0
RHO0_HZ = ALPHA / (2 * TAU_STDP_MS / 1000.0)
R_OWN_HZ, R_EVENT_HZ = 5.0, 5.0  # independent firing of every input; events per channel
LATENCY_MS = (0.1, 30.0)  # range of the inputs' latencies after their channel's events
DELAY_MS = 1.0  # input -> output
TAU_EX_MS, TAU_IN_MS = 5.0, 10.0
EVENT_WINDOW_MS = 50.0  # output spikes counted after an event

PARROT = "{ t_ref_ms = 0.1, v_th_mv = -55.0, e_l_mv = -70.0, v_reset_mv = -70.0 }"
NEURON = (f"{{ tau_mem_ms = 20.0, cm_pf = 250.0, tau_syn_ex_ms = {TAU_EX_MS}, tau_syn_in_ms = {TAU_IN_MS}, "
          "t_ref_ms = 5.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0 }")
VS = (f'{{ kind = "vogels_sprekeler", eta = {ETA}, alpha = {ALPHA}, w_max = 1000.0, '
      f"tau_plus_ms = {TAU_STDP_MS}, tau_minus_ms = {TAU_STDP_MS} }}")


def excitatory_weights() -> np.ndarray:
    """w_E[j, k] (pA): output j prefers channel j."""
    d = np.arange(N_CH)[None, :] - np.arange(N_CH)[:, None]
    return W_LO + W_HI / (1.0 + d.astype(float) ** 4)


def spec(seed: int) -> str:
    rng = np.random.default_rng(seed)
    lat = {}
    for pop, n in (("E", N_E), ("I", N_I)):  # every input's latency after its channel's events
        lat[pop] = np.round(rng.uniform(*LATENCY_MS, N_CH * n), 1).tolist()
    w_e = excitatory_weights()
    src = np.repeat(np.arange(N_CH * N_E), N_CH)  # every E input to every output
    tgt = np.tile(np.arange(N_CH), N_CH * N_E)
    e_list = {"sources": src.tolist(), "targets": tgt.tolist(),
              "weight_list": [round(float(w), 4) for w in w_e[tgt, src // N_E]]}
    text = f"""
dt_ms = 0.1
seed  = {seed}

[[population]]
name   = "mother"
n      = {N_CH}
model  = "lif_delta"
sign   = 1
params = {PARROT}

[[population]]
name   = "E"
n      = {N_CH * N_E}
model  = "lif_delta"
sign   = 1
params = {PARROT}

[[population]]
name   = "I"
n      = {N_CH * N_I}
model  = "lif_delta"
sign   = -1
params = {PARROT}

[[population]]
name   = "out"
n      = {N_CH}
model  = "lif_exp"
params = {NEURON}

[[population]]
name   = "naive"
n      = {N_CH}
model  = "lif_exp"
params = {NEURON}
"""
    for pop, n in (("E", N_E), ("I", N_I)):  # a channel's events make each of its inputs fire once
        text += f"""
[[projection]]
source        = "mother"
target        = "{pop}"
rule          = {{ kind = "list" }}
sources       = {np.repeat(np.arange(N_CH), n).tolist()}
targets       = {list(range(N_CH * n))}
weights       = {{ value = 100.0 }}
delay_list_ms = {lat[pop]}
"""
    for target in ("out", "naive"):
        plastic = "plasticity = " + VS if target == "out" else ""
        text += f"""
[[projection]]
source      = "E"
target      = "{target}"
rule        = {{ kind = "list" }}
sources     = {e_list["sources"]}
targets     = {e_list["targets"]}
weight_list = {e_list["weight_list"]}
delay_ms    = {DELAY_MS}

[[projection]]
source     = "I"
target     = "{target}"
rule       = {{ kind = "all_to_all" }}
weights    = {{ value = {W_I0} }}
delay_ms   = {DELAY_MS}
{plastic}
"""
    for pop, rate in (("mother", R_EVENT_HZ), ("E", R_OWN_HZ), ("I", R_OWN_HZ)):
        text += f"""
[[device]]
kind    = "poisson"
target  = "{pop}"
rate_hz = {rate}
weight  = 100.0
"""
    for pop in ("out", "naive", "mother", "I"):
        text += f"""
[[recorder]]
kind       = "spikes"
population = "{pop}"
"""
    return text


I_OUT, I_NAIVE = 3, 5  # indices of the projections I -> out (plastic) and I -> naive in the spec


def inhibitory_profile(net: nd.Network, projection: int) -> np.ndarray:
    """Mean |w_I| (pA) per output neuron and channel."""
    s = net.synapses(projection, effective=True)  # pairings taken in as they happen
    w = np.zeros((N_CH, N_CH))
    np.add.at(w, (s["target"], s["source"] // N_I), np.abs(s["weight"].astype(np.float64)))
    return w / N_I


def corr(a: np.ndarray, b: np.ndarray) -> float | None:
    """Pearson correlation, None when a or b is flat."""
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def event_response(t_out, i_out, t_ev, i_ev, seconds):
    """Extra output spikes per event, [neuron, channel]: spikes in the
    EVENT_WINDOW_MS after a channel's events, less the neuron's mean rate's
    share of that window."""
    resp = np.zeros((N_CH, N_CH))
    for j in range(N_CH):
        ts = np.sort(t_out[i_out == j])
        base = ts.size / (seconds * 1000.0) * EVENT_WINDOW_MS
        for k in range(N_CH):
            ev = t_ev[i_ev == k]
            if ev.size:
                n = np.searchsorted(ts, ev + EVENT_WINDOW_MS) - np.searchsorted(ts, ev)
                resp[j, k] = n.mean() - base
    return resp


def pairings_per_spike(t_out, i_out, t_pre, i_pre):
    """The rule's pairings per presynaptic spike, [neuron, channel]: the
    mean over inhibitory spikes of sum_post exp(-|t_pre - (t_post + d)|/tau),
    the postsynaptic spikes reaching the synapse d after they are emitted.
    At the rule's fixed point it is alpha in every channel; for independent
    trains it is 2*tau*rho."""
    out = np.zeros((N_CH, N_CH))
    for j in range(N_CH):
        arrive = np.sort(t_out[i_out == j]) + DELAY_MS
        lo = np.searchsorted(arrive, t_pre - 32 * TAU_STDP_MS)
        hi = np.searchsorted(arrive, t_pre + 32 * TAU_STDP_MS)
        tot = np.zeros(t_pre.size)
        for m in range(int((hi - lo).max(initial=0))):
            k = lo + m
            ok = k < hi
            tot[ok] += np.exp(-np.abs(t_pre[ok] - arrive[k[ok]]) / TAU_STDP_MS)
        out[j] = np.bincount(i_pre // N_I, weights=tot, minlength=N_CH) / np.bincount(i_pre // N_I, minlength=N_CH)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="20 s instead of 60 s")
    ap.add_argument("--out", default="results/inhibitory_plasticity", help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seconds = 20 if args.quick else 60
    last = 5 if args.quick else 20  # the measured window: the last seconds
    w_e = excitatory_weights()
    net = nd.Network(spec(args.seed), format="toml")
    history = []
    t0 = time.perf_counter()
    print(f"{'t (s)':>6} {'out (Hz)':>9} {'naive (Hz)':>11} {'mean w_I (pA)':>14} {'corr(w_I, w_E)':>15}")
    for sec in range(1, seconds + 1):
        if sec <= seconds - last + 1:  # the inputs' spikes are kept from the measured window on
            for r in ("spikes:mother", "spikes:I"):
                net.clear_spikes(r)
        before = {p: net.spike_count(f"spikes:{p}") for p in ("out", "naive")}
        net.run(1000.0)
        t, i = net.spikes("spikes:out")
        rates = np.bincount(i[t > (sec - 1) * 1000.0].astype(np.int64), minlength=N_CH)
        naive = (net.spike_count("spikes:naive") - before["naive"]) / N_CH
        w_i = inhibitory_profile(net, I_OUT)
        c = [corr(w_i[j], w_e[j]) for j in range(N_CH)]
        history.append({"t_s": sec, "out_hz": rates.tolist(), "naive_hz": naive,
                        "w_i_mean": float(w_i.mean()), "corr": c})
        if sec % max(1, seconds // 12) == 0 or sec == 1:
            print(f"{sec:6d} {rates.mean():9.2f} {naive:11.2f} {w_i.mean():14.2f} {np.mean(c):15.3f}")
    wall = time.perf_counter() - t0

    start = (seconds - last) * 1000.0
    t_ev, i_ev = net.spikes("spikes:mother")
    t_pre, i_pre = net.spikes("spikes:I")
    spikes = {}
    for p in ("out", "naive"):
        t, i = net.spikes(f"spikes:{p}")
        keep = t > start
        spikes[p] = (t[keep], i[keep].astype(np.int64))
    i_ev, i_pre = i_ev.astype(np.int64), i_pre.astype(np.int64)
    rate = {p: np.bincount(spikes[p][1], minlength=N_CH) / last for p in spikes}
    resp = {p: event_response(*spikes[p], t_ev, i_ev, last) for p in spikes}
    pairs = pairings_per_spike(*spikes["out"], t_pre, i_pre)
    w_i = inhibitory_profile(net, I_OUT)
    w_i0 = inhibitory_profile(net, I_NAIVE)  # the naive neurons' static inhibition
    # inhibitory charge per event over excitatory charge, per neuron and channel
    ratio = (N_I * w_i * TAU_IN_MS) / (N_E * w_e * TAU_EX_MS)
    cors = [corr(w_i[j], w_e[j]) for j in range(N_CH)]
    diag = np.arange(N_CH)
    res = {
        "seconds": seconds, "measured_last_s": last, "wall_s": wall, "seed": args.seed,
        "rho0_hz": RHO0_HZ,
        "input_rate_hz": float(t_pre.size / (N_CH * N_I) / last),
        "event_rate_hz": float(t_ev.size / N_CH / last),
        "rate_hz": {"naive": float(rate["naive"].mean()), "out": float(rate["out"].mean()),
                    "out_first_s": float(np.mean(history[0]["out_hz"])),
                    "out_per_neuron": rate["out"].tolist()},
        "corr_before": [corr(w_i0[j], w_e[j]) for j in range(N_CH)],
        "corr_after": cors,
        "corr_after_mean": float(np.mean(cors)), "corr_after_min": float(np.min(cors)),
        "w_e_pa": w_e.tolist(), "w_i_pa": w_i.tolist(), "w_i0_pa": W_I0,
        "i_over_e_charge": ratio.tolist(),
        "i_over_e_charge_range": [float(ratio.min()), float(ratio.max())],
        "i_over_e_charge_preferred": float(ratio[diag, diag].mean()),
        "event_response": {p: resp[p].tolist() for p in resp},
        "preferred_response": {p: float(resp[p][diag, diag].mean()) for p in resp},
        "other_response": {p: float(resp[p][diag[:, None] != diag].mean()) for p in resp},
        "response_corr_w_e": {p: float(np.mean([corr(resp[p][j], w_e[j]) for j in range(N_CH)])) for p in resp},
        "pairings_per_spike": pairs.tolist(),
        "pairings_per_spike_mean": float(pairs.mean()),
        "pairings_by_chance": float(2 * TAU_STDP_MS / 1000.0 * rate["out"].mean()),
        "history": history,
    }
    print(f"{seconds} s simulated in {wall:.1f} s; inputs fire at {res['input_rate_hz']:.2f} Hz, "
          f"events at {res['event_rate_hz']:.2f} Hz per channel")
    print(f"output rate over the last {last} s: naive {res['rate_hz']['naive']:.2f} Hz, "
          f"learnt {res['rate_hz']['out']:.2f} Hz (rho0 = {RHO0_HZ:g} Hz; "
          f"first second {res['rate_hz']['out_first_s']:.1f} Hz)")
    print(f"corr(w_I, w_E) per channel: before flat (w_I = {W_I0} pA), after mean {res['corr_after_mean']:.3f}, "
          f"lowest {res['corr_after_min']:.3f}")
    print(f"I/E charge per event: {ratio.min():.2f}-{ratio.max():.2f}, preferred channel "
          f"{res['i_over_e_charge_preferred']:.2f}")
    for p, name in (("naive", "naive"), ("out", "learnt")):
        print(f"extra output spikes per event, {name}: preferred channel {res['preferred_response'][p]:.2f}, "
              f"others {res['other_response'][p]:.2f}; corr(response, w_E) {res['response_corr_w_e'][p]:.2f}")
    print(f"pairings per inhibitory spike: {pairs.mean():.3f} (alpha = {ALPHA}), "
          f"by chance 2*tau*rho = {res['pairings_by_chance']:.3f}")
    print("mean w_I (pA), neuron x channel:")
    print(np.array2string(w_i, precision=1, max_line_width=120))
    (out / "results.json").write_text(json.dumps(res, indent=1))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(12, 3.4))
    ts = [h["t_s"] for h in history]
    a.plot(ts, [np.mean(h["out_hz"]) for h in history], label="learning")
    a.plot(ts, [h["naive_hz"] for h in history], label="naive (static)")
    a.axhline(RHO0_HZ, ls=":", c="k", label="rho0")
    a.set_yscale("log")
    a.set_xlabel("time (s)")
    a.set_ylabel("output rate (Hz)")
    a.legend()
    j = N_CH // 2  # one neuron's profiles
    k = np.arange(1, N_CH + 1)
    b.plot(k, N_E * w_e[j] * TAU_EX_MS / 1000, "o-", c="tab:red", label="excitation")
    b.plot(k, N_I * w_i[j] * TAU_IN_MS / 1000, "o-", c="tab:blue", label="inhibition (learnt)")
    b.plot(k, N_I * np.full(N_CH, W_I0) * TAU_IN_MS / 1000, "o--", c="tab:blue", alpha=0.4, label="inhibition (start)")
    b.set_xlabel("channel")
    b.set_ylabel("charge per event (pC)")
    b.set_title(f"neuron {j + 1}")
    b.legend()
    c.plot(k, resp["naive"][j], "o-", label="naive")
    c.plot(k, resp["out"][j], "o-", label="learnt")
    c.axhline(0, c="k", lw=0.5)
    c.set_xlabel("channel")
    c.set_ylabel("extra output spikes per event")
    c.legend()
    fig.tight_layout()
    fig.savefig(out / "inhibitory_plasticity.png", dpi=120)


if __name__ == "__main__":
    main()
