/*
 * proto_ospf.c — OSPF, IP protocol 89: version 2 (RFC 2328 appendix A.3)
 * over IPv4 and version 3 (RFC 5340 appendix A.3) over IPv6: the common
 * header with its checksum verified, Hello (timers, designated routers,
 * neighbors), Database Description (MTU, flags, sequence number), LS
 * Request entries, and the LSA headers that Database Description, LS
 * Update and LS Acknowledgment carry; an LSA's body is shown as bytes.
 *
 * The header's packet length bounds the message; what follows it inside
 * the IP payload (OSPFv2's link-local signalling block, RFC 5613) is shown
 * as bytes.  A version other than 2 or 3, a length shorter than the header
 * or past the IP payload, a Hello shorter than its fixed part or an LSA
 * length under 20 is MALFORMED.  Walks move forward by at least 4 bytes a
 * step and show at most MAX_ITEMS entries.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { V2_HDR = 24, V3_HDR = 16, LSA_HDR = 20, MAX_ITEMS = 128 };
enum { T_HELLO = 1, T_DD = 2, T_LSR = 3, T_LSU = 4, T_LSACK = 5 };

/* tcpdump's names, so the summary reads as its does. */
static const struct dis_name types[] = {
	{ T_HELLO, "Hello" }, { T_DD, "Database Description" }, { T_LSR, "LS-Request" },
	{ T_LSU, "LS-Update" }, { T_LSACK, "LS-Ack" },
};
static const struct dis_name type_helps[] = {
	{ T_HELLO, "finds neighbors and keeps the adjacency alive" },
	{ T_DD, "two routers compare the LSAs they hold" },
	{ T_LSR, "asks a neighbor for LSAs it lacks" },
	{ T_LSU, "floods LSAs: the link-state database itself" },
	{ T_LSACK, "confirms the LSAs of an update" },
};
static const struct dis_name auth_types[] = {
	{ 0, "none" }, { 1, "simple password" }, { 2, "cryptographic" },
};
static const struct dis_name lsa2_types[] = {
	{ 1, "Router" }, { 2, "Network" }, { 3, "Summary (IP network)" }, { 4, "Summary (ASBR)" },
	{ 5, "AS external" }, { 7, "NSSA AS external" }, { 9, "Opaque (link-local)" },
	{ 10, "Opaque (area-local)" }, { 11, "Opaque (AS-wide)" },
};
/* RFC 5340 A.4.2.1: the function code, the low 13 bits of the LS type. */
static const struct dis_name lsa3_types[] = {
	{ 1, "Router" }, { 2, "Network" }, { 3, "Inter-area prefix" }, { 4, "Inter-area router" },
	{ 5, "AS external" }, { 7, "NSSA" }, { 8, "Link" }, { 9, "Intra-area prefix" },
};

static void ip4_text(uint32_t a, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

static void addr_field(struct dctx *c, int sub, uint32_t off, const char *name, const char *help, uint32_t a)
{
	char t[16];
	ip4_text(a, t, sizeof t);
	dis_field(c, sub, off, 4, name, help, "%s", t);
}

/* An LSA header at p (20 bytes, both versions); returns its length field. */
static uint16_t lsa_header(struct dctx *c, int sub, uint32_t p, int v)
{
	struct rd r = rd_at(&c->r, p);
	uint16_t age = rd_be16(&r), type;
	uint8_t options = 0;
	if (v == 2) {
		options = rd_u8(&r);
		type = rd_u8(&r);
	} else {
		type = rd_be16(&r);
	}
	uint32_t id = rd_be32(&r), adv = rd_be32(&r), seq = rd_be32(&r);
	uint16_t sum = rd_be16(&r), len = rd_be16(&r);
	const char *tn = v == 2 ? dis_name(lsa2_types, DIS_COUNT(lsa2_types), type)
	                        : dis_name(lsa3_types, DIS_COUNT(lsa3_types), type & 0x1fff);
	char a[16], b[16];
	ip4_text(id, a, sizeof a);
	ip4_text(adv, b, sizeof b);
	dis_group(c, sub, p, LSA_HDR, "LSA header", "What names one link-state advertisement: its type, "
	          "its ID and the router that made it", "%s, id %s, from %s", tn ? tn : "unknown type", a, b);
	dis_field(c, sub + 1, p, 2, "LS age", "Seconds since it was made; at 3600 it is withdrawn", "%u%s",
	          age & 0x7fff, age & 0x8000 ? " (do not age)" : "");
	if (v == 2) {
		dis_field(c, sub + 1, p + 2, 1, "Options", NULL, "0x%02x", options);
		dis_field(c, sub + 1, p + 3, 1, "LS type", NULL, "%u (%s)", type, tn ? tn : "unknown");
	} else {
		dis_field(c, sub + 1, p + 2, 2, "LS type", "Bits 15-13: flooding scope; the rest: the function",
		          "0x%04x (%s)", type, tn ? tn : "unknown");
	}
	if (v == 2 && type >= 9 && type <= 11) {   /* RFC 5250 3.1: an opaque LSA splits its ID */
		dis_field(c, sub + 1, p + 4, 1, "Opaque type", "What the LSA carries: 1 traffic engineering, "
		          "4 router information, 7 extended prefix ...", "%u", id >> 24);
		dis_field(c, sub + 1, p + 5, 3, "Opaque ID", NULL, "%u", id & 0xffffff);
	} else {
		dis_field(c, sub + 1, p + 4, 4, "Link state ID", NULL, "%s", a);
	}
	dis_field(c, sub + 1, p + 8, 4, "Advertising router", NULL, "%s", b);
	dis_field(c, sub + 1, p + 12, 4, "Sequence number", "A newer copy has a higher one", "0x%08x", seq);
	dis_field(c, sub + 1, p + 16, 2, "Checksum", "Fletcher checksum of the LSA without its age", "0x%04x", sum);
	dis_field(c, sub + 1, p + 18, 2, "Length", "Bytes in the LSA, this header included", "%u", len);
	return len;
}

/* LSA headers from p to end (Database Description, LS Ack). */
static void lsa_headers(struct dctx *c, uint32_t p, uint32_t end, int v)
{
	for (int k = 0; p + LSA_HDR <= end && k < MAX_ITEMS; k++, p += LSA_HDR)
		lsa_header(c, 2, p, v);
}

static void hello(struct dctx *c, uint32_t p, uint32_t end, int v)
{
	struct rd r = rd_at(&c->r, p);
	if (end - p < 20) {   /* the same 20 bytes in both versions, laid out differently */
		dis_malformed(c, "OSPF Hello of %u bytes is shorter than its 20-byte fixed part", end - p);
		return;
	}
	dis_group(c, 1, p, end - p, "Hello", "Sent every hello interval; a router that hears itself in a "
	          "neighbor's list knows the link works both ways", NULL);
	if (v == 2) {
		uint32_t mask = rd_be32(&r);
		uint16_t hi = rd_be16(&r);
		uint8_t opt = rd_u8(&r), prio = rd_u8(&r);
		uint32_t dead = rd_be32(&r);
		addr_field(c, 2, p, "Network mask", "Both ends of a link must agree on it", mask);
		dis_field(c, 2, p + 4, 2, "Hello interval", NULL, "%u s", hi);
		dis_field(c, 2, p + 6, 1, "Options", NULL, "0x%02x", opt);
		dis_field(c, 2, p + 7, 1, "Router priority", "Who becomes designated router: highest wins, 0 never",
		          "%u", prio);
		dis_field(c, 2, p + 8, 4, "Router dead interval", "Silence after which a neighbor is dropped",
		          "%u s", dead);
	} else {
		uint32_t ifid = rd_be32(&r);
		uint8_t prio = rd_u8(&r);
		uint32_t opt = (uint32_t)rd_u8(&r) << 16;
		opt |= rd_be16(&r);
		uint16_t hi = rd_be16(&r), dead = rd_be16(&r);
		dis_field(c, 2, p, 4, "Interface ID", "The sending router's own number for this interface", "%u", ifid);
		dis_field(c, 2, p + 4, 1, "Router priority", "Who becomes designated router: highest wins, 0 never",
		          "%u", prio);
		dis_field(c, 2, p + 5, 3, "Options", NULL, "0x%06x", opt);
		dis_field(c, 2, p + 8, 2, "Hello interval", NULL, "%u s", hi);
		dis_field(c, 2, p + 10, 2, "Router dead interval", "Silence after which a neighbor is dropped",
		          "%u s", dead);
	}
	uint32_t dr = rd_be32(&r), bdr = rd_be32(&r);
	addr_field(c, 2, p + 12, "Designated router", "Speaks for the link on a broadcast network (0.0.0.0: none yet)",
	           dr);
	addr_field(c, 2, p + 16, "Backup designated router", NULL, bdr);
	for (uint32_t q = p + 20, k = 0; q + 4 <= end && k < MAX_ITEMS; q += 4, k++)
		addr_field(c, 2, q, "Active neighbor", "A router heard on this link lately", rd_be32(&r));
}

static void dbdesc(struct dctx *c, uint32_t p, uint32_t end, int v)
{
	struct rd r = rd_at(&c->r, p);
	uint16_t mtu;
	uint32_t opt;
	uint32_t fixed = v == 2 ? 8 : 12;
	if (end - p < fixed) {
		dis_malformed(c, "OSPF Database Description of %u bytes is shorter than its %u-byte fixed part",
		              end - p, fixed);
		return;
	}
	uint32_t fo;   /* where the flags are */
	dis_group(c, 1, p, end - p, "Database description", "The first step of two routers' synchronisation: "
	          "the headers of every LSA each holds", NULL);
	if (v == 2) {
		mtu = rd_be16(&r);
		opt = rd_u8(&r);
		dis_field(c, 2, p, 2, "Interface MTU", "Both ends must agree, or the adjacency stalls here", "%u", mtu);
		dis_field(c, 2, p + 2, 1, "Options", NULL, "0x%02x", opt);
		fo = p + 3;
	} else {
		rd_u8(&r);
		opt = (uint32_t)rd_u8(&r) << 16;
		opt |= rd_be16(&r);
		mtu = rd_be16(&r);
		rd_u8(&r);
		dis_field(c, 2, p + 1, 3, "Options", NULL, "0x%06x", opt);
		dis_field(c, 2, p + 4, 2, "Interface MTU", "Both ends must agree, or the adjacency stalls here", "%u", mtu);
		fo = p + 7;
	}
	uint8_t fl = rd_u8(&r);
	uint32_t seq = rd_be32(&r);
	if (dis_field(c, 2, fo, 1, "Flags", NULL, "0x%02x", fl)) {
		dis_flag(c, 3, fo, 1, "Init", "The first packet of the exchange", fl & 4);
		dis_flag(c, 3, fo, 1, "More", "More packets follow", fl & 2);
		dis_flag(c, 3, fo, 1, "Master", "The sender leads the exchange", fl & 1);
	}
	dis_field(c, 2, fo + 1, 4, "DD sequence number", NULL, "%u", seq);
	lsa_headers(c, p + fixed, end, v);
}

static void lsrequest(struct dctx *c, uint32_t p, uint32_t end, int v)
{
	dis_group(c, 1, p, end - p, "Link state request", "The LSAs the sender lacks, by type, ID and router", NULL);
	for (int k = 0; p + 12 <= end && k < MAX_ITEMS; k++, p += 12) {
		struct rd r = rd_at(&c->r, p);
		uint32_t type = rd_be32(&r), id = rd_be32(&r), adv = rd_be32(&r);
		if (v == 3)
			type &= 0xffff;
		char a[16], b[16];
		ip4_text(id, a, sizeof a);
		ip4_text(adv, b, sizeof b);
		dis_group(c, 2, p, 12, "Request", NULL, "type %u, id %s, from %s", type, a, b);
		dis_field(c, 3, p, 4, "LS type", NULL, "%u", type);
		dis_field(c, 3, p + 4, 4, "Link state ID", NULL, "%s", a);
		dis_field(c, 3, p + 8, 4, "Advertising router", NULL, "%s", b);
	}
}

static void lsupdate(struct dctx *c, uint32_t p, uint32_t end, int v)
{
	struct rd r = rd_at(&c->r, p);
	uint32_t n = rd_be32(&r);
	if (end - p < 4) {
		dis_malformed(c, "OSPF LS Update of %u bytes has no room for its LSA count", end - p);
		return;
	}
	dis_group(c, 1, p, end - p, "Link state update", "LSAs flooded to neighbors", "%u LSAs", n);
	dis_field(c, 2, p, 4, "Number of LSAs", NULL, "%u", n);
	p += 4;
	for (uint32_t k = 0; k < n && k < MAX_ITEMS && p < end; k++) {
		if (end - p < LSA_HDR) {
			dis_malformed(c, "OSPF LSA %u needs a 20-byte header, %u bytes are left", k + 1, end - p);
			return;
		}
		if (!rd_has(&c->r, p + 18, 2))
			return;   /* its length was not captured */
		uint16_t len = lsa_header(c, 2, p, v);
		if (len < LSA_HDR || len > end - p) {
			dis_malformed(c, "OSPF LSA length %u does not fit (%u bytes are left, 20 at least)", len, end - p);
			return;
		}
		if (len > LSA_HDR)
			dis_hex(c, 3, p + LSA_HDR, len - LSA_HDR, "LSA body", "Links, prefixes or metrics, by LSA type");
		p += len;
	}
}

static void lsack(struct dctx *c, uint32_t p, uint32_t end, int v)
{
	dis_group(c, 1, p, end - p, "Link state acknowledgment", "The headers of the LSAs received", NULL);
	lsa_headers(c, p, end, v);
}

/* The packet types' bodies, after the common header. */
static const struct body {
	unsigned type;
	void (*decode)(struct dctx *c, uint32_t p, uint32_t end, int v);
} bodies[] = {
	{ T_HELLO, hello }, { T_DD, dbdesc }, { T_LSR, lsrequest }, { T_LSU, lsupdate }, { T_LSACK, lsack },
};

void dis_ospf(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t v = rd_u8(r), type = rd_u8(r);
	uint16_t plen = rd_be16(r);
	uint32_t rid = rd_be32(r), area = rd_be32(r);
	uint16_t sum = rd_be16(r);
	uint32_t hdr = v == 3 ? V3_HDR : V2_HDR;
	struct pkt_info *i = c->info;
	const char *tn = dis_name(types, DIS_COUNT(types), type);
	const char *th = dis_name(type_helps, DIS_COUNT(type_helps), type);

	i->proto = "OSPF";
	int L = dis_layer(c, o, len, "Open Shortest Path First", "OSPF routers tell each other their links "
	                  "so each can compute the shortest paths of its area", NULL);
	dis_field(c, 1, o, 1, "Version", "2 over IPv4, 3 over IPv6", "%u", v);
	dis_field(c, 1, o + 1, 1, "Message type", NULL, "%u (%s%s%s)", type, tn ? tn : "unknown", th ? ": " : "",
	          th ? th : "");
	dis_field(c, 1, o + 2, 2, "Packet length", "Bytes in the OSPF packet, its header included", "%u", plen);
	addr_field(c, 1, o + 4, "Source router", "The sender's router ID", rid);
	addr_field(c, 1, o + 8, "Area ID", "0.0.0.0 is the backbone", area);
	uint16_t autype = 0;
	if (v == 3) {
		uint8_t inst = rd_u8(r);
		rd_u8(r);
		char ck[FIELD_VALUE_MAX];
		bool fits = plen >= V3_HDR && plen <= len;
		if (fits)
			dis_l4_cksum(c, o, plen, 12, 89, sum, ck, sizeof ck);
		else
			snprintf(ck, sizeof ck, "0x%04x (unverified: the length field is impossible)", sum);
		dis_field(c, 1, o + 12, 2, "Checksum", "Over the packet and an IPv6 pseudo-header, as ICMPv6's",
		          "%s", ck);
		dis_field(c, 1, o + 14, 1, "Instance ID", "Tells apart OSPF instances on one link", "%u", inst);
	} else {
		autype = rd_be16(r);
		rd_skip(r, 8);
		const char *an = dis_name(auth_types, DIS_COUNT(auth_types), autype);
		char ck[FIELD_VALUE_MAX];
		if (autype == 2 || (v == 2 && (plen < V2_HDR || plen > len))) {
			snprintf(ck, sizeof ck, "0x%04x (unverified: %s)", sum, autype == 2 ? "cryptographic "
			         "authentication replaces it" : "the length field is impossible");
		} else {
			struct rd t = rd_at(&c->r, o + V2_HDR);
			uint32_t rest = rd_sum16(&t, plen - V2_HDR);
			if (t.short_)
				snprintf(ck, sizeof ck, "0x%04x (unverified: not all bytes captured)", sum);
			else
				dis_cksum_text(c, o, 16, 12, rest, sum, ck, sizeof ck);
		}
		dis_field(c, 1, o + 12, 2, "Checksum", "Internet checksum of the packet without the "
		          "authentication field", "%s", ck);
		dis_field(c, 1, o + 14, 2, "Authentication type", NULL, "%u (%s)", autype, an ? an : "unknown");
		if (autype == 1) {
			char pw[12];
			struct rd t = rd_at(&c->r, o + 16);
			uint32_t pl = 0;   /* the password is padded with NULs */
			while (pl < 8 && rd_u8(&t) && !t.short_)
				pl++;
			dis_text(&c->r, o + 16, pl, pw, sizeof pw);
			dis_field(c, 1, o + 16, 8, "Authentication", "A password in plain text", "\"%s\"", pw);
		} else {
			dis_hex(c, 1, o + 16, 8, "Authentication", NULL);
		}
	}
	if (!dis_header_v2v3(c, "OSPF", o, hdr, v))
		return;
	if (plen < hdr || plen > len) {
		dis_malformed(c, "OSPF packet length %u is outside [%u, %u], the header and the IP payload", plen, hdr,
		              len);
		return;
	}
	i->app = "OSPF";
	/* tcpdump's length: the IP payload less an MD5 digest after the
	 * packet (its length is the auth field's fourth byte), and the
	 * packet's own when it differs. */
	uint32_t shown = len;
	if (v == 2 && autype == 2) {
		struct rd a = rd_at(&c->r, o + 19);
		uint8_t dlen = rd_u8(&a);
		if (!a.short_ && dlen <= len - plen)
			shown = len - dlen;
	}
	if (tn)
		snprintf(i->app_summary, sizeof i->app_summary, "OSPFv%u, %s, length %u", v, tn, shown);
	else
		snprintf(i->app_summary, sizeof i->app_summary, "OSPFv%u, unknown packet type (%u), length %u", v,
		         type, shown);
	dis_value(c, L, "%s", i->app_summary);
	uint32_t p = o + hdr, end = o + plen;
	const struct body *bd = DIS_FIND(bodies, type, type);
	if (bd)
		bd->decode(c, p, end, v);
	else if (end > p)
		dis_hex(c, 1, p, end - p, "Data", NULL);
	if (len > plen)
		dis_hex(c, 1, end, len - plen, "After the packet", "Bytes after the OSPF packet inside the IP payload: "
		        "an MD5 digest, link-local signalling (RFC 5613), an OSPFv3 authentication trailer (RFC 7166)");
	if (!rd_has(&c->r, o, len))
		dis_truncated(c, "OSPF packet", o, len);
}
