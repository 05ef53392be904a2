#!/bin/sh
# e2e_tui_inspect.sh — the inspection screen (`sockscope inspect FILE` on a
# terminal), driven in tmux: a capture of the tcp-basics lesson opens on
# its packet list with the handshake and the packet count; a display
# filter shows only the FIN segments; a bad filter shows pcap's message and
# keeps the old list; ":5" jumps to packet 5; the followed stream shows the
# server's welcome before the client's "Hello, World!"; the conversations
# list and the ladder; a marked packet saved alone; q leaves a sane terminal.
# Then, at 80x24, the followed stream on screen is line for line what
# `inspect --follow` prints for the same capture.
#
# usage: sh tests/e2e_tui_inspect.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the screen (at most 10 s); no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui_inspect.sh /path/to/sockscope}
TMUX_NAME=inspect
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)

timeout 60 "$BIN" lesson tcp-basics --headless --write "$TMP/t.pcap" >"$TMP/lesson.out" 2>&1
if [ ! -s "$TMP/t.pcap" ] || [ "$("$BIN" inspect "$TMP/t.pcap" --print | wc -l)" -eq 0 ]; then
	echo "SKIP: no packets captured (run as root or where user namespaces work)"
	exit 77
fi
NPKT=$("$BIN" inspect "$TMP/t.pcap" --print | wc -l)

start_tui inspect 160 45 inspect "$TMP/t.pcap"
wait_for 'Flags \[S\],' "the list does not show the handshake's SYN"
wait_for "^ $NPKT packets" "the status line does not show the packet count ($NPKT)"
has 'Frame 1: ' "the first packet's detail is not shown"
has 'bytes \(the selected field' "the hex dump is not shown"
ok "the list shows the handshake, the status line $NPKT packets, the detail the first packet"

# The bytes: Tab Tab puts a cursor in them; on byte 0 the Ethernet
# destination is selected (its layer, folded until then, opens).
hasnt 'Destination: 00:00:00:00:00:00' "the Ethernet layer does not start folded"
key Tab Tab Home
wait_for 'bytes \(the cursor.s field highlighted\)' "Tab Tab did not put the cursor in the bytes"
wait_for 'Destination: 00:00:00:00:00:00' "the byte cursor on byte 0 did not select the Ethernet destination"
key Escape
wait_for 'bytes \(the selected field' "Esc did not leave the bytes"
ok "a byte cursor in the hex dump selects the field that owns the byte"

# A display filter: only the FIN segments.
key '&'
wait_for 'Display filter' "& did not open the filter field"
key 'tcp[tcpflags] & tcp-fin != 0' Enter
wait_for 'filter: tcp\[tcpflags\] & tcp-fin != 0' "the filter was not applied"
wait_for 'Flags \[F\.\]' "no FIN line under the filter"
hasnt 'Flags \[S\],' "a SYN line shows under the FIN filter"
hasnt 'Flags \[P\.\]' "a data line shows under the FIN filter"
ok "the filter shows only FIN lines"

# A bad filter: pcap's message under the field, the old list stays.
key '&'
wait_for 'Display filter' "& did not open the filter field again"
key C-u
for i in $(seq 40); do key BSpace; done
key 'tcp portt 80' Enter
wait_for 'syntax error' "a bad filter does not show pcap's message"
has 'Display filter' "the field closed on a bad filter"
key Escape
wait_for 'Flags \[F\.\]' "the old (FIN) list did not stay after a bad filter"
hasnt 'Flags \[S\],' "the old filter was lost after a bad filter"
ok "a bad filter shows pcap's message and keeps the old list"

# Back to every packet (an empty filter), then go to packet 5.
key '&'
for i in $(seq 40); do key BSpace; done
key Enter
wait_for 'Flags \[S\],' "an empty filter did not bring every packet back"
key :
wait_for 'Go to packet' ": did not open the go-to field"
key 5 Enter
wait_for 'Frame 5: ' ": 5 did not select packet 5"
ok ":5 jumps to packet 5"

# Follow the stream of the data packet (4): the welcome, then the hello.
key : 4 Enter
wait_for 'Frame 4: ' ": 4 did not select packet 4"
key F
wait_for 'Follow TCP stream' "F did not open the followed stream"
wait_for 'Welcome to the sockscope lab!' "the stream lacks the server's welcome"
shot | grep -n -e '. Welcome to the sockscope lab! ' -e '. Hello, World! ' | head -2 | tr '\n' ' ' |
	grep -Eq '^[0-9]+:.*Welcome to the sockscope lab!.* [0-9]+:.*Hello, World!' ||
	fail "the stream does not show the welcome before 'Hello, World!'"
ok "follow shows the welcome before Hello, World!"
key Escape
wait_for 'Frame 4: ' "Esc did not leave the stream"

# Conversations: the first is the TCP connection of packet 1.
key c
wait_for 'Conversations: [0-9]+' "c did not open the conversations"
has 'TCP +127\.0\.0\.1:[0-9]+ +<-> 127\.0\.0\.1:[0-9]+ +10 ' "no TCP conversation of 10 packets"
key Enter
wait_for 'Frame 1: ' "Enter on a conversation did not go to its first packet"
ok "conversations list a TCP conversation; Enter goes to its first packet"

# The ladder of the selected connection.
key L
wait_for 'Ladder: 127\.0\.0\.1:[0-9]+ <-> 127\.0\.0\.1:[0-9]+' "L did not open the ladder"
has '\|--- SYN seq 0 ' "no SYN arrow in the ladder"
key Escape
wait_for 'Frame 1: ' "Esc did not leave the ladder"
ok "L shows the ladder with the SYN arrow"

# Mark packet 5 and save the marked packets.
key : 5 Enter
wait_for 'Frame 5: ' ": 5 did not select packet 5"
key m
wait_for 'marked packet 5; 1 marked' "m did not mark packet 5"
key w
wait_for 'Save as pcap' "w did not open the save field"
key "$TMP/out.pcap" Enter
wait_for 'saved the marked to .*out\.pcap: 1 packets' "the save did not report 1 packet"
ok "m marks packet 5, w saves it"

# Export the list as text.
key e
wait_for 'Export the list as text' "e did not open the export field"
key "$TMP/list.txt" Enter
wait_for 'exported the list as text: [0-9]+ lines to .*list\.txt' "the export did not report its lines"
ok "e exports the list as text"

key q
wait_for 'EXITED-0' "q did not quit with status 0"
wait_for 'BADMODES-0-END' "the terminal was left in raw/no-echo mode"
ok "q quits with status 0 and a sane terminal"

# What a person sees in the followed stream is what `inspect --follow`
# prints: at 80x24 the box holds the headless lines, the heading on top,
# each cut in the box's last column when longer (the mark: an ellipsis, or
# $ without UTF-8), and '>' scrolls every line 8 columns sideways.  On the
# lesson's capture (the client's data packet), on a hand-built one with a
# retransmission, a segment out of order and lines wider than the box, and
# on TLS records (binary bytes and a tab).
#
# follow_shown TEXT SKIP: true when the screen's box shows TEXT's lines so,
# scrolled SKIP columns, from some first line on; else prints where not.
follow_shown() {
	shot >"$TMP/screen.txt"
	python3 - "$TMP/screen.txt" "$1" "$2" <<'PY'
import sys
rows = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
skip = int(sys.argv[3])
while rows and rows[-1] == "":
    rows.pop()
# the rows: the box's top border, its inside, its bottom border, the status bar
inside = rows[1:-2]
width = len(rows[0]) - 3   # a border and a space on the left, a border on the right


def seen(row):
    return row[2:2 + width]


def drawn(line):
    v = line[skip:]
    return v.ljust(width) if len(v) <= width else v[:width - 1] + "\u2026"


def same(row, line):
    a, b = seen(row), drawn(line)
    return a == b or (b.endswith("\u2026") and a == b[:-1] + "$")


if not inside or not lines or not same(inside[0], lines[0]):
    print("heading: screen %r, headless %r" % (seen(inside[0]) if inside else "", drawn(lines[0]) if lines else ""))
    sys.exit(1)
body = inside[1:]
for top in range(max(1, len(lines) - 1)):
    want = lines[1 + top:1 + top + len(body)]
    if all(same(r, want[i]) if i < len(want) else seen(r).strip() == "" for i, r in enumerate(body)):
        sys.exit(0)
for i, r in enumerate(body):
    if i + 1 < len(lines) and not same(r, lines[1 + i]):
        print("row %d: screen %r, headless %r" % (i + 2, seen(r), drawn(lines[1 + i])))
        break
sys.exit(1)
PY
}
# follow_compare NAME FILE PACKET: FILE on an 80x24 screen, PACKET's stream
# followed and compared with --follow PACKET, at once and 32 columns right.
follow_compare() {
	"$BIN" inspect "$2" --follow "$3" >"$TMP/$1.txt" || fail "inspect --follow $3 failed on $2"
	[ "$(grep -c '^==> ' "$TMP/$1.txt")" -ge 2 ] || fail "the headless stream of $2 has not two chunks: $(cat "$TMP/$1.txt")"
	start_tui "$1" 80 24 inspect "$2"
	wait_for 'Frame 1: ' "$1: the inspection screen did not open"
	key : "$3" Enter
	wait_for "Frame $3: " "$1: :$3 did not select packet $3"
	key F
	wait_for 'Follow (TCP|UDP) stream' "$1: F did not open the followed stream"
	for skip in 0 32; do
		[ "$skip" -eq 0 ] || key '>' '>' '>' '>'
		i=0
		until why=$(follow_shown "$TMP/$1.txt" "$skip"); do
			i=$((i + 1))
			[ $i -lt 100 ] || fail "$1: scrolled $skip columns, the stream on screen is not what --follow $3 prints: $why"
			sleep 0.1
		done
	done
	key q q
	wait_for 'EXITED-0' "$1: q q did not quit with status 0"
	wait_for 'BADMODES-0-END' "$1: the terminal was left in raw/no-echo mode"
}
follow_compare lesson "$TMP/t.pcap" 4
ok "at 80x24 the lesson's followed stream is line for line what --follow 4 prints (also 32 columns right)"
python3 "$(dirname "$0")/tshark_pcaps.py" "$TMP" || fail "tshark_pcaps.py failed"
follow_compare analysis "$TMP/tcpanalysis.pcap" 1
grep -q '(arrived out of order)$' "$TMP/analysis.txt" && grep -q '^\[retransmission: packet ' "$TMP/analysis.txt" &&
	[ "$(awk 'length > 77' "$TMP/analysis.txt" | wc -l)" -ge 2 ] ||
	fail "the hand-built stream lacks a segment out of order, a retransmission or long lines: $(cat "$TMP/analysis.txt")"
ok "a stream with a retransmission, a segment out of order and lines wider than the box: line for line --follow 1"
# TLS records: bytes that are not text (shown as '.'), a tab among them
# (widened to the next 8-column stop on both faces).
follow_compare binary "$TMP/tls.pcap" 4
grep -q '\.\.\.\.     *' "$TMP/binary.txt" || fail "the TLS stream has no widened tab: $(cat "$TMP/binary.txt")"
ok "a stream of binary records with a tab: line for line --follow 4"

OUT=$("$BIN" inspect "$TMP/out.pcap" --print) || fail "the saved file does not read back"
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 ] || fail "the saved file has not one packet: $OUT"
# Alone in its file, its sequence numbers are no longer relative: compare its timestamps' option.
WANT=$("$BIN" inspect "$TMP/t.pcap" --print | sed -n 5p | grep -oE 'TS val [0-9]+ ecr [0-9]+')
GOT=$(printf '%s\n' "$OUT" | grep -oE 'TS val [0-9]+ ecr [0-9]+')
[ "$WANT" = "$GOT" ] || fail "the saved packet is not packet 5: '$GOT' vs '$WANT'"
ok "the saved file holds packet 5 alone"

# The exported text is the list as --print has it, under the heading.
[ "$(sed -n 1p "$TMP/list.txt" | grep -c 'time  source')" -eq 1 ] || fail "the export has no heading"
[ "$(tail -n +2 "$TMP/list.txt" | wc -l)" -eq "$("$BIN" inspect "$TMP/t.pcap" --print | wc -l)" ] ||
	fail "the export does not have one line per packet"
grep -q 'Flags \[S\], seq 0,' "$TMP/list.txt" || fail "the export lacks the SYN line"
ok "the exported text has the heading and every packet"
echo "PASS"
