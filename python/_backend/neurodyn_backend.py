"""PEP 517 build backend of the neurodyn Python package.

It needs nothing but the standard library. build_wheel packs the package
(python/neurodyn) with libneurodyn.so, which it takes from, in order:

1. ``$NEURODYN_LIB`` (a built library: no Go needed);
2. ``go build -buildmode=c-shared ./capi`` in the neurodyn source tree that
   contains this directory (needs Go, a C compiler and libhdf5-dev);
3. the source tree's ``build/capi/libneurodyn.so`` (``make capi``), when Go is
   not installed.

The wheel is tagged py3-none-<platform>: the library is loaded with ctypes,
so any Python 3 on the platform can use it. build_editable (``pip install
-e``) installs a .pth file pointing at the source tree instead; the package
then finds the library as in the source tree.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sysconfig
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYDIR = HERE.parent  # python/
ROOT = PYDIR.parent  # the neurodyn source tree (when building from it)
PACKAGE = PYDIR / "neurodyn"
LIBNAME = "libneurodyn.so"


def _project() -> dict:
    """name, version, description, requires-python and dependencies from
    pyproject.toml (the few keys the metadata needs)."""
    text = (PYDIR / "pyproject.toml").read_text()
    proj = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def key(k):
        m = re.search(rf'^{re.escape(k)}\s*=\s*"([^"]*)"', proj, re.M)
        return m.group(1) if m else ""

    deps = re.search(r"^dependencies\s*=\s*\[(.*?)\]", proj, re.M | re.S)
    return {
        "name": key("name"),
        "version": key("version"),
        "summary": key("description"),
        "requires_python": key("requires-python"),
        "dependencies": re.findall(r'"([^"]+)"', deps.group(1)) if deps else [],
        "extras": _extras(text),
    }


def _extras(text: str) -> dict[str, list[str]]:
    """The table [project.optional-dependencies] of pyproject.toml: each
    extra's name and requirements, in file order. It reads the form this
    file uses (``name = ["req", ...]``, a list possibly over several lines);
    a line it cannot read is an error rather than an extra silently left
    out of the wheel's metadata."""
    m = re.search(r"^\[project\.optional-dependencies\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if not m:
        return {}
    body = re.sub(r"(?m)^\s*#.*$", "", m.group(1))
    out: dict[str, list[str]] = {}
    pos = 0
    entry = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*\[(.*?)\]\s*", re.S)
    while body[pos:].strip():
        e = entry.match(body, pos)
        if not e:
            line = body[pos:].strip().splitlines()[0]
            raise RuntimeError(f"neurodyn: pyproject.toml [project.optional-dependencies]: cannot read {line!r}")
        out[e.group(1)] = re.findall(r'"([^"]+)"', e.group(2))
        pos = e.end()
    return out


def _metadata() -> str:
    p = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {p['name']}",
        f"Version: {p['version']}",
        f"Summary: {p['summary']}",
    ]
    if p["requires_python"]:
        lines.append(f"Requires-Python: {p['requires_python']}")
    lines += [f"Requires-Dist: {d}" for d in p["dependencies"]]
    # Every extra of [project.optional-dependencies] (pip install
    # './python[interop]' installs what that extra lists).
    for extra, reqs in p["extras"].items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in reqs]
    readme = PYDIR / "README.md"
    if readme.is_file():
        lines.append("Description-Content-Type: text/markdown")
        return "\n".join(lines) + "\n\n" + readme.read_text()
    return "\n".join(lines) + "\n"


def _tag() -> str:
    return "py3-none-" + re.sub(r"[-.]", "_", sysconfig.get_platform())


def _dist_info(p: dict) -> str:
    return f"{p['name']}-{p['version']}.dist-info"


def _go_build(out: Path) -> None:
    # As mk/capi.mk: only neurodyn_* exported (capi/exports.map).
    script = ROOT / "capi" / "exports.map"
    cmd = [
        "go", "build", "-buildmode=c-shared",
        "-ldflags", f"-extldflags=-Wl,--version-script={script}",
        "-o", str(out), "./capi",
    ]  # fmt: skip
    env = dict(os.environ, CGO_ENABLED="1")
    print("neurodyn: building the library:", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, cwd=ROOT, env=env)
    if r.returncode != 0:
        raise RuntimeError(
            "neurodyn: `go build -buildmode=c-shared ./capi` failed (it needs Go >= 1.26, a C compiler and "
            "libhdf5-dev; or set NEURODYN_LIB to a built libneurodyn.so)"
        )


def _library(tmp: Path) -> Path:
    """Returns the path of the library to pack (see the module doc)."""
    env = os.environ.get("NEURODYN_LIB")
    if env:
        p = Path(env)
        if not p.is_file():
            raise RuntimeError(f"neurodyn: NEURODYN_LIB={env} is not a file")
        return p
    in_tree = (ROOT / "go.mod").is_file() and (ROOT / "capi").is_dir()
    if in_tree and shutil.which("go"):
        out = tmp / LIBNAME
        _go_build(out)
        return out
    built = ROOT / "build" / "capi" / LIBNAME
    if in_tree and built.is_file():
        return built
    raise RuntimeError(
        "neurodyn: no libneurodyn.so to pack: set NEURODYN_LIB to a built library, or build from the neurodyn "
        "source tree with Go installed"
    )


class _Wheel:
    """Writes a wheel and its RECORD."""

    def __init__(self, path: Path):
        self.zf = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.records: list[str] = []

    def add(self, name: str, data: bytes, mode: int = 0o644) -> None:
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zf.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.records.append(f"{name},sha256={digest},{len(data)}")

    def close(self, dist_info: str) -> None:
        self.records.append(f"{dist_info}/RECORD,,")
        info = zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0))
        self.zf.writestr(info, "\n".join(self.records) + "\n")
        self.zf.close()


def _write_dist_info(w: _Wheel, p: dict, tag: str) -> str:
    di = _dist_info(p)
    w.add(f"{di}/METADATA", _metadata().encode())
    w.add(f"{di}/WHEEL", f"Wheel-Version: 1.0\nGenerator: neurodyn_backend\nRoot-Is-Purelib: false\nTag: {tag}\n".encode())
    w.add(f"{di}/top_level.txt", b"neurodyn\n")
    return di


# ---- PEP 517 / PEP 660 hooks ----------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    p = _project()
    di = Path(metadata_directory) / _dist_info(p)
    di.mkdir(parents=True, exist_ok=True)
    (di / "METADATA").write_text(_metadata())
    (di / "WHEEL").write_text(f"Wheel-Version: 1.0\nGenerator: neurodyn_backend\nRoot-Is-Purelib: false\nTag: {_tag()}\n")
    (di / "top_level.txt").write_text("neurodyn\n")
    return di.name


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    p = _project()
    tag = _tag()
    name = f"{p['name']}-{p['version']}-{tag}.whl"
    with tempfile.TemporaryDirectory() as tmp:
        lib = _library(Path(tmp))
        w = _Wheel(Path(wheel_directory) / name)
        for f in sorted(PACKAGE.rglob("*.py")):
            if "__pycache__" not in f.parts and "_lib" not in f.relative_to(PACKAGE).parts:
                w.add("neurodyn/" + f.relative_to(PACKAGE).as_posix(), f.read_bytes())
        w.add(f"neurodyn/_lib/{LIBNAME}", lib.read_bytes(), 0o755)
        header = ROOT / "capi" / "include" / "neurodyn.h"
        if header.is_file():
            w.add("neurodyn/_lib/neurodyn.h", header.read_bytes())
        w.close(_write_dist_info(w, p, tag))
    return name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    p = _project()
    tag = _tag()
    name = f"{p['name']}-{p['version']}-{tag}.whl"
    w = _Wheel(Path(wheel_directory) / name)
    w.add("neurodyn_editable.pth", (str(PYDIR) + "\n").encode())
    w.close(_write_dist_info(w, p, tag))
    return name


def build_sdist(sdist_directory, config_settings=None):
    """The Python sources only: a wheel built from this sdist needs
    NEURODYN_LIB (the Go sources are not in it)."""
    p = _project()
    base = f"{p['name']}-{p['version']}"
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as tf:

        def add(path: Path, arc: str):
            data = path.read_bytes()
            ti = tarfile.TarInfo(f"{base}/{arc}")
            ti.size, ti.mtime, ti.mode = len(data), 0, 0o644
            tf.addfile(ti, io.BytesIO(data))

        for rel in ["pyproject.toml", "README.md", "_backend/neurodyn_backend.py"]:
            if (PYDIR / rel).is_file():
                add(PYDIR / rel, rel)
        for f in sorted(PACKAGE.rglob("*.py")):
            if "__pycache__" not in f.parts:
                add(f, "neurodyn/" + f.relative_to(PACKAGE).as_posix())
        meta = _metadata().encode()
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size, ti.mtime, ti.mode = len(meta), 0, 0o644
        tf.addfile(ti, io.BytesIO(meta))
    return name
