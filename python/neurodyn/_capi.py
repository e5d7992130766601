"""Loading libneurodyn and calling it through ctypes.

The library is found, in order, at ``$NEURODYN_LIB`` (a path to the .so),
inside the installed package (``neurodyn/_lib/libneurodyn.so``, put there by
``pip install``), and in the source tree's build directory
(``build/capi/libneurodyn.so``, made by ``make capi``).

Arrays are passed as raw addresses (``c_void_p``): the Python classes check
shapes, dtypes and contiguity before every call, so ctypes does no per-call
conversion work beyond the integers.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import threading
from ctypes import byref, c_double, c_int, c_int32, c_int64, c_uint64, c_void_p
from pathlib import Path
from typing import Any

from . import errors

#: The interface version these bindings are written for (NEURODYN_ABI_VERSION).
ABI_VERSION = 3

# Argument codes of the prototypes below:
#   h handle (uint64)   s input string (const char *)   p pointer (arrays,
#   out-parameters, output string buffers)   i int64   w int32   u uint64
#   d double
PROTOTYPES: dict[str, str] = {
    "neurodyn_build_info": "pip",
    "neurodyn_threads": "p",
    "neurodyn_set_threads": "wp",
    "neurodyn_set_memory_limit": "ip",
    "neurodyn_kind": "hpip",
    "neurodyn_free": "h",
    "neurodyn_cancel": "h",
    "neurodyn_string_free": "p",
    "neurodyn_lorenz_new": "sp",
    "neurodyn_series_new": "piisp",
    "neurodyn_dataset_info": "hpip",
    "neurodyn_dataset_split_shape": "hspp",
    "neurodyn_dataset_split": "hspi",
    "neurodyn_dataset_stats": "hppi",
    "neurodyn_dataset_denormalize": "hpi",
    "neurodyn_dataset_window_count": "hsp",
    "neurodyn_dataset_windows": "hsiipipi",
    "neurodyn_dataset_write": "hssw",
    "neurodyn_flipflop_new": "sp",
    "neurodyn_flipflop_shape": "hsppp",
    "neurodyn_flipflop_split": "hspipi",
    "neurodyn_flipflop_write": "hsw",
    "neurodyn_presets": "pip",
    "neurodyn_preset_spec": "sspip",
    "neurodyn_network_new": "ssp",
    "neurodyn_network_preset": "ssp",
    "neurodyn_network_spec": "hpip",
    "neurodyn_network_run": "hd",
    "neurodyn_network_time": "hpp",
    "neurodyn_network_stats": "hpi",
    "neurodyn_network_synapse_count": "hwp",
    "neurodyn_network_synapses": "hwppppi",
    "neurodyn_network_effective_weights": "hwpi",
    "neurodyn_network_short_term_state": "hwppip",
    "neurodyn_network_recorders": "hpip",
    "neurodyn_network_spike_count": "hsp",
    "neurodyn_network_spikes": "hsippip",
    "neurodyn_network_clear_spikes": "hs",
    "neurodyn_network_clear_frames": "hs",
    "neurodyn_network_frame_shape": "hspp",
    "neurodyn_network_frames": "hspipi",
    "neurodyn_network_set_series": "hspii",
    "neurodyn_network_checkpoint": "hsw",
    "neurodyn_network_restore": "hs",
    "neurodyn_network_write_spikes": "hsww",
    "neurodyn_network_write_frames": "hssw",
    "neurodyn_network_stream_spikes": "hsww",
    "neurodyn_network_stream_spikes_segmented": "hswwid",
    "neurodyn_network_cut_streams": "h",
    "neurodyn_network_close_streams": "h",
    "neurodyn_ctrnn_new": "sp",
    "neurodyn_rate_new": "sp",
    "neurodyn_model_info": "hpip",
    "neurodyn_model_dims": "hpppp",
    "neurodyn_model_params": "hpi",
    "neurodyn_model_set_params": "hpi",
    "neurodyn_model_train": "hhs",
    "neurodyn_model_train_result": "hpip",
    "neurodyn_model_predict": "hpiipi",
    "neurodyn_model_forward": "hpiipipi",
    "neurodyn_model_generate": "hpiiipi",
    "neurodyn_model_stream": "hpiipi",
    "neurodyn_model_evaluate": "hhspi",
    "neurodyn_model_flipflop_score": "hhspi",
    "neurodyn_model_valid_time": "hpiisp",
    "neurodyn_model_lyapunov": "hpisp",
    "neurodyn_model_save": "hsw",
    "neurodyn_model_load": "hsw",
    "neurodyn_model_open": "sp",
    "neurodyn_rate_balance": "hpiip",
    "neurodyn_rate_weights": "hpi",
    "neurodyn_snn_new": "sp",
    "neurodyn_snn_forecast": "hhsp",
    "neurodyn_snn_fit_readout": "hhip",
    "neurodyn_snn_weights": "hpi",
    "neurodyn_snn_write_nir": "hsw",
    "neurodyn_reservoir_new": "sip",
    "neurodyn_esn_new": "sip",
    "neurodyn_reservoir_fit": "hhp",
    "neurodyn_reservoir_harvest": "hpiipi",
    "neurodyn_metrics": "ppiipi",
    "neurodyn_baselines": "hsp",
    "neurodyn_lorenz_integrate": "pdddddipi",
    "neurodyn_delay_embed_rows": "iiip",
    "neurodyn_delay_embed": "piiiipi",
    "neurodyn_mutual_information": "piiipi",
    "neurodyn_auto_lag": "pip",
    "neurodyn_false_neighbours": "piiiipi",
    "neurodyn_lyapunov_series": "piisp",
    "neurodyn_model_fixed_points": "hpipiisp",
    "neurodyn_correlation_dimension": "piisp",
    "neurodyn_spike_stats": "ppiidddup",
    "neurodyn_pulse_lif_lyapunov": "dddppipppisp",
    "neurodyn_token_new": "p",
    "neurodyn_baselines_cancellable": "hhsp",
    "neurodyn_mutual_information_cancellable": "hpiiipi",
    "neurodyn_false_neighbours_cancellable": "hpiiiipi",
    "neurodyn_lyapunov_series_cancellable": "hpiisp",
    "neurodyn_correlation_dimension_cancellable": "hpiisp",
    "neurodyn_pulse_lif_lyapunov_cancellable": "hdddppipppisp",
}

#: Functions that return something other than a status code.
SPECIAL = {
    "neurodyn_version": (ctypes.c_char_p, []),
    "neurodyn_abi_version": (c_int, []),
    "neurodyn_last_error": (ctypes.c_char_p, []),
    "neurodyn_last_error_code": (c_int, []),
    "neurodyn_status_name": (ctypes.c_char_p, [c_int]),
}

_CTYPES = {"h": c_uint64, "s": ctypes.c_char_p, "p": c_void_p, "i": c_int64, "w": c_int32, "u": c_uint64, "d": c_double}


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent
    out = []
    env = os.environ.get("NEURODYN_LIB")
    if env:
        out.append(Path(env))
    out.append(here / "_lib" / "libneurodyn.so")
    out.append(here.parent.parent / "build" / "capi" / "libneurodyn.so")
    return out


def find_library() -> Path:
    """Returns the path of the library these bindings will load."""
    env = os.environ.get("NEURODYN_LIB")
    if env:
        p = Path(env)
        if not p.is_file():
            raise ImportError(f"neurodyn: NEURODYN_LIB={env} is not a file. {_HOW_TO_BUILD}")
        return p
    for p in _candidates():
        if p.is_file():
            return p
    tried = ", ".join(str(p) for p in _candidates())
    raise ImportError("neurodyn: libneurodyn.so not found (tried " + tried + "). " + _HOW_TO_BUILD)


_HOW_TO_BUILD = (
    "Build it with `make capi` in the neurodyn source tree (build/capi/libneurodyn.so), install the "
    "package with `pip install ./python` (builds it with Go), or set NEURODYN_LIB to the library's path."
)


class Library:
    """The loaded library: one attribute per C function (ctypes function
    objects with their prototypes set)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.dll = ctypes.CDLL(str(path))
        except OSError as e:
            raise ImportError(f"neurodyn: cannot load {path}: {e}. {_HOW_TO_BUILD}") from e
        for name, (res, args) in SPECIAL.items():
            try:
                f = getattr(self.dll, name)
            except AttributeError:
                raise ImportError(f"neurodyn: {path} is not libneurodyn (it lacks {name}). {_HOW_TO_BUILD}") from None
            f.restype, f.argtypes = res, args
            setattr(self, name, f)
        for name, sig in PROTOTYPES.items():
            try:
                f = getattr(self.dll, name)
            except AttributeError:
                raise ImportError(
                    f"neurodyn: {path} lacks {name}: it is not a libneurodyn these bindings can use "
                    f"(interface {ABI_VERSION}). {_HOW_TO_BUILD}"
                ) from None
            f.restype = c_int
            f.argtypes = [_CTYPES[c] for c in sig]
            setattr(self, name, f)
        abi = self.neurodyn_abi_version()
        if abi != ABI_VERSION:
            raise ImportError(f"neurodyn: {path} has interface version {abi}, these bindings need {ABI_VERSION}")

    def error(self, rc: int) -> errors.NeurodynError:
        """The exception for status rc, with the calling thread's message
        (the C API's advice for an existing file, overwrite != 0, in
        Python's words: overwrite=True)."""
        msg = self.neurodyn_last_error()
        text = msg.decode("utf-8", "replace") if msg else ""
        text = text.replace(_C_OVERWRITE_HINT, _PY_OVERWRITE_HINT).replace(_C_TRAIN_OVERWRITE_HINT, _PY_TRAIN_OVERWRITE_HINT)
        return errors.from_code(rc, _config_key_words(text))


# The C API's remedy for an existing file (capi/errors.go overwriteHint)
# and the Python one.
_C_OVERWRITE_HINT = "pass overwrite != 0 to replace it"
_PY_OVERWRITE_HINT = "pass overwrite=True to replace it"
# The same for a training checkpoint (capi/models.go trainOverwriteHint).
_C_TRAIN_OVERWRITE_HINT = 'set "Overwrite": true in config to replace it, or "Resume": true to continue from it'
_PY_TRAIN_OVERWRITE_HINT = "pass overwrite=True to replace it, or resume=True to continue from it"

# A configuration key the library refused: 'config key = "Trainfrac": must
# be a known key: one of A, B' (capi/jsonio.go decodeConfig through
# internal/strictdec). The Go names become the keywords Python takes.
_CONFIG_KEY = re.compile(r'\b(config|options) key = "([^"]*)": must be (.*)$')
_QUOTED = re.compile(r'"([^"]*)"')


def _keyword(name: str) -> str:
    """The keyword that gives the key name: its snake_case when camel()
    makes name of it (Trainfrac from trainfrac), else name as given."""
    from ._util import camel

    k = snake_key(name)
    try:
        return k if camel(k) == name else name
    except errors.InvalidParameterError:
        return name


def _config_key_words(text: str) -> str:
    """text with the key and the allowed keys of a refused configuration
    key written as Python's keywords (snake_case)."""
    m = _CONFIG_KEY.search(text)
    if not m:
        return text
    key = ".".join(_keyword(p) for p in m.group(2).split("."))
    allowed = m.group(3)
    head, sep, names = allowed.partition("one of ")
    if sep:
        allowed = head + sep + ", ".join(snake_key(n) for n in names.split(", "))
    else:
        allowed = _QUOTED.sub(lambda q: '"' + snake_key(q.group(1)) + '"', allowed)
    return text[: m.start()] + f'{m.group(1)} key = "{key}": must be {allowed}'


_lock = threading.Lock()
_lib: Library | None = None

# Set in a child process forked (os.fork, multiprocessing's "fork" start
# method) after this process loaded the library: the Go runtime inside it
# does not survive fork (its threads are gone in the child), so a call there
# could hang forever. Every later call raises StateError instead.
_forked = False

FORK_MESSAGE = (
    "neurodyn: this process was forked (os.fork, or multiprocessing's 'fork' start method, the default on Linux "
    "before Python 3.14) from one that had loaded libneurodyn, whose Go runtime does not survive fork: a call "
    "could hang forever. Use the 'spawn' or 'forkserver' start method (multiprocessing.get_context('spawn'), "
    "ProcessPoolExecutor(mp_context=...)); neurodyn's objects pickle for it"
)


def _after_fork_in_child() -> None:
    global _forked
    _forked = True


def lib() -> Library:
    """Returns the library, loading it on first use. In a child forked after
    the library was loaded it raises StateError (see FORK_MESSAGE)."""
    global _lib
    if _forked:
        raise errors.StateError(FORK_MESSAGE, errors.StateError.code)
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = Library(find_library())
                os.register_at_fork(after_in_child=_after_fork_in_child)
    return _lib


def call(name: str, *args: Any) -> None:
    """Calls C function name and raises its error if it fails."""
    L = lib()
    rc = getattr(L, name)(*args)
    if rc:
        raise L.error(rc)


#: How often (s) the main thread wakes up while it waits for a cancellable
#: call, and how often it repeats the cancel after Ctrl-C.
_POLL = 0.05


#: A call expected to take less than this (s) runs directly: a worker
#: thread costs about 0.15 ms, and Ctrl-C then waits for the call's end.
_DIRECT_S = 0.02


def call_cancellable(name: str, h: int, *args: Any, expect_s: float | None = None) -> None:
    """Calls a long C function on handle h (a run, a training) so that
    Ctrl-C stops it: in the main thread, the call runs in a worker thread
    while the main thread waits in short intervals; on KeyboardInterrupt it
    calls neurodyn_cancel(h) until the call has returned, then re-raises the
    KeyboardInterrupt, with a note saying what state the object was left in
    (the call's cancellation message). In other threads (which Python's
    signals never interrupt), and when the caller expects the call to take
    less than _DIRECT_S seconds (expect_s), it is call()."""
    L = lib()
    f = getattr(L, name)
    if (expect_s is not None and expect_s < _DIRECT_S) or threading.current_thread() is not threading.main_thread():
        rc = f(h, *args)
        if rc:
            raise L.error(rc)
        return
    out: list = []
    # An Event, not Thread.join: Python 3.11's join marks a running thread
    # stopped when KeyboardInterrupt interrupts it (bpo-45274's handling).
    done = threading.Event()

    def work() -> None:
        try:
            rc = f(h, *args)
            out.append(L.error(rc) if rc else None)  # the message is the worker thread's
        except BaseException as e:  # ctypes' ArgumentError, ...: raised in the caller's thread
            out.append(e)
        finally:
            done.set()

    threading.Thread(target=work, name=f"neurodyn {name}", daemon=True).start()
    try:
        while not done.wait(_POLL):
            pass
    except KeyboardInterrupt as e:
        while True:
            try:
                while not done.is_set():
                    L.neurodyn_cancel(h)
                    done.wait(_POLL)
                break
            except KeyboardInterrupt:  # pressed again: keep cancelling, then raise once
                continue
        err = out[0] if out else None
        _add_note(e, str(err) if err is not None else f"{name} had finished when the interrupt arrived")
        raise
    if out and out[0] is not None:
        raise out[0]


def _add_note(e: BaseException, note: str) -> None:
    """Attaches note to e: BaseException.add_note from Python 3.11 on,
    before it an extra element of e.args (the package supports 3.9)."""
    if hasattr(e, "add_note"):
        e.add_note(note)
    else:
        e.args = (*e.args, note)


def string(name: str, *args: Any) -> str:
    """Calls a C function with a string result (buf, buf_len, needed)."""
    L = lib()
    f = getattr(L, name)
    needed = c_int64(0)
    rc = f(*args, None, 0, byref(needed))
    while True:
        if rc:
            raise L.error(rc)
        buf = ctypes.create_string_buffer(needed.value)
        rc = f(*args, buf, needed.value, byref(needed))
        if rc != errors.BufferSizeError.code:  # the result grew meanwhile: retry
            if rc:
                raise L.error(rc)
            return buf.value.decode("utf-8")


_CAMEL1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL2 = re.compile(r"([A-Z])([A-Z][a-z])")


def snake_key(k: str) -> str:
    """A Go field name in snake_case: BestVal → best_val, NRMSERange →
    nrmse_range, R2GrandMean → r2_grand_mean."""
    return _CAMEL1.sub(r"\1_\2", _CAMEL2.sub(r"\1_\2", k)).lower()


def snake(v: Any) -> Any:
    """v with every dict key in snake_case (recursively)."""
    if isinstance(v, dict):
        return {snake_key(k): snake(x) for k, x in v.items()}
    if isinstance(v, list):
        return [snake(x) for x in v]
    return v


def json_result(name: str, *args: Any, snake_case: bool = False) -> Any:
    """Calls a C function with a JSON string result and parses it (with
    snake_case, Go field names become snake_case keys)."""
    v = json.loads(string(name, *args))
    return snake(v) if snake_case else v


def result_json(name: str, *args: Any, snake_case: bool = False, cancellable: bool = False) -> Any:
    """Calls a computation whose text result the library allocates (its
    last argument, char **result), parses the JSON and frees the string.
    With cancellable, args[0] is the handle of the object computing and the
    call goes through call_cancellable (Ctrl-C stops it)."""
    L = lib()
    p = c_void_p()
    try:
        if cancellable:
            call_cancellable(name, args[0], *args[1:], byref(p))
        else:
            rc = getattr(L, name)(*args, byref(p))
            if rc:
                raise L.error(rc)
        v = json.loads(ctypes.string_at(p.value).decode("utf-8"))
    finally:
        if p.value:  # also when Ctrl-C arrived as the call finished
            L.neurodyn_string_free(p)
    return snake(v) if snake_case else v


def new_handle(name: str, *args: Any) -> int:
    """Calls a constructor (its last argument is the handle out-parameter)."""
    h = c_uint64(0)
    call(name, *args, byref(h))
    return h.value
