#!/usr/bin/env bash
# ensure-venv.sh: create (once) the project's Python virtual environment in
# .venv and install python/requirements-test.txt into it.
#
# Usage: scripts/ensure-venv.sh            prints the path of the venv's python
#        scripts/ensure-venv.sh ARGS...    runs the venv's python with ARGS
#                                          (e.g. -m pytest -q python/tests)
# Either way a failed install exits non-zero with a message saying why, so a
# Makefile recipe stops there instead of running an empty command.
#
# Environment: PYTHON (default python3) chooses the interpreter; VENV (default
# .venv) the directory; REQ (default python/requirements-test.txt) the
# requirements file (bench/torch/requirements-torch2.txt for build/torch2).
set -euo pipefail
caller_dir=$PWD
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
		if ! "$PY" -m venv "$VENV" >&2; then
			echo "ensure-venv.sh: '$PY -m venv $VENV' failed (its message is above); free disk there: $(df -h --output=avail . 2>/dev/null | tail -1 | tr -d ' ')" >&2
			rm -rf "$VENV"
			exit 1
		fi
	fi
fi
if [ ! -f "$stamp" ] || ! cmp -s "$REQ" "$stamp"; then
	rm -f "$stamp"
	# --no-cache-dir: the wheels are installed once per venv, so pip's cache
	# would only double the disk the install takes.
	if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-cache-dir -r "$REQ" >&2; then
		{
			echo "ensure-venv.sh: installing $REQ into $VENV failed (pip's message is above)."
			echo "  free disk where the venv lives: $(df -h --output=avail "$VENV" 2>/dev/null | tail -1 | tr -d ' ')"
			echo "  PyPI must be reachable, or set PIP_INDEX_URL to a mirror; a venv left half-made: rm -rf $VENV"
		} >&2
		exit 1
	fi
	cp "$REQ" "$stamp"
fi
case "$VENV" in
/*) py="$VENV/bin/python" ;;
*) py="$PWD/$VENV/bin/python" ;;
esac
if [ $# -gt 0 ]; then
	cd "$caller_dir"
	exec "$py" "$@"
fi
echo "$py"
