#!/bin/sh
# e2e_tui.sh — drive the real lesson screen in tmux and assert what a person
# would see: the browser, three steps run for real (socket, setsockopt,
# connect) with the connect() line marked and the handshake in the packet
# list, Python, focus, a window too small and back, leaving, and a sane
# terminal afterwards (also after Ctrl-C).
#
# usage: sh tests/e2e_tui.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the screen (at most 10 s); no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui.sh /path/to/sockscope}
. "$(dirname "$0")/tmux.sh"

start_tui main 160 45
wait_for 'Lessons \([0-9]+\)' "the browser did not open"
wait_for '> +1\. ' "the browser does not select the first lesson"

# tcp-basics is the second lesson of the course (the basics the later
# TCP lessons build on): down one, Enter.
key j
wait_for '> +[0-9]+\. TCP from socket\(\) to close\(\)' "the browser does not list 'TCP from socket() to close()'"
ok "browser lists 'TCP from socket() to close()'"
key Enter
wait_for 'Step 1/8: Create a stream socket' "Enter did not open the lesson"
wait_for 'press Space to run'
ok "Enter opens the lesson"

key Space
wait_for 'client: fd = socket\(' "step 1 (socket) did not run"
wait_for 'Nothing went on the wire'
key Space
wait_for 'Step 2/8' "Space did not run step 2"
wait_for 'client: setsockopt\(' "step 2 (setsockopt) did not run"
key Space
wait_for 'Step 3/8: Connect' "Space did not run step 3"
wait_for 'client: connect\(' "step 3 (connect) did not run"
if shot | grep -q 'no capture:'; then
	fail "no packet capture in this run (run the test as root or where user namespaces work)"
fi
wait_for '[0-9]+ packets? on the wire' "step 3 reported no packets"
ok "Space x3 runs socket, setsockopt, connect"

# The code pane marks the shown step's lines with '>' before the line number.
has '> +[0-9]+ +connect\(fd' "the connect(fd line is not marked with '>'"
hasnt '> +[0-9]+ +int fd = socket\(' "the socket() line is still marked"
ok "code pane marks the connect() line"

wait_for 'Flags \[S\],' "no SYN in the packet list"
has 'Flags \[S\.\],' "no SYN/ACK in the packet list"
has 'Flags \[\.\]' "no ACK in the packet list"
[ "$(shot | grep -cE '\* +[0-9]+ +[0-9]+\.[0-9]{6} ')" -ge 3 ] || fail "the handshake's packets are not marked '*'"
ok "packet pane shows the handshake, marked as step 3's"

key p
wait_for 'sock\.connect\(\(' "p did not show the Python program"
has 'Python program' "the code pane title does not say Python"
key p
wait_for 'C \| Python' "a second p did not show C and Python side by side"
wait_for '> +connect\(fd, \(struct .*\| ' "side by side, the connect() line is not marked"
key p
wait_for '> +[0-9]+ +connect\(fd' "p did not flip back to C"
ok "p flips to Python, to both side by side, and back to C"

has 'focus: code' "the status line does not name the focused pane"
key Tab
wait_for 'focus: step' "Tab did not move the focus"
key Tab
wait_for 'focus: packets'
key BTab
wait_for 'focus: step' "Shift-Tab did not move the focus back"
ok "Tab / Shift-Tab move the focus"

tm resize-window -t "$S" -x 30 -y 8 || fail "tmux could not resize the window"
wait_for 'too small' "no 'too small' message at 30x8"
hasnt 'EXITED' "sockscope died at 30x8"
tm resize-window -t "$S" -x 160 -y 45
wait_for 'Step 3/8: Connect' "the lesson did not come back at 160x45"
wait_for '> +[0-9]+ +connect\(fd'
hasnt 'too small'
ok "survives 30x8 and comes back"

key b
wait_for 'Step 2/8' "b did not go back to step 2"
has '> +[0-9]+ +setsockopt\(fd' "the setsockopt line is not marked after b"
key f
wait_for 'Step 3/8' "f did not come forward again"
ok "b / f step back and forward"

key '?'
wait_for 'Keys \(' "? did not show the help"
key x
wait_for 'Step 3/8'
ok "? shows the help, a key closes it"

key q
wait_for 'Lessons \(1|Lessons \([0-9]' "q did not return to the browser"
key q
wait_for 'EXITED-0' "q in the browser did not quit with status 0"
wait_for 'BADMODES-0-END' "the terminal was left in raw/no-echo mode"
ok "q, q quit with status 0 and the terminal is sane"

# Ctrl-C in the middle of a lesson: a clean exit and a sane terminal too.
start_tui intr 100 30
wait_for 'Lessons \('
key Enter
wait_for 'Step 1/'
key C-c
wait_for 'EXITED-130' "Ctrl-C did not end sockscope with status 130"
wait_for 'BADMODES-0-END' "Ctrl-C left the terminal in raw/no-echo mode"
ok "Ctrl-C exits cleanly with a sane terminal"

echo "PASS"
