/*
 * proto_rtcp.c — RTCP, RTP's control protocol (RFC 3550 section 6), found
 * by content in UDP datagrams: each packet of a compound datagram with its
 * header (version, padding, count, type, length), a sender report's
 * timestamps and counts, the report blocks of sender and receiver reports
 * (loss, jitter, delay since the last report), BYE's sources and APP's
 * name; source description items are shown as bytes after the first
 * chunk's source.
 *
 * RTP and RTCP have no port of their own (the session's signalling, SIP's
 * SDP, picks them), so neither tcpdump nor tshark decodes them unless told.
 * RTP's 12-byte header says too little to be told from other traffic, and
 * is not guessed at.  A compound RTCP datagram is (RFC 3550 6.1): every
 * packet version 2, the first a sender or receiver report, no padding
 * before the last, a report's blocks inside it, and the packets' lengths adding up to the datagram
 * exactly — a shape random bytes almost never have, so it is decoded
 * wherever it is seen, and only when all of it was captured.  At most
 * MAX_PACKETS packets and MAX_BLOCKS report blocks each are shown.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { MAX_PACKETS = 16, MAX_BLOCKS = 31, BLOCK = 24 };
enum { SR = 200, RR = 201, SDES = 202, BYE = 203, APP = 204 };

static const struct dis_name types[] = {
	{ SR, "sender report" }, { RR, "receiver report" }, { SDES, "source description" }, { BYE, "goodbye" },
	{ APP, "application-defined" }, { 205, "transport feedback" }, { 206, "payload feedback" },
	{ 207, "extended report" },
};

/* Is [off, off+len) a compound RTCP datagram, all captured? */
static bool rtcp_shape(struct dctx *c, uint32_t off, uint32_t len)
{
	if (len < 8 || !rd_has(&c->r, off, len))
		return false;
	uint32_t p = off, end = off + len;
	for (unsigned k = 0; p < end; k++) {
		if (k == MAX_PACKETS || end - p < 4)
			return false;
		struct rd r = rd_at(&c->r, p);
		uint8_t b0 = rd_u8(&r), pt = rd_u8(&r);
		uint32_t words = rd_be16(&r);
		uint32_t plen = (words + 1) * 4;
		if (b0 >> 6 != 2 || pt < SR || pt > 207 || (k == 0 && pt != SR && pt != RR) || plen > end - p)
			return false;
		uint32_t blocks = (pt == SR ? 28u : 8u) + (b0 & 31u) * BLOCK;   /* a report's blocks fit in it */
		if ((pt == SR || pt == RR) && blocks > plen)
			return false;
		if ((b0 & 0x20) && p + plen != end)
			return false;   /* padding only in the last packet */
		p += plen;
	}
	return true;
}

static void report_blocks(struct dctx *c, uint32_t p, uint32_t end, unsigned count)
{
	for (unsigned k = 0; k < count && k < MAX_BLOCKS && end - p >= BLOCK; k++, p += BLOCK) {
		struct rd r = rd_at(&c->r, p);
		uint32_t ssrc = rd_be32(&r), lost = rd_be32(&r), seq = rd_be32(&r), jit = rd_be32(&r),
		         lsr = rd_be32(&r), dlsr = rd_be32(&r);
		int32_t cum = (int32_t)(lost << 8) >> 8;   /* 24-bit signed */
		dis_group(c, 2, p, BLOCK, "Report block", "How one source's packets arrived here", "ssrc 0x%08x", ssrc);
		dis_field(c, 3, p, 4, "Source SSRC", NULL, "0x%08x", ssrc);
		dis_field(c, 3, p + 4, 1, "Fraction lost", "Lost since the last report, in 256ths", "%u (%u%%)", lost >> 24,
		          (lost >> 24) * 100u / 256u);
		dis_field(c, 3, p + 5, 3, "Cumulative packets lost", NULL, "%d", cum);
		dis_field(c, 3, p + 8, 2, "Sequence number cycles", "How often the 16-bit sequence number wrapped",
		          "%u", seq >> 16);
		dis_field(c, 3, p + 10, 2, "Highest sequence number", "The highest RTP sequence number received", "%u",
		          seq & 0xffff);
		dis_field(c, 3, p + 12, 4, "Interarrival jitter", "In the stream's timestamp units", "%u", jit);
		dis_field(c, 3, p + 16, 4, "Last SR timestamp", "The middle 32 bits of the last sender report's NTP time",
		          "0x%08x", lsr);
		dis_field(c, 3, p + 20, 4, "Delay since last SR", "In 1/65536 s: with LSR, the round trip time", "%u", dlsr);
	}
}

bool dis_rtcp(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !rtcp_shape(c, s->off, s->len))
		return false;
	struct pkt_info *i = c->info;
	i->app = i->proto = "RTCP";
	int L = dis_layer(c, s->off, s->len, "Real-time Transport Control Protocol", "Reports on an RTP media "
	                  "stream: what was sent, what arrived, loss and jitter", NULL);
	char *sum = i->app_summary;
	size_t sn = sizeof i->app_summary;
	sum[0] = '\0';
	uint32_t p = s->off;
	for (unsigned k = 0; p < s->end && k < MAX_PACKETS; k++) {
		struct rd r = rd_at(&c->r, p);
		uint8_t b0 = rd_u8(&r), pt = rd_u8(&r);
		uint16_t words = rd_be16(&r);
		uint32_t plen = (words + 1u) * 4u, end = p + plen;
		unsigned count = b0 & 31;
		const char *tn = dis_name(types, DIS_COUNT(types), pt);
		dis_group(c, 1, p, plen, "Packet", NULL, "%s", tn);
		dis_field(c, 2, p, 1, "Version", NULL, "%u", b0 >> 6);
		dis_flag(c, 2, p, 1, "Padding", "The last byte says how many padding bytes end the packet", b0 & 0x20);
		dis_field(c, 2, p, 1, "Count", "Report blocks, sources or the APP subtype", "%u", count);
		dis_field(c, 2, p + 1, 1, "Packet type", NULL, "%u (%s)", pt, tn);
		dis_field(c, 2, p + 2, 2, "Length", "In 32-bit words, minus one", "%u (%u bytes)", words, plen);
		uint32_t ssrc = rd_be32(&r);
		if (pt == SR || pt == RR || pt == BYE || pt == APP)
			dis_field(c, 2, p + 4, 4, pt == BYE ? "Source" : "Sender SSRC", NULL, "0x%08x", ssrc);
		dis_appendf(sum, sn, "%s%s", k ? "; " : "", tn);
		if (pt == SR && plen >= 28) {
			uint32_t hi = rd_be32(&r), lo = rd_be32(&r), ts = rd_be32(&r), pk = rd_be32(&r), oc = rd_be32(&r);
			dis_field(c, 2, p + 8, 8, "NTP timestamp", "Wall-clock time of this report", "0x%08x.%08x", hi, lo);
			dis_field(c, 2, p + 16, 4, "RTP timestamp", "The same instant in the stream's units", "%u", ts);
			dis_field(c, 2, p + 20, 4, "Sender's packet count", NULL, "%u", pk);
			dis_field(c, 2, p + 24, 4, "Sender's octet count", NULL, "%u", oc);
			dis_appendf(sum, sn, ", ssrc 0x%08x, %u packets, %u bytes", ssrc, pk, oc);
			report_blocks(c, p + 28, end, count);
		} else if (pt == RR && plen >= 8) {
			dis_appendf(sum, sn, ", ssrc 0x%08x", ssrc);
			report_blocks(c, p + 8, end, count);
		} else if (pt == BYE) {
			for (unsigned j = 1; j < count && 8 + 4 * j <= plen; j++) {
				struct rd q = rd_at(&c->r, p + 4 + 4 * j);
				dis_field(c, 2, p + 4 + 4 * j, 4, "Source", NULL, "0x%08x", rd_be32(&q));
			}
		} else if (pt == APP && plen >= 12) {
			char name[8];
			dis_text(&c->r, p + 8, 4, name, sizeof name);
			dis_field(c, 2, p + 8, 4, "Name", NULL, "\"%s\"", name);
		} else if (pt == SDES && count && plen >= 8) {
			/* the first chunk's source; its items (CNAME ...) and later chunks as bytes */
			dis_field(c, 2, p + 4, 4, "Source", NULL, "0x%08x", ssrc);
			if (plen > 8)
				dis_hex(c, 2, p + 8, plen - 8, "Items", "Type, length, text: CNAME, NAME, TOOL ...");
		} else if (plen > 4) {
			dis_hex(c, 2, p + 4, plen - 4, "Data", NULL);
		}
		p = end;
	}
	dis_value(c, L, "%s", sum);
	return true;
}
