#!/bin/sh
# e2e_tui_keys.sh — issue 13's keys, in tmux at 80x24 (and one wide check):
# every screen answers keys from one table that also prints its help and
# the man page (src/tui/keys.h), so ? shows the keys of the screen it is
# pressed on, sized to the terminal, and the man page's KEYS section is the
# tables; the one key map across screens.  Runs from the shipped
# recordings, so no capture rights are needed.
#
# usage: sh tests/e2e_tui_keys.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the screen (at most 10 s); no fixed sleep synchronises.
BIN=${1:?usage: e2e_tui_keys.sh /path/to/sockscope}
TMUX_NAME=keys
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)
SRC=$(cd "$(dirname "$0")/.." && pwd)
REC=$SRC/lessons/recordings/tcp-basics.pcapng

# The man page lists the same tables the screens dispatch from.
"$BIN" keys --man >"$TMP/gen" || fail "sockscope keys --man failed"
grep -q '^\.SS Inspecting a capture' "$TMP/gen" || fail "sockscope keys --man has no inspection keys"
sed -n '/^\.\\" BEGIN KEYS/,/^\.\\" END KEYS/p' "$SRC/docs/sockscope.1" | sed '1d;$d' >"$TMP/man"
diff -u "$TMP/man" "$TMP/gen" >"$TMP/diff" ||
	{ cat "$TMP/diff"; fail "docs/sockscope.1's KEYS differ from the key tables (run scripts/man-keys.sh)"; }
ok "keys: the man page's KEYS section is the screens' key tables"

# ? on the inspection screen: its own keys, at the top, at 80x24.
start_tui insp 80 24 inspect "$REC"
wait_for 'Flags \[S\],' "the inspection screen did not open on the recording"
key '?'
wait_for 'Inspecting a capture' "? in inspect does not start with inspect's keys"
has 'conversations' "inspect's help does not show its keys on the first page"
hasnt 'Lesson browser' "inspect's help shows the lesson browser's keys"
key '?'
wait_for 'Flags \[S\],' "? did not close the help"
ok "keys: ? on the inspection screen shows inspect's keys first, at 80x24"

# ? in a lesson: the lesson's keys; the help is sized to the window.
start_tui les 80 24 lesson tcp-basics --replay "$REC"
wait_for 'Step 1/8' "the lesson did not open"
key '?'
wait_for 'run the next step for real' "? in a lesson does not show the lesson's keys"
hasnt 'Inspecting a capture' "the lesson's help shows inspect's keys"
has 'flip a toggle: re-run up to here and compare' "the lesson's first help page lacks t"
hasnt 'compare both runs side by side' "at 80 columns the help is wider than the window"
ok "keys: ? in a lesson shows the lesson's keys"
start_tui wide 160 45 lesson tcp-basics --replay "$REC"
wait_for 'Step 1/8' "the lesson did not open at 160x45"
key '?'
wait_for 'flip a toggle: re-run up to here and compare both runs side by side' \
	"at 160 columns the help is not wider than at 80 (one line for t)"
ok "keys: the help is sized to the terminal (80 columns: wrapped, 160: one line)"

# ---- the one key map ----
PORTS=$SRC/lessons/recordings/ports.pcapng
MANY=$SRC/lessons/recordings/many-clients.pcapng
# xterm's X10 mouse report of the wheel (button 64 up, 65 down) at row $1, column $2
wheel() { tm send-keys -t "$S" -l "$(printf '\033[M%s%b%b' "$1" "\\$(printf %03o $((33 + $3)))" "\\$(printf %03o $((33 + $2)))")"; }

# Presenter: b is back as in a lesson, . blanks.
start_tui pres 80 24 present tcp-basics --replay "$REC"
wait_for 'STEP 1 OF 8' "present did not open"
key PageDown
wait_for 'ran: its packets' "Page Down did not run step 1"
key PageDown
wait_for 'STEP 2 OF 8' "Page Down did not go to step 2"
wait_for 'ran: its packets' "step 2 did not finish"
key b
wait_for 'STEP 1 OF 8' "b in the presenter did not go back a step"
key .
wait_for 'any key brings the lesson back' ". did not blank the screen"
hasnt 'STEP 1 OF 8' "the blank screen shows the lesson"
key x
wait_for 'STEP 1 OF 8' "a key did not bring the lesson back"
ok "keys: b is back and . blanks in the presenter (b no longer blanks)"

# Inspect: ] and [ go through the TCP connections in the ladder.
# the connections in the order their SYNs came (the recording is re-made
# whenever a lesson changes, with new ports)
conn() { "$BIN" inspect "$PORTS" --print | awk -v n="$1" '/Flags \[S\],/ && ++k == n { gsub(/\./, "\\.", $3); gsub(/\./, "\\.", $5); print $3 " <-> " $5 }'; }
c1=$(conn 1) c2=$(conn 2) c3=$(conn 3)
n3=$("$BIN" inspect "$PORTS" --print | awk '/Flags \[S\],/ && ++k == 3 { print $1 }')
[ -n "$c3" ] || fail "the recording $PORTS does not hold three TCP connections"
start_tui lad 80 24 inspect "$PORTS"
wait_for 'Flags \[S\],' "inspect did not open ports.pcapng"
key L
wait_for "Ladder: $c1" "L did not show the first connection's ladder"
key ']'
wait_for "Ladder: $c2" "] did not show the next connection"
key ']'
wait_for "Ladder: $c3" "] did not show the third connection"
key ']'
wait_for "Ladder: $c1" "] after the last did not come round to the first"
key '['
wait_for "Ladder: $c3" "[ did not show the previous (the last) connection"
key Enter
wait_for "Frame $n3: " "Enter on the ladder did not go to its first packet ($n3)"
ok "keys: ] and [ show the next and previous connection in inspect's ladder"

# Inspect: T is the time column (t is nothing now), s does not search.
key T
wait_for 'time column: ' "T did not change the time column"
key s
hasnt 'Search the' "s still opens the search"
ok "keys: T changes inspect's time column; s no longer searches"

# A lesson's ladder: ] and [ too (c was "next connection" before).  Wide,
# so that the status line keeps the step's state beside the messages.
# step_ran K: the status line says step K/8, neither "(not run)" nor
# running; a prediction's question on the way is skipped (Esc).
step_ran() {
	j=0 skipped=
	while [ $j -lt 100 ]; do   # one Esc only: a second one would leave the lesson
		[ -z "$skipped" ] && shot | grep -q 'Predict, then capture' && key Escape && skipped=1
		last=$(shot | tail -1)
		case "$last" in
		*"step $1/8 (not run)"* | *"running step"*) ;;
		*"step $1/8"*) return 0 ;;
		esac
		sleep 0.1
		j=$((j + 1))
	done
	fail "step $1 did not run"
}
start_tui lesl 160 45 lesson tcp-basics --replay "$REC"
wait_for 'Step 1/8' "the lesson did not open"
for k in 1 2 3 4 5 6 7 8; do   # every step, a prediction skipped (Esc): two connections
	key Space
	step_ran $k
done
key L
wait_for 'connection 1 of 2, \] next' "L did not show the ladder of the first of two connections"
key ']'
wait_for 'connection 2 of 2' "] in the lesson's ladder did not show the second connection"
key '['
wait_for 'connection 1 of 2' "[ in the lesson's ladder did not show the first connection again"
key c
hasnt 'connection 2 of 2' "c still switches the connection"
ok "keys: ] and [ switch the connection in a lesson's ladder"
# The wheel scrolls the pane under the pointer (the code), not the focused one (the ladder).
top=$(shot | sed -n '3p' | sed -n 's/^│[> ]*\([0-9][0-9]*\) .*/\1/p')
[ -n "$top" ] || fail "no code line number on the code pane's first row"
wheel '`' 2 10
wait_for "^│[> ]* $((top - 3)) " "the wheel over the code pane did not scroll it up 3 lines (from $top)"
has 'focus: ladder' "the wheel moved the focus"
ok "keys: the mouse wheel scrolls the lesson pane under the pointer"

# Moving: Ctrl-F/B a page, Ctrl-D/U half a page, G/g, the wheel, in inspect's list.
start_tui mv 80 24 inspect "$MANY"
wait_for 'Frame 1: ' "inspect did not open many-clients.pcapng"
key C-f
wait_for 'Frame ([5-9]|1[0-9]): ' "Ctrl-F did not move a page down"
pg=$(shot | sed -n 's/.*Frame \([0-9]*\): .*/\1/p' | head -1)
key C-b
wait_for 'Frame 1: ' "Ctrl-B did not move a page up"
key C-d
wait_for 'Frame [2-9]: ' "Ctrl-D did not move half a page down"
half=$(shot | sed -n 's/.*Frame \([0-9]*\): .*/\1/p' | head -1)
[ "$half" -lt "$pg" ] || fail "Ctrl-D (to $half) went as far as Ctrl-F (to $pg)"
key C-u
wait_for 'Frame 1: ' "Ctrl-U did not move half a page up"
key G
n=$("$BIN" inspect "$MANY" --print | wc -l)
wait_for "Frame $n: " "G did not go to the last packet ($n)"
key g
wait_for 'Frame 1: ' "g did not go to the first packet"
wheel a 3 10
wait_for 'Frame 4: ' "the wheel (down a notch) did not move 3 lines"
wheel '`' 3 10
wait_for 'Frame 1: ' "the wheel (up a notch) did not move back"
ok "keys: Ctrl-F/B, Ctrl-D/U, G/g and the mouse wheel move in inspect's list"

# The map is written down in every help.
key '?'
wait_for 'Inspecting a capture' "? did not open inspect's help"
for i in 1 2 3 4 5 6; do key C-d; done
wait_for 'leave the screen; the program, when it was started on' "the help does not write the key map down"
has 'the next and previous TCP connection, in every ladder' "the help does not name ] ["
ok "keys: the help writes the one key map down"

# ---- item 10: a mistyped letter in a quiz is asked again, not graded ----
mkdir -p "$TMP/home"
out=$(printf 'z\n\nb\n' | HOME=$TMP/home XDG_DATA_HOME= "$BIN" quiz final-quiz 2>&1)
printf '%s\n' "$out" | grep -q 'not one of the choices: answer with a letter, a to c' ||
	fail "item 10: quiz: z for a-c is not asked again: $out"
printf '%s\n' "$out" | sed -n '/^1\. /,/^2\. /p' | grep -q 'not quite' && fail "item 10: quiz graded z as an answer: $out"
printf '%s\n' "$out" | sed -n '/^1\. /,/^2\. /p' | grep -q '^your choice: .*right\.' ||
	fail "item 10: quiz: b after z was not graded right: $out"
ok "keys: item 10: sockscope quiz asks again after a mistyped letter (headless)"
TUI_ENV="HOME=$TMP/home XDG_DATA_HOME="
start_tui quiz 80 24 lesson final-quiz
wait_for 'Question 1 of' "the quiz did not open"
key z
wait_for 'z is not one of the answers: a to c' "the quiz screen does not say z is no answer"
hasnt 'Not quite|Right\.' "the quiz screen graded z"
key b Enter
wait_for 'Right\.' "b, Enter after z was not graded right"
ok "keys: item 10: the quiz screen says a mistyped letter is no answer and grades nothing"
TUI_ENV=

# ---- item 11: an origin is printed as the whole call ----
out=$("$BIN" lesson tcp-basics --headless --fields --replay "$REC" 2>&1)
printf '%s\n' "$out" | grep -q '^origin: Destination address <- inet_pton(AF_INET, "127\.0\.0\.1", &addr\.sin_addr)$' ||
	fail "item 11: --fields: the origin is not the whole call: $(printf '%s\n' "$out" | grep '^origin: Destination address')"
"$BIN" lesson tcp-basics --replay "$REC" --handout "$TMP/h.md" >/dev/null 2>&1 || fail "item 11: no handout"
grep -q 'set by inet_pton(AF_INET, "127\.0\.0\.1", &addr\.sin_addr)$' "$TMP/h.md" ||
	fail "item 11: the handout's origin is not the whole call: $(grep 'Destination address' "$TMP/h.md")"
# "..." where the family decides the argument (lesson 3): the call of the family run.
out=$("$BIN" lesson addresses --headless --replay "$SRC/lessons/recordings/addresses.pcapng" 2>&1)
printf '%s\n' "$out" | grep -q '^origin: Destination address <- inet_pton(AF_INET, "127\.0\.0\.1", &addr\.sin_addr)$' ||
	fail "item 11: an origin with ... is not completed from the code: $(printf '%s\n' "$out" | grep '^origin: Dest')"
ok "keys: item 11: origin lines name the whole call (--fields, handout, ... completed)"

# ---- SOCKSCOPE_THEME=foo: a warning naming the themes, the default used ----
tm new-session -d -s theme -x 80 -y 24 "env LC_ALL=$LOC TERM=screen SOCKSCOPE_THEME=foo $BIN 2>$TMP/theme.err; $AFTER" ||
	fail "tmux could not start a session"
S=theme
wait_for 'Lessons \([0-9]+\)' "SOCKSCOPE_THEME=foo stopped the program"
key q
wait_for 'EXITED-0' "q did not quit with status 0 under SOCKSCOPE_THEME=foo"
[ "$(wc -l <"$TMP/theme.err")" -eq 1 ] && grep -q "SOCKSCOPE_THEME=foo is no theme (there are: dark, light, contrast); using dark" "$TMP/theme.err" ||
	fail "SOCKSCOPE_THEME=foo: not one warning line naming the themes: $(cat "$TMP/theme.err")"
out=$("$BIN" --theme=foo 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "no theme 'foo' (there are: dark, light, contrast)" ||
	fail "--theme=foo: exit $rc: $out"
ok "keys: SOCKSCOPE_THEME=foo warns (one line, the themes named) and uses the default; --theme=foo stays an error"

# ---- challenges: the values to export in a second terminal; "1 try" ----
out=$(HOME=$TMP/home XDG_DATA_HOME= timeout 60 "$BIN" challenge http-client --wait 1 2>&1)
port=$(printf '%s\n' "$out" | sed -n 's/^the lab: a server on 127\.0\.0\.1 port \([0-9]*\) (IPv4)$/\1/p')
[ -n "$port" ] || fail "challenge: no lab port in: $out"
printf '%s\n' "$out" | grep -q 'SOCKSCOPE_PORT are set only with --run' || fail "challenge: does not say the variables need --run: $out"
printf '%s\n' "$out" | grep -qx "  export SOCKSCOPE_HOST=127.0.0.1 SOCKSCOPE_PORT=$port" ||
	fail "challenge: waiting, no export line with the lab's port $port: $out"
list=$(HOME=$TMP/home XDG_DATA_HOME= "$BIN" challenge 2>&1)
printf '%s\n' "$list" | grep -q '^http-client  *not yet passed (1 try) ' || fail "challenge list after one try: $list"
printf '%s\n' "$list" | grep -q '1 tries' && fail "challenge list says 1 tries: $list"
ok "keys: challenge: waiting prints the export line for a second terminal; the list says 1 try"
