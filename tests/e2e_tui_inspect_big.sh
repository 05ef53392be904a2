#!/bin/sh
# e2e_tui_inspect_big.sh — the inspection screen on a large file, driven in
# tmux: a synthetic capture of 200,000 packets (bench/gen_capture.c,
# compiled here) opens on packet 1; End selects the last packet and ":150000"
# packet 150000 without waiting for the list's walk (no filter: the rows
# are the indexed packets); a TCP row the walk has not reached shows its
# absolute seq/ack marked "(abs)"; with a filter, ":N" still lands on the
# packet; q leaves a sane terminal.  No timing is asserted: bench/tui_times.sh
# measures.
#
# usage: sh tests/e2e_tui_inspect_big.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the screen (at most 10 s, 30 s for the filtered jump);
# no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui_inspect_big.sh /path/to/sockscope}
TMUX_NAME=inspectbig
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)
GEN=$(dirname "$0")/../bench/gen_capture.c
N=200000

command -v "${CC:-cc}" >/dev/null 2>&1 || { echo "SKIP: no C compiler to build bench/gen_capture.c"; exit 77; }
"${CC:-cc}" -O2 -o "$TMP/gen_capture" "$GEN" || fail "bench/gen_capture.c did not compile"
"$TMP/gen_capture" "$TMP/big.pcap" $N || fail "gen_capture did not write the file"

start_tui big 160 45 inspect "$TMP/big.pcap"
wait_for '^[^ ]+ +1 +[0-9.]+ ' "the list does not show packet 1"
has 'Frame 1: ' "the first packet's detail is not shown"
wait_for "^ $N packets" "the status line does not say all $N packets are indexed"
ok "packet 1 shows first; the status line says $N packets"

# End: the last packet, at once (the walk is nowhere near it).
key End
wait_for "Frame $N: " "End did not select the last packet ($N)"
has "^[^ ]+ +$N +[0-9.]+ " "the last packet's row is not in the list"
ok "End selects packet $N"

# ":150000": that packet.  A TCP row far ahead of the walk shows absolute
# numbers, marked, unless the walk has already passed it (then relative).
key :
wait_for 'Go to packet' ": did not open the go-to field"
key 150000 Enter
wait_for 'Frame 150000: ' ":150000 did not select packet 150000"
has '^[^ ]+ +150000 +[0-9.]+ ' "packet 150000's row is not in the list"
shot | grep -E '^[^ ]+ +1[45][0-9]{4} .*Flags \[' | grep -qE 'ack [0-9]+ \(abs\), win |seq [0-9]+(:[0-9]+)?, ack [0-9]{1,6}, win ' ||
	fail "a TCP row near packet 150000 shows neither marked absolute nor relative seq/ack"
ok ":150000 selects packet 150000"

# A search through every row goes on over the ticks (200 ms a key, 50 ms a
# tick), then says it found nothing; the selection stays.
key /
wait_for 'Search the lines for' "/ did not open the search"
key 'zz no such text' Enter
wait_for 'not found: "zz no such text"' "a search through $N rows did not end with 'not found'" 600
has 'Frame 150000: ' "a search that found nothing moved the selection"
ok "a search through $N rows ends, saying it found nothing"

# Beyond the file: the last packet, with a message.
key : 999999 Enter
wait_for 'there is no packet 999999' ":999999 on a file of $N packets gave no message"
key Escape
ok ":999999 says the file has no such packet"

# With a filter the rows come from the walk: a jump waits for it, then lands.
key '&'
wait_for 'Display filter' "& did not open the filter field"
key 'tcp' Enter
wait_for 'filter: tcp' "the filter was not applied"
key : 150001 Enter
# Packet 150001 may not be TCP: the jump lands on it or the nearest TCP packet after it.
wait_for 'Frame 1500[0-9]{2}: ' "a jump under a filter did not land near packet 150001" 300
ok "under a filter, :150001 lands once the walk got there"

key q
wait_for 'EXITED-0' "q did not quit with status 0"
wait_for 'BADMODES-0-END' "the terminal was left in raw/no-echo mode"
ok "q quits with status 0 and a sane terminal"
echo "PASS"
