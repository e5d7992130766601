#!/usr/bin/env bash
# ensure-venv.sh: create (once) the project's Python virtual environment in
# .venv and install python/requirements-test.txt into it. Prints the path of
# the venv's python on stdout.
#
# Environment: PYTHON (default python3) chooses the interpreter; VENV (default
# .venv) the directory; REQ (default python/requirements-test.txt) the
# requirements file (bench/torch/requirements-torch2.txt for build/torch2).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
REQ=${REQ:-python/requirements-test.txt}
stamp="$VENV/.neurodyn-req"
if ! command -v "$PY" >/dev/null 2>&1; then
	scripts/ensure-deps.sh python >&2
fi
if [ ! -x "$VENV/bin/python" ]; then
	if ! "$PY" -m venv "$VENV" >&2; then
		scripts/ensure-deps.sh python >&2
		rm -rf "$VENV"
		"$PY" -m venv "$VENV" >&2
	fi
fi
if [ ! -f "$stamp" ] || ! cmp -s "$REQ" "$stamp"; then
	"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" >&2
	cp "$REQ" "$stamp"
fi
echo "$PWD/$VENV/bin/python"
