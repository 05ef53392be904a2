/*
 * proto_http.c — HTTP/1.x messages (RFC 9112; semantics from RFC 9110): the
 * request line or status line, each header field, the empty line that ends
 * the header section, and the body, as far as this segment holds them.
 *
 * A segment is an HTTP message when it starts with a request line (a
 * registered method, a space, a target, " HTTP/1.x") or a status line
 * ("HTTP/1.x NNN").  Anything else on port 80 or 8080 is a segment that
 * continues an earlier message (a body, the rest of a header section) and
 * is shown as "continuation" data, never parsed as a start.  The body's
 * length comes from Content-Length; chunked bodies are shown as bytes; a
 * request without Content-Length has none (RFC 9112 6.3), a response runs
 * to the end of the connection.  Several messages in one segment
 * (pipelining) are each decoded.  A header line without a colon, or with
 * white space before it, and a Content-Length that is not a number are
 * malformed (RFC 9112 5.1 and 6.3 make a recipient reject them).
 */
#include "dissect/dissect_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { MAX_MESSAGES = 16, MAX_HEADERS = 100, LINE_MAX = 1024 };

static const char *const http_layer = "Hypertext Transfer Protocol";

/* RFC 9110 9.3 and PATCH (RFC 5789); methods are case-sensitive. */
static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE",
	                               "CONNECT", "OPTIONS", "TRACE", "PATCH" };

static const struct {
	const char *name, *help;
} header_help[] = {
	{ "Host", "The server's name (and port) as the client asked for it; required in HTTP/1.1" },
	{ "Content-Length", "How many bytes the body has: where this message ends and the next begins" },
	{ "Content-Type", "What the body is (a media type such as text/plain)" },
	{ "Transfer-Encoding", "\"chunked\": the body comes in pieces, each prefixed by its size" },
	{ "Connection", "\"close\": the connection ends after this message; \"keep-alive\": it stays" },
	{ "User-Agent", "The client program" },
	{ "Server", "The server program" },
	{ "Accept", "Which media types the client takes in a reply" },
	{ "Date", "When the message was sent" },
};

static const char *find_help(const char *name)
{
	for (size_t i = 0; i < DIS_COUNT(header_help); i++)
		if (strcasecmp(header_help[i].name, name) == 0)
			return header_help[i].help;
	return NULL;
}

/* The start line of t (len bytes): 1 request, 2 response, 0 neither.
 * Request: mlen is the method's length, [toff, toff+tlen) the target. */
struct start {
	size_t mlen, toff, tlen, voff;
	unsigned code;
};

static bool version_at(const char *t)
{
	return strncmp(t, "HTTP/1.", 7) == 0 && isdigit((unsigned char)t[7]);
}

static int start_line(const char *t, size_t len, struct start *st)
{
	memset(st, 0, sizeof *st);
	if (len >= 12 && version_at(t) && t[8] == ' ' && isdigit((unsigned char)t[9]) &&
	    isdigit((unsigned char)t[10]) && isdigit((unsigned char)t[11]) && (len == 12 || t[12] == ' ')) {
		st->code = (unsigned)(t[9] - '0') * 100 + (unsigned)(t[10] - '0') * 10 + (unsigned)(t[11] - '0');
		return 2;
	}
	for (size_t i = 0; i < DIS_COUNT(methods); i++) {
		size_t m = strlen(methods[i]);
		if (len <= m || strncmp(t, methods[i], m) != 0 || t[m] != ' ')
			continue;
		size_t k = m + 1;
		while (k < len && t[k] != ' ')
			k++;
		/* " HTTP/1.x" must end the line. */
		if (k == m + 1 || k + 9 != len || !version_at(t + k + 1))
			return 0;
		st->mlen = m;
		st->toff = m + 1;
		st->tlen = k - m - 1;
		st->voff = k + 1;
		return 1;
	}
	return 0;
}

/* "N bytes: \"text\"" as dis_payload shows a payload. */
static void preview(struct dctx *c, int sub, uint32_t off, uint32_t len, uint32_t total,
                    const char *name, const char *help)
{
	char t[52];
	dis_text(&c->r, off, len, t, sizeof t);
	char of[40] = "";
	if (total > len)
		snprintf(of, sizeof of, " of %u", total);
	dis_group(c, sub, off, len, name, help, "%u%s bytes: \"%s\"", len, of, t);
}

static const char *status_class(unsigned code)
{
	static const char *const cls[] = { "?", "informational", "successful", "redirection",
	                                   "client error", "server error" };
	return cls[code / 100 < 6 ? code / 100 : 0];
}

/* Continuation of an earlier message (chosen by port only). */
static void continuation(struct dctx *c, uint32_t off, uint32_t end, bool first)
{
	struct pkt_info *i = c->info;
	dis_layer(c, off, end - off, http_layer, "Part of an HTTP message that began in an "
	          "earlier segment (a body, or the rest of a header section)",
	          "continuation, %u bytes", end - off);
	preview(c, 1, off, end - off, end - off, "Continuation data",
	        "The bytes go on from an earlier segment: only the whole stream shows where they belong");
	if (first)
		snprintf(i->app_summary, sizeof i->app_summary, "continuation, %u bytes", end - off);
}

/* One message starting at off, whose start line st is [l.off, ...): returns
 * where the next could start, or `end` when this one takes the rest. */
static uint32_t message(struct dctx *c, const struct dis_seg *s, const struct dis_line *l0,
                        const char *t, int kind, const struct start *st, unsigned *nmsg)
{
	struct pkt_info *i = c->info;
	uint32_t o = l0->off, end = s->end;
	int L = dis_layer(c, o, end - o, http_layer,
	                  "HTTP/1.x: a start line, header fields, an empty line, then the body", "%s", t);
	if ((*nmsg)++ == 0)
		snprintf(i->app_summary, sizeof i->app_summary, "%s", t);

	uint32_t w = l0->len + l0->eol;
	const char *note = l0->eol ? "" : s->cut ? " (cut by the capture)" : " (continues in the next segment)";
	if (kind == 1) {
		dis_field(c, 1, o, w, "Request line", "Method, request target and protocol version", "%s%s", t, note);
		dis_field(c, 2, o, (uint32_t)st->mlen, "Method", "What the client asks the server to do",
		          "%.*s", (int)st->mlen, t);
		dis_field(c, 2, o + (uint32_t)st->toff, (uint32_t)st->tlen, "Request target",
		          "Which resource: a path and query (or a whole URL through a proxy)", "%.*s",
		          (int)st->tlen, t + st->toff);
		dis_field(c, 2, o + (uint32_t)st->voff, 8, "Version", NULL, "%.8s", t + st->voff);
	} else {
		dis_field(c, 1, o, w, "Status line", "Protocol version, status code and reason phrase", "%s%s",
		          t, note);
		dis_field(c, 2, o, 8, "Version", NULL, "%.8s", t);
		dis_field(c, 2, o + 9, 3, "Status code",
		          "1xx informational, 2xx success, 3xx redirection, 4xx client error, 5xx server error",
		          "%u (%s)", st->code, status_class(st->code));
		if (l0->len > 13)
			dis_field(c, 2, o + 13, l0->len - 13, "Reason phrase",
			          "Words for people; programs go by the code", "%s", t + 13);
	}
	if (!l0->eol) {
		dis_layer_len(c, L, w);
		return end;
	}

	/* The header section: field lines up to an empty line. */
	struct rd r = rd_at(&c->r, o + w);
	struct dis_line l;
	int group = -1;
	unsigned nh = 0;
	bool chunked = false, have_len = false, ended = false;
	unsigned long long clen = 0;
	uint32_t hstart = o + w;
	while (dis_line_next(&r, &l)) {
		char h[LINE_MAX];
		dis_text(&c->r, l.off, l.len, h, sizeof h);
		const char *hn = l.eol ? "" : s->cut ? " (cut by the capture)" : " (continues in the next segment)";
		if (l.len == 0 && l.eol) {
			if (group >= 0)
				dis_layer_len(c, group, l.off - hstart);
			dis_field(c, 1, l.off, l.eol, "End of header section",
			          "An empty line: the header fields end, the body (if any) follows",
			          l.eol == 2 ? "empty line (CRLF)" : "empty line (bare LF)");
			ended = true;
			break;
		}
		if (group < 0) {
			dis_group(c, 1, hstart, end - hstart, "Header fields",
			          "name: value lines that describe the message", NULL);
			group = (int)c->d->nfields - 1;
		}
		nh++;
		if (nh > MAX_HEADERS) {
			dis_group(c, 2, l.off, end - l.off, "More header fields", NULL, "not shown");
			dis_layer_len(c, group, end - hstart);
			break;
		}
		dis_value(c, group, "%u field%s", nh, nh == 1 ? "" : "s");
		if (h[0] == ' ' || h[0] == '\t') {
			dis_field(c, 2, l.off, l.len + l.eol, "Continued field value",
			          "Obsolete line folding: the previous field's value goes on (RFC 9112 5.2)", "%s%s",
			          h, hn);
			continue;
		}
		char *colon = strchr(h, ':');
		if (!colon) {
			if (!l.eol) {   /* the name itself may go on past this segment */
				dis_field(c, 2, l.off, l.len, "Field line", NULL, "%s%s", h, hn);
				break;
			}
			dis_field(c, 2, l.off, l.len + l.eol, "Field line", NULL, "%s", h);
			dis_malformed(c, "HTTP header line \"%.40s\" has no colon", h);
			break;
		}
		*colon = '\0';
		const char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vl = strlen(v);
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		dis_field(c, 2, l.off, l.len + l.eol, colon == h ? "(empty name)" : h, find_help(h), "%.*s%s",
		          (int)vl, v, hn);
		if (colon == h || strpbrk(h, " \t")) {
			dis_malformed(c, "HTTP header field name \"%.40s\" is empty or has white space", h);
			break;
		}
		if (!l.eol)
			break;
		if (strcasecmp(h, "Content-Length") == 0) {
			size_t d = 0;
			clen = 0;
			while (d < vl && d < 15 && isdigit((unsigned char)v[d]))
				clen = clen * 10 + (unsigned)(v[d++] - '0');
			if (d == 0 || d != vl) {
				dis_malformed(c, "HTTP Content-Length \"%.*s\" is not a number", (int)(vl > 30 ? 30 : vl), v);
				break;
			}
			have_len = true;
		} else if (strcasecmp(h, "Transfer-Encoding") == 0 && strcasestr(v, "chunked")) {
			chunked = true;
		}
	}
	if (!ended) {
		if (group >= 0)
			dis_layer_len(c, group, r.off - hstart);
		dis_layer_len(c, L, r.off - o);
		return end;
	}

	/* The body (RFC 9112 6.3). */
	uint32_t b = l.off + l.eol, left = end - b, take;
	bool no_body = kind == 2 && (st->code / 100 == 1 || st->code == 204 || st->code == 304);
	const char *how;
	char hb[80];
	if (no_body) {
		how = "none: 1xx, 204 and 304 responses have no body";
		take = 0;
	} else if (chunked) {
		how = "chunked (Transfer-Encoding): each piece is prefixed by its size in hex";
		take = left;
	} else if (have_len) {
		snprintf(hb, sizeof hb, "%llu bytes (Content-Length)", clen);
		how = hb;
		take = clen < left ? (uint32_t)clen : left;
	} else if (kind == 1) {
		how = "none: a request without Content-Length has no body";
		take = 0;
	} else {
		how = "until the connection closes (no Content-Length)";
		take = left;
	}
	dis_field(c, 1, b, 0, "Body length", "How the receiver knows where the body ends", "%s", how);
	if (take) {
		uint32_t total = have_len && !chunked && clen <= UINT32_MAX ? (uint32_t)clen : take;
		preview(c, 1, b, take, total, "Body", "The message's content");
	}
	dis_layer_len(c, L, b + take - o);
	return b + take;
}

bool dis_http(struct dctx *c, const struct dis_seg *s)
{
	struct rd r = rd_at(&c->r, s->off);
	struct dis_line l;
	char t[LINE_MAX];
	struct start st;
	if (!dis_line_next(&r, &l))
		return false;
	dis_text(&c->r, l.off, l.len, t, sizeof t);
	int kind = start_line(t, strlen(t), &st);
	if (!kind && !s->by_port)
		return false;

	struct pkt_info *i = c->info;
	i->app = i->proto = "HTTP";
	unsigned nmsg = 0;
	uint32_t pos = s->off;
	if (!kind) {
		continuation(c, pos, s->end, true);
		return true;
	}
	while (nmsg < MAX_MESSAGES) {
		pos = message(c, s, &l, t, kind, &st, &nmsg);
		if (pos >= s->end || pos >= c->r.len)
			return true;
		r = rd_at(&c->r, pos);
		if (!dis_line_next(&r, &l))
			return true;
		dis_text(&c->r, l.off, l.len, t, sizeof t);
		kind = start_line(t, strlen(t), &st);
		if (!kind)
			break;
	}
	continuation(c, pos, s->end, false);
	return true;
}
