# e2e_challenges_client.sh — the challenges in which the learner writes a
# client: udp-send (2, udp-sender), tcp-timeout (7, timeouts) and http-get
# (8, http-client).  Reference solutions in C and Python pass; a
# deliberately wrong one for each typical mistake fails with the right
# explanation; programs that never connect, hang, flood or send garbage get
# a verdict within their time.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
sol=$here/challenges
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
if ! "$bin" inspect -i lo --duration 0.1 > /dev/null 2>&1; then
	echo "SKIP: no capture here (the challenges judge what they capture)"; exit 77
fi
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the reference solutions"; exit 77; }
CC=${CC:-cc}

# check NAME CMD WANT_RC TEXT...: lib.sh's chal_check (CHAL_DIR: the challenges' directory).
check() { chal_check "$@"; }
# timed MAX NAME CMD TEXT...: a run that fails with every TEXT within MAX seconds.
timed() {
	max=$1; shift
	start=$(date +%s)
	check "$@"
	took=$(( $(date +%s) - start ))
	[ $took -le "$max" ] && pass "$2: the run took ${took} s (at most $max)" || fail "$2: the run took ${took} s, more than $max"
}
compile() {
	$CC -o "$dir/$1" "$sol/$1.c" 2> "$dir/cc.err" || { fail "the C reference solution $1.c does not compile: $(cat "$dir/cc.err")"; return 1; }
}

out=$("$bin" challenge)
expect_in "$out" "udp-sender       not tried" "the list has the UDP sender"
expect_in "$out" "timeouts         not tried" "the list has the timeouts challenge"
expect_in "$out" "http-client      not tried" "the list has the HTTP client"

# 2. udp-send: two datagrams, then a receive timeout
py="python3 $sol/udp_sender.py"
check udp-sender "$py ok" 0 "result: PASS" "ok    its first datagram carried \"ping\", from port" \
	"UDP length 12 = the 8-byte header + 4 bytes of data" "ok    its second datagram carried \"reply?\"" \
	"ok    it gave up by itself 2." "ok    it printed \"no reply\""
compile udp_sender && check udp-sender "$dir/udp_sender" 0 "result: PASS" "UDP length 14 = the 8-byte header + 6 bytes"
# Another program's traffic on lo during the run: its datagrams to a port
# where nothing listens, and the kernel's ICMP "port unreachable" for each
# (the capture takes every ICMP on lo).  Not the learner's: the verdict is
# the same.  The sender is bounded (200 datagrams, 20 s) and stopped after.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
closed.bind(("127.0.0.1", 0))
port = closed.getsockname()[1]
closed.close()
end = time.monotonic() + 20
for i in range(200):
    if time.monotonic() > end:
        break
    try:
        s.sendto(b"status?", ("127.0.0.1", port))
    except OSError:
        pass
    time.sleep(0.05)
' > /dev/null 2>&1 &
noise=$!
check udp-sender "$py ok" 0 "result: PASS" "ok    its first datagram carried \"ping\", from port" "ok    it printed \"no reply\""
grep -q "unreachable" "$dir/out" && fail "udp-sender: another program's ICMP is in the run: $(grep unreachable "$dir/out")" ||
	pass "udp-sender: another program's ICMP on lo is not in the run"
# the learner's own datagram to the port after the lab's: the ICMP that
# quotes its program's port is shown (the runner knows its sockets), the
# other program's is not
check udp-sender "$py port" 1 "FAIL  nothing arrived at 127.0.0.1 port" \
	"ICMP \"port unreachable\" for your program's datagram, from its port"
lab=$(sed -n 's/^the lab: a server on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$dir/out")
others=$(grep '^  lab .*unreachable' "$dir/out" | grep -vc "udp port $((lab + 1)) unreachable")
grep -q "to 127.0.0.1 port $((lab + 1)), where no socket listens: the lab's port is $lab)" "$dir/out" && [ "$others" -eq 0 ] &&
	pass "udp-sender: the learner's own ICMP is named (port $((lab + 1))), another program's is not in the run" ||
	fail "udp-sender: the ICMP findings: $(grep unreachable "$dir/out")"
kill "$noise" 2> /dev/null; wait "$noise" 2> /dev/null
check udp-sender "$py newline" 1 "FAIL  its first datagram carried \"ping\\n\" (packet " "UDP length 13 = the 8-byte header + 5 bytes" \
	"leave the newline out"
check udp-sender "$py noask" 1 "FAIL  it sent no second datagram \"reply?\""
timed 15 udp-sender "$py forever" 1 "your program: still running after 5 s: stopped" \
	"FAIL  your program waited for a reply that never comes: it was still running after 5 s and was stopped. Set a receive timeout"
check udp-sender "$py crash" 1 "FAIL  it exited with status 1" "catch the timeout"
check udp-sender "$py slow" 1 "FAIL  it exited by itself, but only " "wait at most 2 s for the reply"
check udp-sender "$py quiet" 1 "FAIL  it did not print \"no reply\""
check udp-sender "$py tcp" 1 "FAIL  it tried TCP: a SYN to port" "the kernel answered RST (packet " \
	"The lab's socket is UDP"
check udp-sender "$py port" 1 "FAIL  nothing arrived at 127.0.0.1 port"
check udp-sender "$py flood" 1 "FAIL  it sent " " datagrams (the lab stopped reading after 32)"
check udp-sender "$py garbage" 1 "FAIL  its first datagram carried \"\\x00\\x01" "(1024 bytes): the task asks for \"ping\"" \
	"FAIL  its second datagram carried \"\\xff\\xfe"
check udp-sender "true" 1 "FAIL  nothing arrived at 127.0.0.1 port"
# A program that never makes a socket: its 5 s start 10 s after it did
# (src/challenge/run.c TRACE_SLACK_MS: an interpreter's start is not its own).
timed 25 udp-sender "sleep 60" 1 "FAIL  nothing arrived" "and your program was still running after 5 s: it was stopped"

# 7. tcp-timeout: the server never answers
py="python3 $sol/timeout_client.py"
# Which numbers the request and the FIN get is the kernel's: under load a
# SYN or the request may be sent again (two more packets), so the numbers
# are checked for their order and the request's first place, not as 4 and 6.
check timeouts "$py ok" 0 "result: PASS" "ok    it sent its request \"TIME\\n\" (packet " \
	"ok    it gave up 2." "s after its request and closed with FIN (its request: packet " "; its FIN: packet " \
	"ok    it exited by itself after 2." "ok    it told its user: \"no answer from the server: giving up\\n\""
nums=$(sed -n 's/.*(its request: packet \([0-9]*\) at 0\.[0-9]* s; its FIN: packet \([0-9]*\) at 2\..*/\1 \2/p' "$dir/out")
set -- $nums
[ $# -eq 2 ] && [ "$1" -ge 4 ] && [ "$2" -gt "$1" ] &&
	pass "timeouts: the request (packet $1, after the handshake) and then the FIN (packet $2) 2 s later" ||
	fail "timeouts: the request's and the FIN's packets are not in order: '$nums'"
compile timeout_client && check timeouts "$dir/timeout_client" 0 "result: PASS" "(status 1)"
timed 20 timeouts "$py hang" 1 "FAIL  your program hangs in recv() when the server never answers" \
	"FAIL  its connection ended only when the lab stopped your program"
check timeouts "$py long" 1 "FAIL  it gave up 4." "s after its request" "give up after at most 2 s"
check timeouts "$py zero" 1 "FAIL  it closed only 0.0" "it did not wait for an answer" "settimeout(0)"
check timeouts "$py rst" 1 "FAIL  it reset the connection (RST) instead of closing it with FIN" "its RST: packet "
check timeouts "$py quiet" 1 "FAIL  it printed nothing"
check timeouts "$py nonl" 1 "FAIL  it sent \"TIME\" (packet " ") without a newline"
check timeouts "$py silent" 1 "FAIL  it sent nothing" "after connecting"
timed 15 timeouts "$py flood" 1 "FAIL  it sent more than 65536 bytes without stopping"
check timeouts "true" 1 "FAIL  nothing connected to 127.0.0.1 port"

# 8. http-get: a request with Host and CRLFs; the body by Content-Length
py="python3 $sol/http_client.py"
check http-client "$py ok" 0 "result: PASS" "ok    its request line is \"GET /hello.txt HTTP/1.1\\r\\n\" (packet " \
	"ok    its Host header says \"127.0.0.1:" "ok    its lines end with \\r\\n, and an empty line ends the request" \
	"ok    it printed the whole body: 2000 bytes, as its Content-Length said (the response came in 2 segments: packets " \
	"ok    it exited by itself with status 0"
compile http_client && check http-client "$dir/http_client" 0 "result: PASS"
# A program that prints everything in one write and exits at once: the lab
# reads all of it, not the first buffer (a false fail once seen in CI).
if command -v curl > /dev/null; then
	check http-client 'curl -s http://$SOCKSCOPE_HOST:$SOCKSCOPE_PORT/hello.txt' 0 "result: PASS" \
		"ok    it printed the whole body: 2000 bytes"
fi
check http-client "$py nohost" 1 "FAIL  it sent no Host header: HTTP/1.1 requires one" \
	"FAIL  the lab answered \"400 Bad Request\" instead of the page"
check http-client "$py noport" 1 "FAIL  its Host header says \"127.0.0.1\", without the port"
check http-client "$py lf" 1 "its request line is \"GET /hello.txt HTTP/1.1\\n\"" \
	"FAIL  its lines end with a bare \\n (the first: line 1): HTTP lines end with \\r\\n"
timed 15 http-client "$py noblank" 1 "FAIL  it never sent the empty line that ends the header section" \
	"the lab was still waiting for the end of the request"
timed 15 http-client "$py eof" 1 "it waited for more. Reading until the connection closes waits for ever, as HTTP/1.1 keeps it open: read Content-Length bytes" \
	"(Content-Length: 2000, in packets "
# it counted the body from after the head's segment: told so, not "until the connection closes"
timed 15 http-client "$py drop" 1 "FAIL  it printed the body from byte 1000 on: the 1000 bytes before came in the same segment as the header" \
	"it waited for 1000 more body bytes, the ones it had thrown away with the header"
check http-client "$py once" 1 "FAIL  it printed only the first 1000 of the 2000 body bytes" "keep reading until you have Content-Length bytes"
check http-client "$py headers" 1 "FAIL  it printed the status line and the headers too"
check http-client "$py close" 1 "FAIL  it sent \"Connection: close\"" "ok    it printed the whole body"
check http-client "$py http10" 1 "FAIL  its request line \"GET /hello.txt HTTP/1.0\\r\\n\" (packet " ") says HTTP/1.0"
check http-client "$py lower" 1 "methods are case-sensitive, write GET" "the lab answered \"501 Not Implemented\""
check http-client "$py nopath" 1 "asks for hello.txt: the task asks for /hello.txt (a path starts with /)" \
	"the lab answered \"404 Not Found\""
timed 15 http-client "$py garbage" 1 "has no line end" "the lab answered \"400 Bad Request\""
check http-client "true" 1 "FAIL  nothing connected to 127.0.0.1 port"
# over IPv6 the Host header puts the address in brackets
sed 's/^family: .*/family: 6/' "$here/../challenges/08-http-client.challenge" > "$dir/08-http-client.challenge"
CHAL_DIR=$dir
check http-client "$py ok" 0 "result: PASS" "its Host header says \"[::1]:"
check http-client "$py noport" 1 "its Host header says \"::1\", without the port" "write \"Host: [::1]:"
CHAL_DIR=""
rm -f "$dir/08-http-client.challenge"

# both NAME CMD WANT_RC TEXT...: the same program with --run and run from
# "another terminal" (sockscope waiting, the program started here with the
# lab's host and port): the same result and every TEXT in both.  Only when
# sockscope captures on the host's lo (in a namespace of its own, a
# program started outside cannot reach the lab).  Each wait is bounded.
both() {
	name=$1 cmd=$2 want=$3; shift 3
	check "$name" "$cmd" "$want" "$@"
	both_once "$name" "$cmd" || return
	# A program started by hand that put nothing on the wire never ran in
	# time (an interpreter starting on a loaded machine): once more, said.
	if ! grep -q '^  you ' "$dir/both.out"; then
		echo "note: $name '$cmd' run elsewhere sent nothing: once more"
		both_once "$name" "$cmd" || return
	fi
	if [ $rc -ne "$want" ]; then
		sed -n '/^verdict/,$p' "$dir/both.out"; fail "$name with '$cmd' run elsewhere: exit $rc, wanted $want (as with --run)"; return
	fi
	for t in "$@"; do
		grep -qF -- "$t" "$dir/both.out" || { sed -n '/^verdict/,$p' "$dir/both.out"; fail "$name with '$cmd' run elsewhere: no '$t'"; return; }
	done
	pass "$name with '$cmd' run elsewhere: exit $rc as with --run, $*"
}
# lab_port FILE: the port of the lab's server once FILE (a waiting
# challenge's output) names it, up to 10 s; empty when it does not, or when
# sockscope says it captures in a namespace of its own.
lab_port() {
	p=""; i=0
	while [ $i -lt 100 ] && [ -z "$p" ] && ! grep -q "network namespace" "$1"; do
		p=$(sed -n 's/^the lab: a server on 127.0.0.1 port \([0-9]*\) (IPv4)$/\1/p' "$1")
		[ -z "$p" ] && sleep 0.1
		i=$((i + 1))
	done
	echo "$p"
}
# both_once NAME CMD: the lab waits, CMD runs beside it; sets rc.  1 when
# it could not be run (said).
both_once() {
	name=$1 cmd=$2
	"$bin" challenge "$name" --wait 30 > "$dir/both.out" 2>&1 &
	spid=$!
	port=$(lab_port "$dir/both.out")
	if grep -q "network namespace" "$dir/both.out"; then
		kill "$spid"; wait "$spid"
		echo "skip: $name '$cmd' run elsewhere (sockscope captures in a namespace of its own here)"
		return 1
	fi
	[ -n "$port" ] || { kill "$spid"; wait "$spid"; fail "$name: no lab port in $(cat "$dir/both.out")"; return 1; }
	SOCKSCOPE_HOST=127.0.0.1 SOCKSCOPE_PORT=$port sh -c "exec $cmd" > /dev/null 2>&1 &
	cpid=$!
	wait "$spid"; rc=$?
	kill "$cpid" 2> /dev/null; wait "$cpid" 2> /dev/null
	return 0
}
py="python3 $sol/udp_sender.py"
both udp-sender "$py ok" 0 "result: PASS" "ok    it gave up by itself 2."
both udp-sender "$py forever" 1 "FAIL  your program waited for a reply that never comes" "Set a receive timeout"
py="python3 $sol/timeout_client.py"
both timeouts "$py ok" 0 "result: PASS" "ok    it gave up 2."
both timeouts "$py hang" 1 "FAIL  your program hangs in recv() when the server never answers" "Set a receive timeout"
py="python3 $sol/http_client.py"
both http-client "$py ok" 0 "result: PASS"
both http-client "$py eof" 1 "it waited for more. Reading until the connection closes waits for ever"

# without --run, sockscope waits for the program run elsewhere (only when
# it captures on the host's lo: in a namespace of its own, only --run works)
"$bin" challenge http-client --wait 20 > "$dir/wait.out" 2>&1 &
wpid=$!
port=$(lab_port "$dir/wait.out")
if grep -q "network namespace" "$dir/wait.out"; then
	kill "$wpid"; wait "$wpid"
	echo "skip: waiting for a program run elsewhere (sockscope captures in a namespace of its own here)"
elif [ -n "$port" ]; then
	SOCKSCOPE_HOST=127.0.0.1 SOCKSCOPE_PORT=$port python3 "$sol/http_client.py" ok > /dev/null
	wait "$wpid"; rc=$?
	out=$(cat "$dir/wait.out")
	[ $rc -eq 0 ] && expect_in "$out" "ok    its Host header says \"127.0.0.1:$port\"" \
		"without --run: the lab judges a program run elsewhere" || { echo "$out"; fail "wait: exit $rc"; }
else
	kill "$wpid"; wait "$wpid"
	fail "without --run: no lab port in $(cat "$dir/wait.out")"
fi
finish
