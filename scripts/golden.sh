#!/bin/sh
# golden.sh [BIN] — rewrite the expected files of tests/golden/TESTLIST from
# BIN (default build/sockscope): the one command to regenerate the
# dissector's goldens after a change.  Review `git diff tests/golden` as
# code before committing: each line must be what the RFC says.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/sockscope}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export TZ=UTC
python3 tests/tshark_pcaps.py "$dir"
while read -r name input expected opts; do
	case $name in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	"$bin" inspect "$dir/$input" $opts > "tests/golden/$expected" 2>&1 || true
	echo "golden: $expected"
done < tests/golden/TESTLIST
