/*
 * term.c — curses set-up and teardown, keys, colours, clipped drawing.
 *
 * Nothing else in sockscope calls curses.  The terminal is restored on every
 * way out: term_end on the normal path and from atexit, endwin from the
 * handlers of fatal signals; SIGINT/SIGTERM/SIGHUP only raise a flag that
 * term_getkey turns into TK_SIGNAL, so the program winds down normally
 * (threads joined, lab closed) within one key timeout.  A second such signal
 * means the normal path is stuck: restore and leave at once.
 */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include "tui/term.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static SCREEN *screen;
static bool active, utf8;
static volatile sig_atomic_t got_signal;
static int attrs[TC_COUNT];

/* One table for both looks: colours, and the attributes that stand in for
 * them on a monochrome terminal or with NO_COLOR (https://no-color.org). */
static const struct {
	short fg, bg;
	int color_attr, mono_attr;
} palette[TC_COUNT] = {
	[TC_NORMAL]       = { -1, -1, A_NORMAL, A_NORMAL },
	[TC_DIM]          = { -1, -1, A_DIM, A_DIM },
	[TC_BOLD]         = { -1, -1, A_BOLD, A_BOLD },
	[TC_BORDER]       = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[TC_BORDER_FOCUS] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[TC_TITLE]        = { -1, -1, A_BOLD, A_BOLD },
	[TC_TITLE_FOCUS]  = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
	[TC_HEADING]      = { COLOR_CYAN, -1, A_BOLD, A_UNDERLINE },
	[TC_CURRENT]      = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE | A_BOLD },
	[TC_PENDING]      = { -1, -1, A_DIM, A_DIM },
	[TC_STEP_PKT]     = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[TC_CURSOR]       = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[TC_HEX_HL]       = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE | A_UNDERLINE },
	[TC_OK]           = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TC_ERROR]        = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TC_BAR]          = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[TC_KEY]          = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TC_DIR_A]        = { COLOR_RED, -1, A_NORMAL, A_NORMAL },
	[TC_DIR_B]        = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
};

static void setup_colors(void)
{
	const char *nc = getenv("NO_COLOR");
	bool color = has_colors() && !(nc && *nc) && start_color() == OK;
	bool dflt = color && use_default_colors() == OK;
	for (int i = 0; i < TC_COUNT; i++) {
		attrs[i] = palette[i].mono_attr;
		if (!color || i == TC_NORMAL || i + 1 >= COLOR_PAIRS)
			continue;
		short fg = palette[i].fg, bg = palette[i].bg;
		if (!dflt) {   /* -1 means "the terminal's own" only with use_default_colors */
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)(i + 1), fg, bg);
		attrs[i] = palette[i].color_attr | (int)COLOR_PAIR(i + 1);
	}
}

static void on_stop_signal(int sig)
{
	if (got_signal) {   /* the first one was not honoured: do not wait any longer */
		endwin();
		_exit(128 + sig);
	}
	got_signal = sig;
}

static void on_fatal_signal(int sig)
{
	/* Not async-signal-safe, but the alternative is a dead terminal. */
	if (active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;   /* no SA_RESTART: getch wakes up at once */
	for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
		sigaction(stop[i], &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
}

int term_init(char *err, size_t errlen)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the lesson screen needs a terminal (try: sockscope lesson ID --headless)");
		return -1;
	}
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");   /* packet times print as the headless output does: 0.000123 */
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* Ours first: ncurses installs its own SIGINT/SIGTERM handlers only where none is set. */
	install_signals();
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		const char *t = getenv("TERM");
		snprintf(err, errlen, "cannot use the terminal type '%s' (set TERM, e.g. TERM=xterm-256color)",
		         t ? t : "");
		return -1;
	}
	set_term(screen);
	active = true;
	atexit(term_end);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);   /* Esc alone leaves a screen without a noticeable pause */
	curs_set(0);
	setup_colors();
	return 0;
}

void term_end(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
	delscreen(screen);
	screen = NULL;
}

int term_signal(void)
{
	return got_signal;
}

int term_getkey(int timeout_ms)
{
	static const struct { int curses, key; } keymap[] = {
		{ KEY_UP, TK_UP }, { KEY_DOWN, TK_DOWN }, { KEY_LEFT, TK_LEFT }, { KEY_RIGHT, TK_RIGHT },
		{ KEY_PPAGE, TK_PGUP }, { KEY_NPAGE, TK_PGDN }, { KEY_HOME, TK_HOME }, { KEY_END, TK_END },
		{ KEY_ENTER, TK_ENTER }, { '\n', TK_ENTER }, { '\r', TK_ENTER }, { '\t', TK_TAB },
		{ KEY_BTAB, TK_BTAB }, { 27, TK_ESC }, { KEY_BACKSPACE, TK_BACKSPACE }, { 127, TK_BACKSPACE },
		{ 8, TK_BACKSPACE }, { KEY_RESIZE, TK_RESIZE }, { KEY_A1, TK_HOME }, { KEY_C1, TK_END },
	};
	if (got_signal)
		return TK_SIGNAL;
	timeout(timeout_ms);
	int ch = getch();
	if (got_signal)
		return TK_SIGNAL;
	for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
		if (keymap[i].curses == ch)
			return keymap[i].key;
	return ch > 0 && ch < 127 ? ch : TK_NONE;
}

void term_size(int *w, int *h)
{
	*w = COLS;
	*h = LINES;
}

bool term_utf8(void)
{
	return utf8;
}

void term_clear(void)
{
	erase();
}

void term_flush(void)
{
	refresh();
}

static void put_wide(int y, int x, const wchar_t *s, int n, enum term_color c)
{
	attrset(attrs[c]);
	mvaddnwstr(y, x, s, n);
	attrset(A_NORMAL);
}

int term_text(int y, int x, int w, const char *s, enum term_color c, int skip, bool pad)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return 0;
	if (w > COLS - x)
		w = COLS - x;
	wchar_t buf[512];
	int n = 0, col = 0, used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t left = s ? strlen(s) : 0;
	while (left && n < (int)(sizeof buf / sizeof buf[0]) - 2) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, left, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			wc = L'?';
			k = 1;
		}
		s += k;
		left -= k;
		int cw = wcwidth(wc);
		if (cw < 0) {   /* a control character: visible, one cell */
			wc = L'?';
			cw = 1;
		}
		if (col < skip) {   /* scrolled off to the left */
			col += cw;
			continue;
		}
		if (used + cw > w && !pad)
			break;
		if (used + cw > w) {   /* a line cut short says so in its last column */
			while (n > 0 && used >= w)
				used -= wcwidth(buf[--n]) > 1 ? 2 : 1;
			buf[n++] = utf8 ? L'\u2026' : L'$';
			used++;
			break;
		}
		buf[n++] = wc;
		used += cw;
		col += cw;
	}
	if (pad)
		while (used < w && n < (int)(sizeof buf / sizeof buf[0]) - 1) {
			buf[n++] = L' ';
			used++;
		}
	buf[n] = L'\0';
	put_wide(y, x, buf, n, c);
	return used;
}

struct rect term_box(struct rect r, const char *title, bool focus)
{
	struct rect in = { r.y + 1, r.x + 1, r.h - 2, r.w - 2 };
	if (r.h < 2 || r.w < 2)
		return (struct rect){ r.y, r.x, 0, 0 };
	/* Box glyphs: the wide API when the locale can show them, ASCII otherwise. */
	const wchar_t *g = utf8 ? (focus ? L"━┃┏┓┗┛" : L"─│┌┐└┘") : L"-|++++";
	enum term_color bc = focus ? TC_BORDER_FOCUS : TC_BORDER;
	wchar_t line[512];
	int n = r.w - 2 < 510 ? r.w - 2 : 510;
	for (int i = 0; i < n; i++)
		line[i] = g[0];
	line[n] = L'\0';
	for (int row = 0; row < 2; row++) {
		int y = row ? r.y + r.h - 1 : r.y;
		put_wide(y, r.x, &g[2 + 2 * row], 1, bc);
		put_wide(y, r.x + 1, line, n, bc);
		put_wide(y, r.x + r.w - 1, &g[3 + 2 * row], 1, bc);
	}
	for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
		put_wide(y, r.x, &g[1], 1, bc);
		put_wide(y, r.x + r.w - 1, &g[1], 1, bc);
	}
	if (title && *title && r.w > 6) {
		char t[256];
		/* The focus is told by a sign as well as by colour (monochrome, projectors). */
		snprintf(t, sizeof t, " %s%s ", focus ? (utf8 ? "\u25b6 " : "* ") : "", title);
		term_text(r.y, r.x + 2, r.w - 4, t, focus ? TC_TITLE_FOCUS : TC_TITLE, 0, false);
	}
	return in;
}

void term_too_small(int w, int h)
{
	char need[64];
	snprintf(need, sizeof need, "need %dx%d, have %dx%d", TERM_MIN_W, TERM_MIN_H, w, h);
	const char *lines[] = { "terminal too small:", need, "(enlarge it, or press q)" };
	int n = (int)(sizeof lines / sizeof lines[0]);
	/* One line when it fits, as the message reads best in one piece. */
	char one[128];
	snprintf(one, sizeof one, "terminal too small: %s", need);
	if ((int)strlen(one) <= w) {
		lines[0] = one;
		lines[1] = lines[2];
		n = 2;
	}
	for (int i = 0; i < n; i++) {
		int len = (int)strlen(lines[i]);
		int x = len < w ? (w - len) / 2 : 0;
		term_text(h / 2 - n / 2 + i, x, w - x, lines[i], i == 0 ? TC_ERROR : TC_NORMAL, 0, false);
	}
}
