/*
 * stress_servers.c — `sockscope serve` under load and bad input, over real
 * loopback sockets: for each protocol server (http, smtp, ftp, dns,
 * echo-tcp) it opens 100 idle connections (connect, send nothing), then
 * runs 10 parallel clients that make at least 1,000 valid requests in all
 * while an 11th client sends a stream of malformed ones, and checks that
 *   - every valid request is answered correctly (none is retried),
 *   - every malformed one gets the protocol's error and a clean close
 *     (EOF, not a reset),
 *   - the 100 idle connections are still open when the load is over (the
 *     server answered the others while they were open, not after closing
 *     them),
 *   - the server process's file descriptors (/proc/PID/fd) and threads
 *     (/proc/PID/status) come back to what they were before;
 * then that a connection silent for --idle seconds is closed, and that
 * more connections than the server keeps open at once still leave room
 * for a new client.
 *
 * Nothing here depends on speed: every socket has a 10 s receive and send
 * timeout so a broken server fails the test instead of hanging it, the
 * latencies are printed (for docs/reliability.md), not asserted, and the
 * whole run is cut off by alarm() after RUN_LIMIT_S.
 *
 * argv[1]: the sockscope binary.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define IDLE_CONNS 100
#define CLIENTS 10
#define REQUESTS_EACH 100        /* per client: CLIENTS * REQUESTS_EACH valid requests a protocol */
#define BAD_ROUNDS 30            /* rounds of the malformed list a protocol */
#define IO_TIMEOUT_S 10
#define RUN_LIMIT_S 240
#define MAX_LAT 4096

static const char *binary;

/* ------------------------------------------------------------ the server process */

struct server {
	pid_t pid;
	FILE *out;               /* its stdout: "PROTO listening on 127.0.0.1 port N", later "served K" */
	uint16_t port;
};

static bool server_start(struct server *sv, const char *proto, const char *idle)
{
	int p[2];
	if (pipe(p) < 0)
		return false;
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl(binary, binary, "serve", proto, "--seconds", "120", "--idle", idle, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	sv->pid = pid;
	sv->out = fdopen(p[0], "r");
	char line[256] = "";
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	unsigned port = 0;
	if (poll(&pf, 1, IO_TIMEOUT_S * 1000) == 1 && fgets(line, sizeof line, sv->out))
		sscanf(line, "%*s listening on 127.0.0.1 port %u", &port);
	sv->port = (uint16_t)port;
	if (!port)
		fprintf(stderr, "stress: %s server did not start: %s\n", proto, line);
	return port != 0;
}

/* Stop it (SIGTERM: it prints its count and exits) and return "served K". */
static long server_stop(struct server *sv)
{
	kill(sv->pid, SIGTERM);
	long served = -1;
	char line[256];
	while (fgets(line, sizeof line, sv->out))
		sscanf(line, "served %ld", &served);
	int st;
	waitpid(sv->pid, &st, 0);
	fclose(sv->out);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return served;
}

static int count_fds(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int count_threads(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	int n = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* Wait (bounded) until the server is back to its starting fds and threads. */
static bool back_to(pid_t pid, int fds, int threads, int *fds_now, int *threads_now)
{
	for (int i = 0; i < 200; i++) {
		*fds_now = count_fds(pid);
		*threads_now = count_threads(pid);
		if (*fds_now == fds && *threads_now == threads)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* ------------------------------------------------------------ client side */

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int dial(int type, uint16_t port)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct conn {
	int fd;
	char buf[16384];
	size_t n;
	bool reset;              /* the server reset the connection */
	bool eof;                /* the server closed it with a FIN */
};

static bool conn_open(struct conn *c, uint16_t port)
{
	c->n = 0;
	c->reset = c->eof = false;
	c->fd = dial(SOCK_STREAM, port);
	return c->fd >= 0;
}

static bool fill(struct conn *c)
{
	if (c->n >= sizeof c->buf - 1)
		return false;
	ssize_t r = recv(c->fd, c->buf + c->n, sizeof c->buf - 1 - c->n, 0);
	if (r < 0 && errno == ECONNRESET)
		c->reset = true;
	if (r == 0)
		c->eof = true;
	if (r <= 0)
		return false;
	c->n += (size_t)r;
	c->buf[c->n] = '\0';
	return true;
}

static void drop(struct conn *c, size_t k)
{
	memmove(c->buf, c->buf + k, c->n - k);
	c->n -= k;
	c->buf[c->n] = '\0';
}

static bool send_all(int fd, const void *p, size_t n)
{
	const char *b = p;
	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

/* One whole SMTP/FTP reply (its last line has a space after the code):
 * true when it begins with `code`. */
static bool reply_is(struct conn *c, const char *code)
{
	for (int lines = 0; lines < 20;) {
		char *e = memchr(c->buf, '\n', c->n);
		if (!e) {
			if (!fill(c))
				return false;
			continue;
		}
		size_t len = (size_t)(e - c->buf) + 1;
		bool last = len >= 5 && c->buf[3] == ' ';
		bool ok = strncmp(c->buf, code, strlen(code)) == 0;
		drop(c, len);
		lines++;
		if (last)
			return ok;
	}
	return false;
}

static bool cmd(struct conn *c, const char *line, const char *code)
{
	char l[1100];
	int n = snprintf(l, sizeof l, "%s\r\n", line);
	return send_all(c->fd, l, (size_t)n) && reply_is(c, code);
}

/* One HTTP response: its status, and its body read whole (Content-Length). */
static int http_response(struct conn *c)
{
	char *end;
	while (!(end = strstr(c->buf, "\r\n\r\n")))
		if (!fill(c))
			return -1;
	int status = 0;
	sscanf(c->buf, "HTTP/1.1 %d", &status);
	char *cl = strstr(c->buf, "Content-Length: ");
	size_t body = cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0;
	size_t need = (size_t)(end + 4 - c->buf) + body;
	while (c->n < need)
		if (!fill(c))
			return -1;
	drop(c, need);
	return status;
}

/* After an error reply: the server closes, with a FIN, not a reset. */
static bool closed_cleanly(struct conn *c)
{
	while (c->n == 0 && fill(c))
		;
	return c->n == 0 && c->eof && !c->reset;
}

/* ------------------------------------------------------------ valid requests */

struct load {
	const char *proto;
	uint16_t port;
	int client;              /* 0..CLIENTS-1; only client 0 makes FTP transfers (one data port) */
	atomic_int *answered, *failed;
	int64_t *lat;            /* latencies of this client's requests, µs */
	int nlat;
};

/* The latency of one request, recorded. */
static void took(struct load *l, int64_t t0, bool ok)
{
	if (!ok) {
		atomic_fetch_add(l->failed, 1);
		return;
	}
	atomic_fetch_add(l->answered, 1);
	if (l->nlat < MAX_LAT)
		l->lat[l->nlat++] = now_us() - t0;
}

#define TIMED(l, expr) do { int64_t t0_ = now_us(); bool ok_ = (expr); took((l), t0_, ok_); if (!ok_) goto out; } while (0)

/* One connection's worth of requests; how many were made. */
static int http_session(struct load *l, struct conn *c)
{
	int made = 0;
	for (int i = 0; i < 10; i++, made++) {
		char req[256];
		int n = snprintf(req, sizeof req, "GET /hello HTTP/1.1\r\nHost: lab\r\n%s\r\n",
		                 i == 9 ? "Connection: close\r\n" : "");
		TIMED(l, send_all(c->fd, req, (size_t)n) && http_response(c) == 200);
	}
out:
	return made;
}

static int smtp_session(struct load *l, struct conn *c)
{
	int made = 0;
	static const char *const script[][2] = {
		{ "EHLO client.sockscope.test", "250" }, { "MAIL FROM:<a@sockscope.test>", "250" },
		{ "RCPT TO:<b@sockscope.test>", "250" }, { "DATA", "354" },
		{ "Subject: load\r\n\r\nhello\r\n.", "250" }, { "NOOP", "250" }, { "RSET", "250" },
		{ "NOOP", "250" }, { "QUIT", "221" },
	};
	TIMED(l, reply_is(c, "220"));
	made++;
	for (size_t i = 0; i < sizeof script / sizeof script[0]; i++, made++)
		TIMED(l, cmd(c, script[i][0], script[i][1]));
out:
	return made;
}

static bool ftp_retr(struct conn *c)
{
	char line[256];
	if (!send_all(c->fd, "EPSV\r\n", 6))
		return false;
	while (!memchr(c->buf, '\n', c->n))
		if (!fill(c))
			return false;
	unsigned dport = 0;
	char *bar = strstr(c->buf, "(|||");
	if (strncmp(c->buf, "229 ", 4) != 0 || !bar || sscanf(bar, "(|||%u|)", &dport) != 1)
		return false;
	drop(c, (size_t)((char *)memchr(c->buf, '\n', c->n) - c->buf) + 1);
	int d = dial(SOCK_STREAM, (uint16_t)dport);
	if (d < 0)
		return false;
	bool ok = cmd(c, "RETR hello.txt", "150");
	size_t got = 0;
	ssize_t r;
	while (ok && (r = recv(d, line + got, sizeof line - 1 - got, 0)) > 0)
		got += (size_t)r;
	close(d);
	line[got] = '\0';
	return ok && strstr(line, "Hello over FTP") && reply_is(c, "226");
}

static int ftp_session(struct load *l, struct conn *c)
{
	int made = 0;
	static const char *const script[][2] = {
		{ "USER anonymous", "331" }, { "PASS load@sockscope.test", "230" }, { "SYST", "215" },
		{ "PWD", "257" }, { "TYPE I", "200" }, { "SIZE hello.txt", "213" }, { "NOOP", "200" },
	};
	TIMED(l, reply_is(c, "220"));
	made++;
	for (size_t i = 0; i < sizeof script / sizeof script[0]; i++, made++)
		TIMED(l, cmd(c, script[i][0], script[i][1]));
	if (l->client == 0) {
		TIMED(l, ftp_retr(c));
		made++;
	}
	TIMED(l, cmd(c, "QUIT", "221"));
	made++;
out:
	return made;
}

/* A DNS query for lab.sockscope.test A with id, into q: its length. */
static size_t dns_query(uint8_t *q, unsigned id)
{
	static const uint8_t tail[] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'l', 'a', 'b', 9, 's', 'o', 'c', 'k', 's',
	                                'c', 'o', 'p', 'e', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	memcpy(q + 2, tail, sizeof tail);
	return 2 + sizeof tail;
}

/* An answer to query id with rcode 0 and one answer record. */
static bool dns_ok(const uint8_t *a, ssize_t n, unsigned id)
{
	return n >= 12 && (a[0] << 8 | a[1]) == (int)id && (a[2] & 0x80) && (a[3] & 0x0f) == 0 && a[7] == 1;
}

static int dns_session(struct load *l, struct conn *c)
{
	int made = 0;
	uint8_t q[64], a[1024];
	/* five over UDP, then five over one TCP connection */
	int u = dial(SOCK_DGRAM, l->port);
	for (int i = 0; i < 5; i++, made++) {
		unsigned id = (unsigned)(l->client * 1000 + l->nlat + i) & 0xffff;
		size_t n = dns_query(q, id);
		TIMED(l, u >= 0 && send(u, q, n, 0) == (ssize_t)n && dns_ok(a, recv(u, a, sizeof a, 0), id));
	}
	for (int i = 0; i < 5; i++, made++) {
		unsigned id = (unsigned)(l->client * 1000 + i) & 0xffff;
		uint8_t m[66];
		size_t n = dns_query(m + 2, id);
		m[0] = 0;
		m[1] = (uint8_t)n;
		bool ok = send_all(c->fd, m, n + 2);
		while (ok && (c->n < 2 || c->n < 2 + (size_t)((uint8_t)c->buf[0] << 8 | (uint8_t)c->buf[1])))
			ok = fill(c);
		size_t len = ok ? (size_t)((uint8_t)c->buf[0] << 8 | (uint8_t)c->buf[1]) : 0;
		TIMED(l, ok && dns_ok((uint8_t *)c->buf + 2, (ssize_t)len, id));
		drop(c, len + 2);
	}
out:
	if (u >= 0)
		close(u);
	return made;
}

static bool echoed(struct conn *c, const char *msg, size_t n)
{
	bool ok = send_all(c->fd, msg, n);
	while (ok && c->n < n)
		ok = fill(c);
	ok = ok && memcmp(c->buf, msg, n) == 0;
	if (ok)
		drop(c, n);
	return ok;
}

static int echo_session(struct load *l, struct conn *c)
{
	int made = 0;
	for (int i = 0; i < 10; i++, made++) {
		char msg[64];
		int n = snprintf(msg, sizeof msg, "client %d message %d\n", l->client, i);
		TIMED(l, echoed(c, msg, (size_t)n));
	}
out:
	return made;
}

static void *load_main(void *arg)
{
	struct load *l = arg;
	int (*session)(struct load *, struct conn *) = strcmp(l->proto, "http") == 0 ? http_session
	                                : strcmp(l->proto, "smtp") == 0 ? smtp_session
	                                : strcmp(l->proto, "ftp") == 0 ? ftp_session
	                                : strcmp(l->proto, "dns") == 0 ? dns_session
	                                                               : echo_session;
	/* the failure count also ends the loop, so a dead server cannot keep it going */
	static _Thread_local struct conn c;
	for (int made = 0; made < REQUESTS_EACH && atomic_load(l->failed) < 50;) {
		if (!conn_open(&c, l->port)) {
			atomic_fetch_add(l->failed, 1);
			continue;
		}
		made += session(l, &c);
		close(c.fd);
	}
	return NULL;
}

/* ------------------------------------------------------------ malformed requests */

struct bad {
	const char *proto;
	const char *what;
	bool greeting;           /* SMTP/FTP: read the 220 first */
	size_t (*make)(char *buf, size_t cap);   /* the bytes to send */
	const char *expect;      /* the reply's start */
	bool then_quit;          /* the session goes on: QUIT, 221, then the close */
};

static size_t big_header(char *b, size_t cap)
{
	size_t n = (size_t)snprintf(b, cap, "GET / HTTP/1.1\r\nHost: lab\r\nX-Big: ");
	while (n < 100 * 1024 && n < cap)
		b[n++] = 'a';
	return n + (size_t)snprintf(b + n, cap - n, "\r\n\r\n");
}

static size_t long_target(char *b, size_t cap)
{
	size_t n = (size_t)snprintf(b, cap, "GET /");
	while (n < 20000 && n < cap)
		b[n++] = 'x';
	return n + (size_t)snprintf(b + n, cap - n, " HTTP/1.1\r\nHost: lab\r\n\r\n");
}

static size_t many_headers(char *b, size_t cap)
{
	size_t n = (size_t)snprintf(b, cap, "GET / HTTP/1.1\r\nHost: lab\r\n");
	for (int i = 0; i < 200 && n < cap; i++)
		n += (size_t)snprintf(b + n, cap - n, "X-%d: v\r\n", i);
	return n + (size_t)snprintf(b + n, cap - n, "\r\n");
}

static size_t junk_bytes(char *b, size_t cap)
{
	static uint32_t seed = 7;
	size_t n = 200;
	for (size_t i = 0; i < n && i < cap; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (char)(seed >> 16);
		if (b[i] == '\n')
			b[i] = 'x';
	}
	b[n - 2] = '\r';
	b[n - 1] = '\n';
	return n;
}

static size_t endless_line(char *b, size_t cap)
{
	size_t n = 100 * 1024 < cap ? 100 * 1024 : cap;
	memset(b, 'z', n);
	return n;
}

static size_t long_line(char *b, size_t cap)
{
	size_t n = 2000;
	memset(b, 'N', n);
	memcpy(b, "NOOP ", 5);
	b[n++] = '\r';
	b[n++] = '\n';
	(void)cap;
	return n;
}

#define TEXT(name, s) static size_t name(char *b, size_t cap) { return (size_t)snprintf(b, cap, "%s", s); }
TEXT(no_colon, "GET / HTTP/1.1\r\nHost lab\r\n\r\n")
TEXT(bad_version, "GET / HTTP/x.y\r\nHost: lab\r\n\r\n")
TEXT(bad_length, "POST /echo HTTP/1.1\r\nHost: lab\r\nContent-Length: -5\r\n\r\n")
TEXT(no_host, "GET / HTTP/1.1\r\n\r\n")
TEXT(mail_bad, "EHLO x\r\nMAIL FROM:nobody\r\n")
TEXT(user_none, "USER\r\n")

static const struct bad bads[] = {
	{ "http", "a 100 kB header", false, big_header, "HTTP/1.1 431", false },
	{ "http", "a 20 kB request target", false, long_target, "HTTP/1.1 414", false },
	{ "http", "200 header lines", false, many_headers, "HTTP/1.1 431", false },
	{ "http", "100 kB with no end of line", false, endless_line, "HTTP/1.1 414", false },
	{ "http", "binary junk", false, junk_bytes, "HTTP/1.1 400", false },
	{ "http", "a header without a colon", false, no_colon, "HTTP/1.1 400", false },
	{ "http", "a bad version", false, bad_version, "HTTP/1.1 400", false },
	{ "http", "a negative Content-Length", false, bad_length, "HTTP/1.1 400", false },
	{ "http", "HTTP/1.1 without Host", false, no_host, "HTTP/1.1 400", false },
	{ "smtp", "binary junk", true, junk_bytes, "500", true },
	{ "smtp", "a 2000-byte command", true, long_line, "500", true },
	{ "smtp", "100 kB with no end of line", true, endless_line, "500", false },
	{ "smtp", "MAIL without <path>", true, mail_bad, "250", false },
	{ "ftp", "binary junk", true, junk_bytes, "500", true },
	{ "ftp", "a 2000-byte command", true, long_line, "500", true },
	{ "ftp", "100 kB with no end of line", true, endless_line, "500", false },
	{ "ftp", "USER without a name", true, user_none, "501", true },
};

struct badrun {
	const char *proto;
	uint16_t port;
	atomic_int *answered, *failed;
};

static bool expect_reply(struct conn *c, const struct bad *b)
{
	if (strcmp(b->proto, "http") != 0)
		return reply_is(c, b->expect);
	char got[32];
	snprintf(got, sizeof got, "HTTP/1.1 %d", http_response(c));
	return strcmp(got, b->expect) == 0;
}

static bool one_bad(const struct bad *b, uint16_t port)
{
	static _Thread_local char payload[128 * 1024];
	struct conn c;
	if (!conn_open(&c, port))
		return false;
	size_t n = b->make(payload, sizeof payload);
	bool ok = (!b->greeting || reply_is(&c, "220")) && send_all(c.fd, payload, n) && expect_reply(&c, b);
	if (ok && b->make == mail_bad)
		ok = reply_is(&c, "501");   /* after EHLO's 250: the MAIL syntax error */
	if (ok && (b->then_quit || b->make == mail_bad))
		ok = cmd(&c, "QUIT", "221");
	ok = ok && closed_cleanly(&c);
	if (!ok)
		fprintf(stderr, "stress: %s, %s: no \"%s\" and clean close\n", b->proto, b->what, b->expect);
	close(c.fd);
	return ok;
}

/* DNS: junk datagrams (short ones get no answer, a header with a broken
 * question gets FORMERR), then over TCP a broken message (FORMERR) and a
 * zero length (the connection closes); a valid query must still work. */
static bool dns_bad(uint16_t port)
{
	static const uint8_t broken[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'x', 'y' };
	uint8_t a[512];
	int u = dial(SOCK_DGRAM, port);
	bool ok = u >= 0 && send(u, "\x01\x02\x03", 3, 0) == 3 && send(u, broken, sizeof broken, 0) == sizeof broken;
	ssize_t n = ok ? recv(u, a, sizeof a, 0) : -1;
	ok = ok && n >= 12 && a[0] == 0x12 && a[1] == 0x34 && (a[3] & 0x0f) == 1;
	if (u >= 0)
		close(u);
	struct conn c;
	if (!ok || !conn_open(&c, port))
		return false;
	uint8_t m[2 + sizeof broken] = { 0, sizeof broken };
	memcpy(m + 2, broken, sizeof broken);
	ok = send_all(c.fd, m, sizeof m) && send_all(c.fd, "\0\0", 2);
	while (ok && c.n < 14)
		ok = fill(&c);
	ok = ok && (uint8_t)c.buf[2] == 0x12 && ((uint8_t)c.buf[5] & 0x0f) == 1;
	if (ok)
		drop(&c, 2 + (size_t)((uint8_t)c.buf[0] << 8 | (uint8_t)c.buf[1]));
	ok = ok && closed_cleanly(&c);
	close(c.fd);
	if (!ok)
		fprintf(stderr, "stress: dns: junk not answered with FORMERR and a clean close\n");
	return ok;
}

static void *bad_main(void *arg)
{
	struct badrun *r = arg;
	for (int round = 0; round < BAD_ROUNDS; round++) {
		bool any = false;
		for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
			if (strcmp(bads[i].proto, r->proto) != 0)
				continue;
			any = true;
			atomic_fetch_add(one_bad(&bads[i], r->port) ? r->answered : r->failed, 1);
		}
		if (strcmp(r->proto, "dns") == 0) {
			any = true;
			atomic_fetch_add(dns_bad(r->port) ? r->answered : r->failed, 1);
		}
		if (!any || atomic_load(r->failed) > 10)
			break;
	}
	return NULL;
}

/* ------------------------------------------------------------ one protocol */

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Is this idle connection still open?  (Reading nothing but a greeting.) */
static bool still_open(int fd)
{
	char b[512];
	for (;;) {
		ssize_t r = recv(fd, b, sizeof b, MSG_DONTWAIT);
		if (r > 0)
			continue;
		return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

static void run_proto(const char *proto)
{
	struct server sv;
	if (!server_start(&sv, proto, "60")) {
		CHECK(!"server started");
		return;
	}
	int fds0 = count_fds(sv.pid), thr0 = count_threads(sv.pid);
	int idle[IDLE_CONNS], nidle = 0;
	for (int i = 0; i < IDLE_CONNS; i++)
		if ((idle[nidle] = dial(SOCK_STREAM, sv.port)) >= 0)
			nidle++;
	EQ_INT(IDLE_CONNS, nidle);

	atomic_int answered = 0, failed = 0, bad_ok = 0, bad_failed = 0;
	static struct load loads[CLIENTS];
	static int64_t lat[CLIENTS][MAX_LAT];
	pthread_t th[CLIENTS + 1];
	for (int i = 0; i < CLIENTS; i++) {
		loads[i] = (struct load){ .proto = proto, .port = sv.port, .client = i, .answered = &answered,
		                          .failed = &failed, .lat = lat[i] };
		pthread_create(&th[i], NULL, load_main, &loads[i]);
	}
	struct badrun br = { .proto = proto, .port = sv.port, .answered = &bad_ok, .failed = &bad_failed };
	pthread_create(&th[CLIENTS], NULL, bad_main, &br);
	int fds_peak = 0;
	for (int i = 0; i <= CLIENTS; i++) {
		int f = count_fds(sv.pid);
		fds_peak = f > fds_peak ? f : fds_peak;
		pthread_join(th[i], NULL);
	}
	int open_after = 0;
	for (int i = 0; i < nidle; i++)
		open_after += still_open(idle[i]);

	static int64_t all[CLIENTS * MAX_LAT];
	size_t n = 0;
	for (int i = 0; i < CLIENTS; i++)
		for (int k = 0; k < loads[i].nlat; k++)
			all[n++] = loads[i].lat[k];
	qsort(all, n, sizeof all[0], cmp64);
	double med = n ? all[n / 2] / 1000.0 : 0, p99 = n ? all[n * 99 / 100] / 1000.0 : 0,
	       max = n ? all[n - 1] / 1000.0 : 0;

	for (int i = 0; i < nidle; i++)
		close(idle[i]);
	int fds1, thr1;
	bool back = back_to(sv.pid, fds0, thr0, &fds1, &thr1);
	long served = server_stop(&sv);
	printf("%-8s %5d answered, %d failed; latency with %d idle open: median %.2f ms, p99 %.2f ms, max %.2f ms;"
	       " %d malformed answered, %d not; idle still open %d/%d; fds %d -> peak %d -> %d, threads %d -> %d;"
	       " server counted %ld\n",
	       proto, atomic_load(&answered), atomic_load(&failed), nidle, med, p99, max, atomic_load(&bad_ok),
	       atomic_load(&bad_failed), open_after, nidle, fds0, fds_peak, fds1, thr0, thr1, served);
	fflush(stdout);
	CHECK(atomic_load(&answered) >= CLIENTS * REQUESTS_EACH);
	EQ_INT(0, atomic_load(&failed));
	CHECK(atomic_load(&bad_ok) > 0 || strcmp(proto, "echo-tcp") == 0);
	EQ_INT(0, atomic_load(&bad_failed));
	EQ_INT(nidle, open_after);
	CHECK(back);
	EQ_INT(fds0, fds1);
	EQ_INT(thr0, thr1);
	CHECK(served > 0);
}

/* A connection that says nothing is closed after --idle seconds, with a FIN. */
static void idle_timeout(void)
{
	struct server sv;
	if (!server_start(&sv, "http", "1")) {
		CHECK(!"server started");
		return;
	}
	struct conn c;
	CHECK(conn_open(&c, sv.port));
	int64_t t0 = now_us();
	bool clean = closed_cleanly(&c);
	double s = (now_us() - t0) / 1e6;
	printf("idle     a silent connection closed by the server after %.2f s (--idle 1)\n", s);
	CHECK(clean);
	close(c.fd);
	server_stop(&sv);
}

/* More idle connections than the server keeps open: the longest idle make
 * room, and a new client is still answered. */
static void over_capacity(void)
{
	enum { N = 300 };
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < N + 64) {
		rl.rlim_cur = rl.rlim_max < N + 64 ? rl.rlim_max : N + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct server sv;
	if (!server_start(&sv, "http", "60")) {
		CHECK(!"server started");
		return;
	}
	int fds[N], n = 0;
	for (int i = 0; i < N; i++)
		if ((fds[n] = dial(SOCK_STREAM, sv.port)) >= 0)
			n++;
	struct conn c;
	bool ok = conn_open(&c, sv.port) &&
	          send_all(c.fd, "GET /hello HTTP/1.1\r\nHost: lab\r\n\r\n", 35) && http_response(&c) == 200;
	if (c.fd >= 0)
		close(c.fd);
	int open = 0;
	for (int i = 0; i < n; i++)
		open += still_open(fds[i]);
	printf("capacity %d idle connections opened, %d still open, a new client %s\n", n, open,
	       ok ? "answered" : "NOT answered");
	EQ_INT(N, n);
	CHECK(ok);
	CHECK(open < n);   /* some were closed to make room */
	for (int i = 0; i < n; i++)
		close(fds[i]);
	server_stop(&sv);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: stress_servers SOCKSCOPE\n");
		return 2;
	}
	binary = argv[1];
	signal(SIGPIPE, SIG_IGN);
	alarm(RUN_LIMIT_S);   /* a hang fails the test instead of holding ctest */
	static const char *const protos[] = { "http", "smtp", "ftp", "dns", "echo-tcp" };
	for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
		run_proto(protos[i]);
	idle_timeout();
	over_capacity();
	printf("%d checks, %d failed\n", checks, failures);
	return failures != 0;
}
