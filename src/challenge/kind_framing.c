/*
 * kind_framing.c — "length-prefixed messages": the learner's server reads
 * messages framed as a 4-byte length (big-endian, network byte order) and
 * that many bytes, and answers each with the line "OK <n>\n", n being the
 * length in decimal.  TCP keeps no message boundaries: one recv() may return
 * part of a message, or more than one.  So the lab sends, on one connection,
 * messages whose boundaries fall where a server that takes one recv() for
 * one message breaks, a different way at each step, in an order such that
 * each typical mistake fails at its own step:
 *   1. a message and its length in one segment (what every server gets right);
 *   2. two messages in one segment (a server that parses one message per
 *      recv() answers only the first);
 *   3. a message whose 4-byte length is split over two segments, 3 + 1 (a
 *      server that does one recv(4) takes 3 bytes for the length);
 *   4. a message of `long` bytes in 8 segments (a server that does one
 *      recv(n) for the message takes a part for the whole).
 * TCP_NODELAY and a pause after each send keep every send a segment of its
 * own; the verdict names those segments by their packet numbers.  The lab
 * reads the replies all the while, so a reply that comes before its message
 * was sent whole proves the server answered a part.  Then the lab closes its
 * side (FIN) and waits for the server to close.
 *
 * Parameters: long (the bytes of message 5, 100-60000, default 2000).
 */
#include "challenge/challenge.h"
#include "common/clock.h"
#include "common/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define IO_MS 3000          /* the lab waits this long for each answer */
#define PAUSE_MS 80         /* after each send but a step's last: the next is a segment of its own */
#define NMSG 5
#define NSTEP 4
#define LONG_PIECES 8
#define LONG_MSG_MAX 60000

/* ---- the lab as a client of the learner's server: lab_client.c ---- */


/* ---- the messages and the steps ---- */

/* The texts of messages 1-4; message 5 is `long` bytes of the alphabet. */
static const char *const texts[NMSG - 1] = { "hello", "message two", "and three", "split header" };

/* A step: its messages (first..last; cuts() says where their bytes are cut
 * into sends). */
static const struct step {
	unsigned first, last;
	const char *what;               /* the explanation when the step fails */
} steps[NSTEP] = {
	{ 0, 0, "a length-prefixed message is 4 bytes of length (big-endian) and then that many bytes" },
	{ 1, 2, "one recv() can return more than one message: keep what is left after a message and take the "
	        "next one from it" },
	{ 3, 3, "you read 3 bytes of the 4-byte length and took them for a whole header: read until you have "
	        "all 4" },
	{ 4, 4, "one recv() returns what has arrived, a part of the message here: read until you have all of its "
	        "bytes" },
};

enum fail { FAIL_NONE, FAIL_EARLY, FAIL_WRONG, FAIL_SILENT, FAIL_EOF, FAIL_RESET, FAIL_STOPPED };

struct reply {
	char text[64];                  /* the line, without its \n */
	size_t sent;                    /* how much the lab had sent when it came */
};

struct framing {
	/* the stream the lab sends: the messages with their lengths */
	uint8_t *wire;
	size_t nwire, start[NMSG], end[NMSG], len[NMSG];
	/* what the lab saw (written by its thread before done) */
	bool listed;
	int err;                        /* connect() */
	uint16_t lport;
	size_t sent;
	unsigned sends[NSTEP];          /* the sends each step took */
	struct reply reply[NMSG + 4];
	unsigned nreply, extra;         /* answers; more after the last message */
	char partial[64];               /* bytes after the last \n */
	size_t npartial;
	unsigned steps_ok;              /* steps passed */
	enum fail fail;                 /* of step steps_ok */
	enum fail gone;                 /* FAIL_EOF or FAIL_RESET once the server's end was read */
	unsigned bad;                   /* the message it failed on */
	bool closed, reset_at_close;    /* after the lab's FIN */
};

/* ---- the lab's client ---- */

static enum fail read_replies(struct framing *h, int fd)
{
	char buf[512];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return FAIL_NONE;
		if (n <= 0)
			return n == 0 ? FAIL_EOF : FAIL_RESET;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (h->npartial < sizeof h->partial - 1)
					h->partial[h->npartial++] = buf[i];
				continue;
			}
			if (h->nreply < sizeof h->reply / sizeof h->reply[0]) {
				struct reply *rp = &h->reply[h->nreply];
				snprintf(rp->text, sizeof rp->text, "%.*s", (int)h->npartial, h->partial);
				rp->sent = h->sent;
			}
			h->nreply++;
			h->npartial = 0;
		}
	}
}

/* Whether reply i answers message i, in time. */
static enum fail check_reply(const struct framing *h, unsigned i)
{
	char want[32];
	snprintf(want, sizeof want, "OK %zu", h->len[i]);
	if (h->reply[i].sent < h->end[i])
		return FAIL_EARLY;
	return strcmp(h->reply[i].text, want) ? FAIL_WRONG : FAIL_NONE;
}

/* Wait up to ms for replies, reading them; stops early when `want` have come or one is wrong. */
static enum fail await_replies(struct chal_run *r, int fd, int ms, unsigned want)
{
	struct framing *h = r->priv;
	int64_t until = clock_ms() + ms;
	for (;;) {
		unsigned before = h->nreply;
		enum fail f = read_replies(h, fd);
		for (unsigned i = before; i < h->nreply && i < NMSG; i++) {
			enum fail bad = check_reply(h, i);
			if (bad != FAIL_NONE) {
				h->bad = i;
				return bad;
			}
		}
		h->bad = h->nreply;     /* the first not answered yet */
		if (f != FAIL_NONE && f != FAIL_STOPPED && !h->gone)
			h->gone = f;
		/* answers that came just before the server's close count: the close
		 * fails the next step, whose message then gets none */
		if (want && h->nreply >= want)
			return FAIL_NONE;
		if (h->gone)
			return h->gone;
		int64_t left = until - clock_ms();
		if (left <= 0)
			return want ? FAIL_SILENT : FAIL_NONE;
		if (chal_wait(r, fd, POLLIN, (int)left) == CHAL_STOPPED)
			return FAIL_STOPPED;
	}
}

/* Send the wire up to offset to (a few kB at most: the socket takes it). */
static enum fail send_piece(struct chal_run *r, int fd, size_t to)
{
	struct framing *h = r->priv;
	while (h->sent < to) {
		ssize_t w = send(fd, h->wire + h->sent, to - h->sent, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			enum chal_wait cw = chal_wait(r, fd, POLLOUT, IO_MS);
			if (cw != CHAL_READY)
				return cw == CHAL_TIMEOUT ? FAIL_SILENT : FAIL_STOPPED;
			continue;
		}
		if (w < 0)
			return errno == EPIPE ? FAIL_EOF : FAIL_RESET;
		h->sent += (size_t)w;
	}
	return FAIL_NONE;
}

/* Where step s cuts its bytes: the ends of its sends, in cut[]. */
static unsigned cuts(const struct framing *h, unsigned s, size_t *cut)
{
	const struct step *st = &steps[s];
	unsigned n = 0;
	if (s == 2) {
		cut[n++] = h->start[st->first] + 3;
	} else if (s == 3) {
		size_t piece = (h->end[4] - h->start[4] + LONG_PIECES - 1) / LONG_PIECES;
		for (size_t at = h->start[4] + piece; at < h->end[4]; at += piece)
			cut[n++] = at;
	}
	cut[n++] = h->end[st->last];
	return n;
}

static void lab(struct chal_run *r)
{
	struct framing *h = r->priv;
	int fd = chal_await_server(r, &h->listed, &h->lport, &h->err);
	if (fd < 0)
		return;
	for (unsigned s = 0; s < NSTEP && !h->fail; s++) {
		size_t cut[LONG_PIECES + 1];
		unsigned n = cuts(h, s, cut);
		for (unsigned k = 0; k < n && !h->fail; k++) {
			h->fail = send_piece(r, fd, cut[k]);
			h->sends[s]++;
			if (!h->fail && k + 1 < n)
				h->fail = await_replies(r, fd, PAUSE_MS, 0);
		}
		if (!h->fail)
			h->fail = await_replies(r, fd, IO_MS, steps[s].last + 1);
		if (!h->fail)
			h->steps_ok++;
		else if (h->bad < steps[s].first || h->bad > steps[s].last)
			h->bad = h->bad < steps[s].first ? steps[s].first : steps[s].last;
	}
	if (!h->fail) {
		/* the lab's FIN; then the server's */
		shutdown(fd, SHUT_WR);
		enum fail f = await_replies(r, fd, IO_MS, 0);
		h->extra = h->nreply > NMSG ? h->nreply - NMSG : 0;
		h->closed = f == FAIL_EOF;
		h->reset_at_close = f == FAIL_RESET;
	}
	close(fd);
}

/* ---- the kind ---- */

static int setup(struct chal_run *r, char *err, size_t errlen)
{
	(void)err, (void)errlen;   /* nothing here can fail but memory (common/mem.h) */
	struct framing *h = r->priv;
	long n = challenge_num(r->c, "long");
	for (unsigned i = 0; i < NMSG; i++) {
		h->len[i] = i < NMSG - 1 ? strlen(texts[i]) : (size_t)n;
		h->nwire += 4 + h->len[i];
	}
	h->wire = xmalloc(h->nwire);
	size_t at = 0;
	for (unsigned i = 0; i < NMSG; i++) {
		uint32_t be = htonl((uint32_t)h->len[i]);
		h->start[i] = at;
		memcpy(h->wire + at, &be, 4);
		at += 4;
		for (size_t k = 0; k < h->len[i]; k++)
			h->wire[at + k] = i < NMSG - 1 ? (uint8_t)texts[i][k] : (uint8_t)('a' + k % 26);
		at += h->len[i];
		h->end[i] = at;
	}
	return 0;
}

static void release(struct chal_run *r)
{
	struct framing *h = r->priv;
	if (!h)
		return;
	free(h->wire);
}

/* ---- the judge ---- */

/* The lab's segments that carried wire[from, to), from the capture:
 * "packet 4, 9 bytes", "packets 13 and 15, 3 and 13 bytes" or "8 segments,
 * packets 18 to 32"; the count (0: none seen). */
static unsigned segments(const struct chal_run *r, const struct framing *h, size_t from, size_t to, char *out,
                         size_t n)
{
	unsigned count = 0, num[3] = { 0 }, len[3] = { 0 }, last = 0;
	size_t covered = from, off;
	struct chal_segs it = { 0 };
	const struct chal_packet *q;
	while ((q = chal_lab_data(r, h->lport, &it, &off))) {
		const struct pkt_info *p = &q->info;
		size_t end = off + p->payload_len;
		if (end <= covered || off >= to)
			continue;           /* not this range, or a retransmission of what was counted */
		covered = end;
		last = (unsigned)it.i;
		if (count < 3) {
			num[count] = last;
			len[count] = p->payload_len;
		}
		count++;
	}
	if (count == 1)
		snprintf(out, n, "packet %u, %u bytes", num[0], len[0]);
	else if (count == 2)
		snprintf(out, n, "packets %u and %u, %u and %u bytes", num[0], num[1], len[0], len[1]);
	else if (count == 3)
		snprintf(out, n, "packets %u, %u and %u, %u, %u and %u bytes", num[0], num[1], num[2], len[0], len[1], len[2]);
	else if (count)
		snprintf(out, n, "%u segments, packets %u to %u", count, num[0], last);
	return count;
}

/* The server's answers as the capture saw them on the lab's connection:
 * its complete lines, each with the packet that ended it and its ACK, how
 * much of the lab's stream the server had received when it sent it. */
struct wire_reply {
	char text[64];
	size_t acked;
	unsigned pkt;
};

static unsigned wire_replies(const struct chal_run *r, const struct framing *h, struct wire_reply *w, unsigned max)
{
	uint32_t lab_isn = 0, isn = 0;
	bool lab_syn = false, syn = false;
	size_t next = 0, npart = 0;
	char part[64];
	unsigned n = 0;
	for (size_t i = 0; i < r->npkts && n < max; i++) {
		const struct pkt_info *p = &r->pkts[i].info;
		if (!p->tcp)
			continue;
		bool mine = r->pkts[i].from_learner && p->sport == r->port && p->dport == h->lport;
		if (!mine && !(p->sport == h->lport && p->dport == r->port))
			continue;
		if (p->tcp_flags & TCPF_SYN) {
			if (mine)
				isn = p->seq, syn = true;
			else
				lab_isn = p->seq, lab_syn = true;
			continue;
		}
		if (!mine || !syn || !lab_syn || !p->payload_len || !r->pkts[i].payload)
			continue;
		size_t off = (uint32_t)(p->seq - isn - 1), len = p->payload_caplen;
		if (off > next)
			break;              /* a gap: what follows cannot be read in order */
		if (off + len <= next)
			continue;           /* a retransmission of what was read */
		for (size_t k = next - off; k < len && n < max; k++) {
			char c = (char)r->pkts[i].payload[k];
			if (c != '\n') {
				if (npart < sizeof part - 1)
					part[npart++] = c;
				continue;
			}
			snprintf(w[n].text, sizeof w[n].text, "%.*s", (int)npart, part);
			w[n].acked = (uint32_t)(p->ack - lab_isn - 1);
			w[n].pkt = (unsigned)i + 1;
			n++;
			npart = 0;
		}
		next = off + len;
	}
	return n;
}

/* When the server's end (FIN or RST) reached the lab's socket, the answers
 * that came just before it may not have: an RST throws away what the lab
 * had not read yet.  The capture has them: they count, as if read, and the
 * steps they complete pass. */
static void add_wire_replies(const struct chal_run *r, struct framing *h)
{
	struct wire_reply w[NMSG + 4];
	if ((h->fail != FAIL_EOF && h->fail != FAIL_RESET) || h->steps_ok >= NSTEP)
		return;
	unsigned nw = wire_replies(r, h, w, NMSG + 4);
	if (nw <= h->nreply)
		return;
	for (unsigned i = h->nreply; i < nw; i++) {
		snprintf(h->reply[i].text, sizeof h->reply[i].text, "%s", w[i].text);
		h->reply[i].sent = w[i].acked;
	}
	h->nreply = nw;
	while (h->steps_ok < NSTEP && h->nreply > steps[h->steps_ok].last) {
		for (unsigned i = steps[h->steps_ok].first; i <= steps[h->steps_ok].last; i++) {
			enum fail bad = check_reply(h, i);
			if (bad != FAIL_NONE) {
				h->fail = bad;
				h->bad = i;
				return;
			}
		}
		h->steps_ok++;
	}
	if (h->steps_ok < NSTEP) {
		const struct step *st = &steps[h->steps_ok];
		h->bad = h->nreply < st->first ? st->first : h->nreply > st->last ? st->last : h->nreply;
	} else {
		h->extra = h->nreply > NMSG ? h->nreply - NMSG : 0;
		h->closed = h->fail == FAIL_EOF;
		h->reset_at_close = h->fail == FAIL_RESET;
		h->fail = FAIL_NONE;
	}
}

/* The server's own end of the lab's connection, FIN or RST (not the stop's):
 * its packet number, or 0. */
static unsigned server_end(const struct chal_run *r, const struct framing *h, bool *rst)
{
	for (size_t i = 0; i < r->npkts; i++) {
		const struct chal_packet *q = &r->pkts[i];
		if (q->from_learner && !q->by_stop && q->info.tcp && q->info.dport == h->lport &&
		    (q->info.tcp_flags & (TCPF_FIN | TCPF_RST))) {
			*rst = q->info.tcp_flags & TCPF_RST;
			return (unsigned)i + 1;
		}
	}
	return 0;
}

/* "OK 5\n", the answer to message i, quoted. */
static void want_text(const struct framing *h, unsigned i, char *out, size_t n)
{
	char w[32];
	int l = snprintf(w, sizeof w, "OK %zu\n", h->len[i]);
	chal_quote((const uint8_t *)w, (size_t)l, out, n);
}

/* What the server did instead of answering message i right, in words. */
static void instead(const struct chal_run *r, const struct framing *h, unsigned i, char *out, size_t n)
{
	char q[120], prog[128];
	chal_program_end(r, prog, sizeof prog);
	if (h->fail == FAIL_EARLY || h->fail == FAIL_WRONG) {
		char line[80];
		int l = snprintf(line, sizeof line, "%s\n", h->reply[i].text);
		chal_quote((const uint8_t *)line, (size_t)l, q, sizeof q);
		snprintf(out, n, "your server answered %s", q);
	} else if (h->fail == FAIL_SILENT) {
		chal_quote((const uint8_t *)h->partial, h->npartial, q, sizeof q);
		snprintf(out, n, "your server answered nothing within %d s%s%s%s", IO_MS / 1000,
		         h->npartial ? " (it sent " : "", h->npartial ? q : "", h->npartial ? " without a newline)" : "");
	} else if (h->fail == FAIL_STOPPED) {
		snprintf(out, n, "your program ended before it answered%s%s", prog[0] ? ": " : "", prog);
	} else {
		snprintf(out, n, "your server %s without answering%s%s", h->fail == FAIL_EOF ?
		         "closed the connection (FIN)" : "reset the connection (RST)", prog[0] ? "; " : "", prog);
	}
}

/* Message i's answer came, but its line did not end in "\n" alone (\r\n, or
 * no newline yet): said on its own, with nothing about lengths or byte
 * order, which the server got right or the lab cannot tell.  False when
 * that is not the fault. */
static bool line_end_fault(const struct chal_run *r, const struct framing *h, unsigned i, const char *segs,
                           struct verdict *v)
{
	(void)r;
	char want[32], w[40], q[120];
	int wl = snprintf(want, sizeof want, "OK %zu", h->len[i]);
	want_text(h, i, w, sizeof w);
	if (h->fail == FAIL_WRONG && h->reply[i].sent >= h->end[i]) {
		const char *t = h->reply[i].text;
		size_t tl = strlen(t);
		if (!(tl == (size_t)wl + 1 && t[wl] == '\r' && !strncmp(t, want, (size_t)wl)))
			return false;
		char line[80];
		int l = snprintf(line, sizeof line, "%s\n", t);
		chal_quote((const uint8_t *)line, (size_t)l, q, sizeof q);
		verdict_add(v, false, "message %u (%zu bytes; %s): your server answered %s: the answer is %s, a line that "
		            "ends in \"\\n\" alone, not \"\\r\\n\"", i + 1, h->len[i], segs, q, w);
		return true;
	}
	if (h->fail != FAIL_SILENT || !h->npartial || h->nreply != i)
		return false;
	chal_quote((const uint8_t *)h->partial, h->npartial, q, sizeof q);
	bool same = h->npartial == (size_t)wl && !memcmp(h->partial, want, (size_t)wl);
	verdict_add(v, false, "message %u (%zu bytes; %s): your server sent %s without a newline, and nothing more "
	            "within %d s; the answer is %s: %s", i + 1, h->len[i], segs, q, IO_MS / 1000, w, same ?
	            "end it with \"\\n\": the client reads an answer up to its newline" :
	            "each answer is the line \"OK <n>\", n the message's length in decimal, and its \"\\n\"");
	return true;
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct framing *h = r->priv;
	if (!chal_judge_reached(r, h->listed, h->err, v))
		return;
	add_wire_replies(r, h);
	char segs[160], w1[40], w2[40], how[300];
	for (unsigned s = 0; s < NSTEP && s <= h->steps_ok; s++) {
		const struct step *st = &steps[s];
		unsigned i = st->first, j = st->last, bad = h->bad;
		bool ok = s < h->steps_ok, early = h->fail == FAIL_EARLY, answered = early || h->fail == FAIL_WRONG;
		/* the segments the lab had sent of the step (all of them, unless an early answer stopped it) */
		if (!segments(r, h, h->start[i], h->end[j], segs, sizeof segs))
			snprintf(segs, sizeof segs, "%u send%s, not captured", h->sends[s], h->sends[s] == 1 ? "" : "s");
		want_text(h, i, w1, sizeof w1);
		want_text(h, j, w2, sizeof w2);
		if (!ok)
			instead(r, h, bad, how, sizeof how);
		if (!ok && s > 0 && (h->fail == FAIL_EOF || h->fail == FAIL_RESET) && h->nreply == st->first) {
			/* it answered every message before this step and then ended the
			 * connection: the step's own mistake is not what it made */
			bool rst = h->fail == FAIL_RESET;
			char prev[40], pk[40] = "";
			unsigned end = server_end(r, h, &rst);
			want_text(h, st->first - 1, prev, sizeof prev);
			if (end)
				snprintf(pk, sizeof pk, ", packet %u", end);
			verdict_add(v, false, "your server %s (%s%s) after its answer to message %u, %s: messages %u to %d got "
			            "none. One connection carries many messages: read the next length and message until "
			            "recv() returns 0 (the client has closed its side), and only then close()",
			            rst ? "reset the connection" : "closed the connection", rst ? "RST" : "FIN", pk,
			            st->first, prev, st->first + 1, NMSG);
			break;
		}
		if (!ok && line_end_fault(r, h, bad, segs, v))
			break;
		switch (s) {
		case 0:
			if (ok)
				verdict_add(v, true, "message 1 (%zu bytes) came with its length in one segment (%s): your server "
				            "answered %s", h->len[0], segs, w1);
			else
				verdict_add(v, false, "message 1 (%zu bytes, \"\\x00\\x00\\x00\\x%02zx%s\" with its length, in one "
				            "segment: %s): %s; the answer is %s: %s%s", h->len[0], h->len[0], texts[0], segs, how, w1,
				            st->what, h->fail == FAIL_SILENT ? " (read little-endian, this length is 83886080: "
				            "it is big-endian, network byte order: ntohl() in C, int.from_bytes(b, \"big\") in "
				            "Python)" : "");
			break;
		case 1:
			if (ok)
				verdict_add(v, true, "messages 2 and 3 (%zu and %zu bytes) came together in one segment (%s): your "
				            "server answered both, %s and %s", h->len[1], h->len[2], segs, w1, w2);
			else if (bad == j && h->fail == FAIL_SILENT)
				verdict_add(v, false, "two messages arrived in one segment (%s: %zu and %zu bytes, each with its "
				            "length) and you answered only the first: %s", segs, h->len[1], h->len[2], st->what);
			else
				verdict_add(v, false, "messages 2 and 3 (%zu and %zu bytes) came together in one segment (%s); to "
				            "message %u, whose answer is %s, %s: %s", h->len[1], h->len[2], segs, bad + 1,
				            bad == i ? w1 : w2, how, st->what);
			break;
		case 2:
			if (ok)
				verdict_add(v, true, "message 4 (%zu bytes): its 4-byte length came split over two segments (%s), "
				            "and your server answered %s", h->len[3], segs, w1);
			else if (early)
				verdict_add(v, false, "message 4's 4-byte length came split over two segments; when the first had "
				            "arrived (%s), %s: %s", segs, how, st->what);
			else
				verdict_add(v, false, "message 4's 4-byte length came split over two segments (%s: 3 bytes of the "
				            "length, then its last byte with the %zu bytes of the message); %s, where the answer "
				            "is %s: %s", segs, h->len[3], how, w1, answered || h->fail == FAIL_EOF ||
				            h->fail == FAIL_RESET ? st->what : "a server that reads the length with one recv() "
				            "gets 3 bytes of it here: read until you have all 4");
			break;
		default:
			if (ok)
				verdict_add(v, true, "message 5 (%zu bytes) came in %s: your server answered %s once all of it had "
				            "arrived", h->len[4], segs, w1);
			else if (early)
				verdict_add(v, false, "message 5 (%zu bytes) was coming in %u segments; when only %zu of its %zu "
				            "bytes (with the length) had been sent (%s), %s, where the answer is %s once all has "
				            "arrived: it took a part for the whole message: %s", h->len[4], LONG_PIECES,
				            h->reply[bad].sent - h->start[4], h->end[4] - h->start[4], segs, how, w1, st->what);
			else
				verdict_add(v, false, "message 5 (%zu bytes) came in %s; %s, where the answer is %s: %s", h->len[4],
				            segs, how, w1, st->what);
		}
	}
	if (h->steps_ok < NSTEP)
		return;
	if (h->extra)
		verdict_add(v, false, "your server sent %u answer%s more than there were messages (the first: \"%s\"): one "
		            "answer per message", h->extra, h->extra == 1 ? "" : "s", h->reply[NMSG].text);
	if (h->closed)
		verdict_add(v, true, "it closed the connection after the lab's FIN");
	else
		verdict_add(v, false, "your server %s after the lab's FIN: when recv() returns 0 between messages the client "
		            "has finished: close() the connection", h->reset_at_close ? "reset the connection (RST)" :
		            "did not close the connection within 3 s");
}

static const struct chal_param params[] = {
	{ "long", "2000", 100, LONG_MSG_MAX, "bytes" },
	{ NULL },
};

const struct chal_kind kind_framing = {
	.name = "framing", .learner = "server",
	.params = params, .priv_size = sizeof(struct framing),
	.setup = setup, .lab = lab, .judge = judge, .free = release,
};
