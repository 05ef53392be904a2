/*
 * ui_help.c — the help overlay: every key, from one table.
 */
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>

/* keys == NULL starts a section. */
static const struct { const char *keys, *what; } help[] = {
	{ NULL, "Lesson browser" },
	{ "Up Down  j k", "choose a lesson" },
	{ "Enter  Space", "open it (a quiz opens on its questions)" },
	{ "q", "quit sockscope" },
	{ NULL, "Lesson" },
	{ "Space  Enter", "run the next step for real (its calls, its packets)" },
	{ "", "a step with a prediction asks first: digits, Enter; Esc skips" },
	{ "b  Left  h", "back to an earlier step: its code, explanation, packets" },
	{ "f  Right  l", "forward again, up to the next step to run" },
	{ "Tab  Shift-Tab", "focus the next / previous pane (its title lights up)" },
	{ "p", "the C program, its Python equivalent, or both side by side" },
	{ "L", "packets as a ladder diagram of the TCP connection; L again: the list" },
	{ "s", "TCP state timeline: each socket's state after every step" },
	{ "t", "flip a toggle: re-run up to here and compare both runs side by side" },
	{ "", "comparing: b f other steps, Esc leaves; the lesson goes on flipped" },
	{ "Q", "after the last step: the quiz, the recap, what to try yourself" },
	{ "a", "address explorer: type an address, see its bytes, bits and class" },
	{ "q  Esc", "back to the lesson browser" },
	{ NULL, "In the focused pane" },
	{ "Up Down  j k", "move the cursor (packets, fields) or scroll" },
	{ "PgUp PgDn", "a page up / down" },
	{ "Home End  g G", "the first / last line; in packets, End follows new ones" },
	{ "< >", "scroll sideways (code, packets)" },
	{ "Enter  Left Right", "in the detail pane: fold / unfold a layer" },
	{ "", "a field the step's code set lights that code ('<')" },
	{ "c", "in the ladder: the next TCP connection, when there are several" },
	{ NULL, "Quiz" },
	{ "Up Down  a-f", "choose an answer; Enter: submit, then Enter: next" },
	{ "typing  Backspace", "a short answer; Enter submits" },
	{ "Esc", "leave (a quiz left unfinished keeps no score)" },
	{ NULL, "Inspecting a capture (sockscope inspect FILE, sockscope inspect -i IFACE)" },
	{ "Up Down  j k", "choose a packet; its fields and bytes show below" },
	{ "PgUp PgDn  g G", "a page up / down; the first / last packet" },
	{ ":", "go to packet N (typed, then Enter)" },
	{ "Tab  Shift-Tab", "focus the list, the field tree, the bytes (a byte cursor)" },
	{ "", "in the bytes: arrows move by byte; the field owning it is selected" },
	{ "/", "search the lines for a text, go to the next match (empty: none)" },
	{ "n  N", "the next / previous match, wrapping (the filter stays as it is)" },
	{ "&", "display filter, tcpdump (BPF) syntax (empty: none); a bad one keeps the old" },
	{ "t", "time column: since the first packet, of day, since the previous" },
	{ "F  Enter", "follow the TCP stream / UDP flow: -> sent by one end, <- by the other" },
	{ "c", "conversations: endpoints, packets, bytes, duration; Enter goes there" },
	{ "L", "the ladder diagram of the selected packet's TCP connection" },
	{ "m", "mark / unmark the packet ('*' in the list)" },
	{ "w", "save as pcap: the marked packets, else those shown" },
	{ "e", "export the list as text, as shown (a stream: sockscope inspect FILE --follow N)" },
	{ "S", "live capture (inspect -i): stop capturing; what was captured stays to inspect" },
	{ "", "live: on the last packet, the list follows new packets as they come" },
	{ "q", "quit" },
	{ NULL, "Presenting a lesson (sockscope present ID, or P in the browser)" },
	{ "PgDn  Space  Right", "the next step: shown if it ran, else run (a clicker's forward key)" },
	{ "PgUp  Left", "the step before (a clicker's back key)" },
	{ "n", "the teacher's notes for the step (teacher: lines of the lesson file)" },
	{ "b  .", "blank the screen; any key brings the lesson back" },
	{ "", "themes: --theme=dark|light|contrast (contrast when presenting), NO_COLOR honoured" },
	{ NULL, "Anywhere" },
	{ "mouse click", "focus the pane under it; on a packet's row (lesson, inspect) select that packet" },
	{ "?", "this help; Up/Down scroll it, any other key closes it" },
	{ "Ctrl-C", "quit sockscope" },
	{ "Ctrl-Z", "suspend to the shell; fg brings the screen back" },
	{ "Ctrl-L", "draw the screen again" },
};
enum { NHELP = sizeof help / sizeof help[0], KEYW = 20 };

struct help {
	int w, h;
	int top;
};

static void *help_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)ui, (void)arg;
	struct help *s = calloc(1, sizeof *s);
	if (!s)
		snprintf(err, errlen, "out of memory");
	return s;
}

static void help_destroy(void *self)
{
	free(self);
}

static void help_resize(void *self, int w, int h)
{
	struct help *s = self;
	s->w = w;
	s->h = h;
	s->top = 0;
}

static void help_draw(void *self)
{
	struct help *s = self;
	int bw = s->w - 4 < 76 ? s->w - 4 : 76;
	int bh = s->h - 2 < NHELP + 2 ? s->h - 2 : NHELP + 2;
	struct rect r = { (s->h - bh) / 2, (s->w - bw) / 2, bh, bw };
	for (int y = 0; y < r.h; y++)   /* blank what lies under the box */
		term_text(r.y + y, r.x, r.w, "", TC_NORMAL, 0, true);
	struct rect in = term_box(r, "Keys (? or any key closes)", true);
	for (int row = 0; row < in.h && s->top + row < NHELP; row++) {
		int i = s->top + row;
		if (!help[i].keys) {
			term_text(in.y + row, in.x + 1, in.w - 1, help[i].what, TC_HEADING, 0, false);
			continue;
		}
		term_text(in.y + row, in.x + 3, KEYW, help[i].keys, TC_KEY, 0, false);
		term_text(in.y + row, in.x + 3 + KEYW, in.w - 3 - KEYW, help[i].what, TC_NORMAL, 0, true);
	}
}

static enum ui_result help_key(void *self, int key)
{
	struct help *s = self;
	size_t top = (size_t)s->top;
	if (key != TK_ESC && key != 'q' && key != '?' && ui_scroll_key(key, &top, NHELP, s->h - 4)) {
		s->top = (int)top;
		return UI_REDRAW;
	}
	return UI_LEAVE;
}

const struct ui_screen ui_help = {
	.name = "help", .overlay = true,
	.create = help_create, .destroy = help_destroy, .resize = help_resize,
	.draw = help_draw, .handle_key = help_key,
};
