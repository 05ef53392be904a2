/*
 * kind_echo_server.c — "an echo server": the learner's server listens on
 * {host} port {port} and sends back every byte it receives, client after
 * client, until it is stopped.  The lab connects `connections` times, one
 * after another.  On each connection it sends a short line in pieces of 1-3
 * bytes (TCP_NODELAY and a pause between them, so each piece is a segment of
 * its own: a server must not expect a whole line from one recv()), then
 * `big` bytes of every value 0-255, zero bytes too (a server that treats
 * data as a C string loses them), reading the echo all the while (a client
 * that only writes deadlocks with a server that echoes: both send buffers
 * fill).  When everything has come back it closes its side (FIN) and waits
 * for the server to close too.  Judged from what came back: every byte in
 * order (else the first offset that differs), nothing missing, no reset,
 * the close, and the next connection accepted (a server accept()s in a
 * loop).  A server that never listens, or stops, gets a verdict when the
 * learner's program ends or its time is up: run.c then stops the lab.
 *
 * Parameters: connections (1-8, default 3), big (bytes, default 200000).
 */
#include "challenge/challenge.h"
#include "common/clock.h"

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

#define IO_MS 3000          /* the lab waits this long for any progress */
#define PIECE_MS 15         /* the pause between the line's pieces */
#define NEXT_MS 100         /* and between one connection and the next */
#define CONN_MAX 8
#define BIG_MAX (16u << 20)
/* The lab reads slowly, so that the server's send() cannot take all it is
 * given at once: its socket's receive buffer is small (the window it
 * offers stays small), and on the first connection it stops reading for
 * SLOW_MS after every SLOW_EVERY bytes it read, SLOW_TIMES times, while it
 * keeps sending.  A blocking send() waits meanwhile; a non-blocking one
 * returns what it took, and a server that ignores that loses the rest. */
#define LAB_RCVBUF 4096
/* and its MSS small: the kernel sizes a socket's send buffer from the
 * segment size (some ten segments' worth, twice), so on the loopback, with
 * 64 kB segments, a server's send buffer is megabytes and never fills;
 * with 1 kB segments it is tens of kB, and 200 kB overflow it */
#define LAB_MSS 1024
#define SLOW_EVERY 8192
#define SLOW_LEFT 65536
#define SLOW_MS 250
#define SLOW_TIMES 4

/* ---- the lab as a client of the learner's server: lab_client.c ---- */


enum end { END_NONE, END_ALL, END_EOF, END_RESET, END_STALL, END_STOPPED };
enum closing { CLOSE_NONE, CLOSE_FIN, CLOSE_RESET, CLOSE_SILENT, CLOSE_EXTRA };

/* One connection, as the lab saw it (written by its thread before done). */
struct echo_conn {
	int err;                /* connect(): 0, or errno (ECONNREFUSED: nothing listened; ECANCELED: stopped) */
	uint16_t lport;         /* the lab's port: finds the connection in the capture */
	char line[64];
	size_t nline, pieces;   /* the short line and the sends it took */
	size_t total, sent;     /* line + big; how much the lab sent */
	size_t got;             /* bytes that came back right, in order */
	bool diff;              /* byte `got` came back wrong */
	uint8_t want[12], came[12];
	size_t ncame;
	size_t extra;           /* came back after all had: never sent */
	enum end end;
	enum closing closing;
	bool slow;              /* the lab read it slowly */
	unsigned pauses;        /* the pauses it made */
};

struct echo {
	unsigned nconn, want_conn;
	size_t big;
	bool listed;            /* a socket listened on the port (maybe on another address or family) */
	struct echo_conn c[CONN_MAX];
};

/* ---- the exchange ---- */

/* The byte at offset off of what the lab sends: the line, then bytes that
 * take every value and do not repeat with a short period (a server that
 * drops a block must not get the same bytes again by chance). */
static uint8_t want_at(const struct echo_conn *c, size_t off)
{
	if (off < c->nline)
		return (uint8_t)c->line[off];
	uint32_t x = (uint32_t)(off - c->nline) * 2654435761u;
	return (uint8_t)((x ^ (x >> 15)) >> 7);
}

/* What came back: compared with what was sent, in order. */
static void take(struct echo_conn *c, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c->diff) {
			if (c->ncame < sizeof c->came)
				c->came[c->ncame++] = b[i];
		} else if (c->got == c->total) {
			c->extra++;
		} else if (b[i] == want_at(c, c->got)) {
			c->got++;
		} else {
			c->diff = true;
			for (size_t k = 0; k < sizeof c->want && c->got + k < c->total; k++)
				c->want[k] = want_at(c, c->got + k);
			c->came[c->ncame++] = b[i];
		}
	}
}

/* Read what is there; false when the connection ended (c->end set). */
static bool drain(struct echo_conn *c, int fd)
{
	uint8_t buf[16384];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n > 0) {
			take(c, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return true;
		c->end = n == 0 ? END_EOF : END_RESET;
		return false;
	}
}

/* Send from offset c->sent up to `upto` as far as the socket takes it. */
static bool push(struct echo_conn *c, int fd, size_t upto)
{
	uint8_t buf[16384];
	while (c->sent < upto) {
		size_t n = upto - c->sent < sizeof buf ? upto - c->sent : sizeof buf;
		for (size_t i = 0; i < n; i++)
			buf[i] = want_at(c, c->sent + i);
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return true;
			c->end = END_RESET;
			return false;
		}
		c->sent += (size_t)w;
	}
	return true;
}

/* The line in pieces of 1-3 bytes, then the big message while reading the
 * echo; then the lab's FIN and the server's close. */
static void exchange(const struct chal_run *r, struct echo_conn *c, int fd)
{
	/* the line */
	for (size_t off = 0; off < c->nline;) {
		size_t piece = 1 + c->pieces % 3;
		if (piece > c->nline - off)
			piece = c->nline - off;
		if (!push(c, fd, off + piece))
			return;
		off += piece;
		c->pieces++;
		if (chal_stopped(r, PIECE_MS)) {
			c->end = END_STOPPED;
			return;
		}
		if (!drain(c, fd))
			return;
	}
	/* the big message, reading all the while (slowly on the first connection) */
	int64_t last = clock_ms(), resume = 0;
	size_t mark = c->got;
	while (c->got < c->total && !c->diff) {
		int64_t now = clock_ms();
		/* a pause only while much is still to send: what the lab sends meanwhile is what must overflow */
		if (c->slow && c->pauses < SLOW_TIMES && !resume && c->got - mark >= SLOW_EVERY &&
		    c->sent + SLOW_LEFT < c->total) {
			resume = now + SLOW_MS;
			c->pauses++;
		}
		if (resume && now >= resume) {
			resume = 0;
			mark = c->got;
			last = now;     /* the pause is the lab's: no stall of the server's */
		}
		short in = resume ? 0 : POLLIN;
		struct pollfd p[2] = { { .fd = fd, .events = in | (c->sent < c->total ? POLLOUT : 0) },
		                       { .fd = r->wake, .events = POLLIN } };
		int64_t left = resume ? resume - now : last + IO_MS - now;
		if (resume && left <= 0)
			continue;
		if (left <= 0) {
			c->end = END_STALL;
			return;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			return;
		if (p[1].revents) {
			c->end = END_STOPPED;
			return;
		}
		size_t before = c->sent + c->got;
		if ((p[0].revents & POLLOUT) && !push(c, fd, c->total))
			return;
		if (!resume && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !drain(c, fd))
			return;
		if (c->sent + c->got != before)
			last = clock_ms();
	}
	if (c->diff)
		return;
	c->end = END_ALL;
	/* the lab's FIN; then the server's */
	shutdown(fd, SHUT_WR);
	int64_t until = clock_ms() + IO_MS;
	c->closing = CLOSE_SILENT;
	for (;;) {
		if (!chal_readable(r, fd, until))
			return;
		uint8_t buf[4096];
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n > 0) {
			take(c, buf, (size_t)n);
			c->closing = CLOSE_EXTRA;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (c->closing != CLOSE_EXTRA)
			c->closing = n == 0 ? CLOSE_FIN : CLOSE_RESET;
		return;
	}
}

/* The bytes that came after byte c->got are the lab's from further on: how
 * many were skipped (a hole), or 0.  The stream's bytes do not repeat with
 * a short period (want_at), so 12 of them matching is no accident. */
static size_t hole_after(const struct echo_conn *c)
{
	if (c->ncame < sizeof c->came)
		return 0;
	for (size_t d = 1; c->got + d + c->ncame <= c->sent; d++) {
		size_t k = 0;
		while (k < c->ncame && want_at(c, c->got + d + k) == c->came[k])
			k++;
		if (k == c->ncame)
			return d;
	}
	return 0;
}

static bool conn_ok(const struct echo_conn *c)
{
	return !c->err && c->end == END_ALL && !c->diff && c->closing == CLOSE_FIN;
}

static void lab(struct chal_run *r)
{
	struct echo *h = r->priv;
	for (unsigned i = 0; i < h->want_conn; i++) {
		struct echo_conn *c = &h->c[h->nconn++];
		c->nline = (size_t)snprintf(c->line, sizeof c->line, "echo me, connection %u\n", i + 1);
		c->total = c->nline + h->big;
		c->slow = i == 0;
		/* the first waits for the server to listen; the next ones find it listening, or not: a
		 * client seldom comes the very moment the last one left, and a server that exits after
		 * one client has gone by then, so the next connect() is refused, not reset */
		if (i && chal_stopped(r, NEXT_MS)) {
			c->err = ECANCELED;
			break;
		}
		int fd = i == 0 ? chal_await_server(r, &h->listed, &c->lport, &c->err)
		                : chal_connect(r, IO_MS, &c->lport, &c->err);
		if (fd < 0)
			break;
		exchange(r, c, fd);
		close(fd);
		if (!conn_ok(c))
			break;
	}
}

/* ---- the kind ---- */

static int setup(struct chal_run *r, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct echo *h = r->priv;
	h->want_conn = (unsigned)challenge_num(r->c, "connections");
	h->big = (size_t)challenge_num(r->c, "big");
	r->lab_rcvbuf = LAB_RCVBUF;
	r->lab_mss = LAB_MSS;
	return 0;
}

/* ---- the judge ---- */

static const char *const nth[] = { "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth" };

/* The lab's data segments of connection c that carried its line. */
static unsigned line_segments(const struct chal_run *r, const struct echo_conn *c)
{
	unsigned n = 0;
	struct chal_segs it = { 0 };
	size_t off;
	while (chal_lab_data(r, c->lport, &it, &off))
		n += off < c->nline;
	return n;
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct echo *h = r->priv;
	char prog[128], q1[200], q2[200];
	chal_program_end(r, prog, sizeof prog);
	const char *sep = prog[0] ? "; " : "";
	if (!chal_judge_reached(r, h->listed, h->c[0].err, v))
		return;
	for (unsigned i = 0; i < h->nconn; i++) {
		const struct echo_conn *c = &h->c[i];
		if (c->err == ECONNREFUSED) {
			verdict_add(v, false, "the %s connection was refused: a server accept()s in a loop, serving one "
			            "client after another until it is stopped%s%s", nth[i], sep, prog);
			return;
		}
		if (c->err) {
			verdict_add(v, false, "the %s connection failed: %s%s%s", nth[i], c->err == ETIMEDOUT ? "your server "
			            "did not accept it within 3 s: a server accept()s in a loop" : c->err == ECANCELED ?
			            "the lab was still connecting when your program ended" : strerror(c->err), sep, prog);
			return;
		}
		if (c->diff) {
			chal_quote(c->want, sizeof c->want < c->total - c->got ? sizeof c->want : c->total - c->got, q1,
			           sizeof q1);
			chal_quote(c->came, c->ncame, q2, sizeof q2);
			char zero[160] = "";
			if (c->want[0] == 0)
				snprintf(zero, sizeof zero, " (byte %zu is a zero byte: data like any other; string functions such "
				         "as strlen() stop at it: send back the count recv() returned)", c->got);
			size_t hole = hole_after(c);
			/* a hole from a zero byte on is what strlen() does to the data; elsewhere, a dropped
			 * part of a send (one in 256 such holes starts at a zero byte by chance: told as strlen) */
			if (hole && c->want[0] != 0)
				verdict_add(v, false, "connection %u: %zu bytes never came back: after the first %zu came the lab's "
				            "bytes from %zu on (%s). The lab reads slowly (its receive window is small), so your "
				            "server's send() took only part of what it was given, and the rest was dropped: send() returns how "
				            "many bytes it took; send the rest (loop until all is sent, or sendall() in Python; "
				            "on a non-blocking socket wait for POLLOUT first)", i + 1, hole, c->got, c->got + hole,
				            q2);
			else
				verdict_add(v, false, "connection %u: byte %zu came back wrong: the lab sent %s from there, your "
				            "server sent back %s; the %zu bytes before were right%s", i + 1, c->got, q1, q2, c->got,
				            zero);
			return;
		}
		if (c->end != END_ALL) {
			char got[96];
			if (c->got)
				snprintf(got, sizeof got, "%zu of %zu bytes had come back (all right; the lab had sent %zu)", c->got,
				         c->total, c->sent);
			else
				snprintf(got, sizeof got, "nothing had come back (the lab had sent %zu byte%s)", c->sent,
				         c->sent == 1 ? "" : "s");
			if (i && !c->got && (c->end == END_RESET || c->end == END_EOF) && r->exited)
				verdict_add(v, false, "the %s connection was %s before anything came back: a server accept()s in "
				            "a loop, serving one client after another until it is stopped; %s", nth[i],
				            c->end == END_RESET ? "reset" : "closed", prog);
			else if (c->end == END_EOF)
				verdict_add(v, false, "connection %u: your server closed it when %s: it must read and send back "
				            "until the client closes its side (recv() returns 0)%s%s", i + 1, got, sep, prog);
			else if (c->end == END_RESET) {
				char by[240];
				chal_sent_by(r, c->lport, TCPF_RST, by, sizeof by);
				verdict_add(v, false, "connection %u: your server reset it (RST) when %s%s: a close() with data "
				            "unread resets the connection; it must read and send back until the client closes its "
				            "side (recv() returns 0)%s%s", i + 1, got, by, sep, prog);
			}
			else if (c->end == END_STALL && c->got >= c->nline && c->sent == c->total)
				verdict_add(v, false, "connection %u: %s, then nothing for %d s: the last %zu never came back. The "
				            "lab reads slowly (its receive window is small), so a send() may take only part of what "
				            "it is given: send() returns how many bytes it took; send the rest (loop until all is "
				            "sent, or sendall() in Python), and keep reading until recv() returns 0", i + 1, got,
				            IO_MS / 1000, c->total - c->got);
			else if (c->end == END_STALL)
				verdict_add(v, false, "connection %u: %s, then nothing for %d s: %s", i + 1, got, IO_MS / 1000,
				            c->got < c->nline ? "send back what each recv() returns at once: the line came in "
				            "pieces of 1-3 bytes" : "send back what each recv() returns, and keep reading: recv() in "
				            "a loop until it returns 0");
			else
				verdict_add(v, false, "connection %u: the lab was still waiting when your program ended: %s%s%s",
				            i + 1, got, sep, prog);
			return;
		}
		unsigned segs = r->captured ? line_segments(r, c) : 0;
		char how[80] = "";
		if (segs)
			snprintf(how, sizeof how, " (%u segments)", segs);
		bool fin = c->closing == CLOSE_FIN;
		verdict_add(v, true, "connection %u: %zu bytes in %zu pieces of 1-3 bytes%s, then %zu bytes of every "
		            "value (zero bytes too): all %zu came back, in order%s", i + 1, c->nline, c->pieces, how, h->big,
		            c->total, fin ? "; it closed after the lab's FIN" : "");
		if (c->closing == CLOSE_RESET)
			verdict_add(v, false, "connection %u: it reset the connection (RST) after the lab's FIN: close() it "
			            "when recv() returns 0", i + 1);
		else if (c->closing == CLOSE_EXTRA)
			verdict_add(v, false, "connection %u: after all %zu bytes came %zu more that the lab never sent: "
			            "send back exactly the bytes recv() returned, not the whole buffer", i + 1, c->total,
			            c->extra);
		else if (!fin)
			verdict_add(v, false, "connection %u: your server did not close it within %d s of the lab's FIN: "
			            "when recv() returns 0 the client has finished: close() the connection and accept() the "
			            "next", i + 1, IO_MS / 1000);
	}
	if (h->nconn > 1 && h->nconn == h->want_conn && conn_ok(&h->c[h->nconn - 1]))
		verdict_add(v, true, "it served %u connections one after another: a server accept()s in a loop", h->nconn);
}

static const struct chal_param params[] = {
	{ "connections", "3", 1, CONN_MAX, "connections" },
	{ "big", "200000", 0, BIG_MAX, "bytes" },
	{ NULL },
};

const struct chal_kind kind_echo_server = {
	.name = "echo-server", .learner = "server",
	.params = params, .priv_size = sizeof(struct echo),
	.setup = setup, .lab = lab, .judge = judge,
};
