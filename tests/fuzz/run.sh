#!/bin/sh
# run.sh SECONDS [BUILD_DIR] — build tests/fuzz/fuzz_dissect with clang and
# run it for SECONDS seconds on a seed corpus made from the test captures
# (tests/tshark_pcaps.py's hand-built files, a lesson run if capture works,
# and /work/shared/corpus/tcpdump or $SOCKSCOPE_FUZZ_PCAPS when present).
# The corpus grows in BUILD_DIR/corpus across runs; crashes are written to
# BUILD_DIR/artifacts; the log is BUILD_DIR/fuzz.log.  Prints libFuzzer's
# final figures and exits 1 if it found a crash.  See docs/fuzzing.md.
set -eu
secs=${1:?usage: run.sh SECONDS [BUILD_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
b=${2:-$root/build-fuzz}
command -v clang >/dev/null 2>&1 || { echo "run.sh: clang is needed (apt-get install -y clang)" >&2; exit 2; }
cmake -S "$root" -B "$b" -DCMAKE_C_COMPILER=clang -DSOCKSCOPE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$b.cmake.log" 2>&1 ||
	{ cat "$b.cmake.log"; exit 2; }
cmake --build "$b" --target fuzz_dissect -j2 > "$b.build.log" 2>&1 || { tail -30 "$b.build.log"; exit 2; }

mkdir -p "$b/corpus" "$b/artifacts" "$b/pcaps"
python3 "$root/tests/tshark_pcaps.py" "$b/pcaps"
pcaps=$(ls "$b"/pcaps/*.pcap)
for d in ${SOCKSCOPE_FUZZ_PCAPS:-/work/shared/corpus/tcpdump}; do
	[ -d "$d" ] && pcaps="$pcaps $(find "$d" -name '*.pcap' -o -name '*.pcapng' | head -400)"
done
# shellcheck disable=SC2086
python3 "$here/seeds.py" "$b/seeds" $pcaps

echo "run.sh: fuzzing for $secs seconds (log: $b/fuzz.log)"
rc=0
"$b/tests/fuzz/fuzz_dissect" -max_total_time="$secs" -print_final_stats=1 -max_len=4096 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$b/artifacts/" "$b/corpus" "$b/seeds" > "$b/fuzz.log" 2>&1 || rc=$?
grep -E '^#[0-9]+.*(INITED|DONE)' "$b/fuzz.log" | tail -2
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$b/fuzz.log" || true
crashes=$(ls "$b/artifacts" | wc -l)
echo "run.sh: exit $rc, $crashes crash/leak/timeout file(s) in $b/artifacts"
[ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]
