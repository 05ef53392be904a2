/*
 * test_ipaddr.c — the address explorer's core (src/common/ipaddr.c):
 * families, bytes, canonical text (RFC 5952), classes from the IANA
 * special-purpose registries, and the messages for text that is not an
 * address.
 */
#include "common/ipaddr.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

/* text must be an address of `family`, class `cls`, canonical `canon`. */
static void addr_(const char *text, int family, enum ipaddr_class cls, const char *canon, int line)
{
	struct ipaddr a;
	checks++;
	int rc = ipaddr_parse(text, &a);
	if (rc != 0 || a.family != family || a.cls != cls || (canon && strcmp(a.canonical, canon) != 0) ||
	    a.nbytes != (family == 4 ? 4u : 16u) || !a.explain || !a.range || !a.source) {
		check_fail_(__FILE__, line, "\"%s\": expected IPv%d %s \"%s\", got rc %d IPv%d %s \"%s\" (%s)",
		        text, family, ipaddr_class_name(cls), canon ? canon : "", rc, a.family, ipaddr_class_name(a.cls),
		        a.canonical, a.error);
	}
}
#define ADDR4(t, c) addr_((t), 4, (c), (t), __LINE__)
#define ADDR6(t, c, canon) addr_((t), 6, (c), (canon), __LINE__)

/* text must not be an address, and the message must contain `msg`; `pos`
 * is the expected error position (-2: do not check). */
static void bad_(const char *text, const char *msg, int pos, int line)
{
	struct ipaddr a;
	checks++;
	int rc = ipaddr_parse(text, &a);
	if (rc != -1 || a.family != 0 || a.cls != IPADDR_CLASS_NONE || !strstr(a.error, msg) ||
	    (pos != -2 && a.error_pos != pos)) {
		check_fail_(__FILE__, line, "\"%s\": expected an error with \"%s\" at %d, got rc %d: \"%s\" at %d",
		        text ? text : "(null)", msg, pos, rc, a.error, a.error_pos);
	}
}
#define BAD(t, m) bad_((t), (m), -2, __LINE__)
#define BAD_AT(t, m, p) bad_((t), (m), (p), __LINE__)

static void test_classes_v4(void)
{
	ADDR4("0.0.0.0", IPADDR_UNSPECIFIED);
	ADDR4("0.0.0.1", IPADDR_THIS_NETWORK);
	ADDR4("0.255.255.255", IPADDR_THIS_NETWORK);

	/* all of 127.0.0.0/8 is loopback, not only 127.0.0.1 */
	ADDR4("127.0.0.1", IPADDR_LOOPBACK);
	ADDR4("127.0.0.0", IPADDR_LOOPBACK);
	ADDR4("127.1.2.3", IPADDR_LOOPBACK);
	ADDR4("127.255.255.255", IPADDR_LOOPBACK);
	ADDR4("126.255.255.255", IPADDR_GLOBAL);
	ADDR4("128.0.0.0", IPADDR_GLOBAL);

	ADDR4("10.0.0.0", IPADDR_PRIVATE);
	ADDR4("10.255.255.255", IPADDR_PRIVATE);
	ADDR4("172.16.0.1", IPADDR_PRIVATE);
	ADDR4("172.31.255.255", IPADDR_PRIVATE);
	ADDR4("172.15.255.255", IPADDR_GLOBAL);
	ADDR4("172.32.0.0", IPADDR_GLOBAL);
	ADDR4("192.168.0.1", IPADDR_PRIVATE);
	ADDR4("192.168.255.255", IPADDR_PRIVATE);
	ADDR4("192.169.0.1", IPADDR_GLOBAL);

	ADDR4("100.64.0.0", IPADDR_SHARED);
	ADDR4("100.127.255.255", IPADDR_SHARED);
	ADDR4("100.63.255.255", IPADDR_GLOBAL);
	ADDR4("100.128.0.0", IPADDR_GLOBAL);

	ADDR4("169.254.0.1", IPADDR_LINK_LOCAL);
	ADDR4("169.254.255.254", IPADDR_LINK_LOCAL);
	ADDR4("169.253.0.1", IPADDR_GLOBAL);

	ADDR4("224.0.0.1", IPADDR_MULTICAST);
	ADDR4("224.0.1.1", IPADDR_MULTICAST);
	ADDR4("239.255.255.250", IPADDR_MULTICAST);
	ADDR4("223.255.255.255", IPADDR_GLOBAL);

	ADDR4("192.0.2.0", IPADDR_DOCUMENTATION);
	ADDR4("192.0.2.255", IPADDR_DOCUMENTATION);
	ADDR4("198.51.100.7", IPADDR_DOCUMENTATION);
	ADDR4("203.0.113.200", IPADDR_DOCUMENTATION);
	ADDR4("192.0.3.1", IPADDR_GLOBAL);
	ADDR4("203.0.114.1", IPADDR_GLOBAL);

	ADDR4("198.18.0.1", IPADDR_BENCHMARKING);
	ADDR4("198.19.255.255", IPADDR_BENCHMARKING);
	ADDR4("198.20.0.0", IPADDR_GLOBAL);

	ADDR4("255.255.255.255", IPADDR_BROADCAST);
	ADDR4("240.0.0.1", IPADDR_RESERVED);
	ADDR4("255.255.255.254", IPADDR_RESERVED);
	ADDR4("192.0.0.8", IPADDR_RESERVED);
	ADDR4("192.88.99.1", IPADDR_RESERVED);

	ADDR4("8.8.8.8", IPADDR_GLOBAL);
	ADDR4("1.1.1.1", IPADDR_GLOBAL);
	ADDR4("93.184.216.34", IPADDR_GLOBAL);
}

static void test_classes_v6(void)
{
	ADDR6("::", IPADDR_UNSPECIFIED, "::");
	ADDR6("0:0:0:0:0:0:0:0", IPADDR_UNSPECIFIED, "::");
	ADDR6("::1", IPADDR_LOOPBACK, "::1");
	ADDR6("0:0:0:0:0:0:0:1", IPADDR_LOOPBACK, "::1");
	ADDR6("::2", IPADDR_RESERVED, NULL);   /* deprecated IPv4-compatible; IPv6 has ONE loopback */

	ADDR6("fe80::1", IPADDR_LINK_LOCAL, "fe80::1");
	ADDR6("fe80::a00:27ff:fe4e:66a1", IPADDR_LINK_LOCAL, "fe80::a00:27ff:fe4e:66a1");
	ADDR6("febf:ffff::1", IPADDR_LINK_LOCAL, "febf:ffff::1");
	ADDR6("fec0::1", IPADDR_RESERVED, "fec0::1");

	ADDR6("ff02::1", IPADDR_MULTICAST, "ff02::1");
	ADDR6("ff05::1:3", IPADDR_MULTICAST, "ff05::1:3");
	ADDR6("FF0E::101", IPADDR_MULTICAST, "ff0e::101");

	ADDR6("2001:db8::1", IPADDR_DOCUMENTATION, "2001:db8::1");
	ADDR6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", IPADDR_DOCUMENTATION, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	ADDR6("3fff::1", IPADDR_DOCUMENTATION, "3fff::1");
	ADDR6("2001:db9::1", IPADDR_GLOBAL, "2001:db9::1");

	ADDR6("fc00::1", IPADDR_UNIQUE_LOCAL, "fc00::1");
	ADDR6("fd12:3456:789a:1::1", IPADDR_UNIQUE_LOCAL, "fd12:3456:789a:1::1");
	ADDR6("fdff:ffff::", IPADDR_UNIQUE_LOCAL, "fdff:ffff::");
	ADDR6("fe00::1", IPADDR_RESERVED, "fe00::1");

	ADDR6("::ffff:192.0.2.1", IPADDR_V4MAPPED, "::ffff:192.0.2.1");
	ADDR6("::ffff:c000:201", IPADDR_V4MAPPED, "::ffff:192.0.2.1");
	ADDR6("::ffff:127.0.0.1", IPADDR_V4MAPPED, "::ffff:127.0.0.1");
	ADDR6("0:0:0:0:0:ffff:a00:1", IPADDR_V4MAPPED, "::ffff:10.0.0.1");

	ADDR6("2001:2::1", IPADDR_BENCHMARKING, "2001:2::1");
	ADDR6("100::1", IPADDR_RESERVED, "100::1");
	ADDR6("64:ff9b::192.0.2.33", IPADDR_GLOBAL, "64:ff9b::c000:221");

	ADDR6("2001:4860:4860::8888", IPADDR_GLOBAL, "2001:4860:4860::8888");
	ADDR6("2606:4700::1111", IPADDR_GLOBAL, "2606:4700::1111");
	ADDR6("3ffe::1", IPADDR_GLOBAL, "3ffe::1");     /* inside 2000::/3, outside 3fff::/20 */
	ADDR6("4000::1", IPADDR_RESERVED, "4000::1");   /* outside 2000::/3: not allocated */
}

static void test_canonical(void)
{
	ADDR6("2001:0db8:0000:0000:0000:0000:0000:0001", IPADDR_DOCUMENTATION, "2001:db8::1");
	ADDR6("2001:DB8::1", IPADDR_DOCUMENTATION, "2001:db8::1");
	ADDR6("2001:db8:0:0:1:0:0:1", IPADDR_DOCUMENTATION, "2001:db8::1:0:0:1");       /* the first of two equal runs */
	ADDR6("2001:db8:0:0:0:1:0:0", IPADDR_DOCUMENTATION, "2001:db8::1:0:0");        /* the longest run */
	ADDR6("2001:db8:0:1:1:1:1:1", IPADDR_DOCUMENTATION, "2001:db8:0:1:1:1:1:1");   /* never '::' for one group */
	ADDR6("2001:db8::0:1", IPADDR_DOCUMENTATION, "2001:db8::1");
	ADDR6("2001:0db8::0001", IPADDR_DOCUMENTATION, "2001:db8::1");
	ADDR6("1:2:3:4:5:6:7::", IPADDR_RESERVED, "1:2:3:4:5:6:7:0");
	ADDR6("fe80:0:0:0:0:0:0:1", IPADDR_LINK_LOCAL, "fe80::1");
	ADDR6("::FFFF:192.0.2.1", IPADDR_V4MAPPED, "::ffff:192.0.2.1");

	struct ipaddr a;
	CHECK(ipaddr_parse("2001:db8::1", &a) == 0);
	CHECK(ipaddr_canonical_note(&a, "2001:db8::1") == NULL);
	CHECK(ipaddr_canonical_note(&a, "2001:DB8::1") != NULL);
}

static void test_bytes(void)
{
	struct ipaddr a;
	char buf[200];
	CHECK(ipaddr_parse("192.168.1.1", &a) == 0);
	ipaddr_hex(&a, buf, sizeof buf);
	CHECK(strcmp(buf, "c0 a8 01 01") == 0);
	ipaddr_binary(&a, buf, sizeof buf);
	CHECK(strcmp(buf, "11000000.10101000.00000001.00000001") == 0);

	CHECK(ipaddr_parse("127.0.0.1", &a) == 0);
	CHECK(a.bytes[0] == 0x7f && a.bytes[1] == 0 && a.bytes[2] == 0 && a.bytes[3] == 1);

	CHECK(ipaddr_parse("2001:db8::1", &a) == 0);
	ipaddr_hex(&a, buf, sizeof buf);
	CHECK(strcmp(buf, "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01") == 0);
	ipaddr_binary(&a, buf, sizeof buf);
	CHECK(strcmp(buf, "0010000000000001:0000110110111000:0000000000000000:0000000000000000:"
	                  "0000000000000000:0000000000000000:0000000000000000:0000000000000001") == 0);

	CHECK(ipaddr_parse("::ffff:192.0.2.1", &a) == 0);
	CHECK(a.bytes[10] == 0xff && a.bytes[11] == 0xff && a.bytes[12] == 192 && a.bytes[15] == 1);
	CHECK(strstr(a.note, "192.0.2.1") && strstr(a.note, "documentation"));

	CHECK(ipaddr_parse("ff02::1", &a) == 0);
	CHECK(strstr(a.note, "link-local") != NULL);
	CHECK(ipaddr_parse("ff0e::1", &a) == 0);
	CHECK(strstr(a.note, "global") != NULL);

	/* a short buffer is cut, never overrun */
	CHECK(ipaddr_parse("2001:db8::1", &a) == 0);
	memset(buf, 'x', sizeof buf);
	ipaddr_hex(&a, buf, 8);
	CHECK(strlen(buf) < 8);
	ipaddr_binary(&a, buf, 12);
	CHECK(strlen(buf) < 12);

	CHECK(ipaddr_parse("127.9.9.9", &a) == 0);
	CHECK(ipaddr_in_block(&a, "127.0.0.0/8"));
	CHECK(!ipaddr_in_block(&a, "127.0.0.1/32"));
	CHECK(!ipaddr_in_block(&a, "::/0"));
	CHECK(!ipaddr_in_block(&a, "garbage"));
	CHECK(ipaddr_parse("fe80::1", &a) == 0);
	CHECK(ipaddr_in_block(&a, "fe80::/10"));
	CHECK(!ipaddr_in_block(&a, "fc00::/7"));
	CHECK(strcmp(a.range, "fe80::/10") == 0);
	CHECK(ipaddr_parse("127.0.0.1", &a) == 0);
	CHECK(strcmp(a.range, "127.0.0.0/8") == 0);
	CHECK(strcmp(ipaddr_class_name(a.cls), "loopback") == 0);
}

static void test_invalid(void)
{
	BAD(NULL, "empty");
	BAD("", "empty");
	BAD_AT("256.1.1.1", "256 is larger than 255 in dotted decimal", 0);
	BAD_AT("1.2.3.999", "999 is larger than 255", 6);
	BAD_AT("1.2.3.1000", "1000 is larger than 255", 6);
	BAD("1.2.3", "3 numbers");
	BAD("1.2.3.4.5", "5 numbers");
	BAD("2130706433", "a single number");
	BAD_AT("1..2.3", "empty number", 2);
	BAD_AT("1.2.3.", "empty number", 6);
	BAD_AT("192.168.01.1", "leading zero", 8);
	BAD_AT("1.2.3.x", "'x' at position 7 is not a decimal digit", 6);
	BAD_AT("0x7f.0.0.1", "'x'", 1);
	BAD_AT(" 1.2.3.4", "blank", 0);
	BAD_AT("1.2.3.4 ", "blank", 7);
	BAD_AT("10.0.0.0/8", "prefix length", 8);
	BAD_AT("2001:db8::/32", "try '2001:db8::'", 10);
	BAD_AT("127.0.0.1:80", "looks like a port", 9);
	BAD("localhost", "looks like a name");
	BAD("example.com", "getaddrinfo");

	BAD_AT("1::2::3", "more than one '::'", 4);
	BAD("1:2:3:4:5:6:7:8:9", "9 groups");
	BAD("1:2:3:4:5:6:7", "7 groups");
	BAD("1:2:3:4:5:6:7:8::", "at most 7");
	BAD("1::2:3:4:5:6:7:8", "8 groups and a '::'");
	BAD_AT("12345::", "'12345' has 5 hex digits", 0);
	BAD_AT("2001:db8::g", "'g' at position 11 is not a hex digit", 10);
	BAD_AT(":::", "three colons", 0);
	BAD_AT("1:::2", "three colons", 1);
	BAD_AT(":1::2", "a single ':' at the start", 0);
	BAD_AT("1::2:", "a single ':' at the end", 4);
	BAD_AT("fe80::1%eth0", "zone", 7);
	BAD_AT("[::1]", "brackets", 0);
	BAD("::ffff:1.2.3", "3 numbers");
	BAD("::ffff:256.1.1.1", "256 is larger than 255");
	BAD("::ffff:01.2.3.4", "leading zero");
	BAD_AT("1.2.3.4::", "may only end an address", 0);
	BAD("1:2:3:4:5:6:7:1.2.3.4", "9 groups");
	BAD("\x01", "0x01");

	/* whatever the diagnosis, inet_pton's verdict stands: every message is non-empty */
	static const char *const junk[] = { ":", ".", "::.", "1.", ":1", "-1", "+1.2.3.4", "1.2.3.4\n", "ffff", "::ffff::" };
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		struct ipaddr a;
		CHECK(ipaddr_parse(junk[i], &a) == -1 && a.error[0] != '\0' && a.family == 0);
	}
}

int main(void)
{
	test_classes_v4();
	test_classes_v6();
	test_canonical();
	test_bytes();
	test_invalid();
	return check_done("test_ipaddr");
}
