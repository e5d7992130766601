"""The base class of every object that owns a library handle."""

from __future__ import annotations

import threading
from typing import Any

from . import _capi as _lib
from .errors import HandleError


class Handle:
    """Owns one library object. ``close()`` (or leaving a ``with`` block, or
    garbage collection) frees it; using a closed object raises HandleError.

    Every call on one object is serialized (by the library, and by this
    object's lock for the methods that make several library calls, such as a
    size query followed by the fetch), so one object may be shared between
    threads; arrays already returned are plain numpy arrays that stay valid
    after close()."""

    __slots__ = ("_h", "_lock", "_idle", "_calls", "__weakref__")

    def __init__(self, h: int):
        self._lock = threading.RLock()
        # _calls counts the calls that need the handle after their long C
        # call returns (train fetches its result): close() waits for them.
        self._idle = threading.Condition(self._lock)
        self._calls = 0
        self._h = h

    @property
    def handle(self) -> int:
        """The C handle (an integer valid in this process only)."""
        h = getattr(self, "_h", None)
        if h is None:
            raise HandleError(f"this {type(self).__name__} is closed")
        return h

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return getattr(self, "_h", None) is None

    def cancel(self) -> None:
        """Cancels the long calls on this object (a network's run, a model's
        training, closed loop, evaluation or analysis, a readout fit, a
        harvest) running or waiting in other threads at this moment: they
        raise CancelledError promptly, leaving the state their docs describe.
        Calls made afterwards are not affected; with none running it does
        nothing. Ctrl-C cancels a call made in the main thread by itself
        (KeyboardInterrupt)."""
        _lib.call("neurodyn_cancel", self.handle)

    def _begin(self) -> int:
        """Registers a call that uses the handle after its long C call
        (close() waits for it to end, _end()) and returns the handle."""
        with self._lock:
            h = self.handle
            self._calls += 1
            return h

    def _end(self) -> None:
        with self._lock:
            self._calls -= 1
            self._idle.notify_all()

    def close(self) -> None:
        """Frees the library object (idempotent, and safe to call from
        several threads at once: the handle is freed exactly once). A long
        call running on the object in another thread (a run, a training,
        a fit, a closed loop, an analysis) is cancelled first, as cancel()
        does, so close() returns promptly; that call raises CancelledError
        (a training's carries its result as ``.result``)."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ never ran (the constructor failed)
            return
        # Without the cancel, neurodyn_free would wait for the running call
        # to end (a training: all its epochs), and so would the lock, which
        # some methods hold over their call (Network.run). A handle freed
        # meanwhile by another close() is no error here.
        h = getattr(self, "_h", None)
        if h is None:
            return
        _lib.lib().neurodyn_cancel(h)
        with lock:
            h, self._h = getattr(self, "_h", None), None
            if h is None:
                return
            _lib.lib().neurodyn_cancel(h)  # a call begun since
            self._idle.wait_for(lambda: self._calls == 0)
        _lib.call("neurodyn_free", h)

    def __enter__(self) -> Any:
        """Returns the object itself; leaving the ``with`` block closes it."""
        return self

    def __exit__(self, *exc: Any) -> None:
        """Closes the object (exceptions propagate)."""
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        h = getattr(self, "_h", None)
        state = "closed" if h is None else f"handle {h}"
        return f"<neurodyn.{type(self).__name__} {state}>"
