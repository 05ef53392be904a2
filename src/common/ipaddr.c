/*
 * ipaddr.c — what a piece of text is as an IP address (see ipaddr.h).
 *
 * Validity is inet_pton(3)'s verdict; the diagnosis of invalid text walks
 * the text by the rules inet_pton applies (RFC 4291 section 2.2 for IPv6,
 * four decimal numbers 0..255 for IPv4) only to say what is wrong.  The
 * classes come from the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890 and its successors) plus the multicast blocks; the
 * most specific block that holds the address wins.
 */
#include "common/ipaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct block {
	int family;
	const char *prefix;         /* "127.0.0.0/8" */
	enum ipaddr_class cls;
	const char *source;
	const char *explain;
};

static const struct block blocks[] = {
	/* ---- IPv4 ---- */
	{ 4, "0.0.0.0/32", IPADDR_UNSPECIFIED, "RFC 1122, RFC 6890",
	  "The unspecified address: 'no address yet' as a source; bind() to it (INADDR_ANY) means every local address." },
	{ 4, "0.0.0.0/8", IPADDR_THIS_NETWORK, "RFC 1122, RFC 6890",
	  "'This host on this network': only ever a source address, while a host is still learning its own; never routed." },
	{ 4, "10.0.0.0/8", IPADDR_PRIVATE, "RFC 1918",
	  "Private use: any network may use it inside; never routed on the Internet (reached from outside only through NAT)." },
	{ 4, "100.64.0.0/10", IPADDR_SHARED, "RFC 6598",
	  "Shared address space for carrier-grade NAT, between an ISP and its customers' routers; not routed on the Internet." },
	{ 4, "127.0.0.0/8", IPADDR_LOOPBACK, "RFC 1122, RFC 6890",
	  "Loopback: the whole 127.0.0.0/8 block (not only 127.0.0.1) means this host; packets to it never leave the machine." },
	{ 4, "169.254.0.0/16", IPADDR_LINK_LOCAL, "RFC 3927",
	  "Link-local: valid on one link only (self-assigned when no DHCP server answers); routers never forward it." },
	{ 4, "172.16.0.0/12", IPADDR_PRIVATE, "RFC 1918",
	  "Private use (172.16.0.0 to 172.31.255.255): any network may use it inside; never routed on the Internet." },
	{ 4, "192.0.0.0/24", IPADDR_RESERVED, "RFC 6890",
	  "IETF protocol assignments: set aside for special protocols; not globally reachable as a block." },
	{ 4, "192.0.2.0/24", IPADDR_DOCUMENTATION, "RFC 5737",
	  "Documentation (TEST-NET-1): for examples in books and manuals; never used on a real network." },
	{ 4, "192.88.99.0/24", IPADDR_RESERVED, "RFC 7526",
	  "Formerly the 6to4 relay anycast prefix; deprecated, not to be used." },
	{ 4, "192.168.0.0/16", IPADDR_PRIVATE, "RFC 1918",
	  "Private use (the home-router range): any network may use it inside; never routed on the Internet." },
	{ 4, "198.18.0.0/15", IPADDR_BENCHMARKING, "RFC 2544",
	  "Benchmarking: for testing network devices in a lab; not routed on the Internet." },
	{ 4, "198.51.100.0/24", IPADDR_DOCUMENTATION, "RFC 5737",
	  "Documentation (TEST-NET-2): for examples in books and manuals; never used on a real network." },
	{ 4, "203.0.113.0/24", IPADDR_DOCUMENTATION, "RFC 5737",
	  "Documentation (TEST-NET-3): for examples in books and manuals; never used on a real network." },
	{ 4, "224.0.0.0/4", IPADDR_MULTICAST, "RFC 5771",
	  "Multicast: one packet goes to every member of a group; a destination only, never a source." },
	{ 4, "224.0.0.0/24", IPADDR_MULTICAST, "RFC 5771",
	  "Multicast, local network control block (224.0.0.1 = all hosts on this link); routers never forward it." },
	{ 4, "240.0.0.0/4", IPADDR_RESERVED, "RFC 1112, RFC 6890",
	  "Reserved for future use (the old class E); hosts and routers do not use it." },
	{ 4, "255.255.255.255/32", IPADDR_BROADCAST, "RFC 919, RFC 8190",
	  "Limited broadcast: every host on this link; routers never forward it." },

	/* ---- IPv6 ---- */
	{ 6, "::/128", IPADDR_UNSPECIFIED, "RFC 4291",
	  "The unspecified address: 'no address yet' as a source; bind() to it (in6addr_any) means every local address." },
	{ 6, "::1/128", IPADDR_LOOPBACK, "RFC 4291",
	  "Loopback: this host.  IPv6 has exactly one loopback address, not a block like IPv4's 127.0.0.0/8." },
	{ 6, "::/96", IPADDR_RESERVED, "RFC 4291",
	  "Deprecated 'IPv4-compatible' address (RFC 4291 section 2.5.5.1); no longer used (inet_ntop still prints it with a dotted IPv4 tail)." },
	{ 6, "::ffff:0:0/96", IPADDR_V4MAPPED, "RFC 4291",
	  "IPv4-mapped: an IPv4 address (the last 32 bits) as an IPv6 socket sees it (ipv6(7)); never on the wire." },
	{ 6, "64:ff9b::/96", IPADDR_GLOBAL, "RFC 6052",
	  "NAT64 well-known prefix: an IPv4 address in the last 32 bits, reached through a NAT64 translator." },
	{ 6, "100::/64", IPADDR_RESERVED, "RFC 6666",
	  "Discard-only prefix: traffic to it is dropped on purpose." },
	{ 6, "2000::/3", IPADDR_GLOBAL, "RFC 4291",
	  "Global unicast: may be routed on the Internet (whether this one is in use, only its owner knows)." },
	{ 6, "2001:2::/48", IPADDR_BENCHMARKING, "RFC 5180",
	  "Benchmarking: for testing network devices in a lab; not routed on the Internet." },
	{ 6, "2001:db8::/32", IPADDR_DOCUMENTATION, "RFC 3849",
	  "Documentation: for examples in books and manuals; never used on a real network." },
	{ 6, "3fff::/20", IPADDR_DOCUMENTATION, "RFC 9637",
	  "Documentation (the larger block added in 2024): for examples; never used on a real network." },
	{ 6, "fc00::/7", IPADDR_UNIQUE_LOCAL, "RFC 4193",
	  "Unique local: for use inside a site, like IPv4's private ranges; not routed on the Internet (fd00::/8 is the half in use)." },
	{ 6, "fe80::/10", IPADDR_LINK_LOCAL, "RFC 4291",
	  "Link-local: valid on one link only; every IPv6 interface has one; using it needs the interface too (a zone, fe80::1%eth0)." },
	{ 6, "fec0::/10", IPADDR_RESERVED, "RFC 3879",
	  "Deprecated site-local prefix; no longer used." },
	{ 6, "ff00::/8", IPADDR_MULTICAST, "RFC 4291",
	  "Multicast: one packet goes to every member of a group; a destination only, never a source." },
};
#define NBLOCKS (sizeof blocks / sizeof blocks[0])

/* IPv6 outside every block above: IANA has allocated unicast only from
 * 2000::/3 (the IPv6 Address Space registry). */
static const char unallocated_v6[] =
	"Not allocated: IANA has so far handed out global unicast addresses only from 2000::/3; this space is reserved by the IETF.";
static const char global_v4[] =
	"Global unicast: may be routed on the Internet (whether this one is in use, only its owner knows).";

const char *ipaddr_class_name(enum ipaddr_class c)
{
	switch (c) {
	case IPADDR_CLASS_NONE: return "invalid";
	case IPADDR_UNSPECIFIED: return "unspecified";
	case IPADDR_THIS_NETWORK: return "this network";
	case IPADDR_LOOPBACK: return "loopback";
	case IPADDR_PRIVATE: return "private";
	case IPADDR_SHARED: return "shared";
	case IPADDR_LINK_LOCAL: return "link-local";
	case IPADDR_MULTICAST: return "multicast";
	case IPADDR_DOCUMENTATION: return "documentation";
	case IPADDR_BENCHMARKING: return "benchmarking";
	case IPADDR_UNIQUE_LOCAL: return "unique local";
	case IPADDR_BROADCAST: return "broadcast";
	case IPADDR_V4MAPPED: return "IPv4-mapped";
	case IPADDR_RESERVED: return "reserved";
	case IPADDR_GLOBAL: return "global";
	}
	return "?";
}

/* "net/len" into bytes and a length; false when malformed. */
static bool parse_block(const char *block, int *family, uint8_t net[16], unsigned *len)
{
	char buf[64];
	const char *slash = strchr(block, '/');
	if (!slash || (size_t)(slash - block) >= sizeof buf)
		return false;
	memcpy(buf, block, (size_t)(slash - block));
	buf[slash - block] = '\0';
	unsigned l = 0;
	const char *p = slash + 1;
	if (!*p)
		return false;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p) || l > 128)
			return false;
		l = l * 10 + (unsigned)(*p - '0');
	}
	if (inet_pton(AF_INET, buf, net) == 1 && l <= 32) {
		*family = 4;
	} else if (inet_pton(AF_INET6, buf, net) == 1 && l <= 128) {
		*family = 6;
	} else {
		return false;
	}
	*len = l;
	return true;
}

static bool prefix_match(const uint8_t *a, const uint8_t *net, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;
	if (memcmp(a, net, whole) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((a[whole] & mask) != (net[whole] & mask))
			return false;
	}
	return true;
}

bool ipaddr_in_block(const struct ipaddr *a, const char *block)
{
	int fam;
	uint8_t net[16];
	unsigned len;
	if (!a || !a->family || !parse_block(block, &fam, net, &len) || fam != a->family)
		return false;
	return prefix_match(a->bytes, net, len);
}

static void classify(struct ipaddr *a)
{
	const struct block *best = NULL;
	unsigned best_len = 0;
	for (size_t i = 0; i < NBLOCKS; i++) {
		int fam;
		uint8_t net[16];
		unsigned len;
		if (blocks[i].family != a->family || !parse_block(blocks[i].prefix, &fam, net, &len))
			continue;
		if (prefix_match(a->bytes, net, len) && (!best || len > best_len)) {
			best = &blocks[i];
			best_len = len;
		}
	}
	a->note[0] = '\0';
	if (!best) {
		a->cls = a->family == 4 ? IPADDR_GLOBAL : IPADDR_RESERVED;
		a->range = a->family == 4 ? "0.0.0.0/0" : "::/0";
		a->source = a->family == 4 ? "RFC 791" : "RFC 4291";
		a->explain = a->family == 4 ? global_v4 : unallocated_v6;
		return;
	}
	a->cls = best->cls;
	a->range = best->prefix;
	a->source = best->source;
	a->explain = best->explain;
	if (a->cls == IPADDR_V4MAPPED) {
		struct ipaddr inner;
		char v4[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, a->bytes + 12, v4, sizeof v4);
		if (ipaddr_parse(v4, &inner) == 0)
			snprintf(a->note, sizeof a->note, "it carries the IPv4 address %s (%s)", v4,
			         ipaddr_class_name(inner.cls));
	} else if (a->cls == IPADDR_MULTICAST && a->family == 6) {
		/* RFC 4291 section 2.7 and RFC 7346: the low 4 bits of the second byte */
		static const char *const scopes[16] = {
			[1] = "interface-local", [2] = "link-local", [3] = "realm-local", [4] = "admin-local",
			[5] = "site-local", [8] = "organization-local", [0xe] = "global",
		};
		unsigned s = a->bytes[1] & 0x0f;
		snprintf(a->note, sizeof a->note, "scope %x: %s", s, scopes[s] ? scopes[s] : "reserved or unassigned");
	}
}

/* ---- explaining invalid text ---- */

static int fail_at(struct ipaddr *a, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(struct ipaddr *a, int pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->error, sizeof a->error, fmt, ap);
	va_end(ap);
	a->error_pos = pos;
	return -1;
}

/* Dotted decimal: s[0..len) is the IPv4 text, found at `off` in the
 * input.  Sets the error and returns -1 when it finds a fault, else 0. */
static int diagnose_v4(struct ipaddr *a, const char *s, size_t len, size_t off)
{
	int parts = 0;
	size_t i = 0;
	if (len > 0 && !memchr(s, '.', len) && strspn(s, "0123456789") == len)
		return fail_at(a, -1, "a single number: dotted decimal needs exactly 4 numbers, one per byte (the older inet_aton reads one number as the whole 32-bit address; inet_pton does not)");
	for (;;) {
		size_t start = i;
		while (i < len && s[i] != '.')
			i++;
		size_t plen = i - start;
		parts++;
		if (plen == 0)
			return fail_at(a, (int)(off + start), "empty number at position %zu: two dots in a row, or a dot at the start or end",
			               off + start + 1);
		for (size_t k = start; k < i; k++)
			if (!isdigit((unsigned char)s[k]))
				return fail_at(a, (int)(off + k), "'%c' at position %zu is not a decimal digit: dotted decimal is four numbers 0 to 255",
				               s[k], off + k + 1);
		if (plen > 1 && s[start] == '0')
			return fail_at(a, (int)(off + start), "'%.*s' has a leading zero: inet_pton refuses it (the older inet_aton would read it as octal)",
			               (int)plen, s + start);
		if (plen > 3 || (plen == 3 && strncmp(s + start, "255", 3) > 0))
			return fail_at(a, (int)(off + start), "%.*s is larger than 255 in dotted decimal: each number is one byte (8 bits)",
			               (int)(plen > 20 ? 20 : plen), s + start);
		if (i >= len)
			break;
		i++;   /* the dot */
	}
	if (parts != 4)
		return fail_at(a, -1, "%d number%s: dotted decimal needs exactly 4, one per byte%s", parts, parts == 1 ? "" : "s",
		               parts < 4 ? " (the older inet_aton accepts fewer; inet_pton does not)" : "");
	return 0;
}

static bool is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

static int diagnose_v6(struct ipaddr *a, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_hex(s[i]) && s[i] != ':' && s[i] != '.')
			return fail_at(a, (int)i, "'%c' at position %zu is not a hex digit: IPv6 groups are written in hexadecimal (0-9, a-f)",
			               s[i], i + 1);
	const char *tri = strstr(s, ":::");
	if (tri)
		return fail_at(a, (int)(tri - s), "three colons in a row at position %zu: '::' is the only double separator",
		               (size_t)(tri - s) + 1);
	const char *dc = strstr(s, "::");
	if (dc) {
		const char *dc2 = strstr(dc + 2, "::");
		if (dc2)
			return fail_at(a, (int)(dc2 - s), "more than one '::' (at positions %zu and %zu): only one run of zero groups may be shortened, or the length of each run would be ambiguous",
			               (size_t)(dc - s) + 1, (size_t)(dc2 - s) + 1);
	}
	if (len >= 1 && s[0] == ':' && !(len >= 2 && s[1] == ':'))
		return fail_at(a, 0, "a single ':' at the start: only '::' may begin an address");
	if (len >= 1 && s[len - 1] == ':' && !(len >= 2 && s[len - 2] == ':'))
		return fail_at(a, (int)len - 1, "a single ':' at the end: only '::' may end an address");

	/* the groups, '::' aside */
	int groups = 0;
	size_t i = 0;
	while (i < len) {
		if (s[i] == ':') {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && s[i] != ':')
			i++;
		size_t glen = i - start;
		if (memchr(s + start, '.', glen)) {
			if (i < len)
				return fail_at(a, (int)start, "the dotted IPv4 part '%.*s' may only end an address (it fills the last 32 bits)",
				               (int)glen, s + start);
			if (diagnose_v4(a, s + start, glen, start) < 0)
				return -1;
			groups += 2;
		} else {
			if (glen > 4)
				return fail_at(a, (int)start, "'%.*s' has %zu hex digits: a group is 16 bits, at most 4 hex digits",
				               (int)(glen > 20 ? 20 : glen), s + start, glen);
			groups++;
		}
	}
	if (!dc && groups != 8)
		return fail_at(a, -1, "%d group%s: an IPv6 address is 8 groups of 16 bits (or uses '::' for a run of zero groups)",
		               groups, groups == 1 ? "" : "s");
	if (dc && groups > 7)
		return fail_at(a, (int)(dc - s), "%d groups and a '::': '::' stands for at least one zero group, so at most 7 may be written",
		               groups);
	return fail_at(a, -1, "not a valid IPv6 address");
}

/* Why is `s` (inet_pton refused it for both families) not an address? */
static int diagnose(struct ipaddr *a, const char *s)
{
	size_t len = strlen(s);
	if (len == 0)
		return fail_at(a, -1, "empty: no address given");
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)s[i]))
			return fail_at(a, (int)i, "a blank at position %zu: inet_pton takes the address alone, with no spaces", i + 1);
	for (size_t i = 0; i < len; i++)
		if (!isprint((unsigned char)s[i]))
			return fail_at(a, (int)i, "byte 0x%02x at position %zu is not part of any address", (unsigned char)s[i], i + 1);
	const char *slash = strchr(s, '/');
	if (slash)
		return fail_at(a, (int)(slash - s), "'%s' is a prefix length (CIDR notation, a block of addresses), not part of one address: try '%.*s'",
		               slash, (int)(slash - s), s);
	if (s[0] == '[')
		return fail_at(a, 0, "brackets belong to URLs and 'host:port' text ([::1]:80), not to the address itself");
	const char *pct = strchr(s, '%');
	if (pct && strchr(s, ':'))
		return fail_at(a, (int)(pct - s), "'%s' is a zone (the interface, for link-local addresses): inet_pton does not take it; getaddrinfo() does, and sin6_scope_id holds it",
		               pct);
	const char *colon = strchr(s, ':');
	if (colon) {
		if (!strchr(colon + 1, ':') && memchr(s, '.', (size_t)(colon - s)))
			return fail_at(a, (int)(colon - s), "'%s' looks like a port: an address has none (in C the port goes into sin_port, in Python into the tuple)",
			               colon);
		return diagnose_v6(a, s, len);
	}
	if (isalpha((unsigned char)s[0]))
		return fail_at(a, -1, "'%s' looks like a name, not an address: names are looked up with getaddrinfo() (DNS, /etc/hosts); inet_pton reads numbers only",
		               s);
	if (diagnose_v4(a, s, len, 0) < 0)
		return -1;
	return fail_at(a, -1, "not a valid IPv4 address");
}

int ipaddr_parse(const char *text, struct ipaddr *a)
{
	memset(a, 0, sizeof *a);
	a->error_pos = -1;
	if (!text)
		return fail_at(a, -1, "empty: no address given");
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->family = 4;
		a->nbytes = 4;
		inet_ntop(AF_INET, a->bytes, a->canonical, sizeof a->canonical);
	} else if (inet_pton(AF_INET6, text, a->bytes) == 1) {
		a->family = 6;
		a->nbytes = 16;
		inet_ntop(AF_INET6, a->bytes, a->canonical, sizeof a->canonical);
	} else {
		memset(a->bytes, 0, sizeof a->bytes);
		a->cls = IPADDR_CLASS_NONE;
		return diagnose(a, text);
	}
	classify(a);
	return 0;
}

const char *ipaddr_canonical_note(const struct ipaddr *a, const char *text)
{
	if (!a->family || !text || strcmp(a->canonical, text) == 0)
		return NULL;
	if (a->family == 6 && strchr(a->canonical, '.') && !strchr(text, '.'))
		return "inet_ntop writes the last 32 bits of this kind of address in dotted decimal";
	if (a->family == 6)
		return "RFC 5952: lowercase, no leading zeros, '::' for the longest run of two or more zero groups (the first if tied), never for one group";
	return "inet_ntop writes four decimal numbers with no leading zeros";
}

void ipaddr_hex(const struct ipaddr *a, char *buf, size_t n)
{
	size_t o = 0;
	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < a->nbytes && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%02x", i ? " " : "", a->bytes[i]);
}

void ipaddr_binary(const struct ipaddr *a, char *buf, size_t n)
{
	size_t o = 0;
	if (!n)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < a->nbytes && o + 10 < n; i++) {
		if (i && (a->family == 4 || i % 2 == 0))
			buf[o++] = a->family == 4 ? '.' : ':';
		for (int b = 7; b >= 0; b--)
			buf[o++] = (char)('0' + ((a->bytes[i] >> b) & 1));
		buf[o] = '\0';
	}
}
