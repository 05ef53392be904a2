#!/bin/sh
# mixes.sh — `sockscope inspect FILE --print` against `tcpdump -nr FILE` on
# every traffic mix of gen_capture.c, in the same run.
#
#   bench/mixes.sh SOCKSCOPE_BINARY [PACKETS] [MIX...]
#
# For each mix (all of them when none is named): writes PACKETS (default
# 1,000,000) frames with bench/gen_capture.c, reads the file once so both
# readers find it in the page cache, then runs each reader three times,
# alternately, output to /dev/null, under /usr/bin/time (wall seconds and
# peak RSS), so a change of load on a shared machine hits both alike.
# Prints each mix's best times, the ratio sockscope/tcpdump (below 1:
# sockscope is faster) and both peak RSS, then a table of all mixes.
# SOCKSCOPE_OPTS adds options to sockscope's command ("-j 2", "-j 1").
# Each file is removed before the next mix is written (1M frames of the
# default mix are 318 MB).
set -e
bin=${1:?usage: $0 SOCKSCOPE_BINARY [PACKETS] [MIX...]}
n=${2:-1000000}
[ $# -ge 2 ] && shift 2 || shift $#
mixes=${*:-default dns-heavy http-heavy ipv6-heavy tls-heavy many-flows few-flows tiny mixed-small}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v tcpdump >/dev/null || { echo "tcpdump is not installed (apt-get install -y tcpdump)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install -y time)"; exit 1; }
${CC:-cc} -O2 -o "$tmp/gen_capture" "$here/gen_capture.c"
echo "load before: $(uptime)"

run() {   # run NAME CMD...: one timed run; appends "NAME seconds KiB" to $tmp/runs
	name=$1; shift
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$@" > /dev/null 2> "$tmp/err" || true
	set -- $(tail -1 "$tmp/t")
	echo "$name $1 $2" >> "$tmp/runs"
}
: > "$tmp/table"
for m in $mixes; do
	file=$tmp/$m.pcap
	"$tmp/gen_capture" "$file" "$n" "$m"
	cat "$file" > /dev/null
	: > "$tmp/runs"
	for i in 1 2 3; do
		run tcpdump tcpdump -nr "$file"
		# shellcheck disable=SC2086
		run sockscope "$bin" inspect "$file" --print $SOCKSCOPE_OPTS
	done
	awk -v mix="$m" -v size="$(wc -c < "$file")" '
		{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2; if ($3 > mem[$1]) mem[$1] = $3 }
		END {
			printf "%-12s %6.0f MB  tcpdump %6.2f s %6.1f MiB  sockscope %6.2f s %6.1f MiB  ratio %.2f\n",
			       mix, size / 1e6, best["tcpdump"], mem["tcpdump"] / 1024, best["sockscope"],
			       mem["sockscope"] / 1024, best["sockscope"] / best["tcpdump"]
		}' "$tmp/runs" | tee -a "$tmp/table"
	rm -f "$file"
done
echo "load after: $(uptime)"
echo "--- $n packets a mix, best of 3 alternate runs, sockscope options: ${SOCKSCOPE_OPTS:-none}"
cat "$tmp/table"
