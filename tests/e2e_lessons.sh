# e2e_lessons.sh — every lesson's claims hold on the real kernel: each lesson
# runs headless with --check (its "expect:" lines are asserted against the
# capture and the calls' results) over IPv4, over IPv6, and once with each
# of its toggles switched on.  A failing claim names the lesson file and line.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp); trap 'rm -f "$out"' EXIT

run() {  # run ID WHAT ARGS...
	id=$1 what=$2; shift 2
	"$bin" lesson "$id" --headless --check --timeout-cap=2 "$@" > "$out" 2>&1
	rc=$?
	# A kernel that dropped packets on lo (another test flooding it) makes
	# a count wrong through no fault of the lesson; the run says so, and
	# the lesson gets one more run.
	if [ $rc -ne 0 ] && grep -q '^packets: the kernel dropped' "$out"; then
		grep '^packets: the kernel dropped' "$out" | head -1 >&2
		"$bin" lesson "$id" --headless --check --timeout-cap=2 "$@" > "$out" 2>&1
		rc=$?
	fi
	if [ $rc -eq 0 ]; then
		n=$(grep -c '^expect: .*: ok$' "$out")
		if [ "$n" -gt 0 ]; then pass "$id ($what): $n claims hold"
		else fail "$id ($what): the lesson checks nothing (no expect: lines ran)"; fi
	else
		grep -E 'FAILED|UNATTRIBUTED|sockscope:|== step' "$out" >&2
		fail "$id ($what): exit status $rc"
	fi
}

ids=$("$bin" list --lessons="$src/lessons" | awk '{print $2}')
[ -n "$ids" ] || fail "no lessons listed"
for id in $ids; do
	file=$(ls "$src"/lessons/*-"$id".lesson)
	grep -q '^step:' "$file" || { pass "$id: a quiz, no demo to check"; continue; }
	run "$id" "IPv4" -4
	grep -q '^toggle: ipv6' "$file" || run "$id" "IPv6" -6
	for t in $(sed -n 's/^toggle: \([^ ]*\).*/\1/p' "$file"); do
		run "$id" "toggle $t" --toggle="$t"
	done
done
finish
