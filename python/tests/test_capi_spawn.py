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


_FORKED_MODEL = None  # inherited by the forked child


def _in_forked_child():
    """Runs in a child forked after the library was loaded: every call must
    raise StateError at once (the Go runtime does not survive fork: a call
    could hang forever)."""
    import neurodyn

    model = _FORKED_MODEL
    out = []
    for f in (neurodyn.threads, lambda: model.predict(np.zeros((2, 3), dtype=np.float32)), lambda: neurodyn.CTRNN(hidden=3)):
        try:
            f()
            out.append("no error")
        except neurodyn.StateError as e:
            out.append(str(e))
    return out


def test_fork_child_gets_a_clear_error():
    global _FORKED_MODEL
    model = _FORKED_MODEL = nd.CTRNN(hidden=6, seed=4)
    assert nd.threads() >= 1  # the library is loaded (and its Go runtime running) here
    ctx = mp.get_context("fork")
    with ctx.Pool(1) as pool:
        msgs = pool.apply_async(_in_forked_child).get(timeout=60)  # a hang fails here, not forever
    assert len(msgs) == 3
    for m in msgs:
        assert "forked" in m and "'spawn' or 'forkserver'" in m, m
    assert model.predict(np.zeros((2, 3), dtype=np.float32)).shape == (3,)  # the parent is unaffected
