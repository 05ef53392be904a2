/*
 * labsrv_dns.c — an authoritative DNS server for the tiny lab zone
 * "sockscope.test", after RFC 1035 (messages, name compression), RFC 1034
 * 4.3.2 (the lookup, CNAME chains), RFC 2308 (SOA in negative answers),
 * RFC 6891 (EDNS(0): dig sends an OPT record by default) and RFC 7766
 * (DNS over TCP, two-byte length prefix) on the same port number as UDP.
 *
 * Data model: the zone is the `zone` table below; names are handled in
 * wire form (length-prefixed labels, lower-cased), so a label holding a dot
 * can never pass for two labels.  Parsing goes through the bounds-checked
 * `rd` reader; a name may only use compression pointers that point
 * strictly backwards (and none at all in the question), so no packet can
 * make the parser loop.
 *
 * Answers: A/AAAA/CNAME/SOA/ANY for names in the zone with AA set; CNAMEs
 * are followed inside the zone; NXDOMAIN (3) for other names under
 * sockscope.test and NOERROR with no answer ("NODATA") for other types,
 * both with the zone's SOA in the authority section; REFUSED (5) for names
 * outside the zone, classes other than IN and zone transfers; NOTIMP (4)
 * for opcodes other than QUERY; FORMERR (1) for a malformed query; BADVERS
 * for EDNS versions above 0.  Responses (QR=1) and messages shorter than a
 * header get no answer at all, so two servers cannot bounce messages.
 */
#include "servers/labsrv_priv.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

enum { T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_AAAA = 28, T_OPT = 41, T_IXFR = 251, T_AXFR = 252,
       T_ANY = 255 };
enum { RC_OK = 0, RC_FORMERR = 1, RC_NXDOMAIN = 3, RC_NOTIMP = 4, RC_REFUSED = 5, RC_BADVERS = 16 };
enum { F_QR = 0x8000, F_AA = 0x0400, F_TC = 0x0200, F_RD = 0x0100, F_CD = 0x0010 };

#define TTL 60
#define EDNS_SIZE 1232          /* what we say we accept over UDP (the DNS flag day 2020 value) */
#define NAME_MAX_WIRE 255
#define MAX_CHAIN 8
#define TCP_OUT_CAP 4096

/* ------------------------------------------------------------ the zone */

enum rdkind { RD_A, RD_AAAA, RD_NAME, RD_SOA };

struct zrec {
	const char *owner;      /* dotted, lower case */
	uint16_t type;
	enum rdkind kind;
	const char *data;       /* RD_NAME: the target; RD_SOA: "mname rname" */
	uint8_t addr[16];
};

static const char zone_apex[] = "sockscope.test";
static const struct zrec zone[] = {
	{ "sockscope.test", T_SOA, RD_SOA, "ns.sockscope.test hostmaster.sockscope.test", { 0 } },
	{ "lab.sockscope.test", T_A, RD_A, NULL, { 127, 0, 0, 1 } },
	{ "lab.sockscope.test", T_AAAA, RD_AAAA, NULL, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
	{ "www.lab.sockscope.test", T_CNAME, RD_NAME, "lab.sockscope.test", { 0 } },
	/* the dns-client challenge's name: a CNAME, then three A records, so
	 * the answer holds several records and names that are part labels,
	 * part pointer */
	{ "mirror.sockscope.test", T_CNAME, RD_NAME, "pool.sockscope.test", { 0 } },
	{ "pool.sockscope.test", T_A, RD_A, NULL, { 127, 0, 0, 2 } },
	{ "pool.sockscope.test", T_A, RD_A, NULL, { 127, 0, 0, 3 } },
	{ "pool.sockscope.test", T_A, RD_A, NULL, { 127, 0, 0, 4 } },
};

/* A domain name in wire form, lower case, with where each label starts. */
struct dname {
	uint8_t w[NAME_MAX_WIRE + 1];
	size_t len;                  /* including the final 0 */
	uint8_t lab[128];            /* offsets of the labels in w */
	size_t nlab;
};

static uint8_t lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch;
}

/* Our own dotted constants to wire form (they are short and well-formed). */
static void dname_from(const char *dotted, struct dname *d)
{
	d->len = d->nlab = 0;
	while (*dotted && d->nlab < sizeof d->lab) {
		size_t n = strcspn(dotted, ".");
		if (n == 0 || n > 63 || d->len + n + 2 > sizeof d->w)
			break;
		d->lab[d->nlab++] = (uint8_t)d->len;
		d->w[d->len++] = (uint8_t)n;
		for (size_t i = 0; i < n; i++)
			d->w[d->len++] = lower((uint8_t)dotted[i]);
		dotted += n;
		if (*dotted == '.')
			dotted++;
	}
	d->w[d->len++] = 0;
}

static bool dname_eq(const struct dname *a, const struct dname *b)
{
	return a->len == b->len && memcmp(a->w, b->w, a->len) == 0;
}

/* Is a equal to or under b? */
static bool dname_under(const struct dname *a, const struct dname *b)
{
	if (a->len < b->len)
		return false;
	for (size_t i = 0; i < a->nlab; i++)
		if (a->len - a->lab[i] == b->len)
			return memcmp(a->w + a->lab[i], b->w, b->len) == 0;
	return b->len == 1;   /* the root */
}

/* ------------------------------------------------------------ reading */

struct rd {
	const uint8_t *p;
	size_t n, off;
	bool bad;
};

static unsigned get8(struct rd *r)
{
	if (r->off + 1 > r->n) {
		r->bad = true;
		return 0;
	}
	return r->p[r->off++];
}

static unsigned get16(struct rd *r)
{
	unsigned hi = get8(r);
	return hi << 8 | get8(r);
}

static uint32_t get32(struct rd *r)
{
	uint32_t hi = get16(r);
	return hi << 16 | get16(r);
}

/* A name at r->off into *d; r->off moves past it.  Pointers are followed
 * only when allowed and only strictly backwards; every step consumes at
 * least one byte of a shrinking window, so the loop ends. */
static bool read_name(struct rd *r, struct dname *d, bool allow_ptr)
{
	size_t pos = r->off, limit = r->n;
	bool jumped = false;
	d->len = d->nlab = 0;
	for (;;) {
		if (pos >= limit)
			return false;
		uint8_t len = r->p[pos];
		if ((len & 0xc0) == 0xc0) {
			if (!allow_ptr || pos + 1 >= limit)
				return false;
			size_t target = (size_t)(len & 0x3f) << 8 | r->p[pos + 1];
			if (target >= pos)
				return false;
			if (!jumped)
				r->off = pos + 2;
			jumped = true;
			limit = pos;   /* from now on only bytes before this pointer */
			pos = target;
			continue;
		}
		if (len & 0xc0)
			return false;   /* 0x40/0x80: extended label types, obsolete */
		if (pos + 1 + len > limit || d->len + 1 + len + 1 > NAME_MAX_WIRE || d->nlab == sizeof d->lab)
			return false;
		if (len == 0) {
			d->w[d->len++] = 0;
			if (!jumped)
				r->off = pos + 1;
			return true;
		}
		d->lab[d->nlab++] = (uint8_t)d->len;
		d->w[d->len++] = len;
		for (size_t i = 0; i < len; i++)
			d->w[d->len++] = lower(r->p[pos + 1 + i]);
		pos += 1 + (size_t)len;
	}
}

/* ------------------------------------------------------------ writing */

struct wr {
	uint8_t *p;
	size_t cap, n;
	bool over;
	const struct dname *q;   /* the question name, at offset 12: target of pointers */
};

static void put8(struct wr *w, unsigned v)
{
	if (w->n + 1 > w->cap) {
		w->over = true;
		return;
	}
	w->p[w->n++] = (uint8_t)v;
}

static void put16(struct wr *w, unsigned v)
{
	put8(w, v >> 8 & 0xff);
	put8(w, v & 0xff);
}

static void put32(struct wr *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v & 0xffff);
}

static void put_bytes(struct wr *w, const void *b, size_t n)
{
	if (w->n + n > w->cap) {
		w->over = true;
		return;
	}
	memcpy(w->p + w->n, b, n);
	w->n += n;
}

/* A name, compressed: its longest label-aligned suffix that is also a
 * suffix of the question name becomes a pointer into the question. */
static void put_name(struct wr *w, const struct dname *d)
{
	for (size_t i = 0; i < d->nlab; i++) {
		size_t rest = d->len - d->lab[i];
		for (size_t j = 0; j < w->q->nlab; j++) {
			if (w->q->len - w->q->lab[j] == rest && memcmp(w->q->w + w->q->lab[j], d->w + d->lab[i], rest) == 0) {
				put_bytes(w, d->w, d->lab[i]);
				put16(w, 0xc000 | (12 + w->q->lab[j]));
				return;
			}
		}
	}
	put_bytes(w, d->w, d->len);
}

static void put_rr(struct wr *w, const struct zrec *z)
{
	struct dname owner, a, b;
	dname_from(z->owner, &owner);
	put_name(w, &owner);
	put16(w, z->type);
	put16(w, 1);   /* IN */
	put32(w, TTL);
	size_t lenpos = w->n;
	put16(w, 0);   /* RDLENGTH, filled in below */
	size_t start = w->n;
	switch (z->kind) {
	case RD_A: put_bytes(w, z->addr, 4); break;
	case RD_AAAA: put_bytes(w, z->addr, 16); break;
	case RD_NAME:
		dname_from(z->data, &a);
		put_name(w, &a);
		break;
	case RD_SOA: {
		char mname[64];
		size_t sp = strcspn(z->data, " ");
		memcpy(mname, z->data, sp < sizeof mname ? sp : sizeof mname - 1);
		mname[sp < sizeof mname ? sp : sizeof mname - 1] = '\0';
		dname_from(mname, &a);
		dname_from(z->data + sp + (z->data[sp] ? 1 : 0), &b);
		put_name(w, &a);
		put_name(w, &b);
		put32(w, 1);       /* serial */
		put32(w, 3600);    /* refresh */
		put32(w, 600);     /* retry */
		put32(w, 86400);   /* expire */
		put32(w, TTL);     /* minimum: the negative-caching TTL (RFC 2308) */
		break;
	}
	}
	if (!w->over) {
		size_t rdlen = w->n - start;
		w->p[lenpos] = (uint8_t)(rdlen >> 8);
		w->p[lenpos + 1] = (uint8_t)rdlen;
	}
}

/* ------------------------------------------------------------ the lookup */

struct query {
	uint16_t id, flags;
	struct dname qname;
	size_t qend;             /* end of the question in the query */
	uint16_t qtype, qclass;
	bool edns;
	unsigned edns_version, edns_size;
};

struct answer {
	int rcode;
	bool aa;
	const struct zrec *an[8], *ns[1];
	size_t nan, nns;
};

static bool owner_is(const struct zrec *z, const struct dname *d)
{
	struct dname o;
	dname_from(z->owner, &o);
	return dname_eq(&o, d);
}

static const struct zrec *soa(void)
{
	return &zone[0];
}

static void lookup(const struct query *q, struct answer *a)
{
	struct dname apex, cur = q->qname;
	dname_from(zone_apex, &apex);
	if (q->qclass != 1 || q->qtype == T_AXFR || q->qtype == T_IXFR || !dname_under(&q->qname, &apex)) {
		a->rcode = RC_REFUSED;
		return;
	}
	a->aa = true;
	for (int step = 0; step < MAX_CHAIN; step++) {
		bool exists = false, matched = false;
		const struct zrec *cname = NULL;
		for (size_t i = 0; i < sizeof zone / sizeof zone[0]; i++) {
			const struct zrec *z = &zone[i];
			if (!owner_is(z, &cur))
				continue;
			exists = true;
			if (z->type == q->qtype || q->qtype == T_ANY) {
				if (a->nan < sizeof a->an / sizeof a->an[0])
					a->an[a->nan++] = z;
				matched = true;
			} else if (z->type == T_CNAME) {
				cname = z;
			}
		}
		if (!exists) {
			a->rcode = RC_NXDOMAIN;   /* also at the end of a chain (RFC 6604) */
			break;
		}
		if (matched || !cname)
			break;
		if (a->nan < sizeof a->an / sizeof a->an[0])
			a->an[a->nan++] = cname;
		dname_from(cname->data, &cur);
		if (!dname_under(&cur, &apex))
			break;   /* out of our zone: the resolver goes on from here */
	}
	if (a->nan == 0 || a->rcode == RC_NXDOMAIN)
		a->ns[a->nns++] = soa();
}

/* Header + question (+ answers) + OPT into out.  Returns the length. */
static size_t build(const struct query *q, const uint8_t *in, const struct answer *a, bool tc, uint8_t *out,
                    size_t cap)
{
	struct wr w = { .p = out, .cap = cap, .q = &q->qname };
	unsigned flags = F_QR | (q->flags & (0x7800 | F_RD | F_CD)) | (a->rcode & 0xf);
	if (a->aa)
		flags |= F_AA;
	if (tc)
		flags |= F_TC;
	bool with = !tc;
	put16(&w, q->id);
	put16(&w, flags);
	put16(&w, 1);
	put16(&w, with ? (unsigned)a->nan : 0);
	put16(&w, with ? (unsigned)a->nns : 0);
	put16(&w, q->edns ? 1 : 0);
	put_bytes(&w, in + 12, q->qend - 12);   /* the question as asked, letter case included */
	for (size_t i = 0; with && i < a->nan; i++)
		put_rr(&w, a->an[i]);
	for (size_t i = 0; with && i < a->nns; i++)
		put_rr(&w, a->ns[i]);
	if (q->edns) {
		put8(&w, 0);            /* root */
		put16(&w, T_OPT);
		put16(&w, EDNS_SIZE);
		put32(&w, (uint32_t)(a->rcode >> 4) << 24);   /* extended rcode, version 0, DO clear */
		put16(&w, 0);
	}
	return w.over ? 0 : w.n;
}

/* An error reply with the header alone (FORMERR, NOTIMP). */
static size_t header_only(const uint8_t *in, int rcode, uint8_t *out)
{
	unsigned flags = F_QR | ((unsigned)(in[2] << 8 | in[3]) & (0x7800 | F_RD | F_CD)) | (unsigned)rcode;
	memset(out, 0, 12);
	out[0] = in[0];
	out[1] = in[1];
	out[2] = (uint8_t)(flags >> 8);
	out[3] = (uint8_t)flags;
	return 12;
}

/* One message; `limit` is what the transport carries (UDP: 512 or the
 * EDNS size).  The reply's length, or -1 for no reply. */
static ssize_t answer_msg(struct labsrv *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap, bool udp)
{
	if (n < 12 || cap < 512)
		return -1;
	struct rd r = { .p = in, .n = n };
	struct query q = { 0 };
	q.id = (uint16_t)get16(&r);
	q.flags = (uint16_t)get16(&r);
	unsigned qd = get16(&r), an = get16(&r), ns = get16(&r), ar = get16(&r);
	if (q.flags & F_QR)
		return -1;
	ssize_t len;
	if ((q.flags >> 11 & 0xf) != 0) {
		len = (ssize_t)header_only(in, RC_NOTIMP, out);
		goto done;
	}
	if (qd != 1 || an != 0 || ns != 0 || ar > 1 || !read_name(&r, &q.qname, false))
		goto formerr;
	q.qtype = (uint16_t)get16(&r);
	q.qclass = (uint16_t)get16(&r);
	q.qend = r.off;
	if (ar == 1) {
		struct dname root;
		if (!read_name(&r, &root, true) || root.len != 1 || get16(&r) != T_OPT)
			goto formerr;
		q.edns = true;
		q.edns_size = get16(&r);
		uint32_t ttl = get32(&r);
		q.edns_version = ttl >> 16 & 0xff;
		size_t rdlen = get16(&r);
		r.off += rdlen;   /* options (dig's COOKIE) are ignored, as RFC 7873 allows */
		if (r.off > n)
			r.bad = true;
	}
	if (r.bad || r.off != n)
		goto formerr;
	struct answer a = { 0 };
	if (q.edns && q.edns_version > 0)
		a.rcode = RC_BADVERS;
	else
		lookup(&q, &a);
	size_t limit = cap;
	if (udp) {
		size_t want = q.edns ? (q.edns_size < 512 ? 512 : q.edns_size) : 512;
		limit = want < cap ? want : cap;
	}
	size_t m = build(&q, in, &a, false, out, limit);
	if (m == 0)   /* does not fit: the question alone with TC, so the client retries over TCP */
		m = build(&q, in, &a, true, out, limit);
	len = m ? (ssize_t)m : -1;
	goto done;
formerr:
	len = (ssize_t)header_only(in, RC_FORMERR, out);
done:
	if (len >= 0 && s)
		labsrv_count(s);
	return len;
}

ssize_t labsrv_dns_answer(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	return answer_msg(NULL, in, n, out, cap, true);
}

static ssize_t dns_datagram(struct labsrv *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	return answer_msg(s, in, n, out, cap, true);
}

/* DNS over TCP: each message behind a two-byte length (RFC 1035 4.2.2).
 * The message is gathered in msg (allocated once, 64 kB, the most a
 * length can say) as its bytes arrive. */
struct dns_conn {
	uint8_t pre[2];
	size_t npre;             /* bytes of the length prefix so far */
	size_t need, got;        /* the message's length, and how much of it is in msg */
	uint8_t *msg;
};

static int dns_feed(struct labsrv_conn *c)
{
	struct dns_conn *d = c->state;
	if (d->npre < 2) {
		d->npre += labsrv_take(c, d->pre + d->npre, 2 - d->npre);
		if (d->npre < 2)
			return c->eof ? LS_EOF : LS_AGAIN;
		d->need = (size_t)d->pre[0] << 8 | d->pre[1];
		d->got = 0;
		if (d->need == 0)
			return LS_ERR;
		if (!d->msg)
			d->msg = xmalloc(65535);
	}
	d->got += labsrv_take(c, d->msg + d->got, d->need - d->got);
	if (d->got < d->need)
		return c->eof ? LS_EOF : LS_AGAIN;
	d->npre = 0;
	uint8_t out[TCP_OUT_CAP + 2];
	ssize_t m = answer_msg(c->s, d->msg, d->need, out + 2, TCP_OUT_CAP, false);
	if (m < 0)
		return LS_ERR;
	out[0] = (uint8_t)(m >> 8);
	out[1] = (uint8_t)m;
	if (labsrv_out(c, out, (size_t)m + 2) < 0)
		return LS_ERR;
	if (++c->requests >= c->s->lim.max_requests)
		labsrv_close(c);
	return LS_OK;
}

static void dns_finish(struct labsrv_conn *c)
{
	struct dns_conn *d = c->state;
	free(d->msg);
}

const struct labsrv_proto labsrv_proto_dns = {
	.name = "dns", .socks = LABSRV_TCP | LABSRV_UDP, .state_size = sizeof(struct dns_conn),
	.feed = dns_feed, .finish = dns_finish, .datagram = dns_datagram,
};
