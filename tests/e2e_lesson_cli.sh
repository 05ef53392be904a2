# e2e_lesson_cli.sh — issue 13, the lesson command line: a lesson named by
# its number or a unique prefix of its id, numbers in `sockscope list`,
# --record on an interactive run (the tmux part is e2e_tui_content.sh),
# and the calls of every step named in its code (check-lessons).
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# ---- lessons by number and by prefix
list=$("$bin" list)
n11=$(printf '%s\n' "$list" | awk '$1 == 11 { print $2 }')
[ -n "$n11" ] && pass "item lookup: sockscope list numbers the lessons (11 is $n11)" ||
	fail "item lookup: no lesson numbered 11 in: $list"
out=$("$bin" lesson 11 --headless --capture=none 2>&1); rc=$?
[ $rc -eq 0 ] && pass "item lookup: sockscope lesson 11 runs" || fail "item lookup: lesson 11: exit $rc: $out"
expect_in "$out" "($n11)" "item lookup: lesson 11 is the 11th of the list"
out=$("$bin" lesson tcp --headless --capture=none 2>&1)
expect_in "$out" "(tcp-basics)" "item lookup: a unique prefix (tcp) names tcp-basics"
out=$("$bin" lesson s --headless --capture=none 2>&1); rc=$?
[ $rc -eq 2 ] && pass "item lookup: an ambiguous prefix is refused (exit 2)" || fail "item lookup: ambiguous: exit $rc"
expect_in "$out" "'s' could be any of:" "item lookup: an ambiguous prefix says so"
expect_in "$out" "stream-vs-datagram" "item lookup: and lists the candidates (stream-vs-datagram)"
expect_in "$out" "security" "item lookup: and lists the candidates (security)"
expect_not_in "$out" "tcp-basics" "item lookup: and only them"
out=$("$bin" lesson nosuch --headless 2>&1); rc=$?
[ $rc -eq 2 ] && pass "item lookup: an unknown id: exit 2" || fail "item lookup: unknown: exit $rc"
expect_in "$out" "no lesson 'nosuch'" "item lookup: an unknown id is named"
expect_in "$out" "11 tcp-basics" "item lookup: and the lessons there are are listed, numbered"
out=$("$bin" lesson 99 --headless 2>&1); rc=$?
[ $rc -eq 2 ] && pass "item lookup: a number past the last: exit 2" || fail "item lookup: 99: exit $rc"
expect_in "$out" "no lesson number 99" "item lookup: a number past the last is named"
last=$(printf '%s\n' "$list" | awk 'END { print $2 }')
nlast=$(printf '%s\n' "$list" | awk 'END { print $1 }')
out=$(printf 'a\n' | "$bin" quiz "$nlast" 2>&1)
expect_in "$out" "1. " "item lookup: sockscope quiz takes a number ($nlast: $last)"
out=$(printf 'a\n' | "$bin" quiz tcp 2>&1)
expect_in "$out" "score:" "item lookup: sockscope quiz takes a prefix"
out=$("$bin" quiz zzz 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "no lesson 'zzz'" "item lookup: quiz names an unknown id" ||
	fail "item lookup: quiz zzz: exit $rc"
"$bin" lesson 11 --handout="$tmp/h.md" --capture=none > /dev/null 2>&1
grep -q "TCP from socket() to close()" "$tmp/h.md" 2>/dev/null &&
	pass "item lookup: --handout takes a number" || fail "item lookup: handout of lesson 11 not written"
finish
