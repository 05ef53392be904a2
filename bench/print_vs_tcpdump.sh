#!/bin/sh
# print_vs_tcpdump.sh — `sockscope inspect FILE --print` against
# `tcpdump -nr FILE` on the same synthetic capture, in the same run.
#
#   bench/print_vs_tcpdump.sh SOCKSCOPE_BINARY [PACKETS] [FILE]
#
# Builds bench/gen_capture.c, writes PACKETS (default 1,000,000) mixed
# TCP/UDP over IPv4/IPv6 frames to FILE (default a temporary file, removed
# afterwards), reads it once so both runs find it in the page cache, then
# times each reader three times alternately, output to /dev/null, with
# /usr/bin/time (wall seconds and peak RSS).  Prints every run, the best of
# each and the ratio sockscope/tcpdump (below 1: sockscope is faster).
set -e
bin=${1:?usage: $0 SOCKSCOPE_BINARY [PACKETS] [FILE]}
n=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
file=${3:-$tmp/bench.pcap}
command -v tcpdump >/dev/null || { echo "tcpdump is not installed (apt-get install -y tcpdump)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install -y time)"; exit 1; }

${CC:-cc} -O2 -o "$tmp/gen_capture" "$here/gen_capture.c"
[ -f "$file" ] || "$tmp/gen_capture" "$file" "$n"
echo "file: $file, $(wc -c < "$file") bytes, $n packets"
cat "$file" > /dev/null

run() {   # run NAME CMD...: one timed run; appends "NAME seconds KiB" to $tmp/runs
	name=$1; shift
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$@" > /dev/null 2> "$tmp/err" || true
	set -- $(tail -1 "$tmp/t")
	echo "$name $1 $2" >> "$tmp/runs"
	echo "  $name: $1 s, peak RSS $2 KiB"
}
: > "$tmp/runs"
for i in 1 2 3; do
	run tcpdump tcpdump -nr "$file"
	run sockscope "$bin" inspect "$file" --print
done
awk '
	{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2; if ($3 > mem[$1]) mem[$1] = $3 }
	END {
		printf "best of 3: tcpdump -nr %.2f s (peak %.1f MiB), sockscope inspect --print %.2f s (peak %.1f MiB)\n",
		       best["tcpdump"], mem["tcpdump"] / 1024, best["sockscope"], mem["sockscope"] / 1024
		printf "time ratio sockscope/tcpdump: %.2f\n", best["sockscope"] / best["tcpdump"]
	}' "$tmp/runs"
# The first screen of a large file: time to the first lines of the list.
start=$(date +%s.%N)
"$bin" inspect "$file" --print | head -50 > /dev/null
end=$(date +%s.%N)
echo "first 50 lines of the list after $(echo "$end - $start" | bc 2>/dev/null || echo "?") s"
