# e2e_ladder.sh — the ladder diagram of a real run: tcp-basics headless
# with --ladder over IPv4 and IPv6, checking each arrow's direction, its
# relative numbers and the step it is tagged with (client on the left).
# $1: the sockscope binary.  Exit 77 (skipped) when nothing can be captured.
. "$(dirname "$0")/lib.sh"
bin=$1
out=$(mktemp); trap 'rm -f "$out"' EXIT

# expect_re TEXT ERE WHAT: grep -E ERE must match a line of TEXT.
expect_re() {
	if printf '%s\n' "$1" | grep -qE -- "$2"; then pass "$3"; else fail "$3: /$2/ not found"; fi
}

for fam in 4 6; do
	echo "--- IPv$fam"
	if ! "$bin" lesson tcp-basics --headless --ladder -$fam > "$out" 2>&1; then
		cat "$out"; fail "IPv$fam: sockscope exited with an error"; continue
	fi
	if grep -q '^capture: none' "$out" || grep -q '^packets: not captured' "$out"; then
		cat "$out"; echo "SKIP: no packet capture here (run as root or where user namespaces work)"
		exit 77
	fi
	# The first connection's ladder: from its "ladder:" heading to the next one.
	lad=$(awk '/^ladder:/ { n++ } n == 1' "$out")
	printf '%s\n' "$lad"
	host=127.0.0.1; [ $fam = 6 ] && host='\[::1\]'
	expect_re "$lad" "^ladder: $host:[0-9]+ <-> $host:[0-9]+, [0-9]+ segments" "IPv$fam: a ladder heading names both endpoints"
	expect_re "$lad" "^ +$host:[0-9]+ +$host:[0-9]+\$" "IPv$fam: the endpoints stand over the lines"

	# connect(): SYN to the right, SYN,ACK back to the left, ACK to the right
	expect_re "$lad" '^ +[0-9]+ \|--- SYN seq 0 win [0-9]+ \[mss,.*-+>\|  step 3 connect\(\)$' \
		"IPv$fam: SYN arrow left to right, tagged step 3 connect()"
	expect_re "$lad" '^ +[0-9]+ \|<-- SYN,ACK seq 0 ack 1 .*-\|  step 3 connect\(\)$' \
		"IPv$fam: SYN,ACK arrow right to left, tagged step 3 connect()"
	expect_re "$lad" '^ +[0-9]+ \|--- ACK seq 1 ack 1 .*>\|  step 3 connect\(\)$' \
		"IPv$fam: the handshake's last ACK goes right"

	# recv(): the server's greeting comes from the right
	expect_re "$lad" '^ +[0-9]+ \|<-- PSH,ACK seq 1 ack 1 len 31 .*\|  step 4 recv\(\)$' \
		"IPv$fam: the 31-byte greeting arrow goes left, tagged step 4 recv()"

	# send(): the 13 bytes of "Hello, World!" go right, and are acknowledged
	expect_re "$lad" '^ +[0-9]+ \|--- PSH,ACK seq 1 ack 32 len 13 .*>\|  step 5 send\(\)$' \
		"IPv$fam: data arrow 'len 13' left to right, tagged step 5 send()"
	expect_re "$lad" '^ +[0-9]+ \|<-- ACK seq 32 ack 14 .*\|  step 5 send\(\)$' \
		"IPv$fam: the server's ACK 14 goes left"

	# close(): a FIN each way, then the last ACK
	expect_re "$lad" '^ +[0-9]+ \|--- FIN,ACK seq 14 ack 32 .*>\|  step 6 close\(\)$' \
		"IPv$fam: the client's FIN goes right, tagged step 6 close()"
	expect_re "$lad" '^ +[0-9]+ \|<-- FIN,ACK seq 32 ack 15 .*\|  step 6 close\(\)$' \
		"IPv$fam: the server's FIN comes back left"
	expect_re "$lad" '^ +[0-9]+ \|--- ACK seq 15 ack 33 .*>\|  step 6 close\(\)$' \
		"IPv$fam: the client ACKs the server's FIN"
	fins=$(printf '%s\n' "$lad" | grep -cE '\|(---|<--) FIN')
	[ "$fins" -eq 2 ] && pass "IPv$fam: two FIN arrows" || fail "IPv$fam: expected 2 FIN arrows, saw $fins"

	# The same packet numbers as the packet list, and nothing wider than 100 columns (+2 indent).
	syn=$(printf '%s\n' "$lad" | sed -n 's/^ *\([0-9][0-9]*\) |--- SYN .*/\1/p' | head -n 1)
	expect_re "$(cat "$out")" "^ +$syn +[0-9.]+ .*Flags \\[S\\], seq 0," "IPv$fam: the SYN's number is its number in the packet list"
	wide=$(printf '%s\n' "$lad" | awk 'length > 102' | wc -l)
	[ "$wide" -eq 0 ] && pass "IPv$fam: ladder rows fit in 100 columns" || fail "IPv$fam: $wide rows wider than 100 columns"
	expect_not_in "$lad" "RST" "IPv$fam: no RST in a polite close"
done
finish
