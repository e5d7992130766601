"""The tasks: the Lorenz-63 forecasting dataset, datasets from your own series,
and the N-bit flip-flop memory task.

Datasets hold normalized (z-scored) splits ``train``, ``val``, ``test`` and,
for Lorenz, ``eval``; window ``i`` of a split has inputs
``x[i*stride : i*stride+seq_length]`` and target
``x[i*stride+seq_length+horizon-1]``. Configuration keywords are the fields
of the Go configuration structs in snake_case (``train_t=20``) or as spelled
in Go (``TrainT=20``). An omitted keyword takes its default. The library
reads a numeric field given as 0 as its default too (a Go configuration's
zero value means "default"): Lorenz and Series refuse an explicit 0 where
that would be a surprise (``eval_t=0`` would keep the 1,000-time-unit eval
trajectory, ``seed=0`` would be seed 42), naming the default and how to ask
for what 0 may have meant; FlipFlop's fields take 0 as the default too
(bits 3, steps 100, ...).
"""

from __future__ import annotations

import os
from ctypes import byref, c_int64
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _capi as _lib
from ._object import Handle
from ._util import as_input, config_json, cstr, empty, nonneg_int, private_config, ptr, reject_zero_defaults
from .errors import InvalidParameterError

__all__ = ["Dataset", "Lorenz", "Series", "FlipFlop"]

#: Lorenz keywords whose 0 the library reads as the default
#: (tasks.LorenzConfig): what 0 would give.
_LORENZ_ZERO = {
    "Dt": "0.01",
    "Transient": "10 time units; no_transient=True drops nothing",
    "TrainT": "140 time units",
    "ValT": "30 time units",
    "TestT": "30 time units",
    "EvalT": "1000 time units; eval_t=-1 skips the eval trajectory",
    "Seed": "42, the reference's; seeds are in [1, 2^32-4] here",
    "InitialNoise": "0.1; initial_noise < 0 starts at initial exactly",
    "Rtol": "1e-10",
    "Atol": "1e-12",
    "SeqLength": "50",
    "Horizon": "1, the next sample",
    "Stride": "1",
}

#: Series keywords whose 0 the library reads as the default
#: (tasks.SeriesConfig).
_SERIES_ZERO = {
    "Dt": "1",
    "TrainFrac": "0.7",
    "ValFrac": "0.15",
    "SeqLength": "50",
    "Horizon": "1, the next sample",
    "Stride": "1",
}


#: The dataset format a file's extension names (Dataset.write).
_DATASET_FORMATS = {".h5": "hdf5", ".hdf5": "hdf5", ".npz": "npz"}


class Dataset(Handle):
    """A normalized, windowed forecasting dataset (base of Lorenz and
    Series). Immutable; safe to share between threads."""

    __slots__ = ("_config", "_args")

    def info(self) -> dict[str, Any]:
        """name, dim, dt, seq_length, horizon, stride, mean, std, and per split
        its number of samples and windows."""
        return _lib.json_result("neurodyn_dataset_info", self.handle)

    @property
    def dim(self) -> int:
        """Variables per sample."""
        return self.info()["dim"]

    def split(self, name: str) -> np.ndarray:
        """The normalized samples of a split, shape (samples, dim), float64."""
        n, d = c_int64(), c_int64()
        s = cstr(name, "split")
        _lib.call("neurodyn_dataset_split_shape", self.handle, s, byref(n), byref(d))
        out = np.empty((n.value, d.value), dtype=np.float64)
        _lib.call("neurodyn_dataset_split", self.handle, s, ptr(out), out.size)
        return out

    @property
    def train(self) -> np.ndarray:
        """The train split (samples, dim)."""
        return self.split("train")

    @property
    def val(self) -> np.ndarray:
        """The validation split (samples, dim)."""
        return self.split("val")

    @property
    def test(self) -> np.ndarray:
        """The test split (samples, dim)."""
        return self.split("test")

    def stats(self) -> tuple[np.ndarray, np.ndarray]:
        """The train mean and standard deviation used to normalize, (dim,) each."""
        d = self.dim
        mean, std = np.empty(d), np.empty(d)
        _lib.call("neurodyn_dataset_stats", self.handle, ptr(mean), ptr(std), d)
        return mean, std

    def denormalize(self, x: ArrayLike) -> np.ndarray:
        """Returns x (..., dim), normalized, in original units (a new array)."""
        a = np.array(as_input(x, np.float64, "x"), dtype=np.float64, copy=True)
        if a.ndim == 0 or a.shape[-1] != self.dim:
            raise InvalidParameterError(f"x has shape {a.shape}, its last axis must be dim = {self.dim}")
        _lib.call("neurodyn_dataset_denormalize", self.handle, ptr(a), a.size)
        return a

    def window_count(self, split: str) -> int:
        """The number of windows of a split."""
        n = c_int64()
        _lib.call("neurodyn_dataset_window_count", self.handle, cstr(split, "split"), byref(n))
        return n.value

    def windows(self, split: str, first: int = 0, count: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Windows first .. first+count-1 of a split as float32 arrays: inputs
        (count, seq_length, dim) and targets (count, dim)."""
        info = self.info()
        s = cstr(split, "split")
        first = nonneg_int(first, "first")
        total = self.window_count(split)
        if count is None:
            count = max(total - first, 0)
        count = nonneg_int(count, "count")
        if first + count > total:
            raise InvalidParameterError(
                f"windows [{first}, {first + count}) of split {split!r}: first + count must be <= {total} (its windows)"
            )
        x = empty((count, info["seq_length"], info["dim"]), np.float32, "windows")
        y = empty((count, info["dim"]), np.float32, "windows")
        _lib.call("neurodyn_dataset_windows", self.handle, s, first, count, ptr(x), x.size, ptr(y), y.size)
        return x, y

    def write(self, path: str | os.PathLike, format: str | None = None, overwrite: bool = False) -> None:
        """Writes the dataset: "hdf5" (everything, with provenance) or "npz"
        (the reference tutorial's lorenz_data.npz keys). Without format it
        follows the path's extension, as Model.save: .h5 or .hdf5 → "hdf5",
        .npz → "npz" (another extension then raises InvalidParameterError:
        name the format); a format the extension contradicts ("npz" for
        d.h5, "hdf5" for d.npz) raises InvalidParameterError. An existing
        file raises NeurodynIOError and is kept, unless overwrite."""
        name = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else path
        by_ext = _DATASET_FORMATS.get(os.path.splitext(name)[1].lower()) if isinstance(name, str) else None
        if format is None:
            if by_ext is None:
                raise InvalidParameterError(
                    f"Dataset.write: path = {name!r}: must end in .h5 or .hdf5 (HDF5) or .npz, or give format "
                    '("hdf5" or "npz")'
                )
            format = by_ext
        elif by_ext is not None and format != by_ext:
            raise InvalidParameterError(
                f"Dataset.write: format = {format!r} for path = {name!r}: a file ending in "
                f"{os.path.splitext(name)[1]} holds {by_ext}; use format={by_ext!r} or a path ending in "
                f"{'.npz' if format == 'npz' else '.h5'}"
            )
        _lib.call("neurodyn_dataset_write", self.handle, cstr(path, "path"), cstr(format, "format"), int(bool(overwrite)))


class Lorenz(Dataset):
    """The Lorenz-63 dataset of the reference tutorial: train, val and test
    trajectories (seeds 42, 43, 44) and a long eval trajectory, z-scored with
    the train statistics. Keywords are tasks.LorenzConfig's fields, e.g.
    ``Lorenz(train_t=20, val_t=5, test_t=5, eval_t=-1)``; no keyword gives the
    reference's 20,000 samples (plus 100,000 eval samples). Omitted keywords
    take their defaults: dt 0.01, transient 10, train_t 140, val_t 30,
    test_t 30, eval_t 1000 (-1 skips it), seed 42, initial_noise 0.1 (< 0:
    none), rtol 1e-10, atol 1e-12, seq_length 50, horizon 1, stride 1; an
    explicit 0 for any of them raises InvalidParameterError (the library
    would read it as the default)."""

    __slots__ = ()

    def __init__(self, **config: Any):
        reject_zero_defaults(config, _LORENZ_ZERO, "Lorenz")
        self._config = private_config(config)
        super().__init__(_lib.new_handle("neurodyn_lorenz_new", config_json(config)))

    def __reduce__(self):
        # Deterministic from its configuration: rebuilt, not copied, in another process.
        return (_rebuild, (Lorenz, (), self._config))


class Series(Dataset):
    """A dataset from your own series: data (samples, dim) or (samples,) in
    original units, split in time order (70/15/15 unless train_frac/val_frac
    or ranges say otherwise; each fraction defaults on its own, so
    train_frac=0.8 alone gives 80/15/5), normalized with the train
    statistics and windowed (seq_length 50, horizon 1, stride 1 unless
    given; an explicit 0 for dt, train_frac, val_frac, seq_length, horizon
    or stride raises InvalidParameterError, as the library would read it as
    the default). dt is the sample interval in the series' time unit
    (default 1): it sets the time unit of what models trained on the
    dataset report. columns=[...] selects the variables (column indices,
    in order); without it a first column that counts the rows or increases
    in equal steps (a time axis: give its step as dt instead) raises
    InvalidParameterError, as ``neurodyn analyze --data`` refuses such a
    file: columns=[1, 2, ...] leaves it out, columns=[0, 1, ...] keeps it.
    The data are copied: changing the array afterwards changes neither the
    dataset nor its pickled copies."""

    __slots__ = ()

    def __init__(self, data: ArrayLike, **config: Any):
        reject_zero_defaults(config, _SERIES_ZERO, "Series")
        a = as_input(data, np.float64, "data")
        if np.may_share_memory(a, data):
            a = a.copy()  # pickling rebuilds from a, which the caller may change
        if a.ndim == 1:
            a = a.reshape(-1, 1)
        if a.ndim != 2:
            raise InvalidParameterError(f"data must be (samples,) or (samples, dim), has shape {a.shape}")
        self._config = private_config(config)
        self._args = (a,)
        super().__init__(_lib.new_handle("neurodyn_series_new", ptr(a), a.shape[0], a.shape[1], config_json(config)))

    def __reduce__(self):
        return (_rebuild, (Series, self._args, self._config))


class FlipFlop(Handle):
    """The N-bit flip-flop task, trial for trial as the reference generates it
    (3 bits, 100 steps, 800/100/100 trials by default). Keywords are
    tasks.FlipFlopConfig's fields (bits, steps, pulse_prob, seed, ...)."""

    __slots__ = ("_config",)

    def __init__(self, **config: Any):
        self._config = private_config(config)
        super().__init__(_lib.new_handle("neurodyn_flipflop_new", config_json(config)))

    def __reduce__(self):
        return (_rebuild, (FlipFlop, (), self._config))

    def shape(self, split: str) -> tuple[int, int, int]:
        """(trials, steps, bits) of a split."""
        t, s, b = c_int64(), c_int64(), c_int64()
        _lib.call("neurodyn_flipflop_shape", self.handle, cstr(split, "split"), byref(t), byref(s), byref(b))
        return t.value, s.value, b.value

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The inputs (-1, 0, +1) and targets (0, 1) of a split, each
        (trials, steps, bits) float32."""
        shape = self.shape(name)
        x, y = np.empty(shape, np.float32), np.empty(shape, np.float32)
        _lib.call("neurodyn_flipflop_split", self.handle, cstr(name, "split"), ptr(x), x.size, ptr(y), y.size)
        return x, y

    def write(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Writes the task to HDF5."""
        _lib.call("neurodyn_flipflop_write", self.handle, cstr(path, "path"), int(bool(overwrite)))


def _rebuild(cls, args, config):
    return cls(*args, **config)
