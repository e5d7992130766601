"""Argument conversion shared by the classes: configurations to JSON, arrays
checked and made C-contiguous before a call, strings to bytes."""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any, Callable

import numpy as np

from .errors import InvalidParameterError, MemoryLimitError


# Words that Go field names write in capitals (LR, MinLR, NE, NI,
# MaxARLag, NVARLags, WeightPA): camel() spells them so, since the library
# matches keys exactly. _capi.snake_key is camel's inverse for every field
# name (test_capi_bindings checks it on every configuration's names).
_ACRONYMS = {"lr": "LR", "ne": "NE", "ni": "NI", "ar": "AR", "nvar": "NVAR", "pa": "PA"}

_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_GO_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


def camel(key: str, where: str = "config") -> str:
    """snake_case → the Go field name (train_t → TrainT, min_lr → MinLR);
    a key that starts with an upper-case letter is taken as a Go field name
    as it is. Anything else (train__frac, _seed, Train_T) raises
    InvalidParameterError naming where.key: the library matches names
    exactly, so each keyword must spell exactly one field."""
    if _SNAKE.fullmatch(key):
        return "".join(_ACRONYMS.get(p, p[:1].upper() + p[1:]) for p in key.split("_"))
    if _GO_NAME.fullmatch(key):
        return key
    raise InvalidParameterError(
        f"{where}.{key}: not a keyword: must be snake_case (lower-case words joined by single underscores, "
        "e.g. train_frac) or a Go field name (TrainFrac)"
    )


def _walk(v: Any, where: str, key: Callable[[str, str], str]) -> Any:
    """Returns v with dict keys mapped by key(k, where) and numpy values
    made plain Python; a NaN or infinite number raises
    InvalidParameterError naming its path (where.key[index]), and so do two
    keys of one dict that map to the same name (hidden and Hidden)."""
    if isinstance(v, dict):
        out: dict[str, Any] = {}
        given: dict[str, str] = {}
        for k, x in v.items():
            name = key(str(k), where)
            if name in given:
                raise InvalidParameterError(
                    f"{where}: {given[name]} and {k} both set {name}: give it once"
                )
            given[name] = str(k)
            out[name] = _walk(x, f"{where}.{k}", key)
        return out
    if isinstance(v, (list, tuple)):
        return [_walk(x, f"{where}[{i}]", key) for i, x in enumerate(v)]
    if isinstance(v, np.ndarray):
        return _walk(v.tolist(), where, key)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        raise InvalidParameterError(f"{where} = {v}: must be finite")
    return v


def finite_json(v: Any, where: str) -> bytes:
    """JSON bytes of v with its keys as given (a network spec dict); NaN or
    infinite numbers raise InvalidParameterError naming the key."""
    try:
        return json.dumps(_walk(v, where, lambda k, _: k), allow_nan=False).encode()
    except TypeError as e:
        raise TypeError(f"{where}: {e}") from None


def config_json(config: dict[str, Any] | None, where: str = "config") -> bytes | None:
    """Returns the JSON bytes of a configuration dict (keys in snake_case or
    the Go field names, nested dicts converted too), or None for no config.
    Non-finite numbers raise InvalidParameterError."""
    if not config:
        return None
    return json.dumps(_walk(config, where, camel), allow_nan=False).encode()


def private_config(config: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a configuration dict (nested dicts, lists and arrays
    too), kept by objects that pickle as their configuration: changing the
    caller's dict afterwards must not change what a pickled copy rebuilds."""
    return copy.deepcopy(config)


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


def _fmt_shape(shape: tuple) -> str:
    """A shape as Python prints a tuple, with None shown as "any": (2,), (any, 3)."""
    parts = ["any" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def as_input(
    x: Any,
    dtype,
    name: str,
    ndim: int | None = None,
    shape: tuple | None = None,
    finite: bool = False,
    where: str | None = None,
) -> np.ndarray:
    """Returns x as a C-contiguous array of dtype (no copy when it already is
    one; Fortran-order and strided arrays are copied), checking its number of
    dimensions and shape (None entries match any size).

    Values are converted only when the conversion is exact enough: an integer
    dtype (e.g. neuron ids) takes integers, or floats with integral values,
    within its range; float32 takes values within float32's range. Anything
    else raises InvalidParameterError naming x and the first offending
    element, never a silent wrap-around or truncation. Data that are not
    real numbers (strings, complex, objects) raise TypeError; ragged nested
    sequences (rows of different lengths) raise InvalidParameterError naming
    x. With finite, a NaN or infinite value raises InvalidParameterError
    naming its index as the other checks do, x[i, j, k] (the library would
    name its flat index). where, the calling method ("CTRNN.predict"),
    prefixes every message."""
    pre = f"{where}: " if where else ""
    name = pre + name
    try:
        a = np.asarray(x)
    except ValueError as e:  # numpy: "inhomogeneous shape after N dimensions"
        raise InvalidParameterError(f"{name}: must be a rectangular array (rows of equal length): {e}") from None
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, not dtype {a.dtype}")
    want = np.dtype(dtype)
    if a.dtype != want and a.size:
        if want.kind in "iu":
            info = np.iinfo(want)
            if a.dtype.kind == "f":
                bad = ~np.isfinite(a) | (a != np.round(a)) | (a < info.min) | (a > info.max)
            elif a.dtype.kind in "iu":
                bad = (a < info.min) | (a > info.max)
            else:
                bad = np.zeros(a.shape, dtype=bool)
            if bad.any():
                idx = tuple(int(i) for i in np.argwhere(bad)[0])
                raise InvalidParameterError(
                    f"{name}[{', '.join(map(str, idx))}] = {a[idx].item()!r}: must be an integer in [{info.min}, {info.max}]"
                )
        elif want == np.float32 and a.dtype.kind == "f" and a.dtype.itemsize > 4:
            f32max = float(np.finfo(np.float32).max)
            bad = np.isfinite(a) & (np.abs(a) > f32max)
            if bad.any():
                idx = tuple(int(i) for i in np.argwhere(bad)[0])
                raise InvalidParameterError(
                    f"{name}[{', '.join(map(str, idx))}] = {a[idx].item()!r}: must fit float32 (|x| <= {f32max:.6g})"
                )
    a = np.ascontiguousarray(a, dtype=want)
    if finite and a.dtype.kind == "f" and a.size and not np.isfinite(a).all():
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise InvalidParameterError(f"{name}[{', '.join(map(str, idx))}] = {a[idx].item()!r}: values must be finite")
    if ndim is not None and a.ndim != ndim:
        raise InvalidParameterError(f"{name} must have {ndim} dimensions, has shape {a.shape}")
    if shape is not None:
        if len(shape) != a.ndim or any(s is not None and s != n for s, n in zip(shape, a.shape)):
            raise InvalidParameterError(f"{name} has shape {a.shape}, want {_fmt_shape(tuple(shape))}")
    return a


#: The largest element count the library accepts (2^40, as capi's maxElems).
MAX_ELEMS = 1 << 40


def empty(shape: tuple, dtype, name: str) -> np.ndarray:
    """np.empty(shape, dtype) for a result, or MemoryLimitError naming what
    asked for it when no such array can be allocated (instead of numpy's
    anonymous error)."""
    shape = tuple(int(s) for s in shape)
    n = 1
    for s in shape:
        n *= s
    nbytes = n * np.dtype(dtype).itemsize
    try:
        if n > MAX_ELEMS:
            raise MemoryError
        return np.empty(shape, dtype=dtype)
    except (MemoryError, ValueError):
        raise MemoryLimitError(
            f"{name}: a result of shape {shape} ({nbytes:.3g} bytes) cannot be allocated: check the sizes"
        ) from None


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


def nonneg_int(v: Any, name: str, maximum: int = 2**63 - 1) -> int:
    """Checks an integer argument in [0, maximum] (default: what an int64_t
    holds), so that ctypes never wraps it around."""
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, not {type(v).__name__}")
    v = int(v)
    if v < 0:
        raise InvalidParameterError(f"{name} = {v}: must be >= 0")
    if v > maximum:
        raise InvalidParameterError(f"{name} = {v}: must be in [0, {maximum}]")
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


def reject_zero_defaults(config: dict[str, Any], table: dict[str, str], where: str) -> None:
    """Raises InvalidParameterError for a keyword of config given as 0 that
    the library would silently read as its default (the Go configuration's
    zero value means "default"): table maps the Go field name to what 0
    would give and how to ask for what 0 might be meant as."""
    for k, v in config.items():
        meaning = table.get(camel(str(k), where))
        if meaning is None or isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            continue
        if v == 0:
            raise InvalidParameterError(
                f"{where}: {k} = {v}: the library reads 0 as the default ({meaning}); omit {k} for the default"
            )
