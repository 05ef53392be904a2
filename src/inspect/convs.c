/*
 * convs.c — conversations (see convs.h): one pass over the packets with a
 * hash table keyed by protocol and the two endpoints in a fixed order, so
 * both directions meet in one entry.
 */
#include "inspect/convs.h"
#include "common/mem.h"
#include "common/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
	struct inspect_conv *v;     /* entries in order of first packet */
	size_t n, cap;
	uint32_t *slot;             /* open addressing: entry index + 1, 0 = empty */
	size_t nslot;
};

static uint32_t hash_str(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Order-independent hash of a packet's conversation. */
static uint32_t conv_hash(const struct pkt_info *i, bool ports)
{
	uint32_t a = hash_str(2166136261u, i->src) ^ (ports ? i->sport * 40503u : 0);
	uint32_t b = hash_str(2166136261u, i->dst) ^ (ports ? i->dport * 40503u : 0);
	return (a ^ b) * 16777619u + i->ip_proto;
}

static bool conv_is(const struct inspect_conv *c, const struct pkt_info *i, bool ports, bool *ab)
{
	if (c->ip_proto != i->ip_proto || c->ports != ports || c->ip_version != i->ip_version)
		return false;
	uint16_t sp = ports ? i->sport : 0, dp = ports ? i->dport : 0;
	*ab = c->aport == sp && c->bport == dp && !strcmp(c->a, i->src) && !strcmp(c->b, i->dst);
	return *ab || (c->aport == dp && c->bport == sp && !strcmp(c->a, i->dst) && !strcmp(c->b, i->src));
}

static void grow(struct table *t)
{
	size_t ns = t->nslot ? t->nslot * 2 : 1024;
	uint32_t *s = xcalloc(ns, sizeof *s);
	for (size_t k = 0; k < t->n; k++) {
		const struct inspect_conv *c = &t->v[k];
		struct pkt_info key;
		memset(&key, 0, sizeof key);
		memcpy(key.src, c->a, sizeof key.src);
		memcpy(key.dst, c->b, sizeof key.dst);
		key.sport = c->aport;
		key.dport = c->bport;
		key.ip_proto = c->ip_proto;
		size_t h = conv_hash(&key, c->ports) & (ns - 1);
		while (s[h])
			h = (h + 1) & (ns - 1);
		s[h] = (uint32_t)(k + 1);
	}
	free(t->slot);
	t->slot = s;
	t->nslot = ns;
}

static void count_packet(struct table *t, const struct capfile_packet *p, const struct pkt_info *i)
{
	bool ports = i->has_ports && (i->tcp || i->udp);
	if ((t->n + 1) * 2 > t->nslot)
		grow(t);
	size_t h = conv_hash(i, ports) & (t->nslot - 1);
	bool ab = true;
	struct inspect_conv *c = NULL;
	for (; t->slot[h]; h = (h + 1) & (t->nslot - 1))
		if (conv_is(&t->v[t->slot[h] - 1], i, ports, &ab)) {
			c = &t->v[t->slot[h] - 1];
			break;
		}
	if (!c) {
		t->v = vec_room(t->v, t->n, &t->cap, sizeof *t->v);
		c = &t->v[t->n];
		memset(c, 0, sizeof *c);
		c->ip_proto = i->ip_proto;
		c->ip_version = i->ip_version;
		c->ports = ports;
		memcpy(c->a, i->src, sizeof c->a);
		memcpy(c->b, i->dst, sizeof c->b);
		c->aport = ports ? i->sport : 0;
		c->bport = ports ? i->dport : 0;
		c->proto = i->tcp ? "TCP" : i->udp ? "UDP" : i->proto ? i->proto : i->ip_version == 6 ? "IPv6" : "IPv4";
		c->first_ns = c->last_ns = CAPFILE_NO_TIME;
		c->first_packet = p->number;
		t->slot[h] = (uint32_t)(++t->n);
		ab = true;
	}
	c->packets++;
	c->bytes += p->wirelen;
	if (ab) {
		c->packets_ab++;
		c->bytes_ab += p->wirelen;
	} else {
		c->packets_ba++;
		c->bytes_ba += p->wirelen;
	}
	if (p->ts_ns != CAPFILE_NO_TIME) {
		if (c->first_ns == CAPFILE_NO_TIME || p->ts_ns < c->first_ns)
			c->first_ns = p->ts_ns;
		if (c->last_ns == CAPFILE_NO_TIME || p->ts_ns > c->last_ns)
			c->last_ns = p->ts_ns;
	}
}

long inspect_conversations(const struct capfile *cf, const struct inspect_view *v, struct inspect_conv **out,
                           char *err, size_t errlen)
{
	(void)err, (void)errlen;   /* nothing here fails but memory (common/mem.h) */
	struct table t = { 0 };
	uint64_t total = v ? inspect_view_count(v) : capfile_count(cf);
	struct dissection d = { 0 };
	uint64_t forgot = 0;
	for (uint64_t r = 0; r < total; r++) {
		struct capfile_packet p;
		if (!capfile_packet(cf, v ? inspect_view_packet(v, (size_t)r) : r, &p))
			break;
		if (r && r % 8192 == 0) {
			capfile_forget(cf, forgot, p.number);   /* see capfile.h: resident memory stays small */
			forgot = p.number;
		}
		dissect_frame_opt(p.linktype, p.data, p.caplen, p.wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, &d);
		if (d.info.ip_version && !d.info.fragment)
			count_packet(&t, &p, &d.info);
	}
	dissection_free(&d);
	free(t.slot);
	*out = t.v;
	return (long)t.n;
}

const char *inspect_conv_heading(void)
{
	return "proto   endpoint a              endpoint b              packets     bytes  a>b pkts  b>a pkts  duration";
}

static void endpoint(const char *addr, uint16_t port, bool ports, int v, char *buf, size_t n)
{
	if (!ports)
		snprintf(buf, n, "%s", addr);
	else if (v == 6)
		snprintf(buf, n, "[%s]:%u", addr, port);
	else
		snprintf(buf, n, "%s:%u", addr, port);
}

void inspect_conv_line(const struct inspect_conv *c, char *buf, size_t n)
{
	char a[64], b[64], dur[32] = "-";
	endpoint(c->a, c->aport, c->ports, c->ip_version, a, sizeof a);
	endpoint(c->b, c->bport, c->ports, c->ip_version, b, sizeof b);
	if (c->first_ns != CAPFILE_NO_TIME) {
		uint64_t d = (uint64_t)(c->last_ns - c->first_ns);
		snprintf(dur, sizeof dur, "%llu.%06llu s", (unsigned long long)(d / 1000000000),
		         (unsigned long long)(d % 1000000000 / 1000));
	}
	snprintf(buf, n, "%-7s %-23s <-> %-21s %7llu %9llu  %8llu  %8llu  %s", c->proto, a, b,
	         (unsigned long long)c->packets, (unsigned long long)c->bytes, (unsigned long long)c->packets_ab,
	         (unsigned long long)c->packets_ba, dur);
}
