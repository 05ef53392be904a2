/*
 * handout.c — a lesson run as a Markdown or HTML handout (see handout.h).
 *
 * One writer, two syntaxes: every piece of the handout (a heading, a
 * paragraph, a preformatted block, a list item, the packet list) is one
 * function that switches on the format, so both formats always carry the
 * same content.  Text from the lesson, the calls and the packets is never
 * written without going through put_text (escaping for the format) or a
 * preformatted block (a fence that no content can close, or escaped <pre>).
 */
#include "text/handout.h"
#include "render/ladder.h"
#include "render/textfmt.h"
#include "lab/lab_text.h"
#include "common/mem.h"
#include "common/vec.h"
#include "common/text.h"
#include "common/dirlist.h"

#include <limits.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* How many bytes of a payload a packet's "data:" line quotes. */
enum { DATA_QUOTE_MAX = 480 };

struct hw {
	FILE *out;
	enum handout_format fmt;
	struct lab *lab;
	const struct handout_opts *o;
};

static bool html(const struct hw *w) { return w->fmt == HANDOUT_HTML; }

/* ---- lines collected for one preformatted block ---- */

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct hw *w, struct lines *l, const char *fmt, ...)
{
	(void)w;
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	VEC_PUSH(l->v, l->n, l->cap, s);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){ 0 };
}

/* ---- escaping ---- */

/* C0 controls (but tab) and DEL are shown as \xHH in both formats: they
 * are not allowed in HTML text and would garble a terminal reading the
 * Markdown.  Payloads reach here already quoted; this is for anything else. */
static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static void put_html_escaped(FILE *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			if (is_control(c))
				fprintf(o, "\\x%02x", c);
			else
				fputc(c, o);
		}
	}
}

/* Markdown inline text that renders as the characters written: the
 * characters CommonMark gives a meaning are backslash-escaped where they
 * could have it, and only there, so the raw file stays readable too
 * ("SO_RCVTIMEO" keeps its underscore unescaped: intraword '_' is no
 * emphasis). */
static void put_md_escaped(FILE *o, const char *s)
{
	const unsigned char *start = (const unsigned char *)s;
	for (const unsigned char *p = start; *p; p++) {
		unsigned char c = *p, prev = p > start ? p[-1] : ' ', next = p[1];
		bool esc = false;
		if (is_control(c)) {
			fprintf(o, "\\x%02x", c);
			continue;
		}
		switch (c) {
		case '`': case '*': case '[': case ']': case '<': case '#': case '~':
			esc = true;
			break;
		case '\\':   /* a backslash escapes only punctuation: "\\r" stays as it is */
			esc = ispunct(next);
			break;
		case '_':
			esc = !isalnum(prev) || !isalnum(next);
			break;
		case '&': {   /* only "&name;" and "&#..;" are entities */
			const unsigned char *q = p + 1 + (next == '#');
			while (isalnum(*q))
				q++;
			esc = *q == ';' && q > p + 1;
			break;
		}
		case '>': case '-': case '+': case '=': case '|':   /* block quote, list, heading underline */
			esc = p == start;
			break;
		case '.': case ')': {   /* "1. " at the start would open an ordered list */
			const unsigned char *q = start;
			while (q < p && isdigit(*q))
				q++;
			esc = q == p && p > start && (next == ' ' || next == '\0');
			break;
		}
		default:
			break;
		}
		if (esc)
			fputc('\\', o);
		fputc(c, o);
	}
}

/* Text of the lesson, a call or a packet, escaped for the format. */
static void put_text(struct hw *w, const char *s)
{
	if (html(w))
		put_html_escaped(w->out, s);
	else
		put_md_escaped(w->out, s);
}

static void put_textf(struct hw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	put_text(w, s);
	free(s);
}

/* Markup, written as it is. */
static void raw(struct hw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(w->out, fmt, ap);
	va_end(ap);
}

/* ---- the pieces of a document ---- */

/* A heading; `id` names it for the HTML table of contents (may be NULL). */
static void heading(struct hw *w, int level, const char *id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	if (html(w)) {
		if (id)
			raw(w, "<h%d id=\"%s\">", level, id);
		else
			raw(w, "<h%d>", level);
		put_text(w, s);
		raw(w, "</h%d>\n", level);
	} else {
		raw(w, "%.*s ", level, "######");
		put_text(w, s);
		raw(w, "\n\n");
	}
	free(s);
}

static void para(struct hw *w, const char *s)
{
	raw(w, html(w) ? "<p>" : "");
	put_text(w, s);
	raw(w, html(w) ? "</p>\n" : "\n\n");
}

/* A preformatted block.  `lang` is the Markdown fence's info string ("c",
 * "text") and `cls` the HTML class ("code", "packets", "ladder").  The
 * Markdown fence is one backtick longer than the longest run of backticks
 * in the lines (at least three), so nothing inside can close it. */
static void block(struct hw *w, const char *lang, const char *cls, const char *label, const struct lines *l)
{
	if (!l->n)
		return;
	if (html(w)) {
		raw(w, "<pre class=\"%s\"", cls);
		if (label) {
			raw(w, " aria-label=\"");
			put_text(w, label);
			raw(w, "\"");
		}
		raw(w, "><code>");
		for (size_t i = 0; i < l->n; i++) {
			put_html_escaped(w->out, l->v[i]);
			raw(w, "\n");
		}
		raw(w, "</code></pre>\n");
		return;
	}
	size_t fence = 3;
	for (size_t i = 0; i < l->n; i++)
		for (const char *p = l->v[i]; *p;) {
			size_t run = strspn(p, "`");
			if (run >= fence)
				fence = run + 1;
			p += run ? run : 1;
		}
	for (size_t k = 0; k < fence; k++)
		fputc('`', w->out);
	raw(w, "%s\n", lang);
	for (size_t i = 0; i < l->n; i++) {
		for (const unsigned char *p = (const unsigned char *)l->v[i]; *p; p++)
			if (is_control(*p))
				fprintf(w->out, "\\x%02x", *p);
			else
				fputc(*p, w->out);
		fputc('\n', w->out);
	}
	for (size_t k = 0; k < fence; k++)
		fputc('`', w->out);
	raw(w, "\n\n");
}

/* A text block of the lesson (explanation, recap) with the run's values:
 * lines at the left margin are prose, joined into paragraphs (an empty line
 * ends one); indented lines are a preformatted table or list and are kept
 * line for line, their common indentation removed -- the lesson screen
 * draws them the same way (pane_explain.c). */
static void prose_flush_para(struct hw *w, FILE **pf, char **text)
{
	if (!*pf)
		return;
	fclose(*pf);
	*pf = NULL;
	size_t n = *text ? strlen(*text) : 0;
	while (n && (*text)[n - 1] == ' ')
		(*text)[--n] = '\0';
	if (n)
		para(w, *text);
	free(*text);
	*text = NULL;
}

static void prose_flush_pre(struct hw *w, struct lines *pre)
{
	if (!pre->n)
		return;
	size_t common = SIZE_MAX;
	for (size_t k = 0; k < pre->n; k++) {
		size_t ind = strspn(pre->v[k], " \t");
		if (ind < common)
			common = ind;
	}
	for (size_t k = 0; k < pre->n; k++)
		memmove(pre->v[k], pre->v[k] + common, strlen(pre->v[k] + common) + 1);
	block(w, "text", "explain", NULL, pre);
	lines_free(pre);
}

static void prose(struct hw *w, const struct text_block *b)
{
	const struct lesson_vars *v = lab_vars(w->lab);
	char line[1024];
	char *text = NULL;
	size_t len = 0;
	FILE *pf = NULL;
	struct lines pre = { 0 };
	for (size_t i = 0; i <= b->n; i++) {
		if (i < b->n)
			lesson_expand(b->lines[i], v, line, sizeof line);
		else
			line[0] = '\0';   /* the end closes what is open */
		bool blank = !line[0] || !line[strspn(line, " \t")];
		bool is_prose = !blank && line[0] != ' ' && line[0] != '\t';
		if (!is_prose)
			prose_flush_para(w, &pf, &text);
		if (is_prose || blank)
			prose_flush_pre(w, &pre);
		if (is_prose) {
			if (!pf && !(pf = open_memstream(&text, &len)))
				mem_oom();
			if (ftell(pf) > 0)
				fputc(' ', pf);
			fputs(line, pf);
		} else if (!blank) {
			lines_add(w, &pre, "%s", line);
		}
	}
	prose_flush_para(w, &pf, &text);
	lines_free(&pre);
}

/* A block of code of the lesson with the run's values, its common
 * indentation removed (a step's lines are indented as in main's body). */
static void code_lines(struct hw *w, struct lines *out, const struct text_block *b, bool dedent)
{
	char line[1024];
	size_t first = out->n;
	for (size_t i = 0; i < b->n; i++) {
		lesson_expand(b->lines[i], lab_vars(w->lab), line, sizeof line);
		lines_add(w, out, "%s", line);
	}
	if (!dedent)
		return;
	size_t common = SIZE_MAX;
	for (size_t k = first; k < out->n; k++)
		if (out->v[k][strspn(out->v[k], " \t")]) {   /* blank lines do not count */
			size_t ind = strspn(out->v[k], " \t");
			if (ind < common)
				common = ind;
		}
	if (common == SIZE_MAX)
		return;
	for (size_t k = first; k < out->n; k++) {
		size_t len = strlen(out->v[k]);
		size_t cut = len < common ? len : common;
		memmove(out->v[k], out->v[k] + cut, len - cut + 1);
	}
}

static void code_block(struct hw *w, const char *lang, const char *label, const struct text_block *b)
{
	struct lines l = { 0 };
	code_lines(w, &l, b, true);
	block(w, lang, "code", label, &l);
	lines_free(&l);
}

static void list_begin(struct hw *w, const char *cls)
{
	if (html(w))
		raw(w, "<ul class=\"%s\">\n", cls);
}

static void list_end(struct hw *w)
{
	raw(w, html(w) ? "</ul>\n" : "\n");
}

/* A list item: a strong lead-in ("ok", "FAILED", "client:") and text. */
static void item(struct hw *w, const char *lead, const char *text)
{
	raw(w, html(w) ? "<li>" : "- ");
	if (lead && *lead) {
		raw(w, html(w) ? "<strong>" : "**");
		put_text(w, lead);
		raw(w, html(w) ? "</strong> " : "** ");
	}
	put_text(w, text);
	raw(w, html(w) ? "</li>\n" : "\n");
}

/* ---- packets ---- */

static void data_text(const struct lab_packet *p, char *buf, size_t n)
{
	char q[DATA_QUOTE_MAX + 8];
	buf[0] = '\0';
	if (p->payload_caplen > 0) {
		text_quote(p->data + p->payload_off, p->payload_caplen, q, sizeof q);
		snprintf(buf, n, "data: %u bytes %s", p->payload_len, q);
	}
}

/* Packets first .. first+n-1 as lines like the headless output's (the
 * Markdown) or as a table (the HTML), each packet's payload quoted below
 * it. */
static void packets(struct hw *w, size_t first, size_t n, const char *label)
{
	struct lab_packet p;
	char line[1024], data[DATA_QUOTE_MAX + 64];
	if (!html(w)) {
		struct lines l = { 0 };
		lines_add(w, &l, "%s", textfmt_packet_heading());
		for (size_t i = first; i < first + n && lab_packet(w->lab, i, &p); i++) {
			lab_packet_line(&p, line, sizeof line);
			lines_add(w, &l, "%s", line);
			data_text(&p, data, sizeof data);
			if (data[0])
				lines_add(w, &l, "          %s", data);
		}
		block(w, "text", "packets", label, &l);
		lines_free(&l);
		return;
	}
	raw(w, "<div class=\"scroll\"><table class=\"packets\">\n<caption>");
	put_text(w, label);
	raw(w, "</caption>\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">time (s)</th>"
	       "<th scope=\"col\">sent by</th><th scope=\"col\">source</th><th scope=\"col\">destination</th>"
	       "<th scope=\"col\">proto</th><th scope=\"col\">length</th><th scope=\"col\">summary</th></tr></thead>\n"
	       "<tbody>\n");
	for (size_t i = first; i < first + n && lab_packet(w->lab, i, &p); i++) {
		raw(w, "<tr><td class=\"num\">%u</td><td class=\"num\">%.6f</td><td>%s</td><td>", p.index + 1, p.rel,
		    p.from_lab ? "lab" : "client");
		put_text(w, p.src);
		raw(w, "</td><td>");
		put_text(w, p.dst);
		raw(w, "</td><td>");
		put_text(w, p.proto);
		raw(w, "</td><td class=\"num\">%u</td><td class=\"summary\">", p.wirelen);
		put_text(w, p.summary);
		raw(w, "</td></tr>\n");
		data_text(&p, data, sizeof data);
		if (data[0]) {
			raw(w, "<tr class=\"data\"><td></td><td colspan=\"7\"><code>");
			put_text(w, data);
			raw(w, "</code></td></tr>\n");
		}
	}
	raw(w, "</tbody>\n</table></div>\n");
}

/* Packets from *next on that no step caused (setup, kernel timers), in
 * groups of the same kind. */
static void untied_packets(struct hw *w, size_t *next, const char *when)
{
	struct lab_packet p;
	while (lab_packet(w->lab, *next, &p) && p.step < 0) {
		int kind = p.step;
		size_t first = *next, n = 0;
		while (lab_packet(w->lab, *next, &p) && p.step == kind) {
			(*next)++;
			n++;
		}
		char label[64], what[160];
		lab_step_label(kind, label, sizeof label);
		snprintf(what, sizeof what, "%zu packet%s of %s, %s", n, n == 1 ? "" : "s", label, when);
		if (html(w))
			raw(w, "<p class=\"untied\">");
		put_text(w, what);
		raw(w, html(w) ? ":</p>\n" : ":\n\n");
		packets(w, first, n, what);
	}
}

/* ---- a step ---- */

static void step_claims(struct hw *w, size_t idx, const struct lesson_step *s)
{
	size_t shown = 0;
	for (size_t i = 0; i < s->nexpects; i++) {
		const struct lesson_expect *e = &s->expects[i];
		if (!lab_expect_applies(w->lab, e))
			continue;
		char want[200], seen[160], text[400];
		lesson_expect_text(e, want, sizeof want);
		bool ok = lab_expect_check(w->lab, idx, e, seen, sizeof seen);
		if (!shown++) {
			heading(w, 3, NULL, "The lesson's claims, checked against the capture");
			list_begin(w, "claims");
		}
		if (ok)
			snprintf(text, sizeof text, "%s (holds)", want);
		else
			snprintf(text, sizeof text, "%s (does not hold: %s)", want, seen);
		item(w, ok ? "ok" : "FAILED", text);
	}
	if (shown)
		list_end(w);
}

static void predict_para(struct hw *w, const char *text)
{
	raw(w, html(w) ? "<p class=\"predict\">" : "> ");
	put_text(w, text);
	raw(w, html(w) ? "</p>\n" : "\n\n");
}

/* The step's lines of the lesson's real program in a language ('c', 'p'),
 * numbered as in the file; false when the lesson names no programs or the
 * file cannot be read (the lesson's fragments are shown instead). */
static bool step_lines(struct hw *w, const struct lesson_step *s, char lang)
{
	const struct lesson *l = lab_lesson(w->lab);
	char path[PATH_MAX];
	struct text_block t;
	int first = lang == 'p' ? s->lines.py_first : s->lines.c_first;
	int last = lang == 'p' ? s->lines.py_last : s->lines.c_last;
	if (first < 1 || !lesson_program_path(l, s, lang, path, sizeof path) || lesson_program_text(path, &t) < 0)
		return false;
	const char *file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct lines out = { 0 };
	for (int i = first; i <= last && i <= (int)t.n; i++)
		lines_add(w, &out, "%4d  %s", i, t.lines[i - 1]);
	heading(w, 3, NULL, "%s, line%s %d%s%.0d", file, first == last ? "" : "s", first, first == last ? "" : "-",
	        first == last ? 0 : last);
	char label[PATH_MAX + 32];
	snprintf(label, sizeof label, "%s, lines %d-%d", file, first, last);
	block(w, lang == 'p' ? "python" : "c", "code", label, &out);
	lines_free(&out);
	text_block_free(&t);
	return true;
}

static void step(struct hw *w, size_t idx, size_t *next)
{
	struct lab *lab = w->lab;
	const struct lesson *l = lab_lesson(lab);
	const struct lesson_step *s = &l->steps[idx];
	const struct lab_step_result *r = lab_result(lab, idx);
	char line[1024], id[32];

	snprintf(id, sizeof id, "step-%zu", idx + 1);
	if (html(w))
		raw(w, "<section class=\"step\" id=\"%s\">\n", id);
	heading(w, 2, NULL, "Step %zu of %zu: %s", idx + 1, l->nsteps, s->title);

	if (!step_lines(w, s, 'c')) {
		heading(w, 3, NULL, "The code (C)");
		code_block(w, "c", "C code", lesson_step_code(s, lab_family(lab)));
	}
	if (w->o->python && !step_lines(w, s, 'p') && s->py.n) {
		heading(w, 3, NULL, "The same in Python");
		code_block(w, "python", "Python code", &s->py);
	}

	/* The question before the explanation, as the screen asks it before
	 * running the step; the capture's answer with the packets. */
	bool predict = s->predict && lab_capturing(lab);
	if (predict) {
		snprintf(line, sizeof line, "Predict before you read on: %s", s->predict_q);
		predict_para(w, line);
	}

	heading(w, 3, NULL, "What happens");
	prose(w, &s->explain);

	if (r->nout) {
		heading(w, 3, NULL, "What ran, and what it returned");
		list_begin(w, "calls");
		for (size_t i = 0; i < r->nout; i++) {
			snprintf(line, sizeof line, "%s %s", r->out[i].call, r->out[i].result);
			item(w, r->out[i].role == DEMO_ROLE_CLIENT ? "client:" : "lab server:", line);
		}
		list_end(w);
	}
	if (r->nstates) {
		struct lines st = { 0 };
		for (size_t i = 0; i < r->nstates; i++)
			lines_add(w, &st, "%s", r->states[i]);
		para(w, "The TCP states after the step, as the kernel reports them:");
		block(w, "text", "states", "TCP states", &st);
		lines_free(&st);
	}
	if (s->norigins) {
		para(w, "Header fields this code set:");
		list_begin(w, "origins");
		for (size_t i = 0; i < s->norigins; i++) {
			lab_origin_text(s, &s->origins[i], lab_vars(lab), lab_family(lab), line, sizeof line);
			char what[1100];
			snprintf(what, sizeof what, "set by %s", line);
			item(w, s->origins[i].field, what);
		}
		list_end(w);
	}

	heading(w, 3, NULL, "On the wire");
	if (!lab_capturing(lab)) {
		para(w, "Not captured: this run had no capture.");
	} else {
		untied_packets(w, next, "before this step");
		struct lab_packet p;
		size_t first = *next, n = 0;
		for (; lab_packet(lab, *next, &p) && p.step == (int)idx; (*next)++)
			n++;
		if (!r->attributed)
			para(w, "Warning: the capture did not see this step's end marker, so its packets may be incomplete.");
		if (!n) {
			para(w, "Nothing: this step put no packet on the wire.");
		} else {
			snprintf(line, sizeof line, "%zu packet%s%s", n, n == 1 ? "" : "s",
			         r->quiet ? "" : " (the kernel still had data in flight when the step ended)");
			packets(w, first, n, line);
		}
		if (predict) {
			snprintf(line, sizeof line, "The prediction's answer: the capture shows %u (counting %s).",
			         lab_count(lab, idx, s->predict), lesson_predict_name(s->predict));
			predict_para(w, line);
		}
		step_claims(w, idx, s);
	}
	if (html(w))
		raw(w, "</section>\n");
}

/* ---- after the steps ---- */

static void ladders(struct hw *w)
{
	struct lab_frames fr;
	struct ladder_conn *c = NULL;
	if (html(w))
		raw(w, "<section id=\"ladders\">\n");
	heading(w, 2, NULL, "The connections as ladder diagrams");
	if (!lab_capturing(w->lab)) {
		para(w, "Nothing was captured, so there is no ladder to draw.");
		goto done;
	}
	lab_frames_get(w->lab, &fr);
	size_t nc = ladder_connections(fr.f, fr.n, &c);
	if (!nc)
		para(w, "No TCP connection was captured.");
	else
		para(w, "Each TCP connection of the run: the client on the left, the server on the right, one arrow "
		        "per segment with its flags, relative sequence and acknowledgment numbers, data length and "
		        "window, tagged with the step and the call that caused it.");
	for (size_t k = 0; k < nc; k++) {
		char a[64], b[64];
		ladder_endpoint(&c[k], true, a, sizeof a);
		ladder_endpoint(&c[k], false, b, sizeof b);
		heading(w, 3, NULL, "%s <-> %s, %zu segments", a, b, c[k].npackets);
		struct ladder *lad = ladder_build(fr.f, fr.n, &c[k], 100);
		struct lines l = { 0 };
		for (size_t r = 0; r < lad->nrows; r++)
			lines_add(w, &l, "%s", lad->rows[r].text);
		char label[160];
		snprintf(label, sizeof label, "ladder diagram of %s <-> %s", a, b);
		block(w, "text", "ladder", label, &l);
		lines_free(&l);
		ladder_free(lad);
	}
	free(c);
	lab_frames_free(&fr);
done:
	if (html(w))
		raw(w, "</section>\n");
}

/* The steps' code put together with the lesson's head and tail: the program
 * the learner ran, to compile and change. */
static void whole_fragments(struct hw *w)
{
	const struct lesson *l = lab_lesson(w->lab);
	int fam = lab_family(w->lab);
	size_t done = lab_steps_done(w->lab);
	heading(w, 2, NULL, "The whole program");
	para(w, "The code of every step put together, with the address and ports of this run.");
	struct lines c = { 0 };
	code_lines(w, &c, &l->c_head, false);
	for (size_t i = 0; i < done; i++)
		code_lines(w, &c, lesson_step_code(&l->steps[i], fam), false);
	code_lines(w, &c, &l->c_tail, false);
	block(w, "c", "code", "the whole C program", &c);
	lines_free(&c);
	if (w->o->python) {
		struct lines py = { 0 };
		code_lines(w, &py, &l->py_head, false);
		for (size_t i = 0; i < done; i++)
			code_lines(w, &py, &l->steps[i].py, false);
		code_lines(w, &py, &l->py_tail, false);
		if (py.n) {
			heading(w, 3, NULL, "In Python");
			block(w, "python", "code", "the whole Python program", &py);
		}
		lines_free(&py);
	}
}

/* One program file, whole, as the learner can save, build and run it. */
static void program_file(struct hw *w, const char *path)
{
	struct text_block t;
	if (lesson_program_text(path, &t) < 0) {
		char line[PATH_MAX + 128];
		snprintf(line, sizeof line, "(%s cannot be read: %s)", path, strerror(errno));
		para(w, line);
		return;
	}
	const char *file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(file);
	bool py = n > 3 && strcmp(file + n - 3, ".py") == 0;
	heading(w, 3, NULL, "%s", file);
	struct lines l = { 0 };
	for (size_t i = 0; i < t.n; i++)
		lines_add(w, &l, "%s", t.lines[i]);
	block(w, py ? "python" : "c", "code", file, &l);
	lines_free(&l);
	text_block_free(&t);
}

/* The lesson's real programs, whole: each step above is a range of their
 * lines.  A lesson without programs gets its steps' fragments put together
 * with its head and tail instead. */
static void whole_program(struct hw *w)
{
	const struct lesson *l = lab_lesson(w->lab);
	if (html(w))
		raw(w, "<section id=\"program\">\n");
	struct dirlist c = { 0 }, py = { 0 };
	if (l->programs && dirlist_load(l->programs, ".c", &c) == 0 && c.n) {
		heading(w, 2, NULL, "The programs");
		char line[PATH_MAX + 512];
		snprintf(line, sizeof line,
		         "The programs of this lesson, as shipped in %s: each step above is a range of their lines. "
		         "Each C file's first lines say how to build it; both languages take the host (this run: %s) "
		         "and the ports on the command line.",
		         l->programs, lab_family(w->lab) == 6 ? "::1" : "127.0.0.1");
		para(w, line);
		for (size_t i = 0; i < c.n; i++)
			program_file(w, c.paths[i]);
		if (w->o->python && dirlist_load(l->programs, ".py", &py) == 0)
			for (size_t i = 0; i < py.n; i++)
				program_file(w, py.paths[i]);
	} else {
		whole_fragments(w);
	}
	dirlist_free(&c);
	dirlist_free(&py);
	if (html(w))
		raw(w, "</section>\n");
}

static void questions(struct hw *w)
{
	const struct lesson *l = lab_lesson(w->lab);
	char line[2048];
	if (!l->nquestions)
		return;
	if (html(w))
		raw(w, "<section id=\"questions\">\n");
	heading(w, 2, NULL, "Check yourself");
	for (size_t q = 0; q < l->nquestions; q++) {
		const struct lesson_question *qu = &l->questions[q];
		snprintf(line, sizeof line, "Question %zu.", q + 1);
		raw(w, html(w) ? "<p class=\"question\"><strong>" : "**");
		put_text(w, line);
		raw(w, html(w) ? "</strong> " : "** ");
		put_text(w, qu->text);
		raw(w, html(w) ? "</p>\n" : "\n\n");
		if (qu->nchoices) {
			list_begin(w, "choices");
			for (size_t c = 0; c < qu->nchoices; c++) {
				char lead[8];
				snprintf(lead, sizeof lead, "%c)", (char)('a' + c));
				item(w, lead, qu->choices[c]);
			}
			list_end(w);
		} else {
			para(w, "(Answer in a word or a call.)");
		}
	}
	heading(w, 3, NULL, "Answers");
	list_begin(w, "answers");
	for (size_t q = 0; q < l->nquestions; q++) {
		const struct lesson_question *qu = &l->questions[q];
		char lead[32];
		snprintf(lead, sizeof lead, "%zu:", q + 1);
		if (qu->answer >= 0 && (size_t)qu->answer < qu->nchoices)
			snprintf(line, sizeof line, "%c) %s%s%s", (char)('a' + qu->answer), qu->choices[qu->answer],
			         qu->why ? ". " : "", qu->why ? qu->why : "");
		else
			snprintf(line, sizeof line, "%s%s%s", qu->answer_text ? qu->answer_text : "", qu->why ? ". " : "",
			         qu->why ? qu->why : "");
		item(w, lead, line);
	}
	list_end(w);
	if (html(w))
		raw(w, "</section>\n");
}

/* ---- the document ---- */

static const char css[] =
	":root{color-scheme:light}\n"
	"body{margin:0;background:#fff;color:#1b1b1b;font:17px/1.6 Charter,'Bitstream Charter',Georgia,"
	"'DejaVu Serif',serif}\n"
	"main{max-width:62rem;margin:0 auto;padding:2rem 1.5rem 3rem}\n"
	"h1,h2,h3,caption,.kicker,nav,footer,th{font-family:system-ui,-apple-system,'Segoe UI',"
	"'DejaVu Sans',Arial,sans-serif}\n"
	"h1{font-size:2.1rem;line-height:1.2;margin:.2rem 0 .6rem}\n"
	"h2{font-size:1.45rem;line-height:1.25;margin:2.8rem 0 .8rem;padding-top:.6rem;border-top:3px solid #222}\n"
	"h3{font-size:1.05rem;margin:1.6rem 0 .5rem}\n"
	".kicker{margin:0;font-size:.9rem;letter-spacing:.04em;text-transform:uppercase;color:#444}\n"
	".lead{font-size:1.15rem}\n"
	".meta,footer,.untied{color:#3a3a3a;font-size:.95rem}\n"
	"nav{background:#f4f4f0;border:1px solid #c8c8c0;padding:.4rem 1.2rem .6rem;margin:1.5rem 0}\n"
	"nav h2{border:0;margin:.6rem 0 .3rem;padding:0;font-size:1.1rem}\n"
	"nav ol{margin:.2rem 0;padding-left:1.6rem}\n"
	"a{color:#1a4f9c}\n"
	"pre,code,table.packets{font-family:'DejaVu Sans Mono',Menlo,Consolas,'Liberation Mono',monospace}\n"
	"pre{font-size:.82rem;line-height:1.45;background:#f6f6f2;border:1px solid #c8c8c0;"
	"border-left:5px solid #555;padding:.6rem .9rem;overflow-x:auto;margin:.6rem 0 1rem}\n"
	"pre.code{border-left-color:#1a4f9c}\n"
	"pre.ladder{font-size:.76rem;border-left-style:double}\n"
	"code{font-size:.9em}\n"
	"pre code{font-size:1em}\n"
	".scroll{overflow-x:auto;margin:.6rem 0 1rem}\n"
	"table.packets{border-collapse:collapse;font-size:.76rem;width:100%}\n"
	"table.packets caption{text-align:left;font-size:.9rem;font-weight:600;padding:.2rem 0}\n"
	"table.packets th{text-align:left;border-bottom:2px solid #333;padding:.25rem .45rem;white-space:nowrap}\n"
	"table.packets td{border-bottom:1px solid #d8d8d0;padding:.2rem .45rem;vertical-align:top;white-space:nowrap}\n"
	"table.packets td.num{text-align:right}\n"
	"table.packets td.summary{white-space:normal;overflow-wrap:anywhere;min-width:18rem}\n"
	"table.packets tr.data td{border-bottom:1px dashed #bbb;white-space:normal;overflow-wrap:anywhere;color:#333}\n"
	"ul.claims,ul.calls,ul.origins,ul.answers,ul.choices{padding-left:1.4rem}\n"
	"ul.calls li,ul.origins li,ul.claims li{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.85rem;"
	"margin:.15rem 0}\n"
	".predict{border:1px solid #c8c8c0;border-left:5px solid #8a6d00;padding:.4rem .8rem;background:#fbf8ee}\n"
	"footer{margin-top:3rem;padding-top:.8rem;border-top:1px solid #888}\n"
	"@media print{\n"
	"  @page{margin:1.6cm 1.4cm}\n"
	"  body{font-size:10.5pt;line-height:1.45}\n"
	"  main{max-width:none;padding:0}\n"
	"  a{color:inherit;text-decoration:none}\n"
	"  nav{background:none}\n"
	"  pre{background:none;border:1px solid #777;border-left-width:3px;white-space:pre-wrap;"
	"overflow-wrap:anywhere;overflow:visible;font-size:8pt}\n"
	"  pre.ladder{white-space:pre;font-size:6.8pt}\n"
	"  .scroll{overflow:visible}\n"
	"  table.packets{font-size:7pt}\n"
	"  table.packets td{white-space:normal}\n"
	"  h2,h3{break-after:avoid}\n"
	"  pre,tr,.predict{break-inside:avoid}\n"
	"  section.step{break-before:auto}\n"
	"}\n";

static void when_made(char *buf, size_t n)
{
	/* SOURCE_DATE_EPOCH (reproducible-builds.org): the same run makes the same file. */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (!*end && v >= 0) {
			t = (time_t)v;
			gmtime_r(&t, &tm);
			strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm);
			return;
		}
	}
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M %Z", &tm);
}

static void doc_begin(struct hw *w)
{
	struct lab *lab = w->lab;
	const struct lesson *l = lab_lesson(lab);
	int fam = lab_family(lab);
	size_t done = lab_steps_done(lab);
	size_t np = lab_packet_count(lab);
	char meta[512];
	int len = snprintf(meta, sizeof meta, "Run over IPv%d, the lab's server at %s port %u; %zu step%s, %zu packet%s",
	                   fam, fam == 6 ? "::1" : "127.0.0.1", lab_port(lab), done, done == 1 ? "" : "s", np,
	                   np == 1 ? "" : "s");
	if (!done)
		len = snprintf(meta, sizeof meta, "This lesson runs nothing: it is questions only");
	else if (lab_toggles(lab)[0] && len > 0 && (size_t)len < sizeof meta)
		len += snprintf(meta + len, sizeof meta - (size_t)len, "; toggles on: %s", lab_toggles(lab));
	if (done && len > 0 && (size_t)len < sizeof meta)
		snprintf(meta + len, sizeof meta - (size_t)len, "%s.",
		         lab_replaying(lab) ? "; shown from a recording, not a live run"
		         : lab_capturing(lab) ? "; captured live" : "; nothing was captured");

	/* the sections after the steps (handout_write writes the same) */
	struct section_ref { const char *id, *label; } after[5];
	size_t nafter = 0;
	if (done) {
		after[nafter++] = (struct section_ref){ "ladders", "the ladder diagrams" };
		after[nafter++] = (struct section_ref){ "program", "the programs" };
	}
	if (l->recap.n)
		after[nafter++] = (struct section_ref){ "recap", "the recap" };
	if (l->try_it.n)
		after[nafter++] = (struct section_ref){ "try", "things to try" };
	if (l->nquestions)
		after[nafter++] = (struct section_ref){ "questions", "questions to check yourself" };

	if (html(w)) {
		raw(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta name=\"generator\" content=\"");
		put_text(w, w->o->generator ? w->o->generator : "sockscope");
		raw(w, "\">\n<title>");
		put_textf(w, "%s: a sockscope handout", l->title);
		raw(w, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<header>\n<p class=\"kicker\">", css);
		put_textf(w, "sockscope handout: lesson %s", l->id);
		raw(w, "</p>\n<h1>");
		put_text(w, l->title);
		raw(w, "</h1>\n");
		if (l->summary) {
			raw(w, "<p class=\"lead\">");
			put_text(w, l->summary);
			raw(w, "</p>\n");
		}
		raw(w, "<p class=\"meta\">");
		put_text(w, meta);
		raw(w, "%s</p>\n</header>\n", done ? "" : ".");
		if (!done)
			return;
		raw(w, "<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n");
		{
			raw(w, "<ol>\n");
			for (size_t i = 0; i < done; i++) {
				raw(w, "<li><a href=\"#step-%zu\">", i + 1);
				put_text(w, l->steps[i].title);
				raw(w, "</a></li>\n");
			}
			raw(w, "</ol>\n");
		}
		for (size_t i = 0; i < nafter; i++)
			raw(w, "%s<a href=\"#%s\">%s</a>%s", i == 0 ? "<p>Then: " : ", ", after[i].id,
			    after[i].label, i + 1 == nafter ? ".</p>\n" : "");
		raw(w, "</nav>\n");
		return;
	}
	raw(w, "# ");
	put_text(w, l->title);
	raw(w, "\n\n");
	if (l->summary)
		para(w, l->summary);
	raw(w, "*");
	put_textf(w, "A sockscope handout of lesson %s. %s%s", l->id, meta, done ? "" : ".");
	raw(w, "*\n\n");
	if (!done)
		return;
	heading(w, 2, NULL, "Contents");
	for (size_t i = 0; i < done; i++) {
		raw(w, "%zu. ", i + 1);
		put_text(w, l->steps[i].title);
		raw(w, "\n");
	}
	for (size_t i = 0; i < nafter; i++)
		raw(w, "%s%s%s", i == 0 ? "\nThen: " : ", ", after[i].label, i + 1 == nafter ? ".\n\n" : "");
}

static void doc_end(struct hw *w)
{
	struct lab *lab = w->lab;
	char when[64], status[512], text[2048], source[1200] = "";
	when_made(when, sizeof when);
	lab_capture_status(lab, status, sizeof status);
	bool ran = lab_steps_done(lab) > 0;
	const char *how = !ran ? "the lesson file (it runs nothing)"
	                  : lab_replaying(lab) ? "a recording of the lesson, not a live run"
	                  : lab_capturing(lab) ? "a live run, every packet captured as it happened"
	                                       : "a live run without a capture";
	if (w->o->source_note)
		snprintf(source, sizeof source, " Source: %s.", w->o->source_note);
	snprintf(text, sizeof text, "Made by %s on %s from %s.%s%s%s%s", w->o->generator ? w->o->generator : "sockscope",
	         when, how, ran && lab_capturing(lab) ? " Capture: " : "", ran && lab_capturing(lab) ? status : "",
	         ran && lab_capturing(lab) ? "." : "", ran ? source : "");
	static const char numbers[] = "Sequence and acknowledgment numbers are relative to each side's first "
	                              "sequence number; times are seconds since the run's first packet.";
	bool packets_shown = lab_capturing(lab) && lab_packet_count(lab) > 0;
	if (html(w)) {
		raw(w, "<footer>\n<p>");
		put_text(w, text);
		raw(w, "</p>\n");
		if (packets_shown) {
			raw(w, "<p>");
			put_text(w, numbers);
			raw(w, "</p>\n");
		}
		raw(w, "</footer>\n</main>\n</body>\n</html>\n");
		return;
	}
	raw(w, "---\n\n");
	para(w, text);
	if (packets_shown)
		para(w, numbers);
}

int handout_write(struct lab *lab, enum handout_format fmt, const struct handout_opts *o, FILE *out, char *err,
                  size_t errlen)
{
	static const struct handout_opts defaults = { 0 };
	struct hw w = { .out = out, .fmt = fmt, .lab = lab, .o = o ? o : &defaults };
	const struct lesson *l = lab_lesson(lab);

	while (lab_step(lab) >= 0)
		;
	doc_begin(&w);
	size_t next = 0, done = lab_steps_done(lab);
	for (size_t i = 0; i < done; i++)
		step(&w, i, &next);
	if (lab_capturing(lab)) {
		struct lab_packet p;
		if (lab_packet(lab, next, &p)) {
			if (html(&w))
				raw(&w, "<section id=\"after\">\n");
			heading(&w, 2, NULL, "After the last step");
			untied_packets(&w, &next, "after the last step");
			if (html(&w))
				raw(&w, "</section>\n");
		}
	}
	if (done) {   /* a lesson of questions only has no run to draw */
		ladders(&w);
		whole_program(&w);
	}
	if (l->recap.n) {
		if (html(&w))
			raw(&w, "<section id=\"recap\">\n");
		heading(&w, 2, NULL, "Recap");
		prose(&w, &l->recap);
		if (html(&w))
			raw(&w, "</section>\n");
	}
	if (l->try_it.n) {
		if (html(&w))
			raw(&w, "<section id=\"try\">\n");
		heading(&w, 2, NULL, "Try it yourself");
		para(&w, "On your own machine:");
		code_block(&w, "sh", "commands to try", &l->try_it);
		if (html(&w))
			raw(&w, "</section>\n");
	}
	questions(&w);
	doc_end(&w);

	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "could not write the handout: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

bool handout_format_for_path(const char *path, enum handout_format *fmt)
{
	if (ends_with(path, ".md") || ends_with(path, ".markdown")) {
		*fmt = HANDOUT_MARKDOWN;
		return true;
	}
	if (ends_with(path, ".html") || ends_with(path, ".htm")) {
		*fmt = HANDOUT_HTML;
		return true;
	}
	return false;
}

int handout_write_file(struct lab *lab, const char *path, const struct handout_opts *o, char *err, size_t errlen)
{
	enum handout_format fmt;
	if (!handout_format_for_path(path, &fmt)) {
		snprintf(err, errlen, "%s: a handout is Markdown (a name ending in .md) or HTML (.html)", path);
		return -1;
	}
	char *partial = xasprintf("%s.partial", path);
	FILE *f = fopen(partial, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", partial, strerror(errno));
		free(partial);
		return -1;
	}
	char why[512];
	int rc = handout_write(lab, fmt, o, f, why, sizeof why);
	/* close before rename: a full disk may only show at the last write */
	if (fclose(f) != 0 && rc == 0) {
		snprintf(why, sizeof why, "could not write the handout: %s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(partial, path) != 0) {
		snprintf(why, sizeof why, "cannot rename %s to %s: %s", partial, path, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		unlink(partial);
		snprintf(err, errlen, "%s: %s", path, why);
	}
	free(partial);
	return rc;
}
