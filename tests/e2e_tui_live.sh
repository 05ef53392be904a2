#!/bin/sh
# e2e_tui_live.sh — the inspection screen on a live capture
# (`sockscope inspect -i lo -f FILTER` on a terminal), driven in tmux: it
# opens with an empty list and "live:" in the status line; an HTTP exchange
# made by curl while it runs appears packet by packet (the list follows the
# newest), with the kernel's counters; S stops the capture and keeps the
# packets; w saves them, read back as the same 10 (or 11) packets; q leaves a sane terminal.
#
# usage: sh tests/e2e_tui_live.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the screen (at most 10 s); no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui_live.sh /path/to/sockscope}
TMUX_NAME=live
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)

if ! "$BIN" inspect -i lo --capture host --duration 0.1 >"$TMP/probe" 2>&1; then
	cat "$TMP/probe"
	echo "SKIP: no capture on the host's loopback here (run as root or with cap_net_raw)"
	exit 77
fi
"$BIN" serve http --count 2 --seconds 30 >"$TMP/srv" 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null; tm kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT
i=0
while [ $i -lt 100 ] && ! grep -q listening "$TMP/srv"; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's/^.* port \([0-9]*\)$/\1/p' "$TMP/srv")
[ -n "$PORT" ] || fail "sockscope serve http did not start: $(cat "$TMP/srv")"

start_tui live 260 45 inspect -i lo -f "'tcp port $PORT'"
wait_for 'live capture on lo' "the title does not name the live capture"
wait_for 'live: 0 packets; kernel: [0-9]+ received, [0-9]+ dropped' "the status line does not show the live counters"
has 'S stop' "the key hints do not offer S (stop)"
ok "an empty live capture, its counters in the status line"

curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "curl failed"
wait_for 'HTTP: GET / HTTP/1.1' "the request did not appear"
wait_for 'HTTP: HTTP/1.1 200 OK' "the response did not appear"
# The exchange is over once the client has ACKed the server's FIN: 10
# packets when the server's FIN carries the ACK of the client's FIN, 11
# when the server ACKs first (its close came later, as under load).
i=0
until shot | awk -v srv="127.0.0.1:$PORT > " '/Flags \[F\.\]/ && index($0, srv) { fin = 1; next }
		fin && /Flags \[\.\]/ && !index($0, srv) { acked = 1 } END { exit !acked }'; do
	[ $i -lt 100 ] || fail "the server's FIN and its ACK did not appear"
	sleep 0.1; i=$((i + 1))
done
N=$(shot | sed -n 's/.*live: \([0-9]*\) packets; kernel: [0-9]* received, 0 dropped.*/\1/p')
[ "$N" = 10 ] || [ "$N" = 11 ] || fail "the status line counts '$N' packets, not the exchange's 10 or 11"
# The list followed the newest: the detail pane shows the last packet.
wait_for "Frame $N: " "the selection did not follow to packet $N"
ok "the exchange appears as it happens; the list follows it"

key S
wait_for "capture stopped: $N packets" "S did not stop the capture"
key w
wait_for 'Save as pcap' "w did not open the save prompt"
key "$TMP/saved.pcap" Enter
wait_for "saved the all to .*: $N packets" "the save did not report $N packets"
[ "$("$BIN" inspect "$TMP/saved.pcap" --print | wc -l)" -eq "$N" ] || fail "the saved file does not hold $N packets"
ok "S stops, w saves the $N packets"

key q
wait_for 'EXITED-0' "q did not quit"
wait_for 'BADMODES-[0-9]+-END' "no terminal-mode report"; has 'BADMODES-0-END' "the terminal was left in raw mode"
ok "q leaves a sane terminal"
