#!/bin/sh
# e2e_tui_curriculum.sh — the curriculum around the steps, driven in tmux as
# a learner would: (a) predict, then capture: the prompt before step 4 of
# tcp-basics, answered with a number, graded in the step box; the TCP states
# in the step box and the timeline (s); (b) toggle and compare: t, "silent",
# the two runs side by side with a '!' row; (c) bytes back to code: the
# SYN's "Destination port" field names its origin in the status line;
# (d) the quiz after the last step, its score kept in the progress file;
# (e) the browser shows the lesson as done; (f) the final quiz opens from
# the browser straight on its questions; (g) the address explorer (a).
#
# usage: sh tests/e2e_tui_curriculum.sh /path/to/sockscope   (exit 77: skipped)
# Every wait polls the screen (at most 10 s, 20 s for a re-run); no fixed
# sleep synchronises.

BIN=${1:?usage: e2e_tui_curriculum.sh /path/to/sockscope}
TMUX_NAME=curr
. "$(dirname "$0")/tmux.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sockscope-curr.XXXXXX") || exit 1
PROG="$TMP/progress"
# The session does not inherit this shell's environment: pass the progress file.
TUI_ENV="SOCKSCOPE_PROGRESS=$PROG"
start() {   # start NAME ARGS...: sockscope ARGS in a new 160x45 session
	n=$1
	shift
	start_tui "$n" 160 45 "$@"
}

# ---- (a) predict, then capture ----
start curr lesson tcp-basics --timeout-cap=1
wait_for 'Step 1/8: Create a stream socket' "the lesson did not open"
key Space
wait_for 'client: fd = socket\(' "step 1 did not run"
key Space
wait_for 'client: setsockopt\(' "step 2 did not run"
key Space
wait_for 'client: connect\(' "step 3 did not run"
if shot | grep -q 'no capture:'; then
	echo "SKIP: no packet capture in this run (run as root or where user namespaces work)"
	exit 77
fi
wait_for 'TCP states after it' "the step box shows no TCP states after connect()"
wait_for 'client +127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:[0-9]+ +ESTABLISHED' "no ESTABLISHED client socket in the step box"
ok "the step box shows the kernel's TCP states after connect()"

key f   # look ahead at step 4, not run yet: its question is announced
wait_for 'Predict first: How many packets' "step 4's question is not announced"
key Space
wait_for 'Predict, then capture: step 4' "Space did not ask step 4's prediction"
has 'How many packets will this step put on the wire\?'
key x   # not a digit: ignored
key 2
key Enter
wait_for 'Step 4/8: Receive' "the step did not run after the answer"
wait_for 'you said 2; the capture shows [0-9]+: (right|not this time)' "no graded prediction in the step box"
has 'you said 2; the capture shows 2: right' "2 packets expected for the greeting and its ACK"
ok "the prediction prompt takes a number and the step box grades it"

key s
wait_for 'TCP state timeline' "s did not open the timeline"
has 'client :[0-9]+ > :[0-9]+' "the timeline has no column for the client socket"
has ' 3 Connect to the lab.s server +3 +ESTABLISHED' "step 3's row does not show 3 packets and ESTABLISHED"
key Escape
wait_for 'Step 4/8' "Esc did not leave the timeline"
ok "s shows the TCP state timeline with packet counts"

# ---- (b) toggle and compare ----
key t
wait_for 'Toggles \(t\)' "t did not list the toggles"
has '1 +silent +The server does not speak first +\(off now\)'
key Enter
wait_for 'Compare' "choosing 'silent' did not open the comparison"
wait_for 'without silent: 2 packets +\| with silent: 0 packets' "the two columns did not appear" 200
has ' ! +(lab|client) > (client|lab) +Flags' "no row marked '!'"
has 'recv\(.*= 31' "the left run's recv() did not return the greeting"
has 'EAGAIN' "the right run's recv() did not time out"
key Space
wait_for 'no steps run while comparing' "Space is not refused while comparing"
key b
wait_for 'Compare step 3/8' "b did not compare the previous step"
has 'The same packets in both runs' "step 3 should be the same in both runs"
key f
wait_for 'Compare step 4/8'
key Escape
wait_for "the lesson goes on with 'silent' on" "Esc did not leave the comparison"
wait_for 'toggles on: silent' "the title bar does not say the toggle is on"
wait_for 'Step 4/8: Receive' "the lesson screen did not come back"
ok "t, silent: both runs side by side, '!' on the differing rows, Esc goes on"

# ---- (c) bytes back to code ----
# The packet list: its first packet is the SYN (step 3); the detail pane
# starts on the TCP layer, then Source port, then Destination port.
key Tab
key Tab
wait_for 'focus: packets' "Tab did not reach the packet list"
key g
key Tab
wait_for 'focus: detail' "Tab did not reach the detail pane"
wait_for 'Packet 1 \(step 3\)' "the first packet is not step 3's SYN"
key j
key j
wait_for 'Destination port <- htons\([0-9]+\) +\(step 3\)' "the status line does not name the field's origin"
has '< +[0-9]+ +struct sockaddr_in addr = ' "the code line that set the port is not marked '<'"
ok "the SYN's Destination port leads back to htons(port) in step 3"

# ---- (d) the quiz ----
key Tab
key Space
wait_for 'Step 5/8' "step 5 did not run"
wait_for 'client: send\('
key Space
wait_for 'Predict, then capture: step 6' "step 6 did not ask how many FINs"
key Escape   # skip the question: the step runs all the same
wait_for 'client: close\(' "Esc did not run step 6"
wait_for 'Prediction \(How many FINs' "a skipped prediction is not shown"
wait_for '\): the capture shows 2' "a skipped prediction does not show the count (2 FINs)"
key Space
wait_for 'Step 7/8'
wait_for 'client: fix = socket|client: .*connect\(fix' "step 7 did not run"
key Space
wait_for 'Step 8/8'
wait_for 'all steps done: Q for the quiz' "no quiz hint after the last step"
key Q
wait_for 'Question 1 of 2' "Q did not open the quiz"
key b
key Enter
wait_for 'Right\.' "choice b was not graded right"
has 'SO_RCVTIMEO turns the wait' "the explanation (why) is not shown"
key Enter
wait_for 'Question 2 of 2'
key c o n n e c t x
key BSpace
key Enter
wait_for 'Right\.' "the short answer 'connect' was not graded right"
key Enter
wait_for 'score: 2 of 2' "no score at the end"
has 'What to remember' "no recap after the score"
has 'Try it yourself' "no try-it block after the recap"
ok "Q: both questions graded, score 2 of 2, recap and try-it"

SOCKSCOPE_PROGRESS=$PROG "$BIN" progress | grep -Eq '^tcp-basics +done, quiz 2/2' ||
	fail "sockscope progress does not show the quiz: $(SOCKSCOPE_PROGRESS=$PROG "$BIN" progress)"
ok "the progress file keeps 'done, quiz 2/2'"

# ---- (e) the browser shows it ----
key Enter
wait_for 'Step 8/8' "Enter did not leave the quiz"
key q   # the program was started on the lesson: q leaves it
wait_for 'EXITED-0' "q did not leave the program started on the lesson"
start browse
wait_for 'Lessons \([0-9]+\)' "the browser did not open"
key j   # tcp-basics is the second lesson: down one
wait_for '> +[0-9]+\. TCP from socket\(\) to close\(\) +\[done, quiz 2/2\]' "the browser does not show tcp-basics as done"
ok "the browser shows tcp-basics as done, quiz 2/2"

# ---- (f) the final quiz from the browser ----
key G
wait_for '> +[0-9]+\. Check yourself: the final quiz' "G did not select the final quiz"
key Enter
wait_for 'Question 1 of [0-9]+' "the final quiz did not open on its questions"
has 'What does a socket give a program' "the first question is not shown"
key Escape
wait_for 'Lessons \([0-9]+\)' "Esc did not leave the quiz"
ok "the final quiz opens from the browser straight on its questions"

# ---- (g) the address explorer ----
key g
key j
key Enter
wait_for 'Step 1/8' "tcp-basics did not open again"
key a
wait_for 'Address explorer' "a did not open the address explorer"
key 1 9 2 . 1 6 8 . 0 . 1
wait_for 'c0 a8 00 01' "no bytes for 192.168.0.1"
has '11000000\.10101000\.00000000\.00000001' "no bits for 192.168.0.1"
has 'private' "192.168.0.1 is not classed private"
key x
wait_for 'not an address' "a bad address is not said to be one"
key Escape
wait_for 'Step 1/8' "Esc did not leave the explorer"
ok "a: the address explorer shows bytes, bits and class as one types"

key q
wait_for 'Lessons \(' "q did not return to the browser"
key q
wait_for 'EXITED-0' "q in the browser did not quit with status 0"
wait_for 'BADMODES-0-END' "the terminal was left in raw/no-echo mode"
ok "quits with status 0 and a sane terminal"

echo "PASS"
