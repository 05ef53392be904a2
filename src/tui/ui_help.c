/*
 * ui_help.c — the help overlay: the keys of the screen it was opened on,
 * printed from that screen's key tables (keys.h), so it says what the
 * screen's dispatch does.  The box takes the terminal's size (less a
 * margin) and the text is wrapped to it again on every resize.
 */
#include "tui/ui.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { H_CLOSE = 1 };

static const struct key_bind help_binds[] = {
	{ { '?', 'q', TK_ESC }, H_CLOSE, "close the help; so does any key that does not move", NULL },
};
static const struct key_table help_table = KEY_TABLE("This help", help_binds);
static const struct key_table *const help_help[] = { &help_table, &ui_keys_move, NULL };

static const struct key_table *const fallback[] = { &ui_keys_anywhere, NULL };

struct help {
	const struct key_table *const *tables;
	struct ui_lines lines;
	int keyw;          /* the key column of the lines */
	int w, h, built_w;
	size_t top;
	int page;
};

static void *help_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)ui;
	(void)err, (void)errlen;
	struct help *s = xcalloc(1, sizeof *s);
	s->tables = arg ? arg : fallback;
	s->built_w = -1;
	return s;
}

static void help_destroy(void *self)
{
	struct help *s = self;
	ui_lines_free(&s->lines);
	free(s);
}

/* The box: the window less a margin, as wide as 100 columns at most (longer
 * lines are harder to read than a scroll). */
static struct rect box(const struct help *s)
{
	int bw = s->w - 4 < 100 ? s->w - 4 : 100;
	int bh = s->h - 2 < (int)s->lines.n + 2 ? s->h - 2 : (int)s->lines.n + 2;
	return (struct rect){ (s->h - bh) / 2, (s->w - bw) / 2, bh, bw };
}

/* A line: kind in its mark, the key column and the text side by side. */
static void add(void *ctx, enum keys_line kind, const char *keys, const char *text)
{
	struct help *s = ctx;
	char line[512];
	if (kind == KEYS_HEADING)
		snprintf(line, sizeof line, "%s", text);
	else if (kind == KEYS_BINDING && !*text)
		snprintf(line, sizeof line, "  %s", keys);
	else
		snprintf(line, sizeof line, "  %-*s%s", s->keyw, keys, text);
	ui_lines_add(&s->lines, line, kind == KEYS_HEADING ? TC_HEADING : TC_NORMAL,
	             kind == KEYS_BINDING ? 'k' : ' ');
}

static void build(struct help *s, int width)
{
	if (width == s->built_w)
		return;
	ui_lines_clear(&s->lines);
	s->keyw = keys_column(s->tables, width - 2);
	keys_help_lines(s->tables, width - 2, add, s);
	s->built_w = width;
}

static void help_resize(void *self, int w, int h)
{
	struct help *s = self;
	s->w = w;
	s->h = h;
	s->top = 0;
	int bw = w - 4 < 100 ? w - 4 : 100;
	build(s, bw - 4);
}

static void help_draw(void *self)
{
	struct help *s = self;
	struct rect r = box(s);
	for (int y = 0; y < r.h; y++)   /* blank what lies under the box */
		term_text(r.y + y, r.x, r.w, "", TC_NORMAL, 0, true);
	char title[80];
	bool more = s->lines.n > (size_t)(r.h - 2);
	snprintf(title, sizeof title, "Keys (? closes%s)", more ? "; Up/Down: more" : "");
	struct rect in = term_box(r, title, true);
	s->page = in.h;
	if (s->lines.n > (size_t)in.h && s->top > s->lines.n - (size_t)in.h)
		s->top = s->lines.n - (size_t)in.h;
	for (int row = 0; row < in.h && s->top + (size_t)row < s->lines.n; row++) {
		const struct ui_line *l = &s->lines.v[s->top + (size_t)row];
		if (l->color == TC_HEADING) {
			term_text(in.y + row, in.x + 1, in.w - 1, l->text, TC_HEADING, 0, false);
			continue;
		}
		term_text(in.y + row, in.x + 1, in.w - 1, l->text, TC_NORMAL, 0, true);
		if (l->mark == 'k')   /* the keys stand out from what they do */
			term_text(in.y + row, in.x + 1, s->keyw + 2 < in.w - 1 ? s->keyw + 2 : in.w - 1, l->text, TC_KEY, 0,
			          false);
	}
}

static enum ui_result help_key(void *self, int key)
{
	struct help *s = self;
	if (keys_action(&help_table, key) == H_CLOSE)
		return UI_LEAVE;
	if (ui_scroll_key(key, &s->top, s->lines.n, s->page))
		return UI_REDRAW;
	return UI_LEAVE;
}

const struct ui_screen ui_help = {
	.name = "help", .overlay = true,
	.create = help_create, .destroy = help_destroy, .resize = help_resize,
	.draw = help_draw, .handle_key = help_key, .help = help_help,
};
