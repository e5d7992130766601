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
