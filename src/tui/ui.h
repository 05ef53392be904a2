/*
 * ui.h — screens, the screen stack, and the drawing helpers they share.
 *
 * A screen (the lesson browser, a lesson, the help overlay) is a small
 * vtable as in sngrep's `struct ui`: create / destroy / resize / draw /
 * handle_key / tick.  The main loop (tui.c) keeps a stack of them: keys go
 * to the top one, ticks (every key timeout, ~100 ms) to all, and drawing
 * starts at the topmost screen that is not an overlay.  Adding a screen is
 * adding one file with one `const struct ui_screen`.
 *
 * Nothing here includes curses: drawing goes through term.h.
 */
#ifndef SOCKSCOPE_UI_H
#define SOCKSCOPE_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/keys.h"
#include "tui/term.h"
#include "tui/tui.h"

enum ui_result {
	UI_IGNORED = 0,  /* not this screen's key */
	UI_HANDLED,      /* taken, nothing on screen changed */
	UI_REDRAW,       /* taken, draw again */
	UI_LEAVE,        /* pop this screen */
	UI_QUIT,         /* leave the program */
	UI_HELP,         /* show this screen's help (its `help` tables) over it */
};

struct ui;

struct ui_screen {
	const char *name;
	bool overlay;    /* drawn over the screen below it */
	/* arg is the screen's own (a lesson for the lesson screen).  NULL on
	 * failure with a message for the status line in err. */
	void *(*create)(struct ui *ui, const void *arg, char *err, size_t errlen);
	void (*destroy)(void *self);
	void (*resize)(void *self, int w, int h);        /* also called once after create */
	void (*draw)(void *self);
	enum ui_result (*handle_key)(void *self, int key);
	enum ui_result (*tick)(void *self);              /* may be NULL */
	/* What its keys do (keys.h), NULL-terminated: its own table first, then
	 * those of its panes and the shared ones.  Its help page shows these. */
	const struct key_table *const *help;
};

/* The size a screen draws at.  A screen that needs nothing more from a
 * resize keeps this as the first member of its state and takes
 * ui_resize_size as its `resize` (a pointer to a struct points to its
 * first member, so the one hook serves them all). */
struct ui_size {
	int w, h;
};
void ui_resize_size(void *self, int w, int h);

extern const struct ui_screen ui_browser, ui_lesson, ui_present, ui_help;
/* The check-yourself questions, then the recap (arg: the lesson). */
extern const struct ui_screen ui_quiz;
/* The TCP states after each step (arg: the lesson screen's struct lesson_view). */
extern const struct ui_screen ui_timeline;
/* Type an address, see its bytes, bits and class (arg: NULL). */
extern const struct ui_screen ui_addr;
/* A capture file: packet list, fields and bytes, filters (arg: struct tui_inspect). */
extern const struct ui_screen ui_inspect;
/* Lines that name packets (a followed stream, the conversations, a ladder):
 * Enter jumps the inspection screen to the line's packet (arg: struct ui_jumplist). */
extern const struct ui_screen ui_jumplist;
/* sockscope trace -- PROG: the program's source, its calls, their packets
 * (arg: struct tui_trace). */
extern const struct ui_screen ui_trace;


/* Push a new screen on top (it gets keys from now on); -1 with err. */
int ui_push(struct ui *ui, const struct ui_screen *s, const void *arg, char *err, size_t errlen);
const struct tui_context *ui_context(const struct ui *ui);

/* The key tables every screen shares: moving in a list or text (ui_move,
 * ui_scroll_key), sideways (ui_hscroll_key), and the keys term.c answers
 * on every screen (Ctrl-C, Ctrl-Z, Ctrl-L). */
extern const struct key_table ui_keys_move, ui_keys_hscroll, ui_keys_anywhere;

/* ---- a list of display lines: what a pane shows, built then drawn ---- */
struct ui_line {
	char *text;
	enum term_color color;
	char mark;       /* shown in a marker column when the list has one, else ' ' */
};

struct ui_lines {
	struct ui_line *v;
	size_t n, cap;
};

struct ui_jumplist {
	char title[256];              /* the box's title */
	const char *hint;             /* the status bar's left text (static) */
	struct ui_lines lines;        /* handed over: the screen frees them */
	long long *packet;            /* per line: its packet (0-based) or -1; handed over too */
	size_t head;                  /* lines at the top that stay put (a heading) */
	size_t start;                 /* the line the cursor starts on */
	long long *jump;              /* where Enter puts the chosen packet (the caller's; it outlives the screen) */
	/* ] and [ (a ladder: the next / previous connection), or NULL: fill
	 * *out with the other lines (handed over as above), or return false
	 * with a message in err. */
	bool (*turn)(void *ctx, int dir, struct ui_jumplist *out, char *err, size_t errlen);
	void *ctx;
};

void ui_lines_clear(struct ui_lines *l);   /* keeps the memory for reuse */
void ui_lines_free(struct ui_lines *l);
void ui_lines_add(struct ui_lines *l, const char *text, enum term_color c, char mark);
/* Word-wrap text to width columns; continuation lines keep the text's
 * leading indentation, so indented tables in explanations stay readable. */
void ui_lines_wrap(struct ui_lines *l, const char *text, int width, enum term_color c);
/* Draw lines [top, top+r.h) into r; with a marker column, each line starts
 * with its mark and a space.  Lines are scrolled left by skip columns. */
void ui_lines_draw(const struct ui_lines *l, struct rect r, size_t top, int skip, bool marks);

/* The first visible line that keeps lines [first, last] in a window of h
 * lines, moving the window as little as possible from `top`. */
size_t ui_scroll_into_view(size_t top, size_t first, size_t last, int h, size_t n);

/* The answer to the movement keys (ui_keys_move: arrows, j k, pages, Home End g G, the wheel):
 * the new position in a list of n entries shown `page` at a time, or -1
 * when key does not move. */
long ui_move(int key, long cur, size_t n, int page);
/* The same for a list's selection: true when key moved *cur. */
bool ui_move_key(int key, size_t *cur, size_t n, int page);

/* Scrolling text by its top line (code, explanation): true when key moved
 * *top, a line list of n lines shown `page` at a time. */
bool ui_scroll_key(int key, size_t *top, size_t n, int page);
/* '<' and '>' scroll sideways by 8 columns: true when key did, *skip updated. */
bool ui_hscroll_key(int key, int *skip);

/* ---- a one-line text field: predictions, short answers, addresses ---- */
struct ui_input {
	char buf[128];
	size_t len, cur;   /* bytes = columns: term_getkey hands over printable ASCII only */
};

/* Edit the field by key: printable characters (only digits when `digits`),
 * Backspace, Left Right Home End.  True when the key was the field's. */
bool ui_input_key(struct ui_input *in, int key, bool digits);
/* Draw the field in w columns at (y,x), the cursor as a lit cell; a text
 * longer than the field scrolls to keep the cursor in view. */
void ui_input_draw(const struct ui_input *in, int y, int x, int w);

/* A box of w x h cells centred on a screen of sw x sh, blanked, with a
 * title: the dialogs drawn over a screen.  Returns the inside. */
struct rect ui_dialog(int sw, int sh, int w, int h, const char *title);

/* The bar at the bottom: left text, then right-aligned key hints. */
void ui_status_bar(int y, int w, const char *left, const char *right);

#endif
