# tmux.sh — helpers for the end-to-end tests that drive the real TUI in
# tmux (sourced, POSIX sh).  The caller sets BIN and, before sourcing, may
# set TMUX_NAME (the private server's name).  Every wait polls the screen,
# bounded; no fixed sleep synchronises.  Exits 77 (skipped) without tmux.

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed (apt-get install tmux)"
	exit 77
fi
SOCK="sockscope-${TMUX_NAME:-test}-$$"
S=main
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
# Tests never touch the learner's own progress file, nor see it (a lesson
# left halfway there opens on the offer to resume it).
OWN_PROGRESS=
if [ -z "${SOCKSCOPE_PROGRESS:-}" ]; then
	OWN_PROGRESS="${TMPDIR:-/tmp}/sockscope-tui-progress.$$"
	SOCKSCOPE_PROGRESS=$OWN_PROGRESS
	export SOCKSCOPE_PROGRESS
fi
trap 'tm kill-server >/dev/null 2>&1; [ -n "${TMP:-}" ] && rm -rf "$TMP"; [ -n "$OWN_PROGRESS" ] && rm -f "$OWN_PROGRESS"' EXIT
trap 'exit 1' INT TERM HUP

shot() { tm capture-pane -p -t "$S" 2>/dev/null; }
fail() {
	echo "FAIL: $*"
	echo "---- the screen ($S) ----"
	shot
	echo "-------------------------"
	exit 1
}
# wait_for ERE [what] [tenths of a second, default 100]: poll until the screen matches.
wait_for() {
	i=0
	while [ $i -lt "${3:-100}" ]; do
		shot | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "${2:-did not see /$1/}"
}
# Assertions on the screen as it is now.
has() { shot | grep -Eq -- "$1" || fail "${2:-expected /$1/ on the screen}"; }
hasnt() { ! shot | grep -Eq -- "$1" || fail "${2:-did not expect /$1/ on the screen}"; }
key() { tm send-keys -t "$S" "$@"; }
ok() { echo "ok - $*"; }

# A UTF-8 locale when there is one, so the wide-character path is exercised.
LOC=C
locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' && LOC=C.UTF-8
# After sockscope, count the terminal modes left wrong (raw: -icanon, no echo).
AFTER='echo EXITED-$?; echo BADMODES-$(stty -a | grep -cE -e "-icanon" -e "-echo( |$)")-END; sleep 30'
# start_tui NAME W H ARGS...: sockscope ARGS in a new W x H session named NAME.
start_tui() {
	S=$1 w=$2 h=$3
	shift 3
	tm new-session -d -s "$S" -x "$w" -y "$h" "env LC_ALL=$LOC TERM=screen ${TUI_ENV:-} $BIN $*; $AFTER" ||
		fail "tmux could not start a session"
}
