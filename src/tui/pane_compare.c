/*
 * pane_compare.c — toggle and compare (key t): the shown step of two runs
 * of the lesson side by side, on the left without the toggle and on the
 * right with it.  Each side lists the step's calls with what they returned,
 * then its packets by shape (lab_packet_shape: who sent it, flags,
 * length — the same text as `--compare` prints), and a row whose shapes
 * differ is marked '!'.  Times and sequence numbers are left out on purpose:
 * they differ in every run and would hide what the toggle changed.
 *
 * While the second run is still catching up (its steps run on the lesson
 * screen's worker thread), the pane says how far it has got.
 */
#include "tui/pane.h"
#include "lab/lab_text.h"
#include "common/mem.h"
#include "common/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
	char text[2][160];
	bool full;                /* one text across both halves */
	enum term_color color;
	char mark;
};

struct compare {
	struct row *rows;
	size_t n, cap;
	size_t top;
	int page;
	struct ui_lines wrap[2];   /* scratch: one call wrapped to a half */
};

static void compare_fini(void *self)
{
	struct compare *c = self;
	ui_lines_free(&c->wrap[0]);
	ui_lines_free(&c->wrap[1]);
	free(c->rows);
}

static void add_row(struct compare *c, const char *left, const char *right, enum term_color color, char mark)
{
	c->rows = vec_room(c->rows, c->n, &c->cap, sizeof *c->rows);
	struct row *r = &c->rows[c->n++];
	snprintf(r->text[0], sizeof r->text[0], "%s", left);
	snprintf(r->text[1], sizeof r->text[1], "%s", right ? right : "");
	r->full = !right;
	r->color = color;
	r->mark = mark;
}

/* The rows for step `st`: headings, calls, packets. */
static void build(struct compare *c, const struct lesson_view *v, size_t st, int half)
{
	const struct lesson_compare *cmp = v->cmp;
	const char *name = cmp->toggle->name;
	const struct lab_step_result *r[2] = { lab_result(cmp->side[0], st), lab_result(cmp->side[1], st) };
	char a[160], b[160];
	c->n = 0;
	snprintf(a, sizeof a, "without %s: %zu packet%s", name, r[0]->npackets, r[0]->npackets == 1 ? "" : "s");
	snprintf(b, sizeof b, "with %s: %zu packet%s", name, r[1]->npackets, r[1]->npackets == 1 ? "" : "s");
	add_row(c, a, b, TC_HEADING, ' ');
	/* Calls side by side, each wrapped within its half: what they returned
	 * is the other half of the story (EAGAIN against 31 bytes). */
	size_t calls = r[0]->nout > r[1]->nout ? r[0]->nout : r[1]->nout;
	for (size_t i = 0; i < calls; i++) {
		char t[1024];
		for (int k = 0; k < 2; k++) {
			ui_lines_clear(&c->wrap[k]);
			if (i >= r[k]->nout)
				continue;
			snprintf(t, sizeof t, "%s: %s %s", r[k]->out[i].role == DEMO_ROLE_CLIENT ? "client" : "lab",
			         r[k]->out[i].call, r[k]->out[i].result);
			ui_lines_wrap(&c->wrap[k], t, half, TC_NORMAL);
		}
		for (size_t j = 0; j < c->wrap[0].n || j < c->wrap[1].n; j++)
			add_row(c, j < c->wrap[0].n ? c->wrap[0].v[j].text : "", j < c->wrap[1].n ? c->wrap[1].v[j].text : "",
			        TC_NORMAL, ' ');
	}
	add_row(c, "", "", TC_NORMAL, ' ');
	size_t rows = r[0]->npackets > r[1]->npackets ? r[0]->npackets : r[1]->npackets;
	size_t differ = 0;
	if (v->no_capture) {
		add_row(c, "(no capture: no packets to compare)", NULL, TC_DIM, ' ');
		return;
	}
	for (size_t i = 0; i < rows; i++) {
		char shape[2][96] = { "", "" };
		for (int k = 0; k < 2; k++) {
			struct lab_packet p;
			if (i < r[k]->npackets && lab_packet(cmp->side[k], r[k]->first_packet + i, &p))
				lab_packet_shape(&p, shape[k], sizeof shape[k]);
		}
		bool diff = strcmp(shape[0], shape[1]) != 0;
		differ += diff;
		add_row(c, shape[0][0] ? shape[0] : "(no packet)", shape[1][0] ? shape[1] : "(no packet)",
		        diff ? TC_KEY : TC_NORMAL, diff ? '!' : ' ');
	}
	if (rows == 0)
		add_row(c, "(nothing on the wire)", "(nothing on the wire)", TC_DIM, ' ');
	add_row(c, "", "", TC_NORMAL, ' ');
	if (differ)
		snprintf(a, sizeof a, "%zu packet row%s marked '!' differ: that is what '%s' changed on the wire.", differ,
		         differ == 1 ? "" : "s", name);
	else
		snprintf(a, sizeof a, "The same packets in both runs: '%s' changed nothing on the wire in this step.", name);
	add_row(c, a, NULL, TC_BOLD, ' ');
}

static void compare_draw(void *self, struct lesson_view *v, struct rect outer, bool focus)
{
	struct compare *c = self;
	const struct lesson_compare *cmp = v->cmp;
	const struct lesson *ls = v->lesson;
	char title[320];
	if (!cmp)
		return;
	if (cmp->running || v->view >= cmp->target)
		snprintf(title, sizeof title, "Compare: %s (%s)", cmp->toggle->name, cmp->toggle->label);
	else
		snprintf(title, sizeof title, "Compare step %zu/%zu: %s  -  without | with '%s' (%s)", v->view + 1,
		         ls->nsteps, ls->steps[v->view].title, cmp->toggle->name, cmp->toggle->label);
	struct rect in = term_box(outer, title, focus);
	struct rect text = { in.y, in.x + 1, in.h, in.w - 2 };
	if (cmp->running) {
		char line[256];
		snprintf(line, sizeof line, "Re-running the lesson with '%s' flipped: %zu of %zu steps done, %zu packets so far...",
		         cmp->toggle->name, cmp->ran, cmp->target, lab_packet_count(cmp->fresh));
		term_text(text.y, text.x, text.w, line, TC_KEY, 0, false);
		term_text(text.y + 1, text.x, text.w, "(a waiting recv() takes as long as its timeout)", TC_DIM, 0, false);
		return;
	}
	if (v->view >= cmp->target) {
		term_text(text.y, text.x, text.w, "This step has not run in either run: b goes back to one that has.",
		          TC_DIM, 0, false);
		return;
	}
	/* A marker column, then two halves with a bar between them. */
	int half = (text.w - 2 - 3) / 2;
	if (half < 8)
		half = 8;
	build(c, v, v->view, half);
	c->page = text.h;
	c->top = c->n > (size_t)text.h && c->top > c->n - (size_t)text.h ? c->n - (size_t)text.h :
	         c->n <= (size_t)text.h ? 0 : c->top;
	for (int y = 0; y < text.h && c->top + (size_t)y < c->n; y++) {
		const struct row *r = &c->rows[c->top + (size_t)y];
		char m[2] = { r->mark, '\0' };
		term_text(text.y + y, text.x, 2, m, r->color, 0, true);
		if (r->full) {
			term_text(text.y + y, text.x + 2, text.w - 2, r->text[0], r->color, 0, true);
			continue;
		}
		term_text(text.y + y, text.x + 2, half, r->text[0], r->color, 0, true);
		term_text(text.y + y, text.x + 2 + half, 3, " | ", TC_BORDER, 0, true);
		term_text(text.y + y, text.x + 5 + half, text.w - 5 - half, r->text[1], r->color, 0, true);
	}
}

static enum ui_result compare_key(void *self, struct lesson_view *v, int key)
{
	struct compare *c = self;
	(void)v;
	return ui_scroll_key(key, &c->top, c->n, c->page) ? UI_REDRAW : UI_IGNORED;
}

const struct pane pane_compare = {
	.name = "compare",
	.size = sizeof(struct compare), .fini = compare_fini, .draw = compare_draw, .key = compare_key,
};
