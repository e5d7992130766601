"""pip install ./python: the in-tree build backend packs the library named
by NEURODYN_LIB, or builds it with Go, and the installed package loads the
copy inside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from capi_util import PYDIR, nd


def _install(target, env) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--disable-pip-version-check",
         "--target", str(target), str(PYDIR)],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def _check(target) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NEURODYN_LIB", "PYTHONPATH")}
    code = (
        "import neurodyn, sys; p = str(neurodyn.find_library()); "
        "assert p.startswith(sys.argv[1]), p; "
        "net = neurodyn.Network.preset('brunel', n=200, record=True); net.run(20.0); "
        "print(neurodyn.version(), p, net.spike_count('spikes:E'))"
    )
    site = [p for p in sys.path if p.endswith("site-packages")]
    env["PYTHONPATH"] = os.pathsep.join([str(target)] + site)
    r = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, env=env, cwd=str(target))
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_install_with_given_library(tmp_path):
    env = dict(os.environ, NEURODYN_LIB=str(nd.find_library()))
    _install(tmp_path, env)
    assert (tmp_path / "neurodyn" / "_lib" / "libneurodyn.so").is_file()
    assert (tmp_path / "neurodyn" / "_lib" / "neurodyn.h").is_file()
    out = _check(tmp_path)
    assert out.startswith(nd.version())


@pytest.mark.skipif(shutil.which("go") is None, reason="needs Go")
def test_install_builds_the_library(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NEURODYN_LIB"}
    _install(tmp_path, env)
    _check(tmp_path)


def _pyproject_extras() -> dict:
    """[project.optional-dependencies] of python/pyproject.toml, read by a
    TOML parser (tomllib, Python >= 3.11) or, before 3.11, by hand."""
    text = (PYDIR / "pyproject.toml").read_text()
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import re

        sec = text.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
        return {k: re.findall(r'"([^"]+)"', v) for k, v in re.findall(r"^(\w+)\s*=\s*\[(.*?)\]", sec, re.M | re.S)}
    return tomllib.loads(text)["project"]["optional-dependencies"]


def test_wheel_metadata_provides_every_extra(tmp_path):
    # pip install './python[interop]' installs an extra only when the
    # wheel's METADATA provides it: every extra of pyproject.toml must be
    # there with its requirements (the backend once wrote "plots" alone).
    import email.parser
    import zipfile

    env = dict(os.environ, NEURODYN_LIB=str(nd.find_library()))
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-index", "--disable-pip-version-check",
         "-w", str(tmp_path), str(PYDIR)],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = tmp_path.glob("neurodyn-*.whl")
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(z.read(name).decode())
    extras = _pyproject_extras()
    assert {"plots", "interop", "test"} <= set(extras)
    assert meta.get_all("Provides-Extra") == list(extras)
    dists = meta.get_all("Requires-Dist")
    for extra, reqs in extras.items():
        for req in reqs:
            assert f'{req}; extra == "{extra}"' in dists, (extra, req, dists)
    assert "numpy>=1.22" in dists
