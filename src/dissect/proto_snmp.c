/*
 * proto_snmp.c — the SNMP message header (RFC 3416 section 3, RFC 1157
 * section 4; BER as in X.690) over UDP ports 161 (agent) and 162 (traps):
 * version and community, the PDU's type, request ID, error status and
 * index, and each variable binding's object identifier (values are shown
 * as their BER type and size).  An SNMPv3 message shows its header data
 * (message ID, maximum size, flags, security model); its PDU may be
 * encrypted and is shown as bytes.
 *
 * Recognised by port only, and then only when the message is a BER
 * SEQUENCE.  A BER length that runs past what holds it, or an element of
 * the wrong type where the RFC puts an INTEGER or OCTET STRING, is
 * MALFORMED.  At most MAX_BINDS bindings are shown; an OID is decoded to
 * at most 32 arcs.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { MAX_BINDS = 32, MAX_ARCS = 32 };
enum { T_INT = 0x02, T_OCTETS = 0x04, T_OID = 0x06, T_SEQ = 0x30 };

/* tcpdump's names for the PDUs (context tags 0xa0 ...). */
static const struct dis_name pdus[] = {
	{ 0xa0, "GetRequest" }, { 0xa1, "GetNextRequest" }, { 0xa2, "GetResponse" }, { 0xa3, "SetRequest" },
	{ 0xa4, "Trap" }, { 0xa5, "GetBulk" }, { 0xa6, "Inform" }, { 0xa7, "V2Trap" }, { 0xa8, "Report" },
};
static const struct dis_name errors[] = {
	{ 0, "noError" }, { 1, "tooBig" }, { 2, "noSuchName" }, { 3, "badValue" }, { 4, "readOnly" },
	{ 5, "genErr" }, { 6, "noAccess" }, { 7, "wrongType" }, { 8, "wrongLength" }, { 9, "wrongEncoding" },
	{ 10, "wrongValue" }, { 11, "noCreation" }, { 12, "inconsistentValue" }, { 13, "resourceUnavailable" },
	{ 14, "commitFailed" }, { 15, "undoFailed" }, { 16, "authorizationError" }, { 17, "notWritable" },
	{ 18, "inconsistentName" },
};

/* One BER element: its tag, where its contents are and how long. */
struct ber {
	uint8_t tag;
	uint32_t off;     /* the tag's offset */
	uint32_t hlen;    /* tag and length bytes */
	uint32_t len;     /* contents */
};

/* Read the element at off, which must end by end.  0 when read, 1 when
 * the capture ends first, 2 when its length runs past end (or is in a
 * form BER does not allow here). */
static int ber_at(const struct dctx *c, uint32_t off, uint32_t end, struct ber *e)
{
	struct rd r = rd_at(&c->r, off);
	e->off = off;
	e->tag = rd_u8(&r);
	uint8_t b = rd_u8(&r);
	uint32_t len = b, n = 0;
	if (b & 0x80) {
		n = b & 0x7f;
		if (n == 0 || n > 4)
			return r.short_ ? 1 : 2;   /* indefinite forms are not for SNMP */
		len = 0;
		for (uint32_t k = 0; k < n; k++)
			len = len << 8 | rd_u8(&r);
	}
	if (r.short_)
		return 1;
	e->hlen = 2 + n;
	e->len = len;
	if (off > end || e->hlen > end - off || len > end - off - e->hlen)
		return 2;
	return 0;
}

/* A BER INTEGER's value (at most 8 bytes are taken). */
static int64_t ber_int(const struct dctx *c, const struct ber *e)
{
	struct rd r = rd_at(&c->r, e->off + e->hlen);
	int64_t v = 0;
	for (uint32_t k = 0; k < e->len && k < 8; k++) {
		uint8_t b = rd_u8(&r);
		v = k == 0 ? (int8_t)b : (int64_t)((uint64_t)v << 8 | b);
	}
	return v;
}

/* X.690 8.19: an OBJECT IDENTIFIER as ".1.3.6.1..." (tcpdump -n's form). */
static void ber_oid(const struct dctx *c, const struct ber *e, char *buf, size_t n)
{
	struct rd r = rd_at(&c->r, e->off + e->hlen);
	buf[0] = '\0';
	uint64_t arc = 0;
	unsigned arcs = 0;
	for (uint32_t k = 0; k < e->len && arcs < MAX_ARCS; k++) {
		uint8_t b = rd_u8(&r);
		arc = arc << 7 | (b & 0x7f);
		if (b & 0x80)
			continue;
		if (arcs == 0) {   /* the first byte holds two arcs */
			unsigned first = arc < 80 ? (unsigned)(arc / 40) : 2;
			dis_appendf(buf, n, ".%u.%llu", first, (unsigned long long)(arc - first * 40u));
			arcs = 2;
		} else {
			dis_appendf(buf, n, ".%llu", (unsigned long long)arc);
			arcs++;
		}
		arc = 0;
	}
}

/* Read the element of type `tag` at *p (moving *p past it) or report. */
static bool want(struct dctx *c, uint32_t *p, uint32_t end, uint8_t tag, const char *what, struct ber *e)
{
	int st = ber_at(c, *p, end, e);
	if (st == 1)
		return false;   /* cut: dis_payload reports it */
	if (st == 2) {
		dis_malformed(c, "SNMP %s: a BER length runs past what holds it", what);
		return false;
	}
	if (tag && e->tag != tag) {
		dis_malformed(c, "SNMP %s: BER tag 0x%02x where 0x%02x belongs", what, e->tag, tag);
		return false;
	}
	*p = e->off + e->hlen + e->len;
	return true;
}

static void int_field(struct dctx *c, const struct ber *e, const char *name, const char *help, int64_t v)
{
	dis_field(c, 2, e->off, e->hlen + e->len, name, help, "%lld", (long long)v);
}

static void v3_header(struct dctx *c, uint32_t p, uint32_t end, char *sum, size_t sn)
{
	struct ber g, e;
	if (!want(c, &p, end, T_SEQ, "v3 header data", &g))
		return;
	uint32_t q = g.off + g.hlen, gend = q + g.len;
	dis_group(c, 1, g.off, g.hlen + g.len, "Header data", NULL, NULL);
	int64_t id = 0, max = 0, model = 0;
	if (!want(c, &q, gend, T_INT, "msgID", &e))
		return;
	int_field(c, &e, "Message ID", NULL, id = ber_int(c, &e));
	if (!want(c, &q, gend, T_INT, "msgMaxSize", &e))
		return;
	int_field(c, &e, "Maximum size", "The largest message the sender can take", max = ber_int(c, &e));
	if (!want(c, &q, gend, T_OCTETS, "msgFlags", &e))
		return;
	struct rd fr = rd_at(&c->r, e.off + e.hlen);
	uint8_t fl = e.len ? rd_u8(&fr) : 0;
	dis_field(c, 2, e.off, e.hlen + e.len, "Flags", "Bit 0 authenticated, bit 1 encrypted, bit 2 a report "
	          "is wanted", "0x%02x%s%s", fl, fl & 1 ? " (auth)" : "", fl & 2 ? " (priv)" : "");
	if (!want(c, &q, gend, T_INT, "msgSecurityModel", &e))
		return;
	int_field(c, &e, "Security model", "3: the user-based model (RFC 3414)", model = ber_int(c, &e));
	if (p < end)
		dis_hex(c, 1, p, end - p, "Security parameters and PDU", "Perhaps encrypted; not decoded");
	snprintf(sum, sn, "SNMPv3, msgid %lld, flags 0x%02x", (long long)id, fl);
	(void)max;
	(void)model;
}

bool dis_snmp(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !s->by_port)
		return false;
	struct ber msg, e;
	uint32_t p = s->off;
	if (ber_at(c, p, s->end, &msg) == 1 || msg.tag != T_SEQ)
		return false;   /* not even a SEQUENCE: not SNMP */
	struct pkt_info *i = c->info;
	i->app = i->proto = "SNMP";
	snprintf(i->app_summary, sizeof i->app_summary, "SNMP, length %u", s->len);
	int L = dis_layer(c, s->off, s->len, "Simple Network Management Protocol", "A manager reads and sets "
	                  "an agent's variables (objects named by OIDs); agents send traps", NULL);
	if (!want(c, &p, s->end, T_SEQ, "message", &msg))
		goto done;
	p = msg.off + msg.hlen;
	uint32_t end = p + msg.len;
	if (!want(c, &p, end, T_INT, "version", &e))
		goto done;
	int64_t ver = ber_int(c, &e);
	dis_field(c, 1, e.off, e.hlen + e.len, "Version", "0 is SNMPv1, 1 SNMPv2c, 3 SNMPv3", "%lld (%s)",
	          (long long)ver, ver == 0 ? "SNMPv1" : ver == 1 ? "SNMPv2c" : ver == 3 ? "SNMPv3" : "unknown");
	if (ver == 3) {
		v3_header(c, p, end, i->app_summary, sizeof i->app_summary);
		goto done;
	}
	if (!want(c, &p, end, T_OCTETS, "community", &e))
		goto done;
	char comm[64];
	dis_text(&c->r, e.off + e.hlen, e.len, comm, sizeof comm);
	dis_field(c, 1, e.off, e.hlen + e.len, "Community", "A password sent in plain text (v1, v2c)", "\"%s\"", comm);
	struct ber pdu;
	if (!want(c, &p, end, 0, "PDU", &pdu))
		goto done;
	const char *pn = dis_name(pdus, DIS_COUNT(pdus), pdu.tag);
	dis_group(c, 1, pdu.off, pdu.hlen + pdu.len, "PDU", NULL, "%s", pn ? pn : "unknown");
	dis_field(c, 2, pdu.off, 1, "PDU type", NULL, "0x%02x (%s)", pdu.tag, pn ? pn : "unknown");
	/* tcpdump's words: "GetRequest(28)  .1.3.6.1.2.1.1.1.0", an error as
	 * " noSuchName@1" before the names. */
	snprintf(i->app_summary, sizeof i->app_summary, "%s(%u) ", pn ? pn : "unknown", pdu.len);
	uint32_t q = pdu.off + pdu.hlen, pend = q + pdu.len;
	if (pdu.tag == 0xa4) {   /* RFC 1157 4.1.6: the v1 trap's own layout */
		if (q < pend)
			dis_hex(c, 2, q, pend - q, "Trap fields", "Enterprise, agent address, trap numbers, time, bindings");
		goto done;
	}
	if (!pn) {
		if (q < pend)
			dis_hex(c, 2, q, pend - q, "Data", NULL);
		goto done;
	}
	if (!want(c, &q, pend, T_INT, "request-id", &e))
		goto done;
	int64_t rid = ber_int(c, &e);
	int_field(c, &e, "Request ID", "Matches a response to its request", rid);
	if (!want(c, &q, pend, T_INT, "error-status", &e))
		goto done;
	int64_t es = ber_int(c, &e);
	const char *en = es >= 0 && es <= 255 ? dis_name(errors, DIS_COUNT(errors), (unsigned)es) : NULL;
	bool bulk = pdu.tag == 0xa5;
	if (bulk)
		int_field(c, &e, "Non-repeaters", NULL, es);
	else
		dis_field(c, 2, e.off, e.hlen + e.len, "Error status", NULL, "%lld (%s)", (long long)es,
		          en ? en : "unknown");
	if (!want(c, &q, pend, T_INT, "error-index", &e))
		goto done;
	int64_t ei = ber_int(c, &e);
	int_field(c, &e, bulk ? "Max-repetitions" : "Error index", bulk ? NULL : "Which binding the error is about", ei);
	if (!bulk && es)
		dis_appendf(i->app_summary, sizeof i->app_summary, " %s@%lld", en ? en : "unknownError", (long long)ei);
	struct ber vbl;
	if (!want(c, &q, pend, T_SEQ, "variable bindings", &vbl))
		goto done;
	uint32_t v = vbl.off + vbl.hlen, vend = v + vbl.len;
	dis_group(c, 2, vbl.off, vbl.hlen + vbl.len, "Variable bindings", NULL, NULL);
	for (unsigned k = 0; v < vend && k < MAX_BINDS; k++) {
		struct ber vb, oid, val;
		if (!want(c, &v, vend, T_SEQ, "variable binding", &vb))
			goto done;
		uint32_t b = vb.off + vb.hlen, bend = b + vb.len;
		if (!want(c, &b, bend, T_OID, "object name", &oid))
			goto done;
		char name[FIELD_VALUE_MAX - 40];
		ber_oid(c, &oid, name, sizeof name);
		if (!want(c, &b, bend, 0, "value", &val))
			goto done;
		dis_field(c, 3, vb.off, vb.hlen + vb.len, "Variable", NULL, "%s: %s%u bytes (BER tag 0x%02x)", name,
		          val.tag == 0x05 ? "NULL, " : "", val.len, val.tag);
		if (k < 4)
			dis_appendf(i->app_summary, sizeof i->app_summary, " %s", name);
	}
	(void)rid;
done:
	dis_value(c, L, "%s", i->app_summary);
	return true;
}
