# e2e_inspect.sh — `sockscope inspect` on a capture of a real lesson run.
# The tcp-basics lesson runs headless and saves its packets (--write); the
# first of its two connections is cut out with a filter and --write, and
# then the list, detail, filter, follow, conversations, ladder, save and
# damage handling are checked against what RFC 9293 says the exchange is
# (and against tshark and tcpdump when installed).  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export TZ=UTC

if ! "$bin" lesson tcp-basics --headless --write "$dir/full.pcap" > "$dir/run.txt" 2>&1 ||
   ! grep -q "^wrote 20 packets to" "$dir/run.txt"; then
	cat "$dir/run.txt"
	echo "SKIP: the lesson run captured no packets here (no capture: see above), so there is no file to inspect"
	exit 77
fi

full=$("$bin" inspect "$dir/full.pcap" --print); rc=$?
[ $rc -eq 0 ] || fail "--print of the saved run exits $rc"
[ "$(printf '%s\n' "$full" | wc -l)" -eq 20 ] && pass "20 packets in the saved run" || fail "not 20 packets: $full"

# The first connection alone: its client port is packet 1's source port.
cport=$(printf '%s\n' "$full" | awk 'NR == 1 { n = split($3, a, ":"); print a[n] }')
sport=$(printf '%s\n' "$full" | awk 'NR == 1 { n = split($5, a, ":"); print a[n] }')
w=$("$bin" inspect "$dir/full.pcap" -f "tcp port $cport" --write "$dir/one.pcap")
expect_in "$w" "wrote 10 packets to $dir/one.pcap" "--write saves the 10 filtered packets"

out=$("$bin" inspect "$dir/one.pcap" --print)
echo "$out"
line() { printf '%s\n' "$out" | sed -n "$1p"; }
c="127.0.0.1:$cport"; s="127.0.0.1:$sport"
# RFC 9293 3.5: the three-way handshake; seq/ack relative to each side's ISN.
expect_in "$(line 1)" "   1  0.000000  $c > $s TCP         74  Flags [S], seq 0, win 65495, options [mss 65495,sackOK,TS val " "packet 1 is the client's SYN"
expect_in "$(line 2)" "$s > $c TCP         74  Flags [S.], seq 0, ack 1, win 65483, options [mss 65495,sackOK,TS val " "packet 2 is the SYN,ACK acknowledging the SYN"
expect_in "$(line 3)" "$c > $s TCP         66  Flags [.], ack 1, win " "packet 3 completes the handshake"
# The server's greeting: 31 bytes, then the client's "Hello, World!": 13.
expect_in "$(line 4)" "Flags [P.], seq 1:32, ack 1, win 64, options [nop,nop,TS val" "packet 4 carries the 31-byte greeting"
expect_in "$(line 6)" "$c > $s TCP         79  Flags [P.], seq 1:14, ack 32, " "packet 6 carries Hello, World! (13 bytes)"
expect_in "$(line 6)" "length 13" "packet 6's length is 13"
# RFC 9293 3.6: each FIN takes one sequence number.
expect_in "$(line 8)" "$c > $s TCP         66  Flags [F.], seq 14, ack 32, " "packet 8: the client's FIN at seq 14"
expect_in "$(line 9)" "$s > $c TCP         66  Flags [F.], seq 32, ack 15, " "packet 9: the server's FIN acknowledges the client's"
expect_in "$(line 10)" "Flags [.], ack 33, " "packet 10 acknowledges the server's FIN"

# The same packets as tcpdump and tshark read them.
if command -v tcpdump >/dev/null 2>&1; then
	t1=$(tcpdump -nr "$dir/one.pcap" 2>/dev/null | head -1 | cut -d' ' -f1)
	a1=$("$bin" inspect "$dir/one.pcap" --time abs | head -1 | awk '{ print $2 }')
	[ "$t1" = "$a1" ] && pass "--time abs matches tcpdump ($t1)" || fail "--time abs '$a1', tcpdump '$t1'"
	tn=$(tcpdump -nr "$dir/one.pcap" 2>/dev/null | wc -l)
	[ "$tn" -eq 10 ] && pass "tcpdump reads the 10 saved packets" || fail "tcpdump reads $tn packets"
fi
if command -v tshark >/dev/null 2>&1; then
	# ours: number, length column, ack (when shown), payload length
	ours=$(printf '%s\n' "$out" | awk '{ ack = "-"; if (match($0, /ack [0-9]+/)) ack = substr($0, RSTART + 4, RLENGTH - 4);
		len = $NF; if (match($0, /length [0-9]+/)) len = substr($0, RSTART + 7, RLENGTH - 7); print $1, $7, ack, len }')
	theirs=$(tshark -r "$dir/one.pcap" -T fields -E separator=' ' -e frame.number -e frame.len -e tcp.flags.ack -e tcp.ack -e tcp.len 2>/dev/null |
		awk '{ print $1, $2, ($3 == "1" || $3 == "True") ? $4 : "-", $5 }')
	[ "$ours" = "$theirs" ] && pass "lengths and relative acks match tshark" || fail "differs from tshark:
ours:
$ours
tshark:
$theirs"
fi

# --detail: the SYN's options, by name, with their bytes (RFC 9293 3.2, RFC 7323, RFC 2018).
d=$("$bin" inspect "$dir/one.pcap" --detail 1)
echo "$d" | head -5
expect_in "$d" "Frame 1: 74 bytes on the wire, 74 captured, interface 0, link type 1 (Ethernet)" "detail heading"
expect_in "$d" "    Flags: 0x02 (SYN)  [47+1]" "the SYN flag byte"
expect_in "$d" "      Maximum segment size: 65495 bytes  [54+4]" "MSS option, 4 bytes at 54"
expect_in "$d" "      SACK permitted  [58+2]" "SACK-permitted option"
expect_in "$d" "      Timestamps: TSval " "timestamps option"
expect_in "$d" "      Window scale: shift " "window scale option"
expect_in "$d" "  0040  " "hex dump to the last line"
d6=$("$bin" inspect "$dir/one.pcap" --detail 6)
expect_in "$d6" "Hello, World!" "detail of packet 6 shows its payload"

# Display filter: the two segments with SYN set (SYN, SYN,ACK).
f=$("$bin" inspect "$dir/one.pcap" -f 'tcp[tcpflags] & tcp-syn != 0')
[ "$(printf '%s\n' "$f" | wc -l)" -eq 2 ] && pass "the SYN filter gives 2 packets" || fail "SYN filter: $f"
expect_in "$(printf '%s\n' "$f" | sed -n 1p)" "   1  " "... packet 1"
expect_in "$(printf '%s\n' "$f" | sed -n 2p)" "   2  " "... and packet 2"
bad=$("$bin" inspect "$dir/one.pcap" -f 'tcp portt 80' 2>&1); rc=$?
[ $rc -eq 2 ] && pass "a bad filter exits 2" || fail "a bad filter exits $rc"
expect_in "$bad" "bad filter 'tcp portt 80': " "a bad filter is named"
expect_in "$bad" "syntax error" "with pcap's message"
srch=$("$bin" inspect "$dir/one.pcap" --search 'length 13')
[ "$(printf '%s\n' "$srch" | wc -l)" -eq 1 ] && pass "--search finds the one 13-byte segment" || fail "search: $srch"

# Follow the stream from its last packet: greeting before Hello.
fo=$("$bin" inspect "$dir/one.pcap" --follow 10)
echo "$fo"
expect_in "$fo" "TCP stream $c <-> $s: 10 packets, 13 bytes $c > $s, 31 bytes $s > $c; 0 gaps, 0 retransmissions, 0 out of order" "stream heading"
wl=$(printf '%s\n' "$fo" | grep -n "^Welcome to the sockscope lab!$" | cut -d: -f1)
hl=$(printf '%s\n' "$fo" | grep -n "^Hello, World!$" | cut -d: -f1)
[ -n "$wl" ] && [ -n "$hl" ] && [ "$wl" -lt "$hl" ] && pass "the greeting comes before Hello, World!" || fail "stream order: $fo"

# Conversations: one TCP conversation of 10 packets, 6 from the client.
cv=$("$bin" inspect "$dir/one.pcap" --conversations)
echo "$cv"
expect_in "$cv" "1 conversations" "one conversation"
row=$(printf '%s\n' "$cv" | grep "^TCP ")
set -- $row
[ "$2" = "$c" ] && [ "$4" = "$s" ] && [ "$5" = 10 ] && [ "$7" = 6 ] && [ "$8" = 4 ] &&
	pass "TCP $c <-> $s, 10 packets, 6 + 4" || fail "conversation row: $row"
cv2=$("$bin" inspect "$dir/full.pcap" --conversations)
expect_in "$cv2" "2 conversations" "the full run has two conversations"

# Ladder of the connection.
la=$("$bin" inspect "$dir/one.pcap" --ladder 3)
expect_in "$la" "ladder: $c <-> $s, 10 segments" "ladder heading"
expect_in "$la" "|<-- SYN,ACK seq 0 ack 1" "ladder draws the SYN,ACK"

# Save: marked packets, and the SYN filter; read back by tshark.
m=$("$bin" inspect "$dir/one.pcap" --write "$dir/marked.pcap" --marked 1,4-6)
expect_in "$m" "wrote 4 packets" "--marked saves 4 packets"
"$bin" inspect "$dir/one.pcap" -f 'tcp[tcpflags] & tcp-syn != 0' --write "$dir/syn.pcap" > /dev/null
"$bin" inspect "$dir/one.pcap" --write "$dir/all.pcap" > /dev/null
if command -v tshark >/dev/null 2>&1; then
	n=$(tshark -r "$dir/syn.pcap" 2>/dev/null | wc -l)
	[ "$n" -eq 2 ] && pass "tshark reads the 2 filtered packets back" || fail "tshark reads $n packets from syn.pcap"
	a=$(tshark -r "$dir/one.pcap" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len 2>/dev/null; tshark -r "$dir/one.pcap" -x 2>/dev/null)
	b=$(tshark -r "$dir/all.pcap" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len 2>/dev/null; tshark -r "$dir/all.pcap" -x 2>/dev/null)
	[ -n "$a" ] && [ "$a" = "$b" ] && pass "tshark reads the saved copy identically (times, lengths, bytes)" || fail "saved copy differs in tshark"
	a=$(tshark -r "$dir/one.pcap" -Y 'tcp.flags.syn == 1' -x 2>/dev/null)
	b=$(tshark -r "$dir/syn.pcap" -x 2>/dev/null)
	[ -n "$b" ] && [ "$a" = "$b" ] && pass "the filtered packets' bytes are the originals" || fail "filtered bytes differ"
else
	echo "(tshark not installed: read-back checks skipped)"
fi
cmp -s "$dir/one.pcap" "$dir/all.pcap" && pass "saving all packets reproduces the file byte for byte" || fail "all.pcap differs from one.pcap"

# Damage: cut the file inside the header, inside packet records, one byte short.
size=$(wc -c < "$dir/one.pcap")
ends=$(printf '%s\n' "$out" | awk 'BEGIN { o = 24 } { o += 16 + $7; print o }')
for cut in 30 $((24 + 16 + 74 + 5)) 300 $(printf '%s\n' "$ends" | sed -n 5p) $((size - 1)); do
	head -c "$cut" "$dir/one.pcap" > "$dir/cut.pcap"
	want=$(printf '%s\n' "$ends" | awk -v c="$cut" '$1 <= c { n++ } END { print n + 0 }')
	got=$("$bin" inspect "$dir/cut.pcap" 2> "$dir/err.txt"); rc=$?
	n=$(printf '%s' "$got" | grep -c .)
	exact=$(printf '%s\n' "$ends" | grep -cx "$cut")
	if [ "$exact" -eq 1 ]; then
		[ $rc -eq 0 ] && [ "$n" -eq "$want" ] && pass "cut at a record boundary ($cut): $want packets, no damage" ||
			fail "cut at $cut: rc $rc, $n packets, want $want"
		continue
	fi
	[ $rc -eq 1 ] && [ "$n" -eq "$want" ] && pass "cut at byte $cut: the $want packets before it, exit 1" ||
		fail "cut at $cut: rc $rc, $n packets printed, want $want and 1"
	expect_in "$(cat "$dir/err.txt")" "packet $((want + 1)) at byte offset " "cut at $cut: names the packet and offset"
	expect_in "$(cat "$dir/err.txt")" "(truncated)" "cut at $cut: says truncated"
done

# Not a capture file at all.
printf '<!DOCTYPE html>\n<html></html>\n' > "$dir/page.html"
nc=$("$bin" inspect "$dir/page.html" 2>&1); rc=$?
[ $rc -eq 2 ] && pass "a web page exits 2" || fail "a web page exits $rc"
expect_in "$nc" "not a capture file: first bytes 3c 21 44 4f (looks like text)" "and says what it is"
finish
