"""neurodyn's results in the Python neuroscience stack: read the SONATA files
neurodyn writes (spike reports, frame reports of states and rates, nodes) and
convert them, or a Network's recordings, to Neo (the data model of Elephant,
Viziphant and most analysis code) and to NWB (pynwb, DANDI).

Neo and NWB cannot read SONATA themselves (PyNN #601), and loading large
simulator outputs as Neo objects through text files is slow (Neo PR #1001):
these converters read the HDF5 datasets directly.

    >>> from neurodyn import interop
    >>> spikes = interop.read_spikes("sim/cuba/spikes.h5")
    >>> sizes = interop.population_sizes("sim/cuba/nodes.h5")
    >>> block = interop.to_neo("sim/cuba/spikes.h5", sizes=sizes)
    >>> interop.to_nwb("sim/cuba/spikes.h5", "sim/cuba.nwb", sizes=sizes,
    ...                frames=["sim/cuba/v.h5"])

The same from a shell (files are recognised by their content)::

    python -m neurodyn.interop sim/cuba/*.h5 --nwb sim/cuba.nwb

Units: times are in ms here as everywhere in neurodyn; Neo objects carry
their units (ms, mV, pA, nS, Hz); NWB stores times in seconds and states in
SI units with a conversion factor, as its schema requires.

This module needs only numpy to import. Reading files needs h5py; to_neo
needs neo; to_nwb needs pynwb: ``pip install 'neurodyn[interop]'`` installs
the three. It does not need libneurodyn, so results copied from a cluster
can be converted where the library is not built. h5py's own HDF5 and the
system HDF5 libneurodyn links live side by side in one process (each library
resolves its own symbols); python/tests/test_capi_interop.py writes with one
and reads with the other in the same process.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import re
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np

from .errors import InvalidParameterError

__all__ = [
    "FrameReport",
    "SpikeReport",
    "population_sizes",
    "read_frames",
    "read_provenance",
    "read_spikes",
    "recorded_interval",
    "to_neo",
    "to_nwb",
]

PathLike = Union[str, os.PathLike]

#: Provenance attributes neurodyn attaches to the files it writes (export.Attr*).
PROVENANCE_ATTRS = (
    "neurodyn_version",
    "git_revision",
    "go_version",
    "config",
    "config_format",
    "seed_names",
    "seeds",
    "kernel_path",
    "cpu_model",
    "arch",
    "hostname",
    "created_utc",
    "hdf5_version",
)

# Time units SONATA files may use, in ms: those export.ReadSpikes reads
# (timestampUnitsMs), so that Go and Python accept the same files.
_TIME_MS = {
    "ms": 1.0, "msec": 1.0, "millisecond": 1.0, "milliseconds": 1.0,
    "s": 1000.0, "sec": 1000.0, "second": 1000.0, "seconds": 1000.0,
    "us": 1e-3, "\u00b5s": 1e-3, "usec": 1e-3, "microsecond": 1e-3, "microseconds": 1e-3,
}

# Physical units of neurodyn's recordings as NWB wants them: SI base unit and
# the factor that converts stored values to it.
_SI = {"mV": ("volts", 1e-3), "V": ("volts", 1.0), "pA": ("amperes", 1e-12), "nA": ("amperes", 1e-9),
       "nS": ("siemens", 1e-9), "uS": ("siemens", 1e-6), "Hz": ("Hz", 1.0), "ms": ("seconds", 1e-3)}


def _need(module: str, purpose: str):
    """Imports an optional dependency or raises ImportError saying how to get it."""
    try:
        return __import__(module)
    except ImportError as e:
        raise ImportError(
            f"neurodyn.interop: {purpose} needs the Python package {module!r}; "
            f"install it with: pip install 'neurodyn[interop]' (or pip install {module})"
        ) from e


@dataclass(frozen=True)
class SpikeReport:
    """The spikes of one population: times (ms, float64) and node ids (uint64,
    indices within the population), in the order of the file (sorting:
    "by_time", "by_id" or "none")."""

    population: str
    times_ms: np.ndarray
    node_ids: np.ndarray
    sorting: str = "none"

    def __len__(self) -> int:
        return len(self.times_ms)


@dataclass(frozen=True)
class FrameReport:
    """A sampled recording: frame times (ms), values (frames, columns), and
    for each column the node id (index within the population) and element id
    it belongs to. node_ids is None when the columns are not single neurons
    (a population rate: a rate recorder's report stores it under node id 0,
    and its mapping/node_ids carries the attribute aggregate =
    "population_rate" saying that node 0 there is the whole population, not
    neuron 0 -- what a libsonata or BMTK reader must check itself). units is the recording's unit string (mV, pA, nS,
    Hz, ...); name the recorder's name. weights is True for a weights
    recorder's report: its population is an edge population (a projection,
    <source>_to_<target>), its columns synapses, node_ids their source
    neurons and element_ids their edge ids; to_neo and to_nwb refuse it."""

    population: str
    times_ms: np.ndarray
    data: np.ndarray
    node_ids: np.ndarray | None
    element_ids: np.ndarray | None
    units: str
    dt_ms: float
    name: str = ""
    variable: str = ""
    #: the time of the first frame (ms), also when there is none yet
    start_ms: float = 0.0
    #: a weights recorder's report (columns are synapses, not neurons)
    weights: bool = False
    #: the file it was read from (the first segment); "" when not read from a file
    path: str = ""


@dataclass
class _Sources:
    """What to_neo and to_nwb convert, normalised."""

    spikes: dict[str, SpikeReport]
    frames: list[FrameReport]
    neurons: dict[str, np.ndarray] | None  # the neurons to give trains, by population (None: those that spiked)
    t_start_ms: float
    t_stop_ms: float
    provenance: dict[str, Any] = field(default_factory=dict)
    #: populations recorded from a later time than t_start_ms (a Network's
    #: recorders cleared at different times)
    starts: dict[str, float] = field(default_factory=dict)

    def start_of(self, pop: str) -> float:
        """The start (ms) of the interval population pop was recorded over."""
        return self.starts.get(pop, self.t_start_ms)


# ---- reading files ---------------------------------------------------------------


def _open(path: PathLike):
    h5py = _need("h5py", "reading HDF5 files")
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"neurodyn.interop: {p}: no such file")
    try:
        f = h5py.File(p, "r")
    except OSError as e:
        raise InvalidParameterError(f"path = {str(p)!r}: not an HDF5 file ({e})") from None
    if "complete" in f.attrs and int(f.attrs["complete"]) != 1:
        f.close()
        raise InvalidParameterError(
            f"path = {str(p)!r}: an incomplete file (its writer did not finish: attribute complete = 0)"
        )
    return f


def _str(v: Any) -> str:
    """An HDF5 string attribute as str: bytes, a 0-d array, or a one-element
    array (h5py's attrs["units"] = ["s"]), as Go's export.StringAttr reads
    them."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.size == 1:
        return _str(v.reshape(()).item())
    return str(v)


def _time_scale(ds, path: Path, what: str) -> float:
    units = _str(ds.attrs.get("units", "ms"))
    try:
        return _TIME_MS[units.strip()]
    except KeyError:
        raise InvalidParameterError(
            f"path = {str(path)!r}: {what} has time units {units!r}; must be one of {', '.join(_TIME_MS)}"
        ) from None


def _sorting_name(g) -> str:
    if "sorting" not in g.attrs:
        return "none"
    v = g.attrs["sorting"]
    if isinstance(v, (bytes, str)):
        return _str(v)
    h5py = _need("h5py", "reading HDF5 files")
    enum = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype)
    if enum:
        names = {code: name for name, code in enum.items()}
        return names.get(int(v), str(int(v)))
    return {0: "none", 1: "by_id", 2: "by_time"}.get(int(v), str(int(v)))


def read_spikes(*paths: PathLike, time_units: str | None = None) -> dict[str, SpikeReport]:
    """Reads SONATA spike reports (/spikes/<population>/timestamps and
    node_ids): one file, or the segments of one recording in time order, whose
    spikes are concatenated. Returns the populations by name, in file order.
    Timestamps in s are converted to ms. Timestamps without a units
    attribute (SONATA requires one) are in time_units ("ms", "s", ...);
    left out, they are taken as ms with a UserWarning naming the file
    (neurodyn analyze spikes refuses such a file unless told the unit). The
    sorting attribute is read as SONATA's enum or as BMTK's string."""
    if time_units is not None and time_units.strip() not in _TIME_MS:
        raise InvalidParameterError(f"time_units = {time_units!r}: must be one of {', '.join(_TIME_MS)}")
    if not paths:
        raise InvalidParameterError("paths: no spike file given")
    if len(paths) > 1:
        _check_one_run(paths, "paths")
    parts: dict[str, list[SpikeReport]] = {}
    for path in paths:
        p = Path(path)
        with _open(p) as f:
            if "spikes" not in f:
                raise InvalidParameterError(f"path = {str(p)!r}: not a SONATA spike report (no /spikes group)")
            for pop, g in f["spikes"].items():
                if "timestamps" not in g or "node_ids" not in g:
                    raise InvalidParameterError(
                        f"path = {str(p)!r}: /spikes/{pop} lacks timestamps or node_ids"
                    )
                ts, ids = g["timestamps"], g["node_ids"]
                if ts.shape != ids.shape or len(ts.shape) != 1:
                    raise InvalidParameterError(
                        f"path = {str(p)!r}: /spikes/{pop}: timestamps {ts.shape} and node_ids {ids.shape} differ"
                    )
                if "units" not in ts.attrs:
                    if time_units is None:
                        import warnings

                        warnings.warn(
                            f"{p}: /spikes/{pop}/timestamps has no units attribute; taken as ms "
                            "(pass time_units= to say what they are)", UserWarning, stacklevel=2)
                    scale = _TIME_MS[(time_units or "ms").strip()]
                else:
                    scale = _time_scale(ts, p, f"/spikes/{pop}/timestamps")
                t = np.asarray(ts[...], dtype=np.float64) * scale
                n = np.asarray(ids[...]).astype(np.uint64, copy=False)
                parts.setdefault(pop, []).append(SpikeReport(pop, t, n, _sorting_name(g)))
    out = {}
    for pop, reps in parts.items():
        if len(reps) == 1:
            out[pop] = reps[0]
            continue
        sort = reps[0].sorting if all(r.sorting == reps[0].sorting for r in reps) else "none"
        if sort == "by_id":  # segments sorted by id are not sorted by id together
            sort = "none"
        out[pop] = SpikeReport(
            pop, np.concatenate([r.times_ms for r in reps]), np.concatenate([r.node_ids for r in reps]), sort
        )
    return out


def read_frames(*paths: PathLike, population: str | None = None) -> FrameReport:
    """Reads a SONATA frame report (/report/<population>/data and mapping):
    one file, or the segments of one recording in time order. population may
    be left out when the file holds one. The frame times are start + k·dt
    from mapping/time (start, stop, dt). A weights recorder's report (told
    by the network spec neurodyn puts in the file's provenance) reads with
    weights = True."""
    if not paths:
        raise InvalidParameterError("paths: no frame report given")
    reps: list[FrameReport] = []
    for path in paths:
        p = Path(path)
        with _open(p) as f:
            if "report" not in f:
                raise InvalidParameterError(f"path = {str(p)!r}: not a SONATA frame report (no /report group)")
            pops = list(f["report"])
            pop = population
            if pop is None:
                if len(pops) != 1:
                    raise InvalidParameterError(
                        f"population: {str(p)!r} holds {len(pops)} reports ({', '.join(pops)}); name one"
                    )
                pop = pops[0]
            if pop not in f["report"]:
                raise InvalidParameterError(
                    f"population = {pop!r}: not in {str(p)!r}; it holds {', '.join(pops) or 'no report'}"
                )
            g = f["report"][pop]
            m = g["mapping"]
            data = np.asarray(g["data"][...])
            tm = m["time"]
            scale = _time_scale(tm, p, f"/report/{pop}/mapping/time")
            start, _stop, dt = (float(x) * scale for x in tm[...])
            if not (dt > 0 and math.isfinite(dt)):
                raise InvalidParameterError(f"path = {str(p)!r}: /report/{pop}/mapping/time has dt = {dt}")
            node_ids = np.asarray(m["node_ids"][...]).astype(np.uint64)
            elems = np.asarray(m["element_ids"][...]).astype(np.uint64) if "element_ids" in m else None
            ptrs = np.asarray(m["index_pointers"][...]).astype(np.int64) if "index_pointers" in m else None
            if ptrs is not None and len(ptrs) == len(node_ids) + 1:
                cols = np.repeat(node_ids, np.diff(ptrs))  # the node of each column
            else:
                cols = node_ids
            if len(cols) != data.shape[1]:
                raise InvalidParameterError(
                    f"path = {str(p)!r}: /report/{pop}: {data.shape[1]} columns, mapping names {len(cols)}"
                )
            times = start + dt * np.arange(data.shape[0])
            units = _str(g["data"].attrs.get("units", ""))
            aggregate = _str(m["node_ids"].attrs.get("aggregate", ""))
            if aggregate or (units == "Hz" and data.shape[1] == 1):
                # neurodyn's rate recorder: the population's rate, not neuron
                # 0's; mapping/node_ids carries aggregate = "population_rate"
                # (files written before it did: one column in Hz)
                cols = None
            reps.append(FrameReport(pop, times, data, cols, elems, units, dt, name=_segment_stem(p), start_ms=start,
                                    weights=_weights_report(f.attrs, pop), path=str(p)))
    r = reps[0]
    for o in reps[1:]:
        same_cols = (o.node_ids is None) == (r.node_ids is None) and (r.node_ids is None or np.array_equal(o.node_ids, r.node_ids))
        if o.population != r.population or o.dt_ms != r.dt_ms or not same_cols:
            raise InvalidParameterError("paths: the frame reports are not segments of one recording")
    if len(reps) == 1:
        return r
    _check_one_run([x.path for x in reps], "paths")
    return FrameReport(
        r.population, np.concatenate([x.times_ms for x in reps]), np.concatenate([x.data for x in reps]),
        r.node_ids, r.element_ids, r.units, r.dt_ms, name=r.name, start_ms=r.start_ms, weights=r.weights, path=r.path,
    )


def _weights_report(attrs: Any, pop: str) -> bool:
    """Whether report pop of a file with root attributes attrs is a weights
    recorder's: the network spec in the file's provenance (neurodyn writes
    it) has a weights recorder of projection pop, and no population pop."""
    if _str(attrs.get("config_format", "")) != "toml" or "config" not in attrs:
        return False
    text = _str(attrs["config"])
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        return _weights_report_text(text, pop)
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    pops = {p.get("name") for p in spec.get("population", [])}
    return pop not in pops and any(
        r.get("kind") == "weights" and r.get("projection") == pop for r in spec.get("recorder", [])
    )


_TOML_TABLE = re.compile(r"^\s*(\[\[?[^\]]*\]\]?)\s*$")
_TOML_STRING = re.compile(r'^\s*(\w+)\s*=\s*"([^"\\]*)"\s*$')


def _weights_report_text(text: str, pop: str) -> bool:
    """_weights_report without tomllib: the string keys of the [[population]]
    and [[recorder]] tables of the TOML neurodyn writes (kernel.EncodeTOML),
    line by line."""
    tables: list[tuple[str, dict[str, str]]] = []
    cur: dict[str, str] | None = None
    for line in text.splitlines():
        if m := _TOML_TABLE.match(line):
            cur = None
            if m.group(1) in ("[[population]]", "[[recorder]]"):
                cur = {}
                tables.append((m.group(1), cur))
        elif cur is not None and (m := _TOML_STRING.match(line)):
            cur[m.group(1)] = m.group(2)
    pops = {t.get("name") for h, t in tables if h == "[[population]]"}
    return pop not in pops and any(
        h == "[[recorder]]" and t.get("kind") == "weights" and t.get("projection") == pop for h, t in tables
    )


_SEGMENT = re.compile(r"^(.*)\.\d{6}$")


def _segment_stem(p: Path) -> str:
    """A file's stem without a stream segment's .NNNNNN (v.000002.h5 -> v)."""
    m = _SEGMENT.match(p.stem)
    return m.group(1) if m else p.stem


def _file_safe(s: str) -> str:
    return s.translate(str.maketrans({"/": "_", ":": "_", " ": "_", "\\": "_"}))


def _report_names(pops: list[str], recs: list[str]) -> list[str]:
    """The spike report's population names, one per spikes recorder: the
    neuron population's -- kernel.reportNames. neurodyn now refuses to write
    two spikes recorders of one population to a spike report; in files
    written before, a further recorder of a population went by its own name
    made file-safe (then _1, _2, ... while taken), which this still gives
    for such a spec."""
    seen: set[str] = set()
    out = []
    for pop, rec in zip(pops, recs):
        name = pop
        if name in seen:
            name = _file_safe(rec)
            k = 1
            while name in seen:
                name, k = f"{_file_safe(rec)}_{k}", k + 1
        seen.add(name)
        out.append(name)
    return out


def _recorded_neurons(prov: Mapping[str, Any]) -> dict[str, np.ndarray] | None:
    """The neurons each population of a spike report recorded, from the
    network spec in the file's provenance (kernel.Spec.SpikeReportPopulations),
    or None without one (or without tomllib, Python < 3.11)."""
    if prov.get("config_format") != "toml" or not prov.get("config"):
        return None
    try:
        import tomllib
    except ImportError:
        return None
    try:
        spec = tomllib.loads(prov["config"])
    except tomllib.TOMLDecodeError:
        return None
    sizes = {p.get("name"): int(p.get("n", 0)) for p in spec.get("population", [])}
    recs = [r for r in spec.get("recorder", []) if r.get("kind") == "spikes"]
    if not recs:
        return None
    names = _report_names([r.get("population", "") for r in recs],
                          [r.get("name") or f"spikes:{r.get('population', '')}" for r in recs])
    out = {}
    for name, r in zip(names, recs):
        neurons = r.get("neurons")
        out[name] = np.asarray(neurons if neurons is not None else np.arange(sizes.get(r.get("population"), 0)), dtype=np.int64)
    return out


def population_sizes(path: PathLike) -> dict[str, int]:
    """The population sizes stored in a SONATA nodes file (nodes.h5 of
    neurodyn simulate): the length of /nodes/<population>/node_type_id."""
    p = Path(path)
    with _open(p) as f:
        if "nodes" not in f:
            raise InvalidParameterError(f"path = {str(p)!r}: not a SONATA nodes file (no /nodes group)")
        out = {}
        for pop, g in f["nodes"].items():
            if "node_type_id" not in g:
                raise InvalidParameterError(f"path = {str(p)!r}: /nodes/{pop} lacks node_type_id")
            out[pop] = int(g["node_type_id"].shape[0])
        return out


def read_provenance(path: PathLike) -> dict[str, Any]:
    """The provenance neurodyn attached to a file (version, git revision,
    configuration text, seeds by name, kernel path, CPU, host, creation time);
    empty when the file has none."""
    p = Path(path)
    with _open(p) as f:
        a = f.attrs
        out: dict[str, Any] = {}
        for k in PROVENANCE_ATTRS:
            if k in a and k not in ("seeds", "seed_names"):
                out[k] = _str(a[k])
        if "seeds" in a:
            vals = [int(v) for v in np.atleast_1d(a["seeds"])]
            names = [_str(n) for n in np.atleast_1d(a["seed_names"])] if "seed_names" in a else []
            out["seeds"] = dict(zip(names, vals)) if len(names) == len(vals) else vals
        return out


def _run_identity(path: PathLike) -> tuple[str, str] | None:
    """What says which run wrote a file, from its provenance: the network
    spec (without workers, which do not change results) and the seeds; None
    for a file without them (another tool's)."""
    prov = read_provenance(path)
    config, seeds = prov.get("config"), prov.get("seeds")
    if not config and seeds is None:
        return None
    text = config or ""
    if prov.get("config_format") == "toml" and text:
        try:
            import tomllib

            spec = tomllib.loads(text)
            spec.pop("workers", None)
            text = json.dumps(spec, sort_keys=True)
        except ImportError:  # Python < 3.11: the text, without its workers line
            text = "\n".join(ln for ln in text.splitlines() if not re.match(r"^\s*workers\s*=", ln))
        except Exception:  # noqa: BLE001 -- not TOML after all: compare the text
            pass
    return text, json.dumps(seeds, sort_keys=True)


def _check_one_run(paths: Iterable[PathLike], what: str) -> None:
    """Raises InvalidParameterError when the provenance of the files says
    they come from different runs (another network spec or seed): merging
    them would mix results. Files without provenance are not compared."""
    first: tuple[tuple[str, str], str] | None = None
    for p in paths:
        if not p:
            continue
        ident = _run_identity(p)
        if ident is None:
            continue
        if first is None:
            first = (ident, str(p))
            continue
        other, q = first
        if other != ident:
            why = "seeds" if other[0] == ident[0] else "network spec"
            a, b = read_provenance(q), read_provenance(p)
            raise InvalidParameterError(
                f"{what}: {q} and {p} are from different runs (their provenance differs in its {why}: "
                f"seeds {a.get('seeds')} vs {b.get('seeds')}, created {a.get('created_utc', '?')} vs "
                f"{b.get('created_utc', '?')}); convert each run's files on their own "
                "(a directory rewritten without simulate --overwrite may mix runs)"
            )


def recorded_interval(path: PathLike) -> tuple[float, float] | None:
    """The interval (start, stop] in ms a spike report says its spikes were
    recorded over (root attributes t_start_ms and t_stop_ms, which neurodyn
    writes; of a stream's segments, the last carries them), or None."""
    p = Path(path)
    with _open(p) as f:
        if "t_start_ms" not in f.attrs or "t_stop_ms" not in f.attrs:
            return None
        a, b = float(f.attrs["t_start_ms"]), float(f.attrs["t_stop_ms"])
        if not (math.isfinite(a) and math.isfinite(b) and a <= b):
            raise InvalidParameterError(f"path = {str(p)!r}: recorded interval ({a}, {b}] ms is not an interval")
        return a, b


def _kind(path: Path) -> str:
    """"spikes", "report", "nodes" or "edges": what a SONATA file holds."""
    with _open(path) as f:
        for k in ("spikes", "report", "nodes", "edges"):
            if k in f:
                return k
    raise InvalidParameterError(f"path = {str(path)!r}: not a SONATA spike report, frame report or nodes file")


# ---- gathering what to convert -----------------------------------------------------


def _is_network(x: Any) -> bool:
    from .network import Network

    return isinstance(x, Network)


def _spike_dict(spikes: Any) -> dict[str, SpikeReport]:
    if isinstance(spikes, (str, os.PathLike)):
        return read_spikes(spikes)
    if isinstance(spikes, Mapping):
        out = {}
        for pop, v in spikes.items():
            if isinstance(v, SpikeReport):
                out[str(pop)] = v
                continue
            try:
                t, n = v
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    f"spikes[{pop!r}]: must be a SpikeReport or a (times_ms, node_ids) pair"
                ) from None
            t, n = np.asarray(t, dtype=np.float64), np.asarray(n)
            if t.ndim != 1 or t.shape != n.shape:
                raise InvalidParameterError(
                    f"spikes[{pop!r}]: times_ms {t.shape} and node_ids {n.shape} must be 1-D of one length"
                )
            if n.size and (not np.issubdtype(n.dtype, np.integer) or n.min() < 0):
                raise InvalidParameterError(f"spikes[{pop!r}]: node_ids must be non-negative integers")
            out[str(pop)] = SpikeReport(str(pop), t, n.astype(np.uint64))
        return out
    if isinstance(spikes, Sequence) and spikes and all(isinstance(s, (str, os.PathLike)) for s in spikes):
        return read_spikes(*spikes)
    raise InvalidParameterError(
        "spikes: must be a Network, a spike file path (or a list of a recording's segments), "
        f"or a dict population -> SpikeReport or (times_ms, node_ids); got {type(spikes).__name__}"
    )


def _network_sources(net: Any, frames: Any) -> tuple[dict[str, SpikeReport], list[FrameReport], dict[str, np.ndarray],
                                                     dict[str, float | None]]:
    """A Network's spikes, frames, recorded neurons and recording starts
    (spikes_from_ms), by spike report population."""
    recs = net.recorders()
    spikes, recorded, froms = {}, {}, {}
    srecs = [r for r in recs if r["kind"] == "spikes"]
    # named as in the network's spike report: by population, one recorder
    # each (a second would pass for another population, its neurons counted
    # twice)
    first: dict[str, str] = {}
    for r in srecs:
        if r["population"] in first:
            raise InvalidParameterError(
                f"neurodyn.interop: spikes recorders {first[r['population']]!r} and {r['name']!r} both record "
                f"population {r['population']!r}; a spike report holds each population once: record it with one "
                "spikes recorder (neurons: the union of theirs)"
            )
        first[r["population"]] = r["name"]
    for name, r in zip(_report_names([r["population"] for r in srecs], [r["name"] for r in srecs]), srecs):
        t, n = net.spikes(r["name"])
        spikes[name] = SpikeReport(name, t, n.astype(np.uint64), "by_time")
        recorded[name] = np.asarray(r["neurons"], dtype=np.int64)  # the recorder's neurons, not always all
        froms[name] = r.get("spikes_from_ms")
    sampled = {r["name"]: r for r in recs if r["kind"] != "spikes"}
    if frames is True:
        names = [n for n, r in sampled.items() if r["kind"] != "weights"]
    elif frames is None or frames is False:
        names = []
    elif isinstance(frames, str):
        names = [frames]
    else:
        names = list(frames)
    out = []
    for name in names:
        if isinstance(name, FrameReport):
            out.append(name)
            continue
        if name not in sampled:
            raise InvalidParameterError(
                f"frames: {name!r} is not a sampled recorder of the network; it has {', '.join(sampled) or 'none'}"
            )
        r = sampled[name]
        if r["kind"] == "weights":
            raise InvalidParameterError(
                f"frames: {name!r} is a weights recorder: its columns are synapses, not neurons; "
                "read it with Network.frames() or write it with Network.write_frames()"
            )
        t, v = net.frames(name)
        ids = np.asarray(r["neurons"], dtype=np.uint64)
        cols = ids if v.shape[1] == len(ids) else None
        dt = float(r["interval_ms"])
        start = float(t[0]) if len(t) else float(r.get("next_frame_ms", net.time_ms))  # no frame yet: the first's time
        out.append(FrameReport(r["population"], t, v, cols, None, r["units"], dt, name=name, variable=r["variable"],
                               start_ms=start))
    return spikes, out, recorded, froms


def _gather(spikes, t_stop_ms, t_start_ms, sizes, frames) -> _Sources:
    prov: dict[str, Any] = {}
    if _is_network(spikes):
        from . import build_info, version

        info = build_info()
        prov = {"neurodyn_version": version(), "git_revision": info.get("revision", ""), "go_version": info.get("go_version", ""),
                "config": spikes.spec, "config_format": "toml", "kernel_path": info.get("kernel_path", "")}
        sp, fr, neurons, froms = _network_sources(spikes, frames)
        if t_stop_ms is None:
            t_stop_ms = spikes.time_ms
        pop_starts: dict[str, float] = {}
        if t_start_ms is None and froms and None not in froms.values():
            # when the recorders' memories start: 0, or their last clear
            t_start_ms = min(froms.values())
            pop_starts = {n: f for n, f in froms.items() if f > t_start_ms}
    else:
        paths = None
        if isinstance(spikes, (str, os.PathLike)):
            paths = [spikes]
        elif isinstance(spikes, Sequence) and spikes and all(isinstance(x, (str, os.PathLike)) for x in spikes):
            paths = list(spikes)
        if paths:
            prov = read_provenance(paths[0])  # the segments of one run share it
            # a stream's last segment records the whole recording's interval,
            # files written one after another each their own: their union,
            # if they do not overlap (the same spikes would count twice)
            ivs = sorted((iv, str(p)) for p in paths if (iv := recorded_interval(p)) is not None)
            for (a, pa), (b, pb) in zip(ivs, ivs[1:]):
                if b[0] < a[1]:
                    raise InvalidParameterError(
                        f"spikes: {pa} records ({a[0]:g}, {a[1]:g}] ms and {pb} ({b[0]:g}, {b[1]:g}] ms: they overlap, "
                        "so spikes would count twice (give files of disjoint intervals, or one)")
            iv = (min(a for (a, _), _ in ivs), max(b for (_, b), _ in ivs)) if ivs else None
            if iv is not None:
                t_start_ms = iv[0] if t_start_ms is None else t_start_ms
                t_stop_ms = iv[1] if t_stop_ms is None else t_stop_ms
        sp = _spike_dict(spikes)
        if frames is True:
            raise InvalidParameterError("frames = True: only for a Network source; give frame report paths")
        fr = []
        for x in [] if frames in (None, False) else [frames] if isinstance(frames, (str, os.PathLike, FrameReport)) else frames:
            r = x if isinstance(x, FrameReport) else read_frames(x)
            if r.weights:
                what = repr(r.name or r.population) if isinstance(x, FrameReport) else repr(str(x))
                raise InvalidParameterError(
                    f"frames: {what} is a weights report (projection {r.population}): its columns are synapses, "
                    "not neurons; read it with read_frames()"
                )
            fr.append(r)
        files = list(paths or []) + [x if isinstance(x, (str, os.PathLike)) else x.path for x in
                                     ([] if frames in (None, False) else [frames] if isinstance(frames, (str, os.PathLike, FrameReport)) else frames)]
        if isinstance(sizes, (str, os.PathLike)):
            files.append(sizes)
        _check_one_run(files, "files")
        pop_starts = {}
        neurons = _recorded_neurons(prov)  # what the recorders recorded, by the spec the file carries
        if neurons is not None and not set(sp) <= set(neurons):
            neurons = None  # not the report this spec writes
    if isinstance(sizes, (str, os.PathLike)):
        sizes = population_sizes(sizes)
    if sizes is not None and neurons is not None:
        sizes = None  # the recorders' own neuron lists (all of a population or some) are what was recorded
    if sizes is not None:
        sizes = {str(k): int(v) for k, v in dict(sizes).items()}
        for pop, n in sizes.items():
            if n < 0:
                raise InvalidParameterError(f"sizes[{pop!r}] = {n}: must be >= 0")
        for pop, r in sp.items():
            if pop not in sizes:
                raise InvalidParameterError(f"sizes: no size for population {pop!r} (sizes has {', '.join(sizes)})")
            if len(r) and int(r.node_ids.max()) >= sizes[pop]:
                raise InvalidParameterError(
                    f"sizes[{pop!r}] = {sizes[pop]}: the spikes name node {int(r.node_ids.max())}"
                )
        neurons = {pop: np.arange(sizes[pop]) for pop in sp}
    if t_stop_ms is None:
        raise InvalidParameterError(
            "t_stop_ms: required for this spike file (it does not record how long the network ran, as neurodyn's "
            "do: give the run's --duration-ms)"
        )
    if t_start_ms is None:
        t_start_ms = 0.0
    t_stop_ms, t_start_ms = float(t_stop_ms), float(t_start_ms)
    if not (math.isfinite(t_start_ms) and math.isfinite(t_stop_ms) and t_stop_ms > t_start_ms):
        raise InvalidParameterError(f"t_stop_ms = {t_stop_ms}, t_start_ms = {t_start_ms}: need t_start_ms < t_stop_ms, finite")
    # Spikes off the interval by a rounding of k·dt (files of writers that
    # stamp step·dt + dt) widen it; any further is an error.
    tol = 1e-9 * max(1.0, abs(t_start_ms), abs(t_stop_ms))
    for pop, r in sp.items():
        if not len(r):
            continue
        lo, hi = float(r.times_ms.min()), float(r.times_ms.max())
        start = pop_starts.get(pop, t_start_ms)
        if lo < start - tol or hi > t_stop_ms + tol:
            raise InvalidParameterError(
                f"t_start_ms = {start}, t_stop_ms = {t_stop_ms}: population {pop!r} has spikes in "
                f"[{lo}, {hi}] ms, outside"
            )
        if pop in pop_starts:
            pop_starts[pop] = min(start, lo)
        else:
            t_start_ms = min(t_start_ms, lo)
        t_stop_ms = max(t_stop_ms, hi)
    return _Sources(sp, fr, neurons, t_start_ms, t_stop_ms, prov, pop_starts)


def _trains(src: _Sources) -> Iterable[tuple[str, int, np.ndarray]]:
    """(population, node id, sorted spike times in ms) for every neuron of
    src.neurons (all of a population when its size is known, a Network
    recorder's neurons), or without them for every neuron that spiked."""
    for pop, r in src.spikes.items():
        ids = r.node_ids.astype(np.int64)
        order = np.lexsort((r.times_ms, ids))
        ids, times = ids[order], r.times_ms[order]
        want = src.neurons[pop] if src.neurons is not None else np.unique(ids)
        lo, hi = np.searchsorted(ids, want, side="left"), np.searchsorted(ids, want, side="right")
        if hi.sum() - lo.sum() != len(ids):
            raise InvalidParameterError(f"spikes[{pop!r}]: spikes of neurons the recorder does not list")
        for i, a, b in zip(want.tolist(), lo.tolist(), hi.tolist()):
            yield pop, i, times[a:b]


# ---- Neo ---------------------------------------------------------------------------


def _pq_units(units: str):
    pq = _need("quantities", "to_neo")
    try:
        q = pq.Quantity(1.0, units)
        return q.units, True
    except Exception:  # unknown unit strings (filtered spikes, "1", "a.u.") stay dimensionless
        return pq.dimensionless, False


def to_neo(
    spikes: Any,
    *,
    t_stop_ms: float | None = None,
    t_start_ms: float | None = None,
    sizes: Mapping[str, int] | PathLike | None = None,
    frames: Any = None,
    name: str = "neurodyn",
):
    """Converts spikes (and sampled recordings) to a neo.Block with one
    Segment.

    spikes: a Network (its spikes recorders), a SONATA spike file path (or a
    list of one recording's segments), or a dict population -> SpikeReport or
    (times_ms, node_ids). The segment holds one neo.SpikeTrain per neuron (ms,
    annotated with population and node_id), and one neo.Group per
    population holding its trains, as Elephant expects.

    t_stop_ms, t_start_ms: the recorded interval. For files they default to
    the one the file records (neurodyn writes it; see recorded_interval) and
    t_stop_ms is required for files without one. For a Network t_stop
    defaults to its time and t_start to when its spikes recorders' memories
    start (0 ms, or their last clear_spikes() or restore()), each
    population's trains from its recorder's start. sizes: population -> number of neurons (or a
    SONATA nodes file): silent neurons get empty trains, so rates and
    statistics count them. A Network, and a file carrying the network spec in
    its provenance (neurodyn's do; Python >= 3.11), give a train to each
    neuron the spikes recorders recorded -- all of a population or the ones
    named -- and sizes is not needed (nor used). Otherwise, without sizes,
    files give trains to the neurons that spiked only.

    frames: sampled recordings as neo.AnalogSignal (one per recording,
    columns annotated with node_id; units mV, pA, nS, Hz, or dimensionless
    with the original unit string in annotations["units"]): FrameReport
    objects or frame report paths, or for a Network the names of its state,
    rate and filtered_spikes recorders (True: all of them; weights recorders,
    whose columns are synapses, are not converted). A weights recorder, or
    its report (a path, or a FrameReport with weights = True), is an
    InvalidParameterError naming it.
    """
    neo = _need("neo", "to_neo")
    pq = _need("quantities", "to_neo")
    src = _gather(spikes, t_stop_ms, t_start_ms, sizes, frames)
    block = neo.Block(name=name, file_origin=str(spikes) if isinstance(spikes, (str, os.PathLike)) else None)
    if src.provenance:
        block.annotate(**{f"neurodyn_{k}" if not k.startswith("neurodyn") else k: json.dumps(v) if isinstance(v, dict) else v
                          for k, v in src.provenance.items()})
    seg = neo.Segment(name=name)
    block.segments.append(seg)
    t1 = src.t_stop_ms * pq.ms
    members: dict[str, list] = {pop: [] for pop in src.spikes}  # silent populations too
    for pop, i, times in _trains(src):
        st = neo.SpikeTrain(times, units=pq.ms, t_start=src.start_of(pop) * pq.ms, t_stop=t1, name=f"{pop}[{i}]",
                            population=pop, node_id=i)
        st.segment = seg
        members[pop].append(st)
    # Whole lists at once: Neo's append checks every item already held
    # (quadratic; 12,500 neurons took 7 s one by one, 1 s this way).
    stl = neo.core.spiketrainlist.SpikeTrainList
    seg.spiketrains = stl(items=[st for trains in members.values() for st in trains], parent=seg)
    for pop, trains in members.items():
        g = neo.Group(name=pop, allowed_types=[neo.SpikeTrain])
        g.spiketrains = stl(items=trains)
        block.groups.append(g)
    for fr in src.frames:
        units, known = _pq_units(fr.units)
        ann = {} if fr.node_ids is None else {"node_id": np.asarray(fr.node_ids, dtype=np.int64)}
        sig = neo.AnalogSignal(
            np.asarray(fr.data), units=units, sampling_period=fr.dt_ms * pq.ms, t_start=fr.start_ms * pq.ms,
            name=fr.name or fr.population, array_annotations=ann,
        )
        sig.annotate(population=fr.population, variable=fr.variable)
        if not known:
            sig.annotate(units=fr.units)
        if fr.node_ids is None:
            sig.annotate(aggregate="population")
        seg.analogsignals.append(sig)
    return block


# ---- NWB ---------------------------------------------------------------------------


def to_nwb(
    spikes: Any,
    path: PathLike,
    *,
    t_stop_ms: float | None = None,
    t_start_ms: float | None = None,
    sizes: Mapping[str, int] | PathLike | None = None,
    frames: Any = None,
    session_description: str = "neurodyn simulation",
    identifier: str | None = None,
    session_start_time: datetime.datetime | None = None,
    overwrite: bool = False,
) -> Path:
    """Writes spikes (and sampled recordings) as an NWB file and returns its
    path. The arguments spikes, t_stop_ms, t_start_ms, sizes and frames are
    those of to_neo.

    The /units table has one row per neuron: spike_times (s), obs_intervals
    [[t_start, t_stop]] (s, so silent neurons are distinguishable from
    missing ones), and the columns population and node_id. Each frame
    recording is a TimeSeries in /acquisition (data [frames × columns], unit
    and conversion to SI: volts, amperes, siemens or Hz; starting_time and
    rate), with its column -> node id table in the processing module
    "neurodyn". The file's provenance (neurodyn version, configuration,
    seeds) goes to notes as JSON. session_start_time defaults to the
    provenance's creation time, else now (UTC). An existing file is replaced
    only with overwrite. The file is written under a temporary name and
    renamed, so a failed conversion leaves no partial file."""
    pynwb = _need("pynwb", "to_nwb")
    out = Path(path)
    if out.exists() and not overwrite:
        err = FileExistsError(f"neurodyn.interop: {out} exists (pass overwrite=True to replace it)")
        err.neurodyn_path = str(out)  # main() words it for the command line (--overwrite); filename would change str(err)
        raise err
    if not out.parent.is_dir():
        raise FileNotFoundError(f"neurodyn.interop: directory {out.parent} does not exist")
    src = _gather(spikes, t_stop_ms, t_start_ms, sizes, frames)
    if session_start_time is None:
        created = src.provenance.get("created_utc")
        try:
            session_start_time = datetime.datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None
        except ValueError:
            session_start_time = None
        if session_start_time is None:
            session_start_time = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    if session_start_time.tzinfo is None:
        raise InvalidParameterError("session_start_time: must carry a time zone (NWB requires it)")
    nwb = pynwb.NWBFile(
        session_description=session_description,
        identifier=identifier or str(uuid.uuid4()),
        session_start_time=session_start_time,
        notes=json.dumps({"neurodyn": src.provenance}) if src.provenance else None,
        source_script="written by neurodyn.interop.to_nwb",
        source_script_file_name="neurodyn/interop.py",
    )
    # The units table built column by column (NWBFile.add_unit row by row
    # takes 0.2 ms a neuron: 2.5 s for 12,500, minutes for a million).
    hdmf_common = _need("hdmf", "to_nwb").common
    times_s, ends, pops, ids = [], [], [], []
    for pop, i, times in _trains(src):
        times_s.append(times / 1000.0)
        ends.append(len(times))
        pops.append(pop)
        ids.append(i)
    n = len(ids)
    if n:  # no neuron (no spike, no sizes): no units table
        _units_table(nwb, pynwb, hdmf_common, src, times_s, ends, pops, ids)
    _frames_to_nwb(nwb, pynwb, hdmf_common, src)
    tmp = out.with_name(f".{out.stem}.partial.nwb")  # pynwb wants the .nwb suffix
    try:
        with pynwb.NWBHDF5IO(str(tmp), "w") as io:
            io.write(nwb)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def _units_table(nwb, pynwb, hdmf_common, src: _Sources, times_s, ends, pops, ids) -> None:
    """Sets nwb.units, one row per neuron, built column by column."""
    n = len(ids)
    st = hdmf_common.VectorData(name="spike_times", description="spike times (s)",
                                data=np.concatenate(times_s) if times_s else np.zeros(0))
    oi = hdmf_common.VectorData(name="obs_intervals", description="observation intervals (s)",
                                data=np.array([[src.start_of(p) / 1000.0, src.t_stop_ms / 1000.0] for p in pops]).reshape(n, 2))
    nwb.units = pynwb.misc.Units(
        name="units", description="the neurons of the neurodyn network, one row each",
        id=hdmf_common.ElementIdentifiers(name="id", data=np.arange(n)),
        columns=[
            st, hdmf_common.VectorIndex(name="spike_times_index", data=np.cumsum(ends, dtype=np.int64), target=st),
            oi, hdmf_common.VectorIndex(name="obs_intervals_index", data=np.arange(1, n + 1), target=oi),
            hdmf_common.VectorData(name="population", description="neurodyn population of the neuron", data=pops),
            hdmf_common.VectorData(name="node_id", description="index of the neuron within its population (SONATA node id)",
                                   data=np.asarray(ids, dtype=np.int64)),
        ],
    )


def _frames_to_nwb(nwb, pynwb, hdmf_common, src: _Sources) -> None:
    """Adds each frame recording as an acquisition TimeSeries, with its
    column table in the processing module "neurodyn"."""
    if src.frames:
        mod = nwb.create_processing_module(name="neurodyn", description="column maps of neurodyn's recordings")
    used: set[str] = set()
    for fr in src.frames:
        # NWB names take no ':' or '/' (a recorder's default name state:E has one)
        name = _file_safe(fr.name or f"{fr.population}_{fr.variable or 'report'}")
        base, k = name, 1
        while name in used:
            k += 1
            name = f"{base}_{k}"
        used.add(name)
        unit, conv = _SI.get(fr.units, (fr.units or "n/a", 1.0))
        desc = f"neurodyn recording of population {fr.population}" + (f", variable {fr.variable}" if fr.variable else "")
        if fr.node_ids is None:
            desc += " (population aggregate)"
        nwb.add_acquisition(
            pynwb.TimeSeries(
                name=name, data=np.asarray(fr.data), unit=unit, conversion=conv,
                starting_time=fr.start_ms / 1000.0, rate=1000.0 / fr.dt_ms, description=desc,
            )
        )
        if fr.node_ids is not None:
            nid = np.asarray(fr.node_ids, dtype=np.int64)
            mod.add(hdmf_common.DynamicTable(
                name=f"{name}_columns", description=f"node id of each column of {name}",
                id=hdmf_common.ElementIdentifiers(name="id", data=np.arange(len(nid))),
                columns=[hdmf_common.VectorData(name="population", description="population", data=[fr.population] * len(nid)),
                         hdmf_common.VectorData(name="node_id", description="node id within the population", data=nid)],
            ))


# ---- command line ------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """python -m neurodyn.interop FILE... [--t-stop-ms T] [--nwb OUT]."""
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m neurodyn.interop",
        description="Convert neurodyn's SONATA files (spike reports, frame reports, nodes; recognised by content) "
        "to NWB, or summarise them through Neo.",
    )
    ap.add_argument("files", nargs="+",
                    help="SONATA files: one spike report (or its segments), frame reports, a nodes file (edges files are skipped)")
    ap.add_argument("--t-stop-ms", type=float,
                    help="end of the recorded interval (ms); default: the one the spike report records (neurodyn's do)")
    ap.add_argument("--t-start-ms", type=float, help="start of the recorded interval (ms); default: the report's, else 0")
    ap.add_argument("--nwb", help="write an NWB file here")
    ap.add_argument("--overwrite", action="store_true", help="replace an existing --nwb file")
    ap.add_argument("--description", default="neurodyn simulation", help="NWB session_description")
    args = ap.parse_args(argv)
    spk, frm, nodes = [], [], None
    try:
        for f in args.files:
            k = _kind(Path(f))
            if k == "spikes":
                spk.append(f)
            elif k == "report":
                frm.append(f)
            elif k == "edges":
                continue  # connectivity: neither Neo nor NWB's core schema holds it
            elif nodes is not None:
                ap.error(f"two nodes files: {nodes} and {f}")
            else:
                nodes = f
        if not spk:
            ap.error("no spike report among the files")
        _check_one_run(args.files, "files")
        src = spk[0] if len(spk) == 1 else sorted(spk)
        # a stream's frame segments (v.000000.h5, v.000001.h5, ...) are one recording
        groups: dict[tuple[str, str], list[str]] = {}
        for f in sorted(frm):
            groups.setdefault((str(Path(f).parent), _segment_stem(Path(f))), []).append(f)
        frm = []
        for g in groups.values():
            r = read_frames(*g)
            if r.weights:  # synapses: neither Neo nor NWB's core schema holds them
                print(f"python -m neurodyn.interop: {g[0]}: a weights report (projection {r.population}), skipped",
                      file=sys.stderr)
                continue
            frm.append(r)
        if args.nwb:
            p = to_nwb(src, args.nwb, t_stop_ms=args.t_stop_ms, t_start_ms=args.t_start_ms, sizes=nodes,
                       frames=frm, session_description=args.description, overwrite=args.overwrite)
            print(f"wrote {p}")
        else:
            block = to_neo(src, t_stop_ms=args.t_stop_ms, t_start_ms=args.t_start_ms, sizes=nodes, frames=frm)
            seg = block.segments[0]
            first = seg.spiketrains[0] if len(seg.spiketrains) else None
            dur_s = float((first.t_stop - first.t_start).rescale("s")) if first is not None else float("nan")
            if first is not None:
                print(f"recorded over ({float(first.t_start.rescale('ms')):g}, {float(first.t_stop.rescale('ms')):g}] ms")
            for g in block.groups:
                n = len(g.spiketrains)
                count = sum(len(s) for s in g.spiketrains)
                rate = count / n / dur_s if n else float("nan")
                print(f"{g.name}: {n} neurons, {count} spikes, mean rate {rate:.3f} Hz")
            for s in seg.analogsignals:
                print(f"{s.name}: {s.shape[0]} frames x {s.shape[1]} columns, {s.units.dimensionality}, dt {s.sampling_period}")
    except FileExistsError as e:
        # to_nwb's advice names its argument; here the option does it
        print(f"python -m neurodyn.interop: {getattr(e, 'neurodyn_path', None) or e.filename or e} exists (pass --overwrite to replace it)", file=sys.stderr)
        return 2
    except (InvalidParameterError, FileNotFoundError, ImportError) as e:
        print(f"python -m neurodyn.interop: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
