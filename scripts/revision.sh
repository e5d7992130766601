#!/bin/sh
# Prints the source revision `make build` links into neurodyn
# (internal/buildinfo.revision): the commit of HEAD, followed by "+dirty"
# when the working tree differs from it — modified or deleted tracked files,
# staged changes, or untracked files that are not ignored (a new .go file
# changes the binary as much as an edit does; `git diff` misses it) — and
# "unknown" outside a git checkout. Run from the repository's root (the
# Makefile's directory).
rev=$(git rev-parse HEAD 2>/dev/null) || { echo unknown; exit 0; }
if [ -n "$(git status --porcelain --untracked-files=normal 2>/dev/null)" ]; then
	rev="$rev+dirty"
fi
echo "$rev"
