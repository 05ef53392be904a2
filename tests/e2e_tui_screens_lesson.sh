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
S=srv; has "Lab side's calls: this terminal's code" "two terminals: the server side's code pane is not its own"
hasnt 'int fd = socket\(AF_INET' "two terminals: the server side shows the client's program"
key Space; S=cli; key Space
S=srv; wait_for '> +conn = accept\(listen_fd, ' "two terminals: the server side's code does not show its accept()"
ok "two terminals: the server side shows its own side's calls as its code, labelled"
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
mkdir -p "$TMP/lessons/programs"
cp -r "$(dirname "$0")/../lessons/programs/01-stream-vs-datagram" "$TMP/lessons/programs/01-giveaway"   # the programs its steps name
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

# ---- 80x24: the step's calls, its grade and every packet of a 3-packet step, no scrolling
start_tui small 80 24 lesson tcp-basics --replay "$REC/tcp-basics.pcapng"
wait_for 'Step 1/8' "the lesson did not open at 80x24"
key Space; wait_for 'client: fd = socket\(' "step 1 did not run"
key Space; wait_for 'client: setsockopt\(' "step 2 did not run"
key Space; wait_for 'Step 3/8: Connect' "step 3 did not start"
wait_for '3 packets on the wire' "80x24: the connect step's packet count is not shown"
has 'client: connect\(fd, ' "80x24: the connect step's connect() is not shown"
has 'lab server: conn = accept\(' "80x24: the connect step's accept() is not shown"
for f in 'Flags \[S\]' 'Flags \[S\.\]' 'Flags \[\.\]'; do
	has "\* +[0-9]+ .*$f" "80x24: the connect step's packet $f is not in the packet list"
done
ok "80x24: tcp-basics' connect step shows its calls and all three packets of the handshake"
key Q
wait_for 'the quiz comes after the last step: [0-9]+ to go' "80x24: a status message is cut"
ok "80x24: a status message shows whole"
key q; wait_for 'EXITED-0' "the lesson did not quit"
start_tui grade 80 24 lesson stream-vs-datagram --replay "$REC/stream-vs-datagram.pcapng"
wait_for 'Step 1/' "the lesson did not open at 80x24"
key Space; wait_for 'Your answer' "the prediction was not asked"
key 3 Enter
wait_for 'Prediction: you said 3; the capture shows 3: right' "80x24: the prediction's grade is not shown without scrolling"
for f in 'Flags \[S\]' 'Flags \[S\.\]' 'Flags \[\.\]'; do
	has "\* +[0-9]+ .*$f" "80x24: the graded step's packet $f is not in the packet list"
done
has 'client: connect\(tcp, ' "80x24: the graded step's connect() is not shown"
ok "80x24: a predicted connect step shows its calls, its grade and its three packets"
key q; wait_for 'EXITED-0' "the lesson did not quit"

# ---- wide terminals (200x50): the code pane grows to its longest line
start_tui wide 200 50 lesson tcp-basics --replay "$REC/tcp-basics.pcapng"
wait_for 'Step 1/8' "the lesson did not open at 200x50"
key Space; wait_for 'client: fd = socket\(' "step 1 did not run"
key Space; wait_for 'client: setsockopt\(' "step 2 did not run"
key Space; wait_for 'Flags \[S\.\]' "step 3 did not run"
has '\.sin_port = htons\([0-9]+\) \};' "wide: at 200x50 the code pane cuts the htons(...) line"
has 'Flags \[S\.\], seq 0, ack 1' "wide: at 200x50 the packet list lost its summary"
ok "wide: at 200x50 the code pane shows the whole htons(...) line, the packets their summaries"
key q; wait_for 'EXITED-0' "the lesson did not quit"

# ---- Esc cancels a running toggle re-run: it stops after the step it is in,
# its lab is closed (no thread or socket left) and the lesson goes on
mkdir -p "$TMP/slow"
cat > "$TMP/slow/01-slow.lesson" <<'LESSON'
title: Two slow steps
summary: For the tests: steps 3 and 4 each wait three seconds in recv().
family: 4
lab: tcp-server
toggle: other A switch the steps do not look at

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

step: A three-second wait
client: setsockopt SO_RCVTIMEO 3
client: recv 1024
c:
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    recv(fd, buf, sizeof buf, 0);
python:
    sock.recv(1024)
explain:
    Nobody sends anything.

step: Another wait
client: recv 1024
c:
    recv(fd, buf, sizeof buf, 0);
python:
    sock.recv(1024)
explain:
    Still nothing.
LESSON
"$BIN" check-lessons "$TMP/slow" > /dev/null || fail "Esc: the test's own lesson does not load"
start_tui slow 80 24 --lessons="$TMP/slow" lesson slow
wait_for 'Step 1/4' "Esc: the slow lesson did not open"
key Space; wait_for 'client: fd = socket\(' "step 1 did not run"
key Space; wait_for 'client: connect\(' "step 2 did not run"
key Space; wait_for 'EAGAIN' "step 3 did not run" 200
key Space; wait_for 'Step 4/4'; i=0
while ! shot | grep -q 'Step 4/4' || ! shot | grep -Eq 'recv\(.*EAGAIN.*|all steps done'; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "step 4 did not end"; sleep 0.1
done
pid=$(pgrep -P "$(tm display -p -t slow '#{pane_pid}')" sockscope | head -1)
[ -n "$pid" ] || fail "Esc: no sockscope process found"
threads() { ls "/proc/$pid/task" | wc -l; }
fds() { ls "/proc/$pid/fd" | wc -l; }
t0=$(threads); f0=$(fds)
key t; wait_for 'Toggles \(t\)' "Esc: t did not open the toggles"
key Enter
wait_for 'Re-running the lesson' "Esc: the re-run did not start"
has 'Esc cancel' "Esc: the hint does not say Esc cancels the re-run"
wait_for '2 of 4 steps done' "Esc: the re-run did not reach step 3" 100
key Escape
wait_for 're-run was cancelled after 3 steps' "Esc: Esc did not cancel the re-run after the step it was in" 100
wait_for 'Step [0-9]/4' "Esc: the lesson screen did not come back"
hasnt 'Re-running the lesson' "Esc: the re-run is still shown"
i=0; while [ "$(threads)" -ne "$t0" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
[ "$(threads)" -eq "$t0" ] || fail "Esc: $(threads) threads after the cancel, $t0 before the re-run"
[ "$(fds)" -eq "$f0" ] || fail "Esc: $(fds) open files after the cancel, $f0 before the re-run"
[ -z "$(pgrep -P "$pid")" ] || fail "Esc: a child of sockscope is left after the cancel"
ok "Esc cancels a running re-run after its step 3 of 4: threads ($t0) and open files ($f0) as before, no child"
key q; wait_for 'EXITED-0' "the slow lesson did not quit"

echo "all checks passed"
