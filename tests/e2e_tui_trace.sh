#!/bin/sh
# e2e_tui_trace.sh — the trace screen (`sockscope trace -- PROG` on a
# terminal), driven in tmux at 80x24: tests/trace/http_client.c (cc -g
# -O0) against --serve http.  Space steps call by call; the connect call
# shows SYN, SYN/ACK, ACK in the packet pane and its line in the source;
# L shows the connection as a ladder, its SYN, SYN,ACK and ACK arrows
# tagged with the connect's line; the send call the request, its line
# fitted to 80 columns, whole in the fields pane, > scrolls to its end; c runs to the end; b goes back to the connect
# call and its packets are shown again; q leaves a sane terminal.  A
# program that crashes shows the signal and its line; a client that calls
# recv() before send() against a silent server shows "waiting N s", and q
# ends it leaving no process (pgrep).  --and (tests/trace/one_echo_server.c
# and the client): every call listed with its [pid N].  Smaller than every screen's least
# (60x16, term.h): the usual note.
#
# usage: sh tests/e2e_tui_trace.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the screen (at most 10 s); no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui_trace.sh /path/to/sockscope}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
TMUX_NAME=trace
. "$(dirname "$0")/tmux.sh"
SRC=$(cd "$(dirname "$0")/trace" && pwd)
TMP=$(mktemp -d)
command -v cc >/dev/null 2>&1 || { echo "SKIP: no C compiler (cc)"; exit 77; }
cc -g -O0 -o "$TMP/http_client" "$SRC/http_client.c" || fail "cc could not build http_client.c"
cc -g -O0 -o "$TMP/crash" "$SRC/crash.c" || fail "cc could not build crash.c"
cc -g -O0 -o "$TMP/recv_first" "$SRC/recv_first.c" || fail "cc could not build recv_first.c"
out=$("$BIN" trace --headless --capture none -- true 2>&1)
case $out in *"cannot be traced"*) echo "SKIP: ptrace is refused here"; exit 77 ;; esac
# a namespace of sockscope's own when one can be made: its lo carries only
# this test's packets
CAP=auto
case $("$BIN" trace --headless --capture namespace -- true 2>&1) in
*"capturing on lo (own namespace)"*) CAP=namespace ;;
esac
calls() { shot | sed -n 's/.*Calls (\([0-9]*\)).*/\1/p' | head -1; }
case $("$BIN" trace --headless --capture $CAP -- true 2>&1) in
*"no capture"*) echo "SKIP: no capture here (run as root or where user namespaces work)"; exit 77 ;;
esac
line() { grep -n "$2" "$SRC/$1" | head -1 | cut -d: -f1; }
L_CONNECT=$(line http_client.c @connect)
L_SEND=$(line http_client.c @send)
L_CRASH=$(line crash.c "@crash \*/")

start_tui client 80 24 trace --capture $CAP --serve http -- "$TMP/http_client" '{port}'
# the screen opens stopped after the first call: socket()
wait_for "http_client.c:[0-9]+ +socket\(" "the first call (socket) is not listed"
has "Source: http_client.c" "the source pane does not name http_client.c"
key Space
wait_for "http_client.c:$L_CONNECT +connect\(" "Space did not step to the connect call"
wait_for "TCP +Flags \[S\]" "the connect call's SYN is not in the packet pane"
has "TCP +Flags \[S\." "the connect call's SYN/ACK is not in the packet pane"
has "TCP +Flags \[\.\]" "the connect call's ACK is not in the packet pane"
has "^.> +$L_CONNECT .*connect\(" "the source pane does not mark the connect line ($L_CONNECT)"
ok "Space: connect at line $L_CONNECT with SYN, SYN/ACK, ACK"
# L: the connection as a ladder, each arrow tagged with the connect's line
key L
wait_for "Ladder: 127\.0\.0\.1:[0-9]+ <-> 127\.0\.0\.1:[0-9]+" "L did not show the ladder of the connection"
T_CONNECT="http_client.c:$L_CONNECT connect\(\)"
has "1 \|--- SYN seq 0 .*-+>\|  $T_CONNECT" "the ladder has no SYN arrow tagged $T_CONNECT"
has "2 \|<-- SYN,ACK seq 0 ack 1 .*-+\|  $T_CONNECT" "the ladder has no SYN,ACK arrow tagged $T_CONNECT"
has "3 \|--- ACK seq 1 ack 1 .*-+>\|  $T_CONNECT" "the ladder has no ACK arrow tagged $T_CONNECT"
key L
wait_for "Packets of the selected call" "L again did not show the packets again"
ok "L: the ladder, SYN / SYN,ACK / ACK tagged http_client.c:$L_CONNECT connect(); L again: the packets"
key Space
wait_for "http_client.c:$L_SEND +send" "Space did not step to the send call"
wait_for "HTTP +Flags \[P\." "the send call's request is not in the packet pane"
# the packet selected is the call's own first: the request, in the fields
wait_for "GET / HTTP/1.1" "the request's fields do not show GET / HTTP/1.1"
ok "Space: send at line $L_SEND with the request"
# 80 columns: the list fits the line as the lesson's does (time and length
# go, the flags and seq stay), the fields pane starts with the whole line, and > scrolls
# the list sideways to the rest of it (rows 9-13: the packets pane at 80x24)
pk_rows() { shot | sed -n '9,13p'; }
pk_rows | grep -Eq "127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:[0-9]+ HTTP +Flags \[P\.\], seq 1:30, " \
	|| fail "the request's list line lost its flags or seq at 80 columns"
has "^. +4  [0-9]+\.[0-9]+  127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:[0-9]+ HTTP +95  Flags \[P\.\]" \
	"the fields pane does not start with the request's whole line (time and length too)"
n=0
while ! pk_rows | grep -q "length 29: HTTP: GET"; do
	[ $n -lt 30 ] || fail "> did not scroll the packet list to the end of the request's line"
	before=$(pk_rows)
	key ">"
	n=$((n + 1))
	m=0   # one press at a time, each seen on the screen: none overshoots
	while [ "$(pk_rows)" = "$before" ] && [ $m -lt 50 ]; do sleep 0.1; m=$((m + 1)); done
done
i=0
while [ $i -lt $n ]; do key "<"; i=$((i + 1)); done
wait_for "HTTP +Flags \[P\.\], seq 1:30, " "< did not scroll the packet list back"
ok "a long packet line at 80 columns: fitted, whole in the fields pane, > scrolls to its end ($n presses), < back"
key c
wait_for "the end: the program exited with status 0" "c did not run the program to its end"
ok "c: run to the end, said"
L_CLOSE=$(line http_client.c @close)
wait_for "^.> +$L_CLOSE " "at the end the close call's line ($L_CLOSE) is not the one marked"
# back, call by call, to the connect: its packets from the kept frames
n=0
while ! { shot | grep -Eq "^.> +$L_CONNECT " && shot | grep -Eq "TCP +Flags \[S\]"; }; do
	[ $n -lt 10 ] || fail "b did not go back to the connect call"
	key b
	n=$((n + 1))
	wait_for "^.> +[0-9]+ " "the source pane marks no line" 10
done
has "TCP +Flags \[S\." "back at connect: its SYN/ACK is not shown again"
ok "b: back at the connect call, its packets shown again ($n presses)"
key Tab Tab
wait_for "Transmission Control Protocol|TCP" "the fields pane shows no TCP"
key q
wait_for "EXITED-0" "q did not leave the screen"
wait_for "BADMODES-[0-9]+-END" "no terminal-mode report"; has "BADMODES-0-END" "the terminal was left in raw mode"
ok "q: left, the terminal restored"

# --lines: Space steps a line; a line without a call says so
if "$BIN" trace --headless --lines --capture none -- "$TMP/http_client" 1 2>&1 | grep -q "line-table rows"; then
	start_tui lines 80 24 trace --lines --capture $CAP --serve http -- "$TMP/http_client" '{port}'
	wait_for "http_client.c:[0-9]+  \(line\) " "--lines: the screen does not open on a line"
	n=0
	while ! shot | grep -Eq "http_client.c:$L_CONNECT  \(line\) if \(connect"; do
		[ $n -lt 10 ] || fail "--lines: Space did not reach the connect line"
		c0=$(calls)
		key Space
		n=$((n + 1))
		m=0
		while [ "$(calls)" = "$c0" ]; do   # the step is done when the list grows
			[ $m -lt 100 ] || fail "--lines: Space did not step"
			sleep 0.1
			m=$((m + 1))
		done
	done
	has "nothing on the wire" "--lines: no line said it put nothing on the wire"
	key Space
	wait_for "http_client.c:$L_CONNECT +connect\(" "--lines: Space did not step to the connect call under its line"
	wait_for "TCP +Flags \[S\]" "--lines: the connect call's SYN is not shown"
	key q
	wait_for "EXITED-" "q did not leave the --lines screen"
	ok "--lines: Space steps lines ($n to the connect line), nothing on the wire said, then the call"
fi

start_tui crash 80 24 trace --capture none -- "$TMP/crash"
wait_for "socket\(" "the crash program's socket call is not listed"
key c
wait_for "crash.c:$L_CRASH  --- SIGSEGV" "the crash is not shown with its signal and line"
wait_for "killed by SIGSEGV" "the status does not say the program was killed"
has "^.> +$L_CRASH " "the source pane does not mark the crash line"
key q
wait_for "EXITED-" "q did not leave the crash screen"
ok "a crash: the signal at crash.c:$L_CRASH"

start_tui wait 80 24 trace --capture $CAP --serve http -- "$TMP/recv_first" '{port}'
wait_for "socket\(" "recv_first's socket call is not listed"
key c
wait_for "waiting [1-9][0-9]* s" "the waiting recv is not shown as waiting"
w1=$(shot | grep -Eo "waiting [0-9]+ s" | head -1)
wait_for "waiting [2-9][0-9]* s" "the waiting time does not move on (was: $w1)"
pgrep -f "$TMP/recv_first" >/dev/null || fail "recv_first is not running while it waits"
key q
wait_for "EXITED-" "q did not leave while a call waits"
n=0
while pgrep -f "$TMP/recv_first" >/dev/null; do
	[ $n -lt 50 ] || fail "recv_first was left running after q"
	sleep 0.1
	n=$((n + 1))
done
ok "recv before send: waiting shown and counting, q ends it, no process left"

# two programs (--and): each call in the list labelled with its pid, as
# the headless text labels it
cc -g -O0 -o "$TMP/one_echo_server" "$SRC/one_echo_server.c" || fail "cc could not build one_echo_server.c"
L_ACCEPT=$(line one_echo_server.c @accept)
start_tui and 80 24 trace --capture $CAP -- "$TMP/one_echo_server" --and -- "$TMP/http_client" '{port}'
wait_for "one_echo_server.c:[0-9]+ +socket\(" "--and: the server's first call is not listed"
hasnt "\[pid [0-9]+\] one_echo_server.c" "--and: a call is labelled before the second program started"
n=0
while ! shot | grep -Eq "\[pid [0-9]+\] one_echo_server.c:$L_ACCEPT +accept\("; do
	[ $n -lt 20 ] || fail "--and: Space did not reach the server's accept, labelled [pid N]"
	c0=$(calls)
	key Space
	n=$((n + 1))
	m=0
	while [ "$(calls)" = "$c0" ]; do   # the step is done when the list grows
		[ $m -lt 100 ] || fail "--and: Space did not step"
		sleep 0.1
		m=$((m + 1))
	done
done
has "\[pid [0-9]+\] http_client.c:[0-9]+ +socket\(" "--and: the client's socket call is not labelled [pid N]"
spid=$(shot | sed -n 's/.*\[pid \([0-9]*\)\] one_echo_server.c:'"$L_ACCEPT"'  accept(.*/\1/p' | head -1)
cpid=$(shot | sed -n 's/.*\[pid \([0-9]*\)\] http_client.c:[0-9]*  socket(.*/\1/p' | head -1)
[ -n "$spid" ] && [ -n "$cpid" ] && [ "$spid" != "$cpid" ] || fail "--and: server and client not told apart ($spid, $cpid)"
key q
wait_for "EXITED-" "q did not leave the --and screen"
ok "--and: the calls of server ($spid) and client ($cpid) labelled with their pids"

start_tui small 50 14 trace --capture none -- "$TMP/crash"
wait_for "too small|at least|60" "a 50x14 terminal does not get the too-small note"
key q
wait_for "EXITED-" "q did not leave the small terminal"
ok "smaller than the screens' least (60x16): the usual note, q leaves"
echo "PASS"
