/*
 * conn.c — a packet's connection and its ladder (see conn.h).
 */
#include "inspect/conn.h"
#include "common/mem.h"
#include "common/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool inspect_conn_of(const struct capfile *cf, uint64_t n, struct inspect_conn *c, char *err, size_t errlen)
{
	struct capfile_packet p;
	if (!capfile_packet(cf, n, &p)) {
		snprintf(err, errlen, "there is no packet %llu (the file has %llu)", (unsigned long long)n + 1,
		         (unsigned long long)capfile_count(cf));
		return false;
	}
	struct dissection d;
	dissect_frame_opt(p.linktype, p.data, p.caplen, p.wirelen, DISSECT_NO_TEXT, &d);
	const struct pkt_info *i = &d.info;
	bool ok = (i->tcp || i->udp) && i->has_ports;
	if (ok) {
		memset(c, 0, sizeof *c);
		c->ip_proto = i->ip_proto;
		c->ip_version = i->ip_version;
		memcpy(c->a, i->src, sizeof c->a);
		memcpy(c->b, i->dst, sizeof c->b);
		c->aport = i->sport;
		c->bport = i->dport;
	} else {
		snprintf(err, errlen, "packet %llu is not TCP or UDP (%s)", (unsigned long long)n + 1,
		         i->proto ? i->proto : "not decoded");
	}
	dissection_free(&d);
	return ok;
}

bool inspect_conn_match(const struct inspect_conn *c, const struct pkt_info *i, bool *from_a)
{
	if (!i->has_ports || i->ip_proto != c->ip_proto || !(i->tcp || i->udp))
		return false;
	bool ab = i->sport == c->aport && i->dport == c->bport && !strcmp(i->src, c->a) && !strcmp(i->dst, c->b);
	bool ba = !ab && i->sport == c->bport && i->dport == c->aport && !strcmp(i->src, c->b) && !strcmp(i->dst, c->a);
	if (from_a)
		*from_a = ab;
	return ab || ba;
}

void inspect_conn_swap(struct inspect_conn *c)
{
	char t[46];
	memcpy(t, c->a, sizeof t);
	memcpy(c->a, c->b, sizeof t);
	memcpy(c->b, t, sizeof t);
	uint16_t p = c->aport;
	c->aport = c->bport;
	c->bport = p;
}

void inspect_conn_endpoint(const struct inspect_conn *c, bool a, char *buf, size_t n)
{
	const char *addr = a ? c->a : c->b;
	unsigned port = a ? c->aport : c->bport;
	if (c->ip_version == 6)
		snprintf(buf, n, "[%s]:%u", addr, port);
	else
		snprintf(buf, n, "%s:%u", addr, port);
}

void inspect_conn_walk(const struct capfile *cf, struct inspect_conn *c, inspect_conn_fn fn, void *ctx)
{
	uint64_t total = capfile_count(cf);
	struct dissection d = { 0 };
	for (uint64_t k = 0; k < total; k++) {
		struct capfile_packet p;
		if (!capfile_packet(cf, k, &p))
			break;
		if (k && k % 8192 == 0)
			capfile_forget(cf, k - 8192, k);   /* see capfile.h: resident memory stays small */
		dissect_frame_opt(p.linktype, p.data, p.caplen, p.wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, &d);
		bool from_a;
		if (inspect_conn_match(c, &d.info, &from_a))
			fn(ctx, &p, &d.info, from_a);
	}
	dissection_free(&d);
}

struct frames {
	struct ladder_frame *v;
	size_t n, cap;
};

static void ladder_frame(void *ctx, const struct capfile_packet *p, const struct pkt_info *i, bool from_a)
{
	(void)i, (void)from_a;
	struct frames *f = ctx;
	/* The frames point into the file's mapping, valid while cf is open. */
	VEC_PUSH(f->v, f->n, f->cap, ((struct ladder_frame){ .linktype = p->linktype, .data = p->data,
	                                                     .caplen = p->caplen, .wirelen = p->wirelen,
	                                                     .number = (uint32_t)(p->number + 1), .tag = NULL }));
}

struct ladder *inspect_ladder_numbered(const struct capfile *cf, uint64_t n, int width, uint64_t **numbers,
                                      char *err, size_t errlen)
{
	struct inspect_conn c;
	if (!inspect_conn_of(cf, n, &c, err, errlen))
		return NULL;
	if (c.ip_proto != 6) {
		snprintf(err, errlen, "packet %llu is UDP: a ladder draws a TCP connection", (unsigned long long)n + 1);
		return NULL;
	}
	struct frames f = { 0 };
	inspect_conn_walk(cf, &c, ladder_frame, &f);
	struct ladder_frame *fr = f.v;
	size_t nf = f.n;
	struct ladder *l = ladder_build(fr, nf, NULL, width);
	uint64_t *num = numbers ? xcalloc(nf, sizeof *num) : NULL;
	for (size_t i = 0; num && i < nf; i++)
		num[i] = fr[i].number - 1;
	free(fr);
	if (numbers)
		*numbers = num;
	return l;
}

struct ladder *inspect_ladder(const struct capfile *cf, uint64_t n, int width, char *err, size_t errlen)
{
	return inspect_ladder_numbered(cf, n, width, NULL, err, errlen);
}
