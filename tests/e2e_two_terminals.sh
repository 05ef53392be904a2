# e2e_two_terminals.sh — one demo, two sockscope processes: the server side
# (`--role server`) and the client side (`--role client --peer PORT`, the
# port the server side shows).  Each runs its own calls, each captures, and
# both attribute the same packets to the same steps; each lists the other
# terminal's calls apart; every claim of the lesson holds on both sides.
# Then the messages for a wrong port and a different lesson, and the two
# screens side by side in tmux.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
dir=$(mktemp -d); trap 'kill $spid 2>/dev/null; rm -rf "$dir"' EXIT
if ! "$bin" lesson tcp-basics --headless | grep -q '^capture: lo'; then
	echo "SKIP: no capture here (run as root or where user namespaces work)"; exit 77
fi

# start_server LESSON FILE: the server side in the background; sets spid, peer.
start_server() {
	"$bin" lesson "$1" --headless --check --role server > "$2" 2>&1 &
	spid=$!
	peer=""
	i=0
	while [ $i -lt 100 ] && [ -z "$peer" ]; do
		peer=$(sed -n 's/.* --role client --peer \([0-9][0-9]*\)$/\1/p' "$2" 2>/dev/null)
		[ -z "$peer" ] && sleep 0.1
		i=$((i + 1))
	done
	[ -n "$peer" ] || fail "the server side did not show its port: $(cat "$2")"
}
# the packet lines without their time (each capture stamps a packet itself)
packets() { grep -E '^ +[0-9]+  [0-9]+\.[0-9]{6}  ' "$1" | awk '{ $2 = ""; print }'; }

for id in tcp-basics udp protocols; do
	start_server "$id" "$dir/$id.server"
	"$bin" lesson "$id" --headless --check --role client --peer "$peer" > "$dir/$id.client" 2>&1; crc=$?
	wait $spid; src=$?
	[ $crc -eq 0 ] && [ $src -eq 0 ] && pass "$id: both sides pass --check" ||
		{ grep FAIL "$dir/$id.server" "$dir/$id.client" | head; fail "$id: client exit $crc, server exit $src"; }
	packets "$dir/$id.server" > "$dir/s"; packets "$dir/$id.client" > "$dir/c"
	grep '^packets: ' "$dir/$id.server" >> "$dir/s"; grep '^packets: ' "$dir/$id.client" >> "$dir/c"
	if [ -s "$dir/s" ] && cmp -s "$dir/s" "$dir/c"; then
		pass "$id: both captures hold the same packets, in the same order and steps"
	else
		diff "$dir/s" "$dir/c" | head; fail "$id: the two sides' packets differ"
	fi
done
s=$(cat "$dir/tcp-basics.server"); c=$(cat "$dir/tcp-basics.client")
expect_in "$s" "two terminals, the server side: in the other, run  sockscope lesson tcp-basics --role client --peer" \
	"the server side says what to run in the other terminal"
expect_in "$c" "two terminals, the client side (server side on control port" "the client side says which it is"
expect_in "$(step_section "$dir/tcp-basics.server" 3)" "call: lab server: conn = accept(" "server side: its accept()"
expect_in "$(step_section "$dir/tcp-basics.server" 3)" "other terminal's call: client: connect(fd, " "... and the client's connect() apart"
[ "$(step_section "$dir/tcp-basics.server" 3 | grep -c '^call: client:')" -eq 0 ] &&
	pass "no client call runs on the server side" || fail "a client call ran on the server side"
expect_in "$(step_section "$dir/tcp-basics.client" 3)" "call: client: connect(fd, " "client side: its connect()"
[ "$(step_section "$dir/tcp-basics.client" 3 | grep -c '^call: lab server:')" -eq 0 ] &&
	pass "no lab call runs on the client side" || fail "a lab call ran on the client side"
expect_in "$(step_section "$dir/tcp-basics.client" 3)" "packets: 3" "the client side sees the handshake in step 3"
expect_in "$(step_section "$dir/tcp-basics.server" 3)" "packets: 3" "... and so does the server side"

# bad meetings
out=$("$bin" lesson tcp-basics --headless --role client --peer 1 2>&1); rc=$?
[ $rc -ne 0 ] && expect_in "$out" "cannot reach the server side on 127.0.0.1 port 1" "a wrong port: a clear message" ||
	fail "wrong port: exit $rc"
start_server udp "$dir/mismatch.server"
out=$("$bin" lesson tcp-basics --headless --role client --peer "$peer" 2>&1); rc=$?
[ $rc -ne 0 ] && expect_in "$out" "the server side runs lesson udp; this is tcp-basics: start both with the same lesson" \
	"a different lesson on each side: a clear message" || fail "mismatch: exit $rc"
kill $spid 2>/dev/null; wait $spid 2>/dev/null
out=$("$bin" lesson tcp-basics --role client 2>&1); rc=$?
[ $rc -eq 2 ] && expect_in "$out" "--role client needs --peer PORT" "--role client without --peer is refused" || fail "no --peer: exit $rc"

# Two screens, two tmux sessions: each steps through the handshake and shows it.
if command -v tmux >/dev/null 2>&1; then
	BIN=$bin TMUX_NAME=two TMP=$dir
	. "$(dirname "$0")/tmux.sh"
	start_tui srv 200 45 lesson tcp-basics --role server
	wait_for 'sockscope lesson tcp-basics --role client --peer [0-9]+' "the server screen shows no port"
	port=$(shot | sed -n 's/.*--role client --peer \([0-9][0-9]*\).*/\1/p' | head -1)
	start_tui cli 200 45 lesson tcp-basics --role client --peer "$port"
	wait_for 'CLIENT SIDE  -  ' "the client screen does not say its side"
	# until_done NAME N: the step on screen NAME has run (no "running step" left).
	until_done() {
		S=$1; wait_for "Step $2/8" "$1 did not reach step $2"
		i=0
		while shot | grep -q 'running step'; do
			i=$((i + 1)); [ $i -lt 100 ] || fail "$1: step $2 did not end"; sleep 0.1
		done
	}
	for n in 1 2 3; do
		S=srv; key Space
		wait_for "running step $n: .*with the other terminal" "the server side does not say it waits for the other"
		S=cli; key Space
		until_done cli $n; until_done srv $n
	done
	S=cli; wait_for 'Flags \[S\]' "the client screen does not show the SYN"
	S=srv; wait_for 'Flags \[S\]' "the server screen does not show the SYN"
	wait_for 'accept\(' "the server screen does not show its accept()"
	pass "two screens step through the handshake together, each showing it"
	S=cli; key q q; S=srv; key q q
	S=cli; wait_for 'EXITED-0' "the client screen did not quit"
	S=srv; wait_for 'EXITED-0' "the server screen did not quit"
	# a server side nobody joined still quits at once
	start_tui lone 200 45 lesson tcp-basics --role server
	wait_for 'SERVER SIDE' "the lone server screen did not open"
	key q q
	wait_for 'EXITED-0' "a server side waiting for its client does not quit" 50
	pass "a server side that nobody joined quits at once"
fi
finish
