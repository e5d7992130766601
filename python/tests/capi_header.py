"""Parses capi/include/neurodyn.h into function prototypes, for the tests that
check the bindings against the header and throw malformed inputs at every
function."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "capi" / "include" / "neurodyn.h"


@dataclass
class Param:
    type: str  # normalized C type, e.g. "const char *", "double *", "int64_t"
    name: str

    @property
    def code(self) -> str:
        """The argument code of neurodyn._capi.PROTOTYPES."""
        t = self.type
        if t == "neurodyn_handle":
            return "h"
        if t == "const char *":
            return "s"
        if t.endswith("*"):
            return "p"
        return {"int64_t": "i", "int32_t": "w", "uint64_t": "u", "double": "d", "int": "n"}[t]


@dataclass
class Function:
    ret: str
    name: str
    params: list[Param]

    @property
    def sig(self) -> str:
        return "".join(p.code for p in self.params)


_PROTO = re.compile(r"^([A-Za-z_][\w ]*?\s*\*?)\s*(neurodyn_\w+)\s*\(([^)]*)\)\s*;", re.M | re.S)


def _norm(t: str) -> str:
    t = " ".join(t.replace("*", " * ").split())
    return t.replace(" *", " *").replace("* ", "*").replace(" *", " *")


def parse(path: Path = HEADER) -> list[Function]:
    """Returns the functions declared in the header, in order."""
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out = []
    for m in _PROTO.finditer(text):
        ret = " ".join(m.group(1).split())
        params = []
        args = " ".join(m.group(3).split())
        if args and args != "void":
            for a in args.split(","):
                a = a.strip()
                mm = re.match(r"^(.*?)(\w+)$", a)
                typ = mm.group(1).strip()
                typ = re.sub(r"\s*\*\s*", " *", typ).strip()
                params.append(Param(typ, mm.group(2)))
        out.append(Function(ret, m.group(2), params))
    return out
