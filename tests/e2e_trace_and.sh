# e2e_trace_and.sh — `sockscope trace -- SERVER --and -- CLIENT {port}`: two
# real programs traced in one capture.  The server (tests/trace/
# one_echo_server.c, cc -g -O0) listens on a port the kernel picks; the
# client (tests/trace/http_client.c) is started only once the server has
# listened, with {port} replaced by that port.  Checked: both programs'
# calls at their own source lines, each labelled with its pid; the
# client's connect gets the handshake; the server's accept and recv are
# shown; both ends are said; a server that never ends is ended once idle
# for 1 s after the client (and nothing is left running); a first program
# that never listens leaves the second unstarted, said; --and without a
# program is refused; the same server in Python (tests/trace/
# one_echo_server.py) with the C client: its calls at the script's lines,
# the connect's handshake, request and echo each once.  Captured in
# sockscope's own namespace when one can be made (lib.sh trace_capture),
# so other tests' traffic on the host's lo cannot overrun the capture or
# mix with ours.  The blocks are exact (one call on the wire at a time,
# docs/trace.md "Two programs"): connect S, S., .; the client's send the
# request and its ACK; the server's send the echo and its ACK; each close
# its FIN and the ACK of it; accept and both recvs nothing; nothing
# between calls (but the delayed-ACK timer's)
# — in the first run and in 25 more with a busy loop on each core; and
# the same for one program's two threads (tests/trace/thread_pair.c).
# Skips (77) without cc, or when ptrace is refused.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
cc -g -O0 -o "$dir/server" "$src/one_echo_server.c" || { fail "cc could not build one_echo_server.c"; finish; }
cc -g -O0 -o "$dir/client" "$src/http_client.c" || { fail "cc could not build http_client.c"; finish; }
cc -g -O0 -pthread -o "$dir/thread_pair" "$src/thread_pair.c" || { fail "cc could not build thread_pair.c"; finish; }

out=$("$bin" trace -- "$dir/server" --and -- 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--and needs a program" "--and without a second program: exit 2" \
	|| fail "--and alone exits $rc: $out"
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac

S() { grep -n "@$1" "$src/one_echo_server.c" | cut -d: -f1; }
C() { grep -n "@$1" "$src/http_client.c" | cut -d: -f1; }
# blocks FILE: each block of a trace's output as "file:line=its flags"
# ("delack=...", "between=..." for the packets no call caused)
blocks() {
	awk 'function out() { if (head != "") print head "=" flags }
	/^[^ ]/ { out(); h = $0; sub(/^\[pid [0-9]+\] /, "", h); head = ""; flags = ""
		if (h ~ /^[^ ]+\.(c|py):[0-9]+  /) { split(h, w, "  "); head = w[1] }
		else if (h ~ /^between calls: the kernel.s delayed ACK/) head = "delack"
		else if (h ~ /^between calls/) head = "between"
		next }
	/Flags \[/ { f = $0; sub(/.*Flags \[/, "", f); sub(/\].*/, "", f); flags = flags (flags == "" ? "" : " ") f }
	END { out() }' "$1"
}
# wrong FILE WANTS: what is not exact in FILE's blocks (nothing: all
# right).  WANTS: one "file:line=flags" a line (flags a regex); every other
# block has no packets, but the delayed-ACK timer's.
fin='F\. \.'
wrong() {
	b=$(blocks "$1")
	printf '%s\n' "$2" | while IFS= read -r want; do
		printf '%s\n' "$b" | grep -Eqx "$want" || printf 'no %s; ' "$want"
	done
	lines=$(printf '%s\n' "$2" | sed 's/=.*//' | tr '\n' '|')
	printf '%s\n' "$b" | grep -v '=$' | grep -Evx "(${lines}delack)=.*" | sed 's/$/; /' | tr -d '\n'
}
# the echo pair: connect S S. .; each send its data and the ACK; each close its FIN and its ACK
echo_blocks="http_client.c:$(C connect)=S S\. \.
http_client.c:$(C send)=P\. \.
one_echo_server.c:$(S ssend)=P\. \.
one_echo_server.c:$(S accept)=
one_echo_server.c:$(S srecv)=
http_client.c:$(C recv)=
one_echo_server.c:$(S sclose)=$fin
http_client.c:$(C close)=$fin"
# The exact packets need a lo of our own: on the host's, other tests of a
# ctest -j2 run (a flood among them) share the kernel's buffer, overrun it
# and put their packets between ours.
cap=$(trace_capture "$bin")
echo "note: capturing with --capture $cap"
"$bin" trace --capture "$cap" --timeout 30 -- "$dir/server" --and -- "$dir/client" '{port}' > "$dir/t.out" 2> "$dir/t.err"; rc=$?
cat "$dir/t.out" "$dir/t.err"
[ $rc -eq 0 ] && pass "server and client: exit 0" || fail "exit $rc"
port=$(sed -n 's/.*the second program started once the first listened on port \([0-9]*\)$/\1/p' "$dir/t.err")
[ -n "$port" ] && pass "the client started once the server listened (port $port)" || fail "no start note"
out=$(cat "$dir/t.out")
expect_in "$out" "one_echo_server.c:$(S listen)  listen(" "the server's listen at its line"
spid=$(sed -n 's/^\[pid \([0-9]*\)\] one_echo_server.c:'"$(S accept)"'  accept(.*/\1/p' "$dir/t.out")
cpid=$(sed -n 's/^\[pid \([0-9]*\)\] http_client.c:'"$(C connect)"'  connect(.*/\1/p' "$dir/t.out")
[ -n "$spid" ] && pass "the server's accept at its line, labelled [pid $spid]" || fail "no labelled accept"
[ -n "$cpid" ] && [ "$cpid" != "$spid" ] && pass "the client's connect at its line, labelled [pid $cpid]" \
	|| fail "no labelled connect of another pid"
expect_in "$out" "{AF_INET, 127.0.0.1:$port}, 16) = 0" "the client connects to the server's port"
conn=$(awk -v head="[pid $cpid] http_client.c:$(C connect)  " 'index($0, head) == 1 { on = 1; next }
	/^[^ ]/ { on = 0 } on' "$dir/t.out" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ')
[ "$conn" = "S S. . " ] && pass "the connect got SYN, SYN/ACK, ACK" || fail "connect's flags: '$conn'"
w=$(wrong "$dir/t.out" "$echo_blocks")
[ -z "$w" ] && pass "every block exact: connect S S. .; each send its data and ACK; each close its FIN" \
	|| fail "blocks not exact: $w"
expect_in "$out" "one_echo_server.c:$(S srecv)  recvfrom(" "the server's recv at its line"
expect_in "$out" "received 29 bytes" "the client got its echo"
[ "$(grep -c 'HTTP: GET / HTTP/1.1' "$dir/t.out")" -eq 2 ] && pass "request and echo, each shown once" \
	|| fail "request and echo not shown exactly twice"
err=$(cat "$dir/t.err")
expect_in "$err" "the second program (--and) exited with status 0" "the client's end is said"
expect_in "$err" "the first program exited with status 0" "the server's end is said"

# 25 runs of the pair with both cores busy (a bounded busy loop on each):
# every block exact, every run.
busy=""
for k in 1 2; do timeout 120 sh -c 'while :; do :; done' & busy="$busy $!"; done
trap 'kill $busy 2>/dev/null; rm -rf "$dir"' EXIT
bad=0
for i in $(seq 25); do
	"$bin" trace --capture "$cap" --timeout 30 -- "$dir/server" --and -- "$dir/client" '{port}' \
		> "$dir/r.out" 2> "$dir/r.err" || { bad=$((bad + 1)); echo "run $i: exit $?"; continue; }
	w=$(wrong "$dir/r.out" "$echo_blocks")
	[ -z "$w" ] || { bad=$((bad + 1)); echo "run $i: $w"; cat "$dir/r.out"; }
done
[ $bad -eq 0 ] && pass "25 runs with both cores busy: every block exact, every time" \
	|| fail "$bad of 25 runs with both cores busy were not exact"

# The same hold for one program's threads: tests/trace/thread_pair.c, a
# thread that is the server of its own main thread, 10 runs, still busy.
T() { grep -n "@$1" "$src/thread_pair.c" | cut -d: -f1; }
thread_blocks="thread_pair.c:$(T connect)=S S\. \.
thread_pair.c:$(T send)=P\. \.
thread_pair.c:$(T tsend)=P\. \.
thread_pair.c:$(T taccept)=
thread_pair.c:$(T trecv)=
thread_pair.c:$(T recv)=
thread_pair.c:$(T tclose)=$fin
thread_pair.c:$(T close)=$fin"
bad=0
for i in $(seq 10); do
	"$bin" trace --capture "$cap" --timeout 30 -- "$dir/thread_pair" > "$dir/r.out" 2> "$dir/r.err" \
		|| { bad=$((bad + 1)); echo "threads, run $i: exit $?"; continue; }
	w=$(wrong "$dir/r.out" "$thread_blocks")
	[ -z "$w" ] || { bad=$((bad + 1)); echo "threads, run $i: $w"; cat "$dir/r.out"; }
done
kill $busy 2>/dev/null
[ $bad -eq 0 ] && pass "10 runs of a program and its thread with both cores busy: every block exact" \
	|| fail "$bad of 10 runs of thread_pair were not exact"

# the same pair with the server in Python: its calls at the script's lines
# (the line runner), the C client's beside them in the same capture.
# pyenv's python3 is a shell shim: the interpreter itself, so only the
# script's calls are traced.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -n "$py" ]; then
	P() { grep -n "@$1" "$src/one_echo_server.py" | cut -d: -f1; }
	"$bin" trace --capture "$cap" --timeout 30 -- "$py" "$src/one_echo_server.py" --and -- "$dir/client" '{port}' \
		> "$dir/p.out" 2> "$dir/p.err"; rc=$?
	cat "$dir/p.out" "$dir/p.err"
	[ $rc -eq 0 ] && pass "Python server and C client: exit 0" || fail "Python pair exits $rc"
	out=$(cat "$dir/p.out")
	for call in "listen listen(" "accept accept4(" "srecv recvfrom(" "ssend sendto(" "sclose close("; do
		expect_in "$out" "one_echo_server.py:$(P "${call%% *}")  ${call#* }" \
			"the Python server's ${call#* } at its line $(P "${call%% *}")"
	done
	ppid=$(sed -n 's/^\[pid \([0-9]*\)\] http_client.c:'"$(C connect)"'  connect(.*/\1/p' "$dir/p.out")
	conn=$(awk -v head="[pid $ppid] http_client.c:$(C connect)  " 'index($0, head) == 1 { on = 1; next }
		/^[^ ]/ { on = 0 } on' "$dir/p.out" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ')
	[ "$conn" = "S S. . " ] && pass "Python pair: the C client's connect got SYN, SYN/ACK, ACK" \
		|| fail "Python pair: connect's flags: '$conn'"
	[ "$(grep -c 'HTTP: GET / HTTP/1.1' "$dir/p.out")" -eq 2 ] && pass "Python pair: request and echo, each shown once" \
		|| fail "Python pair: request and echo not shown exactly twice"
	expect_in "$out" "received 29 bytes" "Python pair: the client got its echo"
else
	echo "note: no python3: the Python server is left out"
fi

# a server that never ends: ended 1 s after the client; nothing left
"$bin" trace --capture "$cap" --timeout 30 -- "$dir/server" stay --and -- "$dir/client" '{port}' > "$dir/s.out" 2> "$dir/s.err"; rc=$?
[ $rc -eq 0 ] && pass "a server that stays: exit 0 (the client's)" || fail "stay exits $rc: $(cat "$dir/s.err")"
expect_in "$(cat "$dir/s.err")" "the first program made no call for 1000 ms after the second ended: ended it" \
	"and it is ended after the client, said"
left=""
for p in /proc/[0-9]*; do
	exe=$(readlink "$p/exe" 2>/dev/null) || continue
	case $exe in "$dir"/*) left="$left ${p#/proc/}" ;; esac
done
[ -z "$left" ] && pass "no process of either is left" || fail "left:$left"

# a first program that never listens
out=$("$bin" trace --timeout 10 -- true --and -- "$dir/client" '{port}' 2>&1); rc=$?
expect_in "$out" "the second program was not started: it waits for {port}, and the first program never listened" \
	"a first program that never listens: the second is not started, said"
finish
