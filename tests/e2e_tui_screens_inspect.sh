#!/bin/sh
# e2e_tui_screens_inspect.sh — issue 13's items on the inspection screen
# (`sockscope inspect FILE` on a terminal), driven in tmux at 80x24 unless an
# item is about another size.  Each check names its item:
#   item 2: a folded layer of the field tree is one line;
#   item 5: search and display filter are independent and both shown;
#   search: / finds the next matching line, n / N go on, wrapping, with a
#           message; & is the display filter (tcpdump syntax);
#   filter hint: a Wireshark-style filter is told to be tcpdump syntax and
#           shown in its tcpdump form (screen and headless -f);
#   wide: at 200x50 the field tree's rows under the hex dump take the whole
#           width (inspect; the lesson's detail pane shares fieldview), and the
#           lesson face of item 2;
#   columns: sized to the rows shown, long addresses cut in the middle, no
#           lone '>', protocol and summary kept (80 and 120 columns);
#   saving: w and e expand "~", name the file typed (never .partial) in an
#           error, and ask before replacing a file (y/n);
#   item 9: `inspect -i lo -c N` ends the capture at N packets and says so
#           once; S says "capture stopped" once (needs capture on lo);
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

# ---- item 5 and the search: & filters, / searches, n N go on.
start_tui search 80 24 inspect "$MIX"
wait_for '^ 41 packets' "the status line does not show 41 packets"
has '/ search' "the key hints at 80 columns do not offer / search"
has '& filter' "the key hints at 80 columns do not offer & filter"
key '&'
wait_for 'Display filter, tcpdump \(BPF\) syntax' "& did not open the display filter"
key 'tcp' Enter
wait_for 'Packets  filter: tcp' "the filter is not in the list's title"
wait_for '^ 41 packets, 39 shown' "the filter tcp does not show 39 of 41 packets"
key /
wait_for 'Search the lines for' "/ did not open the search"
key 'HTTP' Enter
wait_for 'packet 4 matches "HTTP"' "search: Enter did not go to the first match (packet 4)"
has 'Frame 4: ' "search: packet 4 is not the one selected"
has 'Packets  filter: tcp  search: HTTP' "item 5: the title does not show both the filter and the search"
has '^ 41 packets, 39 shown' "item 5: the search changed what the filter shows"
ok "item 5: with a search active the filter stays, and the title shows both"
key n
wait_for 'packet 5 matches "HTTP"' "search: n did not go to the next match (5)"
has 'Frame 5: ' "search: n did not select packet 5"
key N N
wait_for 'wrapped to the bottom: packet 40 matches "HTTP"' "search: N from the first match did not wrap to the last (40)"
has 'Frame 40: ' "search: N did not select packet 40"
key n
wait_for 'wrapped to the top: packet 4 matches "HTTP"' "search: n from the last match did not wrap to the top"
ok "search: / goes to the first match, n and N go on and say when they wrap"
key /
wait_for 'Search the lines for' "/ did not open the search again"
key BSpace BSpace BSpace BSpace Enter
wait_for 'no search; the filter stays: tcp' "item 5: clearing the search did not say the filter stays"
has 'Packets  filter: tcp' "item 5: clearing the search dropped the filter from the title"
hasnt 'search: HTTP' "item 5: the cleared search is still shown"
has '^ 41 packets, 39 shown' "item 5: clearing the search dropped the filter"
ok "item 5: clearing the search keeps the display filter"
key n
wait_for 'no search yet: / searches the lines' "search: n without a search gave no message"
key /
wait_for 'Search the lines for' "/ did not open the search"
key 'no such thing' Enter
wait_for 'not found in the filtered list: "no such thing"' "search: no message when nothing matches"
# The DNS query is outside the filter: found once the filter is gone; lower
# case matches any case.
key /
wait_for 'Search the lines for' "/ did not open the search"
key BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
key 'dns' Enter
wait_for 'not found in the filtered list: "dns"' "search: the DNS row was found though the filter hides it"
key '&' BSpace BSpace BSpace Enter
wait_for 'no filter' "an empty filter did not clear it"
wait_for '^ 41 packets  ' "the filter did not go"
key n
wait_for 'packet 10 matches "dns"' "search: lower-case dns did not find the DNS query (packet 10)"
ok "search: not found is said, a filter limits the search, lower case matches any case"
key q
wait_for 'EXITED-0' "q did not quit with status 0"

# -s on the command line: the screen opens on the first match.
start_tui cmdsearch 80 24 inspect "$MIX" -s ARP
wait_for 'Frame 9: ' "search: -s ARP did not open on packet 9"
has '^ 41 packets  ' "search: -s narrowed the list on the screen"
key n
wait_for 'only packet 9 matches "ARP"' "search: n on the only match did not say so"
key q
wait_for 'EXITED-0' "q did not quit with status 0"
ok "search: -s TEXT opens on its first match, the list whole"

# ---- filter hint: Wireshark's syntax answered with tcpdump's form.
ERR=$("$BIN" inspect "$MIX" --print -f 'tcp.port == 179' 2>&1 >/dev/null); RC=$?
[ "$RC" -eq 2 ] || fail "filter hint: a bad -f did not exit with status 2 ($RC)"
printf '%s\n' "$ERR" | grep -qF "filters are tcpdump (BPF) syntax, not Wireshark's: did you mean: tcp port 179" ||
	fail "filter hint: headless -f 'tcp.port == 179' did not suggest tcp port 179: $ERR"
ERR=$("$BIN" inspect "$MIX" --print -f 'ip.addr==10.0.0.1 && tcp.flags.syn==1' 2>&1 >/dev/null)
printf '%s\n' "$ERR" | grep -qF "did you mean: host 10.0.0.1 and tcp[tcpflags] & tcp-syn != 0" ||
	fail "filter hint: headless -f with ip.addr and tcp.flags.syn got no tcpdump form: $ERR"
ERR=$("$BIN" inspect "$MIX" --print -f 'tcp portt 80' 2>&1 >/dev/null)
printf '%s\n' "$ERR" | grep -qF "filters are tcpdump (BPF) syntax, see man pcap-filter" ||
	fail "filter hint: a plain syntax error does not say the syntax is tcpdump's: $ERR"
ok "filter hint: headless -f names tcpdump syntax and gives the tcpdump form"
start_tui hint 80 24 inspect "$MIX"
wait_for '^ 41 packets' "the status line does not show 41 packets"
key '&'
wait_for 'Display filter' "& did not open the display filter"
key 'tcp.port == 80' Enter
wait_for "not Wireshark's: did you mean:" "filter hint: the screen does not say the filter is tcpdump syntax"
has 'tcp port 80  \(Tab takes it\)' "filter hint: the screen does not show the tcpdump form"
key Tab
wait_for '┃ tcp port 80 ' "filter hint: Tab did not put the tcpdump form in the field"
key Enter
wait_for 'Packets  filter: tcp port 80' "filter hint: the suggested filter was not applied"
wait_for '^ 41 packets, 36 shown' "filter hint: tcp port 80 does not show 36 of 41 packets"
key '&'
wait_for 'Display filter' "& did not open the display filter"
key BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
key 'dns' Enter
wait_for 'did you mean: port 53' "filter hint: dns did not suggest port 53"
key Escape
wait_for 'bad filter, not applied; did you mean: port 53' "filter hint: the status line lost the hint after Esc"
has 'Packets  filter: tcp port 80' "filter hint: a bad filter changed the filter applied"
ok "filter hint: the screen shows the tcpdump form, Tab takes it, Esc keeps the old filter"
key q
wait_for 'EXITED-0' "q did not quit with status 0"

# ---- wide: at 200x50 the tree's rows under a short dump take the whole
# width (fieldview.c, shared with the lesson's detail pane).
start_tui wide 200 50 inspect "$TMP/wide.pcap"
wait_for 'Frame 1: ' "the wide capture's packet is not shown"
wait_for 'User-Agent: sockscope-wide-' "the detail does not show the long header"
has 'User-Agent: sockscope-wide-x+-end' "wide: at 200x50 the header line under the hex dump is cut though the space is free"
has 'bytes \(the selected field' "wide: the hex dump is not beside the tree"
ok "wide: at 200x50 the field tree's rows under the bytes use the pane's whole width"
key q
wait_for 'EXITED-0' "q did not quit with status 0"

# ---- item 2 on the lesson face: the lesson's detail pane (same fieldview).
start_tui lessonfold 200 50 lesson tcp-basics
wait_for 'press Space to run' "the lesson did not open"
key Space
wait_for 'client: fd = socket\(' "Space did not run step 1"
key Space
wait_for 'Step 2/8' "Space did not run step 2"
wait_for 'client: setsockopt\(' "step 2 (setsockopt) did not run"
key Space
wait_for 'Step 3/8' "Space did not run step 3"
wait_for 'client: connect\(|no capture:' "step 3 (connect) did not run"
if shot | grep -q 'no capture:'; then
	echo "skip - item 2 (lesson face): no packet capture here (root or user namespaces needed)"
else
	wait_for 'Transmission Control Protocol' "the lesson's detail pane does not show TCP"
	key Tab Tab Tab
	wait_for '┏━ ▶ Packet [0-9]+ .*fields and bytes' "three Tabs did not focus the detail pane"
	has 'Destination port: [0-9]+' "TCP's fields do not show in the lesson's detail pane"
	key Enter
	wait_for '\+ Transmission Control Protocol' "Enter did not fold TCP in the lesson's detail pane"
	hasnt 'Destination port: [0-9]+' "item 2: the lesson's folded TCP layer still shows its fields"
	ok "item 2: a folded layer is one line in the lesson's detail pane too"
fi

# ---- columns: sized to what is shown, at 80 and 120 columns.
for W in 80 120; do
	start_tui "cols$W" "$W" 24 inspect "$MIX"
	wait_for '^ 41 packets' "the status line does not show 41 packets"
	key : 5 Enter
	wait_for 'Frame 5: ' ":5 did not select packet 5"
	key j j j j
	wait_for 'Frame 9: ' "j did not reach packet 9"
	# Rows 5-9 are on screen: IPv4, the long IPv4 pair, IPv6 both ways, ARP.
	for P in 5 6 7 8 9; do
		shot | grep -Eq "^[┃│] +$P  " || fail "columns ($W): row $P is not on screen"
	done
	ROW() { shot | grep -E "^[┃│] +$1  " | head -n 1; }   # the list is above the detail
	ROW 7 | grep -Eq ' TLS +80  Flags \[P\.\]' || fail "columns ($W): the IPv6 row lost its protocol or summary: $(ROW 7)"
	ROW 8 | grep -Eq ' TCP +74  Flags \[\.\]' || fail "columns ($W): the IPv6 row lost its protocol or summary: $(ROW 8)"
	ROW 7 | grep -Eq '\[2001:[0-9a-f:]*…[0-9a-f:]*\]:443 +> \[2001' ||
		fail "columns ($W): the long IPv6 address is not cut in its middle, port kept: $(ROW 7)"
	ROW 9 | grep -Eq '02:00:[0-9a-f:…]*01 +> ff:ff:[0-9a-f:…]*ff +ARP' ||
		fail "columns ($W): the ARP row does not show its link addresses: $(ROW 9)"
	hasnt '[0-9] +> +[A-Z]' "columns ($W): a row shows a lone '>'"
	# The protocol column starts at the same place on every row.
	COLS=$(for P in 5 6 7 8 9; do ROW "$P" | sed -E 's/ (HTTP|TCP|TLS|ARP) +[0-9]+  .*//' | LC_ALL=$LOC wc -m; done | sort -u | wc -l)
	[ "$COLS" -eq 1 ] || fail "columns ($W): the protocol column is not in line on rows 5-9"
	key q
	wait_for 'EXITED-0' "q did not quit with status 0"
done
ok "columns: at 80 and 120 the protocol and summary stay in line, long addresses are cut in the middle, ARP shows its link addresses"
# The headless list does not change: its fixed columns are the goldens'.
"$BIN" inspect "$MIX" --print | sed -n 9p | grep -q '^   9  8.008000                  >                 ARP ' ||
	fail "columns: the headless line of a row without IP changed"

# ---- saving: ~ expanded, errors name the file typed, no silent overwrite.
mkdir -p "$TMP/home"
TUI_ENV="HOME=$TMP/home" start_tui save 80 24 inspect "$MIX"
wait_for '^ 41 packets' "the status line does not show 41 packets"
key w
wait_for 'Save as pcap' "w did not open the save prompt"
key '~/all.pcap' Enter
wait_for 'saved the all to ~/all.pcap: 41 packets' "saving: w ~/all.pcap did not save 41 packets"
[ "$("$BIN" inspect "$TMP/home/all.pcap" --print | wc -l)" -eq 41 ] || fail "saving: ~/all.pcap is not \$HOME/all.pcap with 41 packets"
ok "saving: ~ is the home directory"
key : 3 Enter
wait_for 'Frame 3: ' ":3 did not select packet 3"
key m
wait_for 'marked packet 3; 1 marked' "m did not mark packet 3"
key w
wait_for 'Save as pcap' "w did not open the save prompt"
key '~/all.pcap' Enter
wait_for '~/all.pcap exists\. Replace it with the packets\?' "saving: an existing file is replaced without asking"
key n
wait_for 'not written: ~/all.pcap is as it was' "saving: n did not keep the file"
[ "$("$BIN" inspect "$TMP/home/all.pcap" --print | wc -l)" -eq 41 ] || fail "saving: n changed the file"
key w
wait_for 'Save as pcap' "w did not open the save prompt"
key '~/all.pcap' Enter
wait_for 'Replace it with the packets\?' "saving: no question the second time"
key y
wait_for 'saved the marked to ~/all.pcap: 1 packets' "saving: y did not replace the file with the marked packet"
[ "$("$BIN" inspect "$TMP/home/all.pcap" --print | wc -l)" -eq 1 ] || fail "saving: y did not replace the file"
ok "saving: an existing file is replaced only after y; n keeps it"
key w
wait_for 'Save as pcap' "w did not open the save prompt"
key '~/nodir/x.pcap' Enter
wait_for "cannot write ~/nodir/x\.pcap: No such file or directory" "saving: the error does not name the file typed"
hasnt '\.partial' "saving: the error names the internal .partial file"
key Escape
key e
wait_for 'Export the list as text' "e did not open the export prompt"
key '~/list.txt' Enter
wait_for 'exported the list as text: 41 lines to ~/list.txt' "saving: e ~/list.txt did not export"
key e
wait_for 'Export the list as text' "e did not open the export prompt"
key '~/list.txt' Enter
wait_for '~/list.txt exists\. Replace it with the list as text\?' "saving: e replaces a file without asking"
key Escape
wait_for 'not written: ~/list.txt is as it was' "saving: Esc did not keep the file"
ok "saving: an error names the file typed, not .partial; e asks too"
key q
wait_for 'EXITED-0' "q did not quit with status 0"

# ---- item 9: -c N ends a live capture (thread stopped, counters kept).
if ! "$BIN" inspect -i lo --capture host --duration 0.1 >"$TMP/probe" 2>&1; then
	echo "skip - item 9: no capture on the host's loopback here (root or cap_net_raw needed)"
else
	"$BIN" serve http --count 3 --seconds 60 >"$TMP/srv" 2>&1 &
	SRV=$!
	trap 'kill $SRV 2>/dev/null; tm kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT
	i=0
	while [ $i -lt 100 ] && ! grep -q listening "$TMP/srv"; do sleep 0.1; i=$((i + 1)); done
	PORT=$(sed -n 's/^.* port \([0-9]*\)$/\1/p' "$TMP/srv")
	[ -n "$PORT" ] || fail "sockscope serve http did not start: $(cat "$TMP/srv")"
	start_tui count 80 24 inspect -i lo --capture host -c 4 -f "'tcp port $PORT'"
	wait_for 'live: 0 packets; kernel:' "the live capture did not start"
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "curl failed"
	wait_for 'capture ended: 4 packets \(-c 4\); kernel: [0-9]+ received' \
		"item 9: reaching -c 4 did not end the capture with a message"
	hasnt 'live:' "item 9: the status line still says live after -c"
	hasnt 'S stop' "item 9: S stop is still offered after -c"
	[ "$(shot | grep -c 'capture ended')" -eq 1 ] || fail "item 9: the end is said more than once"
	# The kernel's counter is kept from the end: another exchange that the
	# kernel filter takes does not move it (on main it climbs on the next
	# tick; the wait is bounded, 2 s, and cannot fail by slowness).
	RECV=$(shot | sed -n 's/.*kernel: \([0-9]*\) received.*/\1/p')
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "curl failed"
	i=0
	while [ $i -lt 20 ]; do
		shot | grep -q "kernel: $RECV received" || fail "item 9: the kernel counter went on after the end ($RECV before)"
		sleep 0.1
		i=$((i + 1))
	done
	key S :
	wait_for 'Go to packet' ": did not open the go-to field"
	key Escape
	wait_for 'capture ended: 4 packets \(-c 4\)' "item 9: S after the end changed the status line"
	[ "$(shot | grep -Eo 'capture (ended|stopped)' | wc -l)" -le 1 ] || fail "item 9: S after the end said it again"
	ok "item 9: -c 4 ends the capture: said once, no S stop, the kernel counter kept"
	key q
	wait_for 'EXITED-0' "q did not quit with status 0"

	# S: "capture stopped" once (the status line), not again as a message.
	start_tui stop 80 24 inspect -i lo --capture host -f "'tcp port $PORT'"
	wait_for 'live: 0 packets; kernel:' "the live capture did not start"
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "curl failed"
	wait_for 'live: 10 packets' "the exchange was not captured"
	key S
	wait_for 'capture stopped: 10 packets; kernel: [0-9]+ received' "item 9: S did not stop the capture"
	[ "$(shot | grep -o 'capture stopped' | wc -l)" -eq 1 ] || fail "item 9: S says the capture stopped twice"
	ok "item 9: S says once that the capture stopped"
	key q
	wait_for 'EXITED-0' "q did not quit with status 0"
fi

echo "PASS"
