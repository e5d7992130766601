"""Exceptions raised by neurodyn, one per status code of the C interface.

Every exception derives from :class:`NeurodynError` and from the built-in
exception a Python programmer would expect (``ValueError`` for bad arguments,
``OSError`` for files, ...), so ``except ValueError`` keeps working. The
message is the library's, naming the function and the offending argument.
"""

from __future__ import annotations


class NeurodynError(Exception):
    """Base class of neurodyn's errors; ``code`` is the C status code."""

    code = -1

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class NullPointerError(NeurodynError, ValueError):
    """A required pointer was NULL (the bindings never pass one: a bug)."""

    code = 1


class BufferSizeError(NeurodynError, ValueError):
    """An output buffer is too small for the result."""

    code = 2


class HandleError(NeurodynError, ValueError):
    """The object was freed (closed), or a handle of another kind was given."""

    code = 3


class InvalidParameterError(NeurodynError, ValueError):
    """An argument, configuration value or data value is not allowed."""

    code = 4


class NeurodynIOError(NeurodynError, OSError):
    """Reading or writing a file failed."""

    code = 5


class NoHDF5Error(NeurodynError, RuntimeError):
    """The library was built without HDF5, so HDF5 files cannot be written."""

    code = 6


class StateError(NeurodynError, RuntimeError):
    """The object cannot do this now (wrong recorder kind, not trained, ...)."""

    code = 7


class MemoryLimitError(NeurodynError, MemoryError):
    """The request would need more memory than the library's limit."""

    code = 8


class InternalError(NeurodynError, RuntimeError):
    """A bug in neurodyn (a recovered Go panic): please report the message."""

    code = 9


class CancelledError(NeurodynError, RuntimeError):
    """The call was cancelled by ``cancel()`` from another thread (Ctrl-C in
    the main thread raises KeyboardInterrupt instead). The message says what
    state the object was left in: a network has advanced to the time it
    reached and runs on from there; a model keeps the parameters of its last
    finished epoch (or the best one's)."""

    code = 10


_BY_CODE = {
    cls.code: cls
    for cls in (
        NullPointerError,
        BufferSizeError,
        HandleError,
        InvalidParameterError,
        NeurodynIOError,
        NoHDF5Error,
        StateError,
        MemoryLimitError,
        InternalError,
        CancelledError,
    )
}


def from_code(code: int, message: str) -> NeurodynError:
    """Returns the exception for a status code and message."""
    cls = _BY_CODE.get(code, NeurodynError)
    return cls(message or f"neurodyn: status {code}", code)
