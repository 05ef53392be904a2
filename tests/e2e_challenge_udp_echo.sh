# e2e_challenge_udp_echo.sh — challenge 9, udp-echo-server: the reference
# servers in C and Python pass, with --run and started by hand; each typical
# mistake fails with its cause named.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
sol=$(cd "$(dirname "$0")" && pwd)/challenges
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
if ! "$bin" inspect -i lo --duration 0.1 > /dev/null 2>&1; then
	echo "SKIP: no capture here (the challenges judge what they capture)"; exit 77
fi
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the reference solutions"; exit 77; }
CC=${CC:-cc}
for v in "" WRONG_CONNECT WRONG_SMALL; do
	$CC ${v:+-D$v} -o "$dir/udp_echo$v" "$sol/udp_echo_server.c" 2> "$dir/cc.err" || fail "udp_echo_server.c $v: $(cat "$dir/cc.err")"
done
py="python3 $sol/udp_echo_server.py"

expect_in "$("$bin" challenge)" "udp-echo-server  not tried" "the list has the UDP echo server"
chal_check udp-echo-server "$py ok" 0 "result: PASS" "your server was stopped by the lab when it had finished" \
	"ok    datagram 2 (29 bytes, from port" "ok    datagram 3 (3000 bytes, every value, zero bytes too, from port" \
	"ok    datagram 4 (0 bytes: an empty one, from port" \
	"it answered 5 datagrams from 3 ports, each once and to where it came from"
chal_check udp-echo-server "$dir/udp_echo" 0 "result: PASS"
chal_waiting udp-echo-server "$dir/udp_echo" 0 "result: PASS" "it answered 5 datagrams from 3 ports"
# a reply to the first peer's address, whoever sent the datagram
chal_check udp-echo-server "$py fixed" 1 "ok    datagram 1 (17 bytes" \
	"FAIL  datagram 2 came from port" "where datagram 1 came from: reply to the address recvfrom() returned"
# a connect()ed socket hears only its peer: the kernel's ICMP for the others
for cmd in "$py connect" "$dir/udp_echoWRONG_CONNECT"; do
	chal_check udp-echo-server "$cmd" 1 "ok    datagram 1 (17 bytes" \
		"the kernel answered it with ICMP \"port unreachable\"" \
		"A UDP socket that connect()ed to its first peer receives only from that peer"
done
chal_waiting udp-echo-server "$py connect" 1 "A UDP socket that connect()ed to its first peer"
for cmd in "$py small" "$dir/udp_echoWRONG_SMALL"; do
	chal_check udp-echo-server "$cmd" 1 "ok    datagram 2" \
		"FAIL  datagram 3 (3000 bytes) came back as its first 512 bytes" "receive into a buffer of 65535 bytes"
done
chal_check udp-echo-server "$py twice" 1 "FAIL  datagram 1 came back 2 times: one datagram in, one echo out"
chal_check udp-echo-server "$py empty" 1 "ok    datagram 3 (3000 bytes" \
	"FAIL  datagram 4, an empty one" "recvfrom() returning 0 is such a datagram" \
	"your program had exited (status 0)"
# in a network namespace of sockscope's own (no privilege on the host's lo)
if chal_namespace; then
	CHAL_CAPTURE=namespace chal_check udp-echo-server "$dir/udp_echo" 0 "result: PASS"
	CHAL_CAPTURE=namespace chal_check udp-echo-server "$py connect" 1 "the kernel answered it with ICMP"
fi
CHAL_DIR=$dir/short; mkdir -p "$CHAL_DIR"
sed 's/^seconds: .*/seconds: 5/' "$sol/../../challenges/09-udp-echo-server.challenge" > "$CHAL_DIR/09-udp-echo-server.challenge"
chal_check udp-echo-server "$py tcp" 1 "FAIL  your server listens on TCP port" "the lab sends UDP datagrams"
chal_check udp-echo-server "true" 1 "FAIL  no UDP socket was bound to port" "your program had exited (status 0)"
CHAL_DIR=""
finish
