/*
 * proto_dns.c — DNS messages (RFC 1035) over UDP, and over TCP with their
 * 2-byte length prefix (RFC 1035 4.2.2): the header and its flags (AD and
 * CD from RFC 4035), the questions, and the answer, authority and
 * additional records, with A, AAAA (RFC 3596), CNAME, NS, PTR, MX, TXT and
 * SOA data decoded, EDNS's OPT record (RFC 6891) named, others as bytes.
 *
 * Names: each label is a sub-field over its own length-prefixed bytes, so
 * the hex view shows "\x03lab\x09sockscope\x04test\x00".  A compression
 * pointer (RFC 1035 4.1.4) must point before the labels it continues — the
 * start of the name, or of the last run of labels a pointer led to — and
 * past the header, so every jump goes strictly backwards and no packet can
 * make the walk spin; a name is also held to 255 bytes.  A pointer that
 * breaks this, a reserved label type, a name too long, or a count or length
 * that runs past the end of the message (all of it captured) is MALFORMED;
 * the same running past the captured bytes of a longer message is
 * TRUNCATED.
 *
 * By content (any port) a UDP datagram is DNS when its header is plausible
 * (a known opcode, the Z bit clear, exactly one question, counts a query
 * or the message's size allows) and its question parses.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { DNS_HDR = 12, NAME_WIRE_MAX = 255, MAX_LABELS = 128, MAX_RECORDS = 100 };
enum { T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15, T_TXT = 16, T_AAAA = 28,
       T_OPT = 41 };

static const struct dis_name dns_types[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" }, { 13, "HINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" }, { 35, "NAPTR" }, { 41, "OPT" },
	{ 43, "DS" }, { 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" }, { 64, "SVCB" },
	{ 65, "HTTPS" }, { 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" }, { 257, "CAA" },
};
static const struct dis_name dns_classes[] = {
	{ 1, "IN" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" },
};
static const struct dis_name dns_opcodes[] = {
	{ 0, "QUERY: standard query" }, { 1, "IQUERY: inverse query (obsolete)" },
	{ 2, "STATUS: server status" }, { 4, "NOTIFY: zone changed (RFC 1996)" },
	{ 5, "UPDATE: dynamic update (RFC 2136)" },
};
static const struct dis_name dns_rcodes[] = {
	{ 0, "NOERROR: no error" }, { 1, "FORMERR: format error" }, { 2, "SERVFAIL: server failure" },
	{ 3, "NXDOMAIN: the name does not exist" }, { 4, "NOTIMP: the server does not support this kind of query" },
	{ 5, "REFUSED: refused" }, { 6, "YXDOMAIN" }, { 7, "YXRRSET" }, { 8, "NXRRSET" },
	{ 9, "NOTAUTH" }, { 10, "NOTZONE" },
};

/* One message being decoded. */
struct dns {
	struct dctx *c;
	uint32_t base;    /* its first byte (frame offset); name pointers count from here */
	uint32_t end;     /* where it ends per the UDP length or TCP prefix */
	bool split;       /* TCP: it goes on in later segments */
	bool stop;        /* a problem was reported, or the bytes ran out */
	unsigned answers; /* answers already in sum */
	char sum[sizeof ((struct pkt_info *)0)->app_summary];
};

/* A byte range [pos, pos+n) must lie before lim (else malformed: "<what>
 * runs past the end of <where>") and be captured (else truncated).  Reports
 * the problem and stops the decode; returns whether the bytes are there. */
static bool need(struct dns *m, uint32_t pos, uint32_t n, uint32_t lim, const char *what,
                 const char *where)
{
	if (m->stop)
		return false;
	if (pos > lim || n > lim - pos) {
		m->stop = true;
		if (m->split && lim == m->end && strcmp(where, "the message") == 0)
			dis_field(m->c, 1, pos < m->c->r.len ? pos : m->c->r.len, 0, "Continues",
			          "The DNS message goes on in the next TCP segment", "in the next segment");
		else
			dis_malformed(m->c, "DNS %s runs past the end of %s", what, where);
		return false;
	}
	if (!rd_has(&m->c->r, pos, n)) {
		char w[48];
		snprintf(w, sizeof w, "DNS %s", what);
		m->stop = true;
		dis_truncated(m->c, w, pos, n);
		return false;
	}
	return true;
}

static uint8_t u8_at(struct dns *m, uint32_t pos)
{
	struct rd r = rd_at(&m->c->r, pos);
	return rd_u8(&r);
}

static uint16_t be16_at(struct dns *m, uint32_t pos)
{
	struct rd r = rd_at(&m->c->r, pos);
	return rd_be16(&r);
}

static uint32_t be32_at(struct dns *m, uint32_t pos)
{
	struct rd r = rd_at(&m->c->r, pos);
	return rd_be32(&r);
}

/* ------------------------------------------------------------------ names */

struct name {
	char text[512];        /* "lab.sockscope.test", "." for the root, odd bytes as \DDD */
	uint32_t inplace;      /* bytes at the name's own place: up to the root or first pointer */
	unsigned nlab;
	struct {
		uint32_t off;
		uint8_t len;       /* 1 root, 2 pointer, else 1 + label length */
		uint8_t kind;      /* 'l' label, 'p' pointer, 'r' root */
		uint16_t at;       /* pointer: where its part of text starts */
	} lab[MAX_LABELS];
};

static void name_append(struct name *nm, const struct dns *m, uint32_t pos, uint8_t len)
{
	size_t k = strlen(nm->text);
	if (k && k + 1 < sizeof nm->text)
		nm->text[k++] = '.';
	struct rd r = rd_at(&m->c->r, pos);
	for (uint8_t i = 0; i < len && k + 5 < sizeof nm->text; i++) {
		uint8_t b = rd_u8(&r);
		if (b == '.' || b == '\\')
			k += (size_t)snprintf(nm->text + k, sizeof nm->text - k, "\\%c", b);
		else if (b > 0x20 && b < 0x7f)
			nm->text[k++] = (char)b;
		else
			k += (size_t)snprintf(nm->text + k, sizeof nm->text - k, "\\%03u", b);
	}
	nm->text[k] = '\0';
}

static void lab_add(struct name *nm, uint32_t off, uint8_t len, uint8_t kind)
{
	if (nm->nlab < MAX_LABELS) {
		nm->lab[nm->nlab].off = off;
		nm->lab[nm->nlab].len = len;
		nm->lab[nm->nlab].kind = kind;
		nm->lab[nm->nlab].at = (uint16_t)strlen(nm->text);
		nm->nlab++;
	}
}

/* Decode the name at frame offset start whose own bytes must end by lim
 * (its record's data, or the message).  Jumps only backwards (see the top).
 * false when a problem was reported. */
static bool read_name(struct dns *m, uint32_t start, uint32_t lim, const char *where, struct name *nm)
{
	uint32_t pos = start, run = start;
	unsigned wire = 0;
	bool jumped = false;
	nm->text[0] = '\0';
	nm->inplace = 0;
	nm->nlab = 0;
	for (;;) {
		uint32_t l = jumped ? m->end : lim;
		const char *w = jumped ? "the message" : where;
		if (!need(m, pos, 1, l, "name", w))
			return false;
		uint8_t b = u8_at(m, pos);
		if (b == 0) {
			if (!jumped) {
				lab_add(nm, pos, 1, 'r');
				nm->inplace = pos + 1 - start;
			}
			if (!nm->text[0])
				snprintf(nm->text, sizeof nm->text, ".");
			return true;
		}
		if ((b & 0xc0) == 0xc0) {
			if (!need(m, pos, 2, l, "name", w))
				return false;
			uint32_t ptr = (uint32_t)(b & 0x3f) << 8 | u8_at(m, pos + 1);
			if (!jumped) {
				lab_add(nm, pos, 2, 'p');
				nm->inplace = pos + 2 - start;
			}
			uint32_t target = m->base + ptr;
			if (ptr < DNS_HDR || target >= run) {
				m->stop = true;
				dis_malformed(m->c, "DNS compression pointer at offset %u points %s (to offset %u)",
				              pos - m->base,
				              ptr < DNS_HDR ? "into the header"
				              : target == pos ? "to itself"
				              : target > pos ? "forward"
				                             : "into the labels it continues",
				              ptr);
				return false;
			}
			jumped = true;
			run = pos = target;
			continue;
		}
		if (b & 0xc0) {
			m->stop = true;
			dis_malformed(m->c, "DNS label type 0x%02x at offset %u is reserved", b & 0xc0, pos - m->base);
			return false;
		}
		if (!need(m, pos, 1u + b, l, "name", w))
			return false;
		wire += 1u + b;
		if (wire + 1 > NAME_WIRE_MAX) {
			m->stop = true;
			dis_malformed(m->c, "DNS name at offset %u is longer than 255 bytes", start - m->base);
			return false;
		}
		if (!jumped)
			lab_add(nm, pos, (uint8_t)(1 + b), 'l');
		name_append(nm, m, pos + 1, b);
		pos += 1u + b;
	}
}

/* The name's field at depth sub and its labels below it. */
static void name_fields(struct dns *m, int sub, uint32_t start, const char *fname, const struct name *nm)
{
	struct dctx *c = m->c;
	uint32_t len = nm->inplace;
	if (!len && nm->nlab)   /* stopped by a problem: up to its last label */
		len = nm->lab[nm->nlab - 1].off + nm->lab[nm->nlab - 1].len - start;
	dis_field(c, sub, start, len, fname, "A domain name: length-prefixed labels ending in a zero "
	          "byte, or in a pointer to the rest of the name earlier in the message", "%s", nm->text);
	for (unsigned i = 0; i < nm->nlab; i++) {
		uint32_t o = nm->lab[i].off;
		switch (nm->lab[i].kind) {
		case 'r':
			dis_field(c, sub + 1, o, 1, "Root label", "A zero length: the name ends", "0");
			break;
		case 'p': {
			uint32_t ptr = (uint32_t)(u8_at(m, o) & 0x3f) << 8 | u8_at(m, o + 1);
			const char *rest = nm->text + nm->lab[i].at;
			dis_field(c, sub + 1, o, 2, "Pointer",
			          "Compression: the top two bits set, the other 14 give the offset in the message "
			          "where the name goes on",
			          "0x%04x: the rest is at offset %u (%s)", 0xc000u | ptr, ptr, rest[0] == '.' ? rest + 1 : rest);
			break;
		}
		default: {
			char t[80];
			dis_text(&c->r, o + 1, nm->lab[i].len - 1u, t, sizeof t);
			dis_field(c, sub + 1, o, nm->lab[i].len, "Label",
			          "One part of the name: a length byte (at most 63), then that many bytes",
			          "%u \"%s\"", nm->lab[i].len - 1u, t);
			break;
		}
		}
	}
}

/* ------------------------------------------------------------ questions */

/* A table entry's mnemonic (its name up to a ':', as in "NXDOMAIN: no such
 * name"), else its number in `generic` ("TYPE%u" and "CLASS%u" are RFC
 * 3597's form for types and classes without a mnemonic); in buf. */
static const char *mnemonic(const struct dis_name *t, size_t n, unsigned v, const char *generic, char *buf,
                            size_t bn)
{
	const char *s = dis_name(t, n, v);
	if (s)
		snprintf(buf, bn, "%.*s", (int)strcspn(s, ":"), s);
	else
		snprintf(buf, bn, generic, v);
	return buf;
}

/* Question at pos; returns the offset after it (the decode stops on a problem). */
static uint32_t question(struct dns *m, uint32_t pos, unsigned k)
{
	struct dctx *c = m->c;
	struct name nm;
	bool ok = read_name(m, pos, m->end, "the message", &nm);
	uint32_t p = pos + nm.inplace;
	ok = ok && need(m, p, 4, m->end, "question", "the message");
	uint16_t type = ok ? be16_at(m, p) : 0, cls = ok ? be16_at(m, p + 2) : 0;
	char tb[16], cb[16];
	const char *tn = mnemonic(dns_types, DIS_COUNT(dns_types), type, "TYPE%u", tb, sizeof tb);
	const char *cn = mnemonic(dns_classes, DIS_COUNT(dns_classes), cls, "CLASS%u", cb, sizeof cb);
	if (ok)
		dis_field(c, 2, pos, p + 4 - pos, "Question", "A name and the type of record asked for",
		          "%s: type %s, class %s", nm.text, tn, cn);
	else
		dis_group(c, 2, pos, 0, "Question", NULL, "%s", nm.text);
	name_fields(m, 3, pos, "Name", &nm);
	if (!ok)
		return p;
	dis_field(c, 3, p, 2, "Type", "The kind of record asked for", "%u (%s)", type, tn);
	dis_field(c, 3, p + 2, 2, "Class", "IN: the Internet; the others are history", "%u (%s)", cls, cn);
	if (k == 0)
		dis_appendf(m->sum, sizeof m->sum, " %s %s", tn, nm.text);
	return p + 4;
}

/* ------------------------------------------------------ resource records */

/* A name inside record data [pos, end): it must end exactly there when last. */
static bool rdata_name(struct dns *m, uint32_t pos, uint32_t end, const char *fname, struct name *nm)
{
	bool ok = read_name(m, pos, end, "its record data", nm);
	name_fields(m, 3, pos, fname, nm);
	return ok;
}

/* Record data: its fields, its words for the record's value, the offset it
 * ended at (to check against the data length). */
static uint32_t rdata(struct dns *m, uint16_t type, uint32_t p, uint32_t rl, char *v, size_t vn)
{
	struct dctx *c = m->c;
	uint32_t e = p + rl;
	struct name a, b;
	v[0] = '\0';
	switch (type) {
	case T_A:
	case T_AAAA: {
		uint32_t alen = type == T_A ? 4 : 16;
		if (rl != alen)
			break;
		struct rd r = rd_at(&c->r, p);
		uint8_t ip[16];
		rd_bytes(&r, ip, alen);
		if (type == T_A)
			snprintf(v, vn, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		else
			dis_fmt_ip6(ip, v, vn);
		dis_field(c, 3, p, alen, "Address", type == T_A ? "An IPv4 address" : "An IPv6 address", "%s", v);
		return e;
	}
	case T_CNAME:
	case T_NS:
	case T_PTR:
		if (!rdata_name(m, p, e, type == T_CNAME ? "Canonical name" : type == T_NS ? "Name server" : "Domain name", &a))
			return e;
		snprintf(v, vn, "%s", a.text);
		return p + a.inplace;
	case T_MX:
		if (!need(m, p, 2, e, "MX preference", "its record data"))
			return e;
		dis_field(c, 3, p, 2, "Preference", "Lower is tried first", "%u", be16_at(m, p));
		if (!rdata_name(m, p + 2, e, "Mail exchange", &a))
			return e;
		snprintf(v, vn, "%u %s", be16_at(m, p), a.text);
		return p + 2 + a.inplace;
	case T_TXT:
		for (uint32_t q = p; q < e;) {
			if (!need(m, q, 1, e, "TXT string", "its record data"))
				return e;
			uint8_t n = u8_at(m, q);
			if (!need(m, q, 1u + n, e, "TXT string", "its record data"))
				return e;
			char t[FIELD_VALUE_MAX - 8];
			dis_text(&c->r, q + 1, n, t, sizeof t);
			dis_field(c, 3, q, 1u + n, "Text", "A length byte, then that many bytes of text", "\"%s\"", t);
			if (!v[0])
				snprintf(v, vn, "\"%s\"", t);
			q += 1u + n;
		}
		return e;
	case T_SOA: {
		if (!rdata_name(m, p, e, "Primary name server", &a))
			return e;
		uint32_t q = p + a.inplace;
		if (!rdata_name(m, q, e, "Responsible mailbox", &b))
			return e;
		q += b.inplace;
		if (!need(m, q, 20, e, "SOA numbers", "its record data"))
			return e;
		static const char *const nums[] = { "Serial", "Refresh", "Retry", "Expire", "Minimum TTL" };
		static const char *const helps[] = {
			"The zone's version", "How often secondaries check the serial (seconds)",
			"How soon they retry after a failure (seconds)", "When they stop answering without "
			"the primary (seconds)", "How long a \"no such name\" answer may be cached (RFC 2308)" };
		for (int k = 0; k < 5; k++)
			dis_field(c, 3, q + 4u * (uint32_t)k, 4, nums[k], helps[k], "%u", be32_at(m, q + 4u * (uint32_t)k));
		snprintf(v, vn, "%s %s %u", a.text, b.text, be32_at(m, q));
		return q + 20;
	}
	default:
		break;
	}
	if (type == T_A || type == T_AAAA) {
		m->stop = true;
		dis_malformed(c, "DNS %s record data length %u, expected %u", type == T_A ? "A" : "AAAA", rl,
		              type == T_A ? 4 : 16);
		return e;
	}
	if (rl)
		dis_hex(c, 3, p, rl, type == T_OPT ? "Options" : "Data", type == T_OPT ? "EDNS options" : NULL);
	return e;
}

/* Resource record k of a section at pos; returns the offset after it. */
static uint32_t record(struct dns *m, uint32_t pos, const char *what, bool answer)
{
	struct dctx *c = m->c;
	struct name nm;
	bool ok = read_name(m, pos, m->end, "the message", &nm);
	uint32_t p = pos + nm.inplace;
	ok = ok && need(m, p, 10, m->end, "resource record", "the message");
	if (!ok) {
		dis_group(c, 2, pos, 0, what, NULL, "%s", nm.text);
		name_fields(m, 3, pos, "Name", &nm);
		return p;
	}
	uint16_t type = be16_at(m, p), cls = be16_at(m, p + 2), rl = be16_at(m, p + 8);
	uint32_t ttl = be32_at(m, p + 4);
	char tb[16], cb[16];
	const char *tn = mnemonic(dns_types, DIS_COUNT(dns_types), type, "TYPE%u", tb, sizeof tb);
	const char *cn = mnemonic(dns_classes, DIS_COUNT(dns_classes), cls, "CLASS%u", cb, sizeof cb);
	int idx = (int)c->d->nfields;
	dis_group(c, 2, pos, p + 10 + rl - pos, what, NULL, "%s: type %s", nm.text, tn);
	name_fields(m, 3, pos, "Name", &nm);
	dis_field(c, 3, p, 2, "Type", NULL, "%u (%s)", type, tn);
	if (type == T_OPT) {
		dis_field(c, 3, p + 2, 2, "UDP payload size", "EDNS: the largest reply the sender takes over UDP",
		          "%u", cls);
		dis_field(c, 3, p + 4, 4, "Extended RCODE and flags",
		          "EDNS: high bits of the reply code, the version, the DO bit (DNSSEC wanted)", "0x%08x", ttl);
	} else {
		dis_field(c, 3, p + 2, 2, "Class", NULL, "%u (%s)", cls, cn);
		dis_field(c, 3, p + 4, 4, "Time to live", "How long the record may be cached, in seconds",
		          "%u", ttl);
	}
	dis_field(c, 3, p + 8, 2, "Data length", NULL, "%u", rl);
	uint32_t d = p + 10;
	if (!need(m, d, rl, m->end, "record data", "the message"))
		return d;
	char v[120];
	uint32_t stop = rdata(m, type, d, rl, v, sizeof v);
	if (!m->stop && stop != d + rl) {
		m->stop = true;
		dis_malformed(c, "DNS %s record data length %u, but its content takes %u", tn, rl, stop - d);
	}
	if (type == T_OPT)
		dis_value(c, idx, "%s: type OPT, UDP payload size %u", nm.text, cls);
	else if (v[0])
		dis_value(c, idx, "%s: type %s, class %s, %s", nm.text, tn, cn, v);
	else
		dis_value(c, idx, "%s: type %s, class %s", nm.text, tn, cn);
	if (answer)
		dis_appendf(m->sum, sizeof m->sum, "%s%s%s%s", m->answers++ ? ", " : ": ", tn, v[0] ? " " : "", v);
	return d + rl;
}

/* ---------------------------------------------------------------- message */

static const struct {
	const char *group, *one, *help;
} sections[] = {
	{ "Answers", "Answer", "Records that answer the question" },
	{ "Authority", "Authority record", "Name servers for the zone, or its SOA with a negative answer" },
	{ "Additional", "Additional record", "More records the server thinks useful; EDNS's OPT lives here" },
};

/* The message [o, end); lenoff is where DNS over TCP's length prefix is
 * (the layer then starts there), else 0. */
static void message(struct dctx *c, uint32_t o, uint32_t end, bool split, uint32_t lenoff)
{
	struct pkt_info *i = c->info;
	struct dns m = { .c = c, .base = o, .end = end, .split = split };
	uint16_t id = be16_at(&m, o), flags = be16_at(&m, o + 2);
	uint16_t cnt[4] = { be16_at(&m, o + 4), be16_at(&m, o + 6), be16_at(&m, o + 8), be16_at(&m, o + 10) };
	bool qr = flags & 0x8000;
	unsigned opcode = flags >> 11 & 15, rcode = flags & 15;
	const char *on = dis_name(dns_opcodes, DIS_COUNT(dns_opcodes), opcode);
	const char *rn = dis_name(dns_rcodes, DIS_COUNT(dns_rcodes), rcode);

	char rcn[16], opn[16];
	mnemonic(dns_rcodes, DIS_COUNT(dns_rcodes), rcode, "RCODE %u", rcn, sizeof rcn);
	mnemonic(dns_opcodes, DIS_COUNT(dns_opcodes), opcode, "opcode %u", opn, sizeof opn);

	uint32_t lo = lenoff ? lenoff : o;
	int L = dis_layer(c, lo, end - lo, "Domain Name System", "Names to addresses and more: a question "
	                  "and the records that answer it", "%s 0x%04x", qr ? "response" : "query", id);
	if (lenoff)
		dis_field(c, 1, lenoff, 2, "Length", "DNS over TCP: the message's length comes first", "%u",
		          be16_at(&m, lenoff));
	dis_field(c, 1, o, 2, "Transaction ID", "Chosen by the client; the response repeats it", "0x%04x", id);
	char fv[96];
	snprintf(fv, sizeof fv, "0x%04x (%s", flags, qr ? "response" : "query");
	if (opcode)
		dis_appendf(fv, sizeof fv, ", %s", opn);
	if (qr)
		dis_appendf(fv, sizeof fv, ", %s", rcn);
	dis_appendf(fv, sizeof fv, ")");
	if (dis_field(c, 1, o + 2, 2, "Flags", NULL, "%s", fv)) {
		dis_field(c, 2, o + 2, 1, "Response", "QR: 0 a query, 1 a response", "%u (%s)", qr, qr ? "response" : "query");
		dis_field(c, 2, o + 2, 1, "Opcode", "The kind of request", "%u (%s)", opcode, on ? on : "unknown");
		dis_flag(c, 2, o + 2, 1, "Authoritative", "AA: the answer comes from a server of the zone itself",
		         flags & 0x0400);
		dis_flag(c, 2, o + 2, 1, "Truncated", "TC: the answer did not fit; ask again over TCP", flags & 0x0200);
		dis_flag(c, 2, o + 2, 1, "Recursion desired", "RD: the client asks the server to resolve the "
		         "name fully", flags & 0x0100);
		dis_flag(c, 2, o + 3, 1, "Recursion available", "RA: the server resolves names for clients",
		         flags & 0x0080);
		dis_field(c, 2, o + 3, 1, "Z", "Reserved, zero", "%u", flags >> 6 & 1);
		dis_flag(c, 2, o + 3, 1, "Authentic data", "AD: DNSSEC validated the answer (RFC 4035)",
		         flags & 0x0020);
		dis_flag(c, 2, o + 3, 1, "Checking disabled", "CD: do not validate with DNSSEC (RFC 4035)",
		         flags & 0x0010);
		dis_field(c, 2, o + 3, 1, "Reply code", "RCODE: 0 fine, 3 the name does not exist", "%u (%s)", rcode,
		          rn ? rn : "unknown");
	}
	static const char *const cn[] = { "Questions", "Answer RRs", "Authority RRs", "Additional RRs" };
	for (int k = 0; k < 4; k++)
		dis_field(c, 1, o + 4 + 2u * (uint32_t)k, 2, cn[k], NULL, "%u", cnt[k]);

	i->app = i->proto = "DNS";
	snprintf(m.sum, sizeof m.sum, "%s%s%s 0x%04x", opcode ? opn : "", opcode ? " " : "",
	         qr ? "response" : "query", id);
	if (!need(&m, o, DNS_HDR, end, "header", "the message"))
		goto out;

	uint32_t pos = o + DNS_HDR;
	unsigned shown = 0;
	if (cnt[0]) {
		int g = (int)c->d->nfields;
		dis_group(c, 1, pos, 0, "Queries", "What the client asks", "%u", cnt[0]);
		uint32_t st = pos;
		for (unsigned k = 0; k < cnt[0] && !m.stop && shown < MAX_RECORDS; k++, shown++)
			pos = question(&m, pos, k);
		dis_layer_len(c, g, pos - st);
	}
	if (qr && !m.stop) {
		if (rcode)
			dis_appendf(m.sum, sizeof m.sum, ": %s", rcn);
		else if (!cnt[1])
			dis_appendf(m.sum, sizeof m.sum, ": no answers");
	}
	for (int s = 0; s < 3 && !m.stop; s++) {
		if (!cnt[s + 1])
			continue;
		int g = (int)c->d->nfields;
		dis_group(c, 1, pos, 0, sections[s].group, sections[s].help, "%u", cnt[s + 1]);
		uint32_t st = pos;
		for (unsigned k = 0; k < cnt[s + 1] && !m.stop; k++, shown++) {
			if (shown == MAX_RECORDS) {
				dis_group(c, 2, pos, end - pos, "More records", NULL, "not shown");
				pos = end;
				m.stop = true;
				break;
			}
			pos = record(&m, pos, sections[s].one, s == 0 && !rcode);
		}
		dis_layer_len(c, g, pos - st);
	}
	if (!m.stop && pos < end && rd_has(&c->r, pos, 1))
		dis_hex(c, 1, pos, end - pos, "Extra bytes", "Bytes after the last record the counts announce");
out:
	dis_value(c, L, "%s", m.sum);
	snprintf(i->app_summary, sizeof i->app_summary, "%s", m.sum);
}

/* ----------------------------------------------------------- recognition */

/* A plausible header and a question that parses, without recording anything. */
static bool plausible(struct dctx *c, uint32_t o, uint32_t end)
{
	if (end - o < DNS_HDR || !rd_has(&c->r, o, DNS_HDR))
		return false;
	struct rd r = rd_at(&c->r, o + 2);
	uint16_t flags = rd_be16(&r), qd = rd_be16(&r), an = rd_be16(&r), ns = rd_be16(&r), ar = rd_be16(&r);
	unsigned opcode = flags >> 11 & 15;
	if (!dis_name(dns_opcodes, DIS_COUNT(dns_opcodes), opcode) || (flags & 0x0040) || qd != 1)
		return false;
	if (!(flags & 0x8000) && (an || ns || ar > 1 || (flags & 15)))
		return false;
	if ((uint32_t)an + ns + ar > (end - o - DNS_HDR) / 11)
		return false;
	/* Walk the question's name: labels only, in place (no pointer can
	 * come before it), captured. */
	uint32_t p = o + DNS_HDR;
	unsigned wire = 0;
	for (;;) {
		if (p >= end || !rd_has(&c->r, p, 1))
			return false;
		struct rd q = rd_at(&c->r, p);
		uint8_t b = rd_u8(&q);
		if (b == 0)
			break;
		if (b > 63 || (wire += 1u + b) + 1 > NAME_WIRE_MAX)
			return false;
		p += 1u + b;
	}
	if (p + 5 > end || !rd_has(&c->r, p + 1, 4))
		return false;
	struct rd q = rd_at(&c->r, p + 3);
	unsigned cls = rd_be16(&q) & 0x7fff;   /* mDNS uses the top bit */
	return dis_name(dns_classes, DIS_COUNT(dns_classes), cls) != NULL;
}

bool dis_dns(struct dctx *c, const struct dis_seg *s)
{
	if (!s->tcp) {
		if (s->by_port ? s->len < DNS_HDR : !plausible(c, s->off, s->end))
			return false;
		message(c, s->off, s->end, false, 0);
		return true;
	}
	/* Over TCP each message has a 2-byte length before it. */
	if (s->len < 2 + DNS_HDR || !rd_has(&c->r, s->off, 2))
		return false;
	struct rd r = rd_at(&c->r, s->off);
	uint32_t mlen = rd_be16(&r), mend = s->off + 2 + mlen;
	if (!s->by_port && (mend != s->end || !plausible(c, s->off + 2, mend)))
		return false;
	if (mlen < DNS_HDR)
		return false;
	bool split = mend > s->end;
	message(c, s->off + 2, split ? s->end : mend, split, s->off);
	if (!split && mend < s->end)
		dis_hex(c, 0, mend, s->end - mend, "More DNS data", "Further messages on the connection");
	return true;
}
