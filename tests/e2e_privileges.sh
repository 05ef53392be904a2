# e2e_privileges.sh — what the process holds after start-up, read from
# /proc by the test (not from what sockscope says of itself):
#  - started through sudo (simulated with the variables sudo sets), a live
#    capture opens lo as root and then runs as the invoking user: real,
#    effective, saved and filesystem uid and gid 65534, no supplementary
#    group of root's, no capability left; the files it writes (a saved
#    capture, the progress file) belong to that user;
#  - without privilege (uid 65534 by setpriv) the capture runs in a user +
#    network namespace of its own: other namespaces than the test's, and a
#    user namespace that maps only uid/gid 65534, so whatever capability it
#    holds in there counts for nothing outside (user_namespaces(7)).
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root to start as root and drop (now uid $(id -u))"; exit 77
fi
dir=$(mktemp -d); chmod 777 "$dir"; trap 'rm -rf "$dir"' EXIT

# start_live NAME CMD...: CMD (a live capture) in the background; waits until it captures; sets lpid.
start_live() {
	name=$1; shift
	"$@" > "$dir/$name.out" 2> "$dir/$name.err" &
	lpid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q "Ctrl-C stops" "$dir/$name.err"; do sleep 0.1; i=$((i + 1)); done
	grep -q "Ctrl-C stops" "$dir/$name.err" || fail "$name: the capture did not start: $(cat "$dir/$name.err")"
}
status() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$lpid/status" | tr -s ' \t' ' '; }

# --- through sudo: root to open the device, then the invoking user ---
start_live sudo env SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody \
	"$bin" inspect -i lo -f "ether proto 0x88b5" --duration 20 --write "$dir/sudo.pcap"
expect_in "$(cat "$dir/sudo.err")" "live on lo" "sudo: the host's lo was opened (no namespace)"
[ "$(status Uid)" = "65534 65534 65534 65534" ] && pass "sudo: real, effective, saved, fs uid 65534" || fail "Uid: $(status Uid)"
[ "$(status Gid)" = "65534 65534 65534 65534" ] && pass "sudo: real, effective, saved, fs gid 65534" || fail "Gid: $(status Gid)"
groups=$(status Groups)
case " $groups " in
*" 0 "*) fail "sudo: root's group kept: '$groups'" ;;
*) pass "sudo: supplementary groups '$groups' (none of root's)" ;;
esac
[ "$(status CapEff)" = 0000000000000000 ] && [ "$(status CapPrm)" = 0000000000000000 ] &&
	pass "sudo: no capability effective or permitted" || fail "caps: eff $(status CapEff) prm $(status CapPrm)"
[ "$(readlink /proc/$lpid/ns/net)" = "$(readlink /proc/self/ns/net)" ] && pass "sudo: the host's network namespace" ||
	fail "sudo: another network namespace"
kill -INT $lpid; wait $lpid
[ "$(stat -c %u:%g "$dir/sudo.pcap" 2>/dev/null)" = 65534:65534 ] && pass "sudo: the saved capture belongs to 65534" ||
	fail "saved capture: $(stat -c %u:%g "$dir/sudo.pcap" 2>&1)"

# a lesson through sudo: its progress file and saved packets are the user's too
SOCKSCOPE_PROGRESS="$dir/progress" SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody \
	"$bin" lesson tcp-basics --headless --write "$dir/lesson.pcap" > "$dir/lesson.out" 2>&1 || fail "the lesson failed"
expect_in "$(cat "$dir/lesson.out")" "running as: uid 65534 euid 65534 gid 65534 egid 65534" "sudo lesson: runs as 65534"
[ "$(stat -c %u:%g "$dir/progress" 2>/dev/null)" = 65534:65534 ] && pass "sudo lesson: the progress file belongs to 65534" ||
	fail "progress file: $(stat -c %u:%g "$dir/progress" 2>&1)"
[ "$(stat -c %u:%g "$dir/lesson.pcap" 2>/dev/null)" = 65534:65534 ] && pass "sudo lesson: the saved packets belong to 65534" ||
	fail "lesson.pcap: $(stat -c %u:%g "$dir/lesson.pcap" 2>&1)"

# --- no privilege at all: a namespace of its own ---
if command -v setpriv >/dev/null 2>&1; then
	start_live ns setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" inspect -i lo --duration 20
	if grep -q "namespace of our own" "$dir/ns.err"; then
		[ "$(status Uid)" = "65534 65534 65534 65534" ] && pass "namespace: uid 65534 as the host sees it" ||
			fail "namespace Uid: $(status Uid)"
		[ "$(readlink /proc/$lpid/ns/user)" != "$(readlink /proc/self/ns/user)" ] &&
			pass "namespace: a user namespace of its own" || fail "namespace: the host's user namespace"
		[ "$(readlink /proc/$lpid/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
			pass "namespace: a network namespace of its own" || fail "namespace: the host's network namespace"
		map=$(tr -s ' ' < /proc/$lpid/uid_map | sed 's/^ //')
		[ "$map" = "65534 65534 1" ] && pass "namespace: it maps only uid 65534 (its capabilities count only in there)" ||
			fail "uid_map: '$map'"
		gmap=$(tr -s ' ' < /proc/$lpid/gid_map | sed 's/^ //')
		[ "$gmap" = "65534 65534 1" ] && pass "namespace: it maps only gid 65534" || fail "gid_map: '$gmap'"
	else
		echo "note: user namespaces are not allowed here: $(cat "$dir/ns.err")"
	fi
	kill -INT $lpid 2>/dev/null; wait $lpid
fi
finish
