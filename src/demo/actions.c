/*
 * actions.c — the table of socket calls a lesson step may run.
 *
 * Each verb is one real call (or a short loop the lesson's code shows), run
 * on the side the lesson names and on a named socket ("@c2 connect"; "fd"
 * when no name is given).  Lesson files use the verb names below; adding a
 * verb is adding a function and a row in `verbs`.  docs/lesson-format.md
 * lists them for teachers.
 */
#include "demo/demo_priv.h"
#include "common/clock.h"
#include "common/loopback.h"
#include "common/mem.h"
#include "common/text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* A client socket that the lesson gives no timeout still never blocks a
 * demo for ever. */
#define CLIENT_SAFETY_TIMEOUT_S 60
#define MAX_REPEAT 1000
#define MAX_WAIT_MS 5000
/* throughput: at most this many MiB, written in chunks of at most
 * THROUGHPUT_MAX_WRITE bytes, for at most THROUGHPUT_MAX_MS */
#define THROUGHPUT_MAX_MB 1024
#define THROUGHPUT_MAX_WRITE (1 << 20)
#define THROUGHPUT_MAX_MS 3000

enum argkind {
	ARG_NONE,
	ARG_NUM,          /* 1024 */
	ARG_TEXT,         /* "Hello\r\n" */
	ARG_CHOICE,       /* one of `choices` */
	ARG_TARGET,       /* [target] */
	ARG_TARGET_TEXT,  /* [target] "text" */
	ARG_NUM_TEXT,     /* 20 "x" */
	ARG_OPTION,       /* SO_RCVBUF 4096 */
	ARG_WORD,         /* one word */
	ARG_WORD2,        /* two words */
	ARG_NUM_OPTNUM,   /* 64 [65536] */
	ARG_NUM_FLAG,     /* 1024 [MSG_TRUNC|MSG_PEEK|MSG_DONTWAIT] */
};

struct verb {
	const char *name;
	const char *func;          /* the C function its trace line calls (NULL: none) */
	unsigned roles;            /* bit (1 << role) */
	enum argkind arg;
	const char *choices;       /* ARG_CHOICE: "stream|dgram" */
	void (*run)(struct demo *d, const struct demo_action *a, struct demo_outcome *o);
};

static const char *const role_names[] = { "client", "server" };

/* Targets a lesson may aim connect/sendto/bind at; also "local:NAME", the
 * local address socket NAME had when its last connect() or bind() succeeded. */
static const char *const targets[] = {
	"lab", "udp", "closed", "loopback", "http", "smtp", "ftp", "ftp-data", "dns", "echo-tcp", "echo-udp",
	"echo-iterative", "echo-threads", "echo-fork", "echo-poll",
};
#define LOCAL_PREFIX "local:"
#define LOCAL_PREFIX_LEN 6

void demo_errno_result(struct demo_outcome *o, int err)
{
	o->err = err;
	const char *name = strerrorname_np(err);
	snprintf(o->result, sizeof o->result, "= -1 %s (%s)", name ? name : "?", strerror(err));
}

/* The result of a call that returns 0, or -1 with errno set. */
static void zero_result(struct demo_outcome *o, int rc)
{
	if (rc < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= 0");
}

/* A call that returned rc failed: its errno is the result.  True then. */
static bool failed(struct demo_outcome *o, int rc)
{
	if (rc >= 0)
		return false;
	demo_errno_result(o, errno);
	return true;
}

static void result_note(struct demo_outcome *o, const char *note)
{
	size_t l = strlen(o->result);
	snprintf(o->result + l, sizeof o->result - l, "%s", note);
}

static const char *af_name(const struct demo *d)
{
	return d->af == AF_INET6 ? "AF_INET6" : "AF_INET";
}

/* The action's socket, or NULL after an EBADF outcome. */
static struct demo_sock *sock_of(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	struct demo_sock *s = demo_sock_find(d, a->role, a->sock);
	if (!s)
		demo_errno_result(o, EBADF);
	return s;
}

/* The call's text in o->call (written first: an outcome always names its
 * call), then sock_of. */
static struct demo_sock *call_sock(struct demo *d, const struct demo_action *a, struct demo_outcome *o,
                                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static struct demo_sock *call_sock(struct demo *d, const struct demo_action *a, struct demo_outcome *o,
                                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->call, sizeof o->call, fmt, ap);
	va_end(ap);
	return sock_of(d, a, o);
}

static void set_timeout(int fd, int optname, long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, optname, &tv, sizeof tv);
}

static void format_addr(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof a);
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof a);
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	}
	snprintf(buf, n, "{%s, port %u}", a, port);
}

/* "local:NAME": the local address a socket had after its last successful
 * connect() or bind(), kept after the socket is closed (it may sit in
 * TIME_WAIT, still holding the port). */
static const struct demo_local *local_find(const struct demo *d, const char *name)
{
	for (size_t i = 0; i < DEMO_MAX_LOCALS; i++)
		if (d->local[i].len && strcmp(d->local[i].name, name) == 0)
			return &d->local[i];
	return NULL;
}

/* Remember the local address of fd under name; returns it (all zero when
 * the kernel does not say). */
static const struct sockaddr_storage *local_remember(struct demo *d, const char *name, int fd)
{
	struct demo_local *slot = (struct demo_local *)local_find(d, name);
	if (!slot) {
		slot = &d->local[d->nlocal_used % DEMO_MAX_LOCALS];
		d->nlocal_used++;
	}
	snprintf(slot->name, sizeof slot->name, "%s", name);
	slot->len = sizeof slot->addr;
	if (getsockname(fd, (struct sockaddr *)&slot->addr, &slot->len) < 0) {
		slot->len = 0;
		memset(&slot->addr, 0, sizeof slot->addr);
	}
	return &slot->addr;
}

/* The address a target names; false (and EDESTADDRREQ) when the demo has
 * no such server.  Every target is a loopback address: the lab never binds
 * or reaches anything another machine could see (there is deliberately no
 * "any"; lesson 11 shows 0.0.0.0 with inet_pton instead). */
static bool target_addr(struct demo *d, const char *target, struct sockaddr_storage *ss, socklen_t *len,
                        struct demo_outcome *o)
{
	if (strcmp(target, "loopback") == 0) {
		demo_loopback(d, 0, ss, len);
		return true;
	}
	if (strncmp(target, LOCAL_PREFIX, LOCAL_PREFIX_LEN) == 0) {
		const struct demo_local *l = local_find(d, target + LOCAL_PREFIX_LEN);
		if (!l) {
			demo_errno_result(o, EDESTADDRREQ);
			result_note(o, ": that socket has not connected or bound yet");
			return false;
		}
		*ss = l->addr;
		*len = l->len;
		return true;
	}
	uint16_t port = demo_target_port(d, target);
	if (!port) {
		demo_errno_result(o, EDESTADDRREQ);
		result_note(o, ": the lesson starts no such lab server");
		return false;
	}
	demo_loopback(d, port, ss, len);
	return true;
}

/* ---- the calls ---- */

static void run_socket(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	bool dgram = strcmp(a->arg, "dgram") == 0;
	snprintf(o->call, sizeof o->call, "%s = socket(%s, %s, 0)", a->sock, af_name(d),
	         dgram ? "SOCK_DGRAM" : "SOCK_STREAM");
	struct demo_sock *s = demo_sock_new(d, a->role, a->sock);
	if (!s) {
		demo_errno_result(o, EMFILE);
		return;
	}
	s->type = dgram ? SOCK_DGRAM : SOCK_STREAM;
	s->fd = socket(d->af, s->type | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		demo_errno_result(o, errno);
		return;
	}
	long ms = a->role == DEMO_ROLE_CLIENT ? CLIENT_SAFETY_TIMEOUT_S * 1000L : LAB_IO_TIMEOUT_MS;
	set_timeout(s->fd, SO_RCVTIMEO, ms);
	set_timeout(s->fd, SO_SNDTIMEO, ms);
	snprintf(o->result, sizeof o->result, "= %d (a new socket; nothing is sent yet)", s->fd);
}

/* bind() and connect() name a socket and an address alike: the socket,
 * the address, and the call written out with both ("connect(c,
 * 127.0.0.1:8080, 16)", or "connect(c, ...)" when either is wrong: o says
 * which).  A failure with errno `noted` gets the note (for a stream
 * socket only, when stream_only). */
struct addr_call {
	const char *fn;
	int (*call)(int, const struct sockaddr *, socklen_t);
	int noted;
	const char *note;
	bool stream_only;
};

/* Make the call; on success the socket, with its local address (now
 * remembered under its name) in here.  NULL when it failed (o says why). */
static struct demo_sock *addr_call(struct demo *d, const struct demo_action *a, struct demo_outcome *o,
                                   const struct addr_call *ac, char *here, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char where[80];
	struct demo_sock *s = sock_of(d, a, o);
	if (!s || !target_addr(d, a->target, &ss, &len, o)) {
		snprintf(o->call, sizeof o->call, "%s(%s, ...)", ac->fn, a->sock);
		return NULL;
	}
	format_addr(&ss, where, sizeof where);
	snprintf(o->call, sizeof o->call, "%s(%s, %s, %u)", ac->fn, a->sock, where, (unsigned)len);
	if (ac->call(s->fd, (struct sockaddr *)&ss, len) < 0) {
		demo_errno_result(o, errno);
		if (o->err == ac->noted && (!ac->stream_only || s->type == SOCK_STREAM))
			result_note(o, ac->note);
		return NULL;
	}
	format_addr(local_remember(d, a->sock, s->fd), here, n);
	return s;
}

static void run_bind(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	static const struct addr_call ac = { "bind", bind, EADDRINUSE,
	                                     ": another socket already holds this address and port", false };
	char where[80];
	if (addr_call(d, a, o, &ac, where, sizeof where))
		snprintf(o->result, sizeof o->result, "= 0 (bound to %s)", where);
}

static void run_listen(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	struct demo_sock *s = call_sock(d, a, o, "listen(%s, %ld)", a->sock, a->num);
	if (!s)
		return;
	if (listen(s->fd, (int)a->num) < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= 0 (the kernel now answers SYNs for this port)");
}

static void run_connect(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	static const struct addr_call ac = { "connect", connect, ECONNREFUSED,
	                                     ": nobody listens there; the kernel answered with RST", true };
	char from[80];
	struct demo_sock *s = addr_call(d, a, o, &ac, from, sizeof from);
	if (s)
		snprintf(o->result, sizeof o->result, s->type == SOCK_STREAM
		         ? "= 0 (connected from %s, a port the kernel picked)"
		         : "= 0 (nothing sent: the kernel notes the peer and picks our port %s)", from);
}

static void run_accept(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	snprintf(o->call, sizeof o->call, "%s = accept(%s, &peer, &len)", a->sock, DEMO_LAB_LISTEN_SOCK);
	struct demo_sock *l = demo_sock_find(d, DEMO_ROLE_SERVER, DEMO_LAB_LISTEN_SOCK);
	if (!l) {
		demo_errno_result(o, EBADF);
		return;
	}
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	int n = poll(&p, 1, LAB_IO_TIMEOUT_MS);
	if (n <= 0) {
		demo_errno_result(o, n == 0 ? ETIMEDOUT : errno);
		return;
	}
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	if (fd < 0) {
		demo_errno_result(o, errno);
		return;
	}
	struct demo_sock *s = demo_sock_new(d, a->role, a->sock);
	if (!s) {
		close(fd);
		demo_errno_result(o, EMFILE);
		return;
	}
	s->fd = fd;
	s->type = SOCK_STREAM;
	set_timeout(fd, SO_RCVTIMEO, LAB_IO_TIMEOUT_MS);
	set_timeout(fd, SO_SNDTIMEO, LAB_IO_TIMEOUT_MS);
	char who[80];
	format_addr(&peer, who, sizeof who);
	snprintf(o->result, sizeof o->result, "= %d (the lab's side of the connection from %s)", fd, who);
}

/* send and send with MSG_MORE: one function, two spellings. */
static void do_send(struct demo *d, const struct demo_action *a, struct demo_outcome *o, int flags)
{
	char q[80];
	text_quote((const uint8_t *)a->arg, a->arglen, q, sizeof q);
	struct demo_sock *s = call_sock(d, a, o, "send(%s, %s, %zu, %s)", a->sock, q, a->arglen,
	                                flags & MSG_MORE ? "MSG_MORE" : "0");
	if (!s)
		return;
	ssize_t n;
	do   /* EINTR: the process was stopped (Ctrl-Z) and continued meanwhile; see do_recv */
		n = send(s->fd, a->arg, a->arglen, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= %zd (bytes handed to the kernel%s)", n,
		         flags & MSG_MORE ? "; more to come, so TCP may hold them" : "");
}

static void run_send(struct demo *d, const struct demo_action *a, struct demo_outcome *o) { do_send(d, a, o, 0); }
static void run_sendmore(struct demo *d, const struct demo_action *a, struct demo_outcome *o) { do_send(d, a, o, MSG_MORE); }

/* Many small writes in a row: the Nagle and framing lessons. */
static void run_sendn(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	char q[60];
	text_quote((const uint8_t *)a->arg, a->arglen, q, sizeof q);
	struct demo_sock *s = call_sock(d, a, o, "for (i = 0; i < %ld; i++) send(%s, %s, %zu, 0)", a->num,
	                                a->sock, q, a->arglen);
	if (!s)
		return;
	long total = 0, calls = 0;
	for (; calls < a->num; calls++) {
		ssize_t n = send(s->fd, a->arg, a->arglen, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {   /* stopped and continued meanwhile: see do_recv */
			calls--;
			continue;
		}
		if (n < 0) {
			int e = errno;
			demo_errno_result(o, e);
			char more[96];
			snprintf(more, sizeof more, " after %ld calls, %ld bytes", calls, total);
			result_note(o, more);
			return;
		}
		total += n;
	}
	snprintf(o->result, sizeof o->result, "%ld calls, %ld bytes handed to the kernel", calls, total);
}

/* A datagram socket's first sendto() binds it implicitly, and the kernel
 * then takes the wildcard address (0.0.0.0 or ::): the socket would take
 * datagrams from every network the machine is on.  The lab binds it to the
 * loopback first, as it binds everything, and says so in the result.  (A
 * connect()ed one is bound to the address its route chose: 127.0.0.1.) */
static bool bind_loopback_first(const struct demo_sock *s, const struct sockaddr_storage *to)
{
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	if (s->type != SOCK_DGRAM || getsockname(s->fd, (struct sockaddr *)&me, &len) < 0)
		return false;
	bool v6 = me.ss_family == AF_INET6;
	uint16_t port = v6 ? ((struct sockaddr_in6 *)&me)->sin6_port : ((struct sockaddr_in *)&me)->sin_port;
	if (port != 0 || me.ss_family != to->ss_family)
		return false;   /* bound already (by the lesson, or by connect) */
	struct sockaddr_storage a;
	len = loopback_addr(v6 ? 6 : 4, 0, &a);
	return bind(s->fd, (struct sockaddr *)&a, len) == 0;
}

static void note_loopback_bind(struct demo_outcome *o, bool bound, bool v6)
{
	if (bound)
		result_note(o, v6 ? " (the lab bound the socket to [::1] first: the implicit bind takes ::, every address)"
		                  : " (the lab bound the socket to 127.0.0.1 first: the implicit bind takes 0.0.0.0, "
		                    "every address)");
}

static void run_sendto(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	char q[80], where[80];
	struct sockaddr_storage ss;
	socklen_t len;
	text_quote((const uint8_t *)a->arg, a->arglen, q, sizeof q);
	struct demo_sock *s = sock_of(d, a, o);
	if (!s) {
		snprintf(o->call, sizeof o->call, "sendto(%s, %s, ...)", a->sock, q);
		return;
	}
	if (a->role == DEMO_ROLE_SERVER && !a->target[0]) {
		/* the lab answers whoever sent it the last datagram */
		ss = s->peer;
		len = s->peerlen;
		if (!len) {
			demo_errno_result(o, EDESTADDRREQ);
			return;
		}
	} else if (!target_addr(d, a->target[0] ? a->target : "udp", &ss, &len, o)) {
		snprintf(o->call, sizeof o->call, "sendto(%s, %s, ...)", a->sock, q);
		return;
	}
	format_addr(&ss, where, sizeof where);
	snprintf(o->call, sizeof o->call, "sendto(%s, %s, %zu, 0, %s, %u)", a->sock, q, a->arglen, where,
	         (unsigned)len);
	bool bound = a->role == DEMO_ROLE_CLIENT && bind_loopback_first(s, &ss);
	ssize_t n;
	do   /* see do_recv */
		n = sendto(s->fd, a->arg, a->arglen, MSG_NOSIGNAL, (struct sockaddr *)&ss, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= %zd (one datagram)", n);
	note_loopback_bind(o, bound, ss.ss_family == AF_INET6);
}

/* Flags a lesson may give a receive call, by the names its code uses. */
static const struct { const char *name; int flag; } recv_flags[] = {
	{ "MSG_TRUNC", MSG_TRUNC }, { "MSG_PEEK", MSG_PEEK }, { "MSG_DONTWAIT", MSG_DONTWAIT },
};
#define NRECV_FLAGS (sizeof recv_flags / sizeof recv_flags[0])

/* recv, recv with MSG_WAITALL, recvfrom: one function, three spellings.
 * The flags are the lesson's own (a->num2), so the trace and the code on
 * screen show the same call: MSG_TRUNC only where the lesson asks for it
 * (lesson 7 shows what it changes). */
static void do_recv(struct demo *d, const struct demo_action *a, struct demo_outcome *o, int flags, bool from)
{
	struct demo_sock *s = sock_of(d, a, o);
	flags |= (int)a->num2;
	char fl[64] = "";
	if (flags & MSG_WAITALL)
		snprintf(fl, sizeof fl, "MSG_WAITALL");
	for (size_t i = 0; i < NRECV_FLAGS; i++)
		if (flags & recv_flags[i].flag) {
			size_t l = strlen(fl);
			snprintf(fl + l, sizeof fl - l, "%s%s", l ? " | " : "", recv_flags[i].name);
		}
	if (!fl[0])
		snprintf(fl, sizeof fl, "0");
	if (from)
		snprintf(o->call, sizeof o->call, "recvfrom(%s, buf, %ld, %s, &peer, &len)", a->sock, a->num, fl);
	else
		snprintf(o->call, sizeof o->call, "recv(%s, buf, %ld, %s)", a->sock, a->num, fl);
	if (!s)
		return;
	/* The lesson's buffer, of the size it asks for: its failure is this
	 * call's ENOMEM, as in the learner's own program (not mem.h's rule). */
	uint8_t *buf = malloc((size_t)a->num + 1);
	if (!buf) {
		demo_errno_result(o, ENOMEM);
		return;
	}
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	/* A call waiting with a timeout (SO_RCVTIMEO, SO_SNDTIMEO) fails with
	 * EINTR when the process is stopped (Ctrl-Z) and continued, even with no
	 * handler run (signal(7)); the learner's program would not have been
	 * stopped, so the call is made again (its timeout starts over). */
	ssize_t n;
	do {
		plen = sizeof peer;
		n = recvfrom(s->fd, buf, (size_t)a->num, flags, (struct sockaddr *)&peer, &plen);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;
		demo_errno_result(o, e);
		if (e == EAGAIN || e == EWOULDBLOCK)
			result_note(o, fcntl(s->fd, F_GETFL) & O_NONBLOCK ? ": nothing to read yet, and the socket does not wait"
			                                                  : ": the receive timeout expired, nothing arrived");
		else if (e == ECONNREFUSED)
			result_note(o, ": an ICMP port unreachable came back for an earlier datagram");
	} else if (n == 0 && s->type == SOCK_STREAM) {
		snprintf(o->result, sizeof o->result, "= 0 (end of stream: the peer closed its side)");
	} else {
		char q[200];
		size_t got = (size_t)n < (size_t)a->num ? (size_t)n : (size_t)a->num;
		text_quote(buf, got, q, sizeof q);
		/* With MSG_TRUNC the kernel returns the datagram's real length, not
		 * what it copied (udp(7)): the line shows that return value, as the
		 * learner's program would see it, and says how much buf holds. */
		if ((size_t)n > (size_t)a->num)
			snprintf(o->result, sizeof o->result,
			         "= %zd: %s (TRUNCATED: the datagram had %zd bytes; %zu copied into buf, the other %zu lost)",
			         n, q, n, got, (size_t)n - got);
		else
			snprintf(o->result, sizeof o->result, "= %zd: %s", n, q);
		if (s->type == SOCK_DGRAM) {
			s->peer = peer;
			s->peerlen = plen;
		}
	}
	free(buf);
}

static void run_recv(struct demo *d, const struct demo_action *a, struct demo_outcome *o) { do_recv(d, a, o, 0, false); }
static void run_recvall(struct demo *d, const struct demo_action *a, struct demo_outcome *o) { do_recv(d, a, o, MSG_WAITALL, false); }
static void run_recvfrom(struct demo *d, const struct demo_action *a, struct demo_outcome *o) { do_recv(d, a, o, 0, true); }

/* Socket options by the names the lesson's code uses. */
static const struct sockopt {
	const char *name;
	int level, opt;   /* level -1: O_NONBLOCK through fcntl */
	const char *what;
} sockopts[] = {
	{ "SO_RCVTIMEO", SOL_SOCKET, SO_RCVTIMEO, "recv() gives up after this many seconds" },
	{ "SO_SNDTIMEO", SOL_SOCKET, SO_SNDTIMEO, "send() gives up after this many seconds" },
	{ "SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR, "bind() may reuse an address still in TIME_WAIT" },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, "receive buffer size (the kernel doubles it for bookkeeping)" },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, "send buffer size (the kernel doubles it for bookkeeping)" },
	{ "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, "probe an idle connection" },
	{ "SO_LINGER", SOL_SOCKET, SO_LINGER, "close() waits this many seconds; 0 = abort with RST" },
	{ "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, "send small segments at once, no Nagle" },
	{ "TCP_CORK", IPPROTO_TCP, TCP_CORK, "hold partial segments until uncorked" },
	{ "O_NONBLOCK", -1, 0, "calls return EAGAIN instead of waiting" },
	{ "IP_RECVERR", IPPROTO_IP, IP_RECVERR, "ICMP errors reach this socket even when it is not connected" },
};
#define NSOCKOPTS (sizeof sockopts / sizeof sockopts[0])

static const struct sockopt *sockopt_find(const char *name)
{
	for (size_t i = 0; i < NSOCKOPTS; i++)
		if (strcmp(sockopts[i].name, name) == 0)
			return &sockopts[i];
	return NULL;
}

/* IP_RECVERR has an IPv6 twin: an AF_INET6 socket takes IPV6_RECVERR. */
static const struct sockopt recverr6 = {
	"IPV6_RECVERR", IPPROTO_IPV6, IPV6_RECVERR, "ICMPv6 errors reach this socket even when it is not connected",
};

static const struct sockopt *sockopt_for(const struct demo *d, const char *name)
{
	const struct sockopt *so = sockopt_find(name);
	return so && so->opt == IP_RECVERR && so->level == IPPROTO_IP && d->af == AF_INET6 ? &recverr6 : so;
}

static const char *level_name(int level)
{
	return level == SOL_SOCKET ? "SOL_SOCKET" : level == IPPROTO_TCP ? "IPPROTO_TCP"
	       : level == IPPROTO_IPV6 ? "IPPROTO_IPV6" : "IPPROTO_IP";
}

static void run_setsockopt(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	const struct sockopt *so = sockopt_for(d, a->arg);
	struct demo_sock *s = sock_of(d, a, o);
	long v = a->num;
	if (so->level < 0)
		snprintf(o->call, sizeof o->call, "fcntl(%s, F_SETFL, flags %s O_NONBLOCK)", a->sock, v ? "|" : "& ~");
	else
		snprintf(o->call, sizeof o->call, "setsockopt(%s, %s, %s, %ld)", a->sock, level_name(so->level),
		         so->name, v);
	if (!s)
		return;
	int rc;
	if (so->level < 0) {
		int fl = fcntl(s->fd, F_GETFL);
		rc = fcntl(s->fd, F_SETFL, v ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
	} else if (so->opt == SO_RCVTIMEO || so->opt == SO_SNDTIMEO) {
		if (a->role == DEMO_ROLE_CLIENT && d->cfg.client_rcvtimeo_cap > 0 && v > d->cfg.client_rcvtimeo_cap)
			v = d->cfg.client_rcvtimeo_cap;
		struct timeval tv = { .tv_sec = v };
		rc = setsockopt(s->fd, so->level, so->opt, &tv, sizeof tv);
	} else if (so->opt == SO_LINGER) {
		struct linger lg = { .l_onoff = 1, .l_linger = (int)v };
		rc = setsockopt(s->fd, so->level, so->opt, &lg, sizeof lg);
	} else {
		int iv = (int)v;
		rc = setsockopt(s->fd, so->level, so->opt, &iv, sizeof iv);
	}
	if (rc < 0) {
		demo_errno_result(o, errno);
		return;
	}
	/* An option switched off undoes what `what` describes. */
	if (v == 0 && so->opt != SO_RCVBUF && so->opt != SO_SNDBUF)
		snprintf(o->result, sizeof o->result, "= 0 (off again: %s no more)", so->name);
	else
		snprintf(o->result, sizeof o->result, "= 0 (%s)", so->what);
	if (v != a->num)
		result_note(o, "; sockscope capped it for this run");
}

static void run_getsockopt(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	const struct sockopt *so = sockopt_for(d, a->arg);
	struct demo_sock *s = sock_of(d, a, o);
	snprintf(o->call, sizeof o->call, "getsockopt(%s, %s, %s, &v, &len)", a->sock, level_name(so->level),
	         so->name);
	if (!s)
		return;
	int v = 0;
	socklen_t len = sizeof v;
	if (so->level < 0 || so->opt == SO_RCVTIMEO || so->opt == SO_SNDTIMEO || so->opt == SO_LINGER) {
		demo_errno_result(o, EINVAL);
		return;
	}
	if (getsockopt(s->fd, so->level, so->opt, &v, &len) < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= 0, v = %d", v);
}

static void run_shutdown(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	int how = strcmp(a->arg, "rd") == 0 ? SHUT_RD : strcmp(a->arg, "wr") == 0 ? SHUT_WR : SHUT_RDWR;
	static const char *const hn[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
	struct demo_sock *s = call_sock(d, a, o, "shutdown(%s, %s)", a->sock, hn[how]);
	if (!s)
		return;
	zero_result(o, shutdown(s->fd, how));
}

static void run_close(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	struct demo_sock *s = call_sock(d, a, o, "close(%s)", a->sock);
	if (!s)
		return;
	if (a->role == DEMO_ROLE_CLIENT)
		demo_note_closing(d, s);
	int fd = s->fd;
	s->fd = -1;
	zero_result(o, close(fd));
}

static void run_tcpinfo(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	struct demo_sock *s = call_sock(d, a, o, "getsockopt(%s, IPPROTO_TCP, TCP_INFO, &info, &len)", a->sock);
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	if (s && !failed(o, getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &ti, &len)))
		snprintf(o->result, sizeof o->result, "= 0: state %s, rtt %u us, unacked %u, snd_mss %u, rcv_space %u",
		         demo_tcp_state_name(ti.tcpi_state), ti.tcpi_rtt, ti.tcpi_unacked, ti.tcpi_snd_mss,
		         ti.tcpi_rcv_space);
}

static void run_getsockname(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	struct demo_sock *s = call_sock(d, a, o, "getsockname(%s, &addr, &len)", a->sock);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char where[80];
	if (!s || failed(o, getsockname(s->fd, (struct sockaddr *)&ss, &len)))
		return;
	format_addr(&ss, where, sizeof where);
	snprintf(o->result, sizeof o->result, "= 0: %s", where);
}

/* Waiting is sometimes the lesson (a timer fires); bounded like the rest. */
static void run_wait(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	(void)d;
	snprintf(o->call, sizeof o->call, "usleep(%ld * 1000)", a->num);
	struct timespec ts = { .tv_sec = a->num / 1000, .tv_nsec = (a->num % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	snprintf(o->result, sizeof o->result, "(waited %ld ms)", a->num);
}

static void run_pton(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	(void)d;
	uint8_t b[16];
	bool v6 = strchr(a->arg, ':') != NULL;
	snprintf(o->call, sizeof o->call, "inet_pton(%s, \"%s\", &addr)", v6 ? "AF_INET6" : "AF_INET", a->arg);
	int rc = inet_pton(v6 ? AF_INET6 : AF_INET, a->arg, b);
	if (rc != 1) {
		snprintf(o->result, sizeof o->result, "= 0 (not a valid %s address)", v6 ? "IPv6" : "IPv4");
		return;
	}
	size_t o2 = (size_t)snprintf(o->result, sizeof o->result, "= 1: %d bytes in network order:", v6 ? 16 : 4);
	for (int i = 0; i < (v6 ? 16 : 4) && o2 < sizeof o->result; i++)
		o2 += (size_t)snprintf(o->result + o2, sizeof o->result - o2, " %02x", b[i]);
}

static void run_getservbyname(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	(void)d;
	snprintf(o->call, sizeof o->call, "getservbyname(\"%s\", \"tcp\")", a->arg);
	struct servent se, *res = NULL;
	char buf[1024];
	if (getservbyname_r(a->arg, "tcp", &se, buf, sizeof buf, &res) != 0 || !res)
		snprintf(o->result, sizeof o->result, "= NULL (not in /etc/services)");
	else
		snprintf(o->result, sizeof o->result, "= {s_port = htons(%u)} from /etc/services",
		         ntohs((uint16_t)res->s_port));
}

static void run_ephemeral(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	(void)d;
	(void)a;
	snprintf(o->call, sizeof o->call, "read /proc/sys/net/ipv4/ip_local_port_range");
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned lo = 0, hi = 0;
	if (!f || fscanf(f, "%u %u", &lo, &hi) != 2)
		snprintf(o->result, sizeof o->result, "(cannot read it here)");
	else
		snprintf(o->result, sizeof o->result, "%u to %u: the ports the kernel picks for connect()", lo, hi);
	if (f)
		fclose(f);
}

/* A DNS query (RFC 1035 section 4.1) built and sent on a datagram socket. */
static void run_dnsquery(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	const char *name = a->arg, *type = a->arg + strlen(a->arg) + 1;
	static const struct { const char *name; uint16_t code; } types[] = {
		{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 },
	};
	uint16_t qtype = 0;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i].name, type) == 0)
			qtype = types[i].code;
	snprintf(o->call, sizeof o->call, "sendto(%s, query(\"%s\", %s), ..., dns server)", a->sock, name, type);
	struct demo_sock *s = sock_of(d, a, o);
	struct sockaddr_storage ss;
	socklen_t len;
	if (!s || !target_addr(d, "dns", &ss, &len, o))
		return;
	uint8_t q[300];
	size_t n = 0;
	static uint16_t next_id = 0x5c00;
	uint16_t id = next_id++;
	uint8_t hdr[12] = { (uint8_t)(id >> 8), (uint8_t)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 }; /* RD, 1 question */
	memcpy(q, hdr, 12);
	n = 12;
	for (const char *l = name; *l;) {
		size_t ll = strcspn(l, ".");
		if (ll == 0 || ll > 63 || n + ll + 6 > sizeof q) {
			demo_errno_result(o, EINVAL);
			return;
		}
		q[n++] = (uint8_t)ll;
		memcpy(q + n, l, ll);
		n += ll;
		l += ll + (l[ll] == '.');
	}
	q[n++] = 0;
	q[n++] = (uint8_t)(qtype >> 8);
	q[n++] = (uint8_t)qtype;
	q[n++] = 0;
	q[n++] = 1;   /* class IN */
	bool bound = bind_loopback_first(s, &ss);
	ssize_t w = sendto(s->fd, q, n, 0, (struct sockaddr *)&ss, len);
	if (w < 0)
		demo_errno_result(o, errno);
	else
		snprintf(o->result, sizeof o->result, "= %zd (query id 0x%04x: 12-byte header, the name as length-prefixed labels, type, class)",
		         w, id);
	note_loopback_bind(o, bound, ss.ss_family == AF_INET6);
}

/* ---- throughput: a bulk transfer measured live ----
 * Over a loopback connection of its own, to a sink thread that only reads:
 * its ports are none of the demo's, so the capture (filtered on those) takes
 * none of its packets.  Bounded in size, time, and by send/recv timeouts. */
struct sink {
	int fd;
	long long got;
	int err;
};

static void *sink_main(void *arg)
{
	struct sink *k = arg;
	size_t cap = 1 << 18;
	char *buf = xmalloc(cap);   /* ours, not the lesson's: a size it does not choose */
	for (;;) {
		ssize_t n = recv(k->fd, buf, cap, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			k->err = n < 0 ? errno : 0;
			break;
		}
		k->got += n;
	}
	free(buf);
	return NULL;
}

static double ms_since(int64_t t0_us)
{
	return (double)(clock_us() - t0_us) / 1e3;
}

/* A connected pair on loopback: *c the sender, *k the sink's end. */
static int loopback_pair(struct demo *d, int *c, int *k)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int l = socket(d->af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	*c = socket(d->af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	*k = -1;
	demo_loopback(d, 0, &ss, &len);
	if (l < 0 || *c < 0 || bind(l, (struct sockaddr *)&ss, len) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&ss, &len) < 0 || connect(*c, (struct sockaddr *)&ss, len) < 0 ||
	    (*k = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		int e = errno;
		if (l >= 0)
			close(l);
		if (*c >= 0)
			close(*c);
		return -e;
	}
	close(l);
	for (int i = 0; i < 2; i++) {
		set_timeout(i ? *k : *c, SO_RCVTIMEO, 2000);
		set_timeout(i ? *k : *c, SO_SNDTIMEO, 2000);
	}
	return 0;
}

static void run_throughput(struct demo *d, const struct demo_action *a, struct demo_outcome *o)
{
	long chunk = a->num2 ? a->num2 : 65536;
	long long total = a->num * 1024LL * 1024LL, sent = 0;
	snprintf(o->call, sizeof o->call, "for (sent = 0; sent < %ld MiB; sent += n) n = send(t, buf, %ld, 0)",
	         a->num, chunk);
	int c, kfd;
	int rc = loopback_pair(d, &c, &kfd);
	if (rc < 0) {
		demo_errno_result(o, -rc);
		return;
	}
	char *buf = calloc(1, (size_t)chunk);   /* the lesson's chunk size: ENOMEM is its result */
	struct sink k = { .fd = kfd };
	pthread_t th;
	if (!buf || pthread_create(&th, NULL, sink_main, &k) != 0) {
		free(buf);
		close(c);
		close(kfd);
		demo_errno_result(o, buf ? EAGAIN : ENOMEM);
		return;
	}
	int64_t t0 = clock_us();
	int err = 0;
	bool late = false;
	long long calls = 0;
	while (sent < total) {
		long long want = total - sent < chunk ? total - sent : chunk;
		ssize_t n = send(c, buf, (size_t)want, MSG_NOSIGNAL);
		calls++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		sent += n;
		if ((late = ms_since(t0) > THROUGHPUT_MAX_MS))
			break;
	}
	shutdown(c, SHUT_WR);
	pthread_join(th, NULL);
	double ms = ms_since(t0);
	close(c);
	close(kfd);
	free(buf);
	if (err || k.err) {
		demo_errno_result(o, err ? err : k.err);
		return;
	}
	double mib = (double)k.got / (1024.0 * 1024.0);
	snprintf(o->result, sizeof o->result,
	         "%.1f MiB in %.0f ms: %.0f MiB/s (%lld send() calls%s; over a loopback connection of its own, "
	         "not captured)", mib, ms, ms > 0 ? mib * 1000.0 / ms : 0.0, calls,
	         late ? ", stopped at the time limit" : "");
}

#define BOTH ((1u << DEMO_ROLE_CLIENT) | (1u << DEMO_ROLE_SERVER))
#define CLIENT (1u << DEMO_ROLE_CLIENT)
#define SERVER (1u << DEMO_ROLE_SERVER)
static const struct verb verbs[] = {
	{ "socket",        "socket",        BOTH,   ARG_CHOICE,      "stream|dgram", run_socket },
	{ "bind",          "bind",          CLIENT, ARG_TARGET,      NULL,           run_bind },
	{ "listen",        "listen",        CLIENT, ARG_NUM,         NULL,           run_listen },
	{ "connect",       "connect",       CLIENT, ARG_TARGET,      NULL,           run_connect },
	{ "accept",        "accept",        SERVER, ARG_NONE,        NULL,           run_accept },
	{ "send",          "send",          BOTH,   ARG_TEXT,        NULL,           run_send },
	{ "sendmore",      "send",          BOTH,   ARG_TEXT,        NULL,           run_sendmore },
	{ "sendn",         "send",          BOTH,   ARG_NUM_TEXT,    NULL,           run_sendn },
	{ "sendto",        "sendto",        BOTH,   ARG_TARGET_TEXT, NULL,           run_sendto },
	{ "recv",          "recv",          BOTH,   ARG_NUM_FLAG,    NULL,           run_recv },
	{ "recvall",       "recv",          BOTH,   ARG_NUM_FLAG,    NULL,           run_recvall },
	{ "recvfrom",      "recvfrom",      BOTH,   ARG_NUM_FLAG,    NULL,           run_recvfrom },
	{ "setsockopt",    "setsockopt",    BOTH,   ARG_OPTION,      NULL,           run_setsockopt },
	{ "getsockopt",    "getsockopt",    BOTH,   ARG_WORD,        NULL,           run_getsockopt },
	{ "shutdown",      "shutdown",      BOTH,   ARG_CHOICE,      "rd|wr|rdwr",   run_shutdown },
	{ "close",         "close",         BOTH,   ARG_NONE,        NULL,           run_close },
	{ "tcpinfo",       "getsockopt",    BOTH,   ARG_NONE,        NULL,           run_tcpinfo },
	{ "getsockname",   "getsockname",   CLIENT, ARG_NONE,        NULL,           run_getsockname },
	{ "wait",          "usleep",        BOTH,   ARG_NUM,         NULL,           run_wait },
	{ "pton",          "inet_pton",     CLIENT, ARG_WORD,        NULL,           run_pton },
	{ "getservbyname", "getservbyname", CLIENT, ARG_WORD,        NULL,           run_getservbyname },
	{ "ephemeral",     NULL,            CLIENT, ARG_NONE,        NULL,           run_ephemeral },
	{ "dnsquery",      "sendto",        CLIENT, ARG_WORD2,       NULL,           run_dnsquery },
	{ "throughput",    "send",          CLIENT, ARG_NUM_OPTNUM,  NULL,           run_throughput },
};
#define NVERBS (sizeof verbs / sizeof verbs[0])

/* Verbs that work without a socket, on the side's own. */
static bool sockless(const struct verb *v)
{
	return v->run == run_wait || v->run == run_pton || v->run == run_getservbyname || v->run == run_ephemeral ||
	       v->run == run_throughput;
}

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

bool demo_action_call(const struct demo_action *a, const char **func, const char **sock)
{
	const struct verb *v = &verbs[a->verb];
	if (!v->func || sockless(v))
		return false;
	*func = v->func;
	if (v->run == run_setsockopt && sockopt_find(a->arg) && sockopt_find(a->arg)->level < 0)
		*func = "fcntl";   /* O_NONBLOCK is a file status flag */
	*sock = a->sock;
	return true;
}

const char *demo_lab_kinds(void)
{
	return "tcp-server udp-server http smtp ftp dns echo-tcp echo-udp echo-iterative echo-threads echo-fork echo-poll";
}

/* ---- parsing "[@sock] verb args" ---- */

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copy the next word into buf (cap bytes); returns the rest, or NULL when
 * the word does not fit. */
static const char *next_word(const char *s, char *buf, size_t cap)
{
	s = skip_ws(s);
	size_t wl = strcspn(s, " \t");
	if (wl >= cap)
		return NULL;
	memcpy(buf, s, wl);
	buf[wl] = '\0';
	return skip_ws(s + wl);
}

static int parse_text(const char *s, struct demo_action *a, char *err, size_t errlen)
{
	return text_unquote(s, a->arg, sizeof a->arg, &a->arglen, err, errlen);
}

static int parse_num(const struct verb *v, const char *word, long max, long *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long n = strtol(word, &end, 10);
	if (!*word || *end || errno || n < 0 || n > max) {
		snprintf(err, errlen, "'%s' needs a number from 0 to %ld, found '%s'", v->name, max, word);
		return -1;
	}
	*out = n;
	return 0;
}

/* An optional target word: known names only.  Returns the rest. */
static const char *parse_target(const char *s, struct demo_action *a)
{
	char w[DEMO_NAME_MAX];
	const char *rest = next_word(s, w, sizeof w);
	if (!rest || !*w || *w == '"')
		return s;
	if (strncmp(w, LOCAL_PREFIX, LOCAL_PREFIX_LEN) == 0 && w[LOCAL_PREFIX_LEN]) {
		snprintf(a->target, sizeof a->target, "%s", w);
		return rest;
	}
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		if (strcmp(w, targets[i]) == 0) {
			snprintf(a->target, sizeof a->target, "%s", w);
			return rest;
		}
	return s;
}

static int parse_args(const struct verb *v, const char *rest, struct demo_action *a, char *err, size_t errlen)
{
	char w[64];
	const char *after;
	switch (v->arg) {
	case ARG_NONE:
		if (*rest) {
			snprintf(err, errlen, "'%s' takes no argument, found '%s'", v->name, rest);
			return -1;
		}
		return 0;
	case ARG_NUM:
		return parse_num(v, rest, v->run == run_wait ? MAX_WAIT_MS : 1 << 20, &a->num, err, errlen);
	case ARG_TEXT:
		return parse_text(rest, a, err, errlen);
	case ARG_CHOICE:
		for (const char *c = v->choices; *c;) {
			size_t cl = strcspn(c, "|");
			if (cl == strlen(rest) && strncmp(c, rest, cl) == 0) {
				snprintf(a->arg, sizeof a->arg, "%s", rest);
				a->arglen = cl;
				return 0;
			}
			c += cl + (c[cl] == '|');
		}
		snprintf(err, errlen, "'%s' needs one of %s, found '%s'", v->name, v->choices, rest);
		return -1;
	case ARG_TARGET:
		after = parse_target(rest, a);
		if (*after || (v->run == run_bind && !a->target[0])) {
			size_t o = (size_t)snprintf(err, errlen, "'%s' needs %sone of:", v->name,
			                            v->run == run_bind ? "" : "nothing or ");
			for (size_t i = 0; i < sizeof targets / sizeof targets[0] && o < errlen; i++)
				o += (size_t)snprintf(err + o, errlen - o, " %s", targets[i]);
			if (o < errlen)
				o += (size_t)snprintf(err + o, errlen - o, " %sNAME", LOCAL_PREFIX);
			if (o < errlen)
				snprintf(err + o, errlen - o, "; found '%s'", rest);
			return -1;
		}
		return 0;
	case ARG_TARGET_TEXT:
		return parse_text(parse_target(rest, a), a, err, errlen);
	case ARG_NUM_TEXT:
		after = next_word(rest, w, sizeof w);
		if (!after || parse_num(v, w, MAX_REPEAT, &a->num, err, errlen) < 0) {
			if (!after)
				snprintf(err, errlen, "'%s' needs a count and a quoted text", v->name);
			return -1;
		}
		return parse_text(after, a, err, errlen);
	case ARG_OPTION:
		after = next_word(rest, a->arg, sizeof a->arg);
		if (!after || !sockopt_find(a->arg)) {
			size_t o = (size_t)snprintf(err, errlen, "'%s' needs an option name, one of:", v->name);
			for (size_t i = 0; i < NSOCKOPTS && o < errlen; i++)
				o += (size_t)snprintf(err + o, errlen - o, " %s", sockopts[i].name);
			return -1;
		}
		a->arglen = strlen(a->arg);
		return parse_num(v, after, 1 << 24, &a->num, err, errlen);
	case ARG_WORD:
		after = next_word(rest, a->arg, sizeof a->arg);
		if (!after || !*a->arg || *after) {
			snprintf(err, errlen, "'%s' needs exactly one word, found '%s'", v->name, rest);
			return -1;
		}
		if (v->run == run_getsockopt && !sockopt_find(a->arg)) {
			snprintf(err, errlen, "'%s': unknown option '%s'", v->name, a->arg);
			return -1;
		}
		a->arglen = strlen(a->arg);
		return 0;
	case ARG_NUM_FLAG: {
		after = next_word(rest, w, sizeof w);
		if (!after || parse_num(v, w, 1 << 20, &a->num, err, errlen) < 0)
			return after ? -1 : (snprintf(err, errlen, "'%s' needs a buffer size", v->name), -1);
		while (*after) {
			after = next_word(after, w, sizeof w);
			size_t i = 0;
			while (after && i < NRECV_FLAGS && strcmp(w, recv_flags[i].name) != 0)
				i++;
			if (!after || i == NRECV_FLAGS) {
				size_t o = (size_t)snprintf(err, errlen, "'%s' takes a buffer size and flags among:", v->name);
				for (size_t k = 0; k < NRECV_FLAGS && o < errlen; k++)
					o += (size_t)snprintf(err + o, errlen - o, " %s", recv_flags[k].name);
				return -1;
			}
			a->num2 |= recv_flags[i].flag;
		}
		return 0;
	}
	case ARG_NUM_OPTNUM:
		after = next_word(rest, w, sizeof w);
		if (!after || parse_num(v, w, THROUGHPUT_MAX_MB, &a->num, err, errlen) < 0)
			return after ? -1 : (snprintf(err, errlen, "'%s' needs a number", v->name), -1);
		if (*after && parse_num(v, after, THROUGHPUT_MAX_WRITE, &a->num2, err, errlen) < 0)
			return -1;
		if (a->num == 0 || (*after && a->num2 == 0)) {
			snprintf(err, errlen, "'%s' needs MiB and, optionally, bytes per send(), both at least 1", v->name);
			return -1;
		}
		return 0;
	case ARG_WORD2: {
		char w1[200], w2[16];
		after = next_word(rest, w1, sizeof w1);
		after = after ? next_word(after, w2, sizeof w2) : NULL;
		if (!after || !*w1 || !*w2 || *after) {
			snprintf(err, errlen, "'%s' needs two words, e.g. lab.sockscope.test A", v->name);
			return -1;
		}
		/* stored as "w1\0w2" */
		size_t l1 = strlen(w1);
		memcpy(a->arg, w1, l1 + 1);
		memcpy(a->arg + l1 + 1, w2, strlen(w2) + 1);
		a->arglen = l1;
		return 0;
	}
	}
	return -1;
}

int demo_action_parse(enum demo_role role, const char *text, struct demo_action *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->role = role;
	/* Unnamed sockets: the client's "fd", the lab's accepted connection
	 * "conn", the names the lessons' code gives them. */
	snprintf(a->sock, sizeof a->sock, "%s", role == DEMO_ROLE_SERVER ? "conn" : "fd");
	text = skip_ws(text);
	if (*text == '@') {
		const char *rest = next_word(text + 1, a->sock, sizeof a->sock);
		if (!rest || !a->sock[0]) {
			snprintf(err, errlen, "a socket name after '@' has 1 to %d characters", DEMO_NAME_MAX - 1);
			return -1;
		}
		text = rest;
	}
	size_t wl = strcspn(text, " \t");
	const char *rest = skip_ws(text + wl);

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
	if (sockless(v))
		a->sock[0] = '\0';
	/* The lab's datagram socket is "usock" unless the lesson names another. */
	if (role == DEMO_ROLE_SERVER && (v->run == run_recvfrom || v->run == run_sendto) && strcmp(a->sock, "conn") == 0)
		snprintf(a->sock, sizeof a->sock, "%s", DEMO_LAB_UDP_SOCK);
	return parse_args(v, rest, a, err, errlen);
}
