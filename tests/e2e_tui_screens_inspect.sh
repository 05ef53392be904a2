#!/bin/sh
# e2e_tui_screens_inspect.sh — issue 13's items on the inspection screen
# (`sockscope inspect FILE` on a terminal), driven in tmux at 80x24 unless an
# item is about another size.  Each check names its item:
#   item 2: a folded layer of the field tree is one line;
# The captures are built here (tests/inspect_pcaps.py), so no privilege is
# needed.
#
# usage: sh tests/e2e_tui_screens_inspect.sh /path/to/sockscope   (exit 77: skipped)
# Every wait polls the screen (at most 10 s); no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui_screens_inspect.sh /path/to/sockscope}
TMUX_NAME=scrinspect
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 is needed to build the captures"
	exit 77
fi
python3 "$(dirname "$0")/inspect_pcaps.py" "$TMP" || fail "inspect_pcaps.py failed"
MIX=$TMP/mixed.pcap

# ---- item 2: folding a layer hides all of it, not only its first field.
start_tui fold 80 24 inspect "$MIX"
wait_for 'Flags \[S\],' "the list does not show the SYN"
wait_for '^ [0-9]+ packets' "the status line does not show the packet count"
key Tab g
wait_for '\+ Ethernet II: ' "Tab g did not show the folded Ethernet layer"
# The line under a folded layer is the next layer.
shot | grep -A1 -F '+ Ethernet II: ' | tail -n 1 | grep -q 'Internet Protocol version 4' ||
	fail "item 2: the folded Ethernet layer shows more than one line"
hasnt 'Source: 02:00:00:00:00:01' "item 2: a field of the folded Ethernet layer shows"
shot | grep -A1 -F '+ Internet Protocol version 4: ' | tail -n 1 | grep -q 'Transmission Control Protocol' ||
	fail "item 2: the folded IPv4 layer shows more than one line"
# Fold TCP (the layer that starts open): none of its fields stay.
key j j
wait_for '- Transmission Control Protocol' "TCP did not start unfolded"
has 'Destination port: 80' "TCP's fields do not show unfolded"
key Enter
wait_for '\+ Transmission Control Protocol' "Enter did not fold TCP"
hasnt 'Destination port: 80' "item 2: TCP's second field still shows when TCP is folded"
hasnt 'Sequence number' "item 2: TCP's fields still show when TCP is folded"
# Unfold it again: every field is back.
key Enter
wait_for 'Destination port: 80' "Enter did not unfold TCP"
ok "item 2: a folded layer is one line (Ethernet, IPv4, TCP), unfolding shows its fields"
key q
wait_for 'EXITED-0' "q did not quit with status 0"
tm kill-session -t fold

echo "PASS"
