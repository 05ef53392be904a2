# e2e_live.sh — `sockscope inspect -i`: a live capture on the loopback.
# Real traffic (sockscope serve http + curl, both on 127.0.0.1) is captured
# and printed as it arrives; checked against what RFC 9293 / RFC 9112 say
# the exchange is.  Then: -c, --duration, Ctrl-C, --write read back, the
# no-root path (a namespace of our own, with --exec) and the messages for
# an interface that does not exist, a bad filter and a missing privilege.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
dir=$(mktemp -d); chmod 755 "$dir"; trap 'rm -rf "$dir"' EXIT
export TZ=UTC

# --- what does not need a capture: usage and bad input ---
out=$("$bin" inspect -i nosuch0 --print 2>&1); rc=$?
[ $rc -eq 2 ] && pass "an interface that does not exist: exit 2" || fail "nosuch0 exits $rc"
expect_in "$out" "there is no interface 'nosuch0'; the interfaces here: " "it says so and lists the interfaces"
expect_in "$out" "lo" "the list names lo"
out=$("$bin" inspect -c 3 "$dir/x.pcap" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "go with -i (a live capture)" "-c without -i is refused" || fail "-c without -i exits $rc"
out=$("$bin" inspect -i lo "$dir/x.pcap" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "inspect -i captures live: it takes no file" "-i with a file is refused" || fail "-i with a file exits $rc"
out=$("$bin" inspect -i lo --duration -1 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--duration takes seconds" "a negative duration is refused" || fail "--duration -1 exits $rc"

can_host=no
"$bin" inspect -i lo --capture host --duration 0.1 > "$dir/probe.out" 2>&1 && can_host=yes

if [ $can_host = yes ]; then
	out=$("$bin" inspect -i lo -f "tcp port" --print 2>&1); rc=$?
	[ $rc -eq 2 ] && pass "a filter with a syntax error: exit 2" || fail "bad filter exits $rc"
	expect_in "$out" "filter 'tcp port': " "the filter and pcap's message are shown"

	# --- a real HTTP exchange, printed as it is captured ---
	start_serve "$bin" "$dir" http 3 || fail "sockscope serve http did not start"
	url="http://127.0.0.1:$port/"
	"$bin" inspect -i lo -f "tcp port $port" --exec "curl -s -o /dev/null $url" > "$dir/live.txt" 2> "$dir/live.err"
	rc=$?
	live=$(cat "$dir/live.txt"); err=$(cat "$dir/live.err")
	echo "$live"; echo "$err"
	[ $rc -eq 0 ] && pass "inspect -i lo --exec ends with its command, exit 0" || fail "exit $rc"
	[ "$(printf '%s\n' "$live" | wc -l)" -eq 10 ] && pass "one connection: 10 packets" || fail "not 10 packets"
	line() { printf '%s\n' "$live" | sed -n "$1p"; }
	cport=$(line 1 | awk '{ n = split($3, a, ":"); print a[n] }')
	c="127.0.0.1:$cport"; s="127.0.0.1:$port"
	expect_in "$(line 1)" "   1  0.000000  $c > $s TCP         74  Flags [S], seq 0, win " "packet 1: the client's SYN"
	expect_in "$(line 2)" "$s > $c TCP         74  Flags [S.], seq 0, ack 1, " "packet 2: the SYN,ACK"
	expect_in "$(line 3)" "$c > $s TCP         66  Flags [.], ack 1, " "packet 3: the handshake's ACK"
	expect_in "$(line 4)" "$c > $s HTTP " "packet 4: the request"
	expect_in "$(line 4)" "HTTP: GET / HTTP/1.1" "the request line (RFC 9112 3)"
	expect_in "$live" "$s > $c HTTP " "the server's response"
	expect_in "$live" "HTTP: HTTP/1.1 200 OK" "its status line"
	[ "$(count_in "$live" "Flags [F.]")" -eq 2 ] && pass "each side sends one FIN" || fail "not 2 FINs"
	expect_in "$err" "sockscope: live on lo, filter 'tcp port $port'; Ctrl-C stops" "stderr says what is captured"
	expect_in "$err" "10 packets captured" "the count of packets captured"
	printf '%s\n' "$err" | grep -Eq '^[0-9]+ packets received by filter$' && pass "the kernel's received counter" ||
		fail "no 'received by filter' line"
	printf '%s\n' "$err" | grep -Eq '^[0-9]+ packets dropped by kernel$' && pass "the kernel's drop counter" ||
		fail "no 'dropped by kernel' line"

	# --- -c N: exactly N, then a saved capture read back ---
	"$bin" inspect -i lo -f "tcp port $port" -c 3 --write "$dir/three.pcap" \
		--exec "curl -s -o /dev/null $url" > "$dir/c3.txt" 2> "$dir/c3.err"; rc=$?
	[ $rc -eq 0 ] && pass "-c 3 exits 0" || { cat "$dir/c3.err"; fail "-c 3 exits $rc"; }
	expect_in "$(cat "$dir/c3.err")" "3 packets captured" "-c 3 captures 3"
	expect_in "$(cat "$dir/c3.txt")" "wrote 3 packets to $dir/three.pcap" "--write saves them"
	back=$("$bin" inspect "$dir/three.pcap" --print)
	[ "$(printf '%s\n' "$back" | wc -l)" -eq 3 ] && pass "the saved file has 3 packets" || fail "read back: $back"
	expect_in "$back" "Flags [S], seq 0" "it starts with the SYN"
	if command -v tshark >/dev/null 2>&1; then
		n=$(tshark -r "$dir/three.pcap" 2>/dev/null | wc -l)
		[ "$n" -eq 3 ] && pass "tshark reads the 3 packets" || fail "tshark reads $n"
	fi
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null

	# --- --duration with nothing to see; Ctrl-C ---
	# (quiet: an EtherType of the IEEE's local experimental range, which nothing on
	# lo sends, so another test's traffic under ctest -j2 cannot break it)
	"$bin" inspect -i lo -f "ether proto 0x88b5" --duration 0.3 > "$dir/d.txt" 2> "$dir/d.err"; rc=$?
	[ $rc -eq 0 ] && expect_in "$(cat "$dir/d.err")" "0 packets captured" "--duration ends a quiet capture" ||
		fail "--duration exits $rc"
	"$bin" inspect -i lo -f "ether proto 0x88b5" > "$dir/int.txt" 2> "$dir/int.err" &
	ipid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q "Ctrl-C stops" "$dir/int.err"; do sleep 0.1; i=$((i + 1)); done
	kill -INT $ipid
	wait $ipid; rc=$?
	[ $rc -eq 0 ] && expect_in "$(cat "$dir/int.err")" "packets dropped by kernel" "SIGINT ends it with the counters" ||
		fail "after SIGINT: exit $rc, $(cat "$dir/int.err")"
else
	echo "note: no capture on the host's lo here (not root, no cap_net_raw): host checks skipped"
	cat "$dir/probe.out"
fi

# --- without privilege: a namespace of our own, where --exec's programs run ---
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir "$dir/ns" && chmod 777 "$dir/ns"   # written by uid 65534
	cat > "$dir/gen.sh" <<GEN
"$bin" serve http --count 1 --seconds 10 > "$dir/ns/srv.out" 2>&1 &
i=0; while [ \$i -lt 100 ] && ! grep -q listening "$dir/ns/srv.out"; do sleep 0.1; i=\$((i + 1)); done
p=\$(sed -n 's/^.* port \([0-9]*\)\$/\1/p' "$dir/ns/srv.out")
curl -s -o /dev/null "http://127.0.0.1:\$p/"
wait
GEN
	chmod 755 "$dir" "$dir/gen.sh"
	asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	asnobody "$bin" inspect -i lo -f tcp --exec "sh $dir/gen.sh" > "$dir/ns.txt" 2> "$dir/ns.err"; rc=$?
	ns=$(cat "$dir/ns.txt"); nserr=$(cat "$dir/ns.err")
	if grep -q "namespace of our own" "$dir/ns.err"; then
		[ $rc -eq 0 ] && pass "unprivileged: exit 0" || fail "unprivileged: exit $rc: $nserr"
		expect_in "$nserr" "only programs started inside it, with --exec, are seen" "it says what it can see"
		[ "$(printf '%s\n' "$ns" | wc -l)" -eq 10 ] && pass "unprivileged: the 10 packets of the exchange" ||
			fail "unprivileged: not 10 packets: $ns"
		expect_in "$ns" "HTTP: GET / HTTP/1.1" "unprivileged: the request"
		expect_in "$ns" "HTTP: HTTP/1.1 200 OK" "unprivileged: the response"
	else
		echo "note: user namespaces are not allowed here: $nserr"
		expect_in "$nserr" "setcap cap_net_raw" "without namespaces it says what to run"
	fi
	# another device, no privilege: no namespace can help; the message says what to run
	out=$(asnobody "$bin" inspect -i any --print 2>&1); rc=$?
	[ $rc -eq 2 ] && pass "unprivileged -i any: exit 2" || fail "unprivileged -i any exits $rc"
	expect_in "$out" "sudo setcap cap_net_raw,cap_net_admin=eip" "it names the setcap command"
	expect_not_in "$out" "namespace" "and does not pretend a namespace would do"
fi
finish
