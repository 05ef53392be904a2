/*
 * labsrv.c — the common plumbing of the lab's protocol servers: binding
 * loopback on port 0, the event loop that serves every connection of a
 * server on one thread, bounded line taking and buffered writing, and
 * stopping through a wake-up pipe.  The conversations themselves live in
 * srv_*.c, one file a protocol, registered in `protos` below.
 *
 * Why one loop and not a thread a connection: a client that connects and
 * says nothing must not keep anyone else waiting.  Here an idle connection
 * is a socket and a buffer in the poll set, at most LABSRV_MAX_OPEN of
 * them (past that the longest idle is closed for a new one).
 *
 * Bounds: each connection's input buffer and pending output are fixed in
 * size; a connection silent for io_timeout_ms gets its protocol's timeout
 * reply and is closed; the loop ends after max_conns connections (TCP) or
 * max_conns * max_requests datagrams (UDP) and at the server's lifetime;
 * every poll() also watches the wake-up pipe.
 */
#include "servers/labsrv_priv.h"
#include "common/mem.h"
#include "common/thread.h"
#include "common/clock.h"
#include "common/loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const struct labsrv_proto *const protos[] = {
	&labsrv_proto_http, &labsrv_proto_smtp, &labsrv_proto_ftp,
	&labsrv_proto_dns, &labsrv_proto_echo_tcp, &labsrv_proto_echo_udp,
	&labsrv_proto_echo_iterative, &labsrv_proto_echo_threads, &labsrv_proto_echo_fork, &labsrv_proto_echo_poll,
};

static const struct labsrv_limits default_limits = {
	.max_conns = 64, .max_requests = 100, .io_timeout_ms = 30000, .lifetime_ms = 600000,
};

const char *labsrv_protocols(void)
{
	return "http smtp ftp dns echo-tcp echo-udp echo-iterative echo-threads echo-fork echo-poll";
}

/* ------------------------------------------------------------ sockets */

/* Room for a burst of connects (a hundred idle clients at once) while the
 * loop is busy elsewhere; a full backlog drops SYNs and costs the client
 * a one-second retransmission. */
#define LISTEN_BACKLOG 128

int labsrv_bind(int family, int type, uint16_t want, uint16_t *port, char *err, size_t errlen)
{
	return loopback_bind(family, type, want, type == SOCK_STREAM ? LISTEN_BACKLOG : 0, port, err, errlen);
}

static int wait_for(struct labsrv *s, int fd, short events, int timeout_ms)
{
	for (;;) {
		int64_t now = clock_ms();
		if (atomic_load(&s->stopping) || now >= s->deadline_ms)
			return LS_STOP;
		int64_t left = s->deadline_ms - now;
		int t = timeout_ms < left ? timeout_ms : (int)left;
		struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = s->wake[0], .events = POLLIN } };
		int r = poll(p, 2, t);
		if (r < 0 && errno == EINTR)
			continue;   /* the loop re-checks the clock, so this stays bounded */
		if (r < 0)
			return LS_ERR;
		if (p[1].revents)
			return LS_STOP;
		if (r == 0)
			return clock_ms() >= s->deadline_ms ? LS_STOP : LS_TIMEOUT;
		if (p[0].revents)
			return 1;
	}
}

int labsrv_wait(struct labsrv *s, int fd, short events, int timeout_ms)
{
	bool input = events & POLLIN;
	if (input)
		atomic_fetch_add(&s->waiting, 1);
	int r = wait_for(s, fd, events, timeout_ms);
	if (input)
		atomic_fetch_sub(&s->waiting, 1);
	return r;
}

bool labsrv_idle(const struct labsrv *s)
{
	/* A `run` server's threads wait in labsrv_wait, and what they have not
	 * read yet the kernel's queues show; the event loop says it itself. */
	if (s->proto->run)
		return atomic_load(&((struct labsrv *)s)->waiting) >= 0;
	return atomic_load(&((struct labsrv *)s)->quiet);
}

/* ------------------------------------------------------------ taking input */

/* A line that never ends is given up after this much skipping, so a peer
 * streaming bytes without a newline cannot keep a connection for its life. */
#define MAX_SKIP (64 * 1024)

int labsrv_take_line(struct labsrv_conn *c, char *line, size_t max, size_t *len, bool skip)
{
	uint8_t *start = c->buf + c->beg;
	size_t avail = c->end - c->beg;
	uint8_t *nl = memchr(start, '\n', avail);
	if (!nl) {
		if (c->skipping || (skip && avail >= max)) {
			/* drop what came of the long line; only the count is kept */
			c->skipping = true;
			c->skipped += avail;
			c->beg = c->end = 0;
			return c->skipped > MAX_SKIP ? LS_ERR : c->eof ? LS_EOF : LS_AGAIN;
		}
		if (avail >= max || avail >= sizeof c->buf)
			return LS_LONG;
		return c->eof ? LS_EOF : LS_AGAIN;
	}
	size_t n = (size_t)(nl - start);
	c->beg += n + 1;
	if (c->skipping || n >= max) {
		c->skipping = false;
		c->skipped = 0;
		*len = 0;
		if (max > 0)
			line[0] = '\0';
		return LS_LONG;
	}
	memcpy(line, start, n);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	*len = n;
	return LS_OK;
}

size_t labsrv_take(struct labsrv_conn *c, void *p, size_t cap)
{
	size_t take = c->end - c->beg;
	if (take > cap)
		take = cap;
	memcpy(p, c->buf + c->beg, take);
	c->beg += take;
	return take;
}

/* ------------------------------------------------------------ writing */

int labsrv_out(struct labsrv_conn *c, const void *p, size_t n)
{
	if (c->dead)
		return LS_ERR;
	const uint8_t *b = p;
	size_t off = 0;
	if (c->out_len == 0) {
		ssize_t w = send(c->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			c->dead = true;
			return LS_ERR;
		}
		if (w > 0) {
			off = (size_t)w;
			c->last_active = clock_ms();
		}
	}
	if (off == n)
		return 0;
	size_t need = c->out_len + (n - off);
	if (need > LABSRV_OUT_MAX) {
		c->dead = true;   /* a client that does not read its replies */
		return LS_ERR;
	}
	if (need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < need)
			cap *= 2;
		c->out = xrealloc(c->out, cap);
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, b + off, n - off);
	c->out_len = need;
	return 0;
}

int labsrv_send(struct labsrv *s, int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t off = 0;
	while (off < n) {
		ssize_t w = send(fd, b + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return LS_ERR;
		int r = labsrv_wait(s, fd, POLLOUT, s->lim.io_timeout_ms);
		if (r != 1)
			return r;
	}
	return 0;
}

int labsrv_printf(struct labsrv_conn *c, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return LS_ERR;
	if ((size_t)n >= sizeof buf)
		n = (int)sizeof buf - 1;
	return labsrv_out(c, buf, (size_t)n);
}

int labsrv_reply(struct labsrv_conn *c, const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return LS_ERR;
	if ((size_t)n > sizeof buf - 3)
		n = (int)sizeof buf - 3;
	memcpy(buf + n, "\r\n", 3);
	return labsrv_out(c, buf, (size_t)n + 2);
}

void labsrv_close(struct labsrv_conn *c)
{
	c->closing = true;
}

/* ------------------------------------------------------------ command lines */

int labsrv_command_feed(struct labsrv_conn *c, const struct labsrv_cmdloop *l, void *ctx)
{
	char line[1024];
	size_t max = l->line_max < sizeof line ? l->line_max : sizeof line;
	size_t len;
	int rc = labsrv_take_line(c, line, max - 1, &len, true);
	if (rc == LS_AGAIN)
		return LS_AGAIN;
	if (rc == LS_ERR) {
		/* no end of line in sight: say why, and stop reading */
		labsrv_reply(c, "500 Line too long (at most %zu octets)", l->line_max);
		labsrv_close(c);
		return LS_AGAIN;
	}
	if (rc < 0)
		return rc;
	c->requests++;
	if (rc == LS_LONG) {
		rc = labsrv_reply(c, "500 Line too long (at most %zu octets)", l->line_max);
	} else if (len == 0 || !labsrv_text_ok(line, len)) {
		rc = labsrv_reply(c, "500 Syntax error, command unrecognized");
	} else {
		const void *cmd = NULL;
		for (size_t k = 0; k < l->ncmds && !cmd; k++) {
			const void *entry = (const char *)l->cmds + k * l->stride;
			if (labsrv_word(line, *(const char *const *)entry))
				cmd = entry;
		}
		bool known = false;
		for (size_t k = 0; k < l->nnot; k++)
			known |= labsrv_word(line, l->not_offered[k]);
		if (cmd)
			rc = l->run(ctx, cmd, line + strcspn(line, " "));
		else if (known)
			rc = labsrv_reply(c, "502 Command not supported here");
		else
			rc = labsrv_reply(c, "500 Syntax error, command unrecognized");
	}
	if (rc < 0)
		return rc;
	if (!c->closing && c->requests >= c->s->lim.max_requests) {
		labsrv_reply(c, "%s", l->too_many);
		labsrv_close(c);
	}
	return LS_OK;
}

void labsrv_command_timeout(struct labsrv_conn *c, const struct labsrv_cmdloop *l)
{
	labsrv_reply(c, "%s", l->timed_out);
	labsrv_close(c);
}

/* ------------------------------------------------------------ small helpers */

bool labsrv_text_ok(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
			return false;
	}
	return true;
}

bool labsrv_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	return strncasecmp(s, word, n) == 0 && (s[n] == '\0' || s[n] == ' ');
}

void labsrv_count(struct labsrv *s)
{
	atomic_fetch_add(&s->served, 1);
}

void labsrv_set_mail(struct labsrv *s, const struct labsrv_mail *m)
{
	pthread_mutex_lock(&s->mu);
	s->mail = *m;
	s->have_mail = true;
	pthread_mutex_unlock(&s->mu);
}

bool labsrv_last_mail(const struct labsrv *s, struct labsrv_mail *out)
{
	if (!s || s->proto != &labsrv_proto_smtp)
		return false;
	struct labsrv *m = (struct labsrv *)s;   /* the mutex only; the value is not changed */
	pthread_mutex_lock(&m->mu);
	bool have = m->have_mail;
	if (have)
		*out = m->mail;
	pthread_mutex_unlock(&m->mu);
	return have;
}

/* ------------------------------------------------------------ the event loop */

/* The lingering close: each read of the client's last bytes may wait this
 * long for the next, the whole at most DRAIN_MS and DRAIN_READS reads of
 * DRAIN_CHUNK (a client still sending a 100 kB header it was refused). */
#define DRAIN_GAP_MS 100
#define DRAIN_MS 2000
#define DRAIN_READS 64
#define DRAIN_CHUNK 16384
/* Accepts per loop round, so a flood of connects cannot starve the open ones. */
#define ACCEPTS_PER_ROUND 32
/* Requests taken from one connection's buffer in a row before the others' turn. */
#define FEEDS_PER_ROUND 64

struct loop {
	struct labsrv *s;
	struct labsrv_conn *conn[LABSRV_MAX_OPEN];
	size_t n;
	unsigned accepted;
	bool tcp_on, udp_on;
	int64_t accept_after;         /* out of file descriptors: accept again from then on */
	long dgrams, max_dgrams;
};

static void conn_free(struct labsrv_conn *c)
{
	if (c->s->proto->finish)
		c->s->proto->finish(c);
	close(c->fd);
	atomic_fetch_sub(&c->s->active, 1);
	free(c->state);
	free(c->out);
	free(c);
}

static void touch(struct labsrv_conn *c, int64_t now)
{
	c->last_active = now;
	if (!c->draining)
		c->deadline = now + c->s->lim.io_timeout_ms;
}

/* All output sent and the conversation over: FIN, then drain. */
static void start_drain(struct labsrv_conn *c, int64_t now)
{
	shutdown(c->fd, SHUT_WR);
	c->draining = true;
	c->drain_until = now + DRAIN_MS;
	c->deadline = now + DRAIN_GAP_MS;
}

/* Let the protocol take what is buffered, one request at a time, as long
 * as its replies leave with nothing pending (so pipelined requests are
 * answered one send each, as they came). */
static void pump(struct labsrv_conn *c, int64_t now)
{
	c->more = false;
	for (int i = 0;; i++) {
		if (c->closing || c->dead || c->out_len > 0)
			break;
		if (i == FEEDS_PER_ROUND) {
			c->more = true;   /* the others' turn; loop_round comes back without waiting */
			return;
		}
		int r = c->s->proto->feed(c);
		if (r == LS_OK)
			continue;
		if (r != LS_AGAIN)
			labsrv_close(c);
		break;
	}
	if (c->beg == c->end)
		c->beg = c->end = 0;
	if (!c->closing && !c->dead && c->out_len == 0 && !c->waits_extra &&
	    (c->eof || c->end - c->beg >= sizeof c->buf))
		labsrv_close(c);   /* the peer is done, or sent what no request can be */
	if (c->closing && !c->dead && c->out_len == 0 && !c->draining)
		start_drain(c, now);
}

static void flush(struct labsrv_conn *c, int64_t now)
{
	ssize_t w = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			c->dead = true;
		return;
	}
	memmove(c->out, c->out + w, c->out_len - (size_t)w);
	c->out_len -= (size_t)w;
	touch(c, now);
	if (c->out_len == 0)
		pump(c, now);
}

static void drain(struct labsrv_conn *c, int64_t now)
{
	uint8_t junk[DRAIN_CHUNK];
	ssize_t r = recv(c->fd, junk, sizeof junk, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r <= 0 || ++c->drain_reads >= DRAIN_READS) {
		c->dead = true;
		return;
	}
	c->deadline = now + DRAIN_GAP_MS < c->drain_until ? now + DRAIN_GAP_MS : c->drain_until;
}

static void readable(struct labsrv_conn *c, int64_t now)
{
	if (c->draining) {
		drain(c, now);
		return;
	}
	if (c->closing || c->eof)
		return;   /* a hang-up seen with POLLOUT: flush() meets the error */
	if (c->end == sizeof c->buf && c->beg > 0) {
		memmove(c->buf, c->buf + c->beg, c->end - c->beg);
		c->end -= c->beg;
		c->beg = 0;
	}
	size_t room = sizeof c->buf - c->end;
	if (room == 0)
		return;   /* not asked for (the protocol waits): a 0-byte read would look like EOF */
	if (room > LABSRV_READ_MAX)
		room = LABSRV_READ_MAX;
	ssize_t r = recv(c->fd, c->buf + c->end, room, MSG_DONTWAIT);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			c->dead = true;
		return;
	}
	if (r == 0)
		c->eof = true;
	c->end += (size_t)r;
	touch(c, now);
	pump(c, now);
}

static void timed_out(struct labsrv_conn *c, int64_t now)
{
	if (c->draining || c->closing) {
		c->dead = true;   /* a client that neither reads nor closes */
		return;
	}
	if (c->s->proto->timeout)
		c->s->proto->timeout(c);
	else
		labsrv_close(c);
	touch(c, now);
	pump(c, now);   /* an FTP connection that gave up on its data connection goes on */
}

static void evict_one(struct loop *L)
{
	size_t pick = 0;
	for (size_t i = 1; i < L->n; i++)
		if (L->conn[i]->last_active < L->conn[pick]->last_active)
			pick = i;
	L->conn[pick]->dead = true;
	conn_free(L->conn[pick]);
	L->conn[pick] = L->conn[--L->n];
}

static void accept_some(struct loop *L, int64_t now)
{
	struct labsrv *s = L->s;
	for (int k = 0; k < ACCEPTS_PER_ROUND && L->tcp_on; k++) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
			/* The listener stays readable: without a pause the loop
			 * would spin.  Room is made as for a full table. */
			if (L->n > 0)
				evict_one(L);
			L->accept_after = now + 100;
			return;
		}
		if (fd < 0)
			return;   /* EAGAIN: none left; other errors: try again next round */
		/* Replies are written whole, so Nagle has nothing to merge; it
		 * would only hold a large body's tail back until the client's
		 * delayed ACK. */
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct labsrv_conn *c = xcalloc(1, sizeof *c);
		void *state = s->proto->state_size ? xcalloc(1, s->proto->state_size) : NULL;
		if (L->n == LABSRV_MAX_OPEN)
			evict_one(L);
		c->s = s;
		c->fd = fd;
		c->id = ++L->accepted;
		c->state = state;
		atomic_fetch_add(&s->active, 1);
		L->conn[L->n++] = c;
		touch(c, now);
		if (s->proto->begin)
			s->proto->begin(c);
		if (c->closing && c->out_len == 0)
			start_drain(c, now);
		if (L->accepted >= (unsigned)s->lim.max_conns) {
			/* Refuse further clients plainly instead of leaving them in the backlog. */
			L->tcp_on = false;
			close(s->lfd);
			s->lfd = -1;
		}
	}
}

static void serve_datagram(struct labsrv *s)
{
	uint8_t in[2048], out[2048];
	struct sockaddr_storage from;
	socklen_t flen = sizeof from;
	ssize_t n = recvfrom(s->ufd, in, sizeof in, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return;
	ssize_t r = s->proto->datagram(s, in, (size_t)n, out, sizeof out);
	if (r >= 0)
		sendto(s->ufd, out, (size_t)r, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&from, flen);
}

/* One round: wait for the next event or deadline, then serve it.  False
 * when the server is to stop. */
static bool loop_round(struct loop *L)
{
	struct labsrv *s = L->s;
	int64_t now = clock_ms();
	if (atomic_load(&s->stopping) || now >= s->deadline_ms)
		return false;
	if (!L->tcp_on && !L->udp_on && L->n == 0)
		return false;
	struct pollfd p[LABSRV_MAX_OPEN + 4];
	nfds_t np = 0;
	int il = -1, iu = -1, ix = -1;
	p[np++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
	if (L->tcp_on && now >= L->accept_after) {
		il = (int)np;
		p[np++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
	}
	if (L->udp_on) {
		iu = (int)np;
		p[np++] = (struct pollfd){ .fd = s->ufd, .events = POLLIN };
	}
	bool extra = false, pending = false, more = false;
	int64_t next = s->deadline_ms;
	nfds_t first = np + 1;
	for (size_t i = 0; i < L->n; i++) {
		struct labsrv_conn *c = L->conn[i];
		extra |= c->waits_extra;
		pending |= c->out_len > 0;
		more |= c->more;
		short ev = 0;
		if (c->draining || (!c->closing && !c->eof && c->end - c->beg < sizeof c->buf))
			ev |= POLLIN;
		if (c->out_len > 0)
			ev |= POLLOUT;
		/* nothing asked, nothing reported: a hung-up peer of a connection
		 * waiting for something else must not wake every round */
		p[first + i] = (struct pollfd){ .fd = ev ? c->fd : -1, .events = ev };
		if (c->deadline < next)
			next = c->deadline;
	}
	if (L->tcp_on && il < 0 && L->accept_after < next)
		next = L->accept_after;
	ix = (int)np;
	p[np++] = (struct pollfd){ .fd = extra ? s->xfd : -1, .events = POLLIN };
	np += L->n;
	int64_t wait = next - now;
	int t = wait < 0 || more ? 0 : wait > 60000 ? 60000 : (int)wait;
	/* Quiet means: every request read so far is answered and sent.  Set
	 * before poll() and cleared right after, before anything is read, so
	 * bytes that wake the loop are still in the kernel's queue while the
	 * flag says quiet. */
	atomic_store(&s->quiet, !pending && !more);
	int r = poll(p, np, t);
	atomic_store(&s->quiet, false);
	if (r < 0 && errno != EINTR)
		return false;
	if (r > 0 && p[0].revents)
		return false;
	now = clock_ms();
	size_t n_polled = L->n;
	for (size_t i = 0; r > 0 && i < n_polled; i++) {
		struct labsrv_conn *c = L->conn[i];
		short re = p[first + i].revents;
		if (re & POLLOUT)
			flush(c, now);
		if ((re & (POLLIN | POLLHUP | POLLERR)) && !c->dead)
			readable(c, now);
	}
	for (size_t i = 0; i < n_polled; i++)
		if (L->conn[i]->more && !L->conn[i]->dead)
			pump(L->conn[i], now);
	if (r > 0 && ix >= 0 && p[ix].revents)
		for (size_t i = 0; i < n_polled; i++)
			if (L->conn[i]->waits_extra && !L->conn[i]->dead && s->proto->extra) {
				s->proto->extra(L->conn[i]);
				pump(L->conn[i], now);
			}
	for (size_t i = 0; i < n_polled; i++)
		if (!L->conn[i]->dead && now >= L->conn[i]->deadline)
			timed_out(L->conn[i], now);
	for (size_t i = 0; i < L->n;) {
		if (L->conn[i]->dead) {
			conn_free(L->conn[i]);
			L->conn[i] = L->conn[--L->n];
		} else {
			i++;
		}
	}
	if (r > 0 && iu >= 0 && p[iu].revents) {
		serve_datagram(s);
		if (++L->dgrams >= L->max_dgrams)
			L->udp_on = false;
	}
	if (r > 0 && il >= 0 && p[il].revents)
		accept_some(L, now);
	return true;
}

static void *server_main(void *arg)
{
	struct labsrv *s = arg;
	if (s->proto->run) {
		s->proto->run(s);
		return NULL;
	}
	struct loop *L = xcalloc(1, sizeof *L);
	L->s = s;
	L->tcp_on = s->lfd >= 0;
	L->udp_on = s->ufd >= 0;
	L->max_dgrams = (long)s->lim.max_conns * s->lim.max_requests;
	if (L->tcp_on)
		fcntl(s->lfd, F_SETFL, fcntl(s->lfd, F_GETFL) | O_NONBLOCK);
	while (loop_round(L))
		;
	for (size_t i = 0; i < L->n; i++)
		conn_free(L->conn[i]);
	free(L);
	atomic_store(&s->quiet, true);   /* nothing is left that could still be answered */
	return NULL;
}

/* ------------------------------------------------------------ life cycle */

static const struct labsrv_proto *find_proto(const char *name)
{
	for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
		if (strcmp(protos[i]->name, name) == 0)
			return protos[i];
	return NULL;
}

/* Bind the protocol's socket(s).  A protocol on both TCP and UDP (DNS) wants
 * one port number for both: bind UDP on port 0, then TCP on that number,
 * and try again with a fresh number if TCP's is taken. */
static int bind_main(struct labsrv *s, uint16_t want, char *err, size_t errlen)
{
	uint16_t port = 0;
	if (s->proto->socks == LABSRV_TCP) {
		s->lfd = labsrv_bind(s->family, SOCK_STREAM, want, &port, err, errlen);
	} else if (s->proto->socks == LABSRV_UDP) {
		s->ufd = labsrv_bind(s->family, SOCK_DGRAM, want, &port, err, errlen);
	} else {
		for (int attempt = 0; attempt < (want ? 1 : 16) && s->lfd < 0; attempt++) {
			if (s->ufd >= 0)
				close(s->ufd);
			s->ufd = labsrv_bind(s->family, SOCK_DGRAM, want, &port, err, errlen);
			if (s->ufd < 0)
				return -1;
			s->lfd = labsrv_bind(s->family, SOCK_STREAM, port, &port, err, errlen);
		}
	}
	if ((s->proto->socks & LABSRV_TCP) && s->lfd < 0)
		return -1;
	if ((s->proto->socks & LABSRV_UDP) && s->ufd < 0)
		return -1;
	s->ports[s->nports++] = port;
	return 0;
}

static void release(struct labsrv *s)
{
	int fds[] = { s->lfd, s->ufd, s->xfd, s->wake[0], s->wake[1] };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

void labsrv_stop(struct labsrv *s)
{
	if (!s)
		return;
	if (s->thread_started) {
		atomic_store(&s->stopping, true);
		ssize_t w = write(s->wake[1], "x", 1);
		(void)w;   /* the pipe is fresh and empty; the flag covers a failure anyway */
		pthread_join(s->thread, NULL);
	}
	release(s);
}

struct labsrv *labsrv_start(const char *proto, int family, const struct labsrv_limits *lim,
                            char *err, size_t errlen)
{
	const struct labsrv_proto *p = proto ? find_proto(proto) : NULL;
	if (!p) {
		snprintf(err, errlen, "no lab server '%s' (known: %s)", proto ? proto : "(null)", labsrv_protocols());
		return NULL;
	}
	if (family != 4 && family != 6) {
		snprintf(err, errlen, "address family must be 4 or 6, not %d", family);
		return NULL;
	}
	struct labsrv *s = xcalloc(1, sizeof *s);
	s->proto = p;
	s->family = family;
	s->lfd = s->ufd = s->xfd = s->wake[0] = s->wake[1] = -1;
	pthread_mutex_init(&s->mu, NULL);
	s->lim = default_limits;
	if (lim) {
		if (lim->max_conns > 0) s->lim.max_conns = lim->max_conns;
		if (lim->max_requests > 0) s->lim.max_requests = lim->max_requests;
		if (lim->io_timeout_ms > 0) s->lim.io_timeout_ms = lim->io_timeout_ms;
		if (lim->lifetime_ms > 0) s->lim.lifetime_ms = lim->lifetime_ms;
	}
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (bind_main(s, lim ? lim->port : 0, err, errlen) < 0)
		goto fail;
	if (p->open && p->open(s, err, errlen) < 0)
		goto fail;
	s->deadline_ms = clock_ms() + s->lim.lifetime_ms;
	char what[64];
	snprintf(what, sizeof what, "the %s server's thread", p->name);
	if (thread_start(&s->thread, server_main, s, what, err, errlen) < 0)
		goto fail;
	s->thread_started = true;
	return s;
fail:
	release(s);
	return NULL;
}

uint16_t labsrv_port(const struct labsrv *s)
{
	return s && s->nports ? s->ports[0] : 0;
}

size_t labsrv_ports(const struct labsrv *s, uint16_t *out, size_t max)
{
	size_t n = 0;
	for (; s && n < s->nports && n < max; n++)
		out[n] = s->ports[n];
	return n;
}

unsigned labsrv_served(const struct labsrv *s)
{
	return s ? atomic_load(&((struct labsrv *)s)->served) : 0;
}

bool labsrv_busy(const struct labsrv *s)
{
	return s && atomic_load(&((struct labsrv *)s)->active) > 0;
}
