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
 */
#include "trace/trace_priv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct trace_text {
	FILE *out;
	bool many;
};

struct trace_text *text_new(FILE *out)
{
	struct trace_text *t = calloc(1, sizeof *t);
	if (t)
		t->out = out;
	return t;
}

void text_free(struct trace_text *t) { free(t); }

void text_many(struct trace_text *t) { t->many = true; }

static void head(struct trace_text *t, const struct trace_call *c)
{
	char text[2048];
	trace_call_text(c, text, sizeof text);
	if (c->under_line)
		fputs("    ", t->out);   /* --lines: the line's heading is above */
	if (t->many)
		fprintf(t->out, "[pid %d] ", (int)c->tid);
	if (c->where[0])
		fprintf(t->out, "%s  ", c->where);
	fprintf(t->out, "%s\n", text);
}

void text_call(struct trace_text *t, const struct trace_call *c)
{
	head(t, c);
	fflush(t->out);
}

struct drain_ctx {
	struct trace_text *t;
	uint32_t window;
	int between_open;        /* the heading now open: 0 none, 1 between calls, 2 a delayed ACK */
	size_t own;
	bool call_printed;
	const struct trace_call *c;
	bool tail_open;
};

static void on_packet(void *ud, uint32_t window, const char *line)
{
	struct drain_ctx *d = ud;
	if (window == d->window && !d->c) {
		if (!d->tail_open)
			fprintf(d->t->out, "-- the program's end (the kernel closing what it left open):\n");
		d->tail_open = true;
		d->between_open = 0;
		fprintf(d->t->out, "    %s\n", line);
		return;
	}
	if (window == d->window && d->c) {
		if (!d->call_printed) {
			head(d->t, d->c);
			d->call_printed = true;
		}
		fprintf(d->t->out, "    %s\n", line);
		d->own++;
		d->between_open = 0;
		return;
	}
	int kind = window == ATTRIB_DELACK ? 2 : 1;
	if (d->between_open != kind) {
		fprintf(d->t->out, "%s\n", kind == 2 ? "-- between calls (the kernel's delayed ACK: its timer, for data "
		                                        "already received):"
		                                      : "-- between calls (the kernel's own timers, or another program):");
		d->between_open = kind;
		d->tail_open = false;
	}
	fprintf(d->t->out, "    %s\n", line);
}

void text_window(struct trace_text *t, const struct trace_call *c, struct trace_attrib *a)
{
	struct drain_ctx d = { .t = t, .window = c->window, .c = c };
	attrib_drain(a, false, on_packet, &d);
	if (!d.call_printed)
		head(t, c);
	if (!d.own && attrib_capturing(a))
		fprintf(t->out, "%s    (nothing on the wire)\n", c->under_line ? "    " : "");
	fflush(t->out);
}

void text_note(struct trace_text *t, pid_t pid, const char *fmt, ...)
{
	if (t->many)
		fprintf(t->out, "[pid %d] ", (int)pid);
	va_list va;
	va_start(va, fmt);
	vfprintf(t->out, fmt, va);
	va_end(va);
	fputc('\n', t->out);
	fflush(t->out);
}

void text_line(struct trace_text *t, pid_t tid, const char *where, const char *source, const char *suffix)
{
	if (t->many)
		fprintf(t->out, "[pid %d] ", (int)tid);
	fprintf(t->out, "%s  %s%s%s\n", where, source, suffix[0] && source[0] ? "  " : "", suffix);
	fflush(t->out);
}

void text_under(struct trace_text *t, pid_t tid, const char *fmt, ...)
{
	fputs("    ", t->out);
	if (t->many)
		fprintf(t->out, "[pid %d] ", (int)tid);
	va_list va;
	va_start(va, fmt);
	vfprintf(t->out, fmt, va);
	va_end(va);
	fputc('\n', t->out);
	fflush(t->out);
}

void text_tail(struct trace_text *t, struct trace_attrib *a, uint32_t last)
{
	struct drain_ctx d = { .t = t, .window = last };
	attrib_drain(a, true, on_packet, &d);
	fflush(t->out);
}
