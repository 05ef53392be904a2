#!/bin/sh
# screens.sh — the screenshots-as-text in docs/screens/, taken from the real
# TUI in tmux (capture-pane), so they can be refreshed after a change to a
# screen:  sh scripts/screens.sh [path/to/sockscope] [NAME...]
#
# Each screen is one shot_NAME function below: it starts sockscope in a
# detached tmux session of SCREEN_W x SCREEN_H (80x24 unless set), drives it
# with keys, waits (bounded) for what the picture must show and writes
# docs/screens/NAME-WxH.txt.  A screen is added by adding a function and its
# name to SCREENS.  The lessons run from their shipped recordings, so no
# capture rights are needed and every refresh shows the same packets
# (times and ports aside).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/sockscope
if [ $# -gt 0 ] && [ -f "$1" ]; then   # a binary first, then the screens' names
	BIN=$1
	shift
fi
SCREENS=${*:-lesson present inspect}
W=${SCREEN_W:-80} H=${SCREEN_H:-24}
OUT=$ROOT/docs/screens
command -v tmux >/dev/null 2>&1 || { echo "screens.sh: tmux is not installed" >&2; exit 2; }
[ -x "$BIN" ] || { echo "screens.sh: no sockscope at $BIN (build first, or pass its path)" >&2; exit 2; }
mkdir -p "$OUT"
SOCK=sockscope-screens-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1 || true' EXIT

# start ARGS...: sockscope ARGS in the session "shot".
start() {
	tm kill-session -t shot >/dev/null 2>&1 || true
	tm new-session -d -s shot -x "$W" -y "$H" "env LC_ALL=C.UTF-8 TERM=screen $BIN $*; sleep 30"
}
key() { tm send-keys -t shot "$@"; }
# wait_for ERE: poll the screen until it matches (10 s at most).
wait_for() {
	i=0
	until tm capture-pane -p -t shot | grep -Eq -- "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "screens.sh: never saw /$1/:" >&2; tm capture-pane -p -t shot >&2; exit 1; }
		sleep 0.1
	done
}
# save NAME: the screen as it is now, trailing blanks cut.
save() {
	tm capture-pane -p -t shot | sed 's/[[:space:]]*$//' > "$OUT/$1-${W}x$H.txt"
	echo "wrote docs/screens/$1-${W}x$H.txt"
}
rec() { echo "$ROOT/lessons/recordings/$1.pcapng"; }

# The lesson screen after lesson 1's first step: its calls, the graded
# prediction and the three packets of the handshake.
shot_lesson() {
	start lesson stream-vs-datagram --replay "$(rec stream-vs-datagram)"
	wait_for 'Step 1/'
	key Space; wait_for 'Your answer'
	key 3 Enter; wait_for 'Prediction: you said 3'
	save lesson
}

# The presenter screen after tcp-basics' connect step (step 3).
shot_present() {
	start present tcp-basics --replay "$(rec tcp-basics)"
	wait_for 'STEP 1 OF'
	for n in 1 2 3; do
		key PageDown; wait_for "STEP $n OF"; wait_for 'ran: its packets'
	done
	save present
}

# The inspection screen on tcp-basics' recording: the list, and the
# server's greeting (packet 4) in the field tree and bytes.
shot_inspect() {
	cd "$ROOT"   # the title names the file as given: the same on every machine
	start inspect lessons/recordings/tcp-basics.pcapng
	wait_for 'Flags \[S\],'
	key : 4 Enter; wait_for 'Frame 4: '
	save inspect
}

for s in $SCREENS; do
	"shot_$s"
done
