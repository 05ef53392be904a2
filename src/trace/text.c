/*
 * text.c — the headless face of sockscope trace: one block per call.
 *
 *   client.c:14  connect(3<TCP>, {AF_INET, 127.0.0.1:8080}, 16) = 0
 *         1  0.000000  127.0.0.1:40312 > 127.0.0.1:8080  TCP  74  Flags [S], ...
 *
 * The packet lines are those of `sockscope inspect --print` (textfmt's
 * list line, made on the capture thread as packets arrive, so sequence
 * numbers are relative as there).  Packets outside every call's window are
 * printed under "between calls", where they happened, never under the
 * call that comes next; an ACK the delayed-ACK timer sent has a heading of
 * its own.
 *
 * A block is printed once the capture has read its call's END marker: the
 * call's line is made at once (the program is stopped, its memory is what
 * the call saw) and queued with the lines before it (notes, calls without
 * packets), which wait for it, so everything comes out in the order of the
 * calls.  A windowed call's block is waited for before the program runs on
 * (text_window), so the program's own output stays in its place.
 */
#include "trace/trace_priv.h"
#include "common/mem.h"

#include "capfile/write.h"
#include "render/textfmt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Blocks kept waiting for their END at most; past this the tracer waits
 * for the capture.  Small: a capture far behind is one whose kernel buffer
 * may overflow and drop packets.  Below attrib.c's WIN_RING. */
#define TEXT_MAX_PENDING 8

struct pending {
	char *head;              /* the call's line, or a note ("[pid 12] fork() = 13") */
	char *comment;           /* its packets' comment in --write's file ("client.c:14 connect(...) = 0") */
	uint32_t window;         /* 0: a line without packets */
	unsigned long end_no;    /* its END marker's ordinal; 0: ready at once */
	bool nothing_said;       /* say "(nothing on the wire)" when it got none */
	bool under_line;         /* --lines: that note indented under the call */
};

struct trace_text {
	FILE *out;               /* NULL: nothing printed (a screen shows the events) */
	text_packet_cb sink;     /* every packet printed, also handed here */
	void *sink_ud;
	bool many;
	struct trace_attrib *a;  /* known from the first windowed call */
	struct pending *q;       /* a ring of TEXT_MAX_PENDING */
	size_t qhead, qlen;
	unsigned dropped_said;
	struct capfile_writer *w;  /* --write, or NULL */
	char werr[256];            /* the first write error */
};

/* The comments of packets outside every call, in --write's file. */
static const char BETWEEN_NOTE[] = "between calls (the kernel's own timers, or another program)";
static const char DELACK_NOTE[] = "between calls: the kernel's delayed ACK (its timer, for data already received)";
static const char TAIL_NOTE[] = "the program's end (the kernel closing what it left open)";

static void put(struct trace_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct trace_text *t, const char *fmt, ...)
{
	if (!t->out)
		return;
	va_list va;
	va_start(va, fmt);
	vfprintf(t->out, fmt, va);
	va_end(va);
}

struct trace_text *text_new(FILE *out)
{
	struct trace_text *t = xcalloc(1, sizeof *t);
	t->q = xcalloc(TEXT_MAX_PENDING, sizeof *t->q);
	t->out = out;
	return t;
}

void text_many(struct trace_text *t) { t->many = true; }

bool text_is_many(const struct trace_text *t) { return t->many; }

void text_sink(struct trace_text *t, text_packet_cb cb, void *ud)
{
	t->sink = cb;
	t->sink_ud = ud;
}

/* A call's line: "[pid 12] client.c:14<sep>connect(3<TCP>, ...) = 0",
 * after `indent`.  The block's heading (sep "  ") and a packet's comment
 * in --write's file (sep " "). */
static char *call_line(const struct trace_text *t, const struct trace_call *c, const char *text, const char *indent,
                       const char *sep)
{
	char pid[32] = "";
	if (t->many)
		snprintf(pid, sizeof pid, "[pid %d] ", (int)c->tid);
	size_t n = strlen(indent) + strlen(pid) + strlen(c->where) + strlen(sep) + strlen(text) + 1;
	char *h = xmalloc(n);
	if (h)
		snprintf(h, n, "%s%s%s%s%s", indent, pid, c->where, c->where[0] ? sep : "", text);
	return h;
}

static char *head_of(const struct trace_text *t, const struct trace_call *c, const char *text)
{
	/* --lines: the line's heading is above, the call indented under it */
	return call_line(t, c, text, c->under_line ? "    " : "", "  ");
}

static char *comment_of(const struct trace_text *t, const struct trace_call *c, const char *text)
{
	return call_line(t, c, text, "", " ");
}

static void write_frame(struct trace_text *t, const struct attrib_frame *f, const char *comment)
{
	if (!t->w || !f || t->werr[0])
		return;
	if (capfile_writer_packet(t->w, f->ns, f->caplen, f->wirelen, f->data, comment) < 0)
		snprintf(t->werr, sizeof t->werr, "%s",
		         capfile_writer_error(t->w) ? capfile_writer_error(t->w) : "cannot write");
}

struct drain_ctx {
	struct trace_text *t;
	const char *comment;
	uint32_t window;
	int between_open;        /* the heading now open: 0 none, 1 between calls, 2 a delayed ACK */
	size_t own;
	const char *head;        /* the call's line, printed before its first packet */
	bool head_printed;
	bool tail_open;
};

static void on_packet(void *ud, uint32_t window, const char *line, const struct attrib_frame *f)
{
	struct drain_ctx *d = ud;
	if (d->t->sink)
		d->t->sink(d->t->sink_ud,
		           window == d->window ? (d->head ? TRACE_PK_CALL : TRACE_PK_END)
		           : window == ATTRIB_DELACK ? TRACE_PK_DELACK : TRACE_PK_BETWEEN,
		           line, f);
	write_frame(d->t, f, window == d->window ? (d->head ? (d->comment ? d->comment : d->head) : TAIL_NOTE)
	                     : window == ATTRIB_DELACK ? DELACK_NOTE : BETWEEN_NOTE);
	if (window == d->window && !d->head) {
		if (!d->tail_open)
			put(d->t, "-- the program's end (the kernel closing what it left open):\n");
		d->tail_open = true;
		d->between_open = 0;
		put(d->t, "    %s\n", line);
		return;
	}
	if (window == d->window && d->head) {
		if (!d->head_printed) {
			put(d->t, "%s\n", d->head);
			d->head_printed = true;
		}
		put(d->t, "    %s\n", line);
		d->own++;
		d->between_open = 0;
		return;
	}
	int kind = window == ATTRIB_DELACK ? 2 : 1;
	if (d->between_open != kind) {
		put(d->t, "%s\n", kind == 2 ? "-- between calls (the kernel's delayed ACK: its timer, for data "
		                                       "already received):"
		                                     : "-- between calls (the kernel's own timers, or another program):");
		d->between_open = kind;
		d->tail_open = false;
	}
	put(d->t, "    %s\n", line);
}

/* An untraced run's packets: all under one heading. */
static void on_untraced(void *ud, uint32_t window, const char *line, const struct attrib_frame *f)
{
	(void)window;
	struct drain_ctx *d = ud;
	if (d->t->sink)
		d->t->sink(d->t->sink_ud, TRACE_PK_BETWEEN, line, f);
	write_frame(d->t, f, d->comment);
	if (!d->head_printed) {
		put(d->t, "%s\n", d->head);
		d->head_printed = true;
	}
	put(d->t, "    %s\n", line);
	d->own++;
}

/* Print what is ready, in order; block: wait for each END (the end of the
 * run, or a queue that is full). */
static void flush(struct trace_text *t, bool block)
{
	bool printed = false;
	while (t->qlen) {
		struct pending *p = &t->q[t->qhead];
		if (p->end_no && t->a &&
		    !attrib_wait_end(t->a, p->end_no, block || t->qlen >= TEXT_MAX_PENDING) && !block &&
		    t->qlen < TEXT_MAX_PENDING)
			break;   /* not read yet (a marker that never comes is given up at the bound) */
		if (p->window && t->a) {
			struct drain_ctx d = { .t = t, .window = p->window, .head = p->head ? p->head : "?",
			                       .comment = p->comment };
			attrib_drain_to(t->a, p->end_no, on_packet, &d);
			if (!d.head_printed)
				put(t, "%s\n", d.head);
			if (!d.own && p->nothing_said)
				put(t, "%s    (nothing on the wire)\n", p->under_line ? "    " : "");
		} else if (p->head) {
			put(t, "%s\n", p->head);
		}
		free(p->head);
		free(p->comment);
		p->head = p->comment = NULL;
		t->qhead = (t->qhead + 1) % TEXT_MAX_PENDING;
		t->qlen--;
		printed = true;
	}
	if (printed && t->out)
		fflush(t->out);
}

static void push(struct trace_text *t, char *head, char *comment, uint32_t window, unsigned long end_no,
                 bool nothing_said, bool under_line)
{
	if (t->qlen >= TEXT_MAX_PENDING)
		flush(t, true);
	struct pending *p = &t->q[(t->qhead + t->qlen) % TEXT_MAX_PENDING];
	*p = (struct pending){ head, comment, window, end_no, nothing_said, under_line };
	t->qlen++;
	flush(t, false);
}

void text_call(struct trace_text *t, const struct trace_call *c, const char *text)
{
	push(t, head_of(t, c, text), NULL, 0, 0, false, false);
}

void text_window(struct trace_text *t, const struct trace_call *c, const char *text, struct trace_attrib *a)
{
	t->a = a;
	bool capturing = attrib_capturing(a);
	push(t, head_of(t, c, text), t->w ? comment_of(t, c, text) : NULL, c->window,
	     capturing ? attrib_ends_sent(a) : 0,
	     capturing, c->under_line);
	/* Printed before the program runs on, so that its own output comes
	 * after the block of the call before it, as it happened.  (Letting
	 * blocks lag a few calls behind spared the tracer a wake-up per
	 * call, but put a program's printf before the calls that preceded it;
	 * measured, the time saved was within the noise of this machine.) */
	flush(t, true);
}

void text_note(struct trace_text *t, pid_t pid, const char *fmt, ...)
{
	char text[1024], *line = NULL;
	va_list va;
	va_start(va, fmt);
	vsnprintf(text, sizeof text, fmt, va);
	va_end(va);
	if (t->many) {
		size_t n = strlen(text) + 32;
		line = xmalloc(n);
		if (line)
			snprintf(line, n, "[pid %d] %s", (int)pid, text);
	} else {
		line = xstrdup(text);
	}
	push(t, line, NULL, 0, 0, false, false);
}

void text_line(struct trace_text *t, pid_t tid, const char *where, const char *source, const char *suffix)
{
	char pid[32] = "";
	if (t->many)
		snprintf(pid, sizeof pid, "[pid %d] ", (int)tid);
	size_t n = strlen(pid) + strlen(where) + strlen(source) + strlen(suffix) + 8;
	char *line = xmalloc(n);
	if (line)
		snprintf(line, n, "%s%s  %s%s%s", pid, where, source, suffix[0] && source[0] ? "  " : "", suffix);
	push(t, line, NULL, 0, 0, false, false);
}

void text_under(struct trace_text *t, pid_t tid, const char *fmt, ...)
{
	char text[1024], pid[32] = "";
	va_list va;
	va_start(va, fmt);
	vsnprintf(text, sizeof text, fmt, va);
	va_end(va);
	if (t->many)
		snprintf(pid, sizeof pid, "[pid %d] ", (int)tid);
	size_t n = strlen(pid) + strlen(text) + 8;
	char *line = xmalloc(n);
	if (line)
		snprintf(line, n, "    %s%s", pid, text);
	push(t, line, NULL, 0, 0, false, false);
}

void text_untraced(struct trace_text *t, struct trace_attrib *a)
{
	t->a = a;
	flush(t, true);
	if (attrib_capturing(a))
		attrib_wait_end(a, attrib_ends_sent(a), true);
	struct drain_ctx d = { .t = t, .head = "-- the program's packets (ptrace is refused: not told apart by call):",
	                       .comment = "ptrace refused: not told apart by call" };
	attrib_drain(a, true, on_untraced, &d);
	if (!d.own)
		put(t, "%s\n    (nothing on the wire)\n", d.head);
	if (t->out)
		fflush(t->out);
}

void text_tail(struct trace_text *t, struct trace_attrib *a, uint32_t last)
{
	t->a = a;
	flush(t, true);
	struct drain_ctx d = { .t = t, .window = last };
	attrib_drain(a, true, on_packet, &d);
	unsigned dropped = attrib_dropped(a);
	if (dropped && dropped != t->dropped_said) {
		put(t, "-- the capture lost %u packets (the kernel's buffer was full): they are not shown\n",
		        dropped);
		t->dropped_said = dropped;
	}
	if (t->out)
		fflush(t->out);
}

int text_write_open(struct trace_text *t, struct trace_attrib *a, const char *path, char *err, size_t errlen)
{
	int linktype = attrib_linktype(a);
	if (linktype < 0) {
		snprintf(err, errlen, "--write %s: there is no capture to write", path);
		return -1;
	}
	const char *why[] = { "sockscope trace: each packet's comment names the call it came in, with its source "
	                      "line, or says it came between calls" };
	struct capfile_write_opts o = { .format = CAPFILE_PCAPNG, .linktype = linktype, .nano = true,
	                                .comments = why, .ncomments = 1, .userappl = "sockscope trace" };
	t->w = capfile_writer_open(path, &o, err, errlen);
	if (!t->w)
		return -1;
	attrib_keep_frames(a);
	return 0;
}

int text_write_close(struct trace_text *t, char *err, size_t errlen)
{
	if (!t->w)
		return 0;
	struct capfile_writer *w = t->w;
	t->w = NULL;
	if (t->werr[0]) {
		capfile_writer_close(w, false, err, errlen);
		snprintf(err, errlen, "the capture file was not written: %s", t->werr);
		return -1;
	}
	return capfile_writer_close(w, true, err, errlen);
}

void text_free(struct trace_text *t)
{
	if (!t)
		return;
	if (t->qlen)
		flush(t, true);
	if (t->w) {
		char err[256];
		capfile_writer_close(t->w, false, err, sizeof err);   /* not finished: no half file */
	}
	for (size_t i = 0; i < TEXT_MAX_PENDING; i++) {
		free(t->q[i].head);
		free(t->q[i].comment);
	}
	free(t->q);
	free(t);
}

/* ---- the words a face shows (trace.h) ---- */

void trace_text_event(const struct trace_event *ev, char *buf, size_t n)
{
	const char *kind = ev->kind == TRACE_EV_LINE ? "(line) " : "";
	char pid[32] = "";
	if (ev->many && ev->pid)
		snprintf(pid, sizeof pid, "[pid %d] ", (int)ev->pid);
	if (ev->kind == TRACE_EV_CALL && ev->unfinished)
		snprintf(buf, n, "%s%s%s%s  (still waiting after %.1f s when the trace ended)", pid, ev->where,
		         ev->where[0] ? "  " : "", ev->text, (double)ev->waited_ms / 1000);
	else
		snprintf(buf, n, "%s%s%s%s%s", pid, ev->where, ev->where[0] ? "  " : "", kind, ev->text);
}

void trace_text_packet(const struct trace_packet *p, int width, char *buf, size_t n)
{
	static const char *const before[] = {
		[TRACE_PK_CALL] = "",
		[TRACE_PK_BETWEEN] = "between calls: ",
		[TRACE_PK_DELACK] = "delayed ACK: ",
		[TRACE_PK_END] = "the program's end: ",
	};
	int k = snprintf(buf, n, "%s", before[p->kind]);
	if (k < 0 || (size_t)k >= n)
		return;
	if (width > 0)
		textfmt_list_line_refit(p->line, width - k, buf + k, n - (size_t)k);
	else
		snprintf(buf + k, n - (size_t)k, "%s", p->line);
}

void trace_text_no_source(const char *prog, char *buf, size_t n)
{
	const char *base = strrchr(prog, '/');
	snprintf(buf, n, "call granularity: %s has no source lines", base ? base + 1 : prog);
}

void trace_text_state(const struct trace_event *last, const struct trace_event *waiting, size_t sel, size_t n,
                      char *buf, size_t len)
{
	if (last && last->kind == TRACE_EV_END)
		snprintf(buf, len, "the end: %s", last->text);
	else if (waiting)
		snprintf(buf, len, "%s", waiting->text);
	else if (!n)
		snprintf(buf, len, "ready: Space runs to the first call");
	else
		snprintf(buf, len, "stopped after event %zu (showing %zu)", n, sel + 1);
}

static char *frame_tag(const struct trace_event *ev, const struct trace_packet *p)
{
	static const char *const said[] = {
		[TRACE_PK_BETWEEN] = "between calls",
		[TRACE_PK_DELACK] = "delayed ACK",
		[TRACE_PK_END] = "the program's end",
	};
	if (p->kind != TRACE_PK_CALL)
		return xstrdup(said[p->kind]);
	char tag[400];
	snprintf(tag, sizeof tag, "%s%s%s%s", ev->where, ev->where[0] && ev->call ? " " : "", ev->call ? ev->call : "",
	         ev->call ? "()" : "");
	return xstrdup(tag);
}

void trace_frames_get(const struct trace *t, struct trace_frames *fr)
{
	memset(fr, 0, sizeof *fr);
	int link = trace_linktype(t);
	size_t nev = trace_event_count(t), cap = 0;
	for (size_t i = 0; link >= 0 && i < nev; i++) {
		const struct trace_event *ev = trace_event_at(t, i);
		for (size_t k = 0; ev && k < ev->npk; k++) {
			const struct trace_packet *p = &ev->pk[k];
			if (!p->data)
				continue;
			if (fr->n == cap) {
				cap = cap ? cap * 2 : 64;
				fr->f = xrealloc(fr->f, cap * sizeof *fr->f);
				fr->tag = xrealloc(fr->tag, cap * sizeof *fr->tag);
				fr->ev = xrealloc(fr->ev, cap * sizeof *fr->ev);
				fr->pk = xrealloc(fr->pk, cap * sizeof *fr->pk);
			}
			fr->tag[fr->n] = frame_tag(ev, p);
			/* the number the packet line starts with, so arrows and lines agree */
			fr->f[fr->n] = (struct ladder_frame){ .linktype = link, .data = p->data, .caplen = p->caplen,
				                                  .wirelen = p->wirelen, .number = (uint32_t)strtoul(p->line, NULL, 10),
				                                  .tag = fr->tag[fr->n] };
			fr->ev[fr->n] = i;
			fr->pk[fr->n] = k;
			fr->n++;
		}
	}
}

void trace_frames_free(struct trace_frames *fr)
{
	for (size_t i = 0; i < fr->n; i++)
		free(fr->tag[i]);
	free(fr->tag);
	free(fr->f);
	free(fr->ev);
	free(fr->pk);
	memset(fr, 0, sizeof *fr);
}

char *trace_text_source(const char *path, size_t *len)
{
	FILE *f = path && path[0] ? fopen(path, "re") : NULL;
	if (!f)
		return NULL;
	/* a source file, not a log: its first megabyte */
	char *buf = xmalloc((1 << 20) + 1);
	size_t k = fread(buf, 1, 1 << 20, f);
	fclose(f);
	buf[k] = '\0';
	*len = k;
	return buf;
}
