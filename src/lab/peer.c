/*
 * peer.c — the two-terminal control channel (see peer.h).
 */
#include "lab/peer.h"
#include "common/mem.h"
#include "common/clock.h"
#include "common/loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN 512

struct peer {
	int lfd, fd;
	uint16_t port;
	char buf[LINE_MAX_LEN * 2];
	size_t have;
};

static struct peer *peer_new(void)
{
	struct peer *p = xcalloc(1, sizeof *p);
	p->lfd = p->fd = -1;
	return p;
}

static void nodelay(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

struct peer *peer_listen(char *err, size_t errlen)
{
	struct peer *p = peer_new();
	char e[160];
	if ((p->lfd = loopback_bind(4, SOCK_STREAM, 0, 1, &p->port, e, sizeof e)) < 0) {
		snprintf(err, errlen, "the control port for the other terminal: %s", e);
		peer_close(p);
		return NULL;
	}
	return p;
}

uint16_t peer_port(const struct peer *p)
{
	return p->port;
}

/* Wait for fd to become readable; false on timeout. */
static bool wait_in(int fd, long long deadline)
{
	for (;;) {
		long long left = deadline - clock_ms();
		if (left <= 0)
			return false;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

int peer_accept(struct peer *p, int timeout_ms, char *err, size_t errlen)
{
	if (p->fd >= 0)
		return 0;
	if (!wait_in(p->lfd, clock_ms() + timeout_ms)) {
		snprintf(err, errlen, "the other terminal did not connect within %d s", timeout_ms / 1000);
		return -1;
	}
	p->fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (p->fd < 0) {
		snprintf(err, errlen, "accepting the other terminal: %s", strerror(errno));
		return -1;
	}
	nodelay(p->fd);
	close(p->lfd);   /* one client side per server side */
	p->lfd = -1;
	return 0;
}

struct peer *peer_connect(uint16_t port, char *err, size_t errlen)
{
	struct peer *p = peer_new();
	struct sockaddr_storage a;
	socklen_t len = loopback_addr(4, port, &a);
	if ((p->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(p->fd, (struct sockaddr *)&a, len) < 0) {
		snprintf(err, errlen, "cannot reach the server side on 127.0.0.1 port %u: %s (is `sockscope lesson ID "
		         "--role server` running, and is that the port it shows?)", port, strerror(errno));
		peer_close(p);
		return NULL;
	}
	nodelay(p->fd);
	return p;
}

int peer_send(struct peer *p, char *err, size_t errlen, const char *fmt, ...)
{
	char line[LINE_MAX_LEN + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof line - 1) {
		snprintf(err, errlen, "a control line too long");
		return -1;
	}
	line[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = send(p->fd, line + off, (size_t)(n - off), MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "the other terminal went away (%s)", strerror(errno));
			return -1;
		}
		off += (int)w;
	}
	return 0;
}

int peer_recv(struct peer *p, char *line, size_t n, int timeout_ms, char *err, size_t errlen)
{
	long long deadline = clock_ms() + timeout_ms;
	for (;;) {
		char *nl = memchr(p->buf, '\n', p->have);
		if (nl) {
			size_t len = (size_t)(nl - p->buf);
			snprintf(line, n, "%.*s", (int)len, p->buf);
			p->have -= len + 1;
			memmove(p->buf, nl + 1, p->have);
			return 0;
		}
		if (p->have == sizeof p->buf) {
			snprintf(err, errlen, "the other terminal sent a line too long");
			return -1;
		}
		if (!wait_in(p->fd, deadline)) {
			snprintf(err, errlen, "the other terminal said nothing for %d s", timeout_ms / 1000);
			return -1;
		}
		ssize_t r = recv(p->fd, p->buf + p->have, sizeof p->buf - p->have, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "the other terminal went away%s%s", r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
			return -1;
		}
		p->have += (size_t)r;
	}
}

int peer_sync(struct peer *p, const char *word, unsigned n, int timeout_ms, char *err, size_t errlen)
{
	char want[64], line[LINE_MAX_LEN];
	snprintf(want, sizeof want, "%s %u", word, n);
	if (peer_send(p, err, errlen, "%s", want) < 0 || peer_recv(p, line, sizeof line, timeout_ms, err, errlen) < 0)
		return -1;
	if (strcmp(line, want) != 0) {
		snprintf(err, errlen, "the other terminal is out of step: it said '%s' where '%s' was due", line, want);
		return -1;
	}
	return 0;
}

void peer_shutdown(struct peer *p)
{
	if (p && p->lfd >= 0)
		shutdown(p->lfd, SHUT_RDWR);   /* a poll() on it returns at once */
	if (p && p->fd >= 0)
		shutdown(p->fd, SHUT_RDWR);
}

void peer_close(struct peer *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (p->lfd >= 0)
		close(p->lfd);
	free(p);
}
