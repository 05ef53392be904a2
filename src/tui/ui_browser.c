/*
 * ui_browser.c — the lesson browser: every lesson with its summary, and the
 * lesson files that could not be read with their "file:line: message", so
 * a teacher sees what to fix while the other lessons still open.  Beside
 * each title: how far the learner got (progress_describe), read again on
 * every draw, so it is current when a lesson or a quiz closes.  A lesson
 * with no steps is a quiz and opens straight into its questions.
 */
#include "tui/ui.h"
#include "common/mem.h"
#include "lesson/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct browser {
	struct ui_size size;       /* first: ui_resize_size fills it */
	struct ui *ui;
	const struct tui_context *ctx;
	size_t sel, top;
	char msg[512];             /* why the last lesson did not open */
	struct ui_lines lines;
	size_t *first, *last;      /* each lesson's line range in `lines` */
	struct progress *progress; /* NULL when it could not be read */
};

static void *browser_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)arg;
	(void)err, (void)errlen;
	struct browser *b = xcalloc(1, sizeof *b);
	const struct tui_context *ctx = ui_context(ui);
	b->first = xcalloc(ctx->catalog->n, sizeof *b->first);
	b->last = xcalloc(ctx->catalog->n, sizeof *b->last);
	b->ui = ui;
	b->ctx = ctx;
	return b;
}

static void browser_destroy(void *self)
{
	struct browser *b = self;
	ui_lines_free(&b->lines);
	progress_free(b->progress);
	free(b->first);
	free(b->last);
	free(b);
}

/* The list as lines for a given width: it only changes with the width. */
static void build(struct browser *b, int width)
{
	const struct lesson_catalog *c = b->ctx->catalog;
	char buf[1024];
	ui_lines_clear(&b->lines);
	if (c->n == 0) {
		snprintf(buf, sizeof buf, "No lessons in %s.", c->dir);
		ui_lines_wrap(&b->lines, buf, width, TC_ERROR);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct lesson *l = c->lessons[i];
		b->first[i] = b->lines.n;
		char state[96] = "";
		if (b->progress)
			progress_describe(progress_get(b->progress, l->id), state, sizeof state);
		snprintf(buf, sizeof buf, "%2zu. %s%s%s%s", i + 1, l->title, state[0] ? "   [" : "", state, state[0] ? "]" : "");
		ui_lines_add(&b->lines, buf, i == b->sel ? TC_CURSOR : TC_BOLD, i == b->sel ? '>' : ' ');
		if (l->nsteps)
			snprintf(buf, sizeof buf, "    %zu steps, over IPv%d  (sockscope lesson %s)", l->nsteps,
			         b->ctx->family ? b->ctx->family : l->family, l->id);
		else
			snprintf(buf, sizeof buf, "    a quiz: %zu questions  (sockscope quiz %s)", l->nquestions, l->id);
		ui_lines_add(&b->lines, buf, TC_DIM, ' ');
		snprintf(buf, sizeof buf, "    %s", l->summary ? l->summary : "");
		ui_lines_wrap(&b->lines, buf, width, TC_NORMAL);
		b->last[i] = b->lines.n - 1;
		ui_lines_add(&b->lines, "", TC_NORMAL, ' ');
	}
	if (c->nerrors) {
		ui_lines_add(&b->lines, "Lesson files with errors (the lessons above still work):", TC_ERROR, ' ');
		for (size_t i = 0; i < c->nerrors; i++) {
			snprintf(buf, sizeof buf, "    %s", c->errors[i]);
			ui_lines_wrap(&b->lines, buf, width, TC_DIM);
		}
		ui_lines_add(&b->lines, "", TC_NORMAL, ' ');
	}
	if (!b->ctx->cap && b->ctx->capture_why && *b->ctx->capture_why) {
		ui_lines_add(&b->lines, "No packet capture: the lessons run, but show no packets.", TC_ERROR, ' ');
		snprintf(buf, sizeof buf, "    %s", b->ctx->capture_why);
		ui_lines_wrap(&b->lines, buf, width, TC_NORMAL);
	}
}

static void browser_draw(void *self)
{
	struct browser *b = self;
	const struct tui_context *ctx = b->ctx;
	char left[1024];
	snprintf(left, sizeof left, "sockscope  -  lessons in %s", ctx->catalog->dir);
	ui_status_bar(0, b->size.w, left, "a network-programming lab");
	char title[64];
	snprintf(title, sizeof title, "Lessons (%zu)", ctx->catalog->n);
	struct rect in = term_box((struct rect){ 1, 0, b->size.h - 2, b->size.w }, title, false);
	struct rect text = { in.y, in.x + 1, in.h, in.w - 2 };
	progress_free(b->progress);   /* a lesson or a quiz may have changed it meanwhile */
	b->progress = progress_load(NULL);
	build(b, text.w - 2);
	if (ctx->catalog->n)
		b->top = ui_scroll_into_view(b->top, b->first[b->sel], b->last[b->sel], text.h, b->lines.n);
	ui_lines_draw(&b->lines, text, b->top, 0, true);
	if (b->msg[0])
		snprintf(left, sizeof left, "%s", b->msg);
	else if (ctx->cap)
		snprintf(left, sizeof left, "capture: %s", capture_mode_name(ctx->mode));
	else
		snprintf(left, sizeof left, "no capture: %s", ctx->capture_why ? ctx->capture_why : "");
	ui_status_bar(b->size.h - 1, b->size.w, left, "Enter open  ? help  q quit");
}

enum { B_QUIT = 1, B_HELP, B_OPEN, B_PRESENT };

static const struct key_bind browser_binds[] = {
	{ { TK_ENTER, ' ' }, B_OPEN, "open the lesson (a quiz opens on its questions)", NULL },
	{ { 'P' }, B_PRESENT, "present the lesson to a room (as sockscope present ID)", NULL },
	{ { '?' }, B_HELP, "this help", NULL },
	{ { 'q', TK_ESC }, B_QUIT, "quit sockscope", NULL },
};
static const struct key_table browser_table = KEY_TABLE("Lesson browser", browser_binds);
static const struct key_table *const browser_help[] = { &browser_table, &ui_keys_move, &ui_keys_anywhere, NULL };

static enum ui_result browser_key(void *self, int key)
{
	struct browser *b = self;
	size_t n = b->ctx->catalog->n;
	b->msg[0] = '\0';
	int a = keys_action(&browser_table, key);
	switch (a) {
	case B_QUIT:
		return UI_QUIT;
	case B_HELP:
		return UI_HELP;
	case B_OPEN: case B_PRESENT: {
		const struct lesson *l = n ? b->ctx->catalog->lessons[b->sel] : NULL;
		const struct ui_screen *scr = !l || !l->nsteps ? &ui_quiz : a == B_PRESENT ? &ui_present : &ui_lesson;
		if (l && ui_push(b->ui, scr, l, b->msg, sizeof b->msg) < 0) {
			char why[512];
			snprintf(why, sizeof why, "%s", b->msg);
			snprintf(b->msg, sizeof b->msg, "cannot open the lesson: %s", why);
		}
		return UI_REDRAW;
	}
	default:
		return ui_move_key(key, &b->sel, n, 1) ? UI_REDRAW : UI_IGNORED;
	}
}

const struct ui_screen ui_browser = {
	.name = "browser",
	.create = browser_create, .destroy = browser_destroy, .resize = ui_resize_size,
	.draw = browser_draw, .handle_key = browser_key, .help = browser_help,
};
