# e2e_challenges_trace.sh — `sockscope challenge --run` runs the learner's
# program under the tracer, so the judges see its calls as well as its
# packets (issue 17):
#   class 7, udp-sender: a program that sleeps and then looks (or never
#   looks) for the reply fails, though the wire shows the same as for one
#   that waits with a timeout; those pass, whichever way they wait
#   (SO_RCVTIMEO, settimeout, poll, select, a bounded non-blocking loop);
#   C (built with -g) and Python;
#   the learner's own lines in the failing verdicts: each line number is
#   the one of the learner program's source line that made the call
#   (found here by grep, never typed in);
#   where ptrace is refused (tests/trace/noptrace.c), the verdict is the
#   wire's and says the calls could not be seen; in the waiting mode what
#   only the calls show is a note, never a pass or a fail.
# Skips (77) without a capture, python3 or a C compiler.  $1: the binary.
. "$(dirname "$0")/lib.sh"
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
sol=$here/challenges
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
if ! "$bin" inspect -i lo --duration 0.1 > /dev/null 2>&1; then
	echo "SKIP: no capture here (the challenges judge what they capture)"; exit 77
fi
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the learner programs"; exit 77; }
CC=${CC:-cc}
command -v "$CC" > /dev/null || { echo "SKIP: no C compiler ($CC)"; exit 77; }
for p in udp_sender udp_sleep hello_lines; do
	$CC -g -O0 -o "$dir/$p" "$sol/$p.c" 2> "$dir/cc.err" || { fail "$p.c does not compile: $(cat "$dir/cc.err")"; finish; }
done
$CC -o "$dir/noptrace" "$here/trace/noptrace.c" 2> "$dir/cc.err" || { fail "noptrace.c: $(cat "$dir/cc.err")"; finish; }

# The --run checks capture in a namespace of sockscope's own where one can
# be made: its lo carries only the run's packets, so a flood on the host's
# lo (another test) cannot overrun the tracer's capture and lose the
# packets that tie a call to the wire.
CHAL_CAPTURE=$(trace_capture "$bin")
# check NAME CMD WANT_RC TEXT...: lib.sh's chal_check (CHAL_WRAP: run sockscope under it).
check() { chal_check "$@"; }
# line FILE PATTERN: the number of the one line of FILE that has PATTERN.
line() {
	n=$(grep -nF -- "$2" "$1" | cut -d: -f1)
	[ "$(printf '%s\n' "$n" | wc -l)" -eq 1 ] && [ -n "$n" ] || { fail "'$2' is not on exactly one line of $1"; n=0; }
	echo "$n"
}

# ---- class 7: how it waited for the reply ----
c=$sol/udp_sender.c
check udp-sender "$dir/udp_sender" 0 "result: PASS" "its calls: " "seen by the tracer, with their lines" \
	"ok    it waited for the reply with a receive timeout: line $(line "$c" 'recvfrom(fd, buf') \`ssize_t n = recvfrom(fd, buf, sizeof buf, 0, NULL, NULL)\` gave up when the timeout set by line $(line "$c" 'SO_RCVTIMEO, &tv') \`"
c=$sol/udp_sender.py
check udp-sender "python3 $c ok" 0 "result: PASS" \
	"ok    it waited for the reply with a timeout: line $(line "$c" 'data, _ = s.recvfrom(2048)') \`data, _ = s.recvfrom(2048)\`"
c=$sol/udp_sleep.c
check udp-sender "$dir/udp_sleep sleep" 1 "result: FAIL" "ok    it gave up by itself 2." "ok    it printed \"no reply\"" \
	"FAIL  it slept instead of waiting for the reply: line $(line "$c" '@sleep-call') \`sleep(2)\`, then line $(line "$c" '@sleep-recv') \`n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)\` did not wait at all (EAGAIN at once"
check udp-sender "$dir/udp_sleep poll" 0 "result: PASS" \
	"ok    it waited for the reply with a timeout: line $(line "$c" '@poll') \`if (poll(&p, 1, 2000) > 0)\`"
check udp-sender "$dir/udp_sleep loop" 0 "result: PASS" "ok    it waited for the reply by polling: " \
	" non-blocking receives in a loop (line $(line "$c" '@loop-recv') "
c=$sol/udp_sleep.py
check udp-sender "python3 $c sleep" 1 "ok    it gave up by itself 2." \
	"FAIL  it slept instead of waiting for the reply: line $(line "$c" '@sleep-call') \`time.sleep(2)\`, then line $(line "$c" '@sleep-recv') \`data, _ = s.recvfrom(2048)\` did not wait at all"
check udp-sender "python3 $c nolook" 1 "FAIL  it slept instead of waiting for the reply: line $(line "$c" '@sleep-call') \`time.sleep(2)\`, and never received"
check udp-sender "python3 $c select" 0 "result: PASS" \
	"ok    it waited for the reply with a timeout: line $(line "$c" '@select') \`ready, _, _ = select.select([s], [], [], 2)\`"
# no timeout at all: the call it was stopped in is named
c=$sol/udp_sender.py
check udp-sender "python3 $c forever" 1 "FAIL  your program waited for a reply that never comes: it was still running after 5 s and was stopped. Set a receive timeout" "(line $(line "$c" 'data, _ = s.recvfrom(2048)') \`data, _ = s.recvfrom(2048)\` was still waiting"

# ---- the learner's lines beside the packets (tcp-client, C with -g and Python) ----
c=$sol/hello_lines.c
check tcp-client "$dir/hello_lines unread" 1 \
	"FAIL  your program closed with unread data, so the kernel sent RST instead of FIN (packet " \
	"line $(line "$c" '@unread-close') \`close(fd)\` sent RST: 12 bytes of the reply were never read (no receive call read any of them)"
check tcp-client "$dir/hello_lines part" 1 \
	"line $(line "$c" '@part-close') \`close(fd)\` sent RST: 7 bytes of the reply were never read (line $(line "$c" '@part-recv') \`ssize_t n = recv(fd, buf, 5, 0)\` read 5 of them)"
check tcp-client "$dir/hello_lines linger" 1 "FAIL  it read and printed the reply, yet its close was an RST (packet " \
	"line $(line "$c" '@linger-set') \`setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l)\` set it, and line $(line "$c" '@linger-close') \`close(fd)\` sent the RST"
sed -n '/^verdict/,$p' "$dir/out" | grep -q "unread" && fail "linger: blamed on unread data" || pass "linger: not blamed on unread data"
check tcp-client "$dir/hello_lines sizeof" 1 "FAIL  after the line came 1 more byte: \"\\x00\". Send exactly the line" \
	"(line $(line "$c" '@sizeof-send') \`send(fd, msg, sizeof msg, 0)\` sent 11 bytes, 1 of them after the line)"
# it never closed: its FIN only answered the lab's, 5 s after the reply
check tcp-client "$dir/hello_lines noclose" 1 "FAIL  it never closed the connection: it was still open 5 s after the reply, when the lab gave up waiting and closed its side; it closed only then"
# it ended without close(): the kernel's FIN at its exit, said (a close all the same)
check tcp-client "$dir/hello_lines exit" 0 "result: PASS" \
	"ok    it closed gracefully: FIN, not RST (it had read the reply) (the kernel's, as the program exited: it never called close() on it)"
c=$sol/hello_wrong.c
$CC -g -O0 -o "$dir/hello_wrong" "$c" 2> /dev/null &&
	check tcp-client "$dir/hello_wrong noclose" 1 "FAIL  it never closed the connection: it was still open when the lab stopped your program" \
		"(its last call: line $(line "$c" 'sleep(60)') \`sleep(60)\`, still waiting when it was stopped)"
c=$sol/hello_client.py
check tcp-client "python3 $c rst" 1 "line $(( $(line "$c" 'the reply arrives, and is never read') + 1 )) \`s.close()\` sent RST: 12 bytes of the reply were never read"
check tcp-client "python3 $c linger" 1 \
	"line $(line "$c" 'socket.SO_LINGER') \`s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack(\"ii\", 1, 0))\` set it"
# the timeout class on TCP: the recv() it hangs in
c=$sol/timeout_client.py
check timeouts "python3 $c hang" 1 "FAIL  your program hangs in recv() when the server never answers" \
	"(line $(line "$c" 'answer = s.recv(1024)') \`answer = s.recv(1024)\` was still waiting"
# any failing finding that cites the learner's packet gets the call that
# sent it (the RST's, where a finding cites several)
check timeouts "python3 $c rst" 1 "FAIL  it reset the connection (RST) instead of closing it with FIN" \
	"(packet " ": line $(( $(line "$c" 'if mode == "rst":') + 2 )) \`s.close()\`)"

# ---- ptrace refused: the wire's verdict, and the calls said to be unseen ----
# (LeakSanitizer needs ptrace at exit: not here, as in e2e_trace_refused.sh)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
CHAL_WRAP=$dir/noptrace check udp-sender "python3 $sol/udp_sleep.py sleep" 0 "result: PASS" \
	"its calls: not seen (ptrace is refused: a seccomp filter on sockscope refuses ptrace" \
	"note  whether your program waited for the reply with a timeout (SO_RCVTIMEO, settimeout(), poll()) or slept and then looked, nothing on the wire shows"
CHAL_WRAP=$dir/noptrace check tcp-client "$dir/hello_lines linger" 1 "FAIL  it read and printed the reply, yet its close was an RST (packet" \
	"what SO_LINGER set to {1, 0} (on, 0 seconds) makes close() do"

# ---- the waiting mode: what only the calls show is a note ----
# (only when sockscope captures on the host's lo: in a namespace of its
# own, a program started outside cannot reach the lab)
"$bin" challenge udp-sender --wait 30 > "$dir/wait.out" 2>&1 &
spid=$!
port=""; i=0
while [ $i -lt 100 ] && [ -z "$port" ] && ! grep -q "network namespace" "$dir/wait.out"; do
	port=$(sed -n 's/^the lab: a server on 127.0.0.1 port \([0-9]*\) (IPv4)$/\1/p' "$dir/wait.out")
	[ -z "$port" ] && sleep 0.1
	i=$((i + 1))
done
if grep -q "network namespace" "$dir/wait.out"; then
	kill "$spid"; wait "$spid"
	echo "skip: the waiting mode (sockscope captures in a namespace of its own here)"
elif [ -n "$port" ]; then
	SOCKSCOPE_HOST=127.0.0.1 SOCKSCOPE_PORT=$port python3 "$sol/udp_sleep.py" sleep > /dev/null 2>&1
	wait "$spid"; rc=$?
	out=$(cat "$dir/wait.out")
	[ $rc -eq 0 ] && expect_in "$out" "note  whether your program waited for the reply with a timeout" \
		"waiting mode: the sleep is a note (only --run sees the calls), not a pass or fail of its own" ||
		{ echo "$out"; fail "waiting mode: exit $rc"; }
	expect_in "$out" "run it with --run \"CMD\" to have them judged" "waiting mode: says how to have the calls judged"
else
	kill "$spid"; wait "$spid"
	fail "waiting mode: no lab port in $(cat "$dir/wait.out")"
fi
finish
