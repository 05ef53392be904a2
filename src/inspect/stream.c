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

/* One packet of the connection, in file order. */
static void packet(void *ctx, const struct capfile_packet *p, const struct pkt_info *i, bool from_a)
{
	struct walk *w = ctx;
	struct inspect_stream *s = w->s;
	uint64_t k = p->number;
	/* The client is endpoint a: the sender of the first SYN, else of the first packet. */
	if (s->packets == 0 && !from_a && (!s->tcp || (i->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN)) {
		inspect_conn_swap(&s->conn);
		from_a = true;
	} else if (s->packets == 0 && from_a && s->tcp && (i->tcp_flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK)) {
		inspect_conn_swap(&s->conn);
		from_a = false;
	}
	s->packets++;
	if (s->tcp && i->tcp) {
		tcp_segment(w, from_a ? 0 : 1, p, i);
	} else if (!s->tcp && i->udp && i->payload_len) {
		uint32_t cap = i->payload_caplen < i->payload_len ? i->payload_caplen : i->payload_len;
		push(w, (struct inspect_chunk){ .kind = INSPECT_CHUNK_DATA, .from_a = from_a, .packet = k, .len = cap,
		                                 .data = p->data + i->payload_off });
		if (cap < i->payload_len)
			push(w, (struct inspect_chunk){ .kind = INSPECT_CHUNK_NOT_CAPTURED, .from_a = from_a, .packet = k,
			                                 .seq = cap, .len = i->payload_len - cap });
	}
}

int inspect_stream_build(const struct capfile *cf, uint64_t n, struct inspect_stream *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	if (!inspect_conn_of(cf, n, &s->conn, err, errlen))
		return -1;
	s->tcp = s->conn.ip_proto == 6;
	struct walk w = { .s = s };
	inspect_conn_walk(cf, &s->conn, packet, &w);
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

/* A line being built: grown as needed, since a line of the bytes is
 * never cut (the screen scrolls sideways; the headless output is text). */
struct lbuf {
	char *p;
	size_t n, cap;
};

/* Append c; the line stays NUL-terminated (room for one more). */
static void lbuf_put(struct lbuf *b, char c)
{
	b->p = vec_room(b->p, b->n + 1, &b->cap, 1);
	b->p[b->n++] = c;
	b->p[b->n] = '\0';
}

struct emit {
	inspect_line_fn fn;
	void *ctx;
	struct inspect_line l;
};

static void emit(struct emit *e, enum inspect_line_kind kind, const char *text)
{
	e->l.kind = kind;
	e->l.text = text;
	e->fn(e->ctx, &e->l);
}

/* A chunk's bytes, a line per line they hold. */
static void emit_bytes(struct emit *e, const struct inspect_chunk *c, struct lbuf *b)
{
	b->n = 0;
	for (uint32_t i = 0; i < c->len; i++) {
		uint8_t ch = c->data[i];
		if (ch == '\r' && i + 1 < c->len && c->data[i + 1] == '\n')
			continue;
		if (ch == '\n') {
			emit(e, INSPECT_LINE_BYTES, b->n ? b->p : "");
			b->n = 0;
		} else if (ch == '\t') {
			do
				lbuf_put(b, ' ');
			while (b->n % 8);
		} else {
			lbuf_put(b, ch >= 0x20 && ch < 0x7f ? (char)ch : '.');
		}
	}
	if (b->n)   /* bytes after the last newline make a line of their own */
		emit(e, INSPECT_LINE_BYTES, b->p);
}

void inspect_stream_lines(const struct inspect_stream *s, inspect_line_fn fn, void *ctx)
{
	char a[64], b[64], line[512];
	struct emit e = { .fn = fn, .ctx = ctx, .l = { .packet = -1 } };
	struct lbuf lb = { 0 };
	inspect_conn_endpoint(&s->conn, true, a, sizeof a);
	inspect_conn_endpoint(&s->conn, false, b, sizeof b);
	int n = snprintf(line, sizeof line, "%s stream %s <-> %s: %llu packets, %llu bytes %s > %s, %llu bytes %s > %s",
	                 s->tcp ? "TCP" : "UDP", a, b, (unsigned long long)s->packets, (unsigned long long)s->bytes_a, a,
	                 b, (unsigned long long)s->bytes_b, b, a);
	if (s->tcp && n >= 0 && (size_t)n < sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, "; %u gaps, %u retransmissions, %u out of order", s->gaps,
		         s->retrans, s->out_of_order);
	emit(&e, INSPECT_LINE_HEADING, line);
	for (size_t i = 0; i < s->n; i++) {
		const struct inspect_chunk *c = &s->chunks[i];
		const char *from = c->from_a ? a : b, *to = c->from_a ? b : a;
		unsigned long long pk = (unsigned long long)c->packet + 1;
		e.l.side = c->from_a ? INSPECT_SIDE_A : INSPECT_SIDE_B;
		e.l.packet = (long long)c->packet;
		e.l.chunk = c;
		switch (c->kind) {
		case INSPECT_CHUNK_DATA:
			if (s->tcp)
				snprintf(line, sizeof line, "==> %s > %s  packet %llu, seq %u, %u bytes%s", from, to, pk, c->seq,
				         c->len, c->out_of_order ? " (arrived out of order)" : "");
			else
				snprintf(line, sizeof line, "==> %s > %s  packet %llu, %u bytes", from, to, pk, c->len);
			emit(&e, INSPECT_LINE_SENT, line);
			emit_bytes(&e, c, &lb);
			break;
		case INSPECT_CHUNK_GAP:
			snprintf(line, sizeof line, "[gap: %u bytes of %s > %s never captured, seq %u to %u]", c->len, from, to,
			         c->seq, c->seq + c->len);
			emit(&e, INSPECT_LINE_LACKING, line);
			break;
		case INSPECT_CHUNK_RETRANS:
			snprintf(line, sizeof line, "[retransmission: packet %llu, %s > %s, seq %u, %u bytes delivered before]", pk,
			         from, to, c->seq, c->len);
			emit(&e, INSPECT_LINE_AGAIN, line);
			break;
		case INSPECT_CHUNK_NOT_CAPTURED:
			snprintf(line, sizeof line, "[not captured: %u more bytes of packet %llu, cut by the snapshot length]",
			         c->len, pk);
			emit(&e, INSPECT_LINE_LACKING, line);
			break;
		}
	}
	if (s->n == 0) {
		e.l = (struct inspect_line){ .packet = -1 };
		emit(&e, INSPECT_LINE_EMPTY, "(no payload in either direction)");
	}
	free(lb.p);
}

static void write_line(void *ctx, const struct inspect_line *l)
{
	FILE *out = ctx;
	fputs(l->text, out);
	putc('\n', out);
}

void inspect_stream_write(const struct inspect_stream *s, FILE *out)
{
	inspect_stream_lines(s, write_line, out);
}
