/*
 * pane_explain.c — the shown step: what its calls returned, how many packets
 * they put on the wire, the prediction graded against the capture, the
 * kernel's TCP states after it, and the lesson's explanation wrapped to the
 * width.
 *
 * Explanations are prose: the lines of a paragraph are joined and wrapped
 * again to the pane, except indented lines (tables, diagrams), which keep
 * their own line and indentation.
 */
#include "tui/pane.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct explain {
	struct ui_lines lines;
	size_t top, seen_view;
	int page;
};

static void explain_fini(void *self)
{
	struct explain *e = self;
	ui_lines_free(&e->lines);
}

static void add_explanation(struct ui_lines *l, const struct lesson_view *v, int width);

static void add_outcomes(struct ui_lines *l, const struct lesson_view *v, int width, bool states)
{
	char buf[1024];
	const struct lab_step_result *r = lesson_view_result(v);
	if (v->running && v->view == v->done) {
		const char *who = lab_waiting_for(v->lab);
		if (who) {   /* two terminals: the other side has not come this far yet */
			snprintf(buf, sizeof buf, "Waiting for %s...", who);
			ui_lines_wrap(l, buf, width, TC_KEY);
		} else {
			ui_lines_add(l, "Running: the calls are being made now...", TC_KEY, ' ');
		}
		return;
	}
	const struct lesson_step *st = &v->lesson->steps[v->view];
	if (!r) {
		ui_lines_add(l, "Not run yet: press Space to run this step for real.", TC_KEY, ' ');
		if (st->predict && !v->no_capture) {
			snprintf(buf, sizeof buf, "Predict first: %s (Space asks for your answer)", st->predict_q);
			ui_lines_wrap(l, buf, width, TC_NORMAL);
		}
		return;
	}
	for (size_t i = 0; i < r->nout; i++) {
		const struct demo_outcome *o = &r->out[i];
		snprintf(buf, sizeof buf, "%s: %s %s", o->role == DEMO_ROLE_CLIENT ? "client" : "lab server", o->call,
		         o->result);
		ui_lines_wrap(l, buf, width, o->err ? TC_ERROR : TC_OK);
	}
	if (v->no_capture)
		snprintf(buf, sizeof buf, "Packets: not captured (see the status line).");
	else if (!r->attributed)
		snprintf(buf, sizeof buf, "Packets: could not be told apart from the next step's (the capture missed the step's end).");
	else if (r->npackets == 0)
		snprintf(buf, sizeof buf, "Nothing went on the wire.");
	else
		snprintf(buf, sizeof buf, "%zu packet%s on the wire, marked * in the packet list%s.", r->npackets,
		         r->npackets == 1 ? "" : "s", r->quiet ? "" : " (the kernel still had data in flight)");
	ui_lines_wrap(l, buf, width, TC_BOLD);
	if (!v->no_capture && r->kernel_drops)
		ui_lines_wrap(l, lab_drops_text(r, buf, sizeof buf), width, TC_ERROR);
	if (st->predict && !v->no_capture && r->attributed) {
		/* Graded on the step's own capture, as the headless --guess is. */
		unsigned seen = lab_count(v->lab, v->view, st->predict);
		long g = v->guess ? v->guess[v->view] : GUESS_NOT_ASKED;
		if (g >= 0)
			snprintf(buf, sizeof buf, "Prediction: you said %ld; the capture shows %u: %s", g, seen,
			         (unsigned long)g == seen ? "right" : "not this time");
		else
			snprintf(buf, sizeof buf, "Prediction (%s): the capture shows %u", st->predict_q, seen);
		ui_lines_wrap(l, buf, width, g < 0 ? TC_NORMAL : (unsigned long)g == seen ? TC_OK : TC_KEY);
	}
	if (states && r->nstates) {
		ui_lines_add(l, "TCP states after it (the kernel's view; s: timeline):", TC_HEADING, ' ');
		for (size_t i = 0; i < r->nstates; i++) {
			snprintf(buf, sizeof buf, "  %s", r->states[i]);
			ui_lines_wrap(l, buf, width, TC_NORMAL);
		}
	}
}

size_t pane_explain_lines(const struct lesson_view *v, int width, bool all)
{
	struct ui_lines l = { 0 };
	if (v->view < v->lesson->nsteps) {
		add_outcomes(&l, v, width, all);
		if (all) {
			ui_lines_add(&l, "", TC_NORMAL, ' ');
			if (lesson_view_hides_step(v, v->view))
				ui_lines_add(&l, "", TC_NORMAL, ' ');
			else
				add_explanation(&l, v, width);
		}
	}
	size_t n = l.n;
	ui_lines_free(&l);
	return n;
}

static void add_explanation(struct ui_lines *l, const struct lesson_view *v, int width)
{
	const struct text_block *b = &v->lesson->steps[v->view].explain;
	char para[4096], line[1024];
	size_t len = 0;
	for (size_t i = 0; i <= b->n; i++) {
		const char *src = i < b->n ? b->lines[i] : "";
		lesson_expand(src, v->vars, line, sizeof line);
		bool prose = line[0] && line[0] != ' ' && line[0] != '\t';
		if (prose && len + strlen(line) + 2 < sizeof para) {   /* join the paragraph */
			len += (size_t)snprintf(para + len, sizeof para - len, "%s%s", len ? " " : "", line);
			continue;
		}
		if (len)
			ui_lines_wrap(l, para, width, TC_NORMAL);
		len = 0;
		if (i < b->n)
			ui_lines_wrap(l, line, width, TC_NORMAL);
	}
}

static void explain_draw(void *self, struct lesson_view *v, struct rect outer, bool focus)
{
	struct explain *e = self;
	const struct lesson *ls = v->lesson;
	char title[256];
	snprintf(title, sizeof title, "Step %zu/%zu: %s", v->view + 1, ls->nsteps, lesson_view_step_title(v, v->view));
	struct rect in = term_box(outer, title, focus);
	struct rect text = { in.y, in.x + 1, in.h, in.w - 2 };
	ui_lines_clear(&e->lines);
	if (v->view < ls->nsteps) {
		add_outcomes(&e->lines, v, text.w, true);
		ui_lines_add(&e->lines, "", TC_NORMAL, ' ');
		if (lesson_view_hides_step(v, v->view))   /* it may state the answer */
			ui_lines_wrap(&e->lines, "The explanation comes after your prediction.", text.w, TC_DIM);
		else
			add_explanation(&e->lines, v, text.w);
	}
	if (v->view != e->seen_view)
		e->top = 0;
	e->seen_view = v->view;
	e->page = text.h;
	if (e->top + (size_t)text.h > e->lines.n)   /* a wider pane needs fewer lines */
		e->top = e->lines.n > (size_t)text.h ? e->lines.n - (size_t)text.h : 0;
	ui_lines_draw(&e->lines, text, e->top, 0, false);
	if (e->top + (size_t)text.h < e->lines.n)
		term_text(in.y + in.h, in.x + in.w - 14, 12, " more below ", TC_DIM, 0, false);
}

static enum ui_result explain_key(void *self, struct lesson_view *v, int key)
{
	struct explain *e = self;
	(void)v;
	return ui_scroll_key(key, &e->top, e->lines.n, e->page) ? UI_REDRAW : UI_IGNORED;
}

const struct pane pane_explain = {
	.name = "step",
	.size = sizeof(struct explain), .fini = explain_fini, .draw = explain_draw, .key = explain_key,
};
