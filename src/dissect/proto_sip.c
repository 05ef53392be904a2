/*
 * proto_sip.c — SIP (RFC 3261 section 7) over UDP or TCP port 5060, or
 * by content: the first line (a request's method, Request-URI and version,
 * or a response's status code and reason), the header fields that follow
 * as name and value (Via, From, To, Call-ID and CSeq named with what they
 * are for), and the body (usually SDP, RFC 8866) as text lines.
 *
 * By content a payload is SIP when its first line ends with " SIP/2.0"
 * after a method-like token and a URI, or begins with "SIP/2.0 " and a
 * three-digit code: nothing else begins so.  The summary is the first
 * line, as tcpdump prints it ("SIP: INVITE sip:bob@example.com SIP/2.0").
 * A first line that is neither (on port 5060) is said so; a header line
 * without a colon is MALFORMED.  At most MAX_LINES lines are shown.
 */
#include "dissect/dissect_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { MAX_LINES = 100 };

static const struct sip_header {
	const char *name;
	const char *compact;   /* RFC 3261 7.3.3: the one-letter form */
	const char *help;
} headers[] = {
	{ "Via", "v", "Each hop the request passed; responses go back along it" },
	{ "From", "f", "Who sent the request (with a tag naming its side of the dialog)" },
	{ "To", "t", "Whom the request is for" },
	{ "Call-ID", "i", "Names the call: every message of one dialog repeats it" },
	{ "CSeq", NULL, "A sequence number and the method: orders requests, matches responses" },
	{ "Contact", "m", "Where to reach the sender directly" },
	{ "Max-Forwards", NULL, "Hops left before the request is dropped" },
	{ "Content-Type", "c", "What the body is (application/sdp: a media description)" },
	{ "Content-Length", "l", "Bytes in the body" },
};

/* RFC 3261 25.1: a method is a token. */
static bool token_char(char ch)
{
	return isalnum((unsigned char)ch) || strchr("-.!%*_+`'~", ch) != NULL;
}

/* What the first line is: 1 a request, 2 a response, 0 neither. */
static int first_line(const char *t, size_t n, size_t *mlen)
{
	if (n >= 12 && strncmp(t, "SIP/2.0 ", 8) == 0 && isdigit((unsigned char)t[8]) &&
	    isdigit((unsigned char)t[9]) && isdigit((unsigned char)t[10]) && (n == 11 || t[11] == ' '))
		return 2;
	size_t k = 0;
	while (k < n && token_char(t[k]))
		k++;
	if (k == 0 || k >= n || t[k] != ' ' || n < k + 10 || strcmp(t + n - 8, " SIP/2.0") != 0)
		return 0;
	if (!strchr(t + k + 1, ':'))   /* a Request-URI has a scheme */
		return 0;
	*mlen = k;
	return 1;
}

bool dis_sip(struct dctx *c, const struct dis_seg *s)
{
	struct rd r = rd_at(&c->r, s->off);
	struct dis_line l;
	if (!dis_line_next(&r, &l))
		return false;
	char t[FIELD_VALUE_MAX - 40];
	dis_text(&c->r, l.off, l.len, t, sizeof t);
	size_t tl = strlen(t), mlen = 0;
	int kind = l.eol && l.len < sizeof t ? first_line(t, tl, &mlen) : 0;
	if (!kind && !s->by_port)
		return false;

	struct pkt_info *i = c->info;
	i->app = i->proto = "SIP";
	int L = dis_layer(c, s->off, s->len, "Session Initiation Protocol", "SIP sets up, changes and ends "
	                  "calls and other sessions; the media itself flows elsewhere (RTP)", NULL);
	/* tcpdump names SIP once: after a TCP header our summary adds "SIP: ". */
	const char *pre = s->tcp ? "" : "SIP: ";
	if (!kind) {
		dis_field(c, 1, l.off, l.len + l.eol, "Line", "Not a SIP request or status line: perhaps the "
		          "rest of a message begun in an earlier segment", "%s", t);
		snprintf(i->app_summary, sizeof i->app_summary, "%s%s", pre, t);
		dis_value(c, L, "%s", t);
		return true;
	}
	if (kind == 1) {
		dis_field(c, 1, l.off, l.len + l.eol, "Request line", NULL, "%s", t);
		dis_field(c, 2, l.off, (uint32_t)mlen, "Method", "INVITE starts a call, ACK confirms, BYE ends it, "
		          "REGISTER tells where a user is", "%.*s", (int)mlen, t);
		uint32_t ulen = (uint32_t)(tl - mlen - 9);
		dis_field(c, 2, l.off + (uint32_t)mlen + 1, ulen, "Request-URI", "Whom the request is for", "%.*s",
		          (int)ulen, t + mlen + 1);
		dis_field(c, 2, l.off + l.len - 7, 7, "Version", NULL, "SIP/2.0");
	} else {
		dis_field(c, 1, l.off, l.len + l.eol, "Status line", NULL, "%s", t);
		unsigned code = (unsigned)(t[8] - '0') * 100 + (unsigned)(t[9] - '0') * 10 + (unsigned)(t[10] - '0');
		dis_field(c, 2, l.off + 8, 3, "Status code", "1xx trying or ringing, 2xx done, 3xx moved, 4xx-6xx failed",
		          "%u", code);
		if (tl > 12)
			dis_field(c, 2, l.off + 12, l.len - 12, "Reason phrase", NULL, "%s", t + 12);
	}
	snprintf(i->app_summary, sizeof i->app_summary, "%s%s", pre, t);
	dis_value(c, L, "%s", t);

	/* Header fields up to the empty line, then the body. */
	bool body = false;
	for (unsigned n = 0; dis_line_next(&r, &l); n++) {
		if (n == MAX_LINES) {
			dis_hex(c, 1, l.off, s->end - l.off, "More lines", "Not shown line by line");
			break;
		}
		dis_text(&c->r, l.off, l.len, t, sizeof t);
		if (body) {
			dis_field(c, 2, l.off, l.len + l.eol, "Body line", NULL, "%s", t);
			continue;
		}
		if (l.len == 0 && l.eol) {
			body = true;
			if (l.off + l.eol < s->end)
				dis_group(c, 1, l.off + l.eol, s->end - l.off - l.eol, "Message body",
				          "After the empty line: an SDP offer or answer names the media's addresses and codecs",
				          NULL);
			continue;
		}
		char *colon = strchr(t, ':');
		if (!colon) {
			if (l.eol)   /* a line the capture cut is no proof */
				dis_malformed(c, "SIP header line without a colon: \"%s\"", t);
			break;
		}
		size_t nl = (size_t)(colon - t);
		while (nl && t[nl - 1] == ' ')
			nl--;
		const char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		const struct sip_header *h = NULL;
		for (size_t k = 0; k < DIS_COUNT(headers); k++)
			if ((strlen(headers[k].name) == nl && strncasecmp(headers[k].name, t, nl) == 0) ||
			    (headers[k].compact && nl == 1 && tolower((unsigned char)t[0]) == headers[k].compact[0]))
				h = &headers[k];
		char name[FIELD_NAME_MAX];
		snprintf(name, sizeof name, "%.*s", (int)nl, t);
		dis_field(c, 1, l.off, l.len + l.eol, h ? h->name : name, h ? h->help : NULL, "%s", v);
	}
	return true;
}
