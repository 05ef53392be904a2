#!/bin/sh
# tui_times.sh — how soon the inspection screen answers on a large file:
# `sockscope inspect FILE` on a terminal (tmux, private server), timed by
# polling the screen.
#
#   bench/tui_times.sh SOCKSCOPE_BINARY [PACKETS] [FILE]
#
# Builds bench/gen_capture.c and writes PACKETS (default 1,000,000) frames
# to FILE (default a temporary file, removed afterwards; an existing FILE is
# reused), reads it once (page cache warm), then measures, from the moment
# tmux is asked to start sockscope:
#   first screen  packet 1's row is on the screen
#   indexed       the status line says "N packets" (indexing over)
# and from the moment the key is sent:
#   End           the last packet's detail ("Frame N:") is shown
#   :N-1          the same for ":N-1" typed and Enter
# and last, from the start, the time until the last packet's row shows
# relative seq/ack (the list's walk, which builds the flow table, has
# passed it), and the process's resident memory then (VmRSS, VmHWM).
# Each time is the first poll that saw it (a poll costs a few ms).
set -e
bin=${1:?usage: $0 SOCKSCOPE_BINARY [PACKETS] [FILE]}
n=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null || { echo "tmux is not installed (apt-get install -y tmux)"; exit 1; }
tmp=$(mktemp -d)
sock="sockscope-bench-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
file=${3:-$tmp/bench.pcap}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac

${CC:-cc} -O2 -o "$tmp/gen_capture" "$here/gen_capture.c"
[ -f "$file" ] || "$tmp/gen_capture" "$file" "$n"
echo "file: $file, $(wc -c < "$file") bytes, $n packets"
cat "$file" > /dev/null

now() { date +%s%N; }
shot() { tm capture-pane -p -t tui 2>/dev/null; }
# until ERE [limit in seconds]: poll the screen until it matches; prints nothing, fails at the limit.
until_seen() {
	limit=$(( $(now) + ${2:-120} * 1000000000 ))
	while ! shot | grep -Eq -- "$1"; do
		[ "$(now)" -lt "$limit" ] || { echo "gave up waiting for /$1/"; shot; exit 1; }
	done
}
ms() { echo $(( ($2 - $1) / 1000000 )); }

tm new-session -d -s idle -x 80 -y 10 "sleep 600"   # the server is up before the clock starts
t0=$(now)
tm new-session -d -s tui -x 160 -y 45 "exec env TERM=screen $bin inspect $file"
until_seen '^[^ ]+ +1 +[0-9.]+ '
t_first=$(now)
until_seen "^ $n packets"
t_indexed=$(now)
pid=$(tm display-message -p -t tui '#{pane_pid}')

k0=$(now)
tm send-keys -t tui End
until_seen "Frame $n: "
t_end=$(now)

tm send-keys -t tui Home
until_seen 'Frame 1: '
m=$((n - 1))
k1=$(now)
tm send-keys -t tui : "$m" Enter
until_seen "Frame $m: "
t_goto=$(now)

tm send-keys -t tui End
until_seen "Frame $n: "
# The last row reads relative once the walk has passed it (no "(abs)" left
# on the screen; the list redraws as the walk passes the rows shown).
limit=$(( $(now) + 300 * 1000000000 ))
while shot | grep -q '(abs)'; do
	[ "$(now)" -lt "$limit" ] || { echo "the walk did not reach the end in 300 s"; exit 1; }
	sleep 0.05
done
t_walked=$(now)
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)

printf '%-44s %6s ms\n' "first screen (packet 1's row):" "$(ms "$t0" "$t_first")"
printf '%-44s %6s ms\n' "all $n packets indexed (status line):" "$(ms "$t0" "$t_indexed")"
printf '%-44s %6s ms\n' "End -> packet $n shown:" "$(ms "$k0" "$t_end")"
printf '%-44s %6s ms\n' ":$m -> packet $m shown:" "$(ms "$k1" "$t_goto")"
printf '%-44s %6s ms\n' "last row relative (walk passed it):" "$(ms "$t0" "$t_walked")"
printf '%-44s VmRSS %s MiB, peak (VmHWM) %s MiB\n' "memory then:" "$((rss / 1024))" "$((hwm / 1024))"
