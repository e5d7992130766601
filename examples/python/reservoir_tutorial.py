"""The reservoir part of the reference tutorial (notebooks 03 and 04), end to
end from Python through libneurodyn.

1. The Lorenz-63 dataset of the tutorial (seeds 42/43/44, z-scored, 50-sample
   windows) and the baselines any forecaster must beat.
2. The tutorial's spiking "reservoir": 128 E / 32 I LIF neurons with frozen
   recurrent weights, its input weights and readout trained by
   backpropagation through time with the SuperSpike surrogate (alpha 1, what
   norse 1.1.0 used), run at the dt of 1 ms the notebook meant. The tutorial
   reports a test RMSE of 6.98 (original units), close to predicting the
   mean; here it runs at the right dt.
3. A liquid-state machine done the standard way: 800 E / 200 I LIF neurons on
   the event-driven engine, spike trains filtered at 10 and 50 ms as 2,000
   features, a ridge readout fitted in closed form; with its spikes silenced
   (readout on input and bias only) for comparison, and firing rates.
4. The echo-state network it is compared with.
5. Closed loop: valid prediction time (in Lyapunov times) of the reservoirs,
   a free run of the liquid-state machine, and the largest Lyapunov exponent
   and correlation dimension of that run next to the true attractor's (the
   tutorial's notebook 04 comparison).

Figures (when matplotlib is installed) and results.json go to --out.

    python examples/python/reservoir_tutorial.py [--quick] [--out DIR]

--quick runs a small version (short trajectories, a 300-neuron reservoir,
one training epoch) in a few seconds; make test runs it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

try:
    import neurodyn as nd
except ImportError:  # running from the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    import neurodyn as nd


def log(msg: str) -> None:
    print(msg, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for CI")
    ap.add_argument("--out", default="reservoir-tutorial", help="output directory")
    ap.add_argument("--epochs", type=int, default=None, help="training epochs of the gradient-trained reservoir")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"quick": a.quick, "library": nd.build_info()}
    log(f"libneurodyn {nd.version()} ({results['library']['kernel_path']} kernels, {nd.threads()} threads)")

    # 1. Data and baselines --------------------------------------------------
    if a.quick:
        data = nd.Lorenz(train_t=20, val_t=5, test_t=5, eval_t=60)
    else:
        data = nd.Lorenz()  # 140/30/30 time units + a 1000-unit evaluation trajectory
    info = data.info()
    mean, std = data.stats()
    sizes = ", ".join(f"{k} {v['samples']}" for k, v in info["splits"].items())
    log(f"data: {sizes} samples, dt {info['dt']}")
    rows = nd.analysis.baselines(data, max_ar_lag=4)
    base = {r["name"]: r["metrics"]["rmse"] for r in rows}
    results["baselines_test_rmse"] = base
    log("baselines (test RMSE, original units): " + ", ".join(f"{k} {v:.4f}" for k, v in base.items()))

    # 2. The tutorial's gradient-trained spiking reservoir ----------------------
    epochs = a.epochs if a.epochs is not None else (1 if a.quick else 10)
    snn = nd.SNN(
        ne=128, ni=32, tau_mem_e_ms=2, tau_mem_i_ms=1, tau_syn_ms=5, dt_ms=1,
        surrogate={"kind": "superspike", "alpha": 1}, freeze_recurrent=True, seed=42,
    )
    t0 = time.perf_counter()
    tr = snn.train(
        data, epochs=epochs, batch_size=64, adam={"lr": 1e-3, "weight_decay": 1e-6, "decoupled": True},
        patience=15, plateau={"patience": 7}, seed=42,
        **({"stride": 10} if a.quick else {}),
    )
    fc = snn.forecast(data)
    trainable = sum(int(np.prod(t["shape"])) for t in snn.info()["tensors"] if not t["frozen"])
    results["tutorial_reservoir"] = {"epochs": tr["epochs"], "seconds": time.perf_counter() - t0,
                                     "trainable_params": trainable, **fc}
    log(f"tutorial's spiking reservoir ({trainable} trained parameters, {tr['epochs']} epochs): test RMSE "
        f"{fc['rmse']:.3f} (silenced {fc['silenced_rmse']:.3f}), rates E {fc['rate_e']:.1f} Hz, I {fc['rate_i']:.1f} Hz")

    # 3. Liquid-state machine with a ridge readout --------------------------------
    lsm = nd.Reservoir(3, **({"n": 300, "seed": 1} if a.quick else {"seed": 1}))
    fit = lsm.fit(data)
    results["lsm"] = fit
    log(f"liquid-state machine ({lsm.features} spike features): test RMSE {fit['test_rmse']:.4f}, "
        f"silenced {fit['silenced_rmse']:.3f}, input only {fit['input_only_rmse']:.3f}; "
        f"rates E {fit['rate_e']:.1f} Hz, I {fit['rate_i']:.1f} Hz; harvest {fit['harvest_seconds']:.1f} s, "
        f"fit {fit['fit_seconds']:.1f} s")

    # 4. Echo-state network -------------------------------------------------------
    esn = nd.ESN(3, **({"n": 200, "seed": 1} if a.quick else {"seed": 1}))
    efit = esn.fit(data)
    results["esn"] = efit
    log(f"echo-state network: test RMSE {efit['test_rmse']:.2e}")

    # 5. Closed loop ----------------------------------------------------------------
    ev = data.split("eval")
    proto = {"starts": 5, "horizon": 500} if a.quick else {"starts": 50, "horizon": 2500}
    for name, model in (("lsm", lsm), ("esn", esn)):
        vt = model.valid_time(ev, **proto)
        results[name]["valid_time_lyapunov"] = vt["in_lyapunov"]
        q = vt["in_lyapunov"]
        log(f"{name}: valid prediction time {q['median']:.2f} Lyapunov times (quartiles {q['q1']:.2f}-{q['q3']:.2f})")
    steps = 2000 if a.quick else 10000
    warm = data.test[:50]
    free = lsm.generate(warm, steps=steps)
    free_orig = data.denormalize(free)
    truth = nd.analysis.lorenz_integrate(data.denormalize(data.test[49]), samples=steps, dt=info["dt"])
    for name, traj in (("true", truth), ("lsm_free_run", free_orig)):
        entry = {}
        try:
            entry["lyapunov"] = nd.analysis.lyapunov_series(traj, dt=info["dt"])["lambda"]
        except nd.NeurodynError as e:  # e.g. a run that collapsed onto a fixed point
            entry["lyapunov_error"] = str(e)
        try:
            entry["correlation_dimension"] = nd.analysis.correlation_dimension(traj, centers=1000)["d2"]
        except nd.NeurodynError as e:
            entry["correlation_dimension_error"] = str(e)
        results.setdefault("attractor", {})[name] = entry
        log(f"attractor {name}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k}: {v}" for k, v in entry.items()))

    (out / "results.json").write_text(json.dumps(results, indent=1, default=float))
    plots(out, data, lsm, free_orig, truth, results)
    log(f"results in {out}/results.json")
    for obj in (snn, lsm, esn, data):
        obj.close()
    return 0


def plots(out: Path, data, lsm, free, truth, results) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed: no figures")
        return
    test = data.test
    pred = data.denormalize(lsm.stream(test))[50:-1]  # one-step predictions of samples 51..end
    true = data.denormalize(test)[51:]
    t = np.arange(len(true)) * data.info()["dt"]
    fig, axes = plt.subplots(3, 1, figsize=(9, 6), sharex=True)
    for k, ax in enumerate(axes):
        ax.plot(t, true[:, k], "k", lw=1, label="truth")
        ax.plot(t, pred[:, k], "C1", lw=1, ls="--", label="liquid-state machine")
        ax.set_ylabel("xyz"[k])
    axes[0].legend(loc="upper right")
    axes[-1].set_xlabel("time (Lorenz units)")
    fig.suptitle("One-step forecasts of the test trajectory")
    fig.tight_layout()
    fig.savefig(out / "one_step.png", dpi=120)
    plt.close(fig)

    feats = lsm.harvest(test[:300])
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.imshow(feats[:, :400].T, aspect="auto", cmap="magma", interpolation="nearest")
    ax.set_xlabel("sample")
    ax.set_ylabel("feature (neuron, 10 ms filter)")
    ax.set_title("Filtered spike features of the liquid-state machine")
    fig.tight_layout()
    fig.savefig(out / "features.png", dpi=120)
    plt.close(fig)

    fig = plt.figure(figsize=(10, 5))
    for i, (traj, title) in enumerate(((truth, "true attractor"), (free, "liquid-state machine, closed loop"))):
        ax = fig.add_subplot(1, 2, i + 1, projection="3d")
        ax.plot(traj[:, 0], traj[:, 1], traj[:, 2], lw=0.4)
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(out / "closed_loop.png", dpi=120)
    plt.close(fig)

    names = ["persistence", "tutorial reservoir", "liquid-state machine", "echo-state network"]
    vals = [
        results["baselines_test_rmse"].get("persistence", np.nan),
        results["tutorial_reservoir"]["rmse"],
        results["lsm"]["test_rmse"],
        results["esn"]["test_rmse"],
    ]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(names, vals, color=["0.6", "C3", "C1", "C0"])
    ax.set_yscale("log")
    ax.set_ylabel("test RMSE (original units)")
    fig.tight_layout()
    fig.savefig(out / "rmse.png", dpi=120)
    plt.close(fig)
    log(f"figures: {', '.join(p.name for p in sorted(out.glob('*.png')))}")


if __name__ == "__main__":
    sys.exit(main())
