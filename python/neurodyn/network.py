"""Event-driven spiking networks: build one from the kernel's network spec
(TOML or JSON text, or a dict) or from a preset, run it, and fetch its spikes,
sampled states and connectivity as numpy arrays, checkpoint it, write SONATA
files.

Times are in ms; neuron ids are indices within their population.
"""

from __future__ import annotations

import os
import time
from ctypes import byref, c_double, c_int64
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _capi as _lib
from ._object import Handle
from ._util import as_input, config_json, cstr, empty, finite_json, ptr, real
from .errors import InvalidParameterError

__all__ = ["Network", "presets", "preset_spec", "SORTINGS"]

#: SONATA spike sortings and their codes (NEURODYN_SORT_*).
SORTINGS = {"none": 0, "by_id": 1, "by_time": 2}


def presets() -> list[str]:
    """The preset network names (cuba, coba, cobahh, brunel, brunel_alpha,
    scale, vogels, izhikevich2003)."""
    return _lib.json_result("neurodyn_presets")


def preset_spec(name: str, **options: Any) -> str:
    """The TOML spec of a preset network; options are kernel.PresetOptions
    (n, k, dt_ms, seed, workers, record; an explicit 0 is refused, left out
    an option takes the preset's default: see Network.preset)."""
    return _lib.string("neurodyn_preset_spec", cstr(name, "name"), config_json(options, "options"))


def _sorting(s: str) -> int:
    try:
        return SORTINGS[s]
    except KeyError:
        raise InvalidParameterError(f"sorting = {s!r}: must be one of {', '.join(SORTINGS)}") from None


class Network(Handle):
    """A spiking network built from a spec: TOML text, JSON text, or a dict
    (sent as JSON with the spec's own keys: dt_ms, populations, projections,
    devices, recorders); not a file name or path (TypeError for a path: pass
    the file's text, Network(pathlib.Path(p).read_text())). Safe to share between threads, like every Handle:
    calls on one network are serialized (one runs at a time, so threads do
    not speed it up; use one network per thread for that). Not picklable
    (its state lives in this process: send the spec instead)."""

    # _wall_per_ms: the wall time (s) the last run took per ms simulated
    # (None before the first), which decides whether a run needs the worker
    # thread that lets Ctrl-C cancel it (call_cancellable).
    __slots__ = ("_wall_per_ms",)

    def __init__(self, spec: str | dict, format: str | None = None):
        if isinstance(spec, dict):
            text, format = finite_json(spec, "spec"), "json"
        elif isinstance(spec, str):
            text = spec
            s = spec.strip()
            if s.lower().endswith((".toml", ".json")) and not any(c in s for c in "\n=[{"):
                raise InvalidParameterError(
                    f"spec = {spec!r} looks like a file name, not a spec's text: pass the file's text, "
                    f"Network(pathlib.Path({spec!r}).read_text()) (edges_file paths in it are then relative to the "
                    "working directory, not to the file as neurodyn simulate --spec takes them)"
                )
        elif isinstance(spec, (os.PathLike, bytes)):
            raise TypeError(
                f"spec must be a spec's text (str) or a dict, not {type(spec).__name__}: to build from a file, pass "
                "its text, Network(pathlib.Path(path).read_text()) (edges_file paths in it are then relative to the "
                "working directory, not to the file as neurodyn simulate --spec takes them)"
            )
        else:
            raise TypeError(f"spec must be a spec's text (str) or a dict, not {type(spec).__name__}")
        super().__init__(_lib.new_handle("neurodyn_network_new", cstr(text, "spec"), cstr(format, "format")))

    @classmethod
    def preset(cls, name: str, **options: Any) -> "Network":
        """A preset network (see preset_spec for the options). An option the
        preset does not take is an error (k for brunel, brunel_alpha and
        izhikevich2003, whose in-degrees follow from n), and so is 0 for n,
        k, dt_ms, seed or workers: left out, each takes the preset's default
        (n: cuba, coba, cobahh 4000, brunel, brunel_alpha 12500, vogels
        10000, scale 1000000, izhikevich2003 1000; k: 80, vogels 200, scale
        100; dt_ms 0.1, izhikevich2003 1; seed 1; workers 1). For a network
        of seed 0, edit preset_spec's text."""
        obj = cls.__new__(cls)
        Handle.__init__(obj, _lib.new_handle("neurodyn_network_preset", cstr(name, "name"), config_json(options, "options")))
        return obj

    def __reduce__(self):
        raise TypeError("a neurodyn Network lives in this process; send its spec (Network.spec) and build it anew")

    @property
    def spec(self) -> str:
        """The network's spec as TOML, with the step in effect: dt_ms = 0.1
        for a spec that left it out or gave 0 (a network built from either
        restores the other's checkpoints)."""
        return _lib.string("neurodyn_network_spec", self.handle)

    def run(self, duration_ms: float) -> None:
        """Advances the network by duration_ms (a multiple of dt).

        Ctrl-C (KeyboardInterrupt), or cancel() from another thread
        (CancelledError), stops the run within about 0.1 s: the network has
        then advanced to the time it reached (time_ms, a whole number of
        steps), exactly as a run of that duration would leave it, its
        recordings hold what was simulated, and a later run goes on from
        there.

        MemoryLimitError, before anything runs, when the recorders keeping
        their data in memory would hold more than the memory limit
        (set_memory_limit) at the end: sampled recorders' frames (state,
        rate, filtered_spikes, weights) counted exactly, 8 bytes a frame
        plus 4 a value, those held and those due; spikes only as held now,
        12 bytes each (how many a run adds depends on the dynamics: bound
        them with clear_spikes() between runs or stream_spikes()), frames
        with clear_frames() once fetched (or record fewer neurons, or sample
        less often). StateError after close_streams()."""
        d = real(duration_ms, "duration_ms")
        rate = getattr(self, "_wall_per_ms", None)
        with self._lock:
            t0 = time.perf_counter()
            _lib.call_cancellable("neurodyn_network_run", self.handle, d, expect_s=None if rate is None else rate * d)
            if d > 0:
                self._wall_per_ms = (time.perf_counter() - t0) / d

    @property
    def time_ms(self) -> float:
        """The simulated time in ms."""
        t = c_double()
        _lib.call("neurodyn_network_time", self.handle, byref(t), None)
        return t.value

    @property
    def step(self) -> int:
        """The number of steps simulated."""
        s = c_int64()
        _lib.call("neurodyn_network_time", self.handle, None, byref(s))
        return s.value

    def stats(self) -> dict[str, int]:
        """Counters: steps, spikes, syn_events, synapses, syn_bytes, build_ns."""
        out = np.zeros(6, dtype=np.int64)
        _lib.call("neurodyn_network_stats", self.handle, ptr(out), 6)
        return dict(zip(("steps", "spikes", "syn_events", "synapses", "syn_bytes", "build_ns"), out.tolist()))

    def synapses(self, projection: int, effective: bool = False) -> dict[str, np.ndarray]:
        """The synapses of a projection (its index in the spec, from 0), as
        they are now, ordered by source neuron, then target: "source" and
        "target" (int64 neuron indices within the source and target
        populations), "weight" (float32, in the receptor's unit: pA, mV or
        nS by model; signed as stored: a rule's by weights.sign, else by
        the source population's sign, a list's as given; onto
        conductance-based neurons conductances as magnitudes on either
        receptor) and "delay_ms" (float64, whole steps of dt: steps × dt).
        Plasticity changes the weights as the network runs. By default they
        are the stored weights, NEST's, which take an STDP pairing with a
        later postsynaptic spike in only at the source's next spike; with
        effective=True they have every pairing whose postsynaptic spike has
        reached the synapse taken in: the weights a weights recorder samples
        and neurodyn simulate writes to edges.h5 (for a projection without
        long-term plasticity the two are equal). The arrays are allocated
        here and filled by the library in place."""
        if not isinstance(effective, (bool, np.bool_)):
            raise InvalidParameterError(f"effective = {effective!r}: must be True or False")
        p = _projection_index(projection)
        n = c_int64()
        with self._lock:  # the count and the copy see the same network
            h = self.handle
            _lib.call("neurodyn_network_synapse_count", h, p, byref(n))
            src = empty((n.value,), np.int64, "synapses")
            tgt = empty((n.value,), np.int64, "synapses")
            w = empty((n.value,), np.float32, "synapses")
            d = empty((n.value,), np.float64, "synapses")
            _lib.call("neurodyn_network_synapses", h, p, ptr(src), ptr(tgt), None if effective else ptr(w), ptr(d),
                      n.value)
            if effective:
                _lib.call("neurodyn_network_effective_weights", h, p, ptr(w), n.value)
        return {"source": src, "target": tgt, "weight": w, "delay_ms": d}

    def short_term_state(self, projection: int) -> dict[str, np.ndarray]:
        """The short-term plasticity state of a projection (its index in the
        spec) now, per source neuron: "u" (utilization) and "x" (available
        resources), float64, relaxed since each source's last spike (a source
        that never fired: u = 0, x = 1). A spike of source j now would act
        with w*(U + u[j]*(1 - U))*x[j]. A projection without short_term is
        an InvalidParameterError."""
        p = _projection_index(projection)
        n = c_int64()
        with self._lock:  # the count and the copy see the same network
            h = self.handle
            _lib.call("neurodyn_network_short_term_state", h, p, None, None, 0, byref(n))
            u = empty((n.value,), np.float64, "short_term_state")
            x = empty((n.value,), np.float64, "short_term_state")
            _lib.call("neurodyn_network_short_term_state", h, p, ptr(u), ptr(x), n.value, None)
        return {"u": u, "x": x}

    def recorders(self) -> list[dict[str, Any]]:
        """The recorders: name, kind, population, neurons, interval_ms,
        variable, units, and spikes_from_ms: for a spikes recorder keeping
        its spikes in memory, the start of the interval they cover (0, the
        time of its last clear_spikes(), or of a restore() while it was
        empty; None after a restore onto recorded spikes or once streamed),
        for sampled recorders next_frame_ms, the time of the next frame, and
        projection and synapses: for a weights recorder (whose neurons are
        empty) the projection's name and the synapses recorded, the frame
        columns; "" and [] for the other kinds."""
        return _lib.json_result("neurodyn_network_recorders", self.handle)

    def spike_count(self, recorder: str) -> int:
        """The number of spikes a spikes recorder holds."""
        n = c_int64()
        _lib.call("neurodyn_network_spike_count", self.handle, cstr(recorder, "recorder"), byref(n))
        return n.value

    def spikes(self, recorder: str) -> tuple[np.ndarray, np.ndarray]:
        """All spikes of a spikes recorder: times (ms, float64) and neuron ids
        (uint32), in time order. The arrays are allocated here and filled by
        the library in place: the spikes are copied once."""
        r = cstr(recorder, "recorder")
        n, copied = c_int64(), c_int64()
        with self._lock:  # the count and the copy see the same spikes
            h = self.handle
            _lib.call("neurodyn_network_spike_count", h, r, byref(n))
            t = empty((n.value,), np.float64, "spikes")
            i = empty((n.value,), np.uint32, "spikes")
            _lib.call("neurodyn_network_spikes", h, r, 0, ptr(t), ptr(i), n.value, byref(copied))
        if copied.value != n.value:  # cleared from C meanwhile: never return unwritten memory
            t, i = t[: copied.value].copy(), i[: copied.value].copy()
        return t, i

    def clear_spikes(self, recorder: str | None = None) -> None:
        """Drops the spikes held by a spikes recorder (None: by all)."""
        r = cstr(recorder, "recorder")
        with self._lock:
            _lib.call("neurodyn_network_clear_spikes", self.handle, r)

    def clear_frames(self, recorder: str | None = None) -> None:
        """Drops the frames held by a sampled recorder (None: by all), e.g.
        after frames() fetched them, so that a long run in pieces keeps only
        the frames since (run() refuses up front a run whose frames would
        pass the memory limit, counting those held). A spikes recorder is a
        StateError."""
        r = cstr(recorder, "recorder")
        with self._lock:
            _lib.call("neurodyn_network_clear_frames", self.handle, r)

    def frames(self, recorder: str) -> tuple[np.ndarray, np.ndarray]:
        """A sampled recorder's frame times (ms) and values (frames, width)
        float32 (state in mV/pA/nS, rate in Hz, filtered spikes, weights in
        pA/mV/nS, one column per recorded synapse)."""
        r = cstr(recorder, "recorder")
        f, w = c_int64(), c_int64()
        with self._lock:  # no run from another thread between the shape and the copy
            h = self.handle
            _lib.call("neurodyn_network_frame_shape", h, r, byref(f), byref(w))
            t = empty((f.value,), np.float64, "frames")
            v = empty((f.value, w.value), np.float32, "frames")
            _lib.call("neurodyn_network_frames", h, r, ptr(t), t.size, ptr(v), v.size)
        return t, v

    def set_series(self, device: str, series: ArrayLike) -> None:
        """Replaces the input series of a time_series device, (samples, dim)
        in the device's dimension, restarting it now."""
        a = as_input(series, np.float64, "series")
        if a.ndim == 1:
            a = a.reshape(-1, 1)
        if a.ndim != 2:
            raise InvalidParameterError(f"series must be (samples, dim), has shape {a.shape}")
        _lib.call("neurodyn_network_set_series", self.handle, cstr(device, "device"), ptr(a), a.shape[0], a.shape[1])

    def checkpoint(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Writes the full dynamic state; restore() on a network built from
        the same spec (any number of workers) continues bit-identically,
        time_series devices with the series set_series() put in. The file
        ends in a CRC-32C checksum. An existing file is refused
        (NeurodynIOError, the file kept) unless overwrite=True, which
        replaces it atomically."""
        _lib.call("neurodyn_network_checkpoint", self.handle, cstr(path, "path"), int(bool(overwrite)))

    def restore(self, path: str | os.PathLike) -> None:
        """Restores a state written by checkpoint(). A damaged file (its
        checksum does not match), another network's or a truncated one
        raises and leaves the network as it was."""
        _lib.call("neurodyn_network_restore", self.handle, cstr(path, "path"))

    def write_spikes(self, path: str | os.PathLike, sorting: str = "by_time", overwrite: bool = False) -> None:
        """Writes every spikes recorder's spikes to a SONATA spike file
        (/spikes/<population>: each recorder under its neuron population's
        name; two spikes recorders of one population raise
        InvalidParameterError, as the file holds each population once), with
        the interval they cover (from the last clear_spikes() of every
        recorder or restore(), else 0, to now; left out when recorders cover
        different intervals) as the root attributes t_start_ms, t_stop_ms."""
        _lib.call("neurodyn_network_write_spikes", self.handle, cstr(path, "path"), _sorting(sorting), int(bool(overwrite)))

    def write_frames(self, recorder: str, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Writes a sampled recorder's frames as a SONATA frame report (a
        weights recorder's: population the projection's name, node ids the
        synapses' source neurons, element ids their indices)."""
        _lib.call(
            "neurodyn_network_write_frames", self.handle, cstr(recorder, "recorder"), cstr(path, "path"), int(bool(overwrite))
        )

    def stream_spikes(
        self,
        path: str | os.PathLike,
        sorting: str = "by_time",
        overwrite: bool = False,
        segment_records: int = 0,
        segment_seconds: float = 0.0,
        segmented: bool = False,
    ) -> None:
        """Streams every spikes recorder to a SONATA file while running
        (/spikes/<population>, one spikes recorder per population, as
        write_spikes; call before the first run; complete after
        close_streams() or close(), recording the interval from now to
        then). The streamed recorders keep no spikes in memory (spikes()
        and spike_count() raise StateError).

        The file is complete only then: the spikes are held in blocks of
        1 MiB (65,536 spikes) per population and full blocks written to
        path + ".partial", so a process that ends meanwhile (kill -9, a node
        failure, or an exit that does not close the network: Python does
        not promise to run __del__ at exit, so use close_streams(), close()
        or a with block) leaves path + ".partial", which HDF5 cannot open,
        or no file at all when no block had filled (2,000 ms of the
        1,000-neuron cuba preset).
        segmented=True writes crash-safe segments instead: "s.h5" becomes
        s.000000.h5, s.000001.h5, ..., each a complete file once closed, so
        a kill loses only the segment being written (and the spikes not yet
        handed to the writer, at most 1 MiB per population). cut_streams()
        between runs closes a segment with every spike so far and the
        interval it covers (e.g. after every run(1000.0): a kill then keeps
        everything up to the last cut); segment_records (spikes) or
        segment_seconds (wall time) > 0 also close segments (and imply
        segmented), when a block reaches the writer, so the populations'
        segments then end at different times. Read them as one recording
        with neurodyn.interop.read_spikes(*sorted(glob("s.[0-9]*.h5")));
        the last one, written by close_streams(), records the interval from
        the last cut."""
        if segmented or segment_records or segment_seconds:
            _lib.call(
                "neurodyn_network_stream_spikes_segmented", self.handle, cstr(path, "path"), _sorting(sorting),
                int(bool(overwrite)), int(segment_records), float(segment_seconds),
            )
            return
        _lib.call("neurodyn_network_stream_spikes", self.handle, cstr(path, "path"), _sorting(sorting), int(bool(overwrite)))

    def cut_streams(self) -> None:
        """Closes the current segment of a stream attached with
        stream_spikes(segmented=True): it holds every spike so far and
        records the interval it covers (from the previous cut); the next
        run's spikes go to a new segment."""
        _lib.call("neurodyn_network_cut_streams", self.handle)

    def close_streams(self) -> None:
        """Finishes the SONATA streams (the last segment of a segmented
        one): their files are complete when it returns. The network cannot
        run further afterwards (run() raises StateError: the files'
        interval ends here); the rest (frames, time_ms, checkpoint(),
        synapses()) still works, and a network built anew and restored from
        a checkpoint goes on. Without a stream it does nothing."""
        _lib.call("neurodyn_network_close_streams", self.handle)


def _projection_index(projection: Any) -> int:
    """A projection index as int32, or TypeError / InvalidParameterError."""
    if isinstance(projection, bool) or not isinstance(projection, (int, np.integer)):
        raise TypeError(f"projection must be an integer, not {type(projection).__name__}")
    p = int(projection)
    if not -(2**31) <= p < 2**31:  # ctypes would wrap it around into another index
        raise InvalidParameterError(f"projection = {p}: must be in [0, the number of projections)")
    return p
