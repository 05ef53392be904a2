/*
 * pane_code.c — the whole program of the lesson (head, every step's lines,
 * tail) in C, in Python, or both side by side; the shown step's lines marked with '>' and a
 * highlight bar, the steps not run yet dimmed.  It scrolls by itself to keep
 * the shown step in view, until the user scrolls it (focus + Up/Down).
 *
 * Two terminals: the server side shows the lab side's calls instead (the
 * lesson's program is the client's).
 *
 * Bytes back to code: while the detail pane's selected field has an origin
 * (v->origin), the lines that set it are lit in the colour of the field's
 * highlighted bytes and marked '<', and they are what is kept in view.
 */
#include "tui/pane.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct code {
	struct ui_lines lines;
	size_t top;
	bool manual;          /* the user scrolled: leave `top` alone */
	size_t seen_view;     /* view and language of the last draw, to notice a change */
	bool seen_python, seen_both;
	const struct lesson_origin *seen_origin;
	int skip, page;
};

static void code_fini(void *self)
{
	struct code *c = self;
	ui_lines_free(&c->lines);
}

static void add_block(struct ui_lines *l, const struct lesson_view *v, const struct text_block *b,
                      enum term_color color, char mark)
{
	char code[1024], line[1100];
	for (size_t i = 0; i < b->n; i++) {
		lesson_expand(b->lines[i], v->vars, code, sizeof code);
		snprintf(line, sizeof line, "%3zu  %s", l->n + 1, code);
		ui_lines_add(l, line, color, mark);
	}
}

/* C and Python side by side, line by line: the C half cut or padded to
 * v->code_half columns, so each step's two versions start on one row. */
static void add_pair(struct ui_lines *l, const struct lesson_view *v, const struct text_block *c,
                     const struct text_block *py, enum term_color color, char mark)
{
	char cl[1024], pl[1024], line[2100];
	int half = v->code_half > 10 ? v->code_half : 40;
	size_t n = c->n > py->n ? c->n : py->n;
	for (size_t i = 0; i < n; i++) {
		cl[0] = pl[0] = '\0';
		if (i < c->n)
			lesson_expand(c->lines[i], v->vars, cl, sizeof cl);
		if (i < py->n)
			lesson_expand(py->lines[i], v->vars, pl, sizeof pl);
		snprintf(line, sizeof line, "%-*.*s | %s", half, half, cl, pl);
		ui_lines_add(l, line, color, mark);
	}
}

/* One block of the program in the language(s) shown. */
static void add_code(struct ui_lines *l, const struct lesson_view *v, const struct text_block *c,
                     const struct text_block *py, enum term_color color, char mark)
{
	if (v->both)
		add_pair(l, v, c, py, color, mark);
	else
		add_block(l, v, v->python ? py : c, color, mark);
}

/* Light the lines in [lo, hi) that contain the origin's expression;
 * returns how many, and the first and last of them. */
static size_t light_origin(struct ui_lines *l, const char *needle, size_t lo, size_t hi, size_t *first, size_t *last)
{
	size_t n = 0;
	for (size_t i = lo; i < hi && i < l->n; i++) {
		if (!strstr(l->v[i].text, needle))
			continue;
		l->v[i].color = TC_HEX_HL;
		l->v[i].mark = '<';
		if (n++ == 0)
			*first = i;
		*last = i;
	}
	return n;
}

/* Two terminals, the server side: the lesson's program is the client's,
 * which this terminal does not run.  Its own code is the lab side's calls
 * of each step -- as they returned once the step ran, else the function
 * and the socket each action calls -- under each step's title. */
static void build_server(struct ui_lines *l, const struct lesson_view *v, size_t *first, size_t *last)
{
	const struct lesson *ls = v->lesson;
	char line[400];
	*first = *last = 0;
	for (size_t i = 0; i < ls->nsteps; i++) {
		const struct lesson_step *st = &ls->steps[i];
		bool shown = i == v->view;
		enum term_color c = shown ? TC_CURRENT : i < v->done ? TC_NORMAL : TC_PENDING;
		size_t start = l->n;
		snprintf(line, sizeof line, "/* step %zu: %s */", i + 1, lesson_view_step_title(v, i));
		ui_lines_add(l, line, shown ? TC_CURRENT : TC_DIM, shown ? '>' : ' ');
		const struct lab_step_result *r = i < v->done ? lab_result(v->lab, i) : NULL;
		size_t calls = 0;
		for (size_t k = 0; r && k < r->nout; k++)
			if (r->out[k].role == DEMO_ROLE_SERVER) {
				snprintf(line, sizeof line, "    %s;", r->out[k].call);
				ui_lines_add(l, line, c, shown ? '>' : ' ');
				calls++;
			}
		for (size_t k = 0; !r && k < st->nactions; k++) {
			const struct demo_action *a = &st->actions[k];
			const char *func, *sock;
			if (a->role != DEMO_ROLE_SERVER || !demo_action_enabled(a, lab_toggles(v->lab)))
				continue;
			if (demo_action_call(a, &func, &sock))
				snprintf(line, sizeof line, "    %s(%s, ...);", func, sock);
			else
				snprintf(line, sizeof line, "    /* %s */", demo_action_name(a));
			ui_lines_add(l, line, c, shown ? '>' : ' ');
			calls++;
		}
		if (!calls)
			ui_lines_add(l, "    /* nothing on this side: the client's calls only */", TC_DIM, shown ? '>' : ' ');
		if (shown) {
			*first = start;
			*last = l->n - 1;
		}
	}
}

/* Build the program's lines; [*first, *last] are the lines to keep in
 * view: the shown step's, or the origin's while one is lit. */
static void build(struct ui_lines *l, const struct lesson_view *v, size_t *first, size_t *last)
{
	const struct lesson *ls = v->lesson;
	if (lab_side(v->lab) == DEMO_SIDE_SERVER) {
		ui_lines_clear(l);
		build_server(l, v, first, last);
		return;
	}
	size_t olo = 0, ohi = 0;   /* the origin's step's lines */
	ui_lines_clear(l);
	add_code(l, v, &ls->c_head, &ls->py_head, TC_NORMAL, ' ');
	*first = *last = l->n;
	for (size_t i = 0; i < ls->nsteps; i++) {
		const struct lesson_step *s = &ls->steps[i];
		size_t start = l->n;
		bool shown = i == v->view;
		enum term_color c = shown ? TC_CURRENT : i < v->done ? TC_NORMAL : TC_PENDING;
		add_code(l, v, lesson_step_code(s, v->family), &s->py, c, shown ? '>' : ' ');
		if (shown && l->n > start) {
			*first = start;
			*last = l->n - 1;
		}
		if (v->origin && v->origin_step == (int)i) {
			olo = start;
			ohi = l->n;
		}
	}
	add_code(l, v, &ls->c_tail, &ls->py_tail, TC_NORMAL, ' ');
	/* The step's own lines first: a later step may use the same expression
	 * (a second connection to the same port), but these bytes came from here. */
	if (v->origin && v->origin_needle[0] && !light_origin(l, v->origin_needle, olo, ohi, first, last))
		light_origin(l, v->origin_needle, 0, l->n, first, last);
}

size_t pane_code_lines(const struct lesson_view *v)
{
	struct ui_lines l = { 0 };
	size_t first, last;
	build(&l, v, &first, &last);
	size_t n = l.n;
	ui_lines_free(&l);
	return n;
}

int pane_code_width(const struct lesson_view *v)
{
	struct ui_lines l = { 0 };
	size_t first, last;
	build(&l, v, &first, &last);
	int w = 0;
	for (size_t i = 0; i < l.n; i++) {
		int lw = (int)strlen(l.v[i].text);
		w = lw > w ? lw : w;
	}
	ui_lines_free(&l);
	return w;
}

static void code_draw(void *self, struct lesson_view *v, struct rect outer, bool focus)
{
	struct code *c = self;
	char title[96];
	if (lab_side(v->lab) == DEMO_SIDE_SERVER)
		snprintf(title, sizeof title, "Lab side's calls: this terminal's code (the program is the client's)");
	else
		snprintf(title, sizeof title, "%s  (p: %s)",
		         v->both ? "C | Python" : v->python ? "Python program" : "C program",
		         v->both ? "C" : v->python ? "C and Python side by side" : "Python");
	struct rect in = term_box(outer, title, focus);
	v->code_half = (in.w - 3) / 2;
	size_t first, last;
	build(&c->lines, v, &first, &last);
	if (v->view != c->seen_view || v->python != c->seen_python || v->both != c->seen_both ||
	    v->origin != c->seen_origin)
		c->manual = false;
	c->seen_view = v->view;
	c->seen_python = v->python;
	c->seen_both = v->both;
	c->seen_origin = v->origin;
	if (!c->manual && c->lines.n) {   /* the step with a line of context either side */
		bool room = last - first + 3 <= (size_t)(in.h > 0 ? in.h : 0);   /* else the step's own lines first */
		size_t lo = first > 0 && room ? first - 1 : first;
		size_t hi = last + 1 < c->lines.n && room ? last + 1 : last;
		c->top = ui_scroll_into_view(c->top, lo, hi, in.h, c->lines.n);
	}
	c->page = in.h;
	ui_lines_draw(&c->lines, in, c->top, c->skip, true);
}

static enum ui_result code_key(void *self, struct lesson_view *v, int key)
{
	struct code *c = self;
	(void)v;
	if (ui_hscroll_key(key, &c->skip))
		return UI_REDRAW;
	if (!ui_scroll_key(key, &c->top, c->lines.n, c->page))
		return UI_IGNORED;
	c->manual = true;
	return UI_REDRAW;
}

const struct pane pane_code = {
	.name = "code",
	.size = sizeof(struct code), .fini = code_fini, .draw = code_draw, .key = code_key,
};
