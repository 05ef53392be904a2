# e2e_trace_refused.sh — `sockscope trace` where ptrace is refused: it says
# which setting refuses it and falls back to the capture alone, the
# program's packets shown without per-call attribution (and said so).
# The refusal is made without touching the machine's settings: the test
# builds tests/trace/noptrace.c, a wrapper that installs a seccomp filter
# under which ptrace() fails with EPERM (as a container's profile does),
# and starts sockscope under it.  The program is tests/trace/http_client.c
# against --serve http (in the trace's capture, so also without root).
# Checked: the reason names the seccomp filter; the fallback is said; the
# client runs to its end (exit 0, its answer read); every packet of the
# exchange is shown (handshake, the request, the answer, both FINs) under
# the one heading, and no call line; --write keeps them with a comment
# saying they are not told apart; --timeout still ends a program that
# never does (exit 124, nothing left).
# Skips (77) without a C compiler.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
for p in http_client noptrace forever; do
	cc -g -O0 -o "$dir/$p" "$src/$p.c" || { fail "cc could not build $p.c"; finish; }
done
capture=$(trace_capture "$bin")
# LeakSanitizer stops the world with ptrace at exit: where ptrace is
# refused (what this test makes happen) it cannot run, so a sanitizer
# build of sockscope is told not to try here (ASan itself stays on).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

"$dir/noptrace" "$bin" trace --capture "$capture" --timeout 20 --write "$dir/t.pcapng" --serve http -- \
	"$dir/http_client" '{port}' > "$dir/out" 2> "$dir/err"; rc=$?
out=$(cat "$dir/out"); err=$(cat "$dir/err")
case $err in
*"no capture"*) echo "SKIP: no capture here: $err"; exit 77 ;;
esac
[ $rc -eq 0 ] && pass "the client still runs to its end: exit 0" || fail "exit $rc: $err"
expect_in "$err" "the program cannot be traced: a seccomp filter on sockscope refuses ptrace" \
	"which setting refuses ptrace is said"
expect_in "$err" "running it untraced: its packets are shown as the capture saw them, not told apart by call" \
	"the fallback is said"
expect_in "$out" "received 333 bytes" "the client got the whole answer"
expect_in "$out" "-- the program's packets (ptrace is refused: not told apart by call):" "one heading for them all"
pk=$(printf '%s\n' "$out" | grep '^    [ 0-9]*[0-9]  [0-9]')
shape=$(printf '%s\n' "$pk" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | head -3 | tr '\n' ' ')
[ "$shape" = "S S. . " ] && pass "the handshake is there, in order" || fail "the first flags: '$shape'"
[ "$(printf '%s\n' "$pk" | grep -c 'HTTP: GET / HTTP/1.1')" -eq 1 ] && pass "the request, once" \
	|| fail "the request is not shown once"
[ "$(printf '%s\n' "$pk" | grep -c 'HTTP: HTTP/1.1 200 OK')" -eq 1 ] && pass "the answer, once" \
	|| fail "the answer is not shown once"
# The client's FIN always; the lab server's answers it and may come after
# the untraced program's end has closed the capture (seen under ASan at
# -j2): untraced.c does not wait for the other end yet (issue 15's note).
fins=$(printf '%s\n' "$pk" | grep -c 'Flags \[F\.\]')
[ "$fins" -ge 1 ] && [ "$fins" -le 2 ] && pass "the client's FIN ($fins FINs)" || fail "$fins FINs"
printf '%s\n' "$out" | grep -q '^[a-z_]*(\|^[a-z_./]*\.c:[0-9]*  ' && fail "a call line is shown: no call was seen" \
	|| pass "no call line (none was seen)"
if command -v tshark > /dev/null 2>&1; then
	n=$(tshark -r "$dir/t.pcapng" -T fields -e frame.comment 2> /dev/null | grep -c '^ptrace refused: not told apart by call$')
	[ "$n" -eq "$(printf '%s\n' "$pk" | grep -c .)" ] && pass "--write: the $n packets, each commented so" \
		|| fail "--write: $n packets commented 'ptrace refused', $(printf '%s\n' "$pk" | grep -c .) shown"
fi

# --timeout ends it untraced too, and nothing of it is left.
"$dir/noptrace" "$bin" trace --capture "$capture" --timeout 1 -- "$dir/forever" > "$dir/out" 2> "$dir/err"; rc=$?
[ $rc -eq 124 ] && pass "--timeout 1 ends the untraced program: exit 124" || fail "--timeout exits $rc"
expect_in "$(cat "$dir/err")" "did not finish within 1 s (--timeout): ended it" "the timeout is said"
left=""
for p in /proc/[0-9]*; do
	exe=$(readlink "$p/exe" 2>/dev/null) || continue
	[ "$exe" = "$dir/forever" ] && left="$left ${p#/proc/}"
done
[ -z "$left" ] && pass "no process of it is left" || fail "processes left:$left"
finish
