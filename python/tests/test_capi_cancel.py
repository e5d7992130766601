"""Long calls stop on Ctrl-C and on cancel() from another thread, promptly
and in the state their docs describe: a network advanced to the time it
reached (exactly as a run of that duration), a model with the parameters of
its last finished epoch. Bounds are half the full duration, never tighter:
the machine is shared."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

import numpy as np
import pytest
from capi_util import nd

RUN_MS = 20000.0
BRUNEL = dict(n=2000, seed=7, record=True)


@pytest.fixture(autouse=True)
def _sigint_raises():
    """Python's own SIGINT handler, as in an interactive session: a process
    started in the background by a shell (make under nohup, CI) inherits
    SIGINT ignored, and Python then installs no handler."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def _interrupt_after(seconds: float) -> threading.Timer:
    """SIGINT to this process after seconds (Python raises KeyboardInterrupt
    in the main thread), as Ctrl-C does."""
    t = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    t.start()
    return t


def _cancel_after(obj, seconds: float) -> threading.Thread:
    """obj.cancel() from another thread after seconds (repeated until the
    call returned: a cancel only reaches calls already made)."""
    done = threading.Event()

    def loop():
        time.sleep(seconds)
        while not done.is_set():
            obj.cancel()
            done.wait(0.02)

    t = threading.Thread(target=loop, daemon=True)
    t.done = done
    t.start()
    return t


def _check_network_state(net, elapsed: float) -> None:
    t = net.time_ms
    assert 0 < t < RUN_MS / 2, t
    # the whole run would take about elapsed * RUN_MS / t
    assert elapsed < elapsed * RUN_MS / t / 2
    assert net.step == round(t / 0.1)
    with nd.Network.preset("brunel", **BRUNEL) as ref:
        ref.run(t)
        assert net.spike_count("spikes:E") == ref.spike_count("spikes:E") > 0
        np.testing.assert_array_equal(net.spikes("spikes:E")[0], ref.spikes("spikes:E")[0])
        net.run(50.0)  # runs on from there
        ref.run(50.0)
        assert net.time_ms == t + 50.0
        np.testing.assert_array_equal(net.spikes("spikes:E")[1], ref.spikes("spikes:E")[1])


def test_ctrl_c_stops_a_run():
    with nd.Network.preset("brunel", **BRUNEL) as net:
        net.run(1.0)  # a short run is called directly; a long one after it still in a worker thread
        timer = _interrupt_after(0.5)
        t0 = time.perf_counter()
        with pytest.raises(KeyboardInterrupt) as info:
            net.run(RUN_MS)
        elapsed = time.perf_counter() - t0
        timer.join()
        notes = " ".join(getattr(info.value, "__notes__", []))
        assert "has advanced to t = " in notes, notes
        _check_network_state(net, elapsed)


def test_cancel_from_another_thread_stops_a_run():
    with nd.Network.preset("brunel", **BRUNEL) as net:
        net.cancel()  # nothing running: does nothing, and the next run is unaffected
        net.run(10.0)
        assert net.time_ms == 10.0
        c = _cancel_after(net, 0.5)
        t0 = time.perf_counter()
        with pytest.raises(nd.CancelledError, match=r"neurodyn_network_run: cancelled .* has advanced to t = "):
            net.run(RUN_MS)
        elapsed = time.perf_counter() - t0
        c.done.set()
        c.join()
        t = net.time_ms
        assert 10.0 < t < RUN_MS / 2
        assert elapsed < elapsed * RUN_MS / (t - 10.0) / 2
        with nd.Network.preset("brunel", **BRUNEL) as ref:
            ref.run(t)
            assert net.spike_count("spikes:E") == ref.spike_count("spikes:E")


TRAIN = dict(epochs=100000, keep_last=True, patience=-1)


@pytest.mark.parametrize("how", ["ctrl_c", "cancel"])
def test_training_stops_at_an_epoch_boundary(how):
    data = nd.Lorenz(train_t=20, val_t=5, test_t=5, eval_t=-1, seq_length=20)
    model = nd.CTRNN(hidden=16, seed=1)
    before = model.params
    if how == "ctrl_c":
        timer = _interrupt_after(1.0)
        with pytest.raises(KeyboardInterrupt) as info:
            model.train(data, **TRAIN)
        timer.join()
        assert "finished epochs" in " ".join(getattr(info.value, "__notes__", []))
    else:
        c = _cancel_after(model, 1.0)
        with pytest.raises(nd.CancelledError, match="finished epochs"):
            model.train(data, **TRAIN)
        c.done.set()
        c.join()
    res = model.train_result()
    assert res["stop"] == "cancelled"
    epochs = res["epochs"]
    assert 0 <= epochs < TRAIN["epochs"] // 2
    after = model.params
    if epochs == 0:
        np.testing.assert_array_equal(after, before)
    elif epochs <= 2000:
        ref = nd.CTRNN(hidden=16, seed=1)
        ref.train(data, **dict(TRAIN, epochs=epochs))
        np.testing.assert_array_equal(after, ref.params)  # the last finished epoch's, bit for bit
    model.train(data, epochs=1)  # usable afterwards


def test_worker_thread_errors_reach_the_caller():
    from neurodyn import _capi

    with nd.Network.preset("brunel", n=200, seed=7) as net:
        with pytest.raises(ctypes.ArgumentError):  # raised in the worker thread, re-raised here
            _capi.call_cancellable("neurodyn_network_run", net.handle, "ten")
        with pytest.raises(nd.InvalidParameterError, match="duration"):  # the worker's thread-local message
            net.run(0.05)  # not a multiple of dt
        assert net.time_ms == 0.0


def test_interrupt_note_before_python_311():
    """The state note rides on the KeyboardInterrupt on every supported
    Python: add_note from 3.11 on, an extra argument before (3.9, 3.10)."""
    from neurodyn import _capi

    class Old:  # an exception object without add_note, as before 3.11
        args = ("interrupted",)

    old = Old()
    _capi._add_note(old, "network at t = 5 ms")
    assert old.args == ("interrupted", "network at t = 5 ms")
    new = KeyboardInterrupt()
    _capi._add_note(new, "network at t = 5 ms")
    assert getattr(new, "__notes__", None) == ["network at t = 5 ms"] or new.args == ("network at t = 5 ms",)
