/*
 * proto_ipv6.c — the IPv6 header and its extension headers (RFC 8200).
 *
 * Hop-by-hop options (0), routing (43), fragment (44) and destination
 * options (60) headers are walked, each shown as its own layer, before the
 * upper-layer header is handed on.  Hop-by-hop and destination options
 * are TLVs (RFC 8200 4.2: Pad1, PadN, router alert RFC 2711, jumbo payload
 * RFC 2675, others by number with the action their top bits ask of a node
 * that does not know them); a TLV running past its header is malformed.
 * Routing type 0 (RFC 5095: deprecated) lists addresses, type 4 (segment
 * routing, RFC 8754) segments; with segments left, the pseudo-header of the
 * upper layer uses the final destination (RFC 8200 8.1).  The walk only moves forward, by at least
 * 8 bytes a step, and stops after MAX_EXT headers.
 */
#include "dissect/dissect_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

enum { IPV6_HDR = 40, MAX_EXT = 8 };
enum { EXT_HOPOPTS = 0, EXT_ROUTING = 43, EXT_FRAGMENT = 44, EXT_DSTOPTS = 60 };

static const char H_NEXT[] = "Which header follows: an extension header or the upper-layer protocol";

void dis_fmt_ip6(const uint8_t a[16], char *buf, size_t n)
{
	/* inet_ntop's text (RFC 5952: the first longest run of two or more
	 * zero groups as "::", hex without leading zeros) made by hand, as
	 * every IPv6 packet of a list formats two; addresses whose first 80
	 * bits are zero may get a dotted IPv4 tail, and go to inet_ntop. */
	static const uint8_t zero10[10];
	if (n < INET6_ADDRSTRLEN || !memcmp(a, zero10, sizeof zero10)) {
		if (!inet_ntop(AF_INET6, a, buf, (socklen_t)n))
			snprintf(buf, n, "?");
		return;
	}
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, blen = 0;
	for (int k = 0, run = 0; k < 8; k++) {
		w[k] = (unsigned)a[2 * k] << 8 | a[2 * k + 1];
		run = w[k] ? 0 : run + 1;
		if (run > blen) {
			blen = run;
			best = k - run + 1;
		}
	}
	if (blen < 2)
		best = -1;
	char *o = buf;
	for (int k = 0; k < 8; k++) {
		if (k == best) {
			*o++ = ':';
			if (best + blen == 8)
				*o++ = ':';
			k += blen - 1;
			continue;
		}
		if (k)
			*o++ = ':';
		bool lead = true;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned x = w[k] >> sh & 15;
			if (x || !lead || sh == 0) {
				*o++ = hex[x];
				lead = false;
			}
		}
	}
	*o = '\0';
}

static bool is_ext(uint8_t nh)
{
	return nh == EXT_HOPOPTS || nh == EXT_ROUTING || nh == EXT_FRAGMENT || nh == EXT_DSTOPTS;
}

static const struct dis_name tlv_names[] = {
	{ 0x00, "Pad1" }, { 0x01, "PadN" }, { 0x05, "Router alert" }, { 0xc2, "Jumbo payload" },
	{ 0xc9, "Home address" }, { 0x63, "RPL option" }, { 0x6d, "MPL option" },
};
static const char *const tlv_actions[] = {
	"skip it", "discard the packet", "discard and send ICMP parameter problem",
	"discard and send ICMP parameter problem unless multicast",
};

/* The TLV options of a hop-by-hop or destination options header, [p, end). */
static void ext_options(struct dctx *c, uint32_t p, uint32_t end)
{
	struct rd r = rd_at(&c->r, p);
	dis_group(c, 1, p, end - p, "Options", "Type-length-value options for routers (hop-by-hop) "
	          "or the destination", "%u bytes", end - p);
	while (r.off < end) {
		uint32_t at = r.off;
		uint8_t type = rd_u8(&r);
		char nb[FIELD_NAME_MAX];
		const char *name = dis_name_or(tlv_names, DIS_COUNT(tlv_names), type, nb, sizeof nb, "Option 0x%02x", type);
		if (type == 0) {
			dis_field(c, 2, at, 1, name, "One byte of padding", NULL);
			continue;
		}
		uint8_t olen = rd_u8(&r);
		if (r.short_)
			return;
		if (end - at < 2 || olen > end - at - 2) {
			dis_malformed(c, "IPv6 option %s length %u runs past the end of its header", name, olen);
			return;
		}
		if (type == 1)
			dis_field(c, 2, at, 2u + olen, name, "Padding", "%u bytes", 2u + olen);
		else if (type == 5 && olen == 2)
			dis_field(c, 2, at, 4, name, "RFC 2711: routers on the path should look at this packet "
			          "(MLD, RSVP)", "value %u", rd_be16(&r));
		else if (type == 0xc2 && olen == 4)
			dis_field(c, 2, at, 6, name, "RFC 2675: the real length of a packet over 65535 bytes",
			          "%u bytes", rd_be32(&r));
		else
			dis_field(c, 2, at, 2u + olen, name, "The top two bits of the type say what a node that "
			          "does not know the option must do", "%u bytes of data; if unknown: %s", olen,
			          tlv_actions[type >> 6]);
		rd_seek(&r, at + 2u + olen);
	}
}

static void next_field(struct dctx *c, uint32_t off, uint8_t nh)
{
	const char *n = dis_ipproto_name(nh);
	dis_field(c, 1, off, 1, "Next header", H_NEXT, "%u (%s)", nh, n ? n : "unknown");
}

/* The addresses of a type 0 or type 4 routing header at p, hl bytes. */
static void routing(struct dctx *c, uint8_t rtype, uint8_t segs, uint32_t p, uint32_t hl)
{
	if (!rd_has(&c->r, p, hl) || hl < 8 || (rtype != 0 && rtype != 4)) {
		if (hl > 4)
			dis_hex(c, 1, p + 4, hl - 4, "Type-specific data", NULL);
		return;
	}
	struct rd r = rd_at(&c->r, p + 4);
	uint8_t last = rd_u8(&r), flags = rd_u8(&r);
	uint16_t tag = rd_be16(&r);
	if (rtype == 4) {
		dis_field(c, 1, p + 4, 1, "Last entry", "Index of the last segment in the list (the first to visit)",
		          "%u", last);
		dis_field(c, 1, p + 5, 1, "Flags", NULL, "0x%02x", flags);
		dis_field(c, 1, p + 6, 2, "Tag", "Marks packets of a class or group", "%u", tag);
	} else {
		dis_field(c, 1, p + 4, 4, "Reserved", NULL, "0x%02x%02x%04x", last, flags, tag);
	}
	unsigned n = (hl - 8) / 16;
	uint8_t a[16];
	char s[46];
	for (unsigned k = 0; k < n; k++) {
		rd_bytes(&r, a, 16);
		dis_fmt_ip6(a, s, sizeof s);
		dis_field(c, 1, p + 8 + 16 * k, 16, rtype == 4 ? "Segment" : "Address",
		          rtype == 4 ? "Segments are listed last-to-visit first" : "A hop to visit on the way",
		          "%s", s);
		/* The upper layer's pseudo-header uses the final destination:
		 * the last address (type 0) or segment 0 (type 4). */
		if (segs && ((rtype == 0 && k == n - 1) || (rtype == 4 && k == 0))) {
			c->dst_sum = 0;
			for (int j = 0; j < 16; j += 2)
				c->dst_sum += (uint32_t)(a[j] << 8 | a[j + 1]);
		}
	}
}

/* One extension header at p with `left` payload bytes from p on.  Returns
 * its length and sets *next, or returns 0 after reporting a problem.  A
 * fragment header sets *frag to its offset in bytes, ORed with 1 when more
 * fragments follow (offsets are multiples of 8, so bit 0 is free). */
static uint32_t ext_header(struct dctx *c, uint8_t type, uint32_t p, uint32_t left, uint8_t *next,
                           uint32_t *frag)
{
	struct rd *r = &c->r;
	rd_seek(r, p);
	uint8_t nh = rd_u8(r), x = rd_u8(r);
	uint32_t hl = type == EXT_FRAGMENT ? 8 : (x + 1u) * 8;
	const char *name = dis_ipproto_name(type);

	dis_layer(c, p, hl, name, type == EXT_FRAGMENT ?
	          "Added by the sender when it split a packet into fragments" :
	          "Optional information for routers or the destination", NULL);
	next_field(c, p, nh);
	if (type == EXT_FRAGMENT) {
		uint16_t om = rd_be16(r);
		uint32_t id = rd_be32(r);
		dis_field(c, 1, p + 1, 1, "Reserved", "Must be zero", "%u", x);
		dis_field(c, 1, p + 2, 2, "Fragment offset",
		          "Where this fragment's data belongs in the original packet, in 8-byte units",
		          "%u (x 8 = byte %u)", om >> 3, (om >> 3) * 8u);
		dis_flag(c, 1, p + 2, 2, "More fragments", "More fragments of this packet follow", om & 1);
		dis_field(c, 1, p + 4, 4, "Identification", "The same in every fragment of one packet",
		          "0x%08x", id);
		*frag = (om >> 3) * 8u | (om & 1u);
	} else {
		dis_field(c, 1, p + 1, 1, "Header length",
		          "In 8-byte units, not counting the first 8 bytes", "%u (%u bytes)", x, hl);
		if (type == EXT_ROUTING) {
			uint8_t rtype = rd_u8(r), segs = rd_u8(r);
			dis_field(c, 1, p + 2, 1, "Routing type",
			          "0: source route (deprecated, RFC 5095); 2: mobile IPv6; 3: RPL; 4: segment routing",
			          "%u (%s)", rtype, rtype == 0 ? "source route, deprecated" : rtype == 2 ? "mobile IPv6" :
			          rtype == 3 ? "RPL" : rtype == 4 ? "segment routing" : "unknown");
			dis_field(c, 1, p + 3, 1, "Segments left", "Route segments still to visit", "%u", segs);
			routing(c, rtype, segs, p, hl);
		} else if (rd_has(r, p, hl)) {
			ext_options(c, p + 2, p + hl);
		} else {
			dis_hex(c, 1, p + 2, hl - 2, "Options", NULL);
		}
	}
	if (!rd_has(r, p, 2)) {
		dis_truncated(c, name, p, 2);
		return 0;
	}
	if (hl > left) {
		dis_malformed(c, "%s length %u exceeds the %u bytes left in the payload", name, hl, left);
		return 0;
	}
	if (!rd_has(r, p, hl)) {
		dis_truncated(c, name, p, hl);
		return 0;
	}
	*next = nh;
	return hl;
}

uint32_t dis_ipv6(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint32_t vtf = rd_be32(r);
	uint16_t plen = rd_be16(r);
	uint8_t nh = rd_u8(r), hlim = rd_u8(r);
	uint8_t a[16], b[16];
	rd_bytes(r, a, 16);
	rd_bytes(r, b, 16);

	unsigned version = vtf >> 28;
	uint8_t tc = (uint8_t)(vtf >> 20);
	char src[46], dst[46];
	dis_fmt_ip6(a, src, sizeof src);
	dis_fmt_ip6(b, dst, sizeof dst);

	c->info->proto = "IPv6";
	int L = dis_layer(c, o, IPV6_HDR, "Internet Protocol version 6",
	                  "IPv6 carries a packet from one host to another, across networks", NULL);
	dis_field(c, 1, o, 1, "Version", "6 for IPv6", "%u", version);
	dis_field(c, 1, o, 2, "Traffic class", "The DSCP and ECN bits, as in IPv4's DS field", "0x%02x", tc);
	dis_ds_fields(c, o, 2, tc);
	dis_field(c, 1, o + 1, 3, "Flow label",
	          "Chosen by the sender to mark packets of one flow (often a hash of the connection)",
	          "0x%05x", vtf & 0xfffffu);
	dis_field(c, 1, o + 4, 2, "Payload length",
	          "Bytes after this 40-byte header, extension headers included", "%u", plen);
	next_field(c, o + 6, nh);
	dis_field(c, 1, o + 7, 1, "Hop limit",
	          "Hops left: every router subtracts one and drops the packet at zero", "%u", hlim);
	if (!dis_ip_addrs(c, L, o, 8, 16, src, dst, IPV6_HDR, version, 6))
		return 0;
	struct pkt_info *i = c->info;
	dis_ip_info(c, 6, src, dst, a, b, hlim, nh);
	c->src_sum = c->dst_sum = 0;
	for (int k = 0; k < 16; k += 2) {
		c->src_sum += (uint32_t)(a[k] << 8 | a[k + 1]);
		c->dst_sum += (uint32_t)(b[k] << 8 | b[k + 1]);
	}
	uint32_t p = o + IPV6_HDR, left = plen, frag = 0;
	for (int n = 0; n < MAX_EXT && is_ext(nh); n++) {
		uint32_t hl = ext_header(c, nh, p, left, &nh, &frag);
		if (!hl)
			return IPV6_HDR + plen;
		p += hl;
		left -= hl;
	}
	i->ip_proto = nh;
	rd_seek(r, p);
	if (is_ext(nh)) {
		dis_data(c, "IPv6 extension headers", p, left);
		dis_unsupported(c, "more than %d IPv6 extension headers", MAX_EXT);
	} else {
		dis_ip_payload(c, nh, left, frag & ~1u, frag & 1u);
	}
	return IPV6_HDR + plen;
}
