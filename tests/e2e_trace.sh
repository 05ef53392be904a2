# e2e_trace.sh — `sockscope trace`: a real program, stopped at its real
# network calls, with the packets the real capture saw for each.
# A C client (tests/trace/http_client.c, built here with cc -g -O0) does
# one GET against `sockscope serve http`: its connect must get exactly the
# handshake (SYN, SYN/ACK, ACK, RFC 9293 3.5), its send the request and the
# server's ACK of it, its close its FIN; every call is shown at the line of
# the source file that makes it (found with grep -n, not written down).
# Then: a program that is not there (127), one that crashes (the signal and
# its line), one that never ends and leaves a child (--timeout: ended, said,
# nothing left), and curl (no debug info: call granularity, said once).
# Skips (77) when there is no C compiler, no capture on the host's
# loopback, or ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
serve_pid=""
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$dir"' EXIT

command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc) to build the test programs"; exit 77; }
for p in http_client crash forever; do
	cc -g -O0 -o "$dir/$p" "$src/$p.c" || { fail "cc could not build $p.c"; finish; }
done

# --- what needs neither capture nor a server ---
out=$("$bin" trace -- "$dir/no-such-program" 2>&1); rc=$?
[ $rc -eq 127 ] && pass "a program that is not there: exit 127" || fail "no-such-program exits $rc"
expect_in "$out" "cannot run '$dir/no-such-program': No such file or directory" "it says why"
out=$("$bin" trace -- no-such-program-in-path 2>&1); rc=$?
[ $rc -eq 127 ] && expect_in "$out" "'no-such-program-in-path' was not found in PATH" "not in PATH: 127, said" \
	|| fail "not in PATH exits $rc"
out=$("$bin" trace 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "which program?" "no program: usage, exit 2" || fail "no program exits $rc"
out=$("$bin" trace --timeout x -- true 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--timeout takes seconds" "a bad --timeout is refused" || fail "--timeout x exits $rc"

# Can this machine trace and capture?  (A program that makes one call.)
"$bin" trace --capture host -- "$dir/crash" > "$dir/probe.out" 2> "$dir/probe.err"
probe=$(cat "$dir/probe.out" "$dir/probe.err")
case $probe in
*"could not be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
*"no capture"*) echo "SKIP: no capture on the host's loopback (needs root or cap_net_raw): $probe"; exit 77 ;;
esac

# --- a crash: the signal, and the line it happened on ---
line=$(grep -n '@crash' "$src/crash.c" | cut -d: -f1)
"$bin" trace -- "$dir/crash" > "$dir/crash.out" 2> "$dir/crash.err"; rc=$?
out=$(cat "$dir/crash.out" "$dir/crash.err")
[ $rc -eq 139 ] && pass "a crash: exit 128 + SIGSEGV" || fail "the crash exits $rc"
expect_in "$out" "--- SIGSEGV (Segmentation fault) at crash.c:$line ---" "the fault is shown at its line ($line)"
expect_in "$out" "the program was killed by SIGSEGV (Segmentation fault)" "and the end says so"
expect_in "$out" "socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = " "its socket() was decoded"
expect_in "$out" "<UDP>" "as a UDP socket"

# --- a program that never ends, with a child: --timeout ends both ---
"$bin" trace --timeout 2 -- "$dir/forever" > "$dir/forever.out" 2> "$dir/forever.err"; rc=$?
out=$(cat "$dir/forever.out" "$dir/forever.err")
[ $rc -eq 124 ] && pass "--timeout 2: exit 124" || fail "--timeout exits $rc"
expect_in "$out" "the program did not finish within 2 s (--timeout): ended it and the processes it started" \
	"the timeout is said"
expect_in "$out" "fork() = " "its fork was followed"
left=""
for p in /proc/[0-9]*; do
	exe=$(readlink "$p/exe" 2>/dev/null) || continue
	[ "$exe" = "$dir/forever" ] && left="$left ${p#/proc/}"
done
[ -z "$left" ] && pass "no process of it is left (checked every /proc/PID/exe)" || fail "processes left:$left"

# --- the C client against the lab's HTTP server ---
start_serve "$bin" "$dir" http 1 || { fail "sockscope serve http did not start"; finish; }
serve_pid=$pid
"$bin" trace --timeout 20 -- "$dir/http_client" "$port" > "$dir/client.out" 2> "$dir/client.err"; rc=$?
cat "$dir/client.out" "$dir/client.err"
[ $rc -eq 0 ] && pass "the client exits 0 under trace" || fail "the traced client exits $rc"
expect_in "$(cat "$dir/client.err")" "the program exited with status 0" "its end is reported"
expect_in "$(cat "$dir/client.out")" "received 333 bytes" "it got the whole answer" 

# block NAME: the lines of the block of the call at the line marked @NAME
# in http_client.c (the call line and its packets, indented).
L() { grep -n "@$1" "$src/http_client.c" | cut -d: -f1; }
block() {
	awk -v head="http_client.c:$(L "$1")  " 'index($0, head) == 1 { on = 1; print; next }
		/^[^ ]/ { on = 0 } on' "$dir/client.out"
}
packets() { block "$1" | grep '^    ' | grep -v '(nothing on the wire)'; }
# The descriptor's number is whatever the test's runner left open below it.
fd=$(sed -n 's/.*  connect(\([0-9]*\)<TCP>, {AF_INET, 127\.0\.0\.1:'"$port"'}, 16) = 0$/\1/p' "$dir/client.out")
[ -n "$fd" ] && pass "connect is decoded: fd, address, length, result" || fail "no decoded connect line"
for c in socket connect send recv close; do
	[ -n "$(block $c)" ] && pass "$c is shown at http_client.c:$(L $c)" || fail "no call at http_client.c:$(L $c)"
done

# connect: exactly the three-way handshake, in order.
conn=$(packets connect)
[ "$(printf '%s\n' "$conn" | grep -c .)" -eq 3 ] && pass "connect got exactly 3 packets" \
	|| fail "connect got: $conn"
shape=$(printf '%s\n' "$conn" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ')
[ "$shape" = "S S. . " ] && pass "they are SYN, SYN/ACK, ACK" || fail "connect's flags: '$shape'"
client=$(printf '%s\n' "$conn" | sed -n '1s/.*  \(127\.0\.0\.1:[0-9]*\) > 127\.0\.0\.1:'"$port"' .*/\1/p')
[ -n "$client" ] && pass "the SYN goes from the client ($client) to the server's port $port" \
	|| fail "the first packet is not the client's SYN to $port"

# send: the request, and the server's ACK of all of it (29 bytes: ack 30).
snd=$(packets send)
printf '%s\n' "$snd" | head -1 | grep -q "$client > 127.0.0.1:$port .*length 29: HTTP: GET / HTTP/1.1" \
	&& pass "send's first packet is the request" || fail "send's packets: $snd"
printf '%s\n' "$snd" | grep -q "127.0.0.1:$port > $client .*Flags \[[.P]*\], .*ack 30," \
	&& pass "the server's ACK of the request is send's too" || fail "no ACK of the request in send's packets"
[ "$(grep -c 'HTTP: GET /' "$dir/client.out")" -eq 1 ] && pass "the request is shown once, nowhere else" \
	|| fail "the request is shown more than once"
# The server is another program: its answer is in whichever window it was
# sent in (send's, between the calls, or recv's), exactly once.
[ "$(grep -c 'HTTP: HTTP/1.1 200 OK' "$dir/client.out")" -eq 1 ] && pass "the answer is shown exactly once" \
	|| fail "the answer is not shown exactly once"
expect_in "$(block recv)" 'recvfrom('"$fd"'<TCP '"$client"'->127.0.0.1:'"$port"'>, "HTTP/1.1 200 OK\r\n' \
	"recv shows the first bytes it read"

# close: the client's FIN first, and the server acknowledges it.
cls=$(packets close)
printf '%s\n' "$cls" | head -1 | grep -q "$client > 127.0.0.1:$port .*Flags \[F\.\]" \
	&& pass "close's first packet is the client's FIN" || fail "close's packets: $cls"
printf '%s\n' "$cls" | grep -q "127.0.0.1:$port > $client .*Flags \[F*\.\], seq [0-9]*, ack 31," \
	&& pass "the server acknowledges the FIN within close" || fail "no ACK of the FIN in close's packets"
after=$(sed -n "/^http_client.c:$(L close)  close(/,\$p" "$dir/client.out")
printf '%s\n' "$after" | grep -q "127.0.0.1:$port > $client .*Flags \[F\.\]" \
	&& pass "the server's FIN follows (close's, or later)" || fail "no FIN from the server after close"
[ "$(grep -c '^    ' "$dir/client.out")" -ge 9 ] && pass "at least 9 packets in all" || fail "too few packets"
nbetween=$(grep -c '^-- between calls' "$dir/client.out")
echo "note: $nbetween 'between calls' sections"

# --- --ladder: the connection as a ladder, each arrow tagged with its call's line ---
"$bin" trace --headless --ladder --timeout 20 --serve http -- "$dir/http_client" '{port}' > "$dir/ladder.out" 2>&1
rc=$?
[ $rc -eq 0 ] && pass "--ladder: the client exits 0" || fail "--ladder: the traced client exits $rc"
lad=$(sed -n '/^ladder: /,$p' "$dir/ladder.out")
printf '%s\n' "$lad" | grep -Eq '^ladder: 127\.0\.0\.1:[0-9]+ <-> 127\.0\.0\.1:[0-9]+, [0-9]+ segments$' \
	&& pass "--ladder: one ladder, after the calls" || fail "--ladder: no ladder heading: $lad"
arrow() {   # arrow WHAT TAG: a row drawing WHAT, tagged TAG
	printf '%s\n' "$lad" | grep -Eq -- "$1.*\|  $2\$" && pass "--ladder: $1, tagged $2" \
		|| fail "--ladder: no arrow /$1/ tagged $2"
}
arrow ' 1 \|--- SYN seq 0 ' "http_client.c:$(L connect) connect\(\)"
arrow ' 2 \|<-- SYN,ACK seq 0 ack 1 ' "http_client.c:$(L connect) connect\(\)"
arrow ' 3 \|--- ACK seq 1 ack 1 ' "http_client.c:$(L connect) connect\(\)"
arrow '\|--- PSH,ACK seq 1 ack 1 len 29 ' "http_client.c:$(L send) sendto\(\)"
arrow '\|--- FIN,ACK seq 30 ack 334 ' "http_client.c:$(L close) close\(\)"

# --- curl: no debug info, call granularity ---
if command -v curl > /dev/null 2>&1; then
	# the first server's output file would give its (closed) port
	rm -f "$dir/http.out"
	start_serve "$bin" "$dir" http 1 || fail "sockscope serve http did not start (curl)"
	serve_pid=$pid
	"$bin" trace --timeout 20 -- curl -s -o /dev/null "http://127.0.0.1:$port/" > "$dir/curl.out" 2> "$dir/curl.err"
	rc=$?
	[ $rc -eq 0 ] && pass "curl exits 0 under trace" || fail "curl under trace exits $rc"
	[ "$(grep -c 'no debug info' "$dir/curl.err")" -eq 1 ] && pass "no debug info: said once" \
		|| fail "the missing debug info is not said exactly once: $(cat "$dir/curl.err")"
	out=$(cat "$dir/curl.out")
	grep '^-- the capture lost' "$dir/curl.out" && echo "note: the host's lo was too busy for the capture (above)"
	expect_in "$out" "connect(" "curl's connect is shown"
	expect_in "$out" "{AF_INET, 127.0.0.1:$port}" "with the server's address"
	expect_in "$out" "Flags [S]," "and a SYN among the packets"
	grep -q '^[a-z_0-9]*(' "$dir/curl.out" && pass "calls without lines start with the call" \
		|| fail "no call line"
	[ "$(grep -c 'HTTP: GET /' "$dir/curl.out")" -eq 1 ] && pass "curl's request is shown once" \
		|| fail "curl's request is not shown once"
else
	echo "note: curl is not installed: its check is left out"
fi
finish
