# e2e_trace_repeat.sh — sockscope trace's attribution is the same on every
# run, also with both cores busy, and without root.
# 1. Unprivileged (setpriv to uid/gid 65534, no groups: the capture is a
#    namespace of sockscope's own): tests/trace/pair.c, its own server and
#    client (a forked child connects and sends; the parent then accepts and
#    reads), so both ends are in the namespace.  Each call gets its own
#    packets: the child's connect the handshake, its send the request and
#    its ACK, the parent's accept and recv nothing, the parent's close its
#    FIN, the child's close its FIN and the last ACK.
# 2. 200 runs of tests/trace/http_client.c against --serve http while a
#    bounded busy loop per core runs (killed at the end): each run's
#    attribution of the client's own packets must be the first run's — its
#    connect's packets, the first two of its send (the request and the
#    server's ACK), the first of its close (its FIN) — and the server's
#    answer is shown exactly once.  Where the answer lands (send's block,
#    between the calls, recv's) is the server's timing, another program's:
#    it is printed, counted, not compared.  Bounded: 200 runs of about
#    0.1 s; the busy loops end by themselves after 120 s.
# Skips (77) without a C compiler or when ptrace is refused; part 1 also
# when setpriv is missing or uid 65534 cannot make a namespace.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/trace" && pwd)
dir=$(mktemp -d); chmod 755 "$dir"
loaders=""
trap 'for p in $loaders; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
command -v cc > /dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
for p in http_client pair; do
	cc -g -O0 -o "$dir/$p" "$src/$p.c" || { fail "cc could not build $p.c"; finish; }
done
probe=$("$bin" trace --capture none -- true 2>&1)
case $probe in
*"could not be traced"*|*"cannot be traced"*|*"ptrace refused"*) echo "SKIP: ptrace is refused here: $probe"; exit 77 ;;
esac

# shape FILE: one line per block — its call's name (and line) and the flags
# of its packets; "between" and "end" blocks too.
shape() {
	awk '
		/^-- between calls \(the kernel.s delayed/ { printf "\n[delayed ACK]"; next }
		/^-- between calls/ { printf "\n[between]"; next }
		/^-- the program.s end/ { printf "\n[end]"; next }
		/^(\[pid [0-9]+\] )?[a-z_]+\.c:[0-9]+  [a-z_0-9]+\(/ {
			sub(/^\[pid [0-9]+\] /, ""); split($0, w, "("); printf "\n%s", w[1]; next }
		/^    +[0-9]+  / { f = $0; sub(/.*Flags \[/, "", f); sub(/\].*/, "", f); printf " %s", f; next }
		/^    \(nothing on the wire\)/ { printf " -"; next }
	' "$1"
	echo
}

# --- 1. unprivileged: the namespace, a program that is its own server ---
L() { grep -n "@$1" "$src/pair.c" | cut -d: -f1; }
if ! command -v setpriv > /dev/null 2>&1; then
	echo "note: setpriv is not installed: the unprivileged run is left out"
elif [ "$(id -u)" -ne 0 ]; then
	echo "note: not root: cannot setpriv to 65534; the unprivileged run is left out"
else
	setpriv --reuid 65534 --regid 65534 --clear-groups "$bin" trace --timeout 20 -- "$dir/pair" \
		> "$dir/u.out" 2> "$dir/u.err"; rc=$?
	case $(cat "$dir/u.err") in
	*"capturing on lo (own namespace)"*)
		[ $rc -eq 0 ] && pass "as uid 65534 the pair runs to its end (exit 0)" || fail "uid 65534: exit $rc"
		pass "as uid 65534 the capture is sockscope's own namespace"
		s=$(shape "$dir/u.out")
		for want in "pair.c:$(L connect)  connect S S. ." "pair.c:$(L send)  sendto P. ." \
		            "pair.c:$(L accept)  accept -" "pair.c:$(L recv)  recvfrom -" "pair.c:$(L close)  close F. ."; do
			printf '%s\n' "$s" | grep -qxF "$want" && pass "block: $want" || fail "no block '$want' in:$s"
		done
		# The child's close: its FIN, and the parent's socket's ACK of it.
		printf '%s\n' "$s" | grep -qx "pair.c:$(L cclose)  close F\. \." && pass "the child's close: F. and the last ACK" \
			|| fail "the child's close: $(printf '%s\n' "$s" | grep "pair.c:$(L cclose)")"
		expect_in "$(cat "$dir/u.out")" "pair: got 5 bytes, the child exited 0" "the program itself was unharmed"
		;;
	*) echo "note: uid 65534 gets no namespace here: $(cat "$dir/u.err")" ;;
	esac
fi

# --- 2. 200 runs, both cores busy ---
capture=$(trace_capture "$bin")
ncpu=$(nproc 2>/dev/null || echo 2)
i=0
while [ $i -lt "$ncpu" ]; do
	# a bounded busy loop: ends by itself after 120 s should the trap miss it
	sh -c 'end=$(($(date +%s) + 120)); while [ $(date +%s) -lt $end ]; do :; done' &
	loaders="$loaders $!"
	i=$((i + 1))
done
runs=${TRACE_REPEAT_RUNS:-200}
in_send=0
first=""
differ=0
n=0
while [ $n -lt "$runs" ]; do
	"$bin" trace --capture "$capture" --timeout 20 --serve http -- "$dir/http_client" '{port}' \
		> "$dir/r.out" 2> "$dir/r.err" || { fail "run $n: exit $?: $(tail -2 "$dir/r.err")"; break; }
	all=$(shape "$dir/r.out")
	s=$(printf '%s\n' "$all" | awk '
		/^http_client\.c:[0-9]+  connect / { print; next }
		/^http_client\.c:[0-9]+  sendto / { print $1 "  " $2 " " $3 " " $4; next }
		/^http_client\.c:[0-9]+  close / { print $1 "  " $2 " " $3; next }')
	s="$s
request shown $(grep -c 'HTTP: GET / HTTP/1.1' "$dir/r.out"), answer shown $(grep -c 'HTTP: HTTP/1.1 200 OK' "$dir/r.out")"
	where=$(printf '%s\n' "$all" | grep -c '^http_client\.c:[0-9]*  sendto P\. \. P\.')
	in_send=$((in_send + where))
	if [ -z "$first" ]; then
		first=$s
		printf 'the first run:\n%s\n' "$first"
	elif [ "$s" != "$first" ]; then
		differ=$((differ + 1))
		[ $differ -le 3 ] && printf 'run %d differs:\n%s\n' "$n" "$s"
	fi
	n=$((n + 1))
done
for p in $loaders; do kill "$p" 2>/dev/null; done
loaders=""
[ $n -eq "$runs" ] && [ $differ -eq 0 ] && pass "$runs runs with both cores busy: the client's packets attributed the same every time" \
	|| fail "$differ of $n runs attributed differently from the first"
echo "note: the server's answer was in send's block in $in_send of $n runs (elsewhere: between the calls or recv's)"
Lc() { grep -n "@$1" "$src/http_client.c" | cut -d: -f1; }
want="http_client.c:$(Lc connect)  connect S S. .
http_client.c:$(Lc send)  sendto P. .
http_client.c:$(Lc close)  close F.
request shown 1, answer shown 1"
[ "$first" = "$want" ] && pass "and it is the right one: the handshake on connect, request and ACK on send, FIN on close" \
	|| fail "the first run: $first"
finish
