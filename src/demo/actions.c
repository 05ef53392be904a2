/*
 * actions.c — the table of socket calls a lesson step may run.
 *
 * Each verb is one real call (or a short, fixed sequence the lesson's code
 * shows), run on the side that the lesson names.  Lesson files use the verb
 * names; adding a verb is adding a row here.
 *
 *   verb       roles          argument            call
 *   socket     client         stream | dgram      socket(AF, type, 0)
 *   rcvtimeo   client, server seconds             setsockopt(SO_RCVTIMEO)
 *   connect    client         -                   connect() to the lab server
 *   accept     server         -                   accept() on the lab's listener
 *   send       client, server "text"              send()
 *   recv       client, server max bytes           recv()
 *   shutdown   client, server rd | wr | rdwr      shutdown()
 *   close      client, server -                   close()
 */
#include "demo/demo_priv.h"
#include "common/text.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* A client socket that the lesson gives no receive timeout still never
 * blocks a demo for ever. */
#define CLIENT_SAFETY_TIMEOUT_S 60

enum argkind { ARG_NONE, ARG_NUM, ARG_TEXT, ARG_CHOICE };

struct verb {
	const char *name;
	unsigned roles;            /* bit (1 << role) */
	enum argkind arg;
	const char *choices;       /* ARG_CHOICE: "stream|dgram" */
	void (*run)(struct demo *d, const struct demo_action *a, struct demo_outcome *o);
};

static const char *const role_names[] = { "client", "server" };

void demo_errno_result(struct demo_outcome *o, int err)
{
	o->err = err;
	snprintf(o->result, sizeof o->result, "= -1 %s (%s)", strerrorname_np(err) ? strerrorname_np(err) : "?",
	         strerror(err));
}

static const char *af_name(const struct demo *d)
{
	return d->af == AF_INET6 ? "AF_INET6" : "AF_INET";
}

static int side_fd(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	int fd = d->fd[a->role];
	if (fd < 0)
		demo_errno_result(o, EBADF);
	return fd;
}

static void set_timeout(int fd, int optname, long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, optname, &tv, sizeof tv);
}

static void run_socket(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	bool dgram = strcmp(a->arg, "dgram") == 0;
	snprintf(o->call, sizeof o->call, "socket(%s, %s, 0)", af_name(d), dgram ? "SOCK_DGRAM" : "SOCK_STREAM");
	if (d->fd[a->role] >= 0)
		close(d->fd[a->role]);
	int fd = socket(d->af, (dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	d->fd[a->role] = fd;
	if (fd < 0) {
		demo_errno_result(o, errno);
		return;
	}
	set_timeout(fd, SO_RCVTIMEO, CLIENT_SAFETY_TIMEOUT_S * 1000L);
	set_timeout(fd, SO_SNDTIMEO, CLIENT_SAFETY_TIMEOUT_S * 1000L);
	snprintf(o->result, sizeof o->result, "= %d (a new socket; nothing is sent yet)", fd);
}

static void run_rcvtimeo(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	snprintf(o->call, sizeof o->call, "setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, {%ld s}, ...)", a->num);
	int fd = side_fd(d, a, o);
	if (fd < 0)
		return;
	long ms = a->num * 1000;
	if (a->role == ROLE_CLIENT && d->cfg.client_rcvtimeo_cap > 0 && a->num > d->cfg.client_rcvtimeo_cap)
		ms = d->cfg.client_rcvtimeo_cap * 1000L;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= 0 (recv() now gives up after %ld s)", ms / 1000);
}

static void run_connect(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	snprintf(o->call, sizeof o->call, "connect(fd, {%s, port %u}, %u)", d->host, d->port, (unsigned)d->srvlen);
	int fd = side_fd(d, a, o);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&d->srv, d->srvlen) < 0) {
		demo_errno_result(o, errno);
		return;
	}
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	char addr[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;
	if (getsockname(fd, (struct sockaddr *)&me, &len) == 0) {
		if (me.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&me)->sin6_addr, addr, sizeof addr);
			port = ntohs(((struct sockaddr_in6 *)&me)->sin6_port);
		} else {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&me)->sin_addr, addr, sizeof addr);
			port = ntohs(((struct sockaddr_in *)&me)->sin_port);
		}
	}
	snprintf(o->result, sizeof o->result, "= 0 (connected from %s port %u, a port the kernel picked)", addr, port);
}

static void run_accept(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	snprintf(o->call, sizeof o->call, "accept(listen_fd, &peer, &len)");
	if (d->listen_fd < 0) {
		demo_errno_result(o, EBADF);
		return;
	}
	struct pollfd p = { .fd = d->listen_fd, .events = POLLIN };
	int n = poll(&p, 1, LAB_IO_TIMEOUT_MS);
	if (n <= 0) {
		demo_errno_result(o, n == 0 ? ETIMEDOUT : errno);
		return;
	}
	int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		demo_errno_result(o, errno);
		return;
	}
	if (d->fd[a->role] >= 0)
		close(d->fd[a->role]);
	d->fd[a->role] = fd;
	set_timeout(fd, SO_RCVTIMEO, LAB_IO_TIMEOUT_MS);
	set_timeout(fd, SO_SNDTIMEO, LAB_IO_TIMEOUT_MS);
	snprintf(o->result, sizeof o->result, "= %d (the lab's side of the connection)", fd);
}

static void run_send(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	char q[80];
	text_quote((const uint8_t *)a->arg, a->arglen, q, sizeof q);
	snprintf(o->call, sizeof o->call, "send(fd, %s, %zu, 0)", q, a->arglen);
	int fd = side_fd(d, a, o);
	if (fd < 0)
		return;
	ssize_t n = send(fd, a->arg, a->arglen, MSG_NOSIGNAL);
	if (n < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= %zd (bytes handed to the kernel)", n);
}

static void run_recv(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	snprintf(o->call, sizeof o->call, "recv(fd, buf, %ld, 0)", a->num);
	int fd = side_fd(d, a, o);
	if (fd < 0)
		return;
	uint8_t *buf = malloc((size_t)a->num);
	if (!buf) {
		demo_errno_result(o, ENOMEM);
		return;
	}
	ssize_t n = recv(fd, buf, (size_t)a->num, 0);
	if (n < 0) {
		int e = errno;
		demo_errno_result(o, e);
		if (e == EAGAIN || e == EWOULDBLOCK) {
			size_t l = strlen(o->result);
			snprintf(o->result + l, sizeof o->result - l, ": the receive timeout expired, nothing arrived");
		}
	} else if (n == 0) {
		snprintf(o->result, sizeof o->result, "= 0 (end of stream: the peer closed its side)");
	} else {
		char q[200];
		text_quote(buf, (size_t)n, q, sizeof q);
		snprintf(o->result, sizeof o->result, "= %zd: %s", n, q);
	}
	free(buf);
}

static void run_shutdown(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	int how = strcmp(a->arg, "rd") == 0 ? SHUT_RD : strcmp(a->arg, "wr") == 0 ? SHUT_WR : SHUT_RDWR;
	static const char *const hn[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
	snprintf(o->call, sizeof o->call, "shutdown(fd, %s)", hn[how]);
	int fd = side_fd(d, a, o);
	if (fd < 0)
		return;
	if (shutdown(fd, how) < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= 0");
}

static void run_close(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	snprintf(o->call, sizeof o->call, "close(fd)");
	int fd = side_fd(d, a, o);
	if (fd < 0)
		return;
	d->fd[a->role] = -1;
	if (close(fd) < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= 0");
}

#define BOTH ((1u << ROLE_CLIENT) | (1u << ROLE_SERVER))
static const struct verb verbs[] = {
	{ "socket",   1u << ROLE_CLIENT, ARG_CHOICE, "stream|dgram", run_socket },
	{ "rcvtimeo", BOTH,              ARG_NUM,    NULL,           run_rcvtimeo },
	{ "connect",  1u << ROLE_CLIENT, ARG_NONE,   NULL,           run_connect },
	{ "accept",   1u << ROLE_SERVER, ARG_NONE,   NULL,           run_accept },
	{ "send",     BOTH,              ARG_TEXT,   NULL,           run_send },
	{ "recv",     BOTH,              ARG_NUM,    NULL,           run_recv },
	{ "shutdown", BOTH,              ARG_CHOICE, "rd|wr|rdwr",   run_shutdown },
	{ "close",    BOTH,              ARG_NONE,   NULL,           run_close },
};
#define NVERBS (sizeof verbs / sizeof verbs[0])

void demo_action_run(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	memset(o, 0, sizeof *o);
	o->role = a->role;
	verbs[a->verb].run(d, a, o);
}

const char *demo_action_name(const struct demo_action *a)
{
	return verbs[a->verb].name;
}

/* "text" with C escapes \r \n \t \\ \" \0 \xHH into a->arg. */
static int parse_text(const char *s, struct demo_action *a, char *err, size_t errlen)
{
	if (*s != '"') {
		snprintf(err, errlen, "expected a quoted text, e.g. \"Hello, World!\"");
		return -1;
	}
	size_t n = 0;
	for (s++; *s && *s != '"'; s++) {
		int c = (unsigned char)*s;
		if (c == '\\') {
			s++;
			switch (*s) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '0': c = 0; break;
			case '\\': case '"': c = *s; break;
			case 'x':
				if (isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
					char hex[3] = { s[1], s[2], 0 };
					c = (int)strtol(hex, NULL, 16);
					s += 2;
					break;
				}
				/* fall through */
			default:
				snprintf(err, errlen, "unknown escape '\\%c' in text (use \\r \\n \\t \\\\ \\\" \\0 \\xHH)",
				         *s ? *s : ' ');
				return -1;
			}
		}
		if (n + 1 >= sizeof a->arg) {
			snprintf(err, errlen, "text longer than %zu bytes", sizeof a->arg - 1);
			return -1;
		}
		a->arg[n++] = (char)c;
	}
	if (*s != '"') {
		snprintf(err, errlen, "text has no closing quote");
		return -1;
	}
	for (s++; *s == ' ' || *s == '\t'; s++)
		;
	if (*s) {
		snprintf(err, errlen, "unexpected '%s' after the closing quote", s);
		return -1;
	}
	a->arg[n] = '\0';
	a->arglen = n;
	return 0;
}

int demo_action_parse(enum demo_role role, const char *text, struct demo_action *a,
                      char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->role = role;
	while (*text == ' ' || *text == '\t')
		text++;
	size_t wl = strcspn(text, " \t");
	const char *rest = text + wl;
	while (*rest == ' ' || *rest == '\t')
		rest++;

	const struct verb *v = NULL;
	for (size_t i = 0; i < NVERBS; i++)
		if (strlen(verbs[i].name) == wl && strncmp(verbs[i].name, text, wl) == 0) {
			v = &verbs[i];
			a->verb = (int)i;
		}
	if (!v || !(v->roles & (1u << role))) {
		size_t o = (size_t)snprintf(err, errlen, "unknown action '%.*s' for the %s (known:", (int)wl, text,
		                            role_names[role]);
		for (size_t i = 0; i < NVERBS && o < errlen; i++)
			if (verbs[i].roles & (1u << role))
				o += (size_t)snprintf(err + o, errlen - o, " %s", verbs[i].name);
		if (o < errlen)
			snprintf(err + o, errlen - o, ")");
		return -1;
	}
	switch (v->arg) {
	case ARG_NONE:
		if (*rest) {
			snprintf(err, errlen, "'%s' takes no argument, found '%s'", v->name, rest);
			return -1;
		}
		return 0;
	case ARG_NUM: {
		char *end;
		errno = 0;
		long n = strtol(rest, &end, 10);
		if (!*rest || *end || errno || n < 0 || n > 1 << 20) {
			snprintf(err, errlen, "'%s' needs a number from 0 to %d, found '%s'", v->name, 1 << 20, rest);
			return -1;
		}
		a->num = n;
		return 0;
	}
	case ARG_CHOICE: {
		size_t rl = strlen(rest);
		for (const char *c = v->choices; *c;) {
			size_t cl = strcspn(c, "|");
			if (cl == rl && strncmp(c, rest, rl) == 0) {
				memcpy(a->arg, rest, rl);
				a->arg[rl] = '\0';
				a->arglen = rl;
				return 0;
			}
			c += cl + (c[cl] == '|');
		}
		snprintf(err, errlen, "'%s' needs one of %s, found '%s'", v->name, v->choices, rest);
		return -1;
	}
	case ARG_TEXT:
		if (parse_text(rest, a, err, errlen) < 0)
			return -1;
		return 0;
	}
	return -1;
}
