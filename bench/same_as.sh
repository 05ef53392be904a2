#!/bin/sh
# same_as.sh — does a faster build print what an older one printed?  Runs
# `inspect --print` (each --time mode, -f tcp, -s ack) and `--detail` of
# the first, middle and last packet with both binaries on every capture
# given (files or directories) and on the tests' hand-built captures, and
# names every difference.  For speed work, which must not change a byte.
#
#   bench/same_as.sh OLD_BINARY NEW_BINARY [CAPTURE|DIR...]
set -u
old=${1:?usage: $0 OLD_BINARY NEW_BINARY [CAPTURE|DIR...]}
new=${2:?usage: $0 OLD_BINARY NEW_BINARY [CAPTURE|DIR...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
mkdir "$tmp/caps"
for g in tshark_pcaps.py tshark_links.py inspect_pcaps.py; do
	python3 "$here/../tests/$g" "$tmp/caps" > /dev/null || echo "note: $g failed"
done
cp "$here"/../lessons/recordings/*.pcapng "$here"/../tests/data/* "$tmp/caps/" 2> /dev/null
runs=0 diffs=0
one() {   # one FILE OPTS...
	f=$1; shift
	"$old" inspect "$f" "$@" > "$tmp/o" 2>&1; a=$?
	"$new" inspect "$f" "$@" > "$tmp/n" 2>&1; b=$?
	runs=$((runs + 1))
	if [ $a -ne $b ] || ! cmp -s "$tmp/o" "$tmp/n"; then
		diffs=$((diffs + 1))
		echo "DIFFERS: $f $* (status $a, $b)"
		diff "$tmp/o" "$tmp/n" | head -6
	fi
}
for arg in "$tmp/caps" "$@"; do
	if [ -d "$arg" ]; then set -- "$arg"/*; else set -- "$arg"; fi
	for f in "$@"; do
		[ -f "$f" ] || continue
		for t in rel abs delta; do one "$f" --print --time $t; done
		one "$f" --print -f tcp
		one "$f" --print -s ack
		n=$("$old" inspect "$f" --print 2> /dev/null | wc -l)
		[ "$n" -gt 0 ] || continue
		for k in 1 $(( (n + 1) / 2 )) "$n"; do one "$f" --detail "$k"; done
	done
done
echo "$runs runs, $diffs differences"
[ $diffs -eq 0 ]
