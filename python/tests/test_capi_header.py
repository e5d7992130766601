"""The header, the library and the bindings agree: every function the header
declares is exported and bound with the same argument types, the library
exports nothing else, and the version numbers match."""

from __future__ import annotations

import re
import shutil
import subprocess

import capi_header
import pytest
from capi_util import PYDIR, ROOT, nd

from neurodyn import _capi


def test_bindings_match_header():
    funcs = capi_header.parse()
    assert len(funcs) >= 70
    names = {f.name for f in funcs}
    assert names == set(_capi.PROTOTYPES) | set(_capi.SPECIAL)
    for f in funcs:
        if f.name in _capi.PROTOTYPES:
            assert f.ret == "int", f.name
            assert _capi.PROTOTYPES[f.name] == f.sig, f.name


@pytest.mark.skipif(shutil.which("nm") is None, reason="needs nm (binutils)")
def test_library_exports_exactly_the_header():
    out = subprocess.run(["nm", "-D", "--defined-only", str(nd.find_library())], capture_output=True, text=True, check=True)
    exported = {l.split()[-1] for l in out.stdout.splitlines() if l.split()[-1].startswith("neurodyn_")}
    assert exported == {f.name for f in capi_header.parse()}


def test_versions_agree():
    header = capi_header.HEADER.read_text()
    abi = int(re.search(r"#define NEURODYN_ABI_VERSION (\d+)", header).group(1))
    assert abi == nd.ABI_VERSION == _capi.lib().neurodyn_abi_version()
    go = re.search(r'const Version = "([^"]+)"', (ROOT / "internal/buildinfo/buildinfo.go").read_text()).group(1)
    py = re.search(r'^version = "([^"]+)"', (PYDIR / "pyproject.toml").read_text(), re.M).group(1)
    assert nd.version() == go == py
    assert f"abiVersion = {abi}" in (ROOT / "capi/library.go").read_text()


def test_documented_presets():
    # The header's comment on neurodyn_presets and presets()' docstring name
    # every preset the library has.
    header = capi_header.HEADER.read_text()
    comment = re.search(r"/\*([^/]*?)\*/\s*int neurodyn_presets\(", header).group(1)
    listed = set(re.findall(r'"([a-z0-9_]+)"', comment))
    assert listed == set(nd.presets())
    doc = nd.presets.__doc__
    assert all(name in doc for name in nd.presets())
