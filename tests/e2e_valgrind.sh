# e2e_valgrind.sh — every lesson, run headless under valgrind memcheck: no
# memory errors and no leaks (definite or indirect).  tcp-basics also over
# IPv6 and with field trees and hex dumps, so the dissector's text paths run
# too.  Forked children (lesson 9's server) exit with _exit and are not
# checked for leaks.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind is not installed"; exit 77
fi
# A sanitizer build (-DSOCKSCOPE_SANITIZE=ON, the asan preset) links the ASan
# runtime, which valgrind cannot run under (both replace malloc; ASan's
# shadow memory mapping fails under valgrind).  ASan covers what memcheck would.
if grep -q __asan_init "$bin" 2>/dev/null; then
	echo "SKIP: $bin is built with AddressSanitizer, which cannot run under valgrind"; exit 77
fi
log=$(mktemp); out=$(mktemp); trap 'rm -f "$log" "$out"' EXIT

vg() {  # vg WHAT ARGS...: run sockscope ARGS under memcheck
	what=$1; shift
	valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes --error-exitcode=99 \
		--log-file="$log" "$bin" "$@" > "$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "$what: no memory errors or leaks"
	else
		cat "$log"; tail -20 "$out"; fail "$what: valgrind exit status $rc"
	fi
}

for fam in 4 6; do
	vg "tcp-basics IPv$fam with fields and hex" lesson tcp-basics --headless --fields --hex -$fam
	# the run must have done its work, not just exited early
	expect_in "$(cat "$out")" "data: 13 bytes \"Hello, World!\"" "IPv$fam: the lesson ran to the end under valgrind"
done
for id in $("$bin" list | awk '{print $2}'); do
	[ "$id" = tcp-basics ] && continue
	vg "$id" lesson "$id" --headless --timeout-cap=2
done
# Inspection of a mixed capture: the shipped recordings of the protocols
# lesson (HTTP, SMTP, FTP and its data connection, DNS over UDP and TCP) and
# of the UDP lesson (ICMP errors), and hand-built captures of the tshark
# suite (VLAN, ARP, fragments, IPv6 extension headers, TLS, DHCP).
src=$(cd "$(dirname "$0")/.." && pwd)
mixed="$src/lessons/recordings/protocols.pcapng $src/lessons/recordings/udp.pcapng"
if command -v python3 >/dev/null 2>&1 && mkdir -p "$log.d" && python3 "$src/tests/tshark_pcaps.py" "$log.d" >/dev/null 2>&1; then
	mixed="$mixed $(ls "$log.d"/*.pcap)"
fi
for f in $mixed; do
	vg "inspect --print $(basename "$f")" inspect "$f" --print
	[ -s "$out" ] || fail "inspect --print $(basename "$f") printed nothing"
done
p=$src/lessons/recordings/protocols.pcapng
vg "inspect --detail, --follow, --conversations, --ladder" inspect "$p" --detail 5 --follow 5 --conversations --ladder 1
expect_in "$(cat "$out")" "conversations" "the inspection ran to the end under valgrind"
rm -rf "$log.d"
finish
