# e2e_bad_input.sh — bad input gets a clear message and the program goes on
# (or ends with status 2), never a crash: capture files that are empty, a
# directory, unreadable, not a capture, or growing while read; a display
# filter with a syntax error; a lab server asked for a port another program
# holds.  (Lesson files with every kind of error: test_lesson and
# e2e_check_lessons; interfaces that do not exist: e2e_live; tiny
# terminals: e2e_tui_signals.)  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
dir=$(mktemp -d); chmod 755 "$dir"; trap 'rm -rf "$dir"' EXIT

# expect_msg WHAT STATUS TEXT CMD...: CMD exits STATUS and says TEXT on stderr.
expect_msg() {
	what=$1 want=$2 text=$3; shift 3
	"$@" > "$dir/out" 2> "$dir/err"; rc=$?
	if [ $rc -eq "$want" ] && grep -qF -- "$text" "$dir/err"; then
		pass "$what: exit $rc, '$text'"
	else
		fail "$what: exit $rc (wanted $want), stderr: $(cat "$dir/err")"
	fi
}

: > "$dir/empty.pcap"
expect_msg "an empty file" 2 "not a capture file: it is empty" "$bin" inspect "$dir/empty.pcap" --print
mkdir "$dir/adir"
expect_msg "a directory" 2 "a directory, not a capture file" "$bin" inspect "$dir/adir" --print
expect_msg "a missing file" 2 "No such file or directory" "$bin" inspect "$dir/none.pcap" --print
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' > "$dir/text.pcap"
expect_msg "a text file" 2 "not a capture file: first bytes 47 45 54 20 (looks like text)" "$bin" inspect "$dir/text.pcap"

# A capture made here: a few UDP datagrams between two loopback sockets.
python3 - "$dir/ok.pcap" <<'PY'
import struct, sys
def frame(i):
    payload = b'datagram %d' % i
    udp = struct.pack('!HHHH', 40000, 9999, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, bytes([127,0,0,1]), bytes([127,0,0,1]))
    return b'\0' * 12 + b'\x08\x00' + ip + udp
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(50):
        d = frame(i)
        f.write(struct.pack('<IIII', 1700000000, i, len(d), len(d)) + d)
PY
n=$("$bin" inspect "$dir/ok.pcap" --print | wc -l)
[ "$n" -eq 50 ] && pass "the capture made here lists 50 packets" || fail "ok.pcap lists $n"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	cp "$dir/ok.pcap" "$dir/secret.pcap"; chmod 600 "$dir/secret.pcap"
	expect_msg "an unreadable file" 2 "secret.pcap: Permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" inspect "$dir/secret.pcap" --print
fi

expect_msg "a display filter with a syntax error" 2 "bad filter 'udp portt 9': " \
	"$bin" inspect "$dir/ok.pcap" -f 'udp portt 9' --print

# A file that grows while it is read (a writer appends records, flushing
# half-records too): every read shows the whole records there when it
# opened, names a cut one as such, and never crashes.
python3 - "$dir/ok.pcap" "$dir/grow.pcap" <<'PY' &
import sys, time
data = open(sys.argv[1], 'rb').read()
with open(sys.argv[2], 'wb') as f:
    f.write(data[:24]); f.flush()
    for i in range(24, len(data), 37):
        f.write(data[i:i + 37]); f.flush(); time.sleep(0.004)
PY
writer=$!
reads=0; bad=0
while kill -0 $writer 2>/dev/null; do
	[ -s "$dir/grow.pcap" ] || continue
	"$bin" inspect "$dir/grow.pcap" --print > "$dir/g.out" 2> "$dir/g.err"; rc=$?
	reads=$((reads + 1))
	case $rc in
	0) ;;
	1) grep -q "(truncated)" "$dir/g.err" || { bad=$((bad + 1)); cat "$dir/g.err"; } ;;
	*) bad=$((bad + 1)); echo "exit $rc: $(cat "$dir/g.err")" ;;
	esac
done
wait $writer
[ $reads -gt 0 ] && [ $bad -eq 0 ] && pass "a growing file read $reads times: no crash, cut records named" ||
	fail "growing file: $bad bad reads of $reads"
n=$("$bin" inspect "$dir/grow.pcap" --print | wc -l)
[ "$n" -eq 50 ] && pass "once written, it lists its 50 packets" || fail "grow.pcap lists $n"

# A file cut short while it is read (it is mapped: the pages that are gone
# raise SIGBUS): once its first line came (the file is mapped), the file is
# cut while the reader is held by a full pipe.
python3 - "$dir/ok.pcap" "$dir/shrink.pcap" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
with open(sys.argv[2], 'wb') as f:
    f.write(data[:24])
    for _ in range(1000):
        f.write(data[24:])
PY
{ "$bin" inspect "$dir/shrink.pcap" --print 2> "$dir/s.err"; echo $? > "$dir/s.rc"; } |
	{ head -c 100 > /dev/null; truncate -s 4096 "$dir/shrink.pcap"; cat > /dev/null; }
rc=$(cat "$dir/s.rc")
[ "$rc" -eq 1 ] && expect_in "$(cat "$dir/s.err")" "was cut short by another program while it was read" \
	"a file cut short while read: exit 1 and a message, not 'Bus error'" || fail "shrinking file: exit $rc: $(cat "$dir/s.err")"

# A port another program holds.
start_serve "$bin" "$dir" http 1 || fail "sockscope serve http did not start"
expect_msg "a port already taken" 2 "port $port: Address already in use (another program has that port); choose another --port" \
	"$bin" serve http --port "$port" --seconds 1
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
finish
