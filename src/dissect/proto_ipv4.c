/*
 * proto_ipv4.c — the IPv4 header (RFC 791), with the DS field of RFC 2474
 * and the ECN bits of RFC 3168 (shared with IPv6's traffic class).
 *
 * Only a first fragment (offset 0) has a transport header to decode; later
 * fragments are shown as data.  The fragment offset counts 8-byte units and
 * is shown so, with the byte position it stands for; a "Fragment" field
 * says which part of the datagram this packet is.  Options (RFC 791 3.1,
 * router alert RFC 2113) are walked like TCP's: one-byte EOL/NOP, else type,
 * length (at least 2, within the header), data; a bad length is malformed.
 * A total length shorter than the header is malformed; one longer than what
 * was captured is not — the decoders after this one report what of their
 * part is missing.  A total length of 0 in a whole frame is segmentation
 * offload's (TSO, BIG TCP): the length is then taken from the frame.
 */
#include "dissect/dissect_priv.h"
#include "common/strbuf.h"

#include <stdio.h>

enum { IPV4_MIN_HDR = 20 };

static const struct dis_name ecn_names[] = {
	{ 0, "Not-ECT: not ECN-capable" }, { 1, "ECT(1): ECN-capable" },
	{ 2, "ECT(0): ECN-capable" }, { 3, "CE: congestion experienced" },
};

void dis_ds_fields(struct dctx *c, uint32_t off, uint32_t len, uint8_t ds)
{
	dis_field(c, 2, off, len, "DSCP",
	          "Differentiated services code point: the packet's forwarding class (RFC 2474)", "%u",
	          ds >> 2);
	dis_field(c, 2, off, len, "ECN",
	          "Explicit congestion notification: a router may mark CE instead of dropping (RFC 3168)",
	          "%u (%s)", ds & 3u, dis_name(ecn_names, DIS_COUNT(ecn_names), ds & 3u));
}

/* RFC 791 3.1 and the IANA "IP Option Numbers" registry (the whole type
 * byte: copied flag, class, number). */
static const struct dis_name ipopts[] = {
	{ 0, "End of options list" }, { 1, "No-operation" }, { 7, "Record route" },
	{ 68, "Timestamp" }, { 130, "Security" }, { 131, "Loose source route" },
	{ 136, "Stream ID" }, { 137, "Strict source route" }, { 148, "Router alert" },
};

/* "%u.%u.%u.%u" by hand: every IPv4 packet of a list formats two. */
static void dotted_quad(const uint8_t a[4], char out[16])
{
	struct strbuf b = sb_make(out, 16);
	for (int k = 0; k < 4; k++) {
		if (k)
			sb_char(&b, '.');
		sb_u64(&b, a[k]);
	}
}

/* Walk the options in [p, end), all captured.  Returns false after
 * reporting a malformed option. */
static bool options(struct dctx *c, uint32_t p, uint32_t end)
{
	struct rd r = rd_at(&c->r, p);
	while (r.off < end) {
		uint32_t at = r.off;
		uint8_t type = rd_u8(&r);
		char nb[FIELD_NAME_MAX];
		const char *name = dis_name_or(ipopts, DIS_COUNT(ipopts), type, nb, sizeof nb, "Option %u", type);
		if (type == 0 || type == 1) {
			dis_field(c, 2, at, 1, name, type ? "Padding that aligns the next option" :
			          "Ends the options; what follows is padding", NULL);
			if (type == 0)
				return true;
			continue;
		}
		uint8_t olen = rd_u8(&r);
		if (r.off > end || olen < 2 || olen > end - at) {
			dis_malformed(c, "IPv4 option %s (type %u) length %u %s", name, type, olen,
			              olen < 2 ? "is less than 2" : "runs past the end of the header");
			return false;
		}
		char v[FIELD_VALUE_MAX] = "";
		if (type == 148 && olen == 4) {
			snprintf(v, sizeof v, "value %u (every router on the path should look at this packet)",
			         rd_be16(&r));
		} else if ((type == 7 || type == 131 || type == 137) && olen >= 3) {
			unsigned ptr = rd_u8(&r), n = (olen - 3u) / 4;
			snprintf(v, sizeof v, "pointer %u, %u address slot%s", ptr, n, n == 1 ? "" : "s");
			for (unsigned k = 0; k < n; k++) {
				uint8_t a[4];
				rd_bytes(&r, a, 4);
				dis_appendf(v, sizeof v, "%s%u.%u.%u.%u", k ? ", " : ": ", a[0], a[1], a[2], a[3]);
			}
		} else {
			snprintf(v, sizeof v, "%u bytes", olen);
		}
		dis_field(c, 2, at, olen, name, type == 148 ? "RFC 2113: routers should examine this packet "
		          "(used by IGMP and RSVP)" : type == 7 ? "Each router writes its address into the next "
		          "free slot" : NULL, "%s", v);
		rd_seek(&r, at + olen);
	}
	return true;
}

uint32_t dis_ipv4(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t vihl = rd_u8(r), tos = rd_u8(r);
	uint32_t tot = rd_be16(r);
	uint16_t id = rd_be16(r), frag = rd_be16(r);
	uint8_t ttl = rd_u8(r), proto = rd_u8(r);
	uint16_t sum = rd_be16(r);
	uint8_t a[4], b[4];
	rd_bytes(r, a, 4);
	rd_bytes(r, b, 4);

	unsigned version = vihl >> 4, ihl = vihl & 15u, hl = ihl * 4;
	uint32_t foff = (frag & 0x1fffu) * 8;
	bool rsv = frag & 0x8000, df = frag & 0x4000, mf = frag & 0x2000;
	const char *pname = dis_ipproto_name(proto);
	char src[16], dst[16], ck[64];
	dotted_quad(a, src);
	dotted_quad(b, dst);
	dis_cksum_text(c, o, hl, 10, 0, sum, ck, sizeof ck);

	c->info->proto = "IPv4";
	int L = dis_layer(c, o, hl > IPV4_MIN_HDR ? hl : IPV4_MIN_HDR, "Internet Protocol version 4",
	                  "IPv4 carries a packet from one host to another, across networks", NULL);
	dis_field(c, 1, o, 1, "Version", "4 for IPv4", "%u", version);
	dis_field(c, 1, o, 1, "Header length",
	          "IHL: the header's length in 32-bit words; 5 (20 bytes) when there are no options",
	          "%u bytes (IHL %u)", hl, ihl);
	dis_field(c, 1, o + 1, 1, "Differentiated services", "The DSCP and ECN bits", "0x%02x", tos);
	dis_ds_fields(c, o + 1, 1, tos);
	/* 0 is what a sender using segmentation offload (TSO, Linux's BIG TCP
	 * over 64 KiB) leaves for the card to fill in: the frame says how long. */
	bool offload = tot == 0 && !c->quoted && r->len - o >= IPV4_MIN_HDR && c->d->wirelen == c->d->caplen;
	if (offload)
		tot = r->len - o;
	dis_field(c, 1, o + 2, 2, "Total length", "Bytes in the whole packet: header and data",
	          offload ? "0 (not set: segmentation offload; taken as %u from the frame)" : "%u", tot);
	dis_field(c, 1, o + 4, 2, "Identification",
	          "Tells the fragments of one datagram apart so the receiver can reassemble it",
	          "0x%04x (%u)", id, id);
	dis_field(c, 1, o + 6, 1, "Flags", "Fragmentation control bits", "0x%x%s%s", frag >> 13,
	          df ? " (DF)" : "", mf ? " (MF)" : "");
	dis_flag(c, 2, o + 6, 1, "Reserved bit", "Must be zero", rsv);
	dis_flag(c, 2, o + 6, 1, "Don't fragment",
	         "Drop the packet rather than split it; path MTU discovery relies on this", df);
	dis_flag(c, 2, o + 6, 1, "More fragments", "More fragments of this datagram follow this one", mf);
	dis_field(c, 1, o + 6, 2, "Fragment offset",
	          "Where this fragment's data belongs in the original datagram, counted in 8-byte units "
	          "(so every fragment but the last carries a multiple of 8 bytes)",
	          "%u (x 8 = byte %u)", foff / 8, foff);
	if (foff || mf)
		dis_field(c, 1, o + 6, 2, "Fragment",
		          "A datagram too big for a link is split; the receiver reassembles the fragments by "
		          "identification, offset and the MF flag",
		          "%s", !foff ? "first fragment (more follow): it carries the transport header" :
		          mf ? "middle fragment: data only, more follow" :
		          "last fragment: data only, no transport header");
	dis_field(c, 1, o + 8, 1, "Time to live",
	          "Hops left: every router subtracts one and drops the packet at zero", "%u", ttl);
	dis_field(c, 1, o + 9, 1, "Protocol", "Which protocol's header follows the IP header",
	          "%u (%s)", proto, pname ? pname : "unknown");
	dis_field(c, 1, o + 10, 2, "Header checksum",
	          "Ones'-complement sum over the IPv4 header only; routers update it as the TTL drops",
	          "%s", ck);
	if (!dis_ip_addrs(c, L, o, 12, 4, src, dst, IPV4_MIN_HDR, version, 4))
		return 0;
	if (hl < IPV4_MIN_HDR) {
		dis_malformed(c, "IPv4 header length %u bytes (IHL %u) is less than 20", hl, ihl);
		return 0;
	}
	dis_ip_info(c, 4, src, dst, a, b, ttl, proto);
	if (tot < hl) {
		dis_malformed(c, "IPv4 total length %u is less than its header length %u", tot, hl);
		return 0;
	}
	if (hl > IPV4_MIN_HDR) {
		dis_group(c, 1, o + IPV4_MIN_HDR, hl - IPV4_MIN_HDR, "Options",
		          "Rarely used extras (such as record route) that lengthen the header", "%u bytes",
		          hl - IPV4_MIN_HDR);
		if (!rd_has(r, o, hl)) {
			dis_truncated(c, "IPv4 header", o, hl);
			return 0;
		}
		if (!options(c, o + IPV4_MIN_HDR, o + hl))
			return 0;
	}

	rd_seek(r, o + hl);
	c->src_sum = (uint32_t)(a[0] << 8 | a[1]) + (uint32_t)(a[2] << 8 | a[3]);
	c->dst_sum = (uint32_t)(b[0] << 8 | b[1]) + (uint32_t)(b[2] << 8 | b[3]);
	dis_ip_payload(c, proto, tot - hl, foff, mf);
	return tot;
}
