/*
 * labsrv_http.c — a small HTTP/1.1 origin server after RFC 9110 (semantics)
 * and RFC 9112 (HTTP/1.1 message syntax).
 *
 * Resources (the `routes` table): GET/HEAD "/" (a short HTML page), GET/HEAD
 * "/hello" (text/plain), POST "/echo" (the request body sent back).
 * Answers: 404 for other paths; 405 with Allow for a registered method the
 * resource does not take; 501 for a method token not registered at all
 * (RFC 9110 15.6.2 — "405" is only for methods the server knows) and for
 * Transfer-Encoding (only Content-Length framing is implemented); 400 for a
 * malformed request line or header, a missing or repeated Host in HTTP/1.1
 * (RFC 9112 3.2) or a bad Content-Length; 414 when the request line passes
 * HEAD_MAX, 431 when the header section does; 413 for a body over BODY_MAX;
 * 505 for HTTP major versions other than 1; 408 when a request stops half-way.
 *
 * Persistence (RFC 9112 9.3): HTTP/1.1 keeps the connection unless
 * "Connection: close"; HTTP/1.0 closes unless "Connection: keep-alive".
 * Every error reply closes the connection, as does the last of
 * max_requests responses.  Every response has Date, Server and
 * Content-Length.
 */
#include "servers/labsrv_priv.h"
#include "common/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HEAD_MAX 8192            /* request line, and the whole header section */
#define MAX_HEADER_LINES 100
#define BODY_MAX (64 * 1024)

static const char page_root[] =
	"<!DOCTYPE html>\n"
	"<html><head><title>sockscope lab</title></head>\n"
	"<body><h1>The sockscope lab's HTTP server</h1>\n"
	"<p>Try <a href=\"/hello\">/hello</a>, or POST something to /echo.</p></body></html>\n";
static const char page_hello[] = "Hello from the sockscope lab\n";

enum { M_GET = 1, M_HEAD = 2, M_POST = 4, M_OTHER = 8 };

/* Methods registered in RFC 9110 9.3 (and PATCH, RFC 5789): known, so a
 * resource that does not take them answers 405, not 501. */
static const struct { const char *name; unsigned bit; } methods[] = {
	{ "GET", M_GET }, { "HEAD", M_HEAD }, { "POST", M_POST }, { "PUT", M_OTHER },
	{ "DELETE", M_OTHER }, { "CONNECT", M_OTHER }, { "OPTIONS", M_OTHER },
	{ "TRACE", M_OTHER }, { "PATCH", M_OTHER },
};

struct http_req {
	char method[16];
	unsigned mbit;         /* 0: not a registered method */
	char path[256];        /* without the query; "" when longer than fits (no route is) */
	int minor;             /* 0 or 1 */
	int hosts;
	long clen;             /* -1: no Content-Length */
	bool te, conn_close, conn_keep, expect_continue;
	char ctype[128];
};

struct route {
	const char *path;
	unsigned allow;
	const char *allow_text;
	/* Answer the request; body holds its Content-Length bytes. */
	int (*serve)(struct labsrv_conn *c, const struct http_req *r, bool keep, const char *body);
};

static int serve_root(struct labsrv_conn *c, const struct http_req *r, bool keep, const char *body);
static int serve_hello(struct labsrv_conn *c, const struct http_req *r, bool keep, const char *body);
static int serve_echo(struct labsrv_conn *c, const struct http_req *r, bool keep, const char *body);

static const struct route routes[] = {
	{ "/", M_GET | M_HEAD, "GET, HEAD", serve_root },
	{ "/hello", M_GET | M_HEAD, "GET, HEAD", serve_hello },
	{ "/echo", M_POST, "POST", serve_echo },
};

/* ------------------------------------------------------------ responses */

/* IMF-fixdate (RFC 9110 5.6.7), with English names whatever the locale. */
static void http_date(char *buf, size_t n)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
	         months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *labsrv_http_reason(int status)
{
	static const struct { int status; const char *reason; } reasons[] = {
		{ 100, "Continue" }, { 200, "OK" }, { 400, "Bad Request" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 408, "Request Timeout" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 431, "Request Header Fields Too Large" }, { 501, "Not Implemented" },
		{ 505, "HTTP Version Not Supported" },
	};
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Error";
}

/* Send one response.  `extra` holds whole header lines ("Allow: GET\r\n")
 * or is "".  The body is left out for HEAD, its length kept. */
static int respond(struct labsrv_conn *c, int minor, int status, const char *ctype, const void *body, size_t blen,
                   bool head_only, bool keep, const char *extra)
{
	const char *reason = labsrv_http_reason(status);
	char date[64], head[1024];
	http_date(date, sizeof date);
	const char *conn = !keep ? "Connection: close\r\n" : minor == 0 ? "Connection: keep-alive\r\n" : "";
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: sockscope-lab\r\n%s%s%sContent-Length: %zu\r\n%s%s\r\n",
	                 status, reason, date, ctype ? "Content-Type: " : "", ctype ? ctype : "",
	                 ctype ? "\r\n" : "", blen, extra, conn);
	if (n < 0 || (size_t)n >= sizeof head)
		return LS_ERR;
	labsrv_count(c->s);
	if (head_only)
		blen = 0;
	/* Head and body in one write when they fit: one segment on the wire
	 * for the capture, and no head-then-body pair for Nagle to hold back. */
	char one[sizeof head + 4096];
	if (blen <= sizeof one - (size_t)n) {
		memcpy(one, head, (size_t)n);
		if (blen)
			memcpy(one + n, body, blen);
		return labsrv_out(c, one, (size_t)n + blen);
	}
	if (labsrv_out(c, head, (size_t)n) < 0 || labsrv_out(c, body, blen) < 0)
		return LS_ERR;
	return 0;
}

/* An error reply with a one-line text body; the connection closes after it. */
static void fail_reply(struct labsrv_conn *c, int minor, int status, bool head_only, const char *extra)
{
	char body[128];
	int n = snprintf(body, sizeof body, "%d %s\n", status, labsrv_http_reason(status));
	respond(c, minor, status, "text/plain; charset=utf-8", body, (size_t)n, head_only, false, extra);
	labsrv_close(c);
}

static int serve_root(struct labsrv_conn *c, const struct http_req *r, bool keep, const char *body)
{
	(void)body;
	return respond(c, r->minor, 200, "text/html; charset=utf-8", page_root, sizeof page_root - 1,
	               r->mbit == M_HEAD, keep, "");
}

static int serve_hello(struct labsrv_conn *c, const struct http_req *r, bool keep, const char *body)
{
	(void)body;
	return respond(c, r->minor, 200, "text/plain; charset=utf-8", page_hello, sizeof page_hello - 1,
	               r->mbit == M_HEAD, keep, "");
}

static int serve_echo(struct labsrv_conn *c, const struct http_req *r, bool keep, const char *body)
{
	size_t n = r->clen > 0 ? (size_t)r->clen : 0;
	return respond(c, r->minor, 200, r->ctype[0] ? r->ctype : "application/octet-stream", body, n, false,
	               keep, "");
}

/* ------------------------------------------------------------ parsing */

static bool is_tchar(int ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* "METHOD SP request-target SP HTTP/d.d" (RFC 9112 3).  Returns 0, or the
 * status to answer (400, 505). */
static int parse_request_line(char *line, struct http_req *r)
{
	char *sp1 = strchr(line, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' '))
		return 400;
	*sp1 = *sp2 = '\0';
	const char *method = line, *target = sp1 + 1, *version = sp2 + 1;
	size_t ml = strlen(method);
	if (ml == 0 || ml >= sizeof r->method)
		return ml == 0 ? 400 : 501;
	for (size_t i = 0; i < ml; i++)
		if (!is_tchar((unsigned char)method[i]))
			return 400;
	memcpy(r->method, method, ml + 1);
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(methods[i].name, method) == 0)   /* methods are case-sensitive */
			r->mbit = methods[i].bit;
	if (strlen(version) != 8 || strncmp(version, "HTTP/", 5) != 0 || !isdigit((unsigned char)version[5]) ||
	    version[6] != '.' || !isdigit((unsigned char)version[7]))
		return 400;
	if (version[5] != '1')
		return 505;
	r->minor = version[7] == '0' ? 0 : 1;
	/* absolute-form must be accepted too (RFC 9112 3.2.2): keep its path */
	if (strncasecmp(target, "http://", 7) == 0) {
		const char *slash = strchr(target + 7, '/');
		target = slash ? slash : "/";
	} else if (target[0] != '/' && strcmp(target, "*") != 0) {
		return 400;
	}
	size_t pl = strcspn(target, "?#");
	if (pl < sizeof r->path) {
		memcpy(r->path, target, pl);
		r->path[pl] = '\0';
	}
	return 0;
}

/* Does the comma-separated list hold token (case-insensitively)? */
static bool list_has(const char *v, const char *token)
{
	size_t tl = strlen(token);
	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		size_t n = strcspn(v, ", \t");
		if (n == tl && strncasecmp(v, token, tl) == 0)
			return true;
		v += n;
	}
	return false;
}

/* One field line "name: value" (RFC 9112 5).  0 or 400. */
static int parse_header(char *line, size_t len, struct http_req *r)
{
	if (line[0] == ' ' || line[0] == '\t')
		return 400;   /* obsolete line folding: MUST be rejected by a server (RFC 9112 5.2) */
	char *colon = memchr(line, ':', len);
	if (!colon || colon == line)
		return 400;
	for (char *p = line; p < colon; p++)
		if (!is_tchar((unsigned char)*p))
			return 400;   /* also whitespace before the colon (RFC 9112 5.1) */
	*colon = '\0';
	char *v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	size_t vl = strlen(v);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		v[--vl] = '\0';
	if (strcasecmp(line, "Host") == 0) {
		r->hosts++;
	} else if (strcasecmp(line, "Content-Length") == 0) {
		if (vl == 0 || vl > 9 || strspn(v, "0123456789") != vl)
			return 400;
		long n = strtol(v, NULL, 10);
		if (r->clen >= 0 && r->clen != n)
			return 400;
		r->clen = n;
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		r->te = true;
	} else if (strcasecmp(line, "Connection") == 0) {
		r->conn_close |= list_has(v, "close");
		r->conn_keep |= list_has(v, "keep-alive");
	} else if (strcasecmp(line, "Expect") == 0) {
		r->expect_continue = strcasecmp(v, "100-continue") == 0;
	} else if (strcasecmp(line, "Content-Type") == 0 && vl < sizeof r->ctype) {
		memcpy(r->ctype, v, vl + 1);
	}
	return 0;
}

/* ------------------------------------------------------------ the connection */

/* A connection's place in the request it is reading. */
enum phase { P_LINE, P_HEAD, P_BODY };

struct http_conn {
	enum phase phase;
	int blank;                   /* empty lines before the request line, ignored (RFC 9112 2.2) */
	int lines;                   /* header lines so far */
	size_t total;                /* bytes of request line and header section so far */
	struct http_req r;
	const struct route *rt;
	char *body;                  /* P_BODY: Content-Length bytes, got of them so far */
	size_t got;
};

static void next_request(struct http_conn *h)
{
	free(h->body);
	memset(h, 0, sizeof *h);
}

/* The request line: 0 to go on to the headers, or the status to answer. */
static int request_line(struct http_conn *h, char *line, size_t len)
{
	h->r = (struct http_req){ .clen = -1, .minor = 1 };
	h->total = len + 2;
	h->phase = P_HEAD;
	return labsrv_text_ok(line, len) ? parse_request_line(line, &h->r) : 400;
}

/* The header section is complete: check it and find the route.  LS_OK with
 * the request answered or its body to come, or the connection closing. */
static int headers_done(struct labsrv_conn *c, struct http_conn *h)
{
	struct http_req *r = &h->r;
	bool head = r->mbit == M_HEAD;
	if (r->minor >= 1 && r->hosts != 1) {
		fail_reply(c, r->minor, 400, head, "");
		return LS_OK;
	}
	if (r->mbit == 0 || r->te) {
		fail_reply(c, r->minor, 501, head, "");
		return LS_OK;
	}
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		if (strcmp(rt->path, r->path) != 0)
			continue;
		if (!(rt->allow & r->mbit)) {
			char allow[64];
			snprintf(allow, sizeof allow, "Allow: %s\r\n", rt->allow_text);
			fail_reply(c, r->minor, 405, head, allow);
			return LS_OK;
		}
		if (r->mbit != M_POST && r->clen > 0) {
			/* a body nobody reads would be taken for the next request */
			fail_reply(c, r->minor, 400, head, "");
			return LS_OK;
		}
		size_t n = r->clen > 0 ? (size_t)r->clen : 0;
		if (n > BODY_MAX) {
			fail_reply(c, r->minor, 413, false, "");
			return LS_OK;
		}
		/* curl and others wait (briefly) for this before sending a large body. */
		if (r->expect_continue && r->minor >= 1 && n > 0 &&
		    labsrv_out(c, "HTTP/1.1 100 Continue\r\n\r\n", 25) < 0)
			return LS_ERR;
		h->body = xmalloc(n ? n : 1);
		h->rt = rt;
		h->phase = P_BODY;
		return LS_OK;
	}
	fail_reply(c, r->minor, 404, head, "");
	return LS_OK;
}

/* The whole request is in: answer it, and close or wait for the next. */
static int answer(struct labsrv_conn *c, struct http_conn *h)
{
	const struct http_req *r = &h->r;
	c->requests++;
	bool last = c->requests >= c->s->lim.max_requests;
	bool keep = !last && (r->minor >= 1 ? !r->conn_close : r->conn_keep);
	int rc = h->rt->serve(c, r, keep, h->body);
	next_request(h);
	if (rc < 0 || !keep)
		labsrv_close(c);
	return LS_OK;
}

static int http_feed(struct labsrv_conn *c)
{
	struct http_conn *h = c->state;
	char line[HEAD_MAX + 1];
	size_t len;
	int rc, status;
	switch (h->phase) {
	case P_LINE:
		rc = labsrv_take_line(c, line, HEAD_MAX, &len, false);
		if (rc == LS_LONG) {
			fail_reply(c, 1, 414, false, "");
			return LS_OK;
		}
		if (rc != LS_OK)
			return rc;   /* more to come, or closed: nothing to answer */
		if (len == 0 && h->blank < 4) {
			h->blank++;
			return LS_OK;
		}
		status = request_line(h, line, len);
		if (status)
			fail_reply(c, h->r.minor, status, false, "");
		return LS_OK;
	case P_HEAD:
		/* what is left of HEAD_MAX: 0 (any line too long) once a long
		 * request line has used it all */
		rc = labsrv_take_line(c, line, h->total < HEAD_MAX ? HEAD_MAX - h->total : 0, &len, false);
		if (rc < 0 || rc == LS_AGAIN)
			return rc;
		h->total += len + 2;
		if (rc == LS_LONG || h->total > HEAD_MAX || h->lines++ == MAX_HEADER_LINES) {
			fail_reply(c, h->r.minor, 431, false, "");
			return LS_OK;
		}
		if (len == 0)
			return headers_done(c, h);
		if (!labsrv_text_ok(line, len) || parse_header(line, len, &h->r) != 0)
			fail_reply(c, h->r.minor, 400, false, "");
		return LS_OK;
	case P_BODY: {
		size_t n = h->r.clen > 0 ? (size_t)h->r.clen : 0;
		h->got += labsrv_take(c, h->body + h->got, n - h->got);
		if (h->got < n)
			return c->eof ? LS_EOF : LS_AGAIN;
		return answer(c, h);
	}
	}
	return LS_ERR;
}

/* Silent in the middle of a request: 408 (RFC 9110 15.5.9); silent between
 * requests: just close, there is nothing to answer. */
static void http_timeout(struct labsrv_conn *c)
{
	struct http_conn *h = c->state;
	if (h->phase != P_LINE)
		fail_reply(c, h->r.minor, 408, false, "");
	labsrv_close(c);
}

static void http_finish(struct labsrv_conn *c)
{
	next_request(c->state);
}

const struct labsrv_proto labsrv_proto_http = {
	.name = "http", .socks = LABSRV_TCP, .state_size = sizeof(struct http_conn),
	.feed = http_feed, .timeout = http_timeout, .finish = http_finish,
};
