# e2e_trace_wait.sh — a call that waits on nothing, and --timeout.
# tests/trace/recv_first.c (cc -g -O0) is the classic client's trap: it
# calls recv() before send() against the lab's HTTP server, which waits
# for the request, so each waits for the other.  sockscope must show the
# recv at its line as still waiting, with how long, with nothing on the
# wire, never show the send that is never reached, end the program at
# --timeout (exit 124) and say which call was waiting; nothing of the
# program may be left running.  The default timeout is said in the usage.
# Skips (77) without a C compiler or when ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
cc -g -O0 -o "$dir/recv_first" "$src/recv_first.c" || { fail "cc could not build recv_first.c"; finish; }
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac
cap=$(trace_capture "$bin")
echo "note: tracing with --capture $cap"
expect_in "$("$bin" trace --help)" "end the program after S seconds (default 60); exit status 124" \
	"the usage says the default timeout (60 s)"

L() { grep -n "@$1 \*/" "$src/recv_first.c" | cut -d: -f1; }
"$bin" trace --capture "$cap" --timeout 2 --serve http -- "$dir/recv_first" '{port}' > "$dir/w.out" 2> "$dir/w.err"; rc=$?
cat "$dir/w.out" "$dir/w.err"
[ $rc -eq 124 ] && pass "ended by --timeout: exit 124" || fail "exit $rc"
recv=$(grep "^recv_first.c:$(L recv)  recvfrom(" "$dir/w.out")
[ -n "$recv" ] && pass "the recv is shown at recv_first.c:$(L recv)" || fail "no recvfrom at line $(L recv)"
printf '%s\n' "$recv" | grep -q ') = ? <still waiting after [0-9]*\.[0-9] s when the trace ended>$' \
	&& pass "it is shown as still waiting, with how long" || fail "not shown as waiting: $recv"
# The 2 s count from the program's start, and the socket and connect
# before the recv take their share (a tenth of a second or more on a loaded
# machine): the recv waited from its start to the timeout, so 1.0-2.0 s.
tenths=$(printf '%s\n' "$recv" | sed -n 's/.*still waiting after \([0-9]*\)\.\([0-9]\) s.*/\1\2/p')
[ -n "$tenths" ] && [ "$tenths" -ge 10 ] && [ "$tenths" -le 20 ] \
	&& pass "it waited until the timeout ($tenths tenths of a second)" \
	|| fail "waited '$tenths' tenths of a second, not until the 2 s of --timeout"
after=$(awk -v head="recv_first.c:$(L recv)  " 'index($0, head) == 1 { on = 1; next } /^[^ ]/ { on = 0 } on' \
	"$dir/w.out")
[ "$after" = "    (nothing on the wire)" ] && pass "nothing on the wire while it waited" \
	|| fail "recv's block: $after"
expect_not_in "$(cat "$dir/w.out")" "recv_first.c:$(L send)" "the send after it is never reached"
expect_in "$(cat "$dir/w.err")" \
	"did not finish within 2 s (--timeout): ended it; recvfrom() at recv_first.c:$(L recv) had waited" \
	"the end names the waiting call and its line"
mode=$(sed -n 's/^sockscope trace: capturing on //p' "$dir/w.err")
if [ -n "$mode" ]; then
	conn=$(awk -v head="recv_first.c:$(L connect)  " 'index($0, head) == 1 { on = 1; next } /^[^ ]/ { on = 0 } on' \
		"$dir/w.out" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ')
	[ "$conn" = "S S. . " ] && pass "connect got the handshake" || fail "connect's flags: '$conn'"
	tail=$(sed -n '/^-- the program.s end/,$p' "$dir/w.out")
	printf '%s\n' "$tail" | grep -q 'Flags \[F\.\]' && pass "its socket's FIN comes at the program's end" \
		|| fail "no FIN at the program's end: $tail"
	[ "$(grep -c 'HTTP: ' "$dir/w.out")" -eq 0 ] && pass "no HTTP on the wire at all" || fail "HTTP was sent"
else
	echo "note: no capture here: packets not checked"
fi
left=""
for p in /proc/[0-9]*; do
	exe=$(readlink "$p/exe" 2>/dev/null) || continue
	[ "$exe" = "$dir/recv_first" ] && left="$left ${p#/proc/}"
done
[ -z "$left" ] && pass "no process of it is left" || fail "processes left:$left"
finish
