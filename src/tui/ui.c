/*
 * ui.c — the helpers every screen and pane shares: a list of display lines
 * (the one text-wrap routine lives here), scrolling, the status bar.
 */
#include "tui/ui.h"
#include "common/mem.h"
#include "common/vec.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Display width of n bytes of UTF-8 (what term_text will draw), and how many
 * of those bytes fit in maxw columns. */
static int text_width(const char *s, size_t n, int maxw, size_t *fit)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int w = 0;
	size_t used = 0;
	while (used < n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + used, n - used, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			wc = L'?';
			k = 1;
		}
		int cw = wcwidth(wc);
		cw = cw < 0 ? 1 : cw;
		if (w + cw > maxw)
			break;
		w += cw;
		used += k;
	}
	if (fit)
		*fit = used;
	return w;
}

void ui_lines_clear(struct ui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	l->n = 0;
}

void ui_lines_free(struct ui_lines *l)
{
	ui_lines_clear(l);
	free(l->v);
	*l = (struct ui_lines){ 0 };
}

void ui_lines_add(struct ui_lines *l, const char *text, enum term_color c, char mark)
{
	l->v = vec_room(l->v, l->n, &l->cap, sizeof *l->v);
	l->v[l->n++] = (struct ui_line){ xstrdup(text), c, mark };
}

void ui_lines_wrap(struct ui_lines *l, const char *text, int width, enum term_color c)
{
	int indent = (int)strspn(text, " ");
	if (width < 8)
		width = 8;
	if (indent > width / 2)
		indent = 0;
	char line[1024];
	int col = indent, len = indent, gap = 0;
	memset(line, ' ', (size_t)indent);
	const char *p = text + strspn(text, " ");
	if (!*p) {
		ui_lines_add(l, "", c, ' ');
		return;
	}
	while (*p) {
		size_t wl = strcspn(p, " ");
		size_t fit;
		int ww = text_width(p, wl, 1 << 20, NULL);
		if (col > indent && col + gap + ww > width) {   /* the word goes on the next line */
			line[len] = '\0';
			ui_lines_add(l, line, c, ' ');
			col = len = indent;
			gap = 0;
		}
		/* Keep the author's spacing between words (tables in explanations). */
		for (; gap > 0 && len < (int)sizeof line - 1; gap--, col++)
			line[len++] = ' ';
		while (wl) {   /* a word longer than the line is cut where the line ends */
			int w = text_width(p, wl, width - col, &fit);
			if (fit == 0 && col == indent)   /* not even one character fits */
				fit = 1;
			if (len + (int)fit >= (int)sizeof line - 1)
				fit = (size_t)((int)sizeof line - 1 - len);
			memcpy(line + len, p, fit);
			len += (int)fit;
			col += w;
			p += fit;
			wl -= fit;
			if (wl || len >= (int)sizeof line - 1) {
				line[len] = '\0';
				ui_lines_add(l, line, c, ' ');
				col = len = indent;
				if (len >= (int)sizeof line - 1)
					break;
			}
		}
		gap = (int)strspn(p, " ");
		p += gap;
	}
	if (len > indent || col > indent) {
		line[len] = '\0';
		ui_lines_add(l, line, c, ' ');
	}
}

void ui_lines_draw(const struct ui_lines *l, struct rect r, size_t top, int skip, bool marks)
{
	for (int row = 0; row < r.h && top + (size_t)row < l->n; row++) {
		const struct ui_line *ln = &l->v[top + (size_t)row];
		int x = r.x, w = r.w;
		if (marks) {
			char m[3] = { ln->mark ? ln->mark : ' ', ' ', '\0' };
			term_text(r.y + row, x, w < 2 ? w : 2, m, ln->color, 0, true);
			x += 2;
			w -= 2;
		}
		term_text(r.y + row, x, w, ln->text, ln->color, skip, true);
	}
}

size_t ui_scroll_into_view(size_t top, size_t first, size_t last, int h, size_t n)
{
	if (h <= 0)
		return first;
	size_t hh = (size_t)h;
	if (last - first + 1 > hh)
		return first;
	if (first < top)
		top = first;
	else if (last >= top + hh)
		top = last + 1 - hh;
	if (n <= hh)
		return 0;
	return top > n - hh ? n - hh : top;
}

void ui_status_bar(int y, int w, const char *left, const char *right)
{
	term_text(y, 0, w, "", TC_BAR, 0, true);
	int rw = text_width(right, strlen(right), 1 << 20, NULL);
	if (rw + 20 > w)   /* too narrow for both: what is going on matters more than hints */
		rw = 0;
	term_text(y, 1, w - rw - 3, left, TC_BAR, 0, false);
	if (rw)
		term_text(y, w - rw - 1, rw, right, TC_BAR, 0, false);
}

/* What the movement keys do, as ui_move answers them: the habits of less
 * and vim users (Ctrl-F/B a page, Ctrl-D/U half of one) beside the keys
 * on the keyboard's arrows block. */
enum { MV_UP = 1, MV_DOWN, MV_PGUP, MV_PGDN, MV_HALF_UP, MV_HALF_DOWN, MV_FIRST, MV_LAST, MV_WHEEL };
enum { WHEEL_LINES = 3 };

static const struct key_bind move_binds[] = {
	{ { TK_UP, 'k' }, MV_UP, "up a line", NULL },
	{ { TK_DOWN, 'j' }, MV_DOWN, "down a line", NULL },
	{ { TK_PGUP, 2 }, MV_PGUP, "up a page", NULL },
	{ { TK_PGDN, 6 }, MV_PGDN, "down a page", NULL },
	{ { 21 }, MV_HALF_UP, "up half a page", NULL },
	{ { 4 }, MV_HALF_DOWN, "down half a page", NULL },
	{ { TK_HOME, 'g' }, MV_FIRST, "the first line", NULL },
	{ { TK_END, 'G' }, MV_LAST, "the last line (a list of packets still coming: follows the new ones)", NULL },
	{ { TK_WHEEL_UP, TK_WHEEL_DOWN }, MV_WHEEL, "3 lines up or down (in a lesson: in the pane under the pointer)",
	  "mouse wheel" },
};
const struct key_table ui_keys_move = KEY_TABLE("Moving, in every list, pane and help", move_binds);

enum { HS_LEFT = 1, HS_RIGHT };
static const struct key_bind hscroll_binds[] = {
	{ { '<' }, HS_LEFT, "scroll left by 8 columns (code, packets, ladders, followed streams)", NULL },
	{ { '>' }, HS_RIGHT, "scroll right by 8 columns", NULL },
};
const struct key_table ui_keys_hscroll = KEY_TABLE("Sideways", hscroll_binds);

/* The one key map every screen keeps to, written down (each screen's own
 * table dispatches its part of it), and the keys term.c answers before
 * any screen sees a key: documented, not dispatched. */
static const struct key_bind anywhere_binds[] = {
	{ { '?' }, 0, "the help of the screen you are on", NULL },
	{ { 'q' }, 0, "leave the screen; the program, when it was started on that screen", NULL },
	{ { TK_ESC }, 0, "cancel: a prompt, a toggle's re-run, an overlay", NULL },
	{ { 'b', 'f' }, 0, "back and forward (lesson steps, also when presenting)", NULL },
	{ { ']', '[' }, 0, "the next and previous TCP connection, in every ladder", NULL },
	{ { 3 }, 0, "quit sockscope (a step still running is waited for; a second Ctrl-C does not wait)", NULL },
	{ { 26 }, 0, "suspend to the shell; fg brings the screen back", NULL },
	{ { 12 }, 0, "draw the screen again", NULL },
	{ { TK_CLICK }, 0, "focus the pane under it; on a packet's row (lesson, inspect) select that packet",
	  "mouse click" },
	{ { 0 }, 0, "a window smaller than 60x16 shows the size it needs; q there quits", "small window" },
};
const struct key_table ui_keys_anywhere = KEY_TABLE("Anywhere", anywhere_binds);

long ui_move(int key, long cur, size_t n, int page)
{
	long step = page > 1 ? page - 1 : 1;   /* a page keeps one line of context */
	long half = page > 1 ? page / 2 : 1;
	long to;
	switch (keys_action(&ui_keys_move, key)) {
	case MV_UP: to = cur - 1; break;
	case MV_DOWN: to = cur + 1; break;
	case MV_PGUP: to = cur - step; break;
	case MV_PGDN: to = cur + step; break;
	case MV_HALF_UP: to = cur - half; break;
	case MV_HALF_DOWN: to = cur + half; break;
	case MV_FIRST: to = 0; break;
	case MV_LAST: to = (long)n - 1; break;
	case MV_WHEEL: to = cur + (key == TK_WHEEL_UP ? -WHEEL_LINES : WHEEL_LINES); break;
	default: return -1;
	}
	if (to > (long)n - 1)
		to = (long)n - 1;
	return to < 0 ? 0 : to;
}

void ui_resize_size(void *self, int w, int h)
{
	struct ui_size *sz = self;
	sz->w = w;
	sz->h = h;
}

bool ui_move_key(int key, size_t *cur, size_t n, int page)
{
	long to = ui_move(key, (long)*cur, n, page);
	if (to < 0)
		return false;
	*cur = (size_t)to;
	return true;
}

bool ui_scroll_key(int key, size_t *top, size_t n, int page)
{
	/* The last page starts at n - page: that is the bottom of the scroll. */
	size_t stops = page > 0 && n > (size_t)page ? n - (size_t)page + 1 : 1;
	return ui_move_key(key, top, stops, page);
}

bool ui_hscroll_key(int key, int *skip)
{
	int a = keys_action(&ui_keys_hscroll, key);
	if (!a)
		return false;
	*skip = a == HS_LEFT ? (*skip > 8 ? *skip - 8 : 0) : *skip + 8;
	return true;
}

bool ui_input_key(struct ui_input *in, int key, bool digits)
{
	switch (key) {
	case TK_LEFT: in->cur -= in->cur > 0; return true;
	case TK_RIGHT: in->cur += in->cur < in->len; return true;
	case TK_HOME: in->cur = 0; return true;
	case TK_END: in->cur = in->len; return true;
	case TK_BACKSPACE:
		if (in->cur == 0)
			return true;
		memmove(in->buf + in->cur - 1, in->buf + in->cur, in->len - in->cur + 1);
		in->cur--;
		in->len--;
		return true;
	default:
		break;
	}
	if (key < ' ' || key > '~' || (digits && (key < '0' || key > '9')))
		return false;
	if (in->len + 1 >= sizeof in->buf)
		return true;   /* full: the key is still the field's, it just does nothing */
	memmove(in->buf + in->cur + 1, in->buf + in->cur, in->len - in->cur + 1);
	in->buf[in->cur++] = (char)key;
	in->len++;
	return true;
}

void ui_input_draw(const struct ui_input *in, int y, int x, int w)
{
	if (w < 2)
		return;
	int skip = (int)in->cur >= w ? (int)in->cur - w + 1 : 0;
	term_text(y, x, w, "", TC_BAR, 0, true);   /* the field shows as a bar, also empty */
	term_text(y, x, w, in->buf, TC_BAR, skip, false);
	char c[2] = { in->cur < in->len ? in->buf[in->cur] : ' ', '\0' };
	term_text(y, x + (int)in->cur - skip, 1, c, TC_CURSOR, 0, true);
}

struct rect ui_dialog(int sw, int sh, int w, int h, const char *title)
{
	w = w < sw - 2 ? w : sw - 2;
	h = h < sh - 2 ? h : sh - 2;
	struct rect r = { (sh - h) / 2, (sw - w) / 2, h, w };
	for (int y = 0; y < r.h; y++)
		term_text(r.y + y, r.x, r.w, "", TC_NORMAL, 0, true);
	return term_box(r, title, true);
}
