/*
 * kind_http_get.c — "an HTTP/1.1 client": the lab is a tiny HTTP/1.1
 * origin server (RFC 9110 semantics, RFC 9112 syntax) with one resource,
 * written here rather than reusing src/servers/labsrv_http.c so the judge
 * gets the exact request bytes, the lab's decision and its timing, and the
 * lab can send its body in two segments.  The learner's client sends
 *
 *     GET /path HTTP/1.1\r\n
 *     Host: host:port\r\n          (required in HTTP/1.1: RFC 9112 3.2)
 *     \r\n                         (the empty line ends the header section)
 *
 * and reads the response: the header section up to its empty line, then
 * exactly Content-Length bytes of body (RFC 9112 6.3).  The lab keeps the
 * connection open after its answer (HTTP/1.1 connections persist, RFC 9112
 * 9.3), so a client that reads until the connection closes hangs; and the
 * body comes in two segments, so a client that calls recv() once prints
 * only part of it.
 *
 * The lab answers like a real server: 400 for a malformed request line or
 * header, a missing or repeated Host; 501 for an unknown method (methods
 * are case-sensitive), 405 for another known one, 505 for a version other
 * than 1.x, 404 for another path; each error closes the connection.  A
 * bare LF line end is accepted (RFC 9112 2.2 allows it) but judged.
 * "Connection: close" is honoured (RFC 9112 9.6) and judged: the task is
 * to frame the body by Content-Length.
 *
 * Parameters: path (default "/hello.txt"), length (body bytes, default
 * 2000, at most BODY_MAX).
 */
#include "challenge/challenge.h"
#include "common/clock.h"
#include "servers/labsrv.h"

#include <ctype.h>
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
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define HEAD_MAX 8192       /* the request's header section, at most */
#define BODY_MAX 6000       /* the body, at most: the learner's output is kept up to 8 KiB */
#define LIFE_MS 600000      /* the lab waits for the client (its request, its close) this long at most */
#define GAP_MS 150          /* between the body's two segments */
#define LINGER_MS 2000      /* after an error reply: the client's close */
#define DRAIN_CAP 65536     /* bytes read after the request at most */
#define SEND_MS 5000        /* the longest wait for one send() */
/* Why a client waits on a kept connection after the whole response: the
 * wire cannot tell reading until the end from counting the body wrong */
#define KEPT_OPEN "Reading until the connection closes waits for ever, as HTTP/1.1 keeps it open: read " \
	"Content-Length bytes of body, counting those that came in the header's segment"

struct http_lab {
	char body[BODY_MAX + 1];
	size_t blen;
	char path[256];
	/* what the lab saw and did (written by its thread before done) */
	bool connected;
	uint16_t cport;
	char req[HEAD_MAX + 1];
	size_t nreq;
	int status;             /* 0: it did not answer */
	char reason[160];       /* the error's explanation, sent as its body */
	size_t body_sent;       /* bytes of the 200's body sent */
	bool closed_by_lab;     /* it closed after the answer (an error, or Connection: close) */
	bool eof, reset;        /* how the client ended */
	int64_t body_ms;        /* when the whole 200 response had been sent on a kept connection (clock_ms) */
	int64_t end_ms;         /* when the client's end (eof, reset) was read */
	size_t half;            /* body bytes that went in the head's segment */
};

/* ---- the request, as both the lab and the judge read it ---- */

struct head {
	char line[512];         /* the request line, without its line end */
	char method[32], target[300], version[32];
	bool line_ok;           /* method SP target SP version, none empty */
	int hosts;
	char host[256];         /* the (first) Host value, without surrounding whitespace */
	bool conn_close;
	int bad_line;           /* the first header line that is not "name: value" (1-based), 0: none */
	char bad[200];
	unsigned lines;         /* lines ended, the empty one included */
	int first_bare;         /* the first line ending in a bare \n (1-based), 0: none */
	bool complete;          /* the empty line was seen */
	size_t len;             /* bytes up to and including the empty line */
};

static void trim(const char *b, size_t n, char *out, size_t outlen)
{
	while (n && (*b == ' ' || *b == '\t'))
		b++, n--;
	while (n && (b[n - 1] == ' ' || b[n - 1] == '\t'))
		n--;
	snprintf(out, outlen, "%.*s", (int)n, b);
}

static void parse_head(const char *b, size_t n, struct head *h)
{
	memset(h, 0, sizeof *h);
	size_t pos = 0;
	while (pos < n) {
		const char *nl = memchr(b + pos, '\n', n - pos);
		if (!nl)
			return;
		size_t l = (size_t)(nl - (b + pos));
		bool cr = l && b[pos + l - 1] == '\r';
		const char *s = b + pos;
		size_t sl = l - cr;
		h->lines++;
		if (!cr && !h->first_bare)
			h->first_bare = (int)h->lines;
		pos += l + 1;
		if (h->lines == 1 && !sl) {
			/* RFC 9112 2.2: an empty line before the request line is ignored */
			h->lines = 0;
			h->first_bare = 0;
			continue;
		}
		if (!sl) {
			h->complete = true;
			h->len = pos;
			return;
		}
		if (h->lines == 1) {
			snprintf(h->line, sizeof h->line, "%.*s", (int)sl, s);
			char *sp1 = strchr(h->line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
			h->line_ok = sp1 && sp2 && sp1 > h->line && sp2 > sp1 + 1 && sp2[1] && !strchr(sp2 + 1, ' ');
			if (sp1) {
				snprintf(h->method, sizeof h->method, "%.*s", (int)(sp1 - h->line), h->line);
				snprintf(h->target, sizeof h->target, "%.*s", (int)(sp2 ? sp2 - sp1 - 1 : (long)strlen(sp1 + 1)),
				         sp1 + 1);
				if (sp2)
					snprintf(h->version, sizeof h->version, "%s", sp2 + 1);
			}
			continue;
		}
		const char *colon = memchr(s, ':', sl);
		size_t nl_name = colon ? (size_t)(colon - s) : 0;
		bool name_ok = colon && nl_name;
		for (size_t i = 0; name_ok && i < nl_name; i++)
			name_ok = s[i] > ' ' && s[i] < 0x7f;   /* no whitespace before the colon: RFC 9112 5.1 */
		if (!name_ok) {
			if (!h->bad_line) {
				h->bad_line = (int)h->lines;
				chal_quote((const uint8_t *)s, l + 1, h->bad, sizeof h->bad);
			}
			continue;
		}
		char value[256];
		trim(colon + 1, sl - nl_name - 1, value, sizeof value);
		if (nl_name == 4 && !strncasecmp(s, "Host", 4)) {
			if (!h->hosts++)
				snprintf(h->host, sizeof h->host, "%s", value);
		} else if (nl_name == 10 && !strncasecmp(s, "Connection", 10)) {
			for (char *t = value; *t; t++)
				*t = (char)tolower((unsigned char)*t);
			h->conn_close |= strstr(value, "close") != NULL;
		}
	}
}

/* The path a target names: origin-form "/p" as it is; absolute-form
 * "http://authority/p" (servers must accept it, RFC 9112 3.2.2) without
 * its scheme and authority. */
static const char *target_path(const char *t)
{
	if (!strncasecmp(t, "http://", 7)) {
		const char *slash = strchr(t + 7, '/');
		return slash ? slash : "/";
	}
	return t;
}

/* What the lab answers; 200 or an error with its reason. */
static int decide(const struct http_lab *x, const struct head *h, char *reason, size_t n)
{
	const char *v = h->version;
	bool vok = strlen(v) == 8 && !strncmp(v, "HTTP/", 5) && isdigit((unsigned char)v[5]) && v[6] == '.' &&
	           isdigit((unsigned char)v[7]);
	if (!h->line_ok || !vok) {
		snprintf(reason, n, "the request line is not METHOD SP PATH SP HTTP/1.1");
		return 400;
	}
	if (v[5] != '1') {
		snprintf(reason, n, "only HTTP/1.x is spoken here");
		return 505;
	}
	if (h->bad_line) {
		snprintf(reason, n, "line %d is not a header (name: value)", h->bad_line);
		return 400;
	}
	if (h->hosts > 1 || (!h->hosts && v[7] != '0')) {
		snprintf(reason, n, h->hosts ? "more than one Host header" : "no Host header (required in HTTP/1.1)");
		return 400;
	}
	static const char *const known[] = { "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" };
	if (strcmp(h->method, "GET")) {
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			if (!strcmp(h->method, known[i])) {
				snprintf(reason, n, "%s is not allowed here: GET is", h->method);
				return 405;
			}
		snprintf(reason, n, "unknown method %s (methods are case-sensitive)", h->method);
		return 501;
	}
	if (strcmp(target_path(h->target), x->path)) {
		snprintf(reason, n, "nothing at %s", h->target);
		return 404;
	}
	return 200;
}

/* ---- the lab's server ---- */

static bool send_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t k = send(fd, b, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		b += k;
		n -= (size_t)k;
	}
	return true;
}

/* One recv from the client once chal_readable said it has something; at the end
 * of the connection (0 or -1) how it ended is noted for the judge. */
static ssize_t take(struct http_lab *x, int fd, void *buf, size_t n)
{
	ssize_t k;
	do
		k = recv(fd, buf, n, 0);
	while (k < 0 && errno == EINTR);
	if (k <= 0) {
		x->eof = k == 0;
		x->reset = k < 0 && errno == ECONNRESET;
		x->end_ms = clock_ms();
	}
	return k;
}

/* Read and throw away until the client closes, the cap or the deadline. */
static void drain(struct chal_run *r, int fd, int64_t deadline)
{
	struct http_lab *x = r->priv;
	size_t total = 0;
	while (total < DRAIN_CAP && chal_readable(r, fd, deadline)) {
		char buf[4096];
		ssize_t k = take(x, fd, buf, sizeof buf);
		if (k <= 0)
			return;
		total += (size_t)k;
	}
}

static void serve(struct chal_run *r, int fd)
{
	struct http_lab *x = r->priv;
	int64_t end = clock_ms() + LIFE_MS;
	struct head h;
	for (;;) {
		parse_head(x->req, x->nreq, &h);
		if (h.complete || x->nreq >= HEAD_MAX || !chal_readable(r, fd, end))
			break;
		ssize_t k = take(x, fd, x->req + x->nreq, HEAD_MAX - x->nreq);
		if (k <= 0)
			return;
		x->nreq += (size_t)k;
	}
	if (!h.complete && x->nreq < HEAD_MAX)
		return;             /* stopped, or the lab's time is over */
	int status = 400;
	if (h.complete)
		status = decide(x, &h, x->reason, sizeof x->reason);
	else
		snprintf(x->reason, sizeof x->reason, "the header section is longer than %d bytes", HEAD_MAX);
	bool keep = status == 200 && !h.conn_close && strcmp(h.version, "HTTP/1.0");
	const char *body = x->body;
	size_t blen = x->blen;
	char ebody[200];
	if (status != 200) {
		blen = (size_t)snprintf(ebody, sizeof ebody, "%d %s: %s\n", status, labsrv_http_reason(status), x->reason);
		body = ebody;
	}
	char head[512];
	int hl = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nServer: sockscope-lab\r\nContent-Type: text/plain; "
	                  "charset=utf-8\r\nContent-Length: %zu\r\n%s\r\n", status, labsrv_http_reason(status), blen,
	                  keep ? "" : "Connection: close\r\n");
	x->status = status;
	/* the body in two segments, GAP_MS apart: a client must read until it has them all */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct timeval tv = { .tv_sec = SEND_MS / 1000 };   /* a client that never reads cannot block the lab */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	size_t half = status == 200 ? blen / 2 : blen;
	char first[sizeof head + BODY_MAX];
	memcpy(first, head, (size_t)hl);
	memcpy(first + hl, body, half);
	if (!send_all(fd, first, (size_t)hl + half))
		return;
	if (half < blen) {
		if (chal_stopped(r, GAP_MS) || !send_all(fd, body + half, blen - half))
			return;
	}
	if (status == 200)
		x->body_sent = blen, x->half = half;
	if (keep) {
		/* a client that reads by Content-Length closes soon after; one that
		 * reads until the end waits for the lab: given as long as --run
		 * gives a program, so without --run the lab sees the same */
		x->body_ms = clock_ms();
		drain(r, fd, x->body_ms + (int64_t)r->c->seconds * 1000);
		return;
	}
	x->closed_by_lab = true;
	shutdown(fd, SHUT_WR);
	drain(r, fd, clock_ms() + LINGER_MS);
}

static void lab(struct chal_run *r)
{
	struct http_lab *x = r->priv;
	if (chal_wait(r, r->lfd, POLLIN, LIFE_MS) == CHAL_READY) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(r->lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
		if (fd >= 0) {
			x->connected = true;
			x->cport = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			                                          : ((struct sockaddr_in *)&ss)->sin_port);
			serve(r, fd);
			close(fd);
		}
	}
}

/* The page: numbered lines, so a part of it shows which part. */
static void make_body(char *b, size_t len)
{
	size_t k = 0;
	for (unsigned i = 1; k < len; i++) {
		char line[64];
		int l = snprintf(line, sizeof line, "line %04u of the sockscope lab's page\n", i);
		size_t m = (size_t)l < len - k ? (size_t)l : len - k;
		memcpy(b + k, line, m);
		k += m;
	}
	b[len] = '\0';
}

static int setup(struct chal_run *r, char *err, size_t errlen)
{
	struct http_lab *x = r->priv;
	(void)err, (void)errlen;
	snprintf(x->path, sizeof x->path, "%s", challenge_text(r->c, "path"));
	x->blen = (size_t)challenge_num(r->c, "length");
	make_body(x->body, x->blen);
	return 0;
}

/* ---- the judge ---- */

/* " (packet 4)" for the learner's first data segment, or "". */
static void req_packet(const struct chal_run *r, uint16_t cport, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < r->npkts; i++)
		if (r->pkts[i].from_learner && r->pkts[i].info.tcp && r->pkts[i].info.sport == cport &&
		    r->pkts[i].info.payload_len) {
			snprintf(out, n, " (packet %zu)", i + 1);
			return;
		}
}

/* "packets 6 and 8" for the lab's data segments to the client; how many. */
static unsigned resp_packets(const struct chal_run *r, uint16_t cport, char *out, size_t n)
{
	long idx[64];
	unsigned c = 0;
	for (size_t i = 0; i < r->npkts && c < 64; i++)
		if (!r->pkts[i].from_learner && r->pkts[i].info.tcp && r->pkts[i].info.dport == cport &&
		    r->pkts[i].info.payload_len)
			idx[c++] = (long)i + 1;
	size_t k = (size_t)snprintf(out, n, "%s", c == 1 ? "packet " : "packets ");
	for (unsigned i = 0; i < c && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%s%ld", !i ? "" : i + 1 == c ? " and " : ", ", idx[i]);
	if (!c)
		out[0] = '\0';
	return c;
}

static void judge_request(struct chal_run *r, struct http_lab *x, const struct head *h, struct verdict *v)
{
	char at[32], q[100];   /* q: the start of the line is evidence enough */
	req_packet(r, x->cport, at, sizeof at);
	/* the request line with its line end, as sent (after empty lines, which are ignored) */
	size_t skip = 0;
	while (skip < x->nreq && (x->req[skip] == '\r' || x->req[skip] == '\n'))
		skip++;
	const char *nl = skip < x->nreq ? memchr(x->req + skip, '\n', x->nreq - skip) : NULL;
	size_t ql = nl ? (size_t)(nl - x->req) + 1 - skip : x->nreq - skip;
	chal_quote((const uint8_t *)x->req + skip, ql, q, sizeof q);
	char want[400];
	snprintf(want, sizeof want, "\"GET %s HTTP/1.1\\r\\n\"", x->path);
	if (!nl)
		verdict_add(v, false, "its request %s%s has no line end: a request line ends with \\r\\n, e.g. %s", q, at,
		            want);
	else if (!h->line_ok && h->method[0] && h->target[0] && !h->version[0])
		verdict_add(v, false, "its request line %s%s has no version: write %s (a line without one is HTTP/0.9, "
		            "which servers no longer take)", q, at, want);
	else if (!h->line_ok)
		verdict_add(v, false, "its first line %s%s is not a request line: it should be %s: the method, the path "
		            "and the version, separated by single spaces", q, at, want);
	else if (strcmp(h->method, "GET") && !strcasecmp(h->method, "GET"))
		verdict_add(v, false, "its request line %s%s says %s: methods are case-sensitive, write GET", q, at,
		            h->method);
	else if (strcmp(h->method, "GET"))
		verdict_add(v, false, "its request line %s%s asks with %s: the task asks for GET", q, at, h->method);
	else if (strcmp(h->version, "HTTP/1.1"))
		verdict_add(v, false, "its request line %s%s says %s: the task asks for HTTP/1.1 (with it come the Host "
		            "header and connections that stay open)", q, at, h->version);
	else if (strcmp(target_path(h->target), x->path))
		verdict_add(v, false, "its request line %s%s asks for %s: the task asks for %s%s", q, at, h->target,
		            x->path, h->target[0] != '/' && strncasecmp(h->target, "http://", 7) ? " (a path starts "
		            "with /)" : "");
	else
		verdict_add(v, true, "its request line is %s%s", q, at);
	if (!h->lines)
		return;
	char want_host[120], alt[120];
	snprintf(want_host, sizeof want_host, r->family == 6 ? "[%s]:%u" : "%s:%u", r->host, r->port);
	snprintf(alt, sizeof alt, "localhost:%u", r->port);
	if (!h->hosts && h->complete)
		verdict_add(v, false, "it sent no Host header: HTTP/1.1 requires one (RFC 9112 3.2), and a server "
		            "answers 400 without it: add \"Host: %s\\r\\n\"", want_host);
	else if (!h->hosts)
		verdict_add(v, false, "no Host header (yet): HTTP/1.1 requires \"Host: %s\\r\\n\"", want_host);
	else if (h->hosts > 1)
		verdict_add(v, false, "it sent %d Host headers: a request has exactly one (RFC 9112 3.2)", h->hosts);
	else if (!strcasecmp(h->host, want_host) || !strcasecmp(h->host, alt))
		verdict_add(v, true, "its Host header says \"%s\": the lab's host and port", h->host);
	else if (!strchr(h->host, ':') || (r->family == 6 && !strstr(h->host, "]:")))
		verdict_add(v, false, "its Host header says \"%s\", without the port: a Host without one means port 80 "
		            "(RFC 9110 7.2); write \"Host: %s\"", h->host, want_host);
	else
		verdict_add(v, false, "its Host header says \"%s\": the lab is %s", h->host, want_host);
	if (h->bad_line)
		verdict_add(v, false, "its line %d, %s, is not a header: a header is \"Name: value\\r\\n\", with no space "
		            "before the colon", h->bad_line, h->bad);
	if (h->first_bare)
		verdict_add(v, false, "its lines end with a bare \\n (the first: line %d): HTTP lines end with \\r\\n "
		            "(RFC 9112 2.1). The lab accepts a bare \\n, as RFC 9112 2.2 allows, but not every "
		            "server does", h->first_bare);
	if (!h->complete) {
		char tail[120];
		size_t t = x->nreq > 24 ? x->nreq - 24 : 0;
		chal_quote((const uint8_t *)x->req + t, x->nreq - t, tail, sizeof tail);
		verdict_add(v, false, "it never sent the empty line that ends the header section (its request ends "
		            "with %s%s): the server waits for it and cannot answer. After the last header send "
		            "\"\\r\\n\"", t ? "..." : "", tail);
	} else if (!h->first_bare) {
		verdict_add(v, true, "its lines end with \\r\\n, and an empty line ends the request (%zu bytes)", h->len);
	}
	if (h->conn_close)
		verdict_add(v, false, "it sent \"Connection: close\", so the lab closed the connection after its answer "
		            "and reading until the end worked: the task is to leave the connection open and read "
		            "the body by its Content-Length");
}

/* It printed the body's second segment but not its start: it read by
 * Content-Length but threw away the body bytes that came with the head. */
static bool dropped_start(const struct chal_run *r, const struct http_lab *x)
{
	if (!x->half || x->half >= x->blen)
		return false;
	return memmem(r->out, r->nout, x->body + x->half, x->blen - x->half) &&
	       !memmem(r->out, r->nout, x->body, x->half < 16 ? x->half : 16);
}

static void judge_body(struct chal_run *r, struct http_lab *x, struct verdict *v)
{
	char pk[200], segs[280] = "";
	unsigned c = resp_packets(r, x->cport, pk, sizeof pk);
	if (c)
		snprintf(segs, sizeof segs, " (the response came in %u segment%s: %s)", c, c == 1 ? "" : "s", pk);
	if (x->status != 200) {
		verdict_add(v, false, "the lab answered \"%d %s\" instead of the page%s: %s", x->status,
		            labsrv_http_reason(x->status), segs, x->reason);
		return;
	}
	if (!r->ran) {
		verdict_note(v, "run in another terminal, the lab cannot see what your program printed: it must print "
		             "the body, all %zu bytes and nothing else (with --run \"CMD\" the lab checks it)", x->blen);
		return;
	}
	if (!r->exited && !r->nout)
		return;             /* a program that was stopped and printed nothing: its end says why */
	bool whole = memmem(r->out, r->nout, x->body, x->blen) != NULL;
	bool head = memmem(r->out, r->nout, "HTTP/1.1 200", 12) || strcasestr(r->out, "Content-Length:");
	if (whole && head) {
		verdict_add(v, false, "it printed the status line and the headers too: print only the body, which "
		            "follows the empty line");
		return;
	}
	if (whole) {
		verdict_add(v, true, "it printed the whole body: %zu bytes, as its Content-Length said%s", x->blen, segs);
		return;
	}
	/* how much of the body's start it printed: a prefix found implies every shorter one */
	size_t lo = 0, hi = x->blen;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		if (memmem(r->out, r->nout, x->body, mid))
			lo = mid;
		else
			hi = mid - 1;
	}
	if (dropped_start(r, x))
		verdict_add(v, false, "it printed the body from byte %zu on: the %zu bytes before came in the same "
		            "segment as the header%s, and it threw them away. What recv() returned after the empty "
		            "line is the start of the body: keep it, then read the rest up to Content-Length",
		            x->half, x->half, segs);
	else if (lo >= 16)
		verdict_add(v, false, "it printed only the first %zu of the %zu body bytes%s: one recv() returns what "
		            "has arrived so far; keep reading until you have Content-Length bytes", lo, x->blen, segs);
	else
		verdict_add(v, false, "it did not print the body (%zu bytes, starting \"line 0001 of ...\")%s: read it "
		            "and write it to standard output", x->blen, segs);
}

static void judge_end(struct chal_run *r, struct http_lab *x, const struct head *h, struct verdict *v)
{
	if (r->ran && !r->exited) {
		char pk[200];
		unsigned c = resp_packets(r, x->cport, pk, sizeof pk);
		if (x->body_sent && !x->closed_by_lab && dropped_start(r, x))
			verdict_add(v, false, "your program was still running after %.0f s and was stopped: it waited for "
			            "%zu more body bytes, the ones it had thrown away with the header (Content-Length: "
			            "%zu%s%s)", r->seconds, x->half, x->blen, c ? ", in " : "", c ? pk : "");
		else if (x->body_sent && !x->closed_by_lab)
			verdict_add(v, false, "your program was still running after %.0f s and was stopped, although the lab "
			            "had sent the whole response (Content-Length: %zu%s%s) and kept the connection open: "
			            "it waited for more. " KEPT_OPEN, r->seconds, x->blen, c ? ", in " : "", c ? pk : "");
		else if (!h->complete && x->nreq)
			verdict_add(v, false, "your program waited for an answer and was stopped after %.0f s: the lab was "
			            "still waiting for the end of the request", r->seconds);
		else
			verdict_add(v, false, "your program was still running after %.0f s and was stopped", r->seconds);
	} else if (r->ran && !WIFEXITED(r->status)) {
		verdict_add(v, false, "it was killed by signal %d after %.2f s", WTERMSIG(r->status), r->seconds);
	} else if (r->ran && WEXITSTATUS(r->status)) {
		verdict_add(v, false, "it exited with status %d after %.2f s", WEXITSTATUS(r->status), r->seconds);
	} else if (r->ran) {
		verdict_add(v, true, "it exited by itself with status 0 after %.2f s", r->seconds);
	} else if (x->body_sent && !x->closed_by_lab) {
		/* run elsewhere: its close on the kept connection is what shows it read by Content-Length */
		char pk[200];
		unsigned c = resp_packets(r, x->cport, pk, sizeof pk);
		if (!x->end_ms || x->end_ms < x->body_ms)
			verdict_add(v, false, "your program had not closed the connection %d s after the lab had sent the "
			            "whole response (Content-Length: %zu%s%s) and kept it open: it waited for more. "
			            KEPT_OPEN,
			            r->c->seconds, x->blen, c ? ", in " : "", c ? pk : "");
		else
			verdict_add(v, true, "it closed the connection %.2f s after the whole response had come: it read "
			            "the body by its Content-Length", (double)(x->end_ms - x->body_ms) / 1000);
	}
	for (size_t i = 0; i < r->npkts; i++)
		if (r->pkts[i].from_learner && r->pkts[i].info.tcp && r->pkts[i].info.sport == x->cport &&
		    (r->pkts[i].info.tcp_flags & TCPF_RST)) {
			verdict_add(v, false, "it closed with data unread, so its kernel sent RST (packet %zu) instead of "
			            "FIN: read the whole response before close()", i + 1);
			break;
		}
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct http_lab *x = r->priv;
	if (!chal_judge_connected(r, x->connected, v))
		return;
	struct head h;
	parse_head(x->req, x->nreq, &h);
	if (!x->nreq) {
		verdict_add(v, false, "it connected but sent nothing: send \"GET %s HTTP/1.1\\r\\n\", a Host header and "
		            "an empty line", x->path);
	} else {
		judge_request(r, x, &h, v);
		if (x->status)
			judge_body(r, x, v);
	}
	judge_end(r, x, &h, v);
}

static const struct chal_param params[] = {
	{ "path", "/hello.txt", 0, 0, NULL },
	{ "length", "2000", 1, BODY_MAX, "bytes" },
	{ NULL },
};

const struct chal_kind kind_http_get = {
	.name = "http-get", .learner = "client",
	.params = params, .priv_size = sizeof(struct http_lab), .serves = SOCK_STREAM,
	.setup = setup, .lab = lab, .judge = judge,
};
