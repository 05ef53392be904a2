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

# ---- item 3: a prediction's answer is not given away before it is asked
start_tui pred 80 24 lesson stream-vs-datagram --replay "$REC/stream-vs-datagram.pcapng"
wait_for 'Step 1/[0-9]+: predict first' "item 3: a predicted step does not show a neutral title"
key Tab   # the step pane, larger
wait_for 'Explanation comes after your prediction|explanation comes after your prediction' "item 3: the explanation is not said to come later"
hasnt 'A stream socket connects first' "item 3: the step's title shows before the prediction"
hasnt 'three-way handshake|Three packets' "item 3: the explanation shows before the prediction"
key Space
wait_for 'Your answer' "item 3: Space did not ask the prediction"
hasnt 'A stream socket connects first|Three packets' "item 3: the answer shows behind the prompt"
key 3 Enter
wait_for 'Step 1/[0-9]+: A stream socket connects first' "item 3: the title does not come after the answer"
hasnt 'explanation comes after your prediction' "item 3: the explanation stays hidden after the answer"
ok "item 3: until the prediction is answered the step shows 'predict first' and no explanation; after, both"
key q; wait_for 'EXITED-0' "the lesson did not quit"
start_tui predp 80 24 present stream-vs-datagram --replay "$REC/stream-vs-datagram.pcapng"
wait_for 'STEP 1 OF [0-9]+:  PREDICT FIRST' "item 3: the presenter's banner shows the title before the prediction"
hasnt 'A STREAM SOCKET CONNECTS FIRST' "item 3: the presenter's banner gives the title away"
ok "item 3: the presenter's banner shows 'PREDICT FIRST' too"
key q; wait_for 'EXITED-0' "the presenter did not quit"

# item 3: check-lessons warns when a predicted step's title gives the answer away
mkdir "$TMP/lessons"
sed 's/^step: A stream socket connects first$/step: Three packets connect a stream socket/' \
	"$(dirname "$0")/../lessons/01-stream-vs-datagram.lesson" > "$TMP/lessons/01-giveaway.lesson"
out=$("$BIN" check-lessons "$TMP/lessons" 2>&1)
echo "$out" | grep -q 'WARNING .*01-giveaway.lesson:[0-9]*: step 1: the title "Three packets connect a stream socket" gives its prediction.s answer away ("three"' ||
	fail "item 3: check-lessons does not warn about a title that states the answer: $out"
out=$("$BIN" check-lessons "$(dirname "$0")/../lessons" 2>&1)
echo "$out" | grep -q 'WARNING' && fail "item 3: a shipped lesson's title gives its answer away: $(echo "$out" | grep WARNING)"
ok "item 3: check-lessons warns about a title that gives the answer; no shipped lesson does"

# ---- item 6: a clicker gets past a prediction prompt; n works while it is open
start_tui clicker 80 24 present tcp-basics --replay "$REC/tcp-basics.pcapng"
wait_for 'STEP 1 OF 8' "the presenter did not open"
for n in 1 2 3; do
	key PageDown
	wait_for "STEP $n OF 8" "item 6: Page Down did not go to step $n"
	wait_for 'ran: its packets are on the right' "item 6: step $n did not run"
done
key PageDown
wait_for 'Your answer' "item 6: step 4's prediction was not asked"
key n
wait_for "Teacher's notes" "item 6: n does nothing while the prediction prompt is open"
has 'Your answer' "item 6: n closed the prompt"
key n
wait_gone "Teacher's notes" "item 6: n does not hide the notes again under the prompt"
key PageDown
wait_gone 'Your answer' "item 6: Page Down does not get past the prediction prompt"
wait_for 'STEP 4 OF 8' "item 6: Page Down past the prompt is not on step 4"
wait_for 'ran: its packets are on the right' "item 6: Page Down past the prompt did not run the step"
ok "item 6: n works while the prompt is open; Page Down skips the prompt and runs the step"
key PageDown
wait_for 'STEP 5 OF 8' "item 6: Page Down did not go to step 5"
wait_for 'ran: its packets are on the right' "item 6: step 5 did not end"
key Right   # a clicker's other forward key: step 6's prompt
wait_for 'Your answer' "item 6: step 6's prediction was not asked"
key Space
wait_gone 'Your answer' "item 6: Space does not get past the prediction prompt"
wait_for 'STEP 6 OF 8' "item 6: Space past the prompt is not on step 6"
ok "item 6: Space gets past a prediction prompt too"
key q; wait_for 'EXITED-0' "the presenter did not quit"

# ---- item 7: the presenter's packet list shows the flags; the call banner is cut at words
CALLS=$("$BIN" lesson tcp-basics --replay "$REC/tcp-basics.pcapng" --headless | sed -n 's/^call: [a-z ]*: //p' | tr '\n' ' ')
for size in 80x24 120x40; do
	start_tui "p$size" "${size%x*}" "${size#*x}" present tcp-basics --replay "$REC/tcp-basics.pcapng"
	wait_for 'STEP 1 OF 8' "the presenter did not open at $size"
	for n in 1 2 3; do
		key PageDown
		wait_for "STEP $n OF 8" "Page Down did not go to step $n at $size"
		wait_for 'ran: its packets are on the right' "step $n did not run at $size"
	done
	for f in 'Flags \[S\]' 'Flags \[S\.\]' 'Flags \[\.\]'; do
		has "\* +[0-9]+ .*$f" "item 7: at $size the presenter's packet list does not show $f"
	done
	# each line of the calls (rows 3 and 4) ends with a whole word of what the calls printed
	for row in 4 5; do
		last=$(shot | sed -n "${row}p" | sed 's/[[:space:]]*$//; s/ *\(…\|\.\.\.\)$//' | awk '{ print $NF }')
		[ -n "$last" ] || continue
		printf ' %s \n' "$CALLS" | grep -qF -- " $last " ||
			fail "item 7: at $size the call banner's line $row ends mid-word ('$last')"
	done
	ok "item 7: at $size the presenter shows SYN / SYN-ACK / ACK and cuts the calls at words"
	key q; wait_for 'EXITED-0' "the presenter did not quit"
done

echo "all checks passed"
