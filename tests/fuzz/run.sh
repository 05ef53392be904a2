#!/bin/sh
# run.sh SECONDS [BUILD_DIR] [TARGET...] — build the libFuzzer targets with
# clang and run each for SECONDS seconds, one after another, on a seed corpus
# the project makes itself.  TARGETs: fuzz_dissect (the packet decoder),
# fuzz_capfile (the capture-file reader), fuzz_lesson (the lesson parser);
# default all three.  BUILD_DIR defaults to build-fuzz.
#
# Each target works in BUILD_DIR/fuzz/TARGET/: seeds/ (rewritten each run),
# corpus/ (grows across runs), artifacts/ (crashes, leaks, timeouts) and
# fuzz.log.  Seeds: tests/tshark_pcaps.py's hand-built captures (as frames for
# fuzz_dissect, as files in several pcap/pcapng layouts for fuzz_capfile) and
# the captures of /work/shared/corpus/tcpdump or $SOCKSCOPE_FUZZ_PCAPS when
# present; the shipped lessons and tests/test_lesson.c's cases for
# fuzz_lesson.  Prints each target's final figures and exits 1 if any target
# failed or wrote an artifact during this run.  See docs/fuzzing.md.
set -eu
usage="usage: run.sh SECONDS [BUILD_DIR] [fuzz_dissect|fuzz_capfile|fuzz_lesson...]"
secs=${1:?$usage}
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
b=$root/build-fuzz
case ${1:-} in
"") ;;
fuzz_*) [ -d "$1" ] && { b=$1; shift; } ;;
*) b=$1; shift ;;
esac
targets=${*:-fuzz_dissect fuzz_capfile fuzz_lesson}
for t in $targets; do
	case $t in
	fuzz_dissect | fuzz_capfile | fuzz_lesson) ;;
	*) echo "run.sh: unknown target '$t'; $usage" >&2; exit 2 ;;
	esac
done
command -v clang >/dev/null 2>&1 || { echo "run.sh: clang is needed (apt-get install -y clang)" >&2; exit 2; }
mkdir -p "$b"
b=$(cd "$b" && pwd)
cmake -S "$root" -B "$b" -DCMAKE_C_COMPILER=clang -DSOCKSCOPE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$b.cmake.log" 2>&1 ||
	{ cat "$b.cmake.log"; exit 2; }
# shellcheck disable=SC2086
cmake --build "$b" --target $targets -j2 > "$b.build.log" 2>&1 || { tail -30 "$b.build.log"; exit 2; }

# The captures the seeds are made of.
mkdir -p "$b/pcaps"
python3 "$root/tests/tshark_pcaps.py" "$b/pcaps"
corpus_files=
for d in ${SOCKSCOPE_FUZZ_PCAPS:-/work/shared/corpus/tcpdump}; do
	[ -d "$d" ] && corpus_files="$corpus_files $(find "$d" -name '*.pcap' -o -name '*.pcapng' | sort | head -600)"
done

status=0
summary=
for t in $targets; do
	w=$b/fuzz/$t
	rm -rf "$w/seeds"
	mkdir -p "$w/corpus" "$w/artifacts" "$w/seeds"
	extra=
	# shellcheck disable=SC2086
	case $t in
	fuzz_dissect)
		python3 "$here/seeds.py" "$w/seeds" "$b"/pcaps/*.pcap $corpus_files
		maxlen=4096
		# the corpus of runs before the targets had directories of their own
		[ -d "$b/corpus" ] && extra=$b/corpus ;;
	fuzz_capfile)
		python3 "$here/capfile_seeds.py" "$w/seeds" "$b"/pcaps/*.pcap -- $corpus_files
		maxlen=65536 ;;
	fuzz_lesson)
		python3 "$here/lesson_seeds.py" "$w/seeds" "$root/lessons" "$root/tests/test_lesson.c"
		maxlen=16384 ;;
	esac
	stamp=$w/.started
	: > "$stamp"
	echo "run.sh: $t for $secs seconds, -max_len=$maxlen (log: $w/fuzz.log)"
	rc=0
	# shellcheck disable=SC2086
	"$b/tests/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 -max_len="$maxlen" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$w/artifacts/" "$w/corpus" "$w/seeds" $extra > "$w/fuzz.log" 2>&1 || rc=$?
	grep -E '^#[0-9]+.*(INITED|DONE)' "$w/fuzz.log" | tail -2
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$w/fuzz.log" || true
	found=$(find "$w/artifacts" -type f -newer "$stamp" | wc -l)
	old=$(find "$w/artifacts" -type f ! -newer "$stamp" | wc -l)
	echo "run.sh: $t: exit $rc, $found new crash/leak/timeout file(s) in $w/artifacts ($old from earlier runs)"
	done_line=$(grep -E '^#[0-9]+.*DONE' "$w/fuzz.log" | tail -1 | tr '\t' ' ' | sed 's/ *exec\/s.*//')
	summary="$summary
  $t: ${done_line:-no DONE line}, exit $rc, $found found"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		status=1
		find "$w/artifacts" -type f -newer "$stamp" | while read -r f; do
			echo "  replay: $b/tests/fuzz/$t $f"
		done
	fi
done
echo "run.sh: done ($secs s each):$summary"
exit $status
