"""Argument conversion shared by the classes: configurations to JSON, arrays
checked and made C-contiguous before a call, strings to bytes."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from .errors import InvalidParameterError


def camel(key: str) -> str:
    """snake_case → the Go field name (train_t → TrainT); keys that already
    contain an upper-case letter are kept."""
    if any(c.isupper() for c in key):
        return key
    return "".join(p[:1].upper() + p[1:] for p in key.split("_"))


def _convert(v: Any, where: str) -> Any:
    if isinstance(v, dict):
        return {camel(str(k)): _convert(x, f"{where}.{k}") for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_convert(x, where) for x in v]
    if isinstance(v, np.ndarray):
        return _convert(v.tolist(), where)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        raise InvalidParameterError(f"{where} = {v}: must be finite")
    return v


def config_json(config: dict[str, Any] | None, where: str = "config") -> bytes | None:
    """Returns the JSON bytes of a configuration dict (keys in snake_case or
    the Go field names, nested dicts converted too), or None for no config.
    Non-finite numbers raise InvalidParameterError."""
    if not config:
        return None
    return json.dumps(_convert(config, where), allow_nan=False).encode()


def cstr(s: str | bytes | None, name: str) -> bytes | None:
    """Encodes a string argument (None stays None: NULL)."""
    if s is None:
        return None
    if isinstance(s, bytes):
        b = s
    elif isinstance(s, str):
        b = s.encode("utf-8")
    else:
        import os

        if isinstance(s, os.PathLike):
            return cstr(os.fspath(s), name)
        raise TypeError(f"{name} must be a string, not {type(s).__name__}")
    if b"\0" in b:
        raise InvalidParameterError(f"{name} contains a NUL character")
    return b


def as_input(x: Any, dtype, name: str, ndim: int | None = None, shape: tuple | None = None) -> np.ndarray:
    """Returns x as a C-contiguous array of dtype (no copy when it already is
    one), checking its number of dimensions and shape (None entries match any
    size). Numbers that are not representable raise TypeError."""
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, not dtype {a.dtype}")
    a = np.ascontiguousarray(a, dtype=dtype)
    if ndim is not None and a.ndim != ndim:
        raise InvalidParameterError(f"{name} must have {ndim} dimensions, has shape {a.shape}")
    if shape is not None:
        if len(shape) != a.ndim or any(s is not None and s != n for s, n in zip(shape, a.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise InvalidParameterError(f"{name} has shape {a.shape}, want {want}")
    return a


def check_output(out: np.ndarray, dtype, shape: tuple, name: str = "out") -> np.ndarray:
    """Checks a caller-given output array: exact dtype and shape, C-contiguous
    and writeable (it is filled in place)."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a numpy array")
    if out.dtype != np.dtype(dtype):
        raise TypeError(f"{name} has dtype {out.dtype}, want {np.dtype(dtype)}")
    if out.shape != tuple(shape):
        raise InvalidParameterError(f"{name} has shape {out.shape}, want {tuple(shape)}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise InvalidParameterError(f"{name} must be C-contiguous and writeable")
    return out


def ptr(a: np.ndarray | None) -> int | None:
    """The address of an array's data (None → NULL)."""
    if a is None:
        return None
    return a.ctypes.data


def nonneg_int(v: Any, name: str) -> int:
    """Checks an integer argument >= 0."""
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, not {type(v).__name__}")
    v = int(v)
    if v < 0:
        raise InvalidParameterError(f"{name} = {v}: must be >= 0")
    return v


def real(v: Any, name: str) -> float:
    """Checks a finite real argument."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, not {type(v).__name__}") from None
    if not math.isfinite(f):
        raise InvalidParameterError(f"{name} = {f}: must be finite")
    return f
