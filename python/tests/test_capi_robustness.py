"""Misuse a numpy user commits, and what the bindings must do about it: a
clear exception naming the argument, never a silent wrap-around, a numpy
error that names nothing, garbage in a result, or a leak; plus the package's
hygiene (importable without the library, typed and documented)."""

from __future__ import annotations

import gc
import inspect
import os
import shutil
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from capi_util import SMALL_LORENZ, SPEC, nd

from neurodyn import analysis, models, network, tasks

# ---- numbers that do not fit the C type ---------------------------------------


def test_integer_arrays_are_not_wrapped_or_truncated():
    times = [1.0, 2.0, 3.0]
    # -1 used to become 4294967295 and 0.5, 1.7 became 0, 1 silently
    with pytest.raises(nd.InvalidParameterError, match=r"ids\[1\] = -1: must be an integer in \[0, 4294967295\]"):
        analysis.spike_stats(times, [0, -1, 2], 3, 0.0, 10.0)
    with pytest.raises(nd.InvalidParameterError, match=r"ids\[0\] = 0.5"):
        analysis.spike_stats(times, [0.5, 1.7, 2.0], 3, 0.0, 10.0)
    with pytest.raises(nd.InvalidParameterError, match=r"ids\[0\] = nan"):
        analysis.spike_stats(times, [np.nan, 1.0, 2.0], 3, 0.0, 10.0)
    # integral floats and other integer dtypes are fine
    a = analysis.spike_stats(times, np.array([0.0, 1.0, 2.0]), 3, 0.0, 10.0)
    b = analysis.spike_stats(times, np.array([0, 1, 2], dtype=np.int8), 3, 0.0, 10.0)
    assert a == b and a["spikes"] == 3


def test_float32_overflow_is_named_not_inf():
    m = nd.CTRNN(hidden=4, seed=1)
    x = np.zeros((2, 5, 3))
    x[1, 2, 0] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in cast" is not an answer
        with pytest.raises(nd.InvalidParameterError, match=r"x\[1, 2, 0\] = 1e\+300: must fit float32"):
            m.predict(x)
        with pytest.raises(nd.InvalidParameterError, match=r"params\[0\] = -1e\+40"):
            m.params = np.full(m.num_params, -1e40)


def test_non_finite_inputs_are_named_by_index_and_method():
    # NaN used to come back as the C function's flat index
    # ("neurodyn_model_predict: x[16] = NaN"), 1e300 as x[1, 2, 1]: both
    # now name the Python method and the multi-index.
    m = nd.CTRNN(hidden=4, seed=1)
    for bad, text in ((np.nan, "nan"), (np.inf, "inf"), (1e300, r"1e\+300")):
        x = np.zeros((2, 3, 3))
        x[1, 2, 1] = bad
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(nd.InvalidParameterError, match=rf"^CTRNN.predict: x\[1, 2, 1\] = {text}: "):
                m.predict(x)
            with pytest.raises(nd.InvalidParameterError, match=rf"^CTRNN.forward: x\[1, 2, 1\] = {text}: "):
                m.forward(x)
            with pytest.raises(nd.InvalidParameterError, match=rf"^CTRNN.generate: warm\[1, 2, 1\] = {text}: "):
                m.generate(x, 3)
    with pytest.raises(nd.InvalidParameterError, match=r"^CTRNN.predict: x\[2, 0\] = nan: values must be finite"):
        m.predict(np.array([[0.0] * 3, [0.0] * 3, [np.nan, 0, 0]], dtype=np.float32))  # one sequence (steps, inputs)
    with pytest.raises(nd.InvalidParameterError, match=r"^CTRNN.stream: x\[1, 0\] = nan"):
        m.stream([[0.0] * 3, [np.nan, 0.0, 0.0]])


def test_explicit_zero_that_would_mean_default_is_refused():
    data = nd.Lorenz(train_t=3, val_t=1, test_t=1, eval_t=-1, seq_length=20)
    m = nd.CTRNN(hidden=4, seed=1)
    with pytest.raises(nd.InvalidParameterError, match=r"CTRNN.train: epochs = 0: the library reads 0 as the default \(100 epochs\)"):
        m.train(data, epochs=0)  # trained 100 epochs
    with pytest.raises(nd.InvalidParameterError, match=r"patience = 0: .*patience < 0 disables"):
        m.train(data, epochs=1, patience=0)
    with pytest.raises(nd.InvalidParameterError, match=r"^Lorenz: eval_t = 0: .*eval_t=-1 skips"):
        nd.Lorenz(train_t=3, val_t=1, test_t=1, eval_t=0)  # gave the default 1,000-unit trajectory
    with pytest.raises(nd.InvalidParameterError, match=r"^Lorenz: Seed = 0: .*42"):
        nd.Lorenz(Seed=0)
    with pytest.raises(nd.InvalidParameterError, match=r"^Series: train_frac = 0.0: .*0.7"):
        nd.Series(np.arange(200.0), train_frac=0.0)
    assert m.train(data, epochs=1, patience=-1)["epochs"] == 1  # negative and positive values pass


def test_ragged_input_names_the_argument():
    with pytest.raises(nd.InvalidParameterError, match=r"data: must be a rectangular array \(rows of equal length\)"):
        nd.Series([[1.0, 2.0], [3.0]], seq_length=2)
    m = nd.CTRNN(hidden=4, seed=1)
    with pytest.raises(nd.InvalidParameterError, match=r"^CTRNN.predict: x: must be a rectangular array"):
        m.predict([[[0.0, 0.0, 0.0]], [[0.0, 0.0]]])


def test_integer_arguments_beyond_the_c_type():
    with pytest.raises(nd.InvalidParameterError, match=r"seed = 18446744073709551616"):
        analysis.spike_stats([1.0], [0], 1, 0.0, 10.0, seed=2**64)  # ctypes wrapped it to seed 0
    with pytest.raises(nd.InvalidParameterError, match=r"n = 1099511627776"):
        nd.set_threads(2**40)  # was clamped and reported as n = 2147483647
    with pytest.raises(nd.InvalidParameterError, match=r"samples = 4611686018427387904"):
        analysis.lorenz_integrate([1.0, 1.0, 1.0], 2**62)  # numpy's "array is too big"
    with pytest.raises(nd.InvalidParameterError, match=r"max_lag = 4611686018427387904"):
        analysis.mutual_information(np.arange(10.0), 2**62)
    with pytest.raises(nd.InvalidParameterError, match=r"first = -1: must be >= 0"):
        nd.Lorenz(**SMALL_LORENZ).windows("train", -1)


def test_result_sizes_are_checked_before_allocating():
    data = nd.Lorenz(**SMALL_LORENZ)
    total = data.window_count("train")
    with pytest.raises(nd.InvalidParameterError, match=rf"first \+ count must be <= {total}"):
        data.windows("train", 0, 2**40)  # numpy MemoryError "Unable to allocate 240. TiB"
    m = nd.CTRNN(hidden=4, seed=1)
    with pytest.raises(nd.MemoryLimitError, match="generate: a result of shape"):
        m.generate(np.zeros((1, 3, 3)), 2**40)


def test_shapes_in_messages_read_as_python_tuples():
    with pytest.raises(nd.InvalidParameterError, match=r"ids has shape \(3,\), want \(2,\)"):
        analysis.spike_stats([1.0, 2.0], [0, 1, 2], 3, 0.0, 10.0)


def test_network_dict_spec_with_nan_names_the_key():
    with pytest.raises(nd.InvalidParameterError, match=r"spec\.populations\[0\]\.n = nan: must be finite"):
        nd.Network({"dt_ms": 0.1, "populations": [{"name": "A", "n": float("nan")}]})


def test_odd_layouts_give_the_same_results():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((120, 6))
    ref = analysis.delay_embed(np.ascontiguousarray(x[:, ::2]), 2, 3)
    np.testing.assert_array_equal(analysis.delay_embed(x[:, ::2], 2, 3), ref)  # strided
    np.testing.assert_array_equal(analysis.delay_embed(np.asfortranarray(x[:, ::2]), 2, 3), ref)
    m = nd.CTRNN(hidden=5, seed=2)
    seq = rng.standard_normal((3, 7, 3)).astype(np.float32)
    np.testing.assert_array_equal(m.predict(np.asfortranarray(seq)), m.predict(seq))
    np.testing.assert_array_equal(m.predict(seq.astype(np.float64)), m.predict(seq))


# ---- threads -------------------------------------------------------------------


def test_fetches_are_consistent_while_other_threads_run():
    """frames() queries the shape and then copies: a run from another thread in
    between made the copy fail with BufferSizeError."""
    errors: list[BaseException] = []
    with nd.Network(SPEC) as net:
        stop = threading.Event()

        def runner():
            try:
                while not stop.is_set():
                    net.run(0.5)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        def fetcher():
            try:
                for _ in range(300):
                    t, v = net.frames("v")
                    assert v.shape[0] == t.shape[0]
                    st, si = net.spikes("spikes:E")
                    assert st.shape == si.shape and (si < 80).all() and np.isfinite(st).all()
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        runners = [threading.Thread(target=runner) for _ in range(2)]
        fetchers = [threading.Thread(target=fetcher) for _ in range(3)]
        for t in runners + fetchers:
            t.start()
        for t in fetchers:
            t.join()
        stop.set()
        for t in runners:
            t.join()
    assert not errors, errors[:3]


def test_close_from_many_threads_frees_once():
    for _ in range(50):
        obj = nd.CTRNN(hidden=2, seed=1)
        barrier = threading.Barrier(6)
        errors: list[BaseException] = []

        def close():
            barrier.wait()
            try:
                obj.close()
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        ts = [threading.Thread(target=close) for _ in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert not errors and obj.closed


# ---- memory --------------------------------------------------------------------


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_create_free_cycles_do_not_leak():
    x = np.ones((2, 5, 3), dtype=np.float32)
    series = np.sin(np.arange(200) * 0.3)

    def cycle():
        with nd.CTRNN(hidden=16, seed=1) as m:
            m.predict(x)
        nd.Network(SPEC).run(0.5)  # freed by the garbage collector
        with nd.Series(series, seq_length=5) as d:
            d.windows("val", 0, 2)
        try:
            nd.CTRNN(hidden=-1)
        except nd.InvalidParameterError:
            pass
        analysis.spike_stats([1.0, 2.0], [0, 1], 2, 0.0, 10.0)  # a string the library allocates

    for _ in range(50):
        cycle()
    gc.collect()
    before = _rss_mib()
    for _ in range(1000):
        cycle()
    gc.collect()
    grown = _rss_mib() - before
    assert grown < 30, f"RSS grew by {grown:.1f} MiB over 1,000 create/free cycles"


def test_results_outlive_their_object():
    net = nd.Network(SPEC)
    net.run(20.0)
    t, ids = net.spikes("spikes:E")
    ft, fv = net.frames("v")
    m = nd.CTRNN(hidden=4, seed=1)
    w = m.tensors()
    want = (t.copy(), ids.copy(), fv.copy(), {k: v.copy() for k, v in w.items()})
    net.close()
    m.close()
    del net, m
    gc.collect()
    for _ in range(20):  # reuse the freed memory
        nd.Network(SPEC).run(5.0)
    np.testing.assert_array_equal(t, want[0])
    np.testing.assert_array_equal(ids, want[1])
    np.testing.assert_array_equal(fv, want[2])
    for k, v in w.items():
        np.testing.assert_array_equal(v, want[3][k])


# ---- package hygiene -----------------------------------------------------------


def _run_without_library(tmp_path, code: str, lib: str | None) -> subprocess.CompletedProcess:
    pkg = tmp_path / "pkg"
    shutil.copytree(Path(nd.__file__).parent, pkg / "neurodyn", ignore=shutil.ignore_patterns("__pycache__", "_lib"), dirs_exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("NEURODYN_LIB", "PYTHONPATH")}
    if lib is not None:
        env["NEURODYN_LIB"] = lib
    return subprocess.run([sys.executable, "-c", code], cwd=pkg, env=env, capture_output=True, text=True, timeout=60)


CHECK_MISSING = """
import neurodyn as nd
help(nd.CTRNN.predict)  # documentation needs no library
try:
    nd.version()
except ImportError as e:
    print("ImportError:", e)
"""


def test_importable_without_library(tmp_path):
    r = _run_without_library(tmp_path, CHECK_MISSING, None)
    assert r.returncode == 0, r.stderr
    assert "ImportError: neurodyn: libneurodyn.so not found" in r.stdout and "make capi" in r.stdout
    r = _run_without_library(tmp_path, CHECK_MISSING, str(tmp_path / "nowhere.so"))
    assert "is not a file" in r.stdout and "make capi" in r.stdout
    bad = tmp_path / "bad.so"
    bad.write_text("not a shared library")
    r = _run_without_library(tmp_path, CHECK_MISSING, str(bad))
    assert r.returncode == 0, r.stderr  # was an OSError from ctypes
    assert "ImportError: neurodyn: cannot load" in r.stdout and "make capi" in r.stdout


def _public_callables():
    for modname, mod in (("neurodyn", nd), ("analysis", analysis), ("network", network), ("tasks", tasks), ("models", models)):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                yield f"{modname}.{name}", obj
            elif inspect.isclass(obj) and not issubclass(obj, BaseException):
                yield f"{modname}.{name}", obj
                for an, a in vars(obj).items():
                    if an.startswith("_") and an not in ("__init__", "__enter__", "__exit__"):
                        continue
                    if isinstance(a, property):
                        yield f"{name}.{an}", a.fget
                    elif isinstance(a, (classmethod, staticmethod)):
                        yield f"{name}.{an}", a.__func__
                    elif inspect.isfunction(a):
                        yield f"{name}.{an}", a
    for an in ("__enter__", "__exit__", "close"):
        yield f"Handle.{an}", getattr(nd.Model, an)


def test_public_api_is_typed_and_documented():
    missing = []
    for where, f in _public_callables():
        if not inspect.getdoc(f):
            missing.append(f"{where}: no docstring")
        if inspect.isclass(f):
            continue
        sig = inspect.signature(f)
        for p in sig.parameters.values():
            if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty:
                missing.append(f"{where}: parameter {p.name} has no type hint")
        if sig.return_annotation is inspect.Signature.empty and f.__name__ != "__init__":
            missing.append(f"{where}: no return type")
    assert not missing, "\n".join(missing)
