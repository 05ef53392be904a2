# e2e_challenges.sh — `sockscope challenge`: reference solutions in C and
# Python pass; a deliberately wrong one for each typical mistake fails with
# the right explanation; programs that never connect, hang or send garbage
# get a verdict within their time.  $1: the sockscope binary.
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

# check NAME CMD WANT_RC TEXT...: lib.sh's chal_check.
check() { chal_check "$@"; }

out=$("$bin" challenge)
expect_in "$out" "tcp-client       not tried" "the list says what was not tried"

# 1. the TCP client
py="python3 $sol/hello_client.py"
check tcp-client "$py ok" 0 "result: PASS" "ok    it sent \"HELLO ada\\n\"" "it closed gracefully: FIN, not RST" \
	"it printed the reply \"WELCOME ada\\n\""
if $CC -o "$dir/hello_client" "$sol/hello_client.c" 2> "$dir/cc.err"; then
	check tcp-client "$dir/hello_client" 0 "result: PASS"
	check ipv6-client "$dir/hello_client" 0 "result: PASS" "over IPv6: SYN, SYN-ACK, ACK on the wire"
else
	fail "the C reference solution does not compile: $(cat "$dir/cc.err")"
fi
# the wrong C clients: one mistake each
if $CC -o "$dir/hello_wrong" "$sol/hello_wrong.c" 2> "$dir/cc.err"; then
	# the FIN the kernel sends when the lab stops the program is not its close
	check tcp-client "$dir/hello_wrong noclose" 1 "FAIL  it never closed the connection: it was still open when the lab stopped your program after 10 s" \
		"(sent by the kernel: the lab had stopped your program)"
	check ipv6-client "$dir/hello_wrong noclose" 1 "FAIL  it never closed the connection: it was still open when the lab stopped your program"
	# what is sent must be exactly the protocol: sizeof counts the NUL
	check tcp-client "$dir/hello_wrong sizeof" 1 "ok    it sent \"HELLO ada\\n\": one line" \
		"FAIL  after the line came 1 more byte: \"\\x00\". Send exactly the line: a C string's size counts its terminating NUL"
	# the learner's own crash after a right exchange is in the verdict
	check tcp-client "$dir/hello_wrong crash" 1 "ok    it closed gracefully" \
		"FAIL  your program exited with status 1 after "
else
	fail "hello_wrong.c does not compile: $(cat "$dir/cc.err")"
fi
check tcp-client "$py pieces" 0 "result: PASS" "its line took 3 segments"
check tcp-client "$py nonl" 1 "FAIL  it sent \"HELLO ada\" without a newline"
check tcp-client "$py rst" 1 "FAIL  your program closed with unread data, so the kernel sent RST instead of FIN"
# SO_LINGER {1, 0} after reading the reply: the same RST on the wire, but nothing was unread
check tcp-client "$py linger" 1 "FAIL  it read and printed the reply, yet its close was an RST (packet" \
	"what SO_LINGER set to {1, 0} (on, 0 seconds) makes close() do"
sed -n '/^verdict/,$p' "$dir/out" | grep -q "unread data" && fail "tcp-client linger: blamed on unread data" || pass "tcp-client linger: not blamed on unread data"
check tcp-client "$py silent" 1 "FAIL  it sent nothing"
check tcp-client "$py garbage" 1 "without a newline" "result: FAIL"
check tcp-client "true" 1 "FAIL  nothing connected to 127.0.0.1 port"
# 6. over IPv6
check ipv6-client "$py ok" 0 "result: PASS"
check ipv6-client "$py v4" 1 "FAIL  you connected over IPv4; the task asks for IPv6"

# a program that hangs is stopped at its time
sed 's/^seconds: .*/seconds: 2/' "$here/../challenges/01-tcp-client.challenge" > "$dir/01-tcp-client.challenge"
start=$(date +%s)
"$bin" challenge tcp-client --dir "$dir" --run "sleep 60" > "$dir/out" 2>&1; rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 1 ] && grep -q "your program: still running after 2 s: stopped" "$dir/out" && [ $took -lt 30 ] &&
	pass "a program that hangs is stopped after its 2 s (the run took ${took} s)" || fail "hang: exit $rc after ${took} s"

out=$("$bin" challenge)
expect_in "$out" "passed (" "the list shows what was passed"
out=$("$bin" challenge nosuch 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "no challenge 'nosuch'" "an unknown challenge is named" || fail "nosuch: exit $rc"
printf 'title: x\nkind: tcp-hello\nfamily: 5\ntask: t\n' > "$dir/09-bad.challenge"
out=$("$bin" challenge --dir "$dir" 2>&1)
expect_in "$out" "09-bad.challenge:3: family is 4 or 6, not '5'" "a broken challenge file: file:line and what is wrong"
# a kind's parameters are declared with their ranges and checked when the file is read
bad_param() {
	rm -f "$dir"/09-*.challenge
	printf "title: x\nkind: $1\ntask: t\n$2\n" > "$dir/09-bad.challenge"
	out=$("$bin" challenge --dir "$dir" 2>&1)
	expect_in "$out" "09-bad.challenge:4: $3" "$4"
}
bad_param udp-send "param: timeout abc" "timeout is a number from 1 to 30 (seconds), not 'abc'" \
	"a parameter that is not a number: file:line (once silently 2)"
bad_param tcp-timeout "param: timeout 0" "timeout is a number from 1 to 30 (seconds), not '0'" "a number out of range"
bad_param echo-server "param: big 1e9" "big is a number from 0 to 16777216 (bytes), not '1e9'" "a number written half"
bad_param tcp-hello "param: replyy x" "the kind tcp-hello takes no parameter 'replyy' (it takes: reply)" \
	"a misspelt parameter is named, with the ones the kind takes"
bad_param concurrent "param: n 3" "the kind concurrent takes no parameter 'n' (it takes none)" "a kind without parameters"
rm -f "$dir"/09-*.challenge
printf 'title: x\nkind: tcp-helo\ntask: t\n' > "$dir/09-bad.challenge"
out=$("$bin" challenge --dir "$dir" 2>&1)
expect_in "$out" "09-bad.challenge:2: unknown kind 'tcp-helo' (known: tcp-hello" "an unknown kind: file:line and the known ones"
finish
