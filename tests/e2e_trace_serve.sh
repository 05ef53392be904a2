# e2e_trace_serve.sh — `sockscope trace --serve PROTO`: the lab's own server
# as the other end of a traced program, started inside the trace's capture,
# and {host}, {port}, {port:PROTO} in the program's arguments replaced with
# where it really listens.  Because the server lives in the trace's
# capture, this works without root too: as uid 65534 the capture is a
# network namespace of sockscope's own, and the server is in it with the
# program (a server started outside could not be reached from there).
# Checked: tests/trace/http_client.c (cc -g -O0) gets the handshake on its
# connect line and the request on its send line, as root on lo and as
# nobody in the namespace; curl over ::1 with -6; {x} and a lone '{' are
# left alone; a word naming a server not asked for, or an unknown server,
# is refused with exit 2.
# Skips (77) without a C compiler or when ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
cc -g -O0 -o "$dir/http_client" "$src/http_client.c" || { fail "cc could not build http_client.c"; finish; }

# --- the words, and what is refused (no capture needed) ---
out=$("$bin" trace --capture none --serve http -- echo '{x} {port}x {' 2> "$dir/w.err"); rc=$?
[ $rc -eq 0 ] && pass "echo under --serve exits 0" || fail "echo exits $rc: $(cat "$dir/w.err")"
port=$(sed -n 's/.*the lab.s http server listens on 127\.0\.0\.1 port \([0-9]*\)$/\1/p' "$dir/w.err")
[ -n "$port" ] && pass "where the server listens is said ($port)" || fail "no 'listens on' line: $(cat "$dir/w.err")"
case $out in
*"{x} ${port}x {"*) pass "{port} became $port; {x} and '{' were left as written" ;;
*) fail "the arguments became: $out" ;;
esac
out=$("$bin" trace --capture none --serve http -- echo '{port:dns}' 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "{port:dns} in the arguments, but no --serve dns gives it" \
	"{port:dns} without --serve dns: exit 2, said" || fail "{port:dns} exits $rc: $out"
out=$("$bin" trace --capture none -- echo '{port}' 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "no --serve PROTO gives it" "{port} without --serve: exit 2, said" \
	|| fail "{port} alone exits $rc: $out"
out=$("$bin" trace --serve nope -- true 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--serve nope: no lab server 'nope'" "an unknown server: exit 2, said" \
	|| fail "--serve nope exits $rc: $out"

# probe: can this machine trace at all?
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac

# run LABEL [WRAPPER...]: trace the C client against --serve http, check
# its connect and send blocks.
L() { grep -n "@$1" "$src/http_client.c" | cut -d: -f1; }
run() {
	label=$1; shift
	"$@" "$bin" trace --timeout 20 --serve http -- "$dir/http_client" '{port}' > "$dir/c.out" 2> "$dir/c.err"
	rc=$?
	[ $rc -eq 0 ] && pass "$label: the client exits 0" || { fail "$label: exit $rc: $(cat "$dir/c.err")"; return; }
	mode=$(sed -n 's/^sockscope trace: capturing on //p' "$dir/c.err")
	if [ -z "$mode" ]; then
		echo "note: $label: no capture here ($(grep 'no capture' "$dir/c.err")): packets not checked"
		return
	fi
	pass "$label: capturing on $mode"
	p=$(sed -n 's/.*http server listens on 127\.0\.0\.1 port \([0-9]*\)$/\1/p' "$dir/c.err")
	expect_in "$(cat "$dir/c.out")" "http_client.c:$(L connect)  connect(" "$label: connect at its line"
	expect_in "$(cat "$dir/c.out")" "{AF_INET, 127.0.0.1:$p}, 16) = 0" "$label: to the server's port $p"
	conn=$(awk -v head="http_client.c:$(L connect)  " 'index($0, head) == 1 { on = 1; next }
		/^[^ ]/ { on = 0 } on' "$dir/c.out" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ')
	[ "$conn" = "S S. . " ] && pass "$label: connect got SYN, SYN/ACK, ACK" || fail "$label: connect's flags '$conn'"
	snd=$(awk -v head="http_client.c:$(L send)  " 'index($0, head) == 1 { on = 1; next }
		/^[^ ]/ { on = 0 } on' "$dir/c.out")
	expect_in "$snd" "length 29: HTTP: GET / HTTP/1.1" "$label: send got the request"
	[ "$(grep -c 'HTTP: HTTP/1.1 200 OK' "$dir/c.out")" -eq 1 ] && pass "$label: the answer is shown once" \
		|| fail "$label: the answer is not shown exactly once"
}
run "as $(id -un)"
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null 2>&1; then
	run "as uid 65534" setpriv --reuid 65534 --regid 65534 --clear-groups
	expect_in "$mode" "namespace" "as uid 65534 the capture is the namespace"
else
	echo "note: not root or no setpriv: the unprivileged run is left out"
fi

# --- curl over IPv6: {host} is ::1 with -6 ---
if command -v curl > /dev/null 2>&1; then
	"$bin" trace --timeout 20 -6 --serve http -- curl -s -g -o /dev/null 'http://[{host}]:{port}/' \
		> "$dir/curl.out" 2> "$dir/curl.err"; rc=$?
	[ $rc -eq 0 ] && pass "curl -6 exits 0" || fail "curl -6 exits $rc: $(cat "$dir/curl.err")"
	p=$(sed -n 's/.*http server listens on ::1 port \([0-9]*\)$/\1/p' "$dir/curl.err")
	[ -n "$p" ] && pass "-6: the server listens on ::1 ($p)" || fail "-6: $(cat "$dir/curl.err")"
	expect_in "$(cat "$dir/curl.out")" "{AF_INET6, [::1]:$p}" "curl connects to [::1]:$p"
else
	echo "note: curl is not installed: the -6 check is left out"
fi
finish
