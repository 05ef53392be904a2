# e2e_challenges_server.sh — the challenges where the learner writes a
# server (3 echo-server, 4 framing, 5 concurrency): reference solutions in C
# and Python pass; a deliberately wrong one for each typical mistake fails
# with the right explanation; a server that never listens, listens on the
# wrong address or hangs gets its verdict within its time; a server run by
# hand (no --run) is judged too.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
sol=$here/challenges
dir=$(mktemp -d); trap 'kill $bg 2> /dev/null; rm -rf "$dir"' EXIT
bg=""
if ! "$bin" inspect -i lo --duration 0.1 > /dev/null 2>&1; then
	echo "SKIP: no capture here (the challenges judge what they capture)"; exit 77
fi
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the reference solutions"; exit 77; }
CC=${CC:-cc}

# check NAME CMD WANT_RC TEXT...: lib.sh's chal_check (CHAL_DIR: the challenges' directory).
check() { chal_check "$@"; }
CHAL_DIR=""
for f in echo_server echo_nonblock framing_server concurrent_server; do
	$CC -o "$dir/$f" "$sol/$f.c" 2> "$dir/cc.err" || fail "$f.c does not compile: $(cat "$dir/cc.err")"
done
$CC -DWRONG_STRLEN -o "$dir/echo_strlen" "$sol/echo_server.c" 2> "$dir/cc.err" || fail "echo_server.c -DWRONG_STRLEN: $(cat "$dir/cc.err")"

out=$("$bin" challenge)
expect_in "$out" "echo-server      not tried" "the list has the echo server"
expect_in "$out" "framing          not tried" "the list has the framing server"
expect_in "$out" "concurrency      not tried" "the list has the concurrent server"

stopped="your program: your server was stopped by the lab when it had finished"
# 3. the echo server
py="python3 $sol/echo_server.py"
check echo-server "$py ok" 0 "result: PASS" "$stopped" "as servers run until stopped" \
	"ok    connection 1: 22 bytes in 12 pieces of 1-3 bytes (12 segments), then 200000 bytes" \
	"all 200022 came back, in order; it closed after the lab's FIN" "ok    connection 3:" \
	"it served 3 connections one after another: a server accept()s in a loop"
check echo-server "$dir/echo_server" 0 "result: PASS" "$stopped"
# send()'s return ignored: the lab reads slowly (small window, pauses), so a
# non-blocking send takes less than it is given and the rest is lost
check echo-server "$dir/echo_nonblock" 1 "send() returns how many bytes it took; send the rest" "result: FAIL"
check echo-server "$py send" 1 "send() returns how many bytes it took; send the rest" "result: FAIL"
check echo-server "$dir/echo_strlen" 1 "FAIL  connection 1: byte 22 came back wrong: the lab sent \"\\x00" \
	"the 22 bytes before were right (byte 22 is a zero byte" "strlen()"
check echo-server "$py once" 1 "ok    connection 1:" \
	"FAIL  the second connection was refused: a server accept()s in a loop" "your program had exited (status 0)"
# closed (FIN) or reset (RST: more of the lab's bytes had come, unread), as
# the server's timing goes (under the tracer, slower: reset); told the same
check echo-server "$py onerecv" 1 "FAIL  connection 1: your server " \
	"it must read and send back until the client closes its side (recv() returns 0)"
check echo-server "$py noclose" 1 "all 200022 came back, in order" \
	"FAIL  connection 1: your server did not close it within 3 s of the lab's FIN"
check echo-server "$py decode" 1 "FAIL  connection 1: your server" "your program had exited (status 1"
check echo-server "$py banner" 1 "FAIL  connection 1: byte 0 came back wrong: the lab sent \"e" \
	"your server sent back \"hello\\n"
check echo-server "$py mute" 1 "FAIL  connection 1: nothing had come back (the lab had sent 200022 bytes), then nothing for 3 s"
check echo-server "true" 1 "FAIL  nothing listens on 127.0.0.1 port" \
	"your server must bind that port and listen()" "your program had exited (status 0)"
# wrong port, wrong address, a server that hangs: a verdict within the (shortened) time
CHAL_DIR=$dir/short; mkdir -p "$CHAL_DIR"
for f in 03-echo-server 04-framing 05-concurrency; do
	sed 's/^seconds: .*/seconds: 3/' "$here/../challenges/$f.challenge" > "$CHAL_DIR/$f.challenge"
done
start=$(date +%s)
check echo-server "$py wrongport" 1 "your program: still running after 3 s: stopped" \
	"FAIL  nothing listens on 127.0.0.1 port"
check echo-server "SOCKSCOPE_HOST=::1 $dir/echo_server" 1 "FAIL  something listens on port" \
	"but not on 127.0.0.1: the lab's connection was refused; bind 127.0.0.1 (or 0.0.0.0)"
check echo-server "$py mute" 1 "FAIL  connection 1: your server reset it (RST) when nothing had come back" \
	"your program was stopped when its 3 s were up"
check framing "sleep 60" 1 "your program: still running after 3 s: stopped" "FAIL  nothing listens on 127.0.0.1"
took=$(( $(date +%s) - start ))
[ $took -lt 50 ] && pass "five servers that never serve got their verdicts in ${took} s" || fail "they took ${took} s"
CHAL_DIR=""

# 4. framing
py="python3 $sol/framing_server.py"
check framing "$py ok" 0 "result: PASS" "$stopped" \
	"ok    message 1 (5 bytes) came with its length in one segment (packet" \
	"ok    messages 2 and 3 (11 and 9 bytes) came together in one segment (packet" \
	"its 4-byte length came split over two segments (packets" "3 and 13 bytes), and your server answered \"OK 12\\n\"" \
	"ok    message 5 (2000 bytes) came in 8 segments, packets" "ok    it closed the connection after the lab's FIN"
check framing "$dir/framing_server" 0 "result: PASS"
check framing "$py onerecv" 1 "ok    message 1" \
	"FAIL  two messages arrived in one segment (packet" "and you answered only the first"
check framing "$py header" 1 "ok    messages 2 and 3" \
	"you read 3 bytes of the 4-byte length and took them for a whole header"
check framing "$py body" 1 "ok    message 4" "FAIL  message 5 (2000 bytes)" "read until you have all of its bytes"
check framing "$py little" 1 "FAIL  message 1 (5 bytes" "read little-endian, this length is 83886080"
# it answers message 1 and closes: message 1 was answered (the packets show it), the close is the mistake
check framing "$py once" 1 "ok    message 1 (5 bytes) came with its length in one segment (packet" \
	"after its answer to message 1, \"OK 5\\n\": messages 2 to 5 got none. One connection carries many messages"
grep -q "without answering" "$dir/out" && fail "framing once: message 1 is told it got no answer" ||
	pass "framing once: no 'without answering' for the message that was answered"
# a wrong line end is said alone, without advice on lengths and byte order
check framing "$py crlf" 1 "FAIL  message 1 (5 bytes; packet" "your server answered \"OK 5\\r\\n\"" \
	"a line that ends in \"\\n\" alone, not \"\\r\\n\""
check framing "$py nonl" 1 "FAIL  message 1 (5 bytes; packet" "your server sent \"OK 5\" without a newline" \
	"end it with \"\\n\""
sed -n '/^verdict/,$p' "$dir/out" | grep -q "big-endian\|ntohl" && fail "framing nonl: advice about byte order" || pass "framing nonl: no advice about byte order"
check framing "$dir/echo_server" 1 "FAIL  message 1" "without a newline"

# 5. concurrency: poll() in C; threads, fork and selectors in Python
py="python3 $sol/concurrent_server.py"
for cmd in "$dir/concurrent_server" "$py threads" "$py fork" "$py select"; do
	check concurrency "$cmd" 0 "result: PASS" "$stopped" \
		"asked in the order 3, 2, 1, each had its own answer: your server serves several clients at once" \
		"connections 1 and 3 still got their answers" "it closed connections 1 and 3 after the lab's FIN"
done
for cmd in "$dir/echo_server" "$py serial"; do
	check concurrency "$cmd" 1 "FAIL  connection 3 got no answer in 3 s while connection 1 was open" \
		"connection 1 got \"A\\n\" back at once, packet" \
		"your server serves one client at a time; use threads, processes or poll()"
done
check concurrency "$py quit" 1 "FAIL  after the lab closed connection 2 (its FIN: packet " \
	"keep serving the others"
# the story's order is the wire's: the lab's FIN on connection 2 comes before the server's end it names
nums=$(sed -n 's/.*closed connection 2 (its FIN: packet \([0-9]*\)), your server [a-z]* ([A-Z]*, packet \([0-9]*\)).*/\1 \2/p' "$dir/out")
set -- $nums
[ -n "$nums" ] && [ "$1" -lt "$2" ] && pass "concurrency quit: the lab's FIN (packet $1) before the server's end (packet $2)" ||
	fail "concurrency quit: the order of the FINs: '$nums' in $(grep 'connection 2' "$dir/out")"

# a server started by hand in another terminal (no --run): the lab waits for it
"$bin" challenge echo-server --wait 30 > "$dir/hand" 2>&1 &
bg=$!
port="" i=0
while [ $i -lt 100 ] && [ -z "$port" ]; do
	port=$(sed -n 's/^the lab: a client for your server on 127.0.0.1 port \([0-9]*\) .*/\1/p' "$dir/hand")
	[ -z "$port" ] && sleep 0.1
	i=$((i + 1))
done
if [ -n "$port" ]; then
	sleep 0.5
	SOCKSCOPE_HOST=127.0.0.1 SOCKSCOPE_PORT=$port "$dir/echo_server" & srv=$!
	wait $bg; rc=$?
	kill $srv 2> /dev/null; wait $srv 2> /dev/null
	[ $rc -eq 0 ] && grep -q "it served 3 connections" "$dir/hand" &&
		pass "a server started by hand was judged (exit 0)" || { cat "$dir/hand"; fail "by hand: exit $rc"; }
else
	fail "no port in the output of the run without --run"
fi
bg=""

out=$("$bin" challenge)
expect_in "$out" "echo-server      passed (" "the list shows the echo server passed"
finish
