# e2e_trace_py.sh — `sockscope trace` of a Python program: its calls at the
# lines of the Python script (Python's line runner, assets/trace/pylines.py),
# each with the packets the real capture saw for it.
# tests/trace/http_client.py (http_client.c in Python) does one GET against
# --serve http: connect's line gets exactly the handshake (SYN, SYN/ACK,
# ACK), send's the request and the server's ACK of it, close's the
# client's FIN; every line number is the line of that call in the script
# (found with grep -n, not written down).  The same as `python3 SCRIPT`,
# `python3 -u SCRIPT`, a script run by its #! line and `python3 -m MODULE`;
# --no-lines runs no runner; -c runs no script (said); a script that
# raises or is missing ends as under python3; the reports cost the program
# no write(2) (skipped at their stop).  tests/trace/py_threads.py: two
# threads sending at once, each call at its own thread's line.
# Skips (77) without python3 or when ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v python3 > /dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac
cap=$(trace_capture "$bin")
echo "note: tracing with --capture $cap"

L() { grep -n "@$1\$" "$src/http_client.py" | cut -d: -f1; }
# block FILE NAME: the block of the call at the line marked @NAME (the call
# line and its packets), "[pid N] " prefixes dropped.
block() {
	sed 's/^\[pid [0-9]*\] //' "$1" | awk -v head="http_client.py:$(L "$2")  " '
		index($0, head) == 1 { on = 1; print; next } /^[^ ]/ { on = 0 } on'
}
flags() { block "$1" "$2" | grep '^    ' | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' '; }

# check LABEL: the client's run in $dir/c.out / c.err.
check() {
	label=$1
	[ $rc -eq 0 ] && pass "$label: exits 0" || { fail "$label: exit $rc: $(cat "$dir/c.err")"; return; }
	expect_in "$(cat "$dir/c.out")" "received 333 bytes" "$label: the script got the whole answer"
	expect_in "$(cat "$dir/c.err")" "the script runs under sockscope's line runner" "$label: the runner is said"
	for c in socket connect send recv close; do
		[ -n "$(block "$dir/c.out" $c)" ] && pass "$label: $c is shown at http_client.py:$(L $c)" \
			|| fail "$label: no call at http_client.py:$(L $c)"
	done
	grep -q 'socketmodule\.c\|\.c:[0-9]' "$dir/c.out" && fail "$label: a C line of the interpreter is shown" \
		|| pass "$label: no line of the interpreter's C"
	mode=$(sed -n 's/^sockscope trace: capturing on //p' "$dir/c.err")
	if [ -z "$mode" ]; then
		echo "note: $label: no capture here: packets not checked"
		return
	fi
	p=$(sed -n 's/.*http server listens on 127\.0\.0\.1 port \([0-9]*\)$/\1/p' "$dir/c.err")
	expect_in "$(block "$dir/c.out" connect)" "connect(" "$label: connect's line shows connect()"
	expect_in "$(block "$dir/c.out" connect)" "{AF_INET, 127.0.0.1:$p}, 16) = 0" "$label: to the server's port"
	[ "$(flags "$dir/c.out" connect)" = "S S. . " ] && pass "$label: connect got SYN, SYN/ACK, ACK" \
		|| fail "$label: connect's flags: '$(flags "$dir/c.out" connect)'"
	client=$(block "$dir/c.out" connect | sed -n '2s/.*  \(127\.0\.0\.1:[0-9]*\) > 127\.0\.0\.1:'"$p"' .*/\1/p')
	snd=$(block "$dir/c.out" send | grep '^    ')
	printf '%s\n' "$snd" | head -1 | grep -q "$client > 127.0.0.1:$p .*length 29: HTTP: GET / HTTP/1.1" \
		&& pass "$label: send's first packet is the request" || fail "$label: send's packets: $snd"
	printf '%s\n' "$snd" | grep -q "127.0.0.1:$p > $client .*Flags \[[.P]*\], .*ack 30," \
		&& pass "$label: the server's ACK of the request is send's" || fail "$label: no ACK of the request in send's"
	[ "$(grep -c 'HTTP: GET /' "$dir/c.out")" -eq 1 ] && pass "$label: the request is shown once" \
		|| fail "$label: the request is not shown once"
	[ "$(grep -c 'HTTP: HTTP/1.1 200 OK' "$dir/c.out")" -eq 1 ] && pass "$label: the answer is shown once" \
		|| fail "$label: the answer is not shown once"
	expect_in "$(block "$dir/c.out" recv)" 'recvfrom(' "$label: recv's line shows recvfrom()"
	cls=$(block "$dir/c.out" close | grep '^    ')
	printf '%s\n' "$cls" | head -1 | grep -q "$client > 127.0.0.1:$p .*Flags \[F\.\]" \
		&& pass "$label: close's first packet is the client's FIN" || fail "$label: close's packets: $cls"
	printf '%s\n' "$cls" | grep -q "127.0.0.1:$p > $client .*Flags \[F*\.\], seq [0-9]*, ack 31," \
		&& pass "$label: the server acknowledges the FIN within close" || fail "$label: no ACK of the FIN in close's"
}

run() {
	"$bin" trace --capture "$cap" --timeout 20 --serve http -- "$@" > "$dir/c.out" 2> "$dir/c.err"; rc=$?
}
run python3 "$src/http_client.py" '{port}'; check "python3 SCRIPT"
run python3 -u "$src/http_client.py" '{port}'; check "python3 -u SCRIPT"
# a script run by its #! line (through env, found in PATH)
{ echo '#!/usr/bin/env python3'; cat "$src/http_client.py"; } > "$dir/http_client.py"
chmod 755 "$dir/http_client.py"
sh_src=$src; src=$dir   # its lines are one below the source's
PATH="$dir:$PATH" run http_client.py '{port}'; check "#!/usr/bin/env python3"
expect_in "$(cat "$dir/c.err")" "Python (#!/usr/bin/env python3)" "#!: the interpreter line is named"
src=$sh_src
# python3 -m MODULE, from the script's directory
(cd "$src" && "$bin" trace --capture "$cap" --timeout 20 --serve http -- python3 -m http_client '{port}' > "$dir/c.out" 2> "$dir/c.err")
rc=$?; check "python3 -m MODULE"

# --no-lines: no runner, no lines
"$bin" trace --capture "$cap" --no-lines --timeout 20 --serve http -- python3 "$src/http_client.py" '{port}' > "$dir/n.out" 2> "$dir/n.err"
rc=$?
[ $rc -eq 0 ] && pass "--no-lines: exits 0" || fail "--no-lines: exit $rc"
expect_not_in "$(cat "$dir/n.err")" "line runner" "--no-lines: no runner"
expect_not_in "$(cat "$dir/n.out")" "http_client.py:" "--no-lines: no lines"
expect_in "$(cat "$dir/n.out")" "connect(" "--no-lines: the calls are still shown"

# python3 -c runs no script: call granularity, said
out=$("$bin" trace --capture none -- python3 -c 'import socket; socket.socket().close()' 2>&1); rc=$?
[ $rc -eq 0 ] && expect_in "$out" "-c runs no script file: calls are shown without Python lines" \
	"python3 -c: no script, said" || fail "python3 -c exits $rc: $out"
expect_in "$out" "socket(AF_INET, SOCK_STREAM" "python3 -c: its calls are shown"

# a script that raises: its traceback as python3 prints it (from the
# script's frames, none of the runner's), exit 1; one that is not there:
# python's own message, exit 2
printf 'import socket\ns = socket.socket()\nraise ValueError("boom")\n' > "$dir/boom.py"
out=$("$bin" trace --capture none -- python3 "$dir/boom.py" 2>&1); rc=$?
[ $rc -eq 1 ] && pass "a script that raises: exit 1" || fail "the raising script exits $rc: $out"
[ "$(printf '%s\n' "$out" | grep -A1 '^Traceback (most recent call last):$' | sed -n 2p)" = \
	"  File \"$dir/boom.py\", line 3, in <module>" ] && pass "its traceback starts at the script's line" \
	|| fail "the traceback: $out"
expect_not_in "$out" "pylines.py\", line" "the runner is not in the traceback"
expect_in "$out" "boom.py:2  socket(AF_INET, SOCK_STREAM" "its socket() at its line"
out=$("$bin" trace --capture none -- python3 "$dir/nope.py" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "can't open file '$dir/nope.py': [Errno 2] No such file or directory" \
	"a script that is not there: python's message, exit 2" || fail "a missing script exits $rc: $out"

# the reports are skipped, not written: the kernel's count of the
# program's write(2) calls (/proc/self/io syscw) does not grow with its
# lines (x86_64; elsewhere they go on to /dev/null)
if [ "$(uname -m)" = x86_64 ]; then
	cat > "$dir/io.py" <<'PY'
def syscw():
	for l in open("/proc/self/io"):
		if l.startswith("syscw"):
			return int(l.split()[1])
a = syscw()
n = 0
for i in range(500):
	n += i
print("writes:", syscw() - a)
PY
	out=$("$bin" trace --capture none -- python3 "$dir/io.py" 2>&1)
	w=$(printf '%s\n' "$out" | sed -n 's/^writes: \([0-9]*\)$/\1/p')
	[ -n "$w" ] && [ "$w" -lt 10 ] && pass "1,000 lines reported, $w write(2) calls made: the reports are skipped" \
		|| fail "writes during 1,000 lines: '$w': $out"
fi

# --- threads: each call at its own thread's line ---
T() { grep -n "@$1\$" "$src/py_threads.py" | cut -d: -f1; }
"$bin" trace --capture none --timeout 30 -- python3 "$src/py_threads.py" 40 > "$dir/t.out" 2> "$dir/t.err"; rc=$?
[ $rc -eq 0 ] && pass "threads: exits 0" || fail "threads: exit $rc: $(cat "$dir/t.err")"
expect_in "$(cat "$dir/t.out")" "sent 40 + 40 datagrams" "threads: the script ran to its end"
w=$(grep -c "sendto([0-9]*<UDP[^>]*>, \"w\", 1," "$dir/t.out")
m=$(grep -c "sendto([0-9]*<UDP[^>]*>, \"m\", 1," "$dir/t.out")
[ "$w" -eq 40 ] && [ "$m" -eq 40 ] && pass "threads: 40 + 40 sendto shown" || fail "threads: $w + $m sendto shown"
wl=$(grep -c "\] py_threads.py:$(T wsend)  sendto([0-9]*<UDP[^>]*>, \"w\", 1," "$dir/t.out")
ml=$(grep -c "\] py_threads.py:$(T msend)  sendto([0-9]*<UDP[^>]*>, \"m\", 1," "$dir/t.out")
[ "$wl" -eq 40 ] && pass "threads: the worker's 40 at its line $(T wsend)" || fail "threads: $wl of 40 at $(T wsend)"
[ "$ml" -eq 40 ] && pass "threads: the main thread's 40 at its line $(T msend)" || fail "threads: $ml of 40 at $(T msend)"
# both threads' pids: the sends of each come from one thread, not the same
wp=$(sed -n 's/^\[pid \([0-9]*\)\] .*"w", 1,.*/\1/p' "$dir/t.out" | sort -u | wc -l)
mp=$(sed -n 's/^\[pid \([0-9]*\)\] .*"m", 1,.*/\1/p' "$dir/t.out" | sort -u | wc -l)
[ "$wp" -eq 1 ] && [ "$mp" -eq 1 ] && pass "threads: each thread's sends under one pid" || fail "threads: pids $wp, $mp"
finish
