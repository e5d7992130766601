"""neurodyn works in multiprocessing workers started with "spawn": datasets
and models pickle as their configuration and parameters, and a network built
in a worker from its spec gives the spikes it gives here."""

from __future__ import annotations

import multiprocessing as mp

import numpy as np
from capi_util import SMALL_LORENZ, SPEC, nd


def _network_spikes(seed: int) -> tuple[int, float]:
    import neurodyn

    with neurodyn.Network(SPEC.replace("seed = 5", f"seed = {seed}")) as net:
        net.run(50.0)
        t, _ = net.spikes("spikes:E")
        return len(t), float(t.sum())


def _predict(args):
    model, data = args
    x, _ = data.windows("test", count=4)
    return model.predict(x), data.train.sum()


def test_spawn_pool():
    seeds = [1, 2, 3]
    here = [_network_spikes(s) for s in seeds]
    model = nd.CTRNN(hidden=6, seed=4)
    model.params = model.params * 1.5  # parameters travel, not just the config
    data = nd.Lorenz(**SMALL_LORENZ)
    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as pool:
        there = pool.map(_network_spikes, seeds)
        (y, s), = pool.map(_predict, [(model, data)])
    assert there == here
    x, _ = data.windows("test", count=4)
    np.testing.assert_array_equal(y, model.predict(x))
    assert s == data.train.sum()
