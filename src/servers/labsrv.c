/*
 * labsrv.c — the common plumbing of the lab's protocol servers: binding
 * loopback on port 0, the accept thread, one worker thread per open TCP
 * connection, bounded line reading and writing, and stopping through a
 * wake-up pipe.  The conversations themselves live in srv_*.c, one file a
 * protocol, registered in `protos` below.
 *
 * Bounds: every wait is a poll() on the socket and the wake-up pipe with a
 * timeout of at most io_timeout_ms and the server's remaining life; the
 * accept loop ends after max_conns connections (TCP) or max_conns *
 * max_requests datagrams (UDP); at most LABSRV_MAX_ACTIVE connections are
 * served at once (more wait in the listen backlog).
 */
#include "servers/labsrv_priv.h"

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

/* A line that never ends is given up after this much skipping, so a peer
 * streaming bytes without a newline cannot keep a worker for its life. */
#define MAX_SKIP (64 * 1024)

const char *labsrv_protocols(void)
{
	return "http smtp ftp dns echo-tcp echo-udp echo-iterative echo-threads echo-fork echo-poll";
}

int64_t labsrv_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ sockets */

int labsrv_bind(int family, int type, uint16_t want, uint16_t *port, char *err, size_t errlen)
{
	int af = family == 6 ? AF_INET6 : AF_INET;
	int fd = socket(af, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof ss);
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		int one = 1;
		/* ::1 only, never an IPv4-mapped twin */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(want);
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_port = htons(want);
		len = sizeof *s4;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 8) < 0)) {
		int e = errno;
		char where[32] = "";
		if (want)
			snprintf(where, sizeof where, " port %u", want);
		snprintf(err, errlen, "binding a %s socket on %s%s: %s%s", type == SOCK_STREAM ? "TCP" : "UDP",
		         af == AF_INET6 ? "::1" : "127.0.0.1", where, strerror(e),
		         e == EADDRINUSE ? " (another program has that port)" : "");
		close(fd);
		return -1;
	}
	*port = ntohs(af == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                             : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static int wait_for(struct labsrv *s, int fd, short events, int timeout_ms)
{
	for (;;) {
		int64_t now = labsrv_now_ms();
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
			return labsrv_now_ms() >= s->deadline_ms ? LS_STOP : LS_TIMEOUT;
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
	return atomic_load(&s->handing) == 0 && atomic_load(&s->waiting) >= atomic_load(&s->active);
}

/* ------------------------------------------------------------ reading */

/* Pull more bytes into the buffer: the count, or an LS_ error. */
static int fill(struct labsrv_conn *c)
{
	if (c->beg == c->end)
		c->beg = c->end = 0;
	if (c->end == sizeof c->buf && c->beg > 0) {
		memmove(c->buf, c->buf + c->beg, c->end - c->beg);
		c->end -= c->beg;
		c->beg = 0;
	}
	if (c->end == sizeof c->buf)
		return LS_ERR;
	for (;;) {
		int w = labsrv_wait(c->s, c->fd, POLLIN, c->s->lim.io_timeout_ms);
		if (w != 1)
			return w;
		ssize_t r = recv(c->fd, c->buf + c->end, sizeof c->buf - c->end, MSG_DONTWAIT);
		if (r > 0) {
			c->end += (size_t)r;
			return (int)r;
		}
		if (r == 0)
			return LS_EOF;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return LS_ERR;
	}
}

int labsrv_read_line(struct labsrv_conn *c, char *line, size_t max, size_t *len)
{
	size_t n = 0, skipped = 0;
	bool too_long = false;
	for (;;) {
		uint8_t *start = c->buf + c->beg;
		size_t avail = c->end - c->beg;
		uint8_t *nl = memchr(start, '\n', avail);
		size_t chunk = nl ? (size_t)(nl - start) : avail;
		if (!too_long && n + chunk < max) {
			memcpy(line + n, start, chunk);
			n += chunk;
		} else {
			too_long = true;
		}
		c->beg += nl ? chunk + 1 : chunk;
		if (nl)
			break;
		skipped += chunk;
		if (skipped > MAX_SKIP)
			return LS_ERR;
		int r = fill(c);
		if (r < 0)
			return r;
	}
	if (too_long)
		n = 0;
	else if (n > 0 && line[n - 1] == '\r')
		n--;
	if (max > 0)
		line[n] = '\0';
	*len = n;
	return too_long ? LS_LONG : LS_OK;
}

int labsrv_read_exact(struct labsrv_conn *c, void *p, size_t n)
{
	uint8_t *out = p;
	size_t got = 0;
	while (got < n) {
		if (c->beg == c->end) {
			int r = fill(c);
			if (r < 0)
				return r;
		}
		size_t take = c->end - c->beg;
		if (take > n - got)
			take = n - got;
		memcpy(out + got, c->buf + c->beg, take);
		c->beg += take;
		got += take;
	}
	return LS_OK;
}

ssize_t labsrv_read_some(struct labsrv_conn *c, void *p, size_t cap)
{
	if (c->beg == c->end) {
		int r = fill(c);
		if (r < 0)
			return r;
	}
	size_t take = c->end - c->beg;
	if (take > cap)
		take = cap;
	memcpy(p, c->buf + c->beg, take);
	c->beg += take;
	return (ssize_t)take;
}

/* ------------------------------------------------------------ writing */

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
	return labsrv_send(c->s, c->fd, buf, (size_t)n);
}

int labsrv_vreply(struct labsrv_conn *c, const char *fmt, va_list ap)
{
	char buf[600];
	int n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
	if (n < 0)
		return LS_ERR;
	if ((size_t)n > sizeof buf - 3)
		n = (int)sizeof buf - 3;
	memcpy(buf + n, "\r\n", 3);
	return labsrv_send(c->s, c->fd, buf, (size_t)n + 2);
}

static int reply_line(struct labsrv_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reply_line(struct labsrv_conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = labsrv_vreply(c, fmt, ap);
	va_end(ap);
	return rc;
}

void labsrv_command_loop(struct labsrv_conn *c, const struct labsrv_cmdloop *l, void *ctx)
{
	char line[1024];
	size_t max = l->line_max < sizeof line ? l->line_max : sizeof line;
	for (int i = 0; !*l->quit; i++) {
		if (i == c->s->lim.max_requests) {
			reply_line(c, "%s", l->too_many);
			return;
		}
		size_t len;
		int rc = labsrv_read_line(c, line, max - 1, &len);
		if (rc == LS_TIMEOUT)
			reply_line(c, "%s", l->timed_out);
		if (rc < 0)
			return;
		if (rc == LS_LONG) {
			rc = reply_line(c, "500 Line too long (at most %zu octets)", l->line_max);
		} else if (len == 0 || !labsrv_text_ok(line, len)) {
			rc = reply_line(c, "500 Syntax error, command unrecognized");
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
				rc = reply_line(c, "502 Command not supported here");
			else
				rc = reply_line(c, "500 Syntax error, command unrecognized");
		}
		if (rc < 0)
			return;
	}
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

/* ------------------------------------------------------------ threads */

struct worker {
	pthread_t th;
	bool used;
	atomic_bool done;
	struct labsrv_conn *conn;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct labsrv_conn *c = w->conn;
	c->s->proto->session(c);
	/* Closing with unread bytes in the receive queue makes the kernel send
	 * an RST, which can destroy the error reply still on its way to the
	 * client.  So: FIN first, then read and drop what the client still
	 * sends, briefly and boundedly (a "lingering close", RFC 9112 9.6). */
	shutdown(c->fd, SHUT_WR);
	uint8_t junk[4096];
	for (int i = 0; i < 16; i++) {
		if (labsrv_wait(c->s, c->fd, POLLIN, 100) != 1 ||
		    recv(c->fd, junk, sizeof junk, MSG_DONTWAIT) <= 0)
			break;
	}
	close(c->fd);
	atomic_fetch_sub(&c->s->active, 1);
	atomic_store(&w->done, true);
	return NULL;
}

static void reap(struct worker *w, size_t n, bool all)
{
	for (size_t i = 0; i < n; i++) {
		if (w[i].used && (all || atomic_load(&w[i].done))) {
			pthread_join(w[i].th, NULL);
			free(w[i].conn);
			w[i].conn = NULL;
			w[i].used = false;
		}
	}
}

static void start_worker(struct labsrv *s, struct worker *w, size_t n, int fd, unsigned id)
{
	struct worker *slot = NULL;
	for (size_t i = 0; i < n && !slot; i++)
		if (!w[i].used)
			slot = &w[i];
	struct labsrv_conn *c = slot ? calloc(1, sizeof *c) : NULL;
	if (!c) {
		close(fd);
		return;
	}
	c->s = s;
	c->fd = fd;
	c->id = id;
	slot->conn = c;
	atomic_store(&slot->done, false);
	atomic_fetch_add(&s->active, 1);
	if (pthread_create(&slot->th, NULL, worker_main, slot) != 0) {
		atomic_fetch_sub(&s->active, 1);
		close(fd);
		free(c);
		slot->conn = NULL;
		return;
	}
	slot->used = true;
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

static void *accept_main(void *arg)
{
	struct labsrv *s = arg;
	if (s->proto->run) {
		s->proto->run(s);
		return NULL;
	}
	struct worker w[LABSRV_MAX_ACTIVE];
	memset(w, 0, sizeof w);
	unsigned conns = 0;
	long dgrams = 0, max_dgrams = (long)s->lim.max_conns * s->lim.max_requests;
	bool tcp_on = s->lfd >= 0, udp_on = s->ufd >= 0;
	while (tcp_on || udp_on) {
		reap(w, LABSRV_MAX_ACTIVE, false);
		int64_t now = labsrv_now_ms();
		if (atomic_load(&s->stopping) || now >= s->deadline_ms)
			break;
		struct pollfd p[3];
		int np = 0, il = -1, iu = -1;
		p[np++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		bool full = atomic_load(&s->active) >= LABSRV_MAX_ACTIVE;
		if (tcp_on && !full) {
			il = np;
			p[np++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		}
		if (udp_on) {
			iu = np;
			p[np++] = (struct pollfd){ .fd = s->ufd, .events = POLLIN };
		}
		/* Wake now and then while workers run, to reap them and to
		 * accept again once a slot is free. */
		int64_t left = s->deadline_ms - now;
		int t = atomic_load(&s->active) > 0 ? 50 : (left < 60000 ? (int)left : 60000);
		int r = poll(p, (nfds_t)np, t);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (p[0].revents)
			break;
		if (il >= 0 && p[il].revents) {
			atomic_fetch_add(&s->handing, 1);
			int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				/* Replies are written whole, so Nagle has nothing to
				 * merge; it would only hold a large body's tail back
				 * until the client's delayed ACK. */
				int one = 1;
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
				conns++;
				start_worker(s, w, LABSRV_MAX_ACTIVE, fd, conns);
				if (conns >= (unsigned)s->lim.max_conns) {
					/* Refuse further clients plainly instead of leaving them in the backlog. */
					tcp_on = false;
					close(s->lfd);
					s->lfd = -1;
				}
			}
			atomic_fetch_sub(&s->handing, 1);
		}
		if (iu >= 0 && p[iu].revents) {
			atomic_fetch_add(&s->handing, 1);
			serve_datagram(s);
			atomic_fetch_sub(&s->handing, 1);
			if (++dgrams >= max_dgrams)
				udp_on = false;
		}
	}
	/* Workers end on their own: each wait is bounded and sees the wake-up pipe. */
	reap(w, LABSRV_MAX_ACTIVE, true);
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
	struct labsrv *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
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
	s->deadline_ms = labsrv_now_ms() + s->lim.lifetime_ms;
	if (pthread_create(&s->thread, NULL, accept_main, s) != 0) {
		snprintf(err, errlen, "cannot start the %s server's thread", p->name);
		goto fail;
	}
	s->thread_started = true;
	return s;
fail:
	release(s);
	return NULL;
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
