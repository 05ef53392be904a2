# e2e_golden.sh — the dissector's goldens (tests/golden/TESTLIST): every
# row's capture, written by tests/tshark_pcaps.py, is decoded with the row's
# options and must print exactly the expected file.  scripts/golden.sh
# rewrites the expected files.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 > /dev/null || { echo "SKIP: python3 writes the captures"; exit 77; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export TZ=UTC
python3 "$here/tshark_pcaps.py" "$dir" || fail "tshark_pcaps.py failed"
rows=0
while read -r name input expected opts; do
	case $name in ''|'#'*) continue ;; esac
	rows=$((rows + 1))
	# shellcheck disable=SC2086
	"$bin" inspect "$dir/$input" $opts > "$dir/$name.out" 2>&1
	if cmp -s "$here/golden/$expected" "$dir/$name.out"; then
		pass "$name: inspect $input $opts prints golden/$expected"
	else
		fail "$name: inspect $input $opts differs from golden/$expected (scripts/golden.sh rewrites it):
$(diff -u "$here/golden/$expected" "$dir/$name.out" | head -40)"
	fi
done < "$here/golden/TESTLIST"
[ $rows -ge 10 ] && pass "$rows rows in TESTLIST" || fail "only $rows rows read from TESTLIST"
finish
