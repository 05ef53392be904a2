# e2e_trace_delack.sh — an ACK the receiver's kernel delays is the
# delayed-ACK timer's, not the next call's: sockscope trace judges a call
# quiet once the other end has received its data (sock_diag's
# tcpi_bytes_received against tcpi_bytes_sent), so it does not wait the
# 40 ms or more for the ACK, and labels that ACK when it comes.
# tests/trace/delack.c: the server turns quick ACKs off (TCP_QUICKACK 0)
# and leaves the client's 8-byte request unread for a second, so its only
# ACK is the timer's.  Checked: the request is send's; its bare ACK ("ack 9")
# is shown exactly once, under "between calls (the kernel's delayed ACK
# ...)" — or in send's own block should send's window still be open when
# the timer fires (a very busy machine) — and never in a later call's
# block; the server's recv, a second later, puts nothing on the wire.
# Skips (77) without a C compiler or when ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
cc -g -O0 -o "$dir/delack" "$src/delack.c" || { fail "cc could not build delack.c"; finish; }
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"cannot be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac
capture=$(trace_capture "$bin")
"$bin" trace --capture "$capture" --timeout 20 -- "$dir/delack" > "$dir/out" 2> "$dir/err"; rc=$?
case $(cat "$dir/err") in
*"no capture"*) echo "SKIP: no capture here: $(cat "$dir/err")"; exit 77 ;;
esac
cat "$dir/out"
[ $rc -eq 0 ] && pass "the program exits 0" || fail "exit $rc: $(cat "$dir/err")"
L() { grep -n "@$1" "$src/delack.c" | cut -d: -f1; }
# where WHAT [AND]: the heading each packet line holding WHAT (and AND) is under
where() {
	awk -v what="$1" -v and="${2:-}" '/^[^ ]/ { h = $0; sub(/^\[pid [0-9]+\] /, "", h) }
		/^    / && index($0, what) && index($0, and) { print h }' "$dir/out"
}
req=$(where "length 8")
case $req in
"delack.c:$(L send)  sendto("*) pass "the request is send's (delack.c:$(L send))" ;;
*) fail "the request is under: $req" ;;
esac
# the server's ACK of it, to the client's port (the client's last ACK acks 9 too)
client=$(sed -n 's/^ *[0-9]*  [0-9.]*  \(127\.0\.0\.1:[0-9]*\) > .*length 8$/\1/p' "$dir/out" | head -1)
[ -n "$client" ] || fail "no request from the client found"
ack=$(where "> $client " "Flags [.], ack 9,")
[ "$(printf '%s\n' "$ack" | grep -c .)" -eq 1 ] && pass "its ACK is shown exactly once" || fail "its ACK is under: $ack"
case $ack in
"-- between calls (the kernel's delayed ACK: its timer, for data already received):")
	pass "under the delayed-ACK timer's heading" ;;
"delack.c:$(L send)  sendto("*)
	echo "note: the timer fired while send's window was still open (a busy machine): the ACK is in send's block"
	pass "in send's own block (its window was still open)" ;;
*) fail "the ACK is blamed on: $ack" ;;
esac
recv_block=$(awk '/^\[pid [0-9]+\] delack\.c:[0-9]+  recvfrom\(.*"request\\n"/ { on = 1; next } /^[^ ]/ { on = 0 } on' "$dir/out")
[ "$recv_block" = "    (nothing on the wire)" ] && pass "the server's recv a second later: nothing on the wire" \
	|| fail "the server's recv block: $recv_block"
finish
