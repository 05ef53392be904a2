# e2e_soak.sh — `sockscope soak 2`: every lesson over IPv4 and IPv6, twice,
# in one process: every claim holds each time, and the open file
# descriptors, threads, child processes and heap after the last round are
# those after the first.  (The 200-round run is documented in
# docs/reliability.md; CI runs two, as rounds take seconds each.)
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
out=$("$bin" soak 2 2>&1); rc=$?
echo "$out"
[ $rc -eq 0 ] && pass "soak 2 exits 0" || fail "soak 2 exits $rc"
expect_in "$out" "soak: 2 rounds of " "it ran the rounds"
expect_in "$out" "soak: nothing grew; 0 failed runs" "nothing grew and every run passed"
f1=$(printf '%s\n' "$out" | sed -n 's/^after round 1: \([0-9]*\) fds, \([0-9]*\) threads.*/\1 \2/p')
f2=$(printf '%s\n' "$out" | sed -n 's/^after round 2 .*: \([0-9]*\) fds, \([0-9]*\) threads.*/\1 \2/p')
[ -n "$f1" ] && [ "$f1" = "$f2" ] && pass "fds and threads after round 1 = after round 2 ($f1)" ||
	fail "fds/threads: '$f1' then '$f2'"
expect_in "$out" "0 child processes, heap" "no child process is left behind"
finish
