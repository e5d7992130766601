#!/usr/bin/env bash
# check-disk.sh: warn, before a long run, when the disks it writes to are
# nearly full. A cold `make test` (fresh clone, empty caches) writes about
# 2.5 GB: Go's build cache 1.3 GB, Go modules 0.2 GB, the test venv .venv
# 0.5 GB, build/ 0.5 GB (NEST's venv 0.3 GB of it); Debian packages it installs
# come on top. Running out part-way fails with ENOSPC far from the cause, so
# this says so up front. It only warns: warm caches need much less.
#
# Usage: scripts/check-disk.sh [NEED_MB]   (default 3000)
set -euo pipefail
cd "$(dirname "$0")/.."
need_mb=${1:-3000}
case "$need_mb" in
'' | *[!0-9]*) echo "check-disk.sh: NEED_MB must be a whole number of MB, got '$need_mb'" >&2; exit 2 ;;
esac
gocache=$(go env GOCACHE 2>/dev/null || true)
gomod=$(go env GOMODCACHE 2>/dev/null || true)
seen=""
for dir in "$PWD" "$gocache" "$gomod" "${TMPDIR:-/tmp}"; do
	[ -n "$dir" ] || continue
	# The nearest existing ancestor decides which file system the path is on.
	d=$dir
	while [ ! -e "$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done
	fs=$(df -P "$d" | awk 'NR == 2 {print $6}')
	case " $seen " in *" $fs "*) continue ;; esac
	seen="$seen $fs"
	avail_mb=$(df -Pm "$d" | awk 'NR == 2 {print $4}')
	if [ "$avail_mb" -lt "$need_mb" ]; then
		echo "warning: only ${avail_mb} MB free on $fs (holding $dir); a cold make test writes about ${need_mb} MB" >&2
		echo "  (Go's build cache: go clean -cache; old venvs: rm -rf .venv build)" >&2
	fi
done
exit 0
