/*
 * proto_sctp.c — SCTP, IP protocol 132 (RFC 9260 section 3): the common
 * header (ports, verification tag, its CRC32c checksum verified) and every
 * chunk of the packet, with DATA and I-DATA (RFC 8260), INIT and INIT ACK,
 * SACK, and the control chunks' type and flags decoded; parameters, cookies
 * and user data are shown as bytes.
 *
 * The summary is tcpdump's: "sctp (1) [INIT] [init tag: ...] ...", each
 * chunk numbered.  A chunk length under 4 or past the packet is
 * MALFORMED; the chunk walk moves forward by at least 4 bytes (lengths
 * are padded to a multiple of 4) and shows at most MAX_CHUNKS chunks.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { SCTP_HDR = 12, CHUNK_HDR = 4, MAX_CHUNKS = 64 };
enum { C_DATA = 0, C_INIT = 1, C_INIT_ACK = 2, C_SACK = 3, C_HB = 4, C_HB_ACK = 5, C_ABORT = 6,
       C_SHUTDOWN = 7, C_SHUTDOWN_ACK = 8, C_ERROR = 9, C_COOKIE_ECHO = 10, C_COOKIE_ACK = 11,
       C_SHUTDOWN_COMPLETE = 14, C_IDATA = 64 };

static const struct chunk_name {
	unsigned type;
	const char *name;     /* the tree's */
	const char *tag;      /* tcpdump's, in brackets */
	const char *help;
} chunks[] = {
	{ C_DATA, "DATA", "DATA", "User data of one stream" },
	{ C_INIT, "INIT", "INIT", "Opens an association: the first of a four-way handshake" },
	{ C_INIT_ACK, "INIT ACK", "INIT ACK", "Answers INIT, with a state cookie to echo" },
	{ C_SACK, "SACK", "SACK", "Acknowledges DATA: the cumulative TSN and gaps" },
	{ C_HB, "HEARTBEAT", "HB REQ", "Probes a path of the association" },
	{ C_HB_ACK, "HEARTBEAT ACK", "HB ACK", "Answers a heartbeat" },
	{ C_ABORT, "ABORT", "ABORT", "Closes the association at once" },
	{ C_SHUTDOWN, "SHUTDOWN", "SHUTDOWN", "Starts a graceful close" },
	{ C_SHUTDOWN_ACK, "SHUTDOWN ACK", "SHUTDOWN ACK", NULL },
	{ C_ERROR, "ERROR", "OP ERR", "Reports an error that does not close the association" },
	{ C_COOKIE_ECHO, "COOKIE ECHO", "COOKIE ECHO", "Returns the state cookie: the third step of the handshake" },
	{ C_COOKIE_ACK, "COOKIE ACK", "COOKIE ACK", "The association is up" },
	{ 12, "ECNE", "ECN ECHO", NULL },
	{ 13, "CWR", "ECN CWR", NULL },
	{ C_SHUTDOWN_COMPLETE, "SHUTDOWN COMPLETE", "SHUTDOWN COMPLETE", "The association is closed" },
	{ 15, "AUTH", "AUTH", NULL },
	{ C_IDATA, "I-DATA", "I-DATA", "User data with a message identifier (RFC 8260)" },
	{ 128, "ASCONF ACK", "ASCONF-ACK", NULL },
	{ 130, "RE-CONFIG", "RE-CONFIG", NULL },
	{ 132, "PAD", "PAD", NULL },
	{ 192, "FORWARD TSN", "FOR TSN", NULL },
	{ 193, "ASCONF", "ASCONF", NULL },
};

/* CRC32c (Castagnoli), reflected, as RFC 9260 appendix A computes it. */
static uint32_t crc32c_byte(uint32_t crc, uint8_t b)
{
	crc ^= b;
	for (int k = 0; k < 8; k++)
		crc = crc >> 1 ^ (0x82f63b78u & (0u - (crc & 1)));
	return crc;
}

/* The checksum of the n bytes at off with the checksum field (off+8) as
 * zero, in the order the field holds it (the CRC's low byte first). */
static uint32_t sctp_crc(const struct dctx *c, uint32_t off, uint32_t n)
{
	struct rd r = rd_at(&c->r, off);
	uint32_t crc = 0xffffffffu;
	for (uint32_t k = 0; k < n; k++) {
		uint8_t b = rd_u8(&r);
		crc = crc32c_byte(crc, k >= 8 && k < 12 ? 0 : b);
	}
	crc = ~crc;
	return (crc & 0xff) << 24 | (crc >> 8 & 0xff) << 16 | (crc >> 16 & 0xff) << 8 | crc >> 24;
}

static void data_chunk(struct dctx *c, uint32_t p, uint16_t len, uint8_t flags, bool idata, char *s, size_t sn)
{
	struct rd r = rd_at(&c->r, p + CHUNK_HDR);
	uint32_t tsn = rd_be32(&r);
	uint16_t sid = rd_be16(&r), ssn = rd_be16(&r);
	uint32_t hdr = idata ? 20 : 16;
	dis_field(c, 2, p + 4, 4, "TSN", "Transmission sequence number: per chunk, across all streams", "%u", tsn);
	dis_field(c, 2, p + 8, 2, "Stream identifier", NULL, "%u", sid);
	if (!idata) {
		uint32_t ppid = rd_be32(&r);
		dis_field(c, 2, p + 10, 2, "Stream sequence number", "Orders the messages of one stream", "%u", ssn);
		dis_field(c, 2, p + 12, 4, "Payload protocol identifier", "What the data is, for the application "
		          "(IANA registry; 0: unspecified)", "%u", ppid);
		dis_appendf(s, sn, " %s%s%s [TSN: %u] [SID: %u] [SSEQ %u] [PPID 0x%x]", flags & 4 ? "(U)" : "",
		            flags & 2 ? "(B)" : "", flags & 1 ? "(E)" : "", tsn, sid, ssn, ppid);
	} else {
		uint32_t mid = rd_be32(&r), fsn = rd_be32(&r);
		dis_field(c, 2, p + 12, 4, "Message identifier", NULL, "%u", mid);
		dis_field(c, 2, p + 16, 4, flags & 2 ? "Payload protocol identifier" : "Fragment sequence number",
		          NULL, "%u", fsn);
		dis_appendf(s, sn, " [TSN: %u] [SID: %u] [MID: %u]", tsn, sid, mid);
	}
	if (len < hdr) {
		dis_malformed(c, "SCTP %s chunk length %u is less than its %u-byte header", idata ? "I-DATA" : "DATA",
		              len, hdr);
		return;
	}
	if (len > hdr)
		dis_hex(c, 2, p + hdr, len - hdr, "User data", NULL);
}

static void init_chunk(struct dctx *c, uint32_t p, uint16_t len, char *s, size_t sn)
{
	struct rd r = rd_at(&c->r, p + CHUNK_HDR);
	uint32_t tag = rd_be32(&r), rwnd = rd_be32(&r);
	uint16_t os = rd_be16(&r), mis = rd_be16(&r);
	uint32_t tsn = rd_be32(&r);
	dis_field(c, 2, p + 4, 4, "Initiate tag", "The peer puts it in every packet's verification tag", "%u", tag);
	dis_field(c, 2, p + 8, 4, "Advertised receiver window", "a_rwnd: bytes the sender can buffer", "%u", rwnd);
	dis_field(c, 2, p + 12, 2, "Outbound streams", "Streams the sender wants to open", "%u", os);
	dis_field(c, 2, p + 14, 2, "Inbound streams", "The most streams the sender accepts", "%u", mis);
	dis_field(c, 2, p + 16, 4, "Initial TSN", NULL, "%u", tsn);
	if (len < 20) {
		dis_malformed(c, "SCTP INIT chunk length %u is less than its 20-byte header", len);
		return;
	}
	if (len > 20)
		dis_hex(c, 2, p + 20, len - 20u, "Parameters", "Addresses, supported extensions, the state cookie ...");
	dis_appendf(s, sn, " [init tag: %u] [rwnd: %u] [OS: %u] [MIS: %u] [init TSN: %u]", tag, rwnd, os, mis, tsn);
}

static void sack_chunk(struct dctx *c, uint32_t p, uint16_t len, char *s, size_t sn)
{
	struct rd r = rd_at(&c->r, p + CHUNK_HDR);
	uint32_t cum = rd_be32(&r), rwnd = rd_be32(&r);
	uint16_t ngap = rd_be16(&r), ndup = rd_be16(&r);
	dis_field(c, 2, p + 4, 4, "Cumulative TSN ack", "Every TSN up to this one arrived", "%u", cum);
	dis_field(c, 2, p + 8, 4, "Advertised receiver window", NULL, "%u", rwnd);
	dis_field(c, 2, p + 12, 2, "Gap ack blocks", NULL, "%u", ngap);
	dis_field(c, 2, p + 14, 2, "Duplicate TSNs", NULL, "%u", ndup);
	if (len < 16) {
		dis_malformed(c, "SCTP SACK chunk length %u is less than its 16-byte header", len);
		return;
	}
	if (r.short_)
		return;
	if ((uint32_t)ngap * 4 + (uint32_t)ndup * 4 > len - 16u) {
		dis_malformed(c, "SCTP SACK chunk length %u does not hold its %u gap blocks and %u duplicates", len,
		              ngap, ndup);
		return;
	}
	uint32_t q = p + 16;
	for (unsigned k = 0; k < ngap && k < MAX_CHUNKS; k++, q += 4) {
		struct rd g = rd_at(&c->r, q);
		uint16_t a = rd_be16(&g), b = rd_be16(&g);
		dis_field(c, 2, q, 4, "Gap ack block", "TSNs cumulative+start .. cumulative+end arrived", "%u-%u", a, b);
	}
	dis_appendf(s, sn, " [cum ack %u] [a_rwnd %u] [#gap acks %u] [#dup tsns %u]", cum, rwnd, ngap, ndup);
}

void dis_sctp(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t sport = rd_be16(r), dport = rd_be16(r);
	uint32_t vtag = rd_be32(r), sum = rd_be32(r);
	struct pkt_info *i = c->info;
	i->proto = "SCTP";
	int L = dis_layer(c, o, len, "Stream Control Transmission Protocol", "SCTP carries messages on several "
	                  "streams of one association, which may span several addresses", NULL);
	dis_ports(c, o, sport, dport);
	dis_field(c, 1, o + 4, 4, "Verification tag", "The peer's initiate tag: a packet without it is dropped "
	          "(0 only in INIT)", "0x%08x", vtag);
	char ck[FIELD_VALUE_MAX];
	if (c->partial || i->fragment)
		snprintf(ck, sizeof ck, "0x%08x (unverified: IP fragment)", sum);
	else if (!rd_has(r, o, len) || len < SCTP_HDR)
		snprintf(ck, sizeof ck, "0x%08x (unverified: not all bytes captured)", sum);
	else if (sctp_crc(c, o, len) == sum)
		snprintf(ck, sizeof ck, "0x%08x (correct)", sum);
	else
		snprintf(ck, sizeof ck, "0x%08x (incorrect, should be 0x%08x)", sum, sctp_crc(c, o, len));
	dis_field(c, 1, o + 8, 4, "Checksum", "CRC32c over the whole packet (not a ones'-complement sum)", "%s", ck);
	if (dis_short(c, "SCTP header", o, SCTP_HDR))
		return;
	if (c->quoted)
		return;
	if (len < SCTP_HDR) {
		dis_malformed(c, "SCTP packet of %u bytes is shorter than its 12-byte header", len);
		return;
	}
	char *s = i->app_summary;
	size_t sn = sizeof i->app_summary;
	i->app = "SCTP";
	uint32_t end = o + len;
	unsigned n = 0;
	snprintf(s, sn, "sctp");
	uint32_t p = o + SCTP_HDR;
	for (unsigned k = 0; p < end && k < MAX_CHUNKS; k++, n++) {
		struct rd t = rd_at(&c->r, p);
		uint8_t type = rd_u8(&t), flags = rd_u8(&t);
		uint16_t cl = rd_be16(&t);
		if (t.short_)
			break;   /* cut: reported below */
		if (cl < CHUNK_HDR || cl > end - p) {
			dis_malformed(c, "SCTP chunk length %u is outside [4, %u], the bytes left", cl, end - p);
			break;
		}
		const struct chunk_name *cn = DIS_FIND(chunks, type, type);
		char tn[24];
		snprintf(tn, sizeof tn, "type %u", type);
		dis_group(c, 1, p, cl, "Chunk", cn ? cn->help : NULL, "%s, %u bytes", cn ? cn->name : tn, cl);
		dis_field(c, 2, p, 1, "Chunk type", NULL, "%u (%s)", type, cn ? cn->name : "unknown");
		if (dis_field(c, 2, p + 1, 1, "Chunk flags", NULL, "0x%02x", flags)) {
			if (type == C_DATA || type == C_IDATA) {
				dis_flag(c, 3, p + 1, 1, "Unordered", "Delivered as it comes, not in stream order", flags & 4);
				dis_flag(c, 3, p + 1, 1, "Beginning", "The first fragment of a user message", flags & 2);
				dis_flag(c, 3, p + 1, 1, "Ending", "The last fragment of a user message", flags & 1);
			} else if (type == C_ABORT || type == C_SHUTDOWN_COMPLETE) {
				dis_flag(c, 3, p + 1, 1, "T bit", "The sender had no TCB: the tag is the one it received",
				         flags & 1);
			}
		}
		dis_field(c, 2, p + 2, 2, "Chunk length", "Bytes in the chunk without its padding", "%u", cl);
		dis_appendf(s, sn, "%s(%u) [%s]", k ? " , " : " ", k + 1, cn ? cn->tag : tn);   /* tcpdump ends each chunk with a space */
		switch (type) {
		case C_DATA:
		case C_IDATA:
			data_chunk(c, p, cl, flags, type == C_IDATA, s, sn);
			break;
		case C_INIT:
		case C_INIT_ACK:
			init_chunk(c, p, cl, s, sn);
			break;
		case C_SACK:
			sack_chunk(c, p, cl, s, sn);
			break;
		case C_ABORT:
		case C_SHUTDOWN_COMPLETE:
			if (cl > CHUNK_HDR)
				dis_hex(c, 2, p + 4, cl - 4u, "Causes", NULL);
			break;
		case C_SHUTDOWN: {
			struct rd q = rd_at(&c->r, p + 4);
			uint32_t cum = rd_be32(&q);
			dis_field(c, 2, p + 4, 4, "Cumulative TSN ack", NULL, "%u", cum);
			break;
		}
		default:
			if (cl > CHUNK_HDR)
				dis_hex(c, 2, p + 4, cl - 4u, "Chunk value", NULL);
			break;
		}
		if (c->d->status == DIS_MALFORMED)
			break;
		uint32_t padded = (cl + 3u) & ~3u;
		if (padded > end - p)
			padded = end - p;   /* the last chunk's padding may be left out */
		p += padded;
	}
	dis_value(c, L, "%u > %u, %u chunk%s", sport, dport, n, n == 1 ? "" : "s");
	if (!rd_has(&c->r, o, len))
		dis_truncated(c, "SCTP packet", o, len);
}
