/*
 * app.c — application payloads: which decoder gets a TCP or UDP payload,
 * the text-line helpers, and the command/reply lines SMTP (RFC 5321
 * section 4) and FTP (RFC 959 section 4) share.
 *
 * Recognition: the decoder of a well-known port (80/8080 HTTP, 25/587
 * SMTP, 21 FTP, 53 DNS, 443 TLS, 67/68 DHCP, 123 NTP, 546/547 DHCPv6,
 * 179 BGP, 5060 SIP, 161/162 SNMP, UDP 443 QUIC) is tried first and told
 * it was chosen by port, so it may show what does not look like the start
 * of a message (an HTTP body continuing from an earlier segment).  Then
 * every decoder is tried by content, because the lab's servers listen on
 * ports the kernel picks: an HTTP start line, a command or reply line, a
 * TLS handshake record header, a compound RTCP datagram, a plausible DNS
 * header, a BGP marker, a SIP request or status line (DHCP, DHCPv6, NTP,
 * SNMP and QUIC are recognised by port only).  A
 * command or reply line is SMTP or FTP by what only one of them uses (a
 * verb such as EHLO or PASV, a reply code such as 354 or 227, a word in the
 * reply's text such as "ESMTP" or "FTP"); a line both could have sent is
 * labelled "SMTP/FTP".  Dissection is per packet, so nothing here knows
 * what came before: the message content SMTP carries after DATA is known as
 * such only when it ends with the "." line or comes by port.
 */
#include "dissect/dissect_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ text lines */

/* The line's end found with rd_find (memchr), not a byte at a time: every
 * TCP payload of a mix is looked at by the line protocols, most often to
 * find it has no line at all. */
bool dis_line_next(struct rd *r, struct dis_line *l)
{
	if (rd_left(r) == 0)
		return false;
	l->off = r->off;
	uint32_t nl = rd_find(r, '\n');
	if (nl == r->len) {
		l->eol = 0;
		l->len = r->len - r->off;
		rd_seek(r, r->len);
		return true;
	}
	struct rd cr = rd_at(r, nl - 1);
	l->eol = nl > l->off && rd_u8(&cr) == '\r' ? 2 : 1;
	l->len = nl + 1 - l->off - l->eol;
	rd_seek(r, nl + 1);
	return true;
}

/* A byte as dis_text shows it. */
static inline char shown(uint8_t b)
{
	return b >= 0x20 && b < 0x7f ? (char)b : '.';
}

void dis_text(const struct rd *r, uint32_t off, uint32_t len, char *buf, size_t n)
{
	if (!n)
		return;
	struct rd t = rd_at(r, off);
	uint32_t have = len < rd_left(&t) ? len : rd_left(&t);
	size_t k = have < n - 1 ? have : n - 1;
	const uint8_t *q = rd_take_(&t, (uint32_t)k);
	for (size_t i = 0; q && i < k; i++)
		buf[i] = shown(q[i]);
	if (have > n - 1 && n > 4)
		memcpy(buf + n - 4, "...", 3);   /* cut: as much as fits, then "..." */
	buf[k] = '\0';
}

/* ----------------------------------------------- SMTP and FTP lines */

enum { MAX_LINES = 200 };   /* lines shown per payload; the rest is one field */

/* "NNN" followed by a space, a '-' or the end of the line: a reply line
 * (RFC 5321 4.2, RFC 959 4.2: first digit 1-5, second 0-5). */
static bool reply_syntax(const char *t, size_t len, unsigned *code)
{
	if (len < 3 || t[0] < '1' || t[0] > '5' || t[1] < '0' || t[1] > '5' || !isdigit((unsigned char)t[2]))
		return false;
	if (len > 3 && t[3] != ' ' && t[3] != '-')
		return false;
	*code = (unsigned)(t[0] - '0') * 100 + (unsigned)(t[1] - '0') * 10 + (unsigned)(t[2] - '0');
	return true;
}

/* The verb a command line starts with: letters up to a space or the end. */
static const struct dis_verb *verb_find(const struct dis_lineproto *p, const char *t, size_t len,
                                        size_t *vlen)
{
	size_t n = 0;
	while (n < len && isalpha((unsigned char)t[n]))
		n++;
	if (n < 3 || n > 8 || (n < len && t[n] != ' '))
		return NULL;
	for (size_t i = 0; i < p->nverbs; i++)
		if (strlen(p->verbs[i].verb) == n && strncasecmp(p->verbs[i].verb, t, n) == 0) {
			*vlen = n;
			return &p->verbs[i];
		}
	return NULL;
}

static bool code_only(const struct dis_lineproto *p, unsigned code)
{
	for (size_t i = 0; i < p->nonly; i++)
		if (p->only[i] == code)
			return true;
	return false;
}

static bool has_hint(const struct dis_lineproto *p, const char *text)
{
	for (size_t i = 0; i < p->nhints; i++) {
		const char *h = p->hints[i];
		if (h[0] == '^' ? strncasecmp(text, h + 1, strlen(h + 1)) == 0 : strcasestr(text, h) != NULL)
			return true;
	}
	return false;
}

/* Is the payload ".\r\n" or does it end with "\r\n.\r\n": the line that
 * ends SMTP message content (RFC 5321 4.1.1.4)? */
static bool ends_with_dot(struct dctx *c, const struct dis_seg *s)
{
	static const char tail[] = "\r\n.\r\n";
	if (s->cut || (s->len != 3 && s->len < 5))
		return false;
	uint32_t n = s->len == 3 ? 3 : 5;
	const char *want = tail + 5 - n;
	struct rd r = rd_at(&c->r, s->end - n);
	for (uint32_t i = 0; i < n; i++)
		if (rd_u8(&r) != (uint8_t)want[i])
			return false;
	return !r.short_;
}

int dis_lines_score(struct dctx *c, const struct dis_seg *s, const struct dis_lineproto *p)
{
	struct rd r = rd_at(&c->r, s->off);
	struct dis_line l;
	if (!dis_line_next(&r, &l) || l.eol == 0)
		return 0;
	char t[256];
	dis_text(&c->r, l.off, l.len, t, sizeof t);
	size_t tl = strlen(t);
	unsigned code;
	size_t vlen;
	if (reply_syntax(t, tl, &code)) {
		if (!dis_name(p->codes, p->ncodes, code))
			return 0;
		if (code_only(p, code) || (tl > 4 && has_hint(p, t + 4)))
			return 2;
		/* A multi-line reply's later lines may tell (EHLO's extensions). */
		for (int k = 0; k < 8 && dis_line_next(&r, &l); k++) {
			dis_text(&c->r, l.off, l.len, t, sizeof t);
			if (reply_syntax(t, strlen(t), &code) && strlen(t) > 4 && has_hint(p, t + 4))
				return 2;
		}
		return 1;
	}
	const struct dis_verb *v = verb_find(p, t, tl, &vlen);
	if (v)
		return v->flags & VERB_ONLY ? 2 : 1;
	if (p->message_data && ends_with_dot(c, s))
		return 2;
	return 0;
}

/* What a reply code's first digit says (RFC 5321 4.2.1, RFC 959 4.2.1). */
static const char *code_class(unsigned code)
{
	static const char *const cls[] = { "", "positive preliminary", "positive completion",
	                                   "positive intermediate", "transient negative",
	                                   "permanent negative" };
	return cls[code / 100 % 6];
}

void dis_lines(struct dctx *c, const struct dis_seg *s, const struct dis_lineproto *p, const char *name)
{
	struct pkt_info *i = c->info;
	i->app = name ? name : p->app;
	i->proto = i->app;
	int layer = dis_layer(c, s->off, s->len, name ? "SMTP or FTP" : p->layer,
	          name ? "A reply line that SMTP and FTP both use; the ports and the conversation tell which"
	               : "Text lines: commands from the client, numbered replies from the server",
	          NULL);

	struct rd r = rd_at(&c->r, s->off);
	struct dis_line l;
	bool data = false, multi = false;
	unsigned lines = 0;
	while (dis_line_next(&r, &l)) {
		if (lines++ == MAX_LINES) {
			dis_group(c, 1, l.off, s->end - l.off, "More lines", NULL, "%u bytes not shown line by line",
			          s->end - l.off);
			break;
		}
		uint32_t whole = l.len + l.eol;
		char t[FIELD_VALUE_MAX - 40];
		dis_text(&c->r, l.off, l.len, t, sizeof t);
		size_t tl = strlen(t);
		const char *note = l.eol ? "" : s->cut ? " (cut by the capture)" : " (continues in the next segment)";
		unsigned code;
		size_t vlen = 0;
		const struct dis_verb *v;
		const char *kind;

		if (p->message_data && l.eol && l.len == 1 && t[0] == '.') {
			kind = "end";
			dis_field(c, 1, l.off, whole, "End of message data", "A line with a single dot ends the "
			          "message content; a dot that starts a content line is doubled (RFC 5321 4.5.2)",
			          ".");
			data = false;
		} else if (data) {
			kind = "data";
			dis_field(c, 1, l.off, whole, "Message data", "A line of the message content (headers, "
			          "an empty line, the body) sent after DATA", "%s%s", t, note);
		} else if (reply_syntax(t, tl, &code)) {
			kind = "reply";
			const char *meaning = dis_name(p->codes, p->ncodes, code);
			dis_field(c, 1, l.off, whole, "Reply", NULL, "%s%s", t, note);
			dis_field(c, 2, l.off, 3, "Reply code",
			          "First digit: 1 preliminary, 2 done, 3 send more, 4 failed for now, 5 failed",
			          "%u (%s)", code, meaning ? meaning : code_class(code));
			multi = tl > 3 && t[3] == '-';
			if (multi)
				dis_field(c, 2, l.off + 3, 1, "Continuation",
				          "A '-' after the code: more lines of this reply follow; the last has a space",
				          "-");
			if (l.len > 4)
				dis_field(c, 2, l.off + 4, l.len - 4, "Text", NULL, "%s", t + 4);
			if (p->reply && l.eol)   /* a cut line's numbers may be cut too */
				p->reply(c, code, l.off + 4, l.len > 4 ? l.len - 4 : 0);
		} else if ((v = verb_find(p, t, tl, &vlen)) != NULL) {
			kind = "command";
			dis_field(c, 1, l.off, whole, "Command", NULL, "%s%s", t, note);
			dis_field(c, 2, l.off, (uint32_t)vlen, "Verb", v->help, "%.*s", (int)vlen, t);
			uint32_t ao = l.off + (uint32_t)vlen + 1, al = l.len > vlen + 1 ? l.len - (uint32_t)vlen - 1 : 0;
			if (al) {
				bool secret = v->flags & VERB_SECRET;
				dis_field(c, 2, ao, al, v->arg ? v->arg : "Argument", NULL, "%s%s", t + vlen + 1,
				          secret ? " (sent in plain text)" : "");
				if (secret)
					dis_field(c, 2, ao, al, "Warning",
					          "Anyone who can capture the connection reads the password: "
					          "FTP and SMTP have no encryption unless TLS is added",
					          "password sent in plain text");
			}
			if (p->command && l.eol)
				p->command(c, v->verb, ao, al);
			if (p->message_data && strcmp(v->verb, "DATA") == 0)
				data = true;   /* what the client sends next is the message */
		} else if (multi) {
			kind = "reply";
			dis_field(c, 1, l.off, whole, "Reply text", "A line inside a multi-line reply", "%s%s", t, note);
		} else if (p->message_data) {
			kind = "data";
			data = true;
			dis_field(c, 1, l.off, whole, "Message data", "A line that is no command: message content "
			          "sent after DATA", "%s%s", t, note);
		} else {
			kind = "line";
			dis_field(c, 1, l.off, whole, "Line", "Neither a command this program knows nor a reply",
			          "%s%s", t, note);
		}
		if (lines == 1) {
			if (strcmp(kind, "data") == 0)
				snprintf(i->app_summary, sizeof i->app_summary, "message data, %u bytes", s->len);
			else if (strcmp(kind, "end") == 0)
				snprintf(i->app_summary, sizeof i->app_summary, "end of message data");
			else
				snprintf(i->app_summary, sizeof i->app_summary, "%s", t);
			dis_value(c, layer, "%s", i->app_summary);
		}
	}
}

/* By content, SMTP or FTP: whichever the first line fits better. */
static bool smtp_or_ftp(struct dctx *c, const struct dis_seg *s)
{
	int sm = dis_lines_score(c, s, &dis_smtp_proto), f = dis_lines_score(c, s, &dis_ftp_proto);
	if (sm == 0 && f == 0)
		return false;
	if (sm > f)
		dis_lines(c, s, &dis_smtp_proto, NULL);
	else if (f > sm)
		dis_lines(c, s, &dis_ftp_proto, NULL);
	else
		dis_lines(c, s, &dis_smtp_proto, "SMTP/FTP");
	return true;
}

/* --------------------------------------------------------------- dispatch */

typedef bool (*app_decoder)(struct dctx *c, const struct dis_seg *s);

/* IANA service ports.  A line protocol (SMTP, FTP) has no decoder of its
 * own: on its port, dis_lines decodes the payload with its table. */
static const struct app_port {
	uint16_t port;
	bool tcp;
	app_decoder decode;
	const struct dis_lineproto *lines;
} app_ports[] = {
	{ 80, true, dis_http, NULL },
	{ 8080, true, dis_http, NULL },
	{ 25, true, NULL, &dis_smtp_proto },
	{ 587, true, NULL, &dis_smtp_proto },
	{ 21, true, NULL, &dis_ftp_proto },
	{ 53, true, dis_dns, NULL },
	{ 53, false, dis_dns, NULL },
	{ 443, true, dis_tls, NULL },
	{ 67, false, dis_dhcp, NULL },
	{ 68, false, dis_dhcp, NULL },
	{ 4789, false, dis_vxlan, NULL },
	{ 4790, false, dis_vxlan, NULL },
	{ 6081, false, dis_geneve, NULL },
	{ 6635, false, dis_mpls_udp, NULL },
	{ 123, false, dis_ntp, NULL },
	{ 546, false, dis_dhcp6, NULL },
	{ 547, false, dis_dhcp6, NULL },
	{ 179, true, dis_bgp, NULL },
	{ 5060, false, dis_sip, NULL },
	{ 5060, true, dis_sip, NULL },
	{ 161, false, dis_snmp, NULL },
	{ 162, false, dis_snmp, NULL },
	{ 443, false, dis_quic, NULL },
};

/* The payload's first line, as the line decoders would find it: what
 * the content tests below look at before calling them. */
struct look {
	bool line;          /* a first line ending in '\n' */
	struct dis_line l;
	char first;         /* its first byte as dis_text shows it ('\0' when none) */
	bool ends_nl;       /* the payload's last byte is captured and is '\n' */
};

/* Each is a condition without which the decoder refuses the payload by
 * content (it reads the first line only to find out), so skipping it
 * changes no answer; each costs a byte or a memchr, where the decoder
 * copies the line.  A mix of unrecognised TCP spent a fifth of its time
 * there. */
static bool may_http(const struct look *k)
{
	return k->first >= 'A' && k->first <= 'Z';   /* "HTTP/1." or a method: all capitals */
}

static bool may_lines(const struct look *k)
{
	/* dis_lines_score: a line ended, then a reply code (first digit 1-5),
	 * a verb (letters) or the "." line that ends message data. */
	return k->line && ((k->first >= '1' && k->first <= '5') || isalpha((unsigned char)k->first) || k->ends_nl);
}

static bool may_sip(const struct look *k)
{
	return k->line && k->l.len < FIELD_VALUE_MAX - 40;   /* dis_sip's line buffer */
}

/* Tried in order when no port decided; each looks before it records. */
static const struct app_content {
	bool tcp, udp;
	app_decoder decode;
	bool (*may)(const struct look *k);   /* NULL: always tried */
} app_contents[] = {
	{ true, false, dis_http, may_http },
	{ true, false, smtp_or_ftp, may_lines },
	{ true, false, dis_tls, NULL },
	{ false, true, dis_rtcp, NULL },   /* before DNS: its shape is the stricter test */
	{ true, true, dis_dns, NULL },
	{ true, false, dis_bgp, NULL },
	{ true, true, dis_sip, may_sip },
};

static const struct app_port *port_find(uint16_t port, bool tcp)
{
	for (size_t k = 0; k < DIS_COUNT(app_ports); k++)
		if (app_ports[k].port == port && app_ports[k].tcp == tcp)
			return &app_ports[k];
	return NULL;
}

bool dis_app(struct dctx *c, uint32_t off, uint32_t len)
{
	const struct pkt_info *i = c->info;
	if (c->quoted || len == 0 || !i->has_ports || off > c->r.len || len > UINT32_MAX - off)
		return false;
	struct dctx a = *c;
	a.r = rd_at(&c->r, off);
	struct dis_seg s = { .off = off, .len = len, .end = off + len, .tcp = i->tcp };
	if (a.r.len > s.end)
		a.r.len = s.end;
	s.cut = a.r.len < s.end;

	/* The server's port is usually the well-known one: the destination's
	 * for a request, the source's for a reply; try both. */
	const uint16_t ports[2] = { i->dport, i->sport };
	for (int k = 0; k < 2; k++) {
		const struct app_port *p = port_find(ports[k], s.tcp);
		s.by_port = true;
		if (p && p->lines) {
			dis_lines(&a, &s, p->lines, NULL);
			return true;
		}
		if (p && p->decode(&a, &s))
			return true;
	}
	s.by_port = false;
	struct look lk = { 0 };
	struct rd r = rd_at(&a.r, s.off);
	if (dis_line_next(&r, &lk.l)) {
		lk.line = lk.l.eol != 0;
		struct rd b = rd_at(&a.r, s.off);
		lk.first = shown(rd_u8(&b));
	}
	if (!s.cut) {
		struct rd e = rd_at(&a.r, s.end - 1);
		lk.ends_nl = rd_u8(&e) == '\n' && !e.short_;
	}
	for (size_t k = 0; k < DIS_COUNT(app_contents); k++) {
		const struct app_content *ac = &app_contents[k];
		if ((s.tcp ? ac->tcp : ac->udp) && (!ac->may || ac->may(&lk)) && ac->decode(&a, &s))
			return true;
	}
	return false;
}
