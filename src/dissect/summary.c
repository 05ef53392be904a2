/*
 * summary.c — one-line, tcpdump -n style summaries and the flow table that
 * makes TCP sequence numbers relative.
 *
 * The flow table keeps one entry per TCP connection and direction (source
 * address and port -> destination address and port) holding that
 * direction's base sequence number: the ISN from a SYN, else the first
 * sequence number seen.  seq is shown relative to its own direction's base,
 * ack relative to the reverse direction's (absolute while that is unknown).
 * Entries live in a fixed array of hash chains and are freed with the table.
 * An application the dissector recognised adds its own one-liner: after a
 * TCP summary (": HTTP: GET / HTTP/1.1"), instead of a UDP one ("DNS query
 * 0x5c00 A lab.sockscope.test").
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FLOW_BUCKETS = 1024 };

struct flow {
	struct flow *next;
	char src[46], dst[46];
	uint16_t sport, dport;
	uint32_t isn;
};

struct flowtab {
	struct flow *bucket[FLOW_BUCKETS];
};

struct flowtab *flowtab_new(void)
{
	return calloc(1, sizeof(struct flowtab));
}

void flowtab_free(struct flowtab *t)
{
	if (!t)
		return;
	for (size_t b = 0; b < FLOW_BUCKETS; b++)
		for (struct flow *f = t->bucket[b], *next; f; f = next) {
			next = f->next;
			free(f);
		}
	free(t);
}

/* FNV-1a over the direction's key. */
static size_t flow_hash(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	uint32_t h = 2166136261u;
	for (const char *s = src; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	for (const char *s = dst; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h = (h ^ sport) * 16777619u;
	h = (h ^ dport) * 16777619u;
	return h % FLOW_BUCKETS;
}

static struct flow *flow_find(struct flowtab *t, const char *src, uint16_t sport, const char *dst,
                              uint16_t dport)
{
	for (struct flow *f = t->bucket[flow_hash(src, sport, dst, dport)]; f; f = f->next)
		if (f->sport == sport && f->dport == dport && !strcmp(f->src, src) && !strcmp(f->dst, dst))
			return f;
	return NULL;
}

/* Record a TCP segment's direction; returns its entry (NULL without memory). */
static struct flow *flow_note(struct flowtab *t, const struct pkt_info *i)
{
	struct flow *f = flow_find(t, i->src, i->sport, i->dst, i->dport);
	if (!f) {
		f = calloc(1, sizeof *f);
		if (!f)
			return NULL;   /* then the numbers stay absolute */
		snprintf(f->src, sizeof f->src, "%s", i->src);
		snprintf(f->dst, sizeof f->dst, "%s", i->dst);
		f->sport = i->sport;
		f->dport = i->dport;
		f->isn = i->seq;
		size_t h = flow_hash(i->src, i->sport, i->dst, i->dport);
		f->next = t->bucket[h];
		t->bucket[h] = f;
	} else if (i->tcp_flags & TCPF_SYN) {
		f->isn = i->seq;   /* a new connection on the same ports */
	}
	return f;
}

/* Record a TCP segment and make its numbers relative: the one place both
 * the summaries and other views (the ladder diagram) take them from. */
static void relative(struct flowtab *t, const struct pkt_info *i, uint32_t *seq, uint32_t *ack)
{
	*seq = i->seq;
	*ack = i->ack;
	if (!t)
		return;
	const struct flow *f = flow_note(t, i);
	const struct flow *rev = flow_find(t, i->dst, i->dport, i->src, i->sport);
	if (f)
		*seq -= f->isn;
	if (rev)
		*ack -= rev->isn;
}

bool flowtab_relative(struct flowtab *t, const struct dissection *d, uint32_t *seq, uint32_t *ack)
{
	if (!d->info.tcp)
		return false;
	relative(t, &d->info, seq, ack);
	return true;
}

static void sum_tcp(const struct pkt_info *i, struct flowtab *t, char *buf, size_t n)
{
	static const char letters[] = "FSRP.UEW";   /* tcpdump's, one per flag bit from FIN up */
	uint32_t seq, ack;
	relative(t, i, &seq, &ack);
	char fl[12] = "";
	for (int b = 0; b < 8; b++)
		if (i->tcp_flags & (1u << b))
			dis_appendf(fl, sizeof fl, "%c", letters[b]);
	snprintf(buf, n, "Flags [%s]", fl[0] ? fl : "none");
	uint32_t len = i->payload_len;
	if (len || i->tcp_flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) {
		dis_appendf(buf, n, ", seq %u", seq);
		if (len)
			dis_appendf(buf, n, ":%u", seq + len);
	}
	if (i->tcp_flags & TCPF_ACK)
		dis_appendf(buf, n, ", ack %u", ack);
	dis_appendf(buf, n, ", win %u", i->win);
	if (i->tcp_flags & TCPF_URG)
		dis_appendf(buf, n, ", urg %u", i->tcp_urp);
	if (i->tcp_opts[0])
		dis_appendf(buf, n, ", options [%s]", i->tcp_opts);
	dis_appendf(buf, n, ", length %u", len);
}

/* "127.0.0.1 udp port 40000" for the packet an ICMP error quotes. */
static void quoted_port(const struct pkt_quote *q, char *buf, size_t n)
{
	if (q->ip_proto == 6 || q->ip_proto == 17)
		snprintf(buf, n, "%s %s port %u", q->dst, q->ip_proto == 6 ? "tcp" : "udp", q->dport);
	else
		snprintf(buf, n, "%s protocol %u port %u", q->dst, q->ip_proto, q->dport);
}

static void sum_icmp(const struct pkt_info *i, char *buf, size_t n)
{
	const struct pkt_quote *q = &i->quote;
	const char *tn = dis_icmp_type_name(i->icmp_type);
	const char *cn = dis_icmp_code_name(i->icmp_type, i->icmp_code);
	char what[120];
	if (i->icmp_type == 0 || i->icmp_type == 8 || i->icmp_type == 13 || i->icmp_type == 14) {
		snprintf(buf, n, "ICMP %s, id %u, seq %u", tn, i->icmp_id, i->icmp_seq);
	} else if (i->icmp_type == 3 && q->valid) {
		switch (i->icmp_code) {
		case 0:
			snprintf(buf, n, "ICMP net %s unreachable", q->dst);
			break;
		case 1:
			snprintf(buf, n, "ICMP host %s unreachable", q->dst);
			break;
		case 2:
			snprintf(buf, n, "ICMP %s protocol %u unreachable", q->dst, q->ip_proto);
			break;
		case 3:
			if (q->has_ports) {
				quoted_port(q, what, sizeof what);
				snprintf(buf, n, "ICMP %s unreachable", what);
				break;
			}
			/* fall through */
		default:
			snprintf(buf, n, "ICMP %s unreachable - %s", q->dst, cn ? cn : "unknown code");
			break;
		}
	} else if (tn) {
		snprintf(buf, n, "ICMP %s%s%s", tn, cn ? ", " : "", cn ? cn : "");
	} else {
		snprintf(buf, n, "ICMP type %u, code %u", i->icmp_type, i->icmp_code);
	}
	dis_appendf(buf, n, ", length %u", i->l4_len);
}

static void sum_icmp6(const struct pkt_info *i, char *buf, size_t n)
{
	const struct pkt_quote *q = &i->quote;
	const char *tn = dis_icmp6_type_name(i->icmp_type);
	const char *cn = dis_icmp6_code_name(i->icmp_type, i->icmp_code);
	char what[120];
	if (tn)
		snprintf(buf, n, "ICMP6, %s", tn);
	else
		snprintf(buf, n, "ICMP6, type %u, code %u", i->icmp_type, i->icmp_code);
	if (i->icmp_type == 128 || i->icmp_type == 129) {
		dis_appendf(buf, n, ", id %u, seq %u", i->icmp_id, i->icmp_seq);
	} else if (i->icmp_type == 1 && i->icmp_code == 4 && q->valid && q->has_ports) {
		quoted_port(q, what, sizeof what);
		dis_appendf(buf, n, ", unreachable port, %s", what);
	} else if (i->icmp_type == 135 && i->nd_target[0]) {
		dis_appendf(buf, n, ", who has %s", i->nd_target);
	} else if (i->icmp_type == 136 && i->nd_target[0]) {
		dis_appendf(buf, n, ", tgt is %s", i->nd_target);
	} else if (cn) {
		dis_appendf(buf, n, ", %s", cn);
	}
	dis_appendf(buf, n, ", length %u", i->l4_len);
}

/* Whatever has no summary of its own: "ARP, length 42", "GRE, length 24". */
static void sum_other(const struct dissection *d, char *buf, size_t n)
{
	const struct pkt_info *i = &d->info;
	const char *pn = dis_ipproto_name(i->ip_proto);
	char name[48];
	if (pn)
		snprintf(name, sizeof name, "%s", pn);
	else
		snprintf(name, sizeof name, "IP protocol %u", i->ip_proto);
	bool whole = d->status == DIS_OK || d->status == DIS_UNSUPPORTED;

	if (i->ip_version && i->fragment)
		snprintf(buf, n, "%s fragment, offset %u, length %u", name, i->frag_offset, i->l4_len);
	else if (i->ip_version && whole)
		snprintf(buf, n, "%s, length %u", name, i->l4_len);
	else if (whole)
		snprintf(buf, n, "%s, length %u", i->proto ? i->proto : "?", d->wirelen);
	else
		snprintf(buf, n, "%s", i->proto ? i->proto : "?");
}

char *dissect_summary(const struct dissection *d, struct flowtab *t, char *buf, size_t n)
{
	if (!n)
		return buf;
	const struct pkt_info *i = &d->info;
	if (i->tcp) {
		sum_tcp(i, t, buf, n);
		if (i->app)
			dis_appendf(buf, n, ": %s: %s", i->app, i->app_summary);
	} else if (i->udp && i->app) {
		snprintf(buf, n, "%s %s", i->app, i->app_summary);   /* tcpdump shows DNS so, not "UDP" */
	} else if (i->udp) {
		snprintf(buf, n, "UDP, length %u", i->payload_len);
	} else if (i->icmp && i->ip_proto == 1) {
		sum_icmp(i, buf, n);
	} else if (i->icmp) {
		sum_icmp6(i, buf, n);
	} else {
		sum_other(d, buf, n);
	}

	if (d->status == DIS_TRUNCATED)
		dis_appendf(buf, n, " [truncated]");
	else if (d->status == DIS_MALFORMED)
		dis_appendf(buf, n, " [%s]", d->problem);
	return buf;
}

void dissect_endpoint(const struct pkt_info *i, bool source, char *buf, size_t n)
{
	if (!n)
		return;
	const char *addr = source ? i->src : i->dst;
	unsigned port = source ? i->sport : i->dport;
	if (!i->ip_version)
		snprintf(buf, n, "%s", "");
	else if (!i->has_ports)
		snprintf(buf, n, "%s", addr);
	else if (i->ip_version == 6)
		snprintf(buf, n, "[%s]:%u", addr, port);
	else
		snprintf(buf, n, "%s:%u", addr, port);
}
