/*
 * ladder.c — a TCP connection as a ladder diagram (see ladder.h).
 *
 * Two passes: the first dissects the frames and keeps, per segment of the
 * chosen connection, what its arrow needs (direction, flags, relative
 * numbers from the shared flow table, tag); the second lays the columns out
 * from what it found, so the diagram is as narrow as its widest label
 * allows and the tags line up in one column:
 *
 *   [number] |<---------------- span ---------------->| [tag]
 *            L                                        R
 */
#include "render/ladder.h"
#include "dissect/dissect.h"
#include "common/mem.h"
#include "common/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The arrow keeps at least this much room between the lines, so the
 * flags and a number or two are always readable. */
enum { SPAN_MIN = 24 };
/* "--- " before the label, " ->" (or " -") after it. */
enum { ARROW_EXTRA = 7 };

static bool conn_has(const struct ladder_conn *c, const struct pkt_info *i, bool *ltr)
{
	if (c->ip_version != i->ip_version)
		return false;
	if (c->lport == i->sport && c->rport == i->dport && !strcmp(c->left, i->src) && !strcmp(c->right, i->dst)) {
		*ltr = true;
		return true;
	}
	if (c->rport == i->sport && c->lport == i->dport && !strcmp(c->right, i->src) && !strcmp(c->left, i->dst)) {
		*ltr = false;
		return true;
	}
	return false;
}

/* A connection as its first segment shows it: a SYN,ACK's receiver is the
 * client (its SYN was not captured), otherwise the sender goes left. */
static struct ladder_conn conn_from(const struct pkt_info *i, size_t index)
{
	bool flip = (i->tcp_flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK);
	struct ladder_conn c = { .ip_version = i->ip_version, .first = index };
	snprintf(c.left, sizeof c.left, "%s", flip ? i->dst : i->src);
	snprintf(c.right, sizeof c.right, "%s", flip ? i->src : i->dst);
	c.lport = flip ? i->dport : i->sport;
	c.rport = flip ? i->sport : i->dport;
	return c;
}

size_t ladder_connections(const struct ladder_frame *frames, size_t n, struct ladder_conn **out)
{
	struct ladder_conn *v = NULL;
	size_t nc = 0, cap = 0;
	*out = NULL;
	for (size_t k = 0; k < n; k++) {
		struct dissection d;
		dissect_frame(frames[k].linktype, frames[k].data, frames[k].caplen, frames[k].wirelen, &d);
		if (d.info.tcp && d.info.has_ports) {
			bool ltr;
			size_t c = 0;
			while (c < nc && !conn_has(&v[c], &d.info, &ltr))
				c++;
			if (c == nc)
				VEC_PUSH(v, nc, cap, conn_from(&d.info, k));
			v[c].npackets++;
		}
		dissection_free(&d);
	}
	*out = v;
	return nc;
}

static void endpoint(int ipv, const char *addr, unsigned port, char *buf, size_t n)
{
	snprintf(buf, n, ipv == 6 ? "[%s]:%u" : "%s:%u", addr, port);
}

void ladder_endpoint(const struct ladder_conn *c, bool left, char *buf, size_t n)
{
	endpoint(c->ip_version, left ? c->left : c->right, left ? c->lport : c->rport, buf, n);
}

/* ---- labels ---- */

/* Textbook order: the connection's life (SYN, FIN, RST) before PSH and ACK. */
static const struct { uint8_t bit; const char *name; } flag_names[] = {
	{ TCPF_SYN, "SYN" }, { TCPF_FIN, "FIN" }, { TCPF_RST, "RST" }, { TCPF_PSH, "PSH" },
	{ TCPF_ACK, "ACK" }, { TCPF_URG, "URG" }, { TCPF_ECE, "ECE" }, { TCPF_CWR, "CWR" },
};

/* Option names short enough for an arrow; padding is not worth a word. */
static const struct { const char *word, *shown; } opt_names[] = {
	{ "nop", NULL }, { "eol", NULL }, { "wscale", "ws" },
};

/* What one arrow says, in the order it is written.  `keep` ranks the parts:
 * when the label is too long, the lowest rank goes first. */
enum { PART_FLAGS, PART_SEQ, PART_ACK, PART_LEN, PART_WIN, PART_OPTS, PART_PROBLEM, NPARTS };
static const int keep[NPARTS] = {
	[PART_FLAGS] = 99, [PART_PROBLEM] = 5, [PART_LEN] = 4, [PART_SEQ] = 3, [PART_ACK] = 2,
	[PART_WIN] = 1, [PART_OPTS] = 0,
};

struct arrow {
	size_t frame;
	uint32_t number;
	bool ltr;                    /* left to right */
	const char *tag;             /* borrowed from the frames */
	char part[NPARTS][64];       /* "" when absent */
};

static void append(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf);
	if (len < n)
		snprintf(buf + len, n - len, "%s", s);
}

/* "[mss,sackOK,TS,ws]" from the dissector's "mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7". */
static void short_options(const char *opts, char *buf, size_t n)
{
	buf[0] = '\0';
	for (const char *p = opts; *p;) {
		size_t wlen = strcspn(p, " ,"), olen = strcspn(p, ",");
		char word[24];
		snprintf(word, sizeof word, "%.*s", (int)(wlen < sizeof word - 1 ? wlen : sizeof word - 1), p);
		const char *shown = word;
		for (size_t k = 0; k < sizeof opt_names / sizeof opt_names[0]; k++)
			if (!strcmp(word, opt_names[k].word))
				shown = opt_names[k].shown;
		if (shown && *shown) {
			append(buf, n, buf[0] ? "," : "[");
			append(buf, n, shown);
		}
		p += olen;
		p += *p == ',';
	}
	if (buf[0])
		append(buf, n, "]");
}

static void arrow_parts(struct arrow *a, const struct dissection *d, uint32_t seq, uint32_t ack)
{
	const struct pkt_info *i = &d->info;
	memset(a->part, 0, sizeof a->part);
	for (size_t k = 0; k < sizeof flag_names / sizeof flag_names[0]; k++)
		if (i->tcp_flags & flag_names[k].bit) {
			append(a->part[PART_FLAGS], sizeof a->part[0], a->part[PART_FLAGS][0] ? "," : "");
			append(a->part[PART_FLAGS], sizeof a->part[0], flag_names[k].name);
		}
	if (!a->part[PART_FLAGS][0])
		snprintf(a->part[PART_FLAGS], sizeof a->part[0], "no flags");
	snprintf(a->part[PART_SEQ], sizeof a->part[0], "seq %u", seq);
	if (i->tcp_flags & TCPF_ACK)
		snprintf(a->part[PART_ACK], sizeof a->part[0], "ack %u", ack);
	if (i->payload_len)
		snprintf(a->part[PART_LEN], sizeof a->part[0], "len %u", i->payload_len);
	snprintf(a->part[PART_WIN], sizeof a->part[0], "win %u", i->win);
	short_options(i->tcp_opts, a->part[PART_OPTS], sizeof a->part[0]);
	if (d->status == DIS_TRUNCATED)
		snprintf(a->part[PART_PROBLEM], sizeof a->part[0], "[truncated]");
	else if (d->status == DIS_MALFORMED)
		snprintf(a->part[PART_PROBLEM], sizeof a->part[0], "[malformed]");
}

/* Copy s into buf cut to w columns, "..." marking a cut. */
static void cut(const char *s, size_t w, char *buf, size_t n)
{
	size_t len = strlen(s);
	if (len <= w)
		snprintf(buf, n, "%s", s);
	else if (w >= 4)
		snprintf(buf, n, "%.*s...", (int)(w - 3), s);
	else
		snprintf(buf, n, "%.*s", (int)w, s);
}

/* The label in at most w columns: parts dropped by rank until it fits. */
static void label(const struct arrow *a, size_t w, char *buf, size_t n)
{
	char full[512];
	for (int floor = 0; floor <= keep[PART_FLAGS]; floor++) {
		full[0] = '\0';
		for (int p = 0; p < NPARTS; p++)
			if (a->part[p][0] && keep[p] >= floor) {
				append(full, sizeof full, full[0] ? " " : "");
				append(full, sizeof full, a->part[p]);
			}
		if (strlen(full) <= w)
			break;
	}
	cut(full, w, buf, n);
}

/* ---- rows ---- */

struct rows {
	struct ladder *l;
};

static void add_row(struct rows *r, const char *text, long frame)
{
	struct ladder *l = r->l;
	l->rows = xreallocarray(l->rows, l->nrows + 1, sizeof *l->rows);
	size_t len = strlen(text);
	while (len && text[len - 1] == ' ')
		len--;
	l->rows[l->nrows++] = (struct ladder_row){ xstrndup(text, len), frame };
}

/* Put s into the row at column x (clipped to the row). */
static void put(char *row, int width, int x, const char *s)
{
	for (; *s && x < width; s++, x++)
		if (x >= 0)
			row[x] = *s;
}

static void blank(char *row, int width)
{
	memset(row, ' ', (size_t)width);
	row[width] = '\0';
}

/* The endpoints, each centred over its line; the right one moves to a
 * line of its own when both do not fit side by side. */
static void heading(struct rows *r, char *row, int width, int lx, int rx)
{
	char ls[64], rs[64];
	ladder_endpoint(&r->l->conn, true, ls, sizeof ls);
	ladder_endpoint(&r->l->conn, false, rs, sizeof rs);
	int ll = (int)strlen(ls), rl = (int)strlen(rs);
	int lstart = lx - ll / 2 > 0 ? lx - ll / 2 : 0;
	int rstart = rx - rl / 2;
	if (rstart + rl > width)
		rstart = width - rl;
	blank(row, width);
	put(row, width, lstart, ls);
	if (rstart < lstart + ll + 2) {
		add_row(r, row, -1);
		blank(row, width);
		rstart = rstart > 0 ? rstart : 0;
	}
	put(row, width, rstart, rs);
	add_row(r, row, -1);
}

static void spacer(struct rows *r, char *row, int width, int lx, int rx)
{
	blank(row, width);
	put(row, width, lx, "|");
	put(row, width, rx, "|");
	add_row(r, row, -1);
}

static int digits(uint32_t v)
{
	int d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

static bool same_tag(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void draw(struct rows *r, const struct arrow *a, size_t na, int width)
{
	uint32_t maxnum = 0;
	size_t maxtag = 0, maxlabel = 0;
	char lab[512];
	for (size_t k = 0; k < na; k++) {
		maxnum = a[k].number > maxnum ? a[k].number : maxnum;
		size_t t = a[k].tag ? strlen(a[k].tag) : 0;
		maxtag = t > maxtag ? t : maxtag;
		label(&a[k], sizeof lab - 1, lab, sizeof lab);
		maxlabel = strlen(lab) > maxlabel ? strlen(lab) : maxlabel;
	}
	/* Columns: the number and a space, the left line, the arrow, the right
	 * line, two spaces and the tag. */
	int numw = (digits(maxnum) > 2 ? digits(maxnum) : 2) + 1;
	int room = width - numw - 2;
	int tagw = (int)maxtag;
	if (tagw && tagw > room - 2 - SPAN_MIN)
		tagw = room - 2 - SPAN_MIN > 0 ? room - 2 - SPAN_MIN : 0;
	int span = room - (tagw ? tagw + 2 : 0);
	/* As wide as the widest label, and wide enough to keep the endpoints apart. */
	char ls[64], rs[64];
	ladder_endpoint(&r->l->conn, true, ls, sizeof ls);
	ladder_endpoint(&r->l->conn, false, rs, sizeof rs);
	int want = (int)maxlabel + ARROW_EXTRA;
	int apart = ((int)strlen(ls) + (int)strlen(rs) + 1) / 2 + 2;
	want = want > apart ? want : apart;
	want = want > SPAN_MIN ? want : SPAN_MIN;
	span = span < want ? span : want;
	int lx = numw, rx = numw + span + 1;

	char *row = xmalloc((size_t)width + 1);
	heading(r, row, width, lx, rx);
	spacer(r, row, width, lx, rx);
	for (size_t k = 0; k < na; k++) {
		if (k > 0 && !same_tag(a[k].tag, a[k - 1].tag))
			spacer(r, row, width, lx, rx);   /* one group of arrows per cause */
		label(&a[k], (size_t)(span - ARROW_EXTRA), lab, sizeof lab);
		int len = (int)strlen(lab);
		blank(row, width);
		char num[16];
		snprintf(num, sizeof num, "%*u", numw - 1, a[k].number);
		put(row, width, 0, num);
		put(row, width, lx, "|");
		put(row, width, rx, "|");
		/* The label reads left to right in both directions; only the
		 * arrowhead moves. */
		int x = lx + 1;
		put(row, width, x, a[k].ltr ? "--- " : "<-- ");
		put(row, width, x + 4, lab);
		for (int c = x + 4 + len + 1; c < rx; c++)
			row[c] = '-';
		if (a[k].ltr)
			row[rx - 1] = '>';
		if (tagw && a[k].tag) {
			char tag[256];
			cut(a[k].tag, (size_t)tagw, tag, sizeof tag);
			put(row, width, rx + 3, tag);
		}
		add_row(r, row, (long)a[k].frame);
	}
	free(row);
}

struct ladder *ladder_build(const struct ladder_frame *frames, size_t n, const struct ladder_conn *conn,
                            int width)
{
	struct ladder *l = xcalloc(1, sizeof *l);
	struct flowtab *t = flowtab_new();
	struct arrow *a = NULL;
	size_t na = 0, cap = 0;
	l->width = width > LADDER_MIN_WIDTH ? width : LADDER_MIN_WIDTH;
	if (conn) {
		l->conn = *conn;
		l->conn.npackets = 0;
		l->found = true;
	}
	for (size_t k = 0; k < n; k++) {
		struct dissection d;
		dissect_frame(frames[k].linktype, frames[k].data, frames[k].caplen, frames[k].wirelen, &d);
		bool ltr = true;
		if (d.info.tcp && d.info.has_ports && !l->found) {
			l->conn = conn_from(&d.info, k);
			l->found = true;
		}
		if (d.info.tcp && d.info.has_ports && conn_has(&l->conn, &d.info, &ltr)) {
			a = vec_room(a, na, &cap, sizeof *a);
			uint32_t seq = 0, ack = 0;
			flowtab_relative(t, &d, &seq, &ack);
			struct arrow *ar = &a[na++];
			ar->frame = k;
			ar->number = frames[k].number ? frames[k].number : (uint32_t)(k + 1);
			ar->ltr = ltr;
			ar->tag = frames[k].tag && frames[k].tag[0] ? frames[k].tag : NULL;
			arrow_parts(ar, &d, seq, ack);
			l->conn.npackets++;
		}
		dissection_free(&d);
	}
	if (na) {
		struct rows r = { l };
		draw(&r, a, na, l->width);
	}
	free(a);
	flowtab_free(t);
	return l;
}

void ladder_free(struct ladder *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nrows; i++)
		free(l->rows[i].text);
	free(l->rows);
	free(l);
}

long ladder_row_of_frame(const struct ladder *l, size_t frame)
{
	for (size_t i = 0; i < l->nrows; i++)
		if (l->rows[i].frame == (long)frame)
			return (long)i;
	return -1;
}

long ladder_frame_of_row(const struct ladder *l, size_t row)
{
	return row < l->nrows ? l->rows[row].frame : -1;
}

long ladder_conn_of(const struct ladder_frame *frames, size_t n, size_t frame, const struct ladder_conn *c,
                    size_t nc)
{
	if (frame >= n)
		return -1;
	struct dissection d;
	const struct ladder_frame *f = &frames[frame];
	dissect_frame(f->linktype, f->data, f->caplen, f->wirelen, &d);
	long found = -1;
	bool ltr;
	for (size_t k = 0; found < 0 && d.info.tcp && d.info.has_ports && k < nc; k++)
		if (conn_has(&c[k], &d.info, &ltr))
			found = (long)k;
	dissection_free(&d);
	return found;
}

void ladder_print(const struct ladder_frame *frames, size_t n, int width, FILE *out)
{
	struct ladder_conn *c = NULL;
	size_t nc = ladder_connections(frames, n, &c);
	if (!nc)
		fprintf(out, "\nladder: no TCP connection was captured\n");
	for (size_t k = 0; k < nc; k++) {
		char a[64], b[64];
		ladder_endpoint(&c[k], true, a, sizeof a);
		ladder_endpoint(&c[k], false, b, sizeof b);
		fprintf(out, "\nladder: %s <-> %s, %zu segments\n", a, b, c[k].npackets);
		struct ladder *lad = ladder_build(frames, n, &c[k], width);
		for (size_t r = 0; r < lad->nrows; r++)
			fprintf(out, "  %s\n", lad->rows[r].text);
		ladder_free(lad);
	}
	free(c);
}

/* ---- step tags ---- */

/* Words followed by '(' that are not calls. */
static const char *const not_calls[] = { "if", "for", "while", "switch", "return", "sizeof" };
/* Calls that put nothing on the wire themselves: a step that also makes
 * another call is named after that one (connect(), not htons()). */
static const char *const quiet_calls[] = {
	"htons", "htonl", "ntohs", "ntohl", "inet_pton", "inet_ntop", "inet_addr", "memset", "memcpy",
	"strlen", "printf", "fprintf", "perror", "socket", "setsockopt", "getsockopt", "fcntl", "bind",
};

static bool listed(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

void ladder_step_tag(int step, char *const *code, size_t ncode, char *buf, size_t n)
{
	char first[64] = "", any[64] = "";
	bool comment = false;   /* inside a block comment, which may span lines */
	for (size_t ln = 0; ln < ncode && !first[0]; ln++) {
		const char *p = code[ln];
		while (*p && !first[0]) {
			if (comment) {
				if (p[0] == '*' && p[1] == '/') {
					comment = false;
					p++;
				}
				p++;
			} else if (p[0] == '/' && p[1] == '*') {
				comment = true;
				p += 2;
			} else if (p[0] == '/' && p[1] == '/') {
				break;
			} else if (*p == '"' || *p == '\'') {
				char q = *p++;
				while (*p && *p != q)
					p += p[0] == '\\' && p[1] ? 2 : 1;
				p += *p == q;
			} else if (ident_start(*p)) {
				const char *s = p;
				while (ident_char(*p))
					p++;
				char w[64];
				snprintf(w, sizeof w, "%.*s", (int)(p - s < 63 ? p - s : 63), s);
				const char *after = p + strspn(p, " \t");
				if (*after != '(' || listed(w, not_calls, sizeof not_calls / sizeof not_calls[0]))
					continue;
				if (!any[0])
					snprintf(any, sizeof any, "%s", w);
				if (!listed(w, quiet_calls, sizeof quiet_calls / sizeof quiet_calls[0]))
					snprintf(first, sizeof first, "%s", w);
			} else {
				p++;
			}
		}
	}
	const char *call = first[0] ? first : any;
	if (call[0])
		snprintf(buf, n, "step %d %s()", step, call);
	else
		snprintf(buf, n, "step %d", step);
}
