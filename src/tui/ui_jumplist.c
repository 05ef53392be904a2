/*
 * ui_jumplist.c — a screen of lines that name packets: a followed stream,
 * the conversations of a file, a connection's ladder.  The inspection
 * screen builds the lines from the core (inspect/stream.h, convs.h,
 * conn.h); this screen only scrolls them with a cursor, and Enter hands
 * the line's packet back to the inspection screen and leaves.
 */
#include "tui/ui.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>

struct jumplist {
	struct ui_size size;       /* first: ui_resize_size fills it */
	struct ui *ui;
	struct ui_jumplist j;
	size_t cur, top;          /* cur counts lines after the heading */
	int skip, page;
	char msg[256];            /* what ] or [ could not do, until the next key */
};

static void *jumplist_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct jumplist *s = xcalloc(1, sizeof *s);
	s->ui = ui;
	s->j = *(const struct ui_jumplist *)arg;
	if (s->j.head > s->j.lines.n)
		s->j.head = s->j.lines.n;
	s->cur = s->j.start >= s->j.head ? s->j.start - s->j.head : 0;
	return s;
}

static void jumplist_destroy(void *self)
{
	struct jumplist *s = self;
	ui_lines_free(&s->j.lines);
	free(s->j.packet);
	free(s);
}

static void jumplist_draw(void *self)
{
	struct jumplist *s = self;
	struct rect in = term_box((struct rect){ 0, 0, s->size.h - 1, s->size.w }, s->j.title, true);
	const struct ui_lines *l = &s->j.lines;
	int head = (int)s->j.head < in.h - 1 ? (int)s->j.head : 0;
	for (int r = 0; r < head; r++)
		term_text(in.y + r, in.x + 1, in.w - 1, l->v[r].text, l->v[r].color, s->skip, true);
	struct rect list = { in.y + head, in.x + 1, in.h - head, in.w - 1 };
	size_t n = l->n - (size_t)head;
	s->page = list.h;
	if (s->cur >= n)
		s->cur = n ? n - 1 : 0;
	s->top = ui_scroll_into_view(s->top, s->cur, s->cur, list.h, n);
	for (int r = 0; r < list.h && s->top + (size_t)r < n; r++) {
		size_t i = (size_t)head + s->top + (size_t)r;
		bool cur = s->top + (size_t)r == s->cur;
		term_text(list.y + r, list.x, list.w, l->v[i].text, cur ? TC_CURSOR : l->v[i].color, s->skip, true);
	}
	ui_status_bar(s->size.h - 1, s->size.w, s->msg[0] ? s->msg : s->j.hint ? s->j.hint : "",
	              s->j.turn ? "Enter go to packet  ] [ other connection  Esc back" : "Enter go to packet  < > sideways  Esc back");
}

enum { J_LEAVE = 1, J_GO, J_HELP, J_NEXT, J_PREV };

static const struct key_bind jumplist_binds[] = {
	{ { TK_ENTER }, J_GO, "go to the line's packet in the inspection screen", NULL },
	{ { ']' }, J_NEXT, "a ladder: the next TCP connection of the file", NULL },
	{ { '[' }, J_PREV, "a ladder: the previous TCP connection", NULL },
	{ { '?' }, J_HELP, "this help", NULL },
	{ { TK_ESC, 'q' }, J_LEAVE, "back to the packet list", NULL },
};
static const struct key_table jumplist_table =
	KEY_TABLE("A followed stream, the conversations, a ladder (F, c, L in inspect)", jumplist_binds);
static const struct key_table *const jumplist_help[] = {
	&jumplist_table, &ui_keys_move, &ui_keys_hscroll, &ui_keys_anywhere, NULL
};

static enum ui_result jumplist_key(void *self, int key)
{
	struct jumplist *s = self;
	size_t head = s->j.head < s->j.lines.n ? s->j.head : 0, n = s->j.lines.n - head;
	s->msg[0] = '\0';
	int a = keys_action(&jumplist_table, key);
	switch (a) {
	case J_NEXT: case J_PREV: {
		struct ui_jumplist other = { 0 };
		if (!s->j.turn)
			return UI_HANDLED;
		if (!s->j.turn(s->j.ctx, a == J_NEXT ? 1 : -1, &other, s->msg, sizeof s->msg))
			return UI_REDRAW;
		ui_lines_free(&s->j.lines);
		free(s->j.packet);
		s->j = other;
		if (s->j.head > s->j.lines.n)
			s->j.head = s->j.lines.n;
		s->cur = s->j.start >= s->j.head ? s->j.start - s->j.head : 0;
		s->top = 0;
		return UI_REDRAW;
	}
	case J_LEAVE:
		return UI_LEAVE;
	case J_HELP:
		return UI_HELP;
	case J_GO: {
		long long p = n ? s->j.packet[head + s->cur] : -1;
		if (p < 0)
			return UI_HANDLED;
		*s->j.jump = p;
		return UI_LEAVE;
	}
	default:
		break;
	}
	if (ui_hscroll_key(key, &s->skip))
		return UI_REDRAW;
	return ui_move_key(key, &s->cur, n, s->page) ? UI_REDRAW : UI_IGNORED;
}

const struct ui_screen ui_jumplist = {
	.name = "packet lines",
	.create = jumplist_create, .destroy = jumplist_destroy, .resize = ui_resize_size,
	.draw = jumplist_draw, .handle_key = jumplist_key, .help = jumplist_help,
};
