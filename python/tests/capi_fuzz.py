"""Throws malformed inputs at every function of libneurodyn's C interface.

Run as a program (test_capi_fuzz.py runs it in a subprocess, so that a crash
is a test failure, not the end of pytest):

    python capi_fuzz.py [--seed N] [--random K]

Every function declared in capi/include/neurodyn.h is called with plausible
arguments (objects of the right kind, large zeroed buffers with their
capacities, small sizes), then once for each malformed value of each
argument, the others left plausible:

- handles: 0, forged values, a freed (stale) handle, a handle of another kind;
- strings: NULL, "", bytes that are not UTF-8, JSON with NaN, unknown keys,
  wrong types, 1 MB of text, 100,000 nested brackets;
- pointers: NULL (neurodyn_string_free only gets NULL and the strings the
  other calls returned: freeing anything else is undefined behaviour);
- sizes and capacities: negative, zero, one (short buffers), huge (2^40+1,
  2^62, 2^63-1);
- doubles: NaN, +-Inf, negative, 1e300, the smallest subnormal;
- int32 flags: negative, out of range.

Sizes only ever claim memory the harness allocated, or sizes no memory could
hold (which the library must refuse before touching the buffer): lying about a
real buffer's size is undefined behaviour in C and is not tested. The
contract checked: no crash, every status is a known code, every failure sets
a non-empty thread-local message with the same code. Then a few thousand
random combinations of malformed arguments (--random) are thrown.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import capi_header  # noqa: E402

from neurodyn import _capi  # noqa: E402

BUF_BYTES = 1 << 22  # every pointer argument gets a zeroed buffer this large
ELEMS = 1 << 18  # capacity passed for it (elements of <= 8 bytes: 2 MiB)

NETWORK = b"""dt_ms = 0.1
seed = 3
[[population]]
name = "E"
n = 40
[[population]]
name = "I"
n = 10
sign = -1
[[projection]]
source = "E"
target = "I"
rule = { kind = "fixed_prob", p = 0.2 }
weights = { value = 30.0 }
delay_ms = 0.5
short_term = { kind = "tsodyks2", u = 0.5, tau_rec_ms = 800.0 }
[[device]]
kind = "poisson"
target = "E"
rate_hz = 5000.0
weight = 30.0
[[device]]
name = "drive"
kind = "time_series"
target = "I"
series_dt_ms = 1.0
series = [[0.0, 1.0, 0.5]]
input_weights = { value = 10.0 }
[[recorder]]
kind = "spikes"
population = "E"
[[recorder]]
name = "v"
kind = "state"
population = "E"
neurons = [0, 1]
"""

CONSTRUCTORS = {
    "lorenz": ("neurodyn_lorenz_new", b'{"TrainT": 1, "ValT": 1, "TestT": 1, "EvalT": 2, "SeqLength": 10}'),
    "flipflop": ("neurodyn_flipflop_new", b'{"Steps": 10, "TrainTrials": 8, "ValTrials": 4, "TestTrials": 4}'),
    "ctrnn": ("neurodyn_ctrnn_new", b'{"Hidden": 8}'),
    "rate": ("neurodyn_rate_new", b'{"NE": 8, "NI": 4}'),
    "network": ("neurodyn_network_new", NETWORK),
    "snn": ("neurodyn_snn_new", b'{"NE": 8, "NI": 2, "Readout": "filtered"}'),
    "reservoir": ("neurodyn_reservoir_new", b'{"N": 40, "SampleMs": 2, "Washout": 5}'),
    "esn": ("neurodyn_esn_new", b'{"N": 20, "Washout": 5}'),
}

STRING_BAD = [
    None,
    b"",
    b"\xff\xfe\xfd{",
    b'{"Seed": NaN}',
    b'{"NoSuchKey": 1}',
    b'{"Seed": "x"}',
    b"{" + b'"a":' * 10 + b"1",
    b"x" * (1 << 20),
    b"[" * 100_000,
    b"{}",
    # sizes no memory holds: each is refused by the constructor it applies to
    b'{"TrainT": 1e15}',
    b'{"TrainTrials": 2000000000}',
    b'{"N": 2000000000}',
    b'{"Hidden": 1000000}',
    b'{"NE": 1000000}',
    b'{"BatchSize": 1000000000}',
    b'{"Shards": 1000000000}',
    b'{"Starts": 1000000000, "Horizon": 1000000000000}',
    b'{"Checkpoints": 1000000000, "K": 1000000}',
    b'{"Horizon": 1000000000000}',
]
INT64_BAD = [-1, -(2**63), 0, 1, 2**40 + 1, 2**62, 2**63 - 1]
INT32_BAD = [-1, -(2**31), 2, 2**31 - 1]
DOUBLE_BAD = [float("nan"), float("inf"), float("-inf"), -1.0, 1e300, 5e-324]
HANDLE_BAD = ["zero", "forged", "forged_small", "stale", "wrong_kind"]


class Harness:
    def __init__(self, seed: int):
        self.L = _capi.lib()
        self.dll = self.L.dll
        self.rng = random.Random(seed)
        self.tmp = Path(tempfile.mkdtemp(prefix="neurodyn-fuzz-"))
        self.funcs = capi_header.parse()
        self.objects: dict[str, int] = {}
        self.buffers: list = []
        self.calls = 0
        self.codes: dict[int, int] = {}
        self.failures: list[str] = []
        self.seconds: dict[str, float] = {}
        self.freed_strings = 0
        self.trace = bool(os.environ.get("NEURODYN_FUZZ_TRACE"))
        for f in self.funcs:
            fn = getattr(self.dll, f.name)
            fn.restype = ctypes.c_char_p if f.ret.startswith("const char") else ctypes.c_int
            fn.argtypes = [self._ctype(p) for p in f.params]
        for kind in CONSTRUCTORS:
            self.objects[kind] = self.new(kind)
        self.objects["series"] = self.new_series()
        tok = ctypes.c_uint64()
        if self.dll.neurodyn_token_new(ctypes.byref(tok)):
            raise SystemExit(f"fuzz: cannot make a token: {self.L.neurodyn_last_error()}")
        self.objects["token"] = tok.value
        self.stale = self.new("ctrnn")
        self.free(self.stale)

    @staticmethod
    def _ctype(p):
        return {
            "h": ctypes.c_uint64,
            "s": ctypes.c_char_p,
            "p": ctypes.c_void_p,
            "i": ctypes.c_int64,
            "w": ctypes.c_int32,
            "u": ctypes.c_uint64,
            "d": ctypes.c_double,
            "n": ctypes.c_int,
        }[p.code]

    def new(self, kind: str) -> int:
        ctor, cfg = CONSTRUCTORS[kind]
        h = ctypes.c_uint64()
        if kind == "network":
            args = [cfg, None, ctypes.byref(h)]
        elif kind in ("reservoir", "esn"):
            args = [cfg, 3, ctypes.byref(h)]
        else:
            args = [cfg, ctypes.byref(h)]
        rc = getattr(self.dll, ctor)(*args)
        if rc:
            raise SystemExit(f"fuzz: cannot build a {kind}: {self.L.neurodyn_last_error()}")
        return h.value

    def new_series(self) -> int:
        data = (ctypes.c_double * 300)(*[float(i % 17) + 0.1 * i for i in range(300)])
        self.buffers.append(data)
        h = ctypes.c_uint64()
        if self.dll.neurodyn_series_new(data, 100, 3, b'{"SeqLength": 5}', ctypes.byref(h)):
            raise SystemExit(f"fuzz: cannot build a series: {self.L.neurodyn_last_error()}")
        return h.value

    def free(self, h: int) -> None:
        self.dll.neurodyn_free(h)

    def buffer(self):
        b = ctypes.create_string_buffer(BUF_BYTES)
        self.buffers.append(b)
        return ctypes.addressof(b)

    # ---- plausible arguments ------------------------------------------------

    def handle_for(self, f, p) -> int:
        n = f.name
        if p.name == "token":
            return self.objects["token"]
        if p.name == "dataset":
            return self.objects["lorenz"]
        if p.name == "flipflop":
            return self.objects["flipflop"]
        if p.name == "task":
            return self.objects["lorenz"]
        if n == "neurodyn_cancel":
            return self.objects["network"]
        if n in ("neurodyn_free", "neurodyn_kind"):
            return self.new("rate")
        if n.startswith("neurodyn_dataset_"):
            return self.objects["lorenz"]
        if n.startswith("neurodyn_flipflop_"):
            return self.objects["flipflop"]
        if n.startswith("neurodyn_network_"):
            return self.objects["network"]
        if n.startswith("neurodyn_rate_"):
            return self.objects["rate"]
        if n.startswith("neurodyn_snn_"):
            return self.objects["snn"]
        if n.startswith("neurodyn_reservoir_"):
            return self.objects["reservoir"]
        if n.startswith("neurodyn_model_"):
            return self.objects["ctrnn"]
        raise SystemExit(f"fuzz: no handle for {n}({p.name})")

    def string_for(self, f, p) -> bytes | None:
        n, a = f.name, p.name
        if a == "config":
            return {
                "neurodyn_lorenz_new": CONSTRUCTORS["lorenz"][1],
                "neurodyn_flipflop_new": CONSTRUCTORS["flipflop"][1],
                "neurodyn_ctrnn_new": CONSTRUCTORS["ctrnn"][1],
                "neurodyn_rate_new": CONSTRUCTORS["rate"][1],
                "neurodyn_series_new": b'{"SeqLength": 5}',
                "neurodyn_model_train": b'{"Epochs": 1, "Window": 10, "ValWindow": 10}',
                "neurodyn_model_valid_time": b'{"Starts": 2, "Warmup": 5, "Horizon": 10}',
                "neurodyn_model_lyapunov": b'{"Steps": 50, "Transient": 5, "Blocks": 2, "Checkpoints": 2}',
                "neurodyn_baselines": b'{"MaxARLag": 2, "NVARLags": -1}',
                "neurodyn_snn_new": CONSTRUCTORS["snn"][1],
                "neurodyn_reservoir_new": CONSTRUCTORS["reservoir"][1],
                "neurodyn_esn_new": CONSTRUCTORS["esn"][1],
                "neurodyn_model_fixed_points": b'{"Starts": 4, "MaxIter": 50}',
                "neurodyn_correlation_dimension": b'{"Radii": 10}',
                "neurodyn_pulse_lif_lyapunov": b'{"K": 2, "WarmupMs": 5, "DurationMs": 20}',
            }.get(n.replace("_cancellable", ""))
        if a == "split":
            return b"test"
        if a == "recorder":
            return b"spikes:E" if "spike" in n else b"v"
        if a == "path":
            ext = ".npz" if "model_" in n else (".ckpt" if "checkpoint" in n or "restore" in n else ".h5")
            stem = "model" if "model_" in n else n.replace("neurodyn_", "")
            if "restore" in n:
                stem = "network_checkpoint"
            return str(self.tmp / (stem + ext)).encode()
        if a == "format":
            return b"toml" if "network" in n else b"hdf5"
        if a == "name":
            return b"cuba"  # its default size (4,000 neurons) builds fast when options are mutated away
        if a == "options":
            return b'{"N": 200, "Record": true}'
        if a == "spec":
            return NETWORK
        if a == "device":
            return b"drive"
        raise SystemExit(f"fuzz: no string for {n}({a})")

    def int64_for(self, f, p) -> int:
        n, a = f.name, p.name
        if a.endswith("_len") or a == "len":
            return ELEMS
        table = {
            "samples": 100,
            "dim": 3,
            "m": 3,
            "tau": 2,
            "max_dim": 3,
            "max_lag": 5,
            "bins": 0,
            "theiler": 0,
            "first": 0,
            "count": 2,
            "offset": 0,
            "bytes": 0,
            "steps": 10,
            "warmup": 10,
            "k": 5,
            "state_dim": 8,
            "rows": 50,
            "inputs": 3,
            "spikes": 100,
            "neurons": 10,
            "synapses": 4,
            "segment_records": 100,
        }
        if a == "n" and n == "neurodyn_network_short_term_state":
            return 40  # the sources (E) of projection 0
        if a == "n" and n in ("neurodyn_network_synapses", "neurodyn_network_effective_weights"):
            return self.synapse_count()  # the exact count: anything else is refused
        if a == "n":
            return 2 if "model_" in n else 200
        if a == "dim" and n in ("neurodyn_network_set_series",):
            return 1
        if a == "dim" and n == "neurodyn_model_valid_time":
            return 3
        if a in table:
            return table[a]
        raise SystemExit(f"fuzz: no int64 for {n}({a})")

    def synapse_count(self) -> int:
        """The synapses of the network's projection 0 (what
        neurodyn_network_synapses and _effective_weights must be given as n)."""
        c = ctypes.c_int64()
        if self.dll.neurodyn_network_synapse_count(self.objects["network"], 0, ctypes.byref(c)):
            raise SystemExit(f"fuzz: cannot count synapses: {self.L.neurodyn_last_error()!r}")
        return c.value

    def plausible(self, f) -> list:
        args = []
        for p in f.params:
            c = p.code
            if c == "h":
                args.append(self.handle_for(f, p))
            elif c == "s":
                args.append(self.string_for(f, p))
            elif c == "p" and f.name == "neurodyn_string_free":
                args.append(None)  # only NULL or a string the library returned may be freed
            elif c == "p":
                args.append(self.buffer())
            elif c == "i":
                args.append(self.int64_for(f, p))
            elif c == "w":
                args.append({"overwrite": 1, "sorting": 2, "best": 0, "n": 2, "projection": 0}[p.name])
            elif c == "d":
                args.append(
                    {
                        "duration_ms": 1.0,
                        "t0": 0.0,
                        "t1": 100.0,
                        "bin_ms": 5.0,
                        "dt": 0.01,
                        "transient": 0.0,
                        "sigma": float("nan"),
                        "rho": float("nan"),
                        "beta": float("nan"),
                        "tau_ms": 10.0,
                        "v_th_mv": 20.0,
                        "v_reset_mv": 10.0,
                        "segment_seconds": 0.0,
                    }[p.name]
                )
            elif c == "u":
                args.append(1)
            elif c == "n":
                args.append(3)
        return args

    # ---- malformed arguments -------------------------------------------------

    def bad_values(self, f, p) -> list:
        c = p.code
        if c == "h":
            return HANDLE_BAD
        if c == "s":
            return STRING_BAD
        if c == "p":
            return [None] if f.name != "neurodyn_string_free" else []
        if c == "i":
            return INT64_BAD
        if c == "w":
            return INT32_BAD
        if c == "d":
            return DOUBLE_BAD
        if c == "n":
            return [-1, 10**6]
        if c == "u":
            return [0, 2**64 - 1]
        return []

    def resolve_handle(self, v, f, p) -> int:
        if v == "zero":
            return 0
        if v == "forged":
            return 2**63 + self.rng.randrange(1 << 40)
        if v == "forged_small":
            return self.rng.randrange(1, 1 << 20)
        if v == "stale":
            return self.stale
        if v == "wrong_kind" and f.name == "neurodyn_free":
            return self.new("lorenz")  # free takes every kind: never free the shared objects
        if v == "wrong_kind":
            good = self.handle_for(f, p)
            kind_of = {h: k for k, h in self.objects.items()}
            k = kind_of.get(good, "rate")
            other = "network" if k != "network" else "lorenz"
            return self.objects[other]
        return v

    def call(self, f, args) -> None:
        if f.ret.startswith("const char"):
            r = getattr(self.dll, f.name)(*args)
            if f.name == "neurodyn_version" and not r:
                self.failures.append("neurodyn_version returned NULL")
            self.calls += 1
            return
        if self.trace:
            print("call", f.name, [a if not isinstance(a, bytes) else a[:60] for a in args], file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        rc = getattr(self.dll, f.name)(*args)
        self.seconds[f.name] = self.seconds.get(f.name, 0.0) + time.perf_counter() - t0
        self.calls += 1
        if rc == 0:
            # strings returned in char **result are the caller's to free
            for p, a in zip(f.params, args):
                if p.name == "result" and isinstance(a, int):
                    ref = ctypes.c_void_p.from_address(a)
                    if ref.value:
                        self.dll.neurodyn_string_free(ref.value)
                        self.freed_strings += 1
                        ref.value = None
        if f.name in ("neurodyn_abi_version", "neurodyn_last_error_code"):
            return
        self.codes[rc] = self.codes.get(rc, 0) + 1
        if not 0 <= rc <= 10:
            self.failures.append(f"{f.name}: status {rc} is not a known code")
        elif rc:
            msg = self.L.neurodyn_last_error()
            code = self.L.neurodyn_last_error_code()
            if not msg or code != rc:
                self.failures.append(f"{f.name}: status {rc} but last error ({code}) {msg!r}")
        if f.name == "neurodyn_set_memory_limit" or f.name == "neurodyn_set_threads":
            self.dll.neurodyn_set_memory_limit(0, None)
            self.dll.neurodyn_set_threads(2, None)

    def run_systematic(self) -> None:
        for f in self.funcs:
            base = self.plausible(f)
            self.call(f, base)
            for i, p in enumerate(f.params):
                for v in self.bad_values(f, p):
                    args = self.plausible(f) if f.name in ("neurodyn_free", "neurodyn_kind") else list(base)
                    args[i] = self.resolve_handle(v, f, p) if p.code == "h" else v
                    self.call(f, args)
                self.buffers = self.buffers[-64:]
            if f.name in ("neurodyn_network_stream_spikes", "neurodyn_network_stream_spikes_segmented",
                          "neurodyn_network_close_streams"):
                self.renew("network")  # its streams are attached (or closed): start afresh

    def renew(self, kind: str) -> None:
        self.free(self.objects[kind])
        self.objects[kind] = self.new(kind)

    def run_random(self, k: int) -> None:
        funcs = [f for f in self.funcs if f.params]
        for _ in range(k):
            f = self.rng.choice(funcs)
            args = self.plausible(f)
            for i, p in enumerate(f.params):
                if self.rng.random() < 0.4:
                    bad = self.bad_values(f, p)
                    if bad:
                        v = self.rng.choice(bad)
                        args[i] = self.resolve_handle(v, f, p) if p.code == "h" else v
            self.call(f, args)
            self.buffers = self.buffers[-64:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--random", type=int, default=500)
    a = ap.parse_args()
    t0 = time.perf_counter()
    h = Harness(a.seed)
    h.run_systematic()
    h.run_random(a.random)
    names = sorted(f.name for f in h.funcs)
    print(
        f"fuzz: {len(names)} functions, {h.calls} calls in {time.perf_counter() - t0:.1f} s, "
        f"status counts {dict(sorted(h.codes.items()))}, {h.freed_strings} result strings freed"
    )
    print("fuzz: functions " + " ".join(n.replace("neurodyn_", "") for n in names))
    slow = sorted(h.seconds.items(), key=lambda kv: -kv[1])[:5]
    print("fuzz: slowest " + ", ".join(f"{n.replace('neurodyn_', '')} {s:.1f} s" for n, s in slow))
    for msg in h.failures[:20]:
        print("fuzz: FAIL", msg)
    return 1 if h.failures else 0


if __name__ == "__main__":
    os.environ.setdefault("GOTRACEBACK", "crash")
    sys.exit(main())
