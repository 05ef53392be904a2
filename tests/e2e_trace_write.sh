# e2e_trace_write.sh — `sockscope trace --write FILE.pcapng`: the packets of
# a trace kept in a capture file, each with a pcapng comment naming the
# call it came in and its source line, or saying it came between calls.
# tests/trace/http_client.c (cc -g -O0) against `--serve http` (the lab's
# server inside the trace's capture: in sockscope's own namespace when one
# can be made, as the other trace tests, else on the host's lo).  The file is read back by tshark (frame.comment)
# when it is installed, and by `sockscope inspect` always: as many packets
# as the trace printed; the SYN and the handshake's ACK commented with the
# connect line, the request with the send line, the client's FIN with the
# close line; every comment one of those forms.  Bad input: a file that
# cannot be made, and --write without a capture, are refused (exit 2)
# before the program runs.
# Skips (77) without a C compiler or when ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
cc -g -O0 -o "$dir/http_client" "$src/http_client.c" || { fail "cc could not build http_client.c"; finish; }
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac

# --- refused before anything runs ---
out=$("$bin" trace --write "$dir/no/such/dir/x.pcapng" -- "$dir/http_client" 1 2>&1); rc=$?
[ $rc -eq 2 ] && pass "--write into a missing directory: exit 2" || fail "--write into a missing dir exits $rc"
expect_in "$out" "$dir/no/such/dir/x.pcapng" "the message names the file"
expect_not_in "$out" "connect(" "and the program did not run"
out=$("$bin" trace --capture none --write "$dir/x.pcapng" -- true 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "there is no capture to write" "--write without a capture: exit 2, said" \
	|| fail "--capture none --write exits $rc: $out"
[ ! -e "$dir/x.pcapng" ] && pass "and no file was left" || fail "a file was left: $dir/x.pcapng"
out=$("$bin" trace --write 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--write takes a file name" "--write without a name: exit 2" \
	|| fail "--write alone exits $rc"

# --- a real run ---
file=$dir/trace.pcapng
capture=$(trace_capture "$bin")
"$bin" trace --capture "$capture" --timeout 20 --write "$file" --serve http -- "$dir/http_client" '{port}' \
	> "$dir/out" 2> "$dir/err"; rc=$?
[ $rc -eq 0 ] && pass "the traced client exits 0" || fail "the traced client exits $rc: $(cat "$dir/err")"
expect_in "$(cat "$dir/err")" "the packets are in $file" "where the packets are is said"
[ -s "$file" ] && pass "the file is there" || { fail "no file $file"; finish; }
[ ! -e "$file.partial" ] && pass "no .partial left" || fail "$file.partial left"
shown=$(grep -c '^    [ 0-9]*[0-9]  [0-9]' "$dir/out")
"$bin" inspect "$file" --print > "$dir/inspect" 2>&1 || fail "sockscope inspect cannot read $file: $(cat "$dir/inspect")"
read_back=$(grep -c '^ *[0-9]' "$dir/inspect")
[ "$shown" -ge 9 ] && [ "$read_back" -eq "$shown" ] && pass "inspect reads back the $shown packets the trace printed" \
	|| fail "the trace printed $shown packets, inspect reads $read_back"

L() { grep -n "@$1" "$src/http_client.c" | cut -d: -f1; }
if command -v tshark > /dev/null 2>&1; then
	tshark -r "$file" -T fields -E separator='|' -e tcp.flags.str -e tcp.len -e frame.comment \
		> "$dir/fields" 2> "$dir/tshark.err" || fail "tshark cannot read $file: $(cat "$dir/tshark.err")"
	[ "$(grep -c . "$dir/fields")" -eq "$shown" ] && pass "tshark reads $shown packets too" \
		|| fail "tshark reads $(grep -c . "$dir/fields") packets, the trace printed $shown"
	# tshark writes the flags as a string of 12 positions, '·' for unset
	syn=$(grep '^·*S·|' "$dir/fields" | head -1)
	case $syn in
	*"|http_client.c:$(L connect) connect("*) pass "the SYN's comment is the connect line ($(L connect))" ;;
	*) fail "the SYN's comment: $syn" ;;
	esac
	req=$(awk -F'|' '$2 == 29' "$dir/fields" | head -1)
	case $req in
	*"|http_client.c:$(L send) sendto("*'"GET / HTTP/1.1'*) pass "the request's comment is the send line ($(L send))" ;;
	*) fail "the request's comment: $req" ;;
	esac
	fin=$(grep '^·*A···F|' "$dir/fields" | head -1)
	case $fin in
	*"|http_client.c:$(L close) close("*) pass "the first FIN's comment is the close line ($(L close))" ;;
	*) fail "the first FIN's comment: $fin" ;;
	esac
	bad=$(cut -d'|' -f3- "$dir/fields" | grep -v -e '^http_client\.c:[0-9]* [a-z]*(' -e '^between calls' \
		-e "^the program's end")
	[ -z "$bad" ] && pass "every packet's comment names a call, or says between calls or the end" \
		|| fail "comments of another form: $bad"
	# the comments agree with the text: each call's packets count the same in both
	for c in connect send close; do
		intext=$(awk -v head="http_client.c:$(L $c)  " 'index($0, head) == 1 { on = 1; next }
			/^[^ ]/ { on = 0 } on && /^    [ 0-9]*[0-9]  [0-9]/' "$dir/out" | grep -c .)
		infile=$(grep -c "|http_client.c:$(L $c) " "$dir/fields")
		[ "$intext" -eq "$infile" ] && pass "$c: $infile packets in the file, as in the text" \
			|| fail "$c: $intext packets in the text, $infile in the file"
	done
else
	echo "note: tshark is not installed: the comments are not read back"
fi
finish
