#!/bin/sh
# trace_bench.sh — `sockscope trace` against strace on the same program, in
# the same run: bench/trace_sender.c makes N send() calls of 100 bytes over
# loopback TCP to a reader it forks itself.
#
#   bench/trace_bench.sh SOCKSCOPE_BINARY [N] [RUNS]
#
# Builds the program (cc -g -O2), then times, RUNS times each (default 3),
# alternately: the program untraced; `sockscope trace` run to the end
# (headless, its output to a file: every call, its packets, its line);
# `sockscope trace --capture none` (the calls alone, to tell the cost of
# stopping from that of attribution); `strace -f -e trace=network`, its
# output to /dev/null.  Prints every run's wall and CPU time (user +
# system of the tracer and the program, from /usr/bin/time: the CPU time
# is what a busy machine disturbs least), the best of each and the ratios
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

[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install -y time)"; exit 1; }
run() {   # run NAME CMD...: one timed run; appends "NAME wall cpu" to $tmp/runs
	name=$1; shift
	/usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" > "$tmp/out" 2> "$tmp/err" \
		|| { echo "  $name failed:"; tail -3 "$tmp/err"; exit 1; }
	set -- $(tail -1 "$tmp/t")
	cpu=$(echo "$2 + $3" | bc)
	echo "$name $1 $cpu" >> "$tmp/runs"
	lost=$(sed -n 's/^-- the capture lost \([0-9]*\) packets.*/, the capture lost \1 packets/p' "$tmp/out")
	echo "  $name: $1 s wall, $cpu s CPU (user + system, the tracer and the program)$lost"
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
	{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2; if (!($1 in cpu) || $3 < cpu[$1]) cpu[$1] = $3 }
	END {
		printf "best wall time: untraced %.2f s, sockscope trace %.2f s, sockscope trace --capture none %.2f s, strace %.2f s\n",
		       best["untraced"], best["sockscope"], best["calls-only"], best["strace"]
		printf "best CPU time:  untraced %.2f s, sockscope trace %.2f s, sockscope trace --capture none %.2f s, strace %.2f s\n",
		       cpu["untraced"], cpu["sockscope"], cpu["calls-only"], cpu["strace"]
		printf "sockscope trace / strace: %.2f wall, %.2f CPU\n", best["sockscope"] / best["strace"],
		       cpu["sockscope"] / cpu["strace"]
		printf "sockscope trace --capture none / strace: %.2f wall, %.2f CPU\n", best["calls-only"] / best["strace"],
		       cpu["calls-only"] / cpu["strace"]
		printf "strace / untraced: %.0f, sockscope trace / untraced: %.0f (wall)\n",
		       best["strace"] / best["untraced"], best["sockscope"] / best["untraced"]
	}' "$tmp/runs"
