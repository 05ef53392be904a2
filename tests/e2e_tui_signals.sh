#!/bin/sh
# e2e_tui_signals.sh — the terminal is always put back, and a window of any
# size is survived.  In a tmux pane running a shell (dash, which leaves the
# terminal's modes alone: what the pane shows after sockscope is sockscope's
# doing), sockscope is started on three screens (the lesson browser, a
# lesson in the middle of a step that waits five seconds, the inspection
# screen on a small capture file) and ended each way a person or the system
# ends it: q, SIGINT, SIGTERM, SIGHUP, Ctrl-Z then fg (the screen comes back,
# then q), a second Ctrl-C while the first waits for the step, a fatal
# signal (SIGABRT, Ctrl-\), and the terminal closing under it.  After each:
# the exit status, the shell's prompt on the normal screen, the cursor shown
# and the keypad off (tmux's own view of the pane), and `stty -a`, run in
# that pane, showing cooked mode (icrnl opost isig icanon echo).
#
# Then small windows: 20x6 and 30x8 on the browser, the help, a lesson
# while a step runs, the quiz and the inspection screen show "terminal too
# small: need 60x16, have WxH", readable; keys other than q do nothing there;
# 60x16 shows the screen itself; enlarged, each screen is back as it was
# (the step that ran meanwhile has its result); q in a small window quits.
#
# usage: sh tests/e2e_tui_signals.sh /path/to/sockscope      (exit 77: skipped)
# Every wait polls the pane, bounded; no fixed sleep synchronises.

BIN=${1:?usage: e2e_tui_signals.sh /path/to/sockscope}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
TMUX_NAME=signals
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)
S=sh
SOCKSCOPE_PROGRESS=$TMP/progress   # never the learner's own
export SOCKSCOPE_PROGRESS

# ---- the set-up: a lesson whose step 3 waits, a capture file, a shell ----
mkdir "$TMP/lessons"
cat >"$TMP/lessons/01-wait.lesson" <<'EOF'
title: A long wait
summary: For the terminal tests: step 3 waits five seconds in recv().
family: 4
lab: tcp-server

step: socket()
client: socket stream
c:
    int fd = socket(AF_INET, SOCK_STREAM, 0);
python:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
explain:
    A socket.

step: connect()
client: connect
server: accept
c:
    connect(fd, (struct sockaddr *)&addr, sizeof addr);
    int conn = accept(listen_fd, NULL, NULL);
python:
    sock.connect(addr)
explain:
    The handshake.

step: A five-second wait
client: setsockopt SO_RCVTIMEO 5
client: recv 1024
c:
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    recv(fd, buf, sizeof buf, 0);
python:
    sock.recv(1024)
explain:
    Nobody sends anything: recv() waits five seconds, then fails.

step: close()
client: close
c:
    close(fd);
python:
    sock.close()
explain:
    The end.
EOF
"$BIN" check-lessons "$TMP/lessons" >/dev/null || fail "the test's own lesson does not load"

# A small capture: hand-built (no capture rights needed), else a lesson's.
PCAP=""
if command -v python3 >/dev/null 2>&1 && python3 "$(dirname "$0")/tshark_pcaps.py" "$TMP" >/dev/null 2>&1; then
	PCAP=$TMP/tcpanalysis.pcap
else
	timeout 60 "$BIN" lesson tcp-basics --headless --write "$TMP/t.pcap" >/dev/null 2>&1 && PCAP=$TMP/t.pcap
fi
[ -s "$PCAP" ] && [ "$("$BIN" inspect "$PCAP" --print | wc -l)" -gt 0 ] || PCAP=""
[ -n "$PCAP" ] || echo "note: no capture file could be made: the inspection screen is not tested"

# ./ss ARGS: sockscope, its pid in ./pid.  ./check STATUS N: what the test
# reads, N telling this check's lines from an earlier one's.
cat >"$TMP/ss" <<EOF
#!/bin/sh
echo \$\$ >"$TMP/pid"
exec "$BIN" "\$@"
EOF
cat >"$TMP/check" <<'EOF'
#!/bin/sh
echo "EXITED-$1"
echo "MODES-$2: $(stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icrnl|opost|isig|icanon|echo)' | tr '\n' ' ')END"
EOF
cat >"$TMP/shell" <<EOF
ulimit -c 0
cd "$TMP"
PS1='sh-prompt> '
SOCKSCOPE_PROGRESS="$SOCKSCOPE_PROGRESS"
LC_ALL=$LOC
TERM=screen
export PS1 SOCKSCOPE_PROGRESS LC_ALL TERM
unset ENV
exec sh -i
EOF
chmod +x "$TMP/ss" "$TMP/check"
tm new-session -d -s "$S" -x 160 -y 45 "sh $TMP/shell" || fail "tmux could not start a session"
wait_for '^sh-prompt>' "the shell did not start"

# ---- helpers ----
CHK=0
run() { key -l "$*"; key Enter; }
fmt() { tm display -p -t "$S" "$1"; }
# The pane shows the normal screen (not the full-screen one) and its last
# line is the shell's prompt (after the ^C the terminal echoes for a Ctrl-C
# typed once it is back in cooked mode).
at_prompt() {
	[ "$(fmt '#{alternate_on}')" = 0 ] && shot | grep -v '^ *$' | tail -n 1 | grep -Eqx '(\^C)?sh-prompt>'
}
wait_prompt() {
	i=0
	while [ $i -lt "${2:-300}" ]; do
		at_prompt && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$1"
}
sspid() { cat "$TMP/pid" 2>/dev/null; }
# launch ARGS...: a clean pane, then sockscope ARGS in it.
launch() {
	tm resize-window -t "$S" -x 160 -y 45
	rm -f "$TMP/pid"
	run clear
	tm clear-history -t "$S"
	wait_prompt "the pane did not clear"
	run ./ss "$@"
	i=0
	while [ ! -s "$TMP/pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$TMP/pid" ] || fail "sockscope did not start"
}
# restored WHAT STATUS: sockscope has ended with STATUS and the pane is as
# the shell wants it.
restored() {
	wait_prompt "$1: the shell's prompt did not come back"
	[ "$(fmt '#{cursor_flag}')" = 1 ] || fail "$1: the cursor was left hidden"
	[ "$(fmt '#{keypad_cursor_flag}#{keypad_flag}')" = 00 ] || fail "$1: the keypad was left in application mode"
	tm resize-window -t "$S" -x 160 -y 45   # room for ./check's lines
	CHK=$((CHK + 1))
	run "./check \$? $CHK"
	wait_for "^EXITED-$2\$" "$1: the exit status is not $2"
	wait_for "^MODES-$CHK: icrnl opost isig icanon echo END" "$1: stty -a does not show cooked mode"
	ok "$1: exit status $2, prompt back, cursor shown, keypad off, cooked mode"
}
# in_curses WHAT: the pane shows the full-screen mode with the cursor hidden.
in_curses() {
	[ "$(fmt '#{alternate_on}#{cursor_flag}')" = 10 ] || fail "$1: not in sockscope's full-screen mode"
}
signal() { kill -"$1" "$(sspid)" || fail "could not send SIG$1"; }

# What each screen shows when it is up, and how it is left with q.
BROWSER='Lessons \([0-9]+\)'
open_browser() { launch; wait_for "$BROWSER" "the browser did not open"; }
quit_browser() { key q; }

# The lesson, with step 3 (five seconds in recv) running.
open_lesson() {
	launch --lessons="$TMP/lessons" lesson wait
	wait_for 'Step 1/4' "the lesson did not open"
	key Space
	wait_for 'client: fd = socket\(' "step 1 did not run"
	key Space
	wait_for 'Step 2/4' "step 2 did not start"
	wait_for 'client: connect\(' "step 2 did not run"
	key Space
	wait_for 'running step 3' "step 3 did not start"
}
STEP3_DONE='recv\(.*EAGAIN'
quit_lesson() {   # q waits for the step, then leaves the program it was started on
	key q
	wait_prompt "q did not leave the program after the step"
}

INSPECT='Frame 1: '
open_inspect() { launch inspect "$PCAP"; wait_for "$INSPECT" "the inspection screen did not open"; }
quit_inspect() { key q; }

# ---- the ways out, on each screen ----
for screen in browser lesson inspect; do
	[ "$screen" = inspect ] && [ -z "$PCAP" ] && continue
	case $screen in
	browser) up=$BROWSER ;;
	lesson) up='Step 3/4' ;;
	inspect) up=$INSPECT ;;
	esac

	open_$screen
	in_curses "$screen"
	quit_$screen
	restored "$screen: q" 0

	for sig in INT:130 TERM:143 HUP:129; do
		open_$screen
		pid=$(sspid)
		signal "${sig%:*}"
		if [ "$screen" = lesson ]; then
			# The terminal is put back at once; the step is waited for after.
			i=0
			while [ "$(fmt '#{alternate_on}')" = 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
			kill -0 "$pid" 2>/dev/null ||
				fail "lesson: SIG${sig%:*}: the terminal was not put back before waiting for the step"
		fi
		restored "$screen: SIG${sig%:*}" "${sig#*:}"
	done

	# Ctrl-Z (the terminal's own SIGTSTP), the shell, fg: the screen comes back.
	open_$screen
	key C-z
	wait_prompt "$screen: Ctrl-Z did not give the shell its prompt back"
	has 'Stopped' "$screen: the shell does not say sockscope stopped"
	kill -0 "$(sspid)" 2>/dev/null || fail "$screen: sockscope is gone after Ctrl-Z"
	CHK=$((CHK + 1))
	run "./check \$? $CHK"
	wait_for "^MODES-$CHK: icrnl opost isig icanon echo END" "$screen: stty -a does not show cooked mode while stopped"
	run fg
	wait_for "$up" "$screen: fg did not bring the screen back"
	in_curses "$screen: after fg"
	hasnt 'sh-prompt>' "$screen: the shell's lines show through the screen after fg"
	[ "$screen" = lesson ] && wait_for "$STEP3_DONE" "lesson: step 3 did not finish after fg" 300
	quit_$screen
	restored "$screen: Ctrl-Z, fg, q" 0
done

# kill -TSTP (not from the terminal) and a window resized while stopped:
# fg brings the screen back laid out for the new size.
open_browser
signal TSTP
wait_prompt "SIGTSTP did not give the shell its prompt back"
tm resize-window -t "$S" -x 100 -y 30
run fg
wait_for "$BROWSER" "fg after kill -TSTP did not bring the browser back"
# The title bar (ASCII) ends one column short of the right edge.
[ "$(shot | head -n 1 | grep 'a network-programming lab$' | awk '{ print length }')" = 99 ] ||
	fail "the browser is not laid out for the 100 columns it has after fg"
quit_browser
restored "browser: kill -TSTP, resized, fg, q" 0

# kill -STOP cannot be caught: the shell writes over the screen, in the
# program's modes (fg is typed with Ctrl-J, as Enter sends a bare CR then).
# On SIGCONT, sockscope takes the terminal back and draws it all anew.
open_browser
signal STOP
wait_for 'Stopped' "the shell did not notice SIGSTOP"
key -l fg
key C-j
wait_for "$BROWSER" "fg after SIGSTOP did not bring the browser back"
i=0
while shot | grep -Eq 'Stopped|sh-prompt>' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
hasnt 'Stopped|sh-prompt>' "the shell's lines stay on the screen after SIGSTOP and fg"
in_curses "browser: after SIGSTOP, fg"
quit_browser
restored "browser: kill -STOP, fg, q" 0

# Two Ctrl-C while a step waits: the first winds down (and waits for the
# step), the second ends it at once; the terminal is put back either way.
open_lesson
key C-c
key C-c
restored "lesson: Ctrl-C twice during a step" 130

# A fatal signal: the terminal is put back before dying of it.
open_lesson
signal ABRT
restored "lesson: SIGABRT" 134
has 'sockscope: SIGABRT: the terminal was put back' "SIGABRT: no word of what happened"
open_browser
key 'C-\'
restored "browser: Ctrl-\\ (SIGQUIT)" 131

# The terminal goes away (its window closed) during a step: sockscope ends.
tm new-session -d -s gone -x 100 -y 30 "sh $TMP/shell" || fail "tmux could not start a second session"
S=gone
wait_for '^sh-prompt>' "the second shell did not start"
open_lesson
pid=$(sspid)
tm kill-session -t gone
S=sh
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
! kill -0 "$pid" 2>/dev/null || fail "sockscope is still running 30 s after its terminal closed"
ok "the terminal closed during a step: sockscope ended"

# ---- small windows ----
# small WHAT UP-PATTERN: 20x6 and 30x8 show the message, 60x16 the screen,
# 160x45 the screen again.
small() {
	for size in 20x6 30x8; do
		w=${size%x*} h=${size#*x}
		tm resize-window -t "$S" -x "$w" -y "$h"
		wait_for '^ *terminal too small:' "$1 at $size: no 'terminal too small' message"
		wait_for "need 60x16," "$1 at $size: the message does not say what is needed"
		wait_for "have ${w}x${h}" "$1 at $size: the message does not say what there is"
		has 'press q to quit\)' "$1 at $size: the message does not say how to leave"
		[ "$(shot | wc -L)" -le "$w" ] || fail "$1 at $size: lines wider than the window"
		hasnt "$2" "$1 at $size: the screen is drawn into a window too small for it"
		kill -0 "$(sspid)" 2>/dev/null || fail "$1 at $size: sockscope died"
		in_curses "$1 at $size"
	done
	tm resize-window -t "$S" -x 60 -y 16
	wait_for "$2" "$1 at 60x16: the screen is not drawn"
	hasnt 'too small' "$1 at 60x16: still 'too small'"
	tm resize-window -t "$S" -x 160 -y 45
	wait_for "$2" "$1: the screen did not come back at 160x45"
	hasnt 'too small' "$1 at 160x45: still 'too small'"
	ok "$1: 20x6 and 30x8 say 'too small', 60x16 and 160x45 show it"
}

open_browser
small "browser" "$BROWSER"
key '?'
wait_for 'Keys \(' "? did not open the help"
small "help" 'Keys \('
key Escape
wait_for "$BROWSER" "Esc did not close the help"
# Keys other than q do nothing in a window too small (Enter would open a lesson unseen).
tm resize-window -t "$S" -x 30 -y 8
wait_for 'have 30x8' "no 'too small' message at 30x8"
key Enter
key j
tm resize-window -t "$S" -x 160 -y 45
wait_for "$BROWSER" "the browser did not come back"
wait_for '> +1\. ' "keys typed in a window too small moved the browser"
hasnt 'Step 1/' "Enter in a window too small opened a lesson"
ok "keys other than q do nothing in a window too small"
tm resize-window -t "$S" -x 20 -y 6
wait_for 'have 20x6' "no 'too small' message at 20x6"
key q
restored "browser: q in a 20x6 window" 0

# A lesson: the window shrinks and grows while step 3 runs; the step goes
# on meanwhile and its result is there when the window is big again.
open_lesson
tm resize-window -t "$S" -x 20 -y 6
wait_for 'have 20x6' "lesson: no 'too small' message at 20x6 during the step"
tm resize-window -t "$S" -x 30 -y 8
wait_for 'have 30x8' "lesson: no 'too small' message at 30x8 during the step"
tm resize-window -t "$S" -x 100 -y 30
wait_for 'Step 3/4' "lesson: the step's screen did not come back during the step"
wait_for "$STEP3_DONE" "lesson: step 3 has no result after the resizes" 300
small "lesson (step 3 done)" 'Step 3/4'
quit_lesson
restored "lesson: after the small windows" 0

# The quiz (a lesson without steps opens on its questions).
launch lesson final-quiz
QUIZ='Question 1 of [0-9]+'
wait_for "$QUIZ" "the quiz did not open"
small "quiz" "$QUIZ"
key Escape   # the program was started on it: Esc leaves the program
restored "quiz" 0

if [ -n "$PCAP" ]; then
	open_inspect
	small "inspect" "$INSPECT"
	quit_inspect
	restored "inspect: after the small windows" 0
fi

echo "PASS"
