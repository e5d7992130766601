"""The base class of every object that owns a library handle."""

from __future__ import annotations

from . import _capi as _lib
from .errors import HandleError


class Handle:
    """Owns one library object. ``close()`` (or leaving a ``with`` block, or
    garbage collection) frees it; using a closed object raises HandleError."""

    __slots__ = ("_h", "__weakref__")

    def __init__(self, h: int):
        self._h = h

    @property
    def handle(self) -> int:
        """The C handle (an integer valid in this process only)."""
        if self._h is None:
            raise HandleError(f"this {type(self).__name__} is closed")
        return self._h

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return self._h is None

    def close(self) -> None:
        """Frees the library object (idempotent)."""
        h, self._h = self._h, None
        if h is not None:
            _lib.call("neurodyn_free", h)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if self._h is None else f"handle {self._h}"
        return f"<neurodyn.{type(self).__name__} {state}>"
