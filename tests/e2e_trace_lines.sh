# e2e_trace_lines.sh — `sockscope trace --lines`: step line by line through
# the program's own code (int3s from the DWARF line table), one block per
# line run: its heading (file:line and the source text), then its calls
# and their packets, or "(nothing on the wire)".
# tests/trace/http_client.c (cc -g -O0) against --serve http: connect's
# line gets the handshake, send's the request and its ACK, close's the
# FIN; a line with no call says nothing was on the wire; every heading's
# text is that line of the source (compared with sed, for every heading).
# tests/trace/lines_prog.c: a loop without calls is collapsed after 3 runs
# and said; a line making a call each turn is shown each turn; a forked
# child and a thread are stepped too (the child inherits the int3s) and
# the program runs unharmed.  http_client.py with --lines: Python's lines
# the same way.  A program without -g: said, calls one by one.
# Skips (77) without a C compiler, when ptrace is refused, or when this
# sockscope has no libdw or is not x86_64.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
cc -g -O0 -o "$dir/http_client" "$src/http_client.c" || { fail "cc could not build http_client.c"; finish; }
cc -g -O0 -pthread -o "$dir/lines_prog" "$src/lines_prog.c" || { fail "cc could not build lines_prog.c"; finish; }
cc -O0 -pthread -o "$dir/lines_nodebug" "$src/lines_prog.c" || { fail "cc could not build lines_prog.c"; finish; }
probe=$("$bin" trace --lines --capture none -- "$dir/lines_prog" 2>&1)
case $probe in
*"could not be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
*"steps x86_64 programs only"*|*"built without libdw"*) echo "SKIP: no --lines here: $probe"; exit 77 ;;
esac
cap=$(trace_capture "$bin")
echo "note: tracing with --capture $cap"

out=$("$bin" trace --lines --no-lines -- true 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--lines and --no-lines" "--lines with --no-lines: refused, exit 2" \
	|| fail "--lines --no-lines exits $rc"

# L FILE NAME: the line marked @NAME in tests/trace/FILE.
L() { grep -n "@$2 \*/\|# @$2\$" "$src/$1" | cut -d: -f1; }
# heading FILE LINE: what the heading of that line must be.
heading() { printf '%s:%s  %s' "$1" "$2" "$(sed -n "${2}p" "$src/$1" | sed 's/^[[:space:]]*//')"; }
# blocks OUT FILE LINE: every block of that line (heading and what is under
# it, "[pid N] " dropped), blocks separated by "--".
blocks() {
	sed 's/\[pid [0-9]*\] //' "$1" | awk -v head="$2:$3  " '
		index($0, head) == 1 { if (on) print "--"; on = 1; print; next } /^[^ ]/ { on = 0 } on'
}
# every heading's text against the source
check_headings() {
	bad=0; n=0
	for h in $(sed -n 's/^\(\[pid [0-9]*\] \)\{0,1\}\('"$2"'\):\([0-9]*\)  .*/\3/p' "$1" | sort -un); do
		want=$(heading "$2" "$h")
		grep -qF -- "$want" "$1" || { bad=1; echo "heading of line $h is not '$want'"; }
		n=$((n + 1))
	done
	[ $bad -eq 0 ] && [ $n -gt 0 ] && pass "$3: each of the $n lines' headings is its source text" \
		|| fail "$3: headings that are not the source"
}

# --- the C client against --serve http ---
"$bin" trace --capture "$cap" --lines --timeout 20 --serve http -- "$dir/http_client" '{port}' > "$dir/c.out" 2> "$dir/c.err"; rc=$?
cat "$dir/c.out" "$dir/c.err"
[ $rc -eq 0 ] && pass "http_client --lines: exits 0" || fail "http_client --lines: exit $rc"
expect_in "$(cat "$dir/c.out")" "received 333 bytes" "the client ran unharmed"
expect_in "$(cat "$dir/c.err")" "line-table rows of $dir/http_client's own code are stepped" "the stepping is said"
check_headings "$dir/c.out" http_client.c "http_client"
for c in socket connect send recv close; do
	b=$(blocks "$dir/c.out" http_client.c "$(L http_client.c $c)")
	[ "$(printf '%s\n' "$b" | grep -c '^--$')" -eq 0 ] && [ -n "$b" ] \
		&& pass "the $c line ($(L http_client.c $c)) is one block" || fail "the $c line's blocks: $b"
done
expect_in "$(blocks "$dir/c.out" http_client.c "$(L http_client.c socket)")" "    socket(AF_INET, SOCK_STREAM" \
	"socket() under its line"
req=$(grep -n 'const char \*req = ' "$src/http_client.c" | cut -d: -f1)
[ "$(blocks "$dir/c.out" http_client.c "$req" | sed 1d)" = "    (nothing on the wire)" ] \
	&& pass "a line with no call (the request's string, line $req): nothing on the wire" \
	|| fail "line $req's block: $(blocks "$dir/c.out" http_client.c "$req")"
order=$(sed -n 's/^http_client\.c:\([0-9]*\)  .*/\1/p' "$dir/c.out" | tr '\n' ' ')
case " $order" in
*" $(L http_client.c socket) $(L http_client.c connect) $req $(L http_client.c send) $(L http_client.c recv) $(L http_client.c close) "*)
	pass "the lines run in the program's order ($order)" ;;
*) fail "the lines' order: $order" ;;
esac
mode=$(sed -n 's/^sockscope trace: capturing on //p' "$dir/c.err")
if [ -n "$mode" ]; then
	p=$(sed -n 's/.*http server listens on 127\.0\.0\.1 port \([0-9]*\)$/\1/p' "$dir/c.err")
	conn=$(blocks "$dir/c.out" http_client.c "$(L http_client.c connect)")
	printf '%s\n' "$conn" | grep -q "^    connect([0-9]*<TCP>, {AF_INET, 127\.0\.0\.1:$p}, 16) = 0$" \
		&& pass "connect() under its line" || fail "connect's line: $conn"
	[ "$(printf '%s\n' "$conn" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ')" = "S S. . " ] \
		&& pass "connect's line got SYN, SYN/ACK, ACK" || fail "connect's line: $conn"
	snd=$(blocks "$dir/c.out" http_client.c "$(L http_client.c send)" | grep '^       ')
	printf '%s\n' "$snd" | head -1 | grep -q "> 127.0.0.1:$p .*length 29: HTTP: GET / HTTP/1.1" \
		&& pass "send's line: the request first" || fail "send's line: $snd"
	printf '%s\n' "$snd" | grep -q "127.0.0.1:$p > .*Flags \[[.P]*\], .*ack 30," \
		&& pass "send's line: the server's ACK of it" || fail "send's line: no ACK of the request"
	cls=$(blocks "$dir/c.out" http_client.c "$(L http_client.c close)" | grep '^       ')
	printf '%s\n' "$cls" | head -1 | grep -q "> 127.0.0.1:$p .*Flags \[F\.\]" \
		&& pass "close's line: the client's FIN first" || fail "close's line: $cls"
	[ "$(grep -c 'HTTP: GET /' "$dir/c.out")" -eq 1 ] && pass "the request is shown once" \
		|| fail "the request is not shown once"
else
	echo "note: no capture here: packets not checked"
fi

# --- loops, a fork and a thread ---
"$bin" trace --capture "$cap" --lines --timeout 30 -- "$dir/lines_prog" > "$dir/l.out" 2> "$dir/l.err"; rc=$?
cat "$dir/l.out" "$dir/l.err"
[ $rc -eq 0 ] && pass "lines_prog --lines: exits 0" || fail "lines_prog --lines: exit $rc"
expect_in "$(cat "$dir/l.out")" "sum 499500, child 0" "it ran unharmed: its sum, its child's exit 0"
expect_not_in "$(cat "$dir/l.out")" "SIGTRAP" "no int3 reached the program as a signal"
check_headings "$dir/l.out" lines_prog.c "lines_prog"
spin=$(L lines_prog.c spin)
n=$(blocks "$dir/l.out" lines_prog.c "$spin" | grep -c "^lines_prog.c:$spin  ")
[ "$n" -eq 3 ] && pass "a line run 1000 times without a call is shown 3 times" || fail "the spin line is shown $n times"
grep -q "^    (\([0-9]*\) more runs of lines \([0-9]*, \)*$spin\(, [0-9]*\)*, each shown 3 times already: nothing on the wire)$" \
	"$dir/l.out" && pass "and the rest is said in one line" || fail "no collapsed runs of line $spin said"
hidden=$(sed -n "s/^    (\([0-9]*\) more runs of lines .*$spin.*/\1/p" "$dir/l.out")
[ -n "$hidden" ] && [ "$hidden" -ge 997 ] && pass "at least 997 runs collapsed ($hidden)" \
	|| fail "collapsed runs: '$hidden'"
loop=$(L lines_prog.c loop)
lb=$(blocks "$dir/l.out" lines_prog.c "$loop")
[ "$(printf '%s\n' "$lb" | grep -c "^lines_prog.c:$loop  ")" -eq 5 ] \
	&& [ "$(printf '%s\n' "$lb" | grep -c '^    sendto([0-9]*<UDP[^>]*>, "l", 1, ')" -eq 5 ] \
	&& pass "a line with a call each turn: all 5 runs shown, each with its sendto" || fail "the loop line: $lb"
expect_in "$lb" "/* @loop */  (run 5)" "the 5th run says which run it is"
main=$(sed -n 's/^\[pid \([0-9]*\)\] fork() = .*/\1/p' "$dir/l.out" | head -1)
kid=$(sed -n 's/^\[pid [0-9]*\] fork() = \([0-9]*\)$/\1/p' "$dir/l.out" | head -1)
# under PID: each call of that pid with the line whose heading it is under
# (the last heading of that pid before it: the processes' lines interleave)
under() {
	awk -v pid="[pid $1]" '
		index($0, pid " ") == 1 { split(substr($0, length(pid) + 2), w, "  "); last = w[1]; next }
		index($0, "    " pid " ") == 1 { print last "  " substr($0, length(pid) + 6) }' "$dir/l.out"
}
under "$kid" | grep -q "^lines_prog.c:$(L lines_prog.c child)  sendto([0-9]*<UDP[^>]*>, \"c\", 1, " \
	&& pass "the forked child ($kid) is stepped: its sendto under its line" || fail "the child's calls: $(under "$kid")"
tid=$(sed -n 's/^\[pid [0-9]*\] clone() = \([0-9]*\)$/\1/p' "$dir/l.out" | head -1)
under "$tid" | grep -q "^lines_prog.c:$(L lines_prog.c thread)  sendto([0-9]*<UDP[^>]*>, \"t\", 1, " \
	&& pass "the thread ($tid) is stepped: its sendto under its line" || fail "the thread's calls: $(under "$tid")"
[ -n "$main" ] && grep -q "^\[pid $main\] lines_prog.c:$(L lines_prog.c join)  " "$dir/l.out" \
	&& pass "the main process goes on at its own lines ($main)" || fail "no join line of pid $main"
[ "$(grep -c 'lines_prog\.c:[0-9]*  ' "$dir/l.out")" -lt 100 ] && pass "fewer than 100 headings in all" \
	|| fail "$(grep -c 'lines_prog\.c:[0-9]*  ' "$dir/l.out") headings"
if grep -q '^sockscope trace: capturing on' "$dir/l.err"; then
	[ "$(printf '%s\n' "$lb" | grep -c 'UDP, length 1$')" -eq 5 ] && pass "each sendto's datagram under it" \
		|| fail "the loop's datagrams: $lb"
fi

# --- without -g: said, calls one by one ---
"$bin" trace --lines --capture none -- "$dir/lines_nodebug" > "$dir/n.out" 2> "$dir/n.err"; rc=$?
[ $rc -eq 0 ] && pass "without -g: exits 0" || fail "without -g: exit $rc"
expect_in "$(cat "$dir/n.err")" "--lines: no line table of the program's own code (build it with -g -O0)" \
	"without -g: said"
expect_in "$(cat "$dir/n.out")" 'sendto(' "without -g: the calls are shown"

# --- Python --lines ---
if command -v python3 > /dev/null 2>&1; then
	"$bin" trace --capture "$cap" --lines --timeout 20 --serve http -- python3 "$src/http_client.py" '{port}' \
		> "$dir/p.out" 2> "$dir/p.err"; rc=$?
	[ $rc -eq 0 ] && pass "python3 --lines: exits 0" || fail "python3 --lines: exit $rc: $(cat "$dir/p.err")"
	check_headings "$dir/p.out" http_client.py "http_client.py"
	expect_not_in "$(cat "$dir/p.out")" "python.c:" "no C line of the interpreter is stepped"
	pc=$(blocks "$dir/p.out" http_client.py "$(L http_client.py connect)")
	printf '%s\n' "$pc" | grep -q "^    connect([0-9]*<TCP>, {AF_INET, 127\.0\.0\.1:[0-9]*}, 16) = 0$" \
		&& pass "python: connect() under its line" || fail "python: connect's line: $pc"
	if grep -q '^sockscope trace: capturing on' "$dir/p.err"; then
		[ "$(printf '%s\n' "$pc" | sed -n 's/.*Flags \[\([^]]*\)\].*/\1/p' | tr '\n' ' ')" = "S S. . " ] \
			&& pass "python: connect's line got SYN, SYN/ACK, ACK" || fail "python: connect's line: $pc"
	fi
	imp=$(grep -n '^import sys$' "$src/http_client.py" | cut -d: -f1)
	[ "$(blocks "$dir/p.out" http_client.py "$imp" | sed 1d)" = "    (nothing on the wire)" ] \
		&& pass "python: a line with no call (import sys): nothing on the wire" \
		|| fail "python: line $imp's block: $(blocks "$dir/p.out" http_client.py "$imp")"
else
	echo "note: no python3: its --lines check is left out"
fi
finish
