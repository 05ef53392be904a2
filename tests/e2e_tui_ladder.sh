#!/bin/sh
# e2e_tui_ladder.sh — the ladder view of the lesson screen, driven in tmux:
# open tcp-basics, run socket, setsockopt and connect for real, press L and
# see the handshake as arrows (SYN to the right, SYN,ACK back), move in the
# ladder and see the detail pane follow, L back to the list, quit cleanly.
#
# usage: sh tests/e2e_tui_ladder.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the screen (at most 10 s); no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui_ladder.sh /path/to/sockscope}
TMUX_NAME=ladder
. "$(dirname "$0")/tmux.sh"
start_tui ladder 160 45 lesson tcp-basics

wait_for 'Step 1/[0-9]+: Create a stream socket' "the lesson did not open"
key Space
wait_for 'client: .*socket\(' "step 1 (socket) did not run"
key Space
wait_for 'client: .*setsockopt\(' "step 2 (setsockopt) did not run"
key Space
wait_for 'client: .*connect\(' "step 3 (connect) did not run"
if shot | grep -q 'no capture:'; then
	echo "SKIP: no packet capture in this run (run as root or where user namespaces work)"
	exit 77
fi
wait_for 'Flags \[\.\], ack 1,' "the handshake's last ACK is not in the packet list"
ok "three steps ran, the handshake is in the packet list"

key L
wait_for 'Ladder: 127\.0\.0\.1:[0-9]+ <-> 127\.0\.0\.1:[0-9]+' "L did not show the ladder"
wait_for '\|--- SYN seq 0 win [0-9]+ .*-+>\|  step 3 connect\(\)' "no SYN arrow left to right"
has '\|<-- SYN,ACK seq 0 ack 1 .*-\|  step 3 connect\(\)' "no SYN,ACK arrow right to left"
has '\|--- ACK seq 1 ack 1 .*>\|  step 3 connect\(\)' "no ACK arrow left to right"
has 'focus: ladder' "the ladder does not have the focus"
hasnt 'Flags \[S\],' "the packet list is still shown"
ok "L shows the handshake as a ladder: SYN ->, <- SYN,ACK, ACK ->"

# Moving in the ladder selects the packet in the detail pane.
key Home
wait_for 'Packet 1 \(step 3\)' "Home in the ladder did not select the SYN"
key j
wait_for 'Packet 2 \(step 3\)' "j in the ladder did not select the SYN,ACK"
has 'Flags \[S\.\]' "the detail pane does not show the SYN,ACK"
ok "moving in the ladder selects the packet in the detail pane"

key L
wait_for 'Flags \[S\],' "L again did not bring the packet list back"
hasnt 'Ladder:' "the ladder is still shown"
ok "L again shows the packet list"

# q leaves the lesson; when that lands in the lesson browser, q there quits.
key q
wait_for 'EXITED-|Lessons \(' "q did not leave the lesson"
shot | grep -q 'EXITED-' || key q
wait_for 'EXITED-0' "q did not quit with status 0"
wait_for 'BADMODES-0-END' "the terminal was left in raw/no-echo mode"
ok "q quits with status 0 and a sane terminal"
echo "PASS"
