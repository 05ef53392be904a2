#!/bin/sh
# e2e_tui_screens_lesson.sh — issue 13's items on the lesson and presenter
# screens, in tmux at 80x24 (200x50 where the item is about wide
# terminals): each check names its item.  The lessons run from their
# shipped recordings where the item is about the screen, for real where it
# is about running (two terminals need no capture rights: the steps run
# without packets when there is none).
#
# usage: sh tests/e2e_tui_screens_lesson.sh /path/to/sockscope      (exit 77: skipped)
BIN=${1:?usage: e2e_tui_screens_lesson.sh /path/to/sockscope}
TMUX_NAME=screens-lesson
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d)
REC=$(cd "$(dirname "$0")/.." && pwd)/lessons/recordings
export SOCKSCOPE_PROGRESS="$TMP/progress"
wait_gone() {
	i=0
	while shot | grep -Eq -- "$1"; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "$2"; sleep 0.1
	done
}

# ---- item 1: the server side's command for the other terminal, at 80x24
start_tui srv 80 24 lesson tcp-basics --role server "2>$TMP/srv.err"
wait_for 'SERVER SIDE' "the server side did not open"
wait_for 'sockscope lesson tcp-basics --role client --peer [0-9]+ ' "the client's command is not whole on the 80x24 screen"
port=$(shot | sed -n 's/.*sockscope lesson tcp-basics --role client --peer \([0-9][0-9]*\) .*/\1/p' | head -1)
grep -q "^  sockscope lesson tcp-basics --role client --peer $port\$" "$TMP/srv.err" ||
	fail "item 1: the command is not on stderr with port $port: $(cat "$TMP/srv.err")"
ok "item 1: at 80x24 the server side shows the client's whole command (port $port), and stderr has it too"

# ---- two terminals: who is waited for
key Space
wait_for 'Waiting for the client terminal to start' "two terminals: the server side does not say it waits for the client to start"
start_tui cli 80 24 lesson tcp-basics --role client --peer "$port"
wait_for 'CLIENT SIDE' "the client side did not open"
S=srv; wait_for 'client side joined' "item 1: the server side does not see the client join"
hasnt "--role client --peer $port " "item 1: the command box stays after the client joined"
ok "item 1: the box goes once the client side has joined"
S=cli; key Space
wait_for 'client: fd = socket\(' "the first step did not run on both sides"
key Space
wait_for 'Waiting for the server terminal: press Space there too' "two terminals: the client does not say it waits for the server terminal"
ok "two terminals: the client says it waits for the server terminal"
S=srv; key Space
S=cli; wait_for 'client: setsockopt\(' "step 2 did not run on both sides"
S=cli; key q; wait_for 'EXITED-0' "the client side did not quit"
S=srv; key q; wait_for 'EXITED-0' "the server side did not quit"

# ---- q leaves the program after `sockscope lesson X` / `sockscope present X`
for mode in lesson present; do
	start_tui "q$mode" 80 24 $mode tcp-basics --replay "$REC/tcp-basics.pcapng"
	wait_for 'Step 1/8|STEP 1 OF 8' "$mode: the lesson did not open"
	key q
	wait_for 'EXITED-0' "q after 'sockscope $mode tcp-basics' does not leave the program"
	hasnt 'Lessons \(' "q after 'sockscope $mode' shows the browser"
	ok "q: 'sockscope $mode tcp-basics' then q leaves the program"
done
start_tui qbrowser 80 24
wait_for 'Lessons \(' "the browser did not open"
key Enter
wait_for 'Step 1/' "Enter in the browser did not open a lesson"
key q
wait_for 'Lessons \(' "q: from the browser, q in a lesson no longer goes back to the browser"
key q
wait_for 'EXITED-0' "q in the browser does not quit"
ok "q: a lesson opened from the browser goes back to the browser"

echo "all checks passed"
