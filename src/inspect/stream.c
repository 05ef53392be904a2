/*
 * stream.c — TCP reassembly for display, and UDP flows (see stream.h).
 *
 * Per direction the walk keeps `next`, the sequence number of the first
 * byte not yet delivered.  A segment at `next` is delivered, then any held
 * segment it makes contiguous; one before `next` is a retransmission (its
 * new tail, if any, is delivered); one after `next` is held until the hole
 * fills, the peer acknowledges past it (the bytes were received but not
 * captured: a gap), or the capture ends.  Sequence arithmetic is modulo
 * 2^32 (RFC 9293 section 3.4), compared through signed differences.
 */
#include "inspect/stream.h"
#include "common/vec.h"

#include <stdlib.h>
#include <string.h>

enum { HELD_MAX = 1024 };   /* held segments per direction before a gap is declared anyway */

struct held {
	uint64_t packet;
	uint32_t seq, len, caplen;
	const uint8_t *data;
};

struct dir {
	bool started;          /* base and next are known */
	uint32_t base;         /* ISN (relative 0) */
	uint32_t next;
	bool fin;
	struct held *held;
	size_t nheld, capheld;
};

struct walk {
	struct inspect_stream *s;
	struct dir d[2];       /* [0] from a, [1] from b */
};

static int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void push(struct walk *w, struct inspect_chunk c)
{
	struct inspect_stream *s = w->s;
	VEC_PUSH(s->chunks, s->n, s->cap, c);
	if (c.kind == INSPECT_CHUNK_GAP)
		s->gaps++;
	else if (c.kind == INSPECT_CHUNK_RETRANS)
		s->retrans++;
	else if (c.kind == INSPECT_CHUNK_DATA) {
		if (c.out_of_order)
			s->out_of_order++;
		if (c.from_a)
			s->bytes_a += c.len;
		else
			s->bytes_b += c.len;
	}
}

/* Deliver [seq, seq+len) of which caplen bytes are at data, given that
 * seq is at or before next. */
static void deliver(struct walk *w, int k, uint64_t packet, uint32_t seq, uint32_t len, uint32_t caplen,
                    const uint8_t *data, bool ooo)
{
	struct dir *d = &w->d[k];
	uint32_t old = (uint32_t)-sdiff(seq, d->next);   /* bytes already delivered */
	struct inspect_chunk c = { .from_a = k == 0, .packet = packet, .seq = seq - d->base };
	if (old >= len) {
		c.kind = INSPECT_CHUNK_RETRANS;
		c.len = caplen;
		c.data = data;
		push(w, c);
		return;
	}
	if (old > 0) {
		c.kind = INSPECT_CHUNK_RETRANS;
		c.len = old < caplen ? old : caplen;
		c.data = data;
		push(w, c);
	}
	c.kind = INSPECT_CHUNK_DATA;
	c.out_of_order = ooo;
	c.seq = d->next - d->base;
	c.data = old < caplen ? data + old : NULL;
	c.len = old < caplen ? caplen - old : 0;
	if (c.len)
		push(w, c);
	if (caplen < len) {
		uint32_t from = old > caplen ? old : caplen;
		struct inspect_chunk m = { .kind = INSPECT_CHUNK_NOT_CAPTURED, .from_a = k == 0, .packet = packet,
		                           .seq = seq + from - d->base, .len = len - from };
		push(w, m);
	}
	d->next = seq + len;
}

/* Deliver held segments that have become contiguous: out of order when
 * the hole before them was filled, not when it was given up as a gap. */
static void drain(struct walk *w, int k, bool ooo)
{
	struct dir *d = &w->d[k];
	for (bool moved = true; moved;) {
		moved = false;
		for (size_t i = 0; i < d->nheld; i++) {
			struct held h = d->held[i];
			if (sdiff(h.seq, d->next) > 0)
				continue;
			d->held[i] = d->held[--d->nheld];
			deliver(w, k, h.packet, h.seq, h.len, h.caplen, h.data, ooo);
			moved = true;
			break;
		}
	}
}

/* Bytes up to `upto` will never be seen: mark the hole, then drain. */
static void gap_to(struct walk *w, int k, uint32_t upto, uint64_t packet)
{
	struct dir *d = &w->d[k];
	/* The hole ends at the earliest held segment, if it starts before upto. */
	for (size_t i = 0; i < d->nheld; i++)
		if (sdiff(d->held[i].seq, upto) < 0)
			upto = d->held[i].seq;
	if (sdiff(upto, d->next) <= 0)
		return;
	struct inspect_chunk c = { .kind = INSPECT_CHUNK_GAP, .from_a = k == 0, .packet = packet, .seq = d->next - d->base,
	                           .len = upto - d->next };
	push(w, c);
	d->next = upto;
	drain(w, k, false);
}

static uint32_t hold_min(const struct dir *d)
{
	uint32_t m = d->held[0].seq;
	for (size_t i = 1; i < d->nheld; i++)
		if (sdiff(d->held[i].seq, m) < 0)
			m = d->held[i].seq;
	return m;
}

static void tcp_segment(struct walk *w, int k, const struct capfile_packet *p, const struct pkt_info *i)
{
	struct dir *d = &w->d[k], *peer = &w->d[!k];
	uint32_t seq = i->seq;
	if (i->tcp_flags & TCPF_SYN) {
		if (!d->started || d->base != seq) {   /* a (new) connection: start over */
			d->nheld = 0;
			d->fin = false;
		}
		d->started = true;
		d->base = seq;
		d->next = seq + 1;
		seq++;
	} else if (!d->started) {
		d->started = true;
		d->base = seq - 1;   /* as if the SYN had been captured: data starts at 1 */
		d->next = seq;
	}
	/* Data the peer acknowledges but we never saw is a gap in the peer's direction. */
	if ((i->tcp_flags & TCPF_ACK) && peer->started && sdiff(i->ack, peer->next) > 0) {
		uint32_t upto = i->ack;
		if (peer->fin)   /* a FIN not yet counted in next takes a sequence number but carries no byte */
			upto--;
		if (sdiff(upto, peer->next) > 0)
			gap_to(w, !k, upto, p->number);
	}
	uint32_t len = i->payload_len, cap = i->payload_caplen;
	if (cap > len)
		cap = len;
	if (len > 0) {
		const uint8_t *data = p->data + i->payload_off;
		if (sdiff(seq, d->next) <= 0) {
			deliver(w, k, p->number, seq, len, cap, data, false);
			drain(w, k, true);
		} else {
			d->held = vec_room(d->held, d->nheld, &d->capheld, sizeof *d->held);
			d->held[d->nheld++] = (struct held){ p->number, seq, len, cap, data };
			if (d->nheld > HELD_MAX)
				gap_to(w, k, hold_min(d), p->number);
		}
	}
	if (i->tcp_flags & TCPF_FIN) {
		if (sdiff(seq + len, d->next) == 0)
			d->next++;
		d->fin = true;
	}
}

int inspect_stream_build(const struct capfile *cf, uint64_t n, struct inspect_stream *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	if (!inspect_conn_of(cf, n, &s->conn, err, errlen))
		return -1;
	s->tcp = s->conn.ip_proto == 6;
	struct walk w = { .s = s };
	bool first = true;
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
		if (inspect_conn_match(&s->conn, &d.info, &from_a)) {
			/* The client is endpoint a: the sender of the first SYN, else of the first packet. */
			if (first && !from_a && (!s->tcp || (d.info.tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN)) {
				inspect_conn_swap(&s->conn);
				from_a = true;
			} else if (first && from_a && s->tcp && (d.info.tcp_flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK)) {
				inspect_conn_swap(&s->conn);
				from_a = false;
			}
			first = false;
			s->packets++;
			if (s->tcp && d.info.tcp) {
				tcp_segment(&w, from_a ? 0 : 1, &p, &d.info);
			} else if (!s->tcp && d.info.udp && d.info.payload_len) {
				uint32_t cap = d.info.payload_caplen < d.info.payload_len ? d.info.payload_caplen : d.info.payload_len;
				push(&w, (struct inspect_chunk){ .kind = INSPECT_CHUNK_DATA, .from_a = from_a, .packet = k, .len = cap,
				                                  .data = p.data + d.info.payload_off });
				if (cap < d.info.payload_len)
					push(&w, (struct inspect_chunk){ .kind = INSPECT_CHUNK_NOT_CAPTURED, .from_a = from_a, .packet = k,
					                                  .seq = cap, .len = d.info.payload_len - cap });
			}
		}
	}
	dissection_free(&d);
	/* The capture ended: what is still held follows holes never filled. */
	for (int k = 0; k < 2 && s->tcp; k++)
		while (w.d[k].nheld)
			gap_to(&w, k, hold_min(&w.d[k]), w.d[k].held[0].packet);
	for (int k = 0; k < 2; k++)
		free(w.d[k].held);
	return 0;
}

void inspect_stream_free(struct inspect_stream *s)
{
	free(s->chunks);
	s->chunks = NULL;
	s->n = s->cap = 0;
}

static void write_bytes(const uint8_t *p, uint32_t n, FILE *out)
{
	for (uint32_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (b == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		putc((b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t' ? b : '.', out);
	}
	if (n && p[n - 1] != '\n')
		putc('\n', out);
}

void inspect_stream_write(const struct inspect_stream *s, FILE *out)
{
	char a[64], b[64];
	inspect_conn_endpoint(&s->conn, true, a, sizeof a);
	inspect_conn_endpoint(&s->conn, false, b, sizeof b);
	fprintf(out, "%s stream %s <-> %s: %llu packets, %llu bytes %s > %s, %llu bytes %s > %s", s->tcp ? "TCP" : "UDP",
	        a, b, (unsigned long long)s->packets, (unsigned long long)s->bytes_a, a, b, (unsigned long long)s->bytes_b,
	        b, a);
	if (s->tcp)
		fprintf(out, "; %u gaps, %u retransmissions, %u out of order", s->gaps, s->retrans, s->out_of_order);
	fputc('\n', out);
	for (size_t i = 0; i < s->n; i++) {
		const struct inspect_chunk *c = &s->chunks[i];
		const char *from = c->from_a ? a : b, *to = c->from_a ? b : a;
		unsigned long long pk = (unsigned long long)c->packet + 1;
		switch (c->kind) {
		case INSPECT_CHUNK_DATA:
			if (s->tcp)
				fprintf(out, "==> %s > %s  packet %llu, seq %u, %u bytes%s\n", from, to, pk, c->seq, c->len,
				        c->out_of_order ? " (arrived out of order)" : "");
			else
				fprintf(out, "==> %s > %s  packet %llu, %u bytes\n", from, to, pk, c->len);
			write_bytes(c->data, c->len, out);
			break;
		case INSPECT_CHUNK_GAP:
			fprintf(out, "[gap: %u bytes of %s > %s never captured, seq %u to %u]\n", c->len, from, to, c->seq,
			        c->seq + c->len);
			break;
		case INSPECT_CHUNK_RETRANS:
			fprintf(out, "[retransmission: packet %llu, %s > %s, seq %u, %u bytes delivered before]\n", pk, from, to,
			        c->seq, c->len);
			break;
		case INSPECT_CHUNK_NOT_CAPTURED:
			fprintf(out, "[not captured: %u more bytes of packet %llu, cut by the snapshot length]\n", c->len, pk);
			break;
		}
	}
}
