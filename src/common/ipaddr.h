/*
 * ipaddr.h — the address explorer's core: what a piece of text is as an IP
 * address.
 *
 * Given any text, ipaddr_parse says whether inet_pton(3) reads it as an
 * IPv4 or an IPv6 address, gives its 4 or 16 bytes (network order), the
 * canonical text inet_ntop(3) writes back (RFC 5952 for IPv6), and its class
 * in the IANA special-purpose address registries (RFC 6890 and the RFCs
 * that add to them): loopback, private, link-local, documentation... with a
 * one-line explanation for a learner.  Text that is not an address gets a
 * message saying what is wrong and, where it can tell, where.
 *
 * No I/O and no UI: the CLI (src/addr_cmd.c) and the screens format the
 * result.  inet_pton decides what is valid; the diagnosis only explains.
 */
#ifndef SOCKSCOPE_IPADDR_H
#define SOCKSCOPE_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ipaddr_class {
	IPADDR_CLASS_NONE = 0,      /* not an address */
	IPADDR_UNSPECIFIED,         /* 0.0.0.0, :: */
	IPADDR_THIS_NETWORK,        /* 0.0.0.0/8 (other than 0.0.0.0) */
	IPADDR_LOOPBACK,            /* 127.0.0.0/8, ::1 */
	IPADDR_PRIVATE,             /* RFC 1918 */
	IPADDR_SHARED,              /* 100.64.0.0/10, RFC 6598 */
	IPADDR_LINK_LOCAL,          /* 169.254.0.0/16, fe80::/10 */
	IPADDR_MULTICAST,           /* 224.0.0.0/4, ff00::/8 */
	IPADDR_DOCUMENTATION,       /* 192.0.2.0/24 ... 2001:db8::/32, 3fff::/20 */
	IPADDR_BENCHMARKING,        /* 198.18.0.0/15, 2001:2::/48 */
	IPADDR_UNIQUE_LOCAL,        /* fc00::/7 */
	IPADDR_BROADCAST,           /* 255.255.255.255 */
	IPADDR_V4MAPPED,            /* ::ffff:0:0/96 */
	IPADDR_RESERVED,            /* reserved, deprecated or not allocated */
	IPADDR_GLOBAL,              /* everything else */
};

struct ipaddr {
	int family;                 /* 4 or 6; 0 when the text is not an address */
	uint8_t bytes[16];          /* network order */
	size_t nbytes;              /* 4 or 16 */
	char canonical[48];         /* inet_ntop's text */
	enum ipaddr_class cls;
	const char *range;          /* the registry block that decided the class ("127.0.0.0/8") */
	const char *source;         /* where it is defined ("RFC 1122") */
	const char *explain;        /* one line for a learner */
	char note[120];             /* more about this one address ("scope 2: link-local"), or "" */
	char error[200];            /* family 0: what is wrong */
	int error_pos;              /* family 0: 0-based index of the offending character, or -1 */
};

/* Read `text` as inet_pton does (AF_INET first, then AF_INET6).  Returns 0
 * and fills *a for an address; -1 with a->error (and a->error_pos) set
 * otherwise.  `text` may be anything, NULL included. */
int ipaddr_parse(const char *text, struct ipaddr *a);

/* Why the canonical text differs from `text` (what inet_ntop changed), or
 * NULL when they are the same: a static string. */
const char *ipaddr_canonical_note(const struct ipaddr *a, const char *text);

/* "loopback", "private", "link-local"... ("invalid" for IPADDR_CLASS_NONE):
 * static strings. */
const char *ipaddr_class_name(enum ipaddr_class c);

/* The bytes in hex, "c0 a8 00 01". */
void ipaddr_hex(const struct ipaddr *a, char *buf, size_t n);

/* The bits: IPv4 octet by octet ("11000000.10101000.00000000.00000001"),
 * IPv6 by 16-bit group ("0010000000000001:0000110110111000:..."). */
void ipaddr_binary(const struct ipaddr *a, char *buf, size_t n);

/* Is the address inside the block written as "net/len" (e.g. "fe80::/10")?
 * False when the block is malformed or of the other family. */
bool ipaddr_in_block(const struct ipaddr *a, const char *block);

#endif
