"""Malformed inputs at every exported C function, without a crash: runs
capi_fuzz.py in a child process (a crash there fails this test with its
signal instead of killing pytest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import capi_header
from capi_util import PYDIR

HERE = Path(__file__).resolve().parent


def test_fuzz_every_function(tmp_path):
    # The fuzz passes arbitrary strings (JSON texts among them) where paths are
    # expected; it runs in a scratch directory so that the files some calls
    # legitimately create land there, not in the source tree.
    env = dict(os.environ, PYTHONPATH=str(PYDIR))
    r = subprocess.run(
        [sys.executable, str(HERE / "capi_fuzz.py"), "--seed", "7", "--random", "500"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
    )
    assert r.returncode == 0, f"fuzz exited with {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    lines = r.stdout.splitlines()
    print("\n".join(lines))
    covered = set(lines[1].split()[2:])
    declared = {f.name.replace("neurodyn_", "") for f in capi_header.parse()}
    assert covered == declared
    assert f"fuzz: {len(declared)} functions" in lines[0]
