#!/bin/sh
# record-lessons.sh [BUILD_DIR] — record every lesson's plain run (its own
# family, no toggles) into lessons/recordings/ID.pcapng, the recordings a
# lesson is shown from where nothing can be captured.  Needs a capture
# (root, cap_net_raw or user namespaces); every claim of the lesson must
# hold in the run that is kept (--check).  Run it again after changing a
# lesson: a recording of another text is refused (tests/e2e_replay.sh).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build}/sockscope
out=$root/lessons/recordings
mkdir -p "$out"
for id in $("$bin" list --lessons "$root/lessons" | awk '{print $2}'); do
	log=$("$bin" lesson "$id" --lessons "$root/lessons" --headless --check --record "$out/$id.pcapng" 2>&1) || {
		printf '%s\n' "$log" | tail -20
		echo "record-lessons: $id: the run failed; nothing kept" >&2
		rm -f "$out/$id.pcapng"
		exit 1
	}
	case $log in
	*"recorded 0 steps"*) rm -f "$out/$id.pcapng"; echo "$id: no demo steps, nothing to record" ;;
	*"recorded "*) printf '%s\n' "$log" | grep '^recorded ' ;;
	*) echo "record-lessons: $id: no packets (no capture?): $(printf '%s\n' "$log" | grep '^capture:')" >&2; exit 1 ;;
	esac
done
