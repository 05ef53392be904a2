# e2e_sudo_drop.sh — started through sudo, sockscope opens the capture as
# root and then drops to the invoking user (uid, gid, groups): the lesson
# still captures every packet, and the process no longer runs as root.
# sudo itself is not needed: it is simulated with the variables sudo sets.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_tcp_basics.sh"
bin=$1
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root to test the privilege drop (now uid $(id -u))"; exit 77
fi
out=$(mktemp); trap 'rm -f "$out"' EXIT
SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody "$bin" lesson tcp-basics --headless > "$out" 2>&1 \
	|| fail "sockscope exited with an error"
cat "$out"
expect_in "$(cat "$out")" "capture: lo" "the host's lo was opened as root"
expect_not_in "$(cat "$out")" "own namespace" "no namespace was needed"
expect_in "$(cat "$out")" "running as: uid 65534 euid 65534 gid 65534 egid 65534" "dropped to the invoking user"
groups=$(sed -n 's/.*egid 65534, \([0-9]*\) supplementary groups/\1/p' "$out")
[ "$groups" = 1 ] || [ "$groups" = 0 ] && pass "no root groups kept ($groups)" || fail "supplementary groups: '$groups'"
check_tcp_basics "$out" 127.0.0.1
finish
