# e2e_challenge_dns.sh — challenge 10, dns-client: the reference clients in
# C and Python pass, with --run and started by hand; each typical mistake
# (no compression pointers, no ID match, the name as a dotted string, RD not
# set, another type) fails with its cause named.  $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1
sol=$(cd "$(dirname "$0")" && pwd)/challenges
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
if ! "$bin" inspect -i lo --duration 0.1 > /dev/null 2>&1; then
	echo "SKIP: no capture here (the challenges judge what they capture)"; exit 77
fi
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the reference solutions"; exit 77; }
CC=${CC:-cc}
$CC -o "$dir/dns_client" "$sol/dns_client.c" 2> "$dir/cc.err" || fail "dns_client.c: $(cat "$dir/cc.err")"
py="python3 $sol/dns_client.py"
qn=mirror.sockscope.test
addrs="127.0.0.2, 127.0.0.3 and 127.0.0.4"

expect_in "$("$bin" challenge)" "dns-client       not tried" "the list has the DNS client"
chal_check dns-client "$py ok $qn" 0 "result: PASS" "39 bytes) is right: ID 0x" \
	"flags 0x0100 (a standard query with RD), one question: $qn, type A, class IN" \
	"ok    it printed the answer's 3 addresses, $addrs, past its CNAME record"
# the capture's own decoding agrees: the decoy first, then the answer with the query's ID
id=$(sed -n 's/^  you .* DNS query \(0x[0-9a-f]*\) A .*/\1/p' "$dir/out")
grep -q "^  lab .* DNS response $id A $qn: CNAME pool.sockscope.test, A 127.0.0.2, A 127.0.0.3, A 127.0.0.4" "$dir/out" &&
	pass "dns-client: the capture shows the answer to query $id" || fail "dns-client: no answer to query '$id' in the packets"
chal_check dns-client "$dir/dns_client $qn" 0 "result: PASS" "ok    it printed the answer's 3 addresses"
chal_waiting dns-client "$dir/dns_client $qn" 0 "result: PASS" "39 bytes) is right" \
	"note  run in another terminal, the lab cannot see what your program printed: it must print $addrs"
chal_check dns-client "$py nocomp $qn" 1 "ok    its query" "FAIL  it printed no address" \
	"a length byte of 0xC0 or more starts a 2-byte pointer" "FAIL  your program exited with status 1"
chal_check dns-client "$py noid $qn" 1 "FAIL  it printed 127.0.0.99, 127.0.0.100 and 127.0.0.101: the decoy's addresses" \
	"Check that a reply's ID is your query's"
chal_check dns-client "$py dotted $qn" 1 "FAIL  its question's name (QNAME) is the dotted string \"$qn\"" \
	"is 6 mirror 9 sockscope 4 test 0" "FORMERR"
chal_waiting dns-client "$py dotted $qn" 1 "FAIL  its question's name (QNAME) is the dotted string"
chal_check dns-client "$py nord $qn" 1 "FAIL  it does not set RD (recursion desired, 0x0100 in the flags; its flags are 0x0000)" \
	"ok    it printed the answer's 3 addresses"
chal_check dns-client "$py aaaa $qn" 1 "FAIL  its QTYPE is 28 (AAAA): an A record is type 1"
if chal_namespace; then
	CHAL_CAPTURE=namespace chal_check dns-client "$dir/dns_client $qn" 0 "result: PASS"
	CHAL_CAPTURE=namespace chal_check dns-client "$py noid $qn" 1 "the decoy's addresses"
fi
chal_check dns-client "true" 1 "FAIL  nothing arrived at 127.0.0.1 port"
finish
