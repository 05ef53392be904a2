/*
 * proto_quic.c — QUIC long headers (RFC 9000 section 17.2; version 2's
 * type numbers from RFC 9369 section 3.2) in UDP datagrams on port 443:
 * the packet type, the version, both connection IDs, an Initial's token,
 * the length that delimits each of the packets coalesced into one datagram
 * (section 12.2), a Retry's token and integrity tag, and a Version
 * Negotiation's list of versions.  Everything after the length is
 * protected (packet number and payload) and shown as bytes; so is a
 * short-header (1-RTT) packet, whose connection ID length only the
 * endpoints know.
 *
 * Recognised on UDP port 443 only, and only when the fixed bit is set (or
 * the packet is a Version Negotiation): 443 over UDP is QUIC's port, and
 * no guess is made elsewhere.  A connection ID longer than 20 bytes in
 * version 1 or 2, or a length past the datagram, is MALFORMED.  At most
 * MAX_PACKETS coalesced packets and MAX_VERSIONS versions are shown.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { MAX_PACKETS = 8, MAX_VERSIONS = 32, MAX_CID = 20, RETRY_TAG = 16 };
enum { QUIC_V1 = 1, QUIC_V2 = 0x6b3343cf };
enum { P_INITIAL, P_0RTT, P_HANDSHAKE, P_RETRY };

static const char *const type_names[] = { "Initial", "0-RTT", "Handshake", "Retry" };
static const char *const type_helps[] = {
	"The first flight: the TLS ClientHello or ServerHello, in keys anyone can derive",
	"Early data the client sends before the handshake completes",
	"The rest of the TLS handshake",
	"The server asks the client to prove its address with a token",
};

/* RFC 9000 16: a variable-length integer; false when not all captured. */
static bool varint(struct rd *r, uint64_t *v, uint32_t *n)
{
	uint8_t b = rd_u8(r);
	*n = 1u << (b >> 6);
	*v = b & 0x3f;
	for (uint32_t k = 1; k < *n; k++)
		*v = *v << 8 | rd_u8(r);
	return !r->short_;
}

static void cid_text(struct dctx *c, uint32_t off, uint32_t n, char *buf, size_t bn)
{
	struct rd r = rd_at(&c->r, off);
	buf[0] = '\0';
	for (uint32_t k = 0; k < n; k++)
		dis_appendf(buf, bn, "%02x", rd_u8(&r));
}

/* One long-header packet at p; returns where the next begins, or 0 to stop. */
static uint32_t long_packet(struct dctx *c, uint32_t p, uint32_t end, bool first, char *sum, size_t sn)
{
	struct rd r = rd_at(&c->r, p);
	uint8_t b0 = rd_u8(&r);
	uint32_t ver = rd_be32(&r);
	uint8_t dl = rd_u8(&r);
	if (r.short_)
		return 0;
	bool known = ver == QUIC_V1 || ver == QUIC_V2;
	if (known && dl > MAX_CID) {
		dis_malformed(c, "QUIC destination connection ID of %u bytes: version %s allows 20 at most", dl,
		              ver == QUIC_V1 ? "1" : "2");
		return 0;
	}
	rd_skip(&r, dl);
	uint8_t sl = rd_u8(&r);
	uint32_t scid_at = p + 6 + dl;   /* the SCID length byte */
	if (!r.short_ && known && sl > MAX_CID) {
		dis_malformed(c, "QUIC source connection ID of %u bytes: version %s allows 20 at most", sl,
		              ver == QUIC_V1 ? "1" : "2");
		return 0;
	}
	if (p + 7u + dl > end || (!r.short_ && scid_at + 1u + sl > end)) {
		dis_malformed(c, "QUIC connection IDs run past the datagram");
		return 0;
	}
	unsigned bits = b0 >> 4 & 3, type = ver == QUIC_V2 ? (bits + 3) % 4 : bits;
	/* Only known versions give the type bits a meaning. */
	const char *tn = ver == 0 ? "Version Negotiation" : known ? type_names[type] : "long header";
	/* The packet's own length is known once its Length is read: until
	 * then the group runs to the datagram's end, then it is narrowed. */
	int gi = (int)c->d->nfields;
	dis_group(c, 1, p, end - p, "Packet", ver == 0 ? "The server's answer to a version it does not speak: "
	          "the versions it does" : known ? type_helps[type] : NULL, "%s", tn);
	if (dis_field(c, 2, p, 1, "First byte", "Bit 7 long header, bit 6 fixed, bits 5-4 the type; the low bits "
	              "are hidden by header protection", "0x%02x", b0)) {
		dis_flag(c, 3, p, 1, "Long header", NULL, b0 & 0x80);
		dis_flag(c, 3, p, 1, "Fixed bit", "Always set, except where a peer allowed greasing (RFC 9287)", b0 & 0x40);
		if (known)
			dis_field(c, 3, p, 1, "Packet type", NULL, "%u (%s)", bits, tn);
	}
	dis_field(c, 2, p + 1, 4, "Version", "1 (RFC 9000), 0x6b3343cf version 2; 0 asks for negotiation", "0x%08x",
	          ver);
	char dc[2 * 255 + 1], sc[2 * 255 + 1];
	cid_text(c, p + 6, dl, dc, sizeof dc);
	cid_text(c, scid_at + 1, sl, sc, sizeof sc);
	dis_field(c, 2, p + 5, 1, "Destination connection ID length", NULL, "%u", dl);
	if (dl)
		dis_field(c, 2, p + 6, dl, "Destination connection ID", "Chosen by the receiver: lets it find the "
		          "connection even when the client's address changes", "%s", dc);
	dis_field(c, 2, scid_at, 1, "Source connection ID length", NULL, "%u", sl);
	if (sl)
		dis_field(c, 2, scid_at + 1, sl, "Source connection ID", NULL, "%s", sc);
	if (r.short_)
		return 0;
	rd_skip(&r, sl);
	if (first) {
		if (ver == 0)
			snprintf(sum, sn, "version negotiation, dcid %s, scid %s", dl ? dc : "-", sl ? sc : "-");
		else
		{
			char vt[16];
			snprintf(vt, sizeof vt, ver == QUIC_V1 ? "1" : ver == QUIC_V2 ? "2" : "0x%08x", ver);
			snprintf(sum, sn, "%s, version %s, dcid %s, scid %s", tn, vt, dl ? dc : "-", sl ? sc : "-");
		}
	} else {
		dis_appendf(sum, sn, " + %s", tn);
	}
	uint32_t q = r.off;
	if (ver == 0) {
		for (unsigned k = 0; q + 4 <= end && k < MAX_VERSIONS; k++, q += 4) {
			uint32_t v = rd_be32(&r);
			dis_field(c, 2, q, 4, "Supported version", NULL, "0x%08x", v);
		}
		return 0;
	}
	if (!known) {
		if (q < end)
			dis_hex(c, 2, q, end - q, "Data", "A version this program does not know");
		return 0;
	}
	if (type == P_RETRY) {
		if (end - q < RETRY_TAG) {
			dis_malformed(c, "QUIC Retry of %u bytes after its IDs has no room for the 16-byte tag", end - q);
			return 0;
		}
		if (end - q > RETRY_TAG)
			dis_hex(c, 2, q, end - q - RETRY_TAG, "Retry token", "To send back in the next Initial");
		dis_hex(c, 2, end - RETRY_TAG, RETRY_TAG, "Retry integrity tag", NULL);
		return 0;
	}
	uint64_t v;
	uint32_t n;
	if (type == P_INITIAL) {
		if (!varint(&r, &v, &n))
			return 0;
		dis_field(c, 2, q, n, "Token length", NULL, "%llu", (unsigned long long)v);
		if (v > end - q - n) {
			dis_malformed(c, "QUIC token length %llu runs past the datagram", (unsigned long long)v);
			return 0;
		}
		if (v)
			dis_hex(c, 2, q + n, (uint32_t)v, "Token", "From a Retry or an earlier connection: proves the address");
		q += n + (uint32_t)v;
		rd_seek(&r, q);
	}
	if (!varint(&r, &v, &n))
		return 0;
	dis_field(c, 2, q, n, "Length", "Bytes of the packet number and payload: what delimits coalesced packets",
	          "%llu", (unsigned long long)v);
	q += n;
	if (v > end - q) {
		dis_malformed(c, "QUIC length %llu runs past the datagram (%u bytes left)", (unsigned long long)v, end - q);
		return 0;
	}
	if (v)
		dis_hex(c, 2, q, (uint32_t)v, "Protected payload", "Packet number and frames, encrypted");
	if (gi < (int)c->d->nfields && !strcmp(c->d->fields[gi].name, "Packet"))
		dis_layer_len(c, gi, q + (uint32_t)v - p);
	return q + (uint32_t)v;
}

bool dis_quic(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !s->by_port)
		return false;
	struct rd r = rd_at(&c->r, s->off);
	uint8_t b0 = rd_u8(&r);
	uint32_t ver = rd_be32(&r);
	if (r.short_ && !(b0 & 0x80))
		return false;
	if (!(b0 & 0x40) && !((b0 & 0x80) && ver == 0 && !r.short_))
		return false;   /* no fixed bit: not QUIC (DTLS, or something else on 443) */
	struct pkt_info *i = c->info;
	i->app = i->proto = "QUIC";
	int L = dis_layer(c, s->off, s->len, "QUIC", "QUIC carries HTTP/3 over UDP: TLS 1.3 inside, "
	                  "streams without TCP's head-of-line blocking, connections that survive address changes",
	                  NULL);
	char *sum = i->app_summary;
	size_t sn = sizeof i->app_summary;
	uint32_t p = s->off;
	if (!(b0 & 0x80)) {
		dis_flag(c, 1, p, 1, "Long header", NULL, false);
		dis_hex(c, 1, p, s->len, "Short header packet", "1-RTT: after the handshake; its connection ID "
		        "length is known only to the endpoints, the rest is encrypted");
		snprintf(sum, sn, "protected packet, length %u", s->len);
		dis_value(c, L, "%s", sum);
		return true;
	}
	snprintf(sum, sn, "long header packet");   /* until its header is read */
	for (unsigned k = 0; p < s->end && k < MAX_PACKETS; k++) {
		struct rd t = rd_at(&c->r, p);
		uint8_t fb = rd_u8(&t);
		if (t.short_)
			break;
		if (!(fb & 0x80)) {   /* a short-header packet ends a datagram */
			dis_hex(c, 1, p, s->end - p, "Short header packet", "1-RTT, coalesced after the long ones");
			dis_appendf(sum, sn, " + 1-RTT");
			break;
		}
		uint32_t next = long_packet(c, p, s->end, k == 0, sum, sn);
		if (!next)
			break;
		p = next;
	}
	dis_appendf(sum, sn, ", length %u", s->len);
	dis_value(c, L, "%s", sum);
	return true;
}
