# e2e_unprivileged.sh — the no-root path: as uid 65534 with no capabilities
# sockscope cannot open the host's lo, so it must move into a user +
# network namespace of its own and still capture every packet there.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_tcp_basics.sh"
bin=$1
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: run as root to test dropping to uid 65534 (now uid $(id -u))"; exit 77
fi
if ! command -v setpriv >/dev/null; then
	echo "SKIP: setpriv (util-linux) is not installed"; exit 77
fi
out=$(mktemp); chmod 666 "$out"; trap 'rm -f "$out"' EXIT
drop="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"

# first: as that user, the host's lo really cannot be captured
# (over IPv6: the lesson's shipped recording is of its IPv4 run)
if $drop "$bin" lesson tcp-basics --headless --capture=host -6 > "$out" 2>&1; then :; fi
expect_in "$(cat "$out")" "capture: none" "uid 65534 cannot capture on the host's lo"
expect_in "$(cat "$out")" "setcap cap_net_raw" "and is told what to run instead"
expect_in "$(step_section "$out" 3)" "packets: not captured" "the demo still runs without packets"
expect_in "$(step_section "$out" 3)" "call: client: connect(fd, {::1, port" "connect() still ran"
# the lesson's plain run is shown from its recording, saying so
if $drop "$bin" lesson tcp-basics --headless --capture=host > "$out" 2>&1; then :; fi
expect_in "$(cat "$out")" "setcap cap_net_raw" "the plain run also says what to run"
expect_in "$(cat "$out")" "Showing the recording shipped with the lesson instead, not a live run" \
	"and shows the lesson's recording instead"
expect_in "$(step_section "$out" 3)" "packets: 3" "with the recorded handshake"

# then: the default path finds the namespace and captures everything
if ! $drop "$bin" lesson tcp-basics --headless > "$out" 2>&1; then
	cat "$out"; fail "sockscope exited with an error as uid 65534"
fi
cat "$out"
expect_in "$(cat "$out")" "capture: lo (own namespace)" "captured through its own namespace"
check_tcp_basics "$out" 127.0.0.1
finish
