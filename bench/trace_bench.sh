#!/bin/sh
# trace_bench.sh — `sockscope trace` against strace on the same program, in
# the same run: bench/trace_sender.c makes N send() calls of 100 bytes over
# loopback TCP to a reader it forks itself.
#
#   bench/trace_bench.sh SOCKSCOPE_BINARY [N] [RUNS]
#
# Builds the program (cc -g -O2), then times, RUNS times each (default 3),
# alternately: the program untraced; `sockscope trace` run to the end
# (headless, its output to /dev/null: every call, its packets, its line);
# `sockscope trace --capture none` (the calls alone, to tell the cost of
# stopping from that of attribution); `strace -f -e trace=network`, its
# output to /dev/null.  Prints every run, the best of each and the ratios
# to strace (below 1: sockscope is faster).  sockscope captures in a
# namespace of its own when one can be made (its lo carries only this
# program's packets: the host's lo, busy with other work, can overrun the
# capture), else as --capture auto does.
set -e
bin=${1:?usage: $0 SOCKSCOPE_BINARY [N] [RUNS]}
n=${2:-100000}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v strace > /dev/null || { echo "strace is not installed (apt-get install -y strace)"; exit 1; }
${CC:-cc} -g -O2 -o "$tmp/trace_sender" "$here/trace_sender.c"
case $("$bin" trace --capture namespace -- true 2>&1) in
*"capturing on lo (own namespace)"*) capture=namespace ;;
*) capture=auto ;;
esac

run() {   # run NAME CMD...: one timed run; appends "NAME seconds" to $tmp/runs
	name=$1; shift
	t0=$(date +%s.%N)
	"$@" > "$tmp/out" 2> "$tmp/err" || { echo "  $name failed:"; tail -3 "$tmp/err"; exit 1; }
	t1=$(date +%s.%N)
	t=$(echo "$t1 - $t0" | bc)
	echo "$name $t" >> "$tmp/runs"
	lost=$(sed -n 's/^-- the capture lost \([0-9]*\) packets.*/, the capture lost \1 packets/p' "$tmp/out")
	echo "  $name: $t s$lost"
}
: > "$tmp/runs"
echo "$n send() calls of 100 bytes, $runs runs each, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), capture: $capture"
for i in $(seq "$runs"); do
	run untraced "$tmp/trace_sender" "$n"
	run sockscope "$bin" trace --timeout 3600 --capture $capture -- "$tmp/trace_sender" "$n"
	run calls-only "$bin" trace --timeout 3600 --capture none -- "$tmp/trace_sender" "$n"
	run strace strace -f -e trace=network -o /dev/null "$tmp/trace_sender" "$n"
done
awk '
	{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
	END {
		printf "best of each: untraced %.2f s, sockscope trace %.2f s, sockscope trace --capture none %.2f s, strace %.2f s\n",
		       best["untraced"], best["sockscope"], best["calls-only"], best["strace"]
		printf "sockscope trace / strace: %.2f\n", best["sockscope"] / best["strace"]
		printf "sockscope trace --capture none / strace: %.2f\n", best["calls-only"] / best["strace"]
		printf "strace / untraced: %.0f, sockscope trace / untraced: %.0f\n",
		       best["strace"] / best["untraced"], best["sockscope"] / best["untraced"]
	}' "$tmp/runs"
