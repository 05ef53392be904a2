/*
 * term.h — the terminal: the one module that talks to curses.
 *
 * Role (as htop's CRT.c): set the terminal up and always put it back (on
 * return, exit(), SIGINT/SIGTERM/SIGHUP, Ctrl-Z until fg, and fatal
 * signals), read keys with a timeout, name every colour once, and draw clipped UTF-8 text and boxes.
 * Screens and panes use only this header, so none of them includes curses
 * and none can leave the terminal in raw mode.
 *
 * Coordinates are screen cells; every drawing call clips to the screen, so
 * callers may pass any rectangle, also an empty or negative one.
 */
#ifndef SOCKSCOPE_TERM_H
#define SOCKSCOPE_TERM_H

#include <stdbool.h>
#include <stddef.h>

/* The screen is drawn only when it is at least this big. */
enum { TERM_MIN_W = 60, TERM_MIN_H = 16 };

/* Keys: printable ASCII as itself, the rest as these. */
enum term_key {
	TK_NONE = -1,           /* the timeout passed */
	TK_UP = 0x110000, TK_DOWN, TK_LEFT, TK_RIGHT, TK_PGUP, TK_PGDN, TK_HOME, TK_END,
	TK_ENTER, TK_TAB, TK_BTAB, TK_ESC, TK_BACKSPACE,
	TK_RESIZE,              /* the window changed size, or is to be drawn anew (Ctrl-L, fg after Ctrl-Z) */
	TK_SIGNAL,              /* SIGINT/SIGTERM/SIGHUP arrived: wind down and return */
	TK_CLICK,               /* the left mouse button: where, from term_click */
	TK_WHEEL_UP, TK_WHEEL_DOWN,   /* the mouse wheel, a notch */
};


/* Named colours; each has a colour form and a monochrome form (used when the
 * terminal has no colours or NO_COLOR is set). */
enum term_color {
	TC_NORMAL, TC_DIM, TC_BOLD, TC_BORDER, TC_BORDER_FOCUS, TC_TITLE, TC_TITLE_FOCUS,
	TC_HEADING, TC_CURRENT, TC_PENDING, TC_STEP_PKT, TC_CURSOR, TC_HEX_HL,
	TC_OK, TC_ERROR, TC_BAR, TC_KEY,
	TC_DIR_A, TC_DIR_B,      /* a followed stream's two directions (also told by a prefix) */
	TC_COUNT
};

struct rect { int y, x, h, w; };

/* Where the last TK_CLICK (or wheel notch) was (row y, column x). */
void term_click(int *y, int *x);
/* Is (y, x) inside r? */
bool rect_has(struct rect r, int y, int x);

/* Choose a theme before term_init: "dark" (the default), "light" (for a
 * light background) or "contrast" (a projector: white on black, bold).
 * -1 for an unknown name; term_theme_names lists them. */
int term_set_theme(const char *name);
const char *term_theme_names(void);

/* Set the terminal up; -1 with a message when it cannot be (not a tty). */
int term_init(char *err, size_t errlen);
/* Put the terminal back.  Safe to call twice; also runs at exit. */
void term_end(void);
/* The signal that asked us to stop (0 if none), for the exit status. */
int term_signal(void);

/* Next key, waiting at most timeout_ms (-1: for ever). */
int term_getkey(int timeout_ms);
void term_size(int *w, int *h);
bool term_utf8(void);

void term_clear(void);
void term_flush(void);

/* Draw UTF-8 text at (y,x) in at most w columns, after skipping `skip`
 * columns of it (horizontal scroll).  With pad, the text is a whole line:
 * the rest of the w columns is filled with spaces in the same colour (a bar),
 * and a text cut short ends in an ellipsis.  Returns columns drawn. */
int term_text(int y, int x, int w, const char *s, enum term_color c, int skip, bool pad);
/* A box around r with a title on its top edge; returns the inside. */
struct rect term_box(struct rect r, const char *title, bool focus);
/* The "terminal too small" message, centred. */
void term_too_small(int w, int h);

#endif
