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
