"""Solver substeps of the CT-RNN and the rate network: bounded, and counted
by the memory estimates the library checks against its memory limit.

A review found CTRNN(substeps=10**9) accepted (one prediction of a (1, 2, 3)
batch took 24 GB until the OOM killer came) and training at 1,000 substeps
running at 2.59 GB under a 200 MB limit.
"""

from __future__ import annotations

import numpy as np
import pytest
from capi_util import lorenz, nd  # noqa: F401


@pytest.fixture
def memory_limit():
    """Sets a memory limit for the test and restores the default after it."""
    yield nd.set_memory_limit
    nd.set_memory_limit(0)


@pytest.mark.parametrize("cls", [nd.CTRNN, nd.RateNetwork])
def test_substeps_bounded(cls):
    for n in (100_001, 10**9):
        with pytest.raises(nd.InvalidParameterError, match=rf"Substeps = {n}: must be in \[1, 100000\]"):
            cls(substeps=n)
    m = cls(substeps=100_000)
    # A forward run keeps nothing per substep.
    assert np.all(np.isfinite(m.predict(np.zeros((1, 1, 3)))))


def test_training_counts_substeps(lorenz, memory_limit):  # noqa: F811
    memory_limit(200 << 20)
    # Windows of 20 samples, batch 32: the BPTT tape of 1,000 Euler
    # substeps is 32·20·1,000 stages of 68 + 64 + 1.25·64 values, 0.54 GB.
    m = nd.CTRNN(substeps=1000, hidden=64, tau=3)
    with pytest.raises(nd.MemoryLimitError, match="training needs about"):
        m.train(lorenz, epochs=1, batch_size=32)
    r = nd.CTRNN(hidden=64, tau=3).train(lorenz, epochs=1, batch_size=32)
    assert r["epochs"] == 1


@pytest.mark.parametrize("cls", [nd.CTRNN, nd.RateNetwork])
def test_forward_estimate_counts_the_run(cls, memory_limit):
    # 4,096 sequences of 100 samples: the run keeps the augmented state
    # (64 + 3 + 1 values) at every boundary and the activations (64) at
    # every step, 242 MB; the estimate used to count 127 MB.
    m = cls()
    memory_limit(192 << 20)
    x = np.zeros((4096, 100, 3), np.float32)
    with pytest.raises(nd.MemoryLimitError, match="the forward pass needs about"):
        m.forward(x)
    assert m.predict(x[:64]).shape == (64, 3)


def test_training_dopri5_tape_checked_as_it_grows(lorenz, memory_limit):  # noqa: F811
    # dopri5's accepted steps are known only as it runs: the estimate counts
    # one per interval (4 MB here), and the tape is checked against the
    # caller's limit interval by interval (it passes 32 MiB at the 12th).
    memory_limit(32 << 20)
    m = nd.CTRNN(solver="dopri5", hidden=64)
    with pytest.raises(nd.MemoryLimitError, match="BPTT tape"):
        m.train(lorenz, epochs=1, batch_size=32)
