#!/bin/sh
# e2e_tui_present.sh — presenter mode and the themes, in tmux.
# `sockscope present tcp-basics` (from its shipped recording, so no capture
# rights are needed): a banner with the step's title in capitals, Page Down
# runs the next step (a clicker's key), Page Up goes back, n shows the
# teacher's notes from the lesson file, . blanks the screen and any key
# brings it back; the contrast theme paints white on black; light and dark
# draw in colour; NO_COLOR draws none; an unknown theme is refused.
#
# usage: sh tests/e2e_tui_present.sh /path/to/sockscope      (exit 77: skipped)
BIN=${1:?usage: e2e_tui_present.sh /path/to/sockscope}
TMUX_NAME=present
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)
REC=$(cd "$(dirname "$0")/.." && pwd)/lessons/recordings/tcp-basics.pcapng

start_tui pres 160 45 present tcp-basics --replay "$REC"
wait_for 'STEP 1 OF 8:  CREATE A STREAM SOCKET' "no banner with the first step's title"
has 'not run yet: Page Down runs it' "the banner does not say how to go on"
has 'PgDn/Space next  PgUp/b back  n notes  . blank' "the clicker keys are not shown"
hasnt '─ Step 1/8' "the explanation pane is shown in presenter mode"
ok "the banner shows the step title large, the essentials only"

key PageDown
wait_for 'client: fd = socket\(' "Page Down did not run step 1"
wait_for 'ran: its packets are on the right' "the banner does not say the step ran"
key PageDown
wait_for 'STEP 2 OF 8' "Page Down did not go to step 2"
i=0; while shot | grep -q 'running step' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
key PageDown
wait_for 'STEP 3 OF 8:  CONNECT TO THE LAB.S SERVER' "Page Down did not go to step 3"
wait_for 'Flags \[S\]' "step 3's handshake is not shown"
ok "Page Down runs the steps one by one"

key n
wait_for "Teacher's notes" "n did not open the teacher's notes"
wait_for 'Walk the handshake on the ladder' "the notes are not the lesson file's (step 3's)"
key n
wait_for_gone() { i=0; while shot | grep -Eq -- "$1"; do i=$((i + 1)); [ $i -lt 100 ] || fail "$2"; sleep 0.1; done; }
wait_for_gone "Teacher's notes" "n did not hide the notes"
ok "n shows and hides the teacher's notes"

key PageUp
wait_for 'STEP 2 OF 8' "Page Up did not go back"
key .
wait_for 'blank \(\.\): any key brings the lesson back' ". did not blank the screen"
hasnt 'STEP 2 OF 8' "the blank screen still shows the lesson"
key x
wait_for 'STEP 2 OF 8' "a key did not bring the lesson back"
ok "Page Up goes back, . blanks and a key brings it back"

# contrast (presenter's default): white (37) on black (40) everywhere
cols=$(tm capture-pane -p -e -t pres | grep -c '40m\|;40;\|\[40;')
[ "$cols" -gt 20 ] && ok "the contrast theme paints a black background ($cols lines)" ||
	fail "the contrast theme's black background is not drawn ($cols lines)"
key q q
wait_for 'EXITED-0' "q did not leave"
wait_for 'BADMODES-[0-9]+-END' "no terminal-mode report"; has 'BADMODES-0-END' "the terminal was left in raw mode"

for theme in light dark; do
	start_tui "t$theme" 160 45 --theme=$theme
	wait_for 'Lessons \([0-9]+\)' "the browser did not open with --theme=$theme"
	n=$(tm capture-pane -p -e -t "t$theme" | grep -cE '\[(3[0-7]|4[0-7])m|;3[0-7]m|\[3[0-7];')
	[ "$n" -gt 0 ] && ok "--theme=$theme draws in colour" || fail "--theme=$theme draws no colour"
	key q
done
TUI_ENV=NO_COLOR=1
start_tui nocolor 160 45
wait_for 'Lessons \([0-9]+\)' "the browser did not open with NO_COLOR"
n=$(tm capture-pane -p -e -t nocolor | grep -cE '\[(3[0-7]|4[0-7])m|;3[0-7]m|;4[0-7]m')
[ "$n" -eq 0 ] && ok "NO_COLOR: no colour at all" || fail "NO_COLOR: $n lines in colour"
key q
out=$("$BIN" --theme=purple 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "no theme 'purple' (there are: dark, light, contrast)" &&
	ok "an unknown theme is refused with the list" || fail "unknown theme: exit $rc: $out"

# The mouse: a click on a packet's row selects it (xterm's X10 mouse report,
# as a terminal sends it for a left-button press at column x, row y).
click() { tm send-keys -t "$S" -l "$(printf '\033[M %b%b' "\\$(printf %03o $((33 + $2)))" "\\$(printf %03o $((33 + $1)))")"; }
TUI_ENV=
start_tui mouse 200 45 lesson tcp-basics --replay "$REC"
wait_for 'press Space to run' "the lesson did not open"
key Space; wait_for 'client: fd = socket\(' "step 1 did not run"
key Space; wait_for 'client: setsockopt\(' "step 2 did not run"
key Space; wait_for 'Flags \[S\.\]' "step 3's SYN-ACK is not listed"
wait_for 'Packet 3 \(step 3\): fields and bytes' "packet 3 is not the one shown"
row=$(shot | grep -n 'Flags \[S\.\]' | head -1 | cut -d: -f1)
line=$(shot | sed -n "${row}p"); pre=${line%%Flags*}
click $((row - 1)) "$(printf '%s' "$pre" | wc -m)"
wait_for 'Packet 2 \(step 3\): fields and bytes' "a click on the SYN-ACK's row did not select packet 2"
has 'Flags: 0x12 \(SYN, ACK\)' "the clicked packet's fields are not shown"
ok "a click selects the packet under it"
key q q
