#!/bin/sh
# commands.sh — inspect's other commands on every traffic mix, each against
# the peer a network engineer would reach for, on the same file in the same
# run:
#   --detail N          tshark -r F -Y frame.number==N -V -x   (one packet's tree + bytes)
#   --follow N          tshark -r F -q -z follow,tcp,ascii,S   (S: packet N's stream)
#   --conversations     tshark -r F -q -z conv,tcp -z conv,udp
#   -f tcp --write OUT  tcpdump -r F -w OUT tcp
# N is the middle packet (for --follow: the first TCP packet from there on).
# Each pair runs twice, alternately, output to
# /dev/null (or a file removed afterwards); the best wall time, the peak
# RSS and the ratio sockscope/peer are printed.  With --tui, each mix also
# goes through bench/tui_times.sh (first screen, End, :N, the walk).
#
#   bench/commands.sh SOCKSCOPE_BINARY [PACKETS] [--tui] [MIX...]
#
# PACKETS defaults to 1,000,000; the mixes are bench/gen_capture.c's (all
# nine by default).  Needs tcpdump, tshark and /usr/bin/time.
set -e
bin=${1:?usage: $0 SOCKSCOPE_BINARY [PACKETS] [--tui] [MIX...]}
n=${2:-1000000}
[ $# -ge 2 ] && shift 2 || shift $#
tui=0
[ "${1:-}" = --tui ] && { tui=1; shift; }
mixes=${*:-default dns-heavy http-heavy ipv6-heavy tls-heavy many-flows few-flows tiny mixed-small}
here=$(cd "$(dirname "$0")" && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
for c in tcpdump tshark; do
	command -v $c >/dev/null || { echo "$c is not installed (apt-get install -y $c)"; exit 1; }
done
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install -y time)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/gen_capture" "$here/gen_capture.c"
echo "load before: $(uptime)"

# run NAME CMD...: one timed run, output to /dev/null; appends "NAME s KiB".
run() {
	name=$1; shift
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$@" > /dev/null 2> "$tmp/err" || true
	set -- $(tail -1 "$tmp/t")
	echo "$name $1 $2" >> "$tmp/runs"
}
# pair LABEL "SOCKSCOPE CMD" "PEER CMD": two alternate runs each, one line.
pair() {
	: > "$tmp/runs"
	for i in 1 2; do
		eval "run sockscope $2"
		eval "run peer $3"
	done
	awk -v mix="$m" -v what="$1" '
		{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2; if ($3 > mem[$1]) mem[$1] = $3 }
		END {
			printf "%-12s %-16s sockscope %7.2f s %6.1f MiB  peer %7.2f s %6.1f MiB  ratio %.2f\n",
			       mix, what, best["sockscope"], mem["sockscope"] / 1024, best["peer"],
			       mem["peer"] / 1024, best["sockscope"] / (best["peer"] > 0 ? best["peer"] : 0.01)
		}' "$tmp/runs"
}

for m in $mixes; do
	f=$tmp/$m.pcap
	"$tmp/gen_capture" "$f" "$n" "$m"
	cat "$f" > /dev/null
	mid=$((n / 2))
	# --follow: the first TCP packet from the middle on, and its stream's number for tshark.
	set -- $(tshark -r "$f" -Y "frame.number>=$mid && tcp" -T fields -e frame.number -e tcp.stream 2>/dev/null | head -1)
	fpkt=${1:-}; stream=${2:-}
	pair "--detail $mid" "\"$bin\" inspect \"$f\" --detail $mid" \
		"tshark -r \"$f\" -Y frame.number==$mid -V -x"
	if [ -n "$stream" ]; then
		pair "--follow $fpkt" "\"$bin\" inspect \"$f\" --follow $fpkt" \
			"tshark -r \"$f\" -q -z follow,tcp,ascii,$stream"
	else
		echo "$m: no TCP packet after the middle: --follow not compared"
	fi
	pair "--conversations" "\"$bin\" inspect \"$f\" --conversations" \
		"tshark -r \"$f\" -q -z conv,tcp -z conv,udp"
	pair "-f tcp --write" "\"$bin\" inspect \"$f\" -f tcp --write \"$tmp/o1.pcap\"" \
		"tcpdump -r \"$f\" -w \"$tmp/o2.pcap\" tcp"
	rm -f "$tmp/o1.pcap" "$tmp/o2.pcap"
	[ $tui = 1 ] && { echo "$m: the inspection screen"; sh "$here/tui_times.sh" "$bin" "$n" "$f" | sed 's/^/    /'; }
	rm -f "$f"
done
echo "load after: $(uptime)"
echo "--- $n packets a mix, best of 2 alternate runs"
