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
from neurodyn import _capi

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



# ---- The other long calls: closed loop, streams, evaluations, analyses,
# readout fits, harvests. Each is sized to take a minute or more here and is
# cancelled after 0.3 s: it must stop with CancelledError well within
# BOUND_S (a generous bound, not a timing assertion: the machine is shared),
# leave the object as its docs say and usable, and keep what it finished
# (the outputs of a closed loop, the rows of a harvest: those of a call
# that was not cancelled, bit for bit).

BOUND_S = 10.0


def _cancelled(obj, f, *args, **kw) -> str:
    """Runs f(*args, **kw), a long call on obj, with obj.cancel() from
    another thread after 0.3 s; checks that it raises CancelledError within
    BOUND_S and returns the message."""
    c = _cancel_after(obj, 0.3)
    t0 = time.perf_counter()
    try:
        with pytest.raises(nd.CancelledError, match=r"cancelled \(neurodyn_cancel\)") as info:
            f(*args, **kw)
    finally:
        elapsed = time.perf_counter() - t0
        c.done.set()
        c.join()
    assert elapsed < BOUND_S, f"{elapsed:.1f} s"
    return str(info.value)


def _c_cancelled(obj, name: str, *args) -> str:
    """Calls C function name(obj.handle, *args) directly (in this thread),
    with obj.cancel() from another thread after 0.3 s; checks that it
    returns NEURODYN_ERR_CANCELLED within BOUND_S and returns the message."""
    from neurodyn import _capi

    L = _capi.lib()
    c = _cancel_after(obj, 0.3)
    t0 = time.perf_counter()
    rc = getattr(L, name)(obj.handle, *args)
    elapsed = time.perf_counter() - t0
    c.done.set()
    c.join()
    msg = L.neurodyn_last_error().decode()
    assert rc == nd.CancelledError.code, (rc, msg)
    assert elapsed < BOUND_S, f"{elapsed:.1f} s"
    return msg


def _same_fit(a: dict, b: dict) -> bool:
    """Fits equal but for their wall-clock timings."""
    t = {"harvest_seconds", "fit_seconds", "seconds"}
    return {k: v for k, v in a.items() if k not in t} == {k: v for k, v in b.items() if k not in t}


@pytest.fixture(scope="module")
def lorenz_long():
    """A Lorenz dataset with ten times the tutorial's training split
    (140,000 samples): a reservoir's fit on it takes about a minute."""
    with nd.Lorenz(train_t=1400, val_t=30, test_t=30, eval_t=-1) as d:
        yield d


@pytest.fixture(scope="module")
def lorenz_small():
    with nd.Lorenz(train_t=10, val_t=5, test_t=5, eval_t=-1, seq_length=20) as d:
        yield d


@pytest.fixture(scope="module")
def lorenz():
    """The tutorial's dataset (its eval split: 99,950 windows)."""
    with nd.Lorenz() as d:
        yield d


@pytest.mark.parametrize("kind", ["reservoir", "esn"])
def test_reservoir_fit_is_cancellable(kind, lorenz_long, lorenz_small):
    make = {"reservoir": lambda: nd.Reservoir(3, seed=1), "esn": lambda: nd.ESN(3, n=1000, seed=1)}[kind]
    with make() as r, make() as fresh:
        # Unfitted and cancelled: it stays unfitted.
        msg = _cancelled(r, r.fit, lorenz_long)
        assert "stays unfitted" in msg, msg
        assert r.info().get("fit") is None
        warm = lorenz_small.split("test")[:20][None].astype(np.float32)
        with pytest.raises(nd.StateError, match="not fitted"):
            r.generate(warm, 10)
        # Fitted and cancelled: it keeps its readout and fit.
        fit = r.fit(lorenz_small)
        assert _same_fit(fit, fresh.fit(lorenz_small))  # the cancel changed nothing
        y = r.generate(warm, 30)
        np.testing.assert_array_equal(fresh.generate(warm, 30), y)
        msg = _cancelled(r, r.fit, lorenz_long)
        assert "keeps its previous readout" in msg, msg
        assert r.info()["fit"] == fit
        np.testing.assert_array_equal(r.generate(warm, 30), y)
        # And fits again as before.
        assert _same_fit(r.fit(lorenz_small), fit)
        np.testing.assert_array_equal(r.generate(warm, 30), y)


def test_ctrl_c_stops_a_reservoir_fit(lorenz_long):
    with nd.Reservoir(3, seed=1) as r:
        timer = _interrupt_after(0.3)
        t0 = time.perf_counter()
        with pytest.raises(KeyboardInterrupt) as info:
            r.fit(lorenz_long)
        elapsed = time.perf_counter() - t0
        timer.join()
        assert elapsed < BOUND_S, f"{elapsed:.1f} s"
        notes = " ".join(map(str, getattr(info.value, "__notes__", []) + list(info.value.args)))
        assert "stays unfitted" in notes, notes
        assert r.info().get("fit") is None


def test_harvest_keeps_the_finished_rows():
    import re

    with nd.Reservoir(3, seed=1, sample_ms=1000) as r:
        # About a minute (a second of network time per sample), into 64 MB.
        x = np.random.default_rng(1).standard_normal((8_000, 3)) * 0.5
        out = np.full((x.shape[0], r.features), np.nan, np.float32)
        msg = _c_cancelled(r, "neurodyn_reservoir_harvest", x.ctypes.data, x.shape[0], 3, out.ctypes.data, out.size)
        m = re.search(r"the first (\d+) samples", msg)
        assert m, msg
        got = int(m.group(1))
        assert 0 < got < x.shape[0]
        np.testing.assert_array_equal(out[:got], r.harvest(x[:got]))  # bit for bit
        assert np.isnan(out[got:]).all()
        _cancelled(r, r.harvest, x)  # through Python


def test_generate_keeps_the_finished_outputs():
    import re

    m = nd.CTRNN(hidden=512, seed=1)
    warm = np.zeros((2, 10, 3), np.float32)
    steps = 3_000_000  # a quarter of an hour
    y = np.full((2, steps, 3), np.nan, np.float32)
    msg = _c_cancelled(m, "neurodyn_model_generate", warm.ctypes.data, 2, 10, steps, y.ctypes.data, y.size)
    assert "the model is unchanged" in msg, msg
    done = int(re.search(r"the first (\d+) outputs", msg).group(1))
    assert 0 < done < steps, msg
    np.testing.assert_array_equal(y[:, :done], m.generate(warm, done))
    assert np.isnan(y[:, done:]).all()
    _cancelled(m, m.generate, warm, steps)  # through Python


def test_generate_of_a_reservoir_keeps_the_finished_outputs(lorenz_small):
    import re

    with nd.Reservoir(3, seed=1) as r:
        r.fit(lorenz_small)
        warm = np.ascontiguousarray(lorenz_small.split("test")[:20][None], np.float32)
        steps = 400_000
        y = np.full((1, steps, 3), np.nan, np.float32)
        msg = _c_cancelled(r, "neurodyn_model_generate", warm.ctypes.data, 1, 20, steps, y.ctypes.data, y.size)
        m = re.search(r"the first 0 streams and the first (\d+) outputs of the next", msg)
        assert m, msg
        done = int(m.group(1))
        assert 0 < done < steps
        np.testing.assert_array_equal(y[:, :done], r.generate(warm, done))
        assert np.isnan(y[:, done:]).all()


def test_stream_is_cancellable(lorenz_small):
    with nd.Reservoir(3, seed=1) as r:
        r.fit(lorenz_small)
        x = np.tile(lorenz_small.split("train"), (400, 1))  # 400,000 samples
        ref = r.stream(x[:300])
        _cancelled(r, r.stream, x)
        np.testing.assert_array_equal(r.stream(x[:300]), ref)


def test_evaluate_is_cancellable(lorenz):
    m = nd.CTRNN(hidden=512, seed=1)
    ref = m.evaluate(lorenz, "test")
    _cancelled(m, m.evaluate, lorenz, "eval")
    assert m.evaluate(lorenz, "test") == ref


def test_valid_time_is_cancellable(lorenz):
    m = nd.CTRNN(hidden=512, seed=1)
    traj = lorenz.split("eval")
    ref = m.valid_time(traj, starts=3, horizon=100)
    _cancelled(m, m.valid_time, traj, starts=2000, horizon=2500)
    assert m.valid_time(traj, starts=3, horizon=100) == ref


def test_lyapunov_is_cancellable():
    warm = np.zeros((20, 3))
    m = nd.CTRNN(hidden=512, seed=1)
    _cancelled(m, m.lyapunov, warm)  # the default 101,000 steps of a 512-exponent spectrum: hours
    small = nd.CTRNN(hidden=16, seed=1)
    ref = small.lyapunov(warm, steps=500, transient=-1)
    _cancelled(small, small.lyapunov, warm, steps=10**9)
    assert small.lyapunov(warm, steps=500, transient=-1) == ref


def test_fixed_points_is_cancellable():
    m = nd.CTRNN(hidden=256, seed=1)
    visited = np.random.default_rng(2).standard_normal((100, 256)) * 0.3
    ref = m.fixed_points(visited, starts=2, max_iter=50, newton_iter=2)
    _cancelled(m, m.fixed_points, visited, starts=1000)  # about a second per start
    assert m.fixed_points(visited, starts=2, max_iter=50, newton_iter=2) == ref


def test_snn_forecast_and_fit_readout_are_cancellable(lorenz, lorenz_long):
    m = nd.SNN(seed=1)
    ref = m.forecast(lorenz, "test")
    params = m.params
    _cancelled(m, m.forecast, lorenz, "eval")
    assert m.forecast(lorenz, "test") == ref
    msg = _cancelled(m, m.fit_readout, lorenz_long)
    assert "keeps its previous readout" in msg, msg
    np.testing.assert_array_equal(m.params, params)  # the readout included
    assert m.forecast(lorenz, "test") == ref


def test_flipflop_score_is_cancellable():
    with nd.FlipFlop(test_trials=50_000, train_trials=10, val_trials=10) as task:  # about a minute
        m = nd.CTRNN(hidden=512, inputs=3, outputs=3, seed=1)
        _cancelled(m, m.flipflop_score, task)
        m.flipflop_score(task, "val")  # usable


@pytest.mark.parametrize("method", ["generate", "evaluate", "valid_time", "lyapunov", "fixed_points"])
def test_ctrl_c_stops_model_calls(method, lorenz):
    m = nd.CTRNN(hidden=512, seed=1)
    m256 = nd.CTRNN(hidden=256, seed=1)
    visited = np.random.default_rng(2).standard_normal((100, 256)) * 0.3
    call = {
        "generate": lambda: m.generate(np.zeros((1, 10, 3), np.float32), 3_000_000),
        "evaluate": lambda: m.evaluate(lorenz, "eval"),
        "valid_time": lambda: m.valid_time(lorenz.split("eval"), starts=2000, horizon=2500),
        "lyapunov": lambda: m.lyapunov(np.zeros((20, 3))),
        "fixed_points": lambda: m256.fixed_points(visited, starts=1000),
    }[method]
    timer = _interrupt_after(0.3)
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt) as info:
        call()
    elapsed = time.perf_counter() - t0
    timer.join()
    assert elapsed < BOUND_S, f"{elapsed:.1f} s"
    notes = " ".join(map(str, getattr(info.value, "__notes__", []) + list(info.value.args)))
    assert "cancelled (neurodyn_cancel)" in notes, notes


def test_close_from_another_thread_cancels_a_training():
    # close() while another thread trains: the training is cancelled (it
    # once ran all its epochs while close() waited, and train() then raised
    # HandleError "closed" for its own result); train raises CancelledError
    # saying so, with the result of the epochs it finished.
    epochs = 5000
    with nd.Lorenz(train_t=20, val_t=5, test_t=5, eval_t=-1, seq_length=20) as data:
        m = nd.CTRNN(hidden=16, seed=1)
        out = {}

        def train():
            try:
                out["result"] = m.train(data, epochs=epochs, patience=-1, batch_size=16)
            except BaseException as e:  # noqa: BLE001 - handed to the main thread
                out["error"] = e

        t = threading.Thread(target=train)
        t.start()
        time.sleep(0.5)
        m.close()
        assert m.closed
        t.join()
    e = out.get("error")
    assert isinstance(e, nd.CancelledError), out
    assert "the model was closed" in str(e) and "cancelled" in str(e)
    if e.result is not None:  # None when closed before its first batch began
        assert e.result["stop"] == "cancelled" and len(e.result["history"]) < epochs
    with pytest.raises(nd.HandleError, match="closed"):
        m.train_result()


def test_close_from_another_thread_cancels_a_run():
    net = nd.Network.preset("brunel", **BRUNEL)
    out = {}

    def run():
        try:
            net.run(RUN_MS)
        except BaseException as e:  # noqa: BLE001
            out["error"] = e

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.5)
    net.close()
    t.join()
    assert isinstance(out.get("error"), nd.CancelledError), out


# ---- analyses of arrays: a token (per call, or given) ------------------------


def _lorenz_points(n):
    return nd.analysis.lorenz_integrate([1.0, 1.0, 1.0], n, dt=0.01, transient=10)


def test_ctrl_c_stops_correlation_dimension():
    # The reviewer's call: 70,000 points with centers=70000 ran to its end
    # (13 s) after Ctrl-C and then raised KeyboardInterrupt; now it stops
    # within 256 reference points.
    x = _lorenz_points(70000)
    full = None
    timer = _interrupt_after(0.5)
    with pytest.raises(KeyboardInterrupt) as info:
        full = nd.analysis.correlation_dimension(x, centers=70000)
    timer.join()
    assert full is None
    # stopped inside the sums, not run to their end
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert "correlation sums stopped at reference point" in notes and "nothing was returned" in notes, notes


@pytest.mark.parametrize("name", ["correlation_dimension", "lyapunov_series", "false_neighbours", "mutual_information"])
def test_token_cancels_an_analysis(name):
    x = _lorenz_points(60000)
    call = {
        "correlation_dimension": lambda tok: nd.analysis.correlation_dimension(x, centers=60000, token=tok),
        "lyapunov_series": lambda tok: nd.analysis.lyapunov_series(x[:, 0], dt=0.01, token=tok),
        "false_neighbours": lambda tok: nd.analysis.false_neighbours(x[:, 0], 10, 12, token=tok),
        "mutual_information": lambda tok: nd.analysis.mutual_information(np.tile(x[:, 0], 20), 1_000_000, token=tok),
    }[name]
    with nd.analysis.Token() as tok:
        tok.cancel()  # nothing running: does nothing
        c = _cancel_after(tok, 0.3)
        with pytest.raises(nd.CancelledError, match="cancelled.*nothing was returned"):
            call(tok)
        c.done.set()
        c.join()
    with pytest.raises(TypeError, match="Token"):
        nd.analysis.correlation_dimension(x, token=object())


def test_cancellable_analyses_give_the_same_results():
    x = _lorenz_points(3000)
    with nd.analysis.Token() as tok:
        a = nd.analysis.correlation_dimension(x, centers=500, token=tok)
        b = nd.analysis.lyapunov_series(x, dt=0.01, token=tok)
        f = nd.analysis.false_neighbours(x[:, 0], 10, 4, token=tok)
    L = _capi.lib()
    p = ctypes.c_void_p()
    assert L.neurodyn_correlation_dimension(x.ctypes.data, x.shape[0], 3, b'{"Centers": 500}', ctypes.byref(p)) == 0
    try:
        import json

        ref = json.loads(ctypes.string_at(p.value).decode())
    finally:
        L.neurodyn_string_free(p)
    assert a["d2"] == ref["D2"]
    assert b["lambda"] == nd.analysis.lyapunov_series(x, dt=0.01)["lambda"]
    np.testing.assert_array_equal(f, nd.analysis.false_neighbours(x[:, 0], 10, 4))
