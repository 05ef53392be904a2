/*
 * proto_icmp6.c — ICMPv6 (RFC 4443) and the neighbor discovery messages
 * 133-137 (RFC 4861).
 *
 * Error messages (types 1-4) quote as much of the offending packet as fits;
 * the quote is decoded by dis_quoted, as for ICMP.  Neighbor discovery
 * options are a walk over type-length pairs whose length (in 8-byte units)
 * must not be zero, so the walk always moves forward.
 */
#include "dissect/dissect_priv.h"

#include <arpa/inet.h>
#include <stdio.h>

enum { ICMP6_HDR = 8, ICMP6_PROTO = 58 };
enum icmp6_kind { K_OTHER, K_ECHO, K_ERROR, K_RS, K_RA, K_NS, K_NA, K_REDIRECT };

static const struct dis_name unreach_codes[] = {
	{ 0, "no route to destination" }, { 1, "communication administratively prohibited" },
	{ 2, "beyond scope of source address" }, { 3, "address unreachable" },
	{ 4, "port unreachable" }, { 5, "source address failed ingress/egress policy" },
	{ 6, "reject route to destination" },
};
static const struct dis_name timex_codes[] = {
	{ 0, "hop limit exceeded in transit" }, { 1, "fragment reassembly time exceeded" },
};
static const struct dis_name param_codes[] = {
	{ 0, "erroneous header field" }, { 1, "unrecognized next header type" },
	{ 2, "unrecognized IPv6 option" },
};

static const struct dis_icmp_type icmp6_types[] = {
	{ 1, K_ERROR, "destination unreachable", unreach_codes, DIS_COUNT(unreach_codes),
	  "The packet quoted below could not be delivered; the code says why" },
	{ 2, K_ERROR, "packet too big", NULL, 0,
	  "The quoted packet is larger than the next link's MTU; IPv6 routers never fragment" },
	{ 3, K_ERROR, "time exceeded", timex_codes, DIS_COUNT(timex_codes),
	  "The hop limit of the quoted packet ran out on the way (this is what traceroute uses)" },
	{ 4, K_ERROR, "parameter problem", param_codes, DIS_COUNT(param_codes),
	  "A header field of the quoted packet could not be processed" },
	{ 128, K_ECHO, "echo request", NULL, 0, "Ping: asks the destination for an echo reply" },
	{ 129, K_ECHO, "echo reply", NULL, 0, "The answer to an echo request (ping)" },
	{ 130, K_OTHER, "multicast listener query", NULL, 0, NULL },
	{ 131, K_OTHER, "multicast listener report", NULL, 0, NULL },
	{ 132, K_OTHER, "multicast listener done", NULL, 0, NULL },
	{ 133, K_RS, "router solicitation", NULL, 0, "Asks routers on the link to announce themselves" },
	{ 134, K_RA, "router advertisement", NULL, 0,
	  "A router announces itself and the link's prefixes" },
	{ 135, K_NS, "neighbor solicitation", NULL, 0,
	  "Asks for the link-layer address of the target (IPv6's ARP request)" },
	{ 136, K_NA, "neighbor advertisement", NULL, 0,
	  "Answers a neighbor solicitation with a link-layer address (IPv6's ARP reply)" },
	{ 137, K_REDIRECT, "redirect", NULL, 0, "A router tells the sender of a better first hop" },
	{ 143, K_OTHER, "multicast listener report v2", NULL, 0, NULL },
};

static const struct dis_name nd_options[] = {
	{ 1, "Source link-layer address" }, { 2, "Target link-layer address" },
	{ 3, "Prefix information" }, { 4, "Redirected header" }, { 5, "MTU" },
	{ 25, "Recursive DNS servers" },
};

const struct dis_icmp_type *dis_icmp6_type(uint8_t type)
{
	return DIS_FIND(icmp6_types, type, type);
}

/* The sum of the IPv6 pseudo-header (RFC 8200 §8.1): the address sums
 * dis_ipv6 left in c (the destination is the final one when a routing
 * header has segments left); false when the packet is not IPv6. */
static bool pseudo_sum(const struct dctx *c, uint32_t len, uint32_t *sum)
{
	if (c->info->ip_version != 6)
		return false;
	*sum = (len >> 16) + (len & 0xffff) + ICMP6_PROTO + c->src_sum + c->dst_sum;
	return true;
}

static void address_field(struct dctx *c, uint32_t off, const char *name, const char *help, char *out)
{
	struct rd r = rd_at(&c->r, off);
	uint8_t a[16];
	char s[46];
	rd_bytes(&r, a, 16);
	dis_fmt_ip6(a, s, sizeof s);
	if (dis_field(c, 1, off, 16, name, help, "%s", s) && out)
		snprintf(out, 46, "%s", s);
}

/* Neighbor discovery options in [p, end). */
static void nd_options_walk(struct dctx *c, uint32_t p, uint32_t end)
{
	if (p >= end)
		return;
	dis_group(c, 1, p, end - p, "Options", NULL, "%u bytes", end - p);
	while (p < end) {
		struct rd r = rd_at(&c->r, p);
		uint8_t type = rd_u8(&r), units = rd_u8(&r);
		if (r.short_)
			return;   /* the caller reports the truncated message */
		uint32_t olen = units * 8u;
		const char *n = dis_name(nd_options, DIS_COUNT(nd_options), type);
		if (olen == 0 || olen > end - p) {
			dis_malformed(c, "neighbor discovery option %u length %u %s", type, olen,
			              olen ? "runs past the end of the message" : "is zero");
			return;
		}
		if ((type == 1 || type == 2) && olen == 8) {
			uint8_t hw[6];
			char s[24];
			rd_bytes(&r, hw, 6);
			dis_fmt_hw(hw, 6, s, sizeof s);
			dis_field(c, 2, p, olen, n, "A hardware (MAC) address", "%s", s);
		} else {
			char name[FIELD_NAME_MAX];
			snprintf(name, sizeof name, "%s", n ? n : "Option");
			dis_hex(c, 2, p, olen, name, NULL);
		}
		p += olen;
	}
}

/* The body of a neighbor discovery message after the first 4 bytes. */
static void nd_body(struct dctx *c, enum icmp6_kind kind, uint32_t o, uint32_t len)
{
	struct rd r = rd_at(&c->r, o + 4);
	uint32_t w = rd_be32(&r);
	uint32_t p = o + 8;
	if (kind == K_RA) {
		struct rd t = r;
		uint32_t reachable = rd_be32(&t), retrans = rd_be32(&t);
		dis_field(c, 1, o + 4, 1, "Current hop limit", "Hop limit hosts should use", "%u", w >> 24);
		dis_field(c, 1, o + 5, 1, "Flags", "M: addresses via DHCPv6; O: other settings via DHCPv6",
		          "0x%02x", (w >> 16) & 0xffu);
		dis_field(c, 1, o + 6, 2, "Router lifetime", "Seconds this router may be the default (0: never)",
		          "%u", w & 0xffffu);
		dis_field(c, 1, o + 8, 4, "Reachable time", NULL, "%u ms", reachable);
		dis_field(c, 1, o + 12, 4, "Retransmission timer", NULL, "%u ms", retrans);
		p = o + 16;
	} else if (kind == K_NA) {
		dis_field(c, 1, o + 4, 4, "Flags", "R: sender is a router; S: answers a solicitation; "
		          "O: override the cached address", "0x%08x", w);
		dis_flag(c, 2, o + 4, 1, "Router", NULL, w & 0x80000000u);
		dis_flag(c, 2, o + 4, 1, "Solicited", NULL, w & 0x40000000u);
		dis_flag(c, 2, o + 4, 1, "Override", NULL, w & 0x20000000u);
	} else {
		dis_field(c, 1, o + 4, 4, "Reserved", "Must be zero", "0x%08x", w);
	}
	if (kind == K_NS || kind == K_NA || kind == K_REDIRECT) {
		address_field(c, o + 8, "Target address", "The address being resolved or redirected to",
		              c->quoted ? NULL : c->info->nd_target);
		p = o + 24;
	}
	if (kind == K_REDIRECT) {
		address_field(c, o + 24, "Destination address", "The destination that is redirected", NULL);
		p = o + 40;
	}
	if (p > o + len) {
		dis_malformed(c, "ICMPv6 %s of %u bytes is shorter than its %u-byte header",
		              dis_icmp_type_name(dis_icmp6_type(c->info->icmp_type)), len, p - o);
		return;
	}
	nd_options_walk(c, p, o + len);
}

void dis_icmp6(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t type = rd_u8(r), code = rd_u8(r);
	uint16_t sum = rd_be16(r), id = rd_be16(r), seq = rd_be16(r);
	const struct dis_icmp_type *t = dis_icmp6_type(type);
	struct pkt_info *i = c->info;
	enum icmp6_kind kind = t ? (enum icmp6_kind)t->kind : K_OTHER;
	char ck[64];
	uint32_t pseudo;
	if (pseudo_sum(c, len, &pseudo))
		dis_cksum_text(c, o, len, 2, pseudo, sum, ck, sizeof ck);
	else
		snprintf(ck, sizeof ck, "0x%04x (unverified)", sum);

	i->proto = "ICMPv6";
	int L = dis_layer(c, o, len > ICMP6_HDR ? len : ICMP6_HDR, "Internet Control Message Protocol v6",
	                  "ICMPv6 carries error reports, diagnostics (ping) and neighbor discovery for IPv6",
	                  NULL);
	dis_icmp_type_fields(c, o, t, type, code);
	dis_field(c, 1, o + 2, 2, "Checksum",
	          "Ones'-complement sum over an IPv6 pseudo-header and the whole message", "%s", ck);
	if (kind == K_ECHO) {
		dis_icmp_echo_fields(c, o, id, seq);
	} else if (kind == K_ERROR) {
		uint32_t w = (uint32_t)id << 16 | seq;
		if (type == 2)
			dis_field(c, 1, o + 4, 4, "MTU", "The largest packet the next link takes", "%u", w);
		else if (type == 4)
			dis_field(c, 1, o + 4, 4, "Pointer", "The offset of the bad byte in the quoted packet",
			          "%u", w);
		else
			dis_field(c, 1, o + 4, 4, "Unused", "Zero in this message type", "0x%08x", w);
	}
	if (!dis_icmp_header_done(c, L, o, "ICMPv6 header", t, type, code))
		return;
	if (len < ICMP6_HDR) {
		dis_malformed(c, "ICMPv6 message length %u is less than 8", len);
		return;
	}
	switch (kind) {
	case K_ECHO:
		i->icmp_id = id;
		i->icmp_seq = seq;
		dis_payload(c, "ICMPv6", o + ICMP6_HDR, len - ICMP6_HDR);
		return;
	case K_ERROR:
		dis_quoted(c, o + ICMP6_HDR, len - ICMP6_HDR);
		break;
	case K_OTHER:
		dis_hex(c, 1, o + 4, len - 4, "Message body", NULL);
		break;
	default:
		nd_body(c, kind, o, len);
		break;
	}
	if (!rd_has(r, o, len))
		dis_truncated(c, "ICMPv6 message", o, len);
}
