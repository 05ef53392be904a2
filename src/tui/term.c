/*
 * term.c — curses set-up and teardown, keys, colours, clipped drawing.
 *
 * Nothing else in sockscope calls curses.  The terminal is restored on every
 * way out:
 *  - term_end on the normal path (q, a signal below) and from atexit;
 *  - SIGINT/SIGTERM/SIGHUP only raise a flag that term_getkey turns into
 *    TK_SIGNAL, so the program winds down normally (threads joined, lab
 *    closed) within one key timeout.  A second such signal, or one that
 *    comes while the program is already winding down, means the normal path
 *    is stuck: restore the terminal and leave at once;
 *  - SIGTSTP (Ctrl-Z) also only raises a flag: term_getkey leaves curses
 *    mode (endwin), stops the process, and once continued re-enters it,
 *    picks up a size changed meanwhile and answers TK_RESIZE, so every
 *    screen lays itself out and is drawn again.  The same happens on a
 *    SIGCONT after a stop that was not ours (kill -STOP), as the shell may
 *    have put its own terminal modes back meanwhile;
 *  - fatal signals (SIGSEGV, SIGABRT from abort(), SIGQUIT...) restore the
 *    terminal with async-signal-safe calls only (the termios saved before
 *    curses started, written back with tcsetattr, and the terminal's own
 *    "leave the full-screen mode" strings read from terminfo at start-up,
 *    written with write), say so on stderr, and die of the same signal.
 *  - out of memory (common/mem.h), on whichever thread: the same restore
 *    as a fatal signal's, registered as mem's hook while curses has the
 *    terminal, runs before the message and exit(1).
 *
 * Handlers run on whichever thread the kernel picks: each only sets a flag
 * the main loop reads (or, on the fatal paths, touches nothing but the
 * terminal), so none of them can run curses code concurrently with it.
 */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include "tui/term.h"

#include "common/mem.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

static SCREEN *screen;
static bool active, utf8;
static volatile sig_atomic_t got_signal, got_tstp, got_cont;
static int attrs[TC_COUNT];
static int click_y = -1, click_x = -1;

/* What the signal handlers need to put the terminal back on their own:
 * whether curses has the terminal now, and if it does, the modes it had
 * before and the bytes that leave the full-screen mode. */
static volatile sig_atomic_t in_curses, ending;
static struct termios saved_tio;
static bool have_tio;
static char reset_seq[256];
static size_t reset_len;

/* The themes: colours, and the attributes that stand in for them on a
 * monochrome terminal or with NO_COLOR (https://no-color.org).  Nothing is
 * told by colour alone: flags, marks and directions are also text. */
struct look {
	short fg, bg;
	int color_attr, mono_attr;
};

/* dark: for a dark background, the terminal's own colours elsewhere */
static const struct look dark[TC_COUNT] = {
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

/* light: for a light background (yellow and cyan text fade on white) */
static const struct look light[TC_COUNT] = {
	[TC_NORMAL]       = { -1, -1, A_NORMAL, A_NORMAL },
	[TC_DIM]          = { -1, -1, A_NORMAL, A_DIM },
	[TC_BOLD]         = { -1, -1, A_BOLD, A_BOLD },
	[TC_BORDER]       = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[TC_BORDER_FOCUS] = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
	[TC_TITLE]        = { -1, -1, A_BOLD, A_BOLD },
	[TC_TITLE_FOCUS]  = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[TC_HEADING]      = { COLOR_BLUE, -1, A_BOLD, A_UNDERLINE },
	[TC_CURRENT]      = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE | A_BOLD },
	[TC_PENDING]      = { -1, -1, A_NORMAL, A_DIM },
	[TC_STEP_PKT]     = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[TC_CURSOR]       = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[TC_HEX_HL]       = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE | A_UNDERLINE },
	[TC_OK]           = { COLOR_GREEN, -1, A_BOLD, A_NORMAL },
	[TC_ERROR]        = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TC_BAR]          = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[TC_KEY]          = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[TC_DIR_A]        = { COLOR_RED, -1, A_NORMAL, A_NORMAL },
	[TC_DIR_B]        = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
};

/* contrast: for a projector at the back of a room — white and bright
 * colours on black whatever the terminal's own, everything bold, no dim */
static const struct look contrast[TC_COUNT] = {
	[TC_NORMAL]       = { COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD },
	[TC_DIM]          = { COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_NORMAL },
	[TC_BOLD]         = { COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD },
	[TC_BORDER]       = { COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_NORMAL },
	[TC_BORDER_FOCUS] = { COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_BOLD },
	[TC_TITLE]        = { COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD },
	[TC_TITLE_FOCUS]  = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[TC_HEADING]      = { COLOR_YELLOW, COLOR_BLACK, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE },
	[TC_CURRENT]      = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[TC_PENDING]      = { COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_NORMAL },
	[TC_STEP_PKT]     = { COLOR_GREEN, COLOR_BLACK, A_BOLD, A_BOLD | A_UNDERLINE },
	[TC_CURSOR]       = { COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD },
	[TC_HEX_HL]       = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_REVERSE | A_UNDERLINE },
	[TC_OK]           = { COLOR_GREEN, COLOR_BLACK, A_BOLD, A_BOLD },
	[TC_ERROR]        = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
	[TC_BAR]          = { COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD },
	[TC_KEY]          = { COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_BOLD | A_UNDERLINE },
	[TC_DIR_A]        = { COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_BOLD },
	[TC_DIR_B]        = { COLOR_CYAN, COLOR_BLACK, A_BOLD, A_BOLD | A_UNDERLINE },
};

static const struct { const char *name; const struct look *look; } themes[] = {
	{ "dark", dark }, { "light", light }, { "contrast", contrast },
};
/* The wheel is buttons 4 and 5 to curses; ncurses' older mouse protocol
 * (version 1) has no button 5, and there the wheel only scrolls up. */
#define WHEEL_UP BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
#define WHEEL_DOWN BUTTON5_PRESSED
#else
#define WHEEL_DOWN 0
#endif

static const struct look *palette = dark;
static bool palette_fills;   /* the theme paints the background too (contrast) */

int term_set_theme(const char *name)
{
	for (size_t i = 0; i < sizeof themes / sizeof themes[0]; i++)
		if (strcmp(name, themes[i].name) == 0) {
			palette = themes[i].look;
			palette_fills = palette == contrast;
			return 0;
		}
	return -1;
}

const char *term_theme_names(void)
{
	return "dark, light, contrast";
}

static void setup_colors(void)
{
	const char *nc = getenv("NO_COLOR");
	bool color = has_colors() && !(nc && *nc) && start_color() == OK;
	bool dflt = color && use_default_colors() == OK;
	for (int i = 0; i < TC_COUNT; i++) {
		attrs[i] = palette[i].mono_attr;
		if (!color || (i == TC_NORMAL && !palette_fills) || i + 1 >= COLOR_PAIRS)
			continue;
		short fg = palette[i].fg, bg = palette[i].bg;
		if (!dflt) {   /* -1 means "the terminal's own" only with use_default_colors */
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)(i + 1), fg, bg);
		attrs[i] = palette[i].color_attr | (int)COLOR_PAIR(i + 1);
	}
	/* A theme with a background of its own paints every cell with it. */
	if (color && palette_fills)
		bkgdset((chtype)' ' | (chtype)COLOR_PAIR(TC_NORMAL + 1));
}

/* write(2) all of it, as far as a signal handler can. */
static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

/* Put the terminal back from a signal handler: async-signal-safe calls only. */
static void restore_from_handler(void)
{
	if (!in_curses)
		return;
	in_curses = 0;
	int saved = errno;
	write_all(STDOUT_FILENO, reset_seq, reset_len);
	if (have_tio)
		tcsetattr(STDOUT_FILENO, TCSANOW, &saved_tio);   /* NOW: never wait on output here */
	errno = saved;
}

/* Append a terminfo string capability (without its $<..> delays) to reset_seq. */
static void add_reset(const char *cap)
{
	char *v = tigetstr((char *)cap);
	if (!v || v == (char *)-1)
		return;
	for (const char *p = v; *p && reset_len < sizeof reset_seq - 1; p++) {
		if (p[0] == '$' && p[1] == '<' && strchr(p, '>')) {
			p = strchr(p, '>');
			continue;
		}
		reset_seq[reset_len++] = *p;
	}
}

static void on_stop_signal(int sig)
{
	if (got_signal || ending) {   /* the first one was not honoured, or the way out is stuck */
		restore_from_handler();
		_exit(128 + sig);
	}
	got_signal = sig;
}

static void on_tstp_signal(int sig)
{
	if (ending) {   /* no main loop any more to do it: stop as if we had no handler */
		struct sigaction dfl;
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		raise(sig);   /* blocked while this runs: stops us as soon as it returns */
		return;
	}
	got_tstp = 1;
}

static void on_cont_signal(int sig)
{
	(void)sig;
	got_cont = 1;
}

static const struct { int sig; const char *name; } fatal[] = {
	{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGILL, "SIGILL" },
	{ SIGABRT, "SIGABRT" }, { SIGQUIT, "SIGQUIT" }, { SIGSYS, "SIGSYS" }, { SIGXCPU, "SIGXCPU" },
	{ SIGXFSZ, "SIGXFSZ" },
};

static void on_fatal_signal(int sig)
{
	bool had = in_curses;
	restore_from_handler();
	if (had) {   /* the screen vanished: say why */
		const char *name = "a fatal signal";
		for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
			if (fatal[i].sig == sig)
				name = fatal[i].name;
		static const char pre[] = "sockscope: ", post[] = ": the terminal was put back\n";
		write_all(STDERR_FILENO, pre, sizeof pre - 1);
		write_all(STDERR_FILENO, name, strlen(name));
		write_all(STDERR_FILENO, post, sizeof post - 1);
	}
	/* SA_RESETHAND made the action the default again: die of the same signal. */
	raise(sig);
}

static void install_signals(void)
{
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;   /* no SA_RESTART: getch wakes up at once */
	for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
		sigaction(stop[i], &sa, NULL);
	/* Ctrl-Z, unless started without job control (SIGTSTP ignored). */
	struct sigaction old;
	if (sigaction(SIGTSTP, NULL, &old) == 0 && old.sa_handler != SIG_IGN) {
		sa.sa_handler = on_tstp_signal;
		sigaction(SIGTSTP, &sa, NULL);
	}
	sa.sa_handler = on_cont_signal;
	sigaction(SIGCONT, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;   /* NODEFER: the raise() in it is not held back */
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i].sig, &sa, NULL);
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
	ending = 0;
	/* The modes to put back from a signal handler: as they are before curses. */
	have_tio = tcgetattr(STDOUT_FILENO, &saved_tio) == 0;
	/* Ours first: ncurses installs its own SIGINT/SIGTERM/SIGTSTP handlers
	 * only where none is set. */
	install_signals();
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		const char *t = getenv("TERM");
		snprintf(err, errlen, "cannot use the terminal type '%s' (set TERM, e.g. TERM=xterm-256color)",
		         t ? t : "");
		return -1;
	}
	set_term(screen);
	/* What endwin would send, for the fatal-signal path: keypad off, plain
	 * attributes, the cursor shown, the full-screen mode left. */
	reset_len = 0;
	add_reset("rmkx");
	add_reset("sgr0");
	add_reset("cnorm");
	add_reset("rmcup");
	active = true;
	in_curses = 1;
	/* It touches nothing but the terminal, so it is safe on any thread, as
	 * the allocation that failed may be on the capture's or the lab's. */
	mem_set_oom_hook(restore_from_handler);
	static bool registered;
	if (!registered)
		atexit(term_end);
	registered = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);   /* Esc alone leaves a screen without a noticeable pause */
	/* Clicks select panes and packets, the wheel scrolls; only presses are
	 * asked for, so the terminal's own selection (Shift+drag) keeps working. */
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | WHEEL_UP | WHEEL_DOWN, NULL);
	mouseinterval(0);
	curs_set(0);
	setup_colors();
	return 0;
}

void term_end(void)
{
	if (!active)
		return;
	active = false;
	ending = 1;   /* from now on a stop signal ends the process at once */
	curs_set(1);
	endwin();
	in_curses = 0;
	mem_set_oom_hook(NULL);
	delscreen(screen);
	screen = NULL;
}

/* The window's size now: after a stop, a SIGWINCH went to the shell, not to us. */
static void catch_up_size(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    is_term_resized(ws.ws_row, ws.ws_col))
		resizeterm(ws.ws_row, ws.ws_col);
}

/* Ctrl-Z: leave curses mode, stop, and come back with everything to draw again. */
static void suspend(void)
{
	got_tstp = 0;
	in_curses = 0;
	endwin();   /* the shell's modes, the cursor shown, keypad off, the full-screen mode left */
	fflush(stdout);
	struct sigaction dfl, old;
	memset(&dfl, 0, sizeof dfl);
	sigemptyset(&dfl.sa_mask);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &dfl, &old);
	sigset_t tstp, prev;
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	pthread_sigmask(SIG_UNBLOCK, &tstp, &prev);
	raise(SIGTSTP);   /* stops the whole process here, until SIGCONT (fg) */
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	sigaction(SIGTSTP, &old, NULL);
	got_cont = 0;
	def_shell_mode();   /* what the shell left is what to put back at the end */
}

/* After a stop, ours or not: re-enter curses mode and have all drawn anew. */
static void resume(void)
{
	got_cont = 0;
	if (in_curses)   /* stopped from outside: the terminal may not be as we left it */
		endwin();
	catch_up_size();
	clearok(curscr, TRUE);
	refresh();   /* re-enters: the program's modes, keypad, the full-screen mode */
	in_curses = 1;
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
	if (got_tstp || got_cont) {
		if (got_tstp)
			suspend();
		resume();
		return got_signal ? TK_SIGNAL : TK_RESIZE;
	}
	timeout(timeout_ms);
	int ch = getch();
	if (got_signal)
		return TK_SIGNAL;
	if (got_tstp || got_cont)
		return term_getkey(0);
	if (ch == 12) {   /* Ctrl-L: draw everything again, from scratch */
		clearok(curscr, TRUE);
		return TK_RESIZE;
	}
	if (ch == KEY_MOUSE) {
		MEVENT ev;
		if (getmouse(&ev) != OK)
			return TK_NONE;
		click_y = ev.y;   /* the wheel's too: a lesson scrolls the pane under the pointer */
		click_x = ev.x;
		if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
			return TK_CLICK;
		if (ev.bstate & WHEEL_UP)
			return TK_WHEEL_UP;
		if (ev.bstate & WHEEL_DOWN)
			return TK_WHEEL_DOWN;
		return TK_NONE;
	}
	for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
		if (keymap[i].curses == ch)
			return keymap[i].key;
	return ch > 0 && ch < 127 ? ch : TK_NONE;
}

void term_click(int *y, int *x)
{
	*y = click_y;
	*x = click_x;
}

bool rect_has(struct rect r, int y, int x)
{
	return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
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

/* Lines of at most w columns, filled one piece after another. */
struct packer {
	char line[6][96];
	int n, w;
	char cur[96];
};

static void pack_flush(struct packer *p)
{
	if (p->cur[0] && p->n < (int)(sizeof p->line / sizeof p->line[0]))
		snprintf(p->line[p->n++], sizeof p->line[0], "%s", p->cur);
	p->cur[0] = '\0';
}

static void pack(struct packer *p, const char *piece)
{
	size_t cl = strlen(p->cur);
	if (cl && cl + 1 + strlen(piece) > (size_t)p->w)
		pack_flush(p);
	cl = strlen(p->cur);
	snprintf(p->cur + cl, sizeof p->cur - cl, "%s%s", cl ? " " : "", piece);
}

void term_too_small(int w, int h)
{
	/* Lines as long as the window allows; a part that does not fit on a line
	 * of its own is split in its two halves: readable down to 20 columns. */
	char need[32], have[32];
	snprintf(need, sizeof need, "need %dx%d,", TERM_MIN_W, TERM_MIN_H);
	snprintf(have, sizeof have, "have %dx%d", w, h);
	const char *parts[][2] = {
		{ "terminal too small:", NULL },
		{ need, have },
		{ "(enlarge it, or", "press q to quit)" },
	};
	struct packer p = { .w = w };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		char whole[96];
		snprintf(whole, sizeof whole, "%s%s%s", parts[i][0], parts[i][1] ? " " : "", parts[i][1] ? parts[i][1] : "");
		if ((int)strlen(whole) <= w || !parts[i][1]) {
			pack(&p, whole);
		} else {
			pack(&p, parts[i][0]);
			pack(&p, parts[i][1]);
		}
	}
	pack_flush(&p);
	int y = (h - p.n) / 2;
	y = y < 0 ? 0 : y;
	for (int i = 0; i < p.n && y + i < h; i++) {
		int len = (int)strlen(p.line[i]);
		int x = len < w ? (w - len) / 2 : 0;
		/* The first line names the trouble in the error colour. */
		bool first = strncmp(p.line[i], "terminal", 8) == 0;
		term_text(y + i, x, w - x, p.line[i], first ? TC_ERROR : TC_NORMAL, 0, false);
	}
}
