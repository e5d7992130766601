"""neurodyn: a simulator of neural dynamics, from Python.

The classes wrap libneurodyn (the C interface of the Go library) through
ctypes; results come back as numpy arrays the library fills in place.

    >>> import neurodyn as nd
    >>> with nd.Network.preset("brunel", n=1000, record=True) as net:
    ...     net.run(100.0)
    ...     times, ids = net.spikes("spikes:E")

Tasks (Lorenz, Series, FlipFlop), spiking networks (Network), models (CTRNN,
RateNetwork, SNN; load_model opens a model file with its stored
configuration), reservoirs (Reservoir, ESN) and the analysis functions
(neurodyn.analysis) are documented in their modules; neurodyn.interop (import
it explicitly: from neurodyn import interop) reads neurodyn's SONATA files and
converts results to Neo and NWB. Errors raise subclasses of NeurodynError (neurodyn.errors).
Objects own library handles: close them, use them in ``with`` blocks, or let
the garbage collector free them. Handles are per process: datasets and models
pickle as their configuration (and parameters), so they can be sent to
multiprocessing workers started with "spawn" or "forkserver" (not "fork": the
Go runtime does not survive fork, and in a child forked after the library was
loaded every call raises StateError saying so, where it could hang forever).
Long calls (Network.run, Model.train) stop on Ctrl-C: KeyboardInterrupt is
raised within about 0.1 s (a run) or one batch (a training), with a note
saying what state the object was left in; so do the long analyses of arrays
(neurodyn.analysis: correlation_dimension, lyapunov_series, ...), which
cancel() from another thread stops through an analysis.Token.
"""

from __future__ import annotations

from ctypes import byref, c_int32, c_int64

import numpy as np

from . import _capi, analysis, errors
from ._capi import ABI_VERSION, find_library, lib
from ._util import nonneg_int
from .errors import (
    BufferSizeError,
    CancelledError,
    HandleError,
    InternalError,
    InvalidParameterError,
    MemoryLimitError,
    NeurodynError,
    NeurodynIOError,
    NoHDF5Error,
    NullPointerError,
    StateError,
)
from .models import CTRNN, ESN, SNN, Model, RateNetwork, Reservoir, load_model
from .network import Network, preset_spec, presets
from .tasks import Dataset, FlipFlop, Lorenz, Series

__all__ = [
    "ABI_VERSION",
    "BufferSizeError",
    "CTRNN",
    "CancelledError",
    "Dataset",
    "FlipFlop",
    "HandleError",
    "InternalError",
    "InvalidParameterError",
    "Lorenz",
    "MemoryLimitError",
    "Model",
    "Network",
    "NeurodynError",
    "NeurodynIOError",
    "NoHDF5Error",
    "NullPointerError",
    "RateNetwork",
    "Reservoir",
    "SNN",
    "ESN",
    "Series",
    "StateError",
    "analysis",
    "build_info",
    "errors",
    "find_library",
    "load_model",
    "preset_spec",
    "presets",
    "set_memory_limit",
    "set_threads",
    "threads",
    "version",
]


def version() -> str:
    """The library's version ("MAJOR.MINOR.PATCH")."""
    return lib().neurodyn_version().decode()


def build_info() -> dict:
    """version, abi_version, revision, go_version, kernel_path, hdf5,
    hdf5_version, threads, memory_limit."""
    return _capi.json_result("neurodyn_build_info")


def threads() -> int:
    """The number of threads computing (GOMAXPROCS)."""
    n = c_int32()
    _capi.call("neurodyn_threads", byref(n))
    return n.value


# The most threads set_threads takes (neurodyn_set_threads).
_MAX_THREADS = 1 << 16


def set_threads(n: int) -> int:
    """Sets the number of threads computing, n in [1, 65536];
    returns the previous number. Results do not depend on it."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer, not {type(n).__name__}")
    if not 1 <= int(n) <= _MAX_THREADS:
        raise InvalidParameterError(f"n = {int(n)}: must be in [1, {_MAX_THREADS}]")
    prev = c_int32()
    _capi.call("neurodyn_set_threads", int(n), byref(prev))
    return prev.value


def set_memory_limit(nbytes: int) -> int:
    """Sets the memory limit constructors check their estimates against (0:
    the physical memory); returns the previous limit."""
    prev = c_int64()
    _capi.call("neurodyn_set_memory_limit", nonneg_int(nbytes, "nbytes"), byref(prev))
    return prev.value
