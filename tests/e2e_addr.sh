# e2e_addr.sh — `sockscope addr TEXT...`, the address explorer on the command
# line: family, canonical text, bytes, bits, class, and the messages and exit
# status for text that is not an address.
# $1: the sockscope binary.
. "$(dirname "$0")/lib.sh"
bin=$1

out=$("$bin" addr 2001:0db8:0000:0000:0000:0000:0000:0001); rc=$?
[ "$rc" -eq 0 ] && pass "a valid address exits 0" || fail "exit status $rc for a valid address"
expect_in "$out" "IPv6 address: 128 bits" "IPv6 recognised"
expect_in "$out" "canonical: 2001:db8::1" "RFC 5952 canonical text"
expect_in "$out" "bytes:     20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01" "the 16 bytes"
expect_in "$out" "0010000000000001:0000110110111000" "the bits by 16-bit group"
expect_in "$out" "class:     documentation  (2001:db8::/32, RFC 3849)" "documentation class"

out=$("$bin" addr 127.1.2.3)
expect_in "$out" "IPv4 address: 32 bits" "IPv4 recognised"
expect_in "$out" "bytes:     7f 01 02 03" "the 4 bytes"
expect_in "$out" "binary:    01111111.00000001.00000010.00000011" "the bits by octet"
expect_in "$out" "class:     loopback  (127.0.0.0/8" "all of 127/8 is loopback"

out=$("$bin" addr ::ffff:c000:201)
expect_in "$out" "canonical: ::ffff:192.0.2.1" "IPv4-mapped canonical text"
expect_in "$out" "class:     IPv4-mapped" "IPv4-mapped class"
expect_in "$out" "it carries the IPv4 address 192.0.2.1 (documentation)" "the embedded IPv4 address"

out=$("$bin" addr 10.1.2.3 100.64.0.1 169.254.1.1 224.0.0.251 255.255.255.255 0.0.0.0 :: fe80::1 fd00::1 ff02::1 8.8.8.8)
for c in "private  (10.0.0.0/8" "shared  (100.64.0.0/10" "link-local  (169.254.0.0/16" "multicast  (224.0.0.0/24" \
         "broadcast  (255.255.255.255/32" "unspecified  (0.0.0.0/32" "unspecified  (::/128" "link-local  (fe80::/10" \
         "unique local  (fc00::/7" "multicast  (ff00::/8" "global  (0.0.0.0/0"; do
	expect_in "$out" "class:     $c" "class $c)"
done
expect_in "$out" "scope 2: link-local" "multicast scope"

out=$("$bin" addr 1.2.3.4 256.1.1.1 2>&1); rc=$?
[ "$rc" -eq 1 ] && pass "an invalid address exits 1" || fail "exit status $rc with an invalid address"
expect_in "$out" "class:     global" "the valid one is still shown"
expect_in "$out" "not an address: 256 is larger than 255 in dotted decimal" "256 > 255"
out=$("$bin" addr 1::2::3 1:2:3:4:5:6:7:8:9 192.168.01.1 localhost 10.0.0.0/8 2>&1)
expect_in "$out" "more than one '::'" "two '::'"
expect_in "$out" "9 groups" "nine groups"
expect_in "$out" "leading zero" "leading zero"
expect_in "$out" "looks like a name" "a name is not an address"
expect_in "$out" "prefix length" "CIDR is not an address"
# the caret stands under the offending character
out=$("$bin" addr 1::2::3)
expect_in "$out" "$(printf '1::2::3\n    ^')" "caret under the second '::'"

"$bin" addr > /dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && pass "no argument is a usage error" || fail "exit status $rc without arguments"
out=$("$bin" addr --help); rc=$?
[ "$rc" -eq 0 ] && pass "--help exits 0" || fail "--help: exit status $rc"
expect_in "$out" "usage: sockscope addr" "--help prints the usage"
# addr needs no lessons and no capture
out=$(SOCKSCOPE_LESSONS=/nonexistent "$bin" addr ::1 2>&1)
expect_in "$out" "class:     loopback" "works without the lessons"
finish
