/*
 * ui_timeline.c — the TCP state timeline (key s): one row per step run, one
 * column per connection, each cell the state the kernel reported for that
 * socket after the step (lab_result()->states, the same lines as the
 * headless "tcp state:" output), beside the packets the step put on the
 * wire.  A state that changed in a step is lit; a socket that has gone is
 * shown as "-".  Rows are steps so that the table reads top to bottom like
 * the lesson, and it stays legible on a projector.
 *
 * It reads the lesson screen's view (the arg), never a step still running:
 * only steps below v->done, whose results the worker no longer writes.  A
 * step that finishes meanwhile reaches it by the lesson screen's tick, which
 * asks for a redraw of the whole stack.
 */
#include "tui/pane.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CONNS = 16, STEPW = 34, PKTW = 6 };

struct conn {
	char key[96];       /* the state line without its state: "client 127.0.0.1:5 > 127.0.0.1:6" */
	char label[48];     /* "client :5 > :6" */
	int w;
};

struct timeline {
	struct ui_size size;       /* first: ui_resize_size fills it */
	struct ui *ui;
	const struct lesson_view *v;
	struct conn conns[MAX_CONNS];
	size_t nconns;
	size_t top;
	size_t first;       /* the first connection column shown (< > move it) */
};

static void *timeline_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct timeline *t = xcalloc(1, sizeof *t);
	t->ui = ui;
	t->v = arg;
	return t;
}

static void timeline_destroy(void *self)
{
	free(self);
}

/* "lab    127.0.0.1:5 > 127.0.0.1:6  ESTABLISHED" into its key and state. */
static void split_state(const char *line, char *key, size_t kn, const char **state)
{
	size_t len = strlen(line);
	while (len && line[len - 1] == ' ')
		len--;
	size_t s = len;
	while (s && line[s - 1] != ' ')
		s--;
	*state = line + s;
	size_t k = s;
	while (k && line[k - 1] == ' ')
		k--;
	/* The role is padded for alignment ("lab   "): squeeze the blanks. */
	size_t o = 0;
	for (size_t i = 0; i < k && o + 1 < kn; i++)
		if (line[i] != ' ' || (o && key[o - 1] != ' '))
			key[o++] = line[i];
	key[o] = '\0';
}

/* "client 127.0.0.1:5 > 127.0.0.1:6" -> "client :5 > :6": on loopback the
 * ports are what tell the connections apart. */
static void short_label(const char *key, char *buf, size_t n)
{
	char role[16] = "", a[64] = "", b[64] = "";
	if (sscanf(key, "%15s %63s > %63s", role, a, b) != 3) {
		snprintf(buf, n, "%s", key);
		return;
	}
	const char *pa = strrchr(a, ':'), *pb = strrchr(b, ':');
	snprintf(buf, n, "%s %s > %s", role, pa ? pa : a, pb ? pb : b);
}

static int find_conn(struct timeline *t, const char *key, bool add)
{
	for (size_t i = 0; i < t->nconns; i++)
		if (strcmp(t->conns[i].key, key) == 0)
			return (int)i;
	if (!add || t->nconns == MAX_CONNS)
		return -1;
	struct conn *c = &t->conns[t->nconns];
	snprintf(c->key, sizeof c->key, "%s", key);
	short_label(key, c->label, sizeof c->label);
	c->w = (int)strlen(c->label) > 12 ? (int)strlen(c->label) + 2 : 14;
	return (int)t->nconns++;
}

/* The state of connection c after step st, or NULL when it had none. */
static const char *state_of(const struct lab_step_result *r, const char *ckey)
{
	char key[96];
	const char *state;
	for (size_t i = 0; i < r->nstates; i++) {
		split_state(r->states[i], key, sizeof key, &state);
		if (strcmp(key, ckey) == 0)
			return state;
	}
	return NULL;
}

static void timeline_draw(void *self)
{
	struct timeline *t = self;
	const struct lesson_view *v = t->v;
	char buf[256], key[96];
	const char *state;
	t->nconns = 0;
	for (size_t st = 0; st < v->done; st++) {   /* columns in order of appearance */
		const struct lab_step_result *r = lab_result(v->lab, st);
		for (size_t i = 0; r && i < r->nstates; i++) {
			split_state(r->states[i], key, sizeof key, &state);
			find_conn(t, key, true);
		}
	}
	snprintf(buf, sizeof buf, "sockscope  -  %s  -  TCP states after each step", v->lesson->title);
	ui_status_bar(0, t->size.w, buf, "? help");
	struct rect in = term_box((struct rect){ 1, 0, t->size.h - 2, t->size.w }, "TCP state timeline (s)", true);
	struct rect text = { in.y, in.x + 1, in.h, in.w - 2 };
	int y = text.y, bottom = text.y + text.h;
	struct ui_lines intro = { 0 };
	ui_lines_wrap(&intro, "What the kernel reports for each socket after the step's calls returned (as `ss -tan` "
	              "shows it); lit: changed in that step, -: gone.", text.w, TC_DIM);
	ui_lines_draw(&intro, (struct rect){ y, text.x, (int)intro.n < text.h ? (int)intro.n : text.h, text.w }, 0, 0,
	              false);
	y += (int)intro.n + 1;
	ui_lines_free(&intro);
	/* The heading: step, packets, then a column per connection. */
	if (t->first >= t->nconns)
		t->first = t->nconns ? t->nconns - 1 : 0;
	int right = text.x + text.w;
	term_text(y, text.x, STEPW, "step", TC_HEADING, 0, true);
	term_text(y, text.x + STEPW, PKTW, "pkts", TC_HEADING, 0, true);
	int x = text.x + STEPW + PKTW;
	for (size_t c = t->first; c < t->nconns && x < right; c++) {
		term_text(y, x, right - x < t->conns[c].w ? right - x : t->conns[c].w, t->conns[c].label, TC_HEADING, 0,
		          true);
		x += t->conns[c].w;
	}
	y++;
	if (v->done == 0)
		term_text(y++, text.x, text.w, "No step has run yet: Space in the lesson runs the next one.", TC_DIM, 0, false);
	size_t rows = v->done, page = bottom - y > 0 ? (size_t)(bottom - y) : 0;
	if (t->top + page > rows)
		t->top = rows > page ? rows - page : 0;
	for (size_t st = t->top; st < rows && y < bottom; st++, y++) {
		const struct lab_step_result *r = lab_result(v->lab, st);
		const struct lab_step_result *prev = st ? lab_result(v->lab, st - 1) : NULL;
		snprintf(buf, sizeof buf, "%2zu %s", st + 1, v->lesson->steps[st].title);
		term_text(y, text.x, STEPW - 1, buf, st == v->view ? TC_CURRENT : TC_NORMAL, 0, true);
		if (v->no_capture || !r->attributed)
			snprintf(buf, sizeof buf, "%4s", "-");
		else
			snprintf(buf, sizeof buf, "%4zu", r->npackets);
		term_text(y, text.x + STEPW, PKTW, buf, TC_NORMAL, 0, true);
		x = text.x + STEPW + PKTW;
		for (size_t c = t->first; c < t->nconns && x < right; c++) {
			const char *now = state_of(r, t->conns[c].key);
			const char *before = prev ? state_of(prev, t->conns[c].key) : NULL;
			bool changed = now && (!before || strcmp(now, before) != 0);
			const char *cell = now ? now : before ? "-" : "";
			int w = right - x < t->conns[c].w ? right - x : t->conns[c].w;
			term_text(y, x, w, cell, changed ? TC_KEY : now ? TC_NORMAL : TC_DIM, 0, true);
			x += t->conns[c].w;
		}
	}
	/* The legend: the full addresses behind the short column names. */
	if (y + 1 < bottom && t->nconns) {
		y++;
		term_text(y++, text.x, text.w, "Columns:", TC_HEADING, 0, false);
		for (size_t c = 0; c < t->nconns && y < bottom; c++, y++) {
			snprintf(buf, sizeof buf, "  %-24s %s", t->conns[c].label, t->conns[c].key);
			term_text(y, text.x, text.w, buf, TC_NORMAL, 0, false);
		}
	}
	ui_status_bar(t->size.h - 1, t->size.w, "each row: the states after that step (the step shown is lit)",
	              "Up Down  < >  s/Esc back");
}

enum { T_LEAVE = 1, T_LEFT, T_RIGHT, T_HELP };

static const struct key_bind timeline_binds[] = {
	{ { '<' }, T_LEFT, "the connection columns before (when they do not all fit)", NULL },
	{ { '>' }, T_RIGHT, "the connection columns after", NULL },
	{ { '?' }, T_HELP, "this help", NULL },
	{ { 's', 'q', TK_ESC }, T_LEAVE, "back to the lesson", NULL },
};
static const struct key_table timeline_table = KEY_TABLE("TCP state timeline (s in a lesson)", timeline_binds);
static const struct key_table *const timeline_help[] = { &timeline_table, &ui_keys_move, &ui_keys_anywhere, NULL };

static enum ui_result timeline_key(void *self, int key)
{
	struct timeline *t = self;
	switch (keys_action(&timeline_table, key)) {
	case T_LEAVE:
		return UI_LEAVE;
	case T_LEFT:   /* sideways a connection at a time */
		if (t->first > 0)
			t->first--;
		return UI_REDRAW;
	case T_RIGHT:
		if (t->first + 1 < t->nconns)
			t->first++;
		return UI_REDRAW;
	case T_HELP:
		return UI_HELP;
	default:
		return ui_scroll_key(key, &t->top, t->v->done, t->size.h - 8) ? UI_REDRAW : UI_HANDLED;
	}
}

const struct ui_screen ui_timeline = {
	.name = "timeline",
	.create = timeline_create, .destroy = timeline_destroy, .resize = ui_resize_size,
	.draw = timeline_draw, .handle_key = timeline_key, .help = timeline_help,
};
