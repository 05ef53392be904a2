/*
 * tui.c — tui_run: the screen stack and the main loop.
 *
 * The loop waits for a key at most 100 ms; when none comes it ticks every
 * screen, which is how packets that the capture thread appends (and a step
 * finishing on its worker thread) reach the screen without a key press.
 * It draws only when a screen asked for it, and never draws panes into a
 * window smaller than TERM_MIN_W x TERM_MIN_H: such a window shows what
 * size is needed, the screens keep running (a step goes on, packets keep
 * coming) but get no keys, as the learner cannot see what a key would do;
 * q there quits.  Enlarged, it all comes back as it was.
 *
 * On the way out (q, or SIGINT/SIGTERM/SIGHUP as TK_SIGNAL) the terminal is
 * put back first, then the screens are destroyed: a step still running is
 * waited for with the shell's screen already there, and a second signal
 * meanwhile ends the process at once (term.c).
 */
#include "tui/tui.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>

enum { UI_MAX_DEPTH = 8, TICK_MS = 100 };

struct ui_frame {
	const struct ui_screen *s;
	void *self;
};

struct ui {
	const struct tui_context *ctx;
	struct ui_frame stack[UI_MAX_DEPTH];
	int depth;
};

const struct tui_context *ui_context(const struct ui *ui)
{
	return ui->ctx;
}

/* Put a screen already created on top of the stack. */
static void adopt(struct ui *ui, const struct ui_screen *s, void *self)
{
	int w, h;
	term_size(&w, &h);
	s->resize(self, w, h);
	ui->stack[ui->depth++] = (struct ui_frame){ s, self };
}

int ui_push(struct ui *ui, const struct ui_screen *s, const void *arg, char *err, size_t errlen)
{
	if (ui->depth == UI_MAX_DEPTH) {
		snprintf(err, errlen, "too many screens open");
		return -1;
	}
	void *self = s->create(ui, arg, err, errlen);
	if (!self)
		return -1;
	adopt(ui, s, self);
	return 0;
}

static void remove_frame(struct ui *ui, int i)
{
	ui->stack[i].s->destroy(ui->stack[i].self);
	for (; i + 1 < ui->depth; i++)
		ui->stack[i] = ui->stack[i + 1];
	ui->depth--;
}

static bool too_small(void)
{
	int w, h;
	term_size(&w, &h);
	return w < TERM_MIN_W || h < TERM_MIN_H;
}

static void draw_all(struct ui *ui)
{
	int w, h;
	term_size(&w, &h);
	term_clear();
	if (too_small()) {
		term_too_small(w, h);
	} else {
		int base = ui->depth - 1;
		while (base > 0 && ui->stack[base].s->overlay)
			base--;
		for (int i = base; i >= 0 && i < ui->depth; i++)
			ui->stack[i].s->draw(ui->stack[i].self);
	}
	term_flush();
}

/* Apply what frame i answered; false when the program should end. */
static bool apply(struct ui *ui, int i, enum ui_result r, bool *dirty)
{
	switch (r) {
	case UI_QUIT:
		return false;
	case UI_LEAVE:
		remove_frame(ui, i);
		*dirty = true;
		break;
	case UI_REDRAW:
		*dirty = true;
		break;
	case UI_HELP: {
		char err[256];
		if (ui_push(ui, &ui_help, ui->stack[i].s->help, err, sizeof err) == 0)
			*dirty = true;
		break;
	}
	default:
		break;
	}
	return ui->depth > 0;
}

/* Every screen's keys, for `sockscope keys` and the man page: each screen's
 * own tables in the order a learner meets them, a table shared by several
 * printed once, the ones every screen shares last. */
void tui_print_keys(FILE *f, bool man)
{
	static const struct ui_screen *const screens[] = {
		&ui_browser, &ui_lesson, &ui_present, &ui_quiz, &ui_timeline, &ui_addr, &ui_inspect, &ui_jumplist,
		&ui_trace, &ui_help,
	};
	static const struct key_table *const shared[] = { &ui_keys_move, &ui_keys_hscroll, &ui_keys_anywhere };
	const struct key_table *list[64];
	size_t n = 0;
	for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
		for (size_t t = 0; screens[i]->help && screens[i]->help[t]; t++) {
			const struct key_table *k = screens[i]->help[t];
			bool seen = false;
			for (size_t j = 0; j < n; j++)
				seen |= list[j] == k;
			for (size_t j = 0; j < sizeof shared / sizeof shared[0]; j++)
				seen |= shared[j] == k;
			if (!seen && n + 4 < sizeof list / sizeof list[0])
				list[n++] = k;
		}
	for (size_t j = 0; j < sizeof shared / sizeof shared[0]; j++)
		list[n++] = shared[j];
	list[n] = NULL;
	if (man)
		keys_print_man(f, list);
	else
		keys_print_text(f, list);
}

int tui_run(const struct tui_context *ctx)
{
	char err[512];
	/* --theme is asked for on this command line: a wrong one is an error, as
	 * any bad option.  $SOCKSCOPE_THEME may have been set long ago, for
	 * another version: a wrong one is only worth a warning. */
	const char *dflt = ctx->present ? "contrast" : "dark";
	const char *env = getenv("SOCKSCOPE_THEME");
	const char *theme = ctx->theme ? ctx->theme : env && *env ? env : dflt;
	if (term_set_theme(theme) < 0) {
		if (ctx->theme) {
			fprintf(stderr, "sockscope: no theme '%s' (there are: %s)\n", theme, term_theme_names());
			return 2;
		}
		fprintf(stderr, "sockscope: SOCKSCOPE_THEME=%s is no theme (there are: %s); using %s\n", theme,
		        term_theme_names(), dflt);
		term_set_theme(dflt);
	}
	struct ui ui = { .ctx = ctx };
	int rc = 0;
	const struct lesson *start = ctx->start_lesson ? lesson_catalog_find(ctx->catalog, ctx->start_lesson) : NULL;
	/* The lesson the program was started on opens before the terminal is
	 * taken: its lab (and a two-terminal server side's port) is there, and
	 * what it prints on stderr (the other terminal's command) stays on the
	 * shell's screen after the program ends.  It has no browser under it:
	 * q there leaves the program.  A lesson without steps is a quiz: it
	 * opens on its questions. */
	const struct ui_screen *first = !start ? NULL : !start->nsteps ? &ui_quiz : ctx->present ? &ui_present : &ui_lesson;
	void *first_self = NULL;
	if (first && !ctx->inspect && !(first_self = first->create(&ui, start, err, sizeof err))) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	if (term_init(err, sizeof err) < 0) {
		if (first_self)
			first->destroy(first_self);
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	if (first_self)
		adopt(&ui, first, first_self);
	if (ctx->trace ? ui_push(&ui, &ui_trace, ctx->trace, err, sizeof err) < 0 :
	    ctx->inspect ? ui_push(&ui, &ui_inspect, ctx->inspect, err, sizeof err) < 0 :
	    !first_self && ui_push(&ui, &ui_browser, NULL, err, sizeof err) < 0) {
		while (ui.depth > 0)
			remove_frame(&ui, ui.depth - 1);
		term_end();
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	bool dirty = true, running = true;
	while (running) {
		if (dirty)
			draw_all(&ui);
		dirty = false;
		int key = term_getkey(TICK_MS);
		if (key == TK_SIGNAL) {
			rc = 128 + term_signal();
			break;
		}
		if (key == TK_RESIZE) {
			int w, h;
			term_size(&w, &h);
			for (int i = 0; i < ui.depth; i++)
				ui.stack[i].s->resize(ui.stack[i].self, w, h);
			dirty = true;
		} else if (key == TK_NONE) {
			for (int i = ui.depth - 1; running && i >= 0; i--)
				if (ui.stack[i].s->tick)
					running = apply(&ui, i, ui.stack[i].s->tick(ui.stack[i].self), &dirty);
		} else if (too_small()) {
			running = key != 'q';   /* what the message offers; other keys would act unseen */
		} else {
			int top = ui.depth - 1;
			running = apply(&ui, top, ui.stack[top].s->handle_key(ui.stack[top].self, key), &dirty);
		}
	}
	term_end();
	while (ui.depth > 0)
		remove_frame(&ui, ui.depth - 1);
	return rc;
}
