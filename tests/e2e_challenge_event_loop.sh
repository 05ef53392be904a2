# e2e_challenge_event_loop.sh — challenge 12, event-loop: poll() in C,
# selectors and asyncio in Python pass, with --run and started by hand; a
# server that serves one client at a time, a thread per client and a
# process per client fail, each named.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
sol=$(cd "$(dirname "$0")" && pwd)/challenges
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
if ! "$bin" inspect -i lo --duration 0.1 > /dev/null 2>&1; then
	echo "SKIP: no capture here (the challenges judge what they capture)"; exit 77
fi
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the reference solutions"; exit 77; }
CC=${CC:-cc}
for f in event_server echo_server; do
	$CC -o "$dir/$f" "$sol/$f.c" 2> "$dir/cc.err" || fail "$f.c: $(cat "$dir/cc.err")"
done
py="python3 $sol/event_server.py"
one="it did so with one thread of one process (process"

expect_in "$("$bin" challenge)" "event-loop       not tried" "the list has the event-loop server"
for cmd in "$dir/event_server" "$py ok" "$py asyncio"; do
	chal_check event-loop "$cmd" 0 "result: PASS" \
		"ok    all 50 connections were answered, each while the ones before it were held open" "ok    $one" \
		"ok    the second round, each message in two halves" "ok    it closed each of the 50 connections after the lab's FIN"
done
chal_waiting event-loop "$dir/event_server" 0 "result: PASS" "ok    $one"
# one client at a time: the second connection waits (challenge 3's echo server is such a one)
for cmd in "$dir/echo_server" "$py serial"; do
	chal_check event-loop "$cmd" 1 "FAIL  connection 2 got no echo in 3 s while connection 1 was open (its echo came at once" \
		"your server serves one client at a time"
done
chal_check event-loop "$py threads" 1 "ok    all 50 connections were answered" \
	"ran 51 threads while 50 clients were connected" "a thread per client"
chal_waiting event-loop "$py threads" 1 "ran 51 threads while 50 clients were connected"
chal_check event-loop "$py fork" 1 "FAIL  51 processes held your server's sockets while 50 clients were connected: a process per client"
# in a namespace of its own the lab still finds the server's process and threads
if chal_namespace; then
	CHAL_CAPTURE=namespace chal_check event-loop "$dir/event_server" 0 "result: PASS" "ok    $one"
	CHAL_CAPTURE=namespace chal_check event-loop "$py threads" 1 "ran 51 threads while 50 clients were connected"
fi
finish
