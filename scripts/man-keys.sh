#!/bin/sh
# man-keys.sh — write the man page's KEYS tables anew from the screens' own
# key tables (sockscope keys --man), between the BEGIN/END KEYS markers of
# docs/sockscope.1.  tests/e2e_tui_keys.sh fails when they differ.
# Usage: scripts/man-keys.sh [path/to/sockscope]   (default: build/sockscope)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/sockscope}
man=docs/sockscope.1
gen=$(mktemp)
out=$(mktemp)
trap 'rm -f "$gen" "$out"' EXIT
"$bin" keys --man >"$gen"
grep -q '^\.\\" BEGIN KEYS' "$man" && grep -q '^\.\\" END KEYS' "$man" ||
	{ echo "man-keys.sh: no BEGIN/END KEYS markers in $man" >&2; exit 1; }
awk -v gen="$gen" '
	/^\.\\" BEGIN KEYS/ { print; while ((getline l < gen) > 0) print l; skip = 1; next }
	/^\.\\" END KEYS/ { skip = 0 }
	!skip { print }
' "$man" >"$out"
cat "$out" >"$man"
