# e2e_replay.sh — record and replay (src/lab/record.c).  Every lesson with
# demo steps ships a recording (lessons/recordings/ID.pcapng) that replays
# with every claim holding, so the lessons work where nothing can be
# captured; a run recorded here replays to the same headless output as the
# live run; a recording of another text or another lesson, or a file that
# is none, is refused with a message; tshark reads the step comments.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
# lines that differ between runs of any kind: how it was captured, by whom
strip() { grep -v -e '^capture:' -e '^running as:' -e '^recorded ' -e '^capturing on ' -e '^a recording made '; }

for id in $("$bin" list | awk '{print $2}'); do
	rec="$src/lessons/recordings/$id.pcapng"
	if ! "$bin" lesson "$id" --headless --capture=none | grep -q '^== step '; then
		[ ! -e "$rec" ] && pass "$id: no demo steps, no recording" || fail "$id: a recording but no steps"
		continue
	fi
	[ -e "$rec" ] || { fail "$id: no shipped recording (scripts/record-lessons.sh)"; continue; }
	out=$("$bin" lesson "$id" --headless --replay "$rec" --check 2>&1); rc=$?
	[ $rc -eq 0 ] && pass "$id: its recording replays, every claim holds" ||
		{ printf '%s\n' "$out" | grep -E 'FAIL|sockscope:' | head -5; fail "$id: replay exit $rc"; }
done

# Without a capture, a plain run is shown from the shipped recording.
"$bin" lesson tcp-basics --headless --capture=none --check > "$dir/none.txt"; rc=$?
out=$(cat "$dir/none.txt")
[ $rc -eq 0 ] && pass "no capture: tcp-basics still passes --check" || fail "no capture: exit $rc"
expect_in "$out" "Showing the recording shipped with the lesson instead, not a live run" \
	"it says it shows a recording"
expect_in "$out" "a recording made " "the status names the recording"
expect_in "$(step_section "$dir/none.txt" 3)" "packets: 3" "step 3 (connect) shows its 3 handshake packets"
# ... but not for a run the recording is not of (another family)
out=$("$bin" lesson tcp-basics --headless --capture=none -6)
expect_not_in "$out" "showing a recording" "an IPv6 run is not shown from the IPv4 recording"

# A run recorded here replays to the same output as the live run.
if "$bin" lesson tcp-basics --headless --record "$dir/tb.pcapng" > "$dir/live.txt" 2>&1 &&
   grep -q '^recorded 8 steps' "$dir/live.txt"; then
	"$bin" lesson tcp-basics --headless --replay "$dir/tb.pcapng" > "$dir/replay.txt" 2>&1 || fail "replay failed"
	strip < "$dir/live.txt" > "$dir/a"; strip < "$dir/replay.txt" > "$dir/b"
	if cmp -s "$dir/a" "$dir/b"; then
		pass "the replay prints what the live run printed ($(wc -l < "$dir/a") lines)"
	else
		diff "$dir/a" "$dir/b" | head -20; fail "replay and live output differ"
	fi
	if command -v tshark >/dev/null 2>&1; then
		c=$(tshark -r "$dir/tb.pcapng" -T fields -e frame.comment 2>/dev/null | head -4 | tr '\n' '|')
		[ "$c" = "step 3|step 3|step 3|step 4|" ] && pass "tshark reads the step of each packet" || fail "tshark comments: $c"
	fi
	d=$("$bin" inspect "$dir/tb.pcapng" --detail 1)
	expect_in "$d" 'comment "step 3"' "inspect shows a packet's step"
	"$bin" lesson tcp-basics --headless --write "$dir/plain.pcap" > /dev/null 2>&1
	out=$("$bin" lesson tcp-basics --headless --replay "$dir/plain.pcap" 2>&1); rc=$?
	[ $rc -ne 0 ] && expect_in "$out" "not a sockscope recording" "a plain capture is refused as a recording" ||
		fail "plain pcap replayed: exit $rc"
else
	echo "note: no capture here: the live-versus-replay comparison is skipped"
fi

out=$("$bin" lesson tcp-basics --headless --replay "$src/lessons/recordings/udp.pcapng" 2>&1); rc=$?
[ $rc -ne 0 ] && expect_in "$out" "it records lesson 'udp', not 'tcp-basics'" "another lesson's recording is refused" ||
	fail "udp's recording replayed as tcp-basics: exit $rc"

# A lesson whose text changed: its old recording is refused, and without a
# capture the lesson runs (without packets) rather than show a stale run.
mkdir -p "$dir/lessons/recordings"
cp "$src/lessons/02-tcp-basics.lesson" "$dir/lessons/"
mkdir "$dir/lessons/programs" && cp -r "$src/lessons/programs/02-tcp-basics" "$dir/lessons/programs/"
cp "$src/lessons/recordings/tcp-basics.pcapng" "$dir/lessons/recordings/"
printf '\n# a line added after the recording was made\n' >> "$dir/lessons/02-tcp-basics.lesson"
out=$("$bin" lesson tcp-basics --lessons "$dir/lessons" --headless --replay "$dir/lessons/recordings/tcp-basics.pcapng" 2>&1); rc=$?
[ $rc -ne 0 ] && expect_in "$out" "made from another text of the lesson (the file changed since): record it again" \
	"a stale recording is refused" || fail "stale recording replayed: exit $rc"
out=$("$bin" lesson tcp-basics --lessons "$dir/lessons" --headless --capture=none 2>&1)
expect_not_in "$out" "showing a recording" "a stale shipped recording is not shown"
expect_in "$out" "capture: none: capture turned off" "the lesson runs without packets instead"

# The screen says it: RECORDING in the title, the recording in the status line.
if command -v tmux >/dev/null 2>&1; then
	BIN=$bin TMUX_NAME=replay TMP=$dir   # tmux.sh removes TMP at exit
	. "$(dirname "$0")/tmux.sh"
	start_tui rec 160 45 lesson tcp-basics --replay "$src/lessons/recordings/tcp-basics.pcapng"
	wait_for 'RECORDING, IPv4, lab server 127.0.0.1 port' "the title does not say RECORDING"
	wait_for 'press Space to run' "the lesson did not open"
	key Space
	wait_for 'client: fd = socket\(' "step 1 did not replay"
	key Space
	wait_for 'Step 2/8' "step 2 did not replay"
	wait_for 'client: setsockopt\(' "step 2's call did not show"
	key Space
	wait_for 'Step 3/8: Connect' "step 3 did not replay"
	wait_for 'Flags \[S\]' "the replayed handshake does not show"
	has 'a recording made .* \(nothing is captured now\)' "the status line does not name the recording"
	key q q
	wait_for 'EXITED-0' "q did not quit"
	pass "the screen says RECORDING and shows the recorded packets"
fi
finish
