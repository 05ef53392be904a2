# e2e_check_lessons.sh — `sockscope check-lessons` accepts the shipped
# lessons, reports a broken file as file:line: message with exit status 1,
# and a broken file does not hide the good ones from `list`.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

out=$("$bin" check-lessons "$src/lessons"); rc=$?
[ $rc -eq 0 ] && pass "shipped lessons are valid" || { echo "$out"; fail "check-lessons: exit $rc"; }
expect_in "$out" "0 with errors" "no errors reported"

cp "$src/lessons/02-tcp-basics.lesson" "$tmp/"
mkdir "$tmp/programs" && cp -r "$src/lessons/programs/02-tcp-basics" "$tmp/programs/"   # the programs its steps name
printf 'title: Broken\n\nstep: One\nclient: conect\n' > "$tmp/02-broken.lesson"
out=$("$bin" check-lessons "$tmp"); rc=$?
[ $rc -eq 1 ] && pass "exit status 1 with a broken lesson" || fail "exit status $rc"
expect_in "$out" "ERROR   $tmp/02-broken.lesson:4: unknown action 'conect' for the client" "file:line and what is wrong"
expect_in "$out" "ok      tcp-basics" "the good lesson is still ok"

list=$("$bin" list --lessons="$tmp" 2>&1)
expect_in "$list" "TCP from socket() to close()" "list still offers the good lesson"
expect_in "$list" "02-broken.lesson:4:" "and names the broken one"

out=$("$bin" lesson nosuch --headless --lessons="$tmp" 2>&1); rc=$?
[ $rc -eq 2 ] && pass "unknown lesson: exit status 2" || fail "unknown lesson: exit $rc"
expect_in "$out" "no lesson 'nosuch'" "unknown lesson named"
finish
